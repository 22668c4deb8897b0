/* ext2 as mke2fs makes it (revision 1; the layout of e2fsprogs' lib/ext2fs/ext2_fs.h and
 * "The Second Extended File System" by Dave Poirier): read, path lookup, and writes into
 * the blocks a file already has. Nothing is allocated and no metadata is written, so the
 * file system stays consistent whatever the kernel does.
 *
 *   partition:  [boot 1 KiB][superblock 1 KiB] ... block groups
 *   group:      superblock copy?, group descriptors?, block bitmap, inode bitmap,
 *               inode table, data blocks (the descriptor says where each one is)
 *   inode n:    group (n-1) / inodes_per_group, slot (n-1) % inodes_per_group of its table
 *   i_block:    12 direct block numbers, then single, double and triple indirect blocks,
 *               each an array of block_size/4 block numbers; 0 is a hole
 */
#include "fs.h"
#include "kernel.h"

#define SUPERBLOCK_OFFSET 1024
#define EXT2_MAGIC 0xef53
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_NAME_MAX 255

/* Incompatible features we can read past: directory entries with a file type byte
 * (FILETYPE) and block groups whose metadata is packed together (FLEX_BG: the descriptors
 * still say where everything is). Anything else (extents, 64-bit, meta_bg, a journal to
 * replay, compression) changes the layout: refuse to mount. */
#define INCOMPAT_FILETYPE 0x0002
#define INCOMPAT_FLEX_BG 0x0200
#define INCOMPAT_SUPPORTED (INCOMPAT_FILETYPE | INCOMPAT_FLEX_BG)
#define RO_COMPAT_LARGE_FILE 0x0002

/* Byte offsets of the fields we use. */
enum {
    SB_INODES_COUNT = 0,
    SB_BLOCKS_COUNT = 4,
    SB_FIRST_DATA_BLOCK = 20,
    SB_LOG_BLOCK_SIZE = 24,
    SB_BLOCKS_PER_GROUP = 32,
    SB_INODES_PER_GROUP = 40,
    SB_MAGIC = 56,
    SB_REV_LEVEL = 76,
    SB_INODE_SIZE = 88,
    SB_FEATURE_INCOMPAT = 96,
    SB_FEATURE_RO_COMPAT = 100,
    SB_SIZE = 1024,
};
enum { GD_INODE_TABLE = 8, GD_SIZE = 32 };
enum { INODE_MODE = 0, INODE_SIZE_LO = 4, INODE_BLOCK = 40, INODE_SIZE_HIGH = 108 };
enum { DIRENT_INODE = 0, DIRENT_REC_LEN = 4, DIRENT_NAME_LEN = 6, DIRENT_NAME = 8 };

#define NDIRECT 12
#define INDIRECT_LEVELS 3

static struct {
    bool mounted;
    uint32_t block_size;
    uint32_t inodes_count, inodes_per_group, inode_size;
    uint32_t first_data_block, groups;
    bool large_file;
} fs;

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool ext2_mounted(void)
{
    return fs.mounted;
}

bool ext2_mount(uint64_t first_sector, uint64_t sectors)
{
    static uint8_t sb[SB_SIZE] __attribute__((aligned(8)));
    fs.mounted = false;
    if (virtio_disk_rw(first_sector + SUPERBLOCK_OFFSET / SECTOR_SIZE, sb, SB_SIZE, false) < 0)
        return false;
    if (le16(sb + SB_MAGIC) != EXT2_MAGIC) {
        printf("ext2: no ext2 superblock in partition 1\n");
        return false;
    }
    uint32_t log = le32(sb + SB_LOG_BLOCK_SIZE);
    if (log > 2) {
        printf("ext2: block size 1024 << %u is too large\n", log);
        return false;
    }
    uint32_t incompat = le32(sb + SB_FEATURE_INCOMPAT);
    if (le32(sb + SB_REV_LEVEL) >= 1 && (incompat & ~INCOMPAT_SUPPORTED)) {
        printf("ext2: unsupported incompatible features 0x%x\n", incompat & ~INCOMPAT_SUPPORTED);
        return false;
    }
    fs.block_size = 1024u << log;
    fs.inodes_count = le32(sb + SB_INODES_COUNT);
    fs.inodes_per_group = le32(sb + SB_INODES_PER_GROUP);
    fs.inode_size =
        le32(sb + SB_REV_LEVEL) >= 1 ? le16(sb + SB_INODE_SIZE) : EXT2_GOOD_OLD_INODE_SIZE;
    fs.first_data_block = le32(sb + SB_FIRST_DATA_BLOCK);
    fs.large_file = le32(sb + SB_FEATURE_RO_COMPAT) & RO_COMPAT_LARGE_FILE;
    uint32_t blocks = le32(sb + SB_BLOCKS_COUNT), per_group = le32(sb + SB_BLOCKS_PER_GROUP);
    if (per_group == 0 || fs.inodes_per_group == 0 || fs.inode_size < EXT2_GOOD_OLD_INODE_SIZE ||
        fs.inode_size > fs.block_size ||
        (uint64_t)blocks * (fs.block_size / SECTOR_SIZE) > sectors) {
        printf("ext2: inconsistent superblock\n");
        return false;
    }
    fs.groups = (blocks - fs.first_data_block + per_group - 1) / per_group;
    bio_init(first_sector, fs.block_size);
    fs.mounted = true;
    printf("ext2: %u blocks of %u bytes, %u inodes of %u bytes, %u groups\n", blocks, fs.block_size,
           fs.inodes_count, fs.inode_size, fs.groups);
    return true;
}

int ext2_iget(uint32_t ino, struct inode *out)
{
    if (!fs.mounted || ino == 0 || ino > fs.inodes_count) return -1;
    uint32_t group = (ino - 1) / fs.inodes_per_group, index = (ino - 1) % fs.inodes_per_group;
    if (group >= fs.groups) return -1;

    /* The descriptor table starts in the block after the superblock's. */
    uint32_t per_block = fs.block_size / GD_SIZE;
    struct buf *b = bread(fs.first_data_block + 1 + group / per_block);
    if (!b) return -1;
    uint32_t inode_table = le32(b->data + (group % per_block) * GD_SIZE + GD_INODE_TABLE);
    brelse(b);

    uint64_t byte = (uint64_t)index * fs.inode_size;
    b = bread(inode_table + (uint32_t)(byte / fs.block_size));
    if (!b) return -1;
    const uint8_t *raw = b->data + byte % fs.block_size;
    out->ino = ino;
    out->mode = le16(raw + INODE_MODE);
    out->size = le32(raw + INODE_SIZE_LO);
    /* The high half of a regular file's size (large_file); directories use it otherwise. */
    if (fs.large_file && (out->mode & EXT2_S_IFMT) == EXT2_S_IFREG)
        out->size |= (uint64_t)le32(raw + INODE_SIZE_HIGH) << 32;
    for (int i = 0; i < 15; i++)
        out->block[i] = le32(raw + INODE_BLOCK + 4 * i);
    brelse(b);
    return 0;
}

/* The disk block holding block `fileblock` of the file: 0 for a hole, -1 on a disk error
 * or a block number beyond what triple indirection reaches. */
static int64_t bmap(const struct inode *ip, uint64_t fileblock)
{
    if (fileblock < NDIRECT) return ip->block[fileblock];
    fileblock -= NDIRECT;
    uint64_t per_block = fs.block_size / 4, span = per_block; /* blocks under one pointer */
    for (int level = 1; level <= INDIRECT_LEVELS; level++, span *= per_block) {
        if (fileblock >= span) {
            fileblock -= span;
            continue;
        }
        /* Walk down `level` indirect blocks; each step picks the child covering fileblock. */
        uint32_t block = ip->block[NDIRECT + level - 1];
        for (uint64_t below = span / per_block; block != 0; below /= per_block) {
            struct buf *b = bread(block);
            if (!b) return -1;
            block = le32(b->data + 4 * (fileblock / below));
            brelse(b);
            fileblock %= below;
            if (below == 1) break;
        }
        return block;
    }
    return -1;
}

long ext2_read(const struct inode *ip, uint64_t off, void *buf, uint64_t n)
{
    if (!fs.mounted) return -1;
    if (off >= ip->size) return 0;
    if (n > ip->size - off) n = ip->size - off;
    uint8_t *dst = buf;
    for (uint64_t done = 0; done < n;) {
        uint64_t in_block = (off + done) % fs.block_size;
        uint64_t chunk = fs.block_size - in_block;
        if (chunk > n - done) chunk = n - done;
        int64_t block = bmap(ip, (off + done) / fs.block_size);
        if (block < 0) return -1;
        if (block == 0) {
            memset(dst + done, 0, chunk); /* a hole reads as zeros */
        } else {
            struct buf *b = bread((uint32_t)block);
            if (!b) return -1;
            memcpy(dst + done, b->data + in_block, chunk);
            brelse(b);
        }
        done += chunk;
    }
    return (long)n;
}

long ext2_write_existing(const struct inode *ip, uint64_t off, const void *buf, uint64_t n)
{
    if (!fs.mounted || off > ip->size || n > ip->size - off) return -1;
    const uint8_t *src = buf;
    for (uint64_t done = 0; done < n;) {
        uint64_t in_block = (off + done) % fs.block_size;
        uint64_t chunk = fs.block_size - in_block;
        if (chunk > n - done) chunk = n - done;
        int64_t block = bmap(ip, (off + done) / fs.block_size);
        if (block <= 0) return done ? (long)done : -1; /* a hole would need allocation */
        struct buf *b = bread((uint32_t)block);
        if (!b) return done ? (long)done : -1;
        memcpy(b->data + in_block, src + done, chunk);
        int ok = bwrite(b);
        brelse(b);
        if (ok < 0) return done ? (long)done : -1;
        done += chunk;
    }
    return (long)n;
}

/* The inode number of `name` (len bytes) in directory dir, or 0. Entries are records of
 * rec_len bytes that never cross a block; an unused one has inode 0. */
static uint32_t dir_lookup(const struct inode *dir, const char *name, size_t len)
{
    static uint8_t block[4096] __attribute__((aligned(8)));
    for (uint64_t off = 0; off < dir->size; off += fs.block_size) {
        long got = ext2_read(dir, off, block, fs.block_size);
        if (got <= 0) return 0;
        for (long pos = 0; pos + DIRENT_NAME <= got;) {
            const uint8_t *e = block + pos;
            uint16_t rec_len = le16(e + DIRENT_REC_LEN);
            if (rec_len < DIRENT_NAME || pos + rec_len > got) break; /* corrupt: stop */
            uint32_t ino = le32(e + DIRENT_INODE);
            size_t name_len = e[DIRENT_NAME_LEN];
            if (ino && name_len == len && name_len <= (size_t)rec_len - DIRENT_NAME &&
                memcmp(e + DIRENT_NAME, name, len) == 0)
                return ino;
            pos += rec_len;
        }
    }
    return 0;
}

int ext2_lookup(const char *path, struct inode *out)
{
    if (!fs.mounted || path[0] != '/') return -1;
    if (ext2_iget(EXT2_ROOT_INO, out) < 0) return -1;
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        if (*p == '\0') return 0;
        size_t len = 0;
        while (p[len] && p[len] != '/')
            len++;
        if (len > EXT2_NAME_MAX || (out->mode & EXT2_S_IFMT) != EXT2_S_IFDIR) return -1;
        uint32_t ino = dir_lookup(out, p, len);
        if (!ino || ext2_iget(ino, out) < 0) return -1;
        p += len;
    }
}
