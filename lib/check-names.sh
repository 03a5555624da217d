#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The naming scheme of lib/: a function or variable one file shares with
# the others is named after that file (walk.c: walk_subtree(), parse.c:
# parse_procs()), so a name says where to read it; the public ones start
# with cgkill_.  Checked on the objects of the internal static library,
# whose symbols are all visible.  Usage: check-names.sh libcgkill-internal.a
set -eu
lib=$1
bad=$(nm -A --defined-only "$lib" | awk '
	$(NF - 1) ~ /^[TDBRVW]$/ {
		n = split($1, p, ":")
		obj = p[n - 1]
		sub(/^.*\//, "", obj)
		sub(/\.c\.o$/, "", obj)
		sym = $NF
		if (sym ~ /^cgkill_/ || index(sym, obj "_") == 1)
			next
		print obj ".c: " sym
	}')
if [ -n "$bad" ]; then
	echo "not named after their file:" >&2
	echo "$bad" >&2
	exit 1
fi
echo "ok: every shared name in lib/ starts with its file's name or cgkill_"
