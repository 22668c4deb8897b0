/* The translator's front end: which code is hot, the table of blocks, translation of a block
 * from guest memory, chaining, invalidation. The host code itself comes from the back end
 * (cpu/jit_x86_64.c). See cpu/jit.h. */
#define _GNU_SOURCE /* memfd_create */
#include "jit.h"

#ifdef RV39_JIT
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jit_internal.h"
#include "../mmu/walk.h"

#define JIT_BUFFER_SIZE (32u << 20)
#define JIT_POOL_SIZE 65536u
#define JIT_BUCKET_BITS 16
#define JIT_BUCKETS (1u << JIT_BUCKET_BITS)
#define JIT_DEFAULT_THRESHOLD 32

static unsigned bucket_of(uint64_t pc, uint64_t pa)
{
    uint64_t h = (pc ^ (pa << 7)) * 0x9e3779b97f4a7c15ull;
    return (unsigned)(h >> (64 - JIT_BUCKET_BITS));
}

/* The code buffer: one memfd mapped read-write (for the emitter) and read-execute (for the
 * host CPU), so no page is ever writable and executable at once and nothing needs mprotect. */
static bool map_buffer(struct jit *j)
{
    int fd = memfd_create("rv39-jit", MFD_CLOEXEC);
    if (fd < 0) return false;
    bool ok = ftruncate(fd, JIT_BUFFER_SIZE) == 0;
    void *rw =
        ok ? mmap(NULL, JIT_BUFFER_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
    void *rx =
        ok ? mmap(NULL, JIT_BUFFER_SIZE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0) : MAP_FAILED;
    close(fd);
    if (rw == MAP_FAILED || rx == MAP_FAILED) {
        if (rw != MAP_FAILED) munmap(rw, JIT_BUFFER_SIZE);
        if (rx != MAP_FAILED) munmap(rx, JIT_BUFFER_SIZE);
        return false;
    }
    j->rw = rw;
    j->rx = rx;
    j->size = JIT_BUFFER_SIZE;
    return true;
}

bool jit_attach(struct cpu *c)
{
    struct jit *j = calloc(1, sizeof(*j));
    if (!j) return false;
    j->pages = c->mmu.ram.size >> PAGE_SHIFT;
    j->pool_size = JIT_POOL_SIZE;
    j->pool = calloc(j->pool_size, sizeof(*j->pool));
    j->buckets = calloc(JIT_BUCKETS, sizeof(*j->buckets));
    j->page_blocks = calloc(j->pages, sizeof(*j->page_blocks));
    j->threshold = JIT_DEFAULT_THRESHOLD;
    j->ram = &c->mmu.ram;
    if (!j->pool || !j->buckets || !j->page_blocks || !map_buffer(j) || !jit_backend_init(j)) {
        if (j->rw) munmap(j->rw, j->size);
        if (j->rx) munmap(j->rx, j->size);
        free(j->pool);
        free(j->buckets);
        free(j->page_blocks);
        free(j);
        return false;
    }
    j->stubs_end = j->used;
    c->jit = j;
    return true;
}

void jit_detach(struct cpu *c)
{
    struct jit *j = c->jit;
    if (!j) return;
    munmap(j->rw, j->size);
    munmap(j->rx, j->size);
    free(j->pool);
    free(j->buckets);
    free(j->page_blocks);
    free(j);
    c->jit = NULL;
}

void jit_set_threshold(struct cpu *c, unsigned runs)
{
    if (c->jit) c->jit->threshold = runs ? runs : 1;
}

const struct jit_stats *jit_get_stats(const struct cpu *c)
{
    return c->jit ? &c->jit->stats : NULL;
}

/* Drop every block and all code (the buffer or the pool is full). Only ever called from
 * jit_run, outside translated code. */
static void flush_all(struct jit *j)
{
    memset(j->jump_cache, 0, sizeof j->jump_cache);
    memset(j->buckets, 0, JIT_BUCKETS * sizeof(*j->buckets));
    memset(j->page_blocks, 0, j->pages * sizeof(*j->page_blocks));
    j->pool_used = 0;
    j->free_list = NULL;
    j->used = j->stubs_end;
    j->stats.flushes++;
}

static struct jit_block *find(struct jit *j, uint64_t pc, uint64_t pa)
{
    for (struct jit_block *b = j->buckets[bucket_of(pc, pa)]; b; b = b->hash_next)
        if (b->pc == pc && b->pa == pa) return b;
    return NULL;
}

static struct jit_block *new_block(struct jit *j, uint64_t pc, uint64_t pa, uint64_t page)
{
    struct jit_block *b = j->free_list;
    if (b) {
        j->free_list = b->hash_next;
    } else {
        if (j->pool_used == j->pool_size) flush_all(j);
        b = &j->pool[j->pool_used++];
    }
    memset(b, 0, sizeof(*b));
    b->pc = pc;
    b->pa = pa;
    unsigned h = bucket_of(pc, pa);
    b->hash_next = j->buckets[h];
    j->buckets[h] = b;
    b->page_next = j->page_blocks[page];
    j->page_blocks[page] = b;
    return b;
}

void jit_invalidate_page(struct cpu *c, uint64_t page)
{
    struct jit *j = c->jit;
    if (!j || page >= j->pages || !j->page_blocks[page]) return;
    /* Every block of the page goes: chains only link blocks of one page, so no surviving
     * block can jump into a dead one. The code stays in the buffer (a block that is running
     * returns into it) until the next full flush. */
    for (struct jit_block *b = j->page_blocks[page], *next; b; b = next) {
        next = b->page_next;
        struct jit_block **link = &j->buckets[bucket_of(b->pc, b->pa)];
        while (*link != b)
            link = &(*link)->hash_next;
        *link = b->hash_next;
        b->hash_next = j->free_list;
        j->free_list = b;
    }
    j->page_blocks[page] = NULL;
    /* Jump-cache entries into the page go with its blocks (pages die a few hundred times in
     * a Linux boot: a scan of the cache each time is cheap). */
    uint64_t page_pa = ((uint64_t)page << PAGE_SHIFT) + c->mmu.ram.base;
    for (unsigned i = 0; i < JIT_JUMP_CACHE_SIZE; i++)
        if ((j->jump_cache[i].pa & ~(JIT_KEY_DIRECT | (PAGE_SIZE - 1))) == page_pa)
            j->jump_cache[i].code = NULL;
    j->stop = 1;
    j->stats.page_kills++;
}

static bool same_page(uint64_t a, uint64_t b)
{
    return ((a ^ b) & ~(PAGE_SIZE - 1)) == 0;
}

/* Patch exits to jump straight into their target block. Only within one virtual page of one
 * physical page: the fetch check made when control entered the page covers the target too,
 * and a remap or sfence.vma cannot leave a chain pointing at the old frame. */
static void chain(struct jit *j, struct jit_block *fresh, uint64_t page)
{
    for (unsigned i = 0; i < fresh->exit_count; i++) {
        struct jit_exit *x = &fresh->exits[i];
        if (x->patch_at == JIT_NO_PATCH || !same_page(x->target, fresh->pc)) continue;
        uint64_t pa = (fresh->pa & ~(PAGE_SIZE - 1)) | (x->target & (PAGE_SIZE - 1));
        struct jit_block *t = x->target == fresh->pc ? fresh : find(j, x->target, pa);
        if (t && t->code) {
            jit_backend_patch(j, x->patch_at, t->code);
            x->patch_at = JIT_NO_PATCH;
            j->stats.chains++;
        }
    }
    for (struct jit_block *b = j->page_blocks[page]; b; b = b->page_next) {
        if (b == fresh || !b->code || !same_page(b->pc, fresh->pc)) continue;
        for (unsigned i = 0; i < b->exit_count; i++) {
            struct jit_exit *x = &b->exits[i];
            if (x->patch_at != JIT_NO_PATCH && x->target == fresh->pc) {
                jit_backend_patch(j, x->patch_at, fresh->code);
                x->patch_at = JIT_NO_PATCH;
                j->stats.chains++;
            }
        }
    }
}

/* Decode the block at b->pc from the RAM page `host` (physical page `page`) and translate it.
 * Returns the block (a new one if the cache had to be flushed), or NULL. */
static struct jit_block *translate(struct cpu *c, struct jit *j, struct jit_block *b,
                                   struct dpage *dp, uint64_t page)
{
    struct jit_insn insns[JIT_MAX_INSNS];
    unsigned n = 0, branches = 0;
    unsigned offset = (unsigned)(b->pc & (PAGE_SIZE - 1)), start = offset;
    const uint8_t *host = dp->host;
    /* From now on every write to these bytes must reach cpu_invalidate_code (here and on
     * other harts): no fast write entry may point into the page (as the interpreter's
     * decoder does, cpu/exec.c), and that before the bytes are read (mmu/coherence.h). */
    if (!dp->code_chunks) cpu_code_page_first(c, dp);
    while (n < JIT_MAX_INSNS && offset < PAGE_SIZE) {
        uint16_t lo = (uint16_t)(host[offset] | host[offset + 1] << 8), hi = 0;
        if (rv_insn_len(lo) == 4) {
            if (offset + 4 > PAGE_SIZE) break; /* crosses the page: the interpreter's job */
            hi = (uint16_t)(host[offset + 2] | host[offset + 3] << 8);
        }
        struct jit_insn *in = &insns[n];
        rv_decode_parcels(lo, hi, &in->d);
        if (in->d.opcode == OP_ILLEGAL || !jit_backend_translates(in->d.opcode)) break;
        /* as the interpreter's slots: x0 absorbs (f0 is a register like the others) */
        if (in->d.rd == 0 && !insn_format_writes_freg(insn_table[in->d.opcode].format))
            in->d.rd = REG_SINK;
        in->raw = (uint32_t)lo | (uint32_t)hi << 16;
        in->pc = b->pc + (offset - start);
        offset += in->d.len;
        n++;
        if (jit_backend_ends_block(in->d.opcode)) break;
        if (insn_table[in->d.opcode].format == FMT_B && ++branches == JIT_MAX_BRANCHES) break;
    }
    if (n == 0) {
        b->untranslatable = true;
        return NULL;
    }
    for (unsigned k = start >> DPAGE_CHUNK_SHIFT; k <= (offset - 1) >> DPAGE_CHUNK_SHIFT; k++)
        dp->code_chunks |= 1ull << k;

    uint64_t next_pc = b->pc + (offset - start);
    const uint8_t *code = jit_backend_emit(j, insns, n, next_pc, b);
    if (!code) {
        uint64_t pc = b->pc, pa = b->pa;
        flush_all(j);
        b = new_block(j, pc, pa, page);
        code = jit_backend_emit(j, insns, n, next_pc, b);
        if (!code) {
            b->untranslatable = true;
            return NULL;
        }
    }
    b->code = code;
    j->stats.blocks++;
    j->stats.insns += n;
    chain(j, b, page);
    return b;
}

/* The key bit of code translated now (see JIT_KEY_DIRECT). */
static uint64_t regime_key(const struct cpu *c)
{
    return mmu_identity(&c->mmu.state, c->mmu.state.data_priv) ? JIT_KEY_DIRECT : 0;
}

struct jit_result jit_run(struct cpu *c, const struct itlb_entry *e, uint64_t pc, int64_t remaining)
{
    struct jit *j = c->jit;
    uint64_t pa = e->paddr | (pc & (PAGE_SIZE - 1)) | regime_key(c);
    uint64_t page = ram_page_index(&c->mmu.ram, e->paddr);
    struct jit_block *b = find(j, pc, pa);
    if (!b) b = new_block(j, pc, pa, page);
    if (!b->code) {
        if (b->untranslatable || ++b->hits < j->threshold)
            return (struct jit_result){remaining, JIT_NOTHING};
        b = translate(c, j, b, e->page, page);
        if (!b) return (struct jit_result){remaining, JIT_NOTHING};
    }
    j->stop = 0;
    int status = j->enter(c, b->code, &remaining);
    return (struct jit_result){remaining,
                               status == JIT_STATUS_EXCEPTION ? JIT_EXCEPTION : JIT_CONTINUE};
}

const void *jit_lookup(struct cpu *c)
{
    if (c->yield_request) return NULL;
    uint64_t pc = c->pc;
    const struct itlb_entry *e = &c->mmu.fetch[ftlb_index(pc)];
    if (e->tag != ftlb_page_tag(pc)) return NULL; /* the interpreter fetches it */
    uint64_t pa = e->paddr | (pc & (PAGE_SIZE - 1)) | regime_key(c);
    struct jit_jump_entry *slot = &c->jit->jump_cache[(pc >> 1) & (JIT_JUMP_CACHE_SIZE - 1)];
    if (slot->code && slot->pc == pc && slot->pa == pa) return slot->code;
    const struct jit_block *b = find(c->jit, pc, pa);
    if (!b || !b->code) return NULL;
    *slot = (struct jit_jump_entry){pc, pa, b->code};
    return b->code;
}

#endif
