#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Lint the man pages: check-lint.sh MANDOC PAGE...
#
# A full page must start with an SPDX line and pass "mandoc -Tlint -W warning"
# without a single message.  A stub (a one-line ".so man3/NAME.3") is not
# given to mandoc, which calls every .so fragile; it must point at a full page
# beside it.  Every *.1 and *.3 file in the pages' directory must be among
# the arguments, so that none is left out of install_man().
set -u

if [ $# -lt 2 ]; then
	echo "usage: $0 MANDOC PAGE..." >&2
	exit 2
fi
mandoc=$1
shift

fail=0
dir=
listed=' '
for page in "$@"; do
	dir=$(dirname "$page")
	listed="$listed$(basename "$page") "
	if [ ! -f "$page" ]; then
		echo "$page: missing"
		fail=1
		continue
	fi
	first=$(sed -n 1p "$page")
	case $first in
	'.so '*)
		target=${first#.so }
		case $target in
		man3/*.3) ;;
		*)
			echo "$page: a stub must read \".so man3/NAME.3\""
			fail=1
			continue
			;;
		esac
		if [ "$(wc -l < "$page")" -ne 1 ]; then
			echo "$page: a stub must be one line"
			fail=1
		elif [ ! -f "$dir/${target#man3/}" ]; then
			echo "$page: points at missing $target"
			fail=1
		elif sed -n 1p "$dir/${target#man3/}" | grep -q '^\.so '; then
			echo "$page: points at another stub, $target"
			fail=1
		fi
		continue
		;;
	'.\" SPDX-License-Identifier: '*) ;;
	*)
		echo "$page: the first line must be the SPDX comment"
		fail=1
		;;
	esac
	if ! out=$("$mandoc" -Tlint -W warning "$page" 2>&1) || [ -n "$out" ]; then
		printf '%s\n' "$out"
		echo "$page: mandoc lint failed"
		fail=1
	fi
done

for f in "$dir"/*.1 "$dir"/*.3; do
	[ -e "$f" ] || continue
	case $listed in
	*" $(basename "$f") "*) ;;
	*)
		echo "$f: not in the list of pages (man/meson.build)"
		fail=1
		;;
	esac
done

exit $fail
