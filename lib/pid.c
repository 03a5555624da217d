// SPDX-License-Identifier: LGPL-2.1-or-later
/* Kill the group a process belongs to (the user-space OOM killer's case).
 * The pidfd names the process without pid-reuse races: its group is read
 * from /proc while the pidfd pins it, and only then is it asked whether
 * the process still lives.  If it does, the group read was its own and
 * held it, so it was a live group under its true name.  A process that
 * has exited is refused even before it is reaped: a zombie's
 * /proc/PID/cgroup still names the group it left, which holds others
 * (or, removed, is printed with " (deleted)" appended, which may be the
 * name of another group). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgkill-private.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
#define CGK_PIDFD_THREAD O_EXCL /* uapi/linux/pidfd.h PIDFD_THREAD (6.9) */

/* What a descriptor given as a pidfd pins. */
struct pinned {
	int fd;
	pid_t pid;  /* a pidfd's, in our pid namespace; 0: /proc/PID fd */
	int thread; /* a PIDFD_THREAD pidfd, which may name any thread */
};

/* -EINVAL for a thread that leads no thread group; -ESRCH once every
 * thread of the process has exited, reaped or not (a zombie, Z, whose
 * leader alone is left: a zombie leader with threads left is alive).
 * *pid: its pid, as that /proc numbers it. */
static int status_check(int at, const char *name, pid_t *pid)
{
	struct proc_status st;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n = cgfile_read_all(at, name, &buf, &cap);
	int r = 0;

	if (n < 0) {
		r = n == -ENOENT ? -ESRCH : (int)n;
	} else if (parse_status(buf, (size_t)n, &st) < 0) {
		r = -EIO;
	} else {
		*pid = st.pid;
		if (st.tgid != st.pid)
			r = -EINVAL;
		else if ((st.state == 'Z' || st.state == 'X') && st.threads <= 1)
			r = -ESRCH;
	}
	free(buf);
	return r;
}

/* A pidfd polls readable once its whole thread group has exited (a
 * zombie too), not while a zombie leader's threads run: one call, no
 * pid number involved. */
static int pidfd_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int n;

	do
		n = poll(&p, 1, 0);
	while (n < 0 && cgk_again(errno));
	if (n < 0)
		return -errno;
	return n > 0 && (p.revents & (POLLIN | POLLHUP)) ? -ESRCH : 0;
}

/* The group of the process a pidfd pins, read from /proc by number. */
static int pidfd_group(const struct pinned *p, char *cgpath, size_t size)
{
	char path[64];
	pid_t pid;
	int r = signal_pidfd_cgroup(p->fd, p->pid, cgpath, size), e;

	if (r == -ESRCH)
		return r;
	/* Asked after the read, so it lived when its group was read; and
	 * answered before the read's own errors. */
	if (!p->thread)
		return (e = pidfd_exited(p->fd)) < 0 ? e : r;
	/* The poll of a thread's pidfd answers for that thread alone on
	 * some kernels: its status answers for the process.  Read by
	 * number, it was its own if the thread still lives after. */
	snprintf(path, sizeof(path), "/proc/%d/status", (int)p->pid);
	e = status_check(AT_FDCWD, path, &pid);
	if (signal_pidfd_send(p->fd, p->pid, 0) == -ESRCH)
		return -ESRCH;
	return e < 0 ? e : r;
}

/* A /proc/PID directory fd, what pinned a process before pidfds (Linux
 * 5.3): its files are read through it, so no pid number is involved, and
 * the kernel refuses them once the process is reaped (ESRCH); a procfs
 * directory of no process has no "cgroup" (ENOENT).  Signal 0 last, as
 * through a pidfd (the number from its status serves only kill() before
 * Linux 5.1). */
static int proc_dir_group(int fd, char *cgpath, size_t size)
{
	char buf[8192];
	struct statfs sfs;
	struct stat st;
	pid_t pid;
	ssize_t n;
	int r;

	if (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0)
		return -errno;
	if (sfs.f_type != PROC_SUPER_MAGIC || !S_ISDIR(st.st_mode))
		return -EBADF; /* neither a pidfd nor a /proc/PID fd */
	n = cgfile_read(fd, "cgroup", buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -EBADF : (int)n;
	r = status_check(fd, "status", &pid);
	if (r == 0)
		r = signal_pidfd_send(fd, pid, 0);
	return r < 0 ? r : parse_proc_cgroup(buf, (size_t)n, cgpath, size);
}

/* What fdinfo says of a pidfd: its pid ("Pid:\t-1" once reaped) and
 * flags; no "Pid:" line at all for anything else. */
static int pin(int fd, struct pinned *p)
{
	char path[64], buf[4096];
	unsigned int flags = 0;
	ssize_t n;

	*p = (struct pinned){ .fd = fd };
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	n = cgfile_read(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -EBADF : (int)n;
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		int v;

		if (sscanf(l, "flags:\t%o", &flags) == 1)
			continue;
		if (sscanf(l, "Pid:\t%d", &v) == 1) {
			if (v <= 0)
				return -ESRCH;
			p->pid = v;
			p->thread = !!(flags & CGK_PIDFD_THREAD);
			return 0;
		}
	}
	return 0; /* perhaps a /proc/PID directory */
}

/* The group of a pinned process, opened through the cgroup2 mount. */
static int open_group_of(const struct pinned *p)
{
	char cgpath[4096];
	int r, fd;

	r = p->pid ? pidfd_group(p, cgpath, sizeof(cgpath)) :
		     proc_dir_group(p->fd, cgpath, sizeof(cgpath));
	if (r < 0)
		return r;
	fd = target_open(cgpath, CGKILL_OPEN_CGROUP_PATH);
	return fd == -EINVAL ? -ENOENT : fd; /* "/../x": outside our
						   cgroup namespace */
}

static int open_pidfd(int pidfd, unsigned int flags)
{
	struct pinned p;
	int r;

	if (pidfd < 0)
		return -EBADF;
	if (flags)
		return -EINVAL;
	r = pin(pidfd, &p);
	if (r < 0)
		return r;
	return open_group_of(&p);
}

/* pidfd_open() refused pid as no thread-group leader: a thread of one,
 * or gone by now (older kernels say EINVAL for both). */
static int refused_pid(pid_t pid)
{
	char path[64];
	pid_t own;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	r = status_check(AT_FDCWD, path, &own);
	return r == 0 ? -ESRCH : r; /* a leader now: another process */
}

static int open_pid(pid_t pid, unsigned int flags)
{
	struct pinned p = { .pid = pid };
	struct stat st;
	int fd;

	if (pid <= 0 || flags)
		return -EINVAL;
	p.fd = signal_pidfd_open(pid);
	if (p.fd == -EINVAL)
		return refused_pid(pid);
	if (p.fd < 0)
		return p.fd;
	/* Before Linux 5.3, a /proc/PID directory, which opens for any
	 * thread's id: its own files say whether it leads. */
	if (fstat(p.fd, &st) < 0)
		fd = -errno;
	else {
		if (S_ISDIR(st.st_mode))
			p.pid = 0;
		fd = open_group_of(&p);
	}
	close(p.fd);
	return fd;
}

CGKILL_EXPORT int cgkill_open_pidfd(int pidfd, unsigned int flags)
{
	int r, cs = cgk_cancel_off();

	r = open_pidfd(pidfd, flags);
	cgk_cancel_restore(cs);
	return errors_filter(CGK_CALL_OPEN_PIDFD, r);
}

CGKILL_EXPORT int cgkill_open_pid(pid_t pid, unsigned int flags)
{
	int r, cs = cgk_cancel_off();

	r = open_pid(pid, flags);
	cgk_cancel_restore(cs);
	return errors_filter(CGK_CALL_OPEN_PID, r);
}

/* The group is opened first, then killed as a path would be: the same
 * engine, the same guarantees. */
/* @id: a pid (by_pid) or a pidfd. */
static int kill_group(int id, int by_pid, const struct cgkill_opts *opts,
		      struct cgkill_report *report, enum cgk_call call)
{
	int r, cs;

	r = opts_report_check(report);
	if (r < 0)
		return r;
	cs = cgk_cancel_off();
	r = kill_opened(by_pid ? open_pid(id, 0) : open_pidfd(id, 0), opts, report, call, cs);
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
