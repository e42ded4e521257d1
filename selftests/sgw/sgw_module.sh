#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module lifecycle: load, unload, and unload while tunnels exist in several
# namespaces (everything goes, nothing leaks, the next load starts clean).

. "$(dirname "$0")/lib.sh"

unload() {
	if module_loaded; then rmmod sgw; fi
	! module_loaded || fail "sgw still loaded after rmmod"
}

test_load_unload() {
	[ -r "$SGW_KO" ] || skip "no $SGW_KO"
	unload
	insmod "$SGW_KO"
	expect_eq "module version" "$(cat /sys/module/sgw/version)" "$(cat "$repo/VERSION")"
	out=$("$SGWCTL" version)
	expect_match "sgwctl version" "$out" "module $(cat "$repo/VERSION")"
	expect_match "algorithms" "$out" "algorithms: aes-gcm-128 aes-gcm-256 chacha20-poly1305 aes-cbc-128-sha256 aes-cbc-256-sha256"
	rmmod sgw
	! module_loaded || fail "module still present"
	expect_fail "tunnel show without module" "$SGWCTL" tunnel show
	expect_eq "message" "$out" "sgwctl: sgw kernel module is not loaded (modprobe sgw)"
	set +e
	"$SGWCTL" tunnel show > /dev/null 2>&1
	expect_eq "exit status" "$?" 1
}

# A debug build (make CONFIG_SGW_DEBUG=y; make check builds one) runs its
# known-answer self-tests at load and says so; make check sets
# SGW_EXPECT_SELFTESTS so that a release build cannot skip this.
test_selftests() {
	local from

	[ -r "$SGW_KO" ] || skip "no $SGW_KO"
	unload
	from=$(dmesg | wc -l)
	insmod "$SGW_KO"
	if [ ! -e /sys/module/sgw/parameters/passed ]; then
		[ -z "${SGW_EXPECT_SELFTESTS:-}" ] ||
			fail "SGW_EXPECT_SELFTESTS is set, but $SGW_KO is not a debug build"
		skip "not a debug build (make CONFIG_SGW_DEBUG=y)"
	fi
	expect_eq "passed" "$(cat /sys/module/sgw/parameters/passed)" Y
	expect_eq "log line" "$(dmesg | tail -n +$((from + 1)) | grep -o 'sgw: self-tests: .*')" \
		"sgw: self-tests: pass (replay window, 18 ESP known answers)"
}

test_unload_with_tunnels() {
	[ -r "$SGW_KO" ] || skip "no $SGW_KO"
	load_module
	setup_ns a b
	ip link add sgw1 type sgw
	"$SGWCTL" tunnel add id 9 > /dev/null
	ip -n "$a" link add sgw1 type sgw
	ip netns exec "$a" "$SGWCTL" tunnel add id 3 name a3 > /dev/null
	ip -n "$b" link add up0 type sgw
	ip -n "$b" link set up0 up
	rmmod sgw
	for ns in "" "$a" "$b"; do
		left=$(ip ${ns:+-n "$ns"} -o link show type sgw | wc -l)
		expect_eq "sgw devices left in ${ns:-init_net}" "$left" 0
	done
	insmod "$SGW_KO"
	out=$("$SGWCTL" tunnel add)
	expect_match "first tunnel after reload" "$out" "^tunnel 1: interface sgw1 "
	"$SGWCTL" tunnel del 1
}

test_netns_teardown() {
	require_module
	ns=sgwt-gone-$$
	ip netns add "$ns"
	for i in 1 2 3; do ip -n "$ns" link add "t$i" type sgw; done
	ip netns del "$ns"
	# The namespace's devices go asynchronously; the module must then unload.
	for i in $(seq 50); do
		rmmod sgw 2> /dev/null && break
		sleep 0.1
	done
	! module_loaded || fail "module busy after namespace teardown"
	load_module
}

ktap_begin 4
run_test "module load and unload" test_load_unload
run_test "debug build: known-answer self-tests pass at load" test_selftests
run_test "unload with tunnels in three namespaces" test_unload_with_tunnels
run_test "namespace teardown releases tunnels" test_netns_teardown
ktap_end
