// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine: one state machine behind both the non-blocking API and the
 * blocking calls.  A stage signals the subtree (cgroup.kill, or freeze +
 * passes of pidfd signals + thaw, all inside one call so the freezer is never
 * left set between calls), then waits for "populated 0" on cgroup.events.
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
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "cgkill-private.h"

#define SCAN_FIRST_NS 2000000ULL	/* first rescan 2 ms after signalling */
#define SCAN_MAX_NS 64000000ULL		/* backoff cap */
/* A rescan walks the whole subtree, and the CPU it takes is taken from the
 * exits it waits for: the gap after one is at least this many times the
 * CPU it cost, so rescans never use more than about 5% of a CPU. */
#define SCAN_COST_FACTOR 20
/* What one group adds to a rescan, for the first one, before any was
 * measured: about 12 us of system calls on an idle 2-CPU VM, 60 us while
 * the group's processes exit around it. */
#define SCAN_GROUP_NS 25000ULL
#define MAX_PASSES 1000			/* of one signalling round */
/* rmdir can fail with EBUSY for a few ms after "populated 0": retried every
 * ms for this long, by the clock, however often the caller comes back. */
#define REMOVE_WAIT_NS 1000000000ULL
#define REMOVE_RETRY_NS 1000000ULL
#define MAX_STAGES 2			/* the signal, then SIGKILL */
/* The kernel announces a change of cgroup.events at most once per 10 ms
 * (CGROUP_FILE_NOTIFY_MIN_INTV) and defers the rest: after our own freeze
 * and thaw, "populated 0" can come up to 10 ms late, so for that long the
 * file is re-read every millisecond instead of trusting the event. */
#define NOTIFY_QUIET_NS 10000000ULL
#define PEEK_NS 1000000ULL

/* Per-pid state, for the current stage unless noted.  Keyed by a number
 * that can change hands: a mark that would let a process go unsignalled or
 * unwaited for (P_KTHREAD) is checked again each time the number is listed. */
#define P_SIGNALED 1u	/* signalled by us in this stage */
#define P_USER 2u	/* verified a user process (whole op) */
#define P_KTHREAD 4u	/* a kernel thread when last listed (whole op) */
#define P_PENDING 8u	/* counted in frozen_pending */

enum pass_mode {
	PASS_NEW,	/* signal what this stage has not signalled yet */
	PASS_ALL,	/* signal every user process listed (mop-up) */
	PASS_OBSERVE,	/* count listed processes, no system call per pid */
	PASS_CLASSIFY,	/* verify unknown pids, signal none */
	PASS_PROBE,	/* signal 0 to each: may we signal them all? */
	PASS_LIST,	/* dry run: report each user process */
	PASS_PENDING,	/* count who sits on this stage's signal (no send) */
};

enum op_state { ST_WAIT, ST_REMOVE, ST_DONE };

#ifdef CGKILL_TEST_HOOKS
void (*cgkill_test_listed)(const pid_t *pids, size_t n);
#endif

struct cgkill_op {
	int tfd, evfd, epfd, timerfd;
	struct cgkill_opts o;
	struct cg_target t;
	struct sig_ctx sc;
	struct idset groups;	/* cgroup ids seen below the target */
	struct idset procs;	/* pid -> P_* */
	struct idset frozen;	/* this pass: own-frozen group id -> 1 + held */
	char *buf;
	size_t cap;
	struct pidvec pv;
	struct cgkill_report rep;
	struct cgkill_stage stages[MAX_STAGES];
	enum op_state state;
	int result;
	int observer_stopped;	/* result is the observer's own error */
	int users_gone;		/* the kill's outcome, whatever removal does */
	int stage;
	int native_missing;
	int populated;
	uint64_t t0, deadline, next_scan, gap;
	uint64_t peek_until;	/* re-read cgroup.events until then */
	uint64_t pass_cost;	/* CPU of the last signalling pass, ns */
	long prev_users;
	uint64_t remove_until, remove_next;
	int was_frozen;	/* the target was frozen on purpose before the round */
	int self_seen;	/* the caller was listed (CGKILL_ALLOW_SELF) */
	struct survivors *surv;	/* survivors.c: read as it ends, if at all */
	struct victims *vic;	/* victims.c: CGKILL_VICTIMS */
	struct mrel *mr;	/* mrelease.c: CGKILL_RELEASE_MEMORY */
};

struct pass {
	struct cgkill_op *op;
	enum pass_mode mode;
	int sig;
	uint64_t listed_users;	/* listed and not known kernel threads */
	uint64_t newly;		/* signalled for the first time this stage */
	uint64_t groups;
	uint64_t hidden;	/* pid 0 entries listed */
	pid_t self;		/* the caller, as cgroup.procs shows it to us */
	int held;		/* the group's processes sit on the signal
				   (own-frozen on purpose, not SIGKILL) */
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* The calling thread's CPU time: what a rescan cost the machine, whatever
 * the load (wall time would count the time we were preempted). */
static uint64_t thread_cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

static int observe(struct cgkill_op *op, pid_t pid, int sig, const char *rel)
{
	struct cgkill_proc p = {
		.size = sizeof(p), .pid = pid, .signal = sig, .cgroup = rel,
		.flags = op->o.flags & CGKILL_DRY_RUN ? CGKILL_PROC_DRY_RUN : 0,
	};
	int r;

	if (!op->o.observer)
		return 0;
	r = op->o.observer(&p, op->o.userdata);
	if (r >= 0)
		return 0;
	op->observer_stopped = 1;
	return r;
}

/* The caller in its own target: never signalled, nor waited for. */
static int pass_self(struct cgkill_op *op)
{
	op->self_seen = 1;
	if (!(op->o.flags & CGKILL_ALLOW_SELF))
		return -EDEADLK;
	/* From now on, as if it had been inside from the start: neither
	 * frozen (that would stop the caller) nor killed by cgroup.kill. */
	op->t.has_self = 1;
	return 0;
}

/* The cgroup id of the group containing the one at fd. */
static int parent_id(int fd, uint64_t *id)
{
	struct stat st;
	int r = 0, pfd = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (pfd < 0)
		return -errno;
	if (fstat(pfd, &st) < 0)
		r = -errno;
	else
		*id = (uint64_t)st.st_ino;
	close(pfd);
	return r;
}

/* Do the processes of an own-frozen group stay frozen after this call: is
 * a freeze that holds it, its own or an ancestor's below the target, made
 * on purpose?  A freeze by a concurrent call's round is not: that call
 * thaws it in a moment.  Asked only in a round with a signal the group's
 * processes would sit on; parents are visited first, and each answer is
 * kept for the groups below. */
static int group_held(struct cgkill_op *op, struct cg_group *g)
{
	uint32_t *v;
	int frozen, held, r;

	if (g->depth == 0)
		return op->was_frozen;
	r = freeze_own(g->fd, &frozen, &held);
	if (r == -ENOENT || r == -ENODEV)
		return 0;	/* removed: nobody left in it */
	if (r < 0)
		return r;
	if (!held && g->depth == 1) {
		held = op->was_frozen;
	} else if (!held) {
		uint64_t parent = 0;

		/* Not known: count it, as before this was asked. */
		held = 1;
		if (parent_id(g->fd, &parent) == 0 && idset_has(&op->frozen, parent)) {
			r = idset_get(&op->frozen, parent, &v);
			if (r < 0)
				return r;
			held = *v == 2;
		}
	}
	r = idset_get(&op->frozen, g->id, &v);
	if (r < 0)
		return r;
	*v = 1 + (uint32_t)held;
	return held;
}

static int pass_pid(struct pass *ps, struct cg_group *g, pid_t pid)
{
	struct cgkill_op *op = ps->op;
	enum sig_result res;
	uint32_t *st;
	int r, sig = 0, extra = 0, pending = 0;

	if (pid == 0) {	/* outside our pid namespace: cannot be signalled */
		ps->listed_users++;
		ps->hidden++;
		return 0;
	}
	if (pid == ps->self)
		return pass_self(op);
	r = idset_get(&op->procs, (uint64_t)pid, &st);
	if (r < 0)
		return r;
	if (*st & P_KTHREAD) {
		/* Kernel threads are few: one read each tells whether the
		 * number still is one (a user process never turns into one). */
		r = sig_still_kthread(pid);
		if (r == 1)
			return 0;
		if (r < 0 && r != -ESRCH)
			return r;
		*st = 0;	/* gone, or a user process has the number now */
		if (r < 0)
			return 0;
	}
	ps->listed_users++;
	switch (ps->mode) {
	case PASS_OBSERVE:
		return 0;
	case PASS_CLASSIFY:
		if (*st & P_USER)
			return 0;
		break;
	case PASS_PROBE:
		break;
	case PASS_NEW:
		if (*st & P_SIGNALED)
			return 0;
		/* fall through */
	case PASS_ALL:
		sig = ps->sig;
		if (op->o.flags & CGKILL_SIGCONT && sig != SIGKILL && sig != SIGCONT)
			extra = SIGCONT;
		break;
	case PASS_LIST:
		if (*st & P_USER)
			return 0;	/* listed already (a pid shown twice) */
		break;
	case PASS_PENDING:
		if (!(*st & P_SIGNALED) || (*st & P_PENDING))
			return 0;
		break;
	}
	/* After the kernel's kill, only what it missed is signalled. */
	if (ps->mode == PASS_ALL && !(*st & P_SIGNALED) &&
	    op->stages[op->stage].method == CGKILL_METHOD_NATIVE)
		r = sig_verify_send_missed(&op->sc, pid, sig, &res);
	else if (ps->mode == PASS_PROBE)
		r = sig_verify_probe(&op->sc, pid, &res);
	else if (ps->held)
		r = sig_verify_send_pending(&op->sc, pid, sig, extra, &res, &pending);
	else
		r = sig_verify_send(&op->sc, pid, sig, extra, &res);
	if (r < 0)
		return r;
	/* CGKILL_VICTIMS: signalled, with its pidfd kept (signal.c). */
	if (op->sc.kept.pidfd >= 0) {
		r = victims_add(op->vic, &op->sc.kept, pid, sig, g->rel, 0);
		if (r < 0)
			return r;
	}
	switch (res) {
	case SIG_DYING:
		*st |= P_USER;
		return 0;
	case SIG_KTHREAD:
		*st = P_KTHREAD;
		op->rep.kernel_threads++;
		ps->listed_users--;
		return 0;
	case SIG_GONE:
	case SIG_OUTSIDE:
		ps->listed_users--;
		return 0;
	case SIG_SENT:
		break;
	}
	*st |= P_USER;
	if (pending) {
		*st |= P_PENDING;
		op->rep.frozen_pending++;
	}
	if (ps->mode == PASS_LIST)
		return observe(op, pid, op->o.signal, g->rel);
	if (ps->mode == PASS_CLASSIFY || ps->mode == PASS_PROBE ||
	    ps->mode == PASS_PENDING || (*st & P_SIGNALED))
		return 0;
	*st |= P_SIGNALED;
	ps->newly++;
	op->rep.signaled++;
	op->stages[op->stage].signaled++;
	r = observe(op, pid, sig, g->rel);
	/* CGKILL_RELEASE_MEMORY on a busy machine: reaped right now. */
	if (r == 0 && op->mr && sig == SIGKILL)
		mrel_signalled(op->mr, pid);
	return r;
}

static int pass_group(struct cg_group *g, void *data)
{
	struct pass *ps = data;
	struct cgkill_op *op = ps->op;
	uint32_t *unused;
	ssize_t n;
	int r;

	ps->groups++;
	r = idset_get(&op->groups, g->id, &unused);
	if (r < 0)
		return r;
	ps->held = ps->mode == PASS_PENDING;
	if (g->own_frozen && ps->mode == PASS_NEW && ps->sig != SIGKILL) {
		r = group_held(op, g);
		if (r < 0)
			return r;
		ps->held = r;
	}
	n = cg_read_all(g->fd, "cgroup.procs", &op->buf, &op->cap);
	if (n == -ENOENT || n == -ENODEV)
		return 0;	/* removed while we walked */
	if (n == -EOPNOTSUPP)
		return 0;	/* threaded: its processes are listed at its
				   threaded domain root, visited before it */
	if (n < 0)
		return (int)n;
	op->pv.n = 0;
	r = parse_procs(op->buf, (size_t)n, &op->pv);
	if (r < 0)
		return r == -ENOMEM ? r : -EIO;
#ifdef CGKILL_TEST_HOOKS
	if (cgkill_test_listed)
		cgkill_test_listed(op->pv.v, op->pv.n);
#endif
	for (size_t i = 0; i < op->pv.n; i++) {
		r = pass_pid(ps, g, op->pv.v[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int run_pass(struct cgkill_op *op, enum pass_mode mode, int sig,
		    struct pass *ps)
{
	int r;

	*ps = (struct pass){ .op = op, .mode = mode, .sig = sig, .self = getpid() };
	if (op->frozen.n)
		idset_clear(&op->frozen);
	/* Own-frozen descendants matter only for a signal they would sit on. */
	r = cg_walk(op->tfd, sig && sig != SIGKILL, op->was_frozen, pass_group, ps);
	op->rep.passes++;
	op->stages[op->stage].passes++;
	if (ps->groups > op->rep.cgroups)
		op->rep.cgroups = ps->groups;
	if (ps->hidden > op->rep.hidden)
		op->rep.hidden = ps->hidden;
	return r < 0 ? r : 0;
}

/* CGKILL_VICTIMS: the kernel's kill with every process pinned before it
 * (victims.c); the observer sees each. */
static int observe_victim(void *arg, pid_t pid, int sig, const char *rel)
{
	return observe(arg, pid, sig, rel);
}

static int pass_self(struct cgkill_op *op);

static int native_victims(struct cgkill_op *op)
{
	struct vic_native n = {
		.tfd = op->tfd, .sc = &op->sc, .groups = &op->groups, .rep = &op->rep,
		.stage = &op->stages[op->stage], .observe = observe_victim, .arg = op,
	};
	int r = victims_native(op->vic, &n);

	if (n.froze)
		op->peek_until = now_ns() + NOTIFY_QUIET_NS;
	if (r == VIC_SELF) {	/* found inside: never the kernel's kill */
		r = pass_self(op);
		return r < 0 ? r : -ENOENT;
	}
	if (r == CGKILL_LEFT_FROZEN)
		op->stages[op->stage].method = CGKILL_METHOD_NATIVE;
	return r;
}

/* Just before a write that would freeze or kill the whole target: is the
 * caller in it after all (moved there since it was checked)?  Narrows, as
 * far as a process can, the window in which the kernel would freeze or kill
 * the caller with its target. */
static int self_check(struct cgkill_op *op)
{
	char *self = NULL;
	int inside;

	if (op->t.has_self || cg_self_path(&self) < 0)
		return 0;	/* the check at the start stands */
	inside = cgpath_within(self, op->t.cgpath);
	free(self);
	if (!inside)
		return 0;
	return pass_self(op);
}

/* Someone else wrote cgroup.freeze during our round and we left it as they
 * did: if that is frozen, say so, and who of those we signalled now sits on
 * the signal. */
static int count_left_frozen(struct cgkill_op *op, int sig)
{
	struct pass ps;
	int v = 0;
	char b[8];
	ssize_t n = cg_read(op->tfd, "cgroup.freeze", b, sizeof(b));

	if (n < 0 || parse_bool(b, (size_t)n, &v) < 0 || !v)
		return 0;
	op->rep.flags |= CGKILL_REPORT_FROZEN_BY_OTHER;
	return sig == SIGKILL ? 0 : run_pass(op, PASS_PENDING, sig, &ps);
}

/* Freeze, signal every process once per pass until a pass finds nobody
 * new, thaw.  The thaw happens on every path. */
static int signal_frozen(struct cgkill_op *op, int sig)
{
	struct freeze fz = { .watch = -1 };
	struct pass ps;
	int r, r2;

	/* No half-done work: a signal a process can handle is only sent if
	 * every process listed may be sent it (an unprivileged caller may
	 * share a group with processes it cannot signal). */
	if (sig != SIGKILL) {
		r = run_pass(op, PASS_PROBE, 0, &ps);
		if (r < 0)
			return r;
	}
	r = self_check(op);
	if (r < 0)
		return r;
	/* With CGKILL_ALLOW_SELF the caller may be inside: freezing would
	 * stop the caller itself, so that subtree is signalled unfrozen. */
	r = op->t.has_self ? 0 : freeze_begin(op->tfd, &fz);
	if (r < 0 && r != -ENOENT)
		return r;
	op->was_frozen = r == 0 && fz.held;
	for (int i = 0; i < MAX_PASSES; i++) {
		size_t known = op->groups.n;
		uint64_t cpu = thread_cpu_ns();

		r = run_pass(op, PASS_NEW, sig, &ps);
		op->pass_cost = thread_cpu_ns() - cpu;
		/* A leader can sit in a group visited after the one listing
		 * it (threaded subtrees, migrations): a pass that found new
		 * groups is followed by another. */
		if (r < 0 || (ps.newly == 0 && op->groups.n == known))
			break;
	}
	if (fz.froze)
		op->peek_until = now_ns() + NOTIFY_QUIET_NS;
	/* The caller found itself inside (thawed by someone, or moved in by
	 * them while unfrozen): it would stay frozen with the rest. */
	r2 = freeze_end(op->tfd, &fz, op->self_seen);
	if (r == 0 && r2 == 0 && fz.foreign)
		r = count_left_frozen(op, sig);
	if (r2 < 0) {
		/* Worse than any error: say it apart from them. */
		op->rep.thaw_error = r2;
		op->rep.flags |= CGKILL_REPORT_THAW_FAILED;
		return CGKILL_LEFT_FROZEN;
	}
	return r;
}

static int arm_timer(struct cgkill_op *op, uint64_t at)
{
	struct itimerspec its = { 0 };

	if (at == 0)
		at = 1;	/* 0 would disarm: fire at once instead */
	its.it_value.tv_sec = (time_t)(at / 1000000000ULL);
	its.it_value.tv_nsec = (long)(at % 1000000000ULL);
	return timerfd_settime(op->timerfd, TFD_TIMER_ABSTIME, &its, NULL) < 0 ? -errno : 0;
}

/* Survivors are read on a timeout, or when asked (whatever the result):
 * never on a success nobody asked about.  What fails to be read is left
 * out; the result stays the kill's. */
static void end_lists(struct cgkill_op *op, int result)
{
	struct surv_in in = {
		.tfd = op->tfd, .cgpath = op->t.cgpath, .use_info = op->sc.use_info,
		.sig = op->rep.n_stages ? op->rep.last_signal : op->o.signal,
		.max = op->o.max_survivors,
	};
	uint64_t kthreads = 0, hidden = 0;

	op->rep.n_victims = victims_count(op->vic);
	if (op->tfd < 0 || (result != CGKILL_TIMEOUT &&
			    !(op->o.flags & CGKILL_SURVIVORS)))
		return;
	if (op->populated || result != CGKILL_DONE)
		survivors_collect(&op->surv, &in);
	survivors_counts(op->surv, &op->rep.n_survivors, &op->rep.survivors,
			 &kthreads, &hidden);
	/* The same ones the passes counted, seen again. */
	if (kthreads > op->rep.kernel_threads)
		op->rep.kernel_threads = kthreads;
	if (hidden > op->rep.hidden)
		op->rep.hidden = hidden;
}

static int finish(struct cgkill_op *op, int result)
{
	end_lists(op, result);
	if (op->mr)
		mrel_report(op->mr, !op->populated, op->t0, &op->rep);
	op->state = ST_DONE;
	op->result = result;
	if (op->populated)
		op->rep.flags |= CGKILL_REPORT_POPULATED;
	if (op->users_gone)
		op->rep.flags |= CGKILL_REPORT_NO_USERS;
	if (result == CGKILL_TIMEOUT)
		op->rep.flags |= CGKILL_REPORT_TIMED_OUT;
	op->rep.elapsed_ns = now_ns() - op->t0;
	/* Leave the fd readable so the caller comes to collect the result. */
	return arm_timer(op, 1);
}

static uint64_t deadline_after(uint64_t now, int64_t ms)
{
	/* Saturate: a timeout of centuries is as good as forever. */
	if (ms < 0 || (uint64_t)ms > (UINT64_MAX - now) / 1000000ULL)
		return UINT64_MAX;
	return now + (uint64_t)ms * 1000000ULL;
}

static int schedule(struct cgkill_op *op, uint64_t now)
{
	uint64_t at = op->next_scan < op->deadline ? op->next_scan : op->deadline;

	if (now < op->peek_until && now + PEEK_NS < at)
		at = now + PEEK_NS;
	if (op->mr && mrel_pending(op->mr))
		at = now;	/* the next slice of reaping: at once */
	return arm_timer(op, at);
}

static int try_remove(struct cgkill_op *op);

/* Called once nothing needs signalling: empty, or only kernel threads. */
static int complete(struct cgkill_op *op)
{
	op->users_gone = 1;
	if ((op->o.flags & CGKILL_REMOVE)) {
		if (op->populated) {	/* kernel threads: rmdir cannot work */
			op->rep.remove_error = -EBUSY;
			return finish(op, -EBUSY);
		}
		op->state = ST_REMOVE;
		op->remove_next = now_ns();
		op->remove_until = op->remove_next + REMOVE_WAIT_NS;
		return try_remove(op);
	}
	return finish(op, CGKILL_DONE);
}

static int check_type(int dirfd)
{
	char b[64];
	enum cg_type type;
	ssize_t n = cg_read(dirfd, "cgroup.type", b, sizeof(b));

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
		ssize_t n = cg_read(op->tfd, "cgroup.stat", b, sizeof(b));

		if (n <= 0 || parse_keyed(b, (size_t)n, "nr_descendants", &d) < 0 ||
		    d > SCAN_MAX_NS / SCAN_GROUP_NS)
			d = SCAN_MAX_NS / SCAN_GROUP_NS;
		cost = ((uint64_t)d + 1) * SCAN_GROUP_NS;
	}
	gap = cost * SCAN_COST_FACTOR;
	return gap < SCAN_FIRST_NS ? SCAN_FIRST_NS : gap > SCAN_MAX_NS ? SCAN_MAX_NS : gap;
}

static int stage_start(struct cgkill_op *op, int idx, int sig)
{
	struct cgkill_stage *st = &op->stages[idx];
	uint64_t now;
	int r;

	op->stage = idx;
	op->rep.n_stages = (uint32_t)idx + 1;
	op->rep.last_signal = sig;
	st->size = sizeof(*st);
	st->signal = sig;
	st->started_ns = now_ns() - op->t0;
	for (size_t i = 0; i < op->procs.cap; i++)
		op->procs.vals[i] &= ~P_SIGNALED;

	if (sig == SIGKILL && op->mr)
		mrel_pin(op->mr);	/* CGKILL_RELEASE_MEMORY */
	r = -ENOENT;
	if (sig == SIGKILL && !(op->o.flags & CGKILL_FORCE_FREEZE) &&
	    !op->native_missing) {
		r = self_check(op);
		if (r == 0 && op->mr && !op->t.has_self)
			r = mrel_pairs(op->mr);
		if (r < 0)
			return r;
		/* The kernel's kill spares nobody: not with the caller inside. */
		r = op->t.has_self ? -ENOENT : op->vic ? native_victims(op) :
		    cg_write(op->tfd, "cgroup.kill", "1");
		if (r == CGKILL_LEFT_FROZEN) {
			op->rep.last_method = CGKILL_METHOD_NATIVE;
			return finish(op, r);
		}
		if (r == 0)
			st->method = CGKILL_METHOD_NATIVE;
		else if (r == -ENOENT && !op->t.has_self)
			op->native_missing = 1;	/* before Linux 5.14 */
		else if (r != -ENOENT)
			return r;
	}
	if (r == -ENOENT) {
		st->method = CGKILL_METHOD_FREEZE;
		op->rep.last_method = st->method;
		r = check_type(op->tfd);
		if (r < 0)
			return r;
		r = signal_frozen(op, sig);
		if (r == CGKILL_LEFT_FROZEN)
			return finish(op, r);
		if (r < 0)
			return r;
	}
	op->rep.last_method = st->method;

	now = now_ns();
	op->gap = first_gap(op);
	op->next_scan = now + op->gap;
	op->prev_users = -1;
	if (op->o.flags & CGKILL_ESCALATE && idx == 0)
		op->deadline = deadline_after(now, op->o.grace_ms);
	else
		op->deadline = deadline_after(now, op->o.timeout_ms);
	r = events_read(op->evfd, &op->populated, NULL);
	if (r < 0)
		return r;
	if (!op->populated)
		return complete(op);
	return schedule(op, now);
}

/* A rescan: count what is listed; when that did not shrink since the last
 * rescan, verify each pid, and with SIGKILL signal every user process. */
static int rescan(struct cgkill_op *op, int *only_kthreads)
{
	int sig = op->stages[op->stage].signal;
	struct pass ps;
	int r;

	*only_kthreads = 0;
	r = run_pass(op, PASS_OBSERVE, 0, &ps);
	if (r < 0)
		return r;
	if (op->prev_users >= 0 && (long)ps.listed_users >= op->prev_users) {
		r = run_pass(op, sig == SIGKILL ? PASS_ALL : PASS_CLASSIFY, sig, &ps);
		if (r < 0)
			return r;
		*only_kthreads = ps.listed_users == 0;
	}
	op->prev_users = (long)ps.listed_users;
	return 0;
}

static int step(struct cgkill_op *op)
{
	int r, only_kthreads;
	uint64_t now;

	/* CGKILL_RELEASE_MEMORY: memory first, a bounded slice per call. */
	if (op->mr && mrel_pending(op->mr))
		mrel_slice(op->mr, now_ns() + MREL_SLICE_NS);
	r = events_read(op->evfd, &op->populated, NULL);
	if (r < 0)
		return r;
	if (!op->populated)
		return complete(op);
	now = now_ns();
	if (now >= op->next_scan) {
		uint64_t cost = thread_cpu_ns();

		r = rescan(op, &only_kthreads);
		cost = thread_cpu_ns() - cost;
		if (r < 0)
			return r;
		/* Re-read: the last process may have gone during the scan. */
		r = events_read(op->evfd, &op->populated, NULL);
		if (r < 0)
			return r;
		/* Populated, yet no user process listed: kernel threads, or
		 * the caller itself (CGKILL_ALLOW_SELF), keep it so. */
		if (!op->populated ||
		    (only_kthreads && (op->rep.kernel_threads || op->self_seen)))
			return complete(op);
		now = now_ns();
		op->gap = op->gap * 2 > SCAN_MAX_NS ? SCAN_MAX_NS : op->gap * 2;
		op->next_scan = now + (op->gap > cost * SCAN_COST_FACTOR ?
				       op->gap : cost * SCAN_COST_FACTOR);
	}
	if (now >= op->deadline) {
		if (op->o.flags & CGKILL_ESCALATE && op->stage == 0) {
			op->rep.flags |= CGKILL_REPORT_ESCALATED;
			return stage_start(op, 1, SIGKILL);
		}
		return finish(op, CGKILL_TIMEOUT);
	}
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

/* The kernel can need a few ms after "populated 0" before rmdir works.
 * The kill's outcome is settled by now; the removal's goes beside it. */
static int try_remove(struct cgkill_op *op)
{
	uint64_t now = now_ns();
	int r;

	if (now < op->remove_next)	/* the caller came back early */
		return arm_timer(op, op->remove_next);
	r = cg_remove_children(op->tfd);
	if (r == 0)
		r = rmdir_target(op);
	if (r == -EBUSY && now < op->remove_until) {
		op->remove_next = now + REMOVE_RETRY_NS;
		return arm_timer(op, op->remove_next);
	}
	if (r < 0)
		op->rep.remove_error = r;
	else
		op->rep.flags |= CGKILL_REPORT_REMOVED;
	return finish(op, r < 0 ? r : CGKILL_DONE);
}

/* CGKILL_RELEASE_MEMORY: a victim killed by its pidfd, then reaped, before
 * the kernel's kill of the rest (mrelease.c). */
static int mr_sent(void *arg, pid_t pid, const char *rel)
{
	struct cgkill_op *op = arg;

	op->rep.signaled++;
	op->stages[op->stage].signaled++;
	return observe(op, pid, SIGKILL, rel);
}

static int op_setup(struct cgkill_op *op, int dirfd)
{
	struct epoll_event ev = { .events = EPOLLPRI };
	int r;

	op->tfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (op->tfd < 0)
		return errno == ENOTDIR ? -ENOTDIR : -errno;
	r = cg_target_check(op->tfd, op->o.flags, &op->t);
	if (r < 0)
		return r;
	op->sc.groups = &op->groups;
	op->sc.cgpath = op->t.cgpath;
	op->sc.use_info = !secure_getenv("CGKILL_NO_PIDFD_INFO");
	op->sc.kept.pidfd = -1;
	if (op->o.flags & CGKILL_RELEASE_MEMORY) {
		struct mrel_ctx mc = {
			.tfd = op->tfd, .sc = &op->sc, .groups = &op->groups,
			.sent = mr_sent, .arg = op,
		};

		r = mrel_new(&op->mr, &mc);
		if (r < 0)
			return r;
	}
	if (op->o.flags & CGKILL_VICTIMS) {
		r = victims_new(&op->vic, op->o.max_victims);
		if (r < 0)
			return r;
		op->sc.keep = op->vic;
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
	return events_read(op->evfd, &op->populated, NULL);
}

static int dry_run(struct cgkill_op *op)
{
	struct pass ps;
	int r = check_type(op->tfd);

	if (r == 0)
		r = run_pass(op, PASS_OBSERVE, 0, &ps);
	if (r == 0)
		r = run_pass(op, PASS_LIST, 0, &ps);
	if (r < 0)
		return r;
	op->rep.last_method = CGKILL_METHOD_NONE;
	op->rep.n_stages = 0;
	op->users_gone = ps.listed_users == 0;
	return finish(op, CGKILL_DONE);
}

int op_start(int dirfd, const struct cgkill_opts *opts, struct cgkill_op **ret,
	     int *by_observer)
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
	op->tfd = op->evfd = op->epfd = op->timerfd = -1;
	op->t0 = now_ns();
	r = opts_load(opts, &op->o);
	if (r < 0)
		goto fail;
	op->rep.size = sizeof(op->rep);
	op->rep.first_signal = op->o.signal;
	r = op_setup(op, dirfd);
	if (r < 0)
		goto fail;
	if (op->o.flags & CGKILL_DRY_RUN)
		r = dry_run(op);
	else
		r = stage_start(op, 0, op->o.signal);
	if (r < 0)
		goto fail;
	*ret = op;
	return 0;
fail:
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
	r = report_check(report);
	if (r < 0)
		return r;
	if (op->state != ST_DONE) {
		if (read(op->timerfd, &ticks, sizeof(ticks)) < 0 && !again(errno))
			r = -errno;
		else if (op->state == ST_REMOVE)
			r = try_remove(op);
		else
			r = step(op);
		if (r < 0)
			finish(op, r);
	}
	if (op->state != ST_DONE)
		return CGKILL_RUNNING;
	if (report)
		report_store(report, &op->rep);
	return op->result;
}

int op_abort(struct cgkill_op *op, int err, struct cgkill_report *report)
{
	if (op->state != ST_DONE)
		finish(op, err);
	if (report)
		report_store(report, &op->rep);
	return op->result;
}

int op_by_observer(const struct cgkill_op *op)
{
	return op->observer_stopped && op->result < 0;
}

void op_lists(const struct cgkill_op *op, struct survivors **s,
	      struct victims **v)
{
	*s = op->surv;
	*v = op->vic;
}

CGKILL_EXPORT int cgkill_op_start(int dirfd, const struct cgkill_opts *opts,
				  struct cgkill_op **ret)
{
	int obs, r, cs = cgk_cancel_off();

	r = op_start(dirfd, opts, ret, &obs);
	cgk_cancel_restore(cs);
	return obs ? r : cgk_error(CGK_CALL_OP_START, r);
}

CGKILL_EXPORT int cgkill_op_get_fd(const struct cgkill_op *op)
{
	return op ? op->epfd : -EINVAL;
}

CGKILL_EXPORT int cgkill_op_process(struct cgkill_op *op,
				    struct cgkill_report *report)
{
	int r, cs = cgk_cancel_off();

	r = op_process(op, report);
	cgk_cancel_restore(cs);
	return op && op_by_observer(op) ? r : cgk_error(CGK_CALL_OP_PROCESS, r);
}

CGKILL_EXPORT int cgkill_op_get_stage(const struct cgkill_op *op, uint32_t idx,
				      struct cgkill_stage *stage)
{
	int r;

	if (!op || !stage)
		return -EINVAL;
	r = cgk_size_check(stage->size, CGKILL_STAGE_SIZE_VER0);
	if (r < 0)
		return r;
	if (idx >= op->rep.n_stages)
		return -ENOENT;
	cgk_struct_store(stage, stage->size, &op->stages[idx], sizeof(op->stages[idx]));
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
	cg_target_free(&op->t);
	idset_free(&op->groups);
	idset_free(&op->procs);
	idset_free(&op->frozen);
	pidvec_free(&op->pv);
	survivors_free(op->surv);
	victims_free(op->vic);
	mrel_free(op->mr);
	free(op->buf);
	free(op);
	cgk_cancel_restore(cs);
}
