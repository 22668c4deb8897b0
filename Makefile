# Thin wrapper over CMake: `make run` boots our kernel to its shell, `make test` runs every test.
# Both first make sure the Debian packages are installed (tests/scripts/deps.sh).

BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Default per-test limit for ctest; tests with their own TIMEOUT property keep theirs.
TEST_TIMEOUT ?= 300
# Alternating runs per workload and emulator for `make bench`.
RUNS ?= 3
# `make fuzz`: seconds of fuzzing per target, and clang's build directory.
FUZZ_SECONDS ?= 60
FUZZ_BUILD ?= build-fuzz

.PHONY: all build deps run debian test test-sanitize bench fuzz difftest clean

all: build

deps:
	@sh tests/scripts/deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

# Our kernel on rv39's built-in SBI firmware: the shell in the SDL window when there is a
# display, on the terminal otherwise (rv39 decides; --nographic forces the terminal).
run: build
	cp --sparse=always $(BUILD)/firmware/disk.img $(BUILD)/disk.img   # a fresh copy of the demo disk
	$(BUILD)/rv39 --drive file=$(BUILD)/disk.img

# Debian trixie (its riscv64 kernel, an initramfs that loads the virtio and ext4 modules, and a
# whole root file system made by mmdebstrap: tests/linux/rootfs.sh) to systemd's login prompt
# on the terminal; log in as root, no password. Downloads and the pristine image are cached in
# $(BUILD)/linux-cache; $(BUILD)/debian.img is yours and persists (delete it to start afresh).
LINUX_CACHE = $(BUILD)/linux-cache
debian: build
	sh tests/linux/rootfs.sh $(LINUX_CACHE)
	sh tests/linux/initramfs.sh $(LINUX_CACHE) $(LINUX_CACHE)/initrd.gz
	[ -e $(BUILD)/debian.img ] || cp --sparse=always $(LINUX_CACHE)/debian.img $(BUILD)/debian.img
	$(BUILD)/rv39 -M virt -m 1G -nographic -kernel $(LINUX_CACHE)/Image -initrd $(LINUX_CACHE)/initrd.gz \
	    -append "console=ttyS0 root=/dev/vda rw" \
	    -drive file=$(BUILD)/debian.img,format=raw,id=hd0 -device virtio-blk-device,drive=hd0

# Tests run headless: on a desktop, guests under test must not open windows (the window tests
# bring their own X server through xvfb-run).
HEADLESS = env -u DISPLAY -u WAYLAND_DISPLAY
# A test that fails is run once more before it counts as failed: the X11 window tests depend
# on Xvfb and xdotool timing on a loaded machine. A test failing twice fails the run.
CTEST_FLAGS = --output-on-failure --timeout $(TEST_TIMEOUT) -j $(JOBS) --repeat until-pass:2

test: build
	$(HEADLESS) ctest --test-dir $(BUILD) $(CTEST_FLAGS)

test-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DRV39_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	$(HEADLESS) ctest --test-dir $(ASAN_BUILD) $(CTEST_FLAGS)

# Every workload of tests/bench on rv39 and QEMU, alternating RUNS times: a table on the
# terminal and in $(BUILD)/bench/ (bench.md, bench.csv, bench.png).
bench: build
	sh tests/bench/run_all.sh $(BUILD) $(RUNS)

# Every tests/fuzz target under libFuzzer (clang, ASan, UBSan) for FUZZ_SECONDS each, one after
# the other, growing $(FUZZ_BUILD)/fuzz/corpus from the committed seeds; a summary line per
# target at the end, and failure if any crashed (tests/fuzz/README.md).
fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release -DRV39_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Random programs on rv39 (JIT on and off) and QEMU, their final states compared
# (tests/difftest): programs 0..N-1 of SEED (a new seed each run unless given), or program
# PROG of SEED alone to re-run a divergence.
N ?= 2000
SEED ?= $(shell date +%s)
PROG ?=
difftest: build
	sh tests/difftest/run.sh $(BUILD) $(N) $(SEED) $(PROG)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
