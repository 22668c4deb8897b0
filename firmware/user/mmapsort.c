/* mmapsort: sorts /input.bin (32-bit unsigned integers, written at build time by
 * firmware/disk/mkdisk.sh) in place through a MAP_SHARED mapping, so the sorted numbers
 * reach the file on the disk by msync and munmap alone, never by write(). */
#include "user.h"

#define INPUT "/input.bin"

/* Shell sort (gaps 1, 4, 13, 40, ...): short, in place, and fast enough for 1024 numbers. */
static void sort(uint32_t *a, size_t n)
{
    size_t gap = 1;
    while (gap < n / 3)
        gap = gap * 3 + 1;
    for (; gap > 0; gap /= 3)
        for (size_t i = gap; i < n; i++) {
            uint32_t v = a[i];
            size_t j = i;
            for (; j >= gap && a[j - gap] > v; j -= gap)
                a[j] = a[j - gap];
            a[j] = v;
        }
}

#define SHOWN 5 /* numbers shown before and after */

/* One line of the before-and-after story: the first SHOWN numbers as the mapping has them. */
static void show(const char *when, const uint32_t *a)
{
    printf("mmapsort: %-31s", when);
    for (int i = 0; i < SHOWN; i++)
        printf(" %u", a[i]);
    printf(" ...\n");
}

int main(void)
{
    int fd = open(INPUT, O_RDWR);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        printf("mmapsort: cannot open %s\n", INPUT);
        return 1;
    }
    uint32_t *a = mmap(0, st.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (a == MAP_FAILED) {
        printf("mmapsort: mmap of %s failed\n", INPUT);
        return 1;
    }
    close(fd); /* the mapping keeps the file */
    size_t n = st.size / sizeof *a;
    printf("mmapsort: %lu integers in %s, mapped MAP_SHARED: sorting them in the mapping\n"
           "  changes the file itself, without write()\n",
           (unsigned long)n, INPUT);
    show("before (the file's order):", a);
    sort(a, n);
    show("after sorting in the mapping:", a);
    for (size_t i = 1; i < n; i++)
        if (a[i - 1] > a[i]) {
            printf("mmapsort: FAIL: not sorted at %lu\n", (unsigned long)i);
            return 1;
        }
    if (msync(a, st.size) < 0 || munmap(a, st.size) < 0) {
        printf("mmapsort: msync or munmap failed\n");
        return 1;
    }
    /* A private mapping now sees the sorted file (read back from the disk: the shared pages
     * are gone), and its stores stay private: the host finds the file sorted all the same. */
    fd = open(INPUT, O_RDONLY);
    uint32_t *copy = mmap(0, st.size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    if (copy == MAP_FAILED) {
        printf("mmapsort: FAIL: private mmap failed\n");
        return 1;
    }
    for (size_t i = 1; i < n; i++)
        if (copy[i - 1] > copy[i]) {
            printf("mmapsort: FAIL: the file read back is not sorted at %lu\n", (unsigned long)i);
            return 1;
        }
    show("read back (a new private map):", copy);
    copy[0] = 0xffffffffu; /* would unsort the file if it were written back */
    if (munmap(copy, st.size) < 0) {
        printf("mmapsort: FAIL: munmap of the private mapping\n");
        return 1;
    }
    printf("mmapsort: sorted %lu integers\n", (unsigned long)n);
    return 0;
}
