/* tlbdemo: what 2 MiB pages buy. Maps 16 MiB of anonymous memory twice, once with 4 KiB
 * pages and once with MAP_HUGE_2MB megapages, touches every page of each (the demand faults,
 * not measured), then walks both with the same access pattern: PASSES passes, each visiting
 * every 4 KiB page once in a scrambled order (a stride co-prime with the page count), and
 * counts the dTLB misses (hpmcounter4) and page-table walks (hpmcounter5) of each walk.
 * 4 KiB pages need 4096 TLB entries for the 16 MiB, megapages 8: huge pages must miss less,
 * else exit 1. Machines without the counters (QEMU reads 0) only run the walks. */
#include "user.h"

#define REGION_BYTES (16ul << 20)
#define PAGE 4096ul
#define PAGES (REGION_BYTES / PAGE)
#define STRIDE 1031ul /* odd, so i * STRIDE mod PAGES (a power of two) visits every page */
#define PASSES 4

struct walk_result {
    uint64_t dtlb_misses, walks;
    unsigned long sum;
};

static int walk(volatile char *region, struct walk_result *r)
{
    for (unsigned long i = 0; i < PAGES; i++)
        region[i * PAGE] = (char)i; /* the faults */
    struct mmu_counters before, after;
    mmu_counters(&before);
    unsigned long sum = 0;
    for (int pass = 0; pass < PASSES; pass++)
        for (unsigned long i = 0; i < PAGES; i++) {
            unsigned long page = (i * STRIDE) % PAGES;
            sum += (unsigned char)region[page * PAGE + (unsigned long)pass * 8];
        }
    mmu_counters(&after);
    r->dtlb_misses = after.dtlb_misses - before.dtlb_misses;
    r->walks = after.walks - before.walks;
    r->sum = sum;
    return after.hw_available ? 1 : 0;
}

static int map_and_walk(const char *name, int extra_flags, struct walk_result *r, int *hw)
{
    char *region = mmap(0, REGION_BYTES, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
    if (region == MAP_FAILED) {
        printf("tlbdemo: FAIL: mmap of 16 MiB with %s pages refused\n", name);
        return -1;
    }
    if (extra_flags & MAP_HUGE_2MB) {
        long pa = virt2phys(region); /* not mapped yet: -1 */
        if (pa != -1) printf("tlbdemo: FAIL: 0x%lx mapped before the first touch\n", pa);
    }
    *hw = walk(region, r);
    if (extra_flags & MAP_HUGE_2MB) {
        long pa = virt2phys(region);
        printf("tlbdemo: huge region at 0x%lx, first megapage at physical 0x%lx\n",
               (unsigned long)region, pa);
        if (pa < 0 || (pa & ((2l << 20) - 1)))
            printf("tlbdemo: FAIL: the first megapage is not 2 MiB-aligned physically\n");
    }
    printf("tlbdemo: %s pages: %lu dTLB misses, %lu walks over %d passes of %lu pages\n", name,
           (unsigned long)r->dtlb_misses, (unsigned long)r->walks, PASSES, PAGES);
    if (munmap(region, REGION_BYTES) < 0) {
        printf("tlbdemo: FAIL: munmap of the %s region refused\n", name);
        return -1;
    }
    return 0;
}

int main(void)
{
    struct walk_result small, huge;
    int hw_small, hw_huge;
    if (map_and_walk("4 KiB", 0, &small, &hw_small) < 0) return 1;
    if (map_and_walk("2 MiB", MAP_HUGE_2MB, &huge, &hw_huge) < 0) return 1;
    if (small.sum != huge.sum) {
        printf("tlbdemo: FAIL: the walks read different bytes (%lu, %lu)\n", small.sum, huge.sum);
        return 1;
    }
    if (!hw_small || !hw_huge ||
        (small.dtlb_misses == 0 && huge.dtlb_misses == 0 && small.walks == 0)) {
        printf("tlbdemo: no MMU counters on this machine\n");
        return 0;
    }
    unsigned long h = huge.dtlb_misses ? (unsigned long)huge.dtlb_misses : 1;
    unsigned long ratio10 = (unsigned long)small.dtlb_misses * 10 / h;
    printf("tlbdemo: 4 KiB pages missed the dTLB %lu.%lu times as often as 2 MiB pages\n",
           ratio10 / 10, ratio10 % 10);
    if (huge.dtlb_misses >= small.dtlb_misses) {
        printf("tlbdemo: FAIL: huge pages did not reduce dTLB misses\n");
        return 1;
    }
    printf("tlbdemo: huge pages reduced dTLB misses\n");
    return 0;
}
