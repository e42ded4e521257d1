#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages end to end, on this host and in the test VM:
#   1. build sgw-dkms and sgwctl (packaging/build-deb.sh, lintian included;
#      sgwctl's unit tests are left to make check: DEB_BUILD_OPTIONS=nocheck);
#   2. "apt-get install ./sgw-dkms_*.deb ./sgwctl_*.deb": DKMS registers the
#      module source, builds and installs
#      /lib/modules/KVER/updates/dkms/sgw.ko;
#   3. that module removed, the VM kernel's headers package configured again
#      (its postinst, as when new headers arrive): DKMS builds and installs
#      it again and depmod indexes it;
#   4. in the VM booted from KVER: "modprobe sgw" loads that very module and
#      the packaged sgwctl reports it, adds, lists and deletes a tunnel;
#   5. in the VM booted with systemd as PID 1 (vm-run.sh --systemd): the
#      packaged sgw.service and sgw@.service, enabled, started, reloaded,
#      killed and restarted, stopped (scripts/tests/packages-systemd.sh, one
#      result line per check);
#   6. "apt-get purge": no package file, no module, no DKMS tree is left.
# Whatever happens, the packages are purged and DKMS's sgw entries removed
# at the end, so the host is left as it was.
#
#   scripts/tests/packages.sh [-k KVER]
#
# Needs root, and neither package installed beforehand. Output: one "ok" or
# "not ok" line per check, then "test-packages: N passed, N failed".

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
ver=$(cat VERSION)
kver=
[ "${1:-}" = -k ] && kver=$2
# The kernel the VM boots (as vm-run.sh picks it).
[ -n "$kver" ] || kver=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's#.*/vmlinuz-##' | sort -V | tail -n 1)
work=$top/.build/test-packages
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
finish() {
	echo "test-packages: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}
die() { bad "$*"; finish; }

[ "$(id -u)" -eq 0 ] || die "needs root (apt-get, dkms)"
[ -n "$kver" ] && [ -e "/var/lib/dpkg/info/linux-headers-$kver.postinst" ] ||
	die "no Debian kernel with headers for the VM (apt-get install linux-image-amd64 linux-headers-amd64)"
for p in sgw-dkms sgwctl; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "installed" &&
		die "$p is installed already: purge it first (apt-get purge $p)"
done

# Leaves no package, no DKMS registration and no module behind.
cleanup() {
	local k

	dpkg-query -W -f='${Status}' sgw-dkms sgwctl 2>/dev/null | grep -q . &&
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq sgw-dkms sgwctl > /dev/null 2>&1
	if [ -n "$(dkms status -m sgw 2>/dev/null)" ]; then
		dkms remove -m sgw --all > /dev/null 2>&1 || dkms remove -m sgw -v "$ver" --all > /dev/null 2>&1
	fi
	rm -rf /var/lib/dkms/sgw /usr/src/sgw-"$ver"
	for k in /lib/modules/*/updates/dkms/sgw.ko; do
		[ -e "$k" ] || continue
		rm -f "$k"
		k=${k#/lib/modules/}
		depmod -a "${k%%/*}"
	done
}
trap cleanup EXIT

# 1. Build.
start=$SECONDS
rm -rf "$work"
mkdir -p "$work"
if DEB_BUILD_OPTIONS=nocheck packaging/build-deb.sh "$work/dist" > "$work/build.log" 2>&1; then
	ok "packages built, lintian clean ($((SECONDS - start)) s)"
else
	sed 's/^/#   /' "$work/build.log" | tail -n 30
	die "packages built, lintian clean"
fi
debs=("$work/dist/sgw-dkms_${ver}_all.deb" "$work/dist/sgwctl_${ver}_amd64.deb")

# 2. Install.
start=$SECONDS
if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${debs[@]}" \
	> "$work/install.log" 2>&1; then
	ok "apt-get install ./sgw-dkms_*.deb ./sgwctl_*.deb ($((SECONDS - start)) s)"
else
	sed 's/^/#   /' "$work/install.log" | tail -n 30
	die "apt-get install ./sgw-dkms_*.deb ./sgwctl_*.deb"
fi
dpkg-query -L sgw-dkms sgwctl > "$work/files"
check "DKMS knows sgw/$ver" bash -c "dkms status -m sgw -v $ver | grep -q ."
check "sgwctl is /usr/sbin/sgwctl $ver" bash -c "/usr/sbin/sgwctl --version | grep -qx 'sgwctl $ver'"
check "quickstart.md, strongswan.md, examples/sgw.nft and strongswan.nft are installed, as the quick start names them" \
	bash -c "d=/usr/share/doc/sgwctl; grep -qx \$d/quickstart.md.gz $work/files &&
		grep -qx \$d/strongswan.md.gz $work/files && grep -qx \$d/examples/sgw.nft $work/files &&
		grep -qx \$d/examples/strongswan.nft $work/files"

# 3. What DKMS built on installation (for the running kernel and the newest
# one; for every kernel when the running one has no /lib/modules, as on a
# build host). Then, as when new headers arrive: the module of KVER goes,
# and the headers package's postinst has DKMS build it again.
ko=/lib/modules/$kver/updates/dkms/sgw.ko
built=$(ls /lib/modules/*/updates/dkms/sgw.ko 2>/dev/null | cut -d/ -f4 | tr '\n' ' ' | sed 's/ $//')
check "DKMS built sgw.ko on installation for $kver (built for: ${built:-none})" test -e "$ko"
dkms remove -m sgw -v "$ver" -k "$kver" > "$work/dkms.log" 2>&1
[ -n "$(dkms status -m sgw -v "$ver")" ] || dkms add -m sgw -v "$ver" >> "$work/dkms.log" 2>&1
check "dkms remove -k $kver took its sgw.ko away" test ! -e "$ko"
start=$SECONDS
if "/var/lib/dpkg/info/linux-headers-$kver.postinst" configure >> "$work/dkms.log" 2>&1 && [ -e "$ko" ]; then
	ok "linux-headers-$kver postinst: DKMS rebuilt $ko ($((SECONDS - start)) s)"
else
	sed 's/^/#   /' "$work/dkms.log" | tail -n 30
	tail -n 20 /var/lib/dkms/sgw/"$ver"/build/make.log 2>/dev/null | sed 's/^/#   /'
	die "linux-headers-$kver postinst: DKMS rebuilt $ko"
fi
check "dkms status: sgw/$ver, $kver: installed" \
	bash -c "dkms status -m sgw -v $ver -k $kver | grep -q ': installed'"
check "$ko is for $kver, version $ver" \
	bash -c "[ \"\$(modinfo -F vermagic $ko | cut -d' ' -f1)\" = $kver ] && [ \"\$(modinfo -F version $ko)\" = $ver ]"
# The last insmod is sgw's own; the ones before load its dependencies.
check "modprobe finds the DKMS module for $kver" \
	bash -c "[ \"\$(modprobe -S $kver -n -v sgw | awk '/insmod/ { m = \$2 } END { print m }')\" = $ko ]"

# 4. In the VM: the DKMS module, loaded by modprobe, used by the packaged sgwctl.
srcversion=$(modinfo -F srcversion "$ko")
cat > "$work/guest.sh" <<EOF
set -u
n=0
t() { n=\$((n + 1)); if "\$@" > /tmp/out 2>&1; then echo "ok \$n - \$*"; else echo "not ok \$n - \$*"; sed 's/^/#   /' /tmp/out; fi; }
echo "TAP version 13"
echo 1..6
t modprobe sgw
t test "\$(cat /sys/module/sgw/srcversion)" = "$srcversion"
t bash -c "/usr/sbin/sgwctl version | grep -qx 'module $ver'"
t /usr/sbin/sgwctl tunnel add id 7 name sgwpkg7
t bash -c "/usr/sbin/sgwctl -j tunnel show | grep -q '\"ifname\": *\"sgwpkg7\"'"
t /usr/sbin/sgwctl tunnel del sgwpkg7
EOF
start=$SECONDS
scripts/vm-run.sh -k "$kver" -- bash "$work/guest.sh" > "$work/vm.log" 2>&1
rc=$?
sed 's/^/#   /' "$work/vm.log" | grep -v '^#   ok '
guest_ok=$(grep -c '^ok ' "$work/vm.log")
if [ "$rc" -eq 0 ] && [ "$guest_ok" -eq 6 ]; then
	ok "VM: modprobe sgw loads $ko; sgwctl version shows module $ver; a tunnel added, shown, deleted ($((SECONDS - start)) s)"
else
	bad "VM: $guest_ok of 6 guest checks passed (vm-run exit $rc)"
fi

# 5. In the VM with systemd as PID 1: the packaged units, driven as the
# README tells an administrator to. Each guest check is one result here.
start=$SECONDS
scripts/vm-run.sh -k "$kver" -t 600 --systemd -- \
	scripts/tests/packages-systemd.sh "$srcversion" 2>&1 | tr -d '\r' > "$work/vm-systemd.log"
rc=${PIPESTATUS[0]}
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "VM systemd: ${line#ok * - }" ;;
	"not ok "*) bad "VM systemd: ${line#not ok * - }" ;;
	"#"*) echo "#   $line" ;;
	vm-run:*|vm-guest:*) echo "#   $line" ;;
	esac
done < "$work/vm-systemd.log"
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$work/vm-systemd.log")
ran=$(grep -cE '^(not )?ok [0-9]+ ' "$work/vm-systemd.log")
if [ "$rc" -eq 0 ] && [ -n "$planned" ] && [ "$ran" -eq "$planned" ]; then
	ok "VM systemd: booted with systemd as PID 1, $ran checks run, powered off ($((SECONDS - start)) s)"
else
	tail -n 20 "$work/vm-systemd.log" | sed 's/^/#   /'
	bad "VM systemd: $ran of ${planned:-?} planned checks ran (vm-run exit $rc)"
fi

# 6. Purge.
start=$SECONDS
if DEBIAN_FRONTEND=noninteractive apt-get purge -y sgw-dkms sgwctl > "$work/purge.log" 2>&1; then
	ok "apt-get purge sgw-dkms sgwctl ($((SECONDS - start)) s)"
else
	sed 's/^/#   /' "$work/purge.log" | tail -n 20
	bad "apt-get purge sgw-dkms sgwctl"
fi
left=$(while read -r f; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done < "$work/files")
check "no file of the packages is left" test -z "$left"
[ -z "$left" ] || echo "$left" | sed 's/^/#   /'
check "no sgw source under /usr/src" bash -c "! ls -d /usr/src/sgw-* > /dev/null 2>&1"
check "DKMS tree empty of sgw" bash -c "[ ! -e /var/lib/dkms/sgw ] && [ -z \"\$(dkms status -m sgw)\" ]"
check "no sgw.ko under /lib/modules" bash -c "[ -z \"\$(find /lib/modules -name 'sgw.ko*' -path '*/updates/*')\" ]"
check "modules.dep of $kver forgot sgw" bash -c "! grep -q 'sgw\\.ko' /lib/modules/$kver/modules.dep"
check "no sgw unit or completion left" \
	bash -c "[ ! -e /lib/systemd/system/sgw.service ] && [ ! -e /usr/share/bash-completion/completions/sgwctl ]"
finish
