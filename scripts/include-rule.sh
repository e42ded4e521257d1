#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The userspace dependency rule (userspace/README.md), checked on every
# #include of userspace/{cli,daemon,lib,ike,conf}, their tests and fuzzers:
#
#   cli    -> lib, conf         (cli/sgwctl.c also daemon.h: it runs it)
#   daemon -> lib, ike, conf
#   lib    -> uapi (<linux/sgw.h>)
#   ike, conf -> nothing of ours
#
# A quoted header is looked up beside the including file first, then in
# each folder. Prints one line per include that breaks the rule and exits
# 1 if there is any. Usage: include-rule.sh [TOP] (default: this checkout).

set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top/userspace" || exit 2

folders="cli daemon lib ike conf"
allowed() {
	case $1 in
	cli) echo "cli lib conf" ;;
	daemon) echo "daemon lib ike conf" ;;
	lib) echo "lib uapi" ;;
	*) echo "$1" ;;
	esac
}

bad=0
for from in $folders; do
	ok=" $(allowed "$from") "
	while IFS= read -r f; do
		while IFS= read -r inc; do
			case $inc in
			'<linux/sgw.h>') to=uapi ;;
			'<'*) continue ;;
			*)
				name=${inc#\"}; name=${name%\"}
				if [ -e "$(dirname "$f")/$name" ]; then
					# beside the file: its own folder (or its tests/)
					to=$from
				else
					to=
					for d in $folders; do
						[ -e "$d/$name" ] && to="$to $d"
					done
					to=${to# }
				fi
				;;
			esac
			if [ -z "$to" ]; then
				echo "$f: #include $inc: no such header in userspace/"
				bad=1
			elif [ "$f" = cli/sgwctl.c ] && [ "$inc" = '"daemon.h"' ]; then
				continue
			elif [ "${ok#* $to }" = "$ok" ]; then
				echo "$f: #include $inc: $from may not use $to" \
				     "($from -> $(allowed "$from" | sed 's/ /, /g'))"
				bad=1
			fi
		done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p' "$f")
	done < <(find "$from" -name '*.[ch]' | sort)
done
exit "$bad"
