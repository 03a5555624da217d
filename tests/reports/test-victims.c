// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Victims on the real kernel (CGKILL_VICTIMS): the exact list of the
 * processes a call killed, on both paths, with how each ended once it was
 * reaped (PIDFD_INFO_EXIT): SIGKILL, SIGTERM, an exit code; a process that
 * had exited before the signal told apart; limits; fds given back; and a
 * fork bomb still growing when the kill starts, every member of which
 * dies and is listed, nothing outside the subtree.
 *
 * Run as "test-victims light" (valgrind-safe) or "test-victims heavy"
 * (fork bombs, thousands of processes).
 *
 * Safety: only processes this test started are signalled: the kills are
 * the library's on our scratch groups, and the hook below kills one listed
 * child of ours by its pid while it is held unreaped.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports.h"
#include "cgkill-private.h"

#define MAXV 4096

/* The test build's listing hook (lib/op.c, lib/victims.c). */
extern void (*cgkill_test_listed)(const pid_t *pids, size_t n);

/* ---- the observer ---------------------------------------------------------- */

struct seen {
	pid_t pid[MAXV];
	int sig[MAXV];
	int n;
};

static int observe(const struct cgkill_proc *p, void *userdata)
{
	struct seen *s = userdata;

	if (s->n < MAXV) {
		s->pid[s->n] = p->pid;
		s->sig[s->n] = p->signal;
	}
	s->n++;
	return 0;
}

/* ---- helpers ------------------------------------------------------------- */

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static struct cgkill_opts kill_opts(uint64_t flags)
{
	struct cgkill_opts o;

	cgkill_opts_init(&o);
	o.flags = CGKILL_VICTIMS | flags;
	o.timeout_ms = cgt_ms(30000);
	return o;
}

/* Every victim of op, each read once, in vs[0 .. n - 1]. */
static int victims(const struct cgkill_op *op, const struct cgkill_report *rep,
		   struct cgkill_victim *vs, int max)
{
	struct cgkill_victim v = { .size = sizeof(v) };
	uint32_t i;

	for (i = 0; i < rep->n_victims && (int)i < max; i++) {
		vs[i] = (struct cgkill_victim){ .size = sizeof(vs[i]) };
		assert_int_equal(cgkill_op_get_victim(op, i, &vs[i]), 0);
		assert_int_equal(vs[i].size, sizeof(vs[i]));
		assert_non_null(vs[i].cgroup);
		assert_non_null(memchr(vs[i].comm, '\0', sizeof(vs[i].comm)));
	}
	assert_int_equal(cgkill_op_get_victim(op, rep->n_victims, &v), -ENOENT);
	return (int)i;
}

static const struct cgkill_victim *victim_of(const struct cgkill_victim *vs,
					     int n, pid_t pid)
{
	const struct cgkill_victim *found = NULL;

	for (int i = 0; i < n; i++)
		if (vs[i].pid == pid) {
			if (found)
				fail_msg("pid %d listed twice", (int)pid);
			found = &vs[i];
		}
	if (!found)
		fail_msg("pid %d is not listed among %d victims", (int)pid, n);
	return found;
}

/* The victims' pids are exactly want[0 .. n - 1]. */
static void assert_same_pids(const struct cgkill_victim *vs, int nv,
			     const pid_t *want, int n)
{
	pid_t *a = calloc((size_t)nv + 1, sizeof(*a)), *b = calloc((size_t)n + 1, sizeof(*b));
	int missing = 0, extra = 0;

	assert_non_null(a);
	assert_non_null(b);
	for (int i = 0; i < nv; i++)
		a[i] = vs[i].pid;
	memcpy(b, want, (size_t)n * sizeof(*b));
	qsort(a, (size_t)nv, sizeof(*a), cmp_pid);
	qsort(b, (size_t)n, sizeof(*b), cmp_pid);
	if (getenv("RT_DEBUG"))
		for (int i = 0; i < nv; i++)
			fprintf(stderr, "victim %d %s sig %d flags %x exit %d/%d in '%s'\n",
				(int)vs[i].pid, vs[i].comm, vs[i].signal, vs[i].flags,
				vs[i].exit_signal, vs[i].exit_code, vs[i].cgroup);
	for (int i = 0, j = 0; i < nv || j < n;) {
		if (j >= n || (i < nv && a[i] < b[j])) {
			if (extra++ < 5)
				fprintf(stderr, "listed, not ours: %d\n", (int)a[i]);
			i++;
		} else if (i >= nv || b[j] < a[i]) {
			if (missing++ < 5)
				fprintf(stderr, "ours, not listed: %d\n", (int)b[j]);
			j++;
		} else {
			i++;
			j++;
		}
	}
	free(a);
	free(b);
	if (missing || extra)
		fail_msg("%d victims, %d expected: %d missing, %d extra", nv, n, missing, extra);
}

static void reap_pids(const char *g, const pid_t *pids, int n)
{
	struct rt_reaped r[64];
	int got = rt_reap(g, r, 64, 100);

	assert_int_equal(got, n);
	for (int i = 0; i < n; i++) {
		bool found = false;

		for (int k = 0; k < got; k++)
			found |= r[k].pid == pids[i];
		assert_true(found);
	}
}

/* How it ended, where this kernel (and pidfd_open) can tell. */
static void assert_exit(const struct cgkill_victim *v, int sig, int code)
{
	static int known = -1;

	if (known < 0)
		known = rt_exit_known();
	if (!known) {
		assert_false(v->flags & CGKILL_VICTIM_EXITED);
		return;
	}
	if (!(v->flags & CGKILL_VICTIM_EXITED))
		fail_msg("%d: no exit status", (int)v->pid);
	assert_int_equal(v->exit_signal, sig);
	assert_int_equal(v->exit_code, code);
}

/* ---- light --------------------------------------------------------------- */

/* SIGKILL on both paths: the list is exact, each one was killed by it. */
static void test_sigkill(void **state)
{
	for (int fallback = 0; fallback < 2; fallback++) {
		const char *g = cgt_mkgroup(fallback ? "kf" : "kn");
		const char *sub = cgt_mkgroup(fallback ? "kf/sub" : "kn/sub");
		struct cgkill_opts o = kill_opts(fallback ? CGKILL_FORCE_FREEZE : 0);
		struct cgkill_report rep = { .size = sizeof(rep) };
		struct cgkill_victim vs[8];
		struct seen seen = { .n = 0 };
		struct cgkill_op *op;
		pid_t pids[5];
		int fds, n;

		(void)state;
		cgt_spawn_many(g, CGT_PAUSE, 3, pids);
		cgt_spawn_many(sub, CGT_PAUSE, 2, pids + 3);
		o.observer = observe;
		o.userdata = &seen;
		fds = cgt_open_fds();
		assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
		assert_int_equal(rep.last_method, fallback ? CGKILL_METHOD_FREEZE :
							     CGKILL_METHOD_NATIVE);
		assert_int_equal(rep.n_victims, 5);
		/* Not reaped yet: no exit status, a pidfd held for each. */
		n = victims(op, &rep, vs, 8);
		assert_same_pids(vs, n, pids, 5);
		for (int i = 0; i < n; i++) {
			assert_int_equal(vs[i].signal, SIGKILL);
			assert_false(vs[i].flags & CGKILL_VICTIM_EXITED);
			assert_false(vs[i].flags & CGKILL_VICTIM_BEFORE);
			assert_int_equal(!!(vs[i].flags & CGKILL_VICTIM_NATIVE), !fallback);
			assert_string_equal(vs[i].comm, rt_comm());
			assert_string_equal(vs[i].cgroup, vs[i].pid == pids[3] ||
					    vs[i].pid == pids[4] ? "sub" : "");
		}
		/* The observer saw each once, on both paths. */
		assert_int_equal(seen.n, 5);
		for (int i = 0; i < 5; i++) {
			(void)victim_of(vs, n, seen.pid[i]);
			assert_int_equal(seen.sig[i], SIGKILL);
		}
		/* A /proc/PID directory (no pidfd_open) has nothing more to
		 * tell once read: given back at once. */
		assert_int_equal(cgt_open_fds(), fds + 4 + (rt_have_pidfd() ? 5 : 0));
		reap_pids(g, pids, 5);
		/* Reaped: the status is known, and each pidfd given back. */
		n = victims(op, &rep, vs, 8);
		for (int i = 0; i < n; i++)
			assert_exit(&vs[i], SIGKILL, 0);
		assert_int_equal(cgt_open_fds(), fds + 4);
		cgkill_op_free(op);
		assert_int_equal(cgt_open_fds(), fds);
	}
}

/* SIGTERM: the signal it died of, or the status of a handler's exit. */
static void test_sigterm(void **state)
{
	const char *g = cgt_mkgroup("term");
	struct cgkill_opts o = kill_opts(0);
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_victim vs[8];
	const struct cgkill_victim *v;
	struct cgkill_op *op;
	pid_t pids[3];
	int n;

	(void)state;
	pids[0] = rt_spawn(g, RT_PAUSE, NULL);
	pids[1] = rt_spawn(g, RT_PAUSE, NULL);
	pids[2] = rt_spawn(g, RT_EXIT3_ON_TERM, NULL);
	o.signal = SIGTERM;
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
	reap_pids(g, pids, 3);
	n = victims(op, &rep, vs, 8);
	assert_same_pids(vs, n, pids, 3);
	for (int i = 0; i < 2; i++) {
		v = victim_of(vs, n, pids[i]);
		assert_int_equal(v->signal, SIGTERM);
		assert_exit(v, SIGTERM, 0);
	}
	v = victim_of(vs, n, pids[2]);
	assert_int_equal(v->signal, SIGTERM);
	assert_exit(v, 0, 3);
	cgkill_op_free(op);
}

/* Escalation: those SIGTERM ended, those SIGKILL ended, each once, with
 * the signal that ended it; the kernel's kill on the native path. */
static void test_escalate(void **state)
{
	for (int fallback = 0; fallback < 2; fallback++) {
		const char *g = cgt_mkgroup(fallback ? "escf" : "escn");
		struct cgkill_opts o = kill_opts(CGKILL_ESCALATE |
						 (fallback ? CGKILL_FORCE_FREEZE : 0));
		struct cgkill_report rep = { .size = sizeof(rep) };
		struct cgkill_victim vs[8];
		const struct cgkill_victim *v;
		struct cgkill_op *op;
		pid_t pids[2];
		int n;

		(void)state;
		pids[0] = rt_spawn(g, RT_PAUSE, NULL);
		pids[1] = rt_spawn(g, RT_IGNORE_TERM, NULL);
		o.signal = SIGTERM;
		o.grace_ms = cgt_ms(200);
		assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
		assert_true(rep.flags & CGKILL_REPORT_ESCALATED);
		reap_pids(g, pids, 2);
		n = victims(op, &rep, vs, 8);
		assert_same_pids(vs, n, pids, 2);
		v = victim_of(vs, n, pids[0]);
		assert_int_equal(v->signal, SIGTERM);
		assert_exit(v, SIGTERM, 0);
		assert_int_equal(v->flags & ~(uint32_t)CGKILL_VICTIM_EXITED, 0);
		v = victim_of(vs, n, pids[1]);
		assert_int_equal(v->signal, SIGKILL);
		assert_exit(v, SIGKILL, 0);
		assert_int_equal(v->flags & ~(uint32_t)CGKILL_VICTIM_EXITED,
				 fallback ? 0 : CGKILL_VICTIM_NATIVE);
		cgkill_op_free(op);
	}
}

/* A listed process that exits (here: killed by us, held unreaped) before
 * the library's signal reaches it is told apart. */
static pid_t doomed;
static int doomed_hits;

static void kill_doomed(const pid_t *pids, size_t n)
{
	for (size_t i = 0; doomed && i < n; i++)
		if (pids[i] == doomed) {
			kill(doomed, SIGKILL);	/* ours, and not reaped: */
			rt_wait_state(doomed, 'Z', 5000);	/* its number stays */
			doomed_hits++;
			doomed = 0;
		}
}

static void test_before(void **state)
{
	for (int fallback = 0; fallback < 2; fallback++) {
		const char *g = cgt_mkgroup(fallback ? "bf" : "bn");
		struct cgkill_opts o = kill_opts(fallback ? CGKILL_FORCE_FREEZE : 0);
		struct cgkill_report rep = { .size = sizeof(rep) };
		struct cgkill_victim vs[8];
		const struct cgkill_victim *v;
		struct cgkill_op *op;
		pid_t pids[3];
		int n;

		(void)state;
		cgt_spawn_many(g, CGT_PAUSE, 3, pids);
		doomed = pids[1];
		doomed_hits = 0;
		cgkill_test_listed = kill_doomed;
		assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
		cgkill_test_listed = NULL;
		assert_int_equal(doomed_hits, 1);
		reap_pids(g, pids, 3);
		n = victims(op, &rep, vs, 8);
		assert_same_pids(vs, n, pids, 3);
		v = victim_of(vs, n, pids[1]);
		/* A /proc/PID directory cannot tell a zombie from the living. */
		if (rt_have_pidfd())
			assert_true(v->flags & CGKILL_VICTIM_BEFORE);
		assert_exit(v, SIGKILL, 0);
		for (int i = 0; i < 3; i += 2) {
			v = victim_of(vs, n, pids[i]);
			assert_false(v->flags & CGKILL_VICTIM_BEFORE);
		}
		cgkill_op_free(op);
	}
}

/* max_victims: that many listed (and pinned), the observer still sees each. */
static void test_limit(void **state)
{
	for (int fallback = 0; fallback < 2; fallback++) {
		const char *g = cgt_mkgroup(fallback ? "lf" : "ln");
		struct cgkill_opts o = kill_opts(fallback ? CGKILL_FORCE_FREEZE : 0);
		struct cgkill_report rep = { .size = sizeof(rep) };
		struct cgkill_victim v = { .size = sizeof(v) };
		struct seen seen = { .n = 0 };
		struct cgkill_op *op;
		pid_t pids[5];
		int fds;

		(void)state;
		cgt_spawn_many(g, CGT_PAUSE, 5, pids);
		o.max_victims = 2;
		o.observer = observe;
		o.userdata = &seen;
		fds = cgt_open_fds();
		assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
		assert_int_equal(rep.n_victims, 2);
		assert_int_equal(seen.n, 5);
		assert_int_equal(cgt_open_fds(), fds + 4 + 2);
		assert_int_equal(cgkill_op_get_victim(op, 1, &v), 0);
		assert_int_equal(cgkill_op_get_victim(op, 2, &v), -ENOENT);
		cgkill_op_free(op);
		reap_pids(g, pids, 5);
	}
}

/* Near RLIMIT_NOFILE the victims are listed without holding a pidfd: the
 * kill never fails for them. */
static void test_fd_limit(void **state)
{
	const char *g = cgt_mkgroup("fdl");
	struct cgkill_opts o = kill_opts(0);
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_victim vs[64];
	struct rlimit saved, rl;
	struct cgkill_op *op;
	pid_t pids[40];
	int n, exited = 0, fds;

	(void)state;
	cgt_spawn_many(g, CGT_PAUSE, 40, pids);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	fds = cgt_open_fds();
	rl = saved;
	rl.rlim_cur = (rlim_t)fds + 64 + 20;	/* room for about 16 */
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	n = rt_run(g, &o, &rep, &op);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
	assert_int_equal(n, CGKILL_DONE);
	assert_int_equal(rep.n_victims, 40);
	reap_pids(g, pids, 40);
	n = victims(op, &rep, vs, 64);
	assert_same_pids(vs, n, pids, 40);
	for (int i = 0; i < n; i++)
		exited += !!(vs[i].flags & CGKILL_VICTIM_EXITED);
	fprintf(stderr, "%d of 40 with their exit status\n", exited);
	assert_true(rt_exit_known() ? exited > 0 && exited < 40 : exited == 0);
	cgkill_op_free(op);
}

static void test_getter_and_opts(void **state)
{
	const char *g = cgt_mkgroup("getter");
	struct cgkill_opts o = kill_opts(0);
	struct cgkill_report rep = { .size = sizeof(rep) };
	union {
		struct cgkill_victim v;
		unsigned char b[CGKILL_STRUCT_SIZE_MAX + 8];
	} big;
	struct cgkill_victim v = { .size = sizeof(v) };
	struct cgkill_op *op;
	pid_t p;

	(void)state;
	p = cgt_spawn(g, CGT_PAUSE);
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
	assert_int_equal(cgkill_op_get_victim(NULL, 0, &v), -EINVAL);
	assert_int_equal(cgkill_op_get_victim(op, 0, NULL), -EINVAL);
	v.size = CGKILL_VICTIM_SIZE_VER0 - 1;
	assert_int_equal(cgkill_op_get_victim(op, 0, &v), -EINVAL);
	memset(&big, 0x5a, sizeof(big));
	big.v.size = CGKILL_STRUCT_SIZE_MAX + 1;
	assert_int_equal(cgkill_op_get_victim(op, 0, &big.v), -E2BIG);
	big.v.size = sizeof(v) + 64;
	assert_int_equal(cgkill_op_get_victim(op, 0, &big.v), 0);
	assert_int_equal(big.v.pid, p);
	for (size_t i = sizeof(v); i < sizeof(v) + 64; i++)
		assert_int_equal(big.b[i], 0);
	v.size = sizeof(v);
	assert_int_equal(cgkill_op_get_victim(op, 1, &v), -ENOENT);
	cgkill_op_free(op);
	cgt_reap(p, 5000);

	/* Without the flag: nothing listed. */
	p = cgt_spawn(g, CGT_PAUSE);
	o.flags = 0;
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
	assert_int_equal(rep.n_victims, 0);
	assert_int_equal(cgkill_op_get_victim(op, 0, &v), -ENOENT);
	cgkill_op_free(op);
	cgt_reap(p, 5000);

	/* Combinations refused before anything is touched. */
	p = cgt_spawn(g, CGT_PAUSE);
	o = kill_opts(CGKILL_DRY_RUN);
	assert_int_equal(rt_run(g, &o, &rep, &op), -EINVAL);
	o = kill_opts(0);
	o.flags = 0;
	o.max_victims = 3;
	assert_int_equal(rt_run(g, &o, &rep, &op), -EINVAL);
	o = kill_opts(CGKILL_SURVIVORS | CGKILL_DRY_RUN);
	o.flags &= ~(uint64_t)CGKILL_VICTIMS;
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
	cgkill_op_free(op);
	assert_true(cgt_alive(p));
}

/* ---- heavy --------------------------------------------------------------- */

/* A fork bomb still growing when the kill starts: each member dies, each
 * is listed with SIGKILL as its end, nothing else is. */
static void bomb(bool fallback)
{
	const char *g = cgt_mkgroup(fallback ? "bombf" : "bombn");
	struct cgkill_opts o = kill_opts(fallback ? CGKILL_FORCE_FREEZE : 0);
	struct cgkill_report rep = { .size = sizeof(rep) };
	static struct rt_reaped reaped[MAXV];
	static struct cgkill_victim vs[MAXV];
	static pid_t pids[MAXV];
	struct seen *seen = calloc(1, sizeof(*seen));
	struct cgkill_op *op;
	int n, nr, started;

	assert_non_null(seen);
	o.observer = observe;
	o.userdata = seen;
	cgt_forkbomb(g, 2000, 300);
	started = cgt_forkbomb_count();
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
	nr = rt_reap(g, reaped, MAXV, 300);
	assert_true(nr <= MAXV);
	for (int i = 0; i < nr; i++) {
		pids[i] = reaped[i].pid;
		assert_true(WIFSIGNALED(reaped[i].status));
		assert_int_equal(WTERMSIG(reaped[i].status), SIGKILL);
	}
	fprintf(stderr, "%s: bomb at %d when the kill started, %d at the end, %d reaped, "
		"%u listed, %llu passes\n", fallback ? "fallback" : "native", started,
		cgt_forkbomb_count(), nr, rep.n_victims, (unsigned long long)rep.passes);
	n = victims(op, &rep, vs, MAXV);
	assert_same_pids(vs, n, pids, nr);
	assert_int_equal(seen->n, n);
	for (int i = 0; i < n; i++) {
		assert_int_equal(vs[i].flags & ~(uint32_t)(CGKILL_VICTIM_NATIVE |
							   CGKILL_VICTIM_EXITED), 0);
		assert_exit(&vs[i], SIGKILL, 0);
		assert_int_equal(vs[i].signal, SIGKILL);
	}
	cgkill_op_free(op);
	free(seen);
}

static void test_bomb_native(void **state)
{
	(void)state;
	bomb(false);
}

static void test_bomb_fallback(void **state)
{
	(void)state;
	bomb(true);
}

/* A thousand processes over ten groups, native: exact. */
static void test_many_native(void **state)
{
	const char *g = cgt_mkgroup("many");
	struct cgkill_opts o = kill_opts(0);
	struct cgkill_report rep = { .size = sizeof(rep) };
	static struct rt_reaped reaped[MAXV];
	static struct cgkill_victim vs[MAXV];
	static pid_t pids[1000];
	struct cgkill_op *op;
	int n;

	(void)state;
	for (int i = 0; i < 10; i++) {
		char rel[32];

		snprintf(rel, sizeof(rel), "many/g%d", i);
		cgt_spawn_many(cgt_mkgroup(rel), CGT_PAUSE, 100, pids + i * 100);
	}
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
	assert_int_equal(rep.n_victims, 1000);
	assert_int_equal(rt_reap(g, reaped, MAXV, 200), 1000);
	n = victims(op, &rep, vs, MAXV);
	assert_same_pids(vs, n, pids, 1000);
	for (int i = 0; i < n; i++) {
		assert_int_equal(vs[i].flags & ~(uint32_t)CGKILL_VICTIM_EXITED,
				 CGKILL_VICTIM_NATIVE);
		assert_exit(&vs[i], SIGKILL, 0);
		assert_int_equal(strncmp(vs[i].cgroup, "g", 1), 0);
	}
	cgkill_op_free(op);
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest light[] = {
		cmocka_unit_test_setup_teardown(test_sigkill, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_sigterm, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_escalate, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_before, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_limit, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_fd_limit, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_getter_and_opts, cgt_setup, rt_teardown),
	};
	static const struct CMUnitTest heavy[] = {
		cmocka_unit_test_setup_teardown(test_bomb_native, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_bomb_fallback, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_many_native, cgt_setup, rt_teardown),
	};
	int r;

	if (argc == 2 && !strcmp(argv[1], "light"))
		return cmocka_run_group_tests_name("victims", light, NULL, NULL);
	if (argc == 2 && !strcmp(argv[1], "heavy"))
		return cmocka_run_group_tests_name("victims-heavy", heavy, NULL, NULL);
	r = cmocka_run_group_tests_name("victims", light, NULL, NULL);
	return r | cmocka_run_group_tests_name("victims-heavy", heavy, NULL, NULL);
}
