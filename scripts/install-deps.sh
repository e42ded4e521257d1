#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages sgw needs. Idempotent: returns at once when
# everything is present.
#
#   install-deps.sh           everything building, testing, the VM runner
#                             and the demo need (developers, CI)
#   install-deps.sh --build   only what building sgw, its Debian packages
#                             and the DKMS module needs: for a router
#   install-deps.sh --list [--build]   print the package names, install nothing

set -u

usage() {
	sed -n '4,11s/^# \{0,1\}//p' "$0"
}

build_only=0 list=0
for a in "$@"; do
	case $a in
	--build) build_only=1 ;;
	--list) list=1 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "install-deps: unknown option \"$a\"" >&2; usage >&2; exit 2 ;;
	esac
done

# What a router builds and installs with: the compiler, the headers of
# its kernel, libnl and OpenSSL, DKMS, and what "make deb" runs (the
# Debian packaging tools, cmocka for the unit tests of the build, lintian).
build_pkgs=(
	gcc make pkg-config libc6-dev linux-headers-amd64 libnl-3-dev
	libnl-genl-3-dev libssl-dev
	dkms dh-dkms debhelper fakeroot libcmocka-dev lintian
)

pkgs=(
	"${build_pkgs[@]}"
	# packaging checks, and every Debian 12 kernel flavour's headers for
	# make compat-check
	man-db bash-completion
	linux-headers-cloud-amd64 linux-headers-rt-amd64
	# unit tests, fuzzing and static checks
	clang libclang-rt-14-dev sparse cppcheck linux-source-6.1
	# the test VM: a Debian kernel booted by QEMU over the host's root
	# (systemd: PID 1 of the guest that tests the units)
	linux-image-amd64 qemu-system-x86 busybox-static kmod cpio xz-utils systemd
	# tools the tests and the demo run inside the VM
	iproute2 iputils-ping iperf3 tcpdump nftables util-linux procps
	python3 python3-scapy python3-prometheus-client wireguard-tools strongswan-charon
	strongswan-swanctl libstrongswan-standard-plugins
)

[ "$build_only" = 1 ] && pkgs=("${build_pkgs[@]}")
if [ "$list" = 1 ]; then
	printf '%s\n' "${pkgs[@]}"
	exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
	case $p in \#*) continue ;; esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing Debian packages: ${missing[*]}" >&2
	echo "install-deps: run as root: sudo $0" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || { echo "install-deps: apt-get update failed" >&2; exit 1; }
apt-get install -y -qq --no-install-recommends "${missing[@]}" > /tmp/sgw-install-deps.log 2>&1 || {
	tail -n 30 /tmp/sgw-install-deps.log >&2
	echo "install-deps: apt-get install failed (log: /tmp/sgw-install-deps.log)" >&2
	exit 1
}
echo "install-deps: done"
