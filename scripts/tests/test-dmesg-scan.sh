#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmesg-scan.sh flags each kind of kernel report and passes a clean log.

scan=$(dirname "$0")/../dmesg-scan.sh
rc=0
for line in \
	"[    7.04] WARNING: CPU: 1 PID: 244 at lib/nlattr.c:122 nla_get_range_unsigned" \
	"[    1.00] BUG: kernel NULL pointer dereference, address: 0000000000000008" \
	"[    1.00] Oops: 0000 [#1] PREEMPT SMP NOPTI" \
	"[    1.00] BUG: KASAN: use-after-free in sgw_xmit+0x1/0x2" \
	"[    1.00] UBSAN: shift-out-of-bounds in kmod/replay.c:10:1" \
	"[    1.00] WARNING: possible recursive locking detected" \
	"[    1.00] kmemleak: 1 new suspected memory leaks" \
	"[    1.00] Call Trace:"; do
	if printf 'x\n%s\ny\n' "$line" | "$scan" > /dev/null; then
		echo "not flagged: $line"; rc=1
	fi
done
clean="[    0.1] sgw: loaded
[    0.2] sysrq: Power Off"
if ! printf '%s\n' "$clean" | "$scan" > /dev/null; then
	echo "clean log flagged"; rc=1
fi
exit $rc
