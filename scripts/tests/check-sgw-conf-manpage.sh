#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Compares the key table with sgw.conf(5): every key of the table, and no
# other, is documented in the page's GLOBAL KEYS or TUNNEL KEYS section as
#
#   .TP
#   .B key-name
#   Type: ... Default: ...
#
# with the very Type/Default line the table produces (tests/keylist.c).
# Then every example under EXAMPLES that has a [tunnel] section must pass
# the parser and the checker (tests/conf-check.c).
# Usage: check-sgw-conf-manpage.sh KEYLIST-PROGRAM CONF-CHECK-PROGRAM PAGE
set -eu

keylist=$1
confcheck=$2
page=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$keylist" | LC_ALL=C sort > "$tmp/table"
awk '
/^\.SH/ {
	sec = ""
	if ($0 ~ /GLOBAL KEYS/) sec = "global"
	if ($0 ~ /TUNNEL KEYS/) sec = "tunnel"
	want = 0
	next
}
sec == "" { next }
/^\.TP/ { want = 1; next }
want == 1 && /^\.B / { key = substr($0, 4); want = 2; next }
want == 2 { print sec "\t" key "\t" $0; want = 0; next }
{ want = 0 }
' "$page" | sed -e 's/\\-/-/g' -e 's/\\(ti/~/g' -e 's/\\&//g' -e 's/\\://g' |
	LC_ALL=C sort > "$tmp/page"

if ! diff -u "$tmp/table" "$tmp/page" > "$tmp/diff"; then
	echo "check-manpage: $page and the key table differ" \
	     "(- table, + page):"
	tail -n +3 "$tmp/diff"
	exit 1
fi
echo "check-manpage: $(wc -l < "$tmp/table") keys, types and defaults match"

# The examples, one file per .nf/.fi block, unescaped to plain text.
awk -v dir="$tmp" '
/^\.SH/ { ex = ($0 ~ /EXAMPLES/); next }
ex && /^\.nf/ { n++; out = dir "/example" n ".conf"; inblock = 1; next }
ex && /^\.fi/ { inblock = 0; next }
inblock { print > out }
' "$page"
checked=0
for f in "$tmp"/example*.conf; do
	[ -e "$f" ] || continue
	grep -q '^\[tunnel ' "$f" || continue
	sed -i -e 's/\\-/-/g' -e 's/\\&//g' "$f"
	if ! "$confcheck" "$f"; then
		echo "check-manpage: this example of $page does not pass:"
		cat "$f"
		exit 1
	fi
	checked=$((checked + 1))
done
if [ "$checked" -lt 2 ]; then
	echo "check-manpage: expected at least 2 examples, found $checked"
	exit 1
fi
echo "check-manpage: $checked examples parse and pass the checks"
