/* Open files and the file system calls. fds 0, 1 and 2 are the console (syscall.c); a file
 * opened with open() gets the lowest free fd from 3 up in the process's table, pointing into
 * the kernel's table of open files (an inode, an offset and the access mode).
 *
 * Files live on ext2 in partition 1 of the virtio disk (fs_init finds them). Writes go into
 * the blocks a file already has: a write past the end of the file fails for now (no block
 * allocation yet). */
#include "abi.h"
#include "fs.h"
#include "kernel.h"
#include "proc.h"
#include "swap.h"
#include "vm.h"

#define NFILE 64 /* open files in the whole system */
#define FIRST_FILE_FD 3
#define BOUNCE_SIZE 4096

struct file {
    int refs;
    bool readable, writable;
    uint64_t off;
    struct inode ip;
};

struct sleeplock fs_lock;
static struct file files[NFILE];
/* Between the disk cache and user memory. Callers hold fs_lock: one will do. */
static uint8_t bounce[BOUNCE_SIZE] __attribute__((aligned(16)));

void fs_init(void)
{
    if (!virtio_disk_init()) {
        printf("fs: no disk, files unavailable (the embedded programs still run)\n");
        return;
    }
    struct partition part;
    if (mbr_partition(1, &part) < 0) {
        printf("fs: no partition 1 in an MBR on the disk, files unavailable\n");
        return;
    }
    printf("fs: partition 1: type 0x%x, sectors %lu..%lu\n", part.type, part.first_sector,
           part.first_sector + part.sectors - 1);
    if (!ext2_mount(part.first_sector, part.sectors)) {
        printf("fs: partition 1 is not a usable ext2, files unavailable\n");
        return;
    }
    uint64_t ram_start, ram_end;
    kalloc_range(&ram_start, &ram_end);
    swap_init(ram_start, ram_end); /* partition 2, when it is swap */
}

static struct file *fd_file(const struct proc *p, long fd)
{
    if (fd < FIRST_FILE_FD || fd >= NOFILE) return NULL;
    return p->files[fd];
}

bool file_is_open(const struct proc *p, long fd)
{
    return fd_file(p, fd) != NULL;
}

long file_open(struct proc *p, uint64_t path_addr, long flags)
{
    char path[PATH_MAX_LEN];
    if (copy_string_from_user(p, path, path_addr, sizeof path) < 0) return -1;
    long mode = flags & O_ACCMODE;
    if (mode != O_RDONLY && mode != O_WRONLY && mode != O_RDWR) return -1;
    if (flags & ~O_ACCMODE) return -1; /* no O_CREAT, O_TRUNC, ... yet */
    if (mode != O_RDONLY && virtio_disk_read_only()) return -1;

    long fd = FIRST_FILE_FD;
    while (fd < NOFILE && p->files[fd])
        fd++;
    if (fd == NOFILE) return -1;
    struct file *f = NULL;
    for (int i = 0; i < NFILE && !f; i++)
        if (files[i].refs == 0) f = &files[i];
    if (!f) return -1;

    struct inode ip;
    if (ext2_lookup(path, &ip) < 0) return -1;
    /* Directories may be read (their raw entries) but never written. */
    if (mode != O_RDONLY && (ip.mode & EXT2_S_IFMT) != EXT2_S_IFREG) return -1;
    *f = (struct file){
        .refs = 1, .readable = mode != O_WRONLY, .writable = mode != O_RDONLY, .ip = ip};
    p->files[fd] = f;
    return fd;
}

long file_read(struct proc *p, long fd, uint64_t buf, long n)
{
    struct file *f = fd_file(p, fd);
    if (!f || !f->readable || n < 0) return -1;
    long done = 0;
    while (done < n) {
        uint64_t want = (uint64_t)(n - done) < BOUNCE_SIZE ? (uint64_t)(n - done) : BOUNCE_SIZE;
        long got = ext2_read(&f->ip, f->off, bounce, want);
        if (got < 0) return done ? done : -1;
        if (got == 0) break; /* end of file */
        if (copy_to_user(p, buf + (uint64_t)done, bounce, (size_t)got) < 0) return done ? done : -1;
        f->off += (uint64_t)got;
        done += got;
    }
    return done;
}

long file_write(struct proc *p, long fd, uint64_t buf, long n)
{
    struct file *f = fd_file(p, fd);
    if (!f || !f->writable || n < 0) return -1;
    long done = 0;
    while (done < n) {
        uint64_t len = (uint64_t)(n - done) < BOUNCE_SIZE ? (uint64_t)(n - done) : BOUNCE_SIZE;
        if (copy_from_user(p, bounce, buf + (uint64_t)done, (size_t)len) < 0)
            return done ? done : -1;
        long put = ext2_write_existing(&f->ip, f->off, bounce, len);
        if (put <= 0) return done ? done : -1; /* past the end: the file cannot grow yet */
        f->off += (uint64_t)put;
        done += put;
    }
    return done;
}

int file_inode(const struct proc *p, long fd, struct inode *out, bool *readable, bool *writable)
{
    struct file *f = fd_file(p, fd);
    if (!f) return -1;
    *out = f->ip;
    *readable = f->readable;
    *writable = f->writable;
    return 0;
}

long file_lseek(struct proc *p, long fd, long off, long whence)
{
    struct file *f = fd_file(p, fd);
    if (!f) return -1;
    long base;
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (long)f->off; break;
    case SEEK_END: base = (long)f->ip.size; break;
    default: return -1;
    }
    if (off < -base) return -1;
    f->off = (uint64_t)(base + off);
    return (long)f->off;
}

long file_fstat(struct proc *p, long fd, uint64_t stat_addr)
{
    struct file *f = fd_file(p, fd);
    if (!f) return -1;
    struct stat st = {
        .size = f->ip.size,
        .ino = f->ip.ino,
        .type = (f->ip.mode & EXT2_S_IFMT) == EXT2_S_IFDIR ? STAT_DIR : STAT_FILE,
    };
    return copy_to_user(p, stat_addr, &st, sizeof st);
}

long file_close(struct proc *p, long fd)
{
    struct file *f = fd_file(p, fd);
    if (!f) return -1;
    f->refs--;
    p->files[fd] = NULL;
    return 0;
}

void file_close_all(struct proc *p)
{
    for (long fd = FIRST_FILE_FD; fd < NOFILE; fd++)
        if (p->files[fd]) file_close(p, fd);
}

int fs_find_program(const char *name, struct inode *out)
{
    char path[PATH_MAX_LEN];
    if (name[0] == '/') {
        strlcpy_(path, name, sizeof path);
    } else {
        strlcpy_(path, "/bin/", sizeof path);
        strlcpy_(path + 5, name, sizeof path - 5);
    }
    if (ext2_lookup(path, out) < 0 || (out->mode & EXT2_S_IFMT) != EXT2_S_IFREG) return -1;
    return 0;
}
