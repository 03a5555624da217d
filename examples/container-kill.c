// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * container-kill: kill and remove a container's group through the one
 * directory fd that a container runtime keeps for it.
 *
 * A runtime opens the container's group once, when it sets the container
 * up, and from then on holds only that fd: it never looks the path up again,
 * so it cannot be pointed at another group by whatever happened to the
 * hierarchy in between.  Here the group is opened with cgkill_open(), filled
 * through the fd alone (nested groups made with mkdirat(), processes moved
 * in through the cgroup.procs files below it), and then killed and removed
 * with cgkill_fd(fd, CGKILL_REMOVE).  Afterwards the same fd shows the
 * group is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cgkill.h>

#include "scratch.h"

#define INIT_CHILDREN 2
#define APP_WORKERS 3

/* The container's init: a couple of children of its own, then sleep. */
static void container_init(void *arg)
{
	(void)arg;
	for (int i = 0; i < INIT_CHILDREN; i++)
		if (fork() == 0)
			break;
	scratch_idle(NULL);
}

/* Start @n processes running @fn in the group @rel below @ctr, and wait
 * until it lists @expect processes (forks included). */
static int start_in(int ctr, const char *rel, int n, void (*fn)(void *), int expect)
{
	int fd = openat(ctr, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	for (int i = 0; i < n && r == 0; i++) {
		pid_t pid = scratch_spawn(fd, fn, NULL);

		r = pid < 0 ? (int)pid : 0;
	}
	for (int ms = 0; r == 0 && scratch_count_procs(fd) < expect; ms++) {
		if (ms == 5000)
			r = -ETIMEDOUT;
		usleep(1000);
	}
	close(fd);
	return r;
}

/* Set the container up and return the fd of its group, or -errno. */
static int create_container(void)
{
	char path[PATH_MAX];
	int ctr, r;

	r = scratch_mkgroup("ctr-1", path, sizeof(path));
	if (r < 0)
		return r;
	ctr = cgkill_open(path, 0);
	if (ctr < 0)
		return ctr;
	printf("container group %s opened as fd %d\n", path, ctr);
	memset(path, 0, sizeof(path));	/* from here on, the fd alone */

	if (mkdirat(ctr, "init", 0755) < 0 || mkdirat(ctr, "payload", 0755) < 0 ||
	    mkdirat(ctr, "payload/app", 0755) < 0)
		r = -errno;
	if (r == 0)
		r = start_in(ctr, "init", 1, container_init, 1 + INIT_CHILDREN);
	if (r == 0)
		r = start_in(ctr, "payload/app", APP_WORKERS, scratch_idle, APP_WORKERS);
	if (r < 0) {
		close(ctr);
		return r;
	}
	return ctr;
}

int main(void)
{
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_opts opts;
	int ctr, r, failed = 0;

	r = scratch_init("cgkill-container");
	if (r)
		return r;
	ctr = create_container();
	if (ctr < 0) {
		fprintf(stderr, "FAIL: setting the container up: %s\n", strerror(-ctr));
		scratch_fini();
		return 1;
	}
	printf("running: init with %d children in init/, %d workers in payload/app/\n",
	       INIT_CHILDREN, APP_WORKERS);

	cgkill_opts_init(&opts);
	opts.flags = CGKILL_REMOVE;	/* rmdir every group, leaves first */
	r = cgkill_fd(ctr, &opts, &rep);
	print_report("kill through the fd (cgkill_fd, CGKILL_REMOVE)", r, &rep,
		     NULL);
	if (r != CGKILL_DONE)
		failed = 1;

	/* The fd still names the group, and the group says it is gone. */
	if (faccessat(ctr, "cgroup.procs", F_OK, 0) == 0 || errno != ENOENT) {
		fprintf(stderr, "FAIL: the group still has its files\n");
		failed = 1;
	} else {
		printf("  afterwards      the fd's group has no files (removed), ");
		r = cgkill_fd(ctr, NULL, NULL);
		printf("killing it again: %s\n", strerror(-r));
	}
	if (faccessat(scratch_parent_fd(), "ctr-1", F_OK, 0) == 0) {
		fprintf(stderr, "FAIL: ctr-1 is still listed in %s\n", scratch_parent());
		failed = 1;
	}
	r = scratch_reap_all(5000);
	printf("  reaped          %d processes\n", r);
	if (r != 1 + INIT_CHILDREN + APP_WORKERS)
		failed = 1;
	close(ctr);

	if (scratch_fini() < 0)
		failed = 1;
	printf("%s\n", failed ? "FAILED" : "OK");
	return failed;
}
