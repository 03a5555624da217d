/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the survivors and victims tests share, beside tests/helpers.h. */
#ifndef CGKILL_TEST_REPORTS_H
#define CGKILL_TEST_REPORTS_H

#include "helpers.h"

/* Children these tests need beyond helpers.h's kinds. */
enum rt_kind {
	RT_PAUSE,		/* pause(), SIGTERM at its default */
	RT_BLOCK_TERM,		/* SIGTERM blocked */
	RT_IGNORE_TERM,		/* SIGTERM ignored */
	RT_CATCH_TERM,		/* SIGTERM caught, and nothing done about it */
	RT_EXIT3_ON_TERM,	/* SIGTERM caught: exit(3) */
	RT_ZOMBIE_LEADER,	/* SIGTERM ignored, the main thread exited,
				   another one lives */
	RT_VFORK_STOPPED,	/* SIGTERM caught; vfork()s a child that stops
				   itself: the parent waits in D state */
};

/* Start one in group (absolute path) and return its pid once it is ready;
 * for RT_VFORK_STOPPED, *child (may be NULL) gets the stopped child's. */
pid_t rt_spawn(const char *group, enum rt_kind kind, pid_t *child);
/* The state letter of /proc/PID/stat, '?' if unreadable. */
char rt_state(pid_t pid);
/* Wait (up to ms) until pid is in state want. */
bool rt_wait_state(pid_t pid, char want, int ms);
/* A child outside the scratch groups that ptrace-attaches to pid and
 * holds it stopped; returns the tracer's pid once the tracee is in 't'. */
pid_t rt_trace(pid_t pid);
/* A tracer that lets pid run (passing its signals on) until it exits, and
 * holds it in that exit stop (PTRACE_EVENT_EXIT): exiting, never gone.
 * rt_wait_exit_stop() waits until it is held there. */
pid_t rt_trace_exit(pid_t pid);
void rt_wait_exit_stop(pid_t tracer);
void rt_kill_tracer(pid_t tracer);

struct rt_reaped {
	pid_t pid;
	int status;
};
/* Reap every child that exits (the bystander lives on) until group is not
 * populated and nothing was reaped for quiet_ms; returns the count, the
 * first max of them in out. */
int rt_reap(const char *group, struct rt_reaped *out, int max, int quiet_ms);

/* Does pidfd_open() work here (not under valgrind 3.19, for one)?  And
 * does the kernel tell a reaped process's exit status through it
 * (PIDFD_INFO_EXIT, Linux 6.15)? */
bool rt_have_pidfd(void);
/* Our own command name (under valgrind, its tool's), and whether we run
 * under valgrind, which catches or blocks every signal in its children. */
const char *rt_comm(void);
bool rt_valgrind(void);
bool rt_exit_known(void);

/* cgt_teardown(), after killing what rt_spawn() started and nobody reaped
 * (a zombie leader's threads escape cgroup.kill). */
int rt_teardown(void **state);

/* cgkill_open + cgkill_op_start + cgkill_op_wait; *op is left for the
 * getters (the caller frees it); returns the result. */
int rt_run(const char *path, const struct cgkill_opts *o,
	   struct cgkill_report *rep, struct cgkill_op **op);

#endif
