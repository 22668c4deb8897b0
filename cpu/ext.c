/* The extension table (ext.h). */
#include "ext.h"

#include <string.h>

#define BASE(n)                                                                                    \
    {                                                                                              \
        n, false, OP_COUNT, OP_COUNT                                                               \
    }
const struct ext_info ext_table[EXT_COUNT] = {
    [EXT_I] = BASE("i"),
    [EXT_M] = BASE("m"),
    [EXT_A] = BASE("a"),
    [EXT_F] = BASE("f"),
    [EXT_D] = BASE("d"),
    [EXT_C] = BASE("c"),
    /* Declared because they name what the hart already does (the profiles spec's "RVA22"
     * definitions): 64-byte cache blocks (cpu/cmo.h); RAM supports every AMO, instruction
     * fetch (aligned parcels fetched whole), misaligned loads and stores (performed, not
     * trapped: mmu/access.c) and eventual reservations; a reservation covers one address,
     * within 64 bytes; the non-temporal hints are ADDs to x0. */
    [EXT_ZIC64B] = BASE("zic64b"),
    [EXT_ZICBOM] = {"zicbom", true, OP_CBO_INVAL, OP_CBO_FLUSH},
    [EXT_ZICBOP] = {"zicbop", true, OP_PREFETCH_I, OP_PREFETCH_W},
    [EXT_ZICBOZ] = {"zicboz", true, OP_CBO_ZERO, OP_CBO_ZERO},
    [EXT_ZICCAMOA] = BASE("ziccamoa"),
    [EXT_ZICCIF] = BASE("ziccif"),
    [EXT_ZICCLSM] = BASE("zicclsm"),
    [EXT_ZICCRSE] = BASE("ziccrse"),
    [EXT_ZICNTR] = BASE("zicntr"),
    [EXT_ZICOND] = {"zicond", true, OP_CZERO_EQZ, OP_CZERO_NEZ},
    [EXT_ZICSR] = BASE("zicsr"),
    [EXT_ZIFENCEI] = BASE("zifencei"),
    [EXT_ZIHINTNTL] = BASE("zihintntl"),
    [EXT_ZIHINTPAUSE] = {"zihintpause", true, OP_PAUSE, OP_PAUSE},
    [EXT_ZIHPM] = BASE("zihpm"),
    [EXT_ZA64RS] = BASE("za64rs"),
    /* unpriv spec "Zfa" (its .H rows also need Zfh: rv_op_enabled) and "Zfh and Zfhmin"
     * (Zfh includes Zfhmin: rv_ext_set keeps Zfhmin on while Zfh is). */
    [EXT_ZFA] = {"zfa", true, OP_FLI_S, OP_FLTQ_H},
    [EXT_ZFH] = {"zfh", true, OP_FMADD_H, OP_FCVT_H_LU},
    [EXT_ZFHMIN] = {"zfhmin", true, OP_FLH, OP_FCVT_H_D},
    [EXT_ZBA] = {"zba", true, OP_SH1ADD, OP_SLLI_UW},
    [EXT_ZBB] = {"zbb", true, OP_ANDN, OP_REV8},
    [EXT_ZBC] = {"zbc", true, OP_CLMUL, OP_CLMULH},
    [EXT_ZBS] = {"zbs", true, OP_BCLR, OP_BSETI},
    /* Declared (scalar crypto spec, "Zkt"): the listed instructions rv39 has (RV64I's
     * arithmetic, logic and shifts, M's multiplies, Zbb's andn/orn/xnor/rotates/rev8, Zbc's
     * clmul/clmulh) run in time independent of their operands: host instructions of fixed
     * latency, and cpu/bitmanip.h's helpers without data-dependent branches. */
    [EXT_ZKT] = BASE("zkt"),
    /* Supervisor behaviour rv39 has (RVA22S64): page tables read from RAM, scounteren bits
     * writable for every counter, stval written with the faulting address or instruction,
     * stvec's Direct mode, satp's Bare mode. */
    [EXT_SSCCPTR] = BASE("ssccptr"),
    [EXT_SSCOFPMF] = {"sscofpmf", true, OP_COUNT, OP_COUNT}, /* CSRs only: cpu/csr_counters.c */
    [EXT_SSCOUNTERENW] = BASE("sscounterenw"),
    [EXT_SSTC] = {"sstc", true, OP_COUNT, OP_COUNT}, /* CSRs only: cpu/csr.c asks */
    [EXT_SSTVALA] = BASE("sstvala"),
    [EXT_SSTVECD] = BASE("sstvecd"),
    /* The page-table extensions (priv spec "Svadu", "Svnapot", "Svpbmt"): no instructions,
     * the walk (mmu/walk.c) and menvcfg (cpu/cmo.c) ask. --svade is svadu=off. */
    [EXT_SVADU] = {"svadu", true, OP_COUNT, OP_COUNT},
    [EXT_SVBARE] = BASE("svbare"),
    [EXT_SVINVAL] = {"svinval", true, OP_SINVAL_VMA, OP_SFENCE_INVAL_IR},
    [EXT_SVNAPOT] = {"svnapot", true, OP_COUNT, OP_COUNT},
    [EXT_SVPBMT] = {"svpbmt", true, OP_COUNT, OP_COUNT},
};

/* The groups of rows the table names must be the contiguous blocks of insns.def they were
 * written as: a row added inside a block would silently join (or split) an extension. */
_Static_assert(OP_SLLI_UW - OP_SH1ADD == 7 && OP_REV8 - OP_ANDN == 23 &&
                   OP_CLMULH - OP_CLMUL == 2 && OP_BSETI - OP_BCLR == 7 &&
                   OP_CZERO_NEZ - OP_CZERO_EQZ == 1 && OP_CBO_FLUSH - OP_CBO_INVAL == 2 &&
                   OP_PREFETCH_W - OP_PREFETCH_I == 2 && OP_SFENCE_INVAL_IR - OP_SINVAL_VMA == 2 &&
                   OP_FCVT_H_D - OP_FLH == 7 && OP_FCVT_H_LU - OP_FMADD_H == 25 &&
                   OP_FLTQ_H - OP_FLI_S == 21 && OP_FLTQ_H - OP_FLI_H == 6,
               "the extensions' instruction blocks in insns.def");

static uint64_t enabled = (1ull << EXT_COUNT) - 1;
/* Per opcode, whether the extensions set leave it out (all false: every extension is on). */
static bool op_disabled[OP_COUNT];
static bool op_enabled_by_set(enum opcode op);

uint64_t rv_ext_all(void)
{
    return (1ull << EXT_COUNT) - 1;
}

void rv_ext_set(uint64_t mask)
{
    uint64_t base = 0;
    for (unsigned e = 0; e < EXT_COUNT; e++)
        if (!ext_table[e].optional) base |= 1ull << e;
    if (mask & 1ull << EXT_ZFH) mask |= 1ull << EXT_ZFHMIN; /* Zfh is a superset of Zfhmin */
    enabled = (mask | base) & rv_ext_all();
    for (unsigned op = 0; op < OP_COUNT; op++)
        op_disabled[op] = !op_enabled_by_set((enum opcode)op);
}

bool rv_ext_enabled(enum rv_ext e)
{
    return (enabled >> e) & 1;
}

enum rv_ext rv_ext_of(enum opcode op)
{
    for (unsigned e = 0; e < EXT_COUNT; e++)
        if (ext_table[e].first != OP_COUNT && op >= ext_table[e].first && op <= ext_table[e].last)
            return (enum rv_ext)e;
    return EXT_COUNT;
}

/* Whether the hart as set has `op`: worked out once per rv_ext_set, not at every decode. */
static bool op_enabled_by_set(enum opcode op)
{
    enum rv_ext e = rv_ext_of(op);
    if (e != EXT_COUNT && !rv_ext_enabled(e)) return false;
    return !(op >= OP_FLI_H && op <= OP_FLTQ_H) || rv_ext_enabled(EXT_ZFH);
}

bool rv_op_enabled(enum opcode op)
{
    return !op_disabled[op];
}

enum rv_ext rv_ext_by_name(const char *name)
{
    for (unsigned e = 0; e < EXT_COUNT; e++)
        if (strcmp(ext_table[e].name, name) == 0) return (enum rv_ext)e;
    return EXT_COUNT;
}

static unsigned vm_max = RV_VM_SV57;

void rv_vm_set_max(unsigned satp_mode)
{
    vm_max = satp_mode < RV_VM_SV39 ? RV_VM_SV39 : satp_mode > RV_VM_SV57 ? RV_VM_SV57 : satp_mode;
}

unsigned rv_vm_max(void)
{
    return vm_max;
}

bool rv_vm_mode_supported(uint64_t satp_mode)
{
    return satp_mode == 0 || (satp_mode >= RV_VM_SV39 && satp_mode <= vm_max);
}
