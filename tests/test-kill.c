// SPDX-License-Identifier: LGPL-2.1-or-later
/* The core on the real kernel, each test run twice: by the native path
 * (cgroup.kill) and by the forced fallback (freeze + pidfd). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

static uint64_t native = 0, fallback = CGKILL_FORCE_FREEZE;

static bool is_fallback(void **state)
{
	return *(uint64_t *)*state == CGKILL_FORCE_FREEZE;
}

static void assert_method(const struct cgkill_report *r, void **state)
{
	assert_int_equal(r->last_method, is_fallback(state) ? CGKILL_METHOD_FREEZE :
							 CGKILL_METHOD_NATIVE);
}

static void assert_killed(pid_t pid)
{
	int st = cgt_reap(pid, 2000);

	assert_true(st != -1);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGKILL);
}

static void assert_empty(const char *g, const struct cgkill_report *r)
{
	assert_true(r->flags & CGKILL_REPORT_NO_USERS);
	assert_false(r->flags & CGKILL_REPORT_TIMED_OUT);
	assert_int_equal(cgt_count_procs(g), 0);
	assert_int_equal(cgt_populated(g), 0);
	assert_int_equal(cgt_frozen_flag(g), 0);	/* never left frozen */
}

static void test_one_process(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g;
	pid_t pid;

	cgt_require();
	g = cgt_mkgroup("one");
	pid = cgt_spawn(g, CGT_PAUSE);
	cgt_opts(&o, state);
	assert_int_equal(cgkill_path(g, &o, &r), CGKILL_DONE);
	assert_method(&r, state);
	assert_killed(pid);
	assert_empty(g, &r);
	assert_false(r.flags & CGKILL_REPORT_POPULATED);
	assert_int_equal(r.first_signal, SIGKILL);
	/* Groups visited: the native path walks only if a rescan ran. */
	assert_int_equal(r.cgroups, r.passes ? 1 : 0);
	if (is_fallback(state))
		assert_true(r.passes >= 2);	/* the last one finds nobody new */
	assert_int_equal(r.kernel_threads, 0);
	/* The native path signals by pidfd only what the kernel missed. */
	assert_int_equal(r.signaled, is_fallback(state) ? 1 : 0);
	assert_int_equal(r.n_stages, 1);
	assert_true(r.elapsed_ns > 0);
}

/* 1000 processes, 20 in each of 50 groups: 5 + 15 + 30, three levels. */
static void test_thousand_in_fifty_groups(void **state)
{
	static pid_t pids[1000];
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *top = cgt_mkgroup("wide"), *names[50];
	char rel[64];
	int ng = 0, np = 0;

	cgt_require();
	for (int a = 0; a < 5; a++) {
		snprintf(rel, sizeof(rel), "wide/a%d", a);
		names[ng++] = cgt_mkgroup(rel);
		for (int b = 0; b < 3; b++) {
			snprintf(rel, sizeof(rel), "wide/a%d/b%d", a, b);
			names[ng++] = cgt_mkgroup(rel);
			for (int c = 0; c < 2; c++) {
				snprintf(rel, sizeof(rel), "wide/a%d/b%d/c%d", a, b, c);
				names[ng++] = cgt_mkgroup(rel);
			}
		}
	}
	assert_int_equal(ng, 50);
	for (int i = 0; i < 50; i++, np += 20)
		cgt_spawn_many(names[i], CGT_PAUSE, 20, pids + np);
	assert_int_equal(cgt_count_procs(top), 1000);
	cgt_opts(&o, state);
	assert_int_equal(cgkill_path(top, &o, &r), CGKILL_DONE);
	assert_method(&r, state);
	for (int i = 0; i < 1000; i++)
		assert_killed(pids[i]);
	assert_empty(top, &r);
	assert_int_equal(r.cgroups, r.passes ? 51 : 0);
	assert_int_equal(r.signaled, is_fallback(state) ? 1000 : 0);
	/* Removable, leaves first: nothing is left in any group. */
	for (int i = 49; i >= 0; i--)
		assert_int_equal(rmdir(names[i]), 0);
}

static void test_forkbomb(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("bomb");
	int before;

	cgt_require();
	cgt_forkbomb(g, 2000, 200);
	before = cgt_forkbomb_count();
	cgt_opts(&o, state);
	assert_int_equal(cgkill_path(g, &o, &r), CGKILL_DONE);
	assert_method(&r, state);
	assert_empty(g, &r);
	/* It was still growing when the kill began. */
	assert_true(before < 2000);
	if (!is_fallback(state))
		assert_int_equal(r.signaled, 0);
	assert_int_equal(rmdir(g), 0);
}

/* Processes whose main thread exited while another thread lives: the
 * kernel's cgroup.kill leaves them; the library must not. */
static void test_zombie_leaders(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("zl"), *sub = cgt_mkgroup("zl/sub");
	pid_t z[3], p[3];

	cgt_require();
	cgt_spawn_many(g, CGT_ZOMBIE_LEADER, 2, z);
	z[2] = cgt_spawn(sub, CGT_ZOMBIE_LEADER);
	cgt_spawn_many(g, CGT_PAUSE, 2, p);
	p[2] = cgt_spawn(sub, CGT_PAUSE);
	cgt_opts(&o, state);
	assert_int_equal(cgkill_path(g, &o, &r), CGKILL_DONE);
	assert_method(&r, state);
	assert_empty(g, &r);
	for (int i = 0; i < 3; i++) {
		assert_killed(z[i]);
		assert_killed(p[i]);
	}
	/* Natively, the mop-up hits exactly the three the kernel missed. */
	assert_int_equal(r.signaled, is_fallback(state) ? 6 : 3);
}

static pid_t other_thread(pid_t pid)
{
	char path[64];
	struct dirent *e;
	pid_t tid = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (atoi(e->d_name) > 0 && atoi(e->d_name) != pid)
			tid = atoi(e->d_name);
	closedir(d);
	assert_true(tid > 0);
	return tid;
}

static void test_threaded(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *root = cgt_mkgroup("dt"), *t1 = cgt_mkgroup("dt/t1");
	char tid[32];
	pid_t pid;

	cgt_require();
	pid = cgt_spawn(root, CGT_ZOMBIE_LEADER);	/* its thread lives on */
	cgt_write(t1, "cgroup.type", "threaded");
	cgt_write(cgt_mkgroup("dt/t2"), "cgroup.type", "threaded");
	/* Move the live thread into t1: its process stays listed in dt. */
	snprintf(tid, sizeof(tid), "%d", (int)other_thread(pid));
	cgt_write(t1, "cgroup.threads", tid);
	cgt_opts(&o, state);
	assert_int_equal(cgkill_path(t1, &o, &r), -EOPNOTSUPP);
	assert_true(cgt_alive(pid));
	assert_int_equal(cgt_populated(t1), 1);
	/* The domain-threaded root with its threaded children is killed. */
	assert_int_equal(cgkill_path(root, &o, &r), CGKILL_DONE);
	assert_method(&r, state);
	assert_killed(pid);
	assert_empty(root, &r);
	assert_int_equal(cgt_populated(t1), 0);
}

static void test_kernel_thread(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("kt");
	pid_t kt, pid;

	cgt_require();
	kt = cgt_move_kthread(g);
	if (!kt && getenv("CGKILL_REQUIRE_CGROUP"))
		fail_msg("no kernel thread could be moved into a cgroup");
	if (!kt) {
		fprintf(stderr, "SKIP: no kernel thread can be moved here\n");
		skip();
	}
	pid = cgt_spawn(g, CGT_PAUSE);
	cgt_opts(&o, state);
	o.timeout_ms = 20000;
	assert_int_equal(cgkill_path(g, &o, &r), CGKILL_DONE);
	assert_killed(pid);
	assert_true(r.flags & CGKILL_REPORT_NO_USERS);
	assert_true(r.flags & CGKILL_REPORT_POPULATED);	/* as the kernel's kill leaves it */
	assert_int_equal(r.kernel_threads, 1);
	assert_true(r.elapsed_ns < (uint64_t)cgt_ms(1000) * 1000000);	/* not the timeout */
	assert_int_equal(kill(kt, 0), 0);
	assert_int_equal(cgt_populated(g), 1);
	assert_int_equal(cgt_frozen_flag(g), 0);
}

static void test_guards(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("guard"), *sub = cgt_mkgroup("guard/me");
	char path[8192], link[256];
	int fd, st, p[2];
	pid_t pid, victim;

	cgt_require();
	victim = cgt_spawn(g, CGT_PAUSE);
	cgt_opts(&o, state);
	/* The root of the cgroup2 mount. */
	assert_int_equal(cgkill_path(cgt_mount(), &o, &r), -EPERM);
	fd = cgkill_open("/", CGKILL_OPEN_CGROUP_PATH);
	assert_true(fd >= 0);
	assert_int_equal(cgkill_fd(fd, &o, &r), -EPERM);
	close(fd);
	/* Bad targets. */
	snprintf(path, sizeof(path), "%s/missing", g);
	assert_int_equal(cgkill_path(path, &o, &r), -ENOENT);
	snprintf(path, sizeof(path), "%s/cgroup.procs", g);
	assert_int_equal(cgkill_path(path, &o, &r), -ENOTDIR);
	assert_int_equal(cgkill_path("/tmp", &o, &r), -EMEDIUMTYPE);
	assert_int_equal(cgkill_path("relative/path", &o, &r), -EINVAL);
	snprintf(link, sizeof(link), "/tmp/cgkill-test-link.%d", (int)getpid());
	unlink(link);
	assert_int_equal(symlink(g, link), 0);
	assert_int_equal(cgkill_path(link, &o, &r), -ELOOP);
	unlink(link);
	assert_true(cgt_alive(victim));
	/* The caller's own group and its ancestors, from a child inside. */
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int res[3];

		cgt_write(sub, "cgroup.procs", "0");
		res[0] = cgkill_path(sub, &o, NULL);
		res[1] = cgkill_path(g, &o, NULL);
		if (write(p[1], res, sizeof(int) * 2) < 0)
			_exit(1);
		/* Allowed in: the caller is left out of what is signalled
		 * and waited for; alone, it is all that is left. */
		o.flags |= CGKILL_ALLOW_SELF;
		res[2] = cgkill_path(sub, &o, NULL);
		_exit(res[2] == CGKILL_DONE ? 3 : 4);
	}
	{
		int res[2] = { 0, 0 };

		close(p[1]);
		assert_int_equal(read(p[0], res, sizeof(res)), sizeof(res));
		close(p[0]);
		assert_int_equal(res[0], -EDEADLK);
		assert_int_equal(res[1], -EDEADLK);
	}
	st = cgt_reap(pid, 5000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	assert_true(cgt_alive(victim));
}

static void test_ignoring_and_stopped(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("stubborn");
	pid_t ign[5], stp[5];

	cgt_require();
	cgt_spawn_many(g, CGT_IGNORE_ALL, 5, ign);
	cgt_spawn_many(g, CGT_PAUSE, 5, stp);
	for (int i = 0; i < 5; i++)
		assert_int_equal(kill(stp[i], SIGSTOP), 0);
	cgt_opts(&o, state);
	assert_int_equal(cgkill_path(g, &o, &r), CGKILL_DONE);
	for (int i = 0; i < 5; i++) {
		assert_killed(ign[i]);
		assert_killed(stp[i]);
	}
	assert_empty(g, &r);
}

static void test_frozen_before(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("cold"), *sub = cgt_mkgroup("cold/sub");
	pid_t a, b;

	cgt_require();
	a = cgt_spawn(g, CGT_PAUSE);
	b = cgt_spawn(sub, CGT_PAUSE);
	cgt_write(g, "cgroup.freeze", "1");
	cgt_write(sub, "cgroup.freeze", "1");
	cgt_opts(&o, state);
	assert_int_equal(cgkill_path(g, &o, &r), CGKILL_DONE);
	assert_killed(a);
	assert_killed(b);
	assert_true(r.flags & CGKILL_REPORT_NO_USERS);
	assert_int_equal(cgt_populated(g), 0);
	/* Each group's own freezer state is as it was. */
	assert_int_equal(cgt_frozen_flag(g), 1);
	assert_int_equal(cgt_frozen_flag(sub), 1);
}

static void test_report_size(void **state)
{
	struct cgkill_report r = { .size = CGKILL_REPORT_SIZE_VER0 - 1 };
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("small");
	pid_t pid;

	cgt_require();
	pid = cgt_spawn(g, CGT_PAUSE);
	cgt_opts(&o, state);
	assert_int_equal(cgkill_path(g, &o, &r), -EINVAL);
	assert_true(cgt_alive(pid));
	/* No report at all is fine. */
	assert_int_equal(cgkill_path(g, &o, NULL), CGKILL_DONE);
	assert_killed(pid);
}

static int count_children(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_type == DT_DIR && e->d_name[0] != '.';
	if (d)
		closedir(d);
	return d ? n : -1;
}

/* The probe answers from the files the kernel creates, and creates
 * nothing, even in a cgroup namespace whose root has no child: there the
 * mount's root is a group that has the files. A child process sees such
 * a hierarchy: a cgroup namespace rooted at an empty group of ours, with
 * cgroup2 mounted afresh in a mount namespace of its own. */
static void test_probe(void **state)
{
	const uint64_t want = CGKILL_FEATURE_KILL | CGKILL_FEATURE_FREEZE;
	const char *g = cgt_mkgroup("probe-root");
	uint64_t f = 0;
	int st;
	pid_t pid;

	(void)state;
	cgt_require();
	assert_int_equal(cgkill_probe(-1, &f), 0);
	assert_int_equal(f & want, want);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char me[32];

		snprintf(me, sizeof(me), "%d", (int)getpid());
		cgt_write(g, "cgroup.procs", me);
		if (unshare(CLONE_NEWCGROUP | CLONE_NEWNS) < 0 ||
		    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
		    umount2(cgt_mount(), MNT_DETACH) < 0 ||
		    mount("cgroup2", cgt_mount(), "cgroup2", 0, NULL) < 0)
			_exit(10);
		if (count_children(cgt_mount()) != 0)
			_exit(11);
		f = 0;
		if (cgkill_probe(-1, &f) < 0 || (f & want) != want)
			_exit(12);
		_exit(count_children(cgt_mount()) == 0 ? 0 : 13);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(count_children(g), 0);	/* its own group removed */
}

#define BOTH(f) \
	cmocka_unit_test_prestate_setup_teardown(f, cgt_setup, cgt_teardown, &native), \
	cmocka_unit_test_prestate_setup_teardown(f, cgt_setup, cgt_teardown, &fallback)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_one_process),
		BOTH(test_thousand_in_fifty_groups),
		BOTH(test_forkbomb),
		BOTH(test_zombie_leaders),
		BOTH(test_threaded),
		BOTH(test_kernel_thread),
		BOTH(test_guards),
		BOTH(test_ignoring_and_stopped),
		BOTH(test_frozen_before),
		BOTH(test_report_size),
		cmocka_unit_test_prestate_setup_teardown(test_probe, cgt_setup,
							 cgt_teardown, &native),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
