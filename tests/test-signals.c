// SPDX-License-Identifier: LGPL-2.1-or-later
/* Beyond cgroup.kill: any signal, escalation, dry runs, observers, kill by
 * process, the non-blocking API and removal, on the real kernel. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

static uint64_t native = 0, fallback = CGKILL_FORCE_FREEZE;

static void assert_exit(pid_t pid, int code)
{
	int st = cgt_reap(pid, 3000);

	assert_true(st != -1);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), code);
}

static void assert_sigkilled(pid_t pid)
{
	int st = cgt_reap(pid, 3000);

	assert_true(st != -1);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* Wait until the handlers ran: they run once the group is thawed. */
static int count_settled(int n, int want)
{
	int sum = 0;

	for (int t = 0; t < 2000; t++) {
		sum = 0;
		for (int i = 0; i < n; i++)
			sum += cgt_shared[i];
		if (sum >= want)
			break;
		usleep(1000);
	}
	usleep(20000);	/* and no extra delivery comes late */
	sum = 0;
	for (int i = 0; i < n; i++)
		sum += cgt_shared[i];
	return sum;
}

static void test_usr1_once_each(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("usr1"), *sub = cgt_mkgroup("usr1/sub");
	pid_t pids[200];

	cgt_spawn_many(g, CGT_COUNT_USR1, 100, pids);
	cgt_spawn_many(sub, CGT_COUNT_USR1, 100, pids + 100);
	cgt_opts(&o, state);
	o.signal = SIGUSR1;
	o.timeout_ms = 0;
	assert_int_equal(cgkill_path(g, &o, &r), CGKILL_TIMEOUT);
	assert_int_equal(r.last_method, CGKILL_METHOD_FREEZE);	/* any path */
	assert_int_equal(r.signaled, 200);
	assert_int_equal(r.first_signal, SIGUSR1);
	assert_int_equal(count_settled(200, 200), 200);
	for (int i = 0; i < 200; i++) {
		assert_int_equal(cgt_shared[i], 1);
		assert_true(cgt_alive(pids[i]));
	}
	assert_int_equal(cgt_frozen_flag(g), 0);
	assert_int_equal(cgt_frozen_flag(sub), 0);
}

static void test_term_exits_early(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("term");
	pid_t pids[20];

	cgt_spawn_many(g, CGT_EXIT_ON_TERM, 20, pids);
	cgt_opts(&o, state);
	o.signal = SIGTERM;
	o.flags |= CGKILL_ESCALATE;
	o.grace_ms = cgt_ms(5000);
	assert_int_equal(cgkill_path(g, &o, &r), CGKILL_DONE);
	assert_false(r.flags & CGKILL_REPORT_ESCALATED);
	assert_int_equal(r.n_stages, 1);
	assert_true(r.elapsed_ns < (uint64_t)cgt_ms(2000) * 1000000);	/* not the grace */
	assert_int_equal(cgt_populated(g), 0);
	for (int i = 0; i < 20; i++)
		assert_exit(pids[i], 0);
}

static void test_escalation(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_stage st[3];
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("esc");
	pid_t polite[10], stubborn[10];
	int late = 0;

	cgt_spawn_many(g, CGT_EXIT_ON_TERM, 10, polite);
	cgt_spawn_many(g, CGT_IGNORE_ALL, 10, stubborn);
	cgt_opts(&o, state);
	o.signal = SIGTERM;
	o.flags |= CGKILL_ESCALATE;
	o.grace_ms = cgt_ms(300);
	/* As cgkill_path(), as an operation whose stages can be read. */
	assert_int_equal(cgt_kill_stages(g, &o, &r, st, 3), CGKILL_DONE);
	assert_true(r.flags & CGKILL_REPORT_ESCALATED);
	assert_int_equal(r.n_stages, 2);
	assert_int_equal(r.first_signal, SIGTERM);
	assert_int_equal(r.last_signal, SIGKILL);
	assert_int_equal(st[0].signal, SIGTERM);
	assert_int_equal(st[0].method, CGKILL_METHOD_FREEZE);
	assert_int_equal(st[0].signaled, 20);
	assert_int_equal(st[1].signal, SIGKILL);
	assert_int_equal(st[1].method, *(uint64_t *)*state ?
			 CGKILL_METHOD_FREEZE : CGKILL_METHOD_NATIVE);
	assert_int_equal(r.last_method, st[1].method);
	assert_int_equal(st[2].signal, 0);	/* no third stage */
	/* Stage by stage, the report's totals. */
	assert_int_equal(st[0].signaled + st[1].signaled, r.signaled);
	assert_int_equal((uint64_t)st[0].passes + st[1].passes, r.passes);
	assert_true(st[0].passes >= 2);	/* the last one finds nobody new */
	/* The second stage starts once the grace has passed, and before the
	 * call returns. */
	assert_true(st[0].started_ns < st[1].started_ns);
	assert_true(st[1].started_ns - st[0].started_ns >= (uint64_t)cgt_ms(300) * 1000000);
	assert_true(st[1].started_ns <= r.elapsed_ns);
	assert_true(r.elapsed_ns >= (uint64_t)cgt_ms(300) * 1000000);
	assert_true(r.flags & CGKILL_REPORT_NO_USERS);
	assert_false(r.flags & CGKILL_REPORT_TIMED_OUT);
	assert_int_equal(cgt_populated(g), 0);
	for (int i = 0; i < 10; i++) {
		int ws = cgt_reap(polite[i], 3000);

		assert_true(ws != -1);
		/* Under memcheck a handler can be slower than the grace. */
		if (WIFSIGNALED(ws) && cgt_ms(1) > 1)
			late++;
		else
			assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
		assert_sigkilled(stubborn[i]);
	}
	if (*(uint64_t *)*state)
		assert_int_equal(st[1].signaled, 10 + late);
}

static void test_sigcont_stopped(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("stopped");
	pid_t pids[5];

	cgt_spawn_many(g, CGT_EXIT_ON_TERM, 5, pids);
	for (int i = 0; i < 5; i++)
		assert_int_equal(kill(pids[i], SIGSTOP), 0);
	cgt_opts(&o, state);
	o.signal = SIGTERM;
	o.flags |= CGKILL_SIGCONT;
	o.timeout_ms = cgt_ms(5000);
	assert_int_equal(cgkill_path(g, &o, &r), CGKILL_DONE);
	for (int i = 0; i < 5; i++)
		assert_exit(pids[i], 0);	/* the handler ran */
}

static void test_timeout_without_escalation(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("deaf");
	pid_t pids[10];

	cgt_spawn_many(g, CGT_IGNORE_ALL, 10, pids);
	cgt_opts(&o, state);
	o.signal = SIGTERM;
	o.timeout_ms = cgt_ms(300);
	assert_int_equal(cgkill_path(g, &o, &r), CGKILL_TIMEOUT);
	assert_true(r.flags & CGKILL_REPORT_TIMED_OUT);
	assert_false(r.flags & CGKILL_REPORT_NO_USERS);
	assert_true(r.flags & CGKILL_REPORT_POPULATED);
	assert_int_equal(r.signaled, 10);
	assert_true(r.elapsed_ns >= (uint64_t)cgt_ms(300) * 1000000 &&
		    r.elapsed_ns < (uint64_t)cgt_ms(1500) * 1000000);
	for (int i = 0; i < 10; i++)
		assert_true(cgt_alive(pids[i]));
	assert_int_equal(cgt_frozen_flag(g), 0);
}

struct seen {
	pid_t pids[64];
	char groups[64][32];
	int n, sig, fail_at;
	bool dry;
};

static int observer(const struct cgkill_proc *p, void *userdata)
{
	struct seen *s = userdata;

	if (s->n == s->fail_at)
		return -ECANCELED;
	s->pids[s->n] = p->pid;
	snprintf(s->groups[s->n], sizeof(s->groups[0]), "%s", p->cgroup);
	s->sig = p->signal;
	s->dry = !!(p->flags & CGKILL_PROC_DRY_RUN);
	s->n++;
	return 0;
}

static bool listed(const struct seen *s, pid_t pid, const char *group)
{
	for (int i = 0; i < s->n; i++)
		if (s->pids[i] == pid)
			return !strcmp(s->groups[i], group);
	return false;
}

static void test_dry_run(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct seen s = { .fail_at = -1 };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("dry"), *sub = cgt_mkgroup("dry/a/b");
	pid_t top[3], deep[4];

	cgt_spawn_many(g, CGT_PAUSE, 3, top);
	cgt_spawn_many(sub, CGT_PAUSE, 4, deep);
	cgt_opts(&o, state);
	o.flags |= CGKILL_DRY_RUN;
	o.observer = observer;
	o.userdata = &s;
	assert_int_equal(cgkill_path(g, &o, &r), CGKILL_DONE);
	assert_int_equal(r.last_method, CGKILL_METHOD_NONE);
	assert_int_equal(r.signaled, 0);
	assert_false(r.flags & CGKILL_REPORT_NO_USERS);
	assert_int_equal(s.n, 7);
	assert_true(s.dry);
	assert_int_equal(s.sig, SIGKILL);
	for (int i = 0; i < 3; i++) {
		assert_true(listed(&s, top[i], ""));
		assert_true(cgt_alive(top[i]));
	}
	for (int i = 0; i < 4; i++) {
		assert_true(listed(&s, deep[i], "a/b"));
		assert_true(cgt_alive(deep[i]));
	}
	assert_int_equal(cgt_frozen_flag(g), 0);
}

static void test_observer(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct seen s = { .fail_at = -1 };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("obs"), *g2 = cgt_mkgroup("obs2");
	pid_t pids[5], other[5];

	cgt_spawn_many(g, CGT_PAUSE, 5, pids);
	cgt_opts(&o, state);
	o.flags |= CGKILL_FORCE_FREEZE;
	o.observer = observer;
	o.userdata = &s;
	assert_int_equal(cgkill_path(g, &o, &r), CGKILL_DONE);
	assert_int_equal(s.n, 5);
	assert_false(s.dry);
	for (int i = 0; i < 5; i++) {
		assert_true(listed(&s, pids[i], ""));
		assert_sigkilled(pids[i]);
	}
	/* A negative return stops the operation with that error; the
	 * freezer is restored. */
	cgt_spawn_many(g2, CGT_COUNT_TERM, 5, other);
	memset(&s, 0, sizeof(s));
	s.fail_at = 2;
	o.signal = SIGTERM;
	assert_int_equal(cgkill_path(g2, &o, &r), -ECANCELED);
	assert_int_equal(cgt_frozen_flag(g2), 0);
	for (int i = 0; i < 5; i++)
		assert_true(cgt_alive(other[i]));
}

static void test_kill_by_pid(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("bypid"), *g2 = cgt_mkgroup("bypidfd");
	pid_t a[3], b[3], gone;
	int pidfd;

	cgt_spawn_many(g, CGT_PAUSE, 3, a);
	cgt_spawn_many(g2, CGT_PAUSE, 3, b);
	cgt_opts(&o, state);
	assert_int_equal(cgkill_pid(a[1], &o, &r), CGKILL_DONE);
	for (int i = 0; i < 3; i++) {
		assert_sigkilled(a[i]);
		assert_true(cgt_alive(b[i]));
	}
	pidfd = cgt_pidfd_open(b[2]);
	assert_true(pidfd >= 0);
	assert_int_equal(cgkill_pidfd(pidfd, &o, &r), CGKILL_DONE);
	close(pidfd);
	for (int i = 0; i < 3; i++)
		assert_sigkilled(b[i]);
	/* A pidfd whose process has exited (and been reaped). */
	gone = cgt_spawn(cgt_mkgroup("bypidfd2"), CGT_PAUSE);
	pidfd = cgt_pidfd_open(gone);
	assert_true(pidfd >= 0);
	kill(gone, SIGKILL);
	assert_sigkilled(gone);
	assert_int_equal(cgkill_pidfd(pidfd, &o, &r), -ESRCH);
	close(pidfd);
	assert_int_equal(cgkill_pidfd(0, &o, &r), -EBADF);	/* stdin */
}

static void test_nonblocking(void **state)
{
	static pid_t pids[1000];
	struct cgkill_report r = { .size = sizeof(r) };
	struct epoll_event ev, out[4];
	struct itimerspec its = { .it_interval = { 0, 5000000 }, .it_value = { 0, 5000000 } };
	struct cgkill_opts o;
	struct cgkill_op *op;
	const char *g = cgt_mkgroup("loop");
	char rel[32];
	int ep, tfd, fd, res = CGKILL_RUNNING, calls = 0, fds_before;

	for (int i = 0; i < 10; i++) {
		snprintf(rel, sizeof(rel), "loop/g%d", i);
		cgt_spawn_many(cgt_mkgroup(rel), CGT_PAUSE, 100, pids + i * 100);
	}
	cgt_opts(&o, state);
	fd = open(g, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ep = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	assert_int_equal(timerfd_settime(tfd, 0, &its, NULL), 0);
	assert_int_equal(cgkill_op_start(fd, &o, &op), 0);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u32 = 1 };
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, cgkill_op_get_fd(op), &ev), 0);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u32 = 2 };
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev), 0);
	while (res == CGKILL_RUNNING) {
		int n = epoll_wait(ep, out, 4, 10000);

		assert_true(n > 0);
		for (int i = 0; i < n; i++) {
			uint64_t ticks;

			if (out[i].data.u32 == 2) {
				assert_int_equal(read(tfd, &ticks, sizeof(ticks)), sizeof(ticks));
				continue;
			}
			calls++;
			res = cgkill_op_process(op, &r);
		}
	}
	assert_int_equal(res, CGKILL_DONE);
	assert_true(calls >= 1);
	/* Asking again gives the same result. */
	assert_int_equal(cgkill_op_process(op, &r), CGKILL_DONE);
	cgkill_op_free(op);
	for (int i = 0; i < 1000; i++)
		assert_sigkilled(pids[i]);
	assert_int_equal(cgt_populated(g), 0);

	/* Cancel in the middle: TERM ignored, a long timeout, then free. */
	fds_before = cgt_open_fds();
	cgt_spawn_many(cgt_mkgroup("loop/g0"), CGT_IGNORE_ALL, 20, pids);
	o.signal = SIGTERM;
	o.timeout_ms = 60000;
	assert_int_equal(cgkill_op_start(fd, &o, &op), 0);
	assert_int_equal(cgkill_op_process(op, &r), CGKILL_RUNNING);
	assert_int_equal(cgt_frozen_flag(g), 0);
	cgkill_op_free(op);
	assert_int_equal(cgt_open_fds(), fds_before);
	assert_int_equal(cgt_frozen_flag(g), 0);
	for (int i = 0; i < 20; i++)
		assert_true(cgt_alive(pids[i]));
	close(tfd);
	close(ep);
	close(fd);
}

static void test_remove(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *top = cgt_mkgroup("rm"), *leaf = cgt_mkgroup("rm/a/b");
	const char *kt_top = cgt_mkgroup("rmkt"), *kt_leaf = cgt_mkgroup("rmkt/x/y");
	pid_t p1, p2, kt;

	p1 = cgt_spawn(top, CGT_PAUSE);
	p2 = cgt_spawn(leaf, CGT_PAUSE);
	cgt_opts(&o, state);
	o.flags |= CGKILL_REMOVE;
	assert_int_equal(cgkill_path(top, &o, &r), CGKILL_DONE);
	assert_sigkilled(p1);
	assert_sigkilled(p2);
	assert_int_equal(access(top, F_OK), -1);
	assert_int_equal(errno, ENOENT);
	assert_true(r.flags & CGKILL_REPORT_NO_USERS);
	assert_true(r.flags & CGKILL_REPORT_REMOVED);
	assert_false(r.flags & CGKILL_REPORT_TIMED_OUT);
	assert_int_equal(r.remove_error, 0);
	/* A group that stays populated (a kernel thread) is not removed. */
	kt = cgt_move_kthread(kt_leaf);
	if (!kt && getenv("CGKILL_REQUIRE_CGROUP"))
		fail_msg("no kernel thread could be moved into a cgroup");
	if (!kt)
		return;
	p1 = cgt_spawn(kt_top, CGT_PAUSE);
	memset(&r, 0xa5, sizeof(r));
	r.size = sizeof(r);
	/* The kill succeeded, the removal failed: its error, and the report
	 * says both. */
	assert_int_equal(cgkill_path(kt_top, &o, &r), -EBUSY);
	assert_sigkilled(p1);
	assert_int_equal(access(kt_leaf, F_OK), 0);
	assert_int_equal(access(kt_top, F_OK), 0);
	assert_int_equal(r.size, sizeof(r));
	assert_true(r.flags & CGKILL_REPORT_NO_USERS);
	assert_true(r.flags & CGKILL_REPORT_POPULATED);
	assert_false(r.flags & CGKILL_REPORT_REMOVED);
	assert_false(r.flags & CGKILL_REPORT_TIMED_OUT);
	assert_int_equal(r.remove_error, -EBUSY);
	assert_int_equal(r.kernel_threads, 1);
	assert_int_equal(r.n_stages, 1);
	assert_int_equal(r.first_signal, SIGKILL);
	assert_int_equal(r.thaw_error, 0);
	assert_int_equal(kill(kt, 0), 0);
}

/* The kill empties the subtree, but a group below cannot be removed (a
 * mount sits on its directory: rmdir says EBUSY for as long as it is
 * there): retried for a bounded time, then the removal's error with the
 * kill's outcome in the report.  The mount lives in a mount namespace of a
 * child of ours, which makes the call and passes the results back. */
struct rm_result {
	int ret, step;
	struct cgkill_report r;
};

static void test_remove_busy(void **state)
{
	const char *top = cgt_mkgroup("rmbusy"), *leaf = cgt_mkgroup("rmbusy/a/b");
	struct rm_result res = { .ret = 1 };
	struct cgkill_opts o;
	pid_t p1, p2, child;
	int ws, p[2];

	p1 = cgt_spawn(top, CGT_PAUSE);
	p2 = cgt_spawn(leaf, CGT_PAUSE);
	cgt_opts(&o, state);
	o.flags |= CGKILL_REMOVE;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		res.r = (struct cgkill_report){ .size = sizeof(res.r) };
		res.step = 1;
		/* Private first: the mount must not propagate back to ours. */
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
			goto out;
		res.step = 2;
		if (mount("none", leaf, "tmpfs", 0, "size=4k") < 0)
			goto out;
		res.step = 3;
		res.ret = cgkill_path(top, &o, &res.r);
out:
		_exit(write(p[1], &res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &res, sizeof(res)), sizeof(res));
	close(p[0]);
	ws = cgt_reap(child, 10000);
	if (ws == -1 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		fail_msg("the child that made the call: wait status %#x", ws);
	assert_int_equal(res.step, 3);
	assert_int_equal(res.ret, -EBUSY);
	assert_sigkilled(p1);
	assert_sigkilled(p2);
	assert_int_equal(cgt_populated(top), 0);
	assert_true(res.r.flags & CGKILL_REPORT_NO_USERS);
	assert_false(res.r.flags & CGKILL_REPORT_POPULATED);
	assert_false(res.r.flags & CGKILL_REPORT_REMOVED);
	assert_false(res.r.flags & CGKILL_REPORT_TIMED_OUT);
	assert_int_equal(res.r.remove_error, -EBUSY);
	/* EBUSY is retried, by the clock (about a second), not forever. */
	assert_true(res.r.elapsed_ns >= 900000000ULL);
	assert_true(res.r.elapsed_ns < (uint64_t)cgt_ms(10000) * 1000000);
	/* Nothing above the busy group was removed either. */
	assert_int_equal(access(leaf, F_OK), 0);
	assert_int_equal(access(top, F_OK), 0);
	/* With the mount gone (the child's namespace with it), it goes. */
	res.r = (struct cgkill_report){ .size = sizeof(res.r) };
	assert_int_equal(cgkill_path(top, &o, &res.r), CGKILL_DONE);
	assert_true(res.r.flags & CGKILL_REPORT_REMOVED);
	assert_int_equal(res.r.remove_error, 0);
	assert_int_equal(access(top, F_OK), -1);
}

/* The stages of an operation as it goes, and cgkill_op_get_stage()'s
 * argument checks. */
static void test_stages(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_stage st = { .size = sizeof(st) };
	static union {
		struct cgkill_stage st;
		unsigned char b[CGKILL_STRUCT_SIZE_MAX + 64];
	} big;
	struct cgkill_opts o;
	struct cgkill_op *op;
	const char *g = cgt_mkgroup("stages");
	const size_t tail = 64;
	pid_t stubborn[3];
	int fd, res;

	cgt_spawn_many(g, CGT_IGNORE_ALL, 3, stubborn);
	cgt_opts(&o, state);
	o.signal = SIGTERM;
	o.flags |= CGKILL_ESCALATE;
	o.grace_ms = cgt_ms(200);
	fd = open(g, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(cgkill_op_start(fd, &o, &op), 0);
	/* The first stage is there from the start; the second is not yet. */
	assert_int_equal(cgkill_op_get_stage(op, 0, &st), 0);
	assert_int_equal(st.size, sizeof(st));
	assert_int_equal(st.signal, SIGTERM);
	assert_int_equal(st.method, CGKILL_METHOD_FREEZE);
	assert_int_equal(st.signaled, 3);
	assert_true(st.passes >= 2);
	assert_int_equal(cgkill_op_get_stage(op, 1, &st), -ENOENT);
	assert_int_equal(cgkill_op_get_stage(op, UINT32_MAX, &st), -ENOENT);
	/* Argument checks. */
	assert_int_equal(cgkill_op_get_stage(NULL, 0, &st), -EINVAL);
	assert_int_equal(cgkill_op_get_stage(op, 0, NULL), -EINVAL);
	st.size = 0;
	assert_int_equal(cgkill_op_get_stage(op, 0, &st), -EINVAL);
	st.size = CGKILL_STAGE_SIZE_VER0 - 1;
	assert_int_equal(cgkill_op_get_stage(op, 0, &st), -EINVAL);
	big.st.size = CGKILL_STRUCT_SIZE_MAX + 1;
	assert_int_equal(cgkill_op_get_stage(op, 0, &big.st), -E2BIG);
	/* A newer caller's larger struct: its tail zeroed, not a byte past
	 * its size written. */
	memset(big.b, 0xa5, sizeof(big.b));
	big.st.size = (uint32_t)(sizeof(struct cgkill_stage) + tail);
	assert_int_equal(cgkill_op_get_stage(op, 0, &big.st), 0);
	assert_int_equal(big.st.size, sizeof(struct cgkill_stage) + tail);
	assert_int_equal(big.st.signal, SIGTERM);
	for (size_t i = sizeof(struct cgkill_stage); i < sizeof(struct cgkill_stage) + tail; i++)
		assert_int_equal(big.b[i], 0);
	for (size_t i = sizeof(struct cgkill_stage) + tail; i < sizeof(big.b); i++)
		assert_int_equal(big.b[i], 0xa5);
	/* Run to the end: escalated, two stages. */
	res = cgkill_op_wait(op, &r);
	assert_int_equal(res, CGKILL_DONE);
	assert_int_equal(r.n_stages, 2);
	assert_true(r.flags & CGKILL_REPORT_ESCALATED);
	st = (struct cgkill_stage){ .size = sizeof(st) };
	assert_int_equal(cgkill_op_get_stage(op, 0, &st), 0);
	assert_int_equal(st.signal, SIGTERM);
	assert_int_equal(st.signaled, 3);
	{
		struct cgkill_stage s1 = { .size = sizeof(s1) };

		assert_int_equal(cgkill_op_get_stage(op, 1, &s1), 0);
		assert_int_equal(s1.signal, SIGKILL);
		assert_int_equal(s1.method, *(uint64_t *)*state ?
				 CGKILL_METHOD_FREEZE : CGKILL_METHOD_NATIVE);
		assert_int_equal(r.last_method, s1.method);
		assert_true(s1.started_ns >= st.started_ns + (uint64_t)cgt_ms(200) * 1000000);
		assert_true(s1.started_ns <= r.elapsed_ns);
		if (*(uint64_t *)*state)
			assert_int_equal(s1.signaled, 3);
		assert_int_equal(st.signaled + s1.signaled, r.signaled);
		assert_int_equal((uint64_t)st.passes + s1.passes, r.passes);
	}
	assert_int_equal(cgkill_op_get_stage(op, 2, &st), -ENOENT);
	/* Asking again changes nothing. */
	assert_int_equal(cgkill_op_wait(op, &r), CGKILL_DONE);
	assert_int_equal(r.n_stages, 2);
	cgkill_op_free(op);
	for (int i = 0; i < 3; i++)
		assert_sigkilled(stubborn[i]);

	/* A dry run has no stage at all. */
	cgt_spawn_many(g, CGT_PAUSE, 2, stubborn);
	cgkill_opts_init(&o);
	o.flags = CGKILL_DRY_RUN;
	assert_int_equal(cgkill_op_start(fd, &o, &op), 0);
	assert_int_equal(cgkill_op_wait(op, &r), CGKILL_DONE);
	assert_int_equal(r.n_stages, 0);
	assert_int_equal(r.last_method, CGKILL_METHOD_NONE);
	st = (struct cgkill_stage){ .size = sizeof(st) };
	assert_int_equal(cgkill_op_get_stage(op, 0, &st), -ENOENT);
	cgkill_op_free(op);
	assert_true(cgt_alive(stubborn[0]) && cgt_alive(stubborn[1]));
	/* Without escalation, one stage that started before the end. */
	cgt_opts(&o, state);
	assert_int_equal(cgkill_op_start(fd, &o, &op), 0);
	assert_int_equal(cgkill_op_wait(op, &r), CGKILL_DONE);
	assert_int_equal(r.n_stages, 1);
	assert_int_equal(r.first_signal, SIGKILL);
	assert_int_equal(r.last_signal, SIGKILL);
	assert_int_equal(cgkill_op_get_stage(op, 0, &st), 0);
	assert_int_equal(st.signal, SIGKILL);
	assert_int_equal(st.method, r.last_method);
	assert_true(st.started_ns <= r.elapsed_ns);
	assert_int_equal(st.signaled, r.signaled);
	assert_int_equal(cgkill_op_get_stage(op, 1, &st), -ENOENT);
	cgkill_op_free(op);
	assert_sigkilled(stubborn[0]);
	assert_sigkilled(stubborn[1]);
	close(fd);
}

static void assert_same_dir(int fd, const char *path)
{
	struct stat a, b;

	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat(path, &b), 0);
	assert_true(S_ISDIR(a.st_mode));
	assert_int_equal(a.st_dev, b.st_dev);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

/* The group a process lives in, by pid and by pidfd; nothing is signalled. */
static void test_open_pid(void **state)
{
	const char *g = cgt_mkgroup("openpid"), *deep = cgt_mkgroup("openpid/a/b");
	pid_t top, low, gone;
	int fd, pidfd;
	char path[64];

	(void)state;
	top = cgt_spawn(g, CGT_PAUSE);
	low = cgt_spawn(deep, CGT_PAUSE);
	fd = cgkill_open_pid(top, 0);
	assert_true(fd >= 0);
	assert_same_dir(fd, g);
	close(fd);
	/* Its own group, not the top of the subtree. */
	fd = cgkill_open_pid(low, 0);
	assert_true(fd >= 0);
	assert_same_dir(fd, deep);
	close(fd);
	pidfd = cgt_pidfd_open(low);
	assert_true(pidfd >= 0);
	fd = cgkill_open_pidfd(pidfd, 0);
	assert_true(fd >= 0);
	assert_same_dir(fd, deep);
	close(fd);
	assert_int_equal(cgkill_open_pidfd(pidfd, 1), -EINVAL);
	assert_int_equal(cgkill_open_pidfd(pidfd, ~0U), -EINVAL);
	close(pidfd);
	/* A /proc/PID directory fd will do as well. */
	snprintf(path, sizeof(path), "/proc/%d", (int)top);
	pidfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(pidfd >= 0);
	fd = cgkill_open_pidfd(pidfd, 0);
	assert_true(fd >= 0);
	assert_same_dir(fd, g);
	close(fd);
	close(pidfd);
	/* Bad arguments. */
	assert_int_equal(cgkill_open_pid(top, 1), -EINVAL);
	assert_int_equal(cgkill_open_pid(top, 1U << 31), -EINVAL);
	assert_int_equal(cgkill_open_pid(0, 0), -EINVAL);
	assert_int_equal(cgkill_open_pid(-1, 0), -EINVAL);
	assert_int_equal(cgkill_open_pid(-top, 0), -EINVAL);
	assert_int_equal(cgkill_open_pidfd(-1, 0), -EBADF);
	assert_int_equal(cgkill_open_pidfd(-1, 1), -EBADF);
	/* A process that has exited and been reaped. */
	gone = cgt_spawn(cgt_mkgroup("openpid-gone"), CGT_PAUSE);
	pidfd = cgt_pidfd_open(gone);
	assert_true(pidfd >= 0);
	assert_int_equal(kill(gone, SIGKILL), 0);	/* ours */
	assert_sigkilled(gone);
	assert_int_equal(cgkill_open_pidfd(pidfd, 0), -ESRCH);
	close(pidfd);
	assert_int_equal(cgkill_open_pid(gone, 0), -ESRCH);
	/* Nothing was signalled. */
	assert_true(cgt_alive(top));
	assert_true(cgt_alive(low));
}

static void test_frozen_descendant_pending(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("pend"), *cold = cgt_mkgroup("pend/cold");
	pid_t warm[3], frozen[4];

	cgt_spawn_many(g, CGT_EXIT_ON_TERM, 3, warm);
	cgt_spawn_many(cold, CGT_EXIT_ON_TERM, 4, frozen);
	cgt_write(cold, "cgroup.freeze", "1");
	cgt_opts(&o, state);
	o.signal = SIGTERM;
	o.timeout_ms = cgt_ms(300);
	assert_int_equal(cgkill_path(g, &o, &r), CGKILL_TIMEOUT);
	assert_int_equal(r.signaled, 7);
	assert_int_equal(r.frozen_pending, 4);
	assert_int_equal(cgt_frozen_flag(cold), 1);
	assert_int_equal(cgt_frozen_flag(g), 0);
	for (int i = 0; i < 3; i++)
		assert_exit(warm[i], 0);
	for (int i = 0; i < 4; i++)
		assert_true(cgt_alive(frozen[i]));
	/* Thawed, they act on the pending signal. */
	cgt_write(cold, "cgroup.freeze", "0");
	for (int i = 0; i < 4; i++)
		assert_exit(frozen[i], 0);
}

/* An unprivileged caller that may signal some of a group but not all:
 * refused with EPERM before anything is frozen or signalled. */
static void test_no_half_done(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("half");
	pid_t mine[3], root_owned, caller;
	int st, p[2];

	cgt_spawn_many(g, CGT_COUNT_TERM_NOBODY, 3, mine);
	root_owned = cgt_spawn(g, CGT_COUNT_TERM);
	{
		/* The caller may freeze the group: without the check first it
		 * would signal its own processes and then fail on root's. */
		char path[8192];

		snprintf(path, sizeof(path), "%s/cgroup.freeze", g);
		assert_int_equal(chown(path, 65534, 65534), 0);
	}
	cgt_opts(&o, state);
	o.signal = SIGTERM;
	o.timeout_ms = 0;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	caller = fork();
	assert_true(caller >= 0);
	if (caller == 0) {
		int res;

		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(1);
		res = cgkill_path(g, &o, &r);
		_exit(write(p[1], &res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(p[1]);
	{
		int res = 0;

		assert_int_equal(read(p[0], &res, sizeof(res)), sizeof(res));
		assert_int_equal(res, -EPERM);
	}
	close(p[0]);
	st = cgt_reap(caller, 5000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	usleep(50000);	/* a delivery, had there been one, has landed */
	for (int i = 0; i < 4; i++)
		assert_int_equal(cgt_shared[i], 0);
	for (int i = 0; i < 3; i++)
		assert_true(cgt_alive(mine[i]));
	assert_true(cgt_alive(root_owned));
	assert_int_equal(cgt_frozen_flag(g), 0);
	/* As root the same call goes through. */
	assert_int_equal(cgkill_path(g, &o, &r) >= 0, 1);
	assert_int_equal(count_settled(4, 4), 4);
}

#define ONE(f, s) cmocka_unit_test_prestate_setup_teardown(f, cgt_setup, cgt_teardown, s)
#define BOTH(f) ONE(f, &native), ONE(f, &fallback)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ONE(test_usr1_once_each, &native),
		ONE(test_term_exits_early, &native),
		BOTH(test_escalation),
		ONE(test_sigcont_stopped, &native),
		ONE(test_timeout_without_escalation, &native),
		ONE(test_dry_run, &native),
		ONE(test_observer, &native),
		BOTH(test_kill_by_pid),
		BOTH(test_nonblocking),
		BOTH(test_remove),
		ONE(test_remove_busy, &native),
		BOTH(test_stages),
		ONE(test_open_pid, &native),
		ONE(test_frozen_descendant_pending, &native),
		ONE(test_no_half_done, &native),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
