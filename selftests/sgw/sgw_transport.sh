#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SGW-to-SGW protection: with protect-gateways on, traffic between
# a tunnel's two SGW addresses other than IKE travels as transport-mode
# ESP, against the kernel's own xfrm and against sgw.
#
#   gA (sgw) a0 ===== b0 gB (xfrm or sgw)
#   192.0.2.1            198.51.100.1
#   2001:db8:a::1        2001:db8:b::1
#
# Captures are taken on b0; expected lengths come from RFC 4303, never from
# the output under test.

. "$(dirname "$0")/lib.sh"

ESP="python3 $here/esp.py"
A4=192.0.2.1 B4=198.51.100.1
A6=2001:db8:a::1 B6=2001:db8:b::1
SPI_AB=0x3001	# gA -> gB
SPI_BA=0x3002	# gB -> gA
KEY_AB=00112233445566778899aabbccddeeff01020304
KEY_BA=ffeeddccbbaa99887766554433221100a0b0c0d0
LOG_NO_SA="sgw1: tunnel 1: no SA for transport mode ($A4 -> $B4)"

n_exec() {
	local ns=$1

	shift
	ip netns exec "$ns" "$@"
}

ctl() {
	local ns=$1

	shift
	ip netns exec "$ns" "$SGWCTL" "$@"
}

# sa_get NS DIR SPI FIELD
sa_get() {
	ctl "$1" -j sa show 2> /dev/null | python3 -c "
import json, sys
for s in json.load(sys.stdin)['sas']:
    if s['dir'] == '$2' and s['spi'] == $(($3)):
        print(s['${4//-/_}'])"
}

# drop NS REASON
drop() {
	ctl "$1" -j tunnel show sgw1 | python3 -c "
import json, sys
d = json.load(sys.stdin)
print(d['tunnels'][0]['drops']['${2//-/_}'])"
}

tmpdir() {
	tmp=$(mktemp -d /tmp/sgw-tr.XXXXXX)
	defer rm -rf "$tmp"
}

# Two gateways on one link; static neighbours, so no ARP or neighbour
# discovery ever crosses the link between the SGW addresses.
topo() {
	setup_ns gA gB
	ip -n "$gA" link add a0 type veth peer name b0 netns "$gB"
	ip -n "$gA" -batch - <<-EOF
	link set a0 address 02:00:00:00:00:0a
	addr add $A4/24 dev a0
	addr add $A6/64 dev a0 nodad
	link set a0 up
	route add $B4/32 dev a0
	route add $B6/128 dev a0
	neigh replace $B4 lladdr 02:00:00:00:00:0b dev a0 nud permanent
	neigh replace $B6 lladdr 02:00:00:00:00:0b dev a0 nud permanent
	EOF
	ip -n "$gB" -batch - <<-EOF
	link set b0 address 02:00:00:00:00:0b
	addr add $B4/24 dev b0
	addr add $B6/64 dev b0 nodad
	link set b0 up
	route add $A4/32 dev b0
	route add $A6/128 dev b0
	neigh replace $A4 lladdr 02:00:00:00:00:0a dev b0 nud permanent
	neigh replace $A6 lladdr 02:00:00:00:00:0a dev b0 nud permanent
	EOF
}

# sgw_side NS ID LOCAL REMOTE SPI_OUT KEY_OUT SPI_IN KEY_IN
sgw_side() {
	ctl "$1" tunnel add id "$2" local "$3" remote "$4" protect-gateways on > /dev/null
	echo "$6" | ctl "$1" sa add "$2" dir out spi "$5" mode transport \
		alg aes-gcm-128 key-file -
	echo "$8" | ctl "$1" sa add "$2" dir in spi "$7" mode transport \
		alg aes-gcm-128 key-file -
}

# The kernel's ESP on gB: transport SAs and policies for the SGW pair,
# IKE (UDP 500 and 4500) in clear.
xfrm_peer() {
	local a=$1 b=$2 p

	ip -n "$gB" -batch - <<-EOF
	xfrm state add src $a dst $b proto esp spi $SPI_AB mode transport aead rfc4106(gcm(aes)) 0x$KEY_AB 128
	xfrm state add src $b dst $a proto esp spi $SPI_BA mode transport aead rfc4106(gcm(aes)) 0x$KEY_BA 128
	xfrm policy add src $b dst $a dir out priority 200 tmpl proto esp mode transport
	xfrm policy add src $a dst $b dir in priority 200 tmpl proto esp mode transport
	EOF
	for p in 500 4500; do
		ip -n "$gB" -batch - <<-EOF
		xfrm policy add src $b dst $a proto udp sport $p dir out priority 100
		xfrm policy add src $b dst $a proto udp dport $p dir out priority 100
		xfrm policy add src $a dst $b proto udp sport $p dir in priority 100
		xfrm policy add src $a dst $b proto udp dport $p dir in priority 100
		EOF
	done
}

# udp_clear NS_FROM NS_TO SRC DST PORT: one datagram from SRC:PORT arrives.
udp_clear() {
	local got

	n_exec "$2" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('$4', $5))
s.settimeout(5)
print(s.recvfrom(64)[0].decode())" > "$tmp/udp" &
	# Send only once the receiver is bound: python starts slowly under TCG.
	for _ in $(seq 50); do
		[ -n "$(n_exec "$2" ss -Hlun "sport = :$5")" ] && break
		sleep 0.1
	done
	n_exec "$1" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('$3', $5))
s.sendto(b'ike$5', ('$4', $5))"
	wait $! || true
	got=$(cat "$tmp/udp")
	expect_eq "UDP $5 datagram through the protection" "$got" "ike$5"
}

# ---------------------------------------------------------------- tests

test_xfrm4() {
	local want got i

	tmpdir
	topo
	sgw_side "$gA" 1 $A4 $B4 $SPI_AB $KEY_AB $SPI_BA $KEY_BA
	xfrm_peer $A4 $B4
	expect_match "tunnel show" "$(ctl "$gA" tunnel show 1)" \
		"local $A4  remote $B4  protect-gateways on"
	expect_match "sa show: transport mode" "$(ctl "$gA" -j sa show 2> /dev/null)" \
		"\"dir\":\"out\",\"spi\":$((SPI_AB)),\"alg\":\"aes-gcm-128\",\"mode\":\"transport\""

	# Ping between the gateways: ESP both ways, nothing in clear.
	cap_start "$gB" b0 "$tmp/ping.pcap"
	n_exec "$gA" ping -c 3 -i 0.2 -W 2 -q $B4 > "$tmp/ping" ||
		fail "ping: $(cat "$tmp/ping")"
	cap_stop
	# IPv4 20 + ESP 8 + IV 8 + ALIGN(64 + 2, 4) + ICV 16 = 120 bytes.
	want="esp $A4 $B4 $((SPI_AB)) 1 120
esp $B4 $A4 $((SPI_BA)) 1 120
esp $A4 $B4 $((SPI_AB)) 2 120
esp $B4 $A4 $((SPI_BA)) 2 120
esp $A4 $B4 $((SPI_AB)) 3 120
esp $B4 $A4 $((SPI_BA)) 3 120"
	got=$($ESP summary "$tmp/ping.pcap")
	expect_eq "captured packets" "$got" "$want"
	# Decrypted: 64 bytes of ICMP, next header 1, 2 bytes of padding.
	got=$($ESP decrypt "$tmp/ping.pcap" --alg aes-gcm-128 --key $KEY_AB --spi $((SPI_AB)))
	expect_eq "gA's ESP decrypted (seq, len, payload, nh, pad, pad ok, proto)" \
		"$got" "1 120 64 1 2 1 1
2 120 64 1 2 1 1
3 120 64 1 2 1 1"
	expect_eq "out SA packets" "$(sa_get "$gA" out $SPI_AB packets)" 3
	expect_eq "out SA bytes" "$(sa_get "$gA" out $SPI_AB bytes)" 252
	expect_eq "in SA packets" "$(sa_get "$gA" in $SPI_BA packets)" 3
	expect_eq "in SA bytes" "$(sa_get "$gA" in $SPI_BA bytes)" 252

	# TCP (GSO segments, checksums) and IKE in clear.
	cap_start "$gB" b0 "$tmp/tcp.pcap"
	n_exec "$gB" iperf3 -s -1 -B $B4 -D
	sleep 0.5
	n_exec "$gA" timeout 40 iperf3 -c $B4 -B $A4 -n 512K > "$tmp/iperf" ||
		fail "iperf3: $(tail -n 5 "$tmp/iperf"; dmesg | tail -n 20; ctl "$gA" -j sa show; ctl "$gA" tunnel show)"
	udp_clear "$gA" "$gB" $A4 $B4 500
	udp_clear "$gA" "$gB" $A4 $B4 4500
	cap_stop
	got=$($ESP summary "$tmp/tcp.pcap" | grep -v "^esp " | sort)
	# IPv4 20 + UDP 8 + "ike500" or "ike4500".
	expect_eq "not ESP on the wire" "$got" "other $A4 $B4 17 34
other $A4 $B4 17 35"
	# Full-size segments leave as fragmented ESP (1500-byte first
	# fragments, which do not decrypt alone); every whole one is TCP.
	$ESP decrypt "$tmp/tcp.pcap" --alg aes-gcm-128 --key $KEY_AB \
		--spi $((SPI_AB)) | awk '$2 != 1500' > "$tmp/dec" || true
	got=$(awk '$7 != 6 || $6 != 1' "$tmp/dec" | head -n 3)
	expect_eq "gA's whole ESP packets in the TCP run: TCP, padding right" "$got" ""
	[ "$(wc -l < "$tmp/dec")" -ge 10 ] || fail "only $(wc -l < "$tmp/dec") whole ESP packets"

	# Replayed: the second and first ESP packet from gB again.
	n_exec "$gB" $ESP resend "$tmp/ping.pcap" --iface b0 --spi $((SPI_BA)) --index 1
	n_exec "$gB" $ESP resend "$tmp/ping.pcap" --iface b0 --spi $((SPI_BA)) --index 0
	for i in $(seq 30); do
		[ "$(drop "$gA" replay)" = 2 ] && break
		sleep 0.1
	done
	expect_eq "replay drops" "$(drop "$gA" replay)" 2
	expect_eq "auth-failed drops" "$(drop "$gA" auth-failed)" 0
}

test_no_sa() {
	local before after got

	tmpdir
	topo
	sgw_side "$gA" 1 $A4 $B4 $SPI_AB $KEY_AB $SPI_BA $KEY_BA
	ctl "$gA" sa del 1 dir out spi $SPI_AB
	# Inbound SPIs are one space for both modes.
	expect_fail "inbound SPI taken by a transport SA" \
		ctl "$gA" sa add 1 dir in spi $SPI_BA alg aes-gcm-128 key-file - <<< "$KEY_BA"
	expect_match "refusal" "$out" "inbound SPI 0x00003002 already in use for this local address"
	expect_eq "SAs left" "$(ctl "$gA" -j sa show 2> /dev/null | python3 -c 'import json,sys; print([(s["dir"], s["spi"], s["mode"]) for s in json.load(sys.stdin)["sas"]])')" \
		"[('in', $((SPI_BA)), 'transport')]"
	before=$(dmesg | grep -cF "$LOG_NO_SA" || true)
	cap_start "$gB" b0 "$tmp/nosa.pcap"
	n_exec "$gA" ping -c 2 -i 0.2 -W 1 -q $B4 > /dev/null 2>&1 &&
		fail "ping got through without a transport SA"
	udp_clear "$gA" "$gB" $A4 $B4 500
	cap_stop
	expect_eq "no-transport-sa drops" "$(drop "$gA" no-transport-sa)" 2
	after=$(dmesg | grep -cF "$LOG_NO_SA" || true)
	expect_eq "log lines (one per second at most)" $((after - before)) 1
	expect_eq "on the wire" "$($ESP summary "$tmp/nosa.pcap")" "other $A4 $B4 17 34"

	# protect-gateways off: the gateways talk in clear again.
	ctl "$gA" tunnel set 1 protect-gateways off
	expect_fail "tunnel show" grep -q protect-gateways <<< "$(ctl "$gA" tunnel show 1)"
	cap_start "$gB" b0 "$tmp/off.pcap"
	n_exec "$gA" ping -c 1 -W 2 -q $B4 > /dev/null || fail "clear ping failed"
	cap_stop
	expect_eq "on the wire" "$($ESP summary "$tmp/off.pcap")" "other $A4 $B4 1 84
other $B4 $A4 1 84"
	expect_eq "no-transport-sa drops" "$(drop "$gA" no-transport-sa)" 2

	# A disabled tunnel protects nothing either.
	ctl "$gA" tunnel set 1 protect-gateways on enabled no
	n_exec "$gA" ping -c 1 -W 2 -q $B4 > /dev/null ||
		fail "ping with the tunnel disabled failed"
	expect_eq "no-transport-sa drops" "$(drop "$gA" no-transport-sa)" 2
}

test_sgw6() {
	local got

	tmpdir
	topo
	sgw_side "$gA" 1 $A6 $B6 $SPI_AB $KEY_AB $SPI_BA $KEY_BA
	sgw_side "$gB" 1 $B6 $A6 $SPI_BA $KEY_BA $SPI_AB $KEY_AB
	cap_start "$gB" b0 "$tmp/ping6.pcap"
	n_exec "$gA" ping -6 -c 2 -i 0.2 -W 2 -q $B6 > "$tmp/ping" ||
		fail "ping: $(cat "$tmp/ping")"
	cap_stop
	# IPv6 40 + ESP 8 + IV 8 + ALIGN(64 + 2, 4) + ICV 16 = 140 bytes.
	expect_eq "captured packets" "$($ESP summary "$tmp/ping6.pcap")" \
		"esp $A6 $B6 $((SPI_AB)) 1 140
esp $B6 $A6 $((SPI_BA)) 1 140
esp $A6 $B6 $((SPI_AB)) 2 140
esp $B6 $A6 $((SPI_BA)) 2 140"
	got=$($ESP decrypt "$tmp/ping6.pcap" --alg aes-gcm-128 --key $KEY_BA --spi $((SPI_BA)))
	expect_eq "gB's ESP decrypted" "$got" "1 140 64 58 2 1 58
2 140 64 58 2 1 58"
	# 40 + 64 bytes per packet.
	expect_eq "gA out SA bytes" "$(sa_get "$gA" out $SPI_AB bytes)" 208
	expect_eq "gB in SA packets" "$(sa_get "$gB" in $SPI_AB packets)" 2
	expect_eq "gB out SA packets" "$(sa_get "$gB" out $SPI_BA packets)" 2

	# TCP over IPv6 between the gateways.
	n_exec "$gB" iperf3 -s -1 -B $B6 -D
	sleep 0.5
	n_exec "$gA" timeout 40 iperf3 -c $B6 -B $A6 -n 256K > "$tmp/iperf" ||
		fail "iperf3: $(tail -n 5 "$tmp/iperf"; dmesg | tail -n 20; ctl "$gA" -j sa show; ctl "$gA" tunnel show)"
	expect_eq "gB auth-failed" "$(drop "$gB" auth-failed)" 0
	expect_eq "gA malformed" "$(drop "$gA" malformed)" 0
}

# A port forward on gA (PREROUTING DNAT) that rewrites the destination of
# decrypted SGW-to-SGW traffic: the plaintext's input route is gone and
# must be looked up again, IPv4 and IPv6.
test_dnat() {
	local got

	tmpdir
	topo
	sgw_side "$gA" 1 $A4 $B4 $SPI_AB $KEY_AB $SPI_BA $KEY_BA
	sgw_side "$gB" 1 $B4 $A4 $SPI_BA $KEY_BA $SPI_AB $KEY_AB
	sgw_side "$gA" 2 $A6 $B6 0x3003 $KEY_AB 0x3004 $KEY_BA
	sgw_side "$gB" 2 $B6 $A6 0x3004 $KEY_BA 0x3003 $KEY_AB
	ip -n "$gA" addr add 10.9.9.9/32 dev lo
	ip -n "$gA" addr add fd00:9::9/128 dev lo
	n_exec "$gA" nft -f - <<-EOF
	table inet sgwt_nat {
		chain pre {
			type nat hook prerouting priority dstnat; policy accept;
			ip daddr $A4 tcp dport 8080 dnat ip to 10.9.9.9:7000
			ip6 daddr $A6 tcp dport 8080 dnat ip6 to [fd00:9::9]:7000
		}
	}
	EOF
	# One server for both families: IPv4 arrives v4-mapped.
	n_exec "$gA" timeout 60 python3 -c "
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('::', 7000))
s.listen(2)
for _ in range(2):
    c, a = s.accept()
    c.sendall(b'to ' + a[0].encode() + b': ' + c.recv(16))
    c.close()" > "$tmp/srv" 2>&1 &
	defer kill $!
	for _ in $(seq 50); do
		[ -n "$(n_exec "$gA" ss -Hltn "sport = :7000")" ] && break
		sleep 0.1
	done
	got=$(n_exec "$gB" timeout 30 python3 -c "
import socket
for dst in ('$A4', '$A6'):
    c = socket.create_connection((dst, 8080), timeout=10)
    c.sendall(b'hello')
    print(c.recv(64).decode())
    c.close()" 2>&1) || true
	expect_eq "replies through the port forward" "$got" \
		"to ::ffff:$B4: hello
to $B6: hello"
	# The requests came as transport ESP: SYN, ACK, data, FIN and more.
	[ "$(sa_get "$gA" in $SPI_BA packets)" -ge 3 ] ||
		fail "IPv4: only $(sa_get "$gA" in $SPI_BA packets) packets on gA's inbound SA"
	[ "$(sa_get "$gA" in 0x3004 packets)" -ge 3 ] ||
		fail "IPv6: only $(sa_get "$gA" in 0x3004 packets) packets on gA's inbound SA"
}

# SCTP between the gateways: the veth offloads SCTP's CRC32c, which must
# be computed as a CRC (not as an Internet checksum) before encryption.
test_sctp() {
	local got

	modprobe sctp 2> /dev/null || skip "no SCTP in this kernel"
	tmpdir
	topo
	sgw_side "$gA" 1 $A4 $B4 $SPI_AB $KEY_AB $SPI_BA $KEY_BA
	sgw_side "$gB" 1 $B4 $A4 $SPI_BA $KEY_BA $SPI_AB $KEY_AB
	n_exec "$gB" timeout 30 python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
s.bind(('$B4', 7001))
s.listen(1)
c, _ = s.accept()
c.sendall(b'sctp ' + c.recv(16))
c.close()" > /dev/null 2>&1 &
	defer kill $!
	# Listening: its endpoint shows with local port 7001 (column 6).
	for _ in $(seq 100); do
		n_exec "$gB" awk '$6 == 7001 { f = 1 } END { exit !f }' \
			/proc/net/sctp/eps 2> /dev/null && break
		sleep 0.1
	done
	got=$(n_exec "$gA" timeout 20 python3 -c "
import socket
c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
c.settimeout(10)
c.bind(('$A4', 0))
c.connect(('$B4', 7001))
c.sendall(b'hello')
print(c.recv(32).decode())" 2>&1) || true
	expect_eq "SCTP through the protection" "$got" "sctp hello"
	[ "$(sa_get "$gB" in $SPI_AB packets)" -ge 3 ] ||
		fail "only $(sa_get "$gB" in $SPI_AB packets) packets on gB's inbound SA"
}

# pktinfo NS_TO NS_FROM SRC DST PORT: one UDP datagram from SRC to DST;
# prints the interface index the receiver's IP_PKTINFO / IPV6_PKTINFO
# gives it (read from the packet's IP control block).
pktinfo() {
	local fam=AF_INET

	[[ $4 == *:* ]] && fam=AF_INET6
	n_exec "$1" python3 -c "
import socket, struct
IP_PKTINFO = 8  # linux/in.h; Python does not name it
s = socket.socket(socket.$fam, socket.SOCK_DGRAM)
if socket.$fam == socket.AF_INET:
    s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
else:
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
s.bind(('$4', $5))
s.settimeout(5)
_, anc, _, _ = s.recvmsg(64, 256)
for level, kind, data in anc:
    if kind == IP_PKTINFO and level == socket.IPPROTO_IP:
        print(struct.unpack_from('i', data)[0])
    if kind == socket.IPV6_PKTINFO and level == socket.IPPROTO_IPV6:
        print(struct.unpack_from('i', data, 16)[0])" > "$tmp/pktinfo" &
	for _ in $(seq 50); do
		[ -n "$(n_exec "$1" ss -Hlun "sport = :$5")" ] && break
		sleep 0.1
	done
	n_exec "$2" python3 -c "
import socket
s = socket.socket(socket.$fam, socket.SOCK_DGRAM)
s.bind(('$3', 0))
s.sendto(b'x', ('$4', $5))"
	wait $! || true
	cat "$tmp/pktinfo"
}

# Decrypted transport packets re-enter the stack with the IP control
# block the stack gave them on arrival: sockets see the real input
# interface (and nothing of sgw's own state).
test_ip_cb() {
	local ifindex

	tmpdir
	topo
	sgw_side "$gA" 1 $A4 $B4 $SPI_AB $KEY_AB $SPI_BA $KEY_BA
	sgw_side "$gB" 1 $B4 $A4 $SPI_BA $KEY_BA $SPI_AB $KEY_AB
	sgw_side "$gA" 2 $A6 $B6 0x3003 $KEY_AB 0x3004 $KEY_BA
	sgw_side "$gB" 2 $B6 $A6 0x3004 $KEY_BA 0x3003 $KEY_AB
	ifindex=$(n_exec "$gA" cat /sys/class/net/a0/ifindex)
	expect_eq "IPv4: IP_PKTINFO interface of a transport ESP datagram" \
		"$(pktinfo "$gA" "$gB" $B4 $A4 7000)" "$ifindex"
	expect_eq "IPv6: IPV6_PKTINFO interface of a transport ESP datagram" \
		"$(pktinfo "$gA" "$gB" $B6 $A6 7001)" "$ifindex"
	expect_eq "gA in SA packets (IPv4)" "$(sa_get "$gA" in $SPI_BA packets)" 1
	expect_eq "gA in SA packets (IPv6)" "$(sa_get "$gA" in 0x3004 packets)" 1
}

require_module
require_cmd ping tcpdump iperf3 python3 nft

ktap_begin 6
run_test "transport ESP against the kernel's xfrm (IPv4): ping, exact bytes, counters, TCP, IKE in clear, replay" test_xfrm4
run_test "no transport SA: dropped, counted, logged once; protect-gateways off or tunnel disabled: clear" test_no_sa
run_test "sgw <-> sgw transport ESP (IPv6): ping, exact bytes, counters, TCP" test_sgw6
run_test "decrypted transport traffic through a PREROUTING DNAT port forward (IPv4, IPv6)" test_dnat
run_test "SCTP between the gateways (CRC32c offload)" test_sctp
run_test "transport receive keeps the IP control block: IP_PKTINFO / IPV6_PKTINFO interface" test_ip_cb
ktap_end
