/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An operation, as op.c (the public calls), engine.c (its states) and
 * pass.c (the passes) share it; nothing outside those files looks inside. */
#ifndef CGKILL_OP_PRIVATE_H
#define CGKILL_OP_PRIVATE_H

#include "cgkill-private.h"

#define MAX_STAGES 2 /* the signal, then SIGKILL */
/* The kernel announces a change of cgroup.events at most once per 10 ms
 * (CGROUP_FILE_NOTIFY_MIN_INTV) and defers the rest: after our own freeze
 * and thaw, "populated 0" can come up to 10 ms late, so for that long the
 * file is re-read every millisecond instead of trusting the event. */
#define NOTIFY_QUIET_NS 10000000ULL

/* Per-pid state, for the current stage unless noted.  Keyed by a number
 * that can change hands: a mark that would let a process go unsignalled or
 * unwaited for (P_KTHREAD) is checked again each time the number is listed. */
#define P_SIGNALED 1u /* signalled by us in this stage */
#define P_USER 2u     /* verified a user process (whole op) */
#define P_KTHREAD 4u  /* a kernel thread when last listed (whole op) */
#define P_PENDING 8u  /* counted in frozen_pending */

/* The engine's states (engine.c moves between them, in transition()).
 * SIGNALLING and LISTING last only within one call; between calls an
 * operation is waiting, removing or done. */
enum op_state {
	ST_SIGNALLING,	       /* a stage's signal goes out: cgroup.kill, or the
			   frozen round of passes */
	ST_LISTING,	       /* CGKILL_DRY_RUN: what would be signalled */
	ST_GRACE,	       /* waiting after the first signal of CGKILL_ESCALATE:
			   rescans verify; the deadline sends SIGKILL */
	ST_WAITING,	       /* waiting after a signal that can be handled:
			   rescans verify; the deadline is a timeout */
	ST_WAITING_AFTER_KILL, /* waiting after SIGKILL: a rescan that sees
				   no progress sends it again (and with
				   CGKILL_RELEASE_MEMORY, each call first
				   reaps a slice); the deadline is a timeout */
	ST_REMOVING,	       /* CGKILL_REMOVE: rmdir, retried while EBUSY */
	ST_DONE,	       /* result and rep final */
};

struct cgkill_op {
	int tfd, evfd, epfd, timerfd;
	int spent_watch; /* the last round's inotify fd, until ST_DONE:
				   freeze_retire() */
	struct cgkill_opts o;
	struct cg_target t;
	struct sig_ctx sc;
	struct idset groups; /* cgroup ids seen below the target */
	struct idset procs;  /* pid -> P_* */
	struct idset frozen; /* this pass: own-frozen group id -> 1 + held */
	char *buf;
	size_t cap;
	struct pidvec pv;
	struct cgkill_report rep;
	struct cgkill_stage stages[MAX_STAGES];
	enum op_state state;
	int result;	      /* ST_DONE */
	int observer_stopped; /* result is the observer's own error */
	int users_gone;	      /* the kill's outcome, whatever removal does */
	int stage;	      /* index in stages[] of the current one */
	int native_missing;   /* no cgroup.kill: every stage freezes */
	int populated;	      /* cgroup.events, as last read */
	uint64_t t0;
	/* The waiting states: */
	uint64_t deadline;	 /* the grace period's end, or the timeout */
	uint64_t next_scan, gap; /* the next rescan; backoff */
	uint64_t peek_until;	 /* re-read cgroup.events until then */
	uint64_t pass_cost;	 /* CPU of the last signalling pass, ns */
	long prev_users;	 /* listed by the last rescan; -1: none yet */
	/* ST_REMOVING: */
	uint64_t remove_until, remove_next;
	int was_frozen;		/* the target was frozen on purpose before the round */
	int self_seen;		/* the caller was listed (CGKILL_ALLOW_SELF) */
	struct survivors *surv; /* survivors.c: read as it ends, if at all */
	struct victims *vic;	/* victims.c: CGKILL_VICTIMS */
	struct mrel *mr;	/* mrelease.c: CGKILL_RELEASE_MEMORY */
	uint32_t remove_tries;	/* rmdir rounds, for the trace */
	/* trace.c: the message and the signal name of the event being
	 * traced, valid during the callback only */
	char trace_msg[256];
	char trace_sig[16];
};

/* ---- pass.c: one walk over the subtree, acting on each pid listed -------- */

/* What a pass does with each pid: one row each of the table in pass.c. */
enum pass_mode {
	PASS_NEW,      /* signal what this stage has not signalled yet */
	PASS_ALL,      /* signal every user process listed (mop-up) */
	PASS_OBSERVE,  /* count listed processes, no system call per pid */
	PASS_CLASSIFY, /* verify unknown pids, signal none */
	PASS_PROBE,    /* signal 0 to each: may we signal them all? */
	PASS_LIST,     /* dry run: report each user process */
	PASS_PENDING,  /* count who sits on this stage's signal (no send) */
};

struct pass {
	struct cgkill_op *op;
	enum pass_mode mode;
	int sig;
	uint64_t listed_users; /* listed and not known kernel threads */
	uint64_t newly;	       /* signalled for the first time this stage */
	uint64_t groups;
	uint64_t hidden; /* pid 0 entries listed */
	pid_t self;	 /* the caller, as cgroup.procs shows it to us */
	int held;	 /* the group's processes sit on the signal
				   (own-frozen on purpose, not SIGKILL) */
};

/* One pass of mode over the subtree with sig; its counts in *ps. */
int pass_run(struct cgkill_op *op, enum pass_mode mode, int sig, struct pass *ps);
/* The fallback's round: freeze, passes of sig until one finds nobody new,
 * thaw.  CGKILL_LEFT_FROZEN when the thaw failed. */
int pass_frozen_round(struct cgkill_op *op, int sig);
/* The caller's observer, told of pid; its error stops the operation. */
int pass_observe(struct cgkill_op *op, pid_t pid, int sig, const char *rel);
/* The caller found in its own target: -EDEADLK, or (CGKILL_ALLOW_SELF)
 * left out from now on. */
int pass_self(struct cgkill_op *op);
/* Is the caller in its target after all, just before a write that would
 * freeze or kill the whole of it? */
int pass_self_check(struct cgkill_op *op);

/* ---- trace.c: each step to the caller's trace (CGKILL_TRACE_*) ---------- */
/* Tested at each call site, so that nothing is formatted without a trace. */
#define TRACING(op) ((op)->o.trace != NULL)
/* Fill in ev's size, time (ns 0: now), stage, detail and the message, and
 * call the trace.  ev->signal 0 is the stage's (opts.signal before any
 * stage). */
__attribute__((format(printf, 3, 4))) void trace_event(struct cgkill_op *op,
						       struct cgkill_trace *ev, const char *fmt,
						       ...);
/* "SIGTERM", or "signal 42": in the op, until the next call. */
const char *trace_signame(struct cgkill_op *op, int sig);

/* ---- engine.c: the states and the moves between them -------------------- */
/* The first stage, or a dry run; an error leaves the op to be freed. */
int engine_start(struct cgkill_op *op);
/* A wake-up (or the caller back early) of a waiting or removing op. */
int engine_step(struct cgkill_op *op);
/* Done now with result (an error while waiting, an abort). */
int engine_end(struct cgkill_op *op, int result);

#endif
