#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/install-deps.sh: --build is a subset of the full (developer and
# CI) set with nothing a router does not need to build and install sgw
# (no QEMU, kernel image or source, fuzzing, static checkers, VM test
# tools); --help answers, an unknown option is refused.

. "$(dirname "$0")/lib.sh"

deps=$top/scripts/install-deps.sh
full=$("$deps" --list) || { bad "--list"; exit 1; }
build=$("$deps" --list --build) || { bad "--list --build"; exit 1; }
[ "$(echo "$build" | wc -l)" -ge 8 ] && ok "--build lists $(echo "$build" | wc -l) packages" ||
	bad "--build lists packages: $build"
extra=$(comm -23 <(echo "$build" | LC_ALL=C sort -u) <(echo "$full" | LC_ALL=C sort -u))
[ -z "$extra" ] && ok "--build is a subset of the full set" ||
	bad "--build is a subset of the full set (only in --build: $extra)"
for want in gcc make libnl-genl-3-dev libssl-dev linux-headers-amd64 dkms debhelper; do
	echo "$build" | grep -qx "$want" || bad "--build has $want"
done
ok "--build has the compiler, headers, libnl, libssl and dkms"
odd=$(echo "$build" | grep -E '^(qemu|linux-image|linux-source|busybox|clang|libclang|sparse|cppcheck|strongswan|libstrongswan|wireguard|iperf|tcpdump|python3|scapy|systemd$|cpio|nftables)' || true)
[ -z "$odd" ] && ok "--build has no VM, kernel source or test package" ||
	bad "--build has no VM, kernel source or test package: $odd"
# The full set keeps what CI uses.
for want in qemu-system-x86 linux-source-6.1 strongswan-charon; do
	echo "$full" | grep -qx "$want" || bad "the full set has $want"
done
"$deps" --help | grep -q -- '--build' && ok "--help" || bad "--help"
"$deps" --bogus > /dev/null 2>&1
[ $? -eq 2 ] && ok "an unknown option: exit 2" || bad "an unknown option: exit 2"
exit $rc
