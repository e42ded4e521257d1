#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Command-line checks that need no kernel module: sgwctl refuses bad
# arguments with exit status 2 and this exact message, before it opens
# netlink. Usage: tests/cli.sh ./sgwctl
sgwctl=${1:-./sgwctl}
pass=0 failed=0

# expect STATUS MESSAGE ARGS...: the first stderr line and the exit status.
expect() {
	want_rc=$1 want_msg=$2
	shift 2
	msg=$("$sgwctl" "$@" 2>&1 >/dev/null | head -n 1)
	"$sgwctl" "$@" >/dev/null 2>&1
	rc=$?
	if [ "$rc" = "$want_rc" ] && [ "$msg" = "$want_msg" ]; then
		pass=$((pass + 1))
	else
		failed=$((failed + 1))
		echo "not ok - sgwctl $*"
		echo "#   want $want_rc: $want_msg"
		echo "#   got  $rc: $msg"
	fi
}

expect 2 'sgwctl: tunnel add: local 192.0.2.1 is IPv4 but remote 2001:db8::2 is IPv6; use one family for both' \
	tunnel add local 192.0.2.1 remote 2001:db8::2
expect 2 'sgwctl: tunnel set: protect-gateways "maybe" is not valid: expected on or off' \
	tunnel set 1 protect-gateways maybe
expect 2 'sgwctl: sa add: mode "beet" is not valid: expected tunnel or transport' \
	sa add 1 dir out spi 0x1001 mode beet alg aes-gcm-128 key-file -
expect 2 'sgwctl: tunnel add: local-ts "10.1.0.5/24" has host bits set: did you mean 10.1.0.0/24?' \
	tunnel add local-ts 10.1.0.5/24
expect 2 'sgwctl: tunnel add: "local" given twice' \
	tunnel add local 192.0.2.1 local 192.0.2.3
expect 2 'sgwctl: tunnel add: unknown keyword "peer" (expected id, name, local, remote, local-ts, remote-ts, enabled, mtu, mss, outer-df, fragment or protect-gateways)' \
	tunnel add peer 192.0.2.1
# did-you-mean by spelling and by swanctl's and wg's words
expect 2 'sgwctl: tunnel add: unknown keyword "idd"; did you mean "id"? (expected id, name, local, remote, local-ts, remote-ts, enabled, mtu, mss, outer-df, fragment or protect-gateways)' \
	tunnel add idd 1
expect 2 'sgwctl: tunnel add: unknown keyword "local_ts"; did you mean "local-ts"? (expected id, name, local, remote, local-ts, remote-ts, enabled, mtu, mss, outer-df, fragment or protect-gateways)' \
	tunnel add local_ts 10.1.0.0/24
expect 2 'sgwctl: tunnel set: unknown keyword "AllowedIPs"; did you mean "remote-ts"? (expected local, remote, local-ts, remote-ts, enabled, mtu, mss, outer-df, fragment or protect-gateways)' \
	tunnel set 1 AllowedIPs 10.2.0.0/24
expect 2 'sgwctl: tunnel set: unknown keyword "Endpoint"; did you mean "remote"? (expected local, remote, local-ts, remote-ts, enabled, mtu, mss, outer-df, fragment or protect-gateways)' \
	tunnel set 1 Endpoint 192.0.2.1
expect 2 'sgwctl: tunnel set: nothing to change; give local, remote, local-ts, remote-ts, enabled, mtu, mss, outer-df, fragment or protect-gateways' \
	tunnel set sgw1
expect 2 'sgwctl: tunnel set: "remote-ts" needs a value' \
	tunnel set 1 remote-ts
expect 2 'sgwctl: tunnel set: enabled "maybe" is not valid: expected yes or no' \
	tunnel set 1 enabled maybe
# yes/no and on/off alike, sgw.conf's key names as aliases: those pass,
# and the last keyword's bad value is what stops them.
expect 2 'sgwctl: tunnel set: mtu "5" is not valid: expected auto or a number from 68 to 65535' \
	tunnel set 1 enabled on protect-gateways yes mtu 5
expect 2 'sgwctl: tunnel add: mtu "5" is not valid: expected auto or a number from 68 to 65535' \
	tunnel add interface x local-networks 10.1.0.0/24 remote-networks 10.2.0.0/24 enabled off mtu 5
expect 2 'sgwctl: tunnel add: local-ts "10.1.0.5/24" has host bits set: did you mean 10.1.0.0/24?' \
	tunnel add local-networks 10.1.0.5/24
expect 2 'sgwctl: tunnel add: "name" given twice' \
	tunnel add name x interface y
expect 2 'sgwctl: tunnel set: tunnel id "0" is not valid: expected a number from 1 to 65535' \
	tunnel set 0 enabled no
expect 2 'sgwctl: sa add: spi "255" is not valid: 0 to 255 are reserved (RFC 4303); use 256 (0x100) to 4294967295 (0xffffffff)' \
	sa add 1 dir out spi 255 alg aes-gcm-128 key-file k
expect 2 'sgwctl: sa add: missing "key-file FILE" ("-" reads standard input)' \
	sa add 1 dir out spi 0x1001 alg aes-gcm-128
expect 2 'sgwctl: sa add: missing "dir in|out"' \
	sa add 1 spi 0x1001 alg aes-gcm-128 key-file k
expect 2 'sgwctl: sa add: unknown keyword "key" (expected dir, spi, mode, alg, key-file, replay-window, esn, seq, encap, local-ts, remote-ts or a lifetime such as soft-bytes)' \
	sa add 1 dir out spi 0x1001 alg aes-gcm-128 key 00112233
expect 2 'sgwctl: sa add: local-ts and remote-ts apply to tunnel-mode SAs only' \
	sa add 1 dir out spi 0x1001 alg aes-gcm-128 key-file k mode transport local-ts 10.1.0.0/24
expect 2 'sgwctl: sa add: remote-ts "10.2.0.5/24" has host bits set: did you mean 10.2.0.0/24?' \
	sa add 1 dir out spi 0x1001 alg aes-gcm-128 key-file k remote-ts 10.2.0.5/24
expect 2 'sgwctl: sa add: "local-ts" given twice' \
	sa add 1 dir out spi 0x1001 local-ts any alg aes-gcm-128 local-ts 10.1.0.0/24 key-file k
expect 2 'sgwctl: sa add: "encap" needs two values: the UDP source and destination ports' \
	sa add 1 dir out spi 0x1001 alg aes-gcm-128 key-file k encap 4500
expect 2 'sgwctl: sa add: encap destination port "0" is not valid: expected a number from 1 to 65535' \
	sa add 1 dir out spi 0x1001 alg aes-gcm-128 encap 4500 0 key-file k
expect 2 'sgwctl: sa add: "encap" given twice' \
	sa add 1 dir out spi 0x1001 encap 4500 4500 alg aes-gcm-128 encap 1 2 key-file k
expect 2 'sgwctl: sa add: "alg" given twice' \
	sa add 1 dir out encap 4500 4500 alg aes-gcm-128 spi 0x1001 alg aes-gcm-256 key-file k
expect 2 'sgwctl: sa add: replay-window applies to inbound SAs (dir in) only' \
	sa add 1 dir out spi 0x1001 alg aes-gcm-128 key-file k replay-window 32
expect 2 'sgwctl: sa add: replay-window "4097" is not valid: expected a number from 0 to 4096' \
	sa add 1 dir in spi 0x1001 alg aes-gcm-128 key-file k replay-window 4097
expect 2 'sgwctl: sa add: seq 4294967296 needs "esn yes": without ESN sequence numbers are 32 bits (at most 4294967295)' \
	sa add 1 dir out spi 0x1001 alg aes-gcm-128 key-file k seq 4294967296
expect 2 'sgwctl: sa add: soft-seconds 3600 is not below hard-seconds 3600; the soft limit warns before the hard one removes the SA' \
	sa add 1 dir in spi 0x1001 alg aes-gcm-128 key-file k soft-seconds 3600 hard-seconds 3600
expect 2 'sgwctl: sa del: missing "spi SPI"' sa del 1 dir in
expect 2 'sgwctl: sa del: dir "both" is not valid: expected in or out' sa del 1 dir both spi 256
expect 2 'sgwctl: sa flush: at most one tunnel (id, interface or configured name)' sa flush 1 2
expect 2 'sgwctl: sa show: tunnel interface "a/b" is not valid: use 1 to 15 characters without '"'/'"', '"':'"' or spaces' \
	sa show a/b
expect 2 'sgwctl: monitor: --count "0" is not valid: expected a number from 1 to 18446744073709551615' \
	monitor --count 0
expect 2 'sgwctl: monitor: unexpected "--follow": the options are --count N and --hold' monitor --follow
expect 2 'sgwctl: sa: unknown command "list" (did you mean "show"?)' sa list
expect 2 'sgwctl: unknown command "bogus"' bogus
# Did you mean: a near name, a beginning, strongSwan's and wg's words.
expect 2 'sgwctl: unknown command "shwo" (did you mean "show"?)' shwo
expect 2 'sgwctl: unknown command "gen" (did you mean "genpsk"?)' gen
expect 2 'sgwctl: unknown command "initiate" (did you mean "up"?)' initiate
expect 2 'sgwctl: unknown command "status" (did you mean "show"?)' status
expect 2 'sgwctl: unknown command "genkey" (did you mean "genpsk"?)' genkey
expect 2 'sgwctl: tunnel: unknown command "remove" (did you mean "del"?)' tunnel remove
expect 2 'sgwctl: sa: unknown command "flsh" (did you mean "flush"?)' sa flsh
expect 2 'sgwctl: unknown option "-x"' -x show

expect 2 'sgwctl: up: name one tunnel (name, id or interface)' up
expect 2 'sgwctl: down: name one tunnel (name, id or interface)' down a b
expect 2 'sgwctl: reload: takes no arguments' reload now
expect 2 'sgwctl: daemon: expected no arguments or "-c FILE"' daemon /etc/sgw/sgw.conf
expect 2 'sgwctl: sa refresh: at most one tunnel (name, id or interface)' sa refresh a b
expect 2 'sgwctl: show: at most one tunnel (name, id or interface)' show a b
expect 2 'sgwctl: config check: at most one FILE' config check a b
expect 2 'sgwctl: check: --probe-timeout takes seconds from 0.1 to 60, not "0"' \
	check --probe-timeout 0
expect 2 'sgwctl: check: --probe-timeout takes seconds from 0.1 to 60, not "3m"' \
	check --probe-timeout 3m
expect 2 'sgwctl: check: unknown option "--probes" (expected -c FILE, --strict, --probe or --probe-timeout S)' \
	check --probes

expect 2 'sgwctl: trace: SRC 10.1.0.1 and DST fd00::1 are of two families: give two IPv4 or two IPv6 addresses' \
	trace 10.1.0.1 fd00::1
expect 2 'sgwctl: trace: size "70000" is not valid: expected a number from 1 to 65535' \
	trace 10.1.0.1 10.2.0.1 size 70000
expect 2 'sgwctl: trace: dport needs a protocol with ports: give "proto tcp" (or udp, sctp, udplite)' \
	trace 10.1.0.1 10.2.0.1 dport 443
expect 2 'sgwctl: trace: "df" given twice: give it once' trace 10.1.0.1 10.2.0.1 df df

# same WHAT GOT WANT
same() {
	if [ "$2" = "$3" ]; then
		pass=$((pass + 1))
	else
		failed=$((failed + 1))
		echo "not ok - $1"
		echo "#   want: $3"
		echo "#   got:  $2"
	fi
}

# config check and showconf read files only: no kernel, no daemon.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '[tunnel hq]\nid = 1\nlocal = 192.0.2.1\nremote = 192.0.2.1\npsk-file = /k\nouter-df = copy\nremote-networks = 10.2.0.0/16\n' > "$dir/bad.conf"
expect 1 "error: $dir/bad.conf:4: tunnel \"hq\": local and remote are both 192.0.2.1; the remote SGW must be another host" \
	config check --offline "$dir/bad.conf"
if [ "$("$sgwctl" config check --offline "$dir/bad.conf" 2>/dev/null)" = \
     "$dir/bad.conf: 1 tunnel, 1 error, 0 warnings, 0 notes" ]; then
	pass=$((pass + 1))
else
	failed=$((failed + 1)); echo "not ok - config check summary"
fi
printf '[tunnel hq]\nid = 1\nlocal = 192.0.2.1\nremote = 192.0.2.2\npsk-file = /k\nmss = 1300\n' > "$dir/ok.conf"
if "$sgwctl" config check --offline "$dir/ok.conf" >/dev/null 2>&1 &&
   "$sgwctl" showconf "$dir/ok.conf" > "$dir/round.conf" &&
   "$sgwctl" showconf "$dir/round.conf" | cmp -s - "$dir/round.conf" &&
   grep -q '^mss = 1300$' "$dir/round.conf"; then
	pass=$((pass + 1))
else
	failed=$((failed + 1)); echo "not ok - showconf round trip"
fi
expect 1 "sgwctl: $dir/nope.conf: No such file or directory" showconf "$dir/nope.conf"
expect 2 'sgwctl: showconf: unknown option "-x" (expected -a, --peer TUNNEL or --format sgw|swanctl)' showconf -x
# showconf --peer: the other gateway's side, which reads back mirrored.
expect 2 "sgwctl: showconf: no tunnel \"branch\" in $dir/ok.conf (its tunnels: hq): name one of them" \
	showconf --peer branch "$dir/ok.conf"
expect 2 'sgwctl: showconf: --format swanctl prints a peer: add --peer TUNNEL' \
	showconf --format swanctl "$dir/ok.conf"
expect 2 'sgwctl: showconf: --peer needs a value' showconf --peer
"$sgwctl" showconf --peer hq "$dir/ok.conf" > "$dir/peer.conf" 2>&1
"$sgwctl" showconf --peer hq "$dir/peer.conf" | grep -v '^#' > "$dir/back.conf"
same "showconf --peer: the peer's peer is this gateway" \
	"$(grep -v '^#' "$dir/round.conf")" "$(cat "$dir/back.conf")"
same "showconf --peer: swapped" "$(grep -c '^local = 192.0.2.2$\|^remote = 192.0.2.1$' "$dir/peer.conf")" 2
(umask 077; printf '0x000102\n' > "$dir/k.psk")
sed "s|psk-file = /k|psk-file = $dir/k.psk|" "$dir/ok.conf" > "$dir/k.conf"
same "showconf --peer --format swanctl: the key" \
	"$("$sgwctl" showconf --peer hq --format swanctl "$dir/k.conf" | grep "secret =")" \
	"		secret = 0x000102"
chmod 0644 "$dir/k.psk"
expect 1 "sgwctl: showconf: psk-file $dir/k.psk is readable by others: refused; 'chmod 600 $dir/k.psk' keeps the key to root (the swanctl.conf holds the key: run as a user who may read it, e.g. root)" \
	showconf --peer hq --format swanctl "$dir/k.conf"

# Help: for the command right before it, on stdout, exit 0.
same "tunnel add --help" "$("$sgwctl" tunnel add --help 2>&1 | head -n 1 | cut -c1-40); $?" \
	"Usage: sgwctl tunnel add [id ID] [name I; 0"
same "sa add help" "$("$sgwctl" sa add help | grep -c 'replay-window N')" 1
same "up -h" "$("$sgwctl" up -h)" "Usage: sgwctl up TUNNEL
  negotiate a tunnel now and wait for the result"
same "tunnel --help: the family's table" \
	"$("$sgwctl" tunnel --help | grep -c '^  sgwctl tunnel ')" 4
# "help" later is a value, not a request for help: nothing printed on
# stdout, and the command runs (and here fails: no module, or a bad value).
out=$("$sgwctl" tunnel add name help 2>/dev/null); rc=$?
same "a value spelled help" "$rc: $out" "1: "
out=$("$sgwctl" sa add 1 dir in spi 256 alg aes-gcm-128 key-file help 2>/dev/null); rc=$?
same "key-file help" "$rc: $out" "1: "
# Bare sgwctl: usage on stderr, exit 2.
out=$("$sgwctl" 2>/dev/null); rc=$?
same "bare sgwctl" "$rc: $out" "2: "
# Global options also after the command.
same "version -j" "$("$sgwctl" version -j | cut -c1-23)" '{"version":1,"sgwctl":"'
same "genpsk --json" "$("$sgwctl" genpsk --json | cut -c1-22)" '{"version":1,"psk":"0s'

echo "# cli: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
