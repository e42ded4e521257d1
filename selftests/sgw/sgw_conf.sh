#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sgw.conf through the daemon, as users set it: the path MTU keys (mtu,
# mss, outer-df, fragment) reach the module from the file at start and on
# reload; a reload that changes only what the peer never sees (those keys,
# lifetimes, dead peer detection, log level) keeps the IKE and CHILD SAs
# and says so, while a change the peer sees (the ESP proposals) is
# negotiated anew; one "sgwctl genpsk" key (0s, base64) in both sgw's
# psk-file and charon's secret authenticates; routes, route-table and
# route-metric: the daemon routes remote-networks into the device, with a
# host route for a remote SGW inside them, and follows reloads, disabling,
# restarts and removal; the daemon's records reach a real journal (a
# systemd-journald of the test's own) with their fields (SGW_TUNNEL,
# SGW_PEER, SGW_EVENT).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ike_lib.sh"

NETS_A=10.1.0.0/24
NETS_B=10.2.0.0/24
IKEP=aes256gcm16-prfsha384-curve25519

# kernel NS: "mtu mss outer-df fragment" of tunnel 1 as the module has them.
kernel() {
	ip netns exec "$1" "$SGWCTL" -j tunnel show 1 | python3 -c '
import json, sys
t = json.load(sys.stdin)["tunnels"][0]
print(t["mtu"] if not t["mtu_auto"] else "auto",
      t["mss"] if t["mss_mode"] == "fixed" else t["mss_mode"],
      t["outer_df"], t["fragment"])'
}

# brief NS: "state rx_bytes tx_bytes" of sgw1 from sgwctl -j show --brief.
brief() {
	ip netns exec "$1" "$SGWCTL" -j show --brief | python3 -c '
import json, sys
t = [t for t in json.load(sys.stdin)["tunnels"] if t["ifname"] == "sgw1"][0]
print(t["name"], t["state"], t["rx_bytes"], t["tx_bytes"])'
}

# conf_a ESP [KEY LINES...]: site A's file, with the lines given.
conf_a() {
	local esp=$1

	shift
	sgw_conf "$work/a.conf" gw 192.0.2.1 192.0.2.2 $NETS_A $NETS_B \
		"$IKEP" "$esp" "$@"
}

# journal_start: a journal for the daemon to log into: the running one
# (a systemd host), else systemd-journald on its own, without a systemd
# boot (the guest's /run and /var/log are its own, in memory).
journal_start() {
	local jd=/lib/systemd/systemd-journald i

	[ -S /run/systemd/journal/socket ] && return 0
	require_cmd "$jd" journalctl
	"$jd" > "$work/journald.log" 2>&1 &
	# shellcheck disable=SC2064
	defer "kill $! 2>/dev/null; wait $! 2>/dev/null; rm -rf /run/systemd/journal /run/log/journal"
	for i in $(seq 100); do
		[ -S /run/systemd/journal/socket ] && return 0
		sleep 0.1
	done
	cat "$work/journald.log"
	fail "systemd-journald did not open its socket"
}

# journal_event PID TUNNEL EVENT: process PID's journal records (export
# format) with these fields, once there is one (journald writes
# asynchronously).
journal_event() {
	local i out

	for i in $(seq 100); do
		out=$(journalctl -q -o export --no-pager "_PID=$1" "SGW_TUNNEL=$2" \
			"SGW_EVENT=$3" 2>/dev/null)
		[ -n "$out" ] && { echo "$out"; return 0; }
		sleep 0.1
	done
}

# journal_has RECORDS FIELD=VALUE: one of the export lines is that.
journal_has() {
	echo "$1" | grep -qxF "$2" || fail "journal: no $2 in: $1"
}

# esp_rx_recent NS: show -j says ESP from the peer arrived at most 10 s ago.
esp_rx_recent() {
	ip netns exec "$1" "$SGWCTL" -j show 2>/dev/null | python3 -c '
import json, sys
def find(o):
    if isinstance(o, dict):
        if "esp_rx_ago" in o:
            yield o["esp_rx_ago"]
        for v in o.values():
            yield from find(v)
    elif isinstance(o, list):
        for v in o:
            yield from find(v)
sys.exit(0 if any(v is not None and v <= 10 for v in find(json.load(sys.stdin))) else 1)'
}

# reload_a: the daemon's answer to "sgwctl reload" on A.
reload_a() {
	ip netns exec "$gA" "$SGWCTL" reload 2>&1 || fail "reload refused"
}

test_keys_and_reload() {
	local spis sas sasb out name state rx1 tx1 rx2 tx2

	require_module
	topo
	psk "$work/gw.psk" "sgw-conf test secret"
	conf_a aes256gcm16 "mtu = 1400" "mss = 1300" "outer-df = set" \
		"fragment = after-encryption"
	sgw_conf "$work/b.conf" gw 192.0.2.2 192.0.2.1 $NETS_B $NETS_A \
		"$IKEP" aes256gcm16-aes128gcm16
	sgw_daemon "$gA" "$work/a.conf"
	# B logs into the journal, as under systemd: stderr is the stream
	# that JOURNAL_STREAM names.
	journal_start
	touch "$work/daemon-$gB.log"
	JOURNAL_STREAM=$(stat -c %d:%i "$work/daemon-$gB.log") \
		sgw_daemon "$gB" "$work/b.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
	ip -n "$gB" route add $NETS_A dev sgw1
	# At start, from the file.
	expect_eq "module at start" "$(kernel "$gA")" "1400 1300 set after-encryption"
	ip netns exec "$gA" "$SGWCTL" up gw > /dev/null || fail "up failed"
	ping_ok "$hA" 10.2.0.2 || fail "no ping across"
	# When ESP from the peer last arrived (the daemon reads the SA
	# counters every 2 s), in JSON and in words.
	until_s 20 esp_rx_recent "$gA" || fail "show: no recent esp-rx-ago after the pings"
	expect_match "show: last ESP" "$(ip netns exec "$gA" "$SGWCTL" show gw)" \
		"last ESP from the peer [0-9]+s ago"
	# B's records reached the journal with their fields, from B's daemon.
	out=$(journal_event "$(cat "$work/daemon-$gB.pid")" gw established)
	journal_has "$out" "SGW_TUNNEL=gw"
	journal_has "$out" "SGW_EVENT=established"
	journal_has "$out" "SGW_PEER=192.0.2.1"
	journal_has "$out" "PRIORITY=6"
	echo "$out" | grep -qx 'MESSAGE=.*established.*' || fail "journal: no message: $out"
	# The configured name wherever a tunnel is named, and in completion.
	expect_eq "tunnel show by configured name" "$(ip netns exec "$gA" "$SGWCTL" -j tunnel show gw |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["tunnels"][0]["ifname"])')" sgw1
	expect_eq "sa show by configured name" "$(ip netns exec "$gA" "$SGWCTL" -j sa show gw |
		python3 -c 'import json, sys; print(len(json.load(sys.stdin)["sas"]))')" 2
	expect_eq "completion: the daemon's names and interfaces" \
		"$(ip netns exec "$gA" "$SGWCTL" --complete-tunnels | tr '\n' ' ')" "gw sgw1 "
	read -r name state rx1 tx1 <<< "$(brief "$gA")"
	expect_eq "show --brief: name, state" "$name $state" "gw established"
	[ "$rx1" -ge 252 ] && [ "$tx1" -ge 252 ] ||
		fail "show --brief: rx $rx1, tx $tx1 bytes after 3 echoes of 84"
	expect_match "show --brief, one line" \
		"$(ip netns exec "$gA" "$SGWCTL" show --brief | sed -n 2p)" \
		'^sgw1 +gw +established +192\.0\.2\.1 -> 192\.0\.2\.2 +[0-9.]+ (B|KiB) +[0-9.]+ (B|KiB)$'
	spis=$(sgw_ike_spis "$gA")
	sas=$(sgw_sas "$gA")
	sasb=$(sgw_sas "$gB")
	expect_eq "IKE SPIs, both ends" "$(sgw_ike_spis "$gB")" "$spis"

	# Only what the peer never sees: applied in place.
	conf_a aes256gcm16 "mtu = 1360" "mss = off" "outer-df = clear" \
		"fragment = before-encryption" "child-lifetime = 2h" \
		"dpd-delay = 10s"
	sed -i 's/^log-level = debug/log-level = info/' "$work/a.conf"
	out=$(reload_a)
	expect_eq "reload message" "$out" \
		"reloaded $work/a.conf: 1 tunnel: 0 added, 0 removed, 0 changed, 0 unchanged, 1 updated without renegotiating; log-level debug -> info"
	grep -qF "gw: child-lifetime, dpd-delay, mtu, mss, outer-df, fragment changed: applied without renegotiating" \
		"$work/daemon-$gA.log" || { tail -n 20 "$work/daemon-$gA.log"; fail "no in-place update logged"; }
	expect_eq "module after reload" "$(kernel "$gA")" "1360 off clear before-encryption"
	expect_eq "IKE SPIs after reload" "$(sgw_ike_spis "$gA")" "$spis"
	expect_eq "CHILD SAs after reload" "$(sgw_sas "$gA")" "$sas"
	expect_eq "IKE SPIs on B after reload" "$(sgw_ike_spis "$gB")" "$spis"
	expect_eq "CHILD SAs on B after reload" "$(sgw_sas "$gB")" "$sasb"
	ping_ok "$hA" 10.2.0.2 || fail "no ping after the in-place reload"
	# Back to auto: the module computes the MTU again.
	conf_a aes256gcm16 "child-lifetime = 2h" "dpd-delay = 10s"
	out=$(reload_a)
	expect_match "reload to auto" "$out" "1 updated without renegotiating"
	expect_eq "module with defaults" "$(kernel "$gA")" "auto auto clear before-encryption"
	expect_eq "IKE SPIs still" "$(sgw_ike_spis "$gA")" "$spis"

	# A change the peer sees: negotiated anew.
	conf_a aes128gcm16 "child-lifetime = 2h" "dpd-delay = 10s"
	out=$(reload_a)
	expect_match "reload of a proposal" "$out" "0 added, 0 removed, 1 changed, 0 unchanged$"
	ip netns exec "$gA" "$SGWCTL" up gw > /dev/null || fail "up after the change failed"
	[ "$(sgw_ike_spis "$gA")" != "$spis" ] || fail "same IKE SA after a proposal change"
	expect_eq "ESP after the change" "$(ip netns exec "$gA" "$SGWCTL" -j sa show 1 |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["sas"][0]["alg"])')" aes-gcm-128
	ping_ok "$hA" 10.2.0.2 || fail "no ping after renegotiating"
	# The device's totals outlive the SAs.
	read -r name state rx2 tx2 <<< "$(brief "$gA")"
	[ "$rx2" -ge $((rx1 + 252)) ] && [ "$tx2" -ge $((tx1 + 252)) ] ||
		fail "show --brief after new SAs: rx $rx1 -> $rx2, tx $tx1 -> $tx2"
}

# One 0s key made by sgwctl genpsk, the same string on both ends.
test_genpsk_charon() {
	local key

	require_module
	require_cmd swanctl
	[ -x "$CHARON" ] || skip "strongSwan charon is not installed"
	topo
	key=$("$SGWCTL" genpsk) || fail "genpsk failed"
	expect_match "genpsk" "$key" '^0s[A-Za-z0-9+/]{43}=$'
	psk "$work/gw.psk" "$key"
	conf_a aes256gcm16
	sgw_daemon "$gA" "$work/a.conf"
	ip -n "$gA" route add $NETS_B dev sgw1
	ip -n "$gB" route add $NETS_A via 192.0.2.1
	charon_start "$gB"
	# charon_conn quotes the secret: the 0s form goes in bare.
	charon_conn "$gB" c 192.0.2.2 192.0.2.1 $NETS_B $NETS_A "$IKEP" aes256gcm16 "$key"
	sed -i "s|secret = \"$key\"|secret = $key|" "$work/charon-$gB/swanctl.conf"
	swanctl_ns "$gB" --load-all --noprompt --file "$work/charon-$gB/swanctl.conf" \
		> /dev/null 2>&1 || fail "swanctl could not load the 0s secret"
	ip netns exec "$gA" "$SGWCTL" up gw > "$work/up.out" 2>&1 ||
		{ cat "$work/up.out"; fail "up with the genpsk key failed"; }
	expect_eq "IKE SPIs" "$(sgw_ike_spis "$gA")" "$(charon_ike_spis "$gB")"
	ping_ok "$hA" 10.2.0.2 || fail "no ping across"
}

# routes NS: the daemon's routes (protocol 83) in every table, sorted, one
# per line as "DST [via GW] dev DEV [src SRC] table T metric M".
routes() {
	{ ip -n "$1" -j -4 route show table all proto 83
	  ip -n "$1" -j -6 route show table all proto 83; } | python3 -c '
import json, sys
text, dec, out = sys.stdin.read(), json.JSONDecoder(), []
pos = 0
while pos < len(text.rstrip()):
    while text[pos].isspace():
        pos += 1
    doc, pos = dec.raw_decode(text, pos)
    for r in doc:
        line = r["dst"]
        if "gateway" in r:
            line += " via " + r["gateway"]
        line += " dev " + r["dev"]
        if "prefsrc" in r:
            line += " src " + r["prefsrc"]
        line += " table %s metric %s" % (r.get("table", "main"),
                                          r.get("metric", 0))
        out.append(line)
print("\n".join(sorted(out)))'
}

# status WANT: the daemon's last STATUS= to the service manager (a socket
# standing in for systemd) becomes WANT within 10 s.
status() {
	local i got

	for i in $(seq 100); do
		got=$(grep '^STATUS=' "$work/notify.log" | tail -n 1)
		[ "$got" = "$1" ] && return 0
		sleep 0.1
	done
	fail "systemd status: got \"$got\", expected \"$1\""
}

# Remote SGW 203.0.113.2 behind gB, reached through A's default route:
# remote-networks 203.0.113.0/24 would capture it.
test_routes() {
	local out want

	require_module
	topo
	ip -n "$gB" addr add 203.0.113.2/32 dev lo
	ip -n "$gA" route add default via 192.0.2.2
	psk "$work/gw.psk" "sgw-conf test secret"
	rconf() {
		sgw_conf "$work/a.conf" gw 192.0.2.1 203.0.113.2 \
			"10.1.0.0/24, fd01::/64" "$1" "$IKEP" aes256gcm16 "${@:2}"
	}
	rconf "10.2.0.0/24, 203.0.113.0/24, fd02::/64" "routes = yes"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as f:
    while True:
        f.write(s.recv(4096).decode().replace("\n", "|") + "\n")
        f.flush()' "$work/notify.sock" "$work/notify.log" &
	defer "kill $! 2>/dev/null"
	for _ in $(seq 50); do [ -S "$work/notify.sock" ] && break; sleep 0.1; done
	NOTIFY_SOCKET=$work/notify.sock sgw_daemon "$gA" "$work/a.conf"
	status "STATUS=1 tunnel: 1 idle"
	want="10.2.0.0/24 dev sgw1 table main metric 0
203.0.113.0/24 dev sgw1 table main metric 0
203.0.113.2 via 192.0.2.2 dev wan0 src 192.0.2.1 table main metric 0
fd02::/64 dev sgw1 table main metric 1024"
	expect_eq "routes at start" "$(routes "$gA")" "$want"
	# The gateway's own traffic to its peer: underlay, its SGW address.
	expect_eq "route to the remote SGW" "$(ip -n "$gA" -j route get 203.0.113.2 |
		python3 -c 'import json, sys; r = json.load(sys.stdin)[0]; print(r["dev"], r["prefsrc"])')" \
		"wan0 192.0.2.1"
	# gB has no route back to A's LAN: an answer proves the source.
	ping_ok "$gA" 203.0.113.2 || fail "no answer from the remote SGW"

	# Table and metric: applied in place.
	rconf "10.2.0.0/24, 203.0.113.0/24, fd02::/64" "routes = yes" \
		"route-table = 100" "route-metric = 50"
	expect_match "reload of table and metric" "$(reload_a)" \
		"1 updated without renegotiating"
	expect_eq "routes in table 100" "$(routes "$gA")" \
		"10.2.0.0/24 dev sgw1 table 100 metric 50
203.0.113.0/24 dev sgw1 table 100 metric 50
203.0.113.2 via 192.0.2.2 dev wan0 src 192.0.2.1 table 100 metric 50
fd02::/64 dev sgw1 table 100 metric 50"

	# Fewer networks: their routes and the host route go.
	rconf "10.2.0.0/24, fd02::/64" "routes = yes"
	expect_match "reload of the networks" "$(reload_a)" "1 changed"
	want="10.2.0.0/24 dev sgw1 table main metric 0
fd02::/64 dev sgw1 table main metric 1024"
	expect_eq "routes after the reload" "$(routes "$gA")" "$want"

	# Disabled: none; enabled again: back.
	rconf "10.2.0.0/24, fd02::/64" "routes = yes" "enabled = no"
	reload_a > /dev/null
	expect_eq "routes of a disabled tunnel" "$(routes "$gA")" ""
	status "STATUS=1 tunnel: 1 disabled"
	rconf "10.2.0.0/24, fd02::/64" "routes = yes"
	reload_a > /dev/null
	expect_eq "routes enabled again" "$(routes "$gA")" "$want"

	# mtu below 1280 with IPv6 networks: refused, nothing applied; an
	# IPv4-only tunnel may have it.
	rconf "10.2.0.0/24, fd02::/64" "routes = yes" "mtu = 1200"
	expect_fail "reload of mtu 1200 with IPv6" \
		ip netns exec "$gA" "$SGWCTL" reload
	expect_match "mtu refusal" "$out" "mtu 1200 is below 1280, IPv6's minimum"
	expect_eq "routes after the refusal" "$(routes "$gA")" "$want"
	rconf "10.2.0.0/24" "routes = yes" "mtu = 1200"
	reload_a > /dev/null
	expect_eq "IPv4-only tunnel at mtu 1200" "$(routes "$gA"; \
		ip -n "$gA" -j link show sgw1 | python3 -c \
		'import json, sys; print(json.load(sys.stdin)[0]["mtu"])')" \
		"10.2.0.0/24 dev sgw1 table main metric 0
1200"
	rconf "10.2.0.0/24, fd02::/64" "routes = yes"
	reload_a > /dev/null

	# A restart finds its routes again; routes = no leaves none.
	kill "$(cat "$work/daemon-$gA.pid")"
	wait "$(cat "$work/daemon-$gA.pid")" 2>/dev/null || true
	NOTIFY_SOCKET=$work/notify.sock sgw_daemon "$gA" "$work/a.conf"
	expect_eq "routes after a restart" "$(routes "$gA")" "$want"
	rconf "10.2.0.0/24, fd02::/64" "routes = no"
	reload_a > /dev/null
	expect_eq "routes = no" "$(routes "$gA")" ""

	# The tunnel removed from the file: nothing left of it.
	rconf "10.2.0.0/24, fd02::/64" "routes = yes"
	reload_a > /dev/null
	expect_eq "routes before the removal" "$(routes "$gA")" "$want"
	echo "[global]" > "$work/a.conf"
	reload_a > /dev/null
	expect_eq "routes after the removal" "$(routes "$gA")" ""
	status "STATUS=0 tunnels"
	! ip -n "$gA" link show sgw1 > /dev/null 2>&1 || fail "sgw1 remains"
}

ktap_begin 3
load_ipsec_modules
run_test "mtu, mss, outer-df, fragment from the file; reload in place or anew" test_keys_and_reload
run_test "sgwctl genpsk: one 0s key on sgw and charon" test_genpsk_charon
run_test "routes, route-table, route-metric from the file" test_routes
ktap_end
