#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the sgw selftests: KTAP output, namespaces that are
# always cleaned up, the module and the tools under test.
#
# A test is a function run in a subshell with "set -e": any failing command
# or assertion ends it as "not ok"; "exit $ksft_skip" skips it. Cleanup
# registered with defer runs however the subshell ends.

ksft_skip=4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
SGW_KO=${SGW_KO:-$repo/sgw.ko}
SGWCTL=${SGWCTL:-$repo/userspace/sgwctl}
[ -x "$SGWCTL" ] || SGWCTL=$(command -v sgwctl)
GENL="python3 $here/genl.py"

tests_run=0
tests_passed=0
tests_failed=0
tests_skipped=0

# A suite may define fail_context to print what explains a failure (logs).
fail() {
	echo "FAIL: $*"
	if declare -F fail_context > /dev/null; then
		fail_context || true
	fi
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit "$ksft_skip"
}

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got \"$2\", expected \"$3\""
}

# expect_match WHAT TEXT REGEX
expect_match() {
	[[ $2 =~ $3 ]] || fail "$1: \"$2\" does not match /$3/"
}

# expect_fail WHAT CMD...: the command must fail; its output is in $out.
expect_fail() {
	local what=$1

	shift
	if out=$("$@" 2>&1); then
		fail "$what: succeeded but must fail (output: $out)"
	fi
	return 0
}

# Cleanup actions, run in reverse order when the test's subshell exits.
__deferred=()
defer() {
	__deferred+=("$*")
}

__run_deferred() {
	local i

	for ((i = ${#__deferred[@]} - 1; i >= 0; i--)); do
		# A failing action (a process already gone) must neither end
		# the cleanup early nor, under "set -e", fail the test.
		eval "${__deferred[i]}" > /dev/null 2>&1 || true
	done
}

# bg_in NS FILE CMD...: CMD in namespace NS in the background, its output
# in FILE, stopped when the test ends; its pid in $bg_pid. Not through a
# shell function: killing a function's subshell would leave CMD running.
bg_in() {
	local ns=$1 out=$2

	shift 2
	ip netns exec "$ns" "$@" > "$out" 2>&1 &
	bg_pid=$!
	defer "kill $bg_pid 2>/dev/null; wait $bg_pid 2>/dev/null"
}

# wait_subscribed NS: until a generic netlink socket in NS has joined a
# multicast group (sgwctl monitor, the daemon), 5 s at most.
wait_subscribed() {
	local i

	for i in $(seq 50); do
		ip netns exec "$1" awk '$2 == 16 && $4 != "00000000" { f = 1 }
			END { exit !f }' /proc/net/netlink && return 0
		sleep 0.1
	done
	return 1
}

# setup_ns VAR...: create uniquely named namespaces, loopback up.
setup_ns() {
	local var name

	for var in "$@"; do
		name=sgwt-$var-$BASHPID-$RANDOM
		ip netns add "$name" || fail "cannot create namespace $name"
		defer ip netns del "$name"
		ip -n "$name" link set lo up
		eval "$var=$name"
	done
}

module_loaded() {
	[ -d /sys/module/sgw ]
}

# SGW_MODULE_PARAMS: parameters for the module when this loads it.
load_module() {
	module_loaded && return 0
	if [ -r "$SGW_KO" ]; then
		insmod "$SGW_KO" ${SGW_MODULE_PARAMS:-}
	else
		modprobe sgw ${SGW_MODULE_PARAMS:-}
	fi
}

require_module() {
	load_module || skip "sgw module cannot be loaded ($SGW_KO)"
	[ -x "$SGWCTL" ] || skip "sgwctl not built"
}

require_cmd() {
	local c

	for c in "$@"; do
		command -v "$c" > /dev/null || skip "$c is not installed"
	done
}

# cap_start NS IFACE FILE: tcpdump writing FILE until cap_stop.
cap_start() {
	cap_file=$3
	ip netns exec "$1" tcpdump -i "$2" -n -U -s 0 -Z root --immediate-mode \
		-w "$cap_file" > "$cap_file.log" 2>&1 &
	cap_pid=$!
	defer kill "$cap_pid"
	for _ in $(seq 50); do
		grep -q "listening on" "$cap_file.log" && return 0
		sleep 0.1
	done
	fail "tcpdump did not start: $(cat "$cap_file.log")"
}

# cap_stop: once the file stops growing (an emulated guest can be slow to
# hand tcpdump the last packets), so no packet in flight is lost.
cap_stop() {
	local last=-1 size

	for _ in $(seq 40); do
		sleep 0.5
		size=$(wc -c < "$cap_file")
		[ "$size" = "$last" ] && break
		last=$size
	done
	kill -INT "$cap_pid"
	wait "$cap_pid" || true
}

# run_selected REGEX FN DESC [FN DESC ...]: the cases whose function
# matches REGEX (a file's SGW_*_ONLY), as one KTAP block.
run_selected() {
	local re=$1 i
	local -a sel=()

	shift
	while [ $# -ge 2 ]; do
		[[ $1 =~ $re ]] && sel+=("$1" "$2")
		shift 2
	done
	ktap_begin $((${#sel[@]} / 2))
	for ((i = 0; i < ${#sel[@]}; i += 2)); do
		run_test "${sel[i + 1]}" "${sel[i]}"
	done
	ktap_end
}

# run_test NAME FUNCTION: one KTAP result line, output as diagnostics.
#
# SGW_TESTS="fn1 fn2" runs only the named functions (the others are skipped).
run_test() {
	local name=$1 fn=$2 rc out

	tests_run=$((tests_run + 1))
	if [ -n "${SGW_TESTS:-}" ] && [[ " $SGW_TESTS " != *" $fn "* ]]; then
		tests_skipped=$((tests_skipped + 1))
		echo "ok $tests_run $name # SKIP not in SGW_TESTS"
		return 0
	fi
	out=$( (
		set -e
		trap __run_deferred EXIT
		"$fn"
	) 2>&1)
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	case $rc in
	0)
		tests_passed=$((tests_passed + 1))
		echo "ok $tests_run $name"
		;;
	"$ksft_skip")
		tests_skipped=$((tests_skipped + 1))
		echo "ok $tests_run $name # SKIP"
		;;
	*)
		tests_failed=$((tests_failed + 1))
		echo "not ok $tests_run $name"
		;;
	esac
}

ktap_begin() {
	echo "TAP version 13"
	echo "1..$1"
}

# Exit status for kselftest: failure beats success; all skipped is a skip.
ktap_end() {
	echo "# totals: pass:$tests_passed fail:$tests_failed skip:$tests_skipped"
	[ "$tests_failed" -eq 0 ] || exit 1
	[ "$tests_passed" -gt 0 ] || [ "$tests_skipped" -eq 0 ] || exit "$ksft_skip"
	exit 0
}

# chain_addresses H A R B K: the addresses of the chain H - A = R = B - K
# (sites behind gateways A and B, a router R between them): H eth0 and A
# lan0 on 10.1.0.0/24 and fd00:1::/64, K eth0 and B lan0 on 10.2.0.0/24
# and fd00:2::/64 with default routes to their gateways, A wan0 and R ra
# on 192.0.2.0/24, R rb and B wan0 on 198.51.100.0/24.
chain_addresses() {
	local h=$1 a=$2 r=$3 b=$4 k=$5

	ip -n "$h" addr add 10.1.0.2/24 dev eth0
	ip -n "$h" addr add fd00:1::2/64 dev eth0 nodad
	ip -n "$a" addr add 10.1.0.1/24 dev lan0
	ip -n "$a" addr add fd00:1::1/64 dev lan0 nodad
	ip -n "$k" addr add 10.2.0.2/24 dev eth0
	ip -n "$k" addr add fd00:2::2/64 dev eth0 nodad
	ip -n "$b" addr add 10.2.0.1/24 dev lan0
	ip -n "$b" addr add fd00:2::1/64 dev lan0 nodad
	ip -n "$h" route add default via 10.1.0.1
	ip -n "$h" -6 route add default via fd00:1::1
	ip -n "$k" route add default via 10.2.0.1
	ip -n "$k" -6 route add default via fd00:2::1
	ip -n "$a" addr add 192.0.2.1/24 dev wan0
	ip -n "$r" addr add 192.0.2.2/24 dev ra
	ip -n "$r" addr add 198.51.100.2/24 dev rb
	ip -n "$b" addr add 198.51.100.1/24 dev wan0
}
