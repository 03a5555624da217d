// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The walk and the removal on a plain directory tree: no root, no cgroup2
 * mount, so whoever builds the library runs them.  Wide trees, a chain
 * 2000 deep walked and removed from a 128 KiB thread under a 64-fd limit,
 * directories that vanish or move while they are walked, hooks that fail.
 * The walker reads nothing of cgroupfs with want_freeze 0, and its
 * listing, fds and stack are the same on any file system.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "cgkill-private.h"

#define DEPTH 2000
#define WIDE 200
#define SMALL_STACK (128 * 1024)
#define FD_LIMIT 64
/* The walk's fds whatever the depth: a few levels' worth, nowhere near
 * one per level. */
#define FD_BOUND 24

struct tree {
	char dir[4096];
	int fd;
};

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	const char *tmp = getenv("TMPDIR");

	assert_non_null(t);
	snprintf(t->dir, sizeof(t->dir), "%s/cgkill-tree-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(t->dir));
	t->fd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(t->fd >= 0);
	*state = t;
	return 0;
}

/* Remove what a test left, leaves first, whatever its depth: down by
 * name, up by "..", without the code under test. */
static void remove_all(int top)
{
	int cur = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char **down = NULL;
	size_t depth = 0;

	while (cur >= 0) {
		int lfd = openat(cur, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *d = fdopendir(lfd);
		struct dirent *e;
		char *sub = NULL;

		assert_non_null(d);
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
			    unlinkat(cur, e->d_name, 0) < 0 &&
			    unlinkat(cur, e->d_name, AT_REMOVEDIR) < 0 && !sub)
				sub = strdup(e->d_name);
		closedir(d);
		if (sub) {
			int fd = openat(cur, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					O_CLOEXEC);

			assert_true(fd >= 0);
			down = realloc(down, (depth + 1) * sizeof(*down));
			assert_non_null(down);
			down[depth++] = sub;
			close(cur);
			cur = fd;
			continue;
		}
		if (!depth)
			break;
		lfd = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(cur);
		cur = lfd;
		assert_int_equal(unlinkat(cur, down[--depth], AT_REMOVEDIR), 0);
		free(down[depth]);
	}
	if (cur >= 0)
		close(cur);
	free(down);
}

static int teardown(void **state)
{
	struct tree *t = *state;

	remove_all(t->fd);
	close(t->fd);
	assert_int_equal(rmdir(t->dir), 0);
	free(t);
	return 0;
}

static void mkdir_p(int at, const char *rel)
{
	char path[4096], *s;

	snprintf(path, sizeof(path), "%s", rel);
	for (s = strchr(path, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		assert_true(mkdirat(at, path, 0755) == 0 || errno == EEXIST);
		*s = '/';
	}
	assert_int_equal(mkdirat(at, path, 0755), 0);
}

static int subdirs(int at, const char *rel)
{
	int fd = openat(at, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_type == DT_DIR && e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* ---- recording a walk --------------------------------------------------- */

struct rec {
	int top;
	char **rel;
	int *depth;
	size_t n, cap;
	int fds_base, fds_max;	/* measured when count_fds */
	int count_fds;
	/* Something to do on reaching a group. */
	const char *at;
	int (*act)(struct rec *r, struct cg_group *g);
	int leaves;
	int fail_at;		/* enter returns -EIO at the n-th group */
	int frozen;		/* what every own_frozen must be */
};

static int record(struct cg_group *g, void *data)
{
	struct rec *r = data;
	struct stat st, by_name;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->rel = realloc(r->rel, r->cap * sizeof(*r->rel));
		r->depth = realloc(r->depth, r->cap * sizeof(*r->depth));
		assert_non_null(r->rel);
		assert_non_null(r->depth);
	}
	r->rel[r->n] = strdup(g->rel);
	r->depth[r->n] = g->depth;
	r->n++;
	/* The fd is the group, its id the inode, as on kernfs. */
	assert_int_equal(fstat(g->fd, &st), 0);
	assert_int_equal((uint64_t)st.st_ino, g->id);
	assert_int_equal(g->own_frozen, r->frozen);
	if (g->depth < 8) {	/* deeper names are past PATH_MAX */
		assert_int_equal(fstatat(r->top, g->rel[0] ? g->rel : ".", &by_name, 0), 0);
		assert_int_equal(by_name.st_ino, st.st_ino);
	}
	if (r->count_fds) {
		int n = open_fds();

		if (n > r->fds_max)
			r->fds_max = n;
	}
	if (r->fail_at && (int)r->n == r->fail_at)
		return -EIO;
	if (r->act && r->at && !strcmp(g->rel, r->at))
		return r->act(r, g);
	return 0;
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->rel[i]);
	free(r->rel);
	free(r->depth);
	*r = (struct rec){ 0 };
}

static int rec_find(const struct rec *r, const char *rel)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->rel[i], rel))
			return (int)i;
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parents first, each subtree in one stretch (depth first), every group
 * once, depths matching the names. */
static void check_preorder(const struct rec *r)
{
	size_t *stack = calloc(r->n + 1, sizeof(*stack)), sp = 0;

	assert_non_null(stack);
	assert_string_equal(r->rel[0], "");
	assert_int_equal(r->depth[0], 0);
	for (size_t i = 1; i < r->n; i++) {
		const char *slash = strrchr(r->rel[i], '/');
		size_t plen = slash ? (size_t)(slash - r->rel[i]) : 0;
		int d = 1;

		for (const char *s = r->rel[i]; *s; s++)
			d += *s == '/';
		assert_int_equal(r->depth[i], d);
		/* Pop to this one's parent: it must be on the stack. */
		while (sp && !(strlen(r->rel[stack[sp - 1]]) == plen &&
			       !strncmp(r->rel[stack[sp - 1]], r->rel[i], plen)))
			sp--;
		if (plen)
			assert_true(sp > 0);
		else
			sp = 0;
		stack[sp++] = i;
	}
	free(stack);
	assert_true(r->n > 0);
	{
		char **sorted = malloc(r->n * sizeof(*sorted));

		assert_non_null(sorted);
		memcpy(sorted, r->rel, r->n * sizeof(*sorted));
		qsort(sorted, r->n, sizeof(*sorted), cmp_str);
		for (size_t i = 1; i < r->n; i++)
			assert_string_not_equal(sorted[i - 1], sorted[i]);
		free(sorted);
	}
}

/* ---- a wide tree -------------------------------------------------------- */

static void test_wide(void **state)
{
	struct tree *t = *state;
	struct rec r = { .top = t->fd };
	char rel[64];
	int fds = open_fds();

	for (int i = 0; i < WIDE; i++)
		for (int j = 0; j < 3; j++) {
			snprintf(rel, sizeof(rel), "c%03d/g%d", i, j);
			mkdir_p(t->fd, rel);
		}
	/* Files are no groups: the walk lists directories only. */
	assert_int_equal(close(openat(t->fd, "c000/file", O_CREAT | O_WRONLY | O_CLOEXEC,
				      0644)), 0);
	assert_int_equal(walk_subtree(t->fd, 0, 0, record, &r), 1 + WIDE * 4);
	assert_int_equal(r.n, 1 + WIDE * 4);
	check_preorder(&r);
	for (int i = 0; i < WIDE; i++)
		for (int j = 0; j < 3; j++) {
			snprintf(rel, sizeof(rel), "c%03d/g%d", i, j);
			assert_true(rec_find(&r, rel) > 0);
		}
	rec_free(&r);
	assert_int_equal(open_fds(), fds);

	/* A frozen target: every group below is held by it. */
	r = (struct rec){ .top = t->fd, .frozen = 1 };
	assert_int_equal(walk_subtree(t->fd, 0, 1, record, &r), 1 + WIDE * 4);
	rec_free(&r);

	/* The removal stops at the directory holding a file. */
	assert_int_equal(remove_children(t->fd), -ENOTEMPTY);
	assert_int_equal(subdirs(t->fd, "c000"), 0);
	assert_int_equal(unlinkat(t->fd, "c000/file", 0), 0);
	assert_int_equal(remove_children(t->fd), 0);
	assert_int_equal(subdirs(t->fd, "."), 0);
	assert_int_equal(open_fds(), fds);
}

/* ---- a deep chain from a small stack and few fds ------------------------ */

struct deep {
	struct tree *t;
	struct rec r;
	int walked, removed;
};

static void *deep_thread(void *arg)
{
	struct deep *d = arg;

	d->walked = walk_subtree(d->t->fd, 0, 0, record, &d->r);
	d->removed = remove_children(d->t->fd);
	return NULL;
}

static void test_deep(void **state)
{
	struct tree *t = *state;
	struct deep d = { .t = t, .r = { .top = t->fd, .count_fds = 1 } };
	struct rlimit old, low;
	pthread_attr_t attr;
	pthread_t th;
	int cur = openat(t->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fds;
	size_t last;

	for (int i = 0; i < DEPTH; i++) {
		int fd;

		assert_int_equal(mkdirat(cur, "d", 0755), 0);
		fd = openat(cur, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		assert_true(fd >= 0);
		close(cur);
		cur = fd;
	}
	/* A side branch deep down: the walk comes back up to it. */
	assert_int_equal(mkdirat(cur, "x", 0755), 0);
	close(cur);
	fds = open_fds();
	d.r.fds_base = fds;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = FD_LIMIT;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	assert_int_equal(pthread_attr_init(&attr), 0);
	assert_int_equal(pthread_attr_setstacksize(&attr, SMALL_STACK), 0);
	assert_int_equal(pthread_create(&th, &attr, deep_thread, &d), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	pthread_attr_destroy(&attr);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);

	assert_int_equal(d.walked, DEPTH + 2);
	assert_int_equal(d.r.n, DEPTH + 2);
	last = d.r.n - 1;
	assert_int_equal(d.r.depth[last], DEPTH + 1);
	assert_int_equal(strlen(d.r.rel[last]), 2 * DEPTH + 1);
	assert_string_equal(d.r.rel[last] + 2 * DEPTH - 1, "/x");
	assert_int_equal(d.r.depth[last - 1], DEPTH);
	check_preorder(&d.r);
	if (d.r.fds_max - fds > FD_BOUND)
		fail_msg("the walk held %d fds at once", d.r.fds_max - fds);
	assert_int_equal(d.removed, 0);
	assert_int_equal(subdirs(t->fd, "."), 0);
	assert_int_equal(open_fds(), fds);
	rec_free(&d.r);
}

/* ---- groups that vanish or move while walked ---------------------------- */

/* Listing order of a directory, as the walker sees it. */
static char *first_listed(int at, const char *rel, const char *x, const char *y)
{
	int fd = openat(at, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *names = NULL, *first = NULL;
	size_t len = 0;

	assert_true(fd >= 0);
	assert_int_equal(walk_list_children(fd, &names, &len), 0);
	for (size_t o = 0; o < len && !first; o += strlen(names + o) + 1)
		if (!strcmp(names + o, x) || !strcmp(names + o, y))
			first = strdup(names + o);
	free(names);
	close(fd);
	return first;
}

static int vanish(struct rec *r, struct cg_group *g)
{
	(void)g;
	/* b: listed with a, not visited yet; a/a2: listed with a/a1's
	 * siblings; c is removed while it is being visited. */
	if (!strcmp(r->at, "a")) {
		assert_int_equal(unlinkat(r->top, "b/b1", AT_REMOVEDIR), 0);
		assert_int_equal(unlinkat(r->top, "b", AT_REMOVEDIR), 0);
		r->at = "a/a1";
	} else if (!strcmp(r->at, "a/a1")) {
		assert_int_equal(unlinkat(r->top, "a/a2", AT_REMOVEDIR), 0);
		r->at = "c";
	} else {
		assert_int_equal(unlinkat(r->top, "c", AT_REMOVEDIR), 0);
		r->at = NULL;
	}
	return 0;
}

static void test_vanishing(void **state)
{
	struct tree *t = *state;
	struct rec r = { .top = t->fd, .at = "a", .act = vanish };
	char *first_ab, *first_a12;
	int fds = open_fds(), b_first, a2_first, expect;

	mkdir_p(t->fd, "a/a1");
	mkdir_p(t->fd, "a/a2");
	mkdir_p(t->fd, "b/b1");
	mkdir_p(t->fd, "c");
	mkdir_p(t->fd, "e/e1");
	/* The listing order is the file system's: what comes before the
	 * group whose visit removes it is visited all the same. */
	first_ab = first_listed(t->fd, ".", "a", "b");
	first_a12 = first_listed(t->fd, "a", "a1", "a2");
	b_first = !strcmp(first_ab, "b");
	a2_first = !strcmp(first_a12, "a2");
	free(first_ab);
	free(first_a12);
	/* "", a, a/a1, c (removed while visited, or left), e, e/e1 */
	expect = 6 + (b_first ? 2 : 0) + (a2_first ? 1 : 0);
	assert_int_equal(walk_subtree(t->fd, 0, 0, record, &r), expect);
	assert_int_equal((int)r.n, expect);
	assert_int_equal(rec_find(&r, "b") >= 0, b_first);
	assert_int_equal(rec_find(&r, "b/b1") >= 0, b_first);
	assert_int_equal(rec_find(&r, "a/a2") >= 0, a2_first);
	assert_true(rec_find(&r, "a/a1") > 0);
	assert_true(rec_find(&r, "c") > 0);
	assert_true(rec_find(&r, "e/e1") > 0);
	check_preorder(&r);
	rec_free(&r);
	assert_int_equal(remove_children(t->fd), 0);
	assert_int_equal(subdirs(t->fd, "."), 0);
	assert_int_equal(open_fds(), fds);
}

/* A sibling listed but removed before it is reached is skipped, exactly. */
static int remove_other(struct rec *r, struct cg_group *g)
{
	(void)g;
	assert_int_equal(unlinkat(r->top, r->at[0] == 'p' ? "q" : "p", AT_REMOVEDIR), 0);
	return 0;
}

static void test_sibling_removed(void **state)
{
	struct tree *t = *state;
	struct rec r = { .top = t->fd, .act = remove_other };
	char *first;
	int fds = open_fds();

	mkdir_p(t->fd, "p");
	mkdir_p(t->fd, "q");
	first = first_listed(t->fd, ".", "p", "q");
	assert_non_null(first);
	r.at = first;
	assert_int_equal(walk_subtree(t->fd, 0, 0, record, &r), 2);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.rel[1], first);
	rec_free(&r);
	free(first);
	assert_int_equal(open_fds(), fds);
}

/* A directory moved elsewhere while its subtree is walked deeper than the
 * walker keeps fds for: going back up through ".." would reach the wrong
 * parent, and the walk refuses (cgroup2 forbids the move; a plain file
 * system allows it).  The leave hook never runs on a parent not ours. */
#define MOVE_DEPTH 40
#define MOVED_AT 20

static int move_away(struct rec *r, struct cg_group *g)
{
	char from[4 * MOVED_AT + 8] = "", *p = from;

	(void)g;
	for (int i = 0; i < MOVED_AT; i++)
		p += sprintf(p, "%sd", i ? "/" : "");
	assert_int_equal(renameat(r->top, from, r->top, "elsewhere/d"), 0);
	return 0;
}

static int count_leave(int parentfd, const char *name, void *data)
{
	struct rec *r = data;
	struct stat st;

	/* The child is still there, below the parent given. */
	assert_int_equal(fstatat(parentfd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
	r->leaves += !strcmp(name, "d");	/* not "elsewhere" */
	return 0;
}

static void test_moved(void **state)
{
	struct tree *t = *state;
	struct rec r = { .top = t->fd, .act = move_away };
	const struct walk_spec s = { .enter = record, .leave = count_leave, .data = &r };
	char at[4 * MOVE_DEPTH + 8] = "", *p = at;
	int fds = open_fds();

	for (int i = 0; i < MOVE_DEPTH; i++)
		p += sprintf(p, "%sd", i ? "/" : "");
	mkdir_p(t->fd, at);
	mkdir_p(t->fd, "elsewhere");
	r.at = at;	/* the deepest */
	assert_int_equal(walk_subtree_spec(t->fd, &s), -ESTALE);
	/* Left with their own parents: MOVED_AT + 1 .. MOVE_DEPTH. */
	assert_int_equal(r.leaves, MOVE_DEPTH - MOVED_AT);
	rec_free(&r);
	assert_int_equal(open_fds(), fds);
}

/* ---- hooks that fail, and a target that is no directory ----------------- */

static int fail_leave(int parentfd, const char *name, void *data)
{
	int *n = data;

	(void)parentfd;
	(void)name;
	return ++*n == 3 ? -EBUSY : 0;
}

static void test_errors(void **state)
{
	struct tree *t = *state;
	struct rec r = { .top = t->fd, .fail_at = 5 };
	const struct walk_spec s = { .leave = fail_leave };
	struct walk_spec s2 = s;
	int fds = open_fds(), n = 0, fd;

	mkdir_p(t->fd, "a/b/c/d/e/f");
	mkdir_p(t->fd, "g/h");
	assert_int_equal(walk_subtree(t->fd, 0, 0, record, &r), -EIO);
	assert_int_equal(r.n, 5);
	rec_free(&r);
	assert_int_equal(open_fds(), fds);

	s2.data = &n;
	assert_int_equal(walk_subtree_spec(t->fd, &s2), -EBUSY);
	assert_int_equal(n, 3);
	assert_int_equal(open_fds(), fds);

	fd = openat(t->fd, "file", O_CREAT | O_RDONLY | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(walk_subtree(fd, 0, 0, record, &r), -ENOTDIR);
	assert_int_equal(remove_children(fd), -ENOTDIR);
	close(fd);
	assert_int_equal(unlinkat(t->fd, "file", 0), 0);
	assert_int_equal(remove_children(t->fd), 0);
	assert_int_equal(subdirs(t->fd, "."), 0);
	assert_int_equal(open_fds(), fds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wide, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vanishing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sibling_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_moved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
