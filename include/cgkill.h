/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcgkill - kill every process in a cgroup v2 subtree and report what
 * happened.
 *
 * Conventions: functions return 0 (or a documented positive result) on
 * success and a negative errno on failure; the library never prints, never
 * exits and keeps no global state.  Every file descriptor it opens is
 * O_CLOEXEC and closed before the call returns (or, for an operation, when
 * it is freed).
 *
 * Thread safety: every function may be called from any number of threads at
 * once; a struct cgkill_op must be used by one thread at a time.
 *
 * Link with: -lcgkill (pkg-config --cflags --libs libcgkill)
 */
#ifndef CGKILL_H
#define CGKILL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- results (op.c) ------------------------------------------------------ */

/* Positive results: not errors; the report is filled in both cases. */
enum {
	CGKILL_DONE = 0,	/* no user process is left in the subtree */
	CGKILL_TIMEOUT = 1,	/* the deadline passed with user processes left */
	CGKILL_RUNNING = 2,	/* cgkill_op_process(): not finished yet */
};

/* ---- options and report (opts.c, report.c) ------------------------------- */

#define CGKILL_TIMEOUT_INFINITE (-1)	/* timeout_ms: wait as long as it takes */
#define CGKILL_TIMEOUT_DEFAULT_MS 10000	/* used when opts is NULL */

/* struct cgkill_opts.flags */
#define CGKILL_FORCE_FREEZE	(1ULL << 0) /* never write cgroup.kill */
#define CGKILL_ALLOW_SELF	(1ULL << 1) /* target may contain the caller */
#define CGKILL_DRY_RUN		(1ULL << 2) /* list, signal nothing */
#define CGKILL_SIGCONT		(1ULL << 3) /* follow the signal with SIGCONT */
#define CGKILL_ESCALATE		(1ULL << 4) /* SIGKILL what is left after grace_ms */
#define CGKILL_REMOVE		(1ULL << 5) /* rmdir the emptied subtree */

/* What the observer sees for each process the library signals. */
struct cgkill_proc {
	pid_t pid;		/* in the caller's pid namespace */
	int signal;		/* the signal sent (or that would be sent) */
	const char *cgroup;	/* group relative to the target, "" for itself */
	bool dry_run;		/* true: listed, not signalled */
};

/*
 * Called for each process just after it is signalled (or listed, in a dry
 * run), on the calling thread, while the subtree may be frozen: it must not
 * call back into libcgkill for an overlapping subtree and should be quick.
 * Return 0 to go on; a negative errno stops the operation, which restores
 * the freezer and returns that error.
 */
typedef int (*cgkill_observer_fn)(const struct cgkill_proc *proc,
				  void *userdata);

/*
 * Extensible like struct open_how: set size to sizeof(struct cgkill_opts).
 * A larger struct from a newer caller must have a zero tail.
 */
struct cgkill_opts {
	uint32_t size;		/* sizeof(struct cgkill_opts) */
	int signal;		/* 1 .. SIGRTMAX */
	uint64_t flags;		/* CGKILL_* flags above */
	int64_t timeout_ms;	/* 0: do not wait; CGKILL_TIMEOUT_INFINITE */
	int64_t grace_ms;	/* CGKILL_ESCALATE: wait before SIGKILL */
	cgkill_observer_fn observer;	/* optional */
	void *userdata;		/* passed to observer */
};

/* Fill @opts with the defaults: SIGKILL, 10 s timeout, no flags. */
void cgkill_opts_init(struct cgkill_opts *opts);

/* struct cgkill_report.method */
enum {
	CGKILL_METHOD_NONE = 0,		/* nothing signalled (dry run) */
	CGKILL_METHOD_NATIVE = 1,	/* the kernel's cgroup.kill */
	CGKILL_METHOD_FREEZE = 2,	/* cgroup.freeze + pidfd_send_signal */
};

struct cgkill_stage {
	int signal;
	uint32_t method;
	uint64_t signaled;	/* processes the library signalled by pidfd */
};

/*
 * Filled when a kill call returns CGKILL_DONE or CGKILL_TIMEOUT, and when
 * it fails after the first signalling round; untouched when it fails before
 * or during it.  Set size to sizeof(struct cgkill_report); a larger struct
 * from a newer header gets its unknown tail zeroed.
 */
struct cgkill_report {
	uint32_t size;		/* sizeof(struct cgkill_report), set by caller */
	uint32_t method;	/* method of the last stage */
	int signal;		/* the first signal */
	bool empty;		/* no user process left in the subtree */
	bool populated;		/* cgroup.events says "populated 1" */
	bool timed_out;		/* the deadline passed before empty */
	bool escalated;		/* CGKILL_ESCALATE sent SIGKILL */
	uint64_t signaled;	/* total processes signalled by pidfd */
	uint64_t kernel_threads;	/* kernel threads seen, never signalled */
	uint64_t cgroups;	/* groups visited by the largest pass (0 when
				   the native path never had to walk) */
	uint64_t passes;	/* listing passes over the subtree */
	uint64_t frozen_pending;	/* signalled processes left frozen by
					   a descendant's own cgroup.freeze */
	uint64_t elapsed_ns;	/* from the call to its return */
	uint32_t n_stages;	/* 1, or 2 after escalation */
	struct cgkill_stage stages[2];
};

/* ---- opening a target (target.c) ----------------------------------------- */

/* cgkill_open() flags */
#define CGKILL_OPEN_CGROUP_PATH (1U << 0) /* path as /proc/PID/cgroup shows */

/* Return an O_CLOEXEC directory fd of a cgroup2 group, or -errno. */
int cgkill_open(const char *path, unsigned int flags);

/* ---- killing (kill.c, pid.c) --------------------------------------------- */

/* Kill the subtree at @dirfd (from cgkill_open() or the caller's own). */
int cgkill_fd(int dirfd, const struct cgkill_opts *opts,
	      struct cgkill_report *report);
/* cgkill_open(path, 0) then cgkill_fd(). */
int cgkill_path(const char *path, const struct cgkill_opts *opts,
		struct cgkill_report *report);
/* Kill the whole group that a process belongs to. */
int cgkill_pid(pid_t pid, const struct cgkill_opts *opts,
	       struct cgkill_report *report);
int cgkill_pidfd(int pidfd, const struct cgkill_opts *opts,
		 struct cgkill_report *report);

/* ---- non-blocking operations (op.c) -------------------------------------- */

struct cgkill_op;

/* Validate, signal the first stage and return a handle in @ret. */
int cgkill_op_start(int dirfd, const struct cgkill_opts *opts,
		    struct cgkill_op **ret);
/* A fd that polls readable (POLLIN) when cgkill_op_process() has work. */
int cgkill_op_get_fd(const struct cgkill_op *op);
/* Make progress: CGKILL_RUNNING, or the final result and @report. */
int cgkill_op_process(struct cgkill_op *op, struct cgkill_report *report);
/* Cancel if unfinished and free; NULL is a no-op.  The freezer is only
 * ever set within one call, so nothing is left frozen. */
void cgkill_op_free(struct cgkill_op *op);

/* ---- capabilities (probe.c) ---------------------------------------------- */

#define CGKILL_FEATURE_KILL		(1ULL << 0) /* cgroup.kill */
#define CGKILL_FEATURE_FREEZE		(1ULL << 1) /* cgroup.freeze */
#define CGKILL_FEATURE_PIDFD		(1ULL << 2) /* pidfd_open/send_signal */
#define CGKILL_FEATURE_PIDFD_INFO	(1ULL << 3) /* PIDFD_GET_INFO cgroupid */

/*
 * Store in @features what this kernel offers, probed on the group @dirfd,
 * or on a group the caller can see when @dirfd is -1.
 */
int cgkill_probe(int dirfd, uint64_t *features);

#ifdef __cplusplus
}
#endif

#endif /* CGKILL_H */
