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

static int kill_group_of(int pidfd, pid_t pid, const struct cgkill_opts *opts,
			 struct cgkill_report *report)
{
	char cgpath[4096];
	int r, fd;

	r = cgk_pidfd_cgroup(pidfd, pid, cgpath, sizeof(cgpath));
	if (r < 0)
		return r;
	fd = cgkill_open(cgpath, CGKILL_OPEN_CGROUP_PATH);
	if (fd == -EINVAL)
		return -ENOENT;	/* "/../x": outside our cgroup namespace */
	if (fd < 0)
		return fd;
	r = cgkill_fd(fd, opts, report);
	close(fd);
	return r;
}

CGKILL_EXPORT int cgkill_pidfd(int pidfd, const struct cgkill_opts *opts,
			       struct cgkill_report *report)
{
	pid_t pid = 0;
	int r;

	if (pidfd < 0)
		return -EBADF;
	if (report && report_check(report) < 0)
		return -EINVAL;
	r = pidfd_pid(pidfd, &pid);
	if (r < 0)
		return r;
	return kill_group_of(pidfd, pid, opts, report);
}

CGKILL_EXPORT int cgkill_pid(pid_t pid, const struct cgkill_opts *opts,
			     struct cgkill_report *report)
{
	int r, pidfd;

	if (pid <= 0)
		return -EINVAL;
	if (report && report_check(report) < 0)
		return -EINVAL;
	pidfd = cgk_pidfd_open(pid);
	if (pidfd < 0)
		return pidfd;
	r = kill_group_of(pidfd, pid, opts, report);
	close(pidfd);
	return r;
}
