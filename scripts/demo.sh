#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sgw demo, run inside the test VM by "make demo": two sites, each a
# gateway namespace with a LAN host behind it, joined by an underlay link.
#
#   hostA 10.1.0.2 -- 10.1.0.1 gwA 192.0.2.1 ==== 192.0.2.2 gwB 10.2.0.1 -- 10.2.0.2 hostB
#
# It loads sgw, creates a tunnel interface on each gateway with sgwctl,
# routes the other site's LAN into it and shows the result.

set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sgwctl=$top/userspace/sgwctl
ns=(hostA gwA gwB hostB)

say() { printf '\n\033[1m>>> %s\033[0m\n' "$*"; }
run() { echo "\$ $*"; "$@"; }

cleanup() {
	for n in "${ns[@]}"; do ip netns del "demo-$n" 2>/dev/null || true; done
}
trap cleanup EXIT

say "Loading the sgw module"
[ -d /sys/module/sgw ] || run insmod "$top/sgw.ko"
run "$sgwctl" version

say "Building two sites: a LAN host and a gateway each, and the underlay"
for n in "${ns[@]}"; do
	ip netns add "demo-$n"
	ip -n "demo-$n" link set lo up
	ip netns exec "demo-$n" sysctl -qw net.ipv4.ip_forward=1
	# An IPv4-only demo: no IPv6 neighbour discovery noise in the counters.
	ip netns exec "demo-$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
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

say "Creating the tunnel interfaces with sgwctl"
for side in A:10.2.0.0/24 B:10.1.0.0/24; do
	gw=demo-gw${side%%:*}
	run ip netns exec "$gw" "$sgwctl" tunnel add id 1 name sgw1
	run ip -n "$gw" link set sgw1 up
	run ip -n "$gw" route add "${side#*:}" dev sgw1
done

say "Traffic from hostA to hostB is routed into the tunnel"
run ip -n demo-gwA route get 10.2.0.2 from 10.1.0.2 iif lan0
echo "\$ ping -c 3 10.2.0.2   (from hostA)"
if ip netns exec demo-hostA ping -c 3 -i 0.2 -W 1 10.2.0.2; then
	echo "unexpected: traffic crossed without an SA" >&2
	exit 1
fi
echo "No SA is installed, so gwA sends nothing in clear: it drops and counts."

say "State of gateway A"
run ip netns exec demo-gwA "$sgwctl" show
say "The same, as JSON for scripts"
run ip netns exec demo-gwA "$sgwctl" -j show

drops=$(ip netns exec demo-gwA "$sgwctl" -j tunnel show 1 |
	python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["drops"]["no-sa"])')
[ "$drops" -eq 3 ] || { echo "expected 3 no-sa drops, saw $drops" >&2; exit 1; }
say "Demo finished: tunnels created and shown on both gateways"
