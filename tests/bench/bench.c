/* rv39's guest benchmark: integer, branchy, memory-touching work of a fixed size, so that
 * rv39 and QEMU run exactly the same instructions and print the same checksums.
 *
 *   list    linked-list build, walk and in-place reversal over a shuffled node pool
 *   matmul  int32 matrix multiply
 *   crc     table-driven CRC-32 over a buffer
 *   fsm     a tokenizer state machine over generated text
 *   sort    heap sort of a 4 MiB array of pseudo-random words
 *
 * -DBENCH_SCALE_SMALL builds a short version of the same code for CI. Lines starting with
 * '~' (time, instructions) differ between machines; everything else must not. */
#include "rv39.h"

#ifdef BENCH_SCALE_SMALL
#define REPS 1
#define SORT_N (64 * 1024)
#else
#define REPS 48
#define SORT_N (1024 * 1024) /* 4 MiB of uint32_t */
#endif

#define LIST_N (64 * 1024)
#define MAT_N 64
#define CRC_BYTES (256 * 1024)
#define TEXT_BYTES (256 * 1024)

static uint64_t rng_state = 0x243f6a8885a308d3ull;
static uint64_t rng(void)
{
    /* xorshift64*: fast, deterministic, no multiply-free shortcuts needed */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* ---- list ---- */
struct node {
    struct node *next;
    uint32_t value;
};
static struct node pool[LIST_N];
static uint32_t order[LIST_N];

static uint32_t bench_list(void)
{
    /* Link the pool in a random order, so each step of a walk lands somewhere else. */
    for (uint32_t i = 0; i < LIST_N; i++)
        order[i] = i;
    for (uint32_t i = LIST_N - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(rng() % (i + 1));
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    struct node *head = 0;
    for (uint32_t i = 0; i < LIST_N; i++) {
        struct node *n = &pool[order[i]];
        n->value = (uint32_t)rng();
        n->next = head;
        head = n;
    }
    uint32_t sum = 0;
    for (int pass = 0; pass < 8; pass++) {
        /* Walk: fold values, bump the odd ones. */
        for (struct node *n = head; n; n = n->next) {
            sum = (sum << 5 | sum >> 27) ^ n->value;
            if (n->value & 1) n->value += pass;
        }
        /* Reverse in place. */
        struct node *prev = 0;
        while (head) {
            struct node *next = head->next;
            head->next = prev;
            prev = head;
            head = next;
        }
        head = prev;
    }
    return sum;
}

/* ---- matmul ---- */
static int32_t ma[MAT_N][MAT_N], mb[MAT_N][MAT_N], mc[MAT_N][MAT_N];

static uint32_t bench_matmul(void)
{
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            ma[i][j] = (int32_t)(rng() % 201) - 100;
            mb[i][j] = (int32_t)(rng() % 201) - 100;
        }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            int32_t s = 0;
            for (int k = 0; k < MAT_N; k++)
                s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    uint32_t h = 0;
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++)
            h = h * 31 + (uint32_t)mc[i][j];
    return h;
}

/* ---- crc ---- */
static uint32_t crc_table[256];
static uint8_t crc_buf[CRC_BYTES];

static uint32_t bench_crc(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    for (int i = 0; i < CRC_BYTES; i += 8) {
        uint64_t r = rng();
        memcpy(&crc_buf[i], &r, 8);
    }
    uint32_t crc = ~0u;
    for (int i = 0; i < CRC_BYTES; i++)
        crc = crc_table[(crc ^ crc_buf[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* ---- fsm ---- */
static char text[TEXT_BYTES];

static uint32_t bench_fsm(void)
{
    static const char alphabet[] = "abcdefghij0123456789  \n.,;()";
    for (int i = 0; i < TEXT_BYTES; i++)
        text[i] = alphabet[rng() % (sizeof alphabet - 1)];
    enum { SPACE, WORD, NUMBER, PUNCT } state = SPACE;
    uint32_t words = 0, numbers = 0, lines = 0, puncts = 0, value = 0, numsum = 0;
    for (int i = 0; i < TEXT_BYTES; i++) {
        char c = text[i];
        int digit = c >= '0' && c <= '9', letter = c >= 'a' && c <= 'z';
        switch (state) {
        case SPACE:
        case PUNCT:
            if (digit) {
                state = NUMBER;
                value = (uint32_t)(c - '0');
            } else if (letter) {
                state = WORD;
                words++;
            } else if (c == ' ' || c == '\n') {
                state = SPACE;
            } else {
                state = PUNCT;
                puncts++;
            }
            break;
        case WORD:
            if (!letter && !digit) state = c == ' ' || c == '\n' ? SPACE : PUNCT;
            break;
        case NUMBER:
            if (digit) {
                value = value * 10 + (uint32_t)(c - '0');
            } else {
                numbers++;
                numsum += value;
                state = letter ? WORD : c == ' ' || c == '\n' ? SPACE : PUNCT;
                words += letter;
            }
            break;
        }
        lines += c == '\n';
    }
    return words * 7 + numbers * 131 + lines * 8191 + puncts * 3 + numsum;
}

/* ---- sort ---- */
static uint32_t sort_buf[SORT_N];

static void sift_down(uint32_t *a, size_t root, size_t n)
{
    uint32_t v = a[root];
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) break;
        if (child + 1 < n && a[child + 1] > a[child]) child++;
        if (a[child] <= v) break;
        a[root] = a[child];
        root = child;
    }
    a[root] = v;
}

static uint32_t bench_sort(void)
{
    for (size_t i = 0; i < SORT_N; i++)
        sort_buf[i] = (uint32_t)rng();
    for (size_t i = SORT_N / 2; i-- > 0;)
        sift_down(sort_buf, i, SORT_N);
    for (size_t n = SORT_N - 1; n > 0; n--) {
        uint32_t t = sort_buf[0];
        sort_buf[0] = sort_buf[n];
        sort_buf[n] = t;
        sift_down(sort_buf, 0, n);
    }
    uint32_t h = 0;
    for (size_t i = 0; i < SORT_N; i++) {
        if (i && sort_buf[i - 1] > sort_buf[i])
            return 0; /* not sorted: a checksum no correct run produces */
        h = h * 33 + sort_buf[i];
    }
    return h;
}

#ifdef BENCH_SV39
/* The Sv39 variant runs the kernels in S-mode with paging on (sv39_enter.c), where the
 * counters are read through their unprivileged names. */
void bench_enter_supervisor(void);
#define read_minstret() csr_read(instret)
#endif

int main(void)
{
#ifdef BENCH_SV39
    bench_enter_supervisor();
#endif
    static const struct {
        const char *name;
        uint32_t (*run)(void);
        int reps;
    } kernels[] = {
        {"list", bench_list, REPS}, {"matmul", bench_matmul, REPS * 2}, {"crc", bench_crc, REPS},
        {"fsm", bench_fsm, REPS},   {"sort", bench_sort, 1 + REPS / 8},
    };

    printf("rv39 bench: %d reps, sort of %d words\n", REPS, SORT_N);
    uint64_t t_all = read_time(), i_all = read_minstret();
    uint32_t total = 0;
    for (unsigned k = 0; k < sizeof kernels / sizeof kernels[0]; k++) {
        uint64_t t0 = read_time(), i0 = read_minstret();
        uint32_t sum = 0;
        for (int r = 0; r < kernels[k].reps; r++)
            sum = sum * 0x9e3779b1u + kernels[k].run();
        uint64_t t1 = read_time(), i1 = read_minstret();
        printf("%-8s checksum %08x\n", kernels[k].name, sum);
        printf("~ %-8s %lu us, %lu instructions\n", kernels[k].name,
               (t1 - t0) / (TIMEBASE_HZ / 1000000), i1 - i0);
        total ^= sum + k;
    }
    uint64_t t_end = read_time(), i_end = read_minstret();
    printf("total    checksum %08x\n", total);
    /* bench.sh reads these two. */
    printf("~ instret %lu\n", i_end - i_all);
    printf("~ time_us %lu\n", (t_end - t_all) / (TIMEBASE_HZ / 1000000));
    return 0;
}
