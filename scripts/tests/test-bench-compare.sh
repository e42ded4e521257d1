#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench.py's arithmetic on made-up result files: medians, per-round paired
# ratios (sgw/xfrm at equal AEAD and window, against WireGuard only for
# ChaCha20-Poly1305), and "bench.sh compare" printing NEW/OLD.

. "$(dirname "$0")/lib.sh"
bench=$top/scripts/bench.sh

# mkdoc FILE SGW_MBPS...: three rounds of tcp1 for xfrm (100, 200, 400
# Mbit/s), sgw (the given figures) and wg (50 each), plus ping p50.
mkdoc() {
	python3 - "$@" <<'PY'
import json, sys
path, sgw = sys.argv[1], [float(x) for x in sys.argv[2:]]
xfrm = [100.0, 200.0, 400.0]
samples = []
for r in range(3):
    for cfg, v in (("xfrm:aes-gcm-128:1024", xfrm[r]), ("sgw:aes-gcm-128:1024", sgw[r]),
                   ("xfrm:chacha20-poly1305:1024", 40.0), ("wg", 50.0)):
        samples.append({"mode": "veth", "config": cfg, "test": "tcp1", "round": r,
                        "result": {"mbps": v, "bytes": int(v * 1e6)}, "cpu_s": 2.0,
                        "cpu_s_per_gb": 2.0 / (v / 1e3), "counters": {}})
    samples.append({"mode": "veth", "config": "sgw:aes-gcm-128:1024", "test": "ping",
                    "round": r, "result": {"p50_ms": 0.5, "p99_ms": 1.0}, "counters": {}})
    samples.append({"mode": "veth", "config": "xfrm:aes-gcm-128:1024", "test": "ping",
                    "round": r, "result": {"p50_ms": 1.0, "p99_ms": 2.0}, "counters": {}})
meta = {"rounds": 3, "time_s": 5, "mtu": 1400, "modes": ["veth"], "tests": ["tcp1", "ping"],
        "configs": ["xfrm:aes-gcm-128:1024", "sgw:aes-gcm-128:1024",
                    "xfrm:chacha20-poly1305:1024", "wg"]}
json.dump({"meta": meta, "samples": samples}, open(path, "w"))
PY
}

mkdoc "$tmp/old.json" 100 100 100
mkdoc "$tmp/new.json" 150 200 200
if ! out=$("$bench" compare "$tmp/old.json" "$tmp/new.json" 2>&1); then
	bad "compare failed: $out"
fi
line() { tr -s ' ' <<< "$out" | grep -E "$1"; }
# expect NAME GOT WANT
expect() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got \"$2\", want \"$3\""; fi
}
# Medians: old sgw 100, new 200, so NEW/OLD 2.000.
expect "median ratio NEW/OLD" "$(line 'veth sgw:aes-gcm-128:1024 tcp1 mbps ')" \
	" veth sgw:aes-gcm-128:1024 tcp1 mbps 100 -> 200 2.000"
# Paired sgw/xfrm per round: old 1, 0.5, 0.25 (median 0.5); new 1.5, 1, 0.5
# (median 1). The ratio of the medians would be 100/200 -> 200/200.
expect "paired ratio per round" "$(line 'sgw:aes-gcm-128:1024 / xfrm.* tcp1')" \
	" veth sgw:aes-gcm-128:1024 / xfrm:aes-gcm-128:1024 tcp1 0.500 (0.250-1.000) -> 1.000 (0.500-1.500)"
expect "RTT ratio" "$(line 'sgw:aes-gcm-128:1024 / xfrm.* ping')" \
	" veth sgw:aes-gcm-128:1024 / xfrm:aes-gcm-128:1024 ping 0.500 (0.500-0.500) -> 0.500 (0.500-0.500)"
# WireGuard is compared with ChaCha20-Poly1305 only.
expect "xfrm chacha / wg" "$(line 'xfrm:chacha20-poly1305:1024 / wg')" \
	" veth xfrm:chacha20-poly1305:1024 / wg tcp1 0.800 (0.800-0.800) -> 0.800 (0.800-0.800)"
expect "no AES-GCM / wg ratio" "$(line 'aes-gcm-128:1024 / wg')" ""
# The table of one file, and files that share nothing.
expect "table" "$("$bench" table "$tmp/new.json" | grep -c 'TCG-emulated')" 1
python3 -c 'import json, sys; json.dump({"meta": {"configs": []}, "samples": []}, open(sys.argv[1], "w"))' \
	"$tmp/empty.json"
"$bench" compare "$tmp/empty.json" "$tmp/new.json" > /dev/null 2>&1
expect "compare of unrelated files fails" $? 1
exit "$rc"
