// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * supervisor: start a service in a fresh group of its own, let it run, then
 * stop it as a service manager does (SIGTERM, a grace period, SIGKILL for
 * whatever is left) without ever blocking the event loop, which serves a
 * 50 ms timer all along.
 *
 * Usage: supervisor [command [argument...]]
 *
 * Without a command it runs a shell that ignores SIGTERM, with a worker
 * child that exits cleanly on it: the worker goes at the SIGTERM, the shell
 * needs the SIGKILL.
 *
 * The service starts with clone3(CLONE_INTO_CGROUP), so it is in its group
 * from its first instruction and nothing it forks can escape; on kernels
 * without it (before 5.7) with fork() and a write to cgroup.procs.
 * SUPERVISOR_NO_CLONE3=1 forces that fallback.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>	/* struct clone_args, CLONE_INTO_CGROUP */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cgkill.h>

#include "scratch.h"

#define TICK_MS 50
#define RUN_TICKS 10		/* let the service run 500 ms */
#define GRACE_MS 1000		/* between SIGTERM and SIGKILL */
#define TIMEOUT_MS 5000		/* for the SIGKILL to empty the group */

/* The worker's stderr is muted only so that its shell does not report the
 * SIGTERM that its own sleep gets along with it. */
static char *default_cmd[] = {
	"sh", "-c",
	"(trap 'echo \"  worker: SIGTERM, exiting cleanly\"; exit 0' TERM;"
	" while :; do sleep 1; done) 2>/dev/null &"
	" trap '' TERM; while :; do sleep 1; done",
	NULL,
};

enum { EV_TICK, EV_SERVICE, EV_STOP };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * Start argv[] inside the group @groupfd.  Returns the pid and stores a
 * pidfd for it in *pidfd, or returns -errno.  A pipe closed by a successful
 * exec tells whether the exec worked.
 */
static pid_t start_service(int groupfd, char *argv[], int *pidfd, const char **how)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)pidfd,
		.exit_signal = SIGCHLD,
		.cgroup = (uint64_t)groupfd,
	};
	bool fallback = getenv("SUPERVISOR_NO_CLONE3") != NULL;
	int p[2], err = 0;
	pid_t pid = -1;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	if (!fallback) {
		pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
		/* ENOSYS: no clone3 (before 5.3); E2BIG: no cgroup field. */
		fallback = pid < 0 && (errno == ENOSYS || errno == E2BIG);
	}
	if (fallback)
		pid = fork();
	*how = fallback ? "fork() + cgroup.procs" : "clone3(CLONE_INTO_CGROUP)";
	/* The child of a raw clone3() skips glibc's fork bookkeeping (atfork
	 * handlers, the cached tid): fine for a child that only execs. */
	if (pid == 0) {
		int fd = fallback ? openat(groupfd, "cgroup.procs", O_WRONLY | O_CLOEXEC) : -1;

		scratch_child_signals();
		if (!fallback || (fd >= 0 && write(fd, "0", 1) == 1))
			execvp(argv[0], argv);
		err = errno;
		if (write(p[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	err = pid < 0 ? errno : 0;
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -err;
	}
	do
		n = read(p[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n > 0) {	/* the exec failed */
		waitpid(pid, NULL, 0);
		return n == sizeof(err) ? -err : -EIO;
	}
	if (fallback)
		*pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	return *pidfd < 0 ? -errno : pid;
}

static int watch(int epfd, int fd, uint32_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void print_exit(pid_t pid, const siginfo_t *si)
{
	if (si->si_code == CLD_EXITED)
		printf("  main process %d exited with status %d\n", (int)pid, si->si_status);
	else
		printf("  main process %d killed by SIG%s\n", (int)pid,
		       sigabbrev_np(si->si_status));
}

/* Send SIGTERM and return; SIGKILL follows after the grace period, from
 * within cgkill_op_process(). */
static int start_stop(int groupfd, struct cgkill_op **op)
{
	struct cgkill_opts opts;

	printf("stopping %d processes: SIGTERM, %d ms grace, then SIGKILL\n",
	       scratch_count_procs(groupfd), GRACE_MS);
	cgkill_opts_init(&opts);
	opts.signal = SIGTERM;
	opts.flags = CGKILL_ESCALATE;
	opts.grace_ms = GRACE_MS;
	opts.timeout_ms = TIMEOUT_MS;
	return cgkill_op_start(groupfd, &opts, op);
}

static int supervise(int groupfd, char *argv[], bool is_default)
{
	struct itimerspec its = {
		.it_interval = { .tv_nsec = TICK_MS * 1000000L },
		.it_value = { .tv_nsec = TICK_MS * 1000000L },
	};
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_op *op = NULL;
	uint64_t ticks = 0, stop_ticks = 0, done_at = 0, most = 0, longest = 0, t;
	int epfd, tfd, pidfd = -1, result = CGKILL_RUNNING, r;
	bool service_gone = false;
	const char *how = "";
	pid_t pid;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (epfd < 0 || tfd < 0 || timerfd_settime(tfd, 0, &its, NULL) < 0 ||
	    watch(epfd, tfd, EV_TICK) < 0) {
		perror("epoll/timerfd");
		return 1;	/* the fds go with the process */
	}
	pid = start_service(groupfd, argv, &pidfd, &how);
	if (pid < 0 || watch(epfd, pidfd, EV_SERVICE) < 0) {
		fprintf(stderr, "FAIL: starting %s: %s\n", argv[0],
			strerror(pid < 0 ? -pid : errno));
		return 1;
	}
	printf("service: pid %d, started with %s\n", (int)pid, how);

	while (result == CGKILL_RUNNING || !service_gone) {
		struct epoll_event evs[3];
		int n = epoll_wait(epfd, evs, 3, -1);

		for (int i = 0; i < n; i++) {
			uint64_t expired = 0;
			siginfo_t si = { 0 };

			switch (evs[i].data.u32) {
			case EV_TICK:
				if (read(tfd, &expired, sizeof(expired)) < 0)
					break;
				ticks += expired;
				if (op && result == CGKILL_RUNNING) {
					stop_ticks += expired;
					most = expired > most ? expired : most;
				}
				if (result != CGKILL_RUNNING && ticks > done_at + 100)
					goto out;	/* 5 s on, the main pid lives */
				if (op || ticks < RUN_TICKS)
					break;
				t = now_ns();
				r = start_stop(groupfd, &op);
				longest = now_ns() - t;
				if (r == 0)
					r = watch(epfd, cgkill_op_get_fd(op), EV_STOP);
				if (r < 0) {
					result = r;
					goto out;
				}
				break;
			case EV_SERVICE:
				if (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) == 0)
					print_exit(pid, &si);
				epoll_ctl(epfd, EPOLL_CTL_DEL, pidfd, NULL);
				service_gone = true;
				break;
			case EV_STOP:
				t = now_ns();
				result = cgkill_op_process(op, &rep);
				t = now_ns() - t;
				longest = t > longest ? t : longest;
				if (result == CGKILL_RUNNING)
					break;
				epoll_ctl(epfd, EPOLL_CTL_DEL, cgkill_op_get_fd(op), NULL);
				done_at = ticks;
				if (result != CGKILL_DONE)
					goto out;
				break;
			}
		}
		if (n < 0 && errno != EINTR) {
			perror("epoll_wait");
			goto out;
		}
	}
out:
	print_report("stop (cgkill_op_*, SIGTERM then SIGKILL)", result, &rep, op);
	printf("  event loop      %llu timer ticks while stopping, at most %llu per wakeup;\n"
	       "                  longest libcgkill call %.2f ms\n",
	       (unsigned long long)stop_ticks, (unsigned long long)most,
	       (double)longest / 1e6);
	cgkill_op_free(op);
	close(tfd);
	close(epfd);
	if (pidfd >= 0)
		close(pidfd);
	if (result != CGKILL_DONE || !service_gone || scratch_populated(groupfd) != 0) {
		fprintf(stderr, "FAIL: the service did not stop\n");
		return 1;
	}
	if (is_default && !(rep.flags & CGKILL_REPORT_ESCALATED)) {
		fprintf(stderr, "FAIL: the shell ignores SIGTERM, yet no SIGKILL was needed\n");
		return 1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	char path[PATH_MAX];
	int groupfd, r;

	r = scratch_init("cgkill-supervisor");
	if (r)
		return r;
	/* A fresh group per start of the service. */
	r = scratch_mkgroup("service", path, sizeof(path));
	groupfd = r < 0 ? r : cgkill_open(path, 0);
	if (groupfd < 0) {
		fprintf(stderr, "FAIL: group service: %s\n", strerror(-groupfd));
		scratch_fini();
		return 1;
	}
	printf("group: %s\n", path);
	r = supervise(groupfd, argc > 1 ? argv + 1 : default_cmd, argc <= 1);
	close(groupfd);
	if (scratch_fini() < 0)
		r = 1;
	return r;
}
