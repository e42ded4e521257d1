#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ESP, transport and rekey cases again with every SA's crypto forced through
# the asynchronous path (module parameter force_async). Software AEADs
# complete synchronously, so without this the ordered queue, completions
# that arrive after their SA, tunnel, namespace or module went away, and
# the crypto backlog bound would only run on hosts with async drivers.

source "$(dirname "$0")/lib.sh"

# The module is loaded with the parameter, and reloaded with it by the
# cases that unload it (lib.sh's load_module reads SGW_MODULE_PARAMS).
export SGW_MODULE_PARAMS="force_async=1"
param=/sys/module/sgw/parameters/force_async

# async SCRIPT [VAR=VALUE...]: run another selftest file with force_async
# on; this case passes when every case that file ran passed and the
# parameter was still on at its end (no reload lost it).
async() {
	local script=$1 out rc start=$SECONDS

	shift
	[ -w "$param" ] || skip "sgw has no force_async parameter"
	defer "echo 0 > $param"
	echo 1 > "$param"
	out=$(env "$@" "$here/$script" 2>&1) && rc=0 || rc=$?
	printf '%s\n' "$out" | grep -E '^(not ok|ok|# totals|# FAIL|FAIL)' || true
	echo "$script: $((SECONDS - start)) s"
	expect_eq "force_async at the end of $script" "$(cat "$param")" "Y"
	expect_eq "$script exit status" "$rc" 0
	# A file that ran nothing proves nothing.
	expect_match "$script ran cases" "$(printf '%s\n' "$out" | grep '^# totals')" \
		'pass:[1-9]'
}

test_esp() {
	async sgw_esp.sh SGW_ESP_ONLY='^wire: sgw <-> kernel ESP 4in4 aes-gcm-128$|^replay window|^(SA|tunnel) deleted under|unloaded under'
}

test_transport() {
	async sgw_transport.sh SGW_TESTS="test_xfrm4 test_dnat"
}

test_rekey() {
	async sgw_refresh.sh SGW_REFRESH_ONLY='^rekey_sgw$'
}

require_module
# Reload so that SAs made before this file cannot stay synchronous.
rmmod sgw 2> /dev/null || true
load_module || fail "cannot load sgw with $SGW_MODULE_PARAMS"

ktap_begin 3
run_test "async crypto: ESP wire interop, replay window, teardown under iperf3" test_esp
run_test "async crypto: transport mode against xfrm, DNAT re-injection" test_transport
run_test "async crypto: sgw-initiated rekey under a ping flood, no loss" test_rekey
# The files after this one get the module as it loads by default.
rmmod sgw 2> /dev/null || true
SGW_MODULE_PARAMS='' load_module || true
ktap_end
