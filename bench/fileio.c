// SPDX-License-Identifier: LGPL-2.1-or-later
/* Small reads and writes of cgroupfs and procfs files; the wait for
 * "populated 0" on cgroup.events; a pass over the cgroup.procs of a subtree. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

static ssize_t read_fd_all(int fd, char **buf, size_t *cap)
{
	size_t len = 0;

	for (;;) {
		ssize_t n;

		if (*cap - len < 4096) {
			size_t ncap = *cap ? *cap * 2 : 65536;
			char *nb = realloc(*buf, ncap);

			if (!nb)
				return -ENOMEM;
			*buf = nb;
			*cap = ncap;
		}
		n = read(fd, *buf + len, *cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	(*buf)[len] = '\0';
	return (ssize_t)len;
}

static ssize_t read_at_all(int dfd, const char *name, char **buf, size_t *cap)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read_fd_all(fd, buf, cap);
	close(fd);
	return n;
}

int write_at(int dfd, const char *name, const char *val)
{
	int fd = openat(dfd, name, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(val);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : (size_t)n == len ? 0 : -EIO;
}

ssize_t read_text(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* A field of /proc/pressure/cpu ("some avg10="), NAN if the kernel has
 * no PSI: printed beside each figure, since slow exits on a loaded machine
 * hide the library's own cost. */
double cpu_psi(const char *key)
{
	char buf[256], *p;

	if (read_text("/proc/pressure/cpu", buf, sizeof(buf)) < 0)
		return NAN;
	p = strstr(buf, key);
	return p ? strtod(p + strlen(key), NULL) : NAN;
}

long read_long_file(const char *path)
{
	char b[64];

	return read_text(path, b, sizeof(b)) < 0 ? -1 : strtol(b, NULL, 10);
}

/* A key of an open cgroup.events ("populated", "frozen"): 0, 1 or -errno. */
int events_key(int evfd, const char *key)
{
	char b[256];
	ssize_t n = pread(evfd, b, sizeof(b) - 1, 0);
	size_t kl = strlen(key);
	const char *p;

	if (n < 0)
		return -errno;
	b[n] = '\0';
	for (p = b; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return p[kl + 1] == '1';
	return -EIO;
}

/* "populated" of an open cgroup.events: 0, 1 or -errno. */
int events_populated(int evfd)
{
	return events_key(evfd, "populated");
}

/* Wait, driven by cgroup.events, for "populated 0"; *when: when seen. */
int wait_empty(int evfd, uint64_t limit_ns, uint64_t *when)
{
	uint64_t end = bench_now() + limit_ns;

	for (;;) {
		struct pollfd pf = { .fd = evfd, .events = POLLPRI };
		int r = events_populated(evfd);
		uint64_t now;

		if (r < 0)
			return r;
		if (r == 0) {
			if (when)
				*when = bench_now();
			return 0;
		}
		now = bench_now();
		if (now >= end)
			return -ETIMEDOUT;
		r = poll(&pf, 1, (int)((end - now) / 1000000ULL) + 1);
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/* Processes listed in the subtree at dfd, each passed to fn (when not
 * NULL); fn's negative result stops the walk. */
long procs_each(int dfd, int (*fn)(pid_t pid, void *arg), void *arg, char **buf, size_t *cap)
{
	long found = 0;
	ssize_t n = read_at_all(dfd, "cgroup.procs", buf, cap);
	DIR *d;
	struct dirent *de;
	int dup_fd;

	if (n < 0)
		return n == -ENOENT || n == -ENODEV ? 0 : n;
	for (const char *p = *buf; *p;) {
		char *e;
		long v = strtol(p, &e, 10);

		if (e == p)
			break;
		found++;
		if (fn && v > 0) {
			int r = fn((pid_t)v, arg);

			if (r < 0)
				return r;
		}
		p = e;
		while (*p == '\n')
			p++;
	}
	dup_fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup_fd < 0)
		return -errno;
	d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return -ENOMEM;
	}
	while ((de = readdir(d))) {
		long r;
		int cfd;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		cfd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cfd < 0)
			continue;	/* removed under us */
		r = procs_each(cfd, fn, arg, buf, cap);
		close(cfd);
		if (r < 0) {
			closedir(d);
			return r;
		}
		found += r;
	}
	closedir(d);
	return found;
}

static int kill_one(pid_t pid, void *arg)
{
	kill(pid, *(const int *)arg);
	return 0;
}

/* Processes listed in the subtree at dfd; with sig, kill() each of them.
 * The pids cannot be recycled, see the top of main.c. */
long procs_pass(int dfd, int sig, char **buf, size_t *cap)
{
	return procs_each(dfd, sig ? kill_one : NULL, &sig, buf, cap);
}
