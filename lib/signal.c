// SPDX-License-Identifier: LGPL-2.1-or-later
/* Signalling one process safely: pin it with a pidfd, prove it is a user
 * process still inside the subtree, and only then signal the pidfd, so a
 * recycled pid or a process that moved away is never hit. */
#include <errno.h>
#include <fcntl.h>
#include <linux/ioctl.h>
#include <linux/types.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cgkill-private.h"
#include "syscalls.h"

/* Linux 6.13 uapi/linux/pidfd.h; older headers lack it. */
struct cgk_pidfd_info {
	__u64 mask;
	__u64 cgroupid;
	__u32 pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	__u32 spare0[1];
};
#define CGK_PIDFD_GET_INFO _IOWR(0xFF, 11, struct cgk_pidfd_info)
#define CGK_PIDFD_INFO_CGROUPID (1ULL << 2)

int cgk_pidfd_open(pid_t pid)
{
	char path[32];
	long fd = syscall(SYS_pidfd_open, pid, 0);

	/* A thread that leads no thread group: EINVAL from older kernels;
	 * recent ones say ENOENT as a hint that the pid is one (and ESRCH
	 * once it is gone). */
	if (fd < 0 && errno == ENOENT)
		return -EINVAL;
	if (fd >= 0 || errno != ENOSYS)
		return fd < 0 ? -errno : (int)fd;
	/* Before Linux 5.3 (and under tools that do not know the call) a
	 * /proc/PID directory fd pins the process just as well, and
	 * pidfd_send_signal() (5.1) accepts it. */
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return (int)fd;
}

int cgk_pidfd_signal(int pidfd, pid_t pid, int sig)
{
	char b[8];
	int fd;

	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
	/* Before Linux 5.1 there is only kill() by number. The fd is then a
	 * /proc/PID directory: if its stat still reads, the process it pinned
	 * is alive and owns the number, which leaves pid reuse only the gap
	 * between these two calls. */
	fd = openat(pidfd, "stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	if (read(fd, b, sizeof(b)) <= 0) {
		close(fd);
		return -ESRCH;
	}
	close(fd);
	return kill(pid, sig) < 0 ? -errno : 0;
}

/* 1: cgroup id known; 0: no PIDFD_GET_INFO here; <0: error. */
int cgk_pidfd_info(int pidfd, uint64_t *cgroupid, pid_t *ppid)
{
	struct cgk_pidfd_info info = { .mask = CGK_PIDFD_INFO_CGROUPID };

	if (ioctl(pidfd, CGK_PIDFD_GET_INFO, &info) < 0) {
		if (errno == ENOTTY || errno == EINVAL || errno == EOPNOTSUPP)
			return 0;
		return -errno;
	}
	if (!(info.mask & CGK_PIDFD_INFO_CGROUPID))
		return 0;
	*cgroupid = info.cgroupid;
	*ppid = (pid_t)info.ppid;
	return 1;
}

static ssize_t proc_read(pid_t pid, const char *what, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	n = cg_read(AT_FDCWD, path, buf, size);
	return n == -ENOENT ? -ESRCH : n;
}

int cgk_pidfd_cgroup(int pidfd, pid_t pid, char *path, size_t size)
{
	char buf[8192];
	ssize_t n = proc_read(pid, "cgroup", buf, sizeof(buf));
	int r;

	if (n < 0)
		return (int)n;
	r = parse_proc_cgroup(buf, (size_t)n, path, size);
	if (r < 0)
		return r;
	/* Alive after the read: the pid was still its own, so was the file. */
	return cgk_pidfd_signal(pidfd, pid, 0);
}

/* /proc/PID/stat, read once for both questions asked of it: a kernel
 * thread (PF_KTHREAD)? already dying (SIGKILL pending, or exiting)? dying
 * may be NULL. */
static int proc_stat(pid_t pid, int *kthread, int *dying)
{
	char buf[1024];
	unsigned long flags;
	ssize_t n = proc_read(pid, "stat", buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	if (parse_stat_flags(buf, (size_t)n, &flags) < 0 ||
	    (dying && parse_stat_dying(buf, (size_t)n, dying) < 0))
		return -EIO;
	*kthread = !!(flags & PF_KTHREAD_FLAG);
	return 0;
}

/* The /proc route, for kernels without PIDFD_GET_INFO: the pidfd pins the
 * process, and its liveness is checked after the reads, so what was read
 * belonged to it. */
static int verify_procfs(const struct sig_ctx *c, int pidfd, pid_t pid,
			 enum sig_result *res, int *dying)
{
	char path[4096];
	int kthread, r = proc_stat(pid, &kthread, dying);

	if (r < 0)
		return r;
	if (kthread) {
		*res = SIG_KTHREAD;
		return 0;
	}
	r = cgk_pidfd_cgroup(pidfd, pid, path, sizeof(path));
	if (r < 0)
		return r;
	*res = cgpath_within(path, c->cgpath) ? SIG_SENT : SIG_OUTSIDE;
	return 0;
}

/* *dying is set to 0 or 1 when the check read /proc/PID/stat anyway,
 * else left at -1. */
static int verify(struct sig_ctx *c, int pidfd, pid_t pid, enum sig_result *res,
		  int *dying)
{
	uint64_t id;
	pid_t ppid;
	int r;

	if (c->use_info) {
		r = cgk_pidfd_info(pidfd, &id, &ppid);
		if (r < 0)
			return r;
		if (r == 0) {
			c->use_info = 0;
		} else {
			if (!idset_has(c->groups, id)) {
				*res = SIG_OUTSIDE;
				return 0;
			}
			/* Kernel threads are children of kthreadd (2), or it
			 * (ppid 0); only those need the /proc check. */
			if (ppid == 0 || ppid == 2) {
				int kthread;

				r = proc_stat(pid, &kthread, dying);
				if (r < 0)
					return r;
				if (kthread) {
					*res = SIG_KTHREAD;
					return 0;
				}
			}
			*res = SIG_SENT;
			return 0;
		}
	}
	return verify_procfs(c, pidfd, pid, res, dying);
}

enum { VS_SKIP_DYING = 1, VS_PROBE = 2, VS_PIN = 4 };

/* After the send, while the pidfd still pins the process: does it sit on
 * the signal until a thaw?  A process in the freezer's trap takes a fatal
 * signal at once (the kernel turns it into a group SIGKILL:
 * complete_signal()), one still on its way into the trap does not, and
 * core-dumping signals, traced processes and a signal blocked by one thread
 * but not another have rules of their own: so the kernel's verdict is read
 * back rather than guessed from the dispositions (SigCgt, SigIgn, SigBlk).
 * It shows as SIGKILL pending, then as an exiting process, then as one
 * whose threads have all exited: none of these is pending.  A process that
 * runs (R) is between two of these states or on its way into the trap: it
 * is looked at again, briefly, until it settles. */
#define SETTLE_TRIES 64

static int send_pending(int pidfd, pid_t pid, int *pending)
{
	char buf[1024], state = 0;
	int dying = 0, exited = 0, r = 0;

	for (int i = 0; i < SETTLE_TRIES; i++) {
		ssize_t n = proc_read(pid, "stat", buf, sizeof(buf));

		if (n < 0) {
			r = (int)n;
			break;
		}
		if (parse_stat_dying(buf, (size_t)n, &dying) < 0 ||
		    parse_stat_exited(buf, (size_t)n, &state, &exited) < 0) {
			r = -EIO;
			break;
		}
		if (dying || exited || state != 'R')
			break;
		sched_yield();
	}
	/* Alive after the reads: what was read was its own. */
	if (r == 0)
		r = cgk_pidfd_signal(pidfd, pid, 0);
	if (r == 0)
		*pending = !dying && !exited;
	if (r == -ESRCH) {
		*pending = 0;
		r = 0;
	}
	return r;
}

static int verify_send(struct sig_ctx *c, pid_t pid, int sig, int extra,
		       int how, enum sig_result *res, int *pending)
{
	int r, kthread, dying = -1, pidfd = cgk_pidfd_open(pid);
	int keep = c->keep && (sig || (how & VS_PIN));

	if (pidfd == -ESRCH || pidfd == -EINVAL) {
		*res = SIG_GONE;	/* EINVAL: no longer a thread-group leader */
		return 0;
	}
	if (pidfd < 0)
		return pidfd;
	r = verify(c, pidfd, pid, res, (how & VS_SKIP_DYING) ? &dying : NULL);
	if (r == 0 && *res == SIG_SENT && (how & VS_SKIP_DYING)) {
		/* The pidfd pins the process: this /proc read is its own. */
		if (dying < 0)
			r = proc_stat(pid, &kthread, &dying);
		if (r == 0 && dying > 0)
			*res = SIG_DYING;
	}
	/* CGKILL_VICTIMS: what the record wants, read before the signal
	 * can end the process. */
	if (r == 0 && *res == SIG_SENT && keep)
		vic_pin_read(c->keep, &c->kept, pidfd, pid, !(how & VS_PIN));
	if (r == 0 && *res == SIG_SENT && (sig || (how & VS_PROBE)))
		r = cgk_pidfd_signal(pidfd, pid, sig);
	if (r == 0 && *res == SIG_SENT && extra)
		r = cgk_pidfd_signal(pidfd, pid, extra);
	if (r == -ESRCH) {
		*res = SIG_GONE;
		r = 0;
	}
	if (r == 0 && *res == SIG_SENT && pending)
		r = send_pending(pidfd, pid, pending);
	if (r == 0 && *res == SIG_SENT && keep) {
		c->kept.pidfd = pidfd;	/* the caller's now */
		return 0;
	}
	close(pidfd);
	return r;
}

int sig_verify_send(struct sig_ctx *c, pid_t pid, int sig, int extra,
		    enum sig_result *res)
{
	return verify_send(c, pid, sig, extra, 0, res, NULL);
}

int sig_verify_send_pending(struct sig_ctx *c, pid_t pid, int sig, int extra,
			    enum sig_result *res, int *pending)
{
	*pending = 0;
	return verify_send(c, pid, sig, extra, 0, res, pending);
}

int sig_verify_send_missed(struct sig_ctx *c, pid_t pid, int sig,
			   enum sig_result *res)
{
	return verify_send(c, pid, sig, 0, VS_SKIP_DYING, res, NULL);
}

int sig_verify_probe(struct sig_ctx *c, pid_t pid, enum sig_result *res)
{
	return verify_send(c, pid, 0, 0, VS_PROBE, res, NULL);
}

int sig_verify_pin(struct sig_ctx *c, pid_t pid, enum sig_result *res)
{
	return verify_send(c, pid, 0, 0, VS_PIN, res, NULL);
}

int sig_still_kthread(pid_t pid)
{
	int kthread, r = proc_stat(pid, &kthread, NULL);

	return r < 0 ? r : kthread;
}

/* CGKILL_RELEASE_MEMORY (mrelease.c): a pidfd kept to reap the process
 * after its kill, and checked again before a signal of our own. */
int sig_pin_open(struct sig_ctx *c, pid_t pid, enum sig_result *res, int *pidfd)
{
	int r, fd = cgk_pidfd_open(pid);

	*pidfd = -1;
	if (fd == -ESRCH || fd == -EINVAL) {
		*res = SIG_GONE;
		return 0;
	}
	if (fd < 0)
		return fd;
	r = verify(c, fd, pid, res, NULL);
	if (r == -ESRCH) {
		*res = SIG_GONE;
		r = 0;
	}
	if (r == 0 && *res == SIG_SENT) {
		*pidfd = fd;
		return 0;
	}
	close(fd);
	return r;
}

int sig_verify_pidfd(struct sig_ctx *c, int pidfd, pid_t pid,
		     enum sig_result *res)
{
	int r = verify(c, pidfd, pid, res, NULL);

	if (r == -ESRCH) {
		*res = SIG_GONE;
		r = 0;
	}
	return r;
}
