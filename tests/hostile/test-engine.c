// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine attacked, on the real kernel (issue 10, items 4 to 7).
 *
 * The caller in its own target.  Root can write the killer's pid into the
 * target at any time, even while the target is frozen for a round: the
 * kernel freezes the killer with it, and once someone thaws the target the
 * killer runs on, lists itself and, before, signalled itself (its own
 * SIGTERM, or the wait's SIGKILL mop-up).  With CGKILL_ALLOW_SELF it was
 * signalled on purpose, and cgroup.kill killed it.  Now it is never
 * signalled: EDEADLK, or with CGKILL_ALLOW_SELF the rest is killed and the
 * caller left out.  Each "caller" here is a child of the test, with a
 * SIGTERM handler that counts what it gets.
 *
 * frozen_pending.  A fatal signal ends a process even in a frozen group (the
 * kernel's shortcut), so such a process does not wait for a thaw; a freeze
 * made by a concurrent call's round is thawed in a moment, so what it holds
 * does not wait either.  Before, both were counted.
 *
 * A pid marked as a kernel thread stayed marked for the whole operation:
 * had a user process got the number since, it was skipped and the wait
 * ended on "only kernel threads left" while it lived.  A kernel thread
 * that exits and a user process given its number cannot be made on demand,
 * so the test makes the library see one number first as a kernel thread,
 * then as the user process it is: in a private mount namespace, a kernel
 * thread's /proc/PID/stat is bind-mounted over the user process's for the
 * first round, and unmounted before the wait.  That is what the /proc route
 * reads (CGKILL_NO_PIDFD_INFO=1: with PIDFD_GET_INFO the library asks /proc
 * only about children of kthreadd), and exactly what real reuse looks like
 * to it: the same number, now with a user process behind it.
 *
 * A freeze that someone writes during our round: before, our thaw undid it.
 * The test build's listing hook (called with each group's listing, before
 * any of it is signalled) writes it while the round holds the target.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

extern void (*cgkill_test_listed)(const pid_t *pids, size_t n);

/* What a caller child saw, in memory shared with the test. */
struct outcome {
	int rc;
	int step;		/* how far the child got: 0 means nowhere */
	int terms;		/* SIGTERMs it received */
	int freeze_after;	/* the target's cgroup.freeze once it returned */
	struct cgkill_report rep;
};

static struct outcome *out;
static const char *target;
static int moving_w = -1;	/* the caller tells the test it moves in */
static int moved;

static void count_term(int sig)
{
	(void)sig;
	__atomic_fetch_add(&out->terms, 1, __ATOMIC_SEQ_CST);
}

static int read_int_file(const char *group, const char *file)
{
	char path[8192], b[16];
	int fd, n;

	snprintf(path, sizeof(path), "%s/%s", group, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = (int)read(fd, b, sizeof(b) - 1);
	close(fd);
	return n > 0 ? b[0] - '0' : -1;
}

static int write_str(const char *group, const char *file, const char *val)
{
	char path[8192];
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", group, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -errno;
	close(fd);
	return r;
}

static struct outcome *shared_outcome(void)
{
	struct outcome *o = mmap(NULL, sizeof(*o), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	assert_true(o != MAP_FAILED);
	memset(o, 0, sizeof(*o));
	o->rc = -9999;
	o->freeze_after = -1;
	o->rep.size = sizeof(o->rep);
	return o;
}

/* Run body in a child of ours that counts its SIGTERMs; it _exit(0)s. */
static pid_t caller(void (*body)(void))
{
	struct sigaction sa = { .sa_handler = count_term };
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		sigaction(SIGTERM, &sa, NULL);
		body();
		out->freeze_after = read_int_file(target, "cgroup.freeze");
		_exit(0);
	}
	return pid;
}

/* The caller must have returned by itself, not died of a signal. */
static void reap_caller(pid_t pid)
{
	int st = cgt_reap(pid, (int)cgt_ms(30000));

	if (st == -1) {
		kill(pid, SIGKILL);	/* ours */
		cgt_reap(pid, 5000);
		fail_msg("the caller did not return (step %d)", out->step);
	}
	if (WIFSIGNALED(st))
		fail_msg("the caller was killed by signal %d (step %d, %d SIGTERMs)",
			 WTERMSIG(st), out->step, out->terms);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("the caller failed: wait status %#x (step %d)", st, out->step);
}

static void assert_died_of(pid_t pid, int sig)
{
	int st = cgt_reap(pid, (int)cgt_ms(5000));

	if (st == -1)
		fail_msg("process %d is still alive", (int)pid);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != sig)
		fail_msg("process %d: wait status %#x, not killed by signal %d",
			 (int)pid, st, sig);
}

static void join(const char *group)
{
	if (write_str(group, "cgroup.procs", "0") < 0)
		_exit(90);
}

static void opts_for(struct cgkill_opts *o, int sig, uint64_t flags)
{
	cgkill_opts_init(o);
	o->signal = sig;
	o->flags = flags;
	o->timeout_ms = cgt_ms(5000);
	o->grace_ms = flags & CGKILL_ESCALATE ? cgt_ms(50) : 0;
}

/* ---- 4. the caller in its own target ----------------------------------- */

/* Inside from the start, allowed: SIGTERM goes to the rest, and the wait
 * ends when only the caller is left. */
static void body_inside_term(void)
{
	struct cgkill_opts o;

	join(target);
	out->step = 1;
	opts_for(&o, SIGTERM, CGKILL_ALLOW_SELF);
	out->rc = cgkill_path(target, &o, &out->rep);
	out->step = 2;
}

static void test_self_allowed_term(void **state)
{
	const char *sub;
	pid_t v[5], c;

	(void)state;
	target = cgt_mkgroup("self");
	sub = cgt_mkgroup("self/sub");
	out = shared_outcome();
	cgt_spawn_many(target, CGT_PAUSE, 3, v);
	cgt_spawn_many(sub, CGT_PAUSE, 2, v + 3);
	c = caller(body_inside_term);
	reap_caller(c);
	assert_int_equal(out->terms, 0);
	assert_int_equal(out->rc, CGKILL_DONE);
	assert_int_equal(out->rep.signaled, 5);
	assert_int_equal(out->rep.last_method, CGKILL_METHOD_FREEZE);
	assert_true(out->rep.flags & CGKILL_REPORT_NO_USERS);
	assert_true(out->rep.flags & CGKILL_REPORT_POPULATED);	/* the caller */
	assert_false(out->rep.flags & CGKILL_REPORT_TIMED_OUT);
	for (int i = 0; i < 5; i++)
		assert_died_of(v[i], SIGTERM);
	assert_int_equal(out->freeze_after, 0);
	assert_int_equal(cgt_frozen_flag(target), 0);
	munmap(out, sizeof(*out));
}

/* Inside, allowed, escalated: neither the SIGTERM nor the SIGKILL (which
 * cgroup.kill would deliver to the caller too) reaches the caller. */
static void body_inside_escalate(void)
{
	struct cgkill_opts o;

	join(target);
	out->step = 1;
	opts_for(&o, SIGTERM, CGKILL_ALLOW_SELF | CGKILL_ESCALATE);
	out->rc = cgkill_path(target, &o, &out->rep);
	out->step = 2;
}

static void test_self_allowed_escalate(void **state)
{
	pid_t v[3], c;

	(void)state;
	target = cgt_mkgroup("selfesc");
	out = shared_outcome();
	cgt_spawn_many(target, CGT_IGNORE_ALL, 3, v);
	c = caller(body_inside_escalate);
	reap_caller(c);
	assert_int_equal(out->terms, 0);
	assert_int_equal(out->rc, CGKILL_DONE);
	assert_true(out->rep.flags & CGKILL_REPORT_ESCALATED);
	assert_true(out->rep.flags & CGKILL_REPORT_NO_USERS);
	assert_int_equal(out->rep.n_stages, 2);
	assert_int_equal(out->rep.last_signal, SIGKILL);
	assert_int_equal(out->rep.last_method, CGKILL_METHOD_FREEZE);
	assert_int_equal(out->rep.signaled, 6);	/* 3 TERM, then 3 KILL */
	for (int i = 0; i < 3; i++)
		assert_died_of(v[i], SIGKILL);
	munmap(out, sizeof(*out));
}

/* Not inside at the start; moved in by "root" (itself, from the listing
 * hook) while the round has the target frozen: the kernel freezes it on
 * the spot, and it stays frozen until the test thaws the target. */
static void hook_move_self(const pid_t *pids, size_t n)
{
	(void)pids;
	(void)n;
	if (moved || read_int_file(target, "cgroup.freeze") != 1)
		return;	/* the signal-0 pass before the freeze */
	moved = 1;
	if (write(moving_w, "m", 1) != 1)
		_exit(91);
	join(target);	/* frozen on the way back from this write */
	out->step = 2;
}

static void body_moved_in_round(void)
{
	struct cgkill_opts o;

	out->step = 1;
	moved = 0;
	cgkill_test_listed = hook_move_self;
	opts_for(&o, SIGTERM, 0);
	o.timeout_ms = 0;
	out->rc = cgkill_path(target, &o, &out->rep);
	cgkill_test_listed = NULL;
	out->step = 3;
}

static bool listed_in(const char *group, pid_t pid)
{
	char path[8192], buf[65536], *p;
	int fd, n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", group);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	for (p = buf; *p; p = strchr(p, '\n') + 1)
		if (atoi(p) == pid)
			return true;
	return false;
}

static bool events_say(const char *group, const char *what, int ms)
{
	char path[8192], buf[256];

	snprintf(path, sizeof(path), "%s/cgroup.events", group);
	for (int t = 0; t < ms; t++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		int n = fd < 0 ? -1 : (int)read(fd, buf, sizeof(buf) - 1);

		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = '\0';
			if (strstr(buf, what))
				return true;
		}
		usleep(1000);
	}
	return false;
}

static void test_self_moved_in_frozen_round(void **state)
{
	struct pollfd pfd = { .events = POLLIN };
	int p[2], t;
	pid_t v[4], c;
	char m;

	(void)state;
	target = cgt_mkgroup("moved");
	out = shared_outcome();
	cgt_spawn_many(target, CGT_COUNT_TERM, 4, v);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	moving_w = p[1];
	c = caller(body_moved_in_round);
	close(p[1]);
	pfd.fd = p[0];
	if (poll(&pfd, 1, (int)cgt_ms(20000)) != 1 || read(p[0], &m, 1) != 1) {
		close(p[0]);
		reap_caller(c);
		fail_msg("the caller never moved in (rc %d)", out->rc);
	}
	close(p[0]);
	for (t = 0; t < cgt_ms(10000) && !listed_in(target, c); t++)
		usleep(1000);
	assert_true(listed_in(target, c));
	/* The kernel froze it with the rest: until someone thaws, it is
	 * stuck wherever it was. */
	assert_true(events_say(target, "frozen 1", (int)cgt_ms(10000)));
	usleep(20000);
	assert_int_equal(out->step, 1);
	cgt_write(target, "cgroup.freeze", "0");	/* someone thaws it */
	reap_caller(c);
	assert_int_equal(out->terms, 0);
	assert_int_equal(out->rc, -EDEADLK);
	assert_int_equal(out->freeze_after, 0);
	assert_int_equal(cgt_frozen_flag(target), 0);
	assert_true(events_say(target, "frozen 0", (int)cgt_ms(5000)));
	for (int i = 0; i < 4; i++)
		assert_true(cgt_alive(v[i]));
	munmap(out, sizeof(*out));
}

/* Moved in while the operation waits after cgroup.kill, a kernel thread
 * keeping the target populated: the rescans' SIGKILL mop-up would kill the
 * caller.  allow: CGKILL_ALLOW_SELF. */
static bool allow;

static void body_joins_in_wait(void)
{
	struct cgkill_op *op = NULL;
	struct cgkill_opts o;
	int fd = open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	opts_for(&o, SIGKILL, allow ? CGKILL_ALLOW_SELF : 0);
	if (fd < 0 || cgkill_op_start(fd, &o, &op) < 0)
		_exit(92);
	close(fd);
	out->step = 1;
	join(target);
	out->step = 2;
	out->rc = cgkill_op_wait(op, &out->rep);
	cgkill_op_free(op);
	out->step = 3;
}

static void joins_in_wait(bool allowed)
{
	pid_t v[2], c, k;

	target = cgt_mkgroup(allowed ? "joinok" : "join");
	out = shared_outcome();
	cgt_spawn_many(target, CGT_PAUSE, 2, v);
	k = cgt_move_kthread(target);
	if (!k)
		fail_msg("no kernel thread can be moved into %s", target);
	allow = allowed;
	c = caller(body_joins_in_wait);
	reap_caller(c);
	assert_int_equal(out->terms, 0);
	for (int i = 0; i < 2; i++)
		assert_died_of(v[i], SIGKILL);
	assert_int_equal(out->rep.last_method, CGKILL_METHOD_NATIVE);
	if (allowed) {
		assert_int_equal(out->rc, CGKILL_DONE);
		assert_true(out->rep.flags & CGKILL_REPORT_NO_USERS);
		assert_true(out->rep.flags & CGKILL_REPORT_POPULATED);
		assert_int_equal(out->rep.kernel_threads, 1);
	} else {
		/* A failure during the wait: the report is filled. */
		assert_int_equal(out->rc, -EDEADLK);
		assert_int_equal(out->rep.size, sizeof(out->rep));
		assert_false(out->rep.flags & CGKILL_REPORT_NO_USERS);
	}
	assert_int_equal(kill(k, 0), 0);
	munmap(out, sizeof(*out));
}

static void test_self_joins_in_wait(void **state)
{
	(void)state;
	joins_in_wait(false);
}

static void test_self_joins_in_wait_allowed(void **state)
{
	(void)state;
	joins_in_wait(true);
}

/* ---- 5. frozen_pending ------------------------------------------------- */

/*
 * Processes whose SIGTERM disposition is what the kernel sees.  A child
 * forked under valgrind has valgrind's handler behind every signal, which
 * the kernel's fatal shortcut never takes, so these children run this
 * program again through execve(2) (valgrind follows no exec by default),
 * as "victim KIND FD": it sets its disposition, says so on FD and waits.
 */
enum disp {
	D_DEFAULT,	/* SIGTERM kills: the kernel's shortcut, even frozen */
	D_HANDLED,	/* the handler _exit(0)s: acted on once thawed */
	D_IGNORED,
	D_BLOCKED,
	D_THREAD,	/* the main thread blocks it, another does not: the
			   other thread takes it, and it kills */
};

static const char *const disp_name[] = { "default", "handled", "ignored",
					  "blocked", "thread" };

/* Unblocks SIGTERM in itself, then says the process is ready. */
static void *unblocked_thread(void *arg)
{
	int ready = *(int *)arg;
	sigset_t term;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	pthread_sigmask(SIG_UNBLOCK, &term, NULL);
	if (write(ready, "r", 1) != 1)
		_exit(94);
	for (;;)
		pause();
	return NULL;
}

static void exit_on_term(int sig)
{
	(void)sig;
	_exit(0);
}

static int victim_main(const char *kind, int ready)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	static int fd;
	sigset_t term;
	pthread_t th;
	int d = 0;

	while (d < D_THREAD && strcmp(kind, disp_name[d]))
		d++;
	fd = ready;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (d == D_HANDLED || d == D_IGNORED) {
		sa.sa_handler = d == D_HANDLED ? exit_on_term : SIG_IGN;
		sigaction(SIGTERM, &sa, NULL);
	}
	if (d == D_BLOCKED || d == D_THREAD)
		sigprocmask(SIG_BLOCK, &term, NULL);
	if (d == D_THREAD && pthread_create(&th, NULL, unblocked_thread, &fd))
		return 93;
	if (d != D_THREAD && write(fd, "r", 1) != 1)
		return 94;
	for (;;)
		pause();
}

/* A child of ours in group with the given SIGTERM disposition. */
static pid_t spawn_disp(const char *group, enum disp d)
{
	char exe[4096], arg[16], c;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int p[2];
	pid_t pid;

	assert_true(n > 0);
	exe[n] = '\0';
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sigset_t none;
		int w;

		close(p[0]);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		join(group);
		w = fcntl(p[1], F_DUPFD, 10);	/* kept across the exec */
		snprintf(arg, sizeof(arg), "%d", w);
		execl(exe, exe, "victim", disp_name[d], arg, (char *)NULL);
		_exit(99);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		fail_msg("victim %s did not start in %s", disp_name[d], group);
	close(p[0]);
	return pid;
}

static void assert_exited_0(pid_t pid)
{
	int st = cgt_reap(pid, (int)cgt_ms(5000));

	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("process %d: wait status %#x, not an exit with 0", (int)pid, st);
}

static void reap_all(pid_t *pids, int n)
{
	for (int i = 0; i < n; i++)
		if (pids[i] > 0 && cgt_alive(pids[i])) {
			kill(pids[i], SIGKILL);	/* ours */
			cgt_reap(pids[i], 5000);
		}
}

static void test_pending_dispositions(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *held;
	pid_t p[7];

	(void)state;
	target = cgt_mkgroup("disp");
	held = cgt_mkgroup("disp/held");
	p[0] = spawn_disp(held, D_DEFAULT);
	p[1] = spawn_disp(held, D_HANDLED);
	p[2] = spawn_disp(held, D_IGNORED);
	p[3] = spawn_disp(held, D_BLOCKED);
	p[4] = spawn_disp(held, D_THREAD);
	p[5] = spawn_disp(target, D_DEFAULT);	/* not frozen: never pending */
	p[6] = spawn_disp(target, D_HANDLED);
	cgt_write(held, "cgroup.freeze", "1");	/* on purpose */
	assert_true(events_say(held, "frozen 1", (int)cgt_ms(10000)));
	opts_for(&o, SIGTERM, 0);
	o.timeout_ms = 0;
	assert_int_equal(cgkill_path(target, &o, &r), CGKILL_TIMEOUT);
	assert_int_equal(r.signaled, 7);
	/* Handled, ignored, blocked: they wait for a thaw.  The default
	 * action ends a process at once, frozen or not. */
	assert_int_equal(r.frozen_pending, 3);
	assert_died_of(p[0], SIGTERM);
	assert_died_of(p[4], SIGTERM);
	assert_died_of(p[5], SIGTERM);
	assert_exited_0(p[6]);	/* in our round's freeze: acted on at our thaw */
	for (int i = 1; i <= 3; i++)
		assert_true(cgt_alive(p[i]));
	assert_int_equal(cgt_frozen_flag(held), 1);
	assert_int_equal(cgt_frozen_flag(target), 0);
	reap_all(p, 7);
}

/* A concurrent call's round, held by its observer with its target frozen,
 * while our call runs on an ancestor: the processes that round holds are
 * not left frozen, those of a group frozen on purpose are.  One level
 * deeper each, so the answer is also inherited. */
struct held_call {
	const char *path;
	int frozen_w, release_r, calls, rc;
};

static int hold(const struct cgkill_proc *proc, void *userdata)
{
	struct held_call *h = userdata;
	struct pollfd pfd = { .fd = h->release_r, .events = POLLIN };
	char c;

	(void)proc;
	if (h->calls++ == 0 && write(h->frozen_w, "f", 1) == 1 &&
	    poll(&pfd, 1, 20000) == 1 && read(h->release_r, &c, 1) < 0)
		return 0;
	return 0;
}

static void *held_thread(void *arg)
{
	struct held_call *h = arg;
	struct cgkill_opts o;

	opts_for(&o, SIGTERM, 0);
	o.timeout_ms = 0;
	o.observer = hold;
	o.userdata = h;
	h->rc = cgkill_path(h->path, &o, NULL);
	return NULL;
}

static void test_pending_transient_round(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct held_call h = { .calls = 0 };
	struct pollfd pfd = { .events = POLLIN };
	struct cgkill_opts o;
	const char *sub, *inner, *dl, *dinner;
	int fz[2], rel[2], rc;
	pthread_t th;
	char c;

	(void)state;
	target = cgt_mkgroup("tr");
	sub = cgt_mkgroup("tr/sub");
	inner = cgt_mkgroup("tr/sub/inner");
	dl = cgt_mkgroup("tr/deliberate");
	dinner = cgt_mkgroup("tr/deliberate/inner");
	cgt_spawn_many(target, CGT_COUNT_TERM, 1, NULL);
	cgt_spawn_many(sub, CGT_COUNT_TERM, 2, NULL);
	cgt_spawn_many(inner, CGT_COUNT_TERM, 1, NULL);
	cgt_spawn_many(dl, CGT_COUNT_TERM, 1, NULL);
	cgt_spawn_many(dinner, CGT_COUNT_TERM, 1, NULL);
	cgt_write(dl, "cgroup.freeze", "1");
	assert_int_equal(pipe2(fz, O_CLOEXEC), 0);
	assert_int_equal(pipe2(rel, O_CLOEXEC), 0);
	h.path = sub;
	h.frozen_w = fz[1];
	h.release_r = rel[0];
	assert_int_equal(pthread_create(&th, NULL, held_thread, &h), 0);
	pfd.fd = fz[0];
	if (poll(&pfd, 1, (int)cgt_ms(20000)) != 1 || read(fz[0], &c, 1) != 1) {
		assert_int_equal(write(rel[1], "r", 1), 1);
		pthread_join(th, NULL);
		fail_msg("the concurrent call never signalled anyone");
	}
	assert_int_equal(cgt_frozen_flag(sub), 1);	/* by the held round */
	opts_for(&o, SIGTERM, 0);
	o.timeout_ms = 0;
	rc = cgkill_path(target, &o, &r);
	assert_int_equal(write(rel[1], "r", 1), 1);
	pthread_join(th, NULL);
	close(fz[0]);
	close(fz[1]);
	close(rel[0]);
	close(rel[1]);
	assert_int_equal(rc, CGKILL_TIMEOUT);
	assert_int_equal(r.signaled, 6);
	assert_int_equal(r.frozen_pending, 2);	/* deliberate and below it */
	assert_int_equal(h.rc, CGKILL_TIMEOUT);
	assert_int_equal(cgt_frozen_flag(sub), 0);
	assert_int_equal(cgt_frozen_flag(target), 0);
	assert_int_equal(cgt_frozen_flag(dl), 1);
	for (int i = 0; i < 4; i++) {	/* target, sub, inner: they acted */
		for (int t = 0; t < cgt_ms(5000) && cgt_shared[i] < 1; t++)
			usleep(1000);
		assert_true(cgt_shared[i] >= 1);
	}
}

/* ---- 6. a number marked as a kernel thread, then a user process's ------ */

static pid_t reused;

static void body_reused_number(void)
{
	struct cgkill_op *op = NULL;
	struct cgkill_opts o;
	char stat[64];
	int fd;

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(95);
	snprintf(stat, sizeof(stat), "/proc/%d/stat", (int)reused);
	/* kthreadd's: PF_KTHREAD, the mark the first round makes. */
	if (mount("/proc/2/stat", stat, "none", MS_BIND, NULL) < 0)
		_exit(96);
	setenv("CGKILL_NO_PIDFD_INFO", "1", 1);
	opts_for(&o, SIGKILL, CGKILL_FORCE_FREEZE);
	fd = open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || cgkill_op_start(fd, &o, &op) < 0)
		_exit(97);
	close(fd);
	out->step = 1;
	/* From now on the number shows the user process it belongs to. */
	if (umount2(stat, MNT_DETACH) < 0)
		_exit(98);
	out->rc = cgkill_op_wait(op, &out->rep);
	cgkill_op_free(op);
	out->step = 2;
}

static void test_kthread_mark_reused(void **state)
{
	pid_t c;

	(void)state;
	target = cgt_mkgroup("reuse");
	out = shared_outcome();
	reused = cgt_spawn(target, CGT_PAUSE);
	c = caller(body_reused_number);
	reap_caller(c);
	assert_int_equal(out->step, 2);
	assert_int_equal(out->rep.kernel_threads, 1);	/* what the round saw */
	assert_int_equal(out->rc, CGKILL_DONE);
	/* The wait did not end while the user process lived: it was killed. */
	assert_died_of(reused, SIGKILL);
	assert_int_equal(out->rep.signaled, 1);
	assert_int_equal(cgt_populated(target), 0);
	munmap(out, sizeof(*out));
}

/* ---- 7. a freeze someone else writes during our round ------------------ */

static const char *refreeze_value;

/* Once the round's freeze has taken hold (a process still on its way into
 * the freezer trap sits on even a fatal signal, as in a freeze by anyone
 * else), someone writes cgroup.freeze. */
static void hook_refreeze(const pid_t *pids, size_t n)
{
	(void)pids;
	(void)n;
	if (moved || read_int_file(target, "cgroup.freeze") != 1)
		return;
	moved = 1;
	if (!events_say(target, "frozen 1", (int)cgt_ms(10000)))
		fail_msg("the round's freeze never took hold");
	cgt_write(target, "cgroup.freeze", refreeze_value);
}

static void foreign_write(const char *value)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	pid_t p[5];
	int rc;

	target = cgt_mkgroup(value[0] == '1' ? "refrozen" : "rethawed");
	for (int i = 0; i < 5; i++)
		p[i] = spawn_disp(target, i < 3 ? D_HANDLED : D_DEFAULT);
	opts_for(&o, SIGTERM, 0);
	o.timeout_ms = 0;
	moved = 0;
	refreeze_value = value;
	cgkill_test_listed = hook_refreeze;
	rc = cgkill_path(target, &o, &r);
	cgkill_test_listed = NULL;
	/* Thawed by the other writer, the handlers exit at once. */
	if (rc != CGKILL_TIMEOUT && (value[0] == '1' || rc != CGKILL_DONE))
		fail_msg("cgkill_path returned %d", rc);
	assert_true(moved);
	assert_int_equal(r.signaled, 5);
	assert_int_equal(r.last_method, CGKILL_METHOD_FREEZE);
	assert_died_of(p[3], SIGTERM);
	assert_died_of(p[4], SIGTERM);
	if (value[0] == '0') {
		assert_int_equal(cgt_frozen_flag(target), 0);
		assert_int_equal(r.frozen_pending, 0);
		assert_false(r.flags & CGKILL_REPORT_FROZEN_BY_OTHER);
		for (int i = 0; i < 3; i++)
			assert_exited_0(p[i]);
		return;
	}
	/* Left as the other writer left it: the three that handle SIGTERM
	 * sit on it, and say so. */
	assert_int_equal(cgt_frozen_flag(target), 1);
	assert_int_equal(r.frozen_pending, 3);
	assert_true(r.flags & CGKILL_REPORT_FROZEN_BY_OTHER);
	assert_false(r.flags & CGKILL_REPORT_THAW_FAILED);
	usleep(50000);
	for (int i = 0; i < 3; i++)
		assert_true(cgt_alive(p[i]));
	cgt_write(target, "cgroup.freeze", "0");
	for (int i = 0; i < 3; i++)
		assert_exited_0(p[i]);
}

static void test_foreign_freeze_kept(void **state)
{
	(void)state;
	foreign_write("1");
}

static void test_foreign_thaw_kept(void **state)
{
	(void)state;
	foreign_write("0");
}

#define T(f) cmocka_unit_test_setup_teardown(f, cgt_setup, cgt_teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		T(test_self_allowed_term),
		T(test_self_allowed_escalate),
		T(test_self_moved_in_frozen_round),
		T(test_self_joins_in_wait),
		T(test_self_joins_in_wait_allowed),
		T(test_pending_dispositions),
		T(test_pending_transient_round),
		T(test_kthread_mark_reused),
		T(test_foreign_freeze_kept),
		T(test_foreign_thaw_kept),
	};

	if (argc == 4 && !strcmp(argv[1], "victim"))
		return victim_main(argv[2], atoi(argv[3]));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
