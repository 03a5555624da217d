// SPDX-License-Identifier: LGPL-2.1-or-later
/* Kill the group a process belongs to (the user-space OOM killer's case).
 * The pidfd names the process without pid-reuse races: its group is read
 * from /proc while the pidfd pins it, and the process is checked alive
 * afterwards, so the group read was its own. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgkill-private.h"

/* A /proc/PID directory fd, what pidfd_send_signal() took before pidfds
 * (Linux 5.1): its target names the pid; gone if the process is. */
static int proc_dir_pid(int fd, pid_t *pid)
{
	char path[64], target[64];
	ssize_t n;
	int v, end = 0, sfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	if (sscanf(target, "/proc/%d%n", &v, &end) != 1 || v <= 0 ||
	    (target[end] && strcmp(target + end, " (deleted)")))
		return -EBADF;	/* neither a pidfd nor a /proc/PID fd */
	if (target[end])
		return -ESRCH;	/* the process is gone */
	sfd = openat(fd, "stat", O_RDONLY | O_CLOEXEC);
	if (sfd < 0)
		return -ESRCH;
	close(sfd);
	*pid = v;
	return 0;
}

/* The pid of a pidfd, from fdinfo ("Pid:\t-1" once it has exited). */
static int pidfd_pid(int pidfd, pid_t *pid)
{
	char path[64], buf[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	n = cg_read(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -EBADF : (int)n;
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		int v;

		if (sscanf(l, "Pid:\t%d", &v) == 1) {
			if (v <= 0)
				return -ESRCH;
			*pid = v;
			return 0;
		}
	}
	return proc_dir_pid(pidfd, pid);
}

/* The group of a pinned process, opened through the cgroup2 mount. */
static int open_group_of(int pidfd, pid_t pid)
{
	char cgpath[4096];
	int r, fd;

	r = cgk_pidfd_cgroup(pidfd, pid, cgpath, sizeof(cgpath));
	if (r < 0)
		return r;
	fd = cg_open(cgpath, CGKILL_OPEN_CGROUP_PATH);
	return fd == -EINVAL ? -ENOENT : fd;	/* "/../x": outside our
						   cgroup namespace */
}

static int open_pidfd(int pidfd, unsigned int flags)
{
	pid_t pid = 0;
	int r;

	if (pidfd < 0)
		return -EBADF;
	if (flags)
		return -EINVAL;
	r = pidfd_pid(pidfd, &pid);
	if (r < 0)
		return r;
	return open_group_of(pidfd, pid);
}

static int open_pid(pid_t pid, unsigned int flags)
{
	int fd, pidfd;

	if (pid <= 0 || flags)
		return -EINVAL;
	pidfd = cgk_pidfd_open(pid);
	if (pidfd < 0)
		return pidfd;
	fd = open_group_of(pidfd, pid);
	close(pidfd);
	return fd;
}

CGKILL_EXPORT int cgkill_open_pidfd(int pidfd, unsigned int flags)
{
	int r, cs = cgk_cancel_off();

	r = open_pidfd(pidfd, flags);
	cgk_cancel_restore(cs);
	return cgk_error(CGK_CALL_OPEN_PIDFD, r);
}

CGKILL_EXPORT int cgkill_open_pid(pid_t pid, unsigned int flags)
{
	int r, cs = cgk_cancel_off();

	r = open_pid(pid, flags);
	cgk_cancel_restore(cs);
	return cgk_error(CGK_CALL_OPEN_PID, r);
}

/* The group is opened first, then killed as a path would be: the same
 * engine, the same guarantees. */
/* @id: a pid (by_pid) or a pidfd. */
static int kill_group(int id, int by_pid, const struct cgkill_opts *opts,
		      struct cgkill_report *report, enum cgk_call call)
{
	int r, cs;

	r = report_check(report);
	if (r < 0)
		return r;
	cs = cgk_cancel_off();
	r = kill_opened(by_pid ? open_pid(id, 0) : open_pidfd(id, 0), opts, report,
			call, cs);
	cgk_cancel_restore(cs);
	return r;
}

CGKILL_EXPORT int cgkill_pidfd(int pidfd, const struct cgkill_opts *opts,
			       struct cgkill_report *report)
{
	return kill_group(pidfd, 0, opts, report, CGK_CALL_PIDFD);
}

CGKILL_EXPORT int cgkill_pid(pid_t pid, const struct cgkill_opts *opts,
			     struct cgkill_report *report)
{
	return kill_group(pid, 1, opts, report, CGK_CALL_PID);
}
