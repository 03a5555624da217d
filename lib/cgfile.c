// SPDX-License-Identifier: LGPL-2.1-or-later
/* Small reads and writes of cgroupfs files relative to a group's dirfd. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgkill-private.h"

ssize_t cgfile_read(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && cgk_again(errno));
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

ssize_t cgfile_fd_read_all(int fd, char **buf, size_t *cap)
{
	size_t len = 0;

	for (;;) {
		ssize_t n;

		if (*cap - len < 4096) {
			/* Large steps: cgroup.procs of 10k pids is ~60 KiB and
			 * each read() of a seq file is a kernel iteration. */
			size_t ncap = *cap ? *cap * 2 : 65536;
			char *nb = realloc(*buf, ncap);

			if (!nb)
				return -ENOMEM;
			*buf = nb;
			*cap = ncap;
		}
		n = read(fd, *buf + len, *cap - len - 1);
		if (n < 0) {
			if (cgk_again(errno))
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

ssize_t cgfile_read_all(int dirfd, const char *name, char **buf, size_t *cap)
{
	ssize_t n;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -errno;
	n = cgfile_fd_read_all(fd, buf, cap);
	close(fd);
	return n;
}

int cgfile_write(int dirfd, const char *name, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int r = 0, fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -errno;
	do
		n = write(fd, val, len);
	while (n < 0 && cgk_again(errno));
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	close(fd);
	return r;
}

int cgfile_read_events(int evfd, int *populated)
{
	char buf[256];
	ssize_t n;

	do
		n = pread(evfd, buf, sizeof(buf) - 1, 0);
	while (n < 0 && cgk_again(errno));
	if (n < 0) {
		/* Removed by someone else once empty (a service manager
		 * does that): nothing can be in it any more. */
		if (errno != ENODEV && errno != ENOENT)
			return -errno;
		*populated = 0;
		return 0;
	}
	return parse_events(buf, (size_t)n, populated, NULL);
}
