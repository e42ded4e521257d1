#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# include-rule.sh passes this checkout's userspace and names each include
# that breaks the dependency rule in a copy of it.

. "$(dirname "$0")/lib.sh"
rule=$top/scripts/include-rule.sh

if out=$("$rule" "$top"); then
	ok "the checkout keeps the rule"
else
	bad "the checkout breaks the rule: $out"
fi

mkdir -p "$tmp/t"
cp -r "$top/userspace" "$tmp/t/"
u=$tmp/t/userspace
# One include per arrow the rule forbids.
echo '#include "daemon_priv.h"' >> "$u/cli/cmd_tunnel.c"
echo '#include "ike_engine.h"' >> "$u/lib/ctl.c"
echo '#include "nl.h"' >> "$u/ike/ike_sa.c"
echo '#include "conf_model.h"' >> "$u/lib/model.c"
echo '#include "ctl.h"' >> "$u/conf/conf_check.c"
echo '#include <linux/sgw.h>' >> "$u/daemon/events.c"
echo '#include "daemon.h"' >> "$u/cli/cmd_sa.c"
echo '#include "nosuch.h"' >> "$u/daemon/log.c"
out=$("$rule" "$tmp/t")
status=$?
[ "$status" -eq 1 ] && ok "exit status 1" || bad "exit status $status"
for want in \
	'cli/cmd_tunnel.c: #include "daemon_priv.h": cli may not use daemon' \
	'lib/ctl.c: #include "ike_engine.h": lib may not use ike' \
	'ike/ike_sa.c: #include "nl.h": ike may not use lib' \
	'lib/model.c: #include "conf_model.h": lib may not use conf' \
	'conf/conf_check.c: #include "ctl.h": conf may not use lib' \
	'daemon/events.c: #include <linux/sgw.h>: daemon may not use uapi' \
	'cli/cmd_sa.c: #include "daemon.h": cli may not use daemon' \
	'daemon/log.c: #include "nosuch.h": no such header'; do
	case $out in
	*"$want"*) ok "flags: $want" ;;
	*) bad "does not flag: $want" ;;
	esac
done
n=$(printf '%s\n' "$out" | grep -c .)
[ "$n" -eq 8 ] && ok "nothing else flagged" || bad "$n lines: $out"
exit $rc
