#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# "sgwctl config check" as an operator runs it, on real files: every
# problem of a file in one run, each line "SEVERITY: FILE:LINE: ...", the
# summary line always, what the daemon would refuse on this host (the
# psk-file, the local address; --offline leaves those out), --strict,
# -j, and a key from "sgwctl genpsk" that the check accepts.
# Usage: tests/config_check.sh ./sgwctl
sgwctl=${1:-./sgwctl}
pass=0 failed=0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "not ok - $*"; }

# run ARGS...: sets $rc, $out (stdout) and $err (stderr).
run() {
	"$sgwctl" "$@" > "$dir/out" 2> "$dir/err"
	rc=$?
	out=$(cat "$dir/out")
	err=$(cat "$dir/err")
}

# same WHAT GOT WANT
same() {
	if [ "$2" = "$3" ]; then
		ok
	else
		bad "$1"
		printf '%s\n' "#   want: $3" | sed '2,$s/^/#         /'
		printf '%s\n' "#   got:  $2" | sed '2,$s/^/#         /'
	fi
}

key="$dir/good.psk"
(umask 077; "$sgwctl" genpsk > "$key")
same "genpsk prints 0s and 44 base64 characters" \
	"$(grep -c '^0s[A-Za-z0-9+/]\{43\}=$' "$key")" 1
(umask 077; printf 'short\n' > "$dir/short.psk"; : > "$dir/empty.psk")
chmod 640 "$dir/short.psk"

# Three syntax errors, a NAT key, a missing and an empty key file, a local
# address not on this host: all in one run, in file order.
cat > "$dir/sgw.conf" <<EOF
[tunnel hq]
id = 1
local = 127.0.0.1
remote = 198.51.100.1
psk-file = $dir/missing.psk
remote-networks = 10.9.0.0/16
[tunnel br]
id = 2
local = 192.0.2.77
remote = 198.51.100.2
psk-file = $dir/empty.psk
remote-networks = 10.8.0.0/16
mtu = 20
[tunnel x]
id = 3
remote = 198.51.100.3
psk-file = $key
remote-network = 10.7.0.0/16
nat-traversal = maybe
EOF
run config check "$dir/sgw.conf"
same "exit status with errors" "$rc" 1
same "every problem, once, in file order" "$err" "\
error: $dir/sgw.conf:5: tunnel \"hq\": psk-file $dir/missing.psk: No such file or directory
warning: $dir/sgw.conf:9: tunnel \"br\": local 192.0.2.77 is not assigned to any interface here; the kernel refuses the tunnel until it is (--offline checks a file for another host)
error: $dir/sgw.conf:11: tunnel \"br\": psk-file $dir/empty.psk is empty: put the pre-shared key in it ('sgwctl genpsk' makes one)
error: $dir/sgw.conf:13: tunnel \"br\": key \"mtu\": invalid value \"20\" (expected auto or 68..65535)
error: $dir/sgw.conf:18: tunnel \"x\": unknown key \"remote-network\" (did you mean \"remote-networks\"?)
error: $dir/sgw.conf:19: tunnel \"x\": key \"nat-traversal\": invalid value \"maybe\" (expected yes or no)"
same "summary" "$out" "$dir/sgw.conf: 3 tunnels, 5 errors, 1 warning, 0 notes"

# --offline: the file alone, nothing of this host.
run config check --offline "$dir/sgw.conf"
same "offline: exit status" "$rc" 1
same "offline: summary" "$out" "$dir/sgw.conf: 3 tunnels, 3 errors, 0 warnings, 0 notes"

# Warnings only: exit 0, or 1 with --strict; notes never fail.
cat > "$dir/warn.conf" <<EOF
[tunnel hq]
id = 1
local = 127.0.0.1
remote = 198.51.100.1
psk-file = $dir/short.psk
local-networks = 10.0.0.0/8
remote-networks = 10.1.0.0/16
EOF
run config check "$dir/warn.conf"
same "warnings: exit status" "$rc" 0
same "warnings: lines" "$err" "\
warning: $dir/warn.conf:5: tunnel \"hq\": psk-file $dir/short.psk is readable by its group; 'chmod 600 $dir/short.psk' keeps the key to root; and it holds a key of only 5 bytes; use at least 16 random bytes ('sgwctl genpsk' makes 32)
warning: $dir/warn.conf:7: tunnel \"hq\": local-networks 10.0.0.0/8 and remote-networks 10.1.0.0/16 overlap; addresses in both are on this site and behind the remote SGW at once"
same "warnings: summary" "$out" "$dir/warn.conf: 1 tunnel, 0 errors, 2 warnings, 0 notes"
run config check --strict "$dir/warn.conf"
same "--strict fails on warnings" "$rc" 1
same "--strict: same summary" "$out" "$dir/warn.conf: 1 tunnel, 0 errors, 2 warnings, 0 notes"

# A clean tunnel with the genpsk key; "any" draws a note only.
cat > "$dir/good.conf" <<EOF
[tunnel hq]
id = 1
local = 127.0.0.1
remote = 198.51.100.1
psk-file = $key
EOF
run config check --strict "$dir/good.conf"
same "note only: exit status, even --strict" "$rc" 0
same "note only: line" "$err" "note: $dir/good.conf:1: tunnel \"hq\": remote-networks = any: sgw1 accepts decrypted packets from any source address; list the remote site's networks, or filter what comes out of sgw1 in the firewall"
same "note only: summary" "$out" "$dir/good.conf: 1 tunnel, 0 errors, 0 warnings, 1 note"

# A file that cannot be read still ends with the summary.
run config check "$dir/none.conf"
same "missing file: exit" "$rc" 1
same "missing file: line" "$err" "error: $dir/none.conf: No such file or directory"
same "missing file: summary" "$out" "$dir/none.conf: 0 tunnels, 1 error, 0 warnings, 0 notes"

# -j: one JSON object with the problems.
run -j config check --offline "$dir/sgw.conf"
same "-j: exit" "$rc" 1
same "-j: nothing on stderr" "$err" ""
same "-j: the problems" "$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["version"], d["tunnel_count"], d["errors"], d["warnings"], d["notes"])
for p in d["problems"]:
    print(p["severity"], p["code"], p["line"], p.get("tunnel", "-"),
          p["message"].split(": ", 1)[-1][:40])')" "\
1 3 3 0 0
error parse 13 br key \"mtu\": invalid value \"20\" (expected 
error parse 18 x unknown key \"remote-network\" (did you me
error parse 19 x key \"nat-traversal\": invalid value \"mayb"

# Usage errors.
run config check --bogus "$dir/good.conf"
same "unknown option: exit" "$rc" 2
same "unknown option: message" "$(echo "$err" | head -n 1)" \
	'sgwctl: config check: unknown option "--bogus" (expected --strict or --offline)'

echo "# config check: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
