#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the sgw selftests (all of TEST_PROGS in the Makefile, or the scripts
# named) and print KTAP: one line per script, each script's own KTAP
# indented as diagnostics, and a totals line over every test case.
#
#   run.sh [SCRIPT...]

cd "$(dirname "$0")" || exit 1
if [ $# -eq 0 ]; then
	# TEST_PROGS, continuation lines and all.
	set -- $(sed -n '/^TEST_PROGS :=/,/[^\\]$/p' Makefile |
		sed 's/^TEST_PROGS :=//; s/\\$//')
fi

pass=0 fail=0 skip=0 n=0 rc=0
echo "TAP version 13"
echo "1..$#"
for t in "$@"; do
	n=$((n + 1))
	echo "# selftests: sgw: $t"
	out=$(mktemp)
	timeout "$(sed -n 's/^timeout=//p' settings)" ./"$t" 2>&1 | tee "$out" | sed 's/^/# /'
	r=${PIPESTATUS[0]}
	p=$(sed -n 's/^# totals: pass:\([0-9]*\) fail:\([0-9]*\) skip:\([0-9]*\)$/\1 \2 \3/p' "$out")
	rm -f "$out"
	if [ -n "$p" ]; then
		set -- "$@"
		read -r tp tf ts <<< "$p"
		pass=$((pass + tp)) fail=$((fail + tf)) skip=$((skip + ts))
	fi
	case $r in
	0) echo "ok $n selftests: sgw: $t" ;;
	4) echo "ok $n selftests: sgw: $t # SKIP" ;;
	*)
		[ $r -eq 124 ] && echo "# $t: timed out"
		[ -z "$p" ] || [ "$tf" -eq 0 ] && fail=$((fail + 1))
		echo "not ok $n selftests: sgw: $t # exit=$r"
		rc=1
		;;
	esac
done
echo "# sgw selftests: $pass passed, $fail failed, $skip skipped"
exit $rc
