#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Documentation/quickstart.md as written: its blocks marked
# "<!-- quickstart: SIDE -->" run in the gateway namespaces of ike_lib.sh's
# topology, then a host behind A pings a host behind B. Once with sgw on
# both gateways (B's sgw.conf printed by "showconf --peer" on A), once with
# strongSwan's charon on B (its swanctl.conf printed on A).
#
#   hA 10.1.0.2 -- gA 192.0.2.1 == 192.0.2.2 gB -- hB 10.2.0.2
#
# What a namespace is not, the test provides around the blocks: each
# gateway's /etc/sgw, /etc/sysctl.d and /etc/swanctl are its own
# (/etc/netns/NS/, which "ip netns exec" mounts over /etc), "sudo" runs
# the command, the installed documents are this checkout's packaging/, and
# "systemctl enable --now sgw" starts the daemon as the unit would
# (sgwctl daemon -c /etc/sgw/sgw.conf). Copying files between the gateways
# is a shared working folder.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ike_lib.sh"

doc=$(cd "$(dirname "$0")/../.." && pwd)/Documentation/quickstart.md
pkg=$(cd "$(dirname "$0")/../.." && pwd)/packaging

# blocks TAG: the shell blocks marked "<!-- quickstart: TAG -->", in order.
blocks() {
	awk -v tag="$1" '
		$0 == "<!-- quickstart: " tag " -->" { want = 1; next }
		want && /^```sh$/ { on = 1; want = 0; next }
		on && /^```$/ { on = 0; next }
		on { print }' "$doc"
}

# gateway NS: the namespace's own /etc files, forwarding off as on a fresh
# machine, and sgwctl on PATH.
gateway() {
	local ns=$1

	mkdir -p /etc/sgw "/etc/netns/$ns/sgw" "/etc/netns/$ns/sysctl.d"
	defer rm -rf "/etc/netns/$ns"
	# strongSwan's folders as installed, with no connection in conf.d.
	if [ -d /etc/swanctl ]; then
		cp -a /etc/swanctl "/etc/netns/$ns/swanctl"
		rm -f "/etc/netns/$ns/swanctl/conf.d/"*
	fi
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=0
	mkdir -p "$work/bin"
	ln -sf "$SGWCTL" "$work/bin/sgwctl"
}

# run_side NS TAG...: the blocks of each TAG in one root shell in NS, in
# the shared folder; "systemctl" only records what it was asked.
run_side() {
	local ns=$1 script=$work/$1.sh tag

	shift
	{
		# sudo runs the command; the trace shows it once, as written.
		echo 'sudo() { { set +x; } 2> /dev/null; "$@"; set -x; }'
		echo "systemctl() { echo \"\$*\" >> $work/systemctl-$ns; }"
		echo "set -ex"
		for tag in "$@"; do
			blocks "$tag" | sed "s|/usr/share/doc/sgwctl/examples/|$pkg/|g"
		done
	} > "$script"
	[ "$(grep -c . "$script")" -gt 4 ] || fail "no quickstart blocks for $*"
	(cd "$work/xfer" && PATH=$work/bin:$PATH \
		ip netns exec "$ns" bash "$script") > "$work/$ns.out" 2>&1 ||
		{ cat "$work/$ns.out"; fail "the quickstart's commands failed in $ns"; }
	# The transcript: each command as run, after the namespace's name.
	sed -n "s/^+ /$(echo "$ns" | cut -d- -f2)# /p" "$work/$ns.out"
}

# started NS: systemctl was asked to start sgw; start the daemon.
started() {
	expect_eq "systemctl in $1" "$(cat "$work/systemctl-$1" 2>/dev/null)" \
		"enable --now sgw"
	sgw_daemon "$1" /etc/sgw/sgw.conf
}

setup() {
	topo
	mkdir -p "$work/xfer"
	gateway "$gA"
	gateway "$gB"
}

reaches() {
	until_s 60 ping_ok "$hA" 10.2.0.2 ||
		{ fail_context; fail "hA cannot reach hB through the tunnel"; }
	echo "# hA -> hB: ping 10.2.0.2 answered"
}

test_quickstart_sgw() {
	setup
	run_side "$gA" A "A start"
	started "$gA"
	# scp -p /etc/sgw/site.psk site-B.conf root@192.0.2.2:
	cp -p "/etc/netns/$gA/sgw/site.psk" "$work/xfer/site.psk"
	run_side "$gB" B "B start"
	started "$gB"
	reaches
	expect_eq "B's sgw.conf is A's, mirrored" \
		"$(grep -v '^#' "$work/xfer/site-B.conf" | tr '\n' ' ')" \
		"[tunnel site] id = 1 local = 192.0.2.2 remote = 192.0.2.1 psk-file = /etc/sgw/site.psk local-networks = 10.2.0.0/24 remote-networks = 10.1.0.0/24 "
	expect_eq "the daemon's route on B" \
		"$(ip -n "$gB" route show 10.1.0.0/24 | awk '{print $1, $2, $3}')" \
		"10.1.0.0/24 dev sgw1"
	expect_eq "B forwards" "$(ip netns exec "$gB" sysctl -n net.ipv4.ip_forward)" 1
	# The pings crossed B's firewall, whose forward policy is drop.
	ip netns exec "$gB" nft list chain inet sgw forward |
		grep -q 'iifname "sgw\*" oifname "lan0" accept' ||
		fail "B's firewall has no forward rule for the tunnel"
	ip netns exec "$gB" nft list chain inet sgw forward | grep -q 'policy drop' ||
		fail "B's forward policy is not drop"
}

test_quickstart_charon() {
	local out
	require_cmd swanctl
	[ -x "$CHARON" ] || skip "charon is not installed"
	setup
	run_side "$gA" A "A start" "A swanctl"
	started "$gA"
	expect_eq "the swanctl.conf's secret is A's key" \
		"$(sed -n 's/^\t*secret = 0x//p' "$work/xfer/site-B.swanctl.conf")" \
		"$(cut -c3- "/etc/netns/$gA/sgw/site.psk" | base64 -d | od -An -tx1 | tr -d ' \n')"
	CHARON_INSTALL_ROUTES=yes charon_start "$gB"
	export STRONGSWAN_CONF=$work/charon-$gB/strongswan.conf
	run_side "$gB" "B swanctl"
	unset STRONGSWAN_CONF
	reaches
	expect_crosswise "sgw and charon" "$(sgw_sas "$gA")" "$(charon_sas "$gB")"
	# Both ways through B's firewall (strongswan.nft), whose forward
	# policy is drop: B's side starts a flow too.
	ping_ok "$hB" 10.1.0.2 || fail "hB cannot reach hA through B's firewall"
	expect_eq "B forwards" "$(ip netns exec "$gB" sysctl -n net.ipv4.ip_forward)" 1
	out=$(ip netns exec "$gB" nft list chain inet strongswan forward)
	expect_match "B's forward policy" "$out" "policy drop"
	expect_match "B's rule out to A's network" "$out" \
		'iifname "lan0" ip daddr 10\.1\.0\.0/24 rt ipsec exists accept'
	expect_match "B's rule in from A's network" "$out" \
		'ip saddr 10\.1\.0\.0/24 oifname "lan0" meta ipsec exists accept'
}

tests=(
	"quickstart.md as written: sgw on both gateways" test_quickstart_sgw
	"quickstart.md as written: strongSwan on gateway B" test_quickstart_charon
)
ktap_begin $((${#tests[@]} / 2))
load_ipsec_modules
require_module
for ((i = 0; i < ${#tests[@]}; i += 2)); do
	run_test "${tests[i]}" "${tests[i + 1]}"
done
ktap_end
