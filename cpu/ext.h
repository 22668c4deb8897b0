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
    EXT_ZBA,
    EXT_ZBB,
    EXT_ZBC,
    EXT_ZBS,
    EXT_SSCCPTR,
    EXT_SSCOUNTERENW,
    EXT_SSTC,
    EXT_SSTVALA,
    EXT_SSTVECD,
    EXT_SVBARE,
    EXT_SVINVAL,
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
/* By name (lower case, as in the table); EXT_COUNT if unknown. */
enum rv_ext rv_ext_by_name(const char *name);

#endif
