// SPDX-License-Identifier: LGPL-2.1-or-later
/* Removing an emptied subtree, leaves first, by directory fds. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgkill-private.h"

int cg_remove_children(int dirfd)
{
	char buf[8192];
	ssize_t n;
	int r = 0, fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	/* Rescan from the start after each batch: removing entries while
	 * reading the directory could skip some. */
	while (r == 0 && lseek(fd, 0, SEEK_SET) == 0 &&
	       (n = getdents64(fd, buf, sizeof(buf))) > 0) {
		int removed = 0;

		for (ssize_t o = 0; o < n && r == 0;) {
			struct dirent64 *d = (struct dirent64 *)(buf + o);
			int cfd;

			o += d->d_reclen;
			if (d->d_type != DT_DIR || !strcmp(d->d_name, ".") ||
			    !strcmp(d->d_name, ".."))
				continue;
			cfd = openat(fd, d->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd < 0) {
				r = errno == ENOENT ? 0 : -errno;
				continue;
			}
			r = cg_remove_children(cfd);
			close(cfd);
			if (r == 0 && unlinkat(fd, d->d_name, AT_REMOVEDIR) < 0)
				r = errno == ENOENT ? 0 : -errno;
			removed++;
		}
		if (!removed)
			break;
	}
	close(fd);
	return r;
}
