// SPDX-License-Identifier: LGPL-2.1-or-later
/* What this kernel offers, probed rather than guessed from its version. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgkill-private.h"

static int first_child(const char *dir)
{
	char b[8192];
	ssize_t n;
	int fd = -ENOENT, mfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (mfd < 0)
		return -errno;
	n = getdents64(mfd, b, sizeof(b));
	for (ssize_t o = 0; o < n && fd < 0;) {
		struct dirent64 *d = (struct dirent64 *)(b + o);

		o += d->d_reclen;
		if (d->d_type == DT_DIR && d->d_name[0] != '.')
			fd = openat(mfd, d->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	close(mfd);
	return fd;
}

/* A group of the probe's own, for a hierarchy whose root has no child yet
 * (a fresh machine), so the probe still answers from the files the kernel
 * creates rather than from its version number. The caller removes it
 * once it has looked: a removed group's files are gone at once. */
static int own_child(const char *dir, char *path, size_t size)
{
	int fd, n = snprintf(path, size, "%s/cgkill-probe-%d-%d", dir,
			     (int)getpid(), (int)gettid());

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	if (mkdir(path, 0755) < 0)
		return -errno;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		rmdir(path);
	}
	return fd;
}

/* The root group has neither cgroup.kill nor cgroup.freeze: look at the
 * caller's own group, or else at any child of the root, or else at a
 * child made for the purpose (its path left in made, else made is ""). */
static int any_group(char *made, size_t size)
{
	struct cg_mount m = { 0 };
	char *self = NULL;
	int fd = -ENOENT, r = cg_mount_first(&m);

	made[0] = '\0';
	if (r < 0)
		return r;
	if (cg_self_path(&self) == 0 && self[1])
		fd = cgkill_open(self, CGKILL_OPEN_CGROUP_PATH);
	if (fd < 0)
		fd = first_child(m.target);
	if (fd == -ENOENT) {
		fd = own_child(m.target, made, size);
		if (fd < 0)
			made[0] = '\0';
	}
	free(self);
	cg_mount_free(&m);
	return fd;
}

static int probe(int dirfd, uint64_t *features)
{
	char made[PATH_MAX] = "";
	uint64_t f = 0, id;
	pid_t ppid;
	int fd, pidfd;

	if (!features || dirfd < -1)
		return -EINVAL;
	pidfd = cgk_pidfd_open(getpid());
	if (pidfd >= 0) {
		f |= CGKILL_FEATURE_PIDFD;
		if (cgk_pidfd_info(pidfd, &id, &ppid) == 1)
			f |= CGKILL_FEATURE_PIDFD_INFO;
		close(pidfd);
	}
	fd = dirfd >= 0 ? dirfd : any_group(made, sizeof(made));
	if (fd >= 0) {
		if (faccessat(fd, "cgroup.kill", F_OK, 0) == 0)
			f |= CGKILL_FEATURE_KILL;
		if (faccessat(fd, "cgroup.freeze", F_OK, 0) == 0)
			f |= CGKILL_FEATURE_FREEZE;
		if (fd != dirfd)
			close(fd);
	}
	if (made[0])
		rmdir(made);	/* empty and fresh: nothing keeps it busy */
	*features = f;
	return 0;
}

CGKILL_EXPORT int cgkill_probe(int dirfd, uint64_t *features)
{
	int r, cs = cgk_cancel_off();

	r = probe(dirfd, features);
	cgk_cancel_restore(cs);
	return cgk_error(CGK_CALL_PROBE, r);
}
