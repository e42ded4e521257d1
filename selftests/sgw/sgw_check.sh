#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sgwctl check against pitfalls built on purpose on one live two-site
# topology (two sgw daemons, one tunnel): an nftables rule dropping ESP,
# one dropping ICMP fragmentation-needed, a forward chain with policy drop,
# masquerade on the uplink catching IKE and ESP, IPv4 forwarding off,
# strict rp_filter with the remote network's route missing, an enabled
# tunnel the configuration does not know (stale), the remote SGW routed
# into the tunnel. For each: the exact finding line, then the fix the
# finding names is run as printed and the finding is gone. With ESP
# dropped, the daemon also says that ESP from the peer stopped arriving
# (log, show) and clears it once ESP passes again. check --probe (one
# IKE_SA_INIT on 500 and 4500) against the sgw peer and against charon:
# the answer, "no answer" while the peer drops IKE_SA_INIT, and the
# established SAs untouched at both ends.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ike_lib.sh"

NETS_A=10.1.0.0/24
NETS_B=10.2.0.0/24
IKEP=aes256gcm16-prfsha384-curve25519

# check: sgwctl check on gateway A (its findings, the summary line last).
check() {
	ip netns exec "$gA" "$SGWCTL" check 2>&1 || true
}

# has LINE: check prints exactly this line.
has() {
	local out

	out=$(check)
	grep -qxF -- "$1" <<< "$out" || { printf '%s\n' "$out"; fail "missing finding: $1"; }
}

# clean: no error and no warning.
clean() {
	local out

	out=$(check)
	! grep -qE '^(error|warning): ' <<< "$out" ||
		{ printf '%s\n' "$out"; fail "$1: findings left"; }
	ip netns exec "$gA" "$SGWCTL" check > /dev/null ||
		fail "$1: check exits non-zero without errors"
}

# fix LINE: runs the fix the finding LINE names, in gateway A.
fix() {
	local cmd=${1##*; fix: }

	ip netns exec "$gA" sh -c "$cmd" || fail "the fix failed: $cmd"
}

# handle TABLE TEXT: the handle nft gives the rule of TABLE matching TEXT.
handle() {
	ip netns exec "$gA" nft -a list table $1 |
		sed -n "s/^.*$2.* # handle \([0-9]*\)$/\1/p"
}

# probe [TIMEOUT]: sgwctl check --probe on gateway A (all its lines).
probe() {
	ip netns exec "$gA" "$SGWCTL" check --probe \
		--probe-timeout "${1:-2}" 2>&1 || true
}

# has_in OUT LINE: OUT holds exactly this line.
has_in() {
	grep -qxF -- "$2" <<< "$1" || { printf '%s\n' "$1"; fail "missing finding: $2"; }
}

# half_open NS KEY: the daemon's responder load KEY ("half_open", ...).
half_open() {
	ip netns exec "$1" "$SGWCTL" -j show | python3 -c '
import json, sys
print(json.load(sys.stdin)["daemon"]["ike"][sys.argv[1]])' "$2"
}

# probe_answers OUT PEER PROPOSAL: OUT has the answer lines of 500 and
# 4500 (the round trip varies) and "no NAT".
probe_answers() {
	local port

	for port in 500 4500; do
		grep -qE "^note: gw: IKE on $2:$port answers in [0-9.]+ m?s \(probe from 192\.0\.2\.1:$port\): it chose $3\$" <<< "$1" ||
			{ printf '%s\n' "$1"; fail "no probe answer on $port"; }
	done
	has_in "$1" "note: gw: no NAT between the gateways: the peer sees the probe from 192.0.2.1:500 as sent, and answers from $2:500 (NAT detection of the probe)"
	grep -E "^note: gw: IKE on" <<< "$1" | sed 's/^/# probe: /'
}

# silent_until SECONDS REGEX: waits (at most SECONDS) until A's esp-silent
# matches REGEX.
silent_until() {
	local i

	for i in $(seq "$1"); do
		[[ $(sgw_field "$gA" esp_silent) =~ $2 ]] && return 0
		sleep 1
	done
}

test_check() {
	local h l l2 out pid t0 sas spis blog prop rc

	require_module
	require_cmd nft
	topo
	psk "$work/gw.psk" "sgw-check test secret"
	sgw_conf "$work/a.conf" gw 192.0.2.1 192.0.2.2 $NETS_A $NETS_B \
		"$IKEP" aes256gcm16 "dpd-delay = 3s"
	sgw_conf "$work/b.conf" gw 192.0.2.2 192.0.2.1 $NETS_B $NETS_A \
		"$IKEP" aes256gcm16
	sgw_daemon "$gA" "$work/a.conf"
	sgw_daemon "$gB" "$work/b.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
	ip -n "$gB" route add $NETS_A dev sgw1
	ip netns exec "$gA" "$SGWCTL" up gw > /dev/null || fail "up failed"
	ping_ok "$hA" 10.2.0.2 || fail "no ping across"
	clean "a working tunnel"

	# --probe: one IKE_SA_INIT to the peer on 500 and on 4500, from the
	# daemon's sockets. The SAs stay as they were, B answers from a
	# half-open SA of its own that expires without a word on its tunnel.
	t0=$SECONDS
	sas=$(sgw_sas "$gA") spis=$(sgw_ike_spis "$gA")
	blog=$(wc -l < "$work/daemon-$gB.log")
	prop=$(sgw_field "$gA" proposal)
	out=$(probe)
	probe_answers "$out" 192.0.2.2 "$prop"
	expect_eq "SAs after the probe" "$(sgw_sas "$gA")" "$sas"
	expect_eq "IKE SA after the probe" "$(sgw_ike_spis "$gA")" "$spis"
	expect_eq "B's IKE SA after the probe" "$(sgw_ike_spis "$gB")" "$spis"
	expect_eq "B's half-open SAs: the two probes" "$(half_open "$gB" half_open)" 2
	ping_ok "$hA" 10.2.0.2 || fail "no ping after the probe"
	# B drops IKE_SA_INIT (exchange type 34) on UDP 500: the probe says
	# so, exactly; other IKE (the tunnel's DPD) still passes.
	ip netns exec "$gB" nft add table inet p
	ip netns exec "$gB" nft add chain inet p in \
		'{ type filter hook input priority 0; }'
	ip netns exec "$gB" nft add rule inet p in udp dport 500 @th,208,8 34 drop
	l="error: gw: no IKE answer from 192.0.2.2:500 in 2 s (probe from 192.0.2.1:500); fix: let UDP 500 between 192.0.2.1 and 192.0.2.2 pass every filter on the path and at the peer, and check that the peer runs IKE on 192.0.2.2"
	rc=0
	out=$(ip netns exec "$gA" "$SGWCTL" check --probe --probe-timeout 2 \
		2>&1) || rc=$?
	has_in "$out" "$l"
	echo "# probe: $l"
	expect_eq "check --probe without an answer: exit status" "$rc" 1
	ip netns exec "$gB" nft delete table inet p
	out=$(probe)
	! grep -q "no IKE answer" <<< "$out" ||
		{ printf '%s\n' "$out"; fail "the no-answer finding stayed"; }
	probe_answers "$out" 192.0.2.2 "$prop"
	expect_eq "SAs after three probes" "$(sgw_sas "$gA")" "$sas"
	echo "# probe: three checks with --probe took $((SECONDS - t0)) s"
	# -j: the same findings as the text, as an array.
	ip netns exec "$gA" nft add table ip n
	ip netns exec "$gA" nft add chain ip n post \
		'{ type nat hook postrouting priority 100; }'
	ip netns exec "$gA" nft add rule ip n post oifname wan0 masquerade
	expect_eq "check -j" "$(ip netns exec "$gA" "$SGWCTL" -j check | python3 -c '
import json, sys
print(" ".join("%s/%s/%s" % (f["severity"], f.get("tunnel", "-"), f["code"])
	       for f in json.load(sys.stdin)["findings"] if f["severity"] != "note"))')" \
		"warning/gw/nat-ike warning/gw/nat-esp"
	ip netns exec "$gA" nft delete table ip n
	# The IKE trace at log-level = debug: one line per message each way.
	for l in "tunnel gw: sending IKE_AUTH request 1 [ IDi N(INITIAL_CONTACT) IDr AUTH SA TSi TSr ] to 192.0.2.2" \
		 "tunnel gw: received IKE_AUTH response 1 [ IDr AUTH SA TSi TSr ] from 192.0.2.2"; do
		grep -qF -- "$l" "$work/daemon-$gA.log" ||
			{ grep -E "sending|received" "$work/daemon-$gA.log"; fail "not in the trace: $l"; }
	done
	grep -E "sending|received" "$work/daemon-$gA.log" | head -n 4 | sed 's/^/# trace: /'

	# ESP from the peer dropped on input: pings die silently, but the
	# daemon says so (within DATAPATH_SILENT_MS, a dead peer detection
	# round and a counter reading) and check names the rule.
	ip netns exec "$gA" nft -f - <<-EOF
	table inet t {
		chain in {
			type filter hook input priority 0; policy accept;
			ip protocol esp drop
		}
	}
	EOF
	h=$(handle "inet t" "ip protocol esp drop")
	l="error: gw: ESP (IP protocol 50) from 192.0.2.2 to 192.0.2.1 is dropped by nft rule inet t in handle $h; fix: nft insert rule inet t in position $h ip saddr 192.0.2.2 meta l4proto esp accept"
	has "$l"
	ip netns exec "$hA" ping -q -i 0.5 -c 240 10.2.0.2 > /dev/null 2>&1 &
	pid=$!
	defer "kill $pid 2>/dev/null"
	t0=$SECONDS
	silent_until 60 .
	expect_match "show: esp-silent" "$(sgw_field "$gA" esp_silent)" \
		"^ESP from the peer 192\.0\.2\.2 is not arriving: ESP goes out, none has come in for [0-9]+ s, while the peer answers IKE; likely a filter dropping IP protocol 50"
	echo "# esp-silent after $((SECONDS - t0)) s of pings (bound 60 s)"
	grep -q "gw: ESP from the peer 192.0.2.2 is not arriving" \
		"$work/daemon-$gA.log" || fail "no log line for the silent data path"
	out=$(check)
	grep -qE "^warning: gw: ESP from the peer 192\.0\.2\.2 is not arriving: .*; fix: allow ESP \(IP protocol 50\) from the peer on every filter of the path, here and at the peer$" <<< "$out" ||
		{ printf '%s\n' "$out"; fail "check does not repeat the daemon's finding"; }
	grep -qxF -- "$l" <<< "$out" || fail "check does not name the rule"
	fix "$l"
	t0=$SECONDS
	silent_until 30 '^$'
	expect_eq "esp-silent once ESP passes" "$(sgw_field "$gA" esp_silent)" ""
	echo "# esp-silent cleared $((SECONDS - t0)) s after the fix (bound 30 s)"
	grep -q "gw: ESP from the peer arrives again" "$work/daemon-$gA.log" ||
		fail "no log line for ESP arriving again"
	kill $pid 2>/dev/null || true
	[ "$(grep -c "is not arriving" "$work/daemon-$gA.log")" -eq 1 ] ||
		fail "the silent data path was logged more than once"
	ip netns exec "$gA" nft delete table inet t

	# The local firewall: ICMP dropped on input, forward closed.
	ip netns exec "$gA" nft -f - <<-EOF
	table inet t {
		chain in {
			type filter hook input priority 0; policy accept;
			icmp type destination-unreachable drop
		}
		chain forward {
			type filter hook forward priority 0; policy drop;
		}
	}
	EOF
	h=$(handle "inet t" "icmp type destination-unreachable drop")
	l2="warning: gw: ICMP fragmentation-needed arriving on wan0 is dropped by nft rule inet t in handle $h; fix: nft insert rule inet t in position $h icmp type destination-unreachable accept"
	has "$l2"
	has "error: gw: traffic from 10.2.0.0/24 arriving on sgw1 for 10.1.0.0/24 is dropped by nft chain inet t forward policy; fix: nft add rule inet t forward iifname sgw1 accept"
	has "error: gw: traffic from 10.1.0.0/24 to 10.2.0.0/24 through sgw1 is dropped by nft chain inet t forward policy; fix: nft add rule inet t forward oifname sgw1 accept"
	fix "$l2"
	fix "; fix: nft add rule inet t forward iifname sgw1 accept"
	fix "; fix: nft add rule inet t forward oifname sgw1 accept"
	clean "the firewall opened as check said"
	ping_ok "$hA" 10.2.0.2 || fail "no ping through the opened firewall"
	ip netns exec "$gA" nft delete table inet t

	# Masquerade on the uplink catches the gateway's own IKE and ESP.
	ip netns exec "$gA" nft -f - <<-EOF
	table ip n {
		chain post {
			type nat hook postrouting priority 100;
			oifname "wan0" masquerade
		}
	}
	EOF
	h=$(handle "ip n" masquerade)
	l="warning: gw: IKE (UDP 500) from 192.0.2.1 to 192.0.2.2 is rewritten by masquerade in nft rule ip n post handle $h: the peer sees another address or port; fix: nft insert rule ip n post position $h ip daddr 192.0.2.2 udp dport 500 accept"
	l2="warning: gw: ESP (IP protocol 50) from 192.0.2.1 to 192.0.2.2 is rewritten by masquerade in nft rule ip n post handle $h: the peer sees another address or port; fix: nft insert rule ip n post position $h ip daddr 192.0.2.2 meta l4proto esp accept"
	has "$l"
	has "$l2"
	fix "$l"
	fix "$l2"
	clean "IKE and ESP exempted from masquerade"
	ip netns exec "$gA" nft delete table ip n

	# Forwarding off.
	ip netns exec "$gA" sysctl -qw net.ipv4.ip_forward=0
	l="error: gw: net.ipv4.ip_forward = 0: IPv4 packets are not forwarded between sgw1 and the local networks; fix: sysctl -w net.ipv4.ip_forward=1 (and set it in /etc/sysctl.d/)"
	has "$l"
	ip netns exec "$gA" sysctl -qw net.ipv4.ip_forward=1
	clean "forwarding on again"

	# Strict rp_filter and no route for the remote network.
	ip netns exec "$gA" sysctl -qw net.ipv4.conf.sgw1.rp_filter=1
	ip -n "$gA" route del $NETS_B dev sgw1
	l="error: gw: remote network 10.2.0.0/24 is not routed into sgw1 (it has no route): its traffic does not enter the tunnel; fix: ip route add 10.2.0.0/24 dev sgw1"
	has "$l"
	has "error: gw: rp_filter = 1 (strict) on sgw1 drops decrypted packets from 10.2.0.0/24: the route back to them does not go into sgw1; fix: route 10.2.0.0/24 into sgw1, or sysctl -w net.ipv4.conf.sgw1.rp_filter=2"
	fix "$l"
	clean "the route back"
	ping_ok "$hA" 10.2.0.2 || fail "no ping with strict rp_filter and the route"

	# An enabled tunnel nobody configured (left from a test, say).
	ip netns exec "$gA" "$SGWCTL" tunnel add id 7 local 192.0.2.1 \
		remote 192.0.2.9 local-ts 10.1.0.0/24 remote-ts 10.7.0.0/24 \
		> /dev/null || fail "tunnel add 7"
	l="warning: sgw7: tunnel 7 (sgw7) is enabled in the kernel but not in $work/a.conf: it claims traffic and nothing negotiates its SAs; fix: sgwctl tunnel del 7 (or tunnel set 7 enabled no)"
	has "$l"
	ip netns exec "$gA" "$SGWCTL" tunnel del 7 || fail "tunnel del 7"
	clean "the stale tunnel deleted"

	# The remote SGW routed into its own tunnel: exempted, and said so.
	ip -n "$gA" route add 192.0.2.2/32 dev sgw1
	has "note: gw: the route to the remote SGW 192.0.2.2 goes into sgw1: sgw exempts it and sends IKE and ESP via wan0; other traffic to the SGW itself is not encrypted; fix: protect-gateways = yes protects it with transport ESP"
	ip -n "$gA" route del 192.0.2.2/32 dev sgw1
	out=$(check)
	! grep -q "peer-route\|goes into sgw1" <<< "$out" ||
		{ printf '%s\n' "$out"; fail "the exemption note stayed"; }

	# The probes' half-open SAs at B have expired (30 s after them):
	# no failure and no warning on B's tunnel for them.
	t0=$SECONDS
	until_s 40 test "$(half_open "$gB" half_open)" = 0 ||
		fail "B's half-open SAs did not expire"
	# Five probes reached B: two, one (500 dropped), two.
	expect_eq "B's expired half-open SAs" "$(half_open "$gB" half_open_expired)" 5
	expect_eq "B's tunnel failure" "$(sgw_field "$gB" failure)" ""
	expect_eq "B's tunnel state" "$(sgw_field "$gB" state)" established
	! tail -n +"$((blog + 1))" "$work/daemon-$gB.log" |
		grep -E "^sgw (error|warning): tunnel gw" ||
		fail "B logged a failure or warning for its tunnel after the probes"
	echo "# probe: waited $((SECONDS - t0)) s more for B's half-open SAs to expire"
	daemon_alive "$gA"
}

# check --probe against charon: the answer on 500 and 4500 with the
# proposal charon chose, and charon's IKE and CHILD SAs untouched.
test_check_probe_charon() {
	local out sas spis csas prop clog t0=$SECONDS

	require_module
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	topo
	psk "$work/gw.psk" "sgw-check probe secret"
	sgw_conf "$work/a.conf" gw 192.0.2.1 192.0.2.2 $NETS_A $NETS_B \
		"$IKEP" aes256gcm16
	# No daemon yet: nothing is probed, and check says why.
	out=$(ip netns exec "$gA" "$SGWCTL" check -c "$work/a.conf" --probe 2>&1 || true)
	has_in "$out" "note: -: nothing probed: --probe sends IKE_SA_INIT from the daemon's own IKE sockets (the path, ports and NAT mapping the tunnels' IKE uses), and no daemon runs; fix: start the daemon, then check --probe again"
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
	ip -n "$gB" route add $NETS_A via 192.0.2.1
	charon_start "$gB"
	charon_conn "$gB" c 192.0.2.2 192.0.2.1 $NETS_B $NETS_A "$IKEP" \
		aes256gcm16 "sgw-check probe secret"
	ip netns exec "$gA" "$SGWCTL" up gw > /dev/null || fail "up failed"
	ping_ok "$hA" 10.2.0.2 || fail "no ping across"
	sas=$(sgw_sas "$gA") spis=$(charon_ike_spis "$gB")
	csas=$(charon_sas "$gB") prop=$(sgw_field "$gA" proposal)
	clog=$(wc -l < "$work/charon-$gB/charon.log")
	out=$(probe)
	probe_answers "$out" 192.0.2.2 "$prop"
	expect_eq "SAs after the probe" "$(sgw_sas "$gA")" "$sas"
	expect_eq "charon's IKE SA after the probe" "$(charon_ike_spis "$gB")" "$spis"
	expect_eq "charon's CHILD SA after the probe" "$(charon_sas "$gB")" "$csas"
	ping_ok "$hA" 10.2.0.2 || fail "no ping after the probe"
	tail -n +"$((clog + 1))" "$work/charon-$gB/charon.log" |
		grep -E "IKE_SA_INIT|failed|deleting" | sed 's/^/# charon: /'
	! tail -n +"$((clog + 1))" "$work/charon-$gB/charon.log" |
		grep -qiE "failed|deleting IKE_SA c\[1\]" ||
		fail "charon logged a failure after the probe"
	daemon_alive "$gA"
	echo "# charon case: $((SECONDS - t0)) s in all"
}

ktap_begin 2
load_ipsec_modules
run_test "sgwctl check: each pitfall named exactly, gone once fixed" test_check
run_test "sgwctl check --probe against charon: answered, SAs untouched" test_check_probe_charon
ktap_end
