#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds sgw.ko against the headers of every installed Debian 12 kernel of
# the three flavours (amd64, cloud-amd64, rt-amd64), with W=1: a compiler
# warning or error, or a flavour without headers, fails. Each build works
# on a copy of the module's sources under .build/compat/, so the checkout's
# own sgw.ko is left alone.
#
#   scripts/tests/compat-check.sh [FLAVOUR...]

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
flavours=("$@")
[ ${#flavours[@]} -gt 0 ] || flavours=(amd64 cloud-amd64 rt-amd64)
jobs=$(nproc 2>/dev/null || echo 2)
pass=0 fail=0

for fl in "${flavours[@]}"; do
	# linux-headers-6.1.0-57-amd64, not -57-cloud-amd64, for "amd64"
	kvers=$(ls -d /usr/src/linux-headers-6.1.*-"$fl" 2>/dev/null |
		sed 's#.*/linux-headers-##' | grep -E "^6\.1\.[0-9]+-[0-9]+-$fl\$" | sort -V)
	if [ -z "$kvers" ]; then
		echo "not ok - $fl: no linux-headers-6.1.*-$fl installed" \
			"(apt-get install linux-headers-$fl)"
		fail=$((fail + 1))
		continue
	fi
	for kv in $kvers; do
		dir=$top/.build/compat/$kv
		rm -rf "$dir"
		mkdir -p "$dir"
		(cd "$top" && cp --parents Kbuild VERSION kmod/*.[ch] uapi/linux/*.h "$dir/")
		log=$dir/build.log
		if make -C "/usr/src/linux-headers-$kv" M="$dir" W=1 -j"$jobs" modules > "$log" 2>&1 &&
			[ -s "$dir/sgw.ko" ] && ! grep -qE '(warning|error):|WARNING:' "$log"; then
			echo "ok - $kv: sgw.ko builds with W=1, no warning"
			pass=$((pass + 1))
		else
			echo "not ok - $kv (log: $log)"
			grep -E '(warning|error):|WARNING:' "$log" | head -n 20 | sed 's/^/#   /'
			tail -n 5 "$log" | sed 's/^/#   /'
			fail=$((fail + 1))
		fi
	done
done
echo "# compat-check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
