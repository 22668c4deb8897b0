/* ELF and raw-image loading (emu/loader.h).
 *
 * ELF layout: the System V gABI ("ELF header", "Program header", "Symbol table") and the
 * RISC-V psABI (EM_RISCV = 243). Read through libelf rather than by hand so malformed files are
 * caught by code that has seen many of them. */
#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

/* Open a regular file for reading; on failure print why and return -1. */
static int open_regular_file(const char *path, struct stat *st, FILE *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(err, "rv39: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, st) != 0) {
        fprintf(err, "rv39: %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        fprintf(err, "rv39: %s: not a regular file\n", path);
        close(fd);
        return -1;
    }
    return fd;
}

/* Read exactly len bytes at offset; false on a short read or an error. */
static bool read_exactly(int fd, void *buf, uint64_t len, uint64_t offset)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        len -= (uint64_t)n;
        offset += (uint64_t)n;
    }
    return true;
}

static void print_ram_range_problem(struct machine *m, const char *path, const char *what,
                                    uint64_t start, uint64_t len, FILE *err)
{
    fprintf(err, "rv39: %s: %s [0x%llx, 0x%llx) lies outside RAM [0x%llx, 0x%llx) (see -m)\n", path,
            what, (unsigned long long)start, (unsigned long long)(start + len),
            (unsigned long long)RAM_BASE, (unsigned long long)(m->ram.base + m->ram.size));
}

bool loader_file_is_elf(const char *path)
{
    unsigned char magic[SELFMAG];
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    bool is_elf = fread(magic, 1, SELFMAG, f) == SELFMAG && memcmp(magic, ELFMAG, SELFMAG) == 0;
    fclose(f);
    return is_elf;
}

bool loader_load_raw(struct machine *m, const char *path, uint64_t addr, uint64_t *size, FILE *err)
{
    struct stat st;
    int fd = open_regular_file(path, &st, err);
    if (fd < 0) return false;
    bool ok = false;
    uint64_t len = (uint64_t)st.st_size;
    uint8_t *dest = len ? machine_ram_ptr(m, addr, len) : NULL;
    if (len == 0) {
        fprintf(err, "rv39: %s: empty file\n", path);
    } else if (!dest) {
        print_ram_range_problem(m, path, "image", addr, len, err);
    } else if (!read_exactly(fd, dest, len, 0)) {
        fprintf(err, "rv39: %s: read failed: %s\n", path, errno ? strerror(errno) : "short read");
    } else {
        if (size) *size = len;
        ok = true;
    }
    close(fd);
    return ok;
}

static const char *machine_name(unsigned e_machine)
{
    switch (e_machine) {
    case EM_386: return "i386";
    case EM_X86_64: return "x86-64";
    case EM_ARM: return "ARM";
    case EM_AARCH64: return "AArch64";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "S/390";
    case EM_MIPS: return "MIPS";
    default: return "another architecture";
    }
}

/* Checks on the ELF header, in the order a user would want to hear about them. */
static bool check_header(const char *path, Elf *elf, GElf_Ehdr *eh, FILE *err)
{
    if (elf_kind(elf) != ELF_K_ELF) {
        fprintf(err, "rv39: %s: not an ELF file\n", path);
        return false;
    }
    if (gelf_getclass(elf) != ELFCLASS64) {
        fprintf(err, "rv39: %s: 32-bit ELF; rv39 runs RV64 (ELF64) programs only\n", path);
        return false;
    }
    if (!gelf_getehdr(elf, eh)) {
        fprintf(err, "rv39: %s: truncated or corrupt ELF header (%s)\n", path, elf_errmsg(-1));
        return false;
    }
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
        fprintf(err, "rv39: %s: big-endian ELF; RISC-V is little-endian\n", path);
        return false;
    }
    if (eh->e_machine != EM_RISCV) {
        fprintf(err, "rv39: %s: ELF for %s (e_machine %u), not RISC-V (%u)\n", path,
                machine_name(eh->e_machine), eh->e_machine, EM_RISCV);
        return false;
    }
    if (eh->e_type != ET_EXEC) {
        /* ET_DYN (PIE or shared object) would need relocating to a load address we would
         * have to invent; QEMU's -bios none path does not do that either. */
        const char *kind = eh->e_type == ET_DYN    ? "a position-independent executable or "
                                                     "shared object (link with -static -no-pie)"
                           : eh->e_type == ET_REL  ? "an object file (link it first)"
                           : eh->e_type == ET_CORE ? "a core dump"
                                                   : "not an executable";
        fprintf(err, "rv39: %s: ELF type %u is %s; need ET_EXEC\n", path, eh->e_type, kind);
        return false;
    }
    return true;
}

/* p_vaddr -> p_paddr through the PT_LOAD segment covering `vaddr`; unchanged when no segment
 * covers it. ELF entry points and symbols are virtual addresses, but the hart starts with
 * translation off, so what it needs is where the bytes physically landed. */
static uint64_t to_physical(Elf *elf, size_t phnum, uint64_t vaddr)
{
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD) continue;
        if (vaddr >= ph.p_vaddr && vaddr - ph.p_vaddr < ph.p_memsz)
            return vaddr - ph.p_vaddr + ph.p_paddr;
    }
    return vaddr;
}

struct segment_range {
    uint64_t low, high; /* physical [low, high) */
    size_t index;
};

static int compare_ranges(const void *a, const void *b)
{
    const struct segment_range *x = a, *y = b;
    return x->low < y->low ? -1 : x->low > y->low;
}

/* Two PT_LOAD segments over the same bytes: the later copy would silently win, and its bss
 * zeroing could wipe the other's code. Refused, as QEMU refuses overlapping images ("Some ROM
 * regions are overlapping", hw/core/loader.c rom_check_and_register_reset): a linker never
 * produces this, so the file is broken and running it would only mislead. Sorted, so a file
 * with thousands of segments costs n log n, not n^2. */
static bool check_overlaps(const char *path, Elf *elf, size_t phnum, unsigned loadable, FILE *err)
{
    struct segment_range *r = calloc(loadable, sizeof(*r));
    if (!r) {
        fprintf(err, "rv39: %s: out of memory checking segments\n", path);
        return false;
    }
    size_t n = 0;
    for (size_t i = 0; i < phnum && n < loadable; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        r[n++] = (struct segment_range){ph.p_paddr, ph.p_paddr + ph.p_memsz, i};
    }
    qsort(r, n, sizeof(*r), compare_ranges);
    bool ok = true;
    for (size_t i = 1; i < n && ok; i++) {
        if (r[i].low < r[i - 1].high) {
            const struct segment_range *a = &r[i - 1], *b = &r[i];
            if (a->index > b->index) {
                const struct segment_range *t = a;
                a = b;
                b = t;
            }
            fprintf(err,
                    "rv39: %s: segments %zu [0x%llx, 0x%llx) and %zu [0x%llx, 0x%llx) overlap\n",
                    path, a->index, (unsigned long long)a->low, (unsigned long long)a->high,
                    b->index, (unsigned long long)b->low, (unsigned long long)b->high);
            ok = false;
        }
    }
    free(r);
    return ok;
}

/* Validate every loadable segment; fill img->low/high. Nothing is written yet. */
static bool check_segments(struct machine *m, const char *path, Elf *elf, size_t phnum,
                           uint64_t file_size, struct elf_image *img, FILE *err)
{
    unsigned loadable = 0;
    img->low = UINT64_MAX;
    img->high = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph)) {
            fprintf(err, "rv39: %s: truncated or corrupt program header %zu (%s)\n", path, i,
                    elf_errmsg(-1));
            return false;
        }
        if (ph.p_type != PT_LOAD) continue;
        /* Checked before the empty-segment skip below: a segment with file bytes and no room
         * for them (p_memsz 0 included) is corrupt, not empty (gABI: "p_filesz may not be
         * larger than p_memsz"). */
        if (ph.p_filesz > ph.p_memsz) {
            fprintf(err,
                    "rv39: %s: segment %zu is corrupt (file size 0x%llx > memory size 0x%llx)\n",
                    path, i, (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_memsz);
            return false;
        }
        if (ph.p_memsz == 0) continue;
        if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset) {
            fprintf(err,
                    "rv39: %s: truncated: segment %zu needs file bytes [0x%llx, 0x%llx) but the "
                    "file has 0x%llx\n",
                    path, i, (unsigned long long)ph.p_offset,
                    (unsigned long long)(ph.p_offset + ph.p_filesz), (unsigned long long)file_size);
            return false;
        }
        if (ph.p_paddr + ph.p_memsz < ph.p_paddr || !machine_ram_ptr(m, ph.p_paddr, ph.p_memsz)) {
            char what[32];
            snprintf(what, sizeof(what), "segment %zu", i);
            print_ram_range_problem(m, path, what, ph.p_paddr, ph.p_memsz, err);
            return false;
        }
        loadable++;
        if (ph.p_paddr < img->low) img->low = ph.p_paddr;
        if (ph.p_paddr + ph.p_memsz > img->high) img->high = ph.p_paddr + ph.p_memsz;
    }
    if (loadable == 0) {
        fprintf(err, "rv39: %s: no loadable segments\n", path);
        return false;
    }
    return check_overlaps(path, elf, phnum, loadable, err);
}

static bool copy_segments(struct machine *m, const char *path, int fd, Elf *elf, size_t phnum,
                          FILE *err)
{
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        uint8_t *dest = machine_ram_ptr(m, ph.p_paddr, ph.p_memsz);
        if (!read_exactly(fd, dest, ph.p_filesz, ph.p_offset)) {
            fprintf(err, "rv39: %s: reading segment %zu failed: %s\n", path, i,
                    errno ? strerror(errno) : "short read");
            return false;
        }
        /* The bss part: memory the program expects zeroed, which the file does not store. */
        memset(dest + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
    }
    return true;
}

/* Names that are not places in the program: RISC-V mapping symbols ("$x", "$d", psABI
 * "Mapping Symbol") and assembler-local labels. */
static bool is_noise_symbol(const char *name)
{
    return name[0] == '\0' || name[0] == '$' || strncmp(name, ".L", 2) == 0;
}

/* A symbol table that cannot be read is not a reason to refuse the program (it runs without
 * symbols), but losing it silently would lose `tohost` too, and with it the exit status of a
 * riscv-tests program: say so, once per table. */
static void warn_symbols(const char *path, const char *why, bool *warned, FILE *err)
{
    if (*warned) return;
    *warned = true;
    fprintf(err,
            "rv39: %s: warning: corrupt symbol table (%s): its symbols are skipped, `tohost` "
            "(HTIF) and the debugger's names with them\n",
            path, why);
}

/* Only out of memory fails the load; a corrupt table is skipped with a warning. */
static bool read_symbols(const char *path, Elf *elf, struct symtab *syms, FILE *err)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        bool warned = false;
        if (!gelf_getshdr(scn, &sh)) {
            warn_symbols(path, "unreadable section header", &warned, err);
            continue;
        }
        if (sh.sh_type != SHT_SYMTAB) continue;
        if (sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_size % sh.sh_entsize != 0) {
            warn_symbols(path, "bad entry size", &warned, err);
            continue;
        }
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data) {
            warn_symbols(path, elf_errmsg(-1), &warned, err);
            continue;
        }
        size_t count = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; i < count; i++) {
            GElf_Sym s;
            if (!gelf_getsym(data, (int)i, &s)) {
                warn_symbols(path, "truncated", &warned, err);
                break;
            }
            unsigned type = GELF_ST_TYPE(s.st_info);
            if (s.st_shndx == SHN_UNDEF || type == STT_SECTION || type == STT_FILE) continue;
            const char *name = elf_strptr(elf, sh.sh_link, s.st_name);
            if (!name) {
                warn_symbols(path, "names outside its string table", &warned, err);
                continue;
            }
            if (is_noise_symbol(name)) continue;
            bool is_code = type == STT_FUNC || type == STT_NOTYPE;
            if (!symtab_add(syms, name, s.st_value, s.st_size, is_code)) {
                fprintf(err, "rv39: %s: out of memory reading symbols\n", path);
                return false;
            }
        }
    }
    symtab_finish(syms);
    return true;
}

/* The HTIF words (emu/htif.c) are 64-bit words that rv39 and the guest both access whole; a
 * misaligned one is a broken link map (riscv-tests align them to 64 bytes), refused here so
 * the run never depends on a misaligned access. */
static bool find_htif_words(const char *path, Elf *elf, size_t phnum, const struct symtab *table,
                            struct elf_image *img, FILE *err)
{
    const struct symbol *tohost = symtab_find(table, "tohost");
    const struct symbol *fromhost = symtab_find(table, "fromhost");
    if (!tohost) return true;
    const struct symbol *word[2] = {tohost, fromhost};
    uint64_t pa[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        if (!word[i]) continue;
        pa[i] = to_physical(elf, phnum, word[i]->value);
        if (pa[i] % 8 != 0) {
            fprintf(err,
                    "rv39: %s: `%s` at 0x%llx is not 8-byte aligned (HTIF needs 64-bit words)\n",
                    path, word[i]->name, (unsigned long long)pa[i]);
            return false;
        }
    }
    img->has_tohost = true;
    img->tohost = pa[0];
    img->fromhost = pa[1];
    return true;
}

bool loader_load_elf(struct machine *m, const char *path, struct elf_image *img,
                     struct symtab *syms, FILE *err)
{
    *img = (struct elf_image){0};
    struct stat st;
    int fd = open_regular_file(path, &st, err);
    if (fd < 0) return false;
    if (elf_version(EV_CURRENT) == EV_NONE) {
        fprintf(err, "rv39: %s: libelf is unusable (%s)\n", path, elf_errmsg(-1));
        close(fd);
        return false;
    }

    bool ok = false;
    struct symtab local;
    symtab_init(&local);
    size_t phnum = 0;
    GElf_Ehdr eh;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    if (!elf) {
        fprintf(err, "rv39: %s: not an ELF file\n", path);
        goto out;
    }
    if (!check_header(path, elf, &eh, err)) goto out;
    if (elf_getphdrnum(elf, &phnum) != 0) {
        fprintf(err, "rv39: %s: corrupt program header table (%s)\n", path, elf_errmsg(-1));
        goto out;
    }
    if (!check_segments(m, path, elf, phnum, (uint64_t)st.st_size, img, err)) goto out;
    img->entry = to_physical(elf, phnum, eh.e_entry);
    if (!machine_ram_ptr(m, img->entry, 2)) {
        print_ram_range_problem(m, path, "entry point", img->entry, 2, err);
        goto out;
    }
    /* Symbols before copying, so a broken symbol table leaves RAM untouched too. */
    struct symtab *table = syms ? syms : &local;
    if (!read_symbols(path, elf, table, err)) goto out;
    if (!find_htif_words(path, elf, phnum, table, img, err)) goto out;
    if (!copy_segments(m, path, fd, elf, phnum, err)) goto out;
    ok = true;
out:
    symtab_free(&local);
    if (elf) elf_end(elf);
    close(fd);
    return ok;
}
