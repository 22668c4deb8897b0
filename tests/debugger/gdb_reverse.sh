#!/bin/sh
# GDB's reverse execution against `rv39 --gdb PORT -S -record FILE` (qSupported's ReverseStep+
# and ReverseContinue+, the bs and bc packets, Z2 watchpoints), on our kernel: run until it
# writes satp, ask for the walk of 0x80300000, put a watchpoint on its leaf PTE and
# reverse-continue: GDB must stop at the kernel's store that wrote the PTE (pt_map, an sd,
# the PTE zero again there: "Old value" the PTE, "New value = 0"); stepi runs the store (the
# PTE is back) and `monitor whowrote` names the same pc, reverse-stepi undoes it,
# reverse-finish goes back to the call in pt_map's caller. Without
# -record GDB is not offered reverse execution.
# Usage: sh gdb_reverse.sh RV39 GUEST_DIR KERNEL_ELF
. "$(dirname "$0")/lib.sh" "$1" "$2"
KERNEL=${3:?usage: gdb_reverse.sh RV39 GUEST_DIR KERNEL_ELF}

if ! command -v gdb-multiarch >/dev/null 2>&1; then
    echo "gdb_reverse.sh: FAIL: gdb-multiarch not installed (apt-get install gdb-multiarch)"
    exit 1
fi

GDB_BIOS=default # the kernel runs on our SBI firmware
start_gdb_rv39 90 "$KERNEL" -S -record "$WORK/gdb.log" -m 16M -nographic
cat >"$WORK/session.gdb" <<GDB
set pagination off
set confirm off
target remote :$PORT
monitor continue until satp
continue
monitor continue until satp
continue
python
import re
walk = gdb.execute("monitor walk 0x80300000", to_string=True)
m = re.search(r"L0 pte@(0x[0-9a-f]+) = (0x[0-9a-f]+)", walk)
print("PTE", m.group(1), int(m.group(2), 16))
gdb.execute("set \$pte = (unsigned long *)%s" % m.group(1))
pte_addr = m.group(1)
end
watch *\$pte
reverse-continue
p/x \$pc
x/i \$pc
p *\$pte
stepi
p *\$pte
python gdb.execute("monitor whowrote " + pte_addr)
reverse-stepi
p/x \$pc
reverse-finish
x/i \$pc
delete
reverse-continue
kill
GDB
timeout -k 5 80 gdb-multiarch --batch -nx -x "$WORK/session.gdb" "$KERNEL" >"$WORK/gdb.txt" 2>&1
wait "$RV39_PID"
f=$WORK/gdb.txt
pte_value=$(sed -n 's/^PTE 0x[0-9a-f]* \([0-9]*\)$/\1/p' "$f")
checks=$((checks + 1))
[ -n "$pte_value" ] && [ "$pte_value" != 0 ] || fail "monitor walk gave no leaf PTE: $(cat "$f")"
expect "$f" "Hardware watchpoint 1: *\$pte" "Z2: GDB sets a hardware watchpoint"
expect "$f" "Old value = $pte_value" "reverse-continue: the PTE as it is now"
expect "$f" "New value = 0" "reverse-continue: before the store the PTE is zero"
expect "$f" "in pt_map (" "reverse-continue stops in the kernel's pt_map"
store_pc=$(sed -n 's/^=> \(0x[0-9a-f]*\) <pt_map+[0-9]*>:[[:space:]]*sd[[:space:]].*/\1/p' "$f")
checks=$((checks + 1))
[ -n "$store_pc" ] || fail "reverse-continue must stop at the store (x/i shows an sd in pt_map): $(cat "$f")"
expect "$f" "\$2 = 0" "at the store the PTE reads zero"
expect "$f" "\$3 = $pte_value" "stepi runs the store: the PTE is back"
expect "$f" "\$4 = $store_pc" "reverse-stepi goes back to the store"
expect "$f" "pc $store_pc <pt_map+" "monitor whowrote names the same store"
grep -q '^0x[0-9a-f]* in kvm_map (' "$f" ||
    fail "reverse-finish: back in pt_map's caller (kvm_map): $(cat "$f")"
checks=$((checks + 1))
grep -Eq '^=> 0x[0-9a-f]+ <kvm_init\+[0-9]+>:[[:space:]]*jalr' "$f" ||
    fail "reverse-finish: at the call instruction (jalr)"
checks=$((checks + 1))
expect "$f" "No more reverse-execution history." "reverse-continue with nothing to stop at: the beginning"

# Without -record (-icount alone too): no reverse execution offered, GDB refuses it.
start_gdb_rv39 60 "$KERNEL" -S -icount 3 -m 16M -nographic
cat >"$WORK/plain.gdb" <<GDB
set pagination off
target remote :$PORT
python
try:
    gdb.execute("reverse-stepi")
except gdb.error as e:
    print("error:", e)
end
kill
GDB
timeout -k 5 60 gdb-multiarch --batch -nx -x "$WORK/plain.gdb" "$KERNEL" >"$WORK/plain.txt" 2>&1
wait "$RV39_PID"
expect "$WORK/plain.txt" "Target remote does not support this command." \
    "without -record GDB is not offered reverse execution"

finish
