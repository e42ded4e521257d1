#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKEv2 with "sgwctl daemon": two sgw gateways negotiate their tunnel; sgw
# against strongSwan's charon as initiator and as responder over a proposal
# matrix (every IKE cipher, integrity and PRF, DH groups 14, 15, 16, 19, 20,
# 21 and 31, every ESP algorithm, PFS, "default"), IPv4 and IPv6; failures named in plain words with
# no SA left behind; "sgwctl down" clearing both ends.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ike_lib.sh"

NETS_A=10.1.0.0/24
NETS_B=10.2.0.0/24

# Both gateways as sgw, tunnel interface routes on each.
sgw_pair() {
	local ikep=$1 espp=$2

	psk "$work/gw.psk" "sgw-pair secret"
	sgw_conf "$work/a.conf" gw 192.0.2.1 192.0.2.2 $NETS_A $NETS_B "$ikep" "$espp"
	sgw_conf "$work/b.conf" gw 192.0.2.2 192.0.2.1 $NETS_B $NETS_A "$ikep" "$espp"
	sgw_daemon "$gA" "$work/a.conf"
	sgw_daemon "$gB" "$work/b.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
	ip -n "$gB" route add $NETS_A dev sgw1
}

# json_contract NS: each command's -j in NS, with an established tunnel
# "gw" (sgw1, id 1, config $work/a.conf), against the one schema; a
# tunnel event from "tunnel set" seen by "monitor -j".
json_contract() {
	local ns=$1 frag mon=$work/monitor-$1.json pid i

	json_ok "$ns" show show > /dev/null
	json_ok "$ns" show show gw > /dev/null
	json_ok "$ns" brief show --brief > /dev/null
	json_ok "$ns" tunnel tunnel show > /dev/null
	json_ok "$ns" sa sa show 1 > /dev/null
	json_ok "$ns" daemon_reply up gw > /dev/null
	json_ok "$ns" version version > /dev/null
	json_ok "$ns" trace trace 10.1.0.2 10.2.0.2 > /dev/null
	json_ok "$ns" check check > /dev/null
	json_ok "$ns" config_check config check "$work/a.conf" > /dev/null
	json_ok "$ns" showconf showconf -a "$work/a.conf" > /dev/null
	json_ok "$ns" daemon_reply reload > /dev/null
	expect_eq "show -j: the daemon, structured" "$(json_ok "$ns" show show |
		python3 -c 'import json, sys, os
d = json.load(sys.stdin)["daemon"]
print(d["state"], d["pid"] > 1, d["config"], d["tunnel_states"]["total"],
      d["tunnel_states"]["established"])')" "running True $work/a.conf 1 1"
	# monitor -j: the event of a tunnel set (to the value it has).
	frag=$(json_ok "$ns" tunnel tunnel show 1 | python3 -c '
import json, sys; print(json.load(sys.stdin)["tunnels"][0]["fragment"])')
	ip netns exec "$ns" timeout 10 "$SGWCTL" -j monitor --count 1 > "$mon" 2>&1 &
	pid=$!
	for i in $(seq 50); do
		ip netns exec "$ns" awk '$2 == 16 && $4 != "00000000" { f = 1 } END { exit !f }' \
			/proc/net/netlink && break
		sleep 0.1
	done
	json_ok "$ns" tunnel tunnel set 1 fragment "$frag" > /dev/null
	wait "$pid" || fail "monitor -j saw no event: $(cat "$mon")"
	python3 "$here/json_schema.py" --lines event "$mon" ||
		fail "monitor -j: not valid event documents: $(cat "$mon")"
}

test_sgw_sgw() {
	require_module
	topo
	sgw_pair aes256gcm16-prfsha384-curve25519 aes256gcm16
	expect_eq "state before up" "$(sgw_field "$gA" state)" idle
	ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" ||
		{ cat "$work/up.out" "$work"/daemon-*.log; fail "up failed"; }
	expect_match "up output" "$(cat "$work/up.out")" "^ike gw \(tunnel 1, sgw1\): established"
	expect_eq "state A" "$(sgw_field "$gA" state)" established
	expect_eq "state B" "$(sgw_field "$gB" state)" established
	expect_eq "proposal" "$(sgw_field "$gA" proposal)" aes256gcm16-prfsha384-curve25519
	expect_eq "peer id seen by B" "$(sgw_field "$gB" peer_id)" 192.0.2.1
	expect_eq "IKE SPIs" "$(sgw_ike_spis "$gA")" "$(sgw_ike_spis "$gB")"
	expect_crosswise "sgw-sgw" "$(sgw_sas "$gA")" "$(sgw_sas "$gB")"
	ping_ok "$hA" 10.2.0.2 || fail "no ping across the tunnel"
	out=$(ip netns exec "$gA" "$SGWCTL" -j sa show 1 | python3 -c '
import json, sys
print(sum(s["packets"] for s in json.load(sys.stdin)["sas"] if s["dir"] == "out"))')
	[ "$out" -ge 1 ] || fail "no packet counted on the outbound SA"
	json_contract "$gA"
	# A second daemon in the same namespace refuses.
	expect_fail "second daemon" ip netns exec "$gA" "$SGWCTL" daemon -c "$work/a.conf"
	expect_match "second daemon message" "$out" \
		"another sgw daemon \(pid [0-9]+\) already runs in this network namespace"
	# down on A removes the SAs here at once and at B after its DELETE.
	json_ok "$gA" daemon_reply down gw > /dev/null
	no_sgw_sa "$gA" || fail "SAs left on A after down"
	wait_for 5 no_sgw_sa "$gB" || fail "SAs left on B after down: $(sgw_sas "$gB")"
	expect_eq "state B after down" "$(sgw_field "$gB" state)" idle
	# sa refresh brings it back, from B this time.
	json_ok "$gB" daemon_reply sa refresh gw > /dev/null
	expect_crosswise "after refresh" "$(sgw_sas "$gA")" "$(sgw_sas "$gB")"
	ping_ok "$hB" 10.1.0.2 || fail "no ping after refresh"
}

# sgwctl metrics after known traffic, read by Prometheus' own text parser:
# the device totals equal "sgwctl -j show --brief", every drop reason and
# IKE failure reason has its sample, the state is established; without a
# daemon, sgw_daemon_up 0.
metrics_check() {
	local ns=$1 m=$work/metrics-$1

	ip netns exec "$ns" "$SGWCTL" -j show > "$m.show" &&
		ip netns exec "$ns" "$SGWCTL" -j show --brief > "$m.before" &&
		ip netns exec "$ns" "$SGWCTL" -j tunnel show 1 > "$m.tbefore" &&
		ip netns exec "$ns" "$SGWCTL" metrics > "$m.prom" &&
		ip netns exec "$ns" "$SGWCTL" -j show --brief > "$m.after" &&
		ip netns exec "$ns" "$SGWCTL" -j tunnel show 1 > "$m.tunnel" || return 2
	/usr/bin/python3 - "$m" > "$m.check" 2>&1 <<'EOF_PY'
import json, sys
from prometheus_client.parser import text_string_to_metric_families

m = sys.argv[1]
before, after = (json.load(open(m + s))["tunnels"][0] for s in (".before", ".after"))
tunnel, tbefore = (json.load(open(m + s))["tunnels"][0] for s in (".tunnel", ".tbefore"))
fam = {f.name: f for f in text_string_to_metric_families(open(m + ".prom").read())}


def one(name, **labels):
    hits = [s.value for f in fam.values() for s in f.samples
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]
    if len(hits) != 1:
        sys.exit("%s %s: %d samples" % (name, labels, len(hits)))
    return hits[0]


if before != after or tbefore["drops"] != tunnel["drops"]:
    sys.exit(3)     # traffic between the reads: read again
t = {"tunnel": "gw", "id": "1"}
assert one("sgw_daemon_up") == 1
assert 0 <= one("sgw_daemon_uptime_seconds") < 3600, one("sgw_daemon_uptime_seconds")
for key in ("rx_packets", "tx_packets"):
    assert after[key] >= 5, (key, after[key])
for key, name in (("rx_packets", "receive_packets"), ("tx_packets", "transmit_packets"),
                  ("rx_bytes", "receive_bytes"), ("tx_bytes", "transmit_bytes")):
    got = one("sgw_tunnel_%s_total" % name, **t)
    assert got == after[key], (name, got, after[key])
assert fam["sgw_tunnel_receive_bytes"].type == "counter"
for state in ("disabled", "idle", "connecting", "established", "failed"):
    got = one("sgw_tunnel_state", state=state, **t)
    assert got == (state == "established"), (state, got)
assert tunnel["drops"]
for reason, n in tunnel["drops"].items():
    # JSON keys are snake_case; the metric labels keep the drop names.
    assert one("sgw_tunnel_drops_total", reason=reason.replace("_", "-"), **t) == n, reason
assert len(fam["sgw_tunnel_drops"].samples) == len(tunnel["drops"])
for reason in ("timeout", "auth", "proposal", "ts", "refused", "local"):
    assert one("sgw_tunnel_ike_failures_total", reason=reason, **t) == 0, reason
assert one("sgw_tunnel_child_rekeys_total", **t) == 0
assert one("sgw_daemon_ike_half_open") == 0
assert one("sgw_daemon_ike_cookies_sent_total") == 0
# A started the IKE SA: its IKE_SA_INIT and IKE_AUTH, answered by B.
xchg = json.load(open(m + ".show"))["daemon"]["ike"]["exchanges"]
for x in ("IKE_SA_INIT", "IKE_AUTH", "CREATE_CHILD_SA", "INFORMATIONAL"):
    for who, key in (("local", "initiated"), ("peer", "answered")):
        got = one("sgw_daemon_ike_exchanges_total", exchange=x, initiator=who)
        assert got == xchg[x.lower()][key], (x, who, got, xchg)
for x in ("IKE_SA_INIT", "IKE_AUTH"):
    assert xchg[x.lower()] == {"initiated": 1, "answered": 0}, xchg
assert xchg["create_child_sa"] == {"initiated": 0, "answered": 0}, xchg
print("ok: %d packets out, %d in" % (after["tx_packets"], after["rx_packets"]))
EOF_PY
}

test_sgw_metrics() {
	local rc

	require_module
	topo
	sgw_pair aes256gcm16-prfsha384-curve25519 aes256gcm16
	ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" ||
		{ cat "$work/up.out" "$work"/daemon-*.log; fail "up failed"; }
	ip netns exec "$hA" ping -c 5 -s 100 -i 0.2 -W 2 10.2.0.2 > "$work/ping.out" ||
		{ cat "$work/ping.out"; fail "ping across the tunnel"; }
	# Up to 10 tries: a packet the stack sends or drops on its own
	# between the reads (IPv6 on sgw1) only makes us read again.
	for _ in $(seq 10); do
		rc=0
		metrics_check "$gA" || rc=$?
		[ "$rc" = 3 ] || break
		sleep 0.5
	done
	[ "$rc" = 0 ] || { cat "$work/metrics-$gA.check" "$work/metrics-$gA.prom"; fail "metrics of A"; }
	cat "$work/metrics-$gA.check"
	expect_eq "no daemon, no tunnel" "$(ip netns exec "$hA" "$SGWCTL" metrics | grep -v '^#')" \
		"sgw_daemon_up 0"
}

# With charon on gB: our tunnel of family $1 with proposals $2 / $3.
sgw_vs_charon_conf() {
	local fam=$1 ikep=$2 espp=$3

	shift 3
	if [ "$fam" = 6 ]; then
		sgw_conf "$work/a.conf" gw 2001:db8::1 2001:db8::2 fd01::/64 fd02::/64 \
			"$ikep" "$espp" "$@"
	else
		sgw_conf "$work/a.conf" gw 192.0.2.1 192.0.2.2 $NETS_A $NETS_B \
			"$ikep" "$espp" "$@"
	fi
}

# charon_side FAMILY IKE ESP KEY [LOCAL_TS]
charon_side() {
	if [ "$1" = 6 ]; then
		charon_conn "$gB" c 2001:db8::2 2001:db8::1 "${5:-fd02::/64}" fd01::/64 "$2" "$3" "$4"
	else
		charon_conn "$gB" c 192.0.2.2 192.0.2.1 "${5:-$NETS_B}" $NETS_A "$2" "$3" "$4"
	fi
}

sgw_reload() {
	ip netns exec "$gA" "$SGWCTL" reload > /dev/null || fail "reload refused"
}

# ike_load NS EXPR: the Python expression EXPR holds over l, the daemon's
# responder load ("ike" of "daemon" in sgwctl -j show), whose keys must
# have one type each.
ike_load() {
	ip netns exec "$1" "$SGWCTL" -j show | python3 -c '
import json, sys
l = json.load(sys.stdin)["daemon"]["ike"]
ints = ("half_open", "half_open_limit", "half_open_max", "cookies_sent",
        "half_open_dropped", "half_open_expired")
assert all(type(l[k]) is int for k in ints), l
assert type(l["cookies_demanded"]) is bool, l
sys.exit(0 if eval(sys.argv[1]) else 1)' "$2"
}

# init_flood NS DST N: N IKE_SA_INIT from NS to DST:500, each with its own
# initiator SPI as a spoofed flood has them, offering
# aes128gcm16-prfsha256-ecp256 with the curve's generator as key share
# (a valid point, so each one gets as far as a half-open SA).
init_flood() {
	ip netns exec "$1" python3 - "$2" "$3" << 'EOF'
import os, socket, struct, sys

G = bytes.fromhex(
    "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
    "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")


def payload(nxt, body):
    return struct.pack("!BBH", nxt, 0, 4 + len(body)) + body


def transform(more, ttype, tid, attr=b""):
    return struct.pack("!BBHBBH", 3 if more else 0, 0, 8 + len(attr),
                       ttype, 0, tid) + attr


xf = (transform(True, 1, 20, struct.pack("!HH", 0x800e, 128)) +
      transform(True, 2, 5) + transform(False, 4, 19))
prop = struct.pack("!BBHBBBB", 0, 0, 8 + len(xf), 1, 1, 0, 3) + xf
body = (payload(34, prop) + payload(40, struct.pack("!HH", 19, 0) + G) +
        payload(0, os.urandom(32)))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    hdr = struct.pack("!8s8sBBBBII", os.urandom(8), bytes(8), 33, 0x20, 34,
                      0x08, 0, 28 + len(body))
    s.sendto(hdr + body, (sys.argv[1], 500))
EOF
}

# One interop case: WHO initiates (sgw or charon), FAMILY, IKE, ESP
# [rekey: then sgw rekeys the CHILD SA, with the ESP proposal's DH for PFS].
interop_case() {
	local who=$1 fam=$2 ikep=$3 espp=$4 rekey=$5 dst=10.2.0.2 t0 t1 old

	[ "$fam" = 6 ] && dst=fd02::2
	sgw_vs_charon_conf "$fam" "$ikep" "$espp"
	sgw_reload
	charon_side "$fam" "$ikep" "$espp" "interop secret"
	if [ "$who" = sgw ]; then
		ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" 2>&1 ||
			{ cat "$work/up.out" "$work/charon-$gB/charon.log"; fail "sgwctl up: $(cat "$work/up.out")"; }
	else
		swanctl_ns "$gB" --initiate --child net --timeout 30 > "$work/init.out" 2>&1 ||
			{ tail -20 "$work/init.out"; fail "swanctl --initiate failed"; }
		wait_for 5 sh -c "[ \"\$(ip netns exec $gA $SGWCTL -j show 1 | grep -o '\"state\":\"established\"')\" ]" ||
			fail "sgw not established after charon's initiate"
	fi
	expect_eq "$who/$fam $ikep: proposal" "$(sgw_field "$gA" proposal)" "$ikep"
	expect_eq "$who/$fam $ikep: IKE SPIs" "$(sgw_ike_spis "$gA")" "$(charon_ike_spis "$gB")"
	expect_crosswise "$who/$fam $ikep/$espp" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"
	ping_ok "$hA" "$dst" || { diagnose; fail "$who/$fam $ikep/$espp: no ping across"; }
	if [ "$rekey" = rekey ]; then
		old=$(sgw_sas "$gA")
		ip netns exec "$gA" "$SGWCTL" sa refresh gw > /dev/null ||
			fail "$who/$fam $espp: refresh refused"
		# Within 20 s: a new pair here, crosswise with charon's.
		wait_for 20 rekeyed_with_charon "$old" ||
			{ diagnose; fail "$who/$fam $espp: no new crosswise CHILD SA after refresh ($old, now $(sgw_sas "$gA") / $(charon_sas "$gB"))"; }
		ping_ok "$hA" "$dst" || { diagnose; fail "$who/$fam $espp: no ping after the PFS rekey"; }
	fi
	ip netns exec "$gA" "$SGWCTL" down gw > /dev/null
	no_sgw_sa "$gA" || fail "SAs left here after down"
	wait_for 5 no_charon_sa "$gB" || fail "charon kept its SAs after our down"
	echo "interop $who initiates, IPv$fam, IKE $ikep, ESP $espp: ok"
}

# rekeyed_with_charon OLD: sgw holds one pair other than OLD, and charon
# holds the same pair crosswise.
rekeyed_with_charon() {
	local a b ai ao bi bo

	a=$(sgw_sas "$gA")
	[ "$a" != "$1" ] || return 1
	b=$(charon_sas "$gB")
	read -r _ ai _ ao <<< "$a"
	read -r _ bi _ bo <<< "$b"
	[ "$ai" != - ] && [ "$ao" != - ] && [ "$ai" = "$bo" ] && [ "$ao" = "$bi" ]
}

# What both ends saw, when traffic does not cross.
diagnose() {
	ip netns exec "$gA" "$SGWCTL" show
	ip netns exec "$gB" ip -s xfrm state
	ip netns exec "$gB" ip xfrm policy
	ip netns exec "$gB" cat /proc/net/xfrm_stat | grep -v ' 0$'
	swanctl_ns "$gB" --list-sas
	tail -n 30 "$work/charon-$gB/charon.log"
}

charon_setup() {
	require_module
	require_cmd swanctl nft
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	topo
	psk "$work/gw.psk" "interop secret"
	sgw_vs_charon_conf 4 aes128gcm16-prfsha256-ecp256 aes128gcm16
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
	ip -n "$gA" -6 route add fd02::/64 dev sgw1
	# charon installs policies, not routes: a route toward site A is needed.
	ip -n "$gB" route add $NETS_A via 192.0.2.1
	ip -n "$gB" -6 route add fd01::/64 via 2001:db8::1
	charon_start "$gB"
}

test_charon_matrix() {
	charon_setup
	interop_case sgw 4 aes128gcm16-prfsha256-ecp256 aes128gcm16
	interop_case charon 4 aes256gcm16-prfsha384-ecp384 aes256gcm16
	interop_case sgw 4 aes128-sha256-prfsha256-modp2048 aes128-sha256
	interop_case charon 4 aes256-sha384-prfsha384-curve25519 chacha20poly1305
	interop_case sgw 4 aes256-sha512-prfsha512-ecp256 aes256-sha256
	interop_case charon 6 aes256gcm16-prfsha512-curve25519 aes256gcm16
	interop_case sgw 6 aes128-sha256-prfsha256-ecp384 aes128gcm16
}

# The proposals hardened peers send: HMAC-SHA-384/512 in ESP (RFC 4868),
# MODP 3072/4096 and ECP 521 for the IKE SA and for PFS at CHILD rekeys,
# and strongSwan's "default" keyword on both ends.
test_charon_proposals() {
	charon_setup
	interop_case sgw 4 aes256-sha512-prfsha512-ecp521 aes256-sha512-modp4096 rekey
	interop_case charon 4 aes128-sha384-prfsha384-modp3072 aes128-sha384-ecp521 rekey
	# "default" here and at charon; charon initiates with its own default.
	sgw_vs_charon_conf 4 default default
	sgw_reload
	charon_side 4 default default "interop secret"
	swanctl_ns "$gB" --initiate --child net --timeout 30 > "$work/init.out" 2>&1 ||
		{ tail -20 "$work/init.out"; fail "default: swanctl --initiate failed"; }
	wait_for 5 sh -c "[ \"\$(ip netns exec $gA $SGWCTL -j show 1 | grep -o '\"state\":\"established\"')\" ]" ||
		fail "default: sgw not established after charon's initiate"
	expect_crosswise "default/default" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"
	ping_ok "$hA" 10.2.0.2 || { diagnose; fail "default: no ping across"; }
	echo "interop charon initiates, default/default: IKE $(sgw_field "$gA" proposal)"
	ip netns exec "$gA" "$SGWCTL" down gw > /dev/null
	wait_for 5 no_charon_sa "$gB" || fail "default: charon kept its SAs after our down"
}

# expect_up_fails REASON [retried]: "sgwctl up" fails with it; no SA at
# either end. A transient failure (no answer) is "retried": the tunnel
# stays wanted up and negotiates again after a backoff, so by the time
# show runs it is either failed with the next attempt scheduled or
# connecting that attempt (a busy host reaches the retry, which the CI
# saw as 'state: got "connecting"'); the failure stays shown either way.
expect_up_fails() {
	local want=$1 state retry

	expect_fail "up must fail" ip netns exec "$gA" "$SGWCTL" up gw
	daemon_alive "$gA"
	expect_eq "up's error" "$out" "sgwctl: up: gw: failed: $want"
	expect_eq "show's failure" "$(sgw_field "$gA" failure)" "$want"
	# One show for both: the retry may start between two.
	read -r state retry <<< "$(ip netns exec "$gA" "$SGWCTL" -j show 1 | python3 -c '
import json, sys
t = json.load(sys.stdin)["tunnels"][0]["ike"]
print(t["state"], t["refresh"].get("retry_in", ""))')"
	if [ "${2:-}" = retried ]; then
		[ "$state" = connecting ] || { [ "$state" = failed ] && [ -n "$retry" ]; } ||
			fail "state: got \"$state\" (retry in \"$retry\"), expected failed with a retry, or connecting"
		ip netns exec "$gA" "$SGWCTL" down gw > /dev/null
	else
		expect_eq "state" "$state" failed
		expect_eq "no retry after a refusal" "$retry" ""
	fi
	no_sgw_sa "$gA" || fail "an SA was installed here"
	wait_for 3 no_charon_sa "$gB" || fail "charon has an SA"
}

test_charon_failures() {
	charon_setup
	# Wrong PSK: the responder says so.
	sgw_reload
	charon_side 4 aes128gcm16-prfsha256-ecp256 aes128gcm16 "another secret"
	expect_up_fails "AUTHENTICATION_FAILED: peer 192.0.2.2:500 rejected our authentication as '192.0.2.1' (pre-shared key or identity mismatch)"
	# And as responder we name what was wrong.
	swanctl_ns "$gB" --initiate --child net --timeout 15 > /dev/null 2>&1 &&
		fail "charon established with a wrong PSK"
	wait_for 3 sh -c "ip netns exec $gA $SGWCTL -j show 1 | grep -q 'we rejected peer'" || true
	# charon moves IKE_AUTH to 4500 once both did NAT detection (it
	# does so for MOBIKE even without a NAT); sgw follows it there.
	expect_eq "responder failure" "$(sgw_field "$gA" failure)" \
		"AUTHENTICATION_FAILED: we rejected peer 192.0.2.2:4500 identity '192.0.2.2': its AUTH does not match our pre-shared key"
	no_sgw_sa "$gA" || fail "an SA was installed with a wrong PSK"
	# No common IKE proposal.
	charon_side 4 aes256-sha512-modp2048 aes128gcm16 "interop secret"
	expect_up_fails "NO_PROPOSAL_CHOSEN: peer 192.0.2.2:500 accepted none of our IKE proposals: aes128gcm16-prfsha256-ecp256"
	# No common ESP proposal: IKE SA up, CHILD SA refused, all removed.
	charon_side 4 aes128gcm16-prfsha256-ecp256 chacha20poly1305 "interop secret"
	expect_up_fails "NO_PROPOSAL_CHOSEN: peer 192.0.2.2:500 refused our CHILD SA (we offered ESP aes128gcm16; local 10.1.0.0/24, remote 10.2.0.0/24)"
	# Traffic selectors the peer does not accept.
	charon_side 4 aes128gcm16-prfsha256-ecp256 aes128gcm16 "interop secret" 10.9.0.0/24
	expect_up_fails "TS_UNACCEPTABLE: peer 192.0.2.2:500 refused our CHILD SA (we offered ESP aes128gcm16; local 10.1.0.0/24, remote 10.2.0.0/24)"
	# UDP 500 dropped on the way (1 s, 2 s, 4 s: given up after 7 s).
	RT_TIMEOUT=1s RT_TRIES=3 sgw_vs_charon_conf 4 aes128gcm16-prfsha256-ecp256 aes128gcm16
	sgw_reload
	charon_side 4 aes128gcm16-prfsha256-ecp256 aes128gcm16 "interop secret"
	ip netns exec "$gB" nft add table inet sgwt
	ip netns exec "$gB" nft add chain inet sgwt in '{ type filter hook input priority 0; }'
	ip netns exec "$gB" nft add rule inet sgwt in udp dport 500 drop
	expect_up_fails "no IKE response from 192.0.2.2:500 after 3 tries — is UDP 500 blocked on the path?" retried
	ip netns exec "$gB" nft delete table inet sgwt
	# Once fixed, the same tunnel comes up.
	ip netns exec "$gA" "$SGWCTL" up gw > /dev/null || fail "no recovery"
	expect_crosswise "after recovery" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"
	ip netns exec "$gA" "$SGWCTL" down gw > /dev/null
	wait_for 5 no_charon_sa "$gB" || fail "charon kept its SAs after our down"
	# A reload applies [global] too: from now on cookies are always demanded.
	HALF_OPEN_LIMIT=0 RT_TIMEOUT=1s RT_TRIES=3 sgw_vs_charon_conf 4 aes128gcm16-prfsha256-ecp256 aes128gcm16
	out=$(ip netns exec "$gA" "$SGWCTL" reload) || fail "reload refused: $out"
	expect_eq "reload message" "$out" \
		"reloaded $work/a.conf: 1 tunnel: 0 added, 0 removed, 0 changed, 1 unchanged; half-open-limit 30 -> 0"
	# With the limit 0, COOKIEs are demanded while nothing is half-open.
	ike_load "$gA" 'l["cookies_demanded"] and l["half_open"] == 0 and l["half_open_limit"] == 0' ||
		fail "show does not say COOKIEs are demanded at half-open-limit 0"
	# charon initiating to a responder that demands a COOKIE (RFC 7296 §2.6).
	swanctl_ns "$gB" --initiate --child net --timeout 30 > /dev/null 2>&1 ||
		fail "charon could not initiate through the cookie exchange"
	grep -q 'parsed IKE_SA_INIT response 0 \[ N(COOKIE) \]' "$work/charon-$gB/charon.log" ||
		fail "no COOKIE was demanded of charon"
	wait_for 5 sh -c "ip netns exec $gA $SGWCTL -j show 1 | grep -q '\"state\":\"established\"'" ||
		fail "not established after the cookie exchange"
	expect_crosswise "after cookie" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"
	# A flood of IKE_SA_INIT from the peer's address: the first 5 are
	# half-open, the rest get a COOKIE, and show says so; once they expire
	# (30 s without IKE_AUTH) it says COOKIEs are no longer demanded.
	HALF_OPEN_LIMIT=5 RT_TIMEOUT=1s RT_TRIES=3 sgw_vs_charon_conf 4 aes128gcm16-prfsha256-ecp256 aes128gcm16
	out=$(ip netns exec "$gA" "$SGWCTL" reload) || fail "reload refused: $out"
	expect_eq "reload message" "$out" \
		"reloaded $work/a.conf: 1 tunnel: 0 added, 0 removed, 0 changed, 1 unchanged; half-open-limit 0 -> 5"
	ike_load "$gA" 'not l["cookies_demanded"] and l["half_open"] == 0' ||
		fail "COOKIEs demanded before the flood"
	init_flood "$gB" 192.0.2.1 40
	wait_for 20 ike_load "$gA" 'l["cookies_demanded"] and l["half_open"] == 5 and l["cookies_sent"] > 1' ||
		fail "show does not say COOKIEs are demanded during the flood: $(ip netns exec "$gA" "$SGWCTL" -j show)"
	ip netns exec "$gA" "$SGWCTL" show | grep -qx 'IKE: 5 half-open SAs (limit 5): demanding COOKIEs from initiators' ||
		fail "no COOKIE line in show: $(ip netns exec "$gA" "$SGWCTL" show | head -n 3)"
	wait_for 60 ike_load "$gA" 'not l["cookies_demanded"] and l["half_open"] == 0 and l["half_open_expired"] == 5' ||
		fail "still demanding COOKIEs after the half-open timeout: $(ip netns exec "$gA" "$SGWCTL" -j show)"
	ip netns exec "$gA" "$SGWCTL" show | grep -qx 'IKE: 0 half-open SAs (limit 5), not demanding COOKIEs' ||
		fail "no calm line in show: $(ip netns exec "$gA" "$SGWCTL" show | head -n 3)"
	expect_eq "state after the flood" "$(sgw_field "$gA" state)" established
}

# Two tunnels between the same two SGWs, each with its own peer identity,
# key and networks: charon initiates both, and sgw answers each with the
# tunnel its identity names; an unknown identity is refused by name.
test_charon_identities() {
	local t lts

	require_module
	require_cmd swanctl
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	topo
	psk "$work/gw1.psk" "key one"
	psk "$work/gw2.psk" "key two"
	{
		echo "[global]"
		echo "log-level = debug"
		for t in 1 2; do
			echo "[tunnel gw$t]"
			echo "id = $t"
			echo "local = 192.0.2.1"
			echo "remote = 192.0.2.2"
			echo "local-id = @sgw.example"
			echo "remote-id = @c$t.example"
			echo "psk-file = $work/gw$t.psk"
			echo "local-networks = $NETS_A"
			echo "remote-networks = 10.2.0.$(( (t - 1) * 128 ))/25"
			echo "ike-proposals = aes128gcm16-prfsha256-ecp256"
			echo "esp-proposals = aes128gcm16"
			echo "routes = no"
		done
	} > "$work/a.conf"
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gA" route add 10.2.0.0/25 dev sgw1
	ip -n "$gA" route add 10.2.0.128/25 dev sgw2
	ip -n "$hB" addr add 10.2.0.130/24 dev eth0
	ip -n "$gB" route add $NETS_A via 192.0.2.1
	charon_start "$gB"
	{
		echo "connections {"
		for t in 1 2 3; do
			case $t in
			1) lts=10.2.0.0/25 ;;
			2) lts=10.2.0.128/25 ;;
			3) lts=10.2.0.0/24 ;;
			esac
			cat <<-EOC
			c$t {
				version = 2
				local_addrs = 192.0.2.2
				remote_addrs = 192.0.2.1
				proposals = aes128gcm16-prfsha256-ecp256
				local {
					auth = psk
					id = c$t.example
				}
				remote {
					auth = psk
					id = sgw.example
				}
				children {
					net$t {
						local_ts = $lts
						remote_ts = $NETS_A
						esp_proposals = aes128gcm16
					}
				}
			}
			EOC
		done
		echo "}"
		echo "secrets {"
		for t in 1 2 3; do
			cat <<-EOC
			ike-$t {
				id-a = c$t.example
				id-b = sgw.example
				secret = "key $([ $t = 2 ] && echo two || echo one)"
			}
			EOC
		done
		echo "}"
	} > "$work/charon-$gB/swanctl.conf"
	swanctl_ns "$gB" --load-all --noprompt --file "$work/charon-$gB/swanctl.conf" \
		> "$work/charon-$gB/swanctl.log" 2>&1 ||
		{ cat "$work/charon-$gB/swanctl.log"; fail "swanctl could not load"; }
	# Tunnel 2 first: IKE_SA_INIT lands on tunnel 1 (lowest id), IKE_AUTH moves it.
	for t in 2 1; do
		swanctl_ns "$gB" --initiate --child net$t --timeout 30 > "$work/init.out" 2>&1 ||
			{ tail -20 "$work/init.out"; cat "$work/daemon-$gA.log"; fail "charon c$t: initiate failed"; }
		expect_eq "tunnel $t: state" "$(sgw_field "$gA" state $t)" established
		expect_eq "tunnel $t: peer" "$(sgw_field "$gA" peer_id $t)" "fqdn:c$t.example"
		expect_crosswise "tunnel $t" "$(sgw_sas "$gA" $t)" "$(charon_sas "$gB" c$t)"
		grep -qF "IKE_AUTH from 192.0.2.2:4500 as 'fqdn:c$t.example': tunnel $t 'gw$t' answers (2 tunnels on this address pair; chosen by identity)" \
			"$work/daemon-$gA.log" || { cat "$work/daemon-$gA.log"; fail "tunnel $t: no choice logged"; }
	done
	# Traffic to each half of site B crosses its own tunnel.
	ping_ok "$hA" 10.2.0.2 || fail "no ping through tunnel 1"
	ping_ok "$hA" 10.2.0.130 || fail "no ping through tunnel 2"
	for t in 1 2; do
		out=$(ip netns exec "$gA" "$SGWCTL" -j sa show $t | python3 -c '
import json, sys
print(sum(s["packets"] for s in json.load(sys.stdin)["sas"] if s["dir"] == "out"))')
		[ "$out" -ge 1 ] || fail "tunnel $t: no packet counted on its outbound SA"
	done
	# An identity no tunnel has: refused, naming what came and what we have.
	swanctl_ns "$gB" --initiate --child net3 --timeout 15 > /dev/null 2>&1 &&
		fail "charon established as c3.example"
	wait_for 3 sh -c "ip netns exec $gA $SGWCTL -j show 1 | grep -q c3.example" || true
	expect_eq "unknown identity" "$(sgw_field "$gA" failure 1)" \
		"AUTHENTICATION_FAILED: we rejected peer 192.0.2.2:4500: it identified as 'fqdn:c3.example' for 'fqdn:sgw.example', we expect 'fqdn:c1.example' for 'fqdn:sgw.example' (tunnel 1 'gw1') or 'fqdn:c2.example' for 'fqdn:sgw.example' (tunnel 2 'gw2')"
	expect_eq "c3: no SA" "$(charon_sas "$gB" c3)" "in - out -"
	expect_eq "tunnel 1 stays up" "$(sgw_field "$gA" state 1)" established
}

# charon_has_pair "in X out Y": charon holds a CHILD SA whose outbound is
# X and inbound Y (crosswise with the sgw pair given).
charon_has_pair() {
	local ai ao

	read -r _ ai _ ao <<< "$1"
	swanctl_ns "$gB" --list-sas 2>/dev/null | awk -v i="$ao" -v o="$ai" '
		$1 == "in" { ci = $2; sub(",", "", ci) }
		$1 == "out" { co = $2; sub(",", "", co); if (ci == i && co == o) f = 1 }
		END { exit !f }'
}

# charon_two_up: both of charon's IKE SAs up, each with its CHILD SA.
charon_two_up() {
	swanctl_ns "$gB" --list-sas > "$work/sas.txt" 2>/dev/null
	[ "$(grep -c ESTABLISHED "$work/sas.txt")" = 2 ] &&
		[ "$(grep -c INSTALLED "$work/sas.txt")" = 2 ]
}

# Two tunnels between the same two SGWs with the same identities and key,
# one per subnet pair (as many sites configure): each keeps its own IKE
# SA, and only the first tells charon INITIAL_CONTACT, which would make
# charon drop the other. Both carry traffic at once, and still do a while
# later. sgw initiates: charon initiating the second tunnel reuses the
# first tunnel's IKE SA (its reuse_ikesa default) for a CREATE_CHILD_SA,
# which needs several CHILD SAs per IKE SA (Documentation/ike.md).
# same_identity_setup: sgw on gA with tunnels gw1 and gw2 (same
# addresses, identities and key; 10.2.0.0/25 and 10.2.0.128/25), charon on
# gB with one connection whose children r1 and r2 are those subnet pairs.
same_identity_setup() {
	local t

	require_module
	require_cmd swanctl
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	topo
	psk "$work/gw.psk" "one key for both"
	{
		echo "[global]"
		echo "log-level = debug"
		for t in 1 2; do
			echo "[tunnel gw$t]"
			echo "id = $t"
			echo "local = 192.0.2.1"
			echo "remote = 192.0.2.2"
			echo "local-id = @sgw.example"
			echo "remote-id = @c.example"
			echo "psk-file = $work/gw.psk"
			echo "local-networks = $NETS_A"
			echo "remote-networks = 10.2.0.$(( (t - 1) * 128 ))/25"
			echo "ike-proposals = aes128gcm16-prfsha256-ecp256"
			echo "esp-proposals = aes128gcm16"
			echo "routes = no"
		done
	} > "$work/a.conf"
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gA" route add 10.2.0.0/25 dev sgw1
	ip -n "$gA" route add 10.2.0.128/25 dev sgw2
	ip -n "$hB" addr add 10.2.0.130/24 dev eth0
	ip -n "$gB" route add $NETS_A via 192.0.2.1
	charon_start "$gB"
	# charon picks a responder's connection by identity alone, so the
	# subnet pairs are two children of one connection.
	{
		cat <<-EOC
		connections {
			c {
				version = 2
				local_addrs = 192.0.2.2
				remote_addrs = 192.0.2.1
				proposals = aes128gcm16-prfsha256-ecp256
				local {
					auth = psk
					id = c.example
				}
				remote {
					auth = psk
					id = sgw.example
				}
				children {
		EOC
		for n in 1 2; do
			cat <<-EOC
					r$n {
						local_ts = 10.2.0.$(( (n - 1) * 128 ))/25
						remote_ts = $NETS_A
						esp_proposals = aes128gcm16
						mode = tunnel
					}
			EOC
		done
		echo "		}"
		echo "	}"
		echo "}"
		echo "secrets {"
		echo "	ike-c { id-a = c.example"
		echo "		id-b = sgw.example"
		echo "		secret = \"one key for both\" }"
		echo "}"
	} > "$work/charon-$gB/swanctl.conf"
	swanctl_ns "$gB" --load-all --noprompt --file "$work/charon-$gB/swanctl.conf" \
		> "$work/charon-$gB/swanctl.log" 2>&1 ||
		{ cat "$work/charon-$gB/swanctl.log"; fail "swanctl could not load"; }
}

test_charon_same_identity() {
	local t who

	same_identity_setup
	for who in sgw; do
		for t in 1 2; do
			ip netns exec "$gA" "$SGWCTL" up gw$t > "$work/up.out" 2>&1 ||
				{ cat "$work/up.out"; fail "$who: up gw$t failed"; }
		done
		wait_for 30 charon_two_up || fail "$who: charon does not hold both: $(cat "$work/sas.txt")"
		ping_ok "$hA" 10.2.0.2 || fail "$who: no ping through tunnel 1"
		ping_ok "$hA" 10.2.0.130 || fail "$who: no ping through tunnel 2"
		# A while later (the first is not taken down by the second).
		sleep 5
		charon_two_up || fail "$who: charon dropped one: $(cat "$work/sas.txt")"
		ping_ok "$hA" 10.2.0.2 || fail "$who: tunnel 1 stopped"
		ping_ok "$hA" 10.2.0.130 || fail "$who: tunnel 2 stopped"
		for t in 1 2; do
			expect_eq "$who: tunnel $t" "$(sgw_field "$gA" state $t)" established
			charon_has_pair "$(sgw_sas "$gA" $t)" ||
				fail "$who: tunnel $t: sgw $(sgw_sas "$gA" $t) not crosswise with charon: $(cat "$work/sas.txt")"
		done
		# Ours: INITIAL_CONTACT on the first IKE SA only.
		expect_eq "$who: INITIAL_CONTACT sent" \
			"$(grep -c 'parsed IKE_AUTH request.*N(INIT_CONTACT)' "$work/charon-$gB/charon.log")" 1
		for t in 1 2; do
			ip netns exec "$gA" "$SGWCTL" down gw$t > /dev/null
		done
		wait_for 10 no_charon_sa "$gB" || fail "$who: charon kept SAs after down"
		: > "$work/charon-$gB/charon.log"
	done
}

# sgw_child_pair NS ID: "in X out Y" of the one current tunnel-mode CHILD
# SA that sgwctl -j show lists for tunnel ID ("in - out -" otherwise).
sgw_child_pair() {
	ip netns exec "$1" "$SGWCTL" -j show "$2" | python3 -c '
import json, sys
t = json.load(sys.stdin)["tunnels"][0]["ike"]
c = [c for c in t["children"] if c["mode"] == "tunnel" and c["role"] == "current"]
print("in %08x out %08x" % (c[0]["spi_in"], c[0]["spi_out"]) if len(c) == 1
      else "in - out -")'
}

# same_identity_up N: charon holds N IKE SAs and two CHILD SAs; both sgw
# tunnels are established, each with the kernel SAs show names for it,
# which charon holds crosswise.
same_identity_up() {
	local t k

	swanctl_ns "$gB" --list-sas > "$work/sas.txt" 2>/dev/null
	[ "$(grep -c ESTABLISHED "$work/sas.txt")" = "$1" ] || return 1
	[ "$(grep -c INSTALLED "$work/sas.txt")" = 2 ] || return 1
	for t in 1 2; do
		[ "$(sgw_field "$gA" state $t)" = established ] || return 1
		k=$(sgw_sas "$gA" $t)
		[ "$k" = "$(sgw_child_pair "$gA" $t)" ] || return 1
		charon_has_pair "$k" || return 1
	done
}

# Tunnel 2 has no CHILD SA left, in the kernel nor in show; tunnel 1 keeps its.
same_identity_child2_gone() {
	[ "$(sgw_sas "$gA" 2)" = "in - out -" ] &&
		[ "$(sgw_child_pair "$gA" 2)" = "in - out -" ] &&
		[ "$(sgw_field "$gA" state 2)" != established ] &&
		[ "$(sgw_field "$gA" state 1)" = established ]
}

same_identity_diag() {
	echo "charon: $(cat "$work/sas.txt")"
	ip netns exec "$gA" "$SGWCTL" show
}

# charon initiates both subnet pairs: the second CHILD SA comes in a
# CREATE_CHILD_SA on the IKE SA of the first (charon's way for two
# children of one connection, and by reuse_ikesa for two connections to
# the same peer). sgw takes it for tunnel 2, installs it there, and both
# tunnels carry traffic; tunnel 2 loses its CHILD SA and gets it back; and
# when charon deletes the shared IKE SA both tunnels come back by
# themselves, each on an IKE SA of its own.
test_charon_same_identity_charon() {
	local n t t0

	same_identity_setup
	for n in 1 2; do
		swanctl_ns "$gB" --initiate --child r$n --timeout 20 > "$work/init.out" 2>&1 ||
			fail "charon: --initiate --child r$n: $(tail -n 2 "$work/init.out" | tr '\n' ' ')"
	done
	until_s 20 same_identity_up 1 ||
		{ same_identity_diag; fail "charon: not both tunnels on charon's one IKE SA"; }
	expect_eq "charon: tunnel 2 rides on tunnel 1's IKE SA" "$(sgw_field "$gA" ike_tunnel 2)" 1
	expect_eq "charon: IKE SA of tunnel 2" \
		"$(sgw_field "$gA" spi_i 2) $(sgw_field "$gA" spi_r 2)" "$(charon_ike_spis "$gB")"
	ping_ok "$hA" 10.2.0.2 || fail "charon: no ping through tunnel 1"
	ping_ok "$hA" 10.2.0.130 || fail "charon: no ping through tunnel 2"
	# charon deletes tunnel 2's CHILD SA, then makes it again.
	swanctl_ns "$gB" --terminate --child r2 > /dev/null 2>&1 ||
		fail "charon: --terminate --child r2 failed"
	until_s 10 same_identity_child2_gone ||
		{ same_identity_diag; fail "charon: tunnel 2 kept its deleted CHILD SA"; }
	ping_ok "$hA" 10.2.0.2 || fail "charon: tunnel 1 stopped with tunnel 2's CHILD SA"
	swanctl_ns "$gB" --initiate --child r2 --timeout 20 > "$work/init.out" 2>&1 ||
		fail "charon: --initiate --child r2 again: $(tail -n 2 "$work/init.out" | tr '\n' ' ')"
	until_s 20 same_identity_up 1 ||
		{ same_identity_diag; fail "charon: tunnel 2 not back on the shared IKE SA"; }
	ping_ok "$hA" 10.2.0.130 || fail "charon: no ping through tunnel 2 made again"
	# Kept up from now on: up starts no IKE SA for a tunnel whose CHILD
	# SA rides on another tunnel's (up answers at once).
	for t in 1 2; do
		ip netns exec "$gA" "$SGWCTL" up gw$t > /dev/null 2>&1 || true
	done
	expect_eq "charon: tunnel 2 after up" "$(sgw_field "$gA" state 2) $(sgw_field "$gA" ike_tunnel 2)" \
		"established 1"
	# charon deletes the shared IKE SA: both tunnels negotiate again.
	t0=$(date +%s)
	swanctl_ns "$gB" --terminate --ike c > /dev/null 2>&1 ||
		fail "charon: --terminate --ike c failed"
	until_s 60 same_identity_up 2 ||
		{ same_identity_diag; fail "charon: both tunnels not back within 60 s of the IKE SA's DELETE"; }
	echo "# both tunnels back $(($(date +%s) - t0)) s after charon deleted the shared IKE SA"
	ping_ok "$hA" 10.2.0.2 || fail "charon: no ping through tunnel 1 after the DELETE"
	ping_ok "$hA" 10.2.0.130 || fail "charon: no ping through tunnel 2 after the DELETE"
	for t in 1 2; do
		ip netns exec "$gA" "$SGWCTL" down gw$t > /dev/null
	done
	wait_for 10 no_charon_sa "$gB" || fail "charon: charon kept SAs after down"
}

# charon_child_spis CHILD: "in X out Y" of charon's installed CHILD SA
# named CHILD ("in - out -" without one).
charon_child_spis() {
	swanctl_ns "$gB" --list-sas 2>/dev/null | awk -v want="$1" '
		$2 ~ /^#[0-9]+,$/ && $3 == "reqid" { name = $1; sub(":", "", name) }
		name == want && $1 == "in" { i = $2; sub(",", "", i) }
		name == want && $1 == "out" { o = $2; sub(",", "", o) }
		END { print "in", (i ? i : "-"), "out", (o ? o : "-") }'
}

# sgw_child_ts LOCAL_TS: "in X out Y REMOTE_TS" of the current CHILD SA
# of tunnel 1 that sgwctl -j show lists with local selectors LOCAL_TS,
# and "ADD" when it is not exactly one.
sgw_child_ts() {
	ip netns exec "$gA" "$SGWCTL" -j show 1 | python3 -c '
import json, sys
t = json.load(sys.stdin)["tunnels"][0]["ike"]
c = [c for c in t["children"] if c["mode"] == "tunnel" and
     c["role"] == "current" and ",".join(c["local_ts"]) == sys.argv[1]]
print("in %08x out %08x %s" % (c[0]["spi_in"], c[0]["spi_out"],
                               ",".join(c[0]["remote_ts"])) if len(c) == 1 else
      "%d children" % len(c))' "$1"
}

# sgw_sa_of SPI DIR: "PACKETS LOCAL_TS REMOTE_TS" of tunnel 1's kernel SA
# (selectors "-" for an SA without its own).
sgw_sa_of() {
	ip netns exec "$gA" "$SGWCTL" -j sa show 1 2> /dev/null | python3 -c '
import json, sys
for s in json.load(sys.stdin)["sas"]:
    if s["spi"] == int(sys.argv[1], 16) and s["dir"] == sys.argv[2]:
        print(s["packets"], ",".join(s.get("local_ts", ["-"])),
              ",".join(s.get("remote_ts", ["-"])))' "$1" "$2"
}

# kernel_sas: how many kernel SAs tunnel 1 has.
kernel_sas() {
	ip netns exec "$gA" "$SGWCTL" -j sa show 1 2> /dev/null |
		python3 -c 'import json, sys; print(len(json.load(sys.stdin)["sas"]))'
}

# children_up: charon holds one IKE SA with p0 and p1 installed, and sgw
# the same two pairs crosswise, each with its own selectors.
children_up() {
	local p c

	swanctl_ns "$gB" --list-sas > "$work/sas.txt" 2>/dev/null
	[ "$(grep -c ESTABLISHED "$work/sas.txt")" = 1 ] || return 1
	[ "$(grep -c INSTALLED "$work/sas.txt")" = 2 ] || return 1
	for p in 0 1; do
		c=$(charon_child_spis p$p)
		read -r _ ci _ co <<< "$c"
		[ "$(sgw_child_ts 10.1.$p.0/24)" = "in $co out $ci 10.2.$p.0/24" ] ||
			return 1
	done
}

# pings_n SRC DST N: exactly N echo replies from DST to SRC (on hA).
pings_n() {
	local got

	got=$(ip netns exec "$hA" ping -q -c "$3" -i 0.2 -W 2 -I "$1" "$2" 2>&1 |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')
	expect_eq "ping $1 -> $2: replies" "${got:-?}" "$3"
}

children_diag() {
	echo "charon: $(cat "$work/sas.txt")"
	ip netns exec "$gA" "$SGWCTL" show
	ip netns exec "$gA" "$SGWCTL" sa show
}

# charon's one connection with two children, one per subnet pair, to an
# sgw tunnel for the /16s that hold both: both CHILD SAs come up on the
# one IKE SA (the second in a CREATE_CHILD_SA, which sgw takes as an
# additional CHILD SA of the tunnel), each pair crosses on its own SPIs
# (crosswise between swanctl --list-sas and sgwctl show -j, and the kernel
# SAs' packet counts), a rekey of the second by charon leaves the first
# alone, and charon's DELETE of the second leaves the first passing.
test_charon_children() {
	local p c0 c1 k

	require_module
	require_cmd swanctl
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	topo
	psk "$work/gw.psk" "children secret"
	sgw_conf "$work/a.conf" gw 192.0.2.1 192.0.2.2 10.1.0.0/16 10.2.0.0/16 \
		aes128gcm16-prfsha256-ecp256 aes128gcm16
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$hA" addr add 10.1.1.2/24 dev eth0
	ip -n "$gA" addr add 10.1.1.1/24 dev lan0
	ip -n "$hB" addr add 10.2.1.2/24 dev eth0
	ip -n "$gB" addr add 10.2.1.1/24 dev lan0
	ip -n "$gA" route add 10.2.0.0/16 dev sgw1
	ip -n "$gB" route add 10.1.0.0/16 via 192.0.2.1
	charon_start "$gB"
	{
		cat <<-EOC
		connections {
			c {
				version = 2
				local_addrs = 192.0.2.2
				remote_addrs = 192.0.2.1
				proposals = aes128gcm16-prfsha256-ecp256
				local {
					auth = psk
					id = 192.0.2.2
				}
				remote {
					auth = psk
					id = 192.0.2.1
				}
				children {
		EOC
		for p in 0 1; do
			cat <<-EOC
					p$p {
						local_ts = 10.2.$p.0/24
						remote_ts = 10.1.$p.0/24
						esp_proposals = aes128gcm16
						mode = tunnel
					}
			EOC
		done
		echo "		}"
		echo "	}"
		echo "}"
		echo "secrets {"
		echo "	ike-c { id-a = 192.0.2.2"
		echo "		id-b = 192.0.2.1"
		echo "		secret = \"children secret\" }"
		echo "}"
	} > "$work/charon-$gB/swanctl.conf"
	swanctl_ns "$gB" --load-all --noprompt --file "$work/charon-$gB/swanctl.conf" \
		> "$work/charon-$gB/swanctl.log" 2>&1 ||
		{ cat "$work/charon-$gB/swanctl.log"; fail "swanctl could not load"; }
	for p in 0 1; do
		swanctl_ns "$gB" --initiate --child p$p --timeout 20 > "$work/init.out" 2>&1 ||
			fail "--initiate --child p$p: $(tail -n 2 "$work/init.out" | tr '\n' ' ')"
	done
	until_s 20 children_up || { children_diag; fail "not both CHILD SAs on one IKE SA"; }
	expect_eq "IKE SA" "$(sgw_ike_spis "$gA")" "$(charon_ike_spis "$gB")"
	c0=$(sgw_child_ts 10.1.0.0/24)
	c1=$(sgw_child_ts 10.1.1.0/24)
	# The kernel: the tunnel's own pair without selectors, the second with.
	read -r _ i0 _ o0 _ <<< "$c0"
	read -r _ i1 _ o1 _ <<< "$c1"
	expect_eq "kernel SA out $o0" "$(sgw_sa_of "$o0" out)" "0 - -"
	expect_eq "kernel SA out $o1" "$(sgw_sa_of "$o1" out)" "0 10.1.1.0/24 10.2.1.0/24"
	expect_eq "kernel SA in $i1" "$(sgw_sa_of "$i1" in)" "0 10.1.1.0/24 10.2.1.0/24"
	pings_n 10.1.0.2 10.2.0.2 3
	pings_n 10.1.1.2 10.2.1.2 5
	for k in "$o0 out 3" "$i0 in 3" "$o1 out 5" "$i1 in 5"; do
		set -- $k
		expect_eq "SA $2 $1 packets" "$(sgw_sa_of "$1" "$2" | cut -d ' ' -f 1)" "$3"
	done

	# charon rekeys p1: new SPIs for it, p0's stay.
	swanctl_ns "$gB" --rekey --child p1 > /dev/null 2>&1 || fail "--rekey --child p1 failed"
	until_s 20 eval '[ "$(sgw_child_ts 10.1.1.0/24)" != "$c1" ] && children_up' ||
		{ children_diag; fail "p1 not rekeyed crosswise"; }
	expect_eq "p0 after p1's rekey" "$(sgw_child_ts 10.1.0.0/24)" "$c0"
	pings_n 10.1.1.2 10.2.1.2 2
	pings_n 10.1.0.2 10.2.0.2 2

	# charon deletes p1: p0 keeps passing, and sgw makes nothing anew.
	swanctl_ns "$gB" --terminate --child p1 > /dev/null 2>&1 ||
		fail "--terminate --child p1 failed"
	until_s 10 eval '[ "$(sgw_child_ts 10.1.1.0/24)" = "0 children" ]' ||
		{ children_diag; fail "sgw kept p1 after charon's DELETE"; }
	expect_eq "p0 after p1's DELETE" "$(sgw_child_ts 10.1.0.0/24)" "$c0"
	until_s 10 eval '[ "$(kernel_sas)" = 2 ]' ||
		fail "kernel SAs after p1's DELETE: $(kernel_sas), expected 2"
	pings_n 10.1.0.2 10.2.0.2 3
	expect_eq "SA out $o0 packets" "$(sgw_sa_of "$o0" out | cut -d ' ' -f 1)" 8
	expect_eq "charon: p0 only" "$(charon_child_spis p1)" "in - out -"
}

tests=(
	"sgw <-> sgw: up, traffic, SPIs, down, refresh" test_sgw_sgw
	"sgw <-> sgw: sgwctl metrics after known traffic, Prometheus parser" test_sgw_metrics
	"sgw <-> charon: proposal matrix, both initiators, IPv4 and IPv6" test_charon_matrix
	"sgw <-> charon: sha384/512 ESP, modp3072/4096, ecp521 with PFS, default" test_charon_proposals
	"sgw -> charon: wrong PSK, no proposal, TS, UDP 500 blocked; COOKIE, IKE_SA_INIT flood" test_charon_failures
	"charon -> sgw: two tunnels to one SGW, chosen by identity" test_charon_identities
	"sgw -> charon: two tunnels, the same identities, both up at once" test_charon_same_identity
	"charon -> sgw: two tunnels, the same identities, on one IKE SA" test_charon_same_identity_charon
	"charon -> sgw: two CHILD SAs of one tunnel, one per subnet pair" test_charon_children
)
# SGW_IKE_ONLY=REGEX runs only the tests whose function name matches.
sel=()
for ((i = 0; i < ${#tests[@]}; i += 2)); do
	[[ ${tests[i + 1]} =~ ${SGW_IKE_ONLY:-.} ]] && sel+=("${tests[i]}" "${tests[i + 1]}")
done
ktap_begin $((${#sel[@]} / 2))
load_ipsec_modules
for ((i = 0; i < ${#sel[@]}; i += 2)); do
	run_test "${sel[i]}" "${sel[i + 1]}"
done
ktap_end
