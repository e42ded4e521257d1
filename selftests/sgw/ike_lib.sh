#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of sgw_ike.sh: a two-site topology, sgw daemons and strongSwan
# charon instances in namespaces, and what their SAs look like.
#
#   hA 10.1.0.2 fd01::2 -- gA 192.0.2.1 2001:db8::1 == 192.0.2.2 2001:db8::2 gB -- hB 10.2.0.2 fd02::2
#
# Sourced after lib.sh; every helper runs inside a test's subshell.

CHARON=${CHARON:-/usr/lib/ipsec/charon}

# topo: namespaces hA gA gB hB (variables of those names), links, routes.
topo() {
	setup_ns hA gA gB hB
	ip link add wan0 netns "$gA" type veth peer name wan0 netns "$gB"
	ip link add eth0 netns "$hA" type veth peer name lan0 netns "$gA"
	ip link add eth0 netns "$hB" type veth peer name lan0 netns "$gB"
	ip -n "$gA" addr add 192.0.2.1/24 dev wan0
	ip -n "$gB" addr add 192.0.2.2/24 dev wan0
	ip -n "$gA" addr add 2001:db8::1/64 dev wan0 nodad
	ip -n "$gB" addr add 2001:db8::2/64 dev wan0 nodad
	ip -n "$hA" addr add 10.1.0.2/24 dev eth0
	ip -n "$gA" addr add 10.1.0.1/24 dev lan0
	ip -n "$hB" addr add 10.2.0.2/24 dev eth0
	ip -n "$gB" addr add 10.2.0.1/24 dev lan0
	ip -n "$hA" addr add fd01::2/64 dev eth0 nodad
	ip -n "$gA" addr add fd01::1/64 dev lan0 nodad
	ip -n "$hB" addr add fd02::2/64 dev eth0 nodad
	ip -n "$gB" addr add fd02::1/64 dev lan0 nodad
	for n in "$hA" "$gA" "$gB" "$hB"; do
		for l in $(ip -n "$n" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
			ip -n "$n" link set "$l" up
		done
		ip netns exec "$n" sysctl -qw net.ipv4.ip_forward=1
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.forwarding=1
	done
	ip -n "$hA" route add default via 10.1.0.1
	ip -n "$hB" route add default via 10.2.0.1
	ip -n "$hA" -6 route add default via fd01::1
	ip -n "$hB" -6 route add default via fd02::1
	work=$(mktemp -d)
	defer rm -rf "$work"
}

# psk FILE KEY: a key file readable by root only.
psk() {
	(umask 077; printf '%s\n' "$2" > "$1")
}

# sgw_conf FILE NAME LOCAL REMOTE LNETS RNETS IKE ESP [EXTRA KEY LINES...]
sgw_conf() {
	local f=$1 name=$2 l=$3 r=$4 ln=$5 rn=$6 ike=$7 esp=$8 line

	shift 8
	{
		echo "[global]"
		echo "log-level = debug"
		[ -z "${HALF_OPEN_LIMIT:-}" ] || echo "half-open-limit = $HALF_OPEN_LIMIT"
		echo "[tunnel $name]"
		echo "id = 1"
		echo "local = $l"
		echo "remote = $r"
		echo "psk-file = $work/$name.psk"
		echo "local-networks = $ln"
		echo "remote-networks = $rn"
		echo "ike-proposals = $ike"
		echo "esp-proposals = $esp"
		echo "retransmit-timeout = ${RT_TIMEOUT:-2s}"
		echo "retransmit-tries = ${RT_TRIES:-4}"
		# Routes are the test's own unless a line sets "routes".
		[[ " $* " == *" routes = "* ]] || echo "routes = no"
		for line in "$@"; do echo "$line"; done
	} > "$f"
}

# fail_context: the end of each daemon's and charon's log, for failures
# seen only in CI.
fail_context() {
	local f

	for f in "${work:-/nonexistent}"/daemon-*.log \
		 "${work:-/nonexistent}"/charon-*/charon.log; do
		[ -s "$f" ] || continue
		echo "--- last lines of ${f#"$work"/}"
		tail -n 60 "$f"
	done
}

# sgw_daemon NS CONF: starts the daemon, waits for its control socket.
sgw_daemon() {
	local ns=$1 conf=$2 i log=$work/daemon-$1.log

	ip netns exec "$ns" "$SGWCTL" daemon -c "$conf" 2>> "$log" &
	echo $! > "$work/daemon-$ns.pid"
	defer "kill $! 2>/dev/null; wait $! 2>/dev/null"
	for i in $(seq 100); do
		ip netns exec "$ns" "$SGWCTL" -j show 2>/dev/null |
			grep -q '"running":true' && return 0
		kill -0 "$(cat "$work/daemon-$ns.pid")" 2>/dev/null ||
			{ cat "$log"; fail "daemon in $ns exited"; }
		sleep 0.1
	done
	cat "$log"
	fail "daemon in $ns did not open its control socket"
}

# daemon_alive NS: fails with the daemon's log when it is gone.
daemon_alive() {
	kill -0 "$(cat "$work/daemon-$1.pid")" 2>/dev/null && return 0
	tail -n 40 "$work/daemon-$1.log"
	fail "the daemon in $1 exited"
}

# sgw_sas NS [ID]: "in SPI out SPI" (hex) of the kernel SAs of tunnel ID (1).
sgw_sas() {
	ip netns exec "$1" "$SGWCTL" -j sa show "${2:-1}" 2>/dev/null | python3 -c '
import json, sys
d = {s["dir"]: "%08x" % s["spi"] for s in json.load(sys.stdin)["sas"]}
print("in", d.get("in", "-"), "out", d.get("out", "-"))'
}

# sgw_ike_spis NS: "SPI_I SPI_R" of the daemon's IKE SA of tunnel 1.
sgw_ike_spis() {
	ip netns exec "$1" "$SGWCTL" -j show 1 | python3 -c '
import json, sys
t = json.load(sys.stdin)["tunnels"][0]["ike"]
print(t["spi_i"], t["spi_r"])'
}

# json_ok NS DOCUMENT ARGS...: "sgwctl -j ARGS" in NS answers (exit 0, or
# 1 for a command that found problems) with a valid DOCUMENT of the JSON
# contract (json_schema.py, sgwctl-json(7)); the document on stdout.
json_ok() {
	local ns=$1 doc=$2 out rc=0 bad

	shift 2
	out=$(ip netns exec "$ns" "$SGWCTL" -j "$@" 2> "$work/json_ok.err") || rc=$?
	[ "$rc" -le 1 ] || fail "sgwctl -j $*: exit $rc: $(cat "$work/json_ok.err")"
	bad=$(printf '%s' "$out" | python3 "$here/json_schema.py" "$doc") ||
		fail "sgwctl -j $*: not a valid $doc document: $bad
$out"
	printf '%s\n' "$out"
}

# sgw_field NS FIELD [ID]: a field of the daemon's view of tunnel ID (1).
sgw_field() {
	ip netns exec "$1" "$SGWCTL" -j show "${3:-1}" | python3 -c '
import json, sys
t = json.load(sys.stdin)["tunnels"][0]["ike"]
v = t.get(sys.argv[1])
print(v if v is not None else "")' "$2"
}

# charon_start NS: a charon of its own (own /run, config, vici socket).
charon_start() {
	local ns=$1 d=$work/charon-$1 i

	mkdir -p "$d"
	cat > "$d/strongswan.conf" <<-EOC
	charon {
		load = random nonce openssl kdf pem pkcs1 x509 pubkey kernel-netlink socket-default vici
		install_routes = ${CHARON_INSTALL_ROUTES:-no}
		retransmit_timeout = 1.0
		retransmit_tries = 2
		plugins {
			vici {
				socket = unix://$d/charon.vici
			}
		}
		filelog {
			log {
				path = $d/charon.log
				default = 1
				ike = 2
				cfg = 2
			}
		}
	}
	swanctl {
		socket = unix://$d/charon.vici
	}
	EOC
	# A charon killed before leaves its socket: not a sign of this one.
	rm -f "$d/charon.vici"
	ip netns exec "$ns" sh -c "mount -t tmpfs tmpfs /run &&
		STRONGSWAN_CONF=$d/strongswan.conf exec $CHARON" \
		> "$d/stdout" 2>&1 &
	defer "kill $! 2>/dev/null; wait $! 2>/dev/null"
	# A busy host starts charon slowly: a generous 60 s.
	for i in $(seq 600); do
		[ -S "$d/charon.vici" ] &&
			swanctl_ns "$ns" --stats > /dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$d/stdout" "$d/charon.log" 2>/dev/null
	fail "charon in $ns did not start"
}

# swanctl NS ARGS...: swanctl talking to that namespace's charon.
swanctl_ns() {
	local ns=$1

	shift
	ip netns exec "$ns" env STRONGSWAN_CONF="$work/charon-$ns/strongswan.conf" \
		swanctl "$@"
}

# charon_conn NS NAME LOCAL REMOTE LTS RTS IKE ESP KEY: loads one
# connection (replacing the others) and its PSK. The identities are the
# addresses, or CHARON_IDS="LOCAL-ID REMOTE-ID" (REMOTE may then be %any).
charon_conn() {
	local ns=$1 name=$2 l=$3 r=$4 lts=$5 rts=$6 ike=$7 esp=$8 key=$9
	local f=$work/charon-$ns/swanctl.conf lid rid

	read -r lid rid <<< "${CHARON_IDS:-$l $r}"

	cat > "$f" <<-EOC
	connections {
		$name {
			version = 2
			local_addrs = $l
			remote_addrs = $r
			proposals = $ike
			local {
				auth = psk
				id = $lid
			}
			remote {
				auth = psk
				id = $rid
			}
			children {
				net {
					local_ts = $lts
					remote_ts = $rts
					esp_proposals = $esp
					mode = tunnel
				}
			}
		}
	}
	secrets {
		ike-$name {
			id-a = $lid
			id-b = $rid
			secret = "$key"
		}
	}
	EOC
	swanctl_ns "$ns" --load-all --noprompt --file "$f" \
		>> "$work/charon-$ns/swanctl.log" 2>&1 ||
		fail "swanctl could not load $f"
}

# charon_sas NS [CONN]: "in SPI out SPI" of the CHILD SA (of connection
# CONN), "in - out -" without one.
charon_sas() {
	swanctl_ns "$1" --list-sas ${2:+--ike "$2"} 2>/dev/null | awk '
		$1 == "in" { i = $2 } $1 == "out" { o = $2 }
		END { sub(",", "", i); sub(",", "", o)
		      print "in", (i ? i : "-"), "out", (o ? o : "-") }'
}

# charon_ike_spis NS: "SPI_I SPI_R" of its IKE SA.
charon_ike_spis() {
	swanctl_ns "$1" --list-sas 2>/dev/null |
		sed -n 's/.*ESTABLISHED, IKEv2, \([0-9a-f]*\)_i\*\{0,1\} \([0-9a-f]*\)_r.*/\1 \2/p'
}

# expect_crosswise WHAT "in X out Y" "in Y out X"
expect_crosswise() {
	local a b

	read -r _ ai _ ao <<< "$2"
	read -r _ bi _ bo <<< "$3"
	[ "$ai" != "-" ] && [ "$ao" != "-" ] || fail "$1: no SA pair ($2)"
	expect_eq "$1: our inbound SPI is their outbound" "$ai" "$bo"
	expect_eq "$1: our outbound SPI is their inbound" "$ao" "$bi"
}

# crosswise_sgw NS_A NS_B [ID]: both sgw ends hold one crosswise pair, read
# at one moment (A, then B, then A again unchanged: no rekey in between).
crosswise_sgw() {
	local a b ai ao bi bo

	a=$(sgw_sas "$1" "${3:-1}")
	b=$(sgw_sas "$2" "${3:-1}")
	[ "$a" = "$(sgw_sas "$1" "${3:-1}")" ] || return 1
	read -r _ ai _ ao <<< "$a"
	read -r _ bi _ bo <<< "$b"
	[ "$ai" != - ] && [ "$ao" != - ] && [ "$ai" = "$bo" ] && [ "$ao" = "$bi" ]
}

# wait_crosswise SECONDS WHAT NS_A NS_B: crosswise within SECONDS; ends
# that keep rekeying are read again until a quiet moment, never sampled.
wait_crosswise() {
	wait_for "$1" crosswise_sgw "$3" "$4" ||
		expect_crosswise "$2" "$(sgw_sas "$3")" "$(sgw_sas "$4")"
}

# wait_for SECONDS CMD...: until CMD succeeds.
# until_s SECONDS CMD...: CMD succeeds within SECONDS of wall-clock time
# (wait_for counts tries, which a slow guest stretches).
until_s() {
	local end=$(($(date +%s) + $1))

	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

wait_for() {
	local t=$1 i

	shift
	for i in $(seq $((t * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

no_sgw_sa() {
	[ "$(sgw_sas "$1")" = "in - out -" ]
}

no_charon_sa() {
	[ "$(charon_sas "$1")" = "in - out -" ]
}

# ping_ok NS DEST: at least one of three echo requests answered.
ping_ok() {
	ip netns exec "$1" ping -c 3 -i 0.2 -W 2 "$2" > /dev/null
}

load_ipsec_modules() {
	local m

	for m in esp4 esp6 xfrm_user aesni_intel gcm chacha20poly1305 authenc; do
		modprobe -q "$m" 2>/dev/null || true
	done
}
