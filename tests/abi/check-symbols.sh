#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The shared library exports exactly the global: symbols of its map, each
# under a version node of the map, and its soname is the one that never
# changes.  An export the map does not list (a missing `static`, a lost
# visibility attribute) or a listed symbol that vanished breaks programs
# linked against libcgkill.so.1.
#
# Usage: check-symbols.sh LIBRARY SYMBOL-MAP SONAME
set -eu

lib=$1
map=$2
soname=$3

for tool in nm objdump; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool not found"
		exit 77
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The map: node names ("LIBCGKILL_1 {") and the names in global: sections.
sed 's|/\*.*\*/||g' "$map" | awk '
	/^[ \t]*[A-Za-z_][A-Za-z0-9_.]*[ \t]*\{/ { sub(/[ \t]*\{.*/, ""); sub(/^[ \t]*/, ""); print > "/dev/stderr"; next }
	/global:/ { g = 1; next }
	/local:/ || /\}/ { g = 0; next }
	g { gsub(/[ \t;]/, ""); if ($0 != "") print }
' 2>"$tmp/nodes" | sort -u >"$tmp/expected"

if [ ! -s "$tmp/nodes" ] || [ ! -s "$tmp/expected" ]; then
	echo "FAIL: no version node or no global symbol found in $map"
	exit 1
fi

# Defined dynamic symbols as "name version"; binutils before 2.35 print no
# version, and then only the names are compared.  The version node itself
# shows up as an absolute symbol named after the node: not an export.
nm -D --defined-only "$lib" | awk '{ n = $3; v = ""; i = index(n, "@");
	if (i) { v = substr(n, i); sub(/^@+/, "", v); n = substr(n, 1, i - 1) }
	print n, v }' >"$tmp/dynsym"
awk 'NR == FNR { node[$1] = 1; next } !($1 in node)' "$tmp/nodes" "$tmp/dynsym" >"$tmp/exports"
cut -d' ' -f1 "$tmp/exports" | sort -u >"$tmp/exported"

status=0
if ! diff -u "$tmp/expected" "$tmp/exported" >"$tmp/diff"; then
	echo "FAIL: exported symbols differ from the global: list of $map"
	echo "(- only in the map, + only in $lib)"
	tail -n +3 "$tmp/diff"
	status=1
fi

if ! objdump -p "$lib" | grep -q '^Version definitions:'; then
	echo "FAIL: $lib defines no symbol version: linked without $map?"
	status=1
elif grep -q ' .' "$tmp/exports"; then
	awk 'NR == FNR { node[$1] = 1; next } !($2 in node) { print "  " $1 " (" ($2 == "" ? "unversioned" : $2) ")" }' \
		"$tmp/nodes" "$tmp/exports" >"$tmp/badver"
	if [ -s "$tmp/badver" ]; then
		echo "FAIL: exports outside the version nodes of $map:"
		cat "$tmp/badver"
		status=1
	fi
else
	echo "note: this nm prints no symbol versions; versions not checked"
fi

got=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
if [ "$got" != "$soname" ]; then
	echo "FAIL: soname is '$got', not '$soname'"
	status=1
fi

if [ $status -eq 0 ]; then
	echo "ok: $(wc -l <"$tmp/exported") symbols in $(tr '\n' ' ' <"$tmp/nodes")as the map says, soname $got"
fi
exit $status
