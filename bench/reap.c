// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reaping our children and removing scratch groups, leaves first. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* Reap every child we have, for at most limit_ns; the count reaped. */
long reap_all(uint64_t limit_ns, bool *all)
{
	uint64_t end = bench_now() + limit_ns;
	long k = 0;

	*all = false;
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG | __WALL);

		if (p > 0) {
			k++;
			continue;
		}
		if (p < 0 && errno == ECHILD) {
			*all = true;
			return k;
		}
		if (p < 0 && errno != EINTR)
			return k;
		if (bench_now() >= end)
			return k;
		sleep_ns(200000);
	}
}

/* Empty (by cgroup.kill: everything below our root is ours) and remove
 * the group pfd/name and its subtree, leaves first. */
int sweep(int pfd, const char *name)
{
	int fd, evfd, r = 0, tries;
	DIR *d;
	struct dirent *de;
	bool all;

	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	evfd = openat(fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (evfd >= 0) {
		if (events_populated(evfd) == 1) {
			write_at(fd, "cgroup.freeze", "0");
			r = write_at(fd, "cgroup.kill", "1");
			if (r == 0)
				r = wait_empty(evfd, 10ULL * 1000000000ULL, NULL);
			if (r < 0)
				fprintf(stderr, "cgkill-bench: cannot empty %s: %s\n",
					name, strerror(-r));
		}
		close(evfd);
	}
	reap_all(0, &all);
	d = fdopendir(fcntl(fd, F_DUPFD_CLOEXEC, 0));
	if (d) {
		while ((de = readdir(d)))
			if (de->d_type == DT_DIR && de->d_name[0] != '.') {
				int r2 = sweep(fd, de->d_name);

				if (r2 < 0 && r == 0)
					r = r2;
			}
		closedir(d);
	}
	close(fd);
	/* The kernel can take a moment after "populated 0". */
	for (tries = 0; tries < 2000; tries++) {
		if (unlinkat(pfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return r;
		if (errno != EBUSY)
			break;
		reap_all(0, &all);
		sleep_ns(1000000);
	}
	fprintf(stderr, "cgkill-bench: cannot remove group %s: %s\n", name,
		strerror(errno));
	return r ? r : -errno;
}
