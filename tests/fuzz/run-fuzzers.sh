#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run each libFuzzer binary of a clang build for a while.
#
#   CC=clang meson setup /tmp/fuzzbuild && ninja -C /tmp/fuzzbuild
#   sh tests/fuzz/run-fuzzers.sh /tmp/fuzzbuild 60 [NAME...]
#
# Every <name>-fuzzer under BUILDDIR/tests/fuzz runs for SECONDS, starting
# from a copy of tests/fuzz/corpus/<name>/: libFuzzer adds what it finds to
# its corpus directory, and the repository is not the place for that.
# Exits 1 if any fuzzer crashed, leaked, timed out or broke a check; the
# temporary directory is then kept with each failing input (replay one with
# BUILDDIR/tests/fuzz/fuzz-<name> FILE, or the fuzzer itself) and the log.
set -eu

usage() {
	echo "usage: $0 BUILDDIR SECONDS [NAME...]" >&2
	exit 2
}

[ $# -ge 2 ] || usage
build=$1
secs=$2
shift 2
case $secs in
'' | *[!0-9]*) usage ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
dir=$build/tests/fuzz

if [ $# -eq 0 ]; then
	for f in "$dir"/*-fuzzer; do
		[ -x "$f" ] || continue
		name=${f##*/}
		set -- "$@" "${name%-fuzzer}"
	done
fi
if [ $# -eq 0 ]; then
	echo "$0: no fuzzer in $dir (configure it with CC=clang)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cgkill-fuzz.XXXXXX")
# UBSan halts (built -fno-sanitize-recover); say where.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export UBSAN_OPTIONS

failed=
for name in "$@"; do
	fuzzer=$dir/$name-fuzzer
	work=$tmp/$name
	if [ ! -x "$fuzzer" ]; then
		echo "$0: $fuzzer: not built" >&2
		failed="$failed $name"
		continue
	fi
	mkdir -p "$work/corpus" "$work/crashes"
	if [ -d "$here/corpus/$name" ]; then
		cp -R "$here/corpus/$name/." "$work/corpus/"
	fi
	seeds=$(find "$work/corpus" -type f | wc -l)
	printf '%s: %s seconds from %s seeds...\n' "$name" "$secs" "$seeds"
	# -timeout: an input that takes seconds is a hang, and would also
	# hold the run past -max_total_time.
	if "$fuzzer" -max_total_time="$secs" -timeout=10 \
		-print_final_stats=1 \
		-artifact_prefix="$work/crashes/" \
		"$work/corpus" >"$work/log" 2>&1; then
		status=ok
	else
		status=FAILED
		failed="$failed $name"
	fi
	# The last status line (cov: edges, ft: features, corp: units/size)
	# and the final stats.
	grep -E '^#[0-9]+' "$work/log" | tail -n 1 | sed 's/^/    /'
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' \
		"$work/log" | sed 's/^/    /'
	echo "    $status"
	if [ "$status" = FAILED ]; then
		tail -n 40 "$work/log" | sed 's/^/    | /'
		for c in "$work/crashes"/*; do
			[ -e "$c" ] && echo "    input: $c"
		done
	fi
done

if [ -n "$failed" ]; then
	echo "FAILED:$failed (logs and inputs kept in $tmp)" >&2
	exit 1
fi
rm -rf "$tmp"
echo "all fuzzers ran $secs seconds clean"
