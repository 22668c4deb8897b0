/* fstest: the file system calls against the files the build puts on the disk
 * (firmware/disk/mkdisk.sh): reads through direct, single and double indirect blocks,
 * seeks, a write into an existing file read back, the errors the calls must report, and
 * programs loaded from the disk. Prints one line per failed check and a summary; exits 0
 * only when everything held. The test script then checks the written bytes from the host
 * (debugfs). */
#include "user.h"

#define NUMBERS_SIZE 292 /* "1\n" .. "100\n" */
#define BIG_LINES 25600  /* "line NNNNNN\n", 12 bytes each */
#define BIG_LINE_LEN 12
#define SCRATCH_SIZE 8192   /* dots */
#define SCRATCH_OFFSET 1000 /* the write crosses the block boundary at 1024 */
static const char message[] = "written by fstest across a block boundary";

static int checks, failures;

static void check(int ok, const char *what)
{
    checks++;
    if (!ok) {
        failures++;
        printf("fstest: FAIL: %s\n", what);
    }
}

/* "line NNNNNN\n" for line n. */
static void big_line(unsigned n, char out[BIG_LINE_LEN])
{
    memcpy(out, "line ", 5);
    for (int i = 10; i >= 5; i--, n /= 10)
        out[i] = (char)('0' + n % 10);
    out[11] = '\n';
}

static void test_numbers(void)
{
    int fd = open("/data/numbers.txt", O_RDONLY);
    check(fd >= 3, "open /data/numbers.txt gives an fd from 3 up");
    if (fd < 0) return;
    struct stat st;
    check(fstat(fd, &st) == 0 && st.size == NUMBERS_SIZE && st.type == STAT_FILE,
          "fstat reports numbers.txt as a 292-byte file");
    /* Odd-sized reads, so that they straddle lines and the file's end. */
    static char text[NUMBERS_SIZE + 64];
    long total = 0, n;
    while ((n = read(fd, text + total, 37)) > 0)
        total += n;
    check(n == 0, "read returns 0 at the end of the file");
    check(total == NUMBERS_SIZE, "read returns the whole of numbers.txt");
    long sum = 0, value = 0, lines = 0;
    for (long i = 0; i < total; i++) {
        if (text[i] == '\n') {
            lines++;
            check(value == lines, "numbers.txt holds 1, 2, 3, ... in order");
            sum += value;
            value = 0;
        } else {
            value = value * 10 + (text[i] - '0');
        }
    }
    check(lines == 100 && sum == 5050, "numbers.txt holds 100 numbers adding up to 5050");
    printf("fstest: numbers.txt: %ld lines, sum %ld\n", lines, sum);
    check(close(fd) == 0, "close of an open file");
    check(read(fd, text, 1) == -1, "read from a closed fd fails");
    check(close(fd) == -1, "a second close fails");
}

static void test_big(void)
{
    int fd = open("/data/big.txt", O_RDONLY);
    check(fd >= 3, "open /data/big.txt");
    if (fd < 0) return;
    /* 1000-byte reads: never aligned to a block or a line. */
    static char buf[1000];
    char expected[BIG_LINE_LEN];
    unsigned long total = 0, bad = 0, checksum = 2166136261u; /* FNV-1a */
    long n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (long i = 0; i < n; i++, total++) {
            big_line((unsigned)(total / BIG_LINE_LEN), expected);
            bad += buf[i] != expected[total % BIG_LINE_LEN];
            checksum = ((checksum ^ (unsigned char)buf[i]) * 16777619u) & 0xffffffffu;
        }
    }
    check(total == BIG_LINES * BIG_LINE_LEN, "big.txt reads back whole (307200 bytes)");
    check(bad == 0, "every byte of big.txt is right (direct, indirect, double indirect)");
    printf("fstest: big.txt: %lu bytes, %lu wrong, FNV-1a 0x%08lx\n", total, bad, checksum);

    /* Seeks into each kind of block: direct, single and double indirect. */
    static const unsigned lines[] = {3, 100, 23400, 25599};
    for (unsigned i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        long at = (long)lines[i] * BIG_LINE_LEN;
        char got[BIG_LINE_LEN];
        check(lseek(fd, at, SEEK_SET) == at, "lseek SEEK_SET returns the new offset");
        check(read(fd, got, sizeof got) == BIG_LINE_LEN, "a read after lseek");
        big_line(lines[i], expected);
        check(memcmp(got, expected, BIG_LINE_LEN) == 0, "lseek lands on the right line");
    }
    check(lseek(fd, 0, SEEK_END) == BIG_LINES * BIG_LINE_LEN, "SEEK_END is the file's size");
    check(read(fd, buf, 1) == 0, "read at the end returns 0");
    check(write(fd, "x", 1) == -1, "write to a file opened read-only fails");
    close(fd);
}

static void test_write(void)
{
    int fd = open("/data/scratch.txt", O_RDWR);
    check(fd >= 3, "open /data/scratch.txt read-write");
    if (fd < 0) return;
    long len = (long)sizeof message - 1;
    check(lseek(fd, SCRATCH_OFFSET, SEEK_SET) == SCRATCH_OFFSET, "lseek in scratch.txt");
    check(write(fd, message, (size_t)len) == len, "write into the existing scratch.txt");
    check(lseek(fd, 0, SEEK_CUR) == SCRATCH_OFFSET + len, "write moves the offset");

    static char back[SCRATCH_SIZE];
    check(lseek(fd, 0, SEEK_SET) == 0, "lseek back to the start");
    check(read(fd, back, sizeof back) == SCRATCH_SIZE, "scratch.txt reads back whole");
    check(memcmp(back + SCRATCH_OFFSET, message, (size_t)len) == 0,
          "the written bytes read back (through the block cache)");
    int dots = 1;
    for (long i = 0; i < SCRATCH_SIZE; i++)
        if (i < SCRATCH_OFFSET || i >= SCRATCH_OFFSET + len) dots &= back[i] == '.';
    check(dots, "the bytes around the write are untouched");

    /* The file cannot grow yet: a write past its end is refused and the size stays. */
    check(lseek(fd, SCRATCH_SIZE - 2, SEEK_SET) == SCRATCH_SIZE - 2, "lseek near the end");
    check(write(fd, "growing", 7) == -1, "a write past the end of the file is refused");
    struct stat st;
    check(fstat(fd, &st) == 0 && st.size == SCRATCH_SIZE, "the refused write left the size");
    close(fd);
    printf("fstest: wrote \"%s\" at offset %d of /data/scratch.txt\n", message, SCRATCH_OFFSET);
}

static void test_errors(void)
{
    check(open("/data/no-such-file", O_RDONLY) == -1, "open of a missing file fails");
    check(open("/no/such/dir/file", O_RDONLY) == -1, "open through a missing directory fails");
    check(open("data/numbers.txt", O_RDONLY) == -1, "a relative path is refused");
    check(open("/data", O_RDWR) == -1, "a directory cannot be opened for writing");
    check(open("/data/numbers.txt/x", O_RDONLY) == -1, "a file is not a directory");
    check(open("/data/numbers.txt", 0x40) == -1, "unknown open flags are refused");
    check(open((const char *)0x80200000ul, O_RDONLY) == -1, "a kernel address as path fails");
    int fd = open("/data", O_RDONLY);
    struct stat st;
    check(fd >= 3 && fstat(fd, &st) == 0 && st.type == STAT_DIR, "a directory opens read-only");
    if (fd >= 0) close(fd);
    /* Every fd a process may have, then one more. */
    int fds[16], opened = 0;
    while (opened < 16 && (fds[opened] = open("/README.txt", O_RDONLY)) >= 0)
        opened++;
    check(opened == 13, "a process has fds 3..15 for files");
    while (opened > 0)
        close(fds[--opened]);
}

/* Programs from the disk: by path, and a bare name that is not built into the kernel. */
static void test_programs(void)
{
    static const char *const commands[] = {"/bin/hello", "cat /README.txt"};
    for (unsigned i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        int pid = spawn(commands[i]);
        check(pid > 0, "spawn loads a program from the disk");
        int status = -2;
        check(wait(&status) == pid && status == 0, "the program from the disk exits with 0");
        printf("fstest: ran \"%s\": pid %d, status %d\n", commands[i], pid, status);
    }
    check(spawn("/bin/no-such-program") == -1, "spawn of a missing file fails");
    check(spawn("/data/numbers.txt") == -1, "spawn of a file that is not ELF fails");
}

int main(void)
{
    printf("fstest: pid %d\n", getpid());
    test_numbers();
    test_big();
    test_write();
    test_errors();
    test_programs();
    if (failures)
        printf("fstest: %d of %d checks failed\n", failures, checks);
    else
        printf("fstest: all %d checks passed\n", checks);
    return failures ? 1 : 0;
}
