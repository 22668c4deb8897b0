/* Storage and files: the virtio-blk driver, the MBR, a block cache, ext2 and open files.
 *
 *   file.c         open files and the file system calls (open, read, write, lseek, close)
 *   ext2.c         ext2 on partition 1: inodes, block maps, directories, path lookup
 *   bio.c          a small cache of file-system blocks
 *   mbr.c          the partition table in sector 0
 *   virtio_disk.c  the disk: virtio-blk over virtio-mmio, one request at a time; the caller
 *                  sleeps until the device's interrupt (polls at boot)
 *
 * Everything here runs with interrupts off on the one hart; a process may sleep in the disk,
 * so the whole stack is serialised by fs_lock (below). With no disk (or no ext2 on it)
 * fs_init says so and every call returns an error; the kernel still runs its embedded
 * programs. */
#ifndef KERNEL_FS_H
#define KERNEL_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SECTOR_SIZE 512u

/* virtio_disk.c */
bool virtio_disk_init(void); /* finds and starts the first virtio-blk device; false if none */
bool virtio_disk_present(void);
bool virtio_disk_read_only(void); /* the device offered VIRTIO_BLK_F_RO */
uint64_t virtio_disk_sectors(void);
/* Reads or writes len bytes (a multiple of SECTOR_SIZE) at sector; 0 or -1. */
int virtio_disk_rw(uint64_t sector, void *buf, uint32_t len, bool write);
int virtio_disk_flush(void); /* the device's write cache to the medium (0 if nothing to do) */
/* The PLIC's handler for the disk's interrupt (virtio_disk_init registers it for the slot's
 * source): acknowledges it at the device and wakes the process waiting for its request. */
void virtio_disk_intr(void);
/* Counts since boot, for vmstat. */
struct disk_stats {
    uint64_t requests;   /* reads, writes and flushes sent to the device */
    uint64_t interrupts; /* the device's interrupts taken */
    uint64_t sleeps;     /* requests whose process slept until the interrupt */
    uint64_t polled;     /* requests waited for by polling (boot, callers that cannot sleep) */
};
void virtio_disk_get_stats(struct disk_stats *out);

/* mbr.c: a primary partition of the MBR in sector 0 (number 1..4). */
struct partition {
    uint8_t type;
    uint64_t first_sector, sectors;
};
int mbr_partition(int number, struct partition *out);

/* bio.c: file-system blocks of one partition, cached. A buffer stays valid until brelse. */
struct buf {
    uint32_t blockno;
    int refs;
    bool valid;
    uint64_t last_use;
    uint8_t *data; /* block_size bytes */
};
void bio_init(uint64_t first_sector, uint32_t block_size);
struct buf *bread(uint32_t blockno); /* NULL on a disk error */
int bwrite(struct buf *b);           /* writes the block through to the disk */
void brelse(struct buf *b);

/* ext2.c */
#define EXT2_ROOT_INO 2
struct inode {
    uint32_t ino;
    uint16_t mode;
    uint64_t size;
    uint32_t block[15]; /* 12 direct, single, double, triple indirect */
};
#define EXT2_S_IFMT 0xf000
#define EXT2_S_IFREG 0x8000
#define EXT2_S_IFDIR 0x4000
bool ext2_mount(uint64_t first_sector, uint64_t sectors);
bool ext2_mounted(void);
int ext2_iget(uint32_t ino, struct inode *out);
int ext2_lookup(const char *path, struct inode *out); /* absolute path; 0 or -1 */
/* Bytes read (short at the end of the file), or -1 on a disk or format error. */
long ext2_read(const struct inode *ip, uint64_t off, void *buf, uint64_t n);
/* Overwrites bytes inside the file's existing blocks: no allocation and no growth, so
 * [off, off + n) must lie within the file's size. Bytes written or -1. */
long ext2_write_existing(const struct inode *ip, uint64_t off, const void *buf, uint64_t n);

/* file.c */
struct proc;
void fs_init(void); /* disk, partition 1, ext2: reports what it found */
/* The storage stack's sleeping lock (struct sleeplock, proc.h). A process sleeps on the disk
 * only while it holds it, so the block cache, ext2's and file.c's buffers and the page cache
 * see one process at a time; other processes meanwhile run, or block on the lock. Taken
 * around the file system calls (syscall.c), page faults (trap.c) and exit's write-back
 * (proc.c); code without it (boot, or paths nobody wrapped yet) gets polled requests. */
struct sleeplock;
extern struct sleeplock fs_lock;
long file_open(struct proc *p, uint64_t path_addr, long flags);
long file_read(struct proc *p, long fd, uint64_t buf, long n);
long file_write(struct proc *p, long fd, uint64_t buf, long n);
long file_lseek(struct proc *p, long fd, long off, long whence);
long file_fstat(struct proc *p, long fd, uint64_t stat_addr);
long file_close(struct proc *p, long fd);
void file_close_all(struct proc *p); /* at exit */
bool file_is_open(const struct proc *p, long fd);
/* The inode behind fd and its access mode, for mmap; 0, or -1 if fd is not an open file. */
int file_inode(const struct proc *p, long fd, struct inode *out, bool *readable, bool *writable);
/* A program from the disk for spawn: the ELF at path ("/bin/NAME" for a bare NAME). */
int fs_find_program(const char *name, struct inode *out);

#endif
