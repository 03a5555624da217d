// SPDX-License-Identifier: LGPL-2.1-or-later
/* Signalling one process safely, in steps each caller composes: pin it
 * with a pidfd, classify it (a user process still inside the subtree?),
 * and only then signal the pidfd, so a recycled pid or a process that
 * moved away is never hit. */
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
struct signal_pidfd_info {
	__u64 mask;
	__u64 cgroupid;
	__u32 pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	__u32 spare0[1];
};
#define CGK_PIDFD_GET_INFO _IOWR(0xFF, 11, struct signal_pidfd_info)
#define CGK_PIDFD_INFO_CGROUPID (1ULL << 2)

int signal_pidfd_open(pid_t pid)
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

int signal_pidfd_send(int pidfd, pid_t pid, int sig)
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
int signal_pidfd_info(int pidfd, uint64_t *cgroupid, pid_t *ppid)
{
	struct signal_pidfd_info info = { .mask = CGK_PIDFD_INFO_CGROUPID };

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
	n = cgfile_read(AT_FDCWD, path, buf, size);
	return n == -ENOENT ? -ESRCH : n;
}

int signal_pidfd_cgroup(int pidfd, pid_t pid, char *path, size_t size)
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
	return signal_pidfd_send(pidfd, pid, 0);
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

/* The info route: 1 when classified, 0 without PIDFD_GET_INFO here. */
static int classify_info(const struct sig_ctx *c, int pidfd, pid_t pid, int want_dying,
			 enum sig_class *cls)
{
	int r, kthread = 0, dying = 0, maybe_kthread;
	uint64_t id;
	pid_t ppid;

	r = signal_pidfd_info(pidfd, &id, &ppid);
	if (r <= 0)
		return r;
	if (!idset_has(c->groups, id)) {
		*cls = SIG_OUTSIDE;
		return 1;
	}
	/* Kernel threads are children of kthreadd (2), or it (ppid 0); only
	 * those need the /proc check, unless dying is asked: one read then
	 * answers both.  The pidfd pins the process: the read is its own. */
	maybe_kthread = ppid == 0 || ppid == 2;
	if (maybe_kthread || want_dying) {
		r = proc_stat(pid, &kthread, want_dying ? &dying : NULL);
		if (r < 0)
			return r;
		if (maybe_kthread && kthread) {
			*cls = SIG_KTHREAD;
			return 1;
		}
	}
	*cls = dying ? SIG_DYING : SIG_IN;
	return 1;
}

/* The /proc route, for kernels without PIDFD_GET_INFO: the pidfd pins the
 * process, and its liveness is checked after the reads, so what was read
 * belonged to it. */
static int classify_procfs(const struct sig_ctx *c, int pidfd, pid_t pid, int want_dying,
			   enum sig_class *cls)
{
	char path[4096];
	int kthread, dying = 0;
	int r = proc_stat(pid, &kthread, want_dying ? &dying : NULL);

	if (r < 0)
		return r;
	if (kthread) {
		*cls = SIG_KTHREAD;
		return 0;
	}
	r = signal_pidfd_cgroup(pidfd, pid, path, sizeof(path));
	if (r < 0)
		return r;
	if (!parse_cgpath_within(path, c->cgpath))
		*cls = SIG_OUTSIDE;
	else
		*cls = dying ? SIG_DYING : SIG_IN;
	return 0;
}

int signal_pin(pid_t pid)
{
	int fd = signal_pidfd_open(pid);

	/* EINVAL: it leads no thread group any more, as good as gone. */
	return fd == -EINVAL ? -ESRCH : fd;
}

int signal_classify(struct sig_ctx *c, int pidfd, pid_t pid, int want_dying, enum sig_class *cls)
{
	int r = 0;

	if (c->use_info) {
		r = classify_info(c, pidfd, pid, want_dying, cls);
		if (r == 0)
			c->use_info = 0; /* not asked again */
	}
	if (r == 0)
		r = classify_procfs(c, pidfd, pid, want_dying, cls);
	if (r == -ESRCH) {
		*cls = SIG_GONE;
		r = 0;
	}
	return r < 0 ? r : 0;
}

int signal_send(int pidfd, pid_t pid, int sig, int extra)
{
	int r = signal_pidfd_send(pidfd, pid, sig);

	if (r == 0 && extra)
		r = signal_pidfd_send(pidfd, pid, extra);
	return r;
}

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

int signal_pending(int pidfd, pid_t pid)
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
		r = signal_pidfd_send(pidfd, pid, 0);
	if (r == 0)
		return !dying && !exited;
	return r == -ESRCH ? 0 : r;
}

int signal_recheck_kthread(pid_t pid, enum sig_class *cls)
{
	int kthread, r = proc_stat(pid, &kthread, NULL);

	if (r == -ESRCH) {
		*cls = SIG_GONE;
		return 0;
	}
	if (r < 0)
		return r;
	*cls = kthread ? SIG_KTHREAD : SIG_IN;
	return 0;
}
