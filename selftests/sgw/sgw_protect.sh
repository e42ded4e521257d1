#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# protect-gateways = yes with IKE: after IKE_AUTH the daemons
# negotiate a second CHILD SA in transport mode whose selectors are the two
# SGW addresses, and traffic between the gateways travels in it, against
# sgw and against strongSwan's charon (a "mode = transport" child).
#
#   hA 10.1.0.2 -- gA 192.0.2.1 ==== 192.0.2.2 gB -- hB 10.2.0.2
#
# Captures are taken on gB's wan0; lengths come from RFC 4303.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ike_lib.sh"

ESP="python3 $here/esp.py"
NETS_A=10.1.0.0/24
NETS_B=10.2.0.0/24
IKE=aes128gcm16-prfsha256-ecp256
ESPP=aes128gcm16
LOG_NO_SA="sgw1: tunnel 1: no SA for transport mode (192.0.2.1 -> 192.0.2.2)"

# sgw_spi NS MODE DIR: the SPI (decimal) of the kernel SA of tunnel 1.
sgw_spi() {
	ip netns exec "$1" "$SGWCTL" -j sa show 1 2>/dev/null | python3 -c '
import json, sys
v = [s["spi"] for s in json.load(sys.stdin)["sas"]
     if s["mode"] == sys.argv[1] and s["dir"] == sys.argv[2]]
print(v[0] if len(v) == 1 else "%d SAs" % len(v))' "$2" "$3"
}

# sgw_sa_field NS SPI DIR FIELD
sgw_sa_field() {
	ip netns exec "$1" "$SGWCTL" -j sa show 1 2>/dev/null | python3 -c '
import json, sys
for s in json.load(sys.stdin)["sas"]:
    if s["spi"] == int(sys.argv[1]) and s["dir"] == sys.argv[2]:
        print(s[sys.argv[3]])' "$2" "$3" "$4"
}

# sgw_children NS: "MODE SPI_IN SPI_OUT LOCAL_TS REMOTE_TS" (decimal SPIs)
# of the daemon's current CHILD SAs, sorted.
sgw_children() {
	ip netns exec "$1" "$SGWCTL" -j show 1 | python3 -c '
import json, sys
t = json.load(sys.stdin)["tunnels"][0]["ike"]
for c in sorted(t["children"], key=lambda c: c["mode"]):
    if c["role"] != "replaced":
        print(c["mode"], c["spi_in"], c["spi_out"], ",".join(c["local_ts"]),
              ",".join(c["remote_ts"]))'
}

# drops NS REASON: the tunnel's drop counter.
drops() {
	ip netns exec "$1" "$SGWCTL" -j tunnel show sgw1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["tunnels"][0]["drops"][sys.argv[1]])' "$2"
}

# ct_count NAME: a counter of gA's ctcheck table.
ct_count() {
	ip netns exec "$gA" nft list counter inet ctcheck "$1" |
		sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

has_transport_child() {
	sgw_children "$1" | grep -q "^transport "
}

# charon_child NS CHILD FIELD: mode, in, out (hex) or in-packets of the
# charon CHILD SA named CHILD, from swanctl --list-sas.
charon_child() {
	swanctl_ns "$1" --list-sas 2>/dev/null | awk -v want="$2" -v f="$3" '
		/^  [a-z]+: #[0-9]+, reqid/ { name = $1; sub(":", "", name)
			mode[name] = $6; sub(",", "", mode[name]) }
		$1 == "in" { v = $2; sub(",", "", v); in_[name] = v; inp[name] = $5 }
		$1 == "out" { v = $2; sub(",", "", v); out[name] = v }
		END { if (f == "mode") print mode[want]; else if (f == "in") print in_[want];
		      else if (f == "out") print out[want]; else print inp[want] }'
}

charon_has_gw() {
	[ "$(charon_child "$1" gw mode)" = TRANSPORT ]
}

# charon_protect NS START [GW]: tunnel child "net" and, with GW=yes, the
# transport child "gw" between the gateways; START is start_action.
charon_protect() {
	local ns=$1 start=$2 gw=${3:-yes} f=$work/charon-$1/swanctl.conf

	{
		cat <<-EOC
		connections {
			c {
				version = 2
				local_addrs = 192.0.2.2
				remote_addrs = 192.0.2.1
				proposals = $IKE
				local {
					auth = psk
					id = 192.0.2.2
				}
				remote {
					auth = psk
					id = 192.0.2.1
				}
				children {
					net {
						local_ts = $NETS_B
						remote_ts = $NETS_A
						esp_proposals = $ESPP
						mode = tunnel
						start_action = $start
					}
		EOC
		[ "$gw" = yes ] && cat <<-EOC
					gw {
						esp_proposals = $ESPP
						mode = transport
						start_action = $start
					}
		EOC
		cat <<-EOC
				}
			}
		}
		secrets {
			ike-c {
				id-a = 192.0.2.2
				id-b = 192.0.2.1
				secret = "protect secret"
			}
		}
		EOC
	} > "$f"
	swanctl_ns "$ns" --load-all --noprompt --file "$f" \
		>> "$work/charon-$ns/swanctl.log" 2>&1 ||
		fail "swanctl could not load $f"
}

# ping_gw NS DST N: N pings between the gateways, all answered.
ping_gw() {
	ip netns exec "$1" ping -c "$3" -i 0.2 -W 2 -q "$2" > "$work/ping" ||
		fail "ping $2 from the gateway: $(cat "$work/ping"; ip netns exec "$gA" "$SGWCTL" show)"
}

# expect_esp WHAT PCAP EXPECTED: the ESP lines of the capture.
expect_esp() {
	expect_eq "$1" "$($ESP summary "$2" | grep '^esp ')" "$3"
}

# wire_ping TAG IN_SPI OUT_SPI SEQ0: ping 192.0.2.2 three times from gA and
# expect exactly six transport ESP packets of 120 bytes (IPv4 20 + ESP 8 +
# IV 8 + ALIGN(64 ICMP + 2, 4) + ICV 16) with these SPIs and numbers.
wire_ping() {
	local tag=$1 in=$2 out=$3 s=$4 want="" i

	cap_start "$gB" wan0 "$work/$tag.pcap"
	ping_gw "$gA" 192.0.2.2 3
	cap_stop
	for i in 1 2 3; do
		want+="esp 192.0.2.1 192.0.2.2 $out $((s + i)) 120"$'\n'
		want+="esp 192.0.2.2 192.0.2.1 $in $((s + i)) 120"$'\n'
	done
	expect_esp "$tag: SGW-to-SGW ping on the wire" "$work/$tag.pcap" "${want%$'\n'}"
	expect_eq "$tag: nothing else between the gateways" \
		"$($ESP summary "$work/$tag.pcap" | grep -v '^esp ' | grep -v ' 17 ' || true)" ""
}

protect_topo() {
	require_module
	require_cmd tcpdump python3 nft
	topo
	psk "$work/gw.psk" "protect secret"
	sgw_conf "$work/a.conf" gw 192.0.2.1 192.0.2.2 $NETS_A $NETS_B $IKE $ESPP \
		"protect-gateways = yes"
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
}

# ---------------------------------------------------------------- tests

# refreshed TR_OUT TA_OUT: A has two current CHILD SAs, neither with these
# outbound SPIs, and its kernel sends with both new ones.
refreshed() {
	local a tr ta

	a=$(sgw_children "$gA")
	[ "$(wc -l <<< "$a")" = 2 ] || return 1
	read -r _ _ tr _ <<< "$(grep ^transport <<< "$a")"
	read -r _ _ ta _ <<< "$(grep ^tunnel <<< "$a")"
	[ "$tr" != "$1" ] && [ "$ta" != "$2" ] &&
		[ "$(sgw_spi "$gA" transport out)" = "$tr" ] &&
		[ "$(sgw_spi "$gA" tunnel out)" = "$ta" ]
}

test_sgw_sgw() {
	local a b ta_in ta_out tr_in tr_out logged

	protect_topo
	sgw_conf "$work/b.conf" gw 192.0.2.2 192.0.2.1 $NETS_B $NETS_A $IKE $ESPP \
		"protect-gateways = yes"
	sgw_daemon "$gB" "$work/b.conf"
	ip -n "$gB" route add $NETS_A dev sgw1
	# The kernel tunnels carry the flag from the file.
	expect_match "A tunnel show" "$(ip netns exec "$gA" "$SGWCTL" tunnel show 1)" "protect-gateways on"
	expect_match "B tunnel show" "$(ip netns exec "$gB" "$SGWCTL" tunnel show 1)" "protect-gateways on"
	# Before IKE: nothing between the gateways gets through in clear.
	ip netns exec "$gA" ping -c 1 -W 1 -q 192.0.2.2 > /dev/null 2>&1 &&
		fail "ping between the gateways passed without an SA"
	expect_eq "no-transport-sa before IKE" "$(drops "$gA" no_transport_sa)" 1
	ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" ||
		{ cat "$work/up.out" "$work"/daemon-*.log; fail "up failed"; }
	wait_for 5 has_transport_child "$gB" ||
		fail "no transport CHILD SA at B: $(ip netns exec "$gB" "$SGWCTL" show)"
	wait_for 5 has_transport_child "$gA" ||
		fail "no transport CHILD SA at A: $(ip netns exec "$gA" "$SGWCTL" show)"
	a=$(sgw_children "$gA")
	b=$(sgw_children "$gB")
	read -r _ tr_in tr_out _ <<< "$(grep ^transport <<< "$a")"
	read -r _ ta_in ta_out _ <<< "$(grep ^tunnel <<< "$a")"
	expect_eq "A's CHILD SAs" "$a" "transport $tr_in $tr_out 192.0.2.1/32 192.0.2.2/32
tunnel $ta_in $ta_out $NETS_A $NETS_B"
	expect_eq "B's CHILD SAs, crosswise" "$b" "transport $tr_out $tr_in 192.0.2.2/32 192.0.2.1/32
tunnel $ta_out $ta_in $NETS_B $NETS_A"
	# The module has both pairs, each in its mode, as IKE made them.
	expect_eq "A kernel transport out" "$(sgw_spi "$gA" transport out)" "$tr_out"
	expect_eq "A kernel transport in" "$(sgw_spi "$gA" transport in)" "$tr_in"
	expect_eq "A kernel tunnel out" "$(sgw_spi "$gA" tunnel out)" "$ta_out"
	expect_eq "B kernel transport out" "$(sgw_spi "$gB" transport out)" "$tr_in"
	expect_match "show marks it" "$(ip netns exec "$gA" "$SGWCTL" show gw)" \
		"192.0.2.1/32 === 192.0.2.2/32, transport mode \(protect-gateways\)"
	expect_match "A's log" "$(cat "$work/daemon-$gA.log")" \
		"SGW-to-SGW CHILD SA in $(printf %08x "$tr_in") out $(printf %08x "$tr_out") established: transport mode, 192.0.2.1 <-> 192.0.2.2"

	# Conntrack on A: the echo requests' entries are confirmed before
	# they become ESP, so the decrypted replies are established.
	ip netns exec "$gA" nft -f - <<-'NFT'
	table inet ctcheck {
		counter est { }
		counter inv { }
		chain in {
			type filter hook input priority 0;
			ip saddr 192.0.2.2 icmp type echo-reply ct state established counter name est
			ip saddr 192.0.2.2 ct state invalid counter name inv
		}
	}
	NFT
	wire_ping sgw "$tr_in" "$tr_out" 0
	expect_eq "replies established in conntrack" "$(ct_count est)" 3
	expect_eq "invalid in conntrack" "$(ct_count inv)" 0
	expect_eq "A transport out packets" "$(sgw_sa_field "$gA" "$tr_out" out packets)" 3
	expect_eq "B transport in packets" "$(sgw_sa_field "$gB" "$tr_out" in packets)" 3
	# Site traffic keeps its tunnel SA: IPv4 20 + ESP 8 + IV 8 +
	# ALIGN(84 + 2, 4) + ICV 16 = 140 bytes, never ESP in ESP.
	cap_start "$gB" wan0 "$work/net.pcap"
	ip netns exec "$hA" ping -c 2 -i 0.2 -W 2 -q 10.2.0.2 > /dev/null ||
		fail "no ping between the sites"
	cap_stop
	expect_esp "site ping on the wire" "$work/net.pcap" "esp 192.0.2.1 192.0.2.2 $ta_out 1 140
esp 192.0.2.2 192.0.2.1 $ta_in 1 140
esp 192.0.2.1 192.0.2.2 $ta_out 2 140
esp 192.0.2.2 192.0.2.1 $ta_in 2 140"

	# sa refresh rekeys both CHILD SAs; both pairs are new, on both ends.
	ip netns exec "$gB" "$SGWCTL" sa refresh gw > /dev/null
	wait_for 10 refreshed "$tr_out" "$ta_out" ||
		fail "rekey did not settle: $(ip netns exec "$gA" "$SGWCTL" show)"
	a=$(sgw_children "$gA")
	read -r _ tr_in tr_out _ <<< "$(grep ^transport <<< "$a")"
	expect_eq "after refresh: B crosswise" "$(sgw_children "$gB" | grep ^transport)" \
		"transport $tr_out $tr_in 192.0.2.2/32 192.0.2.1/32"
	expect_eq "after refresh: A kernel transport out" "$(sgw_spi "$gA" transport out)" "$tr_out"
	ping_gw "$gA" 192.0.2.2 2

	# The transport SA removed behind the daemons' back: dropped,
	# counted and logged, the tunnel unharmed.
	ip netns exec "$gA" "$SGWCTL" sa del 1 dir out spi "$tr_out"
	sleep 1.1	# past the log's once-a-second limit
	logged=$(dmesg | grep -cF "$LOG_NO_SA" || true)
	ip netns exec "$gA" ping -c 2 -i 0.2 -W 1 -q 192.0.2.2 > /dev/null 2>&1 &&
		fail "ping between the gateways passed without an SA"
	expect_eq "no-transport-sa drops" "$(drops "$gA" no_transport_sa)" 3
	expect_eq "kernel log lines" $(($(dmesg | grep -cF "$LOG_NO_SA") - logged)) 1
	ip netns exec "$hA" ping -c 1 -W 2 -q 10.2.0.2 > /dev/null ||
		fail "site traffic broke with the transport SA"
	daemon_alive "$gA"
	daemon_alive "$gB"
}

# gw_rekeyed OLD: charon's gw child has a new inbound SPI, and it is the
# outbound transport SA in our kernel.
gw_rekeyed() {
	local now

	now=$(charon_child "$gB" gw in)
	[ -n "$now" ] && [ "$now" != "$1" ] &&
		[ "$(printf %08x "$(sgw_spi "$gA" transport out)" 2>/dev/null)" = "$now" ]
}

test_charon_responder() {
	local tr_in tr_out c_in c_out a old

	protect_topo
	ip -n "$gB" route add $NETS_A via 192.0.2.1
	charon_start "$gB"
	charon_protect "$gB" none
	ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" 2>&1 ||
		{ cat "$work/up.out" "$work/charon-$gB/charon.log"; fail "up failed"; }
	wait_for 5 charon_has_gw "$gB" ||
		{ swanctl_ns "$gB" --list-sas; tail -n 30 "$work/charon-$gB/charon.log"; fail "charon has no transport child"; }
	wait_for 5 has_transport_child "$gA" || fail "no transport child at sgw"
	expect_eq "charon's net child" "$(charon_child "$gB" net mode)" TUNNEL
	read -r _ tr_in tr_out _ <<< "$(sgw_children "$gA" | grep ^transport)"
	expect_eq "charon's gw in is our out" "$(charon_child "$gB" gw in)" "$(printf %08x "$tr_out")"
	expect_eq "charon's gw out is our in" "$(charon_child "$gB" gw out)" "$(printf %08x "$tr_in")"
	wire_ping charon "$tr_in" "$tr_out" 0
	expect_eq "charon's gw in packets" "$(charon_child "$gB" gw in-packets)" 3
	ping_ok "$hA" 10.2.0.2 || fail "no ping between the sites"

	# charon rekeys the transport child; sgw answers, traffic follows.
	swanctl_ns "$gB" --rekey --child gw > /dev/null
	old=$(printf %08x "$tr_out")
	wait_for 10 gw_rekeyed "$old" ||
		fail "charon's rekey did not settle: $(ip netns exec "$gA" "$SGWCTL" show; swanctl_ns "$gB" --list-sas)"
	sleep 2.5	# the replaced inbound SA's grace
	a=$(sgw_children "$gA" | grep ^transport)
	read -r _ c_in c_out _ <<< "$a"
	[ "$c_out" != "$tr_out" ] || fail "transport SA not rekeyed: $a"
	expect_eq "after charon's rekey: in" "$(charon_child "$gB" gw in)" "$(printf %08x "$c_out")"
	expect_eq "after charon's rekey: out" "$(charon_child "$gB" gw out)" "$(printf %08x "$c_in")"
	expect_eq "sgw kernel transport out" "$(sgw_spi "$gA" transport out)" "$c_out"
	wire_ping rekeyed "$c_in" "$c_out" 0
}

test_charon_initiator() {
	local tr_in tr_out before

	protect_topo
	ip -n "$gB" route add $NETS_A via 192.0.2.1
	charon_start "$gB"
	# charon starts both children: "net" in IKE_AUTH, "gw" after it.
	charon_protect "$gB" start
	wait_for 15 has_transport_child "$gA" ||
		{ ip netns exec "$gA" "$SGWCTL" show; tail -n 30 "$work/charon-$gB/charon.log"; fail "no transport child from charon"; }
	expect_eq "we responded" "$(sgw_field "$gA" initiator)" False
	read -r _ tr_in tr_out _ <<< "$(sgw_children "$gA" | grep ^transport)"
	expect_match "A's log" "$(cat "$work/daemon-$gA.log")" \
		"SGW-to-SGW CHILD SA in $(printf %08x "$tr_in") out $(printf %08x "$tr_out") established by the peer: transport mode, 192.0.2.1 <-> 192.0.2.2"
	expect_eq "charon's gw in is our out" "$(charon_child "$gB" gw in)" "$(printf %08x "$tr_out")"
	wire_ping initiator "$tr_in" "$tr_out" 0

	# A peer without a transport child: refused, said plainly, retried;
	# the tunnel works and SGW-to-SGW traffic is dropped, not sent clear.
	swanctl_ns "$gB" --terminate --ike c > /dev/null 2>&1 || true
	ip netns exec "$gA" "$SGWCTL" down gw > /dev/null
	charon_protect "$gB" none no
	ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" 2>&1 ||
		{ cat "$work/up.out"; fail "up failed"; }
	wait_for 5 grep -qF "no SGW-to-SGW CHILD SA (protect-gateways): peer 192.0.2.2:500 refused it: TS_UNACCEPTABLE; traffic between 192.0.2.1 and 192.0.2.2 other than IKE is dropped until there is one; trying again in 2 s" "$work/daemon-$gA.log" ||
		{ tail -n 20 "$work/daemon-$gA.log"; fail "refusal not logged"; }
	ping_ok "$hA" 10.2.0.2 || fail "no ping between the sites"
	before=$(drops "$gA" no_transport_sa)
	ip netns exec "$gA" ping -c 2 -i 0.2 -W 1 -q 192.0.2.2 > /dev/null 2>&1 &&
		fail "ping between the gateways passed without a transport SA"
	expect_eq "no-transport-sa drops" "$(drops "$gA" no_transport_sa)" $((before + 2))
	sgw_children "$gA" | grep -q ^transport && fail "a transport child appeared"
	daemon_alive "$gA"
}

require_cmd ping

ktap_begin 3
run_test "protect-gateways sgw <-> sgw: transport CHILD SA by IKE, exact ESP on the wire, site SA apart, rekey, SA removed: dropped and logged" test_sgw_sgw
run_test "protect-gateways against charon as responder (mode = transport child): exact ESP, charon's counters, charon's rekey" test_charon_responder
run_test "protect-gateways against charon as initiator; a peer without the transport child: refused, logged, dropped" test_charon_initiator
ktap_end
