#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DF-aware fragmentation, path MTU and MSS clamping. Every
# expected number is computed here from the ESP overhead formula:
#   inner MTU = rounddown(path - outer IP - 8 - IV - ICV, block) - 2
#
#   h (LAN 10.1.0.2, fd00:1::2) -- a ==== r ==== b -- k (10.2.0.2, fd00:2::2)
#   a-r 192.0.2.0/24 2001:db8:1::/64, r-b 198.51.100.0/24 2001:db8:2::/64

. "$(dirname "$0")/lib.sh"

key=
x() { ip netns exec "$@"; }

# alg: name iv icv block key-hex
ALGS=(
	"aes-gcm-128 8 16 4 0102030405060708090a0b0c0d0e0f1011121314"
	"aes-gcm-256 8 16 4 $(printf '%072x' 7)"
	"chacha20-poly1305 8 16 4 $(printf '%072x' 8)"
	"aes-cbc-128-sha256 16 16 16 $(printf '%096x' 9)"
	"aes-cbc-256-sha256 16 16 16 $(printf '%0128x' 10)"
)

inner_mtu() { # PATH OUTER_IP IV ICV BLOCK
	local room=$(($1 - $2 - 8 - $3 - $4))
	echo $((room / $5 * $5 - 2))
}

link() { # NS1 IF1 NS2 IF2
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# setup FAMILY(4|6): the five hosts, routes, and tunnel 1 on a and b.
setup() {
	local fam=$1

	setup_ns h a r b k
	key=$(mktemp)
	defer rm -f "$key"
	for n in "$h" "$a" "$r" "$b" "$k"; do
		x "$n" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
			net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	link "$h" eth0 "$a" lan0
	link "$a" wan0 "$r" ra
	link "$r" rb "$b" wan0
	link "$b" lan0 "$k" eth0
	chain_addresses "$h" "$a" "$r" "$b" "$k"
	ip -n "$a" addr add 2001:db8:1::1/64 dev wan0 nodad
	ip -n "$r" addr add 2001:db8:1::2/64 dev ra nodad
	ip -n "$r" addr add 2001:db8:2::2/64 dev rb nodad
	ip -n "$b" addr add 2001:db8:2::1/64 dev wan0 nodad
	ip -n "$a" route add 198.51.100.0/24 via 192.0.2.2
	ip -n "$b" route add 192.0.2.0/24 via 198.51.100.2
	ip -n "$a" -6 route add 2001:db8:2::/64 via 2001:db8:1::2
	ip -n "$b" -6 route add 2001:db8:1::/64 via 2001:db8:2::2
	if [ "$fam" = 4 ]; then
		la=192.0.2.1 lb=198.51.100.1
	else
		la=2001:db8:1::1 lb=2001:db8:2::1
	fi
	x "$a" "$SGWCTL" tunnel add id 1 local "$la" remote "$lb" > /dev/null
	x "$b" "$SGWCTL" tunnel add id 1 local "$lb" remote "$la" > /dev/null
	for n in "$a" "$b"; do ip -n "$n" link set sgw1 up; done
	ip -n "$a" route add 10.2.0.0/24 dev sgw1
	ip -n "$a" -6 route add fd00:2::/64 dev sgw1
	ip -n "$b" route add 10.1.0.0/24 dev sgw1
	ip -n "$b" -6 route add fd00:1::/64 dev sgw1
	sas "${ALGS[0]}"
	# Resolve every neighbour on the way before anything is measured.
	x "$h" ping -c 1 -W 2 10.2.0.2 > /dev/null || true
	x "$h" ping -6 -c 1 -W 2 fd00:2::2 > /dev/null || true
}

# sas "ALG IV ICV BLOCK KEY": (re)key both directions with this algorithm.
sas() {
	local alg hex
	read -r alg _ _ _ hex <<< "$1"
	echo "$hex" > "$key"
	for n in "$a" "$b"; do x "$n" "$SGWCTL" sa flush 1; done
	x "$a" "$SGWCTL" sa add 1 dir out spi 0x1001 alg "$alg" key-file "$key" 2>/dev/null
	x "$a" "$SGWCTL" sa add 1 dir in spi 0x2001 alg "$alg" key-file "$key" 2>/dev/null
	x "$b" "$SGWCTL" sa add 1 dir in spi 0x1001 alg "$alg" key-file "$key" 2>/dev/null
	x "$b" "$SGWCTL" sa add 1 dir out spi 0x2001 alg "$alg" key-file "$key" 2>/dev/null
}

field() { # NS PYTHON-EXPR-ON-t
	x "$1" "$SGWCTL" -j tunnel show 1 |
		python3 -c "import json,sys; t=json.load(sys.stdin)['tunnels'][0]; print($2)"
}

test_mtu_formula() {
	require_module
	local fam ip alg iv icv block
	for fam in 4 6; do
		setup "$fam"
		ip=$([ "$fam" = 4 ] && echo 20 || echo 40)
		for a_ in "${ALGS[@]}"; do
			read -r alg iv icv block _ <<< "$a_"
			sas "$a_"
			expect_eq "$alg over IPv$fam: path" "$(field "$a" "t['path_mtu']")" 1500
			expect_eq "$alg over IPv$fam: tunnel MTU" "$(field "$a" "t['tunnel_mtu']")" \
				"$(inner_mtu 1500 "$ip" "$iv" "$icv" "$block")"
		done
		# The underlay shrinks: the tunnel follows; the device keeps the
		# LAN's MTU until the LAN shrinks too, then follows the path.
		ip -n "$a" link set wan0 mtu 1400
		expect_eq "IPv$fam: path after" "$(field "$a" "t['path_mtu']")" 1400
		expect_eq "IPv$fam: tunnel MTU after" "$(field "$a" "t['tunnel_mtu']")" \
			"$(inner_mtu 1400 "$ip" "$iv" "$icv" "$block")"
		expect_eq "IPv$fam: device MTU, LAN wider" "$(x "$a" cat /sys/class/net/sgw1/mtu)" 1500
		ip -n "$a" link set lan0 mtu 1400
		expect_eq "IPv$fam: device MTU" "$(x "$a" cat /sys/class/net/sgw1/mtu)" 1400
		x "$a" "$SGWCTL" tunnel set 1 mtu 1300
		expect_eq "IPv$fam: configured" "$(field "$a" "t['tunnel_mtu']")" 1300
		expect_eq "IPv$fam: configured device MTU" "$(x "$a" cat /sys/class/net/sgw1/mtu)" 1300
		__run_deferred
		__deferred=()
	done
}

test_df_icmp() {
	require_module
	setup 4
	local mtu out
	mtu=$(inner_mtu 1500 20 8 16 4)
	expect_eq "tunnel MTU" "$(field "$a" "t['tunnel_mtu']")" "$mtu"
	x "$h" ping -M do -c 1 -W 2 -s $((mtu - 28)) 10.2.0.2 > /dev/null ||
		fail "a packet of exactly the tunnel MTU must pass"
	out=$(x "$h" ping -M do -c 1 -W 2 -s $((mtu - 27)) 10.2.0.2 2>&1 || true)
	expect_match "ICMP to the sender" "$out" "Frag needed and DF set \(mtu = $mtu\)"
	expect_eq "frag-needed counter" "$(field "$a" "t['events']['frag_needed']")" 1
	expect_match "log line" "$(dmesg | tail -n 20)" \
		"sgw1: tunnel 1: 10\.1\.0\.2 -> 10\.2\.0\.2: $((mtu + 1)) bytes exceed the tunnel MTU $mtu with DF set"
	# IPv6 inner: packet too big with the exact MTU.
	x "$h" ping -6 -M do -c 1 -W 2 -s $((mtu - 48)) fd00:2::2 > /dev/null ||
		fail "an IPv6 packet of exactly the tunnel MTU must pass"
	out=$(x "$h" ping -6 -M do -c 1 -W 2 -s $((mtu - 47)) fd00:2::2 2>&1 || true)
	expect_match "ICMPv6 to the sender" "$out" "Packet too big: mtu=$mtu"
	expect_eq "packet-too-big counter" "$(field "$a" "t['events']['packet_too_big']")" 1
}

# capture NS IF FILTER CMD...: run CMD, print the captured packets (-v).
capture() {
	local ns=$1 dev=$2 filter=$3 pcap

	shift 3
	pcap=$(mktemp)
	# Not through a function: $! must be tcpdump itself, holding no pipe.
	# Immediate mode: a buffered capture hands packets over only after a
	# timeout, and would lose those still in the kernel when stopped.
	ip netns exec "$ns" tcpdump --immediate-mode -i "$dev" -U -n -w "$pcap" "$filter" \
		> /dev/null 2> "$pcap.log" &
	local pid=$! i
	# Starting tcpdump takes seconds under emulation: wait until it listens.
	for i in $(seq 100); do
		grep -q "listening on" "$pcap.log" 2>/dev/null && break
		sleep 0.1
	done
	rm -f "$pcap.log"
	"$@" > /dev/null 2>&1 || true
	sleep 1
	kill "$pid"
	wait "$pid" 2>/dev/null
	x "$ns" tcpdump -n -v -r "$pcap" 2> /dev/null
	rm -f "$pcap"
}

# ESP packets for one echo request of @1 bytes of ICMP data: h fragments
# it at its link MTU (1500), the stack hands sgw pieces of at most the
# device MTU (the path MTU, 1500), and sgw fragments each piece above the
# tunnel MTU @2 again, before encryption, into (mtu - 20) & ~7 data bytes.
esp_packets_before() {
	local data=$(($1 + 8)) mtu=$2 n=0 piece chunk
	chunk=$(((mtu - 20) / 8 * 8))
	while [ "$data" -gt 0 ]; do
		piece=$((data > 1480 ? 1480 : data))
		data=$((data - piece))
		if [ $((piece + 20)) -le "$mtu" ]; then
			n=$((n + 1))
		else
			n=$((n + (piece + chunk - 1) / chunk))
		fi
	done
	echo "$n"
}

test_fragment_modes() {
	require_module
	require_cmd tcpdump
	setup 4
	local mtu cap
	mtu=$(inner_mtu 1500 20 8 16 4)
	# Before encryption (default): every ESP packet whole, no outer
	# fragments; the two 1500-byte pieces were fragmented by sgw.
	cap=$(capture "$r" ra "src 192.0.2.1" x "$h" ping -M dont -c 1 -W 2 -s 3000 10.2.0.2)
	expect_eq "before: ESP packets" "$(echo "$cap" | grep -c 'ESP(spi=0x00001001')" \
		"$(esp_packets_before 3000 "$mtu")"
	expect_eq "before: outer fragments" "$(echo "$cap" | grep -c 'flags \[+\]\|offset [1-9]')" 0
	expect_eq "before: counter" "$(field "$a" "t['events']['fragmented_before']")" 2
	expect_eq "reply" "$(x "$h" ping -M dont -c 1 -W 2 -s 3000 10.2.0.2 | grep -c '3008 bytes from')" 1
	# After encryption: each too-big piece is one ESP packet in two outer
	# fragments; the small last piece needs none.
	x "$a" "$SGWCTL" tunnel set 1 fragment after-encryption
	cap=$(capture "$r" ra "src 192.0.2.1" x "$h" ping -M dont -c 1 -W 2 -s 3000 10.2.0.2)
	expect_eq "after: first fragments" "$(echo "$cap" | grep -c 'flags \[+\]')" 2
	expect_eq "after: ESP headers" "$(echo "$cap" | grep -c 'ESP(spi=0x00001001')" 3
	expect_eq "after: counter" "$(field "$a" "t['events']['fragmented_after']")" 2
	expect_eq "after: reply" "$(x "$h" ping -M dont -c 1 -W 2 -s 3000 10.2.0.2 | grep -c '3008 bytes from')" 1
	# outer-df only decides the outer bit: the sender's DF is honoured
	# whatever it says (clear is the default). A new route makes h forget
	# the MTU it learned from the first answer.
	for policy in clear copy; do
		x "$a" "$SGWCTL" tunnel set 1 outer-df "$policy"
		ip -n "$h" route del default
		ip -n "$h" route add default via 10.1.0.1
		expect_match "$policy: ICMP" \
			"$(x "$h" ping -M do -c 1 -W 2 -s $((mtu - 27)) 10.2.0.2 2>&1 || true)" \
			"Frag needed and DF set \(mtu = $mtu\)"
	done
	expect_eq "frag-needed counter" "$(field "$a" "t['events']['frag_needed']")" 2
}

test_outer_df() {
	require_module
	require_cmd tcpdump
	setup 4
	local policy inner want cap
	for policy in copy set clear; do
		x "$a" "$SGWCTL" tunnel set 1 outer-df "$policy"
		for inner in do dont; do
			case "$policy/$inner" in
			copy/do|set/*) want=1 ;;
			*) want=0 ;;
			esac
			cap=$(capture "$r" ra "src 192.0.2.1 and ip proto 50" \
				x "$h" ping -M "$inner" -c 1 -W 2 -s 100 10.2.0.2)
			# The echo request, and nothing else, as ESP.
			expect_eq "outer-df $policy, inner DF $inner: ESP packets" \
				"$(echo "$cap" | grep -c 'proto ESP')" 1
			expect_eq "outer-df $policy, inner DF $inner" \
				"$(echo "$cap" | grep 'proto ESP' | grep -c 'flags \[DF\]')" "$want"
		done
	done
}

test_pmtu_learning() {
	require_module
	setup 4
	local mtu1280 out
	mtu1280=$(inner_mtu 1280 20 8 16 4)
	ip -n "$r" link set rb mtu 1280
	# Only ESP with DF makes r answer; the default would be fragmented.
	x "$a" "$SGWCTL" tunnel set 1 outer-df copy
	# A full-size DF packet: its ESP meets r's smaller link, r answers a.
	x "$h" ping -M do -c 1 -W 1 -s 1400 10.2.0.2 > /dev/null 2>&1 || true
	expect_eq "learned" "$(field "$a" "t['events']['pmtu_lowered']")" 1
	expect_eq "path MTU" "$(field "$a" "t['path_mtu']")" 1280
	expect_eq "tunnel MTU" "$(field "$a" "t['tunnel_mtu']")" "$mtu1280"
	expect_match "log line" "$(dmesg | tail -n 20)" \
		"sgw1: tunnel 1: path MTU lowered to 1280 by ICMP from 192\.0\.2\.2"
	out=$(x "$h" ping -M do -c 1 -W 2 -s 1400 10.2.0.2 2>&1 || true)
	expect_match "next packet" "$out" "Frag needed and DF set \(mtu = $mtu1280\)"
	x "$h" ping -M do -c 1 -W 2 -s $((mtu1280 - 28)) 10.2.0.2 > /dev/null ||
		fail "a packet of the learned tunnel MTU must pass"
}

# The gateway's own uplink is narrower than its LAN (a 1280-byte WAN, a
# 1500-byte LAN): the first ICMP a too-big DF packet draws must carry the
# exact tunnel MTU, not the uplink's MTU (two rounds of path MTU discovery
# where one should do).
test_narrow_uplink() {
	require_module
	require_cmd tcpdump
	setup 4
	local mtu cap
	mtu=$(inner_mtu 1280 20 8 16 4)
	ip -n "$a" link set wan0 mtu 1280
	ip -n "$r" link set ra mtu 1280
	expect_eq "path MTU" "$(field "$a" "t['path_mtu']")" 1280
	expect_eq "tunnel MTU" "$(field "$a" "t['tunnel_mtu']")" "$mtu"
	cap=$(capture "$h" eth0 "icmp and src host 10.1.0.1" \
		x "$h" ping -M do -c 1 -W 2 -s 1400 10.2.0.2)
	expect_eq "ICMP errors for the 1428-byte packet" "$(echo "$cap" | grep -c 'need to frag')" 1
	expect_match "the first ICMP's MTU" "$cap" "need to frag \(mtu $mtu\)"
	expect_eq "frag-needed counter" "$(field "$a" "t['events']['frag_needed']")" 1
	x "$h" ping -M do -c 1 -W 2 -s $((mtu - 28)) 10.2.0.2 > /dev/null ||
		fail "a packet of exactly the tunnel MTU must pass"
	# The device is never narrower than the LAN it is fed from.
	expect_eq "device MTU" "$(x "$a" cat /sys/class/net/sgw1/mtu)" 1500
}

# Send 1 MB from h to k over TCP; prints the bytes k received in @1 s, or
# -1 when no connection was made.
tcp_transfer() {
	x "$k" python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.2.0.2", 5001)); s.listen(1); s.settimeout(float(sys.argv[1]))
n = -1
try:
    c, _ = s.accept(); c.settimeout(float(sys.argv[1]))
    n = 0
    while n < 1 << 20:
        d = c.recv(65536)
        if not d: break
        n += len(d)
except OSError: pass
print(n)' "$1" &
	local pid=$!
	sleep 1
	x "$h" python3 -c '
import socket, sys
try:
    s = socket.create_connection(("10.2.0.2", 5001), timeout=3)
    s.settimeout(float(sys.argv[1])); s.sendall(b"x" * (1 << 20))
except OSError: pass' "$1" 2>/dev/null
	wait "$pid"
}

test_mss_black_hole() {
	require_module
	require_cmd nft tcpdump
	setup 4
	local mtu1280 cap got
	mtu1280=$(inner_mtu 1280 20 8 16 4)
	ip -n "$r" link set rb mtu 1280
	x "$a" "$SGWCTL" tunnel set 1 outer-df copy
	x "$h" ping -M do -c 1 -W 1 -s 1400 10.2.0.2 > /dev/null 2>&1 || true
	expect_eq "tunnel MTU learned" "$(field "$a" "t['tunnel_mtu']")" "$mtu1280"
	# A firewall that drops ICMP toward the LAN host.
	x "$a" nft add table inet bh
	x "$a" nft add chain inet bh f '{ type filter hook output priority 0; }'
	x "$a" nft add rule inet bh f oifname lan0 meta l4proto icmp counter drop
	x "$a" "$SGWCTL" tunnel set 1 mss off
	got=$(tcp_transfer 6)
	# Connected, stalled, and because the ICMP that would have told h
	# was dropped: not for any other reason.
	[ "$got" -ge 0 ] || fail "mss off: no connection was made"
	[ "$got" -lt 1048576 ] || fail "mss off: 1 MB arrived across the black hole"
	expect_match "ICMP toward h dropped" "$(x "$a" nft list chain inet bh f)" \
		"counter packets [1-9][0-9]* bytes"
	x "$a" "$SGWCTL" tunnel set 1 mss auto
	cap=$(capture "$k" eth0 "tcp[tcpflags] & tcp-syn != 0" tcp_transfer 20)
	expect_match "clamped MSS on the wire" "$cap" "mss $((mtu1280 - 40)),"
	expect_eq "mss auto: 1 MB arrives" "$(tcp_transfer 20)" 1048576
	[ "$(field "$a" "t['events']['mss_clamped']")" -ge 2 ] || fail "mss-clamped counter did not grow"
}

test_ipv6_1280() {
	require_module
	setup 6
	local mtu out
	# Links of 1280 bytes, the IPv6 minimum, in both directions.
	ip -n "$a" link set wan0 mtu 1280
	ip -n "$r" link set ra mtu 1280
	ip -n "$r" link set rb mtu 1280
	ip -n "$b" link set wan0 mtu 1280
	mtu=$(inner_mtu 1280 40 8 16 4)
	expect_eq "tunnel MTU below 1280" "$(field "$a" "t['tunnel_mtu']")" "$mtu"
	# IPv6 must carry 1280 bytes: the ESP packet is fragmented outside.
	out=$(x "$h" ping -6 -M do -c 1 -W 2 -s 1232 fd00:2::2 2>&1 || true)
	expect_match "1280 bytes pass" "$out" "1240 bytes from fd00:2::2"
	expect_eq "fragmented after" "$(field "$a" "t['events']['fragmented_after']")" 1
	out=$(x "$h" ping -6 -M do -c 1 -W 2 -s 1233 fd00:2::2 2>&1 || true)
	expect_match "above 1280: packet too big" "$out" "Packet too big: mtu=1280"
}

# The peer gateway is the kernel's own ESP (what strongSwan drives): sgw's
# side behaves the same, ICMP and MSS clamp included.
test_xfrm_peer() {
	require_module
	require_cmd tcpdump
	setup 4
	local mtu cap hex
	mtu=$(inner_mtu 1500 20 8 16 4)
	read -r _ _ _ _ hex <<< "${ALGS[0]}"
	x "$b" "$SGWCTL" tunnel del 1
	# Fresh SAs on a: the new peer starts its sequence numbers at 1.
	x "$a" "$SGWCTL" sa flush 1
	x "$a" "$SGWCTL" sa add 1 dir out spi 0x1001 alg aes-gcm-128 key-file "$key" 2>/dev/null
	x "$a" "$SGWCTL" sa add 1 dir in spi 0x2001 alg aes-gcm-128 key-file "$key" 2>/dev/null
	ip -n "$b" route add 10.1.0.0/24 via 198.51.100.2
	ip -n "$b" xfrm state add src 192.0.2.1 dst 198.51.100.1 proto esp spi 0x1001 \
		mode tunnel aead 'rfc4106(gcm(aes))' "0x$hex" 128
	ip -n "$b" xfrm state add src 198.51.100.1 dst 192.0.2.1 proto esp spi 0x2001 \
		mode tunnel aead 'rfc4106(gcm(aes))' "0x$hex" 128
	ip -n "$b" xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir out \
		tmpl src 198.51.100.1 dst 192.0.2.1 proto esp mode tunnel
	ip -n "$b" xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir in \
		tmpl src 192.0.2.1 dst 198.51.100.1 proto esp mode tunnel
	ip -n "$b" xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir fwd \
		tmpl src 192.0.2.1 dst 198.51.100.1 proto esp mode tunnel
	x "$h" ping -M do -c 1 -W 2 -s $((mtu - 28)) 10.2.0.2 > /dev/null ||
		fail "a packet of exactly the tunnel MTU must pass to the xfrm peer"
	out=$(x "$h" ping -M do -c 1 -W 2 -s $((mtu - 27)) 10.2.0.2 2>&1 || true)
	expect_match "ICMP to the sender" "$out" "Frag needed and DF set \(mtu = $mtu\)"
	# k's SYN-ACK comes out of the kernel's ESP; sgw clamps it for h.
	x "$k" python3 -c '
import socket; s = socket.socket(); s.bind(("10.2.0.2", 5002)); s.listen(1)
s.settimeout(8); c, _ = s.accept()' &
	local pid=$!
	sleep 1
	cap=$(capture "$h" eth0 "tcp[tcpflags] & tcp-syn != 0" \
		x "$h" python3 -c 'import socket; socket.create_connection(("10.2.0.2", 5002), timeout=5)')
	wait "$pid" || true
	expect_match "SYN-ACK clamped" "$(echo "$cap" | grep '10.2.0.2.5002 >')" "mss $((mtu - 40)),"
}

ktap_begin 9
run_test "tunnel MTU equals the overhead formula, follows the underlay" test_mtu_formula
run_test "DF set: ICMP fragmentation needed / packet too big with the exact MTU" test_df_icmp
run_test "fragmentation before and after encryption; DF honoured with any outer-df" test_fragment_modes
run_test "outer DF bit: copy, set, clear" test_outer_df
run_test "path MTU learned from ICMP about our ESP" test_pmtu_learning
run_test "uplink narrower than the LAN: the first ICMP has the exact MTU" test_narrow_uplink
run_test "MSS clamping saves TCP across an ICMP black hole" test_mss_black_hole
run_test "IPv6: 1280-byte packets pass a tunnel with a smaller MTU" test_ipv6_1280
run_test "kernel ESP (as under strongSwan) as the peer: same ICMP and MSS clamp" test_xfrm_peer
ktap_end
