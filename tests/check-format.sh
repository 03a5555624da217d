#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The code is as .clang-format says: lists what clang-format would change
# in lib/, include/ and tools/.  Formatting differs from one clang-format
# major to the next, so only the one the tree is formatted with (14, as
# Debian 12 ships) decides; another is a skip (77), not a failure.
# Usage: check-format.sh CLANG_FORMAT SOURCE_ROOT
set -eu
cf=$1
root=$2
want=14
have=$("$cf" --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
if [ "$have" != "$want" ]; then
	echo "skip: clang-format $have, the tree is formatted with $want"
	exit 77
fi
cd "$root"
# shellcheck disable=SC2046
"$cf" --dry-run --Werror --style=file $(ls lib/*.c lib/*.h include/*.h tools/*.c)
echo "ok: lib, include and tools as .clang-format says"
