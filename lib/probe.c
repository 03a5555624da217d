// SPDX-License-Identifier: LGPL-2.1-or-later
/* What this kernel offers, probed rather than guessed from its version,
 * and without changing anything: no group is ever created to look at.
 *
 * cgroup.kill and cgroup.freeze exist on every group but the hierarchy's
 * root, as cgroup.events does (all three are CFTYPE_NOT_ON_ROOT), so any
 * group that has cgroup.events tells whether the kernel has the other
 * two.  The kernel lists them nowhere else: /sys/kernel/cgroup/features
 * names mount options (nsdelegate, memory_localevents, ...) and
 * /sys/kernel/cgroup/delegate the files a delegatee may write, neither
 * cgroup.kill nor cgroup.freeze. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgkill-private.h"

static void group_bits(int fd, uint64_t *f)
{
	if (faccessat(fd, "cgroup.kill", F_OK, 0) == 0)
		*f |= CGKILL_FEATURE_KILL;
	if (faccessat(fd, "cgroup.freeze", F_OK, 0) == 0)
		*f |= CGKILL_FEATURE_FREEZE;
}

/* The bits of fd (closed) if it is a group other than the root: 1, else
 * 0 and nothing learned. */
static int nonroot_bits(int fd, uint64_t *f)
{
	int found = fd >= 0 && faccessat(fd, "cgroup.events", F_OK, 0) == 0;

	if (found)
		group_bits(fd, f);
	if (fd >= 0)
		close(fd);
	return found;
}

/* Any group but the hierarchy's root: the caller's own, else the root of
 * the first cgroup2 mount (not the hierarchy's root in a cgroup namespace),
 * else a child of it.  When none exists (the hierarchy is its root alone,
 * a machine before any manager made a group), nothing can be learned
 * without making one, which a probe must not do: both bits stay clear. */
static void any_group_bits(uint64_t *f)
{
	struct cg_mount m = { 0 };
	char *self = NULL, *names = NULL;
	size_t len = 0;
	int mfd, found = 0;

	if (mount_self_path(&self) == 0) {
		found = nonroot_bits(target_open(self, CGKILL_OPEN_CGROUP_PATH), f);
		free(self);
	}
	if (found || mount_first(&m) < 0)
		return;
	mfd = open(m.target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	mount_free(&m);
	if (mfd < 0)
		return;
	found = nonroot_bits(openat(mfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), f);
	if (!found && walk_list_children(mfd, &names, &len) == 0)
		for (size_t o = 0; o < len && !found; o += strlen(names + o) + 1)
			found = nonroot_bits(openat(mfd, names + o,
						    O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
							    O_CLOEXEC),
					     f);
	free(names);
	close(mfd);
}

static int probe(int dirfd, uint64_t *features)
{
	uint64_t f = 0, id;
	pid_t ppid;
	int pidfd;

	if (!features || dirfd < -1)
		return -EINVAL;
	pidfd = signal_pidfd_open(getpid());
	if (pidfd >= 0) {
		f |= CGKILL_FEATURE_PIDFD;
		if (signal_pidfd_info(pidfd, &id, &ppid) == 1)
			f |= CGKILL_FEATURE_PIDFD_INFO;
		close(pidfd);
	}
	if (dirfd >= 0)
		group_bits(dirfd, &f);
	else
		any_group_bits(&f);
	*features = f;
	return 0;
}

CGKILL_EXPORT int cgkill_probe(int dirfd, uint64_t *features)
{
	int r, cs = cgk_cancel_off();

	r = probe(dirfd, features);
	cgk_cancel_restore(cs);
	return errors_filter(CGK_CALL_PROBE, r);
}
