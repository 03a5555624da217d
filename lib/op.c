// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * An operation as the caller sees it: set up (the target checked, the fds
 * the engine waits on), started, processed on each wake-up, aborted, asked
 * about and freed.  What it does between those calls is the engine's
 * (engine.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "op-private.h"

/* CGKILL_RELEASE_MEMORY: a victim killed by its pidfd, then reaped, before
 * the kernel's kill of the rest (mrelease.c). */
static int mr_sent(void *arg, pid_t pid, const char *rel)
{
	struct cgkill_op *op = arg;

	op->rep.signaled++;
	op->stages[op->stage].signaled++;
	return pass_observe(op, pid, SIGKILL, rel);
}

static int op_setup(struct cgkill_op *op, int dirfd)
{
	struct epoll_event ev = { .events = EPOLLPRI };
	int r;

	op->tfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (op->tfd < 0)
		return errno == ENOTDIR ? -ENOTDIR : -errno;
	r = target_check(op->tfd, op->o.flags, &op->t);
	if (r < 0)
		return r;
	op->sc.groups = &op->groups;
	op->sc.cgpath = op->t.cgpath;
	op->sc.use_info = !secure_getenv("CGKILL_NO_PIDFD_INFO");
	if (op->o.flags & CGKILL_RELEASE_MEMORY) {
		struct mrel_ctx mc = {
			.tfd = op->tfd,
			.sc = &op->sc,
			.groups = &op->groups,
			.sent = mr_sent,
			.arg = op,
		};

		r = mrelease_new(&op->mr, &mc);
		if (r < 0)
			return r;
	}
	if (op->o.flags & CGKILL_VICTIMS) {
		r = victims_new(&op->vic, op->o.max_victims);
		if (r < 0)
			return r;
	}
	/* Armed before any signal: a change after this read is an event. */
	op->evfd = openat(op->tfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	op->epfd = epoll_create1(EPOLL_CLOEXEC);
	op->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (op->evfd < 0 || op->epfd < 0 || op->timerfd < 0)
		return -errno;
	ev.data.fd = op->evfd;
	if (epoll_ctl(op->epfd, EPOLL_CTL_ADD, op->evfd, &ev) < 0)
		return -errno;
	ev.events = EPOLLIN;
	ev.data.fd = op->timerfd;
	if (epoll_ctl(op->epfd, EPOLL_CTL_ADD, op->timerfd, &ev) < 0)
		return -errno;
	return cgfile_read_events(op->evfd, &op->populated);
}

int op_start(int dirfd, const struct cgkill_opts *opts, struct cgkill_op **ret, int *by_observer)
{
	struct cgkill_op *op;
	int r;

	*by_observer = 0;
	if (!ret)
		return -EINVAL;
	*ret = NULL;
	if (dirfd < 0)
		return -EBADF;
	op = calloc(1, sizeof(*op));
	if (!op)
		return -ENOMEM;
	op->tfd = op->evfd = op->epfd = op->timerfd = op->spent_watch = -1;
	op->t0 = time_now_ns();
	r = opts_load(opts, &op->o);
	if (r < 0) {
		op->o.trace = NULL; /* options refused: none of them used */
		goto fail;
	}
	op->rep.size = sizeof(op->rep);
	op->rep.first_signal = op->o.signal;
	r = op_setup(op, dirfd);
	if (r < 0)
		goto fail;
	r = engine_start(op);
	if (r < 0)
		goto fail;
	*ret = op;
	return 0;
fail:
	if (TRACING(op)) {
		struct cgkill_trace ev = { .kind = CGKILL_TRACE_DONE, .result = r };

		trace_event(op, &ev, "failed at the start, error %d", -r);
	}
	*by_observer = op->observer_stopped;
	cgkill_op_free(op);
	return r;
}

int op_process(struct cgkill_op *op, struct cgkill_report *report)
{
	uint64_t ticks;
	int r;

	if (!op)
		return -EINVAL;
	r = opts_report_check(report);
	if (r < 0)
		return r;
	if (op->state != ST_DONE) {
		if (read(op->timerfd, &ticks, sizeof(ticks)) < 0 && !cgk_again(errno))
			r = -errno;
		else
			r = engine_step(op);
		if (r < 0)
			engine_end(op, r);
	}
	if (op->state != ST_DONE)
		return CGKILL_RUNNING;
	if (report)
		opts_report_store(report, &op->rep);
	return op->result;
}

int op_abort(struct cgkill_op *op, int err, struct cgkill_report *report)
{
	if (op->state != ST_DONE)
		engine_end(op, err);
	if (report)
		opts_report_store(report, &op->rep);
	return op->result;
}

int op_by_observer(const struct cgkill_op *op)
{
	return op->observer_stopped && op->result < 0;
}

void op_lists(const struct cgkill_op *op, struct survivors **s, struct victims **v)
{
	*s = op->surv;
	*v = op->vic;
}

CGKILL_EXPORT int cgkill_op_start(int dirfd, const struct cgkill_opts *opts, struct cgkill_op **ret)
{
	int obs, r, cs = cgk_cancel_off();

	r = op_start(dirfd, opts, ret, &obs);
	cgk_cancel_restore(cs);
	return obs ? r : errors_filter(CGK_CALL_OP_START, r);
}

CGKILL_EXPORT int cgkill_op_get_fd(const struct cgkill_op *op)
{
	return op ? op->epfd : -EINVAL;
}

CGKILL_EXPORT int cgkill_op_process(struct cgkill_op *op, struct cgkill_report *report)
{
	int r, cs = cgk_cancel_off();

	r = op_process(op, report);
	cgk_cancel_restore(cs);
	return op && op_by_observer(op) ? r : errors_filter(CGK_CALL_OP_PROCESS, r);
}

CGKILL_EXPORT int cgkill_op_get_stage(const struct cgkill_op *op, uint32_t idx,
				      struct cgkill_stage *stage)
{
	int r;

	if (!op || !stage)
		return -EINVAL;
	r = opts_size_check(stage->size, CGKILL_STAGE_SIZE_VER0);
	if (r < 0)
		return r;
	if (idx >= op->rep.n_stages)
		return -ENOENT;
	opts_struct_store(stage, stage->size, &op->stages[idx], sizeof(op->stages[idx]));
	return 0;
}

CGKILL_EXPORT void cgkill_op_free(struct cgkill_op *op)
{
	int cs;

	if (!op)
		return;
	cs = cgk_cancel_off();
	/* Nothing to undo: the freezer is only ever set inside one call. */
	if (op->tfd >= 0)
		close(op->tfd);
	if (op->evfd >= 0)
		close(op->evfd);
	if (op->epfd >= 0)
		close(op->epfd);
	if (op->timerfd >= 0)
		close(op->timerfd);
	if (op->spent_watch >= 0)
		close(op->spent_watch);
	target_free(&op->t);
	idset_free(&op->groups);
	idset_free(&op->procs);
	idset_free(&op->frozen);
	parse_pidvec_free(&op->pv);
	survivors_free(op->surv);
	victims_free(op->vic);
	mrelease_free(op->mr);
	free(op->buf);
	free(op);
	cgk_cancel_restore(cs);
}
