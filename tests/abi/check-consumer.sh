#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The consumer's path: install into a scratch DESTDIR, build a program with
# nothing but `pkg-config --cflags --libs libcgkill` against that tree, and
# run it with the installed library.  Catches a header or a .pc file that
# is not installed, a .pc file with wrong paths, and a library that only
# works from the build tree.
#
# Usage: check-consumer.sh MESON BUILD-DIR CC CONSUMER.c [EXTRA-CFLAGS]
set -eu

meson=$1
build=$2
cc=$3
src=$4
extra=${5:-}

if ! command -v pkg-config >/dev/null 2>&1; then
	echo "SKIP: pkg-config not found"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/destdir

"$meson" install -C "$build" --destdir "$dest" --no-rebuild --quiet

# The libdir can be lib, lib64 or lib/<multiarch triplet>: look.
pc=$(find "$dest" -name libcgkill.pc | head -n 1)
so=$(find "$dest" -name libcgkill.so -type l | head -n 1)
hdr=$(find "$dest" -name cgkill.h | head -n 1)
for f in "$pc:libcgkill.pc" "$so:libcgkill.so" "$hdr:cgkill.h"; do
	if [ -z "${f%%:*}" ]; then
		echo "FAIL: meson install put no ${f#*:} under $dest"
		exit 1
	fi
done
libdir=$(dirname "$so")

flags=$(PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$dest \
	pkg-config --cflags --libs libcgkill)
echo "pkg-config: $flags"
case " $flags " in
*" -I$dest/"*" -L$libdir "*) ;;
*)
	echo "FAIL: the flags do not point into the installed tree"
	exit 1
	;;
esac

# shellcheck disable=SC2086 # the flags are words
$cc -Wall -Wextra -Werror $extra -o "$tmp/consumer" "$src" $flags

out=$(LD_LIBRARY_PATH=$libdir "$tmp/consumer")
echo "$out"
case "$out" in
*"loaded: $libdir/libcgkill.so.1"*) ;;
*)
	echo "FAIL: the program did not run with the installed libcgkill.so.1"
	exit 1
	;;
esac
