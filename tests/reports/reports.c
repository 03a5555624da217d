// SPDX-License-Identifier: LGPL-2.1-or-later
/* Children with the signal dispositions and states the survivors and
 * victims tests need, a tracer, and a reaper that records exit statuses. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ioctl.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports.h"

/* Every child rt_spawn() started, for rt_teardown(). */
static pid_t started[1024];
static int n_started;
/* Tracers first: a tracee held in its exit stop outlives SIGKILL until
 * its tracer lets go. */
static pid_t tracers[16];
static int exit_stop_pipe = -1;
static int n_tracers;

static void add_tracer(pid_t t)
{
	if (n_tracers < (int)(sizeof(tracers) / sizeof(tracers[0])))
		tracers[n_tracers++] = t;
}

static void on_term_nothing(int sig)
{
	(void)sig;
}

static void on_term_exit3(int sig)
{
	(void)sig;
	_exit(3);
}

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void join(const char *group)
{
	char path[8192];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", group);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1)
		_exit(100);
	close(fd);
}

static void child(const char *group, enum rt_kind kind, int wfd)
{
	struct sigaction sa = { 0 };
	sigset_t set;
	pthread_t th;
	pid_t c;

	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	join(group);
	switch (kind) {
	case RT_PAUSE:
		break;
	case RT_BLOCK_TERM:
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, NULL);
		break;
	case RT_IGNORE_TERM:
	case RT_ZOMBIE_LEADER:
		sa.sa_handler = SIG_IGN;
		sigaction(SIGTERM, &sa, NULL);
		break;
	case RT_CATCH_TERM:
	case RT_VFORK_STOPPED:
		sa.sa_handler = on_term_nothing;
		sigaction(SIGTERM, &sa, NULL);
		break;
	case RT_EXIT3_ON_TERM:
		sa.sa_handler = on_term_exit3;
		sigaction(SIGTERM, &sa, NULL);
		break;
	}
	if (kind == RT_ZOMBIE_LEADER) {
		if (pthread_create(&th, NULL, idle, NULL))
			_exit(101);
		if (write(wfd, "x", 1) != 1)
			_exit(102);
		pthread_exit(NULL);
	}
	if (write(wfd, "x", 1) != 1)
		_exit(102);
	close(wfd);
	if (kind == RT_VFORK_STOPPED) {
		/* The child shares our memory until it exits: raw system
		 * calls only.  It stops itself; we wait for it in D state. */
		c = vfork();
		if (c == 0) {
			syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
			syscall(SYS_exit, 0);
		}
	}
	for (;;)
		pause();
}

char rt_state(pid_t pid)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

bool rt_wait_state(pid_t pid, char want, int ms)
{
	for (int t = 0; t < ms; t++) {
		if (rt_state(pid) == want)
			return true;
		usleep(1000);
	}
	return rt_state(pid) == want;
}

/* The first pid in group's cgroup.procs other than not. */
static pid_t other_in(const char *group, pid_t not)
{
	char path[8192], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", group);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (char *s = buf; *s;) {
		pid_t p = (pid_t)strtol(s, &s, 10);

		if (p > 0 && p != not)
			return p;
		while (*s == '\n')
			s++;
	}
	return 0;
}

pid_t rt_spawn(const char *group, enum rt_kind kind, pid_t *childp)
{
	int p[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		child(group, kind, p[1]);
	}
	close(p[1]);
	if (n_started < (int)(sizeof(started) / sizeof(started[0])))
		started[n_started++] = pid;
	if (read(p[0], &c, 1) != 1)
		fail_msg("child %d did not start in %s", (int)pid, group);
	close(p[0]);
	if (kind == RT_ZOMBIE_LEADER && !rt_wait_state(pid, 'Z', 5000))
		fail_msg("%d: the leader did not exit", (int)pid);
	if (kind == RT_VFORK_STOPPED) {
		pid_t c2 = 0;

		for (int t = 0; t < 5000 && !(c2 = other_in(group, pid)); t++)
			usleep(1000);
		if (!c2 || !rt_wait_state(c2, 'T', 5000) || !rt_wait_state(pid, 'D', 5000))
			fail_msg("vfork: parent %d in %c, child %d in %c", (int)pid,
				 rt_state(pid), (int)c2, rt_state(c2));
		if (childp)
			*childp = c2;
	}
	return pid;
}

pid_t rt_trace(pid_t pid)
{
	int p[2];
	pid_t tracer;
	char c;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	tracer = fork();
	assert_true(tracer >= 0);
	if (tracer == 0) {
		int st;

		close(p[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0)
			_exit(110);
		/* The attach's SIGSTOP: the tracee stops, and stays so. */
		if (waitpid(pid, &st, __WALL) != pid || !WIFSTOPPED(st))
			_exit(111);
		if (write(p[1], "x", 1) != 1)
			_exit(112);
		for (;;)
			pause();
	}
	close(p[1]);
	add_tracer(tracer);
	if (read(p[0], &c, 1) != 1)
		fail_msg("tracer %d could not attach to %d", (int)tracer, (int)pid);
	close(p[0]);
	if (!rt_wait_state(pid, 't', 5000))
		fail_msg("%d is in %c, not ptrace-stopped", (int)pid, rt_state(pid));
	return tracer;
}

pid_t rt_trace_exit(pid_t pid)
{
	int p[2], q[2];
	pid_t tracer;
	char c;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(pipe2(q, O_CLOEXEC), 0);
	tracer = fork();
	assert_true(tracer >= 0);
	if (tracer == 0) {
		int st;

		close(p[0]);
		close(q[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)PTRACE_O_TRACEEXIT) < 0)
			_exit(110);
		if (write(p[1], "x", 1) != 1)
			_exit(112);
		for (;;) {
			if (waitpid(pid, &st, __WALL) != pid || !WIFSTOPPED(st))
				_exit(111);
			if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
				/* Held here: exiting, and never let go. */
				if (write(q[1], "x", 1) != 1)
					_exit(112);
				for (;;)
					pause();
			}
			ptrace(PTRACE_CONT, pid, NULL, (void *)(long)WSTOPSIG(st));
		}
	}
	close(p[1]);
	close(q[1]);
	add_tracer(tracer);
	if (read(p[0], &c, 1) != 1)
		fail_msg("tracer %d could not seize %d", (int)tracer, (int)pid);
	close(p[0]);
	exit_stop_pipe = q[0];
	return tracer;
}

void rt_wait_exit_stop(pid_t tracer)
{
	char c;

	if (read(exit_stop_pipe, &c, 1) != 1)
		fail_msg("tracer %d: its tracee never stopped in its exit", (int)tracer);
	close(exit_stop_pipe);
	exit_stop_pipe = -1;
}

void rt_kill_tracer(pid_t tracer)
{
	if (tracer > 0 && waitpid(tracer, NULL, WNOHANG) == 0) {
		kill(tracer, SIGKILL);	/* ours */
		waitpid(tracer, NULL, 0);
	}
}

const char *rt_comm(void)
{
	static char comm[32];
	int fd;
	ssize_t n;

	if (comm[0])
		return comm;
	fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	assert_true(n > 0);
	comm[n - 1] = '\0';	/* its newline */
	return comm;
}

bool rt_valgrind(void)
{
	return !strncmp(rt_comm(), "memcheck", 8) || !strncmp(rt_comm(), "valgrind", 8);
}

bool rt_have_pidfd(void)
{
	int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* uapi/linux/pidfd.h of Linux 6.15 */
struct rt_pidfd_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
};

bool rt_exit_known(void)
{
	struct rt_pidfd_info info = { .mask = 1ULL << 3 };
	pid_t pid = fork();
	bool known;
	int fd;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(7);
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	waitpid(pid, NULL, 0);
	if (fd < 0)
		return false;
	known = ioctl(fd, _IOWR(0xFF, 11, struct rt_pidfd_info), &info) == 0 &&
		(info.mask & (1ULL << 3)) && info.exit_code == 7 << 8;
	close(fd);
	return known;
}

int rt_teardown(void **state)
{
	/* Only children of ours not reaped yet: their numbers are held. */
	for (int i = 0; i < n_tracers; i++)
		rt_kill_tracer(tracers[i]);
	n_tracers = 0;
	if (exit_stop_pipe >= 0)
		close(exit_stop_pipe);
	exit_stop_pipe = -1;
	for (int i = 0; i < n_started; i++)
		if (waitpid(started[i], NULL, WNOHANG) == 0) {
			kill(started[i], SIGKILL);
			waitpid(started[i], NULL, 0);
		}
	n_started = 0;
	return cgt_teardown(state);
}

int rt_reap(const char *group, struct rt_reaped *out, int max, int quiet_ms)
{
	int n = 0, quiet = 0;

	for (int t = 0; t < 30000 && quiet < quiet_ms; t++) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);

		if (p > 0) {
			if (n < max)
				out[n] = (struct rt_reaped){ p, st };
			n++;
			quiet = 0;
			continue;
		}
		if (cgt_populated(group))
			quiet = 0;
		else
			quiet++;
		usleep(1000);
	}
	return n;
}

int rt_run(const char *path, const struct cgkill_opts *o,
	   struct cgkill_report *rep, struct cgkill_op **op)
{
	int fd = cgkill_open(path, 0), r;

	*op = NULL;
	if (fd < 0)
		return fd;
	r = cgkill_op_start(fd, o, op);
	close(fd);
	if (r < 0)
		return r;
	return cgkill_op_wait(*op, rep);
}
