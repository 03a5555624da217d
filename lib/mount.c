// SPDX-License-Identifier: LGPL-2.1-or-later
/* Finding cgroup2 mounts: never assume /sys/fs/cgroup.  The mount of an
 * open directory comes from statx + statmount where the kernel has them
 * (Linux 6.8), and from libmount's reading of mountinfo elsewhere. */
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgkill-private.h"
#include "syscalls.h"

void mount_free(struct cg_mount *m)
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
		mount_free(m);
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

int mount_first(struct cg_mount *m)
{
	return mount_find(NULL, m);
}

#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x4000U
#endif
#define SM_MNT_ROOT 0x08U  /* STATMOUNT_MNT_ROOT */
#define SM_MNT_POINT 0x10U /* STATMOUNT_MNT_POINT */

/* The fixed part of struct statmount (linux/mount.h, Linux 6.8): only the
 * fields read here, at the offsets the ABI fixes; strings follow at 512. */
struct sm_head {
	uint32_t size, mnt_opts;
	uint64_t mask;
	uint8_t pad1[104 - 16];
	uint32_t mnt_root, mnt_point; /* offsets into the strings */
	uint8_t pad2[512 - 112];
};

_Static_assert(offsetof(struct sm_head, mnt_root) == 104 && sizeof(struct sm_head) == 512,
	       "struct statmount layout");

struct sm_req {
	uint32_t size, spare;
	uint64_t mnt_id, param;
};

/* 0 with m set, -ENOSYS where the kernel cannot say (before 6.8, or the
 * strings do not fit), or another negative errno. */
static int mount_by_statmount(int fd, struct cg_mount *m, int *is_root)
{
	union {
		struct sm_head h;
		char b[sizeof(struct sm_head) + 2 * PATH_MAX];
	} sm;
	struct sm_req req = { .size = sizeof(req) };
	const uint32_t want = SM_MNT_ROOT | SM_MNT_POINT;
	const size_t strmax = sizeof(sm) - sizeof(sm.h);
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID_UNIQUE, &stx) < 0)
		/* Not only ENOSYS: a seccomp filter may answer EPERM, and
		 * the older route works there too. */
		return errno == ENOMEM ? -ENOMEM : -ENOSYS;
	if (!(stx.stx_mask & STATX_MNT_ID_UNIQUE) ||
	    !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return -ENOSYS;
	req.mnt_id = stx.stx_mnt_id;
	req.param = want;
	if (syscall(SYS_statmount, &req, &sm, sizeof(sm), 0) < 0)
		return errno == ENOMEM ? -ENOMEM : -ENOSYS;
	if ((sm.h.mask & want) != want || sm.h.mnt_root >= strmax || sm.h.mnt_point >= strmax)
		return -ENOSYS;
	sm.b[sizeof(sm) - 1] = '\0';
	m->target = strdup(sm.b + sizeof(sm.h) + sm.h.mnt_point);
	m->root = strdup(sm.b + sizeof(sm.h) + sm.h.mnt_root);
	if (!m->target || !m->root) {
		mount_free(m);
		return -ENOMEM;
	}
	*is_root = !!(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
	return 0;
}

int mount_of_fd(int fd, const char *fspath, struct cg_mount *m, int *is_root)
{
	struct stat st, mst;
	int r = mount_by_statmount(fd, m, is_root);

	if (r != -ENOSYS)
		return r;
	/* One parse of mountinfo costs more than everything else before the
	 * kill together, which is why it is only the fallback. */
	r = mount_find(fspath, m);
	if (r < 0)
		return r;
	*is_root = fstat(fd, &st) == 0 && stat(m->target, &mst) == 0 && mst.st_dev == st.st_dev &&
		   mst.st_ino == st.st_ino;
	return 0;
}

int mount_self_path(char **path)
{
	char buf[8192], out[4096];
	ssize_t n = cgfile_read(AT_FDCWD, "/proc/self/cgroup", buf, sizeof(buf));
	int r;

	if (n < 0)
		return (int)n;
	r = parse_proc_cgroup(buf, (size_t)n, out, sizeof(out));
	if (r < 0)
		return r;
	*path = strdup(out);
	return *path ? 0 : -ENOMEM;
}
