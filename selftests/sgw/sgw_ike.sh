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

# With charon on gB: our tunnel of family $1 with proposals $2 / $3.
sgw_vs_charon_conf() {
	local fam=$1 ikep=$2 espp=$3

	shift 3
	if [ "$fam" = 6 ]; then
		sgw_conf "$work/a.conf" gw 2001:db8::1 2001:db8::2 fd01::/64 fd02::/64 \
			"$ikep" "$espp" "$@"
	else
		sgw_conf "$work/a.conf" gw 192.0.2.1 192.0.2.2 $NETS_A $NETS_B \
			"$ikep" "$espp" "$@"
	fi
}

# charon_side FAMILY IKE ESP KEY [LOCAL_TS]
charon_side() {
	if [ "$1" = 6 ]; then
		charon_conn "$gB" c 2001:db8::2 2001:db8::1 "${5:-fd02::/64}" fd01::/64 "$2" "$3" "$4"
	else
		charon_conn "$gB" c 192.0.2.2 192.0.2.1 "${5:-$NETS_B}" $NETS_A "$2" "$3" "$4"
	fi
}

sgw_reload() {
	ip netns exec "$gA" "$SGWCTL" reload > /dev/null || fail "reload refused"
}

# One interop case: WHO initiates (sgw or charon), FAMILY, IKE, ESP.
interop_case() {
	local who=$1 fam=$2 ikep=$3 espp=$4 dst=10.2.0.2 t0 t1

	[ "$fam" = 6 ] && dst=fd02::2
	sgw_vs_charon_conf "$fam" "$ikep" "$espp"
	sgw_reload
	charon_side "$fam" "$ikep" "$espp" "interop secret"
	if [ "$who" = sgw ]; then
		ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" 2>&1 ||
			{ cat "$work/up.out" "$work/charon-$gB/charon.log"; fail "sgwctl up: $(cat "$work/up.out")"; }
	else
		swanctl_ns "$gB" --initiate --child net --timeout 30 > "$work/init.out" 2>&1 ||
			{ tail -20 "$work/init.out"; fail "swanctl --initiate failed"; }
		wait_for 5 sh -c "[ \"\$(ip netns exec $gA $SGWCTL -j show 1 | grep -o '\"state\":\"established\"')\" ]" ||
			fail "sgw not established after charon's initiate"
	fi
	expect_eq "$who/$fam $ikep: proposal" "$(sgw_field "$gA" proposal)" "$ikep"
	expect_eq "$who/$fam $ikep: IKE SPIs" "$(sgw_ike_spis "$gA")" "$(charon_ike_spis "$gB")"
	expect_crosswise "$who/$fam $ikep/$espp" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"
	ping_ok "$hA" "$dst" || { diagnose; fail "$who/$fam $ikep/$espp: no ping across"; }
	ip netns exec "$gA" "$SGWCTL" down gw > /dev/null
	no_sgw_sa "$gA" || fail "SAs left here after down"
	wait_for 5 no_charon_sa "$gB" || fail "charon kept its SAs after our down"
	echo "interop $who initiates, IPv$fam, IKE $ikep, ESP $espp: ok"
}

# What both ends saw, when traffic does not cross.
diagnose() {
	ip netns exec "$gA" "$SGWCTL" show
	ip netns exec "$gB" ip -s xfrm state
	ip netns exec "$gB" ip xfrm policy
	ip netns exec "$gB" cat /proc/net/xfrm_stat | grep -v ' 0$'
	swanctl_ns "$gB" --list-sas
	tail -n 30 "$work/charon-$gB/charon.log"
}

charon_setup() {
	require_module
	require_cmd swanctl nft
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	topo
	psk "$work/gw.psk" "interop secret"
	sgw_vs_charon_conf 4 aes128gcm16-prfsha256-ecp256 aes128gcm16
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
	ip -n "$gA" -6 route add fd02::/64 dev sgw1
	# charon installs policies, not routes: a route toward site A is needed.
	ip -n "$gB" route add $NETS_A via 192.0.2.1
	ip -n "$gB" -6 route add fd01::/64 via 2001:db8::1
	charon_start "$gB"
}

test_charon_matrix() {
	charon_setup
	interop_case sgw 4 aes128gcm16-prfsha256-ecp256 aes128gcm16
	interop_case charon 4 aes256gcm16-prfsha384-ecp384 aes256gcm16
	interop_case sgw 4 aes128-sha256-prfsha256-modp2048 aes128-sha256
	interop_case charon 4 aes256-sha384-prfsha384-curve25519 chacha20poly1305
	interop_case sgw 4 aes256-sha512-prfsha512-ecp256 aes256-sha256
	interop_case charon 6 aes256gcm16-prfsha512-curve25519 aes256gcm16
	interop_case sgw 6 aes128-sha256-prfsha256-ecp384 aes128gcm16
}

# expect_up_fails REASON: "sgwctl up" fails with it; no SA at either end.
expect_up_fails() {
	local want=$1

	expect_fail "up must fail" ip netns exec "$gA" "$SGWCTL" up gw
	daemon_alive "$gA"
	expect_eq "up's error" "$out" "sgwctl: up: gw: failed: $want"
	expect_eq "show's failure" "$(sgw_field "$gA" failure)" "$want"
	expect_eq "state" "$(sgw_field "$gA" state)" failed
	no_sgw_sa "$gA" || fail "an SA was installed here"
	wait_for 3 no_charon_sa "$gB" || fail "charon has an SA"
}

test_charon_failures() {
	# Cookies always demanded (for the last case below).
	HALF_OPEN_LIMIT=0
	charon_setup
	# Wrong PSK: the responder says so.
	sgw_reload
	charon_side 4 aes128gcm16-prfsha256-ecp256 aes128gcm16 "another secret"
	expect_up_fails "AUTHENTICATION_FAILED: peer 192.0.2.2:500 rejected our authentication as '192.0.2.1' (pre-shared key or identity mismatch)"
	# And as responder we name what was wrong.
	swanctl_ns "$gB" --initiate --child net --timeout 15 > /dev/null 2>&1 &&
		fail "charon established with a wrong PSK"
	wait_for 3 sh -c "ip netns exec $gA $SGWCTL -j show 1 | grep -q 'we rejected peer'" || true
	expect_eq "responder failure" "$(sgw_field "$gA" failure)" \
		"AUTHENTICATION_FAILED: we rejected peer 192.0.2.2:500 identity '192.0.2.2': its AUTH does not match our pre-shared key"
	no_sgw_sa "$gA" || fail "an SA was installed with a wrong PSK"
	# No common IKE proposal.
	charon_side 4 aes256-sha512-modp2048 aes128gcm16 "interop secret"
	expect_up_fails "NO_PROPOSAL_CHOSEN: peer 192.0.2.2:500 accepted none of our IKE proposals: aes128gcm16-prfsha256-ecp256"
	# No common ESP proposal: IKE SA up, CHILD SA refused, all removed.
	charon_side 4 aes128gcm16-prfsha256-ecp256 chacha20poly1305 "interop secret"
	expect_up_fails "NO_PROPOSAL_CHOSEN: peer 192.0.2.2:500 refused our CHILD SA (we offered ESP aes128gcm16; local 10.1.0.0/24, remote 10.2.0.0/24)"
	# Traffic selectors the peer does not accept.
	charon_side 4 aes128gcm16-prfsha256-ecp256 aes128gcm16 "interop secret" 10.9.0.0/24
	expect_up_fails "TS_UNACCEPTABLE: peer 192.0.2.2:500 refused our CHILD SA (we offered ESP aes128gcm16; local 10.1.0.0/24, remote 10.2.0.0/24)"
	# UDP 500 dropped on the way (1 s, 2 s, 4 s: given up after 7 s).
	RT_TIMEOUT=1s RT_TRIES=3 sgw_vs_charon_conf 4 aes128gcm16-prfsha256-ecp256 aes128gcm16
	sgw_reload
	charon_side 4 aes128gcm16-prfsha256-ecp256 aes128gcm16 "interop secret"
	ip netns exec "$gB" nft add table inet sgwt
	ip netns exec "$gB" nft add chain inet sgwt in '{ type filter hook input priority 0; }'
	ip netns exec "$gB" nft add rule inet sgwt in udp dport 500 drop
	expect_up_fails "no IKE response from 192.0.2.2:500 after 3 tries — is UDP 500 blocked on the path?"
	ip netns exec "$gB" nft delete table inet sgwt
	# Once fixed, the same tunnel comes up.
	ip netns exec "$gA" "$SGWCTL" up gw > /dev/null || fail "no recovery"
	expect_crosswise "after recovery" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"
	ip netns exec "$gA" "$SGWCTL" down gw > /dev/null
	wait_for 5 no_charon_sa "$gB" || fail "charon kept its SAs after our down"
	# charon initiating to a responder that demands a COOKIE (RFC 7296 §2.6).
	swanctl_ns "$gB" --initiate --child net --timeout 30 > /dev/null 2>&1 ||
		fail "charon could not initiate through the cookie exchange"
	grep -q 'parsed IKE_SA_INIT response 0 \[ N(COOKIE) \]' "$work/charon-$gB/charon.log" ||
		fail "no COOKIE was demanded of charon"
	wait_for 5 sh -c "ip netns exec $gA $SGWCTL -j show 1 | grep -q '\"state\":\"established\"'" ||
		fail "not established after the cookie exchange"
	expect_crosswise "after cookie" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"
}

tests=(
	"sgw <-> sgw: up, traffic, SPIs, down, refresh" test_sgw_sgw
	"sgw <-> charon: proposal matrix, both initiators, IPv4 and IPv6" test_charon_matrix
	"sgw -> charon: wrong PSK, no proposal, TS, UDP 500 blocked; COOKIE" test_charon_failures
)
# SGW_IKE_ONLY=REGEX runs only the tests whose function name matches.
sel=()
for ((i = 0; i < ${#tests[@]}; i += 2)); do
	[[ ${tests[i + 1]} =~ ${SGW_IKE_ONLY:-.} ]] && sel+=("${tests[i]}" "${tests[i + 1]}")
done
ktap_begin $((${#sel[@]} / 2))
load_ipsec_modules
for ((i = 0; i < ${#sel[@]}; i += 2)); do
	run_test "${sel[i]}" "${sel[i + 1]}"
done
ktap_end
