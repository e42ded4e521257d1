#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make install" into a DESTDIR with a PREFIX puts exactly the expected
# files there (module under /lib/modules/KVER/extra, the rest under PREFIX,
# units naming the installed sgwctl) without running depmod on the host;
# "make uninstall" with the same variables leaves DESTDIR empty, and keeps
# what it did not install.

. "$(dirname "$0")/lib.sh"

dest=$tmp/dest
prefix=/opt/sgw
mkdir -p "$dest" "$tmp/bin"
# A depmod first in PATH that only records that it ran.
printf '#!/bin/sh\necho "depmod $*" >> %s/depmod.calls\n' "$tmp" > "$tmp/bin/depmod"
chmod +x "$tmp/bin/depmod"

run() { PATH=$tmp/bin:$PATH make --no-print-directory -C "$top" "$@" DESTDIR="$dest" PREFIX="$prefix"; }

run install > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; bad "make install"; exit 1; }
ok "make install DESTDIR=... PREFIX=$prefix"
kver=$(modinfo -F vermagic "$top/sgw.ko" | cut -d' ' -f1)

{
	echo "/lib/modules/$kver/extra/sgw.ko"
	echo "$prefix/sbin/sgwctl"
	for m in "$top"/Documentation/man/*.[1-9]; do
		echo "$prefix/share/man/man${m##*.}/$(basename "$m")"
	done
	echo "$prefix/lib/systemd/system/sgw.service"
	echo "$prefix/lib/systemd/system/sgw@.service"
	echo "$prefix/share/bash-completion/completions/sgwctl"
	echo "$prefix/share/doc/sgw/examples/sgw.conf"
	echo "$prefix/share/doc/sgw/examples/sgw-metrics.service"
	echo "$prefix/share/doc/sgw/examples/sgw-metrics.timer"
	echo "$prefix/share/doc/sgw/examples/sgw.nft"
	echo "$prefix/share/doc/sgw/examples/strongswan.nft"
	echo "$prefix/share/doc/sgw/quickstart.md"
	echo "$prefix/share/doc/sgw/strongswan.md"
} | LC_ALL=C sort > "$tmp/want"
(cd "$dest" && find . ! -type d | sed 's/^\.//' | LC_ALL=C sort) > "$tmp/got"
if diff -u "$tmp/want" "$tmp/got" > "$tmp/diff"; then
	ok "exactly the $(wc -l < "$tmp/want") expected files"
else
	bad "the installed files (- expected, + installed)"; sed 's/^/#   /' "$tmp/diff"
fi
[ -e "$tmp/depmod.calls" ] && { bad "no depmod with DESTDIR"; sed 's/^/#   /' "$tmp/depmod.calls"; } ||
	ok "no depmod with DESTDIR"
cmp -s "$top/sgw.ko" "$dest/lib/modules/$kver/extra/sgw.ko" && ok "the module is the built sgw.ko" ||
	bad "the module is the built sgw.ko"
[ -x "$dest$prefix/sbin/sgwctl" ] && "$dest$prefix/sbin/sgwctl" --version | grep -qx "sgwctl $(cat "$top/VERSION")" &&
	ok "the installed sgwctl runs" || bad "the installed sgwctl runs"
grep -qx "ExecStart=$prefix/sbin/sgwctl daemon -c /etc/sgw/sgw.conf" "$dest$prefix/lib/systemd/system/sgw.service" &&
	ok "sgw.service runs $prefix/sbin/sgwctl" || bad "sgw.service runs $prefix/sbin/sgwctl"
if [ -n "$(find "$dest" -type f -perm /022)" ]; then
	bad "no file writable by others"
fi

run uninstall > "$tmp/uninstall.log" 2>&1 || { cat "$tmp/uninstall.log"; bad "make uninstall"; }
left=$(cd "$dest" && find . -mindepth 1)
if [ -z "$left" ]; then
	ok "make uninstall leaves DESTDIR empty"
else
	bad "make uninstall leaves DESTDIR empty"; echo "$left" | sed 's/^/#   /'
fi
[ -e "$tmp/depmod.calls" ] && bad "no depmod on uninstall with DESTDIR"

# A directory that holds another package's file stays, with that file.
mkdir -p "$dest$prefix/share/man/man8" && touch "$dest$prefix/share/man/man8/other.8"
run install > /dev/null 2>&1 && run uninstall > /dev/null 2>&1
left=$(cd "$dest" && find . ! -type d)
[ "$left" = "./opt/sgw/share/man/man8/other.8" ] && ok "uninstall keeps others' files" ||
	{ bad "uninstall keeps others' files"; echo "$left" | sed 's/^/#   /'; }
exit $rc
