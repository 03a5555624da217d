// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The freezer around a signalling round.  Only the target's own
 * cgroup.freeze is written: a descendant frozen on its own keeps its value,
 * a target someone froze on purpose is left frozen, and a freeze that
 * someone else writes while our round holds the target is left as they
 * wrote it: we never thaw what we did not freeze, nor what another writer
 * froze again meanwhile.
 *
 * Rounds of libcgkill, in any process, tell each other apart from everyone
 * else through two locks on the group's directory, both dropped by the
 * kernel when their holder dies:
 *  - flock(LOCK_EX), held only from reading cgroup.freeze to writing 1, so
 *    that two rounds never both find 0 and both freeze: a write to the file
 *    during our round is then never another round's;
 *  - an OFD read lock on byte 0, held by the round that froze the group
 *    until it has thawed it: F_OFD_GETLK tells anyone whether a frozen group
 *    is held by a round in progress, which thaws it in a moment, or frozen
 *    on purpose.
 * Someone else's write shows as IN_MODIFY on cgroup.freeze: the kernel
 * never notifies that file by itself (only cgroup.events).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "cgkill-private.h"

/* The flock is held for two system calls: a holder that keeps it longer is
 * stopped, or not a round at all (anyone who can read the directory can
 * take it), and is waited for no longer than this. */
#define MUTEX_WAIT_NS 20000000ULL
#define MUTEX_RETRY_NS 100000L

static int read_freeze(int dirfd, int *v)
{
	char b[8];
	ssize_t n = cgfile_read(dirfd, "cgroup.freeze", b, sizeof(b));

	if (n < 0)
		return (int)n; /* -ENOENT: a kernel before 5.2 */
	return parse_bool(b, (size_t)n, v) < 0 ? -EIO : 0;
}

/* 1: locked; 0: not within the bound, or no flock here: go on without. */
static int mutex_lock(int dirfd)
{
	uint64_t until = time_now_ns() + MUTEX_WAIT_NS;
	struct timespec ts = { 0, MUTEX_RETRY_NS };

	for (;;) {
		if (flock(dirfd, LOCK_EX | LOCK_NB) == 0)
			return 1;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return 0;
		if (time_now_ns() >= until)
			return 0;
		nanosleep(&ts, NULL);
	}
}

static int mark(int dirfd, short type)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_len = 1 };

	return fcntl(dirfd, F_OFD_SETLK, &fl) < 0 ? -errno : 0;
}

static void unmark(struct freeze *fz, int dirfd)
{
	if (fz->marked)
		mark(dirfd, F_UNLCK);
	fz->marked = 0;
}

/* Does a round other than the one holding this fd's lock hold the group?
 * Where the question cannot be asked (a seccomp filter), no round is known,
 * and everything goes as it did before rounds told each other. */
static int round_in_progress(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1 };

	if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
		return 0;
	return fl.l_type != F_UNLCK;
}

int freeze_own(int fd, int *frozen, int *held)
{
	int r = read_freeze(fd, frozen);

	*held = 0;
	if (r < 0 || !*frozen)
		return r;
	if (round_in_progress(fd))
		return 0;
	/* Not a round's: frozen on purpose, unless a round thawed it between
	 * the read and the look at the lock. */
	r = read_freeze(fd, held);
	*frozen = *held;
	return r;
}

/* An inotify watch on the target's cgroup.freeze, through our own fd so
 * that no path is resolved again; -1 where there is none to be had (no
 * /proc, a full fs.inotify.max_user_instances): the round then thaws as it
 * always did. */
static int watch_open(int dirfd, int *wd)
{
	char path[64];
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	if (fd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/thread-self/fd/%d/cgroup.freeze", dirfd);
	*wd = inotify_add_watch(fd, path, IN_MODIFY);
	if (*wd < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether writes were made since the last call, which consumes them: 1,
 * 0, or -1 when the watch cannot be read. */
static int watch_drain(int fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int modified = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t o = 0; o + (ssize_t)sizeof(struct inotify_event) <= n;) {
			const struct inotify_event *e = (const void *)(buf + o);

			modified |= !!(e->mask & IN_MODIFY);
			o += (ssize_t)sizeof(*e) + e->len;
		}
	}
	return n < 0 && errno != EAGAIN ? -1 : modified;
}

static void watch_close(struct freeze *fz)
{
	if (fz->watch >= 0)
		close(fz->watch);
	fz->watch = -1;
}

int freeze_begin(int dirfd, struct freeze *fz)
{
	int locked, v, r;

	*fz = (struct freeze){ .watch = -1 };
	locked = mutex_lock(dirfd);
	r = read_freeze(dirfd, &v);
	if (r < 0)
		goto out;
	if (v) {
		/* Frozen already: by a round in progress, which thaws it in a
		 * moment, or on purpose; either way not ours to thaw. */
		r = freeze_own(dirfd, &v, &fz->held);
		goto out;
	}
	/* Without the mark, others take our freeze for one on purpose. */
	fz->marked = mark(dirfd, F_RDLCK) == 0;
	/* Without the flock, another round may be where we are: whoever
	 * marks second sees the first and leaves the freeze to it. */
	if (!locked && round_in_progress(dirfd)) {
		unmark(fz, dirfd);
		goto out;
	}
	fz->watch = watch_open(dirfd, &fz->wd);
	/* Freezing is asynchronous: we do not wait for "frozen 1", which a
	 * group holding a kernel thread or a task in D state never reports;
	 * the passes that follow repeat until no new process shows up. */
	r = cgfile_write(dirfd, "cgroup.freeze", "1");
	if (r < 0) {
		watch_close(fz);
		unmark(fz, dirfd);
		goto out;
	}
	fz->froze = 1;
	/* Our own write, queued before write() returned: a watch that does
	 * not show it cannot tell another one either, and is dropped. */
	if (fz->watch >= 0 && watch_drain(fz->watch) != 1)
		watch_close(fz);
out:
	if (locked)
		flock(dirfd, LOCK_UN);
	return r;
}

int freeze_end(int dirfd, struct freeze *fz, int force)
{
	int r = 0;

	if (!fz->froze)
		return 0;
	fz->froze = 0;
	if (fz->watch >= 0) {
		fz->foreign = watch_drain(fz->watch) == 1;
		/* Removed now, so that the kernel frees it while the victims
		 * exit; the fd is closed later (freeze_retire()). */
		inotify_rm_watch(fz->watch, fz->wd);
	}
	/* Leaving a group frozen is the one outcome worse than an error:
	 * try the thaw more than once before giving up.  But a value someone
	 * else wrote meanwhile is theirs, unless the caller is inside. */
	for (int i = 0; i < 3 && (!fz->foreign || force); i++) {
		r = cgfile_write(dirfd, "cgroup.freeze", "0");
		if (r == 0)
			break;
	}
	unmark(fz, dirfd);
	/* Still ENOENT/ENODEV: the group is gone, nothing is frozen. */
	return r == -ENOENT || r == -ENODEV ? 0 : r;
}

void freeze_retire(struct freeze *fz, int *slot)
{
	if (fz->watch < 0)
		return;
	if (*slot >= 0)
		close(*slot);
	*slot = fz->watch;
	fz->watch = -1;
}
