// SPDX-License-Identifier: LGPL-2.1-or-later
/* Walking a subtree by directory fds (openat on each child), parents first.
 * Only one fd per level is open, so a 1000-wide tree needs no more fds than
 * a chain; names are read with getdents64 so nothing is glued into paths. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgkill-private.h"

struct frame {
	int fd;
	char *names;	/* NUL-separated child names */
	size_t len, off;
	size_t rel_len;	/* length of this group's rel path */
	int own_frozen;
	int depth;
};

struct walker {
	struct frame *st;
	size_t n, cap;
	char *rel;
	size_t rel_cap;
	int want_freeze;
};

static int list_children(int fd, char **names, size_t *len)
{
	char buf[8192];
	size_t cap = 0;
	ssize_t n;

	*names = NULL;
	*len = 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	while ((n = getdents64(fd, buf, sizeof(buf))) > 0 || (n < 0 && again(errno))) {
		if (n < 0)
			continue;
		for (ssize_t o = 0; o < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + o);
			size_t l = strlen(d->d_name) + 1;

			o += d->d_reclen;
			if (d->d_type != DT_DIR || !strcmp(d->d_name, ".") ||
			    !strcmp(d->d_name, ".."))
				continue;
			if (*len + l > cap) {
				char *nn;

				cap = cap ? cap * 2 + l : 256 + l;
				nn = realloc(*names, cap);
				if (!nn) {
					free(*names);
					*names = NULL;
					return -ENOMEM;
				}
				*names = nn;
			}
			memcpy(*names + *len, d->d_name, l);
			*len += l;
		}
	}
	if (n < 0) {
		int r = -errno;

		free(*names);
		*names = NULL;
		*len = 0;
		/* The group was removed under us: it has no children. */
		return r == -ENOENT || r == -ENODEV ? 0 : r;
	}
	return 0;
}

static int rel_set(struct walker *w, size_t at, const char *name)
{
	size_t need = at + strlen(name) + 2;

	if (need > w->rel_cap) {
		char *nr = realloc(w->rel, need * 2);

		if (!nr)
			return -ENOMEM;
		w->rel = nr;
		w->rel_cap = need * 2;
	}
	if (at) {
		w->rel[at] = '/';
		strcpy(w->rel + at + 1, name);
	} else {
		strcpy(w->rel, name);
	}
	return 0;
}

/* Visit the group at fd (owned), then push it to descend into. */
static int visit(struct walker *w, int fd, size_t rel_len, int depth,
		 int inherited_frozen, walk_fn fn, void *data)
{
	struct cg_group g = { .fd = fd, .rel = w->rel, .depth = depth };
	struct frame *f;
	struct stat st;
	int r;

	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto fail;
	}
	/* On 64-bit kernfs the inode number is the cgroup id that
	 * PIDFD_GET_INFO reports. */
	g.id = (uint64_t)st.st_ino;
	g.own_frozen = inherited_frozen;
	if (w->want_freeze && depth > 0 && !g.own_frozen) {
		char b[8];
		int v = 0;
		ssize_t n = cg_read(fd, "cgroup.freeze", b, sizeof(b));

		if (n >= 0 && parse_bool(b, (size_t)n, &v) == 0)
			g.own_frozen = v;
	}
	r = fn(&g, data);
	if (r < 0)
		goto fail;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct frame *ns = realloc(w->st, cap * sizeof(*ns));

		if (!ns) {
			r = -ENOMEM;
			goto fail;
		}
		w->st = ns;
		w->cap = cap;
	}
	f = &w->st[w->n];
	r = list_children(fd, &f->names, &f->len);
	if (r < 0)
		goto fail;
	f->fd = fd;
	f->off = 0;
	f->rel_len = rel_len;
	f->own_frozen = g.own_frozen;
	f->depth = depth;
	w->n++;
	return 1;
fail:
	close(fd);
	return r;
}

int cg_walk(int dirfd, int want_freeze, int frozen, walk_fn fn, void *data)
{
	struct walker w = { .want_freeze = want_freeze };
	int fd, r, count = 0;

	/* A fresh open file description: getdents64 moves its offset, and
	 * the caller's fd may be shared with other threads. */
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = rel_set(&w, 0, "");
	if (r < 0) {
		close(fd);
		return r;
	}
	r = visit(&w, fd, 0, 0, frozen, fn, data);
	if (r < 0)
		goto out;
	count = 1;
	while (w.n) {
		struct frame *f = &w.st[w.n - 1];
		const char *name;
		size_t rl;
		int cfd;

		if (f->off >= f->len) {
			close(f->fd);
			free(f->names);
			w.n--;
			continue;
		}
		name = f->names + f->off;
		f->off += strlen(name) + 1;
		cfd = openat(f->fd, name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0) {
			if (errno == ENOENT || errno == ENODEV)
				continue;	/* removed since listed */
			r = -errno;
			goto out;
		}
		rl = f->rel_len ? f->rel_len + 1 + strlen(name) : strlen(name);
		r = rel_set(&w, f->rel_len, name);
		if (r < 0) {
			close(cfd);
			goto out;
		}
		r = visit(&w, cfd, rl, f->depth + 1, f->own_frozen, fn, data);
		if (r < 0)
			goto out;
		count++;
	}
	r = count;
out:
	while (w.n) {
		w.n--;
		close(w.st[w.n].fd);
		free(w.st[w.n].names);
	}
	free(w.st);
	free(w.rel);
	return r;
}
