#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# First process inside the test guest (see vm-run.sh): sets up the system,
# runs the requested command in the checkout, scans the kernel log, reports
# the exit status through the shared run directory and powers off. Under
# vm-run.sh --systemd, the unit sgw-vm.service runs it (SGW_VM_SYSTEMD=1),
# systemd having set the system up.
#
#   vm-guest.sh REPO RUNDIR

repo=$1
run=$2
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8

if [ $$ -eq 1 ]; then
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /dev/shm
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
	ln -sf /proc/self/fd /dev/fd
	hostname sgw-vm
	ip link set lo up
fi

# No udev here: load what the tests and benchmarks expect explicitly, or
# ESP silently falls back to the generic (slow) AES implementation. sgw.ko
# needs nf_defrag_ipv6, which insmod (unlike modprobe) does not load.
for m in aesni_intel ghash_clmulni_intel chacha20poly1305 chacha_x86_64 \
	poly1305_x86_64 sha256_ssse3 veth nf_defrag_ipv6; do
	modprobe -q "$m" 2>/dev/null
done

[ -r "$run/cmd.env" ] && . "$run/cmd.env"
cd "$repo" || exit 1
dmesg -C
bash -c "$(cat "$run/cmd")"
rc=$?

dmesg > "$run/dmesg"
if ! "$repo/scripts/dmesg-scan.sh" < "$run/dmesg"; then
	echo "vm-guest: the kernel log shows a warning (above); failing the run"
	[ $rc -eq 0 ] && rc=126
fi

echo "$rc" > "$run/rc"
sync
if [ $$ -eq 1 ] || [ -n "${SGW_VM_SYSTEMD:-}" ]; then
	echo o > /proc/sysrq-trigger
	sleep 10
fi
exit "$rc"
