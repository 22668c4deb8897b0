/* The monitor's snapshot commands: `savevm FILE` and `loadvm FILE` (QEMU's names; QEMU
 * keeps its snapshots inside a qcow2 image under a tag, rv39 in a file of its own:
 * emu/snapshot_file.h). */
#include <inttypes.h>

#include "monitor.h"
#include "snapshot_file.h"

bool cmd_savevm(struct debugger *d, int argc, char **argv, FILE *out)
{
    if (argc != 2) {
        fprintf(out, "usage: %s FILE\n", argv[0]);
        return false;
    }
    char err[256];
    if (!snapshot_save_file(d->m, argv[1], err, sizeof err)) {
        fprintf(out, "error: %s: %s\n", argv[1], err);
        return false;
    }
    fprintf(out, "machine saved to %s at instret %" PRIu64 "\n", argv[1], d->m->instret);
    return true;
}

bool cmd_loadvm(struct debugger *d, int argc, char **argv, FILE *out)
{
    if (argc != 2) {
        fprintf(out, "usage: %s FILE\n", argv[0]);
        return false;
    }
    char err[256];
    if (!snapshot_load_file(d->m, argv[1], err, sizeof err)) {
        fprintf(out, "error: %s: %s\n", argv[1], err);
        return false;
    }
    const struct cpu *c = machine_selected(d->m);
    char sym[96];
    dbg_symbolize(d, c->pc, sym, sizeof sym);
    fprintf(out, "machine loaded from %s: instret %" PRIu64 ", hart %u at 0x%" PRIx64 "%s\n",
            argv[1], d->m->instret, d->m->selected, c->pc, sym);
    return true;
}
