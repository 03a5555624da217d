// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * PID reuse, made deterministic: the test build's hook runs between the
 * library listing a group and signalling what it listed. There the test
 * moves a listed process out of the subtree, or lets it die and hands its
 * pid to a new process outside. Neither outsider may be signalled.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

extern void (*cgkill_test_listed)(const pid_t *pids, size_t n);

static pid_t victim, outsider;
static const char *outside;
static int moved;

static void hook_migrate(const pid_t *pids, size_t n)
{
	char buf[32];

	for (size_t i = 0; i < n && !moved; i++)
		if (pids[i] == victim) {
			snprintf(buf, sizeof(buf), "%d", (int)victim);
			cgt_write(outside, "cgroup.procs", buf);
			moved = 1;
		}
}

/* Give the listed victim's pid to a fresh process in the outside group. */
static void hook_recycle(const pid_t *pids, size_t n)
{
	char buf[32];
	bool listed = false;

	for (size_t i = 0; i < n; i++)
		listed |= pids[i] == victim;
	if (!listed || moved)
		return;
	moved = 1;
	kill(victim, SIGKILL);
	assert_true(cgt_reap(victim, 2000) != -1);
	/* Other processes on the machine fork too: try a few times. */
	for (int t = 0; t < 50 && outsider != victim; t++) {
		int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);

		if (outsider > 0) {
			kill(outsider, SIGKILL);
			cgt_reap(outsider, 2000);
		}
		assert_true(fd >= 0);
		snprintf(buf, sizeof(buf), "%d", (int)victim - 1);
		assert_true(write(fd, buf, strlen(buf)) > 0);
		close(fd);
		outsider = cgt_spawn(outside, CGT_PAUSE);
	}
}

static void run(void **state, void (*hook)(const pid_t *, size_t), int sig, bool procfs)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("race");
	pid_t others[3];
	int ret;

	(void)state;
	outside = cgt_mkgroup("outside");
	victim = cgt_spawn(g, CGT_PAUSE);
	cgt_spawn_many(g, CGT_PAUSE, 3, others);
	outsider = 0;
	moved = 0;
	cgkill_opts_init(&o);
	o.flags = CGKILL_FORCE_FREEZE;
	o.signal = sig;
	o.timeout_ms = sig == SIGKILL ? 10000 : 0;
	if (procfs)
		setenv("CGKILL_NO_PIDFD_INFO", "1", 1);
	cgkill_test_listed = hook;
	/* TERM, not waited for: the others may already be gone, or not. */
	ret = cgkill_path(g, &o, &r);
	if (sig == SIGKILL)
		assert_int_equal(ret, CGKILL_DONE);
	else
		assert_true(ret == CGKILL_DONE || ret == CGKILL_TIMEOUT);
	cgkill_test_listed = NULL;
	unsetenv("CGKILL_NO_PIDFD_INFO");
	assert_true(moved);
	assert_int_equal(r.signaled, 3);	/* the others, not the victim */
	if (hook == hook_recycle) {
		if (outsider != victim)
			fail_msg("could not recycle pid %d (got %d)", (int)victim, (int)outsider);
		assert_true(cgt_alive(outsider));
	} else {
		assert_true(cgt_alive(victim));
	}
	if (sig == SIGKILL) {
		assert_int_equal(cgt_populated(g), 0);
		for (int i = 0; i < 3; i++) {
			int st = cgt_reap(others[i], 2000);

			assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		}
	}
}

static void test_migrated_out(void **state)
{
	run(state, hook_migrate, SIGKILL, false);
}

static void test_migrated_out_term(void **state)
{
	run(state, hook_migrate, SIGTERM, false);
}

static void test_migrated_out_procfs(void **state)
{
	run(state, hook_migrate, SIGKILL, true);
}

static void test_pid_recycled(void **state)
{
	run(state, hook_recycle, SIGKILL, false);
}

static void test_pid_recycled_procfs(void **state)
{
	run(state, hook_recycle, SIGKILL, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrated_out, cgt_setup, cgt_teardown),
		cmocka_unit_test_setup_teardown(test_migrated_out_term, cgt_setup, cgt_teardown),
		cmocka_unit_test_setup_teardown(test_migrated_out_procfs, cgt_setup, cgt_teardown),
		cmocka_unit_test_setup_teardown(test_pid_recycled, cgt_setup, cgt_teardown),
		cmocka_unit_test_setup_teardown(test_pid_recycled_procfs, cgt_setup, cgt_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
