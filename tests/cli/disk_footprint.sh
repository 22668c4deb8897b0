#!/bin/sh
# disk_footprint.sh EMULATOR BUILD_DIR
# The disk images the build makes are 4 GiB apparent but mostly holes; a copy that fills the
# holes costs 4 GB of the host's disk per build tree (it once filled a CI machine). Every
# image in the build tree must stay sparse: allocated blocks well under its apparent size.
set -eu
build=$2
limit_kib=$((256 * 1024))   # the demo image holds ~50 MiB of files and metadata
checked=0
for img in "$build/firmware/disk.img" "$build/disk.img"; do
    [ -e "$img" ] || { echo "FAIL: $img was not built"; exit 1; }
    allocated_kib=$(du -k "$img" | cut -f1)
    apparent_kib=$(du -k --apparent-size "$img" | cut -f1)
    echo "$img: $allocated_kib KiB allocated of $apparent_kib KiB"
    if [ "$allocated_kib" -gt "$limit_kib" ]; then
        echo "FAIL: $img is not sparse ($allocated_kib KiB allocated, limit $limit_kib KiB)"
        exit 1
    fi
    checked=$((checked + 1))
done
echo "ok: $checked images sparse"
