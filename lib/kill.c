// SPDX-License-Identifier: LGPL-2.1-or-later
/* The blocking calls: the non-blocking engine driven by poll(). */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "cgkill-private.h"

CGKILL_EXPORT int cgkill_fd(int dirfd, const struct cgkill_opts *opts,
			    struct cgkill_report *report)
{
	struct cgkill_op *op;
	int r;

	if (report && report_check(report) < 0)
		return -EINVAL;
	r = cgkill_op_start(dirfd, opts, &op);
	if (r < 0)
		return r;
	for (;;) {
		struct pollfd pfd = { .fd = cgkill_op_get_fd(op), .events = POLLIN };

		r = cgkill_op_process(op, report);
		if (r != CGKILL_RUNNING)
			break;
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
	}
	cgkill_op_free(op);
	return r;
}

CGKILL_EXPORT int cgkill_path(const char *path, const struct cgkill_opts *opts,
			      struct cgkill_report *report)
{
	int r, fd;

	if (report && report_check(report) < 0)
		return -EINVAL;
	fd = cgkill_open(path, 0);
	if (fd < 0)
		return fd;
	r = cgkill_fd(fd, opts, report);
	close(fd);
	return r;
}
