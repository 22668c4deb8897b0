/* The command line's virtio devices beyond disks (emu/options_virtio.c, emu/net_user.c):
 * QEMU's -netdev user / -device virtio-net-device / -nic user / -device virtio-rng-device /
 * virtio-keyboard-device / virtio-tablet-device / virtio-gpu-device spellings, hostfwd rules,
 * and one-line "rv39: ..." complaints for anything else. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "emu/options.h"

static enum options_outcome outcome;
static struct options opts;
static char *out_text, *err_text;

static void release(void)
{
    free(out_text);
    free(err_text);
    out_text = err_text = NULL;
}

TestSuite(net_options, .fini = release);

#define PARSE(...) parse_words((const char *[]){"rv39", __VA_ARGS__, NULL})

static void parse_words(const char **words)
{
    char *argv[32];
    int argc = 0;
    while (words[argc]) {
        argv[argc] = (char *)words[argc];
        argc++;
    }
    argv[argc] = NULL;
    size_t out_len, err_len;
    FILE *out = open_memstream(&out_text, &out_len);
    FILE *err = open_memstream(&err_text, &err_len);
    outcome = options_parse(argc, argv, &opts, out, err);
    fclose(out);
    fclose(err);
}

static void assert_one_line_error(const char *must_contain)
{
    cr_assert_eq(outcome, OPTIONS_ERROR, "expected a parse error");
    cr_assert_eq(strncmp(err_text, "rv39: ", 6), 0, "error must start 'rv39: ': %s", err_text);
    const char *nl = strchr(err_text, '\n');
    cr_assert(nl && nl[1] == '\0', "error must be exactly one line: %s", err_text);
    cr_assert(strstr(err_text, must_contain), "error '%s' should mention '%s'", err_text,
              must_contain);
}

static struct in_addr ip(const char *text)
{
    struct in_addr a;
    cr_assert_eq(inet_pton(AF_INET, text, &a), 1);
    return a;
}

Test(net_options, netdev_and_device_make_one_card)
{
    PARSE("-netdev", "user,id=n0,hostfwd=tcp::2222-:22", "-device", "virtio-net-device,netdev=n0",
          "-kernel", "k");
    cr_assert_eq(outcome, OPTIONS_RUN, "%s", err_text);
    cr_assert_eq(opts.machine.nic_count, 1);
    const struct nic_config *nic = &opts.machine.nics[0];
    cr_assert_eq(nic->slot, -1);
    cr_assert_arr_eq(nic->mac, ((uint8_t[]){0x52, 0x54, 0, 0x12, 0x34, 0x56}), 6);
    cr_assert_eq(nic->netdev.fwd_count, 1);
    const struct hostfwd *f = &nic->netdev.fwd[0];
    cr_assert(!f->udp);
    cr_assert_eq(f->host_port, 2222);
    cr_assert_eq(f->guest_port, 22);
    cr_assert_eq(f->host_addr.s_addr, htonl(INADDR_ANY), "QEMU listens on every address");
    cr_assert_eq(f->guest_addr.s_addr, ip("10.0.2.15").s_addr, "DHCP's address by default");
}

Test(net_options, device_may_come_before_its_netdev)
{
    PARSE("-device", "virtio-net-device,netdev=a,bus=virtio-mmio-bus.3,mac=02:00:00:00:00:01",
          "-netdev", "user,id=a,hostfwd=udp:127.0.0.1:5555-10.0.2.15:53", "-kernel", "k");
    cr_assert_eq(outcome, OPTIONS_RUN, "%s", err_text);
    const struct nic_config *nic = &opts.machine.nics[0];
    cr_assert_eq(nic->slot, 3);
    cr_assert_eq(nic->mac[0], 2);
    cr_assert_eq(nic->mac[5], 1);
    cr_assert(nic->netdev.fwd[0].udp);
    cr_assert_eq(nic->netdev.fwd[0].host_addr.s_addr, ip("127.0.0.1").s_addr);
}

Test(net_options, nic_user_is_both)
{
    PARSE("-nic", "user,hostfwd=tcp::8080-:80,model=virtio-net-device", "-nic", "user", "-kernel",
          "k");
    cr_assert_eq(outcome, OPTIONS_RUN, "%s", err_text);
    cr_assert_eq(opts.machine.nic_count, 2);
    cr_assert_eq(opts.machine.nics[0].netdev.fwd_count, 1);
    cr_assert_eq(opts.machine.nics[0].netdev.fwd[0].guest_port, 80);
    cr_assert_eq(opts.machine.nics[1].mac[5], 0x57, "the second card's MAC is the next one");
}

Test(net_options, rng_device)
{
    PARSE("-device", "virtio-rng-device", "-kernel", "k");
    cr_assert_eq(outcome, OPTIONS_RUN, "%s", err_text);
    cr_assert(opts.machine.rng);
    cr_assert_eq(opts.machine.rng_slot, -1);
    release();
    PARSE("--device=virtio-rng-device,bus=virtio-mmio-bus.7", "-kernel", "k");
    cr_assert_eq(opts.machine.rng_slot, 7);
}

Test(net_options, unknown_netdev_key_is_an_error)
{
    PARSE("-netdev", "user,id=n0,smb=/tmp", "-device", "virtio-net-device,netdev=n0");
    assert_one_line_error("unknown key 'smb'");
}

Test(net_options, other_backends_are_errors)
{
    PARSE("-netdev", "tap,id=n0");
    assert_one_line_error("only the user backend");
    release();
    PARSE("-nic", "tap");
    assert_one_line_error("only the user backend");
}

Test(net_options, bad_hostfwd_rules)
{
    static const char *const bad[] = {
        "user,id=n,hostfwd=tcp::22",           "user,id=n,hostfwd=sctp::1-:2",
        "user,id=n,hostfwd=tcp::0-:22",        "user,id=n,hostfwd=tcp::65536-:22",
        "user,id=n,hostfwd=tcp:1.2.3:22-:22",  "user,id=n,hostfwd=tcp::22-:x",
        "user,id=n,hostfwd=tcp::22-10.0.2.15", "user,id=n,hostfwd=",
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        PARSE("-netdev", bad[i], "-device", "virtio-net-device,netdev=n");
        assert_one_line_error("hostfwd=");
        release();
    }
}

Test(net_options, netdev_needs_an_id_and_a_card)
{
    PARSE("-netdev", "user", "-kernel", "k");
    assert_one_line_error("id= is missing");
    release();
    PARSE("-netdev", "user,id=lonely", "-kernel", "k");
    assert_one_line_error("no network card uses it");
    release();
    PARSE("-device", "virtio-net-device,netdev=ghost", "-kernel", "k");
    assert_one_line_error("no -netdev with id=ghost");
    release();
    PARSE("-device", "virtio-net-device", "-kernel", "k");
    assert_one_line_error("netdev=ID is missing");
    release();
    PARSE("-netdev", "user,id=a", "-netdev", "user,id=a");
    assert_one_line_error("used twice");
    release();
    PARSE("-netdev", "user,id=a", "-device", "virtio-net-device,netdev=a", "-device",
          "virtio-net-device,netdev=a");
    assert_one_line_error("used by two network cards");
}

Test(net_options, bad_card_options)
{
    PARSE("-device", "virtio-net-device,netdev=n,mac=01:00:00:00:00:01", "-netdev", "user,id=n");
    assert_one_line_error("unicast");
    release();
    PARSE("-device", "virtio-net-device,netdev=n,speed=10", "-netdev", "user,id=n");
    assert_one_line_error("'speed=10'");
    release();
    PARSE("-nic", "user,model=e1000");
    assert_one_line_error("virtio-net-device");
    release();
    PARSE("-device", "virtio-rng-device,rng=rng0");
    assert_one_line_error("bus=virtio-mmio-bus.N");
    release();
    PARSE("-device", "virtio-rng-device", "-device", "virtio-rng-device");
    assert_one_line_error("only one");
    release();
    PARSE("-nic", "user", "-nic", "user", "-nic", "user");
    assert_one_line_error("at most 2 network cards");
}

Test(net_options, input_and_gpu_devices)
{
    PARSE("-device", "virtio-keyboard-device", "-device",
          "virtio-tablet-device,bus=virtio-mmio-bus.4", "-device", "virtio-gpu-device", "-kernel",
          "k");
    cr_assert_eq(outcome, OPTIONS_RUN, "%s", err_text);
    cr_assert(opts.machine.keyboard && opts.machine.tablet && opts.machine.gpu);
    cr_assert_eq(opts.machine.keyboard_slot, -1);
    cr_assert_eq(opts.machine.tablet_slot, 4);
    cr_assert_eq(opts.machine.gpu_slot, -1);
    release();
    PARSE("-device", "virtio-gpu-device", "-device", "virtio-gpu-device");
    assert_one_line_error("only one virtio-gpu-device");
    release();
    PARSE("-device", "virtio-keyboard-device,bus=virtio-mmio-bus.8");
    assert_one_line_error("bus=virtio-mmio-bus.N");
    release();
    PARSE("-device", "virtio-mouse-device");
    assert_one_line_error("only virtio-blk-device");
}
