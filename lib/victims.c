// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Victims (CGKILL_VICTIMS): who exactly this call killed, and how each
 * ended.
 *
 * Each victim is pinned by the pidfd it was signalled through (the
 * fallback), or by one opened while the subtree was frozen, before the
 * kernel's kill (the native path).  The pidfd is kept until the victim's
 * exit status is read: the kernel gives it (PIDFD_GET_INFO with
 * PIDFD_INFO_EXIT, Linux 6.15) to anyone holding a pidfd once the
 * process has been reaped by its parent, which may be after the
 * operation ends; cgkill_op_get_victim() asks then, and closes the pidfd
 * once it has the answer.  So a victim holds one fd from its signal until
 * its record is read or the operation is freed.  Past RLIMIT_NOFILE less
 * FD_RESERVE the records go on without a pidfd (no exit status): holding
 * fds must never make the kill itself fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/ioctl.h>
#include <linux/types.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgkill-private.h"

/* Linux 6.15 uapi/linux/pidfd.h; older headers lack exit_code (signal.c
 * has the same first 64 bytes, PIDFD_INFO_SIZE_VER0, as its spare word). */
struct vic_pidfd_info {
	__u64 mask;
	__u64 cgroupid;
	__u32 pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	__s32 exit_code;
};
#define VIC_PIDFD_GET_INFO _IOWR(0xFF, 11, struct vic_pidfd_info)
#define VIC_PIDFD_INFO_EXIT (1ULL << 3)
#define VIC_PID_FS_MAGIC 0x50494446 /* "PIDF": pidfs, Linux 6.9 */

/* fds left to the rest of the process (and to our own walks). */
#define FD_RESERVE 64
/* Listing passes of one freeze, as the fallback's. */
#define MAX_PASSES 1000
/* How long the native path waits for "frozen 1" before its last listing:
 * once frozen, nothing in the subtree can fork, so that listing is
 * complete.  A task in D state or a kernel thread never lets the group
 * report it: then the passes that found nobody new have to do. */
#define FROZEN_WAIT_NS 50000000ULL
#define FROZEN_POLL_NS 200000L

struct vic {
	struct cgkill_victim pub;
	int pidfd; /* until the exit status is known, or -1 */
};

struct victims {
	struct vic *v;
	uint32_t n, cap, max;
	struct idset by_pid; /* pid -> 1 + index of its latest record */
	struct strpool names;
	int fd_cap; /* a pidfd numbered this or more is not kept */
	int procfd; /* -1 not known yet; 1: the "pidfds" are /proc/PID
				   directories (no pidfd_open), which do not
				   poll and give no exit status */
};

int victims_new(struct victims **out, uint32_t max)
{
	struct victims *v = calloc(1, sizeof(*v));
	struct rlimit rl;

	if (!v)
		return -ENOMEM;
	v->max = max ? max : UINT32_MAX;
	v->procfd = -1;
	v->fd_cap = 1024 - FD_RESERVE;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		v->fd_cap = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t)INT32_MAX ?
				    INT32_MAX :
				    (int)rl.rlim_cur - FD_RESERVE;
	*out = v;
	return 0;
}

void victims_free(struct victims *v)
{
	if (!v)
		return;
	for (uint32_t i = 0; i < v->n; i++)
		if (v->v[i].pidfd >= 0)
			close(v->v[i].pidfd);
	free(v->v);
	idset_free(&v->by_pid);
	strpool_free(&v->names);
	free(v);
}

uint32_t victims_count(const struct victims *v)
{
	return v ? v->n : 0;
}

/* Whether pidfd_open() gave pidfds or /proc/PID directories: the same
 * for every process, so asked of the first one only. */
static int procfd(struct victims *v, int fd)
{
	struct stat st;

	if (v->procfd < 0)
		v->procfd = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
	return v->procfd;
}

/* 0: running (or a zombie leader whose threads live); else the revents of
 * a thread group that has exited (POLLHUP too once it is reaped, since
 * Linux 6.9).  A /proc/PID directory is gone once the process is reaped,
 * and its zombie cannot be told from the living: that is all it says. */
static short exited(struct victims *v, int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int r;

	if (procfd(v, pidfd)) {
		r = openat(pidfd, "stat", O_RDONLY | O_CLOEXEC);
		if (r >= 0) {
			close(r);
			return 0;
		}
		return errno == ENOENT || errno == ESRCH ? POLLIN | POLLHUP : 0;
	}
	do
		r = poll(&p, 1, 0);
	while (r < 0 && cgk_again(errno));
	if (r <= 0 || (p.revents & POLLNVAL))
		return 0;
	return p.revents;
}

/* Is the process pinned by a (recorded earlier, -1: no fd kept) the one
 * pinned by b?  Asked before b is signalled.  pidfs gives each process an
 * inode of its own; before it, the one recorded is the same while it has
 * not exited, as its number cannot change hands before (and one that has
 * exited is no longer listed: a number listed again is someone else's). */
static int same_process(struct victims *v, int a, int b)
{
	struct stat sa, sb;
	struct statfs fs;

	if (a < 0)
		return 1;
	if (fstatfs(b, &fs) == 0 && fs.f_type == VIC_PID_FS_MAGIC && fstat(a, &sa) == 0 &&
	    fstat(b, &sb) == 0)
		return sa.st_ino == sb.st_ino;
	return !exited(v, a);
}

/* 1 + index of the latest record of pid, or 0. */
static uint32_t latest(struct victims *v, pid_t pid)
{
	uint32_t *slot;

	if (!idset_has(&v->by_pid, (uint64_t)pid) ||
	    idset_get(&v->by_pid, (uint64_t)pid, &slot) < 0)
		return 0;
	return *slot;
}

void victims_pin_read(struct victims *v, struct vic_pin *pin, int pidfd, pid_t pid, int ask_exited)
{
	char path[64], b[64];
	ssize_t n;
	short ev;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	n = cgfile_read(AT_FDCWD, path, b, sizeof(b));
	if (n > 0 && b[n - 1] == '\n')
		n--;
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(pin->comm))
		n = sizeof(pin->comm) - 1;
	memcpy(pin->comm, b, (size_t)n);
	pin->comm[n] = '\0';
	/* After the read: a process that exited was not killed by us, and
	 * if it was reaped its number may have named another since. */
	ev = ask_exited ? exited(v, pidfd) : 0;
	pin->before = !!ev;
	if (ev & POLLHUP)
		pin->comm[0] = '\0';
	/* Signalled again (a later stage, a mop-up)?  Asked now: once the
	 * signal is sent, the one recorded may have exited of it. */
	pin->same = v ? latest(v, pid) : 0;
	if (pin->same && !same_process(v, v->v[pin->same - 1].pidfd, pidfd))
		pin->same = 0;
}

static int grow(struct victims *v)
{
	uint32_t cap;
	struct vic *nv;

	if (v->n < v->cap)
		return 0;
	cap = v->cap ? v->cap * 2 : 64;
	if (cap > v->max)
		cap = v->max;
	nv = realloc(v->v, cap * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	v->v = nv;
	v->cap = cap;
	return 0;
}

int victims_add(struct victims *v, struct vic_pin *pin, pid_t pid, int sig, const char *rel,
		uint32_t flags)
{
	int r = 0, pidfd = pin->pidfd;
	struct vic *rec;
	uint32_t *slot;

	pin->pidfd = -1;
	if (pin->same && pin->same <= v->n) {
		/* Signalled again: the record says the last signal. */
		rec = &v->v[pin->same - 1];
		rec->pub.signal = sig;
		rec->pub.flags |= flags;
		goto drop;
	}
	if (v->n >= v->max)
		goto drop;
	r = idset_get(&v->by_pid, (uint64_t)pid, &slot);
	if (r < 0)
		goto drop;
	r = grow(v);
	if (r < 0)
		goto drop;
	rec = &v->v[v->n];
	memset(rec, 0, sizeof(*rec));
	rec->pub.size = sizeof(rec->pub);
	rec->pub.pid = pid;
	rec->pub.signal = sig;
	rec->pub.flags = flags | (pin->before ? CGKILL_VICTIM_BEFORE : 0);
	memcpy(rec->pub.comm, pin->comm, sizeof(rec->pub.comm));
	rec->pub.cgroup = strpool_add(&v->names, rel);
	if (!rec->pub.cgroup) {
		r = -ENOMEM;
		goto drop;
	}
	/* Near the fd limit: listed, without its exit status. */
	if (pidfd >= v->fd_cap) {
		close(pidfd);
		pidfd = -1;
	}
	rec->pidfd = pidfd;
	*slot = ++v->n; /* the set moves only inside idset_get() */
	return 0;
drop:
	if (pidfd >= 0)
		close(pidfd);
	return r < 0 ? r : 0;
}

/* The exit status, once the kernel has it (the victim was reaped). */
static void collect(struct vic *rec)
{
	struct vic_pidfd_info info = { .mask = VIC_PIDFD_INFO_EXIT };
	int status;

	if (rec->pidfd < 0)
		return;
	if (ioctl(rec->pidfd, VIC_PIDFD_GET_INFO, &info) < 0) {
		/* ESRCH: reaped, on a kernel that keeps no exit status
		 * (6.13, 6.14); ENOTTY, EINVAL: no PIDFD_GET_INFO, or a
		 * /proc/PID fd.  Nothing more will be known. */
		if (!cgk_again(errno)) {
			close(rec->pidfd);
			rec->pidfd = -1;
		}
		return;
	}
	if (!(info.mask & VIC_PIDFD_INFO_EXIT))
		return; /* not reaped yet: ask again later */
	status = info.exit_code;
	if ((status & 0x7f) == 0) {
		rec->pub.exit_signal = 0;
		rec->pub.exit_code = (status >> 8) & 0xff;
	} else {
		rec->pub.exit_signal = status & 0x7f;
		rec->pub.exit_code = 0;
	}
	rec->pub.flags |= CGKILL_VICTIM_EXITED;
	close(rec->pidfd);
	rec->pidfd = -1;
}

/* ---- the native path ----------------------------------------------------- */

struct pinned {
	pid_t pid;
	const char *rel;
	struct vic_pin pin;
};

struct native {
	struct victims *v;
	struct vic_native *n;
	struct pinned *p;
	size_t np, cap;
	struct idset listed; /* this stage: pid -> 1 pinned, 2 kernel thread */
	pid_t self;
	int self_seen;
	uint64_t newly, groups, hidden;
	char *buf;
	size_t bufcap;
	struct pidvec pv;
};

static int pin_pid(struct native *nt, const char *grel, const char **rel, pid_t pid)
{
	struct vic_pin pin;
	enum sig_class cls;
	struct pinned *p;
	uint32_t *st;
	int r, fd;

	if (pid == 0) { /* outside our pid namespace */
		nt->hidden++;
		return 0;
	}
	if (pid == nt->self) {
		nt->self_seen = 1;
		return -ECANCELED; /* ends the walk; the caller decides */
	}
	r = idset_get(&nt->listed, (uint64_t)pid, &st);
	if (r < 0)
		return r;
	if (*st == 1)
		return 0;
	if (*st == 2) {
		r = signal_recheck_kthread(pid, &cls);
		if (r < 0)
			return r;
		if (cls != SIG_KTHREAD)
			*st = 0;
		if (cls != SIG_IN)
			return 0;
	}
	fd = signal_pin(pid);
	if (fd < 0)
		return fd == -ESRCH ? 0 : fd;
	r = signal_classify(nt->n->sc, fd, pid, 0, &cls);
	if (r < 0 || cls != SIG_IN) {
		close(fd);
		if (r == 0 && cls == SIG_KTHREAD)
			*st = 2;
		return r;
	}
	/* Whether it exited before the kill is asked of all at once, just
	 * before it (mark_before()). */
	victims_pin_read(nt->v, &pin, fd, pid, 0);
	pin.pidfd = fd;
	*st = 1;
	nt->newly++;
	if (nt->np == nt->cap) {
		size_t cap = nt->cap ? nt->cap * 2 : 256;
		struct pinned *np = realloc(nt->p, cap * sizeof(*np));

		if (!np) {
			close(pin.pidfd);
			return -ENOMEM;
		}
		nt->p = np;
		nt->cap = cap;
	}
	if (!*rel)
		*rel = strpool_add(&nt->v->names, grel);
	p = &nt->p[nt->np++];
	p->pid = pid;
	p->rel = *rel;
	p->pin = pin;
	/* Beyond the list, or near the fd limit: no fd held for it. */
	if (p->pin.pidfd >= nt->v->fd_cap || nt->v->n + nt->np > (size_t)nt->v->max) {
		close(p->pin.pidfd);
		p->pin.pidfd = -1;
	}
	return p->rel ? 0 : -ENOMEM;
}

static int pin_group(struct cg_group *g, void *data)
{
	struct native *nt = data;
	const char *rel = NULL;
	uint32_t *unused;
	int r;

	nt->groups++;
	r = idset_get(nt->n->groups, g->id, &unused);
	if (r < 0)
		return r;
	r = walk_procs(g->fd, &nt->buf, &nt->bufcap, &nt->pv);
	if (r != 0)
		return r < 0 ? r : 0;
#ifdef CGKILL_TEST_HOOKS
	if (cgkill_test_listed)
		cgkill_test_listed(nt->pv.v, nt->pv.n);
#endif
	for (size_t i = 0; i < nt->pv.n; i++) {
		r = pin_pid(nt, g->rel, &rel, nt->pv.v[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int pin_pass(struct native *nt)
{
	struct cgkill_report *rep = nt->n->rep;
	int r;

	nt->newly = nt->groups = nt->hidden = 0;
	r = walk_subtree(nt->n->tfd, 0, 0, pin_group, nt);
	rep->passes++;
	nt->n->stage->passes++;
	if (nt->groups > rep->cgroups)
		rep->cgroups = nt->groups;
	if (nt->hidden > rep->hidden)
		rep->hidden = nt->hidden;
	return r < 0 ? r : 0;
}

/* Does the target report "frozen 1": every task in it stopped? */
static int frozen_now(int tfd)
{
	char b[256];
	int populated, frozen = 0;
	ssize_t n = cgfile_read(tfd, "cgroup.events", b, sizeof(b));

	return n > 0 && parse_events(b, (size_t)n, &populated, &frozen) == 0 && frozen == 1;
}

static void wait_frozen(int tfd)
{
	uint64_t until = time_now_ns() + FROZEN_WAIT_NS;
	struct timespec ts = { 0, FROZEN_POLL_NS };

	while (!frozen_now(tfd) && time_now_ns() < until)
		nanosleep(&ts, NULL);
}

/* Just before the kill, in one system call: who had exited already. */
static int mark_before(struct native *nt)
{
	struct pollfd *fds;
	size_t k = 0;
	int r;

	if (!nt->np)
		return 0;
	for (size_t i = 0; i < nt->np; i++) {
		/* /proc/PID directories: one by one, as they can. */
		if (nt->p[i].pin.pidfd >= 0 && procfd(nt->v, nt->p[i].pin.pidfd)) {
			for (; i < nt->np; i++)
				if (nt->p[i].pin.pidfd >= 0 && exited(nt->v, nt->p[i].pin.pidfd))
					nt->p[i].pin.before = 1;
			return 0;
		}
		if (nt->p[i].pin.pidfd >= 0)
			break;
	}
	fds = malloc(nt->np * sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	for (size_t i = 0; i < nt->np; i++)
		if (nt->p[i].pin.pidfd >= 0)
			fds[k++] = (struct pollfd){ .fd = nt->p[i].pin.pidfd, .events = POLLIN };
	do
		r = poll(fds, k, 0);
	while (r < 0 && cgk_again(errno));
	k = 0;
	for (size_t i = 0; r > 0 && i < nt->np; i++) {
		short ev;

		if (nt->p[i].pin.pidfd < 0)
			continue;
		ev = fds[k++].revents;
		if (ev & POLLNVAL || !(ev & (POLLIN | POLLHUP)))
			continue;
		nt->p[i].pin.before = 1;
		if (ev & POLLHUP)
			nt->p[i].pin.comm[0] = '\0';
	}
	free(fds);
	return 0;
}

static void native_free(struct native *nt)
{
	for (size_t i = 0; i < nt->np; i++)
		if (nt->p[i].pin.pidfd >= 0)
			close(nt->p[i].pin.pidfd);
	free(nt->p);
	idset_free(&nt->listed);
	parse_pidvec_free(&nt->pv);
	free(nt->buf);
}

int victims_native(struct victims *v, struct vic_native *n)
{
	struct native nt = { .v = v, .n = n, .self = getpid() };
	struct freeze fz = { .watch = -1 };
	int r, r2;

	n->froze = 0;
	/* The same freeze as the fallback's: nothing forks unseen while it
	 * holds, and the kernel's kill stays one atomic write. */
	r = freeze_begin(n->tfd, &fz);
	if (r < 0 && r != -ENOENT)
		return r;
	n->froze = fz.froze;
	/* A pass that starts with the target frozen lists it whole: nothing
	 * in it can fork any more.  Until then, passes until one finds nobody
	 * new, a wait for "frozen 1", and that last pass. */
	for (int i = 0, last = 0; i < MAX_PASSES && !last; i++) {
		size_t known = n->groups->n;
		int frozen = (fz.froze || fz.held) && frozen_now(n->tfd);

		r = pin_pass(&nt);
		if (r < 0 || frozen)
			break;
		if (nt.newly || n->groups->n != known)
			continue;
		if (!fz.froze && !fz.held)
			break; /* no freezer here: as the fallback does */
		wait_frozen(n->tfd);
		last = 1;
		r = pin_pass(&nt);
	}
	if (r == 0)
		r = mark_before(&nt);
	if (r == 0)
		r = cgfile_write(n->tfd, "cgroup.kill", "1");
	/* At once: the victims die frozen or not (SIGKILL ends a frozen
	 * task), and a freeze is never left past the call. */
	r2 = freeze_end(n->tfd, &fz, 0);
	freeze_retire(&fz, n->spent_watch);
	if (r == 0 && r2 == 0 && fz.foreign) {
		char b[8];
		int frozen = 0;
		ssize_t len = cgfile_read(n->tfd, "cgroup.freeze", b, sizeof(b));

		if (len > 0 && parse_bool(b, (size_t)len, &frozen) == 0 && frozen)
			n->rep->flags |= CGKILL_REPORT_FROZEN_BY_OTHER;
	}
	/* Killed: each pinned process is a victim, whatever happens next. */
	for (size_t i = 0; r == 0 && i < nt.np; i++)
		r = victims_add(v, &nt.p[i].pin, nt.p[i].pid, SIGKILL, nt.p[i].rel,
				CGKILL_VICTIM_NATIVE);
	for (size_t i = 0; r == 0 && i < nt.np; i++)
		r = n->observe(n->arg, nt.p[i].pid, SIGKILL, nt.p[i].rel);
	n->pinned = nt.np;
	native_free(&nt);
	if (r2 < 0) {
		/* Worse than any error: said apart from them. */
		n->rep->thaw_error = r2;
		n->rep->flags |= CGKILL_REPORT_THAW_FAILED;
		return CGKILL_LEFT_FROZEN;
	}
	if (r == -ECANCELED && nt.self_seen)
		return VIC_SELF;
	return r;
}

CGKILL_EXPORT int cgkill_op_get_victim(const struct cgkill_op *op, uint32_t idx,
				       struct cgkill_victim *victim)
{
	struct survivors *unused;
	struct victims *v;
	int r, cs;

	if (!op || !victim)
		return -EINVAL;
	r = opts_size_check(victim->size, CGKILL_VICTIM_SIZE_VER0);
	if (r < 0)
		return r;
	op_lists(op, &unused, &v);
	if (!v || idx >= v->n)
		return -ENOENT;
	/* close() is a cancellation point. */
	cs = cgk_cancel_off();
	if (!(v->v[idx].pub.flags & CGKILL_VICTIM_EXITED))
		collect(&v->v[idx]);
	cgk_cancel_restore(cs);
	opts_struct_store(victim, victim->size, &v->v[idx].pub, sizeof(v->v[idx].pub));
	return 0;
}
