// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Survivors on the real kernel: after a SIGTERM that times out, every user
 * process left is listed with what explains it (blocked, ignored, caught,
 * frozen by the user, ptrace-stopped, stopped, in D state, a zombie leader
 * with live threads, dying); limits; the getter's rules; and nothing read
 * on the way to a success nobody asked about (every open of the library
 * counted through the linker's --wrap).
 *
 * Run as "test-survivors light" (valgrind-safe) or "test-survivors heavy"
 * (vfork, ptrace, hundreds of processes).
 *
 * Safety: only processes this test started are signalled; a tracer of ours
 * is killed by pid, the rest by the teardown's cgroup.kill of our groups.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports.h"

/* ---- every open of the library, counted -------------------------------- */

int __real_openat64(int d, const char *p, int f, ...);
int __wrap_openat64(int d, const char *p, int f, ...);
static int n_wchan, n_status, n_proc;

static bool ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);

	return n >= m && !strcmp(s + n - m, end);
}

int __wrap_openat64(int d, const char *p, int f, ...)
{
	va_list ap;
	mode_t mode = 0;

	if (f & O_CREAT) {
		va_start(ap, f);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (p && !strncmp(p, "/proc/", 6)) {
		n_proc++;
		n_wchan += ends_with(p, "/wchan");
		n_status += ends_with(p, "/status");
	}
	return __real_openat64(d, p, f, mode);
}

static void count_reset(void)
{
	n_wchan = n_status = n_proc = 0;
}

/* ---- helpers ------------------------------------------------------------- */

static struct cgkill_opts term_opts(int64_t timeout_ms)
{
	struct cgkill_opts o;

	cgkill_opts_init(&o);
	o.signal = SIGTERM;
	o.timeout_ms = cgt_ms(timeout_ms);
	return o;
}

/* Survivor of pid, asserting it is listed exactly once. */
static struct cgkill_survivor find(const struct cgkill_op *op,
				   const struct cgkill_report *rep, pid_t pid)
{
	struct cgkill_survivor s = { .size = sizeof(s) }, found = { .size = 0 };
	int seen = 0;

	for (uint32_t i = 0; i < rep->n_survivors; i++) {
		assert_int_equal(cgkill_op_get_survivor(op, i, &s), 0);
		assert_int_equal(s.size, sizeof(s));
		assert_non_null(s.cgroup);
		if (s.pid == pid) {
			found = s;
			seen++;
		}
	}
	if (seen != 1)
		fail_msg("pid %d listed %d times among %u survivors", (int)pid, seen,
			 rep->n_survivors);
	return found;
}

static void assert_none_listed(const struct cgkill_op *op)
{
	struct cgkill_survivor s = { .size = sizeof(s) };

	assert_int_equal(cgkill_op_get_survivor(op, 0, &s), -ENOENT);
}

/* ---- light --------------------------------------------------------------- */

/* Blocked, ignored, caught: each after a SIGTERM that timed out. */
static void test_dispositions(void **state)
{
	const char *g = cgt_mkgroup("disp"), *sub = cgt_mkgroup("disp/sub");
	struct cgkill_opts o = term_opts(300);
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_survivor s;
	struct cgkill_op *op;
	pid_t blk, ign, cgt, dflt;

	(void)state;
	blk = rt_spawn(g, RT_BLOCK_TERM, NULL);
	ign = rt_spawn(sub, RT_IGNORE_TERM, NULL);
	cgt = rt_spawn(sub, RT_CATCH_TERM, NULL);
	dflt = rt_spawn(g, RT_PAUSE, NULL);	/* dies of it: not a survivor */
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_TIMEOUT);
	assert_true(rep.flags & CGKILL_REPORT_TIMED_OUT);
	assert_int_equal(rep.n_survivors, 3);
	assert_int_equal(rep.survivors, 3);
	assert_int_equal(rep.hidden, 0);

	s = find(op, &rep, blk);
	assert_int_equal(s.disposition, CGKILL_DISP_BLOCKED);
	assert_string_equal(s.cgroup, "");
	s = find(op, &rep, ign);
	assert_int_equal(s.disposition, CGKILL_DISP_IGNORED);
	assert_string_equal(s.cgroup, "sub");
	s = find(op, &rep, cgt);
	assert_int_equal(s.disposition, CGKILL_DISP_CAUGHT);
	assert_string_equal(s.cgroup, "sub");
	for (uint32_t i = 0; i < rep.n_survivors; i++) {
		s = (struct cgkill_survivor){ .size = sizeof(s) };
		assert_int_equal(cgkill_op_get_survivor(op, i, &s), 0);
		assert_int_equal(s.signal, SIGTERM);
		assert_int_equal(s.state, 'S');
		assert_int_equal(s.why, 0);	/* nothing holds them but themselves */
		assert_int_equal(s.tracer, 0);
		assert_int_equal(s.threads, 1);
		assert_non_null(memchr(s.comm, '\0', sizeof(s.comm)));
		assert_true(strlen(s.comm) > 0);
		assert_non_null(memchr(s.wchan, '\0', sizeof(s.wchan)));
	}
	cgkill_op_free(op);
	assert_int_equal(WTERMSIG(cgt_reap(dflt, 5000)), SIGTERM);
	assert_true(cgt_alive(blk) && cgt_alive(ign) && cgt_alive(cgt));
}

/* A group the user froze holds its processes: FROZEN, whatever else; the
 * user's freeze is left as it was. */
static void test_user_frozen(void **state)
{
	const char *g = cgt_mkgroup("uf"), *ice = cgt_mkgroup("uf/ice");
	struct cgkill_opts o = term_opts(300);
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_survivor s;
	struct cgkill_op *op;
	pid_t in, out;

	(void)state;
	in = rt_spawn(ice, RT_CATCH_TERM, NULL);
	out = rt_spawn(g, RT_BLOCK_TERM, NULL);
	cgt_write(ice, "cgroup.freeze", "1");
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_TIMEOUT);
	assert_int_equal(rep.n_survivors, 2);
	s = find(op, &rep, in);
	assert_true(s.why & CGKILL_WHY_FROZEN);
	assert_int_equal(s.disposition, CGKILL_DISP_CAUGHT);
	assert_string_equal(s.cgroup, "ice");
	s = find(op, &rep, out);
	assert_false(s.why & CGKILL_WHY_FROZEN);
	assert_int_equal(s.disposition, CGKILL_DISP_BLOCKED);
	cgkill_op_free(op);
	assert_int_equal(cgt_frozen_flag(ice), 1);
	assert_int_equal(cgt_frozen_flag(g), 0);
}

/* Frozen by a group above the target: nothing in the target says so but
 * "frozen 1" and the ancestor's own cgroup.freeze. */
static void test_frozen_above(void **state)
{
	const char *up = cgt_mkgroup("above"), *t = cgt_mkgroup("above/t");
	struct cgkill_opts o = term_opts(200);
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_survivor s;
	struct cgkill_op *op;
	pid_t p;

	(void)state;
	p = rt_spawn(t, RT_CATCH_TERM, NULL);
	cgt_write(up, "cgroup.freeze", "1");
	assert_int_equal(rt_run(t, &o, &rep, &op), CGKILL_TIMEOUT);
	assert_int_equal(rep.n_survivors, 1);
	s = find(op, &rep, p);
	assert_true(s.why & CGKILL_WHY_FROZEN);
	cgkill_op_free(op);
	cgt_write(up, "cgroup.freeze", "0");
}

/* max_survivors smaller than the count: that many listed, all counted. */
static void test_limit(void **state)
{
	const char *g = cgt_mkgroup("limit");
	struct cgkill_opts o = term_opts(200);
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_survivor s = { .size = sizeof(s) };
	struct cgkill_op *op;
	pid_t pids[5];

	(void)state;
	for (int i = 0; i < 5; i++)
		pids[i] = rt_spawn(g, RT_IGNORE_TERM, NULL);
	o.max_survivors = 2;
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_TIMEOUT);
	assert_int_equal(rep.n_survivors, 2);
	assert_int_equal(rep.survivors, 5);
	for (uint32_t i = 0; i < 2; i++) {
		bool ours = false;

		assert_int_equal(cgkill_op_get_survivor(op, i, &s), 0);
		for (int k = 0; k < 5; k++)
			ours |= s.pid == pids[k];
		assert_true(ours);
	}
	assert_int_equal(cgkill_op_get_survivor(op, 2, &s), -ENOENT);
	cgkill_op_free(op);
}

/* The getter's rules, as cgkill_op_get_stage()'s. */
static void test_getter(void **state)
{
	const char *g = cgt_mkgroup("getter");
	struct cgkill_opts o = term_opts(100);
	struct cgkill_report rep = { .size = sizeof(rep) };
	union {
		struct cgkill_survivor s;
		unsigned char b[CGKILL_STRUCT_SIZE_MAX + 8];
	} big;
	struct cgkill_survivor s = { .size = sizeof(s) };
	struct cgkill_op *op;
	pid_t p;

	(void)state;
	p = rt_spawn(g, RT_IGNORE_TERM, NULL);
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_TIMEOUT);
	assert_int_equal(rep.n_survivors, 1);
	assert_int_equal(cgkill_op_get_survivor(NULL, 0, &s), -EINVAL);
	assert_int_equal(cgkill_op_get_survivor(op, 0, NULL), -EINVAL);
	s.size = CGKILL_SURVIVOR_SIZE_VER0 - 1;
	assert_int_equal(cgkill_op_get_survivor(op, 0, &s), -EINVAL);
	memset(&big, 0x5a, sizeof(big));
	big.s.size = CGKILL_STRUCT_SIZE_MAX + 1;
	assert_int_equal(cgkill_op_get_survivor(op, 0, &big.s), -E2BIG);
	/* A newer caller's larger struct: its tail zeroed. */
	big.s.size = sizeof(s) + 64;
	assert_int_equal(cgkill_op_get_survivor(op, 0, &big.s), 0);
	assert_int_equal(big.s.pid, p);
	for (size_t i = sizeof(s); i < sizeof(s) + 64; i++)
		assert_int_equal(big.b[i], 0);
	assert_int_equal(big.b[sizeof(s) + 64], 0x5a);
	s.size = sizeof(s);
	assert_int_equal(cgkill_op_get_survivor(op, 1, &s), -ENOENT);
	assert_int_equal(cgkill_op_get_survivor(op, UINT32_MAX, &s), -ENOENT);
	cgkill_op_free(op);
}

/* A zombie leader whose other thread lives, SIGTERM ignored. */
static void test_zombie_leader(void **state)
{
	const char *g = cgt_mkgroup("zl");
	struct cgkill_opts o = term_opts(200);
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_survivor s;
	struct cgkill_op *op;
	pid_t p;

	(void)state;
	p = rt_spawn(g, RT_ZOMBIE_LEADER, NULL);
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_TIMEOUT);
	assert_int_equal(rep.n_survivors, 1);
	s = find(op, &rep, p);
	assert_int_equal(s.state, 'Z');
	assert_int_equal(s.why, CGKILL_WHY_ZOMBIE_LEADER);
	assert_int_equal(s.threads, 2);
	/* valgrind blocks every signal in its threads. */
	if (!rt_valgrind())
		assert_int_equal(s.disposition, CGKILL_DISP_IGNORED);
	cgkill_op_free(op);
}

/* Kernel threads and the caller are counted or left out, never listed. */
static void test_kernel_thread(void **state)
{
	const char *g = cgt_mkgroup("kt");
	struct cgkill_opts o = term_opts(200);
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_op *op;
	pid_t p, k;

	(void)state;
	p = rt_spawn(g, RT_BLOCK_TERM, NULL);
	k = cgt_move_kthread(g);
	if (!k)
		skip();
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_TIMEOUT);
	assert_int_equal(rep.n_survivors, 1);
	assert_int_equal(rep.survivors, 1);
	assert_true(rep.kernel_threads >= 1);
	(void)find(op, &rep, p);
	cgkill_op_free(op);
}

/* A dry run with CGKILL_SURVIVORS lists who is there, about the signal it
 * would send. */
static void test_dry_run(void **state)
{
	const char *g = cgt_mkgroup("dry");
	struct cgkill_opts o = term_opts(0);
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_survivor s;
	struct cgkill_op *op;
	pid_t a, b;

	(void)state;
	a = rt_spawn(g, RT_PAUSE, NULL);
	b = rt_spawn(g, RT_CATCH_TERM, NULL);
	o.flags = CGKILL_DRY_RUN | CGKILL_SURVIVORS;
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
	assert_int_equal(rep.n_survivors, 2);
	assert_int_equal(rep.survivors, 2);
	s = find(op, &rep, a);
	assert_int_equal(s.signal, SIGTERM);
	/* valgrind catches every signal for its children. */
	if (!rt_valgrind())
		assert_int_equal(s.disposition, CGKILL_DISP_DEFAULT);
	s = find(op, &rep, b);
	assert_int_equal(s.disposition, CGKILL_DISP_CAUGHT);
	cgkill_op_free(op);
	assert_true(cgt_alive(a) && cgt_alive(b));
}

/* Zero cost: on a success, or a dry run, without CGKILL_SURVIVORS no
 * survivor is read (not one /proc/PID/status or wchan opened, counts 0);
 * the same runs with the flag do read (the counter works). */
static void test_nothing_read_unasked(void **state)
{
	const char *g = cgt_mkgroup("cost");
	struct cgkill_opts o;
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_op *op;

	(void)state;
	for (int i = 0; i < 3; i++)
		rt_spawn(g, RT_CATCH_TERM, NULL);
	cgkill_opts_init(&o);
	o.flags = CGKILL_DRY_RUN;
	count_reset();
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
	assert_int_equal(n_status + n_wchan, 0);
	assert_int_equal(rep.n_survivors, 0);
	assert_int_equal(rep.survivors, 0);
	assert_none_listed(op);
	cgkill_op_free(op);

	o.flags = CGKILL_DRY_RUN | CGKILL_SURVIVORS;
	count_reset();
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
	assert_int_equal(n_status, 3);
	assert_int_equal(n_wchan, 3);
	assert_int_equal(rep.n_survivors, 3);
	cgkill_op_free(op);

	/* The kill itself, native and fallback: no survivor read. */
	for (int fallback = 0; fallback < 2; fallback++) {
		for (int i = 0; i < 3; i++)
			rt_spawn(g, RT_CATCH_TERM, NULL);
		cgkill_opts_init(&o);
		o.flags = fallback ? CGKILL_FORCE_FREEZE : 0;
		o.timeout_ms = cgt_ms(10000);
		count_reset();
		assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_DONE);
		assert_int_equal(n_status + n_wchan, 0);
		assert_int_equal(rep.n_survivors, 0);
		assert_int_equal(rep.survivors, 0);
		assert_none_listed(op);
		cgkill_op_free(op);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}

/* ---- heavy --------------------------------------------------------------- */

/* A vfork parent waits in D state for its child, which is stopped. */
static void test_uninterruptible(void **state)
{
	const char *g = cgt_mkgroup("dstate");
	struct cgkill_opts o = term_opts(300);
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_survivor s;
	struct cgkill_op *op;
	pid_t parent, child = 0;

	(void)state;
	parent = rt_spawn(g, RT_VFORK_STOPPED, &child);
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_TIMEOUT);
	assert_int_equal(rep.n_survivors, 2);
	s = find(op, &rep, parent);
	assert_int_equal(s.state, 'D');
	assert_true(s.why & CGKILL_WHY_UNINTERRUPTIBLE);
	assert_false(s.why & CGKILL_WHY_STOPPED);
	assert_int_equal(s.disposition, CGKILL_DISP_CAUGHT);
	/* Where it waits: the kernel names it, for root. */
	assert_true(strlen(s.wchan) > 0);
	fprintf(stderr, "vfork parent waits in %s\n", s.wchan);
	s = find(op, &rep, child);
	assert_int_equal(s.state, 'T');
	assert_true(s.why & CGKILL_WHY_STOPPED);
	assert_false(s.why & CGKILL_WHY_UNINTERRUPTIBLE);
	cgkill_op_free(op);
}

/* A process held in a ptrace stop by a tracer of ours: TRACED, by it. */
static void test_traced(void **state)
{
	const char *g = cgt_mkgroup("traced");
	struct cgkill_opts o = term_opts(300);
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_survivor s;
	struct cgkill_op *op;
	pid_t p, tracer;

	(void)state;
	p = rt_spawn(g, RT_PAUSE, NULL);
	tracer = rt_trace(p);
	assert_int_equal(rt_run(g, &o, &rep, &op), CGKILL_TIMEOUT);
	assert_int_equal(rep.n_survivors, 1);
	s = find(op, &rep, p);
	assert_int_equal(s.state, 't');
	assert_true(s.why & CGKILL_WHY_TRACED);
	assert_int_equal(s.tracer, tracer);
	assert_int_equal(s.disposition, CGKILL_DISP_DEFAULT);
	cgkill_op_free(op);
	rt_kill_tracer(tracer);
}

/* Stuck on its way out: SIGKILLed, held in its exit stop by a tracer of
 * ours (PTRACE_O_TRACEEXIT).  DYING, and TRACED by that tracer. */
static void test_dying(void **state)
{
	const char *g = cgt_mkgroup("dying");
	struct cgkill_opts o;
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_survivor s;
	struct cgkill_op *op;
	pid_t p, tracer;
	int r;

	(void)state;
	p = rt_spawn(g, RT_PAUSE, NULL);
	tracer = rt_trace_exit(p);
	cgkill_opts_init(&o);
	o.timeout_ms = cgt_ms(300);
	r = rt_run(g, &o, &rep, &op);
	if (r == CGKILL_DONE) {
		/* Kernels that skip the exit stop once SIGKILL is pending. */
		cgkill_op_free(op);
		fprintf(stderr, "SKIP: no exit stop after SIGKILL on this kernel\n");
		skip();
	}
	rt_wait_exit_stop(tracer);
	assert_int_equal(r, CGKILL_TIMEOUT);
	assert_int_equal(rep.n_survivors, 1);
	s = find(op, &rep, p);
	assert_int_equal(s.why, CGKILL_WHY_DYING | CGKILL_WHY_TRACED);
	assert_int_equal(s.tracer, tracer);
	assert_int_equal(s.state, 't');
	assert_int_equal(s.signal, SIGKILL);
	assert_int_equal(s.disposition, CGKILL_DISP_DEFAULT);
	cgkill_op_free(op);
	rt_kill_tracer(tracer);
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest light[] = {
		cmocka_unit_test_setup_teardown(test_dispositions, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_user_frozen, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_frozen_above, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_limit, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_getter, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_zombie_leader, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_kernel_thread, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_dry_run, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_nothing_read_unasked, cgt_setup,
						rt_teardown),
	};
	static const struct CMUnitTest heavy[] = {
		cmocka_unit_test_setup_teardown(test_uninterruptible, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_traced, cgt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_dying, cgt_setup, rt_teardown),
	};
	int r;

	if (argc == 2 && !strcmp(argv[1], "light"))
		return cmocka_run_group_tests_name("survivors", light, NULL, NULL);
	if (argc == 2 && !strcmp(argv[1], "heavy"))
		return cmocka_run_group_tests_name("survivors-heavy", heavy, NULL, NULL);
	r = cmocka_run_group_tests_name("survivors", light, NULL, NULL);
	return r | cmocka_run_group_tests_name("survivors-heavy", heavy, NULL, NULL);
}
