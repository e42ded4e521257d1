#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The systemd units as "make install" installs them pass "systemd-analyze
# verify" without a word (which works without systemd as PID 1: the
# executables and man pages they name must exist), keep an exposure level
# of at most 3.0 in "systemd-analyze security --offline", and say what the
# daemon needs. The checks are shown to catch a bad value, an unknown key
# and a missing executable.

. "$(dirname "$0")/lib.sh"

command -v systemd-analyze > /dev/null || { bad "systemd-analyze missing (apt-get install systemd)"; exit 1; }

# Installed under a private PREFIX: ExecStart names the installed sgwctl.
make -s -C "$top" install-sgwctl PREFIX="$tmp/usr" > "$tmp/make.log" 2>&1 ||
	{ cat "$tmp/make.log"; bad "make install-sgwctl"; exit 1; }
units=$tmp/usr/lib/systemd/system
export MANPATH=$tmp/usr/share/man

# verify UNIT-FILE-OR-INSTANCE...: exit 0 and nothing printed.
verify() {
	local out

	out=$(cd "$units" && systemd-analyze verify "$@" 2>&1) && [ -z "$out" ] && return 0
	echo "$out" | sed 's/^/#   /'
	return 1
}

for u in sgw.service sgw@test.service; do
	if verify "./$u"; then ok "systemd-analyze verify $u"; else bad "systemd-analyze verify $u"; fi
	f=$units/${u/@test/@}
	if out=$(systemd-analyze security --offline=true --threshold=30 "$f" 2>&1); then
		ok "$u: $(echo "$out" | grep -o 'Overall exposure level.*')"
	else
		bad "$u: exposure above 3.0"; echo "$out" | tail -n 3 | sed 's/^/#   /'
	fi
	grep -qxE "ExecStart=$tmp/usr/sbin/sgwctl daemon -c /etc/sgw/(sgw|%i)\.conf" "$f" ||
		bad "$u: ExecStart runs the installed sgwctl daemon"
	for line in "ExecStartPre=+/sbin/modprobe sgw" "ExecReload=$tmp/usr/sbin/sgwctl reload" \
		"Restart=on-failure" "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_BIND_SERVICE" \
		"ProtectSystem=strict" "ProtectHome=yes" "NoNewPrivileges=yes" "RuntimeDirectory=sgw"; do
		grep -qxF "$line" "$f" || bad "$u: has $line"
	done
done
grep -qxF "NetworkNamespacePath=/run/netns/%i" "$units/sgw@.service" ||
	bad "sgw@.service joins /run/netns/%i"

# The checks catch a bad value, an unknown key, a missing executable.
sed 's/^ProtectHome=yes/ProtectHome=bogus/' "$units/sgw.service" > "$units/bad1.service"
sed 's/^ProtectHome=yes/ProtectHoem=yes/' "$units/sgw.service" > "$units/bad2.service"
sed "s|^ExecStart=$tmp/usr/sbin/sgwctl|ExecStart=$tmp/nowhere/sgwctl|" "$units/sgw.service" > "$units/bad3.service"
for b in bad1 bad2 bad3; do
	if verify "./$b.service" > /dev/null; then bad "verify flags $b.service"; else ok "verify flags $b.service"; fi
done
sed '/^CapabilityBoundingSet=/d; /^ProtectSystem=/d; /^SystemCallFilter=/d' \
	"$units/sgw.service" > "$units/bad4.service"
if systemd-analyze security --offline=true --threshold=30 "$units/bad4.service" > /dev/null 2>&1; then
	bad "the exposure check flags a unit without its sandbox"
else
	ok "the exposure check flags a unit without its sandbox"
fi
exit $rc
