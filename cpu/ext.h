/* The one table of ISA extensions: their names (as the device tree's riscv,isa-extensions and
 * QEMU's -cpu properties spell them), whether a user may turn them off (-cpu rv64,zba=off),
 * and which instructions of cpu/insns.def they bring. The decoder, the device tree and the
 * option parser all read it; nothing else lists extensions. */
#ifndef RV39_EXT_H
#define RV39_EXT_H

#include <stdbool.h>
#include <stdint.h>

#include "insn.h"

/* In the canonical order of the ISA string (unpriv spec "ISA Extension Naming Conventions":
 * single letters, then Z extensions by their category letter's place, then S extensions,
 * each group alphabetically). */
enum rv_ext {
    EXT_I,
    EXT_M,
    EXT_A,
    EXT_F,
    EXT_D,
    EXT_C,
    EXT_ZIC64B,
    EXT_ZICBOM,
    EXT_ZICBOP,
    EXT_ZICBOZ,
    EXT_ZICCAMOA,
    EXT_ZICCIF,
    EXT_ZICCLSM,
    EXT_ZICCRSE,
    EXT_ZICNTR,
    EXT_ZICOND,
    EXT_ZICSR,
    EXT_ZIFENCEI,
    EXT_ZIHINTNTL,
    EXT_ZIHINTPAUSE,
    EXT_ZIHPM,
    EXT_ZA64RS,
    EXT_ZFA,
    EXT_ZFH,
    EXT_ZFHMIN,
    EXT_ZBA,
    EXT_ZBB,
    EXT_ZBC,
    EXT_ZBS,
    EXT_ZKT,
    EXT_SSCCPTR,
    EXT_SSCOFPMF,
    EXT_SSCOUNTERENW,
    EXT_SSTC,
    EXT_SSTVALA,
    EXT_SSTVECD,
    EXT_SVADU,
    EXT_SVBARE,
    EXT_SVINVAL,
    EXT_SVNAPOT,
    EXT_SVPBMT,
    EXT_COUNT
};

struct ext_info {
    const char *name;
    bool optional; /* -cpu may turn it off; the others are the hart's fixed base */
    /* The instructions it adds: table rows first..last (OP_COUNT: none of its own). A hart
     * without the extension decodes those encodings as whatever row comes next (prefetch.*
     * are then plain ORIs, pause a FENCE) or as illegal instructions. */
    enum opcode first, last;
};
extern const struct ext_info ext_table[EXT_COUNT];

/* The extensions this run's hart has (a bit per enum rv_ext): every one by default. One hart
 * per process, set once at startup, before any instruction is decoded. */
void rv_ext_set(uint64_t enabled);
uint64_t rv_ext_all(void);
bool rv_ext_enabled(enum rv_ext e);
/* The extension that brings table row `op`, or EXT_COUNT for the fixed base. */
enum rv_ext rv_ext_of(enum opcode op);
/* May the hart execute table row `op`: its extension is on, and for the Zfa rows of half
 * precision (FLI.H .. FLTQ.H) Zfh is on too. */
bool rv_op_enabled(enum opcode op);
/* By name (lower case, as in the table); EXT_COUNT if unknown. */
enum rv_ext rv_ext_by_name(const char *name);

/* The translation modes the hart has, as the widest satp.MODE it accepts: RV_VM_SV39 (8),
 * RV_VM_SV48 (9) or RV_VM_SV57 (10: every mode rv39 implements, the default, as
 * issue 14 asks: a hart restricts only when told). A hart with Sv57 has Sv48 and one with Sv48 has
 * Sv39 (priv spec "Sv48": "Implementations that support Sv48 must also support Sv39"; "Sv57"
 * likewise for Sv48), and Bare always. Set once at startup (-cpu rv64,mmu=sv39|sv48|sv57, sv48=off,
 * ...), like the extensions. */
enum { RV_VM_SV39 = 8, RV_VM_SV48 = 9, RV_VM_SV57 = 10 };
void rv_vm_set_max(unsigned satp_mode);
unsigned rv_vm_max(void);
/* Whether a write of this satp.MODE takes effect (Bare or a mode up to the widest). */
bool rv_vm_mode_supported(uint64_t satp_mode);

#endif
