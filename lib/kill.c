// SPDX-License-Identifier: LGPL-2.1-or-later
/* The blocking calls: the non-blocking engine driven by poll(). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include "cgkill-private.h"

/* Called with cancellation held off: poll() alone lets it in. */
int kill_wait(struct cgkill_op *op, struct cgkill_report *report, int cs)
{
	int r;

	for (;;) {
		struct pollfd pfd = { .fd = cgkill_op_get_fd(op), .events = POLLIN };

		r = op_process(op, report);
		if (r != CGKILL_RUNNING)
			return r;
		cgk_cancel_restore(cs);
		r = poll(&pfd, 1, -1) < 0 && errno != EINTR ? -errno : 0;
		cgk_cancel_off();
		if (r < 0) /* a late failure: the report is filled */
			return op_abort(op, r, report);
	}
}

static void free_op(void *op)
{
	cgkill_op_free(op);
}

static void close_fd(void *fd)
{
	close(*(int *)fd);
}

int kill_fd(int dirfd, const struct cgkill_opts *opts, struct cgkill_report *report,
	    enum cgk_call call, int cs)
{
	struct cgkill_op *op;
	int r, obs;

	r = opts_report_check(report);
	if (r < 0)
		return r;
	r = op_start(dirfd, opts, &op, &obs);
	if (r < 0)
		return obs ? r : errors_filter(call, r);
	/* A thread cancelled in the wait's poll() frees the operation on its
	 * way out; no round runs then, so nothing is frozen. */
	pthread_cleanup_push(free_op, op);
	r = kill_wait(op, report, cs);
	obs = op_by_observer(op);
	pthread_cleanup_pop(1);
	return obs ? r : errors_filter(call, r);
}

int kill_opened(int fd, const struct cgkill_opts *opts, struct cgkill_report *report,
		enum cgk_call call, int cs)
{
	int r;

	if (fd < 0)
		return errors_filter(call, fd);
	pthread_cleanup_push(close_fd, &fd);
	r = kill_fd(fd, opts, report, call, cs);
	pthread_cleanup_pop(1);
	return r;
}

CGKILL_EXPORT int cgkill_op_wait(struct cgkill_op *op, struct cgkill_report *report)
{
	int r, cs;

	if (!op)
		return -EINVAL;
	cs = cgk_cancel_off();
	r = kill_wait(op, report, cs);
	cgk_cancel_restore(cs);
	return op_by_observer(op) ? r : errors_filter(CGK_CALL_OP_WAIT, r);
}

CGKILL_EXPORT int cgkill_fd(int dirfd, const struct cgkill_opts *opts, struct cgkill_report *report)
{
	int r, cs = cgk_cancel_off();

	r = kill_fd(dirfd, opts, report, CGK_CALL_FD, cs);
	cgk_cancel_restore(cs);
	return r;
}

CGKILL_EXPORT int cgkill_path(const char *path, const struct cgkill_opts *opts,
			      struct cgkill_report *report)
{
	int r, cs;

	r = opts_report_check(report);
	if (r < 0)
		return r;
	cs = cgk_cancel_off();
	r = kill_opened(target_open(path, 0), opts, report, CGK_CALL_PATH, cs);
	cgk_cancel_restore(cs);
	return r;
}
