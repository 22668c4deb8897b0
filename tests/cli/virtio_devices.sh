#!/bin/sh
# Placing virtio-rng and virtio-net (emu/virtio_board.c) and starting user-mode networking:
# two devices asking for one slot, a forwarded port another process holds, or more devices
# than slots end rv39 with status 2 and one "rv39:" line on stderr, before the guest runs;
# devices that fit boot a guest that finds its rng beside a network card.
#
# Usage: sh tests/cli/virtio_devices.sh /path/to/rv39 /path/to/build
set -u
RV39=${1:?usage: virtio_devices.sh RV39 BUILD_DIR}
BUILD=${2:?usage: virtio_devices.sh RV39 BUILD_DIR}
GUEST=$BUILD/tests/guest/virtio_rng.elf
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-virtio-devices.XXXXXX") || exit 1
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$WORK"' EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

expect_error() { # WHAT TEXT ARGS...: exit 2, one line on stderr containing TEXT
    what=$1
    must_say=$2
    shift 2
    timeout 30 "$RV39" -nographic "$@" >"$WORK/out" 2>"$WORK/err" </dev/null
    status=$?
    [ "$status" -eq 2 ] || fail "$what: exit status $status, expected 2"
    [ "$(wc -l <"$WORK/err")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$WORK/err")"
    grep -q "^rv39: .*$must_say" "$WORK/err" || fail "$what: stderr '$(cat "$WORK/err")' lacks '$must_say'"
}

truncate -s 4096 "$WORK/disk.img"
expect_error "rng and drive in one slot" "virtio-mmio-bus.2 is already in use" \
    -kernel "$GUEST" -bios none -drive "file=$WORK/disk.img,id=d" \
    -device virtio-blk-device,drive=d,bus=virtio-mmio-bus.2 -device virtio-rng-device,bus=virtio-mmio-bus.2
expect_error "net and rng in one slot" "virtio-mmio-bus.5 is already in use" \
    -kernel "$GUEST" -bios none -device virtio-rng-device,bus=virtio-mmio-bus.5 \
    -nic user -device virtio-net-device,netdev=n,bus=virtio-mmio-bus.5 -netdev user,id=n
set --
for i in 0 1 2 3 4 5 6 7; do
    cp "$WORK/disk.img" "$WORK/d$i.img"
    set -- "$@" -drive "file=$WORK/d$i.img"
done
expect_error "nine devices in eight slots" "virtio-rng-device: no free virtio slot" \
    -kernel "$GUEST" -bios none "$@" -device virtio-rng-device

# A forwarded port that is taken: rv39 says so instead of running without it.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -c "
import socket, time
s = socket.socket(); s.bind(('127.0.0.1', $port)); s.listen(1)
open('$WORK/held', 'w').close(); time.sleep(60)" &
holder=$!
for _ in $(seq 1 100); do # until the port is held (python starts slowly on a busy machine)
    [ -f "$WORK/held" ] && break
    sleep 0.1
done
[ -f "$WORK/held" ] || fail "the port holder did not start"
expect_error "hostfwd onto a taken port" "hostfwd tcp:127.0.0.1:$port: cannot listen there" \
    -kernel "$GUEST" -bios none -nic "user,hostfwd=tcp:127.0.0.1:$port-:22"

# Devices that fit: the rng guest finds its device in the slot it was given, next to a card.
timeout 30 "$RV39" -nographic -bios none -kernel "$GUEST" -nic user \
    -global virtio-mmio.force-legacy=false -device virtio-rng-device,bus=virtio-mmio-bus.6 >"$WORK/out" 2>&1 </dev/null
status=$?
[ "$status" -eq 0 ] || fail "rng in slot 6 beside a network card: status $status: $(cat "$WORK/out")"
grep -q "virtio_rng: .* checks passed" "$WORK/out" || fail "the rng guest did not pass"

[ "$failures" -eq 0 ] || exit 1
echo "virtio_devices.sh: all checks passed"
