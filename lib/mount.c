// SPDX-License-Identifier: LGPL-2.1-or-later
/* Finding cgroup2 mounts with libmount: never assume /sys/fs/cgroup. */
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgkill-private.h"

void cg_mount_free(struct cg_mount *m)
{
	free(m->target);
	free(m->root);
	m->target = m->root = NULL;
}

static int mount_set(struct cg_mount *m, struct libmnt_fs *fs)
{
	const char *root = mnt_fs_get_root(fs);

	m->target = strdup(mnt_fs_get_target(fs));
	m->root = strdup(root ? root : "/");
	if (!m->target || !m->root) {
		cg_mount_free(m);
		return -ENOMEM;
	}
	return 0;
}

/* Length of the mount target if it is a path prefix of fspath, else -1. */
static ssize_t prefix_len(const char *target, const char *fspath)
{
	size_t n = strlen(target);

	if (n == 1 && target[0] == '/')
		return 0;
	if (strncmp(fspath, target, n) || (fspath[n] && fspath[n] != '/'))
		return -1;
	return (ssize_t)n;
}

/* fspath NULL: the first cgroup2 mount; else the one holding fspath
 * (the longest target, the later mount on a tie: it hides the earlier). */
static int mount_find(const char *fspath, struct cg_mount *m)
{
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs, *best = NULL;
	ssize_t best_len = -1;
	int r;

	if (!tb || !it) {
		r = -ENOMEM;
		goto out;
	}
	r = mnt_table_parse_file(tb, "/proc/self/mountinfo");
	if (r < 0)
		goto out;
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *type = mnt_fs_get_fstype(fs);
		ssize_t n;

		if (!type || strcmp(type, "cgroup2") || !mnt_fs_get_target(fs))
			continue;
		if (!fspath) {
			best = fs;
			break;
		}
		n = prefix_len(mnt_fs_get_target(fs), fspath);
		if (n >= best_len && n >= 0) {
			best = fs;
			best_len = n;
		}
	}
	r = best ? mount_set(m, best) : -ENOMEDIUM;
out:
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return r;
}

int cg_mount_first(struct cg_mount *m)
{
	return mount_find(NULL, m);
}

int cg_mount_of(const char *fspath, struct cg_mount *m)
{
	return mount_find(fspath, m);
}

int cg_self_path(char **path)
{
	char buf[8192], out[4096];
	ssize_t n = cg_read(AT_FDCWD, "/proc/self/cgroup", buf, sizeof(buf));
	int r;

	if (n < 0)
		return (int)n;
	r = parse_proc_cgroup(buf, (size_t)n, out, sizeof(out));
	if (r < 0)
		return r;
	*path = strdup(out);
	return *path ? 0 : -ENOMEM;
}
