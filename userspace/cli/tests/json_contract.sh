#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The JSON contract (sgwctl-json(7)) without a kernel module: each -j
# output sgwctl gives here is checked against the one schema
# (selftests/sgw/json_schema.py: types, required keys, no null, snake_case,
# "version" 1); the commands that cannot honour -j refuse it with exit 2
# and a message; every key written by the C sources is snake_case and
# listed by the schema, and every key of the schema is in the man page.
# The VM half (sgw_ike.sh, sgw_trace.sh) checks the documents that need
# the module and the daemon.
# Usage: tests/json_contract.sh ./sgwctl   (from userspace/)
sgwctl=${1:-./sgwctl}
top=$(cd "$(dirname "$0")/../../.." && pwd)
schema="python3 $top/selftests/sgw/json_schema.py"
man=$top/Documentation/man/sgwctl-json.7
pass=0 failed=0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "not ok - $*"; }

# valid DOCUMENT WHAT ARGS...: sgwctl ARGS gives a valid DOCUMENT on stdout.
valid() {
	doc=$1 what=$2
	shift 2
	"$sgwctl" "$@" > "$dir/out" 2> "$dir/err"
	rc=$?
	if out=$($schema "$doc" "$dir/out") && [ -s "$dir/out" ]; then
		ok
	else
		bad "$what (exit $rc): $out"
		sed 's/^/#   /' "$dir/out" "$dir/err"
	fi
}

# refused WHAT ARGS...: exit 2, a message on stderr, nothing on stdout.
refused() {
	what=$1
	shift
	"$sgwctl" "$@" > "$dir/out" 2> "$dir/err"
	rc=$?
	if [ "$rc" = 2 ] && [ ! -s "$dir/out" ] && grep -q -- "-j" "$dir/err"; then
		ok
	else
		bad "$what: exit $rc, stdout $(wc -c < "$dir/out") bytes, stderr: $(cat "$dir/err")"
	fi
}

# invalid WHAT DOCUMENT JSON: the schema rejects it (the checker can fail).
invalid() {
	if printf '%s\n' "$3" | $schema "$2" > /dev/null; then
		bad "schema accepts $1: $3"
	else
		ok
	fi
}

cat > "$dir/sgw.conf" << EOF
[global]
log-level = info

[tunnel hq]
id = 3
local = 192.0.2.1
remote = 198.51.100.1
psk-file = $dir/hq.psk
local-networks = 10.1.0.0/16, 10.3.0.0/16
remote-networks = 10.2.0.0/16
mtu = 1400
mss = off
child-lifetime = 30m
life-bytes = 1G
EOF
(umask 077; "$sgwctl" genpsk > "$dir/hq.psk")
cat > "$dir/bad.conf" << EOF
[tunnel br]
remote = 198.51.100.1
mtu = 20
remote-network = 10.1.0.0/16
EOF

valid version "version -j" -j version
valid genpsk "genpsk -j" -j genpsk
valid config_check "config check -j, a good file" -j config check --offline "$dir/sgw.conf"
valid config_check "config check -j, errors" -j config check --offline "$dir/bad.conf"
valid config_check "config check -j, no file" -j config check "$dir/none.conf"
valid showconf "showconf -j" -j showconf "$dir/sgw.conf"
valid showconf "showconf -a -j" showconf -a "$dir/sgw.conf" -j

# showconf -j: typed values, the file's meaning.
same_conf=$("$sgwctl" -j showconf -a "$dir/sgw.conf" | python3 -c '
import json, sys
t = json.load(sys.stdin)["tunnels"][0]
print(t["name"], t["id"], t["local_networks"], t["mtu"], t["mss_word"],
      t["child_lifetime"], t["life_bytes"], t["enabled"], t["esn"])')
if [ "$same_conf" = "hq 3 ['10.1.0.0/16', '10.3.0.0/16'] 1400 off 1800 1073741824 True False" ]; then
	ok
else
	bad "showconf -j values: $same_conf"
fi
# config check -j: each problem names its file, line, tunnel and code.
probs=$("$sgwctl" -j config check --offline "$dir/bad.conf" | python3 -c '
import json, sys
for p in json.load(sys.stdin)["problems"]:
    print(p["severity"], p["code"], p.get("line", "-"), p.get("tunnel", "-"))')
if [ "$probs" = "error parse 1 br
error parse 3 br
error parse 4 br" ]; then
	ok
else
	bad "config check -j problems: $probs"
fi

refused "daemon -j" -j daemon -c "$dir/sgw.conf"
refused "metrics -j" -j metrics
refused "showconf --peer -j" -j showconf --peer hq "$dir/sgw.conf"

invalid "a null" genpsk '{"version":1,"psk":null}'
invalid "a hyphenated key" genpsk '{"version":1,"psk":"x","psk-file":"y"}'
invalid "a number as a string" tunnel_del '{"version":1,"deleted":{"id":"1","ifname":"sgw1"}}'
invalid "no version" genpsk '{"psk":"x"}'
invalid "version 2" genpsk '{"version":2,"psk":"x"}'
invalid "a missing key" version '{"version":1}'
invalid "an array document" tunnel '[]'
invalid "an unknown key" sa '{"version":1,"sas":[],"x":1}'

# Every key the C sources write is snake_case and in the schema; every key
# of the schema is in the man page.
$schema --keys > "$dir/keys"
grep -ho 'json_[a-z0-9_]*(&\{0,1\}j, *"[^"]*"' "$top"/userspace/cli/*.c |
	sed 's/.*"\([^"]*\)"$/\1/' | sort -u > "$dir/src-keys"
[ -s "$dir/src-keys" ] || bad "no JSON keys found in the sources"
while read -r k; do
	case $k in
	*[!a-z0-9_]* | [!a-z]*) bad "key \"$k\" in userspace/cli is not snake_case" ;;
	*) grep -qx "$k" "$dir/keys" && ok || bad "key \"$k\" in userspace/cli is not in json_schema.py" ;;
	esac
done < "$dir/src-keys"
while read -r k; do
	grep '^\.B' "$man" | grep -qw -- "$k" && ok ||
		bad "key \"$k\" of json_schema.py is not in sgwctl-json(7)"
done < "$dir/keys"

echo "# json contract: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
