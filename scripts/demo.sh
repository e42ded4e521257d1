#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sgw demo, run inside the test VM by "make demo": two sites, each a
# gateway namespace with a LAN host behind it, joined by an underlay link.
#
#   hostA 10.1.0.2 -- 10.1.0.1 gwA 192.0.2.1 ==== 192.0.2.2 gwB 10.2.0.1 -- 10.2.0.2 hostB
#
# gwA runs "sgwctl daemon"; gwB runs another sgw daemon, or strongSwan's
# charon with SGW_DEMO_PEER=strongswan ("make demo PEER=strongswan"). The
# tunnel is negotiated with IKEv2 from the config files written below: on
# demand, by the first ping from hostA (held on gwA while IKE runs, then
# delivered), and again with "sgwctl up". At the end the demo times the
# other pairings in the same VM (with PEER=strongswan also sgw <-> sgw),
# last charon <-> charon, each from "up" on gwA to the first ping reply.
# Any step that does not do what it says stops the demo with a non-zero
# exit status: "make check" runs it as a test.

set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sgwctl=$top/userspace/sgwctl
charon=/usr/lib/ipsec/charon
peer=${SGW_DEMO_PEER:-sgw}
ns=(hostA gwA gwB hostB)
work=$(mktemp -d)
pids=()

say() { printf '\n\033[1m>>> %s\033[0m\n' "$*"; }
run() { echo "\$ $*"; "$@"; }
in_ns() { local n=$1; shift; ip netns exec "demo-$n" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

cleanup() {
	local p

	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for n in "${ns[@]}"; do ip netns del "demo-$n" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

case $peer in
sgw|strongswan) ;;
*) echo "demo: PEER must be sgw or strongswan, not \"$peer\"" >&2; exit 2 ;;
esac

say "Loading the sgw module and the kernel's own ESP (for charon)"
[ -d /sys/module/sgw ] || run insmod "$top/sgw.ko"
for m in esp4 xfrm_user aesni_intel gcm; do modprobe -q "$m" || true; done
run "$sgwctl" version

say "Building two sites: a LAN host and a gateway each, and the underlay"
for n in "${ns[@]}"; do
	ip netns add "demo-$n"
	ip -n "demo-$n" link set lo up
	in_ns "$n" sysctl -qw net.ipv4.ip_forward=1
done
# The sites are IPv4 only: no IPv6 on the gateways' tunnel devices, whose
# link-local chatter (router solicitations, MLD reports) would otherwise be
# the first packet routed into a tunnel and start IKE before the demo's
# first ping does.
for n in gwA gwB; do in_ns "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1; done
link() { # NS1 IF1 ADDR1 NS2 IF2 ADDR2
	ip link add "$2" netns "demo-$1" type veth peer name "$5" netns "demo-$4"
	ip -n "demo-$1" addr add "$3" dev "$2"
	ip -n "demo-$4" addr add "$6" dev "$5"
	ip -n "demo-$1" link set "$2" up
	ip -n "demo-$4" link set "$5" up
	echo "  demo-$1 $2 $3  <->  demo-$4 $5 $6"
}
link hostA eth0 10.1.0.2/24 gwA lan0 10.1.0.1/24
link gwA wan0 192.0.2.1/24 gwB wan0 192.0.2.2/24
link gwB lan0 10.2.0.1/24 hostB eth0 10.2.0.2/24
ip -n demo-hostA route add default via 10.1.0.1
ip -n demo-hostB route add default via 10.2.0.1

# One key for both gateways: strongSwan's 0s (base64) form, which sgw's
# psk-file and charon's secret decode alike.
(umask 077; "$sgwctl" genpsk > "$work/site.psk")

# sgw_config NAME LOCAL REMOTE LOCALNET REMOTENET
sgw_config() {
	cat > "$work/$1.conf" <<-EOC
	# /etc/sgw/sgw.conf of $1, written by the demo
	[tunnel site]
	id = 1
	local = $2
	remote = $3
	psk-file = $work/site.psk
	local-networks = $4
	remote-networks = $5
	ike-proposals = aes256gcm16-prfsha384-curve25519
	esp-proposals = aes256gcm16
	EOC
}

# sgw_start GW: the daemon in the background, its log in $work. Not through
# in_ns: $! must be the daemon itself, or killing it would leave the daemon
# holding UDP 500 (and charon, unable to bind IPv4, "unable to resolve").
sgw_start() {
	ip netns exec "demo-$1" "$sgwctl" daemon -c "$work/$1.conf" 2> "$work/$1.log" &
	pids+=($!)
	eval "pid_$1=$!"
	for _ in $(seq 100); do
		in_ns "$1" "$sgwctl" -j show 2>/dev/null | grep -q '"running":true' && return
		sleep 0.1
	done
	cat "$work/$1.log"; exit 1
}

# stop_sgw GW: the daemon deletes its SAs and exits; the device goes too.
stop_sgw() {
	local pid

	eval "pid=\$pid_$1"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	ip -n "demo-$1" link del sgw1
}

stop_charon() {
	local pid

	eval "pid=\$charon_$1"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

# charon_start GW LOCAL REMOTE LOCALNET REMOTENET
charon_start() {
	local d=$work/charon-$1 busy

	# charon binds 0.0.0.0:500; taken, it runs IPv6-only and cannot initiate.
	busy=$(in_ns "$1" ss -Hulnp 'sport = :500')
	if [ -n "$busy" ]; then
		echo "demo: UDP 500 on demo-$1 is still taken, charon cannot start: $busy" >&2
		exit 1
	fi
	mkdir -p "$d"
	rm -f "$d/vici"
	cat > "$d/strongswan.conf" <<-EOC
	charon {
		load = random nonce openssl kdf pem pkcs1 x509 pubkey kernel-netlink socket-default vici
		install_routes = no
		plugins {
			vici {
				socket = unix://$d/vici
			}
		}
		filelog {
			log {
				path = $d/charon.log
				default = 1
			}
		}
	}
	swanctl {
		socket = unix://$d/vici
	}
	EOC
	cat > "$d/swanctl.conf" <<-EOC
	connections {
		site {
			version = 2
			local_addrs = $2
			remote_addrs = $3
			proposals = aes256gcm16-prfsha384-curve25519
			local {
				auth = psk
				id = $2
			}
			remote {
				auth = psk
				id = $3
			}
			children {
				net {
					local_ts = $4
					remote_ts = $5
					esp_proposals = aes256gcm16
				}
			}
		}
	}
	secrets {
		ike-site {
			id-a = $2
			id-b = $3
			secret = $(cat "$work/site.psk")
		}
	}
	EOC
	ip netns exec "demo-$1" sh -c "mount -t tmpfs tmpfs /run &&
		STRONGSWAN_CONF=$d/strongswan.conf exec $charon" > "$d/stdout" 2>&1 &
	pids+=($!)
	eval "charon_$1=$!"
	for _ in $(seq 100); do [ -S "$d/vici" ] && break; sleep 0.1; done
	[ -S "$d/vici" ] || { cat "$d/stdout" >&2; exit 1; }
	in_ns "$1" env STRONGSWAN_CONF="$d/strongswan.conf" swanctl --load-all \
		--noprompt --file "$d/swanctl.conf" > "$d/load.log" 2>&1 ||
		{ cat "$d/load.log" >&2; exit 1; }
	# charon installs policies, not routes.
	ip -n "demo-$1" route replace "$5" via "$6"
}

swanctl_in() {
	local gw=$1

	shift
	in_ns "$gw" env STRONGSWAN_CONF="$work/charon-$gw/strongswan.conf" swanctl "$@"
}

# split T0 T1: the time from T0 to now, and how much of it came after T1.
split() {
	local t2

	t2=$(now_ms)
	printf '%5d ms  (up %d ms, then first reply %d ms)' $((t2 - $1)) \
		$(($2 - $1)) $((t2 - $2))
}

# first_reply: pings hostB from hostA every 50 ms until one answers (a
# lost echo costs 50 ms, not a 1 s timeout), for at most 20 s.
first_reply() {
	in_ns hostA ping -c 1 -i 0.05 -w 20 10.2.0.2 > /dev/null && return 0
	echo "no ping reply" >&2
	exit 1
}

# no_sa GW: the sgw daemon on GW holds no SA, within 5 s.
no_sa() {
	for _ in $(seq 50); do
		[ "$(in_ns "$1" "$sgwctl" -j sa show)" = '{"version":1,"sas":[]}' ] && {
			echo "($1: no SA)"; return; }
		sleep 0.1
	done
	echo "demo: $1 still holds SAs:" >&2
	in_ns "$1" "$sgwctl" sa show >&2
	exit 1
}

say "Configuration of gwA (sgw.conf) and a key from sgwctl genpsk"
sgw_config gwA 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24
cat "$work/gwA.conf"
echo "\$ sgwctl genpsk > $work/site.psk   (the same line on gwB)"
# On gwA itself: the key file and the local address are checked too.
run in_ns gwA "$sgwctl" config check --strict "$work/gwA.conf"
say "Starting the sgw IKE daemon on gwA, and on gwB: $peer"
sgw_start gwA
if [ "$peer" = sgw ]; then
	sgw_config gwB 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24
	sgw_start gwB
else
	charon_start gwB 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24 192.0.2.1
fi
say "The daemon routes remote-networks into sgw1 (routes = yes, the default)"
run ip -n demo-gwA route show dev sgw1
run in_ns gwA "$sgwctl" show site

say "On demand: no SA yet; the first packet routed into sgw1 starts IKEv2"
no_sa gwA
echo "\$ ping -c 1 10.2.0.2   (on hostA: held on gwA while IKEv2 runs, then sent)"
t0=$(now_ms)
if ! in_ns hostA ping -c 1 -W 10 10.2.0.2; then
	echo "demo: the first ping was not delivered once the tunnel came up" >&2
	cat "$work/gwA.log" >&2
	exit 1
fi
echo "  answered $(($(now_ms) - t0)) ms after it was sent, IKE_SA_INIT and IKE_AUTH included"
in_ns gwA "$sgwctl" show site | grep -E '^ike |events:'
in_ns gwA "$sgwctl" show site | grep -Eq 'events:.* held-sent [1-9]' || {
	echo "demo: gwA did not count the held ping as sent" >&2; exit 1; }
run in_ns hostA ping -c 3 -i 0.2 10.2.0.2

say "gwA: sgwctl show"
run in_ns gwA "$sgwctl" show
if [ "$peer" = sgw ]; then
	say "gwB: sgwctl show"
	run in_ns gwB "$sgwctl" show
else
	say "gwB: swanctl --list-sas (charon)"
	swanctl_in gwB --list-sas 2>/dev/null
fi
say "The same on gwA, as JSON for scripts"
run in_ns gwA "$sgwctl" -j sa show

say "sgwctl down site: the SAs go on both ends"
run in_ns gwA "$sgwctl" down site
no_sa gwA
if [ "$peer" = sgw ]; then
	no_sa gwB
else
	gone=
	for _ in $(seq 50); do
		swanctl_in gwB --list-sas 2>/dev/null | grep -q ESTABLISHED || { gone=1; break; }
		sleep 0.1
	done
	[ -n "$gone" ] || { echo "demo: charon on gwB still has the SAs" >&2; exit 1; }
	echo "(charon on gwB: no SAs left)"
fi

# timed CMD...: from CMD (on gwA, returning once the tunnel is up) to the
# first ping reply across it.
timed() {
	local t0 t1

	t0=$(now_ms)
	"$@" > "$work/timed.log" 2>&1 || { cat "$work/timed.log" >&2; exit 1; }
	t1=$(now_ms)
	first_reply
	split "$t0" "$t1"
}

say "sgwctl up site: negotiate at once, without waiting for traffic"
echo "\$ sgwctl up site   (on gwA), then ping hostB from hostA"
t_main=$(timed in_ns gwA "$sgwctl" up site)
cat "$work/timed.log"
run in_ns gwA "$sgwctl" down site

if [ "$peer" = sgw ]; then
	t_sgw_sgw=$t_main
	stop_sgw gwB
else
	t_sgw_charon=$t_main
	say "For comparison: sgw on both gateways, in the same VM"
	stop_charon gwB
	sgw_config gwB 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24
	sgw_start gwB
	ip -n demo-gwB route replace 10.1.0.0/24 dev sgw1
	echo "\$ sgwctl up site   (on gwA)"
	t_sgw_sgw=$(timed in_ns gwA "$sgwctl" up site)
	stop_sgw gwB
fi
say "For comparison: charon on both gateways, in the same VM"
stop_sgw gwA
charon_start gwB 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24 192.0.2.1
charon_start gwA 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24 192.0.2.2
echo "\$ swanctl --initiate --child net   (on gwA)"
t_charon=$(timed swanctl_in gwA --initiate --child net)

say "Time from 'up' on gwA to the first ping reply (emulated VM: compare, do not quote)"
printf '  sgw    <-> sgw       %s\n' "$t_sgw_sgw"
[ "$peer" = sgw ] || printf '  sgw    <-> charon    %s\n' "$t_sgw_charon"
printf '  charon <-> charon    %s\n' "$t_charon"
# An outlier is usually a lost first request and charon's 4 s retransmit.
rt=$(cat "$work"/charon-gw?/charon.log | grep -c 'retransmit' || true)
[ "$rt" = 0 ] || echo "  (charon retransmitted IKE requests $rt times in this run)"
say "Demo finished: IKEv2-negotiated tunnels, on demand and by 'up', carried traffic between the sites"
