#!/usr/bin/env python3
"""Write the seed corpus of fuzz_virtio (tests/fuzz/corpus/fuzz_virtio): a driver that brings
the device up as the virtio spec's "Device Initialization" says, sets up a 16-entry split
virtqueue and submits block requests, in the input format fuzz_virtio.c documents.

    python3 tests/fuzz/seeds_virtio.py tests/fuzz/corpus/fuzz_virtio
"""
import os
import struct
import sys

RAM = 0x80000000
DESC, AVAIL, USED = 0x000, 0x100, 0x130  # 16 descriptors, avail and used rings
HDR, STATUS, DATA, TABLE, ID = 0x1C0, 0x1F0, 0x200, 0x400, 0x440
NEXT, WRITE, INDIRECT = 1, 2, 4
T_IN, T_OUT, T_FLUSH, T_GET_ID = 0, 1, 4, 8


def op(kind, offset, value, width=4):
    code = kind | {1: 0, 2: 1, 4: 2, 8: 3}[width] << 2
    return struct.pack("<BHQ", code, offset, value)


def mmio(offset, value, width=4):
    return op(0, offset, value, width)


def read(offset, width=4):
    return op(1, offset, 0, width)


def submit(head, times=1, notify=True):
    return op(3, head, (times - 1) | (16 if notify else 0))


def queue(index, num, desc, avail, used):
    ops = [mmio(0x30, index), read(0x34), mmio(0x38, num)]
    ops += [mmio(0x80, RAM + desc), mmio(0x84, 0), mmio(0x90, RAM + avail), mmio(0x94, 0)]
    return ops + [mmio(0xA0, RAM + used), mmio(0xA4, 0), mmio(0x44, 1)]


def bring_up(num=16, features=0x10000244, queues=None):
    ops = [mmio(0x70, 0), mmio(0x70, 1), mmio(0x70, 3), read(0x000), read(0x008)]
    ops += [mmio(0x14, 0), read(0x10), mmio(0x14, 1), read(0x10)]
    # Accept what the device offers (blk: SEG_MAX, BLK_SIZE, FLUSH, INDIRECT_DESC); VERSION_1.
    ops += [mmio(0x24, 0), mmio(0x20, features), mmio(0x24, 1), mmio(0x20, 1)]
    ops += [mmio(0x70, 0xB), read(0x70)]
    for q in queues or [(0, num, DESC, AVAIL, USED)]:
        ops += queue(*q)
    ops += [mmio(0x70, 0xF)]
    ops += [read(0x100, 8), read(0x114), read(0x114, 1)]  # capacity, seg_max, blk_size
    return ops


class Image:
    def __init__(self):
        self.b = bytearray(0x460)

    def put(self, off, data):
        self.b[off:off + len(data)] = data

    def desc(self, i, addr, length, flags, nxt=0, table=DESC):
        self.put(table + 16 * i, struct.pack("<QIHH", RAM + addr, length, flags, nxt))

    def header(self, slot, typ, sector):
        self.put(HDR + 16 * slot, struct.pack("<IIQ", typ, 0, sector))


def requests():
    img = Image()
    img.put(DATA, bytes((i * 13 + 5) & 0xFF for i in range(512)))
    # 0-2: write sector 3 (header, data, status)
    img.header(0, T_OUT, 3)
    img.desc(0, HDR, 16, NEXT, 1)
    img.desc(1, DATA, 512, NEXT, 2)
    img.desc(2, STATUS + 0, 1, WRITE)
    # 3-5: read sector 3 back over the same buffer
    img.header(1, T_IN, 3)
    img.desc(3, HDR + 16, 16, NEXT, 4)
    img.desc(4, DATA, 512, WRITE | NEXT, 5)
    img.desc(5, STATUS + 1, 1, WRITE)
    # 6: an indirect table writing sector 31 (the last)
    img.desc(6, TABLE, 48, INDIRECT)
    img.put(HDR + 32, struct.pack("<IIQ", T_OUT, 0, 31))
    img.desc(0, HDR + 32, 16, NEXT, 1, table=TABLE)
    img.desc(1, DATA, 512, NEXT, 2, table=TABLE)
    img.desc(2, STATUS + 2, 1, WRITE, table=TABLE)
    # 7-8: GET_ID; 9-10: FLUSH (header and status in one descriptor pair)
    img.header(3, T_GET_ID, 0)
    img.desc(7, HDR + 48, 16, NEXT, 8)
    img.desc(8, ID, 21, WRITE)  # 20 bytes of id, then the status byte
    img.header(4, T_FLUSH, 0)
    img.desc(9, HDR + 64, 16, NEXT, 10)
    img.desc(10, STATUS + 4, 1, WRITE)
    # 11-13: a write past the end of the disk (IOERR)
    img.header(5, T_OUT, 32)
    img.desc(11, HDR + 80, 16, NEXT, 12)
    img.desc(12, DATA, 512, NEXT, 13)
    img.desc(13, STATUS + 5, 1, WRITE)
    return img


def seed(readonly, img, ops, device=0, extra=0):
    config = readonly | device << 1 | extra
    return bytes([config]) + struct.pack("<H", len(img.b)) + bytes(img.b) + b"".join(ops)


RNG, NET, INPUT = 1, 2, 3
GPU = 8  # config bit 4: device 4
TABLET = 8  # config bit 3 with the input device


def rng_seeds():
    """virtio-rng: chains of writable buffers, one with a readable buffer first, an indirect
    one, one reaching past RAM."""
    img = Image()
    img.desc(0, DATA, 64, WRITE | NEXT, 1)
    img.desc(1, DATA + 64, 100, WRITE)
    img.desc(2, HDR, 16, NEXT, 3)  # readable: skipped, never read
    img.desc(3, DATA + 200, 32, WRITE)
    img.desc(4, TABLE, 32, INDIRECT)
    img.desc(0, DATA + 300, 16, WRITE | NEXT, 1, table=TABLE)
    img.desc(1, ID, 8, WRITE, table=TABLE)
    img.desc(5, 0x3F00, 0x1000, WRITE)  # runs past the end of RAM
    ops = bring_up(features=0x10000000) + [submit(0), submit(2), submit(4), submit(5)]
    ops += [read(0x60), mmio(0x64, 3)]
    return img, ops


# virtio-net: receive queue 0 at DESC/AVAIL/USED, transmit queue 1 at 0x600/0x700/0x730.
TX_DESC, TX_AVAIL, TX_USED, FRAME = 0x600, 0x700, 0x740, 0x800


def deliver(length, fill=0):
    return op(3, 0, 64 | length << 8 | fill << 24, 8)


def inject(what):
    return op(3, 0, 64 | what << 8, 8)


def input_seeds(tablet):
    """virtio-input: four 8-byte event buffers, one too small, statusq with an LED event;
    the config space asked for name, ids, EV_BITS and ABS_INFO."""
    img = Image()
    img.b.extend(bytes(0x1000 - len(img.b)))
    for i in range(4):
        img.desc(i, DATA + 8 * i, 8, WRITE)
    img.desc(4, DATA + 64, 4, WRITE)  # too small for an event
    img.desc(0, DATA + 128, 8, 0, table=TX_DESC)  # an LED event on the statusq
    qs = [(0, 16, DESC, AVAIL, USED), (1, 16, TX_DESC, TX_AVAIL, TX_USED)]
    ops = bring_up(features=0, queues=qs)
    for select, subsel in ((1, 0), (3, 0), (0x11, 1), (0x11, 3), (0x12, 0), (0x12, 1)):
        ops += [op(0, 0x100, select | subsel << 8, 2), read(0x102, 1), read(0x108, 8)]
    ops += [submit(4, notify=False)] + [submit(h, notify=False) for h in range(4)]
    ops += [mmio(0x50, 0)]
    if tablet:
        ops += [inject(100 | 200 << 16 | 1 << 32 | 1 << 33 | 1 << 34), inject(5 | 6 << 16)]
    else:
        ops += [inject(4 | 1 << 8), inject(4), inject(224 | 1 << 8), inject(255)]
    ops += [submit(0), op(3, 0, 16 | 32)] + [read(0x60), mmio(0x64, 3)]
    return img, ops


def gpu_seeds(commands):
    """virtio-gpu: each command a chain of a request and a response buffer."""
    img = Image()
    img.b.extend(bytes(0x3E00 - len(img.b)))  # the length field is taken mod 16 KiB
    img.put(0x2000, bytes((i * 7) & 0xFF for i in range(512)))  # the backing's pixels
    for i, req in enumerate(commands):
        img.put(0x1000 + 0x80 * i, req)
        img.desc(2 * i, 0x1000 + 0x80 * i, len(req), NEXT, 2 * i + 1)
        img.desc(2 * i + 1, 0x3000 + 0x1A0 * i, 0x1A0, WRITE)
    qs = [(0, 16, DESC, AVAIL, USED), (1, 16, TX_DESC, TX_AVAIL, TX_USED)]
    ops = bring_up(features=0, queues=qs) + [read(0x108), read(0x10C)]
    ops += [submit(2 * i) for i in range(len(commands))] + [read(0x60), mmio(0x64, 3)]
    return img, ops


def gpu_cmd(kind, *fields, fence=0):
    flags = 1 if fence else 0
    return struct.pack("<IIQIB3x", kind, flags, fence, 0, 0) + b"".join(fields)


def u32(*v):
    return struct.pack("<%dI" % len(v), *v)


def gpu_good():
    backing = u32(1, 2) + struct.pack("<QII", RAM + 0x2000, 256, 0) + struct.pack(
        "<QII", RAM + 0x2100, 256, 0)
    return gpu_seeds([
        gpu_cmd(0x100),  # GET_DISPLAY_INFO
        gpu_cmd(0x101, u32(1, 2, 16, 8)),  # RESOURCE_CREATE_2D id 1, B8G8R8X8, 16 x 8
        gpu_cmd(0x106, backing),  # ATTACH_BACKING: two entries
        gpu_cmd(0x105, u32(0, 0, 16, 8), struct.pack("<QII", 0, 1, 0)),  # TRANSFER_TO_HOST_2D
        gpu_cmd(0x103, u32(0, 0, 16, 8, 0, 1)),  # SET_SCANOUT 0 to resource 1
        gpu_cmd(0x104, u32(2, 2, 8, 4, 1, 0), fence=7),  # RESOURCE_FLUSH, fenced
        gpu_cmd(0x107, u32(1, 0)),  # DETACH_BACKING
        gpu_cmd(0x102, u32(1, 0)),  # RESOURCE_UNREF
    ])


def gpu_bad():
    outside = u32(1, 1) + struct.pack("<QII", RAM + 0x3F00, 0x1000, 0)
    return gpu_seeds([
        gpu_cmd(0x101, u32(1, 4, 8, 8)),  # X8R8G8B8 8 x 8
        gpu_cmd(0x101, u32(1, 2, 4, 4)),  # the same id again
        gpu_cmd(0x106, outside),  # backing reaching past RAM
        gpu_cmd(0x105, u32(4, 4, 8, 8), struct.pack("<QII", 0, 1, 0)),  # no backing, outside
        gpu_cmd(0x103, u32(0, 0, 9, 8, 1, 1)),  # scanout 1; then a rect too wide
        gpu_cmd(0x101, u32(2, 99, 16384, 16384)),  # unknown format, too big
        gpu_cmd(0x999),  # unknown command
        gpu_cmd(0x106, u32(1, 0xFFFFFFFF)),  # absurd entry count
    ])


def net_seeds():
    img = Image()
    img.b.extend(bytes(0x1000 - len(img.b)))
    img.desc(0, 0x1000, 1526, WRITE)  # a full-size receive buffer
    img.desc(1, 0x1800, 12, WRITE | NEXT, 2)  # header and frame apart
    img.desc(2, 0x2000, 0x600, WRITE)
    img.desc(3, ID, 20, WRITE)  # too small for any frame
    img.desc(0, FRAME, 12 + 60, 0, table=TX_DESC)  # header + 60-byte frame
    img.put(FRAME + 12, bytes(range(60)))
    img.desc(1, FRAME, 12, NEXT, 2, table=TX_DESC)  # header alone, then the frame
    img.desc(2, FRAME + 12, 60, 0, table=TX_DESC)
    img.desc(3, FRAME, 20, 0, table=TX_DESC)  # too short to be a frame
    qs = [(0, 16, DESC, AVAIL, USED), (1, 16, TX_DESC, TX_AVAIL, TX_USED)]
    up = bring_up(features=1 << 5 | 1 << 16, queues=qs)
    tx = [op(3, h, 16 | 32) for h in (0, 1, 3)]
    rx = [submit(0, notify=False), submit(1, notify=False), submit(3, notify=False)]
    ops = up + [deliver(60, 1)] + rx + [mmio(0x50, 0), deliver(1514, 2), deliver(42, 3)]
    ops += [deliver(100), submit(0)] + tx + [read(0x60), mmio(0x64, 3)]
    return img, ops


LEGACY = 32  # config bit 5: the legacy interface (version 1)
PAGE = 0x200  # the legacy seeds' GuestPageSize: every ring area above starts on one


def legacy_bring_up(features=0x10000244, queues=((0, 16, DESC, 16),)):
    """virtio 1.2, 4.2.4 "Legacy interface": no FEATURES_OK; GuestPageSize, then per queue
    QueueNum, QueueAlign and QueuePFN. With QueueAlign 16 (64 for the net's transmit queue)
    the rings land where the modern seeds put them (2.7 "Legacy Interfaces: A Note on
    Virtqueue Layout")."""
    ops = [mmio(0x70, 0), mmio(0x70, 1), mmio(0x70, 3), read(0x004), read(0x008)]
    ops += [mmio(0x14, 0), read(0x10), mmio(0x14, 1), read(0x10)]
    ops += [mmio(0x24, 0), mmio(0x20, features), mmio(0x28, PAGE)]
    for index, num, desc, align in queues:
        ops += [mmio(0x30, index), read(0x34), read(0x40), mmio(0x38, num), mmio(0x3C, align)]
        ops += [mmio(0x40, (RAM + desc) // PAGE), read(0x40), read(0x44)]
    return ops + [mmio(0x70, 7), read(0x100, 8)]


def legacy_hostile():
    """Hostile legacy values: page sizes of 0, 3 and 2^31, page numbers past RAM, alignments
    of 0, 3, 2 and 2^31, odd and oversized queue sizes, PFN 0, modern registers, resets."""
    ops = legacy_bring_up()
    for reg, value in ((0x28, 1 << 31), (0x40, 0xFFFFFFFF), (0x28, 0), (0x40, RAM + 8),
                       (0x40, RAM), (0x3C, 3), (0x3C, 0), (0x3C, 2), (0x3C, 1 << 31),
                       (0x3C, 16), (0x38, 12), (0x38, 0), (0x38, 0x10000), (0x38, 16),
                       (0x28, 3), (0x40, RAM // 4), (0x28, PAGE), (0x40, RAM // PAGE + 31),
                       (0x40, 0), (0x80, 0x1000), (0x44, 1), (0x70, 0)):
        ops += [mmio(reg, value), read(0x40), read(0x70), submit(0)]
    return ops + legacy_bring_up() + [submit(0), submit(3), read(0x60), mmio(0x64, 1)]


def main(out):
    os.makedirs(out, exist_ok=True)
    img = requests()
    ack = [read(0x60), mmio(0x64, 1)]
    all_heads = [submit(h, notify=False) for h in (0, 3, 6, 7, 9, 11)] + [mmio(0x50, 0)] + ack
    seeds = {
        "write_read": bring_up() + [submit(0), submit(3)] + ack,
        "all_kinds": bring_up() + all_heads,
        "many": bring_up() + [submit(0, 16), submit(3, 16), submit(6, 16)] + ack,
        "readonly": bring_up() + all_heads,
        "reset_and_again": bring_up() + all_heads + [mmio(0x70, 0)] + bring_up() + all_heads,
    }
    for name, ops in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(seed(1 if name == "readonly" else 0, img, ops))
    # A chain that loops (descriptor 14 -> 15 -> 14): the device must stop, needing reset.
    loop = requests()
    loop.desc(14, HDR, 16, NEXT, 15)
    loop.desc(15, DATA, 512, NEXT, 14)
    with open(os.path.join(out, "loop"), "wb") as f:
        f.write(seed(0, loop, bring_up() + [submit(14)] + ack))
    ack_all = [read(0x60), mmio(0x64, 1)]
    legacy = {
        "legacy_write_read": (img, legacy_bring_up() + [submit(0), submit(3)] + ack_all),
        "legacy_early_notify": (img, legacy_bring_up()[:-2] + all_heads + [mmio(0x70, 7)]),
        "legacy_hostile": (img, legacy_hostile()),
        # The modern interface ignores the legacy registers.
        "modern_ignores_legacy": (img, [mmio(0x28, PAGE), mmio(0x3C, 16), mmio(0x40, RAM // PAGE)]
                                  + bring_up() + [read(0x40), mmio(0x40, 0), submit(0)] + ack),
    }
    for name, (image, ops) in legacy.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(seed(0, image, ops, 0, 0 if name.startswith("modern") else LEGACY))
    net_img, net_ops = net_seeds()
    up = len(bring_up(features=1 << 5 | 1 << 16, queues=[(0, 16, DESC, AVAIL, USED),
                                                          (1, 16, TX_DESC, TX_AVAIL, TX_USED)]))
    net_legacy = legacy_bring_up(1 << 5, ((0, 16, DESC, 16), (1, 16, TX_DESC, 64)))
    with open(os.path.join(out, "legacy_net"), "wb") as f:
        f.write(seed(0, net_img, net_legacy + net_ops[up:], NET, LEGACY))
    for name, (img, ops), device, extra in (
        ("rng", rng_seeds(), RNG, 0),
        ("net", net_seeds(), NET, 0),
        ("keyboard", input_seeds(False), INPUT, 0),
        ("tablet", input_seeds(True), INPUT, TABLET),
        ("gpu", gpu_good(), 0, GPU << 1),
        ("gpu_bad", gpu_bad(), 0, GPU << 1),
    ):
        with open(os.path.join(out, name), "wb") as f:
            f.write(seed(0, img, ops, device, extra))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus/fuzz_virtio")
