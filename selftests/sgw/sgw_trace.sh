#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "sgwctl trace": the module's answer for each outcome of the send path,
# compared with what a real packet then does (counters, captures).
#
#   hA 10.1.0.2 -- gA 192.0.2.1 == 192.0.2.2 gB -- hB 10.2.0.2   (ike_lib.sh)

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ike_lib.sh"

x() { ip netns exec "$@"; }

# trc ARGS...: sgwctl -j trace ARGS at gA.
trc() { x "$gA" "$SGWCTL" -j trace "$@"; }

# expect_jq WHAT JSON FILTER: the JSON is a valid trace document of the
# contract (json_schema.py) and satisfies the jq filter.
expect_jq() {
	local bad

	bad=$(python3 "$here/json_schema.py" trace <<< "$2") ||
		fail "$1: not a valid trace document: $bad"
	jq -e "$3" <<< "$2" > /dev/null || fail "$1: $2 does not satisfy $3"
}

# text ARGS...: the text answer to trace ARGS at gA, into $txt.
text() { txt=$(x "$gA" "$SGWCTL" trace "$@"); }

# has_line WHAT LINE: $txt has that line.
has_line() {
	grep -qxF -- "$2" <<< "$txt" || fail "$1: no line \"$2\" in: $txt"
}

# udp_to DST: one UDP datagram (29 bytes in all) from hA to DST port 9.
udp_to() {
	x "$hA" bash -c "echo > /dev/udp/$1/9" 2> /dev/null || true
}

counter_is() { [ "$(counter "$1" "$2")" = "$3" ]; }

# wait_counter WHAT drops|events NAME VALUE: within 5 s.
wait_counter() {
	wait_for 5 counter_is "$2" "$3" "$4" ||
		fail "$1: $2 $3 is $(counter "$2" "$3"), expected $4"
}

counter() { # drops|events NAME: tunnel 1's counter at gA
	x "$gA" "$SGWCTL" -j tunnel show 1 | jq -r ".tunnels[0].$1[\"$2\"]"
}

devstat() { # COUNTER of tr1 at gA
	x "$gA" cat "/sys/class/net/tr1/statistics/$1"
}

in_echos() { # NS: ICMP echo requests received there
	x "$1" awk '/^Icmp:/ { if (!h) { for (i = 2; i <= NF; i++) if ($i == "InEchos") c = i; h = 1 }
		else print $c }' /proc/net/snmp
}

sa() { # NS DIR SPI [encap SPORT DPORT]
	local ns=$1

	shift
	x "$ns" "$SGWCTL" sa add 1 dir "$1" spi "$2" alg aes-gcm-128 \
		key-file "$work/key" "${@:3}"
}

# monitor_start NS: sgwctl monitor --hold, standing in for the IKE
# daemon, until the test ends.
monitor_start() {
	bg_in "$1" "$work/events" timeout 60 "$SGWCTL" -j monitor --hold
	wait_subscribed "$1" || fail "sgwctl monitor did not subscribe: $(cat "$work/events")"
}

# Tunnel tr1 (id 1) between gA and gB, selectors 10.1/24 and fd01::/64
# against 10.2/24 and fd02::/64; 10.3/24 is routed into it too (outside
# its selectors).
trace_pair() {
	topo
	(umask 077; echo 0102030405060708090a0b0c0d0e0f1011121314 > "$work/key")
	x "$gA" "$SGWCTL" tunnel add id 1 name tr1 local 192.0.2.1 remote 192.0.2.2 \
		local-ts 10.1.0.0/24,fd01::/64 remote-ts 10.2.0.0/24,fd02::/64 > /dev/null
	x "$gB" "$SGWCTL" tunnel add id 1 name tr1 local 192.0.2.2 remote 192.0.2.1 \
		local-ts 10.2.0.0/24,fd02::/64 remote-ts 10.1.0.0/24,fd01::/64 > /dev/null
	ip -n "$gA" link set tr1 up
	ip -n "$gB" link set tr1 up
	ip -n "$gA" route add 10.2.0.0/24 dev tr1
	ip -n "$gA" route add 10.3.0.0/24 dev tr1
	ip -n "$gA" -6 route add fd02::/64 dev tr1
	ip -n "$gB" route add 10.1.0.0/24 dev tr1
	ip -n "$gB" -6 route add fd01::/64 dev tr1
}

test_trace_outcomes() {
	local t tx echos

	require_module
	require_cmd jq tcpdump
	trace_pair

	# No SA and nobody to negotiate one: dropped as no-sa.
	t=$(trc 10.1.0.2 10.2.0.2)
	expect_jq "no SA, no daemon" "$t" '.verdict == "dropped" and
		.drop == "no-sa" and .dev == "tr1" and .tunnel == 1 and
		.enabled == true and .local_ts_match == true and
		.remote_ts_match == true and .ike_daemon == false and
		.held == 0 and (has("spi") | not)'
	text 10.1.0.2 10.2.0.2
	has_line "no SA text" "sa: none; no IKE daemon registered: dropped as no-sa (0 of 8 held now)"
	has_line "no SA verdict" "verdict: dropped, counted as no-sa"
	udp_to 10.2.0.2
	wait_counter "no-sa counted" drops no_sa 1

	# An IKE daemon is registered: held for the SA it negotiates. All SAs but
	# gA's outbound one are there first, so that the held packet is sent
	# long before its hold time ends.
	monitor_start "$gA"
	sa "$gA" in 0x2001
	sa "$gB" out 0x2001
	sa "$gB" in 0x1001
	t=$(trc 10.1.0.2 10.2.0.2)
	expect_jq "no SA, daemon" "$t" '.verdict == "held" and
		.ike_daemon == true and .held == 0'
	udp_to 10.2.0.2
	wait_counter "held counted" events held 1
	expect_jq "one held now" "$(trc 10.1.0.2 10.2.0.2)" '.verdict == "held" and .held == 1'
	text 10.1.0.2 10.2.0.2
	has_line "held text" "sa: none; an IKE daemon is registered: held and an SA asked for (1 of 8 held now)"
	sa "$gA" out 0x1001
	expect_eq "held packet sent" "$(counter events held_sent)" 1

	# Encrypted: the outer packet as the capture shows it.
	t=$(trc 10.1.0.2 10.2.0.2 size 84 df)
	expect_jq "encrypted" "$t" '.verdict == "encrypted" and .spi == 4097 and
		.alg == "aes-gcm-128" and .underlay_dev == "wan0" and
		(has("underlay_via") | not) and .path_mtu == 1500 and
		.tunnel_mtu == 1446 and .fragment == "none" and
		.outer == {"src": "192.0.2.1", "dst": "192.0.2.2", "size": 140,
			   "df": false, "proto": "esp"} and (has("mss") | not)'
	expect_eq "text verdict" "$(x "$gA" "$SGWCTL" trace 10.1.0.2 10.2.0.2 size 84 df | tail -n 1)" \
		"verdict: encrypted with SA 0x00001001 (aes-gcm-128), outer 192.0.2.1 -> 192.0.2.2 140 bytes no DF"
	expect_eq "tunnel MTU as shown" \
		"$(x "$gA" "$SGWCTL" -j tunnel show 1 | jq '.tunnels[0].tunnel_mtu')" 1446
	cap_start "$gA" wan0 "$work/esp.pcap"
	x "$hA" ping -q -c 1 -s 56 -M do -W 2 10.2.0.2 > /dev/null || fail "no reply through the tunnel"
	cap_stop
	expect_match "captured ESP" "$(tcpdump -r "$work/esp.pcap" -n -v 'src host 192.0.2.1' 2>/dev/null)" \
		"flags \[none\], proto ESP \(50\), length 140\)"

	# TCP: the MSS a SYN gets, as hB receives it.
	t=$(trc 10.1.0.2 10.2.0.2 proto tcp sport 40000 dport 80 size 60)
	expect_jq "mss" "$t" '.verdict == "encrypted" and .mss == 1406 and
		.proto == 6 and .sport == 40000 and .dport == 80'
	text 10.1.0.2 10.2.0.2 proto tcp dport 80
	has_line "mss text" "mss: a SYN's MSS option is clamped to 1406"
	cap_start "$hB" eth0 "$work/syn.pcap"
	x "$hA" timeout 3 bash -c 'echo > /dev/tcp/10.2.0.2/80' 2>/dev/null || true
	cap_stop
	expect_match "SYN clamped" "$(tcpdump -r "$work/syn.pcap" -n 'tcp[tcpflags] == tcp-syn' 2>/dev/null)" \
		"options \\[mss 1406,"
	expect_eq "mss-clamped counted" "$(counter events mss_clamped)" 1

	# Without DF: fragmented before encryption (the first fragment's ESP
	# packet), or after with "fragment after-encryption". Before the DF case below,
	# whose ICMP makes hA fragment such packets itself.
	t=$(trc 10.1.0.2 10.2.0.2 size 1500)
	expect_jq "fragment before" "$t" '.verdict == "encrypted" and
		.fragment == "before" and .outer.size == 1500 and .outer.df == false'
	text 10.1.0.2 10.2.0.2 size 1500
	has_line "fragment before text" \
		"size: 1500 bytes exceed the tunnel MTU 1446: fragmented before encryption, each fragment its own ESP packet"
	x "$hA" ping -q -c 1 -s 1472 -M dont -W 2 10.2.0.2 > /dev/null || fail "no reply to the fragmented ping"
	expect_eq "frag-before counted" "$(counter events fragmented_before)" 1
	x "$gA" "$SGWCTL" tunnel set 1 fragment after-encryption
	t=$(trc 10.1.0.2 10.2.0.2 size 1500)
	expect_jq "fragment after" "$t" '.verdict == "encrypted" and
		.fragment == "after" and .outer.size == 1556 and .outer.df == false'
	x "$hA" ping -q -c 1 -s 1472 -M dont -W 2 10.2.0.2 > /dev/null || fail "no reply to the fragmented ping"
	expect_eq "frag-after counted" "$(counter events fragmented_after)" 1
	x "$gA" "$SGWCTL" tunnel set 1 fragment before-encryption outer-df copy
	expect_jq "outer DF copied" "$(trc 10.1.0.2 10.2.0.2 size 84 df)" '.outer.df == true'
	expect_jq "outer DF copied, none" "$(trc 10.1.0.2 10.2.0.2 size 84)" '.outer.df == false'
	x "$gA" "$SGWCTL" tunnel set 1 outer-df clear

	# DF over the tunnel MTU: ICMP with the exact MTU.
	t=$(trc 10.1.0.2 10.2.0.2 size 1500 df)
	expect_jq "icmp" "$t" '.verdict == "icmp" and .icmp_mtu == 1446 and
		(has("outer") | not)'
	text 10.1.0.2 10.2.0.2 size 1500 df
	has_line "icmp size text" \
		"size: 1500 bytes exceed the tunnel MTU 1446 with DF: ICMP fragmentation needed, mtu 1446"
	has_line "icmp verdict" "verdict: refused with ICMP fragmentation needed, mtu 1446"
	expect_match "ping told" "$(x "$hA" ping -c 1 -s 1472 -M do -W 5 10.2.0.2 2>&1 || true)" \
		"mtu = 1446"
	expect_eq "frag-needed counted" "$(counter events frag_needed)" 1
	t=$(trc fd01::2 fd02::2 size 1500)
	expect_jq "icmpv6" "$t" '.verdict == "icmp" and .icmp_mtu == 1446'
	expect_match "ping -6 told" "$(x "$hA" ping -6 -c 1 -s 1452 -W 5 fd02::2 2>&1 || true)" \
		"mtu=1446"
	expect_eq "packet-too-big counted" "$(counter events packet_too_big)" 1
	t=$(trc fd01::2 fd02::2 proto udp dport 53 size 1000)
	expect_jq "IPv6 encrypted" "$t" '.verdict == "encrypted" and .fragment == "none" and
		.outer.size == 1056 and .outer.df == false'

	# The remote SGW routed into the tunnel: exempt, around it in clear.
	ip -n "$gA" route add 192.0.2.2/32 dev tr1
	t=$(trc 10.1.0.2 192.0.2.2)
	expect_jq "exempt" "$t" '.verdict == "exempt" and .dev == "tr1" and
		.exempt_tunnel == 1 and .underlay_dev == "wan0"'
	text 10.1.0.2 192.0.2.2
	has_line "exemption text" "exemption: 192.0.2.2 is the remote SGW of tunnel 1"
	has_line "exempt verdict" "verdict: exempt: in clear around the tunnels through dev wan0"
	# The echo request reaches gB, not through the tunnel (gB's answer,
	# outside its selectors, is dropped there).
	tx=$(devstat tx_packets)
	echos=$(in_echos "$gB")
	x "$hA" ping -q -c 1 -W 1 192.0.2.2 > /dev/null 2>&1 || true
	expect_eq "echo request at the remote SGW" "$(in_echos "$gB")" $((echos + 1))
	expect_eq "not into the tunnel" "$(devstat tx_packets)" "$tx"
	ip -n "$gA" route del 192.0.2.2/32 dev tr1

	# Routed into the tunnel, outside its selectors.
	t=$(trc 10.1.0.2 10.3.0.1)
	expect_jq "selector miss" "$t" '.verdict == "dropped" and .drop == "selector" and
		.local_ts_match == true and .remote_ts_match == false'
	text 10.1.0.2 10.3.0.1
	has_line "selector text" "selectors: source in local-ts yes, destination in remote-ts no"
	has_line "selector verdict" "verdict: dropped, counted as selector"
	udp_to 10.3.0.1
	wait_counter "selector counted" drops selector 1

	# Not into a tunnel at all, and no route.
	expect_jq "clear" "$(trc 10.2.0.2 10.1.0.2)" '.verdict == "clear" and
		.dev == "lan0" and (has("tunnel") | not)'
	expect_jq "no route" "$(trc 10.1.0.2 203.0.113.1)" '.verdict == "no-route" and
		(has("dev") | not)'

	# ESP in UDP: the outer UDP ports and 8 bytes more.
	sa "$gA" out 0x1002 encap 4500 4500
	t=$(trc 10.1.0.2 10.2.0.2 proto udp dport 9 size 29)
	expect_jq "ESP in UDP" "$t" '.verdict == "encrypted" and .spi == 4098 and
		.tunnel_mtu == 1438 and .outer == {"src": "192.0.2.1",
		"dst": "192.0.2.2", "size": 92, "df": false, "proto": "udp",
		"sport": 4500, "dport": 4500}'
	text 10.1.0.2 10.2.0.2
	has_line "ESP in UDP text" "sa: 0x00001002 aes-gcm-128, ESP in UDP 4500 -> 4500"
	cap_start "$gA" wan0 "$work/udp.pcap"
	udp_to 10.2.0.2
	cap_stop
	out=$(tcpdump -r "$work/udp.pcap" -n -v 'src host 192.0.2.1' 2>/dev/null)
	expect_match "captured ESP in UDP" "$out" "proto UDP \(17\), length 92\)"
	expect_match "captured ports" "$out" "192\.0\.2\.1\.4500 > 192\.0\.2\.2\.4500"

	# Disabled: dropped as disabled.
	x "$gA" "$SGWCTL" tunnel set 1 enabled no
	t=$(trc 10.1.0.2 10.2.0.2)
	expect_jq "disabled" "$t" '.verdict == "dropped" and .drop == "disabled" and
		.enabled == false'
	text 10.1.0.2 10.2.0.2
	has_line "disabled text" "tunnel: 1, disabled"
	has_line "disabled verdict" "verdict: dropped, counted as disabled"
	udp_to 10.2.0.2
	wait_counter "disabled counted" drops disabled 1
	expect_eq "nothing traced was counted" "$(counter drops no_sa)" 1
}

# Requests the CLI would never send: each refusal names its attribute;
# trace needs what configuring needs; bad arguments exit 2.
test_trace_requests() {
	local CMD_TRACE=16 A_TRACE=8 SRC=1 DST=2 PROTO=3 SPORT=4 SIZE=6 DF=7 VERDICT=8
	local a4=c0000201 b4=c0000202 a6=fd000000000000000000000000000001

	require_module
	require_cmd setpriv unshare
	setup_ns n
	# python3 is slow to start in an emulated guest: the refusals of
	# trace's own checks, one of the policy's and the valid request.
	expect_fail "3 bytes" ip netns exec "$n" $GENL $CMD_TRACE "$A_TRACE:nest:{$SRC:bin:c00002,$DST:bin:$b4}"
	expect_eq "3 bytes" "$out" "errno=22 msg=trace address must be 4 (IPv4) or 16 (IPv6) bytes"
	expect_fail "two families" ip netns exec "$n" $GENL $CMD_TRACE "$A_TRACE:nest:{$SRC:bin:$a4,$DST:bin:$a6}"
	expect_eq "two families" "$out" "errno=97 msg=trace source and destination must be of one family"
	expect_fail "ports of icmp" ip netns exec "$n" $GENL $CMD_TRACE \
		"$A_TRACE:nest:{$SRC:bin:$a4,$DST:bin:$b4,$PROTO:u8:1,$SPORT:u16:5}"
	expect_eq "ports of icmp" "$out" "errno=22 msg=trace ports need protocol tcp, udp, sctp or udplite"
	expect_fail "IPv6 DF" ip netns exec "$n" $GENL $CMD_TRACE \
		"$A_TRACE:nest:{$SRC:bin:$a6,$DST:bin:$a6,$DF:u8:1}"
	expect_match "IPv6 DF" "$out" "^errno=22 msg=DF is an IPv4 header bit"
	expect_fail "reply attribute" ip netns exec "$n" $GENL $CMD_TRACE \
		"$A_TRACE:nest:{$SRC:bin:$a4,$DST:bin:$b4,$SIZE:u32:100,$VERDICT:u8:6}"
	expect_match "reply attribute" "$out" "^errno=22 "
	out=$(ip netns exec "$n" $GENL $CMD_TRACE "$A_TRACE:nest:{$SRC:bin:$a4,$DST:bin:$b4,$SIZE:u32:100}") ||
		fail "a valid request failed: $out"

	nobody() {
		ip netns exec "$n" setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all --bounding-set=-all "$@"
	}
	expect_fail "unprivileged" nobody "$SGWCTL" trace 192.0.2.1 192.0.2.2
	expect_eq "unprivileged" "$out" \
		"sgwctl: trace: permission denied: this needs CAP_NET_ADMIN (run as root)"
	# Stricter than reading tunnels: the root of a user namespace with a
	# network namespace of its own may dump its tunnels, not trace (SPIs).
	if nobody unshare -Ur true 2> /dev/null; then
		expect_fail "user namespace root" nobody unshare -Urn \
			$GENL $CMD_TRACE "$A_TRACE:nest:{$SRC:bin:$a4,$DST:bin:$b4}"
		expect_eq "user namespace root" "$out" \
			"errno=1 msg=sgw configuration from a non-initial user namespace is disabled (module parameter allow_userns)"
		out=$(nobody unshare -Urn $GENL --dump 4) || fail "user namespace root cannot dump: $out"
	fi
	set +e
	out=$(ip netns exec "$n" "$SGWCTL" trace 192.0.2.1 fd00::1 2>&1)
	rc=$?
	set -e
	expect_eq "usage exit status" "$rc" 2
	expect_eq "usage message" "$(head -n 1 <<< "$out")" \
		"sgwctl: trace: SRC 192.0.2.1 and DST fd00::1 are of two families: give two IPv4 or two IPv6 addresses"
}

tests=(
	test_trace_outcomes "trace answers each outcome exactly, and real packets agree"
	test_trace_requests "trace requests: extack per attribute, admin only, usage errors"
)
run_selected "${SGW_TRACE_ONLY:-.}" "${tests[@]}"
