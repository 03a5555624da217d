// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cgkill-bench-spawn: starts a benchmark population, then exits.  Linked
 * statically where possible, so that each process it starts is as small as
 * a process can be: a fork's cost is mostly page tables and mappings, and
 * in a VM those are slow.
 *
 *   cgkill-bench-spawn MEMFD clone3|fork pause START STEP N GROUPFD...
 *       processes START, START+STEP, ... < N, process i in group i % groups
 *   cgkill-bench-spawn MEMFD clone3|fork bomb GROUPFD
 *       the root of a fork bomb of at most shm->cap processes
 *
 * Every process is started with CLONE_PARENT: it is a child of
 * cgkill-bench (the bench reaps it; its parent death signal is tied to the
 * bench), not of this short-lived spawner.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench-shm.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#define CLONE_PARENT_FLAG 0x00008000UL

static struct bench_shm *shm;

/* From here on the child of a raw clone: async-signal-safe calls only. */
static _Noreturn void child_main(int bomb)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != shm->bench_pid)
		_exit(0);
	if (!bomb) {
		atomic_fetch_add(&shm->ready, 1);
		for (;;)
			pause();
	}
	/* Bomb descendants get no parent death signal, which would kill
	 * them when their bomb parent dies and so help the kill; an alarm
	 * bounds their life should the bench itself die. */
	alarm(300);
	atomic_fetch_add(&shm->started, 1);
	for (;;) {
		long r;

		if (atomic_fetch_add(&shm->tokens, 1) >= shm->cap - 1)
			break;
		r = syscall(SYS_clone, (unsigned long)SIGCHLD, 0UL, 0UL, 0UL, 0UL);
		if (r == 0) {
			alarm(300);
			atomic_fetch_add(&shm->started, 1);
			continue;
		}
		if (r < 0) {
			atomic_fetch_add(&shm->fork_errors, 1);
			break;
		}
	}
	for (;;)
		pause();
}

static int spawn_in(int gfd, int use_clone3, int bomb)
{
	long r;

	if (use_clone3) {
		struct bench_clone_args ca;

		memset(&ca, 0, sizeof(ca));
		ca.flags = CLONE_PARENT_FLAG | BENCH_CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)gfd;
		r = syscall(SYS_clone3, &ca, sizeof(ca));
	} else {
		r = syscall(SYS_clone, CLONE_PARENT_FLAG, 0UL, 0UL, 0UL, 0UL);
		if (r == 0) {
			int pfd = openat(gfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);

			if (pfd < 0 || write(pfd, "0", 1) != 1)
				_exit(127);
			close(pfd);
		}
	}
	if (r < 0)
		return -errno;
	if (r == 0)
		child_main(bomb);
	return 0;
}

int main(int argc, char **argv)
{
	int use_clone3, r;

	if (argc < 5) {
		fprintf(stderr, "cgkill-bench-spawn: only cgkill-bench runs this\n");
		return 2;
	}
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED,
		   atoi(argv[1]), 0);
	if (shm == MAP_FAILED) {
		perror("cgkill-bench-spawn: mmap");
		return 1;
	}
	use_clone3 = !strcmp(argv[2], "clone3");
	if (!strcmp(argv[3], "bomb")) {
		r = spawn_in(atoi(argv[4]), use_clone3, 1);
	} else if (!strcmp(argv[3], "pause") && argc >= 8) {
		long start = atol(argv[4]), step = atol(argv[5]), n = atol(argv[6]);
		int ng = argc - 7, *fds = calloc((size_t)ng, sizeof(int));

		if (!fds || step < 1)
			return 2;
		for (int i = 0; i < ng; i++)
			fds[i] = atoi(argv[7 + i]);
		r = 0;
		for (long i = start; i < n && r == 0; i += step)
			r = spawn_in(fds[i % ng], use_clone3, 0);
		free(fds);
	} else {
		return 2;
	}
	if (r < 0) {
		fprintf(stderr, "cgkill-bench-spawn: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
