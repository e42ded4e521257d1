#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a command inside a guest booted from an installed Debian kernel, with
# the host's root file system shared read-only and this checkout writable at
# its own path, so the guest uses the host's tools and the freshly built
# sgw.ko unchanged.
#
#   scripts/vm-run.sh [-k KVER] [-t TIMEOUT] [--systemd] [--] COMMAND [ARGS...]
#
# Uses virtme-ng (vng) when installed, QEMU otherwise (KVM when /dev/kvm is
# usable, TCG emulation if not). One boot per call. With --systemd (QEMU
# only), the host's systemd is PID 1 and the command runs as the unit
# sgw-vm.service, the guest's default unit (after sysinit.target and
# basic.target; nothing of multi-user.target starts); the root and /etc
# are writable overlays in memory, so units can be enabled and
# configuration written.
#
# Exit status: the command's own; 124 on timeout; 125 when the guest died
# without reporting (panic, oops, crash); 126 when the dmesg scan found a
# kernel warning; 127 when the VM could not be started.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
kver=
timeout_s=${SGW_VM_TIMEOUT:-1500}
systemd=
mem=${SGW_VM_MEM:-1G}
smp=${SGW_VM_SMP:-2}

while [ $# -gt 0 ]; do
	case "$1" in
	-k) kver=$2; shift 2 ;;
	-t) timeout_s=$2; shift 2 ;;
	--systemd) systemd=1; shift ;;
	--) shift; break ;;
	-h|--help) sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "vm-run: no command given" >&2; exit 127; }

die() { echo "vm-run: $*" >&2; exit 127; }

# The kernel the module was built for: the newest installed -amd64 kernel.
if [ -z "$kver" ]; then
	kver=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's#.*/vmlinuz-##' | sort -V | tail -n 1)
fi
[ -n "$kver" ] && [ -r "/boot/vmlinuz-$kver" ] ||
	die "no Debian -amd64 kernel in /boot: apt-get install linux-image-amd64"
[ -d "/lib/modules/$kver/kernel" ] || die "no modules for $kver in /lib/modules"

cache=$top/.vm/$kver
mkdir -p "$cache" || die "cannot create $cache"

# One guest at a time on this host: two TCG guests on a small machine slow
# each other past their timeouts. Several checkouts share the lock.
exec 9> "${SGW_VM_LOCK:-/tmp/sgw-vm.lock}" || die "cannot open the VM lock"
flock 9 || die "cannot take the VM lock"

# Everything the guest reports comes back through this directory.
run=$(mktemp -d "$top/.vm/run.XXXXXX") || die "cannot create a run directory"
trap 'rm -rf "$run"' EXIT
printf '%q ' "$@" > "$run/cmd"
echo > "$run/cmd.env"
for v in $(compgen -e | grep -E '^(SGW_|TEST_|KSFT_|V$|CI$)'); do
	printf 'export %s=%q\n' "$v" "${!v}" >> "$run/cmd.env"
done

if command -v vng >/dev/null 2>&1 && [ -z "${SGW_VM_NO_VNG:-}" ] && [ -z "$systemd" ]; then
	cd "$top" || exit 127
	timeout "$timeout_s" vng --run "/boot/vmlinuz-$kver" --rwdir "$top" \
		--memory "$mem" --cpus "$smp" -- \
		bash "$top/scripts/vm-guest.sh" "$top" "$run"
	rc=$?
	[ $rc -eq 124 ] && { echo "vm-run: timed out after ${timeout_s}s" >&2; exit 124; }
	[ -r "$run/rc" ] || { echo "vm-run: guest died without reporting" >&2; exit 125; }
	exit "$(cat "$run/rc")"
fi

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: apt-get install qemu-system-x86"
command -v busybox >/dev/null || die "busybox missing: apt-get install busybox-static"
[ -z "$systemd" ] || [ -x /lib/systemd/systemd ] || die "--systemd: no /lib/systemd/systemd: apt-get install systemd"

# Debian ships an XZ-compressed bzImage; booting the plain ELF (PVH) saves
# the decompression, which costs seconds under emulation.
vmlinux=$cache/vmlinux
if [ ! -s "$vmlinux" ]; then
	off=$(grep -aboF "$(printf '\3757zXZ')" "/boot/vmlinuz-$kver" | head -n 1 | cut -d: -f1)
	if [ -n "$off" ] && tail -c +"$((off + 1))" "/boot/vmlinuz-$kver" |
		xz -dc --single-stream > "$vmlinux.tmp" 2>/dev/null &&
		head -c 4 "$vmlinux.tmp" | grep -q ELF; then
		mv "$vmlinux.tmp" "$vmlinux"
	else
		rm -f "$vmlinux.tmp"
		cp "/boot/vmlinuz-$kver" "$vmlinux"
	fi
fi

# A tiny initramfs: static busybox, the modules to reach the host's files,
# and an init that switches into the host root.
initrd=$cache/initrd.cpio
if [ ! -s "$initrd" ] || [ "$initrd" -ot "$top/scripts/vm-run.sh" ]; then
	tree=$(mktemp -d) || die "mktemp failed"
	mkdir -p "$tree"/{bin,dev,proc,sys,newroot,lib/mods}
	cp "$(command -v busybox)" "$tree/bin/busybox"
	n=0
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' | while read -r ko; do
		n=$((n + 1))
		cp "$ko" "$tree/lib/mods/$(printf '%02d' "$n")-$(basename "$ko")"
	done
	cat > "$tree/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /lib/mods/*.ko; do insmod "$m" || echo "initramfs: insmod $m failed"; done
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p"; }
repo=$(arg sgw.repo); run=$(arg sgw.run); init=$(arg sgw.init)
o=trans=virtio,version=9p2000.L,msize=512000
if [ "$init" = systemd ]; then
	# systemd takes a root holding /.dockerenv (as a host that is a
	# container has) for a container, and then ignores the kernel command
	# line: the guest's root is an overlay without it.
	mkdir -p /lower /upper
	mount -t 9p -o "$o,ro,cache=loose" hostroot /lower || { echo "initramfs: cannot mount host root"; poweroff -f; }
	mount -t tmpfs -o mode=0755 tmpfs /upper
	mkdir /upper/u /upper/w
	mount -t overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w root /newroot ||
		{ echo "initramfs: cannot mount the root overlay"; poweroff -f; }
	rm -f /newroot/.dockerenv /newroot/run/.containerenv
else
	mount -t 9p -o "$o,ro,cache=loose" hostroot /newroot || { echo "initramfs: cannot mount host root"; poweroff -f; }
fi
for d in run tmp var/tmp var/lib var/log var/cache root; do
	mount -t tmpfs -o mode=0755 tmpfs "/newroot/$d"
done
chmod 1777 /newroot/tmp /newroot/var/tmp
mkdir -p /newroot/run/.etc/upper /newroot/run/.etc/work
mount -t overlay -o lowerdir=/newroot/etc,upperdir=/newroot/run/.etc/upper,workdir=/newroot/run/.etc/work etc /newroot/etc
# The checkout may live below one of the tmpfs mounts above (/tmp, /root).
mkdir -p "/newroot$repo" 2>/dev/null
mount -t 9p -o "$o,cache=none" repo "/newroot$repo" || { echo "initramfs: cannot mount $repo"; poweroff -f; }
umount /proc /sys /dev 2>/dev/null
if [ "$init" = systemd ]; then
	# systemd as PID 1 boots into this unit (systemd.unit=sgw-vm.service).
	cat > /newroot/etc/systemd/system/sgw-vm.service <<UNIT
[Unit]
Description=sgw VM test command (vm-run.sh --systemd)
Wants=basic.target
After=basic.target
[Service]
Type=oneshot
# vm-guest.sh powers off itself; this covers a command that cannot start.
FailureAction=poweroff-force
Environment=SGW_VM_SYSTEMD=1
ExecStart=/bin/bash $repo/scripts/vm-guest.sh $repo $run
StandardInput=null
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/console
TTYReset=no
TTYVHangup=no
UNIT
	exec switch_root /newroot /lib/systemd/systemd
fi
exec switch_root /newroot /bin/bash "$repo/scripts/vm-guest.sh" "$repo" "$run"
EOF
	chmod +x "$tree/init"
	(cd "$tree" && find . | cpio -o -H newc --quiet) > "$initrd.tmp" && mv "$initrd.tmp" "$initrd"
	rm -rf "$tree"
fi

# /dev/kvm can exist and still fail (nested setups refusing MSRs): try a
# bare boot with KVM first, which ends at once with a root-mount panic.
kvm_works() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	# A shell of its own absorbs the "Aborted" report of a crashing QEMU.
	sh -c 'timeout 60 qemu-system-x86_64 -accel kvm -cpu host -m 128 \
		-nographic -no-reboot -kernel "$1" \
		-append "console=ttyS0 panic=-1 quiet"' sh "$vmlinux" \
		< /dev/null > /dev/null 2>&1
}
case "${SGW_VM_ACCEL:-auto}" in
kvm) accel="-accel kvm -cpu host" ;;
tcg) accel="-accel tcg,thread=multi -cpu max" ;;
*)
	if kvm_works; then
		accel="-accel kvm -cpu host"
	else
		accel="-accel tcg,thread=multi -cpu max"
	fi
	;;
esac

# systemd: no fstab (the root is the 9p share), no status lines on the
# console, the test unit as the default one.
init_args=
[ -n "$systemd" ] && init_args="sgw.init=systemd systemd.unit=sgw-vm.service fstab=no systemd.show_status=no"

timeout --foreground "$timeout_s" qemu-system-x86_64 \
	$accel -smp "$smp" -m "$mem" -nographic -no-reboot \
	-kernel "$vmlinux" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic panic_on_oops=1 quiet loglevel=4 sgw.repo=$top sgw.run=$run $init_args" \
	-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap" \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-fsdev "local,id=repo,path=$top,security_model=none,multidevs=remap" \
	-device virtio-9p-pci,fsdev=repo,mount_tag=repo \
	-nic none < /dev/null
rc=$?
if [ $rc -eq 124 ]; then
	echo "vm-run: guest timed out after ${timeout_s}s" >&2
	exit 124
fi
if [ ! -r "$run/rc" ]; then
	echo "vm-run: guest died without reporting (panic, oops or crash; qemu exit $rc)" >&2
	exit 125
fi
exit "$(cat "$run/rc")"
