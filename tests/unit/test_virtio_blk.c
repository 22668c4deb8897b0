/* virtio-blk (devices/virtio_blk.c) through its transport, against a temporary raw image: a
 * fake driver builds requests in a fake RAM and checks both the guest-visible answer and the
 * image bytes as the host sees them. Spec: virtio 1.x "Block Device". Also the --drive
 * option (emu/options.c) that names the images. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio_blk.h"
#include "emu/options.h"

#define FAKE_BASE 0x80000000ull
#define FAKE_SIZE (1ull << 20)
#define QNUM 16u
#define DESC (FAKE_BASE + 0x1000)
#define AVAIL (FAKE_BASE + 0x2000)
#define USED (FAKE_BASE + 0x3000)
#define TABLE (FAKE_BASE + 0x4000)
#define HDR (FAKE_BASE + 0x8000)
#define STATUS (FAKE_BASE + 0x8100)
#define DATA (FAKE_BASE + 0x10000)
#define OUTSIDE 0x1000ull /* no RAM here */

#define SECTORS 64u
#define SEC 512u

static uint8_t *ram;
static struct dma dma;
static struct bus bus;
static struct virtio_mmio t;
static struct virtio_blk blk;
static char path[64];
static uint16_t avail_idx;

/* The image's initial contents: byte i is a function of i, so any misplaced sector shows. */
static uint8_t pattern(uint64_t i)
{
    return (uint8_t)(i * 7 + (i >> 9));
}

static void make_image(bool readonly)
{
    strcpy(path, "/tmp/rv39-blk-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0, "temporary image");
    uint8_t buf[SECTORS * SEC];
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = pattern(i);
    cr_assert_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf), "image written");
    close(fd);
    char err[256];
    cr_assert(virtio_blk_open(&blk, path, readonly, err, sizeof(err)), "open: %s", err);
}

static void setup_common(bool readonly)
{
    ram = calloc(1, FAKE_SIZE);
    dma = (struct dma){.ram = {.host = ram, .base = FAKE_BASE, .size = FAKE_SIZE}};
    bus_init(&bus);
    make_image(readonly);
    cr_assert(virtio_blk_attach(&blk, &t, 0, &dma, (struct irq_line){0}, &bus), "attach slot 0");
}
static void setup(void)
{
    setup_common(false);
}
static void setup_ro(void)
{
    setup_common(true);
}
static void teardown(void)
{
    virtio_blk_close(&blk);
    unlink(path);
    free(ram);
}

TestSuite(virtio_blk, .init = setup, .fini = teardown);
TestSuite(virtio_blk_ro, .init = setup_ro, .fini = teardown);

/* --- a fake driver, through the bus at slot 0 --- */
static uint32_t rd(uint64_t off)
{
    uint64_t v;
    cr_assert(bus_read(&bus, VIRTIO_MMIO_BASE + off, 4, &v), "bus read 0x%llx",
              (unsigned long long)off);
    return (uint32_t)v;
}
static void wr(uint64_t off, uint32_t v)
{
    cr_assert(bus_write(&bus, VIRTIO_MMIO_BASE + off, 4, v), "bus write 0x%llx",
              (unsigned long long)off);
}
static uint8_t *at(uint64_t pa)
{
    return ram + (pa - FAKE_BASE);
}
static void put16(uint64_t pa, uint16_t v)
{
    memcpy(at(pa), &v, 2);
}
static void put32(uint64_t pa, uint32_t v)
{
    memcpy(at(pa), &v, 4);
}
static void put64(uint64_t pa, uint64_t v)
{
    memcpy(at(pa), &v, 8);
}
static uint16_t get16(uint64_t pa)
{
    uint16_t v;
    memcpy(&v, at(pa), 2);
    return v;
}
static uint32_t get32(uint64_t pa)
{
    uint32_t v;
    memcpy(&v, at(pa), 4);
    return v;
}

static void desc_at(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                    uint16_t next)
{
    uint64_t d = table + 16ull * i;
    put64(d, addr);
    put32(d + 8, len);
    put16(d + 12, flags);
    put16(d + 14, next);
}
static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    desc_at(DESC, i, addr, len, flags, next);
}

static void driver_init(void)
{
    avail_idx = 0;
    memset(at(DESC), 0, 0x3000);
    wr(VIRTIO_MMIO_STATUS, 0);
    wr(VIRTIO_MMIO_STATUS, 3);
    for (unsigned sel = 0; sel < 2; sel++) {
        wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, sel);
        uint32_t f = rd(VIRTIO_MMIO_DEVICE_FEATURES);
        wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, sel);
        wr(VIRTIO_MMIO_DRIVER_FEATURES, f);
    }
    wr(VIRTIO_MMIO_STATUS, 0x0b);
    cr_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK, "features accepted");
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC);
    wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    wr(VIRTIO_MMIO_STATUS, 0x0f);
}

static void header(uint32_t type, uint64_t sector)
{
    put32(HDR, type);
    put32(HDR + 4, 0);
    put64(HDR + 8, sector);
    at(STATUS)[0] = 0xee; /* not a valid status: the device must overwrite it */
}

static void submit(uint16_t head)
{
    put16(AVAIL + 4 + 2 * (avail_idx % QNUM), head);
    avail_idx++;
    put16(AVAIL + 2, avail_idx);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* Header, one data buffer (device-writable for IN), status: the classic three descriptors. */
static uint8_t request(uint32_t type, uint64_t sector, uint64_t data, uint32_t len,
                       bool device_writes)
{
    header(type, sector);
    uint16_t before = get16(USED + 2);
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, data, len, VIRTQ_DESC_F_NEXT | (device_writes ? VIRTQ_DESC_F_WRITE : 0), 2);
    desc(2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    cr_assert_eq(get16(USED + 2), (uint16_t)(before + 1), "the request must be answered");
    return at(STATUS)[0];
}

static void read_file(uint64_t offset, void *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    cr_assert_eq(pread(fd, buf, len, (off_t)offset), (ssize_t)len, "host-side read of the image");
    close(fd);
}

static uint32_t last_used_len(void)
{
    return get32(USED + 4 + 8 * ((get16(USED + 2) - 1) % QNUM) + 4);
}
static bool needs_reset(void)
{
    return rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET;
}

/* After an error answer the queue goes on: a good read right after still works. */
static void good_read_still_works(const char *after)
{
    memset(at(DATA), 0, SEC);
    cr_assert_eq(request(VIRTIO_BLK_T_IN, 1, DATA, SEC, true), VIRTIO_BLK_S_OK,
                 "after %s a good read must succeed", after);
    cr_assert_eq(at(DATA)[5], pattern(SEC + 5), "after %s the data is right", after);
}

/* --- identification and configuration ("Device configuration layout") --- */

Test(virtio_blk, identifies_as_block_device)
{
    cr_assert_eq(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK, "DeviceID 2 is a block device");
}

Test(virtio_blk, config_reports_capacity_seg_max_blk_size)
{
    uint64_t lo, hi, v;
    bus_read(&bus, VIRTIO_MMIO_BASE + 0x100, 4, &lo);
    bus_read(&bus, VIRTIO_MMIO_BASE + 0x104, 4, &hi);
    cr_assert_eq(lo | hi << 32, SECTORS, "capacity in 512-byte sectors");
    bus_read(&bus, VIRTIO_MMIO_BASE + 0x10c, 4, &v);
    cr_assert_eq(v, VIRTQ_MAX_SIZE - 2, "seg_max leaves room for header and status");
    bus_read(&bus, VIRTIO_MMIO_BASE + 0x114, 4, &v);
    cr_assert_eq(v, 512, "blk_size 512");
}

Test(virtio_blk, offers_seg_max_blk_size_flush_not_ro)
{
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t f = rd(VIRTIO_MMIO_DEVICE_FEATURES);
    cr_assert(f & 1u << VIRTIO_BLK_F_SEG_MAX, "SEG_MAX offered");
    cr_assert(f & 1u << VIRTIO_BLK_F_BLK_SIZE, "BLK_SIZE offered");
    cr_assert(f & 1u << VIRTIO_BLK_F_FLUSH, "FLUSH offered");
    cr_assert(f & 1u << VIRTIO_F_INDIRECT_DESC, "INDIRECT_DESC offered");
    cr_assert_not(f & 1u << VIRTIO_BLK_F_RO, "a writable drive does not offer RO");
}

Test(virtio_blk_ro, readonly_drive_offers_ro)
{
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    cr_assert(rd(VIRTIO_MMIO_DEVICE_FEATURES) & 1u << VIRTIO_BLK_F_RO, "readonly=on offers RO");
}

/* --- requests ("Device Operation") --- */

Test(virtio_blk, read_returns_image_bytes)
{
    driver_init();
    cr_assert_eq(request(VIRTIO_BLK_T_IN, 3, DATA, 2 * SEC, true), VIRTIO_BLK_S_OK, "read OK");
    for (unsigned i = 0; i < 2 * SEC; i++)
        cr_assert_eq(at(DATA)[i], pattern(3 * SEC + i), "byte %u of sectors 3-4", i);
    cr_assert_eq(last_used_len(), 2 * SEC + 1, "used length = data + status");
}

Test(virtio_blk, write_reaches_image)
{
    driver_init();
    for (unsigned i = 0; i < SEC; i++)
        at(DATA)[i] = (uint8_t)(0xa5 ^ i);
    cr_assert_eq(request(VIRTIO_BLK_T_OUT, 10, DATA, SEC, false), VIRTIO_BLK_S_OK, "write OK");
    uint8_t back[SEC + 1];
    read_file(10 * SEC, back, sizeof(back));
    for (unsigned i = 0; i < SEC; i++)
        cr_assert_eq(back[i], (uint8_t)(0xa5 ^ i), "image byte %u holds the written data", i);
    cr_assert_eq(back[SEC], pattern(11 * SEC), "the next sector is untouched");
    cr_assert_eq(last_used_len(), 1, "a write's used length is the status byte");

    memset(at(DATA), 0, SEC);
    cr_assert_eq(request(VIRTIO_BLK_T_IN, 10, DATA, SEC, true), VIRTIO_BLK_S_OK, "read back OK");
    cr_assert_eq(at(DATA)[7], (uint8_t)(0xa5 ^ 7), "the guest reads what it wrote");
}

Test(virtio_blk, flush_succeeds)
{
    driver_init();
    header(VIRTIO_BLK_T_FLUSH, 0);
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    cr_assert_eq(at(STATUS)[0], VIRTIO_BLK_S_OK, "FLUSH answers OK after fdatasync");
}

Test(virtio_blk, get_id_returns_slot_serial)
{
    driver_init();
    memset(at(DATA), 0xff, 32);
    cr_assert_eq(request(VIRTIO_BLK_T_GET_ID, 0, DATA, 20, true), VIRTIO_BLK_S_OK, "GET_ID OK");
    cr_assert_str_eq((char *)at(DATA), "rv39-vd0", "serial names the slot");
    cr_assert_eq(at(DATA)[19], 0, "the 20-byte id is NUL-padded");
    cr_assert_eq(at(DATA)[20], 0xff, "nothing past 20 bytes is written");
}

Test(virtio_blk, unknown_type_is_unsupported)
{
    driver_init();
    cr_assert_eq(request(11 /* DISCARD, not offered */, 0, DATA, 16, false), VIRTIO_BLK_S_UNSUPP,
                 "an unknown request type answers UNSUPP");
    good_read_still_works("UNSUPP");
}

Test(virtio_blk, any_descriptor_layout_is_accepted)
{
    /* "Message Framing": the header split over two descriptors, data and status in one. */
    driver_init();
    header(VIRTIO_BLK_T_IN, 2);
    desc(0, HDR, 8, VIRTQ_DESC_F_NEXT, 1);
    desc(1, HDR + 8, 8, VIRTQ_DESC_F_NEXT, 2);
    desc(2, DATA, SEC + 1, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    cr_assert_eq(at(DATA)[SEC], VIRTIO_BLK_S_OK, "the status is the last writable byte");
    cr_assert_eq(at(DATA)[0], pattern(2 * SEC), "data lands before the status byte");
    cr_assert_eq(at(DATA)[SEC - 1], pattern(3 * SEC - 1), "all of the sector");
}

Test(virtio_blk, read_through_indirect_table)
{
    driver_init();
    header(VIRTIO_BLK_T_IN, 5);
    desc_at(TABLE, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc_at(TABLE, 1, DATA, SEC / 2, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    desc_at(TABLE, 2, DATA + 0x1000, SEC / 2, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
    desc_at(TABLE, 3, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    desc(7, TABLE, 4 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    submit(7);
    cr_assert_eq(at(STATUS)[0], VIRTIO_BLK_S_OK, "indirect read OK");
    cr_assert_eq(at(DATA)[0], pattern(5 * SEC), "first half in the first segment");
    cr_assert_eq(at(DATA + 0x1000)[0], pattern(5 * SEC + SEC / 2), "second half in the second");
    cr_assert_eq(get32(USED + 4), 7, "used element names the main-table head");
}

/* --- requests answered with an error, the queue going on --- */

Test(virtio_blk, read_past_end_is_ioerr)
{
    driver_init();
    cr_assert_eq(request(VIRTIO_BLK_T_IN, SECTORS - 1, DATA, 2 * SEC, true), VIRTIO_BLK_S_IOERR,
                 "a read running past capacity answers IOERR");
    cr_assert_eq(request(VIRTIO_BLK_T_IN, UINT64_MAX, DATA, SEC, true), VIRTIO_BLK_S_IOERR,
                 "a huge sector number answers IOERR (no overflow)");
    good_read_still_works("a read past the end");
}

Test(virtio_blk, write_past_end_is_ioerr_and_does_not_grow_image)
{
    driver_init();
    cr_assert_eq(request(VIRTIO_BLK_T_OUT, SECTORS, DATA, SEC, false), VIRTIO_BLK_S_IOERR,
                 "a write at capacity answers IOERR");
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_size, SECTORS * SEC, "the image must not grow");
    good_read_still_works("a write past the end");
}

Test(virtio_blk, length_not_multiple_of_512_is_ioerr)
{
    driver_init();
    cr_assert_eq(request(VIRTIO_BLK_T_IN, 0, DATA, 100, true), VIRTIO_BLK_S_IOERR,
                 "a 100-byte read answers IOERR");
    cr_assert_eq(request(VIRTIO_BLK_T_OUT, 0, DATA, 513, false), VIRTIO_BLK_S_IOERR,
                 "a 513-byte write answers IOERR");
    uint8_t first;
    read_file(0, &first, 1);
    cr_assert_eq(first, pattern(0), "the refused write changed nothing");
    good_read_still_works("odd lengths");
}

Test(virtio_blk, data_outside_ram_is_ioerr)
{
    driver_init();
    cr_assert_eq(request(VIRTIO_BLK_T_IN, 0, OUTSIDE, SEC, true), VIRTIO_BLK_S_IOERR,
                 "a read into non-RAM answers IOERR");
    cr_assert_eq(request(VIRTIO_BLK_T_IN, 0, FAKE_BASE + FAKE_SIZE - 256, SEC, true),
                 VIRTIO_BLK_S_IOERR, "a read running off the end of RAM answers IOERR");
    cr_assert_eq(request(VIRTIO_BLK_T_OUT, 0, OUTSIDE, SEC, false), VIRTIO_BLK_S_IOERR,
                 "a write from non-RAM answers IOERR");
    good_read_still_works("data outside RAM");
}

Test(virtio_blk, short_header_is_ioerr)
{
    driver_init();
    header(VIRTIO_BLK_T_IN, 0);
    desc(0, HDR, 8, VIRTQ_DESC_F_NEXT, 1);
    desc(1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    cr_assert_eq(at(STATUS)[0], VIRTIO_BLK_S_IOERR, "an 8-byte header answers IOERR");
    good_read_still_works("a short header");
}

Test(virtio_blk_ro, write_to_readonly_is_ioerr)
{
    driver_init();
    memset(at(DATA), 0x5a, SEC);
    cr_assert_eq(request(VIRTIO_BLK_T_OUT, 0, DATA, SEC, false), VIRTIO_BLK_S_IOERR,
                 "a write to a readonly drive answers IOERR");
    uint8_t first;
    read_file(0, &first, 1);
    cr_assert_eq(first, pattern(0), "the image is unchanged");
    good_read_still_works("a write to a readonly drive");
}

/* --- requests that cannot be answered: the device needs reset --- */

static void reset_then_good_read(const char *after)
{
    cr_assert(needs_reset(), "after %s DEVICE_NEEDS_RESET must be set", after);
    cr_assert(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG_CHANGE,
              "after %s a configuration-change interrupt is raised", after);
    driver_init();
    cr_assert_not(needs_reset(), "reset clears DEVICE_NEEDS_RESET");
    good_read_still_works(after);
}

Test(virtio_blk, readonly_status_descriptor_needs_reset)
{
    driver_init();
    header(VIRTIO_BLK_T_IN, 0);
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, STATUS, 1, 0, 0); /* status not device-writable */
    submit(0);
    cr_assert_eq(at(STATUS)[0], 0xee, "no status can be written");
    reset_then_good_read("a read-only status descriptor");
}

Test(virtio_blk, status_outside_ram_needs_reset)
{
    driver_init();
    header(VIRTIO_BLK_T_IN, 0);
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, OUTSIDE, 1, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    reset_then_good_read("a status byte outside RAM");
}

Test(virtio_blk, looping_chain_needs_reset)
{
    driver_init();
    header(VIRTIO_BLK_T_IN, 0);
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, DATA, SEC, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
    submit(0);
    reset_then_good_read("a looping chain");
}

Test(virtio_blk, bad_indirect_table_needs_reset)
{
    driver_init();
    header(VIRTIO_BLK_T_IN, 0);
    desc(0, TABLE, 24, VIRTQ_DESC_F_INDIRECT, 0);
    submit(0);
    reset_then_good_read("an indirect table of 24 bytes");
}

Test(virtio_blk, many_requests_in_flight)
{
    /* Four requests made available, one notify: all answered in order. */
    driver_init();
    for (unsigned r = 0; r < 4; r++) {
        unsigned d = 3 * r;
        put32(HDR + 32 * r, VIRTIO_BLK_T_IN);
        put64(HDR + 32 * r + 8, r);
        desc(d, HDR + 32 * r, 16, VIRTQ_DESC_F_NEXT, (uint16_t)(d + 1));
        desc(d + 1, DATA + SEC * r, SEC, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, (uint16_t)(d + 2));
        desc(d + 2, STATUS + r, 1, VIRTQ_DESC_F_WRITE, 0);
        put16(AVAIL + 4 + 2 * r, (uint16_t)d);
    }
    avail_idx = 4;
    put16(AVAIL + 2, avail_idx);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    cr_assert_eq(get16(USED + 2), 4, "all four answered");
    for (unsigned r = 0; r < 4; r++) {
        cr_assert_eq(at(STATUS)[r], VIRTIO_BLK_S_OK, "request %u OK", r);
        cr_assert_eq(at(DATA + SEC * r)[1], pattern(SEC * r + 1), "request %u read sector %u", r,
                     r);
        cr_assert_eq(get32(USED + 4 + 8 * r), 3 * r, "used element %u in submission order", r);
    }
    cr_assert(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_USED_BUFFER, "used interrupt");
}

/* --- opening images --- */

static void write_file(const char *p, size_t size)
{
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    for (size_t i = 0; i < size; i++)
        fputc(0, f);
    fclose(f);
}

Test(virtio_blk_open, size_not_multiple_of_512_refused)
{
    const char *p = "/tmp/rv39-blk-1000.img";
    write_file(p, 1000);
    struct virtio_blk b;
    char err[256];
    cr_assert_not(virtio_blk_open(&b, p, false, err, sizeof(err)), "1000 bytes is not sectors");
    cr_assert_str_eq(err, "/tmp/rv39-blk-1000.img: size 1000 is not a multiple of 512 bytes",
                     "the message names the size and the rule");
    virtio_blk_close(&b);
    unlink(p);
}

Test(virtio_blk_open, empty_image_refused)
{
    const char *p = "/tmp/rv39-blk-empty.img";
    write_file(p, 0);
    struct virtio_blk b;
    char err[256];
    cr_assert_not(virtio_blk_open(&b, p, true, err, sizeof(err)), "an empty image is refused");
    cr_assert(strstr(err, "empty"), "the message says it is empty: %s", err);
    unlink(p);
}

Test(virtio_blk_open, missing_file_refused)
{
    struct virtio_blk b;
    char err[256];
    cr_assert_not(virtio_blk_open(&b, "/nonexistent/disk.img", false, err, sizeof(err)),
                  "a missing image is refused");
    cr_assert(strstr(err, "/nonexistent/disk.img: No such file"), "message: %s", err);
}

Test(virtio_blk_open, second_writer_refused)
{
    const char *p = "/tmp/rv39-blk-lock.img";
    write_file(p, 4096);
    struct virtio_blk a, b;
    char err[256];
    cr_assert(virtio_blk_open(&a, p, false, err, sizeof(err)), "first writer: %s", err);
    cr_assert_not(virtio_blk_open(&b, p, false, err, sizeof(err)), "a second writer is refused");
    cr_assert(strstr(err, "in use"), "the message says it is in use: %s", err);
    virtio_blk_close(&a);
    unlink(p);
}

Test(virtio_blk_open, attach_refuses_bad_slot)
{
    const char *p = "/tmp/rv39-blk-slot.img";
    write_file(p, 4096);
    struct virtio_blk b;
    struct virtio_mmio tr;
    struct bus bs;
    struct dma d = {0};
    char err[256];
    bus_init(&bs);
    cr_assert(virtio_blk_open(&b, p, true, err, sizeof(err)), "open: %s", err);
    cr_assert_not(virtio_blk_attach(&b, &tr, 8, &d, (struct irq_line){0}, &bs),
                  "slot 8 does not exist");
    cr_assert(virtio_blk_attach(&b, &tr, 7, &d, (struct irq_line){0}, &bs), "slot 7 exists");
    uint64_t v;
    cr_assert(bus_read(&bs, 0x10008000 + VIRTIO_MMIO_DEVICE_ID, 4, &v) && v == 2,
              "slot 7 at 0x10008000 is the block device");
    virtio_blk_close(&b);
    unlink(p);
}

/* --- the --drive option (QEMU's -drive syntax) --- */

static enum options_outcome parse(struct options *o, char *err_text, size_t len, int argc, ...)
{
    char *argv[24] = {"rv39"};
    va_list ap;
    va_start(ap, argc);
    for (int i = 1; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    FILE *err = fmemopen(err_text, len, "w");
    FILE *out = fopen("/dev/null", "w");
    enum options_outcome r = options_parse(argc, argv, o, out, err);
    fclose(err);
    fclose(out);
    return r;
}

Test(drive_option, file_and_readonly_recorded_in_order)
{
    static struct options o;
    char err[256] = "";
    cr_assert_eq(parse(&o, err, sizeof(err), 5, "--drive", "file=a.img,format=raw,if=virtio",
                       "-drive", "id=x,file=b.img,readonly=on"),
                 OPTIONS_RUN, "two drives parse: %s", err);
    cr_assert_eq(o.drive_count, 2, "two drives recorded");
    cr_assert_str_eq(o.drives[0].file, "a.img", "first drive first");
    cr_assert_not(o.drives[0].readonly, "read-write by default");
    cr_assert_str_eq(o.drives[1].file, "b.img", "second drive second");
    cr_assert(o.drives[1].readonly, "readonly=on recorded");
}

Test(drive_option, double_comma_is_a_literal_comma)
{
    struct drive_option d;
    char problem[160];
    cr_assert(
        options_parse_drive("file=a,,b.img,readonly=off,if=none", &d, problem, sizeof(problem)),
        "parses: %s", problem);
    cr_assert_str_eq(d.file, "a,b.img", "',,' is an escaped comma, as in QEMU");
    cr_assert_not(d.readonly, "readonly=off");
}

Test(drive_option, unknown_key_is_one_line_error)
{
    static struct options o;
    char err[256] = "";
    cr_assert_eq(parse(&o, err, sizeof(err), 3, "-drive", "file=a.img,cache=none"), OPTIONS_ERROR,
                 "cache= is not supported");
    cr_assert(strstr(err, "rv39: -drive file=a.img,cache=none: unknown key 'cache'"), "message: %s",
              err);
    cr_assert_eq(strchr(err, '\n'), err + strlen(err) - 1, "exactly one line");
}

Test(drive_option, bad_values_refused)
{
    struct drive_option d;
    char problem[160];
    cr_assert_not(options_parse_drive("file=a.img,format=qcow2", &d, problem, sizeof(problem)),
                  "only raw images");
    cr_assert_not(options_parse_drive("file=a.img,if=ide", &d, problem, sizeof(problem)),
                  "only virtio");
    cr_assert_not(options_parse_drive("file=a.img,readonly=maybe", &d, problem, sizeof(problem)),
                  "readonly takes on/off");
    cr_assert_not(options_parse_drive("readonly=on", &d, problem, sizeof(problem)),
                  "file= is required");
    cr_assert_not(options_parse_drive("a.img", &d, problem, sizeof(problem)), "KEY=VALUE required");
}

Test(drive_option, at_most_eight_drives)
{
    static struct options o;
    char err[256] = "";
    cr_assert_eq(parse(&o, err, sizeof(err), 17, "-drive", "file=0", "-drive", "file=1", "-drive",
                       "file=2", "-drive", "file=3", "-drive", "file=4", "-drive", "file=5",
                       "-drive", "file=6", "-drive", "file=7"),
                 OPTIONS_RUN, "eight drives fit: %s", err);
    cr_assert_eq(o.drive_count, 8);
    cr_assert_eq(parse(&o, err, sizeof(err), 19, "-drive", "file=0", "-drive", "file=1", "-drive",
                       "file=2", "-drive", "file=3", "-drive", "file=4", "-drive", "file=5",
                       "-drive", "file=6", "-drive", "file=7", "-drive", "file=8"),
                 OPTIONS_ERROR, "a ninth drive is refused");
    cr_assert(strstr(err, "at most 8"), "message: %s", err);
}
