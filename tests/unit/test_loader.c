/* The loader (emu/loader.c): ELF64 RISC-V executables go to their physical addresses with bss
 * zeroed; every kind of bad file gives false and one line "rv39: FILE: problem"; raw images go
 * where they are told. The ELF files are written byte by byte at test time, so each test says
 * exactly which header field it breaks. */
#include <criterion/criterion.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu/loader.h"

#define TEST_RAM_SIZE (2ull << 20)
#define RAM_FILL 0xa5 /* what RAM holds before a load, to see what the loader touched */

/* The loader sees the machine only through machine_ram_ptr, which needs just the RAM. */
static struct machine m;
static char path[64];
static char *messages;
static size_t messages_len;
static FILE *err;

static void setup(void)
{
    memset(&m, 0, sizeof(m));
    m.ram.size = TEST_RAM_SIZE;
    m.ram.base = RAM_BASE;
    m.ram.host = malloc(TEST_RAM_SIZE);
    cr_assert_not_null(m.ram.host);
    memset(m.ram.host, RAM_FILL, TEST_RAM_SIZE);
    snprintf(path, sizeof(path), "/tmp/rv39-test-loader-%d", (int)getpid());
    err = open_memstream(&messages, &messages_len);
}

static void teardown(void)
{
    fclose(err);
    free(messages);
    messages = NULL;
    free(m.ram.host);
    unlink(path);
}

TestSuite(loader, .init = setup, .fini = teardown);

static uint8_t *ram_at(uint64_t pa)
{
    return m.ram.host + (pa - RAM_BASE);
}

/* --- building ELF files -------------------------------------------------------------------- */

struct test_segment {
    uint64_t vaddr, paddr;
    const void *bytes;
    uint64_t filesz, memsz;
};

struct test_symbol {
    const char *name;
    uint64_t value, size;
    unsigned type; /* STT_* */
};

struct test_elf {
    unsigned type;    /* e_type, ET_EXEC unless a test breaks it */
    unsigned machine; /* e_machine, EM_RISCV unless broken */
    uint64_t entry;
    struct test_segment seg[4];
    unsigned nseg;
    struct test_symbol sym[6];
    unsigned nsym;
    uint64_t claim_extra_filesz; /* segment 0 claims this many more file bytes than exist */
    bool set_sym_entsize;        /* give .symtab this sh_entsize (to corrupt it) */
    uint64_t sym_entsize;
    uint32_t sym_link; /* .symtab's sh_link when not 0 (default: .strtab, 2) */
};

static struct test_elf good_elf(void)
{
    static const uint8_t code[16] = {0x13, 0, 0, 0, 0x6f, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    return (struct test_elf){
        .type = ET_EXEC,
        .machine = EM_RISCV,
        .entry = RAM_BASE + 0x1000,
        .seg = {{RAM_BASE + 0x1000, RAM_BASE + 0x1000, code, sizeof(code), sizeof(code)}},
        .nseg = 1,
    };
}

static void put(FILE *f, uint64_t offset, const void *bytes, size_t len)
{
    cr_assert_eq(fseek(f, (long)offset, SEEK_SET), 0);
    cr_assert_eq(fwrite(bytes, 1, len, f), len);
}

/* Layout: ELF header, program headers, segment bytes (each at a 16-byte aligned offset), then
 * for symbols: .symtab, .strtab and the section headers [null, .symtab, .strtab]. */
static void write_elf(const struct test_elf *e)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    uint64_t offset = sizeof(Elf64_Ehdr) + e->nseg * sizeof(Elf64_Phdr);
    Elf64_Phdr ph[4];
    for (unsigned i = 0; i < e->nseg; i++) {
        offset = (offset + 15) & ~15ull;
        const struct test_segment *s = &e->seg[i];
        ph[i] = (Elf64_Phdr){.p_type = PT_LOAD,
                             .p_flags = PF_R | PF_X,
                             .p_offset = offset,
                             .p_vaddr = s->vaddr,
                             .p_paddr = s->paddr,
                             .p_filesz = s->filesz,
                             .p_memsz = s->memsz,
                             .p_align = 16};
        put(f, offset, s->bytes, s->filesz);
        offset += s->filesz;
    }
    if (e->nseg) ph[0].p_filesz += e->claim_extra_filesz;

    Elf64_Ehdr eh = {
        .e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT},
        .e_type = (uint16_t)e->type,
        .e_machine = (uint16_t)e->machine,
        .e_version = EV_CURRENT,
        .e_entry = e->entry,
        .e_phoff = e->nseg ? sizeof(Elf64_Ehdr) : 0,
        .e_ehsize = sizeof(Elf64_Ehdr),
        .e_phentsize = sizeof(Elf64_Phdr),
        .e_phnum = (uint16_t)e->nseg,
        .e_shentsize = sizeof(Elf64_Shdr),
    };

    if (e->nsym) {
        Elf64_Sym syms[7] = {{0}};
        char strtab[256] = "";
        size_t strsize = 1;
        for (unsigned i = 0; i < e->nsym; i++) {
            const struct test_symbol *s = &e->sym[i];
            syms[i + 1] = (Elf64_Sym){.st_name = (uint32_t)strsize,
                                      .st_info = ELF64_ST_INFO(STB_GLOBAL, s->type),
                                      .st_shndx = 1,
                                      .st_value = s->value,
                                      .st_size = s->size};
            strcpy(strtab + strsize, s->name);
            strsize += strlen(s->name) + 1;
        }
        offset = (offset + 7) & ~7ull;
        uint64_t symoff = offset, symsize = (e->nsym + 1) * sizeof(Elf64_Sym);
        put(f, symoff, syms, symsize);
        uint64_t stroff = symoff + symsize;
        put(f, stroff, strtab, strsize);
        uint64_t shoff = (stroff + strsize + 7) & ~7ull;
        Elf64_Shdr sh[3] = {
            {0},
            {.sh_type = SHT_SYMTAB,
             .sh_offset = symoff,
             .sh_size = symsize,
             .sh_link = e->sym_link ? e->sym_link : 2,
             .sh_info = 1,
             .sh_addralign = 8,
             .sh_entsize = e->set_sym_entsize ? e->sym_entsize : sizeof(Elf64_Sym)},
            {.sh_type = SHT_STRTAB, .sh_offset = stroff, .sh_size = strsize, .sh_addralign = 1},
        };
        put(f, shoff, sh, sizeof(sh));
        eh.e_shoff = shoff;
        eh.e_shnum = 3;
        eh.e_shstrndx = 2;
    }
    if (e->nseg) put(f, sizeof(Elf64_Ehdr), ph, e->nseg * sizeof(Elf64_Phdr));
    put(f, 0, &eh, sizeof(eh));
    cr_assert_eq(fclose(f), 0);
}

static void write_file(const void *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(bytes, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

/* --- checking what the loader said --------------------------------------------------------- */

static bool load(struct elf_image *img, struct symtab *syms)
{
    bool ok = loader_load_elf(&m, path, img, syms, err);
    fflush(err);
    return ok;
}

/* The one message: a single line, "rv39: <file>: ...", containing `expected`. */
static void assert_single_message(const char *expected)
{
    fflush(err);
    char prefix[96];
    snprintf(prefix, sizeof(prefix), "rv39: %s: ", path);
    cr_assert_eq(strncmp(messages, prefix, strlen(prefix)), 0, "message must start '%s': %s",
                 prefix, messages);
    cr_assert(messages_len > 0 && messages[messages_len - 1] == '\n' &&
                  strchr(messages, '\n') == messages + messages_len - 1,
              "message must be exactly one line: %s", messages);
    cr_assert(strstr(messages, expected), "message should say '%s': %s", expected, messages);
}

static void assert_rejected(const char *expected)
{
    struct elf_image img;
    cr_assert_not(load(&img, NULL), "the loader accepted a bad file");
    assert_single_message(expected);
}

static void assert_ram_untouched(void)
{
    for (uint64_t i = 0; i < TEST_RAM_SIZE; i++)
        if (m.ram.host[i] != RAM_FILL)
            cr_assert_fail("a failed load wrote RAM at 0x%llx", (unsigned long long)(RAM_BASE + i));
}

/* --- good files ---------------------------------------------------------------------------- */

Test(loader, segment_bytes_land_at_their_physical_address)
{
    struct test_elf e = good_elf();
    write_elf(&e);
    struct elf_image img;
    cr_assert(load(&img, NULL), "load failed: %s", messages);
    cr_assert_arr_eq(ram_at(RAM_BASE + 0x1000), e.seg[0].bytes, e.seg[0].filesz);
    cr_assert_eq(ram_at(RAM_BASE + 0x1000)[e.seg[0].filesz], RAM_FILL,
                 "bytes past the segment must be left alone");
    cr_assert_eq(img.entry, RAM_BASE + 0x1000);
    cr_assert_eq(img.low, RAM_BASE + 0x1000);
    cr_assert_eq(img.high, RAM_BASE + 0x1010);
    cr_assert_not(img.has_tohost, "no symbols, so no HTIF");
    cr_assert_eq(messages_len, 0, "a good load is silent: %s", messages);
}

Test(loader, bss_beyond_file_size_is_zeroed)
{
    struct test_elf e = good_elf();
    e.seg[0].memsz = 0x100;
    write_elf(&e);
    struct elf_image img;
    cr_assert(load(&img, NULL), "load failed: %s", messages);
    const uint8_t *seg = ram_at(RAM_BASE + 0x1000);
    cr_assert_arr_eq(seg, e.seg[0].bytes, e.seg[0].filesz);
    for (uint64_t i = e.seg[0].filesz; i < 0x100; i++)
        cr_assert_eq(seg[i], 0, "bss byte %llu not zeroed", (unsigned long long)i);
    cr_assert_eq(seg[0x100], RAM_FILL, "zeroing must stop at p_memsz");
    cr_assert_eq(img.high, RAM_BASE + 0x1100);
}

Test(loader, paddr_not_vaddr_decides_placement_and_entry_is_translated)
{
    /* A kernel linked high (vaddr) but loaded low (paddr), like Linux's vmlinux. */
    struct test_elf e = good_elf();
    e.seg[0].vaddr = 0xffffffff80000000ull;
    e.seg[0].paddr = RAM_BASE + 0x20000;
    e.entry = 0xffffffff80000004ull;
    write_elf(&e);
    struct elf_image img;
    cr_assert(load(&img, NULL), "load failed: %s", messages);
    cr_assert_arr_eq(ram_at(RAM_BASE + 0x20000), e.seg[0].bytes, e.seg[0].filesz);
    cr_assert_eq(img.entry, RAM_BASE + 0x20004, "the hart starts untranslated: entry is physical");
}

Test(loader, several_segments_all_load)
{
    static const uint8_t data[4] = {0xde, 0xad, 0xbe, 0xef};
    struct test_elf e = good_elf();
    e.seg[1] = (struct test_segment){RAM_BASE + 0x8000, RAM_BASE + 0x8000, data, 4, 8};
    e.nseg = 2;
    write_elf(&e);
    struct elf_image img;
    cr_assert(load(&img, NULL), "load failed: %s", messages);
    cr_assert_arr_eq(ram_at(RAM_BASE + 0x8000), data, 4);
    cr_assert_arr_eq(ram_at(RAM_BASE + 0x8004), ((uint8_t[4]){0}), 4);
    cr_assert_eq(img.low, RAM_BASE + 0x1000);
    cr_assert_eq(img.high, RAM_BASE + 0x8008);
}

Test(loader, tohost_and_fromhost_symbols_enable_htif)
{
    struct test_elf e = good_elf();
    e.seg[0].memsz = 0x2000;
    e.sym[0] = (struct test_symbol){"_start", RAM_BASE + 0x1000, 0, STT_NOTYPE};
    e.sym[1] = (struct test_symbol){"tohost", RAM_BASE + 0x2000, 8, STT_OBJECT};
    e.sym[2] = (struct test_symbol){"fromhost", RAM_BASE + 0x2040, 8, STT_OBJECT};
    e.nsym = 3;
    write_elf(&e);
    struct elf_image img;
    struct symtab syms;
    symtab_init(&syms);
    cr_assert(load(&img, &syms), "load failed: %s", messages);
    cr_assert(img.has_tohost);
    cr_assert_eq(img.tohost, RAM_BASE + 0x2000);
    cr_assert_eq(img.fromhost, RAM_BASE + 0x2040);
    cr_assert_eq(syms.count, 3);
    symtab_free(&syms);
}

Test(loader, tohost_without_fromhost_leaves_fromhost_zero)
{
    struct test_elf e = good_elf();
    e.seg[0].memsz = 0x2000;
    e.sym[0] = (struct test_symbol){"tohost", RAM_BASE + 0x2000, 8, STT_OBJECT};
    e.nsym = 1;
    write_elf(&e);
    struct elf_image img;
    cr_assert(load(&img, NULL), "load failed: %s", messages);
    cr_assert(img.has_tohost);
    cr_assert_eq(img.fromhost, 0);
}

Test(loader, symbols_are_found_by_name_and_by_address)
{
    struct test_elf e = good_elf();
    e.seg[0].memsz = 0x2000;
    e.sym[0] = (struct test_symbol){"_start", RAM_BASE + 0x1000, 0, STT_NOTYPE};
    e.sym[1] = (struct test_symbol){"main", RAM_BASE + 0x1100, 0x80, STT_FUNC};
    e.sym[2] = (struct test_symbol){"counter", RAM_BASE + 0x1120, 8, STT_OBJECT};
    e.sym[3] = (struct test_symbol){"$x", RAM_BASE + 0x1100, 0, STT_NOTYPE};
    e.nsym = 4;
    write_elf(&e);
    struct elf_image img;
    struct symtab syms;
    symtab_init(&syms);
    cr_assert(load(&img, &syms), "load failed: %s", messages);

    const struct symbol *main_sym = symtab_find(&syms, "main");
    cr_assert_not_null(main_sym);
    cr_assert_eq(main_sym->value, RAM_BASE + 0x1100);
    cr_assert_eq(main_sym->size, 0x80);
    cr_assert_null(symtab_find(&syms, "$x"), "mapping symbols are not names of places");

    uint64_t off;
    const struct symbol *at = symtab_lookup_addr(&syms, RAM_BASE + 0x1130, &off);
    cr_assert_not_null(at);
    cr_assert_str_eq(at->name, "main", "data symbols must not name a pc");
    cr_assert_eq(off, 0x30);
    at = symtab_lookup_addr(&syms, RAM_BASE + 0x1004, &off);
    cr_assert_str_eq(at->name, "_start");
    cr_assert_eq(off, 4);
    cr_assert_null(symtab_lookup_addr(&syms, RAM_BASE + 0xfff, NULL),
                   "nothing precedes the first symbol");
    symtab_free(&syms);
}

/* --- bad files: false, one line, RAM untouched --------------------------------------------- */

Test(loader, missing_file_reports_the_system_error)
{
    assert_rejected("No such file or directory");
}

Test(loader, directory_is_not_a_program)
{
    cr_assert_eq(mkdir(path, 0700), 0);
    assert_rejected("not a regular file");
    rmdir(path);
}

Test(loader, text_file_is_not_an_elf)
{
    const char text[] = "root:x:0:0:root:/root:/bin/sh\n";
    write_file(text, sizeof(text) - 1);
    assert_rejected("not an ELF file");
}

Test(loader, empty_file_is_not_an_elf)
{
    write_file("", 0);
    assert_rejected("not an ELF file");
}

Test(loader, elf32_is_rejected)
{
    Elf32_Ehdr eh = {
        .e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB, EV_CURRENT},
        .e_type = ET_EXEC,
        .e_machine = EM_RISCV,
        .e_version = EV_CURRENT,
        .e_ehsize = sizeof(Elf32_Ehdr)};
    write_file(&eh, sizeof(eh));
    assert_rejected("32-bit ELF");
}

Test(loader, other_architecture_is_rejected)
{
    struct test_elf e = good_elf();
    e.machine = EM_X86_64;
    write_elf(&e);
    assert_rejected("ELF for x86-64 (e_machine 62), not RISC-V");
    assert_ram_untouched();
}

Test(loader, position_independent_executable_is_rejected)
{
    struct test_elf e = good_elf();
    e.type = ET_DYN;
    write_elf(&e);
    assert_rejected("need ET_EXEC");
    assert_ram_untouched();
}

Test(loader, relocatable_object_is_rejected)
{
    struct test_elf e = good_elf();
    e.type = ET_REL;
    write_elf(&e);
    assert_rejected("an object file");
}

Test(loader, no_loadable_segment_is_rejected)
{
    struct test_elf e = good_elf();
    e.nseg = 0;
    write_elf(&e);
    assert_rejected("no loadable segments");
}

Test(loader, segment_outside_ram_names_both_ranges)
{
    struct test_elf e = good_elf();
    e.seg[0].paddr = 0x1000;
    write_elf(&e);
    assert_rejected("segment 0 [0x1000, 0x1010) lies outside RAM [0x80000000, 0x80200000)");
}

Test(loader, segment_running_past_end_of_ram_is_rejected)
{
    struct test_elf e = good_elf();
    e.seg[0].paddr = RAM_BASE + TEST_RAM_SIZE - 8; /* 16 bytes, 8 of them beyond RAM */
    e.entry = e.seg[0].paddr;
    write_elf(&e);
    assert_rejected("outside RAM");
    assert_ram_untouched();
}

Test(loader, failure_in_a_later_segment_writes_nothing)
{
    static const uint8_t data[4] = {1, 2, 3, 4};
    struct test_elf e = good_elf();
    e.seg[1] = (struct test_segment){0x10000000, 0x10000000, data, 4, 4}; /* the UART */
    e.nseg = 2;
    write_elf(&e);
    assert_rejected("segment 1");
    assert_ram_untouched();
}

Test(loader, truncated_segment_is_rejected)
{
    struct test_elf e = good_elf();
    e.seg[0].memsz = 0x1000;
    e.claim_extra_filesz = 0x800;
    write_elf(&e);
    assert_rejected("truncated");
    assert_ram_untouched();
}

Test(loader, entry_outside_ram_is_rejected)
{
    struct test_elf e = good_elf();
    e.entry = 0x1000;
    write_elf(&e);
    assert_rejected("entry point [0x1000");
}

Test(loader, file_bytes_with_zero_memory_size_are_corrupt)
{
    /* gABI: p_filesz may not exceed p_memsz; p_memsz 0 with file bytes is not "empty". */
    static const uint8_t data[4] = {1, 2, 3, 4};
    struct test_elf e = good_elf();
    e.seg[1] = (struct test_segment){RAM_BASE + 0x8000, RAM_BASE + 0x8000, data, 4, 0};
    e.nseg = 2;
    write_elf(&e);
    assert_rejected("segment 1 is corrupt (file size 0x4 > memory size 0x0)");
    assert_ram_untouched();
}

Test(loader, overlapping_segments_are_refused)
{
    /* QEMU refuses overlapping images too (hw/core/loader.c, "regions are overlapping"). */
    static const uint8_t data[16] = {0};
    struct test_elf e = good_elf();
    e.seg[1] = (struct test_segment){RAM_BASE + 0x1008, RAM_BASE + 0x1008, data, 16, 16};
    e.nseg = 2;
    write_elf(&e);
    assert_rejected("segments 0 [0x80001000, 0x80001010) and 1 [0x80001008, 0x80001018) overlap");
    assert_ram_untouched();
}

Test(loader, bss_overlapping_a_later_segment_is_refused)
{
    /* Listed out of address order, and the overlap is in segment 1's zeroed tail. */
    static const uint8_t data[4] = {1, 2, 3, 4};
    struct test_elf e = good_elf();
    e.seg[1] = (struct test_segment){RAM_BASE + 0x800, RAM_BASE + 0x800, data, 4, 0x900};
    e.nseg = 2;
    write_elf(&e);
    assert_rejected("overlap");
    assert_ram_untouched();
}

Test(loader, adjacent_segments_do_not_overlap)
{
    static const uint8_t data[4] = {1, 2, 3, 4};
    struct test_elf e = good_elf();
    e.seg[1] = (struct test_segment){RAM_BASE + 0x1010, RAM_BASE + 0x1010, data, 4, 4};
    e.nseg = 2;
    write_elf(&e);
    struct elf_image img;
    cr_assert(load(&img, NULL), "segments that only touch must load: %s", messages);
}

static void write_elf_with_htif(uint64_t tohost, uint64_t fromhost)
{
    struct test_elf e = good_elf();
    e.seg[0].memsz = 0x2000;
    e.sym[0] = (struct test_symbol){"tohost", tohost, 8, STT_OBJECT};
    e.sym[1] = (struct test_symbol){"fromhost", fromhost, 8, STT_OBJECT};
    e.nsym = 2;
    write_elf(&e);
}

Test(loader, misaligned_tohost_is_refused)
{
    write_elf_with_htif(RAM_BASE + 0x2004, RAM_BASE + 0x2040);
    assert_rejected("`tohost` at 0x80002004 is not 8-byte aligned");
    assert_ram_untouched();
}

Test(loader, misaligned_fromhost_is_refused)
{
    write_elf_with_htif(RAM_BASE + 0x2000, RAM_BASE + 0x2041);
    assert_rejected("`fromhost` at 0x80002041 is not 8-byte aligned");
    assert_ram_untouched();
}

/* A corrupt symbol table: the program still loads (it can run without names), but the loss
 * is reported in one line, because `tohost` goes with it. */
static void assert_loads_with_symbol_warning(struct test_elf *e)
{
    e->seg[0].memsz = 0x2000;
    e->sym[0] = (struct test_symbol){"tohost", RAM_BASE + 0x2000, 8, STT_OBJECT};
    e->sym[1] = (struct test_symbol){"main", RAM_BASE + 0x1000, 8, STT_FUNC};
    e->nsym = 2;
    write_elf(e);
    struct elf_image img;
    cr_assert(load(&img, NULL), "a corrupt symbol table must not refuse the program: %s", messages);
    cr_assert_not(img.has_tohost);
    assert_single_message("warning: corrupt symbol table");
    cr_assert(strstr(messages, "tohost"), "the warning must say tohost is lost: %s", messages);
}

Test(loader, symbol_table_with_bad_entry_size_is_skipped_with_a_warning)
{
    struct test_elf e = good_elf();
    e.set_sym_entsize = true;
    e.sym_entsize = 7;
    assert_loads_with_symbol_warning(&e);
}

Test(loader, symbol_table_with_zero_entry_size_is_skipped_with_a_warning)
{
    /* The case that used to be skipped without a word. */
    struct test_elf e = good_elf();
    e.set_sym_entsize = true;
    e.sym_entsize = 0;
    assert_loads_with_symbol_warning(&e);
}

Test(loader, symbol_names_outside_any_string_table_warn_once)
{
    struct test_elf e = good_elf();
    e.sym_link = 9; /* no such section */
    assert_loads_with_symbol_warning(&e);
}

/* --- raw images ----------------------------------------------------------------------------- */

Test(loader, raw_image_lands_at_the_given_address)
{
    const uint8_t bytes[5] = {9, 8, 7, 6, 5};
    write_file(bytes, sizeof(bytes));
    uint64_t size = 0;
    cr_assert(loader_load_raw(&m, path, RAM_BASE + 0x200, &size, err), "%s", messages);
    cr_assert_eq(size, 5);
    cr_assert_arr_eq(ram_at(RAM_BASE + 0x200), bytes, 5);
    cr_assert_eq(ram_at(RAM_BASE + 0x205)[0], RAM_FILL);
}

Test(loader, raw_image_may_end_exactly_at_end_of_ram)
{
    const uint8_t bytes[4] = {1, 2, 3, 4};
    write_file(bytes, sizeof(bytes));
    cr_assert(loader_load_raw(&m, path, RAM_BASE + TEST_RAM_SIZE - 4, NULL, err), "%s", messages);
}

Test(loader, empty_raw_image_is_rejected)
{
    write_file("", 0);
    cr_assert_not(loader_load_raw(&m, path, RAM_BASE, NULL, err));
    assert_single_message("empty file");
}

Test(loader, raw_image_that_does_not_fit_is_rejected)
{
    const uint8_t bytes[16] = {0};
    write_file(bytes, sizeof(bytes));
    cr_assert_not(loader_load_raw(&m, path, RAM_BASE + TEST_RAM_SIZE - 8, NULL, err));
    assert_single_message("outside RAM");
    assert_ram_untouched();
}

Test(loader, missing_raw_image_reports_the_system_error)
{
    cr_assert_not(loader_load_raw(&m, path, RAM_BASE, NULL, err));
    assert_single_message("No such file or directory");
}

Test(loader, elf_magic_is_recognised)
{
    struct test_elf e = good_elf();
    write_elf(&e);
    cr_assert(loader_file_is_elf(path));
    write_file("#!/bin/sh\n", 10);
    cr_assert_not(loader_file_is_elf(path));
    unlink(path);
    cr_assert_not(loader_file_is_elf(path), "an unreadable file is not an ELF");
}
