#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two gateways joined through a router whose middle link is 1280 bytes
# wide and which drops all ICMP (seed FAQ, routers): ESP leaves each
# gateway in sequence-number order, nothing is dropped as a replay, TCP
# retransmits no more than without ESP, DF traffic that fits the tunnel
# crosses in both directions and DF traffic that does not gets the exact
# ICMP from the gateway.
#
#   h (10.1.0.2, fd00:1::2) -- a ==1500== r ==1280== b -- k (10.2.0.2, fd00:2::2)
#   a-r 192.0.2.0/24, r-b 198.51.100.0/24; r drops every ICMP it would
#   forward or send.

. "$(dirname "$0")/lib.sh"

key=
x() { ip netns exec "$@"; }

# TCP retransmissions measured with ESP may exceed those of the same
# transfer without it by at most this many segments.
RETRANS_MARGIN=10

link() { # NS1 IF1 NS2 IF2 MTU
	ip link add "$2" netns "$1" mtu "$5" type veth peer name "$4" netns "$3" mtu "$5"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

rps() { # NS IF CPUMASK
	x "$1" sh -c "echo $3 > /sys/class/net/$2/queues/rx-0/rps_cpus"
}

setup() {
	setup_ns h a r b k
	key=$(mktemp)
	defer rm -f "$key"
	printf '%040x\n' 5 > "$key"
	for n in "$h" "$a" "$r" "$b" "$k"; do
		x "$n" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
			net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	link "$h" eth0 "$a" lan0 1500
	link "$a" wan0 "$r" ra 1500
	link "$r" rb "$b" wan0 1280
	link "$b" lan0 "$k" eth0 1500
	# A veth hands each packet to the backlog of the CPU that sent it, so
	# one stream sent from two CPUs is reordered at every hop, which no
	# wire does. Steer what the path carries to one CPU (RPS): it then
	# keeps order like a wire. The gateways' LAN sides spread the flows
	# over both CPUs, so each gateway encrypts one SA on two at once.
	rps "$h" eth0 1; rps "$a" wan0 1; rps "$r" ra 1; rps "$r" rb 1
	rps "$b" wan0 1; rps "$k" eth0 1; rps "$a" lan0 3; rps "$b" lan0 3
	chain_addresses "$h" "$a" "$r" "$b" "$k"
	ip -n "$a" route add 198.51.100.0/24 via 192.0.2.2
	ip -n "$b" route add 192.0.2.0/24 via 198.51.100.2
	# Without ESP (the baseline) the LANs are routed through r.
	ip -n "$r" route add 10.1.0.0/24 via 192.0.2.1
	ip -n "$r" route add 10.2.0.0/24 via 198.51.100.1
	ip -n "$a" route add 10.2.0.0/24 via 192.0.2.2
	ip -n "$b" route add 10.1.0.0/24 via 198.51.100.2
	x "$r" nft -f - <<-EOF
	table inet narrow {
		chain passing {
			type filter hook forward priority 0;
			meta l4proto icmp drop
			# TCP without ESP needs its MSS to fit the 1280 link.
			tcp flags syn tcp option maxseg size set 1240
		}
		chain local {
			type filter hook output priority 0;
			meta l4proto icmp drop
		}
	}
	EOF
	x "$a" "$SGWCTL" tunnel add id 1 local 192.0.2.1 remote 198.51.100.1 > /dev/null
	x "$b" "$SGWCTL" tunnel add id 1 local 198.51.100.1 remote 192.0.2.1 > /dev/null
	for n in "$a" "$b"; do ip -n "$n" link set sgw1 up; done
	ip -n "$a" -6 route add fd00:2::/64 dev sgw1
	ip -n "$b" -6 route add fd00:1::/64 dev sgw1
	sas
	x "$k" iperf3 -s -D -B 10.2.0.2 -I "$key.iperf"
	defer 'kill $(cat '"$key.iperf"')'
	for _ in $(seq 50); do
		[ -s "$key.iperf" ] && break
		sleep 0.1
	done
}

# (Re)create both directions' SAs: with sequence numbers from 1, and with
# the crypto of the moment (force_async).
sas() {
	for n in "$a" "$b"; do x "$n" "$SGWCTL" sa flush 1; done
	x "$a" "$SGWCTL" sa add 1 dir out spi 0x1001 alg aes-gcm-128 key-file "$key"
	x "$a" "$SGWCTL" sa add 1 dir in spi 0x2001 alg aes-gcm-128 key-file "$key"
	x "$b" "$SGWCTL" sa add 1 dir in spi 0x1001 alg aes-gcm-128 key-file "$key"
	x "$b" "$SGWCTL" sa add 1 dir out spi 0x2001 alg aes-gcm-128 key-file "$key"
}

via_tunnel() {
	ip -n "$a" route replace 10.2.0.0/24 dev sgw1
	ip -n "$b" route replace 10.1.0.0/24 dev sgw1
}

field() { # NS PYTHON-EXPR-ON-t
	x "$1" "$SGWCTL" -j tunnel show 1 |
		python3 -c "import json,sys; t=json.load(sys.stdin)['tunnels'][0]; print($2)"
}

retrans() { # NS: TCP segments retransmitted so far in NS
	x "$1" awk '/^Tcp:/ { if (!n) { for (i = 1; i <= NF; i++) if ($i == "RetransSegs") c = i; n = 1 } else print $c }' \
		/proc/net/snmp
}

# Two MB each way, four TCP flows at once; prints "RETRANS-H RETRANS-K".
transfer() {
	local h0 k0
	h0=$(retrans "$h") k0=$(retrans "$k")
	# In $(...): the failure must reach the test's output.
	x "$h" timeout 120 iperf3 -c 10.2.0.2 -P 4 -n 2M > /dev/null ||
		fail "h -> k: 2 MB did not arrive" >&2
	x "$h" timeout 120 iperf3 -c 10.2.0.2 -P 4 -n 2M -R > /dev/null ||
		fail "k -> h: 2 MB did not arrive" >&2
	echo "$(($(retrans "$h") - h0)) $(($(retrans "$k") - k0))"
}

# inversions PCAP SRC: "INVERSIONS ESP-PACKETS" sent by SRC (espseq.py).
inversions() {
	python3 "$here/espseq.py" "$1" "$2"
}

# One measured run through the tunnel: prints what it saw and leaves
# "INV-A INV-B REPLAY-A REPLAY-B RETRANS-H RETRANS-K" in $res.
ordered_run() {
	local tag=$1 ca cb rt ia ib na nb pa pb pa0 pb0
	# The tunnels' counters outlive their SAs: count this run only.
	pa0=$(field "$a" "t['drops']['replay']")
	pb0=$(field "$b" "t['drops']['replay']")
	ca=$(mktemp) cb=$(mktemp)
	defer rm -f "$ca" "$ca.log" "$cb" "$cb.log"
	cap_start "$a" wan0 "$ca"
	local pa_=$cap_pid
	cap_start "$b" wan0 "$cb"
	rt=$(transfer)
	cap_stop
	cap_pid=$pa_ cap_file=$ca cap_stop
	read -r ia na <<< "$(inversions "$ca" 192.0.2.1)"
	read -r ib nb <<< "$(inversions "$cb" 198.51.100.1)"
	pa=$(($(field "$a" "t['drops']['replay']") - pa0))
	pb=$(($(field "$b" "t['drops']['replay']") - pb0))
	echo "$tag: sequence inversions a $ia of $na, b $ib of $nb ESP packets;" \
		"replay drops a $pa b $pb; TCP retransmissions (h k) $rt"
	res="$ia $ib $pa $pb $rt"
}

check_run() { # TAG BASE-H BASE-K
	local ia ib pa pb rh rk
	read -r ia ib pa pb rh rk <<< "$res"
	expect_eq "$1: a sends in sequence order (inversions)" "$ia" 0
	expect_eq "$1: b sends in sequence order (inversions)" "$ib" 0
	expect_eq "$1: replay drops at a" "$pa" 0
	expect_eq "$1: replay drops at b" "$pb" 0
	[ "$rh" -le $(($2 + RETRANS_MARGIN)) ] ||
		fail "$1: h retransmitted $rh segments, $2 without ESP (margin $RETRANS_MARGIN)"
	[ "$rk" -le $(($3 + RETRANS_MARGIN)) ] ||
		fail "$1: k retransmitted $rk segments, $3 without ESP (margin $RETRANS_MARGIN)"
}

test_order() {
	require_module
	require_cmd iperf3 nft tcpdump
	[ -w /sys/module/sgw/parameters/force_async ] ||
		skip "sgw has no force_async parameter"
	defer 'echo 0 > /sys/module/sgw/parameters/force_async'
	local base async
	setup
	base=$(transfer)
	echo "without ESP: TCP retransmissions (h k) $base"
	via_tunnel
	# Both runs measured before either is judged: the report has both.
	for async in 0 1; do
		echo "$async" > /sys/module/sgw/parameters/force_async
		sas
		ordered_run "force_async=$async"
		eval "res$async=\$res"
	done
	res=$res0 check_run "force_async=0" $base
	res=$res1 check_run "force_async=1" $base
}

# ping_df NS DST SIZE: one DF echo of SIZE data bytes; prints ping's output.
ping_df() {
	local six=
	[[ $2 == *:* ]] && six=-6
	x "$1" ping $six -M do -c 1 -W 3 -s "$3" "$2" 2>&1 || true
}

test_df() {
	require_module
	require_cmd nft
	setup
	via_tunnel
	local ta tb out n
	ta=$(field "$a" "t['tunnel_mtu']")
	tb=$(field "$b" "t['tunnel_mtu']")
	# Nothing on the path tells a about the 1280 link.
	expect_eq "a's tunnel MTU (path 1500)" "$ta" 1446
	expect_eq "b's tunnel MTU (path 1280)" "$tb" 1226
	for n in "h 10.1.0.2 10.2.0.2 $ta a" "k 10.2.0.2 10.1.0.2 $tb b"; do
		read -r src _ dst mtu gw <<< "$n"
		out=$(ping_df "${!src}" "$dst" $((mtu - 28)))
		expect_match "$src -> $dst: DF echo of the tunnel MTU" "$out" "$((mtu - 20)) bytes from $dst"
		out=$(ping_df "${!src}" "$dst" $((mtu - 27)))
		expect_match "$src -> $dst: one byte more" "$out" \
			"Frag needed and DF set \(mtu = $mtu\)"
		# Not TCP, so no MSS clamp to lean on: 20 echoes, none lost.
		out=$(x "${!src}" ping -M do -c 20 -i 0.05 -W 3 -s $((mtu - 28)) "$dst" 2>&1 || true)
		expect_match "$src -> $dst: 20 DF echoes" "$out" " 20 received"
	done
	# k's reply of that size meets b's smaller tunnel: b tells k "packet
	# too big" (1280) and k fragments it from the next echo on.
	out=$(x "$h" ping -6 -M do -c 2 -i 0.5 -W 3 -s $((ta - 48)) fd00:2::2 2>&1 || true)
	expect_match "IPv6 h -> k: the tunnel MTU" "$out" "$((ta - 40)) bytes from fd00:2::2"
	out=$(ping_df "$h" fd00:2::2 $((ta - 47)))
	expect_match "IPv6 h -> k: one byte more" "$out" "Packet too big: mtu=$ta"
	# b's tunnel MTU is below 1280: IPv6 up to 1280 bytes must still pass.
	out=$(ping_df "$k" fd00:1::2 1232)
	expect_match "IPv6 k -> h: 1280 bytes" "$out" "1240 bytes from fd00:1::2"
	# k learned 1280 already (b's answer to the reply above): a new route
	# forgets it, so the echo reaches b and b answers again.
	ip -n "$k" -6 route del default
	ip -n "$k" -6 route add default via fd00:2::1
	out=$(ping_df "$k" fd00:1::2 1233)
	expect_match "IPv6 k -> h: above 1280" "$out" "Packet too big: mtu=1280"
}

ktap_begin 2
run_test "narrow ICMP-dropping path: DF traffic crosses, too big gets the exact ICMP" test_df
run_test "narrow path: ESP in sequence order, no replay drops, TCP retransmits as without ESP" test_order
ktap_end
