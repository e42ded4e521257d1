#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The man pages match the code: sgwctl(8) documents every command of
# sgwctl's dispatch tables and no other (scripts/tests/check-sgwctl-manpage),
# sgw.conf(5) every key of the parser's key table and no other
# (scripts/tests/check-sgw-conf-manpage.sh). Both checkers are shown to fail
# on a page with a command or key taken away or one added.

. "$(dirname "$0")/lib.sh"

# expect 0|1 DESCRIPTION CMD...: CMD succeeds (0) or fails (1).
expect() {
	local want=$1 what=$2 out got=0

	shift 2
	out=$("$@" 2>&1) || got=1
	if [ "$got" = "$want" ]; then
		ok "$what"
	else
		bad "$what"
		echo "$out" | sed 's/^/#   /'
	fi
}

# The real pages.
expect 0 "sgwctl.8 documents exactly the commands of the code" \
	"$top/scripts/tests/check-sgwctl-manpage"
make -s -C "$top/userspace/conf" .build/keylist .build/conf-check > "$tmp/make.log" 2>&1 ||
	{ cat "$tmp/make.log"; bad "build the key table lister"; exit 1; }
keylist=$top/userspace/conf/.build/keylist
confcheck=$top/userspace/conf/.build/conf-check
conf5=$top/Documentation/man/sgw.conf.5
expect 0 "sgw.conf.5 documents exactly the keys of the parser" \
	"$top/scripts/tests/check-sgw-conf-manpage.sh" "$keylist" "$confcheck" "$conf5"

# Every page renders without a groff warning, as lintian runs it (a long
# unbreakable word in a justified line fails the package test otherwise).
for page in "$top"/Documentation/man/*.[0-9]; do
	warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 > /dev/null)
	if [ -z "$warn" ]; then
		ok "$(basename "$page") renders without groff warnings"
	else
		bad "$(basename "$page") renders without groff warnings"
		echo "$warn" | sed 's/^/#   /'
	fi
done

# The sgwctl(8) checker on a page written from the code's own command
# list, then with one command less, one the code lacks, and a keyword list
# (indented, so not commands).
cmds=$("$top/packaging/sgwctl-commands") || { bad "list the commands"; exit 1; }
page() {
	echo '.TH SGWCTL 8'
	echo '.SH OPTIONS'
	printf '.TP\n.B \\-j\nJSON.\n'
	echo '.SH COMMANDS'
	while read -r c; do
		printf '.TP\n.B %s\nWhat it does.\n' "$c"
	done
	printf '.SH SEE ALSO\n.BR sgw.conf (5)\n'
}
echo "$cmds" | page > "$tmp/full.8"
expect 0 "the checker passes a page with every command" \
	"$top/scripts/tests/check-sgwctl-manpage" "$tmp/full.8"
echo "$cmds" | grep -vx 'sa flush' | page > "$tmp/less.8"
expect 1 "the checker fails a page without \"sa flush\"" \
	"$top/scripts/tests/check-sgwctl-manpage" "$tmp/less.8"
out=$("$top/scripts/tests/check-sgwctl-manpage" "$tmp/less.8")
case $out in
*'"sgwctl sa flush" is in the code but not in'*) ok "the checker names the missing command" ;;
*) bad "the checker names the missing command"; echo "$out" | sed 's/^/#   /' ;;
esac
printf '%s\n%s\n' "$cmds" "tunnel frobnicate" | page > "$tmp/more.8"
expect 1 "the checker fails a page with \"tunnel frobnicate\"" \
	"$top/scripts/tests/check-sgwctl-manpage" "$tmp/more.8"
printf '%s\n%s\n' "$cmds" "rekey" | page > "$tmp/more2.8"
expect 1 "the checker fails a page with an unknown command \"rekey\"" \
	"$top/scripts/tests/check-sgwctl-manpage" "$tmp/more2.8"
sed '/^\.B tunnel add$/a .RS\n.TP\n.B local \\fIADDR\\fR\nThe local address.\n.RE' \
	"$tmp/full.8" > "$tmp/keys.8"
expect 0 "the checker takes indented keyword items for no commands" \
	"$top/scripts/tests/check-sgwctl-manpage" "$tmp/keys.8"
sed 's/^\.B tunnel add$/.BI "sgwctl tunnel add " \\fR[\\fBid\\fI ID\\fR]/' \
	"$tmp/full.8" > "$tmp/form.8"
expect 0 "the checker reads \".BI\" tags with \"sgwctl\" and arguments" \
	"$top/scripts/tests/check-sgwctl-manpage" "$tmp/form.8"

# The sgw.conf(5) checker with a key taken away and one added.
awk '{
	if (hold) {
		hold = 0
		if ($0 == ".B psk\\-file") { skip = 1; next }
		print ".TP"
	}
	if (skip) { skip = 0; next }
	if ($0 == ".TP") { hold = 1; next }
	print
}' "$conf5" > "$tmp/less.5"
grep -A1 '^\.TP$' "$tmp/less.5" | grep -q '^\.B psk\\-file$' &&
	bad "remove psk-file from the page copy"
expect 1 "the key checker fails a page without psk-file" \
	"$top/scripts/tests/check-sgw-conf-manpage.sh" "$keylist" "$confcheck" "$tmp/less.5"
out=$("$top/scripts/tests/check-sgw-conf-manpage.sh" "$keylist" "$confcheck" "$tmp/less.5")
case $out in
*'-tunnel	psk-file	'*) ok "the key checker names the missing key" ;;
*) bad "the key checker names the missing key"; echo "$out" | sed 's/^/#   /' ;;
esac
sed '/^\.SH TUNNEL KEYS/a .TP\n.B frobnicate\nType: yes | no. Default: no.\n.br\nNothing.' \
	"$conf5" > "$tmp/more.5"
expect 1 "the key checker fails a page with a key \"frobnicate\"" \
	"$top/scripts/tests/check-sgw-conf-manpage.sh" "$keylist" "$confcheck" "$tmp/more.5"
exit $rc
