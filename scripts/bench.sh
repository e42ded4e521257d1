#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Throughput, packet rate and latency of plain veth, the kernel's own ESP
# (xfrm interface), sgw and WireGuard with equal features, interleaved in
# one guest boot ("make bench").
#
#   scripts/bench.sh                  on the host: boots the test guest
#   scripts/bench.sh --guest          inside the guest (as root)
#   scripts/bench.sh compare OLD NEW  ratios NEW/OLD of two result files
#   scripts/bench.sh table FILE       the summary table of one result file
#
# Equal features: every tunnel has the same AEAD (both ESP implementations
# with the same key length; WireGuard only against ChaCha20-Poly1305), the
# same replay window on xfrm and sgw (xfrm "replay-window N"), the same
# inner MTU on every device (BENCH_MTU, 1400), no netfilter rule (so no
# conntrack) in any namespace, and one iperf3 process per flow (iperf3 3.12
# is single-threaded).
#
# Environment (defaults in brackets):
#   BENCH_ROUNDS [5]   interleaved rounds; round r rotates the order by r
#   BENCH_TIME [3]     seconds per iperf3 measurement (after 1 s omitted)
#   BENCH_MODES [veth rps gro gro-nooffload]   underlay modes, one phase each:
#                      veth = default veth; rps = rps_cpus on both ends;
#                      gro = veth GRO (NAPI) with esp4_offload loaded;
#                      gro-nooffload = veth GRO, esp4_offload unloaded
#   BENCH_CONFIGS      configurations of the veth phase: veth, wg, or
#                      IMPL:AEAD:WINDOW with IMPL xfrm or sgw
#                      [all of: aes-gcm-128 at windows 1024 and 0,
#                      aes-gcm-256 and chacha20-poly1305 at 1024, wg, veth]
#   BENCH_TESTS        tests of the veth phase [tcp1 tcp4 bidir udp1400
#                      udp64 ping ping_load]
#   BENCH_MODE_CONFIGS, BENCH_MODE_TESTS   the same for the other modes
#                      [xfrm:aes-gcm-128:1024 sgw:aes-gcm-128:1024; tcp1 tcp4]
#   BENCH_MTU [1400]
#   BENCH_SGW_MODULES  two builds of the module in one boot, e.g.
#                      "old=/path/old.ko new=/path/sgw.ko": every sgw
#                      configuration runs once per build (named sgw@LABEL),
#                      the module swapped in each round; ratios later/first
# The defaults take about 35 minutes under TCG on an idle 2-core host; the
# script prints its estimate first.
#
# Writes .bench/bench-DATE.json and .bench/latest.json: every measurement
# with its per-CPU /proc/stat time, nstat-style counters of both namespaces
# (retransmits, reordering, fragments, UDP errors, /proc/net/xfrm_stat),
# sgw drops by reason, the host load (sampled on the host into
# .bench/host-loadavg) and the guest load before each round; medians with
# p25/p75/min/max; per-round paired ratios sgw/xfrm, sgw/wg and xfrm/wg.
# Timing never fails the run: the exit status is 1 only when a setup or a
# measurement broke.

set -u

# One block, parsed whole before it runs: editing this file during a run
# cannot change what the run does.
{
	top=$(cd "$(dirname "$0")/.." && pwd)
	out=$top/.bench

	case "${1:-}" in
	compare)
		[ $# -eq 3 ] || { echo "usage: $0 compare OLD.json NEW.json" >&2; exit 2; }
		exec python3 "$top/scripts/bench.py" compare "$2" "$3" ;;
	table)
		[ $# -eq 2 ] || { echo "usage: $0 table FILE.json" >&2; exit 2; }
		exec python3 "$top/scripts/bench.py" table "$2" ;;
	--guest)
		;;
	"")
		mkdir -p "$out" || exit 1
		# The guest cannot see the host's load: sample it into the shared tree.
		(
			while :; do
				echo "$(cut -d' ' -f1-3 /proc/loadavg) $(date +%s)" > "$out/host-loadavg.tmp" &&
					mv "$out/host-loadavg.tmp" "$out/host-loadavg"
				sleep 2
			done
		) &
		sampler=$!
		trap 'kill "$sampler" 2> /dev/null; rm -f "$out/host-loadavg"' EXIT
		echo "bench: host load before boot: $(cat /proc/loadavg)"
		env_args=()
		for v in BENCH_ROUNDS BENCH_TIME BENCH_MODES BENCH_CONFIGS BENCH_TESTS \
			BENCH_MODE_CONFIGS BENCH_MODE_TESTS BENCH_MTU SGW_KO BENCH_SGW_MODULES; do
			[ -n "${!v:-}" ] && env_args+=("$v=${!v}")
		done
		"$top/scripts/vm-run.sh" -t "${BENCH_VM_TIMEOUT:-3600}" -- \
			env "${env_args[@]}" "$top/scripts/bench.sh" --guest
		exit $? ;;
	*)
		sed -n '3,50p' "$0" | sed 's/^# \{0,1\}//' >&2
		exit 2 ;;
	esac

	[ "$(id -u)" -eq 0 ] || { echo "bench: --guest needs root (it runs in the test guest)" >&2; exit 1; }
	mkdir -p "$out" || exit 1
	for m in aesni_intel ghash_clmulni_intel chacha_x86_64 poly1305_x86_64 chacha20poly1305 \
		esp4 xfrm_user xfrm_interface wireguard veth; do
		modprobe -q "$m" || echo "bench: cannot load $m" >&2
	done
	SGW_KO=${SGW_KO:-$top/sgw.ko}
	[ -n "${BENCH_SGW_MODULES:-}" ] || [ -d /sys/module/sgw ] || insmod "$SGW_KO" || { echo "bench: cannot load $SGW_KO" >&2; exit 1; }
	[ -x "${SGWCTL:-$top/userspace/sgwctl}" ] || { echo "bench: sgwctl not built" >&2; exit 1; }
	command -v iperf3 > /dev/null || { echo "bench: iperf3 not installed" >&2; exit 1; }

	stamp=$(date -u +%Y%m%dT%H%M%SZ)
	python3 "$top/scripts/bench.py" run "$out/bench-$stamp.json"
	rc=$?
	[ -s "$out/bench-$stamp.json" ] && cp "$out/bench-$stamp.json" "$out/latest.json"
	echo "bench: results in .bench/bench-$stamp.json"
	exit $rc
}
