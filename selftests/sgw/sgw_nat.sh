#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAT traversal (RFC 7296 2.23, RFC 3948) with "sgwctl daemon": site A
# behind an nftables source NAT that also changes ports, against sgw and
# against strongSwan's charon; ESP in UDP on 4500 and no plain ESP on the
# wire, SPIs crosswise, keepalives from the NATed side, a NAT mapping that
# changes mid-session (followed, recovery time printed); encap = yes over a
# path that drops ESP; sgwctl check's NAT findings; site B behind a port
# forward, alone and with A behind its NAT (against sgw and charon).
#
#   hA 10.1.0.2 -- gA 192.168.100.2 -- nat 192.168.100.1 | 203.0.113.1 -- 203.0.113.2 gB -- hB 10.2.0.2
#
# The NAT maps gA to 203.0.113.1 ports 40000-40009 (later 41000-41009).
# With a port forward (topo_portfwd) gB is 192.168.200.2 behind the same
# router, which forwards 203.0.113.2 UDP 500 and 4500 to it.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ike_lib.sh"

NETS_A=10.1.0.0/24
NETS_B=10.2.0.0/24

# topo_nat: namespaces hA gA nat gB hB, counters of what crosses the NAT.
topo_nat() {
	local n l

	setup_ns hA gA nat gB hB
	ip link add wan0 netns "$gA" type veth peer name in0 netns "$nat"
	ip link add out0 netns "$nat" type veth peer name wan0 netns "$gB"
	ip link add eth0 netns "$hA" type veth peer name lan0 netns "$gA"
	ip link add eth0 netns "$hB" type veth peer name lan0 netns "$gB"
	ip -n "$gA" addr add 192.168.100.2/24 dev wan0
	ip -n "$nat" addr add 192.168.100.1/24 dev in0
	ip -n "$nat" addr add 203.0.113.1/24 dev out0
	ip -n "$gB" addr add 203.0.113.2/24 dev wan0
	ip -n "$hA" addr add 10.1.0.2/24 dev eth0
	ip -n "$gA" addr add 10.1.0.1/24 dev lan0
	ip -n "$hB" addr add 10.2.0.2/24 dev eth0
	ip -n "$gB" addr add 10.2.0.1/24 dev lan0
	for n in "$hA" "$gA" "$nat" "$gB" "$hB"; do
		for l in $(ip -n "$n" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
			ip -n "$n" link set "$l" up
		done
		ip netns exec "$n" sysctl -qw net.ipv4.ip_forward=1
	done
	ip -n "$hA" route add default via 10.1.0.1
	ip -n "$hB" route add default via 10.2.0.1
	ip -n "$gA" route add default via 192.168.100.1
	ip netns exec "$nat" nft -f - <<-EOF
	table ip nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "out0" ip protocol udp snat to 203.0.113.1:40000-40009
			oifname "out0" snat to 203.0.113.1
		}
	}
	table ip count {
		counter u4500 { }
		counter keepalive { }
		counter bkeep { }
		counter espc { }
		chain fw {
			type filter hook forward priority 0;
			iifname "in0" udp dport 4500 udp length 9 counter name keepalive
			iifname "out0" udp dport 4500 udp length 9 counter name bkeep
			udp dport 4500 counter name u4500
			meta l4proto esp counter name espc
		}
	}
	EOF
	work=$(mktemp -d)
	defer rm -rf "$work"
	# Each gateway's own address, and the address the other sends to.
	A_ADDR=192.168.100.2 A_SEEN=203.0.113.1
	B_ADDR=203.0.113.2 B_SEEN=203.0.113.2
}

# topo_portfwd yes|no: topo_nat with B moved behind a port-forwarding
# NAT in the same router: B is 192.168.200.2, its site's public address
# 203.0.113.2 forwards UDP 500 and 4500 to it, and B's own traffic leaves
# as 203.0.113.2. With "no", A is routed without NAT.
topo_portfwd() {
	topo_nat
	ip -n "$gB" addr flush dev wan0
	ip -n "$gB" addr add 192.168.200.2/24 dev wan0
	ip -n "$gB" route add default via 192.168.200.1
	ip -n "$nat" addr add 192.168.200.1/24 dev out0
	ip -n "$nat" addr add 203.0.113.2/24 dev out0
	ip netns exec "$nat" nft -f - <<-EOF
	table ip portfwd {
		chain pre {
			type nat hook prerouting priority dstnat;
			ip daddr 203.0.113.2 udp dport { 500, 4500 } dnat to 192.168.200.2
		}
		chain post {
			type nat hook postrouting priority srcnat - 1;
			ip saddr 192.168.200.2 snat to 203.0.113.2
		}
	}
	EOF
	B_ADDR=192.168.200.2
	if [ "$1" = no ]; then
		ip netns exec "$nat" nft flush table ip nat
		A_SEEN=$A_ADDR
	fi
}

# nat_count NAME: packets the NAT forwarded that the counter matched.
nat_count() {
	ip netns exec "$nat" nft list counter ip count "$1" |
		awk '$1 == "packets" { print $2 }'
}

# count_at_least NAME N: the NAT's counter NAME reached N.
count_at_least() {
	[ "$(nat_count "$1")" -ge "$2" ]
}

# elapsed T0 T1: seconds between two "date +%s.%N", one decimal.
elapsed() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}

# nat_short_timeouts: the NAT forgets quiet UDP mappings after 2 s.
nat_short_timeouts() {
	ip netns exec "$nat" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=2
	ip netns exec "$nat" sysctl -qw net.netfilter.nf_conntrack_udp_timeout_stream=2
}

# nat_remap_recover: the NAT maps A's UDP to ports 41000-41009 from now
# on; quiet until the old mappings time out, then hA pings until B
# answers (30 s bound). $recovery: seconds from the first ping.
nat_remap_recover() {
	local t0 t1

	ip netns exec "$nat" nft replace rule ip nat post handle \
		"$(ip netns exec "$nat" nft -a list chain ip nat post | sed -n 's/.*udp snat.*# handle \([0-9]*\)/\1/p')" \
		oifname out0 ip protocol udp snat to 203.0.113.1:41000-41009
	# Quiet until the old mappings time out (2 s; 6 s bound).
	sleep 4
	t0=$(date +%s.%N)
	wait_for 30 ping_ok "$hA" 10.2.0.2 ||
		{ cat "$work"/daemon-*.log; fail "no ping after the NAT mapping changed"; }
	t1=$(date +%s.%N)
	recovery=$(elapsed "$t0" "$t1")
}

# sgw_nat_pair [A-LINES] -- [B-LINES]: sgw at both ends; fqdn identities,
# since a NAT makes A's address identity wrong at B.
sgw_nat_pair() {
	local a=() b=() side=a x

	for x in "$@"; do
		if [ "$x" = -- ]; then side=b; continue; fi
		if [ $side = a ]; then a+=("$x"); else b+=("$x"); fi
	done
	psk "$work/gw.psk" "nat pair secret"
	sgw_conf "$work/a.conf" gw $A_ADDR $B_SEEN $NETS_A $NETS_B \
		aes256gcm16-prfsha384-curve25519 aes256gcm16 \
		"local-id = fqdn:a.example" "remote-id = fqdn:b.example" "${a[@]}"
	sgw_conf "$work/b.conf" gw $B_ADDR $A_SEEN $NETS_B $NETS_A \
		aes256gcm16-prfsha384-curve25519 aes256gcm16 \
		"local-id = fqdn:b.example" "remote-id = fqdn:a.example" "${b[@]}"
	sgw_daemon "$gA" "$work/a.conf"
	sgw_daemon "$gB" "$work/b.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
	ip -n "$gB" route add $NETS_A dev sgw1
}

# sa_ports NS DIR: "SPORT DPORT" of tunnel 1's SA in that direction.
sa_ports() {
	ip netns exec "$1" "$SGWCTL" -j sa show 1 | python3 -c '
import json, sys
for s in json.load(sys.stdin)["sas"]:
    if s["dir"] == sys.argv[1]:
        print(s["encap_sport"], s["encap_dport"])' "$2"
}

# A behind the NAT initiates to sgw at B.
test_nat_sgw_sgw() {
	local bport k0 k1 u0 u1 pid t0 t1

	require_module
	topo_nat
	sgw_nat_pair "nat-keepalive = 2s"
	ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" ||
		{ cat "$work/up.out" "$work"/daemon-*.log; fail "up failed"; }
	# One SA pair at both ends within 10 s, whatever crossed on the way.
	wait_for 10 crosswise_sgw "$gA" "$gB" || fail "no crosswise SA pair"
	expect_eq "state A" "$(sgw_field "$gA" state)" established
	expect_eq "state B" "$(sgw_field "$gB" state)" established
	expect_eq "A sees itself behind the NAT" "$(sgw_field "$gA" nat)" local
	expect_eq "B sees A behind the NAT" "$(sgw_field "$gB" nat)" remote
	expect_eq "A's IKE endpoints" "$(sgw_field "$gA" ike_local) $(sgw_field "$gA" ike_remote)" \
		"192.168.100.2:4500 203.0.113.2:4500"
	expect_match "B's IKE peer is the NAT's 4500 mapping" "$(sgw_field "$gB" ike_remote)" \
		'^203\.0\.113\.1:4000[0-9]$'
	bport=$(sgw_field "$gB" ike_remote | cut -d: -f2)
	expect_eq "IKE SPIs" "$(sgw_ike_spis "$gA")" "$(sgw_ike_spis "$gB")"
	expect_crosswise "sgw-sgw across NAT" "$(sgw_sas "$gA")" "$(sgw_sas "$gB")"
	expect_eq "A out ports" "$(sa_ports "$gA" out)" "4500 4500"
	expect_eq "A in ports" "$(sa_ports "$gA" in)" "4500 4500"
	expect_eq "B out ports" "$(sa_ports "$gB" out)" "4500 $bport"
	expect_eq "B in ports" "$(sa_ports "$gB" in)" "$bport 4500"
	expect_match "show says so" "$(ip netns exec "$gA" "$SGWCTL" show 1)" \
		"IKE 192\.168\.100\.2:4500 <-> 203\.0\.113\.2:4500, NAT: this SGW is behind a NAT"
	ping_ok "$hA" 10.2.0.2 || { cat "$work"/daemon-*.log; fail "no ping across the NAT"; }
	ping_ok "$hB" 10.1.0.2 || fail "no ping back across the NAT"
	expect_eq "no plain ESP crossed the NAT" "$(nat_count espc)" 0
	[ "$(nat_count u4500)" -ge 6 ] || fail "UDP 4500 through the NAT: $(nat_count u4500)"
	# RFC 3948 4: no keepalive while ESP goes out through the mapping. A
	# ping stream (5 per s) for 7 s; from 2.5 s in (the keepalive check
	# one interval after its start has seen ESP), none in two intervals.
	ip netns exec "$hA" ping -q -c 35 -i 0.2 -W 2 10.2.0.2 > /dev/null &
	pid=$!
	sleep 2.5
	k0=$(nat_count keepalive)
	u0=$(nat_count u4500)
	sleep 4
	k1=$(nat_count keepalive)
	u1=$(nat_count u4500)
	wait "$pid" || fail "the ping stream across the NAT got no answer"
	[ $((u1 - u0)) -ge 10 ] || fail "ESP in UDP during the stream: $((u1 - u0)) in 4 s"
	expect_eq "keepalives while ESP flows" $((k1 - k0)) 0
	# Quiet again: keepalives (one byte, UDP length 9) every 2 s from A,
	# the first within two intervals of the last ESP: two within 15 s.
	k0=$(nat_count keepalive)
	t0=$(date +%s.%N)
	wait_for 15 count_at_least keepalive $((k0 + 2)) ||
		fail "keepalives: $(nat_count keepalive) after $k0 in 15 s"
	t1=$(date +%s.%N)
	echo "keepalives: 2 more in $(elapsed "$t0" "$t1") s after the stream (nat-keepalive = 2s)"
	ip netns exec "$gA" "$SGWCTL" down gw > /dev/null
	wait_for 5 no_sgw_sa "$gB" || fail "SAs left on B after down"
}

# The NAT forgets A (conntrack timeout while quiet) and maps it anew to
# other ports: B follows on ESP's NEW_MAPPING and on IKE; traffic resumes.
test_nat_mapping_change() {
	local old new

	require_module
	topo_nat
	sgw_nat_pair "nat-keepalive = 0s" "dpd-delay = 0s" -- "dpd-delay = 0s"
	nat_short_timeouts
	ip netns exec "$gA" "$SGWCTL" up gw > /dev/null || fail "up failed"
	ping_ok "$hA" 10.2.0.2 || fail "no ping before the change"
	old=$(sgw_field "$gB" ike_remote)
	nat_remap_recover
	new=$(sgw_field "$gB" ike_remote)
	expect_match "B follows the new mapping" "$new" '^203\.0\.113\.1:4100[0-9]$'
	expect_eq "B's SAs follow" "$(sa_ports "$gB" out)" "4500 ${new#*:}"
	expect_crosswise "after the change" "$(sgw_sas "$gA")" "$(sgw_sas "$gB")"
	grep -q "the NAT mapping changed" "$work/daemon-$gB.log" ||
		fail "B did not log the new mapping"
	echo "mapping $old -> $new: traffic back $recovery s after the first packet"
}

# nat_check NS: sgwctl check's lines in NS (it exits 1 on an error).
nat_check() {
	ip netns exec "$1" "$SGWCTL" check 2>&1 || true
}

# nat_has NS LINE...: one check in NS prints exactly each LINE.
nat_has() {
	local out l

	out=$(nat_check "$1")
	shift
	for l in "$@"; do
		grep -qxF -- "$l" <<< "$out" ||
			{ printf '%s\n' "$out"; fail "missing finding: $l"; }
	done
}

# nat_codes NS: "severity/code" of check -j's NAT findings in NS.
nat_codes() {
	ip netns exec "$1" "$SGWCTL" -j check | python3 -c '
import json, sys
print(" ".join("%s/%s" % (f["severity"], f["code"]) for f in json.load(sys.stdin)["findings"]
	       if f.get("tunnel") == "gw" and f["code"].startswith("nat")))'
}

# tunnel_nat NS VALUE: the daemon in NS shows tunnel 1's nat as VALUE.
tunnel_nat() {
	[ "$(sgw_field "$1" nat)" = "$2" ]
}

# sgwctl check from the daemon's NAT detection, with the configuration
# as users write it: A (behind the NAT) with nat-keepalive = 0s, B with a
# rule dropping UDP 4500, then A with nat-traversal = no.
test_nat_check() {
	local bpeer h l note out sas

	require_module
	require_cmd nft
	topo_nat
	sgw_nat_pair "nat-keepalive = 0s"
	ip netns exec "$gA" "$SGWCTL" up gw > /dev/null || fail "up failed"
	wait_for 10 crosswise_sgw "$gA" "$gB" || fail "no crosswise SA pair"
	bpeer=$(sgw_field "$gB" ike_remote)
	expect_match "B's IKE peer is the NAT's 4500 mapping" "$bpeer" \
		'^203\.0\.113\.1:4000[0-9]$'
	note="note: gw: NAT detection in IKE_SA_INIT found this gateway behind a NAT (the peer sees it at another address or port): IKE and ESP go in UDP between 192.168.100.2:4500 (here) and 203.0.113.2:4500 (the peer)"
	l="warning: gw: this gateway is behind a NAT and nat-keepalive = 0s: no NAT keepalives go out, so the NAT forgets the mapping of 192.168.100.2:4500 while the tunnel is quiet, and the peer's IKE and ESP stop reaching this gateway; fix: nat-keepalive = 20s in [tunnel gw], then sgwctl reload"
	nat_has "$gA" "$l" "$note; a NAT mapping that changes is followed (the new address and port are taken from authenticated IKE messages)"
	expect_eq "A: check -j" "$(nat_codes "$gA")" \
		"warning/nat-keepalive-off note/nat"
	nat_has "$gB" "note: gw: NAT detection in IKE_SA_INIT found the peer behind a NAT (it sends from another address or port than it sees): IKE and ESP go in UDP between 203.0.113.2:4500 (here) and $bpeer (the peer); the peer's NAT keepalives hold its mapping open; a NAT mapping that changes is followed (the new address and port are taken from authenticated IKE messages)"
	# The fix as printed: the key in the file, and a reload.
	sed -i 's/^nat-keepalive = 0s$/nat-keepalive = 20s/' "$work/a.conf"
	ip netns exec "$gA" "$SGWCTL" reload > /dev/null || fail "reload A"
	# The changed tunnel starts over: up again, as an operator would.
	ip netns exec "$gA" "$SGWCTL" up gw > /dev/null || fail "up after reload"
	wait_for 10 crosswise_sgw "$gA" "$gB" || fail "no SA pair after reload"
	bpeer=$(sgw_field "$gB" ike_remote)
	nat_has "$gA" "$note; a NAT keepalive goes out whenever nothing else went to the peer for 20 s, holding this side's mapping open; a NAT mapping that changes is followed (the new address and port are taken from authenticated IKE messages)"
	expect_eq "A: check -j after the fix" "$(nat_codes "$gA")" "note/nat"
	# check --probe from behind the NAT: the probe's own NAT detection
	# says so; the tunnel's SAs (ESP in UDP through the same mapping on
	# 4500) stay as they were.
	sas=$(sgw_sas "$gA")
	out=$(ip netns exec "$gA" "$SGWCTL" check --probe --probe-timeout 2 2>&1 || true)
	l="note: gw: NAT between the gateways: we are behind a NAT (the peer sees another address or port than ours) (NAT detection of the probe from 192.168.100.2:500 to 203.0.113.2:500); IKE and ESP go in UDP 4500"
	grep -qxF -- "$l" <<< "$out" || { printf '%s\n' "$out"; fail "missing finding: $l"; }
	grep -qE "^note: gw: IKE on 203\.0\.113\.2:4500 answers in " <<< "$out" ||
		{ printf '%s\n' "$out"; fail "no probe answer on 4500 through the NAT"; }
	echo "# probe: $l"
	expect_eq "A's SAs after the probe" "$(sgw_sas "$gA")" "$sas"
	wait_for 10 crosswise_sgw "$gA" "$gB" || fail "no SA pair after the probe"

	# B's own filter drops UDP 4500, which this tunnel runs on.
	ip netns exec "$gB" nft -f - <<-EOF
	table inet t {
		chain in {
			type filter hook input priority 0; policy accept;
			udp dport 4500 drop
		}
	}
	EOF
	h=$(ip netns exec "$gB" nft -a list table inet t |
		sed -n 's/^.*udp dport 4500 drop # handle \([0-9]*\)$/\1/p')
	l="error: gw: IKE and ESP in UDP from $bpeer to 203.0.113.2:4500, the NAT traversal this tunnel uses, is dropped by nft rule inet t in handle $h; fix: nft insert rule inet t in position $h ip saddr 203.0.113.1 udp dport 4500 accept"
	nat_has "$gB" "$l"
	expect_eq "B: check -j" "$(nat_codes "$gB")" "error/natt-dropped note/nat"
	ip netns exec "$gB" "$SGWCTL" check > /dev/null &&
		fail "check exits 0 with an error"
	ip netns exec "$gB" sh -c "${l##*; fix: }" || fail "the fix failed"
	expect_eq "B: check -j after the fix" "$(nat_codes "$gB")" "note/nat"
	ip netns exec "$gB" "$SGWCTL" check > /dev/null ||
		{ nat_check "$gB"; fail "check exits non-zero after the fix"; }
	ip netns exec "$gB" nft delete table inet t

	# nat-traversal = no at A: no NAT detection, and B sees the NAT only
	# in the port A's IKE arrives from; ESP crosses it plain.
	echo "nat-traversal = no" >> "$work/a.conf"
	ip netns exec "$gA" "$SGWCTL" reload > /dev/null || fail "reload A"
	wait_for 10 no_sgw_sa "$gB" || fail "SAs left on B after the reload"
	ip netns exec "$gA" "$SGWCTL" up gw > /dev/null ||
		{ cat "$work"/daemon-*.log; fail "up without NAT traversal failed"; }
	wait_for 10 tunnel_nat "$gB" off || fail "B's nat: $(sgw_field "$gB" nat)"
	bpeer=$(sgw_field "$gB" ike_remote)
	expect_match "B's IKE peer is the NAT's 500 mapping" "$bpeer" \
		'^203\.0\.113\.1:4000[0-9]$'
	nat_has "$gB" "warning: gw: the peer's IKE comes from $bpeer, not port 500: a NAT between the gateways rewrites it, and the peer does no NAT detection: ESP crosses the NAT unencapsulated (IP protocol 50), which most NATs do not pass, and a mapping that changes is not followed; fix: turn NAT traversal on at the peer (nat-traversal = yes there)"
	expect_eq "B: check -j, the peer without NAT traversal" \
		"$(nat_codes "$gB")" "warning/nat-no-traversal"
	expect_eq "A: check -j, NAT traversal off" "$(nat_codes "$gA")" ""
	daemon_alive "$gA"
	daemon_alive "$gB"
}

# A behind the NAT initiates to charon at B (charon cannot initiate: the
# NAT has no port forward to A).
test_nat_sgw_charon() {
	require_module
	require_cmd swanctl
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	topo_nat
	psk "$work/gw.psk" "nat charon secret"
	sgw_conf "$work/a.conf" gw 192.168.100.2 203.0.113.2 $NETS_A $NETS_B \
		aes128gcm16-prfsha256-ecp256 aes128gcm16 \
		"local-id = fqdn:a.example" "remote-id = fqdn:b.example"
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
	ip -n "$gB" route add $NETS_A via 203.0.113.1 2>/dev/null || true
	charon_start "$gB"
	CHARON_IDS="b.example a.example" charon_conn "$gB" c 203.0.113.2 %any \
		$NETS_B $NETS_A aes128gcm16-prfsha256-ecp256 aes128gcm16 "nat charon secret"
	ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" 2>&1 ||
		{ cat "$work/up.out" "$work/charon-$gB/charon.log"; fail "up to charon failed"; }
	expect_eq "A behind the NAT" "$(sgw_field "$gA" nat)" local
	expect_eq "A's IKE endpoints" "$(sgw_field "$gA" ike_local) $(sgw_field "$gA" ike_remote)" \
		"192.168.100.2:4500 203.0.113.2:4500"
	expect_crosswise "sgw-charon across NAT" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"
	# charon knows A by the NAT's address and its 4500 mapping (its
	# file log is buffered: ask swanctl, not the log).
	expect_match "charon's view of A" "$(swanctl_ns "$gB" --list-sas 2>/dev/null)" \
		"@ 203\.0\.113\.1\[4000[0-9]\]"
	ping_ok "$hA" 10.2.0.2 || { tail -20 "$work/charon-$gB/charon.log"; fail "no ping sgw->charon across the NAT"; }
	expect_eq "no plain ESP crossed the NAT" "$(nat_count espc)" 0
	[ "$(nat_count u4500)" -ge 6 ] || fail "UDP 4500 through the NAT: $(nat_count u4500)"
}

# charon_nat_initiator: sgw at B (its address B_ADDR, A seen as A_SEEN)
# and charon at A behind the NAT, which initiates; both established.
charon_nat_initiator() {
	psk "$work/gw.psk" "nat charon secret"
	sgw_conf "$work/b.conf" gw $B_ADDR $A_SEEN $NETS_B $NETS_A \
		aes256gcm16-prfsha384-ecp384 aes256gcm16 \
		"local-id = fqdn:b.example" "remote-id = fqdn:a.example" "$@"
	sgw_daemon "$gB" "$work/b.conf"
	ip -n "$gB" route add $NETS_A dev sgw1
	charon_start "$gA"
	CHARON_IDS="a.example b.example" charon_conn "$gA" c $A_ADDR $B_SEEN \
		$NETS_A $NETS_B aes256gcm16-prfsha384-ecp384 aes256gcm16 "nat charon secret"
	ip -n "$gA" route add $NETS_B via 192.168.100.1
	swanctl_ns "$gA" --initiate --child net --timeout 30 > "$work/init.out" 2>&1 ||
		{ tail -20 "$work/init.out"; cat "$work"/daemon-*.log; fail "charon could not initiate across the NAT"; }
	wait_for 5 sh -c "[ \"\$(ip netns exec $gB $SGWCTL -j show 1 | grep -o '\"state\":\"established\"')\" ]" ||
		fail "sgw not established after charon's initiate"
}

# charon behind the NAT initiates to sgw at B: sgw answers the NAT's
# changed source port, follows charon to 4500 and installs SAs in UDP.
test_nat_charon_sgw() {
	local aport

	require_module
	require_cmd swanctl
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	topo_nat
	charon_nat_initiator
	expect_eq "sgw sees the peer behind a NAT" "$(sgw_field "$gB" nat)" remote
	expect_match "sgw's IKE peer is the NAT's 4500 mapping" "$(sgw_field "$gB" ike_remote)" \
		'^203\.0\.113\.1:4000[0-9]$'
	aport=$(sgw_field "$gB" ike_remote | cut -d: -f2)
	expect_eq "sgw out ports" "$(sa_ports "$gB" out)" "4500 $aport"
	expect_eq "sgw in ports" "$(sa_ports "$gB" in)" "$aport 4500"
	expect_crosswise "charon-sgw across NAT" "$(sgw_sas "$gB")" "$(charon_sas "$gA")"
	ping_ok "$hB" 10.1.0.2 || { tail -20 "$work/charon-$gA/charon.log"; fail "no ping sgw->charon across the NAT"; }
	ping_ok "$hA" 10.2.0.2 || fail "no ping charon->sgw across the NAT"
	expect_eq "no plain ESP crossed the NAT" "$(nat_count espc)" 0
}

# charon behind a source NAT initiates to sgw behind a port forward.
test_nat_charon_both() {
	require_module
	require_cmd swanctl
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	topo_portfwd yes
	charon_nat_initiator
	expect_eq "sgw: NAT at both ends" "$(sgw_field "$gB" nat)" both
	expect_eq "sgw's IKE local end" "$(sgw_field "$gB" ike_local)" 192.168.200.2:4500
	expect_match "sgw's IKE peer is A's NAT mapping" "$(sgw_field "$gB" ike_remote)" \
		'^203\.0\.113\.1:4000[0-9]$'
	expect_crosswise "charon-sgw across two NATs" "$(sgw_sas "$gB")" "$(charon_sas "$gA")"
	ping_ok "$hA" 10.2.0.2 || { tail -20 "$work/charon-$gA/charon.log"; fail "no ping charon->sgw across two NATs"; }
	ping_ok "$hB" 10.1.0.2 || fail "no ping sgw->charon across two NATs"
	expect_eq "no plain ESP crossed the NAT" "$(nat_count espc)" 0
}

# charon behind the NAT, whose mapping changes while quiet: sgw follows
# charon's ESP and IKE to the new ports; traffic resumes.
test_nat_mapping_change_charon() {
	local new

	require_module
	require_cmd swanctl
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	topo_nat
	nat_short_timeouts
	charon_nat_initiator "dpd-delay = 0s"
	ping_ok "$hA" 10.2.0.2 || fail "no ping before the change"
	nat_remap_recover
	new=$(sgw_field "$gB" ike_remote)
	expect_match "sgw follows the new mapping" "$new" '^203\.0\.113\.1:4100[0-9]$'
	expect_eq "sgw's SAs follow" "$(sa_ports "$gB" out)" "4500 ${new#*:}"
	expect_crosswise "after the change" "$(sgw_sas "$gB")" "$(charon_sas "$gA")"
	echo "charon's mapping -> $new: traffic back $recovery s after the first packet"
}

# nat_established: A initiates, one crosswise SA pair within 10 s, both
# established, IKE SPIs equal, pings both ways, no plain ESP through the
# NAT and UDP 4500 instead.
nat_established() {
	ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" ||
		{ cat "$work/up.out" "$work"/daemon-*.log; fail "up failed"; }
	wait_for 10 crosswise_sgw "$gA" "$gB" || fail "no crosswise SA pair"
	expect_eq "state A" "$(sgw_field "$gA" state)" established
	expect_eq "state B" "$(sgw_field "$gB" state)" established
	expect_eq "IKE SPIs" "$(sgw_ike_spis "$gA")" "$(sgw_ike_spis "$gB")"
	ping_ok "$hA" 10.2.0.2 || { cat "$work"/daemon-*.log; fail "no ping A -> B"; }
	ping_ok "$hB" 10.1.0.2 || fail "no ping B -> A"
	expect_eq "no plain ESP crossed the NAT" "$(nat_count espc)" 0
	[ "$(nat_count u4500)" -ge 6 ] || fail "UDP 4500 through the NAT: $(nat_count u4500)"
}

# B behind a port forward, A with a public address: B learns it is behind
# the NAT, both float to 4500, B keeps the mapping alive.
test_nat_portfwd_sgw() {
	require_module
	topo_portfwd no
	sgw_nat_pair -- "nat-keepalive = 2s"
	nat_established
	expect_eq "A sees B behind a NAT" "$(sgw_field "$gA" nat)" remote
	expect_eq "B sees itself behind a NAT" "$(sgw_field "$gB" nat)" local
	expect_eq "A's IKE endpoints" "$(sgw_field "$gA" ike_local) $(sgw_field "$gA" ike_remote)" \
		"192.168.100.2:4500 203.0.113.2:4500"
	expect_eq "B's IKE endpoints" "$(sgw_field "$gB" ike_local) $(sgw_field "$gB" ike_remote)" \
		"192.168.200.2:4500 192.168.100.2:4500"
	expect_eq "A out ports" "$(sa_ports "$gA" out)" "4500 4500"
	expect_eq "B out ports" "$(sa_ports "$gB" out)" "4500 4500"
	# Keepalives come from B, the side behind the NAT: two within 15 s.
	wait_for 15 count_at_least bkeep 2 || fail "keepalives from B: $(nat_count bkeep) in 15 s"
	expect_eq "no keepalives from A" "$(nat_count keepalive)" 0
}

# A behind a source NAT, B behind a port forward: both sides see a NAT
# at both ends and settle on 4500 through both.
test_nat_both_sgw() {
	local aport

	require_module
	topo_portfwd yes
	sgw_nat_pair
	nat_established
	expect_eq "A: NAT at both ends" "$(sgw_field "$gA" nat)" both
	expect_eq "B: NAT at both ends" "$(sgw_field "$gB" nat)" both
	expect_eq "A's IKE endpoints" "$(sgw_field "$gA" ike_local) $(sgw_field "$gA" ike_remote)" \
		"192.168.100.2:4500 203.0.113.2:4500"
	expect_match "B's IKE peer is A's NAT mapping" "$(sgw_field "$gB" ike_remote)" \
		'^203\.0\.113\.1:4000[0-9]$'
	aport=$(sgw_field "$gB" ike_remote | cut -d: -f2)
	expect_eq "B out ports" "$(sa_ports "$gB" out)" "4500 $aport"
	expect_eq "B in ports" "$(sa_ports "$gB" in)" "$aport 4500"
	expect_crosswise "sgw-sgw across two NATs" "$(sgw_sas "$gA")" "$(sgw_sas "$gB")"
}

# sgw behind a source NAT initiates to charon behind a port forward.
test_nat_both_charon() {
	require_module
	require_cmd swanctl
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	topo_portfwd yes
	psk "$work/gw.psk" "nat charon secret"
	sgw_conf "$work/a.conf" gw $A_ADDR $B_SEEN $NETS_A $NETS_B \
		aes128gcm16-prfsha256-ecp256 aes128gcm16 \
		"local-id = fqdn:a.example" "remote-id = fqdn:b.example"
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
	charon_start "$gB"
	CHARON_IDS="b.example a.example" charon_conn "$gB" c $B_ADDR %any \
		$NETS_B $NETS_A aes128gcm16-prfsha256-ecp256 aes128gcm16 "nat charon secret"
	ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" 2>&1 ||
		{ cat "$work/up.out" "$work/charon-$gB/charon.log"; fail "up to charon failed"; }
	expect_eq "A: NAT at both ends" "$(sgw_field "$gA" nat)" both
	expect_eq "A's IKE endpoints" "$(sgw_field "$gA" ike_local) $(sgw_field "$gA" ike_remote)" \
		"192.168.100.2:4500 203.0.113.2:4500"
	expect_crosswise "sgw-charon across two NATs" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"
	expect_match "charon's view of A" "$(swanctl_ns "$gB" --list-sas 2>/dev/null)" \
		"@ 203\.0\.113\.1\[4000[0-9]\]"
	ping_ok "$hA" 10.2.0.2 || { tail -20 "$work/charon-$gB/charon.log"; fail "no ping sgw->charon across two NATs"; }
	expect_eq "no plain ESP crossed the NAT" "$(nat_count espc)" 0
	[ "$(nat_count u4500)" -ge 6 ] || fail "UDP 4500 through the NAT: $(nat_count u4500)"
}

# No NAT, but the path drops IP protocol 50: encap = yes at A carries ESP
# in UDP 4500 both ways.
test_encap_esp_blocked() {
	require_module
	topo_nat
	ip netns exec "$nat" nft flush table ip nat
	ip -n "$gB" route add 192.168.100.0/24 via 203.0.113.1
	ip netns exec "$nat" nft add rule ip count fw meta l4proto esp drop
	psk "$work/gw.psk" "encap secret"
	sgw_conf "$work/a.conf" gw 192.168.100.2 203.0.113.2 $NETS_A $NETS_B \
		aes256gcm16-prfsha384-curve25519 aes256gcm16 "encap = yes"
	sgw_conf "$work/b.conf" gw 203.0.113.2 192.168.100.2 $NETS_B $NETS_A \
		aes256gcm16-prfsha384-curve25519 aes256gcm16
	sgw_daemon "$gA" "$work/a.conf"
	sgw_daemon "$gB" "$work/b.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
	ip -n "$gB" route add $NETS_A dev sgw1
	ip netns exec "$gA" "$SGWCTL" up gw > /dev/null || fail "up failed"
	wait_for 10 crosswise_sgw "$gA" "$gB" || fail "no crosswise SA pair"
	expect_eq "A: forced" "$(sgw_field "$gA" nat)" encap
	expect_eq "B: sees a NAT (A's source hash matches nothing)" "$(sgw_field "$gB" nat)" remote
	expect_eq "A out ports" "$(sa_ports "$gA" out)" "4500 4500"
	expect_eq "B out ports" "$(sa_ports "$gB" out)" "4500 4500"
	expect_crosswise "encap" "$(sgw_sas "$gA")" "$(sgw_sas "$gB")"
	ping_ok "$hA" 10.2.0.2 || fail "no ping with encap = yes over an ESP-dropping path"
	expect_eq "no ESP offered to the path" "$(nat_count espc)" 0
	[ "$(nat_count u4500)" -ge 6 ] || fail "UDP 4500: $(nat_count u4500)"
	# No NAT here: no keepalives.
	expect_eq "keepalives" "$(nat_count keepalive)" 0
}

tests=(
	"sgw behind NAT -> sgw: UDP 4500, ports, keepalives, show" test_nat_sgw_sgw
	"sgw behind NAT -> sgw: the NAT's mapping changes, B follows" test_nat_mapping_change
	"sgw behind NAT -> charon: UDP 4500, SPIs crosswise" test_nat_sgw_charon
	"charon behind NAT -> sgw: sgw answers, follows to 4500" test_nat_charon_sgw
	"charon behind NAT -> sgw behind a port forward: NAT at both ends" test_nat_charon_both
	"charon behind NAT -> sgw: the NAT's mapping changes, sgw follows" test_nat_mapping_change_charon
	"sgw -> sgw behind a port forward: B behind NAT, keepalives from B" test_nat_portfwd_sgw
	"sgw behind NAT -> sgw behind a port forward: NAT at both ends" test_nat_both_sgw
	"sgw behind NAT -> charon behind a port forward" test_nat_both_charon
	"sgw -> sgw, encap = yes over a path that drops ESP" test_encap_esp_blocked
	"sgwctl check names the NAT from NAT detection" test_nat_check
)
ktap_begin $((${#tests[@]} / 2))
load_ipsec_modules
for ((i = 0; i < ${#tests[@]}; i += 2)); do
	run_test "${tests[i]}" "${tests[i + 1]}"
done
ktap_end
