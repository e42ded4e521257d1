#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bash completion (packaging/bash-completion/sgwctl) offers what sgwctl
# accepts: the commands and subcommands of its dispatch tables
# (packaging/sgwctl-commands), each command's keywords and options and the
# choices of their values as its usage line spells them, and the tunnels'
# interface names from "sgwctl -j tunnel show" where TUNNEL is expected.

. "$(dirname "$0")/lib.sh"

real=$top/userspace/sgwctl
if [ ! -x "$real" ]; then
	make -s -C "$top/userspace" sgwctl > "$tmp/make.log" 2>&1 ||
		{ cat "$tmp/make.log"; bad "build sgwctl"; exit 1; }
fi

# sgwctl as the completion sees it: two tunnels, else the real binary.
mkdir "$tmp/bin"
cat > "$tmp/bin/sgwctl" <<EOS
#!/bin/sh
if [ "\$*" = "-j tunnel show" ]; then
	[ -e "$tmp/down" ] && exit 1
	echo '[{"id":1,"ifname":"sgw1","enabled":true},{"id":7,"ifname":"branch7","enabled":false}]'
	exit 0
fi
if [ "\$*" = "showconf" ]; then
	printf '[tunnel hq]\nid = 1\n\n[tunnel branch-2]\nid = 2\n'
	exit 0
fi
exec "$real" "\$@"
EOS
chmod +x "$tmp/bin/sgwctl"
tunnels="branch7 sgw1"

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

# Each command's usage line: "sgwctl CMD ARGS" from --help, or from the
# family's usage ("sgwctl tunnel" alone prints it and does nothing else).
usage() {
	case $1 in
	*' '*) "$real" "${1%% *}" --help 2>/dev/null | sed -n "s/^  sgwctl $1\( \|$\)//p" ;;
	*) "$real" --help | sed -n "s/^  sgwctl $1\( \|$\)//p" ;;
	esac
}
while read -r c; do
	u=$(usage "$c")
	[ -n "$u" ] || [ "$c" = reload ] || [ "$c" = version ] || [ "$c" = genpsk ] ||
		[ "$c" = metrics ] ||
		{ bad "usage line of \"$c\""; continue; }
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
		want=$(echo "$v" | tr '|' '\n' | grep -E '^[a-z]+$' | words)
		[ -n "$want" ] || continue
		pre=
		[ "$first" = TUNNEL ] && pre=sgw1
		# shellcheck disable=SC2086
		same "values of \"$c $k\"" "$(comp $c $pre "$k" '')" "$want"
	done
done <<< "$cmds"

same "used keywords are not offered again" "$(comp tunnel add id 3 name x local 1.2.3.4 '')" \
	"enabled local-ts mtu remote remote-ts"
same "a prefix narrows the tunnels" "$(comp up s)" "sgw1"
same "files for config check" "$(cd "$top" && comp config check VERS)" "VERSION"
same "showconf --peer: the tunnels of the file" "$(comp showconf --peer '')" "branch-2 hq"
same "files for daemon -c" "$(cd "$top" && comp daemon -c VERS)" "VERSION"
touch "$tmp/down"
same "no tunnels when sgwctl cannot list them" "$(comp sa show '')" ""
exit $rc
