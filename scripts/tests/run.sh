#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side tests of the project's scripts.

cd "$(dirname "$0")" || exit 1
pass=0 fail=0
for t in test-*.sh; do
	if out=$(./"$t" 2>&1); then
		pass=$((pass + 1)); echo "ok - $t"
	else
		fail=$((fail + 1)); echo "not ok - $t"; echo "$out" | sed 's/^/# /'
	fi
done
echo "# script tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
