// SPDX-License-Identifier: LGPL-2.1-or-later
/* The closed set of errors each public call may return, as its man page
 * lists them.  A failure outside the set (an errno no documented cause can
 * produce, injected by a seccomp filter or a kernel change) becomes EIO
 * rather than a value the caller was never told about. */
#include <errno.h>
#include <stddef.h>

#include "cgkill-private.h"

/* Opening a group by path, shared by every call that resolves one. */
#define OPEN_ERRS                                                                             \
	EINVAL, ENAMETOOLONG, ENOENT, ENOTDIR, ELOOP, EACCES, EMEDIUMTYPE, ENOMEDIUM, ENOMEM, \
		EMFILE, ENFILE, EIO
/* Finding and opening the group of a process (cgkill_open_pid()); a pidfd
 * adds EBADF.  No ENOSYS: pidfd_open() and openat2() fall back to /proc
 * and openat().  The path goes through the first cgroup2 mount: another
 * file system mounted over it or over a group on the way can put there a
 * directory (EMEDIUMTYPE), a file (ENOTDIR) or a symlink (ELOOP). */
#define PID_OPEN_ERRS                                                                 \
	EINVAL, ESRCH, EPERM, ENOENT, EACCES, EMEDIUMTYPE, ENOTDIR, ELOOP, ENOMEDIUM, \
		ENAMETOOLONG, ENOMEM, EMFILE, ENFILE, EIO
/* The start of an operation on an open group: validation, guard rails and
 * the first signalling round.  Removal happens later (no EBUSY here).
 * ENOSYS: a kernel built without epoll or timerfd. */
#define START_ERRS                                                                              \
	EINVAL, E2BIG, EBADF, ENOTDIR, EMEDIUMTYPE, EPERM, EACCES, EDEADLK, EOPNOTSUPP, ENOENT, \
		ENODEV, ENOMEDIUM, ENOSYS, EIO, ENAMETOOLONG, ENOMEM, EMFILE, ENFILE
/* Waiting, rescanning, escalating and removing: the target was checked
 * and the epoll and timer fds made at the start (no ENOMEDIUM, ENOSYS).
 * EDEADLK: the caller was moved into the target meanwhile. */
#define PROCESS_ERRS                                                                             \
	EINVAL, E2BIG, EBUSY, EACCES, EPERM, EDEADLK, ENOENT, ENODEV, EIO, ENAMETOOLONG, ENOMEM, \
		EMFILE, ENFILE

static const int open_errs[] = { OPEN_ERRS, 0 };
static const int open_pidfd_errs[] = { PID_OPEN_ERRS, EBADF, 0 };
static const int open_pid_errs[] = { PID_OPEN_ERRS, 0 };
static const int op_start_errs[] = { START_ERRS, 0 };
/* The blocking calls: an operation from start to end. */
static const int fd_errs[] = { START_ERRS, EBUSY, 0 };
/* No fd of the caller's (no EBADF); a symlink on the way (ELOOP). */
static const int path_errs[] = { EINVAL, E2BIG,	    ENOTDIR, ELOOP,	 EMEDIUMTYPE,
				 EPERM,	 EACCES,    EDEADLK, EOPNOTSUPP, ENOENT,
				 ENODEV, ENOMEDIUM, ENOSYS,  EIO,	 ENAMETOOLONG,
				 ENOMEM, EMFILE,    ENFILE,  EBUSY,	 0 };
/* The group of a process: a pid is no fd (no EBADF); the lookup's ELOOP
 * and ESRCH. */
static const int pid_errs[] = { EINVAL, E2BIG,	   ENOTDIR, ELOOP,	EMEDIUMTYPE,
				EPERM,	EACCES,	   EDEADLK, EOPNOTSUPP, ENOENT,
				ENODEV, ENOMEDIUM, ENOSYS,  EIO,	ENAMETOOLONG,
				ENOMEM, EMFILE,	   ENFILE,  EBUSY,	ESRCH,
				0 };
static const int pidfd_errs[] = { EINVAL,	E2BIG,	EBADF,	   ENOTDIR, ELOOP,
				  EMEDIUMTYPE,	EPERM,	EACCES,	   EDEADLK, EOPNOTSUPP,
				  ENOENT,	ENODEV, ENOMEDIUM, ENOSYS,  EIO,
				  ENAMETOOLONG, ENOMEM, EMFILE,	   ENFILE,  EBUSY,
				  ESRCH,	0 };
static const int op_process_errs[] = { PROCESS_ERRS, 0 };
static const int op_get_fd_errs[] = { EINVAL, 0 };
static const int op_get_stage_errs[] = { EINVAL, E2BIG, ENOENT, 0 };
static const int probe_errs[] = { EINVAL, 0 };
/* As cgkill_op_get_stage(). */
static const int op_get_survivor_errs[] = { EINVAL, E2BIG, ENOENT, 0 };
static const int op_get_victim_errs[] = { EINVAL, E2BIG, ENOENT, 0 };

static const struct {
	const char *name;
	const int *errs;
} calls[] = {
	[CGK_CALL_OPEN] = { "cgkill_open", open_errs },
	[CGK_CALL_OPEN_PIDFD] = { "cgkill_open_pidfd", open_pidfd_errs },
	[CGK_CALL_OPEN_PID] = { "cgkill_open_pid", open_pid_errs },
	[CGK_CALL_FD] = { "cgkill_fd", fd_errs },
	[CGK_CALL_PATH] = { "cgkill_path", path_errs },
	[CGK_CALL_PID] = { "cgkill_pid", pid_errs },
	[CGK_CALL_PIDFD] = { "cgkill_pidfd", pidfd_errs },
	[CGK_CALL_OP_START] = { "cgkill_op_start", op_start_errs },
	[CGK_CALL_OP_PROCESS] = { "cgkill_op_process", op_process_errs },
	[CGK_CALL_OP_WAIT] = { "cgkill_op_wait", op_process_errs },
	[CGK_CALL_OP_GET_FD] = { "cgkill_op_get_fd", op_get_fd_errs },
	[CGK_CALL_OP_GET_STAGE] = { "cgkill_op_get_stage", op_get_stage_errs },
	[CGK_CALL_PROBE] = { "cgkill_probe", probe_errs },
	[CGK_CALL_OP_GET_SURVIVOR] = { "cgkill_op_get_survivor", op_get_survivor_errs },
	[CGK_CALL_OP_GET_VICTIM] = { "cgkill_op_get_victim", op_get_victim_errs },
};

const int *errors_of_call(enum cgk_call call, const char **name)
{
	if ((size_t)call >= sizeof(calls) / sizeof(calls[0]))
		return NULL;
	if (name)
		*name = calls[call].name;
	return calls[call].errs;
}

int errors_filter(enum cgk_call call, int r)
{
	if (r >= 0)
		return r;
	for (const int *e = calls[call].errs; *e; e++)
		if (r == -*e)
			return r;
	return -EIO;
}
