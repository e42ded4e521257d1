#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The packaged units under a real systemd: runs inside the test VM booted
# with systemd as PID 1 (scripts/vm-run.sh --systemd), with sgw-dkms and
# sgwctl installed on the host (scripts/tests/packages.sh runs it between
# installation and purge). As an administrator would, following the README:
#   1. /etc/sgw/sgw.conf with one tunnel, "systemctl enable --now sgw":
#      the unit is enabled, active and running (Type=notify: systemd got
#      READY=1), ExecStartPre's modprobe loaded the DKMS module (SRCVERSION),
#      "sgwctl show" reaches the daemon, whose pid is the unit's MainPID,
#      and the tunnel's device exists and is up;
#   2. a second tunnel in conf.d/, "systemctl reload sgw": it appears, the
#      daemon is the same; a broken file: reload fails, nothing changes;
#   3. kill -9 of the daemon: systemd restarts it (Restart=on-failure), a
#      new MainPID, active, with both tunnels;
#   4. "systemctl enable --now sgw@gw1" for the network namespace gw1: its
#      own daemon and tunnel there, none of it in the host's namespace;
#      stopping it leaves sgw.service's daemon reachable;
#   5. "systemctl stop sgw", "systemctl disable sgw": inactive, the daemon
#      gone (its devices stay, as documented), no longer enabled.
#
#   scripts/vm-run.sh --systemd -- scripts/tests/packages-systemd.sh [SRCVERSION]
#
# SRCVERSION: the DKMS module's (modinfo -F srcversion); without it, any
# sgw module passes. Output: TAP; exit status 1 when a check failed.

set -u
want_srcversion=${1:-}
n=0 failed=0
out=$(mktemp)
export SYSTEMD_PAGER='' SYSTEMD_COLORS=0

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
# t WHAT CMD...: the command succeeds.
t() {
	local what=$1

	shift
	if "$@" > "$out" 2>&1; then pass "$what"; else fail "$what"; sed 's/^/#   /' "$out"; fi
}
# is WHAT EXPECTED CMD...: the command prints exactly EXPECTED.
is() {
	local what=$1 want=$2 got

	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then
		pass "$what"
	else
		fail "$what"
		echo "#   expected: $want" | sed '2,$s/^/#             /'
		echo "#   got:      $got" | sed '2,$s/^/#             /'
	fi
}
# until_is SECONDS EXPECTED CMD...: wait until the command prints EXPECTED.
until_is() {
	local end=$((SECONDS + $1)) want=$2

	shift 2
	while [ "$("$@" 2>&1)" != "$want" ]; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# is_soon WHAT EXPECTED CMD...: as is, allowing 10 s to get there (the
# journal is written asynchronously).
is_soon() { until_is 10 "$2" "${@:3}"; is "$@"; }

# props UNIT PROPERTY...: "P=V" for each, in this order, space-separated.
props() {
	local unit=$1 p line=

	shift
	for p in "$@"; do
		line="$line${line:+ }$p=$(systemctl show -p "$p" --value "$unit")"
	done
	echo "$line"
}
mainpid() { systemctl show -p MainPID --value "$1"; }
# sgwctl -j show, in the host's namespace or (NS=name) in a named one.
show_json() { ${NS:+ip netns exec "$NS"} /usr/sbin/sgwctl -j show; }
# "ID IFNAME NAME" per tunnel (NAME: the daemon's, - without one), by id.
tunnels() {
	show_json | python3 -c '
import json, sys
d = json.load(sys.stdin)
for t in sorted(d["tunnels"], key=lambda t: t["id"]):
    print(t["id"], t["ifname"], t.get("ike", {}).get("name", "-"))'
}
# The daemon's status as a line ("pid N, K tunnels, FILE" or "not running"),
# from the structured "daemon" object of show -j.
daemon_status() { show_json | python3 -c 'import json, sys
d = json.load(sys.stdin)["daemon"]
n = d.get("tunnel_states", {}).get("total", 0)
print("pid %d, %d tunnel%s, %s" % (d["pid"], n, "" if n == 1 else "s",
      d["config"]) if d["running"] else "not running")'; }
link_up() { ip ${NS:+-n "$NS"} -o link show dev "$1" | grep -q '<[^>]*\bUP\b'; }
# in_gw1 CMD...: the helpers above for the namespace gw1.
in_gw1() { NS=gw1 "$@"; }

echo "TAP version 13"

t "systemd is PID 1, basic.target reached" \
	bash -c '[ "$(cat /proc/1/comm)" = systemd ] && systemctl is-active -q basic.target'
t "sgw not loaded before the unit starts" test ! -e /sys/module/sgw

# The gateway's own address on an uplink, a pre-shared key, one tunnel.
ip link add up0 type dummy && ip addr add 192.0.2.1/24 dev up0 && ip link set up0 up
install -d -m 0700 /etc/sgw /etc/sgw/conf.d
(umask 077; head -c 32 /dev/urandom | base64 > /etc/sgw/hq.psk)
cat > /etc/sgw/sgw.conf <<'EOF'
[global]
log-level = info

[tunnel alpha]
id = 11
local = 192.0.2.1
remote = 198.51.100.11
psk-file = /etc/sgw/hq.psk
local-networks = 10.1.0.0/16
remote-networks = 10.11.0.0/16

include conf.d/*.conf
EOF
is "sgwctl config check" "/etc/sgw/sgw.conf: 1 tunnel, 0 errors, 0 warnings, 0 notes" \
	/usr/sbin/sgwctl config check /etc/sgw/sgw.conf

# 1. enable --now.
t "systemctl enable --now sgw" systemctl enable --now sgw
is "sgw.service enabled (multi-user.target wants it)" "enabled" systemctl is-enabled sgw
t "multi-user.target.wants/sgw.service links the packaged unit" \
	bash -c '[ "$(readlink /etc/systemd/system/multi-user.target.wants/sgw.service)" = /lib/systemd/system/sgw.service ]'
is "sgw.service: notify, active (READY=1 received), running" \
	"Type=notify ActiveState=active SubState=running Result=success NRestarts=0" \
	props sgw Type ActiveState SubState Result NRestarts
if [ -n "$want_srcversion" ]; then
	is "ExecStartPre loaded the DKMS module (srcversion)" "$want_srcversion" cat /sys/module/sgw/srcversion
else
	t "ExecStartPre loaded the sgw module" test -e /sys/module/sgw
fi
pid1=$(mainpid sgw)
is "sgwctl show: the daemon is the unit's MainPID, 1 tunnel" \
	"pid $pid1, 1 tunnel, /etc/sgw/sgw.conf" daemon_status
is "sgwctl show: tunnel 11, sgw11, alpha" "11 sgw11 alpha" tunnels
t "sgw11 exists and is up" link_up sgw11
t "control socket /run/sgw/ctl-N.sock of the host namespace" \
	test -S "/run/sgw/ctl-$(stat -L -c %i /proc/self/ns/net).sock"

# 2. reload.
cat > /etc/sgw/conf.d/beta.conf <<'EOF'
[tunnel beta]
id = 12
interface = sgwbeta
local = 192.0.2.1
remote = 198.51.100.12
psk-file = /etc/sgw/hq.psk
local-networks = 10.1.0.0/16
remote-networks = 10.12.0.0/16
EOF
t "systemctl reload sgw (conf.d/beta.conf added)" systemctl reload sgw
is "after reload: tunnels 11 sgw11 alpha, 12 sgwbeta beta" \
	"11 sgw11 alpha
12 sgwbeta beta" tunnels
is "after reload: same daemon, 2 tunnels" "pid $pid1, 2 tunnels, /etc/sgw/sgw.conf" daemon_status
is "after reload: active, running, MainPID unchanged" "ActiveState=active SubState=running MainPID=$pid1" \
	props sgw ActiveState SubState MainPID
t "sgwbeta exists and is up" link_up sgwbeta
echo "id = 13" > /etc/sgw/conf.d/broken.conf
t "systemctl reload sgw refuses a broken conf.d/broken.conf" bash -c '! systemctl reload sgw'
rm -f /etc/sgw/conf.d/broken.conf
is "after the refused reload: active, running, same MainPID" \
	"ActiveState=active SubState=running MainPID=$pid1" props sgw ActiveState SubState MainPID
is "after the refused reload: tunnels unchanged" \
	"11 sgw11 alpha
12 sgwbeta beta" tunnels

# 3. restart on failure (RestartSec=5s).
start=$SECONDS
kill -KILL "$pid1"
if until_is 30 "ActiveState=active SubState=running NRestarts=1" props sgw ActiveState SubState NRestarts; then
	pass "kill -9 $pid1: systemd restarted sgw ($((SECONDS - start)) s)"
else
	fail "kill -9 $pid1: systemd restarted sgw within 30 s"
	echo "#   $(props sgw ActiveState SubState NRestarts Result)"
fi
pid2=$(mainpid sgw)
t "a new MainPID ($pid1 -> $pid2)" bash -c "[ '$pid2' -gt 0 ] && [ '$pid2' != '$pid1' ] && kill -0 '$pid2'"
is_soon "the journal: main process killed by SIGKILL, restart scheduled" \
	"sgw.service: Main process exited, code=killed, status=9/KILL
sgw.service: Failed with result 'signal'.
sgw.service: Scheduled restart job, restart counter is at 1." \
	bash -c "journalctl -q -u sgw -o cat | grep -E '^sgw.service: (Main process exited|Failed with result|Scheduled restart)'"
is "restarted daemon: MainPID, 2 tunnels" "pid $pid2, 2 tunnels, /etc/sgw/sgw.conf" daemon_status
is "restarted daemon: tunnels 11 sgw11 alpha, 12 sgwbeta beta" \
	"11 sgw11 alpha
12 sgwbeta beta" tunnels

# 4. sgw@gw1 in the network namespace gw1, next to sgw.service.
ip netns add gw1 && ip -n gw1 link set lo up &&
	ip -n gw1 link add up1 type dummy && ip -n gw1 addr add 203.0.113.1/24 dev up1 &&
	ip -n gw1 link set up1 up
cat > /etc/sgw/gw1.conf <<'EOF'
[tunnel gamma]
id = 21
local = 203.0.113.1
remote = 198.51.100.21
psk-file = /etc/sgw/hq.psk
local-networks = 10.2.0.0/16
remote-networks = 10.21.0.0/16
EOF
t "systemctl enable --now sgw@gw1" systemctl enable --now sgw@gw1
is "sgw@gw1.service enabled" "enabled" systemctl is-enabled sgw@gw1
is "sgw@gw1.service: notify, active, running" \
	"Type=notify ActiveState=active SubState=running Result=success NRestarts=0" \
	props sgw@gw1 Type ActiveState SubState Result NRestarts
pid3=$(mainpid sgw@gw1)
is "in gw1: the daemon is sgw@gw1's MainPID, 1 tunnel, /etc/sgw/gw1.conf" \
	"pid $pid3, 1 tunnel, /etc/sgw/gw1.conf" in_gw1 daemon_status
is "in gw1: tunnel 21, sgw21, gamma" "21 sgw21 gamma" in_gw1 tunnels
t "sgw21 in gw1 is up" in_gw1 link_up sgw21
t "the daemon of sgw@gw1 is in gw1's namespace" \
	bash -c "[ \"\$(readlink /proc/$pid3/ns/net)\" = \"\$(ip netns exec gw1 readlink /proc/self/ns/net)\" ]"
t "no sgw21 in the host's namespace" bash -c '! ip link show dev sgw21 2> /dev/null'
is "host namespace: sgw.service's daemon and tunnels unchanged" \
	"pid $pid2, 2 tunnels, /etc/sgw/sgw.conf" daemon_status
t "systemctl stop sgw@gw1" systemctl stop sgw@gw1
is "sgw@gw1.service inactive" "ActiveState=inactive SubState=dead Result=success" \
	props sgw@gw1 ActiveState SubState Result
is "in gw1: no daemon" "not running" in_gw1 daemon_status
is "host namespace: sgw.service's daemon still reachable" \
	"pid $pid2, 2 tunnels, /etc/sgw/sgw.conf" daemon_status
t "systemctl disable sgw@gw1" systemctl disable -q sgw@gw1

# 5. stop, disable.
t "systemctl stop sgw" systemctl stop sgw
is "sgw.service inactive, no restart" "ActiveState=inactive SubState=dead Result=success NRestarts=1" \
	props sgw ActiveState SubState Result NRestarts
t "the daemon ($pid2) is gone" bash -c "! kill -0 $pid2 2> /dev/null"
is "sgwctl show: no daemon" "not running" daemon_status
is "the tunnel devices stay" "11 sgw11 -
12 sgwbeta -" tunnels
t "systemctl disable sgw" systemctl disable -q sgw
is "sgw.service disabled" "disabled" systemctl is-enabled sgw

if [ "$failed" -gt 0 ]; then
	echo "# journal of sgw.service and sgw@gw1.service:"
	journalctl -q -u sgw -u sgw@gw1 -o short-monotonic --no-pager | tail -n 40 | sed 's/^/#   /'
fi
echo "1..$n"
rm -f "$out"
[ "$failed" -eq 0 ]
