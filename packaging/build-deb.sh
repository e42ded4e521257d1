#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the sgw-dkms and sgwctl packages with dpkg-buildpackage from a copy
# of the checkout (its tracked and its untracked, not ignored files), so that
# no stale object gets in and the build writes nothing into the tree. The
# .debs, .buildinfo and .changes go to OUTDIR (default dist/). Then lintian
# checks them: any warning or error fails.
#
#   packaging/build-deb.sh [OUTDIR]
#
# DEB_BUILD_OPTIONS passes through: "nocheck" skips sgwctl's unit tests.

set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$top/dist}")
ver=$(cat "$top/VERSION")
work=$top/.build/deb
src=$work/sgw-$ver

rm -rf "$work"
mkdir -p "$src" "$out"
cd "$top"
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	git ls-files -z -co --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2> /dev/null | tar -xf - -C "$src"
else
	tar --exclude=./.build --exclude=./dist --exclude='*.o' --exclude='*.ko' \
		-cf - . | tar -xf - -C "$src"
fi

echo "build-deb: dpkg-buildpackage in $src (log: $work/build.log)"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1; then
	tail -n 40 "$work/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed (log: $work/build.log)" >&2
	exit 1
fi
rm -f "$out"/sgw*_"$ver"_* "$out"/sgw*_"$ver".*
changes=$(cd "$work" && ls sgw_"$ver"_*.changes)
for f in $(sed -n '/^Files:/,/^[^ ]/s/^ [0-9a-f]\{32\} [0-9]* [^ ]* [^ ]* //p' "$work/$changes") "$changes"; do
	mv "$work/$f" "$out/"
done
ls -1 "$out"/sgw*_"$ver"*

echo "build-deb: lintian"
lintian --fail-on error,warning --info --display-experimental "$out/$changes"
echo "build-deb: lintian found no warning or error"
