/* swapdemo [MiB [PROCESSES]]: memory several times the machine's RAM, through swap.
 *
 * Maps MiB of anonymous memory (default: four times the RAM), fills every 4 KiB page with
 * words derived from the page's number and keeps a checksum per page, then reads every page
 * back in another order and checks both its words and its checksum. Long before the end
 * the frames run out and the kernel moves pages to the swap partition (clock algorithm over
 * the A bits) and back on the next access; pages read back and evicted again unchanged
 * need no write (their swap copy is still good). Prints its progress and how many pages went out
 * and came in; exits 0 when every page came back intact (and, when the region is bigger
 * than the RAM, pages really did go to swap and come back), else 1.
 *
 * With PROCESSES > 1 it runs that many copies of itself side by side, MiB each: while one
 * waits for the disk the others run and take frames from it, and each must still find
 * exactly its own data. */
#include "user.h"

#define PAGE 4096ul
#define WORDS (PAGE / sizeof(uint64_t))
#define REPORTS 8 /* progress lines per pass */

/* The word at index w of page p: distinct for every page and word, cheap to recompute. */
static uint64_t word_of(uint64_t page, uint64_t w)
{
    uint64_t x = (page << 12 | w) * 0x9e3779b97f4a7c15ull;
    return x ^ (x >> 29);
}

static uint64_t checksum(const uint64_t *words)
{
    uint64_t sum = 0;
    for (uint64_t w = 0; w < WORDS; w++)
        sum = (sum << 7 | sum >> 57) ^ words[w];
    return sum;
}

static void progress(const char *what, uint64_t done, uint64_t pages, const struct swap_info *start)
{
    struct swap_info now;
    swapinfo(&now);
    printf("swapdemo: %s %lu/%lu MiB, swap-outs %lu, swap-ins %lu, free frames %lu\n", what,
           done * PAGE >> 20, pages * PAGE >> 20, now.swap_outs - start->swap_outs,
           now.swap_ins - start->swap_ins, now.free_frames);
}

/* The decimal number at *s, or 0; *s moves past it and the spaces after it. */
static uint64_t parse_number(const char **s)
{
    uint64_t n = 0;
    while (**s >= '0' && **s <= '9')
        n = n * 10 + (uint64_t)(*(*s)++ - '0');
    while (**s == ' ')
        (*s)++;
    return n;
}

/* Runs copies of this program with MiB each and waits for them: 0 when all passed. */
static int run_copies(uint64_t mib, uint64_t copies)
{
    char command[48] = "/bin/swapdemo ", digits[24];
    int n = 0;
    do
        digits[n++] = (char)('0' + mib % 10);
    while ((mib /= 10) && n < 20);
    size_t at = strlen(command);
    while (n > 0)
        command[at++] = digits[--n];
    command[at] = 0;
    for (uint64_t i = 0; i < copies; i++)
        if (spawn(command) < 0) {
            printf("swapdemo: FAIL: cannot start copy %lu\n", i + 1);
            return 1;
        }
    int failed = 0;
    for (uint64_t i = 0; i < copies; i++) {
        int status;
        int pid = wait(&status);
        printf("swapdemo: copy (pid %d) exited with status %d\n", pid, status);
        if (pid < 0 || status != 0) failed = 1;
    }
    printf("swapdemo: %lu copies of %s MiB side by side: %s\n", copies, command + 14,
           failed ? "FAIL" : "PASS");
    return failed;
}

int main(const char *args)
{
    struct swap_info start;
    if (swapinfo(&start) < 0) {
        printf("swapdemo: FAIL: swapinfo\n");
        return 1;
    }
    const char *rest = args ? args : "";
    uint64_t mib = parse_number(&rest), copies = parse_number(&rest);
    if (copies > 1) return run_copies(mib ? mib : 2 * start.ram_bytes >> 20, copies);
    uint64_t bytes = mib ? mib << 20 : 4 * start.ram_bytes;
    uint64_t pages = bytes / PAGE;
    if (pages == 0) {
        printf("usage: swapdemo [MiB]\n");
        return 1;
    }
    printf("swapdemo: RAM %lu MiB (%lu frames free), swap %lu MiB; touching %lu MiB\n",
           start.ram_bytes >> 20, start.free_frames, start.slots_total * PAGE >> 20, bytes >> 20);

    uint64_t *region = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint64_t *sums = mmap(0, pages * sizeof(uint64_t), PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED || sums == MAP_FAILED) {
        printf("swapdemo: FAIL: mmap of %lu MiB refused\n", bytes >> 20);
        return 1;
    }

    uint64_t step = pages / REPORTS ? pages / REPORTS : 1;
    for (uint64_t p = 0; p < pages; p++) {
        uint64_t *words = region + p * WORDS;
        for (uint64_t w = 0; w < WORDS; w++)
            words[w] = word_of(p, w);
        sums[p] = checksum(words);
        if ((p + 1) % step == 0 || p + 1 == pages) progress("written", p + 1, pages, &start);
    }

    /* Back in a scattered order (a stride co-prime with the page count), so the clock
     * cannot simply have kept the pages about to be read. */
    uint64_t stride = 7919; /* prime */
    while (pages % stride == 0)
        stride += 2;
    uint64_t bad = 0;
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t p = (i * stride) % pages;
        const uint64_t *words = region + p * WORDS;
        uint64_t wrong = 0;
        for (uint64_t w = 0; w < WORDS; w++)
            wrong += words[w] != word_of(p, w);
        if (wrong || checksum(words) != sums[p]) {
            if (bad < 5)
                printf("swapdemo: page %lu at %p: %lu wrong words, checksum %s\n", p, (void *)words,
                       wrong, checksum(words) == sums[p] ? "ok" : "differs");
            bad++;
        }
        if ((i + 1) % step == 0 || i + 1 == pages) progress("verified", i + 1, pages, &start);
    }

    struct swap_info end;
    swapinfo(&end);
    uint64_t outs = end.swap_outs - start.swap_outs, ins = end.swap_ins - start.swap_ins;
    munmap(sums, pages * sizeof(uint64_t));
    munmap(region, bytes);
    struct swap_info after;
    swapinfo(&after);
    /* Counts are system-wide: with copies side by side they include the others' pages. */
    printf("swapdemo: %lu pages checked, %lu bad; %lu swap-outs, %lu swap-ins while it ran, "
           "%lu clean pages dropped without a write; swap slots in use after munmap: %lu\n",
           pages, bad, outs, ins, end.clean_drops - start.clean_drops, after.slots_used);
    /* The slots still in use after munmap: munmap frees the slots of the pages it unmaps,
     * so what is left belongs to pages still alive elsewhere. */
    printf("swapdemo: swap slots in use %lu before munmap, %lu after: munmap frees the slots of\n"
           "  the pages it unmaps",
           end.slots_used, after.slots_used);
    if (after.slots_used)
        printf(
            ";\n  the %lu left hold pages still alive: this process's stack and data (in swap, or\n"
            "  back in RAM with their swap copy kept so that a clean page drops without a\n"
            "  write) or other processes' pages; exit frees them\n",
            after.slots_used);
    else
        printf(", and none is left\n");
    int needed_swap = bytes > start.ram_bytes;
    if (bad || (needed_swap && (outs == 0 || ins == 0))) {
        printf("swapdemo: FAIL\n");
        return 1;
    }
    printf("swapdemo: PASS\n");
    return 0;
}
