#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tunnel controls in the module: per-tunnel enable/disable
# (a disabled tunnel is inert), conflicting tunnels refused, the local SGW
# address must be local, and host-route exemption: traffic to a security
# gateway never enters a tunnel, even when the remote network contains the
# gateway or a default route points into the tunnel, and it follows the
# underlay when its route changes.
#
#   a: wa 192.0.2.1/24 ---- wb 192.0.2.2/24 :b   (+ a2 198.51.100.1 ---- r2)
#   a's LAN 172.16.0.1 (lo); b's SGW 10.9.9.9 and LAN 10.1.1.1 (lo)

. "$(dirname "$0")/lib.sh"

key=
x() { ip netns exec "$@"; }

# Two gateways with a manually keyed tunnel 1 between them.
setup_pair() {
	setup_ns a b
	key=$(mktemp)
	defer rm -f "$key"
	echo 0102030405060708090a0b0c0d0e0f1011121314 > "$key"
	for n in "$a" "$b"; do
		x "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		x "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
	ip link add wa netns "$a" type veth peer name wb netns "$b"
	ip -n "$a" link set wa address 02:00:00:00:00:0a
	ip -n "$b" link set wb address 02:00:00:00:00:0b
	ip -n "$a" addr add 192.0.2.1/24 dev wa
	ip -n "$b" addr add 192.0.2.2/24 dev wb
	ip -n "$a" link set wa up
	ip -n "$b" link set wb up
	# Static neighbours: no ARP probe ever crosses the uplink, so packets
	# counted on it are exactly the test's own.
	ip -n "$a" neigh replace 192.0.2.2 lladdr 02:00:00:00:00:0b dev wa nud permanent
	ip -n "$b" neigh replace 192.0.2.1 lladdr 02:00:00:00:00:0a dev wb nud permanent
	ip -n "$a" addr add 172.16.0.1/32 dev lo
	ip -n "$b" addr add 10.9.9.9/32 dev lo
	ip -n "$b" addr add 10.1.1.1/32 dev lo
	x "$a" "$SGWCTL" tunnel add id 1 local 192.0.2.1 remote 10.9.9.9 > /dev/null
	x "$b" "$SGWCTL" tunnel add id 1 local 10.9.9.9 remote 192.0.2.1 > /dev/null
	keys "$a" 0x1001 0x2001
	keys "$b" 0x2001 0x1001
	ip -n "$a" link set sgw1 up
	ip -n "$b" link set sgw1 up
	ip -n "$b" route add 172.16.0.0/16 dev sgw1
	ip -n "$a" route add default via 192.0.2.2 metric 10
}

# keys NS OUT_SPI IN_SPI
keys() {
	x "$1" "$SGWCTL" sa add 1 dir out spi "$2" alg aes-gcm-128 key-file "$key"
	x "$1" "$SGWCTL" sa add 1 dir in spi "$3" alg aes-gcm-128 key-file "$key"
}

drops() { # NS REASON
	x "$1" "$SGWCTL" -j tunnel show 1 |
		python3 -c "import json,sys; print(json.load(sys.stdin)['tunnels'][0]['drops']['$2'])"
}

sa_count() {
	x "$1" "$SGWCTL" -j sa show | python3 -c "import json,sys; print(len(json.load(sys.stdin)['sas']))"
}

pings() { # NS COUNT DST [SRC]: prints replies received
	x "$1" ping -q -c "$2" -i 0.05 -W 1 ${4:+-I "$4"} "$3" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

test_disable_enable() {
	require_module
	setup_pair
	ip -n "$a" route add 10.1.1.0/24 dev sgw1
	expect_eq "replies before" "$(pings "$a" 3 10.1.1.1 172.16.0.1)" 3

	x "$a" "$SGWCTL" tunnel set 1 enabled no
	expect_eq "SAs after disable" "$(sa_count "$a")" 0
	expect_match "link dormant" "$(ip -n "$a" link show sgw1)" "DORMANT"
	out=$(x "$a" "$SGWCTL" tunnel show 1)
	expect_match "shown disabled" "$out" "^tunnel 1: interface sgw1 \(ifindex [0-9]+\), disabled"
	expect_eq "replies while disabled" "$(pings "$a" 5 10.1.1.1 172.16.0.1)" 0
	expect_eq "disabled drops (out)" "$(drops "$a" disabled)" 5
	expect_eq "no-sa drops" "$(drops "$a" no_sa)" 0
	# Inbound ESP for a disabled tunnel is not accepted either.
	expect_eq "replies to b" "$(pings "$b" 4 172.16.0.1 10.1.1.1)" 0
	expect_eq "disabled drops (in)" "$(drops "$a" disabled)" 9

	x "$a" "$SGWCTL" tunnel set 1 enabled yes
	expect_eq "link awake" "$(ip -n "$a" link show sgw1 | grep -c DORMANT)" 0
	expect_eq "replies without SAs" "$(pings "$a" 2 10.1.1.1 172.16.0.1)" 0
	expect_eq "no-sa drops" "$(drops "$a" no_sa)" 2
	keys "$a" 0x1003 0x2003
	x "$b" "$SGWCTL" sa flush 1
	keys "$b" 0x2003 0x1003
	expect_eq "replies after enable" "$(pings "$a" 3 10.1.1.1 172.16.0.1)" 3
}

test_conflicts() {
	require_module
	setup_pair
	expect_fail "overlapping tunnel" x "$a" "$SGWCTL" tunnel add id 2 local 192.0.2.1 remote 10.9.9.9
	expect_eq "message" "$out" \
		"sgwctl: tunnel add: overlaps enabled tunnel 1 (sgw1): same gateways and selectors"
	expect_eq "nothing left behind" "$(ip -n "$a" -o link show type sgw | wc -l)" 1
	# Narrow tunnel 1 and give tunnel 2 a disjoint remote network.
	x "$a" "$SGWCTL" tunnel set 1 remote-ts 10.1.0.0/16
	x "$a" "$SGWCTL" tunnel add id 2 local 192.0.2.1 remote 10.9.9.9 \
		remote-ts 10.2.0.0/16 enabled no > /dev/null
	x "$a" "$SGWCTL" tunnel set 2 enabled yes
	# Widening either one into the other is refused, and changes nothing.
	expect_fail "widen" x "$a" "$SGWCTL" tunnel set 2 remote-ts 10.0.0.0/8
	expect_eq "message" "$out" \
		"sgwctl: tunnel set 2: overlaps enabled tunnel 1 (sgw1): same gateways and selectors"
	expect_match "unchanged" "$(x "$a" "$SGWCTL" tunnel show 2)" "remote-ts 10.2.0.0/16"
	# A disabled tunnel may overlap; enabling it may not.
	x "$a" "$SGWCTL" tunnel add id 3 local 192.0.2.1 remote 10.9.9.9 enabled no > /dev/null
	expect_fail "enable overlapping" x "$a" "$SGWCTL" tunnel set 3 enabled yes
	expect_match "still disabled" "$(x "$a" "$SGWCTL" tunnel show 3)" "disabled"
	# Another gateway pair never conflicts.
	ip -n "$a" addr add 192.0.2.11/24 dev wa
	x "$a" "$SGWCTL" tunnel set 3 local 192.0.2.11 enabled yes
}

test_local_address() {
	require_module
	setup_ns n
	ip -n "$n" link add d0 type dummy 2>/dev/null || ip -n "$n" link add d0 type veth peer name d1
	ip -n "$n" addr add 192.0.2.1/24 dev d0
	ip -n "$n" addr add 192.0.2.7/24 dev d0
	ip -n "$n" link set d0 up
	expect_fail "not local" x "$n" "$SGWCTL" tunnel add id 1 local 192.0.2.9 remote 198.51.100.1
	expect_eq "message" "$out" \
		"sgwctl: tunnel add: local SGW address 192.0.2.9 is not assigned to any interface here"
	expect_eq "nothing created" "$(ip -n "$n" -o link show type sgw | wc -l)" 0
	# A secondary address is as good as the primary.
	x "$n" "$SGWCTL" tunnel add id 1 local 192.0.2.7 remote 198.51.100.1 > /dev/null
	expect_fail "not local on set" x "$n" "$SGWCTL" tunnel set 1 local 203.0.113.5
	expect_match "unchanged" "$(x "$n" "$SGWCTL" tunnel show 1)" "local 192.0.2.7 "
}

# Count ICMP echo requests and ESP from a to b's addresses on b's side.
count_rules() {
	x "$b" nft -f - <<-'NFT'
	table inet sgwt {
		counter icmp_sgw { }
		counter espc { }
		chain in {
			type filter hook input priority -300;
			ip daddr 10.9.9.9 icmp type echo-request counter name icmp_sgw
			meta l4proto esp counter name espc
		}
	}
	NFT
	defer x "$b" nft delete table inet sgwt
}

nft_count() {
	x "$b" nft list counter inet sgwt "$1" | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

check_exemption() {
	local what=$1

	x "$b" nft reset counters table inet sgwt > /dev/null
	# The gateway itself: in clear, through the underlay.
	expect_eq "$what: replies from the SGW" "$(pings "$a" 3 10.9.9.9 192.0.2.1)" 3
	expect_eq "$what: echo requests in clear" "$(nft_count icmp_sgw)" 3
	expect_eq "$what: no ESP for them" "$(nft_count espc)" 0
	# The remote LAN: through the tunnel, as ESP sent to the SGW.
	expect_eq "$what: replies from the LAN" "$(pings "$a" 4 10.1.1.1 172.16.0.1)" 4
	expect_eq "$what: ESP packets" "$(nft_count espc)" 4
	expect_eq "$what: loop drops" "$(drops "$a" loop)" 0
	expect_eq "$what: no-route drops" "$(drops "$a" no_route)" 0
}

test_exemption() {
	require_module
	require_cmd nft
	setup_pair
	count_rules
	# The remote network contains the remote SGW.
	ip -n "$a" route add 10.0.0.0/8 dev sgw1
	check_exemption "SGW inside the remote network"
	# Full tunnel: a default route into the tunnel, the underlay's behind it.
	ip -n "$a" route del 10.0.0.0/8 dev sgw1
	ip -n "$a" route add default dev sgw1 metric 1
	check_exemption "default route into the tunnel"
	# Without any route around the tunnel, ESP has nowhere to go: counted,
	# and nothing loops.
	ip -n "$a" route del default via 192.0.2.2 metric 10
	expect_eq "no underlay: replies" "$(pings "$a" 3 10.1.1.1 172.16.0.1)" 0
	expect_eq "no underlay: no-route drops" "$(drops "$a" no_route)" 3
	expect_eq "no underlay: loop drops" "$(drops "$a" loop)" 0
	tx=$(ip netns exec "$a" cat /sys/class/net/wa/statistics/tx_packets)
	sleep 1
	expect_eq "nothing circulates" "$(ip netns exec "$a" cat /sys/class/net/wa/statistics/tx_packets)" "$tx"
}

# wait_route NS DST TEXT: until "ip route get DST" there says TEXT (5 s).
wait_route() {
	local i

	for i in $(seq 50); do
		ip -n "$1" route get "$2" | grep -qF "$3" && return 0
		sleep 0.1
	done
	return 1
}

# The exemption follows the underlay: a second uplink through a router r.
test_exemption_follows() {
	require_module
	require_cmd nft
	setup_pair
	setup_ns r
	count_rules
	x "$r" sysctl -qw net.ipv4.ip_forward=1
	ip link add a2 netns "$a" type veth peer name ra netns "$r"
	ip link add b2 netns "$b" type veth peer name rb netns "$r"
	ip -n "$a" addr add 198.51.100.1/24 dev a2
	ip -n "$r" addr add 198.51.100.2/24 dev ra
	ip -n "$r" addr add 203.0.113.2/24 dev rb
	ip -n "$b" addr add 203.0.113.1/24 dev b2
	for l in "$a a2" "$r ra" "$r rb" "$b b2"; do ip -n ${l% *} link set ${l#* } up; done
	ip -n "$r" route add 10.9.9.9/32 via 203.0.113.1
	ip -n "$r" route add 192.0.2.1/32 via 198.51.100.1
	ip -n "$b" route add 198.51.100.0/24 via 203.0.113.2
	# b answers a's SGW address through r once the direct link is gone.
	x "$b" sysctl -qw net.ipv4.conf.all.ignore_routes_with_linkdown=1
	ip -n "$b" route add 192.0.0.0/16 via 203.0.113.2
	x "$r" nft -f - <<-'NFT'
	table ip sgwr {
		counter espc { }
		chain f { type filter hook forward priority 0; meta l4proto esp counter name espc; }
	}
	NFT
	ip -n "$a" route add default dev sgw1 metric 1
	expect_eq "via direct link" "$(pings "$a" 3 10.1.1.1 172.16.0.1)" 3
	expect_eq "ESP through r" "$(x "$r" nft list counter ip sgwr espc | sed -n 's/.*packets \([0-9]*\).*/\1/p')" 0
	# The direct uplink goes down: the next best route is through r.
	ip -n "$a" link set wa down
	ip -n "$a" route add default via 198.51.100.2 metric 20
	# b's kernel marks its direct route linkdown only when linkwatch gets
	# to the carrier change (up to a second later): wait for it.
	wait_route "$b" 192.0.2.1 "via 203.0.113.2" ||
		fail "b still routes to 192.0.2.1 over the dead link: $(ip -n "$b" route get 192.0.2.1)"
	expect_eq "via r" "$(pings "$a" 3 10.1.1.1 172.16.0.1)" 3
	# Three requests and three replies, all as ESP through r.
	expect_eq "ESP through r" "$(x "$r" nft list counter ip sgwr espc | sed -n 's/.*packets \([0-9]*\).*/\1/p')" 6
	expect_eq "loop drops" "$(drops "$a" loop)" 0
}

ktap_begin 5
run_test "disable makes a tunnel inert, enable brings it back" test_disable_enable
run_test "overlapping enabled tunnels refused" test_conflicts
run_test "local SGW address must be local (secondary is fine)" test_local_address
run_test "host-route exemption: SGW in remote network, full tunnel" test_exemption
run_test "exemption follows the underlay" test_exemption_follows
ktap_end
