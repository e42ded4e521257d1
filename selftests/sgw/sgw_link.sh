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
# CBC: iv 16, block 16, icv 16) and outer IPv4 (20) / IPv6 (40).
worst_mtu() {
	local best=1000000 v ip

	for ip in 20 40; do
		for alg in "8 16 4" "16 16 16"; do
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
	expect_match "no-sa drops" "$out" '"no-sa":5,'
	expect_eq "tx_dropped" "$(ip netns exec "$n" cat /sys/class/net/sgw1/statistics/tx_dropped)" 5
	expect_eq "tx_packets" "$(ip netns exec "$n" cat /sys/class/net/sgw1/statistics/tx_packets)" 0
	out=$(ip netns exec "$n" "$SGWCTL" tunnel show sgw1)
	expect_match "human drops" "$out" "drops: no-sa 5"
}

ktap_begin 3
run_test "ip link add/del type sgw" test_ip_link
run_test "MTU bounds" test_mtu_bounds
run_test "packets without an SA are dropped and counted" test_no_sa_drops
ktap_end
