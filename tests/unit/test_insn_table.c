/* insns.def's class, size and jit columns against what the spec's names and formats say:
 * loads and stores are the LOAD/S formats and access the width their name gives (unpriv spec
 * "Load and Store Instructions": B, H, W, D), the A extension's .W/.D forms 4 and 8 bytes,
 * cbo.zero its cache block (CMO spec "Cache-Block Zero Instructions"); nothing that changes
 * privilege, translation or CSRs is translated by the JIT. */
#include <criterion/criterion.h>
#include <string.h>

#include "cpu/cmo.h"
#include "cpu/insn.h"

static unsigned width_letter(char k)
{
    return k == 'B' ? 1 : k == 'H' ? 2 : k == 'W' ? 4 : k == 'D' ? 8 : 0;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

Test(insn_table, loads_and_stores_by_format_and_width)
{
    for (unsigned op = 0; op < OP_COUNT; op++) {
        const struct insn_info *i = &insn_table[op];
        bool load = i->format == FMT_LOAD || i->format == FMT_FLOAD;
        bool store = i->format == FMT_S || i->format == FMT_FSTORE;
        cr_assert_eq(i->cls == CLASS_LOAD, load, "%s: class LOAD iff a load format", i->name);
        cr_assert_eq(i->cls == CLASS_STORE, store, "%s: class STORE iff a store format", i->name);
        if (load || store) {
            /* LB/SB, LHU, ...: the letter after L or S; FLW/FSD: after FL or FS. */
            char k = i->name[0] == 'F' ? i->name[2] : i->name[1];
            cr_assert_eq(i->size, width_letter(k), "%s accesses %u bytes", i->name,
                         width_letter(k));
        }
    }
}

Test(insn_table, atomics_by_name_and_width)
{
    for (unsigned op = 0; op < OP_COUNT; op++) {
        const struct insn_info *i = &insn_table[op];
        enum insn_class want = starts(i->name, "LR_")   ? CLASS_LR
                               : starts(i->name, "SC_") ? CLASS_SC
                               : starts(i->name, "AMO") ? CLASS_AMO
                                                        : CLASS_ALU;
        if (want == CLASS_ALU) {
            cr_assert(!insn_class_atomic(i->cls), "%s is not an atomic", i->name);
            continue;
        }
        cr_assert_eq(i->cls, want, "%s: class by its name", i->name);
        cr_assert_eq(i->size, width_letter(i->name[strlen(i->name) - 1]), "%s: .W 4, .D 8",
                     i->name);
    }
}

Test(insn_table, only_memory_instructions_have_a_size)
{
    for (unsigned op = 0; op < OP_COUNT; op++) {
        const struct insn_info *i = &insn_table[op];
        bool memory = i->cls == CLASS_LOAD || i->cls == CLASS_STORE || insn_class_atomic(i->cls);
        if (op == OP_CBO_ZERO)
            cr_assert_eq(i->size, CMO_BLOCK_SIZE, "cbo.zero writes a whole block");
        else
            cr_assert_eq(i->size != 0, memory, "%s: a size iff it accesses memory", i->name);
    }
}

Test(insn_table, control_transfers)
{
    for (unsigned op = 0; op < OP_COUNT; op++) {
        const struct insn_info *i = &insn_table[op];
        cr_assert_eq(i->cls == CLASS_BRANCH, i->format == FMT_B, "%s: branches are B-type",
                     i->name);
        cr_assert_eq(i->cls == CLASS_JUMP, op == OP_JAL || op == OP_JALR, "%s: jumps", i->name);
        cr_assert_eq(i->cls == CLASS_CSR, i->format == FMT_CSR || i->format == FMT_CSRI,
                     "%s: Zicsr", i->name);
    }
}

/* What changes privilege, translation, CSRs or needs the MMU's CMO checks runs in the
 * interpreter: a block ends before it, as before FENCE.I (it takes what other harts posted,
 * mmu/coherence.h). Everything that computes or moves data is translated. */
Test(insn_table, jit_column)
{
    for (unsigned op = 0; op < OP_COUNT; op++) {
        const struct insn_info *i = &insn_table[op];
        bool never = i->cls == CLASS_CSR || i->cls == CLASS_SYSTEM || i->cls == CLASS_CMO ||
                     op == OP_FENCE_I;
        if (never)
            cr_assert(!i->jit, "%s must end a block", i->name);
        else
            cr_assert(i->jit, "%s is translated", i->name);
    }
}
