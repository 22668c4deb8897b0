#!/bin/sh
# The layers of rv39, lowest first: mmu/ < cpu/ < devices/ < emu/ (a lower layer never includes
# a higher one; issue 14: the MMU is its own layer). Fails, naming the file and line, when a
# file of mmu/ includes anything from cpu/, devices/ or emu/, or a file of devices/ includes
# emu/. Also fails if it finds no mmu/ sources, so a wrong path cannot pass silently.
SRC=${1:?usage: check_layers.sh SOURCE_DIR}
cd "$SRC" || exit 1
n=$(ls mmu/*.c mmu/*.h 2>/dev/null | wc -l)
[ "$n" -ge 5 ] || { echo "FAIL: only $n files in $SRC/mmu"; exit 1; }
bad=0
for f in mmu/*.c mmu/*.h; do
    if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](\.\./)*(cpu|devices|emu)/' "$f"; then
        echo "FAIL: $f (mmu/) includes an upper layer"
        bad=1
    fi
done
for f in devices/*.c devices/*.h; do
    if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](\.\./)*emu/' "$f"; then
        echo "FAIL: $f (devices/) includes emu/"
        bad=1
    fi
done
[ "$bad" = 0 ] && echo "ok: $n files in mmu/ include nothing above mmu/; devices/ nothing from emu/"
exit $bad
