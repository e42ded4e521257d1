#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Throughput and latency of plain veth, the kernel's own ESP (xfrm
# interface), an sgw tunnel and WireGuard, side by side in one system (run
# it inside the test guest: "make bench"). Both ESP tunnels use aes-gcm-128
# (rfc4106(gcm(aes))) with aesni_intel loaded.
#
#   BENCH_TIME=10 scripts/bench.sh
#
# For each: iperf3 TCP, one flow and four flows, BENCH_TIME seconds each,
# and the average RTT of 50 pings. Prints a table with each figure's ratio
# to native xfrm and writes .bench/bench-DATE.json (and .bench/latest.json).
# Timing never fails the run: the exit status is 1 only when a setup broke.

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
T=${BENCH_TIME:-10}
SGWCTL=${SGWCTL:-$top/userspace/sgwctl}
SGW_KO=${SGW_KO:-$top/sgw.ko}
out=$top/.bench
mkdir -p "$out" || exit 1
work=$(mktemp -d)
A=bench-a-$$ B=bench-b-$$
broken=0

cleanup() {
	ip netns del "$A" 2> /dev/null
	ip netns del "$B" 2> /dev/null
	rm -rf "$work"
}
trap cleanup EXIT

for m in aesni_intel ghash_clmulni_intel esp4 xfrm_user xfrm_interface wireguard veth; do
	modprobe -q "$m" || echo "bench: cannot load $m" >&2
done
[ -d /sys/module/sgw ] || insmod "$SGW_KO" 2> /dev/null || echo "bench: cannot load $SGW_KO" >&2
aes=$(awk '$1 == "driver" && $3 ~ /aesni|aes-aesni|gcm/ { print $3 }' /proc/crypto | sort -u | tr '\n' ' ')
echo "bench: ${T}s per iperf3 run; AES drivers: ${aes:-none}"

key=$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')

# underlay: two namespaces and a veth pair.
underlay() {
	cleanup
	work=$(mktemp -d)
	ip netns add "$A" && ip netns add "$B" || return 1
	ip -n "$A" link set lo up
	ip -n "$B" link set lo up
	ip -n "$A" link add v0 type veth peer name v0 netns "$B" || return 1
	ip -n "$A" addr add 192.168.77.1/24 dev v0
	ip -n "$B" addr add 192.168.77.2/24 dev v0
	ip -n "$A" link set v0 up
	ip -n "$B" link set v0 up
}

# inner DEV: 10.77.0.1 <-> 10.77.0.2 over DEV.
inner() {
	ip -n "$A" addr add 10.77.0.1 peer 10.77.0.2 dev "$1" &&
		ip -n "$B" addr add 10.77.0.2 peer 10.77.0.1 dev "$1" &&
		ip -n "$A" link set "$1" up && ip -n "$B" link set "$1" up
}

setup_veth() {
	underlay || return 1
	target=192.168.77.2
}

setup_xfrm() {
	local ns lo re

	underlay || return 1
	for ns in "$A" "$B"; do
		if [ "$ns" = "$A" ]; then lo=192.168.77.1 re=192.168.77.2; else lo=192.168.77.2 re=192.168.77.1; fi
		ip -n "$ns" link add ipsec1 type xfrm dev v0 if_id 7 || return 1
		ip -n "$ns" xfrm state add src "$lo" dst "$re" proto esp spi "0x$([ "$ns" = "$A" ] && echo 1001 || echo 2001)" \
			mode tunnel if_id 7 aead 'rfc4106(gcm(aes))' "0x$key" 128 || return 1
		ip -n "$ns" xfrm state add src "$re" dst "$lo" proto esp spi "0x$([ "$ns" = "$A" ] && echo 2001 || echo 1001)" \
			mode tunnel if_id 7 aead 'rfc4106(gcm(aes))' "0x$key" 128 || return 1
		ip -n "$ns" xfrm policy add dir out src 0.0.0.0/0 dst 0.0.0.0/0 if_id 7 \
			tmpl src "$lo" dst "$re" proto esp mode tunnel || return 1
		ip -n "$ns" xfrm policy add dir in src 0.0.0.0/0 dst 0.0.0.0/0 if_id 7 \
			tmpl src "$re" dst "$lo" proto esp mode tunnel || return 1
	done
	inner ipsec1 || return 1
	target=10.77.0.2
}

setup_sgw() {
	local ns lo re o i

	underlay || return 1
	[ -x "$SGWCTL" ] || { echo "bench: sgwctl not built" >&2; return 1; }
	for ns in "$A" "$B"; do
		if [ "$ns" = "$A" ]; then
			lo=192.168.77.1 re=192.168.77.2 o=0x1001 i=0x2001
		else
			lo=192.168.77.2 re=192.168.77.1 o=0x2001 i=0x1001
		fi
		ip netns exec "$ns" "$SGWCTL" tunnel add id 1 name sgw1 local "$lo" remote "$re" > /dev/null || return 1
		echo "$key" | ip netns exec "$ns" "$SGWCTL" sa add sgw1 dir out spi $o alg aes-gcm-128 key-file - > /dev/null || return 1
		echo "$key" | ip netns exec "$ns" "$SGWCTL" sa add sgw1 dir in spi $i alg aes-gcm-128 key-file - > /dev/null || return 1
	done
	inner sgw1 || return 1
	target=10.77.0.2
}

setup_wg() {
	local ka kb

	underlay || return 1
	command -v wg > /dev/null || { echo "bench: wg not installed" >&2; return 1; }
	ka=$(wg genkey) kb=$(wg genkey)
	ip -n "$A" link add wg0 type wireguard || return 1
	ip -n "$B" link add wg0 type wireguard || return 1
	ip netns exec "$A" wg set wg0 private-key <(echo "$ka") listen-port 51820 \
		peer "$(echo "$kb" | wg pubkey)" endpoint 192.168.77.2:51820 allowed-ips 10.77.0.2/32 || return 1
	ip netns exec "$B" wg set wg0 private-key <(echo "$kb") listen-port 51820 \
		peer "$(echo "$ka" | wg pubkey)" endpoint 192.168.77.1:51820 allowed-ips 10.77.0.1/32 || return 1
	inner wg0 || return 1
	target=10.77.0.2
}

# iperf FLOWS: received bits per second, or nothing when the run failed.
iperf() {
	ip netns exec "$A" timeout $((T + 30)) iperf3 -c "$target" -t "$T" -P "$1" -J 2> /dev/null |
		python3 -c 'import json, sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))' 2> /dev/null
}

rtt() {
	ip netns exec "$A" ping -q -c 50 -i 0.01 -W 2 "$target" 2> /dev/null |
		sed -n 's#^rtt [^=]*= [0-9.]*/\([0-9.]*\)/.*#\1#p'
}

results=()
for kind in veth xfrm sgw wg; do
	echo "bench: $kind ..."
	if ! "setup_$kind"; then
		echo "bench: $kind: setup failed" >&2
		broken=1
		results+=("$kind - - - setup-failed")
		continue
	fi
	ip netns exec "$B" iperf3 -s > /dev/null 2>&1 &
	srv=$!
	for i in $(seq 50); do
		ip netns exec "$B" ss -Hltn 'sport = :5201' | grep -q . && break
		sleep 0.1
	done
	ip netns exec "$A" ping -q -c 3 -W 2 "$target" > /dev/null 2>&1 ||
		{ echo "bench: $kind: no connectivity" >&2; broken=1; }
	one=$(iperf 1) four=$(iperf 4) r=$(rtt)
	kill "$srv" 2> /dev/null
	wait "$srv" 2> /dev/null
	[ -n "$one" ] && [ -n "$four" ] && [ -n "$r" ] || broken=1
	results+=("$kind ${one:--} ${four:--} ${r:--} ok")
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
printf '%s\n' "${results[@]}" | python3 -c '
import json, sys
t, aes, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rows = {}
for line in sys.stdin:
    kind, one, four, rtt, status = line.split()
    num = lambda v, f: None if v == "-" else f(v)
    rows[kind] = {"tcp_1flow_bps": num(one, int), "tcp_4flows_bps": num(four, int),
                  "ping_rtt_avg_ms": num(rtt, float), "status": status}
ref = rows.get("xfrm", {})
def ratio(kind, key):
    a, b = rows[kind][key], ref.get(key)
    return round(a / b, 3) if a is not None and b else None
for kind in rows:
    for key in ("tcp_1flow_bps", "tcp_4flows_bps", "ping_rtt_avg_ms"):
        rows[kind][key.replace("_bps", "").replace("_ms", "") + "_vs_xfrm"] = ratio(kind, key)
doc = {"time_s": t, "aead": "aes-gcm-128", "aes_drivers": aes.split(), "results": rows}
names = {"veth": "plain veth", "xfrm": "xfrm ESP", "sgw": "sgw ESP", "wg": "WireGuard"}
print("%-11s %14s %7s %14s %7s %10s %7s" % ("", "TCP 1 flow", "/xfrm", "TCP 4 flows", "/xfrm",
                                           "RTT avg", "/xfrm"))
def f(v, unit):
    if v is None:
        return "-"
    return "%.1f Mbit/s" % (v / 1e6) if unit == "bps" else "%.3f ms" % v
def r(v):
    return "-" if v is None else "%.2f" % v
for kind, row in rows.items():
    print("%-11s %14s %7s %14s %7s %10s %7s" % (
        names[kind], f(row["tcp_1flow_bps"], "bps"), r(row["tcp_1flow_vs_xfrm"]),
        f(row["tcp_4flows_bps"], "bps"), r(row["tcp_4flows_vs_xfrm"]),
        f(row["ping_rtt_avg_ms"], "ms"), r(row["ping_rtt_avg_vs_xfrm"])))
with open(path, "w") as fh:
    json.dump(doc, fh, indent=1)
    fh.write("\n")
' "$T" "$aes" "$out/bench-$stamp.json" || broken=1
cp "$out/bench-$stamp.json" "$out/latest.json" 2> /dev/null
echo "bench: results in .bench/bench-$stamp.json"
exit $broken
