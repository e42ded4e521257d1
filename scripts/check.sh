#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything "make check" runs: build, static checks, host unit tests and
# fuzz smoke runs, script tests, module builds against every Debian 6.1
# headers flavour, the VM selftest suite, the demo (both peers), the Debian
# packages (built, installed, DKMS-built module loaded in the VM, the units
# under systemd in a VM booted with it, purged) and the VM runner's own
# self-test. Ends with one line "check: N passed, N failed, N skipped" and a
# non-zero exit status on any failure.

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
mkdir -p .build
log=.build/check.log
: > "$log"

passed=0 failed=0 skipped=0

count() {
	passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + ${3:-0}))
}

# step NAME CMD...: run with output shown and logged; one result.
step() {
	local name=$1 rc

	shift
	echo "== $name"
	"$@" 2>&1 | tee -a "$log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ]; then count 1 0; else count 0 1; echo "check: $name failed (exit $rc)"; fi
	return "$rc"
}

# suite NAME PATTERN CMD...: run a command that reports its own counts on
# a "... X passed, Y failed[, Z skipped]" line.
suite() {
	local name=$1 rc out line p f s

	shift
	echo "== $name"
	out=$(mktemp)
	"$@" 2>&1 | tee "$out" | tee -a "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	rm -f "$out"
	p=$(echo "$line" | sed -n 's/.*\b\([0-9]\+\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]\+\) failed.*/\1/p')
	s=$(echo "$line" | sed -n 's/.* \([0-9]\+\) skipped.*/\1/p')
	count "${p:-0}" "${f:-0}" "${s:-0}"
	if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		count 0 1
		echo "check: $name failed (exit $rc)"
	fi
}

# Counts cmocka's "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)".
cmocka_suite() {
	local name=$1 rc out p f

	shift
	echo "== $name"
	out=$(mktemp)
	"$@" 2>&1 | tee "$out" | tee -a "$log"
	rc=${PIPESTATUS[0]}
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{ s += $1 } END { print s + 0 }')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{ s += $1 } END { print s + 0 }')
	rm -f "$out"
	count "${p:-0}" "${f:-0}"
	if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		count 0 1
		echo "check: $name failed (exit $rc)"
	fi
}

step "build" make --no-print-directory all || {
	echo "check: $passed passed, $((failed)) failed, $skipped skipped"
	exit 1
}
suite "static checks" scripts/lint.sh
cmocka_suite "unit tests (ASan/UBSan)" make --no-print-directory -C userspace check
step "fuzz smoke runs" make --no-print-directory -C userspace fuzz-smoke
suite "script tests" scripts/tests/run.sh
suite "kernel compatibility (6.1 flavours)" scripts/tests/compat-check.sh
# The VM suite runs the debug module: at load it runs its known-answer
# self-tests, and the suite insists that they ran (sgw_module.sh). Built
# here, after the script tests (make install builds the release module).
export SGW_EXPECT_SELFTESTS=1
step "build (debug module)" make --no-print-directory module CONFIG_SGW_DEBUG=y
suite "VM selftests" scripts/vm-run.sh -t 2400 -- selftests/sgw/run.sh
# The README's "make demo", both peers, in one VM boot: it stops with a
# non-zero status at any step that does not do what it shows.
step "demo (PEER=sgw, then PEER=strongswan)" scripts/vm-run.sh -t 600 -- \
	bash -c 'SGW_DEMO_PEER=sgw scripts/demo.sh && SGW_DEMO_PEER=strongswan scripts/demo.sh'
suite "Debian packages" scripts/tests/packages.sh

# The runner must fail a run whose kernel log shows a warning, even when the
# command itself succeeded: prove it with a warning written to the log.
echo "== VM runner catches kernel warnings"
scripts/vm-run.sh -- bash -c 'echo "<4>WARNING: CPU: 0 PID: 1 at runner self-test" > /dev/kmsg' >> "$log" 2>&1
rc=$?
if [ "$rc" -eq 126 ]; then
	count 1 0; echo "ok - exit status 126"
else
	count 0 1; echo "not ok - exit status $rc, expected 126"
fi

echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
