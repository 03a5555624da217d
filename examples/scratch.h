/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the examples share and is not the point of any of them: a scratch
 * parent group of our own on the cgroup2 mount, groups below it, processes
 * started inside them, a teardown that leaves nothing behind, and printing
 * a report.
 */
#ifndef CGKILL_EXAMPLE_SCRATCH_H
#define CGKILL_EXAMPLE_SCRATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <cgkill.h>

/*
 * Check for root and a writable cgroup2 mount (found in
 * /proc/self/mountinfo), create <mount>/<prefix>-<pid>, become the child
 * subreaper so that every orphan comes back to us to be reaped, and hold
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT, and ignore SIGPIPE, until
 * scratch_fini(): an interrupted run still cleans up first.  Returns 0, or the exit status to leave with
 * after printing why: 77 (skip), or 1 under CGKILL_REQUIRE_CGROUP=1.
 */
int scratch_init(const char *prefix);

/* Whether one of the signals held by scratch_init() is pending. */
bool scratch_interrupted(void);

/* The scratch parent's path, and a directory fd for it. */
const char *scratch_parent(void);
int scratch_parent_fd(void);

/* Create <parent>/<name>; store its path in @path.  0 or -errno. */
int scratch_mkgroup(const char *name, char *path, size_t size);

/*
 * Fork a child that moves itself into the group @groupfd (by writing to
 * its cgroup.procs), with the caller's original signal mask, then runs
 * @fn(@arg) and exits.  Returns its pid once it is inside, or -errno.
 */
pid_t scratch_spawn(int groupfd, void (*fn)(void *arg), void *arg);

/* In a child the caller forked itself: undo scratch_init()'s signal setup. */
void scratch_child_signals(void);

/* A body for scratch_spawn(): sleep until killed. */
void scratch_idle(void *arg);

/* 1 or 0 as the group's cgroup.events says, or -errno. */
int scratch_populated(int groupfd);

/* Number of processes listed in the group's cgroup.procs, or -errno. */
int scratch_count_procs(int groupfd);

/*
 * Reap children until none is left, for up to @timeout_ms: call it once
 * every process started is dying.  Returns how many were reaped, or
 * -ETIMEDOUT if some child still lives.
 */
int scratch_reap_all(int timeout_ms);

/*
 * Kill whatever is still running under the parent (all of it ours), reap
 * it, remove the groups leaves first and the parent last, and restore the
 * signal mask.  Returns 0, or -errno if something could not be removed.
 */
int scratch_fini(void);

/*
 * Print @rep as a block of aligned lines under @title.  @op: the operation
 * the report came from, for its stages (cgkill_op_get_stage()), or NULL
 * after a one-shot call (cgkill_fd() and friends), which keeps no stages.
 */
void print_report(const char *title, int result, const struct cgkill_report *rep,
		  const struct cgkill_op *op);

#endif
