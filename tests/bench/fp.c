/* rv39's floating-point benchmark: double-precision kernels of a fixed size, so that rv39 and
 * QEMU run exactly the same instructions and print the same bits.
 *
 *   dot     dot products of two 4096-element vectors (a fused multiply-add chain)
 *   matmul  64x64 double matrix multiply (fmadd in the inner loop, loads and stores)
 *   fft     radix-2 complex FFT of 1024 points and its inverse (butterflies: fmul, fadd,
 *           fsub, loads and stores of complex pairs), twiddles from a sin/cos recurrence
 *   stats   a mean, a variance with a square root and a division per block, and conversions
 *           between integers and doubles
 *
 * Results are printed as the bits of the doubles, and the fflags the run accrued: IEEE 754
 * makes them the same on every correct machine. Compiled with -ffp-contract (GCC's default)
 * a*b + c becomes fmadd.d. -DBENCH_SCALE_SMALL builds a short version for CI. Lines starting
 * with '~' (time, instructions) differ between machines; everything else must not. */
#include <stdbool.h>

#include "rv39.h"

#ifdef BENCH_SCALE_SMALL
#define REPS 1
#else
#define REPS 96
#endif

#define VEC_N 4096
#define MAT_N 64
#define FFT_LOG 10
#define FFT_N (1 << FFT_LOG)

#define MSTATUS_FS_INITIAL (1ul << 13)

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}
/* A double in [-1, 1): 53 random bits, converted (fcvt.d.l) and scaled. */
static double rnd(void)
{
    return (double)(int64_t)(rng() >> 11) * 0x1p-52 - 1.0;
}

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

/* ---- dot ---- */
static double va[VEC_N], vb[VEC_N];

static double bench_dot(void)
{
    for (int i = 0; i < VEC_N; i++) {
        va[i] = rnd();
        vb[i] = rnd();
    }
    double total = 0;
    for (int pass = 0; pass < 16; pass++) {
        double s0 = 0, s1 = 0;
        for (int i = 0; i < VEC_N; i += 2) {
            s0 += va[i] * vb[i];
            s1 += va[i + 1] * vb[i + 1];
        }
        total += s0 - s1;
        for (int i = 0; i < VEC_N; i++) /* perturb so each pass differs */
            vb[i] = vb[i] * 0.999 + va[i] * 0.001;
    }
    return total;
}

/* ---- matmul ---- */
static double ma[MAT_N][MAT_N], mb[MAT_N][MAT_N], mc[MAT_N][MAT_N];

static double bench_matmul(void)
{
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            ma[i][j] = rnd();
            mb[i][j] = rnd();
        }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            double s = 0;
            for (int k = 0; k < MAT_N; k++)
                s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    double h = 0;
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++)
            h = h * 0.5 + mc[i][j];
    return h;
}

/* ---- fft ---- */
static double re[FFT_N], im[FFT_N], wr[FFT_N / 2], wi[FFT_N / 2];

/* cos and sin of 2*pi*k/N by the rotation recurrence from a Taylor series of the step. */
static void twiddles(void)
{
    const double pi = 3.14159265358979323846;
    double t = -2 * pi / FFT_N, t2 = t * t;
    double c = 1 - t2 / 2 + t2 * t2 / 24 - t2 * t2 * t2 / 720;
    double s = t - t * t2 / 6 + t * t2 * t2 / 120 - t * t2 * t2 * t2 / 5040;
    wr[0] = 1, wi[0] = 0;
    for (int k = 1; k < FFT_N / 2; k++) {
        wr[k] = wr[k - 1] * c - wi[k - 1] * s;
        wi[k] = wr[k - 1] * s + wi[k - 1] * c;
    }
}

static void fft(bool inverse)
{
    for (unsigned i = 1, j = 0; i < FFT_N; i++) { /* bit reversal */
        unsigned bit = FFT_N >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            double t = re[i];
            re[i] = re[j], re[j] = t;
            t = im[i];
            im[i] = im[j], im[j] = t;
        }
    }
    for (unsigned len = 2; len <= FFT_N; len <<= 1) {
        unsigned step = FFT_N / len;
        for (unsigned i = 0; i < FFT_N; i += len)
            for (unsigned k = 0; k < len / 2; k++) {
                double c = wr[k * step], s = inverse ? -wi[k * step] : wi[k * step];
                unsigned p = i + k, q = i + k + len / 2;
                double xr = re[q] * c - im[q] * s, xi = re[q] * s + im[q] * c;
                re[q] = re[p] - xr, im[q] = im[p] - xi;
                re[p] += xr, im[p] += xi;
            }
    }
    if (inverse)
        for (unsigned i = 0; i < FFT_N; i++)
            re[i] /= FFT_N, im[i] /= FFT_N;
}

static double bench_fft(void)
{
    twiddles();
    for (int i = 0; i < FFT_N; i++)
        re[i] = rnd(), im[i] = rnd();
    double h = 0;
    for (int pass = 0; pass < 4; pass++) {
        fft(false);
        h += re[pass] - im[FFT_N - 1 - pass];
        fft(true);
    }
    for (int i = 0; i < FFT_N; i++)
        h = h * 0.75 + re[i] - im[i];
    return h;
}

/* ---- stats ---- */
static double fsqrt(double x)
{
    double r;
    __asm__("fsqrt.d %0, %1" : "=f"(r) : "f"(x)); /* no libm here */
    return r;
}

static double bench_stats(void)
{
    double h = 0;
    for (int block = 0; block < 64; block++) {
        double sum = 0, sq = 0;
        int64_t isum = 0;
        for (int i = 0; i < 256; i++) {
            double x = (double)(int32_t)(rng() >> 40) / 4096.0;
            sum += x;
            sq += x * x;
            isum += (int64_t)(x * 16.0); /* fcvt.l.d: rounds toward zero */
        }
        double mean = sum / 256, var = sq / 256 - mean * mean;
        h += fsqrt(var < 0 ? -var : var) + (double)isum / (mean == 0 ? 1 : mean);
    }
    return h;
}

int main(void)
{
    csr_set(mstatus, MSTATUS_FS_INITIAL);
    static const struct {
        const char *name;
        double (*run)(void);
        int reps;
    } kernels[] = {
        {"dot", bench_dot, REPS},
        {"matmul", bench_matmul, REPS},
        {"fft", bench_fft, REPS},
        {"stats", bench_stats, REPS},
    };
    printf("rv39 fp bench: %d reps\n", REPS);
    uint64_t t_all = read_time(), i_all = read_minstret();
    uint64_t total = 0;
    for (unsigned k = 0; k < sizeof kernels / sizeof kernels[0]; k++) {
        uint64_t t0 = read_time(), i0 = read_minstret();
        uint64_t sum = 0;
        for (int r = 0; r < kernels[k].reps; r++)
            sum = sum * 0x9e3779b97f4a7c15ull + bits(kernels[k].run());
        uint64_t t1 = read_time(), i1 = read_minstret();
        printf("%-8s checksum %016lx\n", kernels[k].name, (unsigned long)sum);
        printf("~ %-8s %lu us, %lu instructions\n", kernels[k].name,
               (t1 - t0) / (TIMEBASE_HZ / 1000000), i1 - i0);
        total ^= sum + k;
    }
    uint64_t t_end = read_time(), i_end = read_minstret();
    printf("total    checksum %016lx fflags %lx\n", (unsigned long)total,
           (unsigned long)csr_read(fflags));
    printf("~ instret %lu\n", i_end - i_all);
    printf("~ time_us %lu\n", (t_end - t_all) / (TIMEBASE_HZ / 1000000));
    return 0;
}
