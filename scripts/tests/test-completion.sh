#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bash completion (packaging/bash-completion/sgwctl) offers what sgwctl
# accepts: the commands and subcommands of its dispatch tables
# (packaging/sgwctl-commands), each command's keywords and options and the
# choices of their values as its usage line spells them, and the
# configured tunnels' names and interfaces (and the module's) where
# TUNNEL is expected ("sgwctl --complete-tunnels").

. "$(dirname "$0")/lib.sh"

real=$top/userspace/sgwctl
if [ ! -x "$real" ]; then
	make -s -C "$top/userspace" sgwctl > "$tmp/make.log" 2>&1 ||
		{ cat "$tmp/make.log"; bad "build sgwctl"; exit 1; }
fi

# A configuration of two tunnels, one with its own interface name.
cat > "$tmp/sgw.conf" <<EOC
[tunnel hq]
id = 1
local = 192.0.2.1
remote = 198.51.100.1
psk-file = $tmp/psk

[tunnel branch-2]
id = 7
interface = branch7
local = 192.0.2.1
remote = 198.51.100.7
psk-file = $tmp/psk
EOC
# sgwctl as the completion sees it: the real binary, whose tunnel list
# reads that file (no daemon and no module here).
mkdir "$tmp/bin"
cat > "$tmp/bin/sgwctl" <<EOS
#!/bin/sh
if [ "\$1" = "--complete-tunnels" ]; then
	[ -e "$tmp/down" ] && exit 1
	exec "$real" "\$@" "$tmp/sgw.conf"
fi
exec "$real" "\$@"
EOS
chmod +x "$tmp/bin/sgwctl"
tunnels="branch-2 branch7 hq sgw1"

# comp WORD...: the sorted completions of the last WORD after "sgwctl".
comp() {
	bash -c '. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_sgwctl; printf "%s\n" "${COMPREPLY[@]}"' \
		comp "$top/packaging/bash-completion/sgwctl" "$tmp/bin/sgwctl" "$@" |
		grep . | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# same WHAT GOT WANT
same() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		bad "$1"; echo "#   got:  $2"; echo "#   want: $3"
	fi
}

cmds=$("$top/packaging/sgwctl-commands") || { bad "list the commands"; exit 1; }
words() { tr ' ' '\n' | grep . | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//'; }

same "commands" "$(comp '')" "$(echo "$cmds" | cut -d' ' -f1 | words)"
same "options before the command" "$(comp -)" "--help --json --version -V -h -j"
same "commands after -j" "$(comp -j s)" "sa show showconf"
for f in $(echo "$cmds" | grep ' ' | cut -d' ' -f1 | sort -u); do
	same "subcommands of $f" "$(comp "$f" '')" \
		"$(echo "$cmds" | sed -n "s/^$f //p" | words)"
done

# Each command's usage line, as "sgwctl CMD --help" prints it, its
# wrapped lines (starting with a tab) joined: the arguments after
# "sgwctl CMD". The same line must stand in "sgwctl --help" or the
# family's "sgwctl FAMILY --help", where the completion reads it.
joined() { sed ':a;N;$!ba;s/\n\t/ /g'; }
usage() {
	# shellcheck disable=SC2086
	"$real" $1 --help 2>/dev/null | joined | sed -n "s/^Usage: sgwctl $1\( \|$\)//p"
}
table_usage() {
	case $1 in
	*' '*) "$real" "${1%% *}" --help 2>/dev/null ;;
	*) "$real" --help ;;
	esac | joined | sed -n "s/^  sgwctl $1\( \|$\)//p"
}
while read -r c; do
	u=$(usage "$c")
	[ -n "$u" ] || [ "$c" = reload ] || [ "$c" = version ] || [ "$c" = genpsk ] ||
		[ "$c" = metrics ] ||
		{ bad "usage line of \"$c\""; continue; }
	same "usage of \"$c\" in its table" "$(table_usage "$c")" "$u"
	toks=$(echo "$u" | tr -d '[]')
	# The first positional argument: a placeholder that is no keyword's
	# value ("[-a] [FILE]" has one, "[-c FILE]" has none).
	first= prev=
	for t in $u; do
		p=$(echo "$t" | tr -d '[]')
		if [[ $p =~ ^[A-Z]+$ ]] && { [ -z "$prev" ] || [[ $prev == *']' ]]; }; then
			first=$p
			break
		fi
		prev=$t
	done
	keys=$(for t in $toks; do echo "$t"; done |
		grep -E '^-{0,2}[a-z][a-z0-9-]*$' | words)
	# shellcheck disable=SC2086
	set -- $c
	case $first in
	TUNNEL)
		same "tunnel names for \"$c\"" "$(comp "$@" '')" "$tunnels"
		got=$(comp "$@" sgw1 '') ;;
	FILE)
		got=$(comp "$@" -)
		keys=$(for k in $keys; do echo "$k"; done | grep '^-' | words) ;;
	*)
		got=$(comp "$@" '') ;;
	esac
	same "keywords of \"$c\"" "$got" "$keys"
	# KEY a|b: the choices after KEY.
	set -- $toks
	while [ $# -ge 2 ]; do
		k=$1 v=$2
		shift
		case $v in *'|'*) ;; *) continue ;; esac
		case $k in *'|'*) continue ;; esac
		want=$(echo "$v" | tr '|' '\n' | grep -E '^[a-z][a-z0-9-]*$' | words)
		[ -n "$want" ] || continue
		pre=
		[ "$first" = TUNNEL ] && pre=sgw1
		# shellcheck disable=SC2086
		same "values of \"$c $k\"" "$(comp $c $pre "$k" '')" "$want"
	done
done <<< "$cmds"

# A value the usage line only names: the algorithms sa add accepts, as
# its refusal of an unknown one lists them.
algs=$("$real" sa add x dir in spi 256 alg bogus key-file - 2>&1 |
	sed -n 's/.*expected one of //p' | tr -d ',' | words)
[ -n "$algs" ] || bad "the algorithms from sa add's refusal"
same "values of \"sa add alg\"" "$(comp sa add sgw1 dir in alg '')" "$algs"
same "a flag takes no value" "$(comp config check --strict -)" "--offline"
same "a flag takes no value (file)" "$(cd "$top" && comp config check --strict VERS)" "VERSION"
same "wrapped usage line: values of mss" "$(comp tunnel set sgw1 mss '')" "auto off"
same "a keyword with a placeholder offers nothing" "$(comp tunnel add id '')" ""
same "used keywords are not offered again" "$(comp tunnel add id 3 name x local 1.2.3.4 '')" \
	"enabled fragment local-ts mss mtu outer-df protect-gateways remote remote-ts"
same "a prefix narrows the tunnels" "$(comp up s)" "sgw1"
same "configured names where a tunnel is named" "$(comp tunnel del h)" "hq"
same "configured names only (file)" \
	"$("$real" --complete-tunnels configured "$tmp/sgw.conf" | tr '\n' ' ')" "branch-2 hq "
same "files for config check" "$(cd "$top" && comp config check VERS)" "VERSION"
same "showconf --peer: the tunnels of the file" "$(comp showconf --peer '')" "branch-2 hq"
same "files for daemon -c" "$(cd "$top" && comp daemon -c VERS)" "VERSION"
touch "$tmp/down"
same "no tunnels when sgwctl cannot list them" "$(comp sa show '')" ""
exit $rc
