// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Deep subtrees, and a probe that must not touch the hierarchy.
 *
 * cgroup.max.depth is unlimited by default, so a tenant with a delegated
 * subtree can make a chain of any depth under it, and the manager that
 * kills and removes it must survive that on whatever stack its thread has
 * (musl gives a thread 128 KiB) and whatever fds it may open.  Before, the
 * removal recursed with 8 KiB of stack and an fd per level (SIGSEGV some
 * fifteen levels down on such a stack) and the walk held an fd per level
 * (EMFILE below the fd limit's depth).
 *
 * cgkill_probe(-1) made a group under the hierarchy's root to look at when
 * it found none: a probe that changed the system.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define DEPTH 2000
#define SMALL_STACK (128 * 1024)
#define FD_LIMIT 256

static uint64_t native, fallback = CGKILL_FORCE_FREEZE;

/* A chain of DEPTH groups "d" below dirfd, made relative to each parent
 * (its path is far beyond PATH_MAX); returns the fd of the deepest. */
static int make_chain(int dirfd)
{
	int cur = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	assert_true(cur >= 0);
	for (int i = 0; i < DEPTH; i++) {
		int fd;

		if (mkdirat(cur, "d", 0755) < 0)
			fail_msg("mkdir at depth %d: %s (is cgroup.max.depth limited?)",
				 i + 1, strerror(errno));
		fd = openat(cur, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		assert_true(fd >= 0);
		close(cur);
		cur = fd;
	}
	return cur;
}

/* A process in the group at fd; the path cgt_spawn() would write to is
 * too long for any system call. */
static pid_t spawn_at(int fd)
{
	int p[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int pfd = openat(fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);

		if (pfd < 0 || write(pfd, "0", 1) != 1)
			_exit(100);
		if (write(p[1], "x", 1) != 1)
			_exit(101);
		for (;;)
			pause();
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

struct kill_args {
	int fd;
	uint64_t flags;
	int ret;
	struct cgkill_report rep;
};

static void *kill_thread(void *arg)
{
	struct kill_args *a = arg;
	struct cgkill_opts o;

	cgkill_opts_init(&o);
	o.flags |= a->flags | CGKILL_REMOVE;
	/* SIGKILL takes cgroup.kill; the freeze path walks every level
	 * for its cgroup.freeze too. */
	o.signal = a->flags & CGKILL_FORCE_FREEZE ? SIGTERM : SIGKILL;
	o.timeout_ms = cgt_ms(60000);
	a->rep = (struct cgkill_report){ .size = sizeof(a->rep) };
	a->ret = cgkill_fd(a->fd, &o, &a->rep);
	return NULL;
}

/* The chain killed and removed from a 128 KiB thread with 256 fds. */
static void test_deep_remove(void **state)
{
	const uint64_t flags = *(uint64_t *)*state;
	struct kill_args a = { .flags = flags };
	struct rlimit old, low;
	pthread_attr_t attr;
	pthread_t th;
	const char *top;
	int bottom, st;
	pid_t pid;

	cgt_require();
	top = cgt_mkgroup("deep");
	a.fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(a.fd >= 0);
	bottom = make_chain(a.fd);
	pid = spawn_at(bottom);
	close(bottom);

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = FD_LIMIT;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	assert_int_equal(pthread_attr_init(&attr), 0);
	assert_int_equal(pthread_attr_setstacksize(&attr, SMALL_STACK), 0);
	assert_int_equal(pthread_create(&th, &attr, kill_thread, &a), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	pthread_attr_destroy(&attr);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);

	assert_int_equal(a.ret, CGKILL_DONE);
	assert_true(a.rep.flags & CGKILL_REPORT_NO_USERS);
	assert_true(a.rep.flags & CGKILL_REPORT_REMOVED);
	assert_int_equal(a.rep.remove_error, 0);
	/* cgroup.kill signals nobody by name. */
	assert_int_equal(a.rep.signaled, flags & CGKILL_FORCE_FREEZE ? 1 : 0);
	/* Counted by the walks of the signalling passes, which the native
	 * path makes only when processes outlive cgroup.kill. */
	if (flags & CGKILL_FORCE_FREEZE)
		assert_true(a.rep.passes > 0);
	assert_int_equal(a.rep.cgroups, a.rep.passes ? DEPTH + 1 : 0);
	assert_int_equal(a.rep.last_method,
			 flags & CGKILL_FORCE_FREEZE ? CGKILL_METHOD_FREEZE :
						       CGKILL_METHOD_NATIVE);
	st = cgt_reap(pid, (int)cgt_ms(5000));
	assert_true(st != -1);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), flags & CGKILL_FORCE_FREEZE ? SIGTERM : SIGKILL);
	/* Everything removed, the target too; its fd is ours to close. */
	assert_int_equal(faccessat(a.fd, "d", F_OK, 0), -1);
	assert_int_equal(access(top, F_OK), -1);
	assert_int_equal(errno, ENOENT);
	close(a.fd);
}

static int count_children(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_type == DT_DIR && e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Whatever was created in or removed from the watched directory. */
static int watch_events(int ifd, char *what, size_t size)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	int count = 0;

	what[0] = '\0';
	while ((n = read(ifd, buf, sizeof(buf))) > 0)
		for (ssize_t o = 0; o < n;) {
			struct inotify_event *ev = (struct inotify_event *)(buf + o);
			size_t l = strlen(what);

			if (ev->mask & (IN_CREATE | IN_DELETE)) {
				snprintf(what + l, size - l, " %s %s",
					 ev->mask & IN_CREATE ? "created" : "removed",
					 ev->len ? ev->name : "?");
				count++;
			}
			o += (ssize_t)sizeof(*ev) + ev->len;
		}
	return count;
}

/* The probe in a child: in a cgroup namespace rooted at an empty group
 * (with cgroup2 mounted afresh for it), where the hierarchy it sees has
 * no child group, or else moved into the hierarchy's root.  Exit 0 when
 * its cgroup bits are want. */
static void probe_child(const char *g, uint64_t want, int in_ns)
{
	const uint64_t cg = CGKILL_FEATURE_KILL | CGKILL_FEATURE_FREEZE;
	char me[32];
	uint64_t f = 0;

	snprintf(me, sizeof(me), "%d", (int)getpid());
	if (!in_ns) {
		char procs[4200];
		int fd;

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgt_mount());
		fd = open(procs, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, me, strlen(me)) < 0)
			_exit(9);
		close(fd);
	} else {
		cgt_write(g, "cgroup.procs", me);
		if (unshare(CLONE_NEWCGROUP | CLONE_NEWNS) < 0 ||
		    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
		    umount2(cgt_mount(), MNT_DETACH) < 0 ||
		    mount("cgroup2", cgt_mount(), "cgroup2", 0, NULL) < 0)
			_exit(10);
		if (count_children(cgt_mount()) != 0)
			_exit(11);
	}
	if (cgkill_probe(-1, &f) < 0)
		_exit(12);
	if ((f & cg) != want)
		_exit(13);
	if (in_ns && count_children(cgt_mount()) != 0)
		_exit(14);
	_exit(0);
}

/* cgkill_probe(-1) answers from groups that exist and creates none, even
 * where the hierarchy it sees has no child group: the group it sees as
 * the root is watched for any directory made in it. */
static void test_probe_creates_nothing(void **state)
{
	const uint64_t cg = CGKILL_FEATURE_KILL | CGKILL_FEATURE_FREEZE;
	const char *g;
	char what[1024];
	uint64_t want = 0, f = 0;
	int gfd, ifd, st;

	(void)state;
	cgt_require();
	g = cgt_mkgroup("probe-root");
	gfd = open(g, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(gfd >= 0);
	/* What this kernel has, from a group we know. */
	assert_int_equal(cgkill_probe(gfd, &want), 0);
	close(gfd);
	want &= cg;
	assert_int_equal(cgkill_probe(-1, &f), 0);
	assert_int_equal(f & cg, want);

	ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	assert_true(ifd >= 0);
	assert_true(inotify_add_watch(ifd, g, IN_CREATE | IN_DELETE | IN_ONLYDIR) >= 0);
	for (int in_ns = 1; in_ns >= 0; in_ns--) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0)
			probe_child(g, want, in_ns);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st));
		if (WEXITSTATUS(st))
			fail_msg("probe child (%s) exited %d",
				 in_ns ? "namespace rooted at an empty group" : "root group",
				 WEXITSTATUS(st));
		if (watch_events(ifd, what, sizeof(what)))
			fail_msg("the probe changed the hierarchy:%s", what);
	}
	close(ifd);
	assert_int_equal(count_children(g), 0);
}

#define BOTH(f) \
	cmocka_unit_test_prestate_setup_teardown(f, cgt_setup, cgt_teardown, &native), \
	cmocka_unit_test_prestate_setup_teardown(f, cgt_setup, cgt_teardown, &fallback)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_deep_remove),
		cmocka_unit_test_prestate_setup_teardown(test_probe_creates_nothing,
							 cgt_setup, cgt_teardown, &native),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
