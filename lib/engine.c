// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine: one state machine behind both the non-blocking API and the
 * blocking calls; its states are in op-private.h, every move between them
 * in transition().  A stage signals the subtree (cgroup.kill, or freeze +
 * passes of pidfd signals + thaw, all inside one call so the freezer is
 * never left set between calls), then waits for "populated 0" on
 * cgroup.events.
 * While waiting, short rescans (a timerfd with backoff) catch what the
 * event cannot tell: processes the kernel's kill missed, arrivals, and a
 * group that holds only kernel threads and will never depopulate.
 *
 * No path signals the calling process: it can land in its own target (root
 * moves it there, even while the target is frozen for our round: the kernel
 * freezes it at once, and it runs on once someone thaws the target).  Found
 * in a listing, it is skipped and the operation fails with EDEADLK, or,
 * with CGKILL_ALLOW_SELF, it is left out of what is signalled and waited
 * for.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "op-private.h"

#define SCAN_FIRST_NS 2000000ULL /* first rescan 2 ms after signalling */
#define SCAN_MAX_NS 64000000ULL	 /* backoff cap */
/* A rescan walks the whole subtree, and the CPU it takes is taken from the
 * exits it waits for: the gap after one is at least this many times the
 * CPU it cost, so rescans never use more than about 5% of a CPU. */
#define SCAN_COST_FACTOR 20
/* What one group adds to a rescan, for the first one, before any was
 * measured: about 12 us of system calls on an idle 2-CPU VM, 60 us while
 * the group's processes exit around it. */
#define SCAN_GROUP_NS 25000ULL
/* rmdir can fail with EBUSY for a few ms after "populated 0": retried every
 * ms for this long, by the clock, however often the caller comes back. */
#define REMOVE_WAIT_NS 1000000000ULL
#define REMOVE_RETRY_NS 1000000ULL
#define PEEK_NS 1000000ULL

/* What moves the engine from one state to another: transition(). */
enum op_event {
	EV_START,    /* op_start(): the first stage, or a dry run */
	EV_NO_USERS, /* nothing left to signal: empty, or kernel threads */
	EV_DEADLINE, /* the wait's deadline passed */
	EV_END,	     /* the outcome is known: done now */
};

static int transition(struct cgkill_op *op, enum op_event ev, int result);
static int remove_step(struct cgkill_op *op);

/* CGKILL_VICTIMS: the kernel's kill with every process pinned before it
 * (victims.c); the observer sees each. */
static int observe_victim(void *arg, pid_t pid, int sig, const char *rel)
{
	return pass_observe(arg, pid, sig, rel);
}

static int native_victims(struct cgkill_op *op)
{
	struct vic_native n = {
		.tfd = op->tfd,
		.sc = &op->sc,
		.groups = &op->groups,
		.rep = &op->rep,
		.stage = &op->stages[op->stage],
		.observe = observe_victim,
		.arg = op,
		.spent_watch = &op->spent_watch,
	};
	int r = victims_native(op->vic, &n);

	if (n.froze)
		op->peek_until = time_now_ns() + NOTIFY_QUIET_NS;
	if (TRACING(op)) {
		struct cgkill_trace ev = {
			.kind = CGKILL_TRACE_VICTIMS,
			.method = CGKILL_METHOD_NATIVE,
			.reason = n.froze ? CGKILL_TRACE_R_FROZE : CGKILL_TRACE_R_NONE,
			.result = r < 0 ? r : 0,
			.count = n.pinned,
		};

		trace_event(op, &ev, "victims: %zu processes pinned before cgroup.kill%s", n.pinned,
			    n.froze ? ", the target frozen meanwhile" : "");
	}
	if (r == VIC_SELF) { /* found inside: never the kernel's kill */
		r = pass_self(op);
		return r < 0 ? r : -ENOENT;
	}
	if (r == CGKILL_LEFT_FROZEN)
		op->stages[op->stage].method = CGKILL_METHOD_NATIVE;
	return r;
}

static int arm_timer(struct cgkill_op *op, uint64_t at)
{
	struct itimerspec its = { 0 };

	if (at == 0)
		at = 1; /* 0 would disarm: fire at once instead */
	its.it_value.tv_sec = (time_t)(at / 1000000000ULL);
	its.it_value.tv_nsec = (long)(at % 1000000000ULL);
	return timerfd_settime(op->timerfd, TFD_TIMER_ABSTIME, &its, NULL) < 0 ? -errno : 0;
}

static uint64_t deadline_after(uint64_t now, int64_t ms)
{
	/* Saturate: a timeout of centuries is as good as forever. */
	if (ms < 0 || (uint64_t)ms > (UINT64_MAX - now) / 1000000ULL)
		return UINT64_MAX;
	return now + (uint64_t)ms * 1000000ULL;
}

/* When the timerfd fires next: a pure function of the state (and of now,
 * for what is relative to it). */
static uint64_t next_wakeup(const struct cgkill_op *op, uint64_t now)
{
	uint64_t at;

	switch (op->state) {
	case ST_DONE:
		/* Readable: the caller comes to collect the result. */
		return 1;
	case ST_REMOVING:
		return op->remove_next;
	default: /* the waiting states */
		break;
	}
	at = op->next_scan < op->deadline ? op->next_scan : op->deadline;
	if (now < op->peek_until && now + PEEK_NS < at)
		at = now + PEEK_NS;
	if (op->mr && mrelease_pending(op->mr))
		at = now; /* the next slice of reaping: at once */
	return at;
}

static int schedule(struct cgkill_op *op, uint64_t now)
{
	return arm_timer(op, next_wakeup(op, now));
}

/* Survivors are read on a timeout, or when asked (whatever the result):
 * never on a success nobody asked about.  What fails to be read is left
 * out; the result stays the kill's. */
static void end_lists(struct cgkill_op *op, int result)
{
	struct surv_in in = {
		.tfd = op->tfd,
		.cgpath = op->t.cgpath,
		.use_info = op->sc.use_info,
		.sig = op->rep.n_stages ? op->rep.last_signal : op->o.signal,
		.max = op->o.max_survivors,
	};
	uint64_t kthreads = 0, hidden = 0;

	op->rep.n_victims = victims_count(op->vic);
	if (op->tfd < 0 || (result != CGKILL_TIMEOUT && !(op->o.flags & CGKILL_SURVIVORS)))
		return;
	if (op->populated || result != CGKILL_DONE)
		survivors_collect(&op->surv, &in);
	survivors_counts(op->surv, &op->rep.n_survivors, &op->rep.survivors, &kthreads, &hidden);
	/* The same ones the passes counted, seen again. */
	if (kthreads > op->rep.kernel_threads)
		op->rep.kernel_threads = kthreads;
	if (hidden > op->rep.hidden)
		op->rep.hidden = hidden;
}

static void trace_released(struct cgkill_op *op)
{
	struct mrelease_stats ms;
	struct cgkill_trace ev = { .kind = CGKILL_TRACE_MEMORY };

	mrelease_stats(op->mr, &ms);
	if (op->rep.flags & CGKILL_REPORT_NO_MRELEASE) {
		ev.reason = CGKILL_TRACE_R_NO_MRELEASE;
		trace_event(op, &ev,
			    "memory: no process_mrelease here: the victims "
			    "free their memory themselves");
		return;
	}
	ev.reason = CGKILL_TRACE_R_RELEASED;
	ev.count = ms.reaped;
	ev.count2 = op->rep.memory_released_bytes;
	trace_event(op, &ev,
		    "memory: %" PRIu64 " victims reaped, %" PRIu64 " bytes back %" PRIu64
		    ".%03" PRIu64 " ms after the start",
		    ms.reaped, ev.count2, op->rep.memory_released_ns / 1000000,
		    op->rep.memory_released_ns / 1000 % 1000);
}

static void trace_done(struct cgkill_op *op, int result)
{
	struct cgkill_trace ev = {
		.kind = CGKILL_TRACE_DONE,
		.result = result,
		.ns = op->rep.elapsed_ns, /* the report's end, exactly */
		.count = op->rep.signaled,
		.count2 = op->rep.passes,
	};
	char what[32];

	if (result == CGKILL_DONE)
		snprintf(what, sizeof(what), "no user process left");
	else if (result == CGKILL_TIMEOUT)
		snprintf(what, sizeof(what), "timed out");
	else if (result == CGKILL_LEFT_FROZEN)
		snprintf(what, sizeof(what), "LEFT FROZEN");
	else
		snprintf(what, sizeof(what), "failed, error %d", -result);
	trace_event(op, &ev,
		    "done: %s after %" PRIu64 ".%03" PRIu64 " ms; %" PRIu64
		    " signalled by pidfd, %" PRIu64 " passes",
		    what, op->rep.elapsed_ns / 1000000, op->rep.elapsed_ns / 1000 % 1000,
		    op->rep.signaled, op->rep.passes);
}

/* Entering ST_DONE. */
static int finish(struct cgkill_op *op, int result)
{
	uint64_t now;

	/* The victims had the wait to let the kernel free the watch. */
	if (op->spent_watch >= 0) {
		close(op->spent_watch);
		op->spent_watch = -1;
	}
	end_lists(op, result);
	if (op->mr) {
		mrelease_report(op->mr, !op->populated, op->t0, &op->rep);
		if (TRACING(op))
			trace_released(op);
	}
	op->result = result;
	if (op->populated)
		op->rep.flags |= CGKILL_REPORT_POPULATED;
	if (op->users_gone)
		op->rep.flags |= CGKILL_REPORT_NO_USERS;
	if (result == CGKILL_TIMEOUT)
		op->rep.flags |= CGKILL_REPORT_TIMED_OUT;
	now = time_now_ns();
	op->rep.elapsed_ns = now - op->t0;
	if (TRACING(op))
		trace_done(op, result);
	return schedule(op, now);
}

static int check_type(int dirfd)
{
	char b[64];
	enum cg_type type;
	ssize_t n = cgfile_read(dirfd, "cgroup.type", b, sizeof(b));

	if (n < 0)
		return (int)n;
	if (parse_type(b, (size_t)n, &type) < 0)
		return -EIO;
	/* As the kernel's cgroup.kill: a threaded group is part of a process
	 * and cannot be killed on its own.  The native path leaves this to
	 * the kernel, which answers the same: nothing runs before the kill
	 * that need not. */
	return type == CG_TYPE_THREADED ? -EOPNOTSUPP : 0;
}

/* The first rescan is put off by SCAN_COST_FACTOR times what it will cost:
 * the last signalling pass measured it, or, after the kernel's kill, the
 * size of the subtree says it (cgroup.stat, read after the kill). A small
 * subtree is looked at again within milliseconds; 100 groups whose
 * processes all die within 40 ms are not walked while they die. */
static uint64_t first_gap(struct cgkill_op *op)
{
	uint64_t gap, cost = op->pass_cost;

	if (!cost) {
		unsigned long long d = 0;
		char b[1024];
		ssize_t n = cgfile_read(op->tfd, "cgroup.stat", b, sizeof(b));

		if (n <= 0 || parse_keyed(b, (size_t)n, "nr_descendants", &d) < 0 ||
		    d > SCAN_MAX_NS / SCAN_GROUP_NS)
			d = SCAN_MAX_NS / SCAN_GROUP_NS;
		cost = ((uint64_t)d + 1) * SCAN_GROUP_NS;
	}
	gap = cost * SCAN_COST_FACTOR;
	return gap < SCAN_FIRST_NS ? SCAN_FIRST_NS : gap > SCAN_MAX_NS ? SCAN_MAX_NS : gap;
}

static void trace_pinned(struct cgkill_op *op)
{
	struct mrelease_stats ms;
	struct cgkill_trace ev = {
		.kind = CGKILL_TRACE_MEMORY,
		.reason = CGKILL_TRACE_R_PINNED,
	};

	mrelease_stats(op->mr, &ms);
	ev.count = ms.pinned;
	ev.count2 = ms.rss;
	ev.count3 = ms.pairing;
	trace_event(op, &ev, "memory: %" PRIu64 " processes pinned, %" PRIu64 " bytes of RSS%s",
		    ev.count, ev.count2,
		    ms.pairing ?
			    "; the CPUs are busy: the largest killed and reaped one by one first" :
			    "");
}

static uint32_t freeze_reason(const struct cgkill_op *op, int sig)
{
	if (sig != SIGKILL)
		return CGKILL_TRACE_R_NOT_SIGKILL;
	if (op->o.flags & CGKILL_FORCE_FREEZE)
		return CGKILL_TRACE_R_FORCE_FREEZE;
	if (op->t.has_self)
		return CGKILL_TRACE_R_SELF_INSIDE;
	return CGKILL_TRACE_R_NO_KILL_FILE;
}

static void trace_method(struct cgkill_op *op, uint32_t method, uint32_t reason)
{
	struct cgkill_trace ev = {
		.kind = CGKILL_TRACE_METHOD,
		.method = method,
		.reason = reason,
		.count = (uint64_t)op->stage,
	};
	const char *sig = trace_signame(op, op->stages[op->stage].signal);

	switch (reason) {
	case CGKILL_TRACE_R_NATIVE:
		trace_event(op, &ev, "method native: %s and cgroup.kill is there", sig);
		break;
	case CGKILL_TRACE_R_NOT_SIGKILL:
		trace_event(op, &ev,
			    "method freeze: %s is not SIGKILL, the only "
			    "signal of cgroup.kill",
			    sig);
		break;
	case CGKILL_TRACE_R_FORCE_FREEZE:
		trace_event(op, &ev, "method freeze: %s, CGKILL_FORCE_FREEZE", sig);
		break;
	case CGKILL_TRACE_R_SELF_INSIDE:
		trace_event(op, &ev,
			    "method freeze, unfrozen: %s, the caller is "
			    "inside (CGKILL_ALLOW_SELF)",
			    sig);
		break;
	default:
		trace_event(op, &ev,
			    "method freeze: %s, no cgroup.kill here "
			    "(Linux < 5.14)",
			    sig);
		break;
	}
}

/* ST_SIGNALLING: stage idx sends sig to the subtree, all within this call;
 * CGKILL_LEFT_FROZEN when a thaw failed. */
static int stage_signal(struct cgkill_op *op, int idx, int sig)
{
	struct cgkill_stage *st = &op->stages[idx];
	int r;

	op->stage = idx;
	op->rep.n_stages = (uint32_t)idx + 1;
	op->rep.last_signal = sig;
	st->size = sizeof(*st);
	st->signal = sig;
	st->started_ns = time_now_ns() - op->t0;
	for (size_t i = 0; i < op->procs.cap; i++)
		op->procs.vals[i] &= ~P_SIGNALED;

	if (sig == SIGKILL && op->mr) {
		mrelease_pin(op->mr); /* CGKILL_RELEASE_MEMORY */
		if (TRACING(op))
			trace_pinned(op);
	}
	r = -ENOENT;
	if (sig == SIGKILL && !(op->o.flags & CGKILL_FORCE_FREEZE) && !op->native_missing) {
		r = pass_self_check(op);
		if (r == 0 && op->mr && !op->t.has_self)
			r = mrelease_pairs(op->mr);
		if (r < 0)
			return r;
		if (TRACING(op) && !op->t.has_self)
			trace_method(op, CGKILL_METHOD_NATIVE, CGKILL_TRACE_R_NATIVE);
		/* The kernel's kill spares nobody: not with the caller inside. */
		r = op->t.has_self ? -ENOENT :
		    op->vic	   ? native_victims(op) :
				     cgfile_write(op->tfd, "cgroup.kill", "1");
		if (r == CGKILL_LEFT_FROZEN) {
			op->rep.last_method = CGKILL_METHOD_NATIVE;
			return r;
		}
		if (r == 0)
			st->method = CGKILL_METHOD_NATIVE;
		else if (r == -ENOENT && !op->t.has_self)
			op->native_missing = 1; /* before Linux 5.14 */
		else if (r != -ENOENT)
			return r;
	}
	if (r == -ENOENT) {
		if (TRACING(op))
			trace_method(op, CGKILL_METHOD_FREEZE, freeze_reason(op, sig));
		st->method = CGKILL_METHOD_FREEZE;
		op->rep.last_method = st->method;
		r = check_type(op->tfd);
		if (r < 0)
			return r;
		r = pass_frozen_round(op, sig);
		if (r < 0 || r == CGKILL_LEFT_FROZEN)
			return r;
	}
	op->rep.last_method = st->method;
	return 0;
}

static void trace_rescan(struct cgkill_op *op, uint32_t why, uint64_t listed, const struct pass *ps)
{
	struct cgkill_trace ev = {
		.kind = CGKILL_TRACE_RESCAN,
		.reason = why,
		.count = listed,
		.count2 = ps->newly,
		.count3 = op->prev_users < 0 ? 0 : (uint64_t)op->prev_users,
	};

	switch (why) {
	case CGKILL_TRACE_R_FIRST:
		trace_event(op, &ev, "rescan: %" PRIu64 " listed: waiting on", listed);
		break;
	case CGKILL_TRACE_R_PROGRESS:
		trace_event(op, &ev,
			    "rescan: %" PRIu64 " listed, %" PRIu64 " before: fewer, waiting on",
			    listed, ev.count3);
		break;
	case CGKILL_TRACE_R_VERIFIED:
		trace_event(op, &ev,
			    "rescan: %" PRIu64 " listed, %" PRIu64 " before: no fewer, %" PRIu64
			    " verified user processes "
			    "left, waiting on",
			    listed, ev.count3, ps->listed_users);
		break;
	default:
		trace_event(op, &ev,
			    "rescan: %" PRIu64 " listed, %" PRIu64
			    " before: no fewer after SIGKILL, %" PRIu64 " signalled again",
			    listed, ev.count3, ps->newly);
		break;
	}
}

/* A rescan: count what is listed; when that did not shrink since the last
 * rescan, verify each pid, and after SIGKILL signal every user process. */
static int rescan(struct cgkill_op *op, int *only_kthreads)
{
	int sig = op->stages[op->stage].signal;
	struct pass ps;
	uint64_t listed;
	uint32_t why = CGKILL_TRACE_R_PROGRESS;
	int r;

	*only_kthreads = 0;
	r = pass_run(op, PASS_OBSERVE, 0, &ps);
	if (r < 0)
		return r;
	listed = ps.listed_users;
	if (op->prev_users < 0) {
		why = CGKILL_TRACE_R_FIRST;
	} else if ((long)ps.listed_users >= op->prev_users) {
		why = op->state == ST_WAITING_AFTER_KILL ? CGKILL_TRACE_R_SENT_AGAIN :
							   CGKILL_TRACE_R_VERIFIED;
		r = pass_run(op, op->state == ST_WAITING_AFTER_KILL ? PASS_ALL : PASS_CLASSIFY, sig,
			     &ps);
		if (r < 0)
			return r;
		*only_kthreads = ps.listed_users == 0;
	}
	if (TRACING(op))
		trace_rescan(op, why, listed, &ps);
	op->prev_users = (long)ps.listed_users;
	return 0;
}

/* The waiting states: the timerfd fired, or the caller came back. */
static int wait_step(struct cgkill_op *op)
{
	int r, only_kthreads;
	uint64_t now;

	/* CGKILL_RELEASE_MEMORY: memory first, a bounded slice per call. */
	if (op->mr && mrelease_pending(op->mr))
		mrelease_slice(op->mr, time_now_ns() + MREL_SLICE_NS);
	r = cgfile_read_events(op->evfd, &op->populated);
	if (r < 0)
		return r;
	if (!op->populated)
		return transition(op, EV_NO_USERS, 0);
	now = time_now_ns();
	if (now >= op->next_scan) {
		uint64_t cost = time_thread_cpu_ns();

		r = rescan(op, &only_kthreads);
		cost = time_thread_cpu_ns() - cost;
		if (r < 0)
			return r;
		/* Re-read: the last process may have gone during the scan. */
		r = cgfile_read_events(op->evfd, &op->populated);
		if (r < 0)
			return r;
		/* Populated, yet no user process listed: kernel threads, or
		 * the caller itself (CGKILL_ALLOW_SELF), keep it so. */
		if (!op->populated || (only_kthreads && (op->rep.kernel_threads || op->self_seen)))
			return transition(op, EV_NO_USERS, 0);
		now = time_now_ns();
		op->gap = op->gap * 2 > SCAN_MAX_NS ? SCAN_MAX_NS : op->gap * 2;
		op->next_scan = now + (op->gap > cost * SCAN_COST_FACTOR ? op->gap :
									   cost * SCAN_COST_FACTOR);
	}
	if (now >= op->deadline)
		return transition(op, EV_DEADLINE, 0);
	return schedule(op, now);
}

static int rmdir_target(struct cgkill_op *op)
{
	const char *name = strrchr(op->t.fspath, '/');
	int pfd, r;

	pfd = openat(op->tfd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	r = unlinkat(pfd, name + 1, AT_REMOVEDIR) < 0 ? -errno : 0;
	close(pfd);
	return r;
}

/* ST_REMOVING: the kernel can need a few ms after "populated 0" before
 * rmdir works.  The kill's outcome is settled by now; the removal's goes
 * beside it. */
static int remove_step(struct cgkill_op *op)
{
	uint64_t now = time_now_ns();
	int r;

	if (now < op->remove_next) /* the caller came back early */
		return schedule(op, now);
	op->remove_tries++;
	r = remove_children(op->tfd);
	if (r == 0)
		r = rmdir_target(op);
	if (r == -EBUSY && now < op->remove_until) {
		op->remove_next = now + REMOVE_RETRY_NS;
		return schedule(op, now);
	}
	if (r < 0)
		op->rep.remove_error = r;
	else
		op->rep.flags |= CGKILL_REPORT_REMOVED;
	if (TRACING(op)) {
		struct cgkill_trace ev = {
			.kind = CGKILL_TRACE_REMOVE,
			.result = r,
			.count = op->remove_tries,
		};

		if (r < 0)
			trace_event(op, &ev, "removal failed after %u tries: error %d",
				    op->remove_tries, -r);
		else
			trace_event(op, &ev, "removal: the subtree removed after %u tries",
				    op->remove_tries);
	}
	return transition(op, EV_END, r < 0 ? r : CGKILL_DONE);
}

/* ST_LISTING: a dry run lists what would be signalled, in op_start(). */
static int dry_run(struct cgkill_op *op)
{
	struct pass ps;
	int r = check_type(op->tfd);

	if (TRACING(op)) {
		struct cgkill_trace ev = {
			.kind = CGKILL_TRACE_METHOD,
			.reason = CGKILL_TRACE_R_DRY_RUN,
		};

		trace_event(op, &ev, "dry run: %s would be sent, nothing is",
			    trace_signame(op, op->o.signal));
	}
	if (r == 0)
		r = pass_run(op, PASS_OBSERVE, 0, &ps);
	if (r == 0)
		r = pass_run(op, PASS_LIST, 0, &ps);
	if (r < 0)
		return r;
	op->rep.last_method = CGKILL_METHOD_NONE;
	op->rep.n_stages = 0;
	op->users_gone = ps.listed_users == 0;
	return 0;
}

static void trace_wait_end(struct cgkill_op *op, uint32_t why)
{
	struct cgkill_trace ev = {
		.kind = CGKILL_TRACE_WAIT_END,
		.reason = why,
		.count = op->rep.kernel_threads,
	};

	if (why == CGKILL_TRACE_R_EMPTY)
		trace_event(op, &ev, "wait ended: populated 0");
	else if (why == CGKILL_TRACE_R_TIMEOUT)
		trace_event(op, &ev, "wait ended: timeout, user processes left");
	else
		trace_event(op, &ev,
			    "wait ended: no user process left, %" PRIu64
			    " kernel threads%s keep it populated",
			    ev.count, op->self_seen ? " and the caller" : "");
}

static void trace_escalate(struct cgkill_op *op)
{
	struct cgkill_trace ev = {
		.kind = CGKILL_TRACE_ESCALATE,
		.signal = SIGKILL,
		.count = op->prev_users < 0 ? 0 : (uint64_t)op->prev_users,
		.count2 = (uint64_t)op->o.grace_ms,
	};

	if (op->prev_users < 0)
		trace_event(op, &ev,
			    "escalation: grace of %" PRId64 " ms over, still "
			    "populated: SIGKILL",
			    op->o.grace_ms);
	else
		trace_event(op, &ev,
			    "escalation: grace of %" PRId64 " ms over, %ld "
			    "listed by the last rescan: SIGKILL",
			    op->o.grace_ms, op->prev_users);
}

/*
 * Every change of state, and what entering each state does:
 *
 *   EV_START: LISTING, then DONE (CGKILL_DRY_RUN); or SIGNALLING, then
 *	GRACE (CGKILL_ESCALATE's first stage), WAITING (a signal that can
 *	be handled) or WAITING_AFTER_KILL
 *   EV_DEADLINE: GRACE -> SIGNALLING (SIGKILL) -> WAITING_AFTER_KILL;
 *	WAITING, WAITING_AFTER_KILL -> DONE (timeout)
 *   EV_NO_USERS (after signalling, or waiting): REMOVING with
 *	CGKILL_REMOVE, else DONE
 *   EV_END (removal over, a failed thaw, an error): DONE
 *
 * An error returned from here ends the operation in the caller: op_start()
 * frees it, op_process() ends it with EV_END.
 */
static int transition(struct cgkill_op *op, enum op_event ev, int result)
{
	uint64_t now;
	int r;

	switch (ev) {
	case EV_START:
		if (op->o.flags & CGKILL_DRY_RUN) {
			op->state = ST_LISTING;
			r = dry_run(op);
			return r < 0 ? r : transition(op, EV_END, CGKILL_DONE);
		}
		op->state = ST_SIGNALLING;
		r = stage_signal(op, 0, op->o.signal);
		break;
	case EV_DEADLINE:
		if (op->state != ST_GRACE) {
			if (TRACING(op))
				trace_wait_end(op, CGKILL_TRACE_R_TIMEOUT);
			return transition(op, EV_END, CGKILL_TIMEOUT);
		}
		if (TRACING(op))
			trace_escalate(op);
		op->rep.flags |= CGKILL_REPORT_ESCALATED;
		op->state = ST_SIGNALLING;
		r = stage_signal(op, 1, SIGKILL);
		break;
	case EV_NO_USERS:
		op->users_gone = 1;
		if (TRACING(op))
			trace_wait_end(op, op->populated ? CGKILL_TRACE_R_NO_USERS :
							   CGKILL_TRACE_R_EMPTY);
		if (!(op->o.flags & CGKILL_REMOVE))
			return transition(op, EV_END, CGKILL_DONE);
		if (op->populated) { /* kernel threads: rmdir cannot work */
			op->rep.remove_error = -EBUSY;
			if (TRACING(op)) {
				struct cgkill_trace tev = {
					.kind = CGKILL_TRACE_REMOVE,
					.result = -EBUSY,
				};

				trace_event(op, &tev,
					    "removal not tried: kernel threads "
					    "keep the subtree populated");
			}
			return transition(op, EV_END, -EBUSY);
		}
		op->state = ST_REMOVING;
		op->remove_next = time_now_ns();
		op->remove_until = op->remove_next + REMOVE_WAIT_NS;
		return remove_step(op);
	case EV_END:
	default:
		op->state = ST_DONE;
		return finish(op, result);
	}
	/* The stage's signal went out: wait for the subtree to empty. */
	if (r == CGKILL_LEFT_FROZEN)
		return transition(op, EV_END, r);
	if (r < 0)
		return r;
	now = time_now_ns();
	op->gap = first_gap(op);
	op->next_scan = now + op->gap;
	op->prev_users = -1;
	if (op->o.flags & CGKILL_ESCALATE && op->stage == 0)
		op->state = ST_GRACE;
	else if (op->stages[op->stage].signal == SIGKILL)
		op->state = ST_WAITING_AFTER_KILL;
	else
		op->state = ST_WAITING;
	op->deadline = deadline_after(now,
				      op->state == ST_GRACE ? op->o.grace_ms : op->o.timeout_ms);
	r = cgfile_read_events(op->evfd, &op->populated);
	if (r < 0)
		return r;
	if (!op->populated)
		return transition(op, EV_NO_USERS, 0);
	return schedule(op, now);
}

int engine_start(struct cgkill_op *op)
{
	return transition(op, EV_START, 0);
}

int engine_step(struct cgkill_op *op)
{
	/* Between calls an op is waiting, removing, or done. */
	return op->state == ST_REMOVING ? remove_step(op) : wait_step(op);
}

int engine_end(struct cgkill_op *op, int result)
{
	return transition(op, EV_END, result);
}
