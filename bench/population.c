// SPDX-License-Identifier: LGPL-2.1-or-later
/* The processes to kill: a fresh group per measurement, filled by
 * cgkill-bench-spawn with pause processes or a bounded fork bomb. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/*
 * Run the spawner (cgkill-bench-spawn, static where the toolchain can) with
 * the shared memfd and the group fds.  It starts the processes with
 * CLONE_PARENT, so they are our children, and exits.
 */
static pid_t run_spawner(struct ctx *cx, const char *kind, long start, long step,
			 long n, const int *fds, int nfds)
{
	char **argv = calloc((size_t)nfds + 8, sizeof(char *));
	char *fdtext = malloc((size_t)nfds * 12);
	char num[4][24];
	pid_t pid = -ENOMEM;
	int k = 0;

	if (!argv || !fdtext)
		goto out;
	snprintf(num[0], sizeof(num[0]), "%d", cx->shmfd);
	snprintf(num[1], sizeof(num[1]), "%ld", start);
	snprintf(num[2], sizeof(num[2]), "%ld", step);
	snprintf(num[3], sizeof(num[3]), "%ld", n);
	argv[k++] = cx->spawn;
	argv[k++] = num[0];
	argv[k++] = (char *)(cx->clone3_ok ? "clone3" : "fork");
	argv[k++] = (char *)kind;
	if (strcmp(kind, "bomb")) {
		argv[k++] = num[1];
		argv[k++] = num[2];
		argv[k++] = num[3];
	}
	for (int i = 0; i < nfds; i++) {
		argv[k] = fdtext + (size_t)i * 12;
		snprintf(argv[k++], 12, "%d", fds[i]);
	}
	pid = fork();
	if (pid == 0) {
		/* Only the spawner's copies of these lose O_CLOEXEC. */
		fcntl(cx->shmfd, F_SETFD, 0);
		for (int i = 0; i < nfds; i++)
			fcntl(fds[i], F_SETFD, 0);
		execv(cx->spawn, argv);
		_exit(127);
	}
	if (pid < 0)
		pid = -errno;
out:
	free(fdtext);
	free(argv);
	return pid;
}

static int wait_spawner(pid_t pid)
{
	bool killed = false;
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -errno;
		if (g_stop && !killed) {
			kill(pid, SIGKILL);	/* our spawner: stop spawning */
			killed = true;
		}
	}
	if (killed)
		return -EINTR;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 127 ? -ENOEXEC : -EAGAIN;
}

void pop_close(struct pop *p)
{
	for (int i = 0; i < p->nleaves; i++)
		if (p->lfd[i] >= 0)
			close(p->lfd[i]);
	free(p->lfd);
	p->lfd = NULL;
	p->nleaves = 0;
	if (p->killfd >= 0)
		close(p->killfd);
	if (p->evfd_own >= 0)
		close(p->evfd_own);
	if (p->evfd_watch >= 0)
		close(p->evfd_watch);
	if (p->tfd >= 0)
		close(p->tfd);
	p->tfd = p->killfd = p->evfd_own = p->evfd_watch = -1;
}

/* A fresh target below our root: the kernel kills children cloned into a
 * group that was cgroup.kill'ed before (6.18), and a fresh group is what a
 * fresh population deserves anyway. */
int pop_create(struct ctx *cx, struct pop *p, int groups)
{
	int r = 0;

	memset(p, 0, sizeof(*p));
	p->tfd = p->killfd = p->evfd_own = p->evfd_watch = -1;
	snprintf(p->name, sizeof(p->name), "m%05u", cx->seq++);
	if (mkdirat(cx->rootfd, p->name, 0755) < 0)
		return -errno;
	p->tfd = openat(cx->rootfd, p->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->tfd < 0)
		return -errno;
	if (groups > 1) {
		p->lfd = calloc((size_t)groups, sizeof(int));
		if (!p->lfd)
			return -ENOMEM;
		for (int i = 0; i < groups; i++) {
			char nm[16];

			p->lfd[i] = -1;
			p->nleaves = i + 1;
			snprintf(nm, sizeof(nm), "g%03d", i);
			if (mkdirat(p->tfd, nm, 0755) < 0)
				return -errno;
			p->lfd[i] = openat(p->tfd, nm, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (p->lfd[i] < 0)
				return -errno;
		}
	}
	p->killfd = openat(p->tfd, "cgroup.kill", O_WRONLY | O_CLOEXEC);
	p->evfd_own = openat(p->tfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	p->evfd_watch = openat(p->tfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (p->killfd < 0 || p->evfd_own < 0 || p->evfd_watch < 0)
		r = -errno;
	return r;
}

/* Start n pause processes spread over the groups and wait until every one
 * of them reached pause(). */
int populate_pause(struct ctx *cx, struct pop *p, long n)
{
	int k = cx->spawners > 0 && n >= 256 ? cx->spawners : 1;
	const int *fds = p->nleaves ? p->lfd : &p->tfd;
	int nfds = p->nleaves ? p->nleaves : 1;
	pid_t sp[8];
	int r = 0, started;
	uint64_t end;

	atomic_store(&cx->shm->ready, 0);
	for (started = 0; started < k; started++) {
		pid_t pid = run_spawner(cx, "pause", started, k, n, fds, nfds);

		if (pid < 0) {
			r = pid;
			break;
		}
		sp[started] = pid;
	}
	for (int j = 0; j < started; j++) {
		int r2 = wait_spawner(sp[j]);

		if (r == 0)
			r = r2;
	}
	if (r < 0)
		return r;
	end = bench_now() + WAIT_LIMIT_NS;
	while (atomic_load(&cx->shm->ready) < n) {
		if (g_stop)
			return -EINTR;
		if (bench_now() > end)
			return -ETIMEDOUT;
		sleep_ns(200000);
	}
	return 0;
}

/* Start the bomb and return once `trigger` of its processes ran. */
int populate_bomb(struct ctx *cx, struct pop *p, long cap, long trigger)
{
	uint64_t end;
	pid_t pid;
	int r;

	atomic_store(&cx->shm->started, 0);
	atomic_store(&cx->shm->tokens, 0);
	atomic_store(&cx->shm->fork_errors, 0);
	cx->shm->cap = cap;
	pid = run_spawner(cx, "bomb", 0, 1, 1, &p->tfd, 1);
	if (pid < 0)
		return pid;
	r = wait_spawner(pid);
	if (r < 0)
		return r;
	end = bench_now() + WAIT_LIMIT_NS;
	while (atomic_load(&cx->shm->started) < trigger) {
		if (g_stop)
			return -EINTR;
		if (atomic_load(&cx->shm->fork_errors))
			return -EAGAIN;
		if (bench_now() > end)
			return -ETIMEDOUT;
		sleep_ns(20000);
	}
	return 0;
}
