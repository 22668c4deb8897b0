/* The A extension executed on the hart: unpriv spec ch. 14 ("A" Extension for Atomic
 * Instructions): LR/SC (14.2, Zalrsc) and AMOs (14.4, Zaamo). One hart, so no other agent
 * can break a reservation; the rules checked are those a single hart can observe. */
#include <criterion/criterion.h>

#include "support/harness.h"

TestSuite(rv64a, .init = harness_init, .fini = harness_fini);

/* 14.2: LR.D loads and reserves; a paired SC.D stores and writes 0 to rd. */
Test(rv64a, lr_sc_pair_succeeds_and_stores)
{
    poke64(DATA_BASE, 0x1122334455667788ull);
    hart.x[1] = DATA_BASE;
    hart.x[4] = 0x99aabbccddeeff00ull;
    exec32(i_lr_d(2, 1));
    cr_assert_eq(hart.x[2], 0x1122334455667788ull, "lr.d returns the doubleword");
    exec32(i_sc_d(3, 4, 1));
    cr_assert_eq(hart.x[3], 0, "sc.d after lr.d to the same address must succeed (rd = 0)");
    cr_assert_eq(peek64(DATA_BASE), 0x99aabbccddeeff00ull, "a successful sc.d stores rs2");
}

/* 14.2: LR.W sign-extends the loaded word; SC.W stores only 4 bytes. */
Test(rv64a, lr_w_sign_extends_and_sc_w_stores_a_word)
{
    poke64(DATA_BASE, 0xa5a5a5a580000000ull);
    hart.x[1] = DATA_BASE;
    hart.x[4] = 0x1234567876543210ull;
    exec32(i_lr_w(2, 1));
    cr_assert_eq(hart.x[2], 0xffffffff80000000ull, "lr.w sign-extends 0x80000000");
    exec32(i_sc_w(3, 4, 1));
    cr_assert_eq(hart.x[3], 0, "sc.w after lr.w to the same address must succeed");
    cr_assert_eq(peek64(DATA_BASE), 0xa5a5a5a576543210ull, "sc.w stores the low word only");
}

/* 14.2: "If the SC fails ... no write to memory, and a nonzero value is written to rd." */
Test(rv64a, sc_without_reservation_fails_and_does_not_store)
{
    poke64(DATA_BASE, 0x0123456789abcdefull);
    hart.x[1] = DATA_BASE;
    hart.x[4] = 0xdeadbeefdeadbeefull;
    exec32(i_sc_d(3, 4, 1));
    cr_assert_neq(hart.x[3], 0, "sc.d with no reservation must fail (rd != 0)");
    cr_assert_eq(peek64(DATA_BASE), 0x0123456789abcdefull, "a failed sc.d must not store");
    cr_assert_eq(hart.pc, CODE_BASE + 4, "a failed sc is not a trap");
}

/* 14.2: an SC invalidates the reservation whatever its outcome, so a second SC fails. */
Test(rv64a, second_sc_after_successful_pair_fails)
{
    hart.x[1] = DATA_BASE;
    hart.x[4] = 1;
    hart.x[5] = 2;
    exec32(i_lr_d(2, 1));
    exec32(i_sc_d(3, 4, 1));
    cr_assert_eq(hart.x[3], 0, "first sc.d succeeds");
    exec32(i_sc_d(6, 5, 1));
    cr_assert_neq(hart.x[6], 0, "the reservation was used up: a second sc.d must fail");
    cr_assert_eq(peek64(DATA_BASE), 1, "the failed sc.d must not overwrite the first store");
}

/* 14.2: the SC fails if its address is not in the reservation set of the latest LR. */
Test(rv64a, sc_to_a_different_address_fails)
{
    poke64(DATA_BASE + 0x1000, 0x5555);
    hart.x[1] = DATA_BASE;
    hart.x[7] = DATA_BASE + 0x1000;
    hart.x[4] = 0x7777;
    exec32(i_lr_d(2, 1));
    exec32(i_sc_d(3, 4, 7));
    cr_assert_neq(hart.x[3], 0, "sc.d to another page than the lr.d must fail");
    cr_assert_eq(peek64(DATA_BASE + 0x1000), 0x5555, "the failed sc.d must not store");
}

/* 14.4: each AMO returns the old value in rd and stores op(old, rs2). The operands are chosen
 * so that signed and unsigned min/max disagree: old = -16, rs2 = 5. */
Test(rv64a, amo_d_returns_old_value_and_stores_result)
{
    struct {
        uint32_t (*enc)(unsigned, unsigned, unsigned);
        uint64_t stored;
        const char *name;
    } cases[] = {
        {i_amoswap_d, 5, "amoswap.d"},
        {i_amoadd_d, 0xfffffffffffffff5ull, "amoadd.d (-16 + 5 = -11)"},
        {i_amoxor_d, 0xfffffffffffffff5ull, "amoxor.d"},
        {i_amoand_d, 0, "amoand.d"},
        {i_amoor_d, 0xfffffffffffffff5ull, "amoor.d"},
        {i_amomin_d, 0xfffffffffffffff0ull, "amomin.d (signed: -16 < 5)"},
        {i_amomax_d, 5, "amomax.d (signed: 5 > -16)"},
        {i_amominu_d, 5, "amominu.d (unsigned: 5 < 0xff..f0)"},
        {i_amomaxu_d, 0xfffffffffffffff0ull, "amomaxu.d (unsigned)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        poke64(DATA_BASE, 0xfffffffffffffff0ull);
        hart.x[1] = DATA_BASE;
        hart.x[2] = 5;
        hart.x[3] = 0;
        exec32(cases[i].enc(3, 2, 1));
        cr_assert_eq(hart.x[3], 0xfffffffffffffff0ull, "%s must return the old value, got %#lx",
                     cases[i].name, (unsigned long)hart.x[3]);
        cr_assert_eq(peek64(DATA_BASE), cases[i].stored, "%s stored %#lx, want %#lx", cases[i].name,
                     (unsigned long)peek64(DATA_BASE), (unsigned long)cases[i].stored);
    }
}

/* 14.4: .W AMOs operate on 32 bits (rs2's upper half ignored, min/max compare 32-bit values),
 * sign-extend the old word into rd, and leave the neighbouring word alone. */
Test(rv64a, amo_w_sign_extends_and_touches_only_a_word)
{
    struct {
        uint32_t (*enc)(unsigned, unsigned, unsigned);
        uint32_t stored;
        const char *name;
    } cases[] = {
        {i_amoswap_w, 5, "amoswap.w"},
        {i_amoadd_w, 0xfffffff5u, "amoadd.w"},
        {i_amoxor_w, 0xfffffff5u, "amoxor.w"},
        {i_amoand_w, 0, "amoand.w"},
        {i_amoor_w, 0xfffffff5u, "amoor.w"},
        {i_amomin_w, 0xfffffff0u, "amomin.w (signed 32-bit: -16 < 5)"},
        {i_amomax_w, 5, "amomax.w (signed 32-bit)"},
        {i_amominu_w, 5, "amominu.w (unsigned 32-bit)"},
        {i_amomaxu_w, 0xfffffff0u, "amomaxu.w (unsigned 32-bit)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        poke64(DATA_BASE, 0xaaaaaaaafffffff0ull);
        hart.x[1] = DATA_BASE;
        /* Upper half of rs2 would flip min/max and pollute add/or if it were used. */
        hart.x[2] = 0x8000000000000005ull;
        hart.x[3] = 0;
        exec32(cases[i].enc(3, 2, 1));
        cr_assert_eq(hart.x[3], 0xfffffffffffffff0ull,
                     "%s must return the old word sign-extended, got %#lx", cases[i].name,
                     (unsigned long)hart.x[3]);
        cr_assert_eq(peek32(DATA_BASE), cases[i].stored, "%s stored %#x, want %#x", cases[i].name,
                     peek32(DATA_BASE), cases[i].stored);
        cr_assert_eq(peek32(DATA_BASE + 4), 0xaaaaaaaau, "%s must not touch the next word",
                     cases[i].name);
    }
}

/* rd == rs2: the source is read before the old value is written back to rd. */
Test(rv64a, amoswap_with_rd_equal_rs2)
{
    poke64(DATA_BASE, 111);
    hart.x[1] = DATA_BASE;
    hart.x[2] = 222;
    exec32(i_amoswap_d(2, 2, 1));
    cr_assert_eq(hart.x[2], 111, "rd receives the old memory value");
    cr_assert_eq(peek64(DATA_BASE), 222, "memory receives the old rs2");
}

/* AMOs to x0 still perform the memory update (14.4: rd = x0 only discards the old value). */
Test(rv64a, amo_with_rd_x0_still_updates_memory)
{
    poke64(DATA_BASE, 40);
    hart.x[1] = DATA_BASE;
    hart.x[2] = 2;
    exec32(i_amoadd_d(0, 2, 1));
    cr_assert_eq(peek64(DATA_BASE), 42, "amoadd.d x0 must still add");
    cr_assert_eq(hart.x[0], 0, "x0 stays zero");
}

/* 14.4: a misaligned AMO raises address-misaligned or access-fault, store/AMO flavour
 * (cause 6 or 7); mtval holds the address; memory is unchanged. */
Test(rv64a, misaligned_amo_raises_store_amo_exception)
{
    poke64(DATA_BASE, 0x1111111111111111ull);
    poke64(DATA_BASE + 8, 0x2222222222222222ull);
    hart.x[1] = DATA_BASE + 4;
    hart.x[2] = 1;
    exec32(i_amoadd_d(3, 2, 1));
    cr_assert_eq(hart.pc, TRAP_VECTOR, "misaligned amoadd.d must trap");
    cr_assert(hart.mcause == 6 || hart.mcause == 7,
              "misaligned AMO cause must be 6 or 7 (store/AMO), got %lu",
              (unsigned long)hart.mcause);
    cr_assert_eq(hart.mepc, CODE_BASE, "mepc = the AMO");
    cr_assert_eq(hart.mtval, DATA_BASE + 4, "mtval = the misaligned address");
    cr_assert_eq(peek64(DATA_BASE), 0x1111111111111111ull, "memory unchanged");
    cr_assert_eq(peek64(DATA_BASE + 8), 0x2222222222222222ull, "memory unchanged");

    harness_fini();
    harness_init();
    hart.x[1] = DATA_BASE + 2;
    exec32(i_amoswap_w(3, 2, 1));
    cr_assert(hart.mcause == 6 || hart.mcause == 7,
              "misaligned amoswap.w cause must be 6 or 7, got %lu", (unsigned long)hart.mcause);
}

/* 14.2: a misaligned LR raises address-misaligned or access-fault (a load: cause 4 or 5). */
Test(rv64a, misaligned_lr_raises_load_exception)
{
    hart.x[1] = DATA_BASE + 4;
    exec32(i_lr_d(2, 1));
    cr_assert_eq(hart.pc, TRAP_VECTOR, "misaligned lr.d must trap");
    cr_assert(hart.mcause == 4 || hart.mcause == 5, "misaligned LR cause 4 or 5, got %lu",
              (unsigned long)hart.mcause);
    cr_assert_eq(hart.mtval, DATA_BASE + 4, "mtval = the misaligned address");
}

/* An AMO where nothing answers is a store/AMO access fault (priv spec 3.1.15, cause 7). */
Test(rv64a, amo_to_unmapped_address_is_store_access_fault)
{
    hart.x[1] = UNMAPPED_ADDR;
    exec32(i_amoor_w(3, 2, 1));
    cr_assert_eq(hart.pc, TRAP_VECTOR, "AMO to unmapped memory must trap");
    cr_assert_eq(hart.mcause, 7, "cause must be store/AMO access fault (7), got %lu",
                 (unsigned long)hart.mcause);
    cr_assert_eq(hart.mtval, UNMAPPED_ADDR, "mtval = the address");
}

Test(rv64a, lr_to_unmapped_address_is_load_access_fault)
{
    hart.x[1] = UNMAPPED_ADDR;
    exec32(i_lr_w(3, 1));
    cr_assert_eq(hart.pc, TRAP_VECTOR, "LR to unmapped memory must trap");
    cr_assert_eq(hart.mcause, 5, "cause must be load access fault (5), got %lu",
                 (unsigned long)hart.mcause);
    cr_assert_eq(hart.mtval, UNMAPPED_ADDR, "mtval = the address");
}

/* An AMO that rewrites an instruction is a store: after FENCE.I the new instruction runs
 * (Zifencei), even though the old one was decoded before. */
Test(rv64a, amoswap_onto_code_is_seen_after_fence_i)
{
    code_at(CODE_BASE);
    put32(i_addi(1, 0, 1));      /* 0x00: target, swapped for addi x1, x0, 2 */
    put32(i_bne(7, 0, 0x14));    /* 0x04: second time -> 0x18 */
    put32(i_amoswap_w(0, 8, 9)); /* 0x08 */
    put32(0x0000100f);           /* 0x0c: fence.i */
    put32(i_addi(7, 0, 1));      /* 0x10 */
    put32(i_jal(0, -0x14));      /* 0x14: -> 0x00 */
    put32(i_jal(0, 0));          /* 0x18: spin */
    hart.x[8] = i_addi(1, 0, 2);
    hart.x[9] = CODE_BASE;
    cpu_run(&hart, 200);
    cr_assert_eq(hart.pc, CODE_BASE + 0x18, "program must finish");
    cr_assert_eq(hart.x[1], 2, "the instruction written by amoswap.w must run, x1 = %lu",
                 (unsigned long)hart.x[1]);
}

/* Same for a successful SC. */
Test(rv64a, sc_onto_code_is_seen_after_fence_i)
{
    code_at(CODE_BASE);
    put32(i_addi(1, 0, 1));   /* 0x00 */
    put32(i_bne(7, 0, 0x18)); /* 0x04: -> 0x1c */
    put32(i_lr_w(10, 9));     /* 0x08 */
    put32(i_sc_w(11, 8, 9));  /* 0x0c */
    put32(0x0000100f);        /* 0x10 */
    put32(i_addi(7, 0, 1));   /* 0x14 */
    put32(i_jal(0, -0x18));   /* 0x18: -> 0x00 */
    put32(i_jal(0, 0));       /* 0x1c */
    hart.x[8] = i_addi(1, 0, 2);
    hart.x[9] = CODE_BASE;
    cpu_run(&hart, 200);
    cr_assert_eq(hart.pc, CODE_BASE + 0x1c, "program must finish");
    cr_assert_eq(hart.x[11], 0, "sc.w must succeed");
    cr_assert_eq(hart.x[1], 2, "the instruction written by sc.w must run, x1 = %lu",
                 (unsigned long)hart.x[1]);
}
