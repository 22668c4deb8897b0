#!/bin/sh
# net.sh RV39 CACHE [OPTION...]: Debian's riscv64 kernel on rv39 with virtio-net on user-mode networking
# (libslirp) and virtio-rng, QEMU's command line:
#   -netdev user,id=n0,hostfwd=tcp:127.0.0.1:FWD-:8080 -device virtio-net-device,netdev=n0
#   -device virtio-rng-device
# and the busybox initramfs with Debian's virtio_net and virtio-rng modules. At the console:
#   - udhcpc gets a lease from slirp's DHCP server: `ip addr` shows 10.0.2.15/24, the lease
#     names the router 10.0.2.2 and the DNS server 10.0.2.3;
#   - busybox wget fetches a page (with a token no earlier run could have left) from a
#     `python3 -m http.server` this script runs on the host's 127.0.0.1, as 10.0.2.2 (TCP);
#   - busybox tftp fetches another token from a one-file TFTP server on the host (UDP);
#   - nslookup through slirp's DNS (10.0.2.3) finds the Debian mirror's address as the host does;
#   - the host reaches busybox httpd in the guest through the forwarded port, and reads the
#     guest's token;
#   - the kernel picked virtio_rng as its hardware RNG and /dev/hwrng reads 64 bytes that are
#     not all zero;
#   - poweroff -f ends rv39 with status 0.
# OPTIONs go to rv39 too: ctest runs it with the default legacy virtio-mmio (virtio-net's
# 10-byte header) and with -global virtio-mmio.force-legacy=false (VERSION_1, 12 bytes).
set -u
RV39=${1:?usage: net.sh RV39 CACHE [OPTION...]}
CACHE=${2:?usage: net.sh RV39 CACHE [OPTION...]}
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/linux/console.sh
. "$HERE/console.sh" # console_start, wait_for, console_wait

sh "$HERE/fetch.sh" "$CACHE" || exit 1
# The Debian mirror's host name (fetch.sh's apt source), for the DNS check.
MIRROR_HOST=$(sed -n 's|^deb \[[^]]*\] [a-z]*://\([^/:]*\).*|\1|p' "$CACHE/apt/sources.list" 2>/dev/null)
if [ -z "$MIRROR_HOST" ]; then
    echo "FAIL: net: no mirror host name in $CACHE/apt/sources.list (fetch.sh writes it)"
    exit 1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rv39-net.XXXXXX") || exit 1
server=
pid=
cleanup() {
    [ -n "$server" ] && kill "$server" "$tftp_server" 2>/dev/null
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# The DHCP client's hook: busybox udhcpc leaves configuring the interface to a script.
cat >"$WORK/udhcpc.script" <<'HOOK'
#!/bin/sh
case "$1" in
bound | renew)
    ifconfig "$interface" "$ip" netmask "$subnet"
    for r in $router; do route add default gw "$r" dev "$interface"; done
    echo "lease: ip=$ip router=$router dns=$dns"
    ;;
esac
HOOK
chmod +x "$WORK/udhcpc.script"
EXTRA_PROGRAMS="$WORK/udhcpc.script" sh "$HERE/initramfs.sh" "$CACHE" "$WORK/initrd.gz" \
    virtio_mmio virtio_net virtio_rng || exit 1

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
HOST_TOKEN="rv39-host-$$-$(date +%s)"
GUEST_TOKEN="rv39-guest-$$-$(date +%s)"
mkdir -p "$WORK/www"
echo "$HOST_TOKEN" >"$WORK/www/page.txt"
WEB=$(free_port)
FWD=$(free_port)
python3 -m http.server "$WEB" --bind 127.0.0.1 --directory "$WORK/www" \
    >"$WORK/http.log" 2>&1 &
server=$!
# Outbound UDP: a TFTP server (RFC 1350) for one read request, one block, on 127.0.0.1.
UDP_TOKEN="rv39-udp-$$-$(date +%s)"
TFTP=$(free_port)
python3 - "$TFTP" "$UDP_TOKEN" >"$WORK/tftp.log" 2>&1 <<'PY' &
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(600)
request, peer = s.recvfrom(600)
assert struct.unpack("!H", request[:2])[0] == 1, "not a read request"  # RRQ
print("RRQ", request[2:].split(b"\0")[0].decode(), flush=True)
s.sendto(struct.pack("!HH", 3, 1) + (sys.argv[2] + "\n").encode(), peer)  # DATA, block 1
ack, _ = s.recvfrom(600)
print("ACK", struct.unpack("!HH", ack[:4]), flush=True)
PY
tftp_server=$!

LOG="$WORK/net.log"
failures=0
fail() {
    echo "FAIL: net: $*"
    failures=$((failures + 1))
}
console_start "$LOG" "$RV39" -M virt -m 512M -nographic -kernel "$CACHE/Image" -initrd "$WORK/initrd.gz" \
    -append "console=ttyS0" \
    -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$FWD-:8080" -device virtio-net-device,netdev=n0 \
    -device virtio-rng-device "$@"
pid=$console_pid

if wait_for "initramfs: ready" 300 && wait_for "# " 30; then
    # Each answer is waited for by text the typed line itself does not contain.
    printf 'ip link set eth0 up; udhcpc -i eth0 -n -q -t 10 -s /bin/udhcpc.script; echo dhcp-$((1+1))\n' >&3
    wait_for "dhcp-2" 120 || fail "udhcpc did not finish"
    grep -qa "lease: ip=10.0.2.15 router=10.0.2.2 dns=10.0.2.3" "$LOG" ||
        fail "no DHCP lease 10.0.2.15 / router 10.0.2.2 / DNS 10.0.2.3"
    printf 'ip addr show eth0; echo addr-$((2+1))\n' >&3
    wait_for "addr-3" 30 || fail "ip addr did not answer"
    grep -qa "inet 10.0.2.15/24" "$LOG" || fail "ip addr shows no 10.0.2.15/24"

    printf 'wget -q -O - http://10.0.2.2:%s/page.txt\n' "$WEB" >&3
    wait_for "$HOST_TOKEN" 60 || fail "wget did not fetch the page from the host's server"

    printf 'tftp -g -r token.txt -l /tmp/udp.txt 10.0.2.2 %s && cat /tmp/udp.txt\n' "$TFTP" >&3
    wait_for "$UDP_TOKEN" 60 || fail "tftp did not fetch the token from the host's server"

    # DNS through slirp's resolver at 10.0.2.3, which asks the host's: the name of the Debian
    # mirror fetch.sh downloaded from (so this host resolves it) must come back with one of
    # the addresses the host itself finds for it.
    printf 'nslookup %s 10.0.2.3 | grep -v ":53" | sed -n "s/^Address:[[:space:]]*/dns=/p"; echo dns-$((5+1))\n' \
        "$MIRROR_HOST" >&3
    wait_for "dns-6" 60 || fail "nslookup did not answer"

    printf 'mkdir -p /www; echo %s > /www/guest.txt; httpd -p 8080 -h /www; echo httpd-$((3+1))\n' \
        "$GUEST_TOKEN" >&3
    wait_for "httpd-4" 30 || fail "httpd did not start"
    got=$(python3 - "$FWD" <<'PY'
import sys, time, urllib.request
for attempt in range(30):
    try:
        url = "http://127.0.0.1:%s/guest.txt" % sys.argv[1]
        print(urllib.request.urlopen(url, timeout=10).read().decode().strip())
        break
    except OSError:
        time.sleep(1)
PY
)
    [ "$got" = "$GUEST_TOKEN" ] ||
        fail "the host read '$got' through hostfwd, expected the guest's token"

    printf 'cat /sys/class/misc/hw_random/rng_current; head -c 64 /dev/hwrng | od -An -tx1 | tr -d " \\n" | sed "s/^/hwrng=/"; echo; echo rng-$((4+1))\n' >&3
    wait_for "rng-5" 60 || fail "/dev/hwrng did not answer"
    printf 'poweroff -f\n' >&3
else
    fail "no shell"
fi

console_wait 60
status=$?
[ -z "$console_killed" ] || fail "still running 60 s after poweroff"
pid=
[ "$status" -eq 0 ] || fail "exit status $status after poweroff -f, expected 0"
grep -qa "^virtio_rng" "$LOG" || fail "the kernel's current hardware RNG is not virtio_rng"
dns_ok=
for address in $(sed -n 's/^dns=\([0-9.]*\).*/\1/p' "$LOG" | tr -d '\r'); do
    getent ahostsv4 "$MIRROR_HOST" | grep -q "^$address " && dns_ok=yes
done
[ -n "$dns_ok" ] || fail "the guest's DNS lookup of $MIRROR_HOST through 10.0.2.3 gave none of the host's addresses ($(getent ahostsv4 "$MIRROR_HOST" | awk '{print $1}' | sort -u | tr '\n' ' '))"
hex=$(sed -n 's/^hwrng=\([0-9a-f]*\).*/\1/p' "$LOG" | tr -d '\r' | head -n 1)
[ "${#hex}" -eq 128 ] || fail "/dev/hwrng gave '${hex}', expected 64 bytes"
[ -n "$(echo "$hex" | tr -d 0)" ] || fail "/dev/hwrng gave only zeros"
grep -qa "GET /page.txt" "$WORK/http.log" || fail "the host's server saw no GET /page.txt"
grep -qa "ACK (4, 1)" "$WORK/tftp.log" || fail "the TFTP server got no acknowledgement"
if [ "$failures" -ne 0 ]; then
    echo "--- last lines of the console:"
    tail -n 40 "$LOG"
    exit 1
fi
echo "net.sh: all checks passed"
