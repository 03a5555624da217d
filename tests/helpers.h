/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Scratch cgroups and processes for the real-kernel tests. */
#ifndef CGKILL_TEST_HELPERS_H
#define CGKILL_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <cmocka.h>

#include "cgkill.h"

enum cgt_kind {
	CGT_PAUSE,		/* pause() forever */
	CGT_IGNORE_ALL,		/* every catchable signal ignored */
	CGT_ZOMBIE_LEADER,	/* main thread exited, another thread lives */
	CGT_COUNT_USR1,		/* counts SIGUSR1 into shared memory */
	CGT_EXIT_ON_TERM,	/* exits 0 on SIGTERM */
	CGT_COUNT_TERM,		/* counts SIGTERM, keeps running */
	CGT_COUNT_TERM_NOBODY,	/* the same, as uid/gid 65534 */
};

/* Shared counters a child can write to: slot i belongs to the i-th spawn. */
extern volatile int *cgt_shared;

/* Skip the test with a reason, or fail under CGKILL_REQUIRE_CGROUP=1, when
 * there is no root or no writable cgroup2 mount. */
void cgt_require(void);
/* Our scratch parent (absolute path) and the cgroup2 mount. */
const char *cgt_parent(void);
const char *cgt_mount(void);
/* Create parent/rel (and missing ancestors); return its absolute path
 * (valid until cgt_cleanup()). */
const char *cgt_mkgroup(const char *rel);
/* Start a child of the given kind inside group; returns its pid once it
 * has moved in (and, for CGT_ZOMBIE_LEADER, once its main thread is gone). */
pid_t cgt_spawn(const char *group, enum cgt_kind kind);
/* n children of one kind, pids stored in out (may be NULL). */
void cgt_spawn_many(const char *group, enum cgt_kind kind, int n, pid_t *out);
/* Start a fork bomb capped at cap processes; returns once it has reached
 * at least `started` processes (still growing). */
void cgt_forkbomb(const char *group, int cap, int started);
int cgt_forkbomb_count(void);
/* Reap a child: its wait status, or -1 if not exited within ms. */
int cgt_reap(pid_t pid, int ms);
/* Processes listed in cgroup.procs of group and all its descendants. */
int cgt_count_procs(const char *group);
int cgt_populated(const char *group);
/* Contents of cgroup.freeze ("0"/"1") as an int. */
int cgt_frozen_flag(const char *group);
void cgt_write(const char *group, const char *file, const char *val);
/* Move a kernel thread into group; returns its pid or 0 if none moves. */
pid_t cgt_move_kthread(const char *group);
int cgt_open_fds(void);
bool cgt_alive(pid_t pid);
/* Remove everything under the scratch parent (moving kernel threads back
 * first) and reap what we started. */
void cgt_cleanup(void);
/* cmocka setup/teardown: bystander in a sibling group, fd counts, cleanup. */
int cgt_setup(void **state);
int cgt_teardown(void **state);
/* Options for the path under test: *state is the CGKILL_FORCE_FREEZE flag
 * or 0. */
void cgt_opts(struct cgkill_opts *o, void **state);
/* ms scaled by CGKILL_TIME_SCALE (the valgrind setup slows everything). */
int64_t cgt_ms(int64_t ms);
/* pidfd_open(), or a /proc/PID fd where the call is missing (valgrind). */
int cgt_pidfd_open(pid_t pid);
/* cgkill_path() run as an operation (cgkill_open, cgkill_op_start,
 * cgkill_op_wait) so that its stages can be read: returns what cgkill_path()
 * would and fills *r (r may be NULL) and stages[0 .. max - 1] from
 * cgkill_op_get_stage(); stages past the report's n_stages are asserted to
 * answer -ENOENT and left zeroed (size set). */
int cgt_kill_stages(const char *path, const struct cgkill_opts *o,
		    struct cgkill_report *r, struct cgkill_stage *stages,
		    uint32_t max);

#endif
