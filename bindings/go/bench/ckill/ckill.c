// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cgkill-go-bench-c: the C side of the Go binding's benchmark
 * (bindings/go/bench), in two roles.
 *
 *   cgkill-go-bench-c kill PATH [freeze]
 *       The C call being compared with: cgkill_path() with a 60 s timeout
 *       (CGKILL_FORCE_FREEZE with "freeze"), timed by the monotonic clock
 *       from just before the call to just after it.  Prints
 *       "wall_ns=N cpu_ns=C rc=R elapsed_ns=E", C the CPU time of the
 *       process meanwhile.
 *
 *   cgkill-go-bench-c loop PATH N
 *       The fixed cost of a call: cgkill_path() N times on an empty group,
 *       each timed.  Prints "median_ns=M".
 *
 *   cgkill-go-bench-c hold SPAWN N GROUPFD...
 *       The parent of a population: runs the project's spawner
 *       (bench/cgkill-bench-spawn) to start N pause processes spread over
 *       the groups, with CLONE_PARENT so that they are this holder's
 *       children; prints "ready" once all of them sleep; then reaps them
 *       until none is left, and exits.  The killer (the Go program, or
 *       the kill role above) is thus never the victims' parent: none of
 *       the methods gets their SIGCHLDs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cgkill.h>

#include "bench-shm.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* CPU time of the process, user and system. */
static uint64_t cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000ULL +
	       ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000ULL;
}

static int do_kill(const char *path, int freeze)
{
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_opts opts;
	uint64_t t0, t1, c0, c1;
	int r;

	cgkill_opts_init(&opts);
	opts.timeout_ms = 60000;
	if (freeze)
		opts.flags |= CGKILL_FORCE_FREEZE;
	c0 = cpu_ns();
	t0 = now_ns();
	r = cgkill_path(path, &opts, &rep);
	t1 = now_ns();
	c1 = cpu_ns();
	printf("wall_ns=%" PRIu64 " cpu_ns=%" PRIu64 " rc=%d elapsed_ns=%" PRIu64 "\n",
	       t1 - t0, c1 - c0, r, rep.elapsed_ns);
	return r == CGKILL_DONE ? 0 : 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int do_loop(const char *path, long n)
{
	uint64_t *t = calloc((size_t)(n > 0 ? n : 1), sizeof(*t));
	struct cgkill_opts opts;

	if (!t || n < 1)
		return 2;
	cgkill_opts_init(&opts);
	for (long i = 0; i < n; i++) {
		uint64_t t0 = now_ns();
		int r = cgkill_path(path, &opts, NULL);

		t[i] = now_ns() - t0;
		if (r != CGKILL_DONE) {
			fprintf(stderr, "cgkill_path: %d\n", r);
			return 1;
		}
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_u64);
	printf("median_ns=%" PRIu64 "\n", t[n / 2]);
	free(t);
	return 0;
}

static int do_hold(int argc, char **argv)
{
	const char *spawn = argv[2];
	long n = atol(argv[3]);
	int ngroups = argc - 4, shmfd, st;
	struct bench_shm *shm;
	char shmtext[16], ntext[24];
	uint64_t end;
	pid_t pid;

	/* Should the benchmark die, so do we, and our children with us
	 * (the spawner gives each of them a parent death signal). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (n < 1 || ngroups < 1)
		return 2;
	shmfd = memfd_create("cgkill-go-bench", 0);
	if (shmfd < 0 || ftruncate(shmfd, sizeof(*shm)) < 0) {
		perror("memfd");
		return 1;
	}
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED, shmfd, 0);
	if (shm == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	shm->bench_pid = getpid();

	pid = fork();
	if (pid == 0) {
		char **av = calloc((size_t)ngroups + 8, sizeof(char *));
		int k = 0;

		if (!av)
			_exit(127);
		snprintf(shmtext, sizeof(shmtext), "%d", shmfd);
		snprintf(ntext, sizeof(ntext), "%ld", n);
		av[k++] = (char *)spawn;
		av[k++] = shmtext;
		av[k++] = (char *)"clone3";
		av[k++] = (char *)"pause";
		av[k++] = (char *)"0";
		av[k++] = (char *)"1";
		av[k++] = ntext;
		for (int i = 0; i < ngroups; i++)
			av[k++] = argv[4 + i];
		execv(spawn, av);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "cgkill-go-bench-c: the spawner failed\n");
		return 1;
	}
	for (int i = 0; i < ngroups; i++)
		close(atoi(argv[4 + i]));
	end = now_ns() + 120000000000ULL;
	while (atomic_load(&shm->ready) < n) {
		if (now_ns() > end) {
			fprintf(stderr, "cgkill-go-bench-c: %ld of %ld ready\n",
				(long)atomic_load(&shm->ready), n);
			return 1;
		}
		usleep(1000);
	}
	printf("ready\n");
	fflush(stdout);
	fclose(stdout);
	/* __WALL: clone3 children have no exit signal. */
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "kill"))
		return do_kill(argv[2], argc > 3 && !strcmp(argv[3], "freeze"));
	if (argc == 4 && !strcmp(argv[1], "loop"))
		return do_loop(argv[2], atol(argv[3]));
	if (argc >= 5 && !strcmp(argv[1], "hold"))
		return do_hold(argc, argv);
	fprintf(stderr, "usage: cgkill-go-bench-c kill PATH [freeze]\n"
		"       cgkill-go-bench-c loop PATH N\n"
		"       cgkill-go-bench-c hold SPAWN N GROUPFD...\n");
	return 2;
}
