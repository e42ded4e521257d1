#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sgw net_device: "ip link add/del type sgw", its MTU derived from the
# worst-case ESP overhead, and what happens to packets with no SA.

. "$(dirname "$0")/lib.sh"

# Largest inner packet that fits @1 outer bytes with ESP in tunnel mode:
# outer IP + SPI 4 + seq 4 + IV + ALIGN(inner + 2, block) + ICV.
esp_payload_max() {
	local mtu=$1 ip=$2 iv=$3 icv=$4 block=$5 room

	room=$((mtu - ip - 8 - iv - icv))
	echo $((room / block * block - 2))
}

# Worst case over the algorithms (GCM, ChaCha20: iv 8, block 4, icv 16;
# CBC: iv 16, block 16, icv 16 to 32 for HMAC-SHA-512-256) and outer
# IPv4 (20) / IPv6 (40), with or without the UDP header of ESP in UDP (8).
worst_mtu() {
	local best=1000000 v ip

	for ip in 20 28 40 48; do
		for alg in "8 16 4" "16 16 16" "16 32 16"; do
			v=$(esp_payload_max "$1" "$ip" $alg)
			[ "$v" -lt "$best" ] && best=$v
		done
	done
	echo "$best"
}

test_ip_link() {
	require_module
	setup_ns n
	ip -n "$n" link add sgw5 type sgw
	sys=/sys/class/net/sgw5
	expect_eq "mtu" "$(ip netns exec "$n" cat $sys/mtu)" "$(worst_mtu 1500)"
	expect_eq "type (ARPHRD_NONE)" "$(ip netns exec "$n" cat $sys/type)" 65534
	expect_eq "flags (POINTOPOINT|NOARP)" "$(ip netns exec "$n" cat $sys/flags)" 0x90
	expect_eq "addr_len" "$(ip netns exec "$n" cat $sys/addr_len)" 0
	out=$(ip -n "$n" -d link show sgw5)
	expect_match "kind" "$out" "sgw addrgenmode"
	expect_match "mtu bounds" "$out" "minmtu 68 maxmtu $(worst_mtu 65535)"
	out=$(ip netns exec "$n" "$SGWCTL" tunnel show sgw5)
	expect_match "tunnel id" "$out" "^tunnel 1: interface sgw5 "
	ip -n "$n" link add sgw6 type sgw
	out=$(ip netns exec "$n" "$SGWCTL" -j tunnel show sgw6)
	expect_match "second id" "$out" '"id":2,'
	ip -n "$n" link del sgw5
	expect_fail "show deleted" ip netns exec "$n" "$SGWCTL" tunnel show sgw5
	expect_eq "message" "$out" "sgwctl: tunnel show sgw5: no such sgw interface"
	# The freed id is reused: lowest free first.
	ip -n "$n" link add again type sgw
	out=$(ip netns exec "$n" "$SGWCTL" tunnel show again)
	expect_match "reused id" "$out" "^tunnel 1: "
}

test_mtu_bounds() {
	require_module
	setup_ns n
	ip -n "$n" link add sgw1 type sgw
	expect_fail "mtu 67" ip -n "$n" link set sgw1 mtu 67
	ip -n "$n" link set sgw1 mtu 68
	ip -n "$n" link set sgw1 mtu "$(worst_mtu 65535)"
	expect_fail "mtu above max" ip -n "$n" link set sgw1 mtu "$(($(worst_mtu 65535) + 1))"
}

test_no_sa_drops() {
	require_module
	require_cmd ping
	setup_ns n
	ip netns exec "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$n" link add sgw1 type sgw
	ip -n "$n" addr add 10.255.0.1/24 dev sgw1
	ip -n "$n" link set sgw1 up
	ip netns exec "$n" ping -q -c 5 -i 0.01 -W 1 10.255.0.2 > /dev/null 2>&1 || true
	out=$(ip netns exec "$n" "$SGWCTL" -j tunnel show sgw1)
	expect_match "no-sa drops" "$out" '"no_sa":5,'
	expect_eq "tx_dropped" "$(ip netns exec "$n" cat /sys/class/net/sgw1/statistics/tx_dropped)" 5
	expect_eq "tx_packets" "$(ip netns exec "$n" cat /sys/class/net/sgw1/statistics/tx_packets)" 0
	out=$(ip netns exec "$n" "$SGWCTL" tunnel show sgw1)
	expect_match "human drops" "$out" "drops: no-sa 5"
}

# A registration that fails after the device's init (here: the ifindex
# asked for is taken in the target namespace, which rtnetlink only checks
# in the sender's) must leave nothing a reader could see, while a dump
# runs all along in the target namespace.
test_register_fails() {
	local i seen dumps

	require_module
	setup_ns a b
	ip -n "$b" link add d0 index 4000 type dummy
	for i in $(seq 200); do
		echo "link add s0 index 4000 netns $b type sgw"
	done > "/tmp/sgw-clash.$$"
	defer rm -f "/tmp/sgw-clash.$$" "/tmp/sgw-clash.$$.out" "/tmp/sgw-seen.$$"
	ip netns exec "$b" python3 -B - "$here" "/tmp/sgw-stop.$$" > "/tmp/sgw-seen.$$" <<-'EOF' &
	import os, sys, time
	sys.path.insert(0, sys.argv[1])
	from genl import Genl, NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP
	g = Genl()
	fam = g.family("sgw")
	dumps = seen = 0
	end = time.monotonic() + 120
	while not os.path.exists(sys.argv[2]) and time.monotonic() < end:
	    err, msg, replies = g.request(fam, 4, b"", flags=NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)
	    dumps += 1
	    seen += len(replies)
	print(dumps, seen)
	EOF
	defer rm -f "/tmp/sgw-stop.$$"
	ip -force -n "$a" -batch "/tmp/sgw-clash.$$" > "/tmp/sgw-clash.$$.out" 2>&1 || true
	touch "/tmp/sgw-stop.$$"
	wait $!
	read -r dumps seen < "/tmp/sgw-seen.$$"
	expect_eq "refusals" "$(grep -c 'File exists\|Device or resource busy' "/tmp/sgw-clash.$$.out")" 200
	expect_eq "tunnels seen by $dumps dumps in the target namespace" "$seen" 0
	expect_eq "sgw devices anywhere" \
		"$(ip -n "$a" -o link show type sgw; ip -n "$b" -o link show type sgw)" ""
	# The tunnel id went back: the next tunnel there is 1 again.
	expect_match "next tunnel" "$(ip netns exec "$b" "$SGWCTL" tunnel add)" \
		"^tunnel 1: interface sgw1 "
}

# IPv6 defragmentation before PREROUTING (which sgw needs for fragmented
# ESP) only in namespaces that have a tunnel: elsewhere a chain at
# priority 0 sees the fragments themselves.
test_defrag_with_tunnels() {
	local before

	require_module
	require_cmd nft ping
	setup_ns a b
	ip -n "$a" link add v0 type veth peer name v1 netns "$b"
	ip -n "$a" addr add fd00:7::1/64 dev v0 nodad
	ip -n "$b" addr add fd00:7::2/64 dev v1 nodad
	ip -n "$a" link set v0 up
	ip -n "$b" link set v1 up
	ip netns exec "$b" nft -f - <<-EOF
	table ip6 t {
		chain c {
			type filter hook prerouting priority 0; policy accept;
			ip6 nexthdr ipv6-frag counter
		}
	}
	EOF
	frags() {
		ip netns exec "$a" ping -6 -c 1 -W 5 -s 3000 fd00:7::2 > /dev/null ||
			fail "fragmented ping failed"
		ip netns exec "$b" nft list chain ip6 t c |
			sed -n 's/.*counter packets \([0-9]*\) .*/\1/p'
	}
	before=$(frags)
	[ "$before" -ge 3 ] || fail "no tunnel: $before fragments seen at PREROUTING, expected 3"
	ip netns exec "$b" "$SGWCTL" tunnel add id 1 > /dev/null
	expect_eq "a tunnel here: reassembled first" "$(frags)" "$before"
	ip netns exec "$b" "$SGWCTL" tunnel del 1
	[ "$(frags)" -ge $((before + 3)) ] || fail "tunnel gone: fragments not seen again"
}

ktap_begin 5
run_test "ip link add/del type sgw" test_ip_link
run_test "MTU bounds" test_mtu_bounds
run_test "packets without an SA are dropped and counted" test_no_sa_drops
run_test "a failed registration leaves no tunnel behind, even for a concurrent dump" test_register_fails
run_test "IPv6 defragmentation only in namespaces with a tunnel" test_defrag_with_tunnels
ktap_end
