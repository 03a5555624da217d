#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The layout pins of abi-layout.h for each data model the compiler can
# target here: 32-bit (-m32), x32 (-mx32) and 64-bit (-m64) on x86, or
# whatever the default is elsewhere.  A model the toolchain lacks (no
# multilib headers) is said and left out; when none of the extra models
# can be built the test is skipped.
#
# Usage: check-layout.sh CC INCLUDE-DIR ABI-DIR
set -eu

cc=$1
inc=$2
abi=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '#include "abi-layout.h"\nint main(void) { return 0; }\n' > "$tmp/layout.c"
printf '#include <stdint.h>\n#include <string.h>\n#include <sys/types.h>\nint main(void) { return 0; }\n' > "$tmp/probe.c"

checked=0
for model in "" -m32 -mx32 -m64; do
	# shellcheck disable=SC2086 # an empty model is no argument
	if ! $cc $model -fsyntax-only "$tmp/probe.c" 2>/dev/null; then
		echo "${model:-default}: no headers for this data model, not checked"
		continue
	fi
	for std in c99 c11; do
		# shellcheck disable=SC2086
		if ! $cc $model -std=$std -pedantic -Werror -Wall -Wextra -U_GNU_SOURCE \
			-fsyntax-only -I"$inc" -I"$abi" "$tmp/layout.c"; then
			echo "FAIL: ${model:-default} -std=$std: the layout differs from the pins"
			exit 1
		fi
	done
	echo "${model:-default}: every pin holds"
	[ -z "$model" ] || checked=$((checked + 1))
done
if [ "$checked" = 0 ]; then
	echo "SKIP: no second data model to compare with (install gcc-multilib)"
	exit 77
fi
