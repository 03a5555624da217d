// SPDX-License-Identifier: LGPL-2.1-or-later
/* Opening a target and the guard rails: cgroup2 only, no symlinks, never
 * the hierarchy's root, never the caller's own subtree unless asked. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgkill-private.h"
#include "syscalls.h"

void target_free(struct cg_target *t)
{
	free(t->fspath);
	free(t->cgpath);
	t->fspath = t->cgpath = NULL;
}

/* openat2 with RESOLVE_NO_SYMLINKS refuses a symlink anywhere on the way;
 * kernels before 5.6 get O_NOFOLLOW, which checks the last component. */
static int open_dir(int at, const char *path, uint64_t resolve)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = resolve | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, at, path, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS) {
		struct stat st;

		fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		/* O_DIRECTORY answers ENOTDIR for a final symlink: say ELOOP,
		 * as openat2 does. */
		if (fd < 0 && errno == ENOTDIR &&
		    fstatat(at, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			errno = ELOOP;
	}
	return fd < 0 ? -errno : (int)fd;
}

static int has_dotdot(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return 1;
	return 0;
}

static int open_cgroup_path(const char *path)
{
	struct cg_mount m = { 0 };
	const char *rest;
	int mfd, fd, r;

	if (has_dotdot(path))
		return -EINVAL;
	r = mount_first(&m);
	if (r < 0)
		return r;
	/* The mount shows the subtree at m.root; the rest is below it. */
	if (!parse_cgpath_within(path, m.root)) {
		mount_free(&m);
		return -ENOENT;
	}
	rest = path + (strcmp(m.root, "/") ? strlen(m.root) : 0);
	while (*rest == '/')
		rest++;
	mfd = open_dir(AT_FDCWD, m.target, 0);
	mount_free(&m);
	if (mfd < 0)
		return mfd;
	fd = open_dir(mfd, *rest ? rest : ".", RESOLVE_BENEATH);
	close(mfd);
	return fd;
}

int target_open(const char *path, unsigned int flags)
{
	struct statfs sfs;
	int fd, r;

	if (!path || !*path || (flags & ~CGKILL_OPEN_CGROUP_PATH) || path[0] != '/')
		return -EINVAL;
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	fd = flags & CGKILL_OPEN_CGROUP_PATH ? open_cgroup_path(path) : open_dir(AT_FDCWD, path, 0);
	if (fd < 0)
		return fd;
	if (fstatfs(fd, &sfs) < 0)
		r = -errno;
	else if (sfs.f_type != CGROUP2_SUPER_MAGIC)
		r = -EMEDIUMTYPE;
	else
		return fd;
	close(fd);
	return r;
}

/* Every group, the root too, has cgroup.procs for as long as it exists;
 * a removed one has no files at all.  Not the text of its link: removal
 * appends " (deleted)" to it, and so may anyone to a group's own name. */
int target_removed(int dirfd)
{
	if (faccessat(dirfd, "cgroup.procs", F_OK, 0) == 0)
		return 0;
	return errno == ENOENT ? 1 : -errno;
}

static int fd_path(int fd, char **out)
{
	char proc[64], buf[PATH_MAX];
	ssize_t n;
	int r;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(buf))
		return -ENAMETOOLONG; /* cut short: a prefix names another group */
	buf[n] = '\0';
	/* Asked after the read: a group there now was there when its path
	 * was read (removal is for good), so the text is a path, whatever
	 * its name ends with. */
	r = target_removed(fd);
	if (r)
		return r < 0 ? r : -ENOENT;
	if (buf[0] != '/')
		return -ENOENT; /* outside our root: cannot be named */
	*out = strdup(buf);
	return *out ? 0 : -ENOMEM;
}

static int join_cgpath(const struct cg_mount *m, const char *fspath, char **out)
{
	size_t tl = strcmp(m->target, "/") ? strlen(m->target) : 0;
	const char *rest = fspath + tl;
	size_t rl = strlen(m->root);

	if (strncmp(fspath, m->target, tl) || (*rest && *rest != '/'))
		return -ENOMEDIUM; /* not reachable through its mount */

	if (rl == 1)
		rl = 0; /* root "/" + rest "/a" */
	*out = malloc(rl + strlen(rest) + 2);
	if (!*out)
		return -ENOMEM;
	sprintf(*out, "%.*s%s", (int)rl, m->root, *rest ? rest : (rl ? "" : "/"));
	return 0;
}

int target_check(int dirfd, uint64_t flags, struct cg_target *t)
{
	struct cg_mount m = { 0 };
	struct statfs sfs;
	struct stat st;
	char *self = NULL;
	int r, is_root;

	if (fstat(dirfd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (fstatfs(dirfd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != CGROUP2_SUPER_MAGIC)
		return -EMEDIUMTYPE;
	/* Only the hierarchy's root lacks cgroup.events; a removed group
	 * has no files at all. */
	if (faccessat(dirfd, "cgroup.events", F_OK, 0) < 0) {
		if (errno != ENOENT)
			return -errno;
		r = target_removed(dirfd);
		return r < 0 ? r : r ? -ENOENT : -EPERM;
	}
	r = fd_path(dirfd, &t->fspath);
	if (r < 0)
		return r;
	r = mount_of_fd(dirfd, t->fspath, &m, &is_root);
	if (r < 0)
		goto out;
	/* The root of the mount is the root as this caller sees it (in a
	 * cgroup namespace, the namespace's root). */
	if (is_root) {
		r = -EPERM;
		goto out;
	}
	r = join_cgpath(&m, t->fspath, &t->cgpath);
	if (r < 0)
		goto out;
	r = mount_self_path(&self);
	if (r == -ENOMEDIUM)
		r = 0; /* no v2 membership: cannot be inside */
	else if (r == 0 && parse_cgpath_within(self, t->cgpath))
		t->has_self = 1;
	if (t->has_self && !(flags & CGKILL_ALLOW_SELF))
		r = -EDEADLK;
out:
	free(self);
	mount_free(&m);
	if (r < 0)
		target_free(t);
	return r;
}

CGKILL_EXPORT int cgkill_open(const char *path, unsigned int flags)
{
	int r, cs = cgk_cancel_off();

	r = target_open(path, flags);
	cgk_cancel_restore(cs);
	return errors_filter(CGK_CALL_OPEN, r);
}
