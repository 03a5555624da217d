// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The promise "the freezer is never left set" under interruption, on the
 * real kernel, with thousands of processes so that the frozen round lasts
 * long enough to be hit:
 * - the command, by path and by --pid, sent SIGTERM at delays that sweep
 *   the whole call: it dies of the signal, and the group is never frozen;
 * - a thread in a blocking kill, cancelled with pthread_cancel at delays
 *   that sweep the call: the group is never frozen, nothing leaks.
 * The processes ignore every catchable signal, so one population serves
 * every round, and a SIGTERM kill never ends by itself.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#define N_PROCS 2000
#define ROUNDS 40

static pid_t pids[N_PROCS];

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* How long one blocking SIGTERM round takes here (it never ends: timed to
 * the point where the call is waiting), so the delays can sweep it. */
static const char *populate(void)
{
	const char *g = cgt_mkgroup("intr");

	cgt_spawn_many(g, CGT_IGNORE_ALL, N_PROCS, pids);
	return g;
}

static pid_t run_cgkill(const char *target, pid_t pid)
{
	const char *bin = getenv("CGKILL_BIN");
	char pidstr[16];
	pid_t c;

	assert_non_null(bin);
	snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
	c = fork();
	assert_true(c >= 0);
	if (c == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(126);
		if (target)
			execl(bin, "cgkill", "-q", "-s", "TERM", "--fallback", "-t", "inf",
			      target, (char *)NULL);
		else
			execl(bin, "cgkill", "-q", "-s", "TERM", "--fallback", "-t", "inf",
			      "--pid", pidstr, (char *)NULL);
		_exit(127);
	}
	return c;
}

/* Time a run to the moment the round is surely over: cgroup.procs read
 * by the command ends with the thaw, so poll cgroup.freeze going 1 then 0. */
static uint64_t round_us(const char *g, bool by_pid)
{
	uint64_t t0 = mono_us(), t = 0;
	pid_t c = run_cgkill(by_pid ? NULL : g, pids[0]);
	bool seen = false;
	int st;

	for (int i = 0; i < 200000; i++) {
		int f = cgt_frozen_flag(g);

		if (f)
			seen = true;
		if (seen && !f) {
			t = mono_us() - t0;
			break;
		}
		if (!seen && mono_us() - t0 > 10000000)
			break;
	}
	kill(c, SIGTERM);	/* ours */
	assert_int_equal(waitpid(c, &st, 0), c);
	assert_true(seen);
	return t;
}

static void interrupt_command(bool by_pid)
{
	const char *g;
	uint64_t span;
	int hit_frozen = 0;

	cgt_require();
	g = populate();
	span = round_us(g, by_pid);
	fprintf(stderr, "one run: the freeze ends %.1f ms after the start\n", span / 1000.0);
	for (int i = 0; i < ROUNDS; i++) {
		/* Delays from 0 to 1.2 times the span, round by round. */
		uint64_t delay = span * 12 / 10 * (uint64_t)i / ROUNDS;
		pid_t c = run_cgkill(by_pid ? NULL : g, pids[0]);
		int st;

		usleep((useconds_t)delay);
		hit_frozen += cgt_frozen_flag(g);
		kill(c, SIGTERM);	/* ours */
		assert_int_equal(waitpid(c, &st, 0), c);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM)
			fail_msg("round %d: cgkill ended with status %#x, not by SIGTERM", i, st);
		if (cgt_frozen_flag(g))
			fail_msg("round %d (%.1f ms): the group was left frozen", i,
				 delay / 1000.0);
	}
	for (int i = 0; i < N_PROCS; i += N_PROCS / 10)
		assert_true(cgt_alive(pids[i]));
	fprintf(stderr, "%d of %d interrupts landed while the group was frozen\n",
		hit_frozen, ROUNDS);
}

static void test_interrupt_path(void **state)
{
	(void)state;
	interrupt_command(false);
}

static void test_interrupt_pid(void **state)
{
	(void)state;
	interrupt_command(true);
}

struct killer {
	const char *g;
	int r;
};

static void *killer_main(void *data)
{
	struct killer *k = data;
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_opts o;

	cgkill_opts_init(&o);
	o.signal = SIGTERM;
	o.flags = CGKILL_FORCE_FREEZE;
	o.timeout_ms = CGKILL_TIMEOUT_INFINITE;
	k->r = cgkill_path(k->g, &o, &rep);
	return NULL;
}

static void test_cancel(void **state)
{
	struct killer k = { 0 };
	uint64_t span;
	int hit_frozen = 0;

	(void)state;
	cgt_require();
	k.g = populate();
	span = round_us(k.g, false);
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t delay = span * 12 / 10 * (uint64_t)i / ROUNDS;
		int fds = cgt_open_fds();
		pthread_t th;
		void *ret;

		assert_int_equal(pthread_create(&th, NULL, killer_main, &k), 0);
		usleep((useconds_t)delay);
		hit_frozen += cgt_frozen_flag(k.g);
		assert_int_equal(pthread_cancel(th), 0);
		assert_int_equal(pthread_join(th, &ret), 0);
		if (ret != PTHREAD_CANCELED)
			fail_msg("round %d: the kill ended (%d) instead of being cancelled", i, k.r);
		if (cgt_frozen_flag(k.g))
			fail_msg("round %d (%.1f ms): cancelled with the group frozen", i,
				 delay / 1000.0);
		if (cgt_open_fds() != fds)
			fail_msg("round %d: %d fds leaked", i, cgt_open_fds() - fds);
	}
	fprintf(stderr, "%d of %d cancels landed while the group was frozen\n",
		hit_frozen, ROUNDS);
}

#define ONE(f) cmocka_unit_test_setup_teardown(f, cgt_setup, cgt_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ONE(test_interrupt_pid),
		ONE(test_interrupt_path),
		ONE(test_cancel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
