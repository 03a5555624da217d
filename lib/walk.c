// SPDX-License-Identifier: LGPL-2.1-or-later
/* Walking a subtree by directory fds (openat on each child), parents first,
 * with a hook as each group is left once its descendants are done (which
 * is what removal needs).  Names are read with getdents64, so nothing is
 * glued into paths and no path is longer than one name.
 *
 * A tenant can make a chain as deep as it likes (cgroup.max.depth is
 * unlimited by default), so nothing here grows with the depth but heap:
 * the walk is a loop over a stack of frames on the heap, and only the
 * WALK_OPEN_LEVELS deepest frames hold their fd.  A deeper walk closes the
 * fd of the frame that many levels up, and opens it again through ".." of
 * its child once it gets back to it: cgroup2 refuses rename(2), so ".." of
 * a group is the group it was created in, even after either is removed.
 * A shallow tree, the common case, never closes or reopens anything. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgkill-private.h"

/* Deeper than any tree a service manager makes, few enough fds to stay far
 * from any RLIMIT_NOFILE. */
#define WALK_OPEN_LEVELS 16

struct frame {
	int fd;	   /* -1 while closed for being far above */
	dev_t dev; /* to recognise the group when reopened */
	ino_t ino;
	const char *name; /* in the parent frame's names; NULL: target */
	char *names;	  /* NUL-separated child names */
	size_t len, off;
	size_t rel_len; /* length of this group's rel path */
	int own_frozen;
};

struct walker {
	const struct walk_spec *s;
	struct frame *st; /* st[i] is at depth i */
	size_t n, cap;
	char *rel;
	size_t rel_cap;
};

int walk_list_children(int fd, char **names, size_t *len)
{
	char buf[8192];
	size_t cap = 0;
	ssize_t n;

	*names = NULL;
	*len = 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	while ((n = getdents64(fd, buf, sizeof(buf))) > 0 || (n < 0 && cgk_again(errno))) {
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
					*len = 0;
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
static int visit(struct walker *w, int fd, const char *name, size_t rel_len, int inherited_frozen)
{
	struct cg_group g = { .fd = fd, .rel = w->rel, .depth = (int)w->n };
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
	if (w->s->want_freeze && w->n > 0 && !g.own_frozen) {
		char b[8];
		int v = 0;
		ssize_t n = cgfile_read(fd, "cgroup.freeze", b, sizeof(b));

		if (n >= 0 && parse_bool(b, (size_t)n, &v) == 0)
			g.own_frozen = v;
	}
	if (w->s->enter) {
		r = w->s->enter(&g, w->s->data);
		if (r < 0)
			goto fail;
	}
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
	r = walk_list_children(fd, &f->names, &f->len);
	if (r < 0)
		goto fail;
	f->fd = fd;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->name = name;
	f->off = 0;
	f->rel_len = rel_len;
	f->own_frozen = g.own_frozen;
	w->n++;
	if (w->n > WALK_OPEN_LEVELS) {
		struct frame *far = &w->st[w->n - 1 - WALK_OPEN_LEVELS];

		if (far->fd >= 0) {
			close(far->fd);
			far->fd = -1;
		}
	}
	return 0;
fail:
	close(fd);
	return r;
}

/* Done with the deepest frame: pop it, with its parent's fd open again,
 * and run the leave hook on it. */
static int leave(struct walker *w)
{
	struct frame *f = &w->st[w->n - 1], *p = w->n > 1 ? f - 1 : NULL;
	int r = 0;

	if (p && p->fd < 0) {
		struct stat st;
		int fd = openat(f->fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0) {
			r = -errno;
		} else if (fstat(fd, &st) < 0) {
			r = -errno;
			close(fd);
		} else if (st.st_dev != p->dev || st.st_ino != p->ino) {
			/* Moved elsewhere: cgroup2 forbids it, but this is
			 * never to act on a directory outside the subtree. */
			r = -ESTALE;
			close(fd);
		} else {
			p->fd = fd;
		}
	}
	close(f->fd);
	free(f->names);
	w->n--;
	if (r == 0 && p && w->s->leave)
		r = w->s->leave(p->fd, f->name, w->s->data);
	return r;
}

int walk_subtree_spec(int dirfd, const struct walk_spec *s)
{
	struct walker w = { .s = s };
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
	r = visit(&w, fd, NULL, 0, s->frozen);
	if (r < 0)
		goto out;
	count = 1;
	while (w.n) {
		struct frame *f = &w.st[w.n - 1];
		const char *name;
		size_t rl;
		int cfd;

		if (f->off >= f->len) {
			r = leave(&w);
			if (r < 0)
				goto out;
			continue;
		}
		name = f->names + f->off;
		f->off += strlen(name) + 1;
		cfd = openat(f->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0) {
			if (errno == ENOENT || errno == ENODEV)
				continue; /* removed since listed */
			r = -errno;
			goto out;
		}
		rl = f->rel_len ? f->rel_len + 1 + strlen(name) : strlen(name);
		r = rel_set(&w, f->rel_len, name);
		if (r < 0) {
			close(cfd);
			goto out;
		}
		r = visit(&w, cfd, name, rl, f->own_frozen);
		if (r < 0)
			goto out;
		count++;
	}
	r = count;
out:
	while (w.n) {
		w.n--;
		if (w.st[w.n].fd >= 0)
			close(w.st[w.n].fd);
		free(w.st[w.n].names);
	}
	free(w.st);
	free(w.rel);
	return r;
}

int walk_subtree(int dirfd, int want_freeze, int frozen, walk_fn fn, void *data)
{
	const struct walk_spec s = {
		.enter = fn,
		.data = data,
		.want_freeze = want_freeze,
		.frozen = frozen,
	};

	return walk_subtree_spec(dirfd, &s);
}

int walk_procs(int fd, char **buf, size_t *cap, struct pidvec *pv)
{
	ssize_t n = cgfile_read_all(fd, "cgroup.procs", buf, cap);
	int r;

	if (n == -ENOENT || n == -ENODEV || n == -EOPNOTSUPP)
		return 1;
	if (n < 0)
		return (int)n;
	pv->n = 0;
	r = parse_procs(*buf, (size_t)n, pv);
	if (r < 0)
		return r == -ENOMEM ? r : -EIO;
	return 0;
}
