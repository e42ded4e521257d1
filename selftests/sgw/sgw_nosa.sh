#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "No SA" and the daemon's tunnel controls: a packet that finds
# its tunnel without an outbound SA is held and an acquire event asks the
# IKE daemon to negotiate; the held packets leave once the SA is there, or
# are dropped and counted after the timeout, with one log line each.
#
#   hA 10.1.0.2 -- gA 192.0.2.1 == 192.0.2.2 gB -- hB 10.2.0.2   (ike_lib.sh)

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ike_lib.sh"

x() { ip netns exec "$@"; }
load_ipsec_modules

# tfield NS EXPR: EXPR of tunnel 1's JSON object t, e.g. "t['drops']['no_sa']".
tfield() {
	x "$1" "$SGWCTL" -j tunnel show 1 | python3 -c "import json, sys
t = json.load(sys.stdin)['tunnels'][0]
print($2)"
}

devstat() { # NS COUNTER
	x "$1" cat "/sys/class/net/nosa1/statistics/$2"
}

# Kernel log lines since the mark, matching a fixed string: their count.
log_mark() { log_from=$(dmesg | wc -l); }
log_count() {
	dmesg | tail -n +$((log_from + 1)) | grep -cF -- "$1" || true
}

# A manually keyed tunnel nosa1 (id 1) in gA (and gB): addresses, routes.
manual_pair() {
	key=$work/key
	(umask 077; echo 0102030405060708090a0b0c0d0e0f1011121314 > "$key")
	x "$gA" "$SGWCTL" tunnel add id 1 name nosa1 local 192.0.2.1 remote 192.0.2.2 > /dev/null
	x "$gB" "$SGWCTL" tunnel add id 1 name nosa1 local 192.0.2.2 remote 192.0.2.1 > /dev/null
	ip -n "$gA" link set nosa1 up
	ip -n "$gB" link set nosa1 up
	ip -n "$gA" route add 10.2.0.0/24 dev nosa1
	ip -n "$gB" route add 10.1.0.0/24 dev nosa1
}

sa() { # NS DIR SPI
	x "$1" "$SGWCTL" sa add 1 dir "$2" spi "$3" alg aes-gcm-128 key-file "$key"
}

# monitor_start NS FILE [OPTION...]: sgwctl -j monitor there until the
# test ends.
monitor_start() {
	local ns=$1 out=$2

	shift 2
	bg_in "$ns" "$out" timeout 30 "$SGWCTL" -j monitor "$@"
	wait_subscribed "$ns" || fail "sgwctl monitor did not subscribe: $(cat "$out")"
}

test_hold_timeout() {
	require_module
	topo
	manual_pair
	log_mark
	# No IKE daemon is registered: nobody could negotiate.
	x "$hA" ping -q -c 2 -i 0.2 -W 1 10.2.0.2 > /dev/null 2>&1 || true
	expect_eq "no-sa drops without a daemon" "$(tfield "$gA" "t['drops']['no_sa']")" 2
	expect_eq "held without a daemon" "$(tfield "$gA" "t['events']['held']")" 0
	expect_eq "log line without a daemon" "$(log_count \
		"nosa1: tunnel 1: no SA: dropped 10.1.0.2 -> 10.2.0.2: no IKE daemon is registered to negotiate")" 1
	sleep 1.1	# the per-tunnel rate limit
	monitor_start "$gA" "$work/events" --hold
	x "$hA" ping -q -c 3 -i 0.2 -W 1 10.2.0.2 > /dev/null 2>&1 || true
	expect_eq "held" "$(tfield "$gA" "t['events']['held']")" 3
	expect_eq "acquire events" "$(tfield "$gA" "t['events']['acquire']")" 1
	expect_eq "not yet timed out" "$(tfield "$gA" "t['drops']['hold_timeout']")" 0
	expect_eq "event" "$(cat "$work/events")" \
		'{"version":1,"event":"acquire","tunnel":1,"src":"10.1.0.2","dst":"10.2.0.2"}'
	wait_for 8 sh -c "[ \"\$(ip netns exec $gA $SGWCTL -j tunnel show 1 | grep -o '\"hold_timeout\":3')\" ]" ||
		fail "held packets not dropped after the timeout"
	expect_eq "tx_dropped" "$(devstat "$gA" tx_dropped)" 5
	expect_eq "tx_packets" "$(devstat "$gA" tx_packets)" 0
	expect_eq "held-sent" "$(tfield "$gA" "t['events']['held_sent']")" 0
	expect_eq "holding log line" "$(log_count \
		"nosa1: tunnel 1: no SA: holding 10.1.0.2 -> 10.2.0.2 and asking the IKE daemon to negotiate")" 1
	expect_eq "timeout log line" "$(log_count \
		"nosa1: tunnel 1: no SA within 5 s: dropped 3 held packets")" 1
	out=$(x "$gA" "$SGWCTL" tunnel show 1)
	expect_match "shown" "$out" "drops: no-sa 2, hold-timeout 3"
	expect_match "shown events" "$out" "events: held 3, acquire 1"
}

# trace_daemon NS SRC DST: what sgwctl trace says of the IKE daemon for
# that packet into nosa1 (true: it would be held).
trace_daemon() {
	x "$1" "$SGWCTL" -j trace "$2" "$3" | python3 -c "import json, sys
print(str(json.load(sys.stdin)['ike_daemon']).lower())"
}

# Holding follows this namespace's own registered negotiator: a passive
# monitor here, or a negotiator in another namespace, leaves packets
# without an SA dropped as no-sa; one negotiator per namespace; its end
# ends the holding.
test_hold_own_namespace() {
	local out

	require_module
	topo
	manual_pair
	monitor_start "$gA" "$work/events-a"
	monitor_start "$gB" "$work/events-b" --hold
	x "$hA" ping -q -c 2 -i 0.2 -W 1 10.2.0.2 > /dev/null 2>&1 || true
	expect_eq "no-sa drops" "$(tfield "$gA" "t['drops']['no_sa']")" 2
	expect_eq "held" "$(tfield "$gA" "t['events']['held']")" 0
	expect_eq "gB's negotiator, traced in gB" "$(trace_daemon "$gB" 10.2.0.2 10.1.0.2)" true

	monitor_start "$gA" "$work/hold-a" --hold
	hold_pid=$bg_pid
	# gA has a subscribed monitor already: wait for the registration.
	wait_for 5 sh -c "[ \"\$(ip netns exec $gA $SGWCTL -j trace 10.1.0.2 10.2.0.2 | grep -o '\"ike_daemon\":true')\" ]" ||
		fail "monitor --hold did not register in gA: $(cat "$work/hold-a")"
	x "$hA" ping -q -c 1 -W 1 10.2.0.2 > /dev/null 2>&1 || true
	expect_eq "held with gA's negotiator" "$(tfield "$gA" "t['events']['held']")" 1
	out=$(x "$gA" "$SGWCTL" monitor --hold 2>&1) && fail "a second negotiator was accepted"
	expect_eq "second negotiator refused" "$out" \
		"sgwctl: monitor: --hold: another IKE daemon is registered in this network namespace; only one IKE daemon (or monitor --hold) per network namespace"

	# Its socket closed, nobody negotiates: dropped as no-sa again.
	kill "$hold_pid"
	wait "$hold_pid" 2>/dev/null || true
	wait_for 5 sh -c "[ \"\$(ip netns exec $gA $SGWCTL -j trace 10.1.0.2 10.2.0.2 | grep -o '\"ike_daemon\":false')\" ]" ||
		fail "the negotiator's end left gA holding: $(trace_daemon "$gA" 10.1.0.2 10.2.0.2)"
	sleep 1.1	# the per-tunnel rate limit of the log line
	log_mark
	x "$hA" ping -q -c 1 -W 1 10.2.0.2 > /dev/null 2>&1 || true
	expect_eq "no-sa drops after" "$(tfield "$gA" "t['drops']['no_sa']")" 3
	expect_eq "log line after" "$(log_count \
		"nosa1: tunnel 1: no SA: dropped 10.1.0.2 -> 10.2.0.2: no IKE daemon is registered to negotiate")" 1
}

# all_but_outbound: the manual pair with every SA but gA's outbound one,
# and sgwctl monitor --hold standing in for the IKE daemon, so gA holds
# what it should send.
all_but_outbound() {
	require_module
	topo
	manual_pair
	sa "$gA" in 0x2001
	sa "$gB" out 0x2001
	sa "$gB" in 0x1001
	monitor_start "$gA" "$work/events" --hold
}

test_hold_release() {
	all_but_outbound
	# Ten echo requests, eight places: the first two are pushed out.
	x "$hA" ping -q -c 10 -i 0.05 -W 6 10.2.0.2 > "$work/ping" 2>&1 &
	ping_pid=$!
	wait_for 5 sh -c "[ \"\$(ip netns exec $gA $SGWCTL -j tunnel show 1 | grep -o '\"held\":10,')\" ]" ||
		fail "10 packets not held: $(tfield "$gA" "t['events']")"
	expect_eq "hold-full" "$(tfield "$gA" "t['drops']['hold_full']")" 2
	sa "$gA" out 0x1001
	wait "$ping_pid" || true
	expect_match "replies" "$(cat "$work/ping")" "10 packets transmitted, 8 received"
	expect_eq "held-sent" "$(tfield "$gA" "t['events']['held_sent']")" 8
	expect_eq "tx_packets" "$(devstat "$gA" tx_packets)" 8
	expect_eq "tx_dropped" "$(devstat "$gA" tx_dropped)" 2
	expect_eq "hold-timeout" "$(tfield "$gA" "t['drops']['hold_timeout']")" 0
	# With the SA there nothing is held.
	x "$hA" ping -q -c 2 -i 0.2 -W 2 10.2.0.2 > /dev/null
	expect_eq "held after" "$(tfield "$gA" "t['events']['held']")" 10
	expect_eq "tx_packets after" "$(devstat "$gA" tx_packets)" 10

	# Disabling drops what is held, as disabled.
	x "$gA" "$SGWCTL" sa flush 1
	sa "$gA" in 0x2001
	x "$hA" ping -q -c 3 -i 0.05 -W 1 10.2.0.2 > /dev/null 2>&1 || true
	expect_eq "held again" "$(tfield "$gA" "t['events']['held']")" 13
	x "$gA" "$SGWCTL" tunnel set 1 enabled no
	expect_eq "disabled drops" "$(tfield "$gA" "t['drops']['disabled']")" 3
	x "$gA" "$SGWCTL" tunnel set 1 enabled yes
	# Deleting a tunnel with held packets frees them (the VM checks leaks).
	x "$hA" ping -q -c 2 -i 0.05 -W 1 10.2.0.2 > /dev/null 2>&1 || true
	expect_eq "held before delete" "$(tfield "$gA" "t['events']['held']")" 15
	x "$gA" "$SGWCTL" tunnel del 1
	expect_eq "acquire events" "$(grep -c acquire "$work/events")" 3
}

# Each held packet waits its own hold time: one queued behind an older
# one is still sent when the SA comes after the older one timed out.
test_hold_own_age() {
	local p1 p2

	all_but_outbound
	log_mark
	x "$hA" ping -c 1 -W 8 10.2.0.2 > "$work/ping1" 2>&1 &
	p1=$!
	sleep 3.5
	x "$hA" ping -c 1 -W 10 10.2.0.2 > "$work/ping2" 2>&1 &
	p2=$!
	until_s 15 sh -c "[ \"\$(ip netns exec $gA $SGWCTL -j tunnel show 1 | grep -o '\"hold_timeout\":1,')\" ]" ||
		fail "the first held packet did not time out: $(tfield "$gA" "t['drops']")"
	expect_eq "held" "$(tfield "$gA" "t['events']['held']")" 2
	sa "$gA" out 0x1001
	wait "$p1" && fail "the timed-out packet was answered"
	wait "$p2" || { cat "$work/ping2"; fail "the second held packet was lost with the first"; }
	expect_eq "held-sent" "$(tfield "$gA" "t['events']['held_sent']")" 1
	expect_eq "hold-timeout" "$(tfield "$gA" "t['drops']['hold_timeout']")" 1
	expect_eq "timeout log line" "$(log_count \
		"nosa1: tunnel 1: no SA within 5 s: dropped 1 held packet")" 1
}

# on_demand_pair SECRET: sgw daemons at gA and gB, tunnel gw (interface
# nosa1) on demand between 10.1.0.0/24 and 10.2.0.0/24, routes into it.
on_demand_pair() {
	psk "$work/gw.psk" "$1"
	sgw_conf "$work/a.conf" gw 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24 \
		aes128gcm16-prfsha256-curve25519 aes128gcm16 "interface = nosa1"
	sgw_conf "$work/b.conf" gw 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24 \
		aes128gcm16-prfsha256-curve25519 aes128gcm16 "interface = nosa1"
	sgw_daemon "$gA" "$work/a.conf"
	sgw_daemon "$gB" "$work/b.conf"
	ip -n "$gA" route add 10.2.0.0/24 dev nosa1
	ip -n "$gB" route add 10.1.0.0/24 dev nosa1
}

test_on_demand() {
	require_module
	topo
	on_demand_pair "on demand secret"
	expect_eq "idle before" "$(sgw_field "$gA" state)" idle
	# The first packet: held, acquire, IKE, then sent.
	x "$hA" ping -c 1 -W 5 10.2.0.2 > "$work/ping" ||
		{ cat "$work/ping" "$work"/daemon-*.log; fail "first ping lost"; }
	expect_eq "established" "$(sgw_field "$gA" state)" established
	expect_eq "held" "$(tfield "$gA" "t['events']['held']")" 1
	expect_eq "held-sent" "$(tfield "$gA" "t['events']['held_sent']")" 1
	expect_eq "acquire" "$(tfield "$gA" "t['events']['acquire']")" 1
	expect_eq "drops" "$(tfield "$gA" "sum(t['drops'].values())")" 0
	expect_eq "log line" "$(grep -cF "sgw info: tunnel gw: negotiating on demand: a packet 10.1.0.2 -> 10.2.0.2 found no SA" \
		"$work/daemon-$gA.log")" 1
	# The state changes as event lines (journal records under systemd).
	for g in "$gA" "$gB"; do
		wait_for 5 grep -qF "sgw info: tunnel gw: established (IKE SA " \
			"$work/daemon-$g.log" || fail "no established event in $g's log"
		expect_eq "established event" "$(grep -cF "sgw info: tunnel gw: established (IKE SA " \
			"$work/daemon-$g.log")" 1
	done
	expect_eq "connecting event" "$(grep -cxF "sgw info: tunnel gw: negotiating" \
		"$work/daemon-$gA.log")" 1
	x "$hA" ping -q -c 3 -i 0.2 -W 2 10.2.0.2 > /dev/null
	expect_eq "tx_packets" "$(devstat "$gA" tx_packets)" 4
	expect_eq "held after" "$(tfield "$gA" "t['events']['held']")" 1
	expect_crosswise "SAs" "$(sgw_sas "$gA")" "$(sgw_sas "$gB")"
}

# held_none NS: tunnel 1 holds no packet (each held one sent or dropped).
held_none() {
	[ "$(tfield "$1" "t['events']['held'] - t['events']['held_sent'] - t['drops']['hold_timeout'] - t['drops']['hold_full']")" = 0 ]
}

# Packets into the tunnel that no CHILD SA would carry start no IKE: one
# outside remote-networks, IPv6 multicast and link-local (the router
# solicitations of an interface coming up). The kernel drops them as
# outside the selectors before holding them. One inside starts IKE.
test_on_demand_remote_only() {
	require_module
	topo
	on_demand_pair "on demand remote only secret"
	ip -n "$gA" route add 10.9.0.0/24 dev nosa1
	x "$gA" ping -c 1 -W 1 10.9.0.1 > /dev/null 2>&1 || true
	x "$gA" ping -c 1 -W 1 -I nosa1 ff02::1 > /dev/null 2>&1 || true
	x "$gA" ping -c 1 -W 1 fe80::1%nosa1 > /dev/null 2>&1 || true
	until_s 10 sh -c "[ \"\$(ip netns exec $gA $SGWCTL -j tunnel show 1 | grep -o '\"selector\":3,')\" ]" ||
		fail "not dropped as selector: $(tfield "$gA" "t['drops']")"
	expect_eq "held" "$(tfield "$gA" "t['events']['held']")" 0
	expect_eq "acquire" "$(tfield "$gA" "t['events']['acquire']")" 0
	expect_eq "still idle" "$(sgw_field "$gA" state)" idle
	expect_eq "B never asked" "$(sgw_field "$gB" state)" idle
	grep -q "negotiating on demand" "$work/daemon-$gA.log" &&
		fail "negotiated for a packet outside remote-networks"
	x "$hA" ping -c 1 -W 5 10.2.0.2 > "$work/ping" ||
		{ cat "$work/ping" "$work"/daemon-*.log; fail "first ping lost"; }
	expect_eq "established" "$(sgw_field "$gA" state)" established
	expect_eq "held after" "$(tfield "$gA" "t['events']['held']")" 1
}

# event_flood NS N: N changes of a spare tunnel 99 in NS, each a kernel event.
event_flood() {
	x "$1" python3 - "$here" "$2" <<-'EOF'
	import struct, sys
	sys.path.insert(0, sys.argv[1])
	from genl import Genl, attr
	from genl_fuzz import E, TOP, TUNNEL, NLA_F_NESTED
	g = Genl()
	fam = g.family("sgw")
	for i in range(int(sys.argv[2])):
	    body = attr(TOP["TUNNEL"] | NLA_F_NESTED,
	                attr(TUNNEL["ID"], struct.pack("=I", 99)) +
	                attr(TUNNEL["ENABLED"], struct.pack("=B", i % 2)))
	    err, msg, _ = g.request(fam, E["SGW_CMD_TUNNEL_SET"], body)
	    if err:
	        sys.exit("tunnel set: errno %d %s" % (err, msg))
	EOF
}

# Kernel events lost to a full socket buffer: the ACQUIRE of a held packet
# among them. The daemon reads the tunnels again and negotiates.
test_lost_events() {
	local pid

	require_module
	topo
	on_demand_pair "lost events secret"
	x "$gA" "$SGWCTL" tunnel add id 99 name spare99 > /dev/null
	expect_eq "idle before" "$(sgw_field "$gA" state)" idle
	pid=$(cat "$work/daemon-$gA.pid")
	kill -STOP "$pid"
	defer "kill -CONT $pid"
	# Fill the stopped daemon's event socket, then the packet: its
	# ACQUIRE finds no room.
	event_flood "$gA" 3000
	x "$hA" ping -c 1 -W 20 10.2.0.2 > "$work/ping" 2>&1 &
	local ping=$!
	sleep 1
	kill -CONT "$pid"
	wait "$ping" || { cat "$work/ping" "$work/daemon-$gA.log"; fail "the held ping was lost"; }
	expect_eq "resync logged" "$(grep -cF "kernel events were lost (socket buffer full): 2 tunnels read again from the kernel" \
		"$work/daemon-$gA.log")" 1
	expect_eq "negotiated for the held packet" "$(grep -cF "negotiating on demand: the kernel holds packets that found no SA" \
		"$work/daemon-$gA.log")" 1
	expect_eq "established" "$(sgw_field "$gA" state)" established
	expect_eq "held-sent" "$(tfield "$gA" "t['events']['held_sent']")" 1
}

# nft_counter_setup NS: counts UDP 500 arriving there; nft_ike NS prints it.
nft_counter_setup() {
	x "$1" nft add table inet sgwt
	x "$1" nft add chain inet sgwt in '{ type filter hook input priority 0; }'
	x "$1" nft add rule inet sgwt in udp dport 500 counter
}
nft_ike() {
	x "$1" nft list chain inet sgwt in | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

test_disable_charon() {
	require_module
	require_cmd swanctl nft
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	topo
	ip -n "$gB" route add 10.1.0.0/24 via 192.0.2.1
	charon_start "$gB"
	charon_conn "$gB" c 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24 \
		aes128gcm16-prfsha256-curve25519 aes128gcm16 "disable secret"
	psk "$work/gw.psk" "disable secret"
	sgw_conf "$work/a.conf" gw 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24 \
		aes128gcm16-prfsha256-curve25519 aes128gcm16 "interface = nosa1"
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gA" route add 10.2.0.0/24 dev nosa1
	x "$hA" ping -c 2 -i 0.5 -W 5 10.2.0.2 > /dev/null || fail "no traffic before"
	[ "$(charon_sas "$gB")" != "in - out -" ] || fail "charon has no SA"
	nft_counter_setup "$gB"
	# Disable under ping: the DELETE reaches charon before the SAs go.
	x "$hA" ping -q -c 8 -i 0.25 -W 1 10.2.0.2 > "$work/ping" 2>&1 &
	ping_pid=$!
	sleep 1
	x "$gA" "$SGWCTL" tunnel set nosa1 enabled no
	expect_eq "our SAs" "$(sgw_sas "$gA")" "in - out -"
	wait_for 5 no_charon_sa "$gB" || fail "charon kept its SAs: $(charon_sas "$gB")"
	expect_eq "swanctl --list-sas" "$(swanctl_ns "$gB" --list-sas 2>&1 | grep -c ESTABLISHED)" 0
	expect_eq "daemon's view" "$(sgw_field "$gA" state)" disabled
	expect_eq "log line" "$(grep -cF "sgw info: tunnel gw: disabled by request: IKE SA deleted, no negotiation until it is enabled" \
		"$work/daemon-$gA.log")" 1
	wait "$ping_pid" || true
	# Ten seconds of traffic into the disabled tunnel: all of it dropped
	# and counted, and no IKE at all.
	lines=$(wc -l < "$work/daemon-$gA.log") ike=$(nft_ike "$gB")
	d0=$(tfield "$gA" "t['drops']['disabled']")
	x "$hA" ping -q -c 20 -i 0.5 -W 1 10.2.0.2 > /dev/null 2>&1 || true
	expect_eq "disabled drops" "$(tfield "$gA" "t['drops']['disabled']")" $((d0 + 20))
	expect_eq "IKE packets to charon while disabled" "$(nft_ike "$gB")" "$ike"
	expect_eq "daemon log while disabled" "$(tail -n +$((lines + 1)) "$work/daemon-$gA.log" |
		grep -ciE 'negotiat|initiat|IKE_SA_INIT' || true)" 0
	expect_eq "acquire while disabled" "$(tfield "$gA" "t['events']['acquire']")" 1
	# Enable: on demand again, traffic resumes.
	x "$gA" "$SGWCTL" tunnel set nosa1 enabled yes
	expect_eq "daemon's view after enable" "$(sgw_field "$gA" state)" idle
	x "$hA" ping -c 3 -i 0.3 -W 5 10.2.0.2 > /dev/null || fail "no traffic after enable"
	expect_eq "established again" "$(sgw_field "$gA" state)" established
	expect_crosswise "after enable" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"

	# Disabled past the daemon (raw generic netlink, SGW_CMD_TUNNEL_SET
	# with ENABLED 0): the daemon follows the kernel's event and still
	# tells charon; enabled the same way, traffic resumes.
	x "$gA" $GENL 5 "3:nest:{1:u32:1,10:u8:0}" > "$work/genl" ||
		fail "raw disable: $(cat "$work/genl")"
	expect_eq "our SAs after the raw disable" "$(sgw_sas "$gA")" "in - out -"
	wait_for 5 no_charon_sa "$gB" || fail "charon kept its SAs after the raw disable"
	wait_for 5 sh -c "[ \"\$(ip netns exec $gA $SGWCTL -j show 1 | grep -o '\"state\":\"disabled\"')\" ]" ||
		fail "daemon did not follow: $(x "$gA" "$SGWCTL" show)"
	expect_eq "log line" "$(grep -cF "sgw info: tunnel gw: disabled in the kernel, not through the daemon: IKE SA deleted, no negotiation until it is enabled" \
		"$work/daemon-$gA.log")" 1
	x "$hA" ping -q -c 4 -i 0.5 -W 1 10.2.0.2 > /dev/null 2>&1 &&
		fail "traffic through the disabled tunnel"
	expect_eq "no SA at charon while disabled" "$(charon_sas "$gB")" "in - out -"
	x "$gA" $GENL 5 "3:nest:{1:u32:1,10:u8:1}" > "$work/genl" ||
		fail "raw enable: $(cat "$work/genl")"
	wait_for 5 sh -c "[ \"\$(ip netns exec $gA $SGWCTL -j show 1 | grep -o '\"state\":\"idle\"')\" ]" ||
		fail "daemon did not follow the enable: $(x "$gA" "$SGWCTL" show)"
	x "$hA" ping -c 3 -i 0.3 -W 5 10.2.0.2 > /dev/null || fail "no traffic after the raw enable"
	expect_crosswise "after the raw enable" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"
}

# Three tunnels from gA: to gB's 192.0.2.2 and its secondary 192.0.2.3,
# and to 192.0.2.9, where nobody answers.
three_conf() {
	local f=$1 side=$2

	{
		echo "[global]"
		echo "log-level = debug"
		if [ "$side" = a ]; then
			tun b1 1 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24
			tun b2 2 192.0.2.1 192.0.2.3 10.1.0.0/24 10.3.0.0/24
			tun dead 3 192.0.2.1 192.0.2.9 10.1.0.0/24 10.9.0.0/24
		else
			tun b1 1 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24
			tun b2 2 192.0.2.3 192.0.2.1 10.3.0.0/24 10.1.0.0/24
		fi
	} > "$f"
}
tun() { # NAME ID LOCAL REMOTE LNETS RNETS
	cat <<-EOC
	[tunnel $1]
	id = $2
	local = $3
	remote = $4
	psk-file = $work/gw.psk
	local-networks = $5
	remote-networks = $6
	ike-proposals = aes128gcm16-prfsha256-curve25519
	esp-proposals = aes128gcm16
	retransmit-timeout = 1s
	retransmit-tries = 3
	routes = no
	EOC
}

# field NS ID KEY: a field of the daemon's view of tunnel ID.
tun_field() {
	x "$1" "$SGWCTL" -j show "$2" | python3 -c '
import json, sys
t = json.load(sys.stdin)["tunnels"][0]["ike"]
print(t[sys.argv[1]])' "$3"
}

test_dead_peer() {
	require_module
	topo
	ip -n "$gB" addr add 192.0.2.3/24 dev wan0
	ip -n "$hB" addr add 10.3.0.2/24 dev eth0
	ip -n "$gB" addr add 10.3.0.1/24 dev lan0
	psk "$work/gw.psk" "three tunnels"
	three_conf "$work/a.conf" a
	three_conf "$work/b.conf" b
	sgw_daemon "$gA" "$work/a.conf"
	sgw_daemon "$gB" "$work/b.conf"
	for i in 1 2 3; do ip -n "$gA" route add 10.$((i == 3 ? 9 : i + 1)).0.0/24 dev sgw$i; done
	ip -n "$gB" route add 10.1.0.0/24 dev sgw1
	# Replies from b2's network go back through b2.
	ip -n "$gB" rule add from 10.3.0.0/24 table 3
	ip -n "$gB" route add 10.1.0.0/24 dev sgw2 table 3
	# The dead one first: its retransmissions must not hold up the others.
	x "$hA" ping -q -c 60 -i 0.25 -W 1 10.9.0.2 > /dev/null 2>&1 &
	dead_ping=$!
	defer "kill $dead_ping 2>/dev/null"
	sleep 0.5
	x "$hA" ping -c 2 -i 0.5 -W 5 10.2.0.2 > /dev/null || fail "b1: no traffic"
	x "$hA" ping -c 2 -i 0.5 -W 5 10.3.0.2 > /dev/null || fail "b2: no traffic"
	expect_eq "b1" "$(tun_field "$gA" 1 state)" established
	expect_eq "b2" "$(tun_field "$gA" 2 state)" established
	expect_eq "dead" "$(tun_field "$gA" 3 state)" connecting
	spis1=$(sgw_ike_spis "$gA") spis2=$(tun_field "$gA" 2 spi_i)
	# The dead one gives up after 7 s and is tried again on the next
	# packet 10 s after its first try; the others stay as they are.
	sleep 11
	expect_eq "dead tried twice" "$(grep -cF "sgw info: tunnel dead: negotiating on demand" "$work/daemon-$gA.log")" 2
	expect_match "dead's failure" "$(tun_field "$gA" 3 failure)" "no IKE response from 192\.0\.2\.9:500 after 3 tries"
	x "$hA" ping -c 3 -i 0.2 -W 2 10.2.0.2 > /dev/null || fail "b1: no traffic later"
	x "$hA" ping -c 3 -i 0.2 -W 2 10.3.0.2 > /dev/null || fail "b2: no traffic later"
	expect_eq "b1 same IKE SA" "$(sgw_ike_spis "$gA")" "$spis1"
	expect_eq "b2 same IKE SA" "$(tun_field "$gA" 2 spi_i)" "$spis2"
	expect_eq "b1 on demand once" "$(grep -cF "sgw info: tunnel b1: negotiating on demand" "$work/daemon-$gA.log")" 1
	expect_eq "b2 on demand once" "$(grep -cF "sgw info: tunnel b2: negotiating on demand" "$work/daemon-$gA.log")" 1
}

test_local_auto() {
	require_module
	topo
	# Two uplinks: the peer is reached through wan0, the default route
	# leads out of up1.
	ip -n "$gA" link add up1 type dummy
	ip -n "$gA" addr add 198.51.100.1/24 dev up1
	ip -n "$gA" link set up1 up
	ip -n "$gA" route add default via 198.51.100.254
	ip -n "$gB" addr add 203.0.113.2/32 dev lo
	ip -n "$gA" route add 203.0.113.0/24 via 192.0.2.2 dev wan0
	psk "$work/gw.psk" "auto secret"
	sgw_conf "$work/a.conf" gw auto 203.0.113.2 10.1.0.0/24 10.2.0.0/24 \
		aes128gcm16-prfsha256-curve25519 aes128gcm16
	sgw_conf "$work/b.conf" gw 203.0.113.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24 \
		aes128gcm16-prfsha256-curve25519 aes128gcm16
	sgw_daemon "$gA" "$work/a.conf"
	sgw_daemon "$gB" "$work/b.conf"
	ip -n "$gA" route add 10.2.0.0/24 dev sgw1
	ip -n "$gB" route add 10.1.0.0/24 dev sgw1
	out=$(x "$gA" "$SGWCTL" show)
	expect_match "show says which and why" "$out" \
		"  local 192\.0\.2\.1 \(auto: source of the route to 203\.0\.113\.2 via 192\.0\.2\.2 dev wan0\)"
	expect_eq "kernel tunnel local" "$(tfield "$gA" "t['local']")" 192.0.2.1
	expect_eq "local identity" "$(sgw_field "$gA" local_id)" 192.0.2.1
	x "$hA" ping -c 2 -i 0.5 -W 5 10.2.0.2 > /dev/null || fail "no traffic with local = auto"
	expect_eq "peer saw" "$(sgw_field "$gB" peer_id)" 192.0.2.1
	expect_eq "JSON" "$(sgw_field "$gA" local_auto)" \
		"auto: source of the route to 203.0.113.2 via 192.0.2.2 dev wan0"
	# The route moves to the other uplink: the daemon follows the route
	# event (no reload) and picks its address.
	ip -n "$gA" route replace 203.0.113.0/24 via 198.51.100.254 dev up1
	until_s 10 local_is "$gA" 198.51.100.1 ||
		fail "local did not follow the route: $(x "$gA" "$SGWCTL" show)"
	expect_match "after the route change" "$(x "$gA" "$SGWCTL" show)" \
		"  local 198\.51\.100\.1 \(auto: source of the route to 203\.0\.113\.2 via 198\.51\.100\.254 dev up1\)"
	expect_eq "kernel tunnel local after the change" "$(tfield "$gA" "t['local']")" 198.51.100.1
	expect_eq "identity after the change" "$(sgw_field "$gA" local_id)" 198.51.100.1
	grep -qF "local = auto: the route toward the peer now leaves from 198.51.100.1 (was 192.0.2.1): moving the tunnel there" \
		"$work/daemon-$gA.log" || fail "no log line for the move"
	expect_eq "log line" "$(grep -cF "sgw info: tunnel gw: local 198.51.100.1 (auto: source of the route to 203.0.113.2 via 198.51.100.254 dev up1)" \
		"$work/daemon-$gA.log")" 1
}

# local_is NS ADDR: the daemon's local address of tunnel 1.
local_is() { [ "$(sgw_field "$1" local)" = "$2" ]; }
# state_is NS ID STATE: tunnel ID's IKE state in show -j.
state_is() { [ "$(sgw_field "$1" state "$2")" = "$3" ]; }
remote_is() { [ "$(sgw_field "$gA" remote)" = "$1" ]; }
host_route() { [ -n "$(ip -n "$gA" route show "$1/32" dev wan0)" ]; }
# unplaced_field NAME KEY: KEY of gA's configured tunnel NAME that has no
# kernel tunnel ("unplaced" in show -j).
unplaced_field() {
	x "$gA" "$SGWCTL" -j show | python3 -c 'import json, sys
t = [u for u in json.load(sys.stdin)["unplaced"] if u["name"] == sys.argv[1]][0]
v = t.get(sys.argv[2])
print(v if v is not None else "")' "$1" "$2"
}

# remote = NAME. The name lives in gA's own hosts file: ip netns exec
# binds /etc/netns/NS/hosts and resolv.conf over /etc's (the guest's /etc
# is a writable overlay); the resolv.conf points at a closed port, so a
# name not in the file fails at once. The file is rewritten in place: the
# bind mount keeps its inode.
test_remote_name() {
	local hosts gai

	require_module
	topo
	mkdir -p "/etc/netns/$gA"
	defer "rm -rf /etc/netns/$gA"
	hosts=/etc/netns/$gA/hosts
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
		> "/etc/netns/$gA/resolv.conf"
	echo "192.0.2.2 peer.example" > "$hosts"
	psk "$work/gw.psk" "a secret for the named peer"
	psk "$work/lost.psk" "a secret for nobody at all"
	# gB: local = auto, so that it follows its own address change.
	# gA routes remote-networks, which hold the peer's addresses: the
	# host route that exempts the peer follows the name.
	RT_TIMEOUT=1s RT_TRIES=2 sgw_conf "$work/b.conf" gw auto 192.0.2.1 \
		"10.2.0.0/24, 192.0.2.0/24" 10.1.0.0/24 \
		aes128gcm16-prfsha256-curve25519 aes128gcm16
	RT_TIMEOUT=1s RT_TRIES=2 sgw_conf "$work/a.conf" gw 192.0.2.1 \
		peer.example 10.1.0.0/24 "10.2.0.0/24, 192.0.2.0/24" \
		aes128gcm16-prfsha256-curve25519 aes128gcm16 \
		"start = at-start" "dpd-delay = 2s" "routes = yes"
	out=$(x "$gA" "$SGWCTL" config check "$work/a.conf" 2>&1) ||
		fail "config check: $out"
	expect_match "config check says it is resolved" "$out" \
		'note: .*a\.conf:6: tunnel "gw": remote "peer\.example" is a DNS name: the daemon resolves it \(IPv4, as local\)'
	sgw_daemon "$gB" "$work/b.conf"
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gB" route add 10.1.0.0/24 dev sgw1
	until_s 20 state_is "$gA" 1 established ||
		fail "not established by name: $(x "$gA" "$SGWCTL" show)"
	until_s 10 host_route 192.0.2.2 ||
		fail "no host route to 192.0.2.2: $(ip -n "$gA" route)"
	expect_match "show: address and name" "$(x "$gA" "$SGWCTL" show)" \
		"  remote 192\.0\.2\.2 \(peer\.example\)"
	expect_eq "JSON remote" "$(sgw_field "$gA" remote)" 192.0.2.2
	expect_eq "JSON remote-name" "$(sgw_field "$gA" remote_name)" peer.example
	x "$hA" ping -c 1 -W 5 10.2.0.2 > /dev/null || fail "no traffic by name"

	# The peer moves to 192.0.2.3 and its old address goes away; the
	# name follows. DPD (2 s) finds the old one dead, the name is
	# looked up again and the tunnel moves.
	ip -n "$gB" addr del 192.0.2.2/24 dev wan0
	ip -n "$gB" addr add 192.0.2.3/24 dev wan0
	echo "192.0.2.3 peer.example" > "$hosts"
	x "$gB" "$SGWCTL" reload > /dev/null
	until_s 40 remote_is 192.0.2.3 ||
		fail "did not move: $(x "$gA" "$SGWCTL" show)"
	until_s 20 state_is "$gA" 1 established ||
		fail "not established at the new address: $(x "$gA" "$SGWCTL" show)"
	expect_eq "kernel tunnel remote" "$(tfield "$gA" "t['remote']")" 192.0.2.3
	until_s 10 host_route 192.0.2.3 ||
		fail "no host route to 192.0.2.3: $(ip -n "$gA" route)"
	host_route 192.0.2.2 && fail "host route to the old address stays"
	expect_match "show after the move" "$(x "$gA" "$SGWCTL" show)" \
		"  remote 192\.0\.2\.3 \(peer\.example\)"
	grep -qF 'remote "peer.example" resolves to 192.0.2.3 now (was 192.0.2.2): moving the tunnel there' \
		"$work/daemon-$gA.log" || fail "no log line for the move"
	x "$hA" ping -c 1 -W 5 10.2.0.2 > /dev/null || fail "no traffic after the move"

	# A name that does not resolve: that tunnel fails with the
	# resolver's words, the other stays up.
	cat >> "$work/a.conf" <<-EOC
	[tunnel lost]
	id = 2
	local = 192.0.2.1
	remote = nowhere.invalid
	psk-file = $work/lost.psk
	local-networks = 10.1.1.0/24
	remote-networks = 10.2.1.0/24
	routes = no
	EOC
	gai=$(x "$gA" python3 -c 'import socket
try:
	socket.getaddrinfo("nowhere.invalid", None, socket.AF_INET)
except socket.gaierror as e:
	print(e.args[1])')
	[ -n "$gai" ] || fail "nowhere.invalid resolves in $gA"
	x "$gA" "$SGWCTL" reload > /dev/null || fail "reload refused"
	# No address, no kernel tunnel: show lists it under "unplaced".
	expect_eq "unresolved state" "$(unplaced_field lost state)" failed
	expect_eq "unresolved reason" "$(unplaced_field lost failure)" \
		"remote \"nowhere.invalid\" does not resolve: $gai"
	expect_eq "no address" "$(unplaced_field lost remote)" ""
	expect_eq "name" "$(unplaced_field lost remote_name)" nowhere.invalid
	out=$(x "$gA" "$SGWCTL" show)
	expect_match "show: failed" "$out" "ike lost \(tunnel 2, sgw2\): failed"
	expect_match "show: unresolved" "$out" \
		"  remote unresolved \(nowhere\.invalid\)"
	expect_eq "the other tunnel" "$(sgw_field "$gA" state 1)" established
}

# remote = NAME with an IPv6 local address: the name's AAAA record (here
# the namespace's hosts file, which has an IPv4 address for it too).
test_remote_name6() {
	local out

	require_module
	topo
	mkdir -p "/etc/netns/$gA"
	defer "rm -rf /etc/netns/$gA"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
		> "/etc/netns/$gA/resolv.conf"
	printf '192.0.2.2 peer6.example\n2001:db8::2 peer6.example\n' \
		> "/etc/netns/$gA/hosts"
	psk "$work/gw.psk" "a secret for the peer named in IPv6"
	sgw_conf "$work/b.conf" gw 2001:db8::2 2001:db8::1 fd02::/64 fd01::/64 \
		aes128gcm16-prfsha256-curve25519 aes128gcm16
	sgw_conf "$work/a.conf" gw 2001:db8::1 peer6.example fd01::/64 \
		fd02::/64 aes128gcm16-prfsha256-curve25519 aes128gcm16 \
		"start = at-start"
	out=$(x "$gA" "$SGWCTL" config check "$work/a.conf" 2>&1) ||
		fail "config check: $out"
	expect_match "config check: IPv6" "$out" \
		'remote "peer6\.example" is a DNS name: the daemon resolves it \(IPv6, as local\)'
	sgw_daemon "$gB" "$work/b.conf"
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gA" -6 route add fd02::/64 dev sgw1
	ip -n "$gB" -6 route add fd01::/64 dev sgw1
	until_s 20 state_is "$gA" 1 established ||
		fail "not established by an IPv6 name: $(x "$gA" "$SGWCTL" show)"
	expect_eq "JSON remote" "$(sgw_field "$gA" remote)" 2001:db8::2
	expect_eq "kernel tunnel remote" "$(tfield "$gA" "t['remote']")" 2001:db8::2
	expect_match "show" "$(x "$gA" "$SGWCTL" show)" \
		"  remote 2001:db8::2 \(peer6\.example\)"
	x "$hA" ping -6 -c 2 -i 0.3 -W 5 fd02::2 > /dev/null ||
		fail "no IPv6 traffic by name"
	expect_eq "peer saw" "$(sgw_field "$gB" peer_id)" 2001:db8::1
}

# sa_packets NS DIR: packets of tunnel 1's kernel SAs of direction DIR,
# with the number of such SAs: "N in M SAs".
sa_packets() {
	x "$1" "$SGWCTL" -j sa show 1 | python3 -c 'import json, sys
v = [s for s in json.load(sys.stdin)["sas"] if s["dir"] == sys.argv[1]]
print(sum(s["packets"] for s in v), "in", len(v), "SAs")' "$2"
}

# branch_confs LOCAL [LINE...]: a.conf, the hub gA with remote = any for
# the branch fqdn:branch.example; b.conf, the branch gB at LOCAL starting
# the tunnel at start, with the extra LINEs.
branch_confs() {
	local local_b=$1

	shift
	psk "$work/br.psk" "a secret for the branch on a dynamic address"
	RT_TIMEOUT=1s RT_TRIES=3 sgw_conf "$work/a.conf" br 192.0.2.1 any \
		10.1.0.0/24 10.2.0.0/24 aes128gcm16-prfsha256-curve25519 \
		aes128gcm16 "remote-id = fqdn:branch.example"
	RT_TIMEOUT=1s RT_TRIES=3 sgw_conf "$work/b.conf" br "$local_b" \
		192.0.2.1 10.2.0.0/24 10.1.0.0/24 \
		aes128gcm16-prfsha256-curve25519 aes128gcm16 \
		"local-id = fqdn:branch.example" "start = at-start" "$@"
}

# remote = any: gA answers a branch known by its identity only. gB
# connects from 192.0.2.2, then moves to 198.51.100.2 (another subnet on
# its veth) and connects again from there; gA's IKE SA and kernel
# tunnel follow it. Converged within 30 s of the move, or failed.
test_remote_any() {
	local t0 t1 out

	require_module
	topo
	branch_confs 192.0.2.2
	out=$(x "$gA" "$SGWCTL" config check "$work/a.conf" 2>&1) ||
		fail "config check: $out"
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gA" route add 10.2.0.0/24 dev sgw1
	# It never initiates, and says so.
	out=$(x "$gA" "$SGWCTL" up br 2>&1) && fail "up succeeded: $out"
	expect_match "up refused" "$out" \
		"tunnel br has remote = any: it only answers; the peer \('fqdn:branch\.example'\) starts it"
	expect_match "show before" "$(x "$gA" "$SGWCTL" show)" \
		"  remote any \(no peer connected\)"
	expect_eq "JSON remote-any" "$(sgw_field "$gA" remote_any)" True
	expect_eq "JSON remote before" "$(sgw_field "$gA" remote)" ""
	out=$(x "$gA" "$SGWCTL" check 2>&1) || true
	[[ $out == *"note: br: remote = any and no peer connected: the route and the firewall toward the peer are checked once one is"* ]] ||
		fail "check before: $out"
	[[ $out != *"add a route to the remote SGW"* && \
	   $out != *"another version"* && $out != *"error: br:"* ]] ||
		fail "check before: $out"

	sgw_daemon "$gB" "$work/b.conf"
	ip -n "$gB" route add 10.1.0.0/24 dev sgw1
	until_s 20 state_is "$gA" 1 established ||
		fail "not established: $(x "$gA" "$SGWCTL" show)"
	expect_eq "JSON remote" "$(sgw_field "$gA" remote)" 192.0.2.2
	expect_eq "kernel tunnel remote" "$(tfield "$gA" "t['remote']")" 192.0.2.2
	expect_match "show" "$(x "$gA" "$SGWCTL" show)" \
		"  remote any \(now 192\.0\.2\.2\)"
	x "$hB" ping -q -c 3 -i 0.2 -W 5 10.1.0.2 > /dev/null ||
		fail "no traffic from the branch"
	expect_eq "hub inbound" "$(sa_packets "$gA" in)" "3 in 1 SAs"
	expect_eq "hub outbound" "$(sa_packets "$gA" out)" "3 in 1 SAs"
	out=$(x "$gA" "$SGWCTL" check 2>&1) || true
	[[ $out != *"error: br:"* && $out != *"another version"* && \
	   $out != *"no peer connected"* ]] ||
		fail "check with the branch up: $out"

	# The branch gets another address on another subnet; its old one
	# is gone (the DELETE it tries from there never leaves).
	ip -n "$gB" addr del 192.0.2.2/24 dev wan0
	ip -n "$gB" addr add 198.51.100.2/24 dev wan0
	ip -n "$gB" route add 192.0.2.0/24 dev wan0
	ip -n "$gA" route add 198.51.100.0/24 dev wan0
	sed -i 's/^local = 192.0.2.2$/local = 198.51.100.2/' "$work/b.conf"
	t0=$(date +%s)
	x "$gB" "$SGWCTL" reload > /dev/null || fail "branch reload"
	until_s 30 remote_is 198.51.100.2 ||
		fail "hub did not follow: $(x "$gA" "$SGWCTL" show)"
	until_s 30 state_is "$gA" 1 established ||
		fail "not established from the new address: $(x "$gA" "$SGWCTL" show)"
	t1=$(date +%s)
	echo "remote = any: hub followed the branch in $((t1 - t0)) s (bound 30 s)"
	expect_eq "kernel tunnel remote after" "$(tfield "$gA" "t['remote']")" \
		198.51.100.2
	expect_match "show after" "$(x "$gA" "$SGWCTL" show)" \
		"  remote any \(now 198\.51\.100\.2\)"
	grep -qF "the peer moved from 192.0.2.2:500 to 198.51.100.2:500: IKE SA" \
		"$work/daemon-$gA.log" || fail "no log line for the move"
	x "$hB" ping -q -c 3 -i 0.2 -W 5 10.1.0.2 > /dev/null ||
		fail "no traffic after the move"
	# Only the new SAs remain, and they carried the pings.
	expect_eq "hub inbound after" "$(sa_packets "$gA" in)" "3 in 1 SAs"
	expect_eq "hub outbound after" "$(sa_packets "$gA" out)" "3 in 1 SAs"
	daemon_alive "$gA"
}

# replies FILE: echo replies ping wrote to FILE so far.
replies() { grep -c "bytes from" "$1" || true; }

# The gateways' own addresses change under traffic, no reload anywhere.
# Branch gB (local = auto) moves to another subnet: it follows its route
# and negotiates from there, and the hub (remote = any) follows it. Then
# the hub's literal local goes away: its tunnel goes down, saying so, and
# comes back with the address; the branch's dead peer detection brings the
# SAs back. Each converges within its bound (30 s, 60 s) while a ping
# runs, and traffic crosses again.
test_wan_change() {
	local t0 n out

	require_module
	topo
	branch_confs auto "dpd-delay = 2s"
	sgw_daemon "$gA" "$work/a.conf"
	sgw_daemon "$gB" "$work/b.conf"
	ip -n "$gA" route add 10.2.0.0/24 dev sgw1
	ip -n "$gB" route add 10.1.0.0/24 dev sgw1
	until_s 20 state_is "$gA" 1 established ||
		fail "not established: $(x "$gA" "$SGWCTL" show)"
	x "$hB" ping -i 0.2 -w 120 10.1.0.2 > "$work/ping" 2>&1 &
	defer "kill $! 2>/dev/null; wait $! 2>/dev/null"
	until_s 10 eval '[ "$(replies "$work/ping")" -ge 3 ]' ||
		fail "no traffic before the change: $(cat "$work/ping")"

	# The branch's WAN address changes to another subnet.
	t0=$(date +%s)
	ip -n "$gB" addr del 192.0.2.2/24 dev wan0
	ip -n "$gB" addr add 198.51.100.2/24 dev wan0
	ip -n "$gB" route add 192.0.2.0/24 dev wan0
	ip -n "$gA" route add 198.51.100.0/24 dev wan0
	n=$(replies "$work/ping")
	until_s 30 eval '[ "$(replies "$work/ping")" -ge $((n + 3)) ]' ||
		fail "no traffic after the branch moved: $(x "$gB" "$SGWCTL" show; x "$gA" "$SGWCTL" show)"
	echo "branch WAN change: traffic again after $(($(date +%s) - t0)) s (bound 30 s)"
	expect_eq "branch local" "$(sgw_field "$gB" local)" 198.51.100.2
	expect_eq "branch kernel tunnel local" "$(tfield "$gB" "t['local']")" 198.51.100.2
	expect_eq "branch identity" "$(sgw_field "$gB" local_id)" fqdn:branch.example
	expect_eq "hub remote" "$(sgw_field "$gA" remote)" 198.51.100.2
	expect_eq "hub kernel tunnel remote" "$(tfield "$gA" "t['remote']")" 198.51.100.2
	grep -qF "local = auto: the route toward the peer now leaves from 198.51.100.2 (was 192.0.2.2): moving the tunnel there" \
		"$work/daemon-$gB.log" || fail "no log line for the branch's move"

	# The hub's literal local address goes away, then comes back.
	t0=$(date +%s)
	ip -n "$gA" addr del 192.0.2.1/24 dev wan0
	until_s 10 state_is "$gA" 1 failed ||
		fail "hub tunnel not down: $(x "$gA" "$SGWCTL" show)"
	expect_eq "hub failure" "$(sgw_field "$gA" failure)" \
		"local 192.0.2.1 is not an address of this host (it went away)"
	grep -qF "local 192.0.2.1 is no longer an address of this host: the tunnel is down until it returns" \
		"$work/daemon-$gA.log" || fail "no log line for the lost address"
	# The last IPv4 address of wan0 took its routes along: back too.
	ip -n "$gA" addr add 192.0.2.1/24 dev wan0
	ip -n "$gA" route replace 198.51.100.0/24 dev wan0
	n=$(replies "$work/ping")
	until_s 60 eval '[ "$(replies "$work/ping")" -ge $((n + 3)) ]' ||
		fail "no traffic after the hub's address returned: $(x "$gA" "$SGWCTL" show; x "$gB" "$SGWCTL" show)"
	echo "hub WAN address lost and back: traffic again after $(($(date +%s) - t0)) s (bound 60 s)"
	grep -qF "local 192.0.2.1 is an address of this host again: the tunnel comes back" \
		"$work/daemon-$gA.log" || fail "no log line for the address back"
	expect_eq "hub state" "$(sgw_field "$gA" state)" established
	daemon_alive "$gA"
	daemon_alive "$gB"
}

tests=(
	test_hold_timeout "held packets dropped after the timeout, acquire event, log lines"
	test_hold_own_namespace "a passive monitor or one in another namespace does not make packets wait"
	test_hold_release "held packets sent when the SA comes, oldest pushed out, flushed on disable"
	test_hold_own_age "each held packet waits its own hold time"
	test_on_demand "first packet into an on-demand tunnel: IKE runs, the held ping arrives"
	test_on_demand_remote_only "packets outside remote-networks, IPv6 multicast and link-local: dropped as selector, no IKE"
	test_disable_charon "disable under ping against charon: DELETE first, no negotiation, enable resumes; the same past the daemon"
	test_dead_peer "three tunnels, one peer dead: the others establish and stay up"
	test_local_auto "local = auto: the source of the route to the peer, explained, followed when the route changes"
	test_remote_name "remote = NAME: up by name, moved when the name's address changes and the old one is dead, an unresolvable name failed with the resolver's reason"
	test_remote_name6 "remote = NAME with an IPv6 local: the AAAA address, traffic over IPv6"
	test_remote_any "remote = any: the branch connects by identity, moves to another subnet and connects again; the hub follows"
	test_wan_change "the gateways' own WAN addresses change under ping, no reload: local = auto follows, a literal local goes down and comes back"
	test_lost_events "kernel events lost to a full socket buffer: read again, the held packet's negotiation follows"
)
run_selected "${SGW_NOSA_ONLY:-.}" "${tests[@]}"
