#!/usr/bin/env python3
"""Seed inputs for tests/fuzz/fuzz_cpu.c, written into tests/fuzz/corpus/fuzz_cpu/.

Each seed is a program in the byte format build() reads there (header, registers, page
tables, then instruction templates), aimed at what random bytes find slowly: misaligned
accesses of every size in virtual page 0 and in fast-TLB slots just emptied by sfence.vma or a
satp write, PTE rewrites with and without sfence.vma, superpages (misaligned ones too),
reserved PTE bits, PPNs outside RAM, MPRV/SUM/MXR, privilege changes, interrupts,
self-modifying code, AMOs, compressed and FP accesses.

    python3 tests/fuzz/fuzz_cpu_seeds.py   # rewrites the seeds
"""
import os
import random
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_cpu")
PRIV = {"U": 0, "S": 1, "M": 3}
# PTE flag bits and the template numbers of put_template() in fuzz_cpu.c
V, R, W, X, U, G, A, D = (1 << i for i in range(8))
LOAD, STORE, ALUI, ALUR, BRANCH, JUMP, RVC, RAW, CSR, SYS = 0, 4, 8, 10, 13, 15, 16, 19, 20, 22
SFENCE, SATP, PTE_STORE, PRIVSW, AMO, FPMEM, LI_ADDR, LI_SPECIAL = 23, 24, 25, 26, 27, 28, 30, 31
# pick_va() classes
VA_PAGE0, VA_LOW, VA_CODE, VA_DATA, VA_TABLE, VA_MEGA, VA_TOP, VA_RAM_END = 0, 2, 3, 4, 6, 7, 8, 9
VA_NONCANON, VA_UNMAPPED, VA_STRADDLE, VA_ODD, VA_SHIFTED = 10, 11, 12, 13, 14


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


def header(priv="M", sv39=True, sum_=0, mxr=0, mprv=0, svade=0, fs_dirty=0, mpp=0, spp=0,
           mie=0, sie=0, tvm=0, tw=0, tsr=0, medeleg=0, mideleg=0, mie_bits=0, mip=0, root=0,
           asid=1, fcsr=0, budget=16, chunk=9, threshold=1, seed=1, tlb=0):
    """tlb: 0 the default model TLB, 4..7 tiny ones (fuzz_cpu.c's shapes[])."""
    f0 = PRIV[priv] | sum_ << 3 | mxr << 4 | mprv << 5 | svade << 6 | fs_dirty << 7
    f1 = mpp | spp << 2 | mie << 3 | sie << 4 | tvm << 5 | tw << 6 | tsr << 7
    sb = root << 4 if sv39 else 0x80
    # cb % 10 picks the chunk, bit 7 the threshold (2 when set)
    cb = next(c for c in range(256) if c % 10 == chunk and bool(c & 0x80) == (threshold == 2))
    return (bytes([f0, f1]) + u16(medeleg) + bytes([mideleg]) + u16(mie_bits) + bytes([mip, sb])
            + u16(asid) + bytes([fcsr, budget % 33, cb]) + struct.pack("<Q", seed | tlb << 61))


def registers(addr=None, other=None):
    """addr: {8..15: (class | k << 4, offset)}; other: {reg: byte} (< 64: the value itself)."""
    addr, other = addr or {}, other or {}
    out = b""
    for r in range(1, 32):
        if 8 <= r < 16:
            sel, off = addr.get(r, (VA_DATA | (r - 8) << 4, 8 * r))
            out += bytes([sel]) + u16(off)
        else:
            out += bytes([other.get(r, r)])
    return out


def pte(flags, sel, extra=0, more=b""):
    return bytes([flags, sel, extra]) + more


def tables(root2=0, mega=0, data=None, records=()):
    """records: (table, index, pte bytes). data: flag toggles of the 16 low data pages."""
    data = data or [0] * 16
    out = bytes([root2, mega]) + bytes(data) + bytes([len(records)])
    for t, i, p in records:
        out += bytes([t]) + u16(i | 0x8000) + p
    return out


def t(kind, a=0, b=0, *more):
    return bytes([kind, a, b]) + bytes(more)


def load(size, base, imm, rd=1):  # size 0..7: lb lh lw ld lbu lhu lwu ld
    return t(LOAD | size << 5, base, rd, imm & 0x7F)


def store(size, base, imm, rs=1):  # size 0..3: sb sh sw sd
    return t(STORE | size << 5, base, rs, imm & 0x7F)


X0 = 0xF0  # pick_base(): x0
def xa(n):  # pick_base(): x8 + n
    return n


def every_misaligned(base):
    """Loads and stores of every size at every offset 0..7 from an address register."""
    out = b""
    for off in range(8):
        for size in range(8):
            out += load(size, base, off, rd=size)
        for size in range(4):
            out += store(size, base, off, rs=size)
    return out


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    page0 = {8: (VA_PAGE0, 0), 9: (VA_PAGE0, 0xFF9), 10: (VA_STRADDLE | 1 << 4, 0)}

    # Bare M-mode: page 0 is no memory, every access faults; the empty fast-TLB slot 0 must
    # never match (FTLB_INVALID was 1, which a 2-byte access at 1 produced).
    write("page0_bare", header("M", sv39=False)
          + registers(page0) + tables() + every_misaligned(X0) + every_misaligned(xa(0)))

    # Sv39 S-mode, page 0 mapped: fill slot 0, then misaligned accesses after the slot was
    # emptied by sfence.vma (all, by address, by ASID) and by satp writes.
    prog = load(3, xa(0), 0) + every_misaligned(xa(0)) + t(SFENCE, 3, 0)
    prog += every_misaligned(xa(0)) + t(SFENCE, 0, 0) + every_misaligned(xa(1))
    prog += t(SATP, 0, 0) + every_misaligned(xa(0)) + t(SATP, 1, 0) + every_misaligned(xa(0))
    prog += t(SATP, 5, 0) + every_misaligned(xa(2))
    prog += t(SFENCE, 6, 0) + every_misaligned(xa(0))  # sfence.vma x0, x27 (the ASID)
    for priv in "SUM":
        for tlb in (0, 4):  # a 1-entry model TLB evicts on every other access
            write("page0_sfence_satp_%s%s" % (priv, "_tlb1" if tlb else ""),
                  header(priv, sum_=1, mpp=1, mprv=int(priv == "M"), tlb=tlb)
                  + registers(page0) + tables(data=[U if priv == "U" else 0] * 16) + prog)

    # PTE rewrites under a running program: x31 -> table 2 (the low 2 MiB), x28 = new PTE.
    prog = b""
    for i, (flags, sel, extra) in enumerate([(V | R | W | A | D, 1 | 5 << 3, 0),
                                             (0, 0, 0), (V | R | A, 1 | 3 << 3, 0),
                                             (V | R | W | A, 1 | 7 << 3, 0),  # D clear
                                             (V | R | W | A | D, 4, 0),  # outside RAM
                                             (V | R | W | A | D, 1, 3),  # reserved bits
                                             (V | W, 1, 0)]):  # W without R
        prog += t(LI_SPECIAL, 1, 2)  # x31 = table 2
        prog += t(PTE_STORE, 8 | (i & 1), i & 3, *pte(flags, sel, extra))
        prog += every_misaligned(xa(i & 1)) + t(SFENCE, 0, 0) + load(3, xa(0), 0)
    for svade in (0, 1):
        write("pte_rewrite_svade%d" % svade, header("S", svade=svade, tlb=4 + 3 * svade)
              + registers(page0) + tables() + prog)

    # Superpages: a misaligned megapage, a gigapage with reserved bits, pointers outside RAM,
    # a table pointing back at the root, U pages with SUM/MXR, X-only pages.
    recs = [(1, 2, pte(V | R | W | A | D, 5 | 1 << 3)),  # VA 4M: misaligned megapage
            (1, 3, pte(V | R | W | A | D, 3, 0, bytes([0]))),  # VA 6M: aligned megapage
            (0, 3, pte(V | R | W | X | A | D, 2, 5)),  # VA 3G: reserved bits
            (0, 4, pte(V, 4)),  # VA 4G: pointer outside RAM
            (0, 5, pte(V, 0)),  # VA 5G: pointer to the root itself
            (2, 30, pte(V | X | A, 1)),  # X-only page: loads need MXR
            (2, 31, pte(V | R | W | U | A | D, 1 | 2 << 3))]  # U page: S needs SUM
    regs = {8: (VA_LOW | 1 << 4, 0), 9: (VA_MEGA, 0x7FF), 10: (VA_TOP | 3 << 4, 0xFFD)}
    prog = b""
    # (raw, k): VA = raw << (12 + 2k), pick_va() class 14
    for raw, k in [(1, 5), (6, 4), (3, 9), (1, 10), (5, 9), (0x1E, 0), (0x1F, 0)]:
        prog += t(LI_ADDR, 0, VA_SHIFTED | k << 4, *u16(raw))  # x8 = the VA
        prog += t(ALUI, 0x80 | 9 << 2, 0x80 | 8 << 2, 0xFC, 0x0F)  # x9 = x8 - 4
        prog += every_misaligned(xa(0)) + every_misaligned(xa(1))
    for priv, sum_, mxr in [("S", 0, 0), ("S", 1, 1), ("U", 0, 1), ("M", 1, 0)]:
        write("superpages_%s_sum%d_mxr%d" % (priv, sum_, mxr),
              header(priv, sum_=sum_, mxr=mxr, mprv=int(priv == "M"), mpp=1, tlb=4 + 2 * sum_)
              + registers(regs) + tables(records=recs) + prog)

    # Privilege round trips: mret/sret down, ecall back up (a7 names the privilege),
    # delegated exceptions to the S handler, loads in each mode.
    prog = b""
    for target in (1, 0, 3):
        prog += t(PRIVSW, 1 | target << 1, 0) + every_misaligned(xa(0))
        prog += t(SYS, 1 | 3 << 1, 0)  # ecall with a7 = 3: back to M
        prog += t(PRIVSW, 0, 0) + load(3, xa(3), 0) + t(SYS, 1 | 1 << 1, 0)
    write("privilege_round_trips", header("M", medeleg=0xB1FF, sie=1) + registers(page0)
          + tables() + prog)

    # Interrupts: SSIP pending and delegated, taken when S enables them; STIP/SEIP via mip.
    prog = t(CSR, 9, 5) + t(PRIVSW, 1 | 1 << 1, 0x0B) + load(1, xa(0), 1)  # csrw mip, x5
    prog += t(CSR, 10, 5) + every_misaligned(xa(1))  # csrw sip, x5
    write("interrupts", header("M", mideleg=0x22, mie_bits=0x2A2, mip=0x22, sie=1)
          + registers(page0, {5: 0x22}) + tables() + prog)

    # Self-modifying code: stores into the code page, the running block, the next page.
    regs = {8: (VA_CODE, 0x40), 9: (VA_CODE, 0x41), 10: (VA_CODE, 0xFFE), 11: (VA_CODE, 0)}
    prog = b""
    for k in range(12):
        prog += store(k % 4, xa(k % 4), 4 * k, rs=k) + t(ALUI, 1, 1, 1, 0)
        prog += t(BRANCH | 1 << 5, 1, 2, 0xF8)
    write("self_modifying", header("S") + registers(regs) + tables() + prog)
    write("self_modifying_bare", header("M", sv39=False, chunk=0) + registers(regs) + tables()
          + prog)

    # AMOs, LR/SC, compressed and FP accesses at odd and page-crossing addresses.
    prog = b""
    for v in range(8):
        prog += t(AMO | v << 5, xa(v), 0x80 | v << 2 | (v & 5)) + t(FPMEM | v << 5, xa(v), v, v)
        prog += t(RVC, 0x00 | v << 2, 0x60 | v)  # c.ld / c.sd family
        prog += t(RVC, 0x40 | v << 2, 0x40 | v) + t(RVC, 0x00, 0xE0 | v)
    regs = {8: (VA_ODD, 0), 9: (VA_STRADDLE | 2 << 4, 0), 10: (VA_RAM_END, 3),
            11: (VA_NONCANON, 0), 12: (VA_UNMAPPED, 0), 13: (VA_PAGE0, 6), 14: (VA_TOP, 0xFFF)}
    for priv, sv39 in [("M", False), ("S", True), ("U", True)]:
        write("amo_rvc_fp_%s" % priv, header(priv, sv39=sv39, fs_dirty=1, fcsr=0x20)
              + registers(regs) + tables(data=[U if priv == "U" else 0] * 16) + prog)

    # MPRV: M-mode loads and stores translated as S or U, switching MPP and satp as it goes.
    prog = every_misaligned(xa(0)) + t(CSR | 2 << 5, 1, 12)  # csrrc mstatus, x12: MPRV off
    prog += every_misaligned(xa(1)) + t(SATP, 1, 0) + every_misaligned(xa(0))
    write("mprv", header("M", mprv=1, mpp=1, sum_=1) + registers(page0)
          + tables() + prog)

    # Random programs with tiny run budgets (chunk 1..7): translated code entered and left
    # between every block.
    rnd = random.Random(39)
    for k in range(8):
        body = bytes(rnd.randrange(256) for _ in range(600))
        write("random_%d" % k, header(rnd.choice("USM"), chunk=k % 4, threshold=1 + k % 2,
                                      seed=k) + body)


if __name__ == "__main__":
    main()
