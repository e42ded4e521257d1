#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Auto refresh: CHILD and IKE SAs rekeyed make-before-break under a ping
# flood (loss must be exactly 0, no replay or unknown-SPI drop on either
# side), against sgw and against strongSwan's charon, each side starting
# rekeys; a forced collision; dead peer detection with restart and hold;
# recovery after the peer's charon is killed and after our daemon restarts.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ike_lib.sh"

NETS_A=10.1.0.0/24
NETS_B=10.2.0.0/24
FLOOD_S=${FLOOD_S:-60}

# refresh_field NS FIELD: a counter of the daemon's "refresh" object.
refresh_field() {
	ip netns exec "$1" "$SGWCTL" -j show 1 | python3 -c '
import json, sys
print(json.load(sys.stdin)["tunnels"][0]["ike"]["refresh"][sys.argv[1]])' "$2"
}

# sgw_drops NS: "replay N unknown-spi N" of tunnel 1.
sgw_drops() {
	ip netns exec "$1" "$SGWCTL" -j tunnel show 1 | python3 -c '
import json, sys
d = json.load(sys.stdin)["tunnels"][0]["drops"]
print("replay", d["replay"], "unknown-spi", d["unknown_spi"])'
}

# xfrm_errors NS: the kernel ESP's replay and unknown-SPI counters.
xfrm_errors() {
	ip netns exec "$1" awk '$1 == "XfrmInStateSeqError" { r = $2 }
		$1 == "XfrmInNoStates" { n = $2 }
		END { print "replay", r, "unknown-spi", n }' /proc/net/xfrm_stat
}

# flood_start NS DEST: ping every 10 ms for FLOOD_S seconds, in the background.
flood_start() {
	ip netns exec "$1" ping -q -i 0.01 -W 2 -c $((FLOOD_S * 100)) "$2" \
		> "$work/flood.out" 2>&1 &
	echo $! > "$work/flood.pid"
}

# flood_wait: until the flood ends (not in a subshell: it waits for a child).
flood_wait() {
	wait "$(cat "$work/flood.pid")" || true
}

# flood_result: the exact loss of the flood, as "SENT RECEIVED".
flood_result() {
	sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' \
		"$work/flood.out"
}

expect_no_loss() {
	local sent recv ns

	read -r sent recv <<< "$2"
	[ -n "$sent" ] && [ "$sent" -gt 0 ] || fail "$1: the flood did not run: $(cat "$work/flood.out")"
	echo "$1: $sent echo requests, $recv replies, loss $((sent - recv))"
	# Where they went: every nonzero drop counter of both gateways.
	[ "$sent" = "$recv" ] || for ns in "$gA" "$gB"; do
		ip netns exec "$ns" "$SGWCTL" -j tunnel show 1 2> /dev/null |
			python3 -c 'import json, sys
d = json.load(sys.stdin)["tunnels"][0]["drops"]
print(sys.argv[1], "drops:", {k: v for k, v in d.items() if v})' "$ns" || true
	done
	expect_eq "$1: echo requests lost" "$((sent - recv))" 0
}

# sgw_pair_conf EXTRA_A EXTRA_B: two sgw gateways, tunnel up at start.
sgw_pair_conf() {
	psk "$work/gw.psk" "refresh secret"
	RT_TIMEOUT=1s RT_TRIES=3 sgw_conf "$work/a.conf" gw 192.0.2.1 192.0.2.2 \
		$NETS_A $NETS_B aes128gcm16-prfsha256-ecp256 aes128gcm16 "$@"
}

sgw_pair_b() {
	RT_TIMEOUT=1s RT_TRIES=3 sgw_conf "$work/b.conf" gw 192.0.2.2 192.0.2.1 \
		$NETS_B $NETS_A aes128gcm16-prfsha256-ecp256 aes128gcm16 "$@"
}

# sgw_a_start: the daemon on gA and the route into its tunnel.
sgw_a_start() {
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
}

# charon_gw: a charon on gB with the connection matching a.conf.
charon_gw() {
	charon_start "$gB"
	charon_conn "$gB" c 192.0.2.2 192.0.2.1 $NETS_B $NETS_A \
		aes128gcm16-prfsha256-ecp256 aes128gcm16 "refresh secret"
}

# charon_peer [short]: charon on gB as the peer of a.conf's tunnel; with
# "short" its CHILD SAs rekey every 10 s, without jitter.
charon_peer() {
	require_cmd swanctl
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	load_ipsec_modules
	charon_gw
	if [ "${1:-}" = short ]; then
		sed -i 's/mode = tunnel/mode = tunnel\n\t\t\t\t\trekey_time = 10s\n\t\t\t\t\tlife_time = 20s\n\t\t\t\t\trand_time = 0s/' \
			"$work/charon-$gB/swanctl.conf"
		swanctl_ns "$gB" --load-all --noprompt \
			--file "$work/charon-$gB/swanctl.conf" > /dev/null 2>&1 ||
			fail "swanctl could not reload"
	fi
	# charon installs policies, not routes.
	ip -n "$gB" route add $NETS_A via 192.0.2.1
}

sgw_up_charon() {
	ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" 2>&1 ||
		{ cat "$work/up.out"; fail "up failed"; }
}

sgw_pair_up() {
	sgw_a_start
	sgw_daemon "$gB" "$work/b.conf"
	ip -n "$gB" route add $NETS_A dev sgw1
	ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" ||
		{ cat "$work/up.out" "$work"/daemon-*.log; fail "up failed"; }
	expect_crosswise "established" "$(sgw_sas "$gA")" "$(sgw_sas "$gB")"
}

count_log() { # NS REGEX
	grep -cE "$2" "$work/daemon-$1.log" || true
}

kernel_sas() { # NS: how many SAs tunnel 1 has in the module
	ip netns exec "$1" "$SGWCTL" -j sa show 1 |
		python3 -c 'import json,sys; print(len(json.load(sys.stdin)["sas"]))'
}

# settled NS_A NS_B: both ends down to one SA pair (grace periods over).
settled() {
	[ "$(kernel_sas "$1")" = 2 ] && [ "$(kernel_sas "$2")" = 2 ]
}

# in_range WHAT N LOW HIGH
in_range() {
	[ "$2" -ge "$3" ] && [ "$2" -le "$4" ] ||
		{ grep -E 'rekey|collision' "$work"/daemon-*.log | tail -30
		  fail "$1: $2, expected $3 to $4"; }
}

now_s() {
	date +%s
}

# CHILD rekeys every 10 s by A's lifetime, one by B on request, IKE SA
# rekeys every 20 s, all under a 100 pps ping flood and then iperf3.
# agreed FIELD: A and B show the same IKE SPIs and the same refresh FIELD,
# then in $agreed_n. A rekey under way while they are read (one every
# 10 s here) makes them differ for a moment: wait_for tries again.
agreed() {
	local a

	[ "$(sgw_ike_spis "$gA")" = "$(sgw_ike_spis "$gB")" ] || return 1
	a=$(refresh_field "$gA" "$1")
	[ "$a" = "$(refresh_field "$gB" "$1")" ] || return 1
	# Unchanged on A while B was read: no exchange completed in between.
	[ "$(sgw_ike_spis "$gA")" = "$(sgw_ike_spis "$gB")" ] || return 1
	agreed_n=$a
}

# expect_agreed FIELD: A and B agree within 5 s, or the test fails.
expect_agreed() {
	wait_for 5 agreed "$1" ||
		fail "A and B disagree: IKE SPIs $(sgw_ike_spis "$gA") / $(sgw_ike_spis "$gB"), $1 $(refresh_field "$gA" "$1") / $(refresh_field "$gB" "$1")"
}

test_rekey_sgw() {
	local spis0 ike0 n pid t0 t

	require_module
	topo
	# A 1024-packet window: at iperf3 rates the emulated CPUs' asynchronous
	# crypto reorders ESP beyond the default 32 (measured without rekeys).
	sgw_pair_conf "child-lifetime = 20s" "rekey-margin = 10s" "rekey-jitter = 0s" \
		"ike-lifetime = 30s" "replay-window = 1024"
	sgw_pair_b "child-lifetime = 1h" "ike-lifetime = 4h" "replay-window = 1024"
	sgw_pair_up
	t0=$(now_s)
	spis0=$(sgw_sas "$gA")
	ike0=$(sgw_ike_spis "$gA")
	flood_start "$hA" 10.2.0.2
	sleep $((FLOOD_S / 2))
	# B rekeys once in the middle: the responder side as initiator.
	out=$(ip netns exec "$gB" "$SGWCTL" sa refresh gw) || fail "refresh on B: $out"
	expect_eq "refresh reply" "$out" "tunnel gw: rekeying its CHILD SAs"
	flood_wait
	t=$(($(now_s) - t0))
	expect_no_loss "sgw-sgw CHILD and IKE rekeys" "$(flood_result)"
	daemon_alive "$gA"
	daemon_alive "$gB"
	wait_for 30 settled "$gA" "$gB" || fail "more than one SA pair left"
	# Rekeys go on every 10 s: read both ends at a quiet moment.
	wait_crosswise 30 "after rekeys" "$gA" "$gB"
	[ "$(sgw_sas "$gA")" != "$spis0" ] || fail "the CHILD SPIs never changed"
	[ "$(sgw_ike_spis "$gA")" != "$ike0" ] || fail "the IKE SPIs never changed"
	expect_eq "drops A" "$(sgw_drops "$gA")" "replay 0 unknown-spi 0"
	expect_eq "drops B" "$(sgw_drops "$gB")" "replay 0 unknown-spi 0"
	# A's soft lifetime is 10 s: one rekey per 10 s of the run (+-1 for
	# the whole-second timers and the rekey B asked for in between). Both
	# ends count the same rekeys and use the same IKE SA.
	expect_agreed child_rekeys
	n=$agreed_n
	echo "CHILD SA rekeys in $t s: $n (started by A: $(count_log "$gA" 'rekeying CHILD SA'), by B: $(count_log "$gB" 'rekeying CHILD SA'), refused and retried: $(count_log "$gA" 'refused to rekey CHILD') + $(count_log "$gB" 'refused to rekey CHILD'))"
	in_range "CHILD SA rekeys in $t s" "$n" $((t / 10)) $((t / 10 + 2))
	# B asked once; a request refused while A was rekeying is retried.
	[ "$(count_log "$gB" 'rekeying CHILD SA')" -ge 1 ] || fail "B never started a rekey"
	# The IKE SA every 20 s.
	n=$(refresh_field "$gA" ike_rekeys)
	echo "IKE SA rekeys in $t s: $n"
	in_range "IKE SA rekeys in $t s" "$n" $((t / 20 - 1)) $((t / 20 + 1))
	expect_eq "IKE generation" "$(refresh_field "$gB" generation)" $((n + 1))

	# iperf3 while both sides ask for rekeys in turn.
	require_cmd iperf3
	ip netns exec "$hB" iperf3 -s -1 -D -p 5201 --logfile "$work/iperf.srv"
	sleep 0.5
	ip netns exec "$hA" iperf3 -c 10.2.0.2 -p 5201 -t 12 -J > "$work/iperf.json" &
	pid=$!
	for n in gA gB gA gB; do
		sleep 2.5
		ip netns exec "${!n}" "$SGWCTL" sa refresh gw > /dev/null
	done
	wait $pid || { cat "$work/iperf.json"; fail "iperf3 failed across rekeys"; }
	wait_for 5 settled "$gA" "$gB" || fail "more than one SA pair left after iperf3"
	python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["end"]
print("iperf3 across 4 rekeys: %.1f Mbit/s, %d retransmits" % (e["sum_received"]["bits_per_second"] / 1e6, e["sum_sent"].get("retransmits", 0)))' "$work/iperf.json"
	expect_eq "drops A after iperf3" "$(sgw_drops "$gA")" "replay 0 unknown-spi 0"
	expect_eq "drops B after iperf3" "$(sgw_drops "$gB")" "replay 0 unknown-spi 0"
	wait_crosswise 30 "after iperf3" "$gA" "$gB"
}

# One SA pair on sgw, one installed CHILD SA at charon, crosswise.
charon_matches() {
	local a b

	[ "$(kernel_sas "$gA")" = 2 ] || return 1
	[ "$(swanctl_ns "$gB" --list-sas 2>/dev/null | grep -c INSTALLED)" = 1 ] || return 1
	a=$(sgw_sas "$gA")
	b=$(charon_sas "$gB")
	read -r _ ai _ ao <<< "$a"
	read -r _ bi _ bo <<< "$b"
	[ "$ai" = "$bo" ] && [ "$ao" = "$bi" ]
}

charon_single() {
	swanctl_ns "$gB" --list-sas > "$work/sas.txt" 2>/dev/null
	[ "$(grep -c ESTABLISHED "$work/sas.txt")" = 1 ] &&
		[ "$(grep -c INSTALLED "$work/sas.txt")" = 1 ]
}

ike_spis_agree() {
	[ "$(sgw_ike_spis "$gA")" = "$(charon_ike_spis "$gB")" ]
}

# charon on gB: its CHILD SAs rekey every 10 s; sgw rekeys the IKE SA
# every 20 s and one CHILD SA on request.
test_rekey_charon() {
	local n e0 spis0 t0 t

	require_module
	topo
	# Short CHILD lifetimes on charon's side only.
	charon_peer short
	sgw_pair_conf "child-lifetime = 1h" "ike-lifetime = 30s" \
		"rekey-margin = 10s" "rekey-jitter = 0s"
	sgw_a_start
	sgw_up_charon
	expect_crosswise "established" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"
	t0=$(now_s)
	spis0=$(sgw_sas "$gA")
	e0=$(xfrm_errors "$gB")
	flood_start "$hA" 10.2.0.2
	# charon rekeys the IKE SA once too (swanctl --rekey).
	sleep $((FLOOD_S / 4))
	swanctl_ns "$gB" --rekey --ike c > /dev/null 2>&1 || fail "swanctl --rekey --ike failed"
	sleep $((FLOOD_S / 4 + 5))
	out=$(ip netns exec "$gA" "$SGWCTL" sa refresh gw) || fail "refresh: $out"
	flood_wait
	t=$(($(now_s) - t0))
	expect_no_loss "sgw-charon rekeys" "$(flood_result)"
	daemon_alive "$gA"
	wait_for 10 charon_matches || {
		ip netns exec "$gA" "$SGWCTL" show
		ip netns exec "$gA" "$SGWCTL" sa show 1
		swanctl_ns "$gB" --list-sas 2>/dev/null
		grep -E 'rekey|DELETE|deleted|switch' "$work/daemon-$gA.log" | tail -20
		fail "sgw and charon do not hold one matching SA pair"; }
	# charon_matches read both ends crosswise at one moment; reading them
	# again could fall into charon's next rekey (every 10 s).
	[ "$(sgw_sas "$gA")" != "$spis0" ] || fail "the CHILD SPIs never changed"
	# An IKE rekey (every 20 s) may be under way: wait for its end.
	wait_for 10 ike_spis_agree ||
		expect_eq "IKE SPIs agree" "$(sgw_ike_spis "$gA")" "$(charon_ike_spis "$gB")"
	expect_eq "drops sgw" "$(sgw_drops "$gA")" "replay 0 unknown-spi 0"
	expect_eq "charon's kernel ESP errors" "$(xfrm_errors "$gB")" "$e0"
	# charon rekeys every 10 s; sgw once on request (a refused attempt,
	# when charon was busy rekeying itself, is retried and logged again).
	n=$(refresh_field "$gA" child_rekeys)
	echo "CHILD SA rekeys in $t s with charon: $n (sgw started $(count_log "$gA" 'rekeying CHILD SA'), charon refused $(count_log "$gA" 'refused to rekey CHILD'))"
	in_range "CHILD SA rekeys in $t s with charon" "$n" $((t / 10)) $((t / 10 + 2))
	[ "$(count_log "$gA" 'rekeying CHILD SA')" -ge 1 ] || fail "sgw never started a CHILD rekey"
	n=$(refresh_field "$gA" ike_rekeys)
	echo "IKE SA rekeys in $t s with charon: $n (by charon: $(count_log "$gA" 'IKE SA .* rekeyed by the peer'))"
	in_range "IKE SA rekeys in $t s with charon" "$n" $((t / 20)) $((t / 20 + 2))
	expect_eq "IKE SA rekeys by charon" "$(count_log "$gA" 'IKE SA .* rekeyed by the peer')" 1
	wait_for 10 charon_single || {
		swanctl_ns "$gB" --list-sas 2>/dev/null
		fail "charon does not hold exactly one IKE SA and one CHILD SA"; }
}

# Identical lifetimes, no jitter: both ends start the same rekey together.
test_forced_collision() {
	local c

	require_module
	topo
	FLOOD_S=25
	sgw_pair_conf "child-lifetime = 20s" "rekey-margin = 10s" "rekey-jitter = 0s"
	sgw_pair_b "child-lifetime = 20s" "rekey-margin = 10s" "rekey-jitter = 0s"
	sgw_pair_up
	flood_start "$hA" 10.2.0.2
	flood_wait
	expect_no_loss "simultaneous rekeys" "$(flood_result)"
	wait_for 30 settled "$gA" "$gB" || fail "more than one SA pair left"
	# Rekeys go on every 10 s: read both ends at a quiet moment.
	wait_crosswise 30 "one pair left" "$gA" "$gB"
	expect_eq "drops A" "$(sgw_drops "$gA")" "replay 0 unknown-spi 0"
	expect_eq "drops B" "$(sgw_drops "$gB")" "replay 0 unknown-spi 0"
	c=$(refresh_field "$gA" collisions)
	expect_eq "both ends count the same collisions" "$(refresh_field "$gB" collisions)" "$c"
	echo "rekeys: $(refresh_field "$gA" child_rekeys), collisions resolved: $c"
}

# The same against charon: both ends rekey the CHILD SA 10 s after it was
# made, without jitter.
test_collision_charon() {
	local c p1 p2

	require_module
	topo
	charon_peer short
	sgw_pair_conf "child-lifetime = 20s" "rekey-margin = 10s" \
		"rekey-jitter = 0s"
	sgw_a_start
	sgw_up_charon
	ip netns exec "$hA" ping -q -i 0.01 -W 2 -c 2500 10.2.0.2 \
		> "$work/flood.out" 2>&1 || true
	expect_no_loss "simultaneous rekeys with charon" "$(flood_result)"
	wait_for 10 charon_matches || {
		swanctl_ns "$gB" --list-sas 2>/dev/null
		ip netns exec "$gA" "$SGWCTL" sa show 1
		fail "sgw and charon do not hold one matching SA pair"; }
	expect_eq "drops sgw" "$(sgw_drops "$gA")" "replay 0 unknown-spi 0"
	# Both asked to rekey at the same moment, three times.
	for c in 1 2 3; do
		ip netns exec "$gA" "$SGWCTL" sa refresh gw > /dev/null &
		p1=$!
		swanctl_ns "$gB" --rekey --child net > /dev/null 2>&1 &
		p2=$!
		wait $p1 $p2 || true
		sleep 1
	done
	ping_ok "$hA" 10.2.0.2 || fail "no ping after simultaneous rekeys"
	wait_for 10 charon_matches || {
		swanctl_ns "$gB" --list-sas 2>/dev/null
		ip netns exec "$gA" "$SGWCTL" sa show 1
		fail "sgw and charon do not hold one matching SA pair after simultaneous rekeys"; }
	c=$(refresh_field "$gA" collisions)
	echo "rekeys: $(refresh_field "$gA" child_rekeys) (sgw started $(count_log "$gA" 'rekeying CHILD SA')), collisions resolved: $c"
}

# life-bytes: the kernel's soft byte limit (90 %) starts each rekey.
test_rekey_bytes() {
	local n t0

	require_module
	topo
	sgw_pair_conf "life-bytes = 200000"
	sgw_pair_b "life-bytes = 200000"
	sgw_pair_up
	# 2000 echo requests of 228 bytes each way: 456000 bytes per SA
	# direction, a rekey every 180000 bytes.
	ip netns exec "$hA" ping -q -i 0.01 -s 200 -W 2 -c 2000 10.2.0.2 \
		> "$work/flood.out" 2>&1 || true
	expect_no_loss "byte-limit rekeys" "$(flood_result)"
	wait_for 5 settled "$gA" "$gB" || fail "more than one SA pair left"
	expect_crosswise "after byte-limit rekeys" "$(sgw_sas "$gA")" "$(sgw_sas "$gB")"
	n=$(refresh_field "$gA" child_rekeys)
	echo "CHILD SA rekeys by a 200000-byte limit over 456000 bytes: $n"
	in_range "byte-limit rekeys" "$n" 2 3
	[ "$(count_log "$gA" 'reached its soft lifetime') $(count_log "$gB" 'reached its soft lifetime')" != "0 0" ] ||
		fail "no soft lifetime event was logged"
	expect_eq "drops A" "$(sgw_drops "$gA")" "replay 0 unknown-spi 0"
	expect_eq "drops B" "$(sgw_drops "$gB")" "replay 0 unknown-spi 0"
}

# reauth = yes: every 10 s a new IKE SA and CHILD SA from IKE_SA_INIT,
# make-before-break, under the ping flood.
test_reauth() {
	local ike0 t0 t n

	require_module
	topo
	sgw_pair_conf "reauth = yes" "ike-lifetime = 20s" "rekey-margin = 10s" \
		"rekey-jitter = 0s"
	sgw_pair_b
	sgw_pair_up
	t0=$(now_s)
	ike0=$(sgw_ike_spis "$gA")
	ip netns exec "$hA" ping -q -i 0.01 -W 2 -c 2500 10.2.0.2 \
		> "$work/flood.out" 2>&1 || true
	t=$(($(now_s) - t0))
	expect_no_loss "reauthentication" "$(flood_result)"
	wait_for 30 settled "$gA" "$gB" || fail "more than one SA pair left"
	# Reauthentication goes on every 10 s: read at a quiet moment.
	wait_crosswise 30 "after reauthentication" "$gA" "$gB"
	[ "$(sgw_ike_spis "$gA")" != "$ike0" ] || fail "the IKE SPIs never changed"
	# Both ends on the same IKE SA, with the same count.
	expect_agreed reauths
	n=$agreed_n
	echo "reauthentications in $t s: $n"
	in_range "reauthentications in $t s" "$n" $((t / 10 - 1)) $((t / 10 + 1))
	expect_eq "IKE SA rekeys" "$(refresh_field "$gA" ike_rekeys)" 0
	expect_eq "drops A" "$(sgw_drops "$gA")" "replay 0 unknown-spi 0"
	expect_eq "drops B" "$(sgw_drops "$gB")" "replay 0 unknown-spi 0"
}

block() { # NS: IKE and ESP into NS vanish
	ip netns exec "$1" nft add table inet dpd
	ip netns exec "$1" nft add chain inet dpd in \
		'{ type filter hook input priority 0; }'
	ip netns exec "$1" nft add rule inet dpd in udp dport 500 drop
	ip netns exec "$1" nft add rule inet dpd in meta l4proto esp drop
}

unblock() {
	ip netns exec "$1" nft delete table inet dpd
}

established() {
	[ "$(sgw_field "$1" state)" = established ]
}

# dead peer: detection within dpd-delay plus the retransmission span.
test_dpd() {
	local t0 t1

	require_module
	require_cmd nft
	topo
	sgw_pair_conf "dpd-delay = 3s" "dpd-action = restart"
	sgw_pair_b "dpd-delay = 0s"
	sgw_pair_up
	t0=$(date +%s%N)
	block "$gB"
	# 3 s quiet, then tries at +0, +1, +3 and giving up at +7: about 10 s.
	wait_for 20 sh -c "grep -q 'unreachable for' $work/daemon-$gA.log" ||
		fail "no dead peer detected: $(tail -5 "$work/daemon-$gA.log")"
	t1=$(date +%s%N)
	echo "dead peer detected after $(((t1 - t0) / 1000000)) ms (dpd-delay 3 s + 7 s of retransmissions)"
	[ $(((t1 - t0) / 1000000)) -le 14000 ] || fail "detection took too long"
	expect_match "log line" "$(grep -o 'peer 192.0.2.2:500 unreachable.*' "$work/daemon-$gA.log" | head -1)" \
		"^peer 192\.0\.2\.2:500 unreachable for [0-9]+ s \(no answer to liveness check after 3 tries\), restarting$"
	no_sgw_sa "$gA" || fail "SAs left after the peer died"
	expect_eq "liveness failures" "$(refresh_field "$gA" liveness_failures)" 1
	t0=$(date +%s%N)
	unblock "$gB"
	wait_for 40 established "$gA" || fail "the tunnel did not come back by itself"
	t1=$(date +%s%N)
	echo "tunnel back $(((t1 - t0) / 1000000)) ms after the path was unblocked"
	ping_ok "$hA" 10.2.0.2 || fail "no ping after recovery"

	# hold: SAs removed and the tunnel stays down until "up".
	sgw_pair_conf "dpd-delay = 3s" "dpd-action = hold"
	ip netns exec "$gA" "$SGWCTL" reload > /dev/null
	ip netns exec "$gA" "$SGWCTL" up gw > /dev/null || fail "up after reload failed"
	block "$gB"
	wait_for 20 sh -c "grep -q 'held until' $work/daemon-$gA.log" || fail "hold not applied"
	unblock "$gB"
	sleep 3
	expect_eq "state while held" "$(sgw_field "$gA" state)" failed
	ip netns exec "$gA" "$SGWCTL" show gw | grep -q "held after a dead peer: 'sgwctl up gw' negotiates again" ||
		fail "show does not say the tunnel is held"
	ip netns exec "$gA" "$SGWCTL" up gw > /dev/null || fail "up did not release the hold"
	ping_ok "$hA" 10.2.0.2 || fail "no ping after up"
}

# charon killed and restarted with no state; then our own daemon restarted.
test_recovery() {
	local t0 t1 n

	require_module
	topo
	charon_peer
	sgw_pair_conf "dpd-delay = 3s" "start = at-start"
	sgw_a_start
	wait_for 20 established "$gA" || fail "at-start tunnel not established"
	ping_ok "$hA" 10.2.0.2 || fail "no ping"
	# kill -9 charon, flush its kernel state, start a fresh one.
	pkill -9 -f "$CHARON" || true
	# By process name: "pgrep -f" would find this very shell's command.
	wait_for 30 sh -c '! pgrep -x charon > /dev/null' ||
		fail "the old charon did not go"
	ip netns exec "$gB" ip xfrm state flush
	ip netns exec "$gB" ip xfrm policy flush
	t0=$(date +%s%N)
	charon_gw
	wait_for 40 ping_ok "$hA" 10.2.0.2 || fail "sgw did not recover from the peer's restart"
	t1=$(date +%s%N)
	echo "recovered $(((t1 - t0) / 1000000)) ms after the peer restarted without state"
	expect_crosswise "after peer restart" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"

	# Our daemon killed under traffic and started again.
	flood_start "$hA" 10.2.0.2
	sleep 2
	kill -9 "$(cat "$work/daemon-$gA.pid")"
	t0=$(date +%s%N)
	sgw_daemon "$gA" "$work/a.conf"
	wait_for 30 established "$gA" || fail "tunnel not back after our restart"
	t1=$(date +%s%N)
	echo "tunnel back $(((t1 - t0) / 1000000)) ms after our daemon restarted"
	expect_eq "kernel SAs after our restart (no stale ones)" "$(kernel_sas "$gA")" 2
	expect_crosswise "after our restart" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"
	wait_for 20 ping_ok "$hA" 10.2.0.2 || fail "no ping after our restart"
	kill "$(cat "$work/flood.pid")" 2>/dev/null || true
}

# charon deletes the only CHILD SA (swanctl --terminate --child) and keeps
# the IKE SA: sgw, the IKE SA's initiator, asks for a new CHILD SA by
# itself (within 5 s), and charon accepts it.
test_child_terminated() {
	local t0 t1 ike0

	require_module
	topo
	charon_peer
	sgw_pair_conf
	sgw_a_start
	sgw_up_charon
	wait_for 30 charon_matches || fail "no pair to begin with"
	ike0=$(sgw_ike_spis "$gA")
	t0=$(date +%s%N)
	swanctl_ns "$gB" --terminate --child net > /dev/null 2>&1 ||
		fail "charon could not terminate the CHILD SA"
	wait_for 60 charon_matches || fail "no CHILD SA again: sgw $(sgw_sas "$gA"), charon $(charon_sas "$gB")"
	wait_for 30 ping_ok "$hA" 10.2.0.2 || fail "no ping after the CHILD SA was made anew"
	t1=$(date +%s%N)
	echo "CHILD SA back $(((t1 - t0) / 1000000)) ms after charon deleted it"
	expect_eq "the same IKE SA" "$(sgw_ike_spis "$gA")" "$ike0"
	grep -q "asking the peer for a new one" "$work/daemon-$gA.log" ||
		fail "not logged: $(tail -5 "$work/daemon-$gA.log")"
}

# Traffic reaches both ends at the same moment: sgw (on demand) and charon
# (start_action = trap) each start IKE. Within 60 s they hold one IKE SA
# and one CHILD SA pair, and traffic flows both ways.
test_both_on_traffic() {
	local t0 t1 p1 p2

	require_module
	topo
	charon_peer
	sed -i 's/mode = tunnel/mode = tunnel\n\t\t\t\t\tstart_action = trap/' \
		"$work/charon-$gB/swanctl.conf"
	swanctl_ns "$gB" --load-all --noprompt --file "$work/charon-$gB/swanctl.conf" \
		> /dev/null 2>&1 || fail "swanctl could not reload"
	sgw_pair_conf
	sgw_a_start
	t0=$(date +%s%N)
	ip netns exec "$hA" ping -c 1 -W 1 10.2.0.2 > /dev/null 2>&1 &
	p1=$!
	ip netns exec "$hB" ping -c 1 -W 1 10.1.0.2 > /dev/null 2>&1 &
	p2=$!
	wait "$p1" "$p2" || true
	until_s 90 charon_matches || {
		swanctl_ns "$gB" --list-sas 2>/dev/null
		ip netns exec "$gA" "$SGWCTL" show 1
		ip netns exec "$gA" "$SGWCTL" sa show 1
		fail "no single matching SA pair within 90 s after both started"; }
	until_s 60 charon_single || fail "charon keeps more than one SA"
	wait_for 30 ping_ok "$hA" 10.2.0.2 || fail "no ping A -> B"
	ping_ok "$hB" 10.1.0.2 || fail "no ping B -> A"
	t1=$(date +%s%N)
	echo "one working pair $(((t1 - t0) / 1000000)) ms after traffic at both ends (IKE SAs started by sgw: $(count_log "$gA" 'negotiating on demand'))"
	wait_for 30 ike_spis_agree || fail "sgw and charon do not agree on the IKE SA"
}

# Our daemon restarts and forgets its SAs while the peer keeps them: the
# peer's ESP, with an SPI we no longer have, makes us renegotiate (no
# liveness checks on either side, no traffic from our LAN).
test_unknown_spi() {
	local t0 t1

	require_module
	topo
	sgw_pair_conf "dpd-delay = 0s"
	sgw_pair_b "dpd-delay = 0s"
	sgw_pair_up
	ping_ok "$hB" 10.1.0.2 || fail "no ping before the restart"
	kill -9 "$(cat "$work/daemon-$gA.pid")"
	wait "$(cat "$work/daemon-$gA.pid")" 2>/dev/null || true
	sgw_daemon "$gA" "$work/a.conf"
	no_sgw_sa "$gA" || fail "the new daemon kept stale SAs"
	t0=$(date +%s%N)
	wait_for 20 ping_ok "$hB" 10.1.0.2 || fail "no renegotiation after unknown SPIs"
	t1=$(date +%s%N)
	echo "renegotiated $(((t1 - t0) / 1000000)) ms after the peer's first ESP with an unknown SPI"
	expect_match "log" "$(grep -o 'ESP with unknown SPI.*' "$work/daemon-$gA.log" | head -1)" \
		"^ESP with unknown SPI 0x[0-9a-f]{8} from the peer: it holds SAs we do not; negotiating anew$"
	n=$(ip netns exec "$gA" "$SGWCTL" -j tunnel show 1 | python3 -c '
import json, sys
print(json.load(sys.stdin)["tunnels"][0]["drops"]["unknown_spi"])')
	[ "$n" -ge 1 ] || fail "no unknown-SPI drop counted"
	expect_crosswise "after renegotiation" "$(sgw_sas "$gA")" "$(sgw_sas "$gB")"
}

tests=(
	rekey_sgw test_rekey_sgw
	rekey_charon test_rekey_charon
	forced_collision test_forced_collision
	collision_charon test_collision_charon
	rekey_bytes test_rekey_bytes
	reauth test_reauth
	dpd test_dpd
	recovery test_recovery
	unknown_spi test_unknown_spi
	child_terminated test_child_terminated
	both_on_traffic test_both_on_traffic
)
# SGW_REFRESH_ONLY=REGEX runs only the cases whose name matches.
sel=()
for ((i = 0; i < ${#tests[@]}; i += 2)); do
	[[ ${tests[i]} =~ ${SGW_REFRESH_ONLY:-.} ]] && sel+=("${tests[i]}" "${tests[i + 1]}")
done
ktap_begin $((${#sel[@]} / 2))
for ((i = 0; i < ${#sel[@]}; i += 2)); do
	run_test "${sel[i]}" "${sel[i + 1]}"
done
ktap_end
