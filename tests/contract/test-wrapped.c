// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Honest results when the kernel refuses what cannot be retried, on the
 * real kernel, with the library's objects linked with --wrap=write and
 * --wrap=unlinkat so that a test can make exactly one kind of call fail:
 * - every thaw fails: the call says CGKILL_LEFT_FROZEN and why, never an
 *   ordinary error, and the group is in fact still frozen;
 * - the kill works but removal fails: the report says the subtree was
 *   emptied and the removal's error apart;
 * - removal stays busy: retried by the clock for its whole second, however
 *   fast the caller spins on cgkill_op_process().
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

static int fail_thaw;		/* errno for writes of "0" to cgroup.freeze */
static int fail_rmdir;		/* errno for every rmdir */
static int rmdir_calls;

static bool is_freeze_file(int fd)
{
	char link[64], target[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return n > 14 && !strcmp(target + n - 14, "/cgroup.freeze");
}

ssize_t __real_write(int fd, const void *b, size_t n);
ssize_t __wrap_write(int fd, const void *b, size_t n);
ssize_t __wrap_write(int fd, const void *b, size_t n)
{
	if (fail_thaw && n >= 1 && ((const char *)b)[0] == '0' && is_freeze_file(fd)) {
		errno = fail_thaw;
		return -1;
	}
	return __real_write(fd, b, n);
}

int __real_unlinkat(int d, const char *p, int f);
int __wrap_unlinkat(int d, const char *p, int f);
int __wrap_unlinkat(int d, const char *p, int f)
{
	if (fail_rmdir) {
		rmdir_calls++;
		errno = fail_rmdir;
		return -1;
	}
	return __real_unlinkat(d, p, f);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void left_frozen(int sig, bool by_op)
{
	struct cgkill_report rep = { .size = sizeof(rep) };
	const char *g = cgt_mkgroup("thaw");
	struct cgkill_opts o;
	pid_t pids[3];
	int r;

	cgt_spawn_many(g, CGT_COUNT_TERM, 3, pids);
	cgkill_opts_init(&o);
	o.signal = sig;
	o.flags = CGKILL_FORCE_FREEZE;
	fail_thaw = EACCES;
	if (by_op) {
		struct cgkill_op *op;
		int fd = cgkill_open(g, 0);

		assert_true(fd >= 0);
		assert_int_equal(cgkill_op_start(fd, &o, &op), 0);
		r = cgkill_op_process(op, &rep);
		cgkill_op_free(op);
		close(fd);
	} else {
		r = cgkill_path(g, &o, &rep);
	}
	fail_thaw = 0;
	assert_int_equal(r, CGKILL_LEFT_FROZEN);
	assert_true(rep.flags & CGKILL_REPORT_THAW_FAILED);
	assert_int_equal(rep.thaw_error, -EACCES);
	assert_int_equal(rep.n_stages, 1);
	assert_int_equal(rep.signaled, 3);
	/* The truth: still frozen.  We thaw it for the cleanup. */
	assert_int_equal(cgt_frozen_flag(g), 1);
	cgt_write(g, "cgroup.freeze", "0");
	if (sig == SIGTERM)
		for (int i = 0; i < 3; i++)
			assert_true(cgt_alive(pids[i]));
}

static void test_thaw_fails_term(void **state)
{
	(void)state;
	cgt_require();
	left_frozen(SIGTERM, false);
}

static void test_thaw_fails_kill_op(void **state)
{
	(void)state;
	cgt_require();
	left_frozen(SIGKILL, true);
}

static void test_remove_fails(void **state)
{
	struct cgkill_report rep = { .size = sizeof(rep) };
	const char *g = cgt_mkgroup("rm"), *sub = cgt_mkgroup("rm/sub");
	struct cgkill_opts o;
	pid_t a, b;

	(void)state;
	cgt_require();
	a = cgt_spawn(g, CGT_PAUSE);
	b = cgt_spawn(sub, CGT_PAUSE);
	cgkill_opts_init(&o);
	o.flags = CGKILL_REMOVE;
	fail_rmdir = EACCES;
	assert_int_equal(cgkill_path(g, &o, &rep), -EACCES);
	fail_rmdir = 0;
	/* The kill's outcome and the removal's, apart. */
	assert_true(rep.flags & CGKILL_REPORT_NO_USERS);
	assert_false(rep.flags & CGKILL_REPORT_REMOVED);
	assert_int_equal(rep.remove_error, -EACCES);
	assert_int_equal(cgt_populated(g), 0);
	assert_true(cgt_reap(a, 2000) != -1);
	assert_true(cgt_reap(b, 2000) != -1);
}

static void test_remove_busy_spinning(void **state)
{
	struct cgkill_report rep = { .size = sizeof(rep) };
	const char *g = cgt_mkgroup("busy");
	struct cgkill_opts o;
	struct cgkill_op *op;
	uint64_t t0, spent;
	long spins = 0;
	int fd, r;
	pid_t a;

	(void)state;
	cgt_require();
	a = cgt_spawn(g, CGT_PAUSE);
	cgkill_opts_init(&o);
	o.flags = CGKILL_REMOVE;
	fd = cgkill_open(g, 0);
	assert_true(fd >= 0);
	rmdir_calls = 0;
	fail_rmdir = EBUSY;
	t0 = mono_ms();
	assert_int_equal(cgkill_op_start(fd, &o, &op), 0);
	/* A caller that never waits for the fd. */
	while ((r = cgkill_op_process(op, &rep)) == CGKILL_RUNNING && mono_ms() - t0 < 10000)
		spins++;
	spent = mono_ms() - t0;
	fail_rmdir = 0;
	cgkill_op_free(op);
	close(fd);
	fprintf(stderr, "%ld calls in %llu ms, %d rmdir attempts\n", spins,
		(unsigned long long)spent, rmdir_calls);
	assert_int_equal(r, -EBUSY);
	assert_true(rep.flags & CGKILL_REPORT_NO_USERS);
	assert_int_equal(rep.remove_error, -EBUSY);
	/* A second of retries by the clock, about one a millisecond. */
	assert_true(spent >= 1000);
	assert_true(rmdir_calls <= 1100);
	assert_true(cgt_reap(a, 2000) != -1);
}

#define ONE(f) cmocka_unit_test_setup_teardown(f, cgt_setup, cgt_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ONE(test_thaw_fails_term),
		ONE(test_thaw_fails_kill_op),
		ONE(test_remove_fails),
		ONE(test_remove_busy_spinning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
