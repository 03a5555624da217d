// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * forkbomb-demo: kill a fork bomb while it is still growing, by both paths.
 *
 * A fork bomb beats the naive "read cgroup.procs, kill each pid, repeat":
 * new processes appear faster than they are listed.  libcgkill wins by
 *
 *   - the freeze path (forced here with CGKILL_FORCE_FREEZE; the only path
 *     before Linux 5.14): freeze the group so that it cannot grow, signal
 *     every process through a pidfd, thaw;
 *   - the native path: write cgroup.kill, and the kernel kills the whole
 *     group, forks in flight included.
 *
 * Run it as root:  sudo ./build/examples/forkbomb-demo
 *
 * The bomb is bounded: all bombers share one counter, in shared memory, and
 * stop at BOMB_CAP processes.  It lives in scratch groups under
 * <cgroup2 mount>/cgkill-demo-<pid>, which are removed before the demo
 * exits.  The demo is the child subreaper, so every bomber, orphaned or not,
 * is reaped here.
 *
 * Exit status: 0 on success, 1 on any failure, 77 when it cannot run here
 * (not root, no writable cgroup2 mount) unless CGKILL_REQUIRE_CGROUP=1.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cgkill.h>

#include "scratch.h"

#define BOMB_CAP 2000	/* processes at most, per bomb */
#define KILL_AT 300	/* kill once this many were forked */

struct bomb {
	int forks;	/* fork attempts by all bombers together */
};

static void bomber(void *arg)
{
	struct bomb *b = arg;

	/* Parent and child both go on forking, so the bomb doubles every
	 * round; the short sleep keeps it growing while the kill starts. */
	while (__atomic_fetch_add(&b->forks, 1, __ATOMIC_RELAXED) < BOMB_CAP) {
		if (fork() < 0)
			break;
		usleep(10000);
	}
	for (;;)
		pause();
}

/*
 * Start a bomb in the new group <parent>/name, wait until it has forked
 * KILL_AT times, and return the group as a directory fd, or -errno.
 */
static int start_bomb(const char *name, struct bomb *b)
{
	char path[PATH_MAX];
	int fd, r;
	pid_t pid;

	r = scratch_mkgroup(name, path, sizeof(path));
	if (r < 0)
		return r;
	fd = cgkill_open(path, 0);
	if (fd < 0)
		return fd;
	__atomic_store_n(&b->forks, 0, __ATOMIC_RELAXED);
	pid = scratch_spawn(fd, bomber, b);
	if (pid < 0) {
		close(fd);
		return pid;
	}
	for (int i = 0; __atomic_load_n(&b->forks, __ATOMIC_RELAXED) < KILL_AT; i++) {
		if (i == 100000 || scratch_interrupted()) {	/* 10 s, or ^C */
			close(fd);
			return i == 100000 ? -ETIMEDOUT : -EINTR;
		}
		usleep(100);
	}
	printf("\nbomb in %s: %d processes and growing (cap %d)\n", path,
	       scratch_count_procs(fd), BOMB_CAP);
	return fd;
}

/* Kill the bomb's group, print the report, check that nothing survived and
 * reap the dead.  0, or -1 after saying what went wrong. */
static int kill_bomb(int fd, uint64_t flags, const char *title)
{
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_opts opts;
	int r, reaped;

	cgkill_opts_init(&opts);	/* SIGKILL, wait up to 10 s */
	opts.flags = flags;
	r = cgkill_fd(fd, &opts, &rep);
	print_report(title, r, &rep, NULL);
	if (r != CGKILL_DONE)
		return -1;

	/* Do not take the library's word for it: ask the kernel. */
	r = scratch_populated(fd);
	if (r != 0) {
		fprintf(stderr, "FAIL: %s\n", r > 0 ? "the group is still populated" :
			strerror(-r));
		return -1;
	}
	reaped = scratch_reap_all(5000);
	if (reaped < 0) {
		fprintf(stderr, "FAIL: a bomber is still alive\n");
		return -1;
	}
	printf("  survivors       none (cgroup.events: populated 0), %d reaped\n",
	       reaped);
	return 0;
}

static int run_once(const char *name, uint64_t flags, const char *title,
		    struct bomb *b)
{
	int fd = start_bomb(name, b), r;

	if (fd == -EINTR) {
		fprintf(stderr, "interrupted: cleaning up\n");
		return -1;
	}
	if (fd < 0) {
		fprintf(stderr, "FAIL: starting the bomb in %s: %s\n", name,
			strerror(-fd));
		return -1;
	}
	r = kill_bomb(fd, flags, title);
	close(fd);
	return r;
}

static const char *has(uint64_t features, uint64_t bit)
{
	return features & bit ? "yes" : "no";
}

int main(void)
{
	uint64_t f = 0;
	struct bomb *b;
	int r, failed = 0;

	r = scratch_init("cgkill-demo");
	if (r)
		return r;
	b = mmap(NULL, sizeof(*b), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED) {
		perror("mmap");
		scratch_fini();
		return 1;
	}

	cgkill_probe(scratch_parent_fd(), &f);
	printf("libcgkill fork-bomb demo\n");
	printf("kernel: cgroup.kill %s, cgroup.freeze %s, pidfd %s, PIDFD_GET_INFO %s\n",
	       has(f, CGKILL_FEATURE_KILL), has(f, CGKILL_FEATURE_FREEZE),
	       has(f, CGKILL_FEATURE_PIDFD), has(f, CGKILL_FEATURE_PIDFD_INFO));
	printf("scratch parent: %s\n", scratch_parent());

	failed |= run_once("bomb-1", CGKILL_FORCE_FREEZE,
			   "freeze path (CGKILL_FORCE_FREEZE)", b);
	/*
	 * A fresh group for the second bomb, as a service manager starts each
	 * run in a fresh group.  Reusing one is fine with fork() as here, but
	 * some kernels (seen on 6.18) kill at birth a child cloned with
	 * CLONE_INTO_CGROUP into a group that was cgroup.kill'ed before.
	 */
	if (!failed)
		failed |= run_once("bomb-2", 0, "native path (cgroup.kill)", b);

	if (scratch_fini() < 0)
		failed = 1;
	else
		printf("\nremoved %s\n", scratch_parent());
	munmap(b, sizeof(*b));
	printf("%s\n", failed ? "FAILED" : "OK");
	return failed ? 1 : 0;
}
