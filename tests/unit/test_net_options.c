/* The command line's virtio devices beyond disks (emu/options_virtio.c, emu/net_user.c):
 * QEMU's -netdev user / -device virtio-net-device / -nic user / -device virtio-rng-device /
 * virtio-keyboard-device / virtio-tablet-device / virtio-gpu-device spellings, hostfwd rules,
 * and one-line "rv39: ..." complaints for anything else. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "emu/options.h"
#include "support/parse_options.h"

TestSuite(net_options, .fini = parsed_release);

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
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_eq(parsed.opts.machine.nic_count, 1);
    const struct nic_config *nic = &parsed.opts.machine.nics[0];
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
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    const struct nic_config *nic = &parsed.opts.machine.nics[0];
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
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert_eq(parsed.opts.machine.nic_count, 2);
    cr_assert_eq(parsed.opts.machine.nics[0].netdev.fwd_count, 1);
    cr_assert_eq(parsed.opts.machine.nics[0].netdev.fwd[0].guest_port, 80);
    cr_assert_eq(parsed.opts.machine.nics[1].mac[5], 0x57, "the second card's MAC is the next one");
}

/* restrict= takes QEMU's booleans (on/yes/true/y, off/no/false/n), as every rv39 boolean. */
Test(net_options, restrict_takes_qemu_booleans)
{
    static const char *const spellings[][2] = {{"on", "1"}, {"true", "1"}, {"y", "1"},
                                               {"off", ""}, {"false", ""}, {"n", ""}};
    for (unsigned i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        char arg[64];
        snprintf(arg, sizeof arg, "user,restrict=%s", spellings[i][0]);
        PARSE("-nic", arg, "-kernel", "k");
        cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s: %s", arg, parsed.err);
        cr_assert_eq(parsed.opts.machine.nics[0].netdev.restricted, spellings[i][1][0] != 0, "%s",
                     arg);
        parsed_release();
    }
    PARSE("-nic", "user,restrict=maybe", "-kernel", "k");
    cr_assert_eq(parsed.outcome, OPTIONS_ERROR);
    assert_one_line_error("restrict=maybe: expected on or off");
}

Test(net_options, rng_device)
{
    PARSE("-device", "virtio-rng-device", "-kernel", "k");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert(parsed.opts.machine.rng);
    cr_assert_eq(parsed.opts.machine.rng_slot, -1);
    parsed_release();
    PARSE("--device=virtio-rng-device,bus=virtio-mmio-bus.7", "-kernel", "k");
    cr_assert_eq(parsed.opts.machine.rng_slot, 7);
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
    parsed_release();
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
        parsed_release();
    }
}

Test(net_options, netdev_needs_an_id_and_a_card)
{
    PARSE("-netdev", "user", "-kernel", "k");
    assert_one_line_error("id= is missing");
    parsed_release();
    PARSE("-netdev", "user,id=lonely", "-kernel", "k");
    assert_one_line_error("no network card uses it");
    parsed_release();
    PARSE("-device", "virtio-net-device,netdev=ghost", "-kernel", "k");
    assert_one_line_error("no -netdev with id=ghost");
    parsed_release();
    PARSE("-device", "virtio-net-device", "-kernel", "k");
    assert_one_line_error("netdev=ID is missing");
    parsed_release();
    PARSE("-netdev", "user,id=a", "-netdev", "user,id=a");
    assert_one_line_error("used twice");
    parsed_release();
    PARSE("-netdev", "user,id=a", "-device", "virtio-net-device,netdev=a", "-device",
          "virtio-net-device,netdev=a");
    assert_one_line_error("used by two network cards");
}

Test(net_options, bad_card_options)
{
    PARSE("-device", "virtio-net-device,netdev=n,mac=01:00:00:00:00:01", "-netdev", "user,id=n");
    assert_one_line_error("unicast");
    parsed_release();
    PARSE("-device", "virtio-net-device,netdev=n,speed=10", "-netdev", "user,id=n");
    assert_one_line_error("'speed=10'");
    parsed_release();
    PARSE("-nic", "user,model=e1000");
    assert_one_line_error("virtio-net-device");
    parsed_release();
    PARSE("-device", "virtio-rng-device,rng=rng0");
    assert_one_line_error("bus=virtio-mmio-bus.N");
    parsed_release();
    PARSE("-device", "virtio-rng-device", "-device", "virtio-rng-device");
    assert_one_line_error("only one");
    parsed_release();
    PARSE("-nic", "user", "-nic", "user", "-nic", "user");
    assert_one_line_error("at most 2 network cards");
}

Test(net_options, input_and_gpu_devices)
{
    PARSE("-device", "virtio-keyboard-device", "-device",
          "virtio-tablet-device,bus=virtio-mmio-bus.4", "-device", "virtio-gpu-device", "-kernel",
          "k");
    cr_assert_eq(parsed.outcome, OPTIONS_RUN, "%s", parsed.err);
    cr_assert(parsed.opts.machine.keyboard && parsed.opts.machine.tablet &&
              parsed.opts.machine.gpu);
    cr_assert_eq(parsed.opts.machine.keyboard_slot, -1);
    cr_assert_eq(parsed.opts.machine.tablet_slot, 4);
    cr_assert_eq(parsed.opts.machine.gpu_slot, -1);
    parsed_release();
    PARSE("-device", "virtio-gpu-device", "-device", "virtio-gpu-device");
    assert_one_line_error("only one virtio-gpu-device");
    parsed_release();
    PARSE("-device", "virtio-keyboard-device,bus=virtio-mmio-bus.8");
    assert_one_line_error("bus=virtio-mmio-bus.N");
    parsed_release();
    PARSE("-device", "virtio-mouse-device");
    assert_one_line_error("only virtio-blk-device");
}
