// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The passes: one walk over the subtree, each group's cgroup.procs listed
 * and each pid in it dealt with as the pass's mode says.  A mode is one row
 * of pass_rules[]; pass_pid() only interprets it.  The fallback's round
 * (freeze, passes until nobody new, thaw) is built from them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "op-private.h"

#define MAX_PASSES 1000 /* of one signalling round */

#ifdef CGKILL_TEST_HOOKS
void (*cgkill_test_listed)(const pid_t *pids, size_t n);
#endif

/* How a pass verifies each pid it does not leave alone: pin it, classify
 * it (signal.c), then act on a user process inside the subtree. */
enum pass_verify {
	VERIFY_NONE,	/* count it only: no system call per pid */
	VERIFY_SEND,	/* classify, send (in a held group, then see who
			   sits on the signal) */
	VERIFY_MISSED,	/* as VERIFY_SEND, but after the kernel's kill only
			   what it missed: classify asks "dying?" too, and a
			   dying process is left alone */
	VERIFY_PROBE,	/* classify, then signal 0: may we signal it? */
	VERIFY_PENDING, /* classify, and see who sits on the signal */
};

/* A mode's whole policy. */
struct pass_rule {
	uint32_t skip; /* P_* bits: any set, the pid is left alone */
	uint32_t need; /* P_* bits: any clear, left alone */
	enum pass_verify verify;
	unsigned send : 1;     /* ps->sig (and SIGCONT with CGKILL_SIGCONT);
				   else only verified */
	unsigned ask_held : 1; /* own-frozen groups: does a freeze made on
				   purpose hold them (a signal they would
				   sit on)? */
	unsigned count : 1;    /* a first signal this stage counts (newly,
				   signaled) and goes to the observer */
	unsigned list : 1;     /* dry run: each user process goes to the
				   observer with the signal it would get */
};

static const struct pass_rule pass_rules[] = {
	[PASS_NEW] = { .skip = P_SIGNALED,
		       .verify = VERIFY_SEND,
		       .send = 1,
		       .ask_held = 1,
		       .count = 1 },
	[PASS_ALL] = { .verify = VERIFY_MISSED, .send = 1, .count = 1 },
	[PASS_OBSERVE] = { .verify = VERIFY_NONE },
	[PASS_CLASSIFY] = { .skip = P_USER, .verify = VERIFY_SEND },
	[PASS_PROBE] = { .verify = VERIFY_PROBE },
	/* P_USER: listed already (a pid shown twice) */
	[PASS_LIST] = { .skip = P_USER, .verify = VERIFY_SEND, .list = 1 },
	[PASS_PENDING] = { .skip = P_PENDING, .need = P_SIGNALED, .verify = VERIFY_PENDING },
};

int pass_observe(struct cgkill_op *op, pid_t pid, int sig, const char *rel)
{
	struct cgkill_proc p = {
		.size = sizeof(p),
		.pid = pid,
		.signal = sig,
		.cgroup = rel,
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
int pass_self(struct cgkill_op *op)
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
		return 0; /* removed: nobody left in it */
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

/* Pin and classify pid, then act on a user process inside as the rule
 * says, sending sig and extra where it sends.  CGKILL_VICTIMS: a process
 * sent a signal (not 0) keeps its pidfd in *pin, its record read before
 * the send can end it (pin->pidfd -1 when none is kept). */
static int pass_verify(struct pass *ps, const struct pass_rule *rule, uint32_t st, pid_t pid,
		       int sig, int extra, enum sig_class *cls, int *pending, struct vic_pin *pin)
{
	struct cgkill_op *op = ps->op;
	int fd, r, want_dying = 0, probe = 0, ask_pending = 0;
	int keep = op->vic && sig;

	switch (rule->verify) {
	case VERIFY_NONE: /* left alone before: see pass_pid() */
		return -EINVAL;
	case VERIFY_PROBE:
		probe = 1;
		break;
	case VERIFY_PENDING:
		ask_pending = 1;
		break;
	case VERIFY_MISSED:
		/* After the kernel's kill, only what it missed is signalled. */
		if (!(st & P_SIGNALED) && op->stages[op->stage].method == CGKILL_METHOD_NATIVE) {
			want_dying = 1;
			extra = 0;
			break;
		}
		/* fall through */
	case VERIFY_SEND:
		ask_pending = ps->held;
		break;
	}
	fd = signal_pin(pid);
	if (fd < 0) {
		*cls = SIG_GONE;
		return fd == -ESRCH ? 0 : fd;
	}
	r = signal_classify(&op->sc, fd, pid, want_dying, cls);
	if (r == 0 && *cls == SIG_IN && keep)
		victims_pin_read(op->vic, pin, fd, pid, 1);
	if (r == 0 && *cls == SIG_IN && (sig || probe))
		r = signal_send(fd, pid, sig, extra);
	if (r == -ESRCH) {
		*cls = SIG_GONE;
		r = 0;
	}
	if (r == 0 && *cls == SIG_IN && ask_pending) {
		r = signal_pending(fd, pid);
		if (r >= 0) {
			*pending = r;
			r = 0;
		}
	}
	if (r == 0 && *cls == SIG_IN && keep) {
		pin->pidfd = fd; /* the caller's now */
		return 0;
	}
	close(fd);
	return r;
}

static int pass_pid(struct pass *ps, struct cg_group *g, pid_t pid)
{
	const struct pass_rule *rule = &pass_rules[ps->mode];
	struct cgkill_op *op = ps->op;
	struct vic_pin pin = { .pidfd = -1 };
	enum sig_class cls;
	uint32_t *st;
	int r, sig = 0, extra = 0, pending = 0;

	if (pid == 0) { /* outside our pid namespace: cannot be signalled */
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
		r = signal_recheck_kthread(pid, &cls);
		if (r < 0)
			return r;
		if (cls != SIG_KTHREAD)
			*st = 0; /* gone, or a user process has the number now */
		if (cls != SIG_IN)
			return 0;
	}
	ps->listed_users++;
	if (rule->verify == VERIFY_NONE || (*st & rule->skip) || (*st & rule->need) != rule->need)
		return 0;
	if (rule->send) {
		sig = ps->sig;
		if (op->o.flags & CGKILL_SIGCONT && sig != SIGKILL && sig != SIGCONT)
			extra = SIGCONT;
	}
	r = pass_verify(ps, rule, *st, pid, sig, extra, &cls, &pending, &pin);
	if (r < 0)
		return r;
	/* CGKILL_VICTIMS: signalled, with its pidfd kept. */
	if (pin.pidfd >= 0) {
		r = victims_add(op->vic, &pin, pid, sig, g->rel, 0);
		if (r < 0)
			return r;
	}
	switch (cls) {
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
	case SIG_IN:
		break;
	}
	*st |= P_USER;
	if (pending) {
		*st |= P_PENDING;
		op->rep.frozen_pending++;
	}
	if (rule->list)
		return pass_observe(op, pid, op->o.signal, g->rel);
	if (!rule->count || (*st & P_SIGNALED))
		return 0;
	*st |= P_SIGNALED;
	ps->newly++;
	op->rep.signaled++;
	op->stages[op->stage].signaled++;
	r = pass_observe(op, pid, sig, g->rel);
	/* CGKILL_RELEASE_MEMORY on a busy machine: reaped right now. */
	if (r == 0 && op->mr && sig == SIGKILL)
		mrelease_signalled(op->mr, pid);
	return r;
}

static int pass_group(struct cg_group *g, void *data)
{
	struct pass *ps = data;
	struct cgkill_op *op = ps->op;
	uint32_t *unused;
	int r;

	ps->groups++;
	r = idset_get(&op->groups, g->id, &unused);
	if (r < 0)
		return r;
	ps->held = 0;
	if (g->own_frozen && pass_rules[ps->mode].ask_held && ps->sig != SIGKILL) {
		r = group_held(op, g);
		if (r < 0)
			return r;
		ps->held = r;
	}
	r = walk_procs(g->fd, &op->buf, &op->cap, &op->pv);
	if (r != 0)
		return r < 0 ? r : 0;
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

/* The trace's name of each mode (CGKILL_TRACE_R_PASS_*). */
static const uint32_t pass_reasons[] = {
	[PASS_NEW] = CGKILL_TRACE_R_PASS_SIGNAL,      [PASS_ALL] = CGKILL_TRACE_R_PASS_AGAIN,
	[PASS_OBSERVE] = CGKILL_TRACE_R_PASS_COUNT,   [PASS_CLASSIFY] = CGKILL_TRACE_R_PASS_VERIFY,
	[PASS_PROBE] = CGKILL_TRACE_R_PASS_PROBE,     [PASS_LIST] = CGKILL_TRACE_R_PASS_LIST,
	[PASS_PENDING] = CGKILL_TRACE_R_PASS_PENDING,
};

static void trace_pass(struct cgkill_op *op, const struct pass *ps, int r)
{
	struct cgkill_trace ev = {
		.kind = CGKILL_TRACE_PASS,
		.reason = pass_reasons[ps->mode],
		.signal = ps->sig,
		.result = r,
		.count = ps->listed_users,
		.count2 = ps->newly,
		.count3 = ps->groups,
	};

	if (pass_rules[ps->mode].count)
		trace_event(op, &ev,
			    "pass %s %s: %" PRIu64 " groups, %" PRIu64 " listed, %" PRIu64
			    " newly signalled%s",
			    ps->mode == PASS_NEW ? "signal" : "again", trace_signame(op, ps->sig),
			    ps->groups, ps->listed_users, ps->newly,
			    r < 0 ? ", stopped by an error" : "");
	else
		trace_event(op, &ev, "pass %s: %" PRIu64 " groups, %" PRIu64 " listed%s",
			    ps->mode == PASS_OBSERVE  ? "count" :
			    ps->mode == PASS_CLASSIFY ? "verify" :
			    ps->mode == PASS_PROBE    ? "probe (signal 0)" :
			    ps->mode == PASS_LIST     ? "list" :
							"pending",
			    ps->groups, ps->listed_users, r < 0 ? ", stopped by an error" : "");
}

int pass_run(struct cgkill_op *op, enum pass_mode mode, int sig, struct pass *ps)
{
	int r;

	*ps = (struct pass){ .op = op, .mode = mode, .sig = sig, .self = getpid() };
	if (op->frozen.n)
		idset_clear(&op->frozen);
	/* Own-frozen descendants matter only for a signal they would sit on. */
	r = walk_subtree(op->tfd, sig && sig != SIGKILL, op->was_frozen, pass_group, ps);
	op->rep.passes++;
	op->stages[op->stage].passes++;
	if (ps->groups > op->rep.cgroups)
		op->rep.cgroups = ps->groups;
	if (ps->hidden > op->rep.hidden)
		op->rep.hidden = ps->hidden;
	if (TRACING(op))
		trace_pass(op, ps, r < 0 ? r : 0);
	return r < 0 ? r : 0;
}

/* Just before a write that would freeze or kill the whole target: is the
 * caller in it after all (moved there since it was checked)?  Narrows, as
 * far as a process can, the window in which the kernel would freeze or kill
 * the caller with its target. */
int pass_self_check(struct cgkill_op *op)
{
	char *self = NULL;
	int inside;

	if (op->t.has_self || mount_self_path(&self) < 0)
		return 0; /* the check at the start stands */
	inside = parse_cgpath_within(self, op->t.cgpath);
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
	ssize_t n = cgfile_read(op->tfd, "cgroup.freeze", b, sizeof(b));

	if (n < 0 || parse_bool(b, (size_t)n, &v) < 0 || !v)
		return 0;
	op->rep.flags |= CGKILL_REPORT_FROZEN_BY_OTHER;
	return sig == SIGKILL ? 0 : pass_run(op, PASS_PENDING, sig, &ps);
}

static void trace_freeze(struct cgkill_op *op, const struct freeze *fz, int r)
{
	struct cgkill_trace ev = { .kind = CGKILL_TRACE_FREEZE, .result = r };

	if (op->t.has_self) {
		ev.reason = CGKILL_TRACE_R_UNFROZEN;
		trace_event(op, &ev, "not frozen: the caller is inside");
	} else if (r == -ENOENT) {
		ev.reason = CGKILL_TRACE_R_NO_FREEZER;
		trace_event(op, &ev, "not frozen: no cgroup.freeze (Linux < 5.2)");
	} else if (fz->froze) {
		ev.reason = CGKILL_TRACE_R_FROZE;
		trace_event(op, &ev, "froze the target for the round");
	} else if (fz->held) {
		ev.reason = CGKILL_TRACE_R_HELD;
		trace_event(op, &ev, "the target was frozen on purpose: it stays so");
	} else {
		ev.reason = CGKILL_TRACE_R_OTHER_ROUND;
		trace_event(op, &ev,
			    "the target is frozen by another call's round, "
			    "which thaws it");
	}
}

static void trace_thaw(struct cgkill_op *op, const struct freeze *fz, int froze, int r2,
		       uint64_t passes, uint64_t signaled)
{
	struct cgkill_trace ev = {
		.kind = CGKILL_TRACE_THAW,
		.result = r2,
		.count = passes,
		.count2 = signaled,
	};

	if (r2 < 0) {
		ev.reason = CGKILL_TRACE_R_THAW_FAILED;
		trace_event(op, &ev,
			    "THAW FAILED, error %d: the target is left "
			    "frozen",
			    -r2);
	} else if (froze && fz->foreign && !op->self_seen) {
		ev.reason = CGKILL_TRACE_R_FOREIGN_KEPT;
		trace_event(op, &ev,
			    "not thawed: someone else wrote cgroup.freeze "
			    "during the round; their value is kept");
	} else if (froze) {
		ev.reason = CGKILL_TRACE_R_THAWED;
		trace_event(op, &ev, "thawed after %" PRIu64 " passes, %" PRIu64 " signalled",
			    passes, signaled);
	} else {
		ev.reason = CGKILL_TRACE_R_NOT_OURS;
		trace_event(op, &ev,
			    "round over after %" PRIu64 " passes, %" PRIu64
			    " signalled; nothing of ours to thaw",
			    passes, signaled);
	}
}

/* Freeze, signal every process once per pass until a pass finds nobody
 * new, thaw.  The thaw happens on every path. */
int pass_frozen_round(struct cgkill_op *op, int sig)
{
	struct freeze fz = { .watch = -1 };
	struct pass ps;
	uint64_t passes = op->rep.passes, signaled = op->rep.signaled;
	int r, r2, froze;

	/* No half-done work: a signal a process can handle is only sent if
	 * every process listed may be sent it (an unprivileged caller may
	 * share a group with processes it cannot signal). */
	if (sig != SIGKILL) {
		r = pass_run(op, PASS_PROBE, 0, &ps);
		if (r < 0)
			return r;
	}
	r = pass_self_check(op);
	if (r < 0)
		return r;
	/* SIGKILL: one pass before the freeze.  Writing cgroup.freeze makes
	 * every task run once to enter the freezer's trap, and one killed
	 * after that runs a second time to exit: at 10 000 processes the
	 * freeze alone took as long as the kernel's whole kill.  Killed
	 * first, a process runs once, to exit (a killed process forks no
	 * more); the freeze then holds whatever the pass did not reach, and
	 * the passes under it find those as before. */
	if (sig == SIGKILL) {
		uint64_t cpu = time_thread_cpu_ns();

		r = pass_run(op, PASS_NEW, sig, &ps);
		op->pass_cost = time_thread_cpu_ns() - cpu;
		if (r < 0)
			return r;
	}
	/* With CGKILL_ALLOW_SELF the caller may be inside: freezing would
	 * stop the caller itself, so that subtree is signalled unfrozen. */
	r = op->t.has_self ? 0 : freeze_begin(op->tfd, &fz);
	if (TRACING(op))
		trace_freeze(op, &fz, r);
	if (r < 0 && r != -ENOENT)
		return r;
	op->was_frozen = r == 0 && fz.held;
	for (int i = 0; i < MAX_PASSES; i++) {
		size_t known = op->groups.n;
		uint64_t cpu = time_thread_cpu_ns();

		r = pass_run(op, PASS_NEW, sig, &ps);
		op->pass_cost = time_thread_cpu_ns() - cpu;
		/* A leader can sit in a group visited after the one listing
		 * it (threaded subtrees, migrations): a pass that found new
		 * groups is followed by another. */
		if (r < 0 || (ps.newly == 0 && op->groups.n == known))
			break;
	}
	if (fz.froze)
		op->peek_until = time_now_ns() + NOTIFY_QUIET_NS;
	/* The caller found itself inside (thawed by someone, or moved in by
	 * them while unfrozen): it would stay frozen with the rest. */
	froze = fz.froze;
	r2 = freeze_end(op->tfd, &fz, op->self_seen);
	freeze_retire(&fz, &op->spent_watch);
	if (TRACING(op))
		trace_thaw(op, &fz, froze, r2, op->rep.passes - passes,
			   op->rep.signaled - signaled);
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
