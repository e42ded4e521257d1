#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bounded fuzzing against a live module: random generic netlink requests as
# root and as an unprivileged user in a user namespace (genl_fuzz.py), and
# crafted frames at a live tunnel's receive path (pkt_fuzz.py). Each case
# passes when the kernel logged no warning, bug or oops meanwhile and the
# module still does its job afterwards. SGW_FUZZ_SECONDS sets each run's
# length (default 15); SGW_FUZZ_SEED replays one run.

source "$(dirname "$0")/lib.sh"

SECONDS_EACH=${SGW_FUZZ_SECONDS:-15}
SEED=${SGW_FUZZ_SEED:+--seed $SGW_FUZZ_SEED}
KEY_AB=000102030405060708090a0b0c0d0e0f10111213
KEY_BA=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3

ctl() {
	local ns=$1

	shift
	ip netns exec "$ns" "$SGWCTL" "$@"
}

# dmesg_mark: write a unique line into the kernel log and print it;
# kernel_log_since MARK fails if the log after it reports a warning, bug,
# oops or leak (a marker survives the ring buffer wrapping, a count not).
dmesg_mark() {
	local m="sgw_fuzz: mark $BASHPID-$RANDOM-$EPOCHSECONDS"

	echo "$m" > /dev/kmsg
	echo "$m"
}

kernel_log_since() {
	local bad

	dmesg | grep -qF "$1" || fail "kernel log lost the mark: the run logged too much"
	if bad=$(dmesg | sed -n "/$1/,\$p" | "$repo/scripts/dmesg-scan.sh"); then
		return 0
	fi
	fail "kernel log during the run: $(printf '%s\n' "$bad" | head -n 5)"
}

test_genl_root() {
	local mark out

	setup_ns fz
	ip -n "$fz" link add d0 type dummy
	ip -n "$fz" addr add 192.0.2.1/24 dev d0
	ip -n "$fz" addr add 2001:db8::1/64 dev d0 nodad
	ip -n "$fz" link set d0 up
	mark=$(dmesg_mark)
	out=$(ip netns exec "$fz" python3 "$here/genl_fuzz.py" --seconds "$SECONDS_EACH" \
		--local 192.0.2.1 2001:db8::1 --remote 198.51.100.2 2001:db8:1::2 $SEED)
	echo "$out"
	kernel_log_since "$mark"
	# It reached the commands: some requests worked, some were refused.
	expect_match "fuzz summary" "$out" '^requests=[0-9]+ ok=[1-9][0-9]* errnos=[^ ]*EINVAL'
	# and got past validation into the code that changes state.
	expect_match "tunnels changed" "$out" ' ok_cmds=[^ ]*TUNNEL_SET'
	expect_match "SAs added" "$out" ' ok_cmds=[^ ]*SA_NEW'
	# Still working: a tunnel and an SA can be made and shown.
	ctl "$fz" tunnel add id 7 name fz7 local 192.0.2.1 remote 198.51.100.9 > /dev/null
	echo $KEY_AB | ctl "$fz" sa add fz7 dir out spi 0x777 alg aes-gcm-128 key-file - > /dev/null
	expect_eq "SA after the run" \
		"$(ctl "$fz" -j sa show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["sas"]))')" 1
}

test_genl_userns() {
	local mark out

	require_cmd setpriv unshare
	mark=$(dmesg_mark)
	out=$(setpriv --reuid 65534 --regid 65534 --clear-groups -- \
		unshare -Urn python3 "$here/genl_fuzz.py" --seconds $((SECONDS_EACH / 2)) \
		--no-cleanup $SEED) || fail "unprivileged run: $out"
	echo "$out"
	kernel_log_since "$mark"
	# Configuration from a non-initial user namespace is refused
	# (allow_userns is off): only reads of its own empty namespace worked.
	expect_match "fuzz summary" "$out" \
		'^requests=[0-9]+ ok=[0-9]+ errnos=[^ ]*EPERM[^ ]* ok_cmds=(-|((GET_INFO|TUNNEL_GET|SA_GET),?)+) '
}

# Two gateways on one link, a tunnel between their "lan" addresses.
gateways() {
	local ns

	setup_ns gA gB
	ip -n "$gA" link add wan type veth peer name wan netns "$gB"
	for ns in "$gA" "$gB"; do
		ip -n "$ns" link add lan type dummy
		ip -n "$ns" link set lan up
		ip -n "$ns" link set wan up
	done
	ip -n "$gA" addr add 192.0.2.1/24 dev wan
	ip -n "$gB" addr add 192.0.2.2/24 dev wan
	ip -n "$gA" addr add 10.1.0.1/24 dev lan
	ip -n "$gB" addr add 10.2.0.1/24 dev lan
	ctl "$gA" tunnel add id 1 name sgw1 local 192.0.2.1 remote 192.0.2.2 > /dev/null
	ctl "$gB" tunnel add id 1 name sgw1 local 192.0.2.2 remote 192.0.2.1 > /dev/null
	ip -n "$gA" link set sgw1 up
	ip -n "$gB" link set sgw1 up
	ip -n "$gA" route add 10.2.0.0/24 dev sgw1 src 10.1.0.1
	ip -n "$gB" route add 10.1.0.0/24 dev sgw1 src 10.2.0.1
}

# sas SPI_AB SPI_BA: a fresh pair of SAs on both gateways.
sas() {
	ctl "$gA" sa flush sgw1 > /dev/null
	ctl "$gB" sa flush sgw1 > /dev/null
	echo $KEY_AB | ctl "$gA" sa add sgw1 dir out spi "$1" alg aes-gcm-128 key-file - > /dev/null
	echo $KEY_AB | ctl "$gB" sa add sgw1 dir in spi "$1" alg aes-gcm-128 key-file - > /dev/null
	echo $KEY_BA | ctl "$gB" sa add sgw1 dir out spi "$2" alg aes-gcm-128 key-file - > /dev/null
	echo $KEY_BA | ctl "$gA" sa add sgw1 dir in spi "$2" alg aes-gcm-128 key-file - > /dev/null
}

drops() {
	ctl "$gA" -j tunnel show sgw1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d["tunnels"][0]
print(" ".join("%s=%d" % kv for kv in sorted(d["drops"].items()) if kv[1]))'
}

test_packets() {
	local mark out dmac d

	require_cmd ping
	gateways
	sas 0x1001 0x2001
	ip netns exec "$gA" ping -c 1 -W 5 -I 10.1.0.1 10.2.0.1 > /dev/null ||
		fail "tunnel does not carry a ping before the run"
	dmac=$(ip -n "$gA" -j link show wan | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
	mark=$(dmesg_mark)
	out=$(ip netns exec "$gB" python3 "$here/pkt_fuzz.py" --seconds "$SECONDS_EACH" \
		--iface wan --dmac "$dmac" --src 192.0.2.2 --dst 192.0.2.1 \
		--alg aes-gcm-128 --key $KEY_BA --spi 0x2001 --out-spi 0x1001 \
		--inner-src 10.2.0.1 --inner-dst 10.1.0.1 $SEED)
	echo "$out"
	d=$(drops)
	echo "gA drops: $d"
	kernel_log_since "$mark"
	# The frames reached sgw's checks: each kind of refusal was counted.
	expect_match "malformed counted" "$d" 'malformed=[1-9]'
	expect_match "unknown SPI counted" "$d" 'unknown_spi=[1-9]'
	expect_match "auth failures counted" "$d" 'auth_failed=[1-9]'
	# And the tunnel still works with new SAs (the run moved the old
	# inbound SA's window far ahead on purpose).
	sas 0x1002 0x2002
	ip netns exec "$gA" ping -c 3 -i 0.2 -W 5 -I 10.1.0.1 10.2.0.1 > /dev/null ||
		fail "tunnel does not carry a ping after the run"
}

require_module
require_cmd python3

ktap_begin 3
run_test "netlink fuzzing as root: no kernel warning, module still works" test_genl_root
run_test "netlink fuzzing as an unprivileged user in a user namespace: all refused, no warning" test_genl_userns
run_test "crafted frames at a live tunnel: no kernel warning, refusals counted, tunnel still works" test_packets
ktap_end
