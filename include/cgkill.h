/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcgkill - kill every process in a cgroup v2 subtree and report what
 * happened.
 *
 * Conventions: functions return 0 (or a documented positive result) on
 * success and a negative errno on failure; each function's man page lists
 * the closed set of errors it can return.  The library never prints, never
 * exits and keeps no global state.  Every file descriptor it opens is
 * O_CLOEXEC and closed before the call returns (or, for an operation, when
 * it is freed).
 *
 * Thread safety: every function may be called from any number of threads at
 * once; a struct cgkill_op must be used by one thread at a time.  Calls hold
 * thread cancellation off while they work; the blocking kills and
 * cgkill_op_wait() let it in only while they sleep in poll(), and free what
 * they hold if the thread is cancelled there.
 *
 * The freezer: the fallback freezes the target for one signalling round
 * inside one call and thaws it before the call returns, interrupted or not;
 * if the kernel refuses the thaw, the call returns CGKILL_LEFT_FROZEN.  A
 * fork() in another thread meanwhile gives the child copies of the
 * library's fds but no part of the call: the parent's call thaws as usual.
 * If the calling process dies during a round (SIGKILL, a crash), the target
 * stays frozen: nothing in user space can prevent that.  Write 0 to its
 * cgroup.freeze to recover; a later call finds the target frozen, takes it
 * for frozen on purpose and leaves it so.
 *
 * ABI: the structures below grow only at their end.  Each starts with its
 * size; a caller sets it to the size it was compiled with (sizeof), and the
 * library accepts any size from the first version's (CGKILL_*_SIZE_VER0)
 * up to CGKILL_STRUCT_SIZE_MAX.  Every field has a fixed width and the same
 * offset on 32- and 64-bit builds; pointers sit in 8-byte slots.
 *
 * Link with: -lcgkill (pkg-config --cflags --libs libcgkill)
 */
#ifndef CGKILL_H
#define CGKILL_H

#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- version (version.c) ------------------------------------------------- */

#define CGKILL_VERSION_MAJOR 1
#define CGKILL_VERSION_MINOR 2
#define CGKILL_VERSION_PATCH 0
/* True when the header is at least version a.b.c. */
#define CGKILL_CHECK_VERSION(a, b, c)                                   \
	(CGKILL_VERSION_MAJOR > (a) ||                                  \
	 (CGKILL_VERSION_MAJOR == (a) && CGKILL_VERSION_MINOR > (b)) || \
	 (CGKILL_VERSION_MAJOR == (a) && CGKILL_VERSION_MINOR == (b) && \
	  CGKILL_VERSION_PATCH >= (c)))

/* The version of the library running, "MAJOR.MINOR.PATCH" (static). */
const char *cgkill_version(void);

/* ---- results (op.c) ------------------------------------------------------ */

/* Positive results: not errors; the report is filled in each case. */
enum {
	CGKILL_DONE = 0,	/* no user process is left in the subtree */
	CGKILL_TIMEOUT = 1,	/* the deadline passed with user processes left */
	CGKILL_RUNNING = 2,	/* cgkill_op_process(): not finished yet */
	CGKILL_LEFT_FROZEN = 3, /* the thaw after the signalling round failed:
				   the target is still frozen (see
				   report.thaw_error); nothing was waited for */
};

/* ---- options (opts.c) ---------------------------------------------------- */

/* An 8-byte slot for a pointer, so the layout does not depend on its size. */
#if defined(__cplusplus)
#define CGKILL_PTR_SLOT(type, name)    \
	union {                        \
		type name;             \
		uint64_t name##_slot_; \
	}
#else
#define CGKILL_PTR_SLOT(type, name)    \
	__extension__ union {          \
		type name;             \
		uint64_t name##_slot_; \
	}
#endif

/* The largest size the library accepts for any of its structures. */
#define CGKILL_STRUCT_SIZE_MAX 4096

#define CGKILL_TIMEOUT_INFINITE (-1)	/* timeout_ms: wait as long as it takes */
#define CGKILL_TIMEOUT_DEFAULT_MS 10000 /* used when opts is NULL */

/* struct cgkill_opts.flags */
/* clang-format off */
#define CGKILL_FORCE_FREEZE	(1ULL << 0) /* never write cgroup.kill */
#define CGKILL_ALLOW_SELF	(1ULL << 1) /* target may contain the caller */
#define CGKILL_DRY_RUN		(1ULL << 2) /* list, signal nothing */
#define CGKILL_SIGCONT		(1ULL << 3) /* follow the signal with SIGCONT */
#define CGKILL_ESCALATE		(1ULL << 4) /* SIGKILL what is left after grace_ms */
#define CGKILL_REMOVE		(1ULL << 5) /* rmdir the emptied subtree */
/* Since 1.1: */
#define CGKILL_SURVIVORS	(1ULL << 6) /* list who is left at the end,
					       whatever the result (always
					       done on CGKILL_TIMEOUT) */
#define CGKILL_VICTIMS		(1ULL << 7) /* list each process this call
					       killed, with how it ended */
#define CGKILL_RELEASE_MEMORY	(1ULL << 8) /* with SIGKILL: reap the victims'
					       memory (process_mrelease) */
/* clang-format on */

/* struct cgkill_proc.flags */
#define CGKILL_PROC_DRY_RUN (1U << 0) /* listed, not signalled */

/* What the observer sees for each process the library signals.  Filled by
 * the library: size says which fields it filled (CGKILL_PROC_SIZE_VER0 or
 * more); read a later field only when size covers it. */
struct cgkill_proc {
	uint32_t size;	/* bytes filled by the library */
	int32_t pid;	/* in the caller's pid namespace */
	int32_t signal; /* the signal sent (or that would be sent) */
	uint32_t flags; /* CGKILL_PROC_* */
	/* group relative to the target, "" for the target itself; valid
	 * during the call only */
	CGKILL_PTR_SLOT(const char *, cgroup);
};
#define CGKILL_PROC_SIZE_VER0 24

/*
 * Called for each process just after it is signalled (or listed, in a dry
 * run), on the calling thread, while the subtree may be frozen: it must not
 * call back into libcgkill for an overlapping subtree and should be quick.
 * Return 0 to go on; a negative errno stops the operation, which restores
 * the freezer and returns that error.
 */
typedef int (*cgkill_observer_fn)(const struct cgkill_proc *proc, void *userdata);

/* Since 1.2, the trace (trace.c): each step of the engine, and why.
 * struct cgkill_trace.kind: what the engine just did or decided */
enum {
	CGKILL_TRACE_METHOD = 1,   /* a stage's method chosen (reason) */
	CGKILL_TRACE_FREEZE = 2,   /* the round's freezer (reason) */
	CGKILL_TRACE_PASS = 3,	   /* a walk over the subtree ended:
					   reason its purpose, count listed,
					   count2 newly signalled, count3
					   groups */
	CGKILL_TRACE_THAW = 4,	   /* the round's end (reason, result) */
	CGKILL_TRACE_RESCAN = 5,   /* a rescan while waiting: count
					   listed, count2 signalled again,
					   count3 listed by the one before */
	CGKILL_TRACE_ESCALATE = 6, /* the grace period is over: SIGKILL;
					   count listed by the last rescan,
					   count2 grace_ms */
	CGKILL_TRACE_WAIT_END = 7, /* the wait is over (reason) */
	CGKILL_TRACE_REMOVE = 8,   /* CGKILL_REMOVE: count rmdir tries,
					   result 0 or -errno */
	CGKILL_TRACE_MEMORY = 9,   /* CGKILL_RELEASE_MEMORY (reason) */
	CGKILL_TRACE_VICTIMS = 10, /* CGKILL_VICTIMS on the native path:
					   count processes pinned */
	CGKILL_TRACE_DONE = 11,	   /* the operation ended: result as the
					   call returns it, count signalled,
					   count2 passes */
};

/* struct cgkill_trace.reason: one set for every kind */
enum {
	CGKILL_TRACE_R_NONE = 0,
	/* CGKILL_TRACE_METHOD: native, or the freeze method because... */
	CGKILL_TRACE_R_NATIVE = 1,	 /* SIGKILL, and cgroup.kill is there */
	CGKILL_TRACE_R_NOT_SIGKILL = 2,	 /* cgroup.kill sends only SIGKILL */
	CGKILL_TRACE_R_FORCE_FREEZE = 3, /* CGKILL_FORCE_FREEZE */
	CGKILL_TRACE_R_NO_KILL_FILE = 4, /* no cgroup.kill (Linux < 5.14) */
	CGKILL_TRACE_R_SELF_INSIDE = 5,	 /* the caller is inside (ALLOW_SELF) */
	CGKILL_TRACE_R_DRY_RUN = 6,	 /* CGKILL_DRY_RUN: method none */
	/* CGKILL_TRACE_FREEZE */
	CGKILL_TRACE_R_FROZE = 10,	 /* we froze the target */
	CGKILL_TRACE_R_HELD = 11,	 /* frozen before, on purpose: kept */
	CGKILL_TRACE_R_OTHER_ROUND = 12, /* frozen by another call's round */
	CGKILL_TRACE_R_UNFROZEN = 13,	 /* not frozen: the caller is inside */
	CGKILL_TRACE_R_NO_FREEZER = 14,	 /* no cgroup.freeze (Linux < 5.2) */
	/* CGKILL_TRACE_THAW */
	CGKILL_TRACE_R_THAWED = 20,	  /* what we froze, thawed */
	CGKILL_TRACE_R_FOREIGN_KEPT = 21, /* someone else wrote cgroup.freeze
					   during the round: their value kept */
	CGKILL_TRACE_R_NOT_OURS = 22,	  /* we froze nothing: left as it is */
	CGKILL_TRACE_R_THAW_FAILED = 23,  /* left frozen: result the -errno */
	/* CGKILL_TRACE_PASS: what the walk was for */
	CGKILL_TRACE_R_PASS_SIGNAL = 30,  /* signal who is new to this stage */
	CGKILL_TRACE_R_PASS_AGAIN = 31,	  /* signal every user process again */
	CGKILL_TRACE_R_PASS_COUNT = 32,	  /* count, signal nothing */
	CGKILL_TRACE_R_PASS_VERIFY = 33,  /* verify unknown pids */
	CGKILL_TRACE_R_PASS_PROBE = 34,	  /* signal 0: may we signal them all? */
	CGKILL_TRACE_R_PASS_LIST = 35,	  /* CGKILL_DRY_RUN's listing */
	CGKILL_TRACE_R_PASS_PENDING = 36, /* who sits on the signal, frozen */
	/* CGKILL_TRACE_RESCAN: what it decided */
	CGKILL_TRACE_R_FIRST = 40,	/* the first: nothing to compare with */
	CGKILL_TRACE_R_PROGRESS = 41,	/* fewer listed: wait on */
	CGKILL_TRACE_R_VERIFIED = 42,	/* no fewer: each pid verified */
	CGKILL_TRACE_R_SENT_AGAIN = 43, /* no fewer after SIGKILL: each one
					   signalled again */
	/* CGKILL_TRACE_WAIT_END (count: kernel threads seen) */
	CGKILL_TRACE_R_EMPTY = 50,    /* "populated 0" */
	CGKILL_TRACE_R_NO_USERS = 51, /* only kernel threads (or the
					   caller, CGKILL_ALLOW_SELF) left */
	CGKILL_TRACE_R_TIMEOUT = 52,  /* the deadline passed first */
	/* CGKILL_TRACE_MEMORY */
	CGKILL_TRACE_R_PINNED = 60,	 /* count pinned, count2 their RSS in
					   bytes, count3 1: killed and reaped
					   one by one first (busy CPUs) */
	CGKILL_TRACE_R_RELEASED = 61,	 /* count reaped, count2 bytes back */
	CGKILL_TRACE_R_NO_MRELEASE = 62, /* no process_mrelease here */
};

/*
 * One step of the engine.  Filled by the library: size says which fields
 * it filled (CGKILL_TRACE_SIZE_VER0 or more).  The strings are valid during
 * the callback only.
 */
struct cgkill_trace {
	uint32_t size;			/* bytes filled by the library */
	uint32_t kind;			/* CGKILL_TRACE_* */
	uint64_t ns;			/* since the operation started */
	int32_t signal;			/* the stage's signal (0: none) */
	uint32_t method;		/* CGKILL_METHOD_* of the stage */
	uint32_t reason;		/* CGKILL_TRACE_R_* */
	int32_t result;			/* per kind: 0, a result, or -errno */
	uint64_t count, count2, count3; /* per kind, 0 when unused */
	/* the reason as a short word ("native", "froze"), "" for none */
	CGKILL_PTR_SLOT(const char *, detail);
	/* a line for people, without a newline */
	CGKILL_PTR_SLOT(const char *, message);
};
#define CGKILL_TRACE_SIZE_VER0 72

/*
 * Called for each step of an operation, on the calling thread, while the
 * subtree may be frozen: it must not call back into libcgkill for an
 * overlapping subtree and should be quick.  It cannot stop the operation.
 */
typedef void (*cgkill_trace_fn)(const struct cgkill_trace *ev, void *data);

/*
 * Extensible like struct open_how: set size to sizeof(struct cgkill_opts),
 * as cgkill_opts_init() does.  A larger struct from a newer caller must
 * have a zero tail (E2BIG otherwise); a field added later defaults to 0.
 */
struct cgkill_opts {
	uint32_t size;				       /* sizeof(struct cgkill_opts) */
	int32_t signal;				       /* 1 .. SIGRTMAX */
	uint64_t flags;				       /* CGKILL_* flags above */
	int64_t timeout_ms;			       /* 0: do not wait; CGKILL_TIMEOUT_INFINITE */
	int64_t grace_ms;			       /* CGKILL_ESCALATE: wait before SIGKILL */
	CGKILL_PTR_SLOT(cgkill_observer_fn, observer); /* optional */
	CGKILL_PTR_SLOT(void *, userdata);	       /* passed to observer */
	/* VER1 (1.1) */
	uint32_t max_survivors; /* 0: CGKILL_MAX_SURVIVORS_DEFAULT */
	uint32_t max_victims;	/* CGKILL_VICTIMS: 0, no limit */
	/* VER2 (1.2) */
	CGKILL_PTR_SLOT(cgkill_trace_fn, trace); /* optional */
	CGKILL_PTR_SLOT(void *, trace_data);	 /* passed to trace */
};
#define CGKILL_OPTS_SIZE_VER0 48
#define CGKILL_OPTS_SIZE_VER1 56
#define CGKILL_OPTS_SIZE_VER2 72
#define CGKILL_MAX_SURVIVORS_DEFAULT 64

/*
 * Fill @opts with the defaults: SIGKILL, 10 s timeout, no flags, and the
 * size this program was compiled with.  Inline, so that a program built
 * against a newer header passes its own size to an older library.
 */
static inline void cgkill_opts_init(struct cgkill_opts *opts)
{
	if (!opts)
		return;
	memset(opts, 0, sizeof(*opts));
	opts->size = (uint32_t)sizeof(*opts);
	opts->signal = 9; /* SIGKILL, the same number on every Linux */
	opts->timeout_ms = CGKILL_TIMEOUT_DEFAULT_MS;
}

/* ---- the report (op.c, opts.c) ------------------------------------------- */

/* struct cgkill_report.last_method, struct cgkill_stage.method */
enum {
	CGKILL_METHOD_NONE = 0,	  /* nothing signalled (dry run) */
	CGKILL_METHOD_NATIVE = 1, /* the kernel's cgroup.kill */
	CGKILL_METHOD_FREEZE = 2, /* cgroup.freeze + pidfd_send_signal */
};

/* struct cgkill_report.flags */
/* clang-format off */
#define CGKILL_REPORT_NO_USERS	 (1U << 0) /* no user process left; kernel
					      threads may keep it populated */
#define CGKILL_REPORT_POPULATED	 (1U << 1) /* cgroup.events said
					      "populated 1" at the end */
#define CGKILL_REPORT_TIMED_OUT	 (1U << 2) /* the deadline passed first */
#define CGKILL_REPORT_ESCALATED	 (1U << 3) /* CGKILL_ESCALATE sent SIGKILL */
#define CGKILL_REPORT_REMOVED	 (1U << 4) /* CGKILL_REMOVE removed it all */
#define CGKILL_REPORT_THAW_FAILED (1U << 5) /* the target is left frozen:
					       thaw_error says why */
#define CGKILL_REPORT_FROZEN_BY_OTHER (1U << 6) /* someone else froze the
						   target during our round:
						   left frozen as they want */
#define CGKILL_REPORT_NO_MRELEASE (1U << 7) /* CGKILL_RELEASE_MEMORY, but
					       process_mrelease is missing or
					       refused: the victims freed
					       their memory themselves */
/* clang-format on */

/*
 * Filled when a kill call returns a positive result, and when it fails
 * once the operation has started (during the wait, escalation or
 * removal); untouched when it fails at the start (cgkill_op_start():
 * checks, guard rails, the first signalling round).  The caller sets size
 * (sizeof); a shorter report from an older header gets the fields it has,
 * a larger one from a newer header gets its unknown tail zeroed.
 */
struct cgkill_report {
	uint32_t size;		 /* sizeof(struct cgkill_report), set by caller */
	uint32_t flags;		 /* CGKILL_REPORT_* */
	int32_t first_signal;	 /* the signal of the first stage (opts.signal) */
	int32_t last_signal;	 /* the signal of the last stage */
	uint32_t last_method;	 /* CGKILL_METHOD_* of the last stage */
	uint32_t n_stages;	 /* 0 (dry run), 1, or 2 after escalation;
				   each: cgkill_op_get_stage() */
	uint64_t signaled;	 /* total processes signalled by pidfd */
	uint64_t kernel_threads; /* kernel threads seen, never signalled */
	uint64_t cgroups;	 /* groups visited by the largest pass (0 when
				   the native path never had to walk) */
	uint64_t passes;	 /* listing passes over the subtree */
	uint64_t frozen_pending; /* signalled processes that wait for a
					   thaw to act on the signal: a group
					   frozen on purpose, not by a round
					   of ours or of another call */
	uint64_t elapsed_ns;	 /* from the start of the operation to its end */
	int32_t remove_error;	 /* CGKILL_REMOVE: 0, or -errno of the removal */
	int32_t thaw_error;	 /* with CGKILL_REPORT_THAW_FAILED: -errno */
	/* VER1 (1.1) */
	uint32_t n_survivors;		/* listed: cgkill_op_get_survivor() */
	uint32_t n_victims;		/* listed: cgkill_op_get_victim() */
	uint64_t survivors;		/* user processes left at the end, listed or
				   not (0 unless listed or timed out) */
	uint64_t hidden;		/* pid 0 entries: outside the caller's pid
				   namespace, never signalled or listed */
	uint64_t memory_released_bytes; /* CGKILL_RELEASE_MEMORY */
	uint64_t memory_released_ns;	/* when that was done, since the
					   start, as elapsed_ns */
};
#define CGKILL_REPORT_SIZE_VER0 80
#define CGKILL_REPORT_SIZE_VER1 120

/* One signalling stage: the first signal, then SIGKILL after escalation. */
struct cgkill_stage {
	uint32_t size; /* set by caller */
	int32_t signal;
	uint32_t method;     /* CGKILL_METHOD_* */
	uint32_t passes;     /* listing passes of this stage */
	uint64_t signaled;   /* processes the library signalled by pidfd */
	uint64_t started_ns; /* since the call started */
};
#define CGKILL_STAGE_SIZE_VER0 32

/* ---- survivors and victims (survivors.c, victims.c), since 1.1 ----------- */

/* struct cgkill_survivor.why: what explains that it is still there */
/* clang-format off */
#define CGKILL_WHY_FROZEN	(1U << 0) /* its group or an ancestor is
					     frozen (cgroup.freeze) */
#define CGKILL_WHY_TRACED	(1U << 1) /* ptrace-stopped (tracer: who) */
#define CGKILL_WHY_STOPPED	(1U << 2) /* stopped by a signal (state T) */
#define CGKILL_WHY_UNINTERRUPTIBLE (1U << 3) /* state D: see wchan */
#define CGKILL_WHY_DYING	(1U << 4) /* a fatal signal is pending or it is
					     exiting: stuck on its way out */
#define CGKILL_WHY_ZOMBIE_LEADER (1U << 5) /* the leader exited, threads live */
/* clang-format on */

/* struct cgkill_survivor.disposition: of the last stage's signal */
enum {
	CGKILL_DISP_DEFAULT = 0,
	CGKILL_DISP_BLOCKED = 1,
	CGKILL_DISP_IGNORED = 2,
	CGKILL_DISP_CAUGHT = 3,
};

/* A user process still in the subtree when the operation ended. */
struct cgkill_survivor {
	uint32_t size; /* set by caller */
	int32_t pid;   /* in the caller's pid namespace */
	char comm[16]; /* NUL-terminated */
	uint32_t threads;
	uint32_t why;	      /* CGKILL_WHY_* */
	int32_t tracer;	      /* TracerPid, 0: not traced */
	int32_t signal;	      /* the signal disposition is about */
	uint32_t state;	      /* the letter of /proc/PID/stat: 'R', 'S',
				   'D', 'T', 't', 'Z', 'X' */
	uint32_t disposition; /* CGKILL_DISP_* of signal */
	char wchan[64];	      /* what it waits in, "" if unknown */
	/* group relative to the target, "" for the target itself; valid
	 * until the operation is freed */
	CGKILL_PTR_SLOT(const char *, cgroup);
};
#define CGKILL_SURVIVOR_SIZE_VER0 120

/* struct cgkill_victim.flags */
/* clang-format off */
#define CGKILL_VICTIM_EXITED	(1U << 0) /* exit_signal/exit_code known */
#define CGKILL_VICTIM_NATIVE	(1U << 1) /* killed by the kernel's
					     cgroup.kill, pinned before it */
#define CGKILL_VICTIM_BEFORE	(1U << 2) /* it exited on its own before the
					     signal reached it */
/* clang-format on */

/* A process this call killed (CGKILL_VICTIMS). */
struct cgkill_victim {
	uint32_t size;	     /* set by caller */
	int32_t pid;	     /* in the caller's pid namespace */
	char comm[16];	     /* NUL-terminated */
	int32_t signal;	     /* the signal this call sent it */
	uint32_t flags;	     /* CGKILL_VICTIM_* */
	int32_t exit_signal; /* the signal it died of, 0: it exited */
	int32_t exit_code;   /* with exit_signal 0: its exit status */
	/* group relative to the target; valid until the operation is freed */
	CGKILL_PTR_SLOT(const char *, cgroup);
};
#define CGKILL_VICTIM_SIZE_VER0 48

/* ---- opening a target (target.c, pid.c) ---------------------------------- */

/* cgkill_open() flags */
#define CGKILL_OPEN_CGROUP_PATH (1U << 0) /* path as /proc/PID/cgroup shows */

/* Return an O_CLOEXEC directory fd of a cgroup2 group, or -errno. */
int cgkill_open(const char *path, unsigned int flags);
/* The same for the group the process pinned by @pidfd lives in (a pidfd
 * or a /proc/PID directory fd); @flags must be 0. */
int cgkill_open_pidfd(int pidfd, unsigned int flags);
/* cgkill_open_pidfd() of a pidfd of @pid. */
int cgkill_open_pid(pid_t pid, unsigned int flags);

/* ---- killing (kill.c, pid.c) --------------------------------------------- */

/* Kill the subtree at @dirfd (from cgkill_open() or the caller's own). */
int cgkill_fd(int dirfd, const struct cgkill_opts *opts, struct cgkill_report *report);
/* cgkill_open(path, 0) then cgkill_fd(). */
int cgkill_path(const char *path, const struct cgkill_opts *opts, struct cgkill_report *report);
/* Kill the whole group that a process belongs to. */
int cgkill_pid(pid_t pid, const struct cgkill_opts *opts, struct cgkill_report *report);
int cgkill_pidfd(int pidfd, const struct cgkill_opts *opts, struct cgkill_report *report);

/* ---- operations (op.c, kill.c) ------------------------------------------- */

struct cgkill_op;

/* Validate, signal the first stage and return a handle in @ret. */
int cgkill_op_start(int dirfd, const struct cgkill_opts *opts, struct cgkill_op **ret);
/* A fd that polls readable (POLLIN) when cgkill_op_process() has work. */
int cgkill_op_get_fd(const struct cgkill_op *op);
/* Make progress: CGKILL_RUNNING, or the final result and @report. */
int cgkill_op_process(struct cgkill_op *op, struct cgkill_report *report);
/* Block until the operation ends: the final result and @report. */
int cgkill_op_wait(struct cgkill_op *op, struct cgkill_report *report);
/* Stage @idx (0 .. report.n_stages - 1) of the operation so far. */
int cgkill_op_get_stage(const struct cgkill_op *op, uint32_t idx, struct cgkill_stage *stage);
/* Since 1.1: survivor or victim @idx (0 .. report.n_survivors or
 * n_victims - 1) of a finished operation. */
int cgkill_op_get_survivor(const struct cgkill_op *op, uint32_t idx,
			   struct cgkill_survivor *survivor);
int cgkill_op_get_victim(const struct cgkill_op *op, uint32_t idx, struct cgkill_victim *victim);
/* Cancel if unfinished and free; NULL is a no-op.  The freezer is only
 * ever set within one call, so nothing is left frozen. */
void cgkill_op_free(struct cgkill_op *op);

/* ---- capabilities (probe.c) ---------------------------------------------- */

#define CGKILL_FEATURE_KILL (1ULL << 0)	      /* cgroup.kill */
#define CGKILL_FEATURE_FREEZE (1ULL << 1)     /* cgroup.freeze */
#define CGKILL_FEATURE_PIDFD (1ULL << 2)      /* pidfd_open/send_signal */
#define CGKILL_FEATURE_PIDFD_INFO (1ULL << 3) /* PIDFD_GET_INFO cgroupid */

/*
 * Store in @features what this kernel offers, probed on the group @dirfd,
 * or on a group the caller can see when @dirfd is -1.
 */
int cgkill_probe(int dirfd, uint64_t *features);

#ifdef __cplusplus
}
#endif

#endif /* CGKILL_H */
