#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# cgkill on the real kernel: test-cgkill.sh CGKILL
#
# Needs root and a writable cgroup2 mount; without them it skips (77), or
# fails under CGKILL_REQUIRE_CGROUP=1.  Everything happens below a scratch
# parent of its own, <cgroup2 mount>/cgkill-tool-test-$$, and only processes
# this script started are ever signalled: the targets that are not ours (the
# root of the hierarchy) are only given to cgkill --dry-run, so that even a
# broken guard rail could not signal anything there.
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 CGKILL" >&2
	exit 2
fi
CGKILL=$1

skip() {
	echo "SKIP: $*"
	if [ "${CGKILL_REQUIRE_CGROUP:-0}" = 1 ]; then
		echo "CGKILL_REQUIRE_CGROUP=1: a skip is a failure"
		exit 1
	fi
	exit 77
}

[ "$(id -u)" = 0 ] || skip "not root"

# The first cgroup2 mount, as the library resolves cgroup paths against it:
# the file system type is the first field after " - ".
mnt=
mnt_root=
while read -r line; do
	case $line in
	*" - cgroup2 "*) ;;
	*) continue ;;
	esac
	set -f
	# shellcheck disable=SC2086
	set -- $line
	set +f
	mnt_root=$4
	# mountinfo writes blanks and backslashes as \ooo.
	mnt=$(printf '%s\n' "$5" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')
	mnt=$(printf '%b' "$mnt")
	break
done < /proc/self/mountinfo
[ -n "$mnt" ] || skip "no cgroup2 mount"

name=cgkill-tool-test-$$
P=$mnt/$name
pids=
made_parent=0
made_dir=0
failed=0
tmp=

is_ours() {	# is_ours PID: a child of this shell, not yet reaped by the kernel
	[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f2)" = "$$" ]
}

alive() {	# alive PID: ours and not a zombie
	is_ours "$1" && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]
}

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	trap - EXIT
	for p in $pids; do
		is_ours "$p" && kill -9 "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	if [ "$made_parent" = 1 ]; then
		# Leaves first; the kernel can refuse a group for a moment
		# after it empties.
		find "$P" -depth -type d | while read -r d; do
			[ "$(cat "$d/cgroup.freeze" 2>/dev/null)" = 1 ] &&
				echo 0 > "$d/cgroup.freeze"
			deadline=$(($(date +%s) + 5))
			until rmdir "$d" 2>/dev/null; do
				if [ "$(date +%s)" -gt "$deadline" ]; then
					echo "cleanup: cannot remove $d" >&2
					break
				fi
				sleep 0.01
			done
		done
	fi
	if [ "$made_dir" = 1 ]; then
		rmdir "/$name/e" 2>/dev/null
		rmdir "/$name" || echo "cleanup: cannot remove /$name" >&2
	fi
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if [ -e "$P" ]; then
	echo "FAIL: $P exists and is not ours"
	exit 1
fi
mkdir "$P" 2>/dev/null || skip "cannot create a group in $mnt"
made_parent=1
tmp=$(mktemp -d) || exit 1

fail() {
	echo "FAIL: $*"
	failed=1
}

ok() {
	echo "ok: $*"
}

forget() {	# forget PID: reaped, never to be signalled again
	rest=
	for p in $pids; do
		[ "$p" = "$1" ] || rest="$rest $p"
	done
	pids=$rest
}

# start GROUP [ignore-term]: a sleep of ours in GROUP (below $P), its pid in
# $started once it is there.  "exec" keeps an ignored TERM ignored.
start() {
	g=$P/$1
	mkdir -p "$g"
	if [ "${2:-}" = ignore-term ]; then
		sh -c 'trap "" TERM; echo $$ > "$1/cgroup.procs" && exec sleep 1000' sh "$g" &
	else
		sh -c 'echo $$ > "$1/cgroup.procs" && exec sleep 1000' sh "$g" &
	fi
	started=$!
	pids="$pids $started"
	deadline=$(($(date +%s) + 10))
	until grep -qx "$started" "$g/cgroup.procs" 2>/dev/null; do
		if [ "$(date +%s)" -gt "$deadline" ]; then
			fail "pid $started never joined $g"
			return 1
		fi
		sleep 0.01
	done
}

# reap STATUS PID...: each must end within a few seconds, with the shell's
# exit status STATUS (128 + the signal that killed it; "any" for any).  A
# wall-clock deadline: a count of short sleeps can last minutes on a
# loaded machine.
reap() {
	want=$1
	shift
	deadline=$(($(date +%s) + 5))
	for p in "$@"; do
		while alive "$p"; do
			if [ "$(date +%s)" -gt "$deadline" ]; then
				fail "pid $p still alive"
				continue 2
			fi
			sleep 0.01
		done
		wait "$p"
		st=$?
		[ "$want" = any ] || [ "$st" = "$want" ] || fail "pid $p ended with status $st, not $want"
		forget "$p"
	done
}

all_alive() {	# all_alive WHAT PID...
	what=$1
	shift
	for p in "$@"; do
		alive "$p" || fail "$what: pid $p is gone"
	done
}

empty() {	# empty GROUP: not populated
	grep -qx 'populated 0' "$P/$1/cgroup.events" ||
		fail "$1 still populated: $(cat "$P/$1/cgroup.procs")"
}

# run ARG...: cgkill's stdout in $out, stderr in $err, status in $rc.
run() {
	"$CGKILL" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

expect_rc() {	# expect_rc WANT WHAT
	if [ "$rc" = "$1" ]; then
		ok "$2: exit $rc"
	else
		fail "$2: exit $rc, expected $1; stdout: $out; stderr: $err"
	fi
}

# A scalar at the top level of a JSON object (before any "stages" or
# "processes" array), raw.
jget() {
	j=${1%%,\"stages\":*}
	printf '%s\n' "${j%%,\"processes\":*}" | sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p"
}

json_valid() {	# with jq, when there is one
	if command -v jq > /dev/null 2>&1; then
		printf '%s\n' "$1" | jq -e . > /dev/null || fail "$2: not valid JSON: $1"
	fi
}

echo "cgroup2 at $mnt (root $mnt_root), scratch parent $P"

# -- the version ---------------------------------------------------------
run -V
expect_rc 0 "--version"
case $out in
"cgkill (libcgkill) "[0-9]*) ;;
*) fail "--version printed: $out" ;;
esac

# -- default: SIGKILL, a subtree of three groups ---------------------------
start k/a; k1=$started
start k/a; k2=$started
start k/a/b; k3=$started
run "$P/k"
expect_rc 0 "SIGKILL on a subtree"
case $out in
"$P/k: SIGKILL by "*": empty in "*) ;;
*) fail "SIGKILL: line: $out" ;;
esac
reap 137 "$k1" "$k2" "$k3"
empty k

# -- --fallback --json: the freeze method counts ---------------------------
start f; f1=$started
start f/x; f2=$started
start f/x/y; f3=$started
run --fallback --json "$P/f"
expect_rc 0 "--fallback --json"
json_valid "$out" "--fallback --json"
[ "$(jget "$out" method)" = '"freeze"' ] || fail "--fallback: method: $out"
[ "$(jget "$out" signaled)" = 3 ] || fail "--fallback: signaled: $out"
[ "$(jget "$out" signal)" = '"KILL"' ] || fail "--fallback: signal: $out"
[ "$(jget "$out" empty)" = true ] || fail "--fallback: empty: $out"
[ "$(jget "$out" cgroups)" = 3 ] || fail "--fallback: cgroups: $out"
[ "$(jget "$out" cgroup)" = "\"$P/f\"" ] || fail "--fallback: cgroup: $out"
case $(jget "$out" elapsed_ms) in
*[0-9].[0-9][0-9][0-9]) ;;
*) fail "--fallback: elapsed_ms: $out" ;;
esac
reap 137 "$f1" "$f2" "$f3"
empty f

# -- -v: each step on stderr, why included; stdout as without it -----------
has() {	# has WHAT PATTERN: a line of stderr is PATTERN after the time
	printf '%s\n' "$err" | grep -q "^cgkill: [0-9]*\.[0-9][0-9][0-9] ms: $2\$" ||
		fail "$1: no line '$2' in: $err"
}
start v; v1=$started
start v/sub; v2=$started
run -v --fallback "$P/v"
expect_rc 0 "-v --fallback"
case $out in
"$P/v: SIGKILL by freeze (2 signalled): empty in "*) ;;
*) fail "-v --fallback: line: $out" ;;
esac
has "-v --fallback" "method freeze: SIGKILL, CGKILL_FORCE_FREEZE"
has "-v --fallback" "froze the target for the round"
has "-v --fallback" "pass signal SIGKILL: 2 groups, 2 listed, 2 newly signalled"
has "-v --fallback" "pass signal SIGKILL: 2 groups, [0-2] listed, 0 newly signalled"
has "-v --fallback" "thawed after 2 passes, 2 signalled"
has "-v --fallback" "wait ended: populated 0"
printf '%s\n' "$err" | tail -n 1 | grep -q ' ms: done: no user process left after ' ||
	fail "-v --fallback: the last line is not the end: $err"
reap 137 "$v1" "$v2"
start v; v1=$started
run -v "$P/v"
expect_rc 0 "-v, native"
has "-v" "method native: SIGKILL and cgroup.kill is there"
has "-v" "wait ended: populated 0"
reap 137 "$v1"
start v; v1=$started
run "$P/v"
expect_rc 0 "without -v"
[ -z "$err" ] || fail "without -v, stderr: $err"
reap 137 "$v1"

# -- --dry-run lists exactly ours and signals none -------------------------
start n; n1=$started
start n; n2=$started
start n/sub; n3=$started
run -n "$P/n"
expect_rc 0 "--dry-run"
got=$(printf '%s\n' "$out" | cut -f1 | sort -n | tr '\n' ' ')
want=$(printf '%s\n' "$n1" "$n2" "$n3" | sort -n | tr '\n' ' ')
[ "$got" = "$want" ] || fail "--dry-run listed '$got', expected '$want'"
printf '%s\n' "$out" | grep -qx "$n1	\." || fail "--dry-run: no '$n1<TAB>.' in: $out"
printf '%s\n' "$out" | grep -qx "$n3	sub" || fail "--dry-run: no '$n3<TAB>sub' in: $out"
run -n --json "$P/n"
expect_rc 0 "--dry-run --json"
json_valid "$out" "--dry-run --json"
[ "$(jget "$out" method)" = '"none"' ] || fail "--dry-run --json: method: $out"
all_alive "--dry-run" "$n1" "$n2" "$n3"

# -- -s TERM -t 0: signalled, not waited for, success -----------------------
run -s TERM -t 0 "$P/n"
expect_rc 0 "-s TERM -t 0"
reap 143 "$n1" "$n2" "$n3"
empty n

# -- processes that ignore SIGTERM: timeout, then escalation ----------------
start i ignore-term; i1=$started
start i/j ignore-term; i2=$started
run -s TERM -t 0.3 "$P/i"
expect_rc 3 "-s TERM -t 0.3, TERM ignored"
case $out in
*"timed out"*) ;;
*) fail "timeout: line: $out" ;;
esac
all_alive "-s TERM -t 0.3" "$i1" "$i2"
run -s SIGTERM -g 0.3 --json "$P/i"
expect_rc 0 "-s TERM -g 0.3, TERM ignored"
json_valid "$out" "-g"
[ "$(jget "$out" escalated)" = true ] || fail "-g: escalated: $out"
[ "$(jget "$out" signal)" = '"TERM"' ] || fail "-g: signal: $out"
stages=$(printf '%s\n' "$out" | sed -n 's/.*"stages":\[\([^]]*\)\].*/\1/p')
[ "$(printf '%s\n' "$stages" | grep -o '{' | wc -l)" = 2 ] || fail "-g: stages: $out"
case $stages in
'{"signal":"TERM","method":"freeze","signaled":2},{"signal":"KILL",'*) ;;
*) fail "-g: stages: $stages" ;;
esac
reap 137 "$i1" "$i2"
empty i

# -- survivors: who is left after a timeout, and why -------------------------
start s ignore-term; s1=$started
start s/t ignore-term; s2=$started
run -s TERM -t 0.3 "$P/s"
expect_rc 3 "survivors after a timeout"
printf '%s\n' "$out" | sed -n 2p | grep -q '^  PID  *STATE  *WCHAN  *REASON$' ||
	fail "survivors: no table header: $out"
printf '%s\n' "$out" | grep -q "^  $s1  *S  .* TERM ignored (sleep in \.)$" ||
	fail "survivors: no line for $s1: $out"
printf '%s\n' "$out" | grep -q "^  $s2  *S  .* TERM ignored (sleep in t)$" ||
	fail "survivors: no line for $s2: $out"
[ "$(printf '%s\n' "$out" | wc -l)" = 4 ] || fail "survivors: lines: $out"
run -s TERM -t 0.3 --json "$P/s/t"
expect_rc 3 "survivors after a timeout, --json"
json_valid "$out" "survivors --json"
if command -v jq > /dev/null 2>&1; then
	got=$(printf '%s\n' "$out" | jq -c '[.survivors[] | [.pid, .comm, .cgroup, .state,
		.frozen, .traced_by, .signal, .dying, .threads]]')
	[ "$got" = "[[$s2,\"sleep\",\".\",\"S\",false,null,\"ignored\",false,1]]" ] ||
		fail "survivors --json: $got"
	run -n --survivors --json "$P/s"
	expect_rc 0 "--dry-run --survivors --json"
	[ "$(printf '%s\n' "$out" | jq -c '[.survivors[].pid] | sort')" = \
	  "$(printf '[%s,%s]' "$s1" "$s2" | jq -c sort)" ] || fail "--dry-run --survivors: $out"
else
	echo "no jq: survivors' JSON fields not checked"
fi
all_alive "survivors" "$s1" "$s2"
run "$P/s"
reap any "$s1" "$s2"

# -- victims: each process killed, and how it ended ---------------------------
# Started by a shell that waits for them (outside the group): reaped at
# once, so the kernel can tell how each ended.
start_reaped() {	# start_reaped GROUP [exit3-on-term]: its pid in $started
	g=$P/$1
	mkdir -p "$g"
	: > "$tmp/pid"
	if [ "${2:-}" = exit3-on-term ]; then
		body='trap "exit 3" TERM; echo $$ > "$1/cgroup.procs" && echo $$ > "$2" &&
			while :; do sleep 0.05; done'
	else
		body='echo $$ > "$1/cgroup.procs" && echo $$ > "$2" && exec sleep 1000'
	fi
	sh -c 'sh -c "$1" sh "$2" "$3" & wait' sh "$body" "$g" "$tmp/pid" 2> /dev/null &
	pids="$pids $!"
	deadline=$(($(date +%s) + 10))
	until [ -s "$tmp/pid" ]; do
		if [ "$(date +%s)" -gt "$deadline" ]; then
			fail "nothing joined $g"
			return 1
		fi
		sleep 0.01
	done
	started=$(cat "$tmp/pid")
}

start_reaped v; v1=$started
start_reaped v/w; v2=$started
run --victims "$P/v"
expect_rc 0 "--victims"
printf '%s\n' "$out" | sed -n 2p | grep -q '^  PID  *SENT  *ENDED  *PROCESS$' ||
	fail "--victims: no table header: $out"
printf '%s\n' "$out" | grep -q "^  $v1  *KILL  *signal KILL  *sleep in \.$" ||
	fail "--victims: no line for $v1: $out"
printf '%s\n' "$out" | grep -q "^  $v2  *KILL  *signal KILL  *sleep in w$" ||
	fail "--victims: no line for $v2: $out"
start_reaped v; v1=$started
start_reaped v/w exit3-on-term; v2=$started
run -s TERM --victims --json --fallback "$P/v"
expect_rc 0 "-s TERM --victims --json"
json_valid "$out" "--victims --json"
if command -v jq > /dev/null 2>&1; then
	got=$(printf '%s\n' "$out" | jq -c "[.victims[] | select(.pid == $v1 or .pid == $v2) |
		[.pid, .comm, .cgroup, .exit_signal, .exit_code]] | sort")
	want=$(printf '[[%s,"sleep",".",15,null],[%s,"sh","w",null,3]]' "$v1" "$v2" | jq -c sort)
	[ "$got" = "$want" ] || fail "--victims --json: $got, expected $want"
	[ "$(printf '%s\n' "$out" | jq '[.victims[] | select(.comm != "sh" and .comm != "sleep")] | length')" = 0 ] ||
		fail "--victims --json: a victim not ours: $out"
else
	echo "no jq: victims' JSON fields not checked"
fi
empty v
run -n --victims "$P/v"
expect_rc 2 "--victims with --dry-run"

# -- --release-memory: the memory reaped, and when ---------------------------
start m; m1=$started
start m/n; m2=$started
run --release-memory "$P/m"
expect_rc 0 "--release-memory"
# Before Linux 5.15 (or under a filter) the kill is the same, and says so.
nomr='^  memory: not released by cgkill \(no process_mrelease here\)$'
printf '%s\n' "$out" | sed -n 2p | grep -Eq "$nomr" && nomr=yes
[ "$nomr" = yes ] ||
	printf '%s\n' "$out" | sed -n 2p | grep -Eq '^  memory released: [0-9.]+ (MiB|GiB), [0-9.]+ (ms|s) after the start$' ||
	fail "--release-memory: no memory line: $out"
reap 137 "$m1" "$m2"
start m; m1=$started
run --release-memory --json "$P/m"
expect_rc 0 "--release-memory --json"
json_valid "$out" "--release-memory --json"
bytes=$(jget "$out" memory_released_bytes)
msec=$(jget "$out" memory_released_ms)
if [ "$nomr" = yes ]; then
	[ "$bytes,$msec,$(jget "$out" no_mrelease)" = null,null,true ] ||
		fail "--release-memory --json without process_mrelease: $out"
else
	case $bytes in ''|*[!0-9]*|0) fail "--release-memory --json: memory_released_bytes: $out" ;; esac
	[ "$(jget "$out" no_mrelease)" = false ] || fail "--release-memory --json: no_mrelease: $out"
	awk -v m="$msec" -v e="$(jget "$out" elapsed_ms)" 'BEGIN { exit !(m > 0 && m <= e) }' ||
		fail "--release-memory --json: memory_released_ms $msec: $out"
fi
reap 137 "$m1"
start m; m1=$started
for args in "--release-memory -s TERM" "--release-memory -n"; do
	# shellcheck disable=SC2086
	run $args "$P/m"
	expect_rc 2 "cgkill $args"
done
run --release-memory -s TERM -g 5 -t 0 "$P/m"
expect_rc 0 "--release-memory -s TERM -g 5"
reap any "$m1"

# -- a real-time signal by name, reported by name ---------------------------
start rt; r1=$started
run -s RTMIN+3 -j "$P/rt"
expect_rc 0 "-s RTMIN+3"
[ "$(jget "$out" signal)" = '"RTMIN+3"' ] || fail "RTMIN+3: signal: $out"
reap any "$r1"

# -- usage errors: nothing is touched ---------------------------------------
start u; u1=$started
for args in "-s NOPE" "-s 0" "-s 999" "-s RTMIN+99" "-t -1" "-t abc" "-t 1e3" \
	"-g 1" "-g inf -s TERM" "--bogus" "-p 0" "-p $u1 $P/u" "-n -g 1 -s TERM"; do
	# shellcheck disable=SC2086
	run $args "$P/u"
	expect_rc 2 "cgkill $args"
done
run
expect_rc 2 "no target"
run -s TERM
expect_rc 2 "no target, with an option"
run relative/path
expect_rc 2 "a relative path"
all_alive "usage errors" "$u1"

# -- failures: exit 1, one line on stderr naming the target -----------------
mkdir -p "$P/D/T"
if echo threaded > "$P/D/T/cgroup.type" 2>/dev/null; then
	run "$P/D/T"
	expect_rc 1 "a threaded group"
	[ "$err" = "cgkill: $P/D/T: threaded cgroup: Operation not supported" ] ||
		fail "threaded: stderr: $err"
else
	echo "threaded groups not supported here: not checked"
fi

# Only ever with --dry-run: if the guard failed, nothing would be signalled.
run -n "$mnt"
expect_rc 1 "the root of the mount"
case $err in
"cgkill: $mnt: root of the cgroup2 hierarchy: "*) ;;
*) fail "root: stderr: $err" ;;
esac

run -n "/$name/../$name-none"
expect_rc 1 "'..' in a cgroup path"

run "$P/none"
expect_rc 1 "a missing group"
[ "$err" = "cgkill: $P/none: No such file or directory" ] || fail "missing: stderr: $err"

mkdir -p "$P/self"
sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" -n "$1" 2>&1' sh "$P/self" "$CGKILL" \
	> "$tmp/out"
rc=$?
out=$(cat "$tmp/out")
expect_rc 1 "a group holding cgkill"
case $out in
*"contains cgkill itself (use --allow-self)"*) ;;
*) fail "self: $out" ;;
esac

# -- --pid: the whole group of a process ------------------------------------
start p; p1=$started
start p; p2=$started
start p/q; p3=$started
run --pid "$p1"
expect_rc 0 "--pid"
case $out in
"pid $p1 (/"*"/p): SIGKILL by "*) ;;
*) fail "--pid: line: $out" ;;
esac
reap 137 "$p1" "$p2" "$p3"
empty p

# -- a cgroup path, as /proc/PID/cgroup prints it ----------------------------
start c; c1=$started
start c/d; c2=$started
if [ "$mnt_root" = / ]; then
	run -q "/$name/c"
	expect_rc 0 "a cgroup path"
	[ -z "$out" ] || fail "--quiet printed: $out"
	reap 137 "$c1" "$c2"
	empty c
else
	echo "the mount's root is $mnt_root: cgroup paths not checked"
	run -q "$P/c"
	reap 137 "$c1" "$c2"
fi

# -- a path that exists is never read as a cgroup path -----------------------
# An ordinary directory (here /tmp's kind) is not a cgroup2 directory.
run -n "$tmp"
expect_rc 1 "a directory off cgroup2"
[ "$err" = "cgkill: $tmp: not a cgroup2 directory: Wrong medium type" ] ||
	fail "off cgroup2: stderr: $err"

# The same with a group at that cgroup path: the cgroup path /$name/e
# names our group $P/e, and an ordinary directory /$name/e on the root
# file system makes the same string a path that exists.  cgkill must
# refuse it, and the process in $P/e must live.
if [ "$mnt_root" = / ] && [ ! -e "/$name" ] && mkdir "/$name" 2>/dev/null; then
	made_dir=1
	mkdir "/$name/e" || fail "mkdir /$name/e"
	start e; e1=$started
	run "/$name/e"
	expect_rc 1 "an existing directory named as a cgroup path"
	[ "$err" = "cgkill: /$name/e: not a cgroup2 directory: Wrong medium type" ] ||
		fail "existing directory: stderr: $err"
	all_alive "an existing directory named as a cgroup path" "$e1"
	run -q "$P/e"
	expect_rc 0 "the group itself, by its file system path"
	reap 137 "$e1"
else
	echo "no /$name of ours on the root file system: a cgroup path shadowed" \
		"by a directory not checked"
fi

# -- several targets: the worst outcome wins ---------------------------------
start m1; m1=$started
start m2; m2=$started
run "$P/m1" "$P/none" "$P/m2"
expect_rc 1 "three targets, the middle one missing"
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "several: stderr: $err"
[ "$(printf '%s\n' "$out" | wc -l)" = 2 ] || fail "several: stdout: $out"
reap 137 "$m1" "$m2"

start w1 ignore-term; w1=$started
start w2; w2=$started
run -s TERM -t 0.2 "$P/w1" "$P/w2"
expect_rc 3 "a timeout and a success"
reap 143 "$w2"
start w2; w2=$started
run -s TERM -t 0.2 "$P/w1" "$P/none" "$P/w2"
expect_rc 1 "a timeout, a failure and a success"
reap 143 "$w2"
run "$P/w1" "$P/u"
expect_rc 0 "two targets"
reap 137 "$w1" "$u1"

exit $failed
