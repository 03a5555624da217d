/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What cgkill-bench shares with its spawner and every process they start:
 * one page of a memfd, mapped MAP_SHARED. */
#ifndef CGKILL_BENCH_SHM_H
#define CGKILL_BENCH_SHM_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#define BENCH_CLONE_INTO_CGROUP 0x200000000ULL

/* The clone3 ABI (CLONE_ARGS_SIZE_VER2), spelled out so that no libc or
 * kernel header of a given age is needed. */
struct bench_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

struct bench_shm {
	atomic_long ready;	/* pause children that reached pause() */
	atomic_long started;	/* bomb processes that ran */
	atomic_long tokens;	/* bomb forks taken */
	atomic_long fork_errors;
	long cap;		/* bomb: processes at most, the root included */
	pid_t bench_pid;	/* the parent of every pause child and bomb root */
};

#endif
