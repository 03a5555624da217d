#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Every exported symbol has a man page: check-symbols.sh SYMBOL-MAP MAN-DIR
#
# Reads the names in the global: part of every node of the version script and
# fails unless MAN-DIR/NAME.3 exists and the page it is (or, for a .so stub,
# the page it points at) names the symbol in its NAME section.
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 SYMBOL-MAP MAN-DIR" >&2
	exit 2
fi
map=$1
mandir=$2

symbols=$(sed -e 's,/\*.*\*/,,g' "$map" | awk '
	/global:/ { g = 1; sub(/.*global:/, "") }
	/local:/ || /}/ { g = 0 }
	g {
		n = split($0, t, ";")
		for (i = 1; i <= n; i++) {
			gsub(/[ \t]/, "", t[i])
			if (t[i] != "")
				print t[i]
		}
	}') || exit 1

if [ -z "$symbols" ]; then
	echo "$map: no exported symbol found"
	exit 1
fi

fail=0
count=0
for sym in $symbols; do
	count=$((count + 1))
	page=$mandir/$sym.3
	if [ ! -f "$page" ]; then
		echo "$sym: no man page $page"
		fail=1
		continue
	fi
	first=$(sed -n 1p "$page")
	case $first in
	'.so man3/'*) page=$mandir/${first#.so man3/} ;;
	esac
	if [ ! -f "$page" ]; then
		echo "$sym: $mandir/$sym.3 points at missing $page"
		fail=1
	elif ! sed -n '/^\.SH NAME/,/\\-/p' "$page" | grep -qw -- "$sym"; then
		echo "$sym: not named in the NAME section of $page"
		fail=1
	fi
done

[ $fail -eq 0 ] && echo "$count symbols, each with a page"
exit $fail
