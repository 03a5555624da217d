// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Naming a target: zombies, threads, and groups with odd names.
 *
 * A zombie (exited, not yet reaped) still holds its pid, signal 0 still
 * succeeds on it and its /proc/PID/cgroup still names the group it left.
 * Before, cgkill_pid() on one returned 0 and killed its live former
 * group-mates; and when that group was removed, the zombie's group read
 * "/.../v (deleted)", the name of any group a tenant cares to make.  Now
 * every call naming a process answers ESRCH for one that has exited,
 * reaped or not, by every route (pid, pidfd, thread pidfd, /proc/PID
 * directory) - while a zombie leader whose threads still run is alive.
 *
 * A thread id that is not a thread-group leader is EINVAL, as the pages
 * say (pidfd_open() says ENOENT on this kernel, and a /proc/TID directory
 * opens like any other).
 *
 * Removal was read from the text of /proc/self/fd links: a group named
 * "x (deleted)" could not be killed by path, by pid or by pidfd.  Now the
 * kernel is asked, and a group really removed still gives ENOENT.
 *
 * Safety: only processes this test started are ever signalled; the calls
 * that must fail on a thread run as CGKILL_DRY_RUN.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

struct method {
	uint64_t flags;
	bool procfs;	/* verify by /proc, as kernels before 6.13 do */
};

static struct method native, fallback = { CGKILL_FORCE_FREEZE, false },
	procfs = { CGKILL_FORCE_FREEZE, true };

/* Options for the method under test; the test unsets the variable. */
static void opts_for(struct cgkill_opts *o, void **state)
{
	const struct method *m = *state;

	cgkill_opts_init(o);
	o->flags = m->flags;
	o->timeout_ms = cgt_ms(30000);
	if (m->procfs)
		setenv("CGKILL_NO_PIDFD_INFO", "1", 1);
	else
		unsetenv("CGKILL_NO_PIDFD_INFO");
}

static void write_procs(const char *group)
{
	char path[8192];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", group);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1)
		_exit(100);
	close(fd);
}

/* A child of ours that moves into group and exits at once: a zombie
 * until we reap it. */
static pid_t zombie_in(const char *group)
{
	siginfo_t si;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		write_procs(group);
		_exit(0);
	}
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(si.si_status, 0);	/* it did move in */
	return pid;
}

static void reap_zombie(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void *second_thread(void *arg)
{
	int wfd = *(int *)arg;
	pid_t tid = (pid_t)syscall(SYS_gettid);

	if (write(wfd, &tid, sizeof(tid)) != sizeof(tid))
		_exit(102);
	for (;;)
		pause();
	return NULL;
}

/* A child of ours in group, its leader alive and a second thread, whose
 * id goes to *tid. */
static pid_t threaded_in(const char *group, pid_t *tid)
{
	int p[2];
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pthread_t th;
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close(p[0]);
		write_procs(group);
		if (pthread_create(&th, NULL, second_thread, &p[1]))
			_exit(101);
		for (;;)
			pause();
	}
	close(p[1]);
	assert_int_equal(read(p[0], tid, sizeof(*tid)), sizeof(*tid));
	close(p[0]);
	assert_true(*tid != pid);
	return pid;
}

static void assert_killed(pid_t pid)
{
	int st = cgt_reap(pid, (int)cgt_ms(5000));

	if (st == -1 || !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		fail_msg("pid %d: not killed by SIGKILL (status %d)", (int)pid, st);
}

static void assert_all_alive(const pid_t *pids, int n)
{
	for (int i = 0; i < n; i++)
		if (!cgt_alive(pids[i]))
			fail_msg("pid %d, a group-mate, is gone", (int)pids[i]);
}

static int proc_dir(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

/* A PIDFD_THREAD pidfd of tid, or -1 where the kernel has none (before
 * 6.9, or valgrind). */
static int thread_pidfd(pid_t tid)
{
	int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);

	if (fd < 0 && errno != EINVAL && errno != ENOSYS)
		fail_msg("pidfd_open(%d, PIDFD_THREAD): %s", (int)tid, strerror(errno));
	if (fd < 0)
		fprintf(stderr, "no PIDFD_THREAD here: thread pidfds not checked\n");
	return fd;
}

/* A report the call must leave as it was. */
static void report_fill(struct cgkill_report *r)
{
	memset(r, 0x5a, sizeof(*r));
	r->size = sizeof(*r);
}

static void assert_report_untouched(const struct cgkill_report *r)
{
	struct cgkill_report want;

	report_fill(&want);
	assert_memory_equal(r, &want, sizeof(want));
}

/* Every call naming the process behind pid (a zombie) answers ESRCH, and
 * nothing in its former group is touched. */
static void assert_all_esrch(pid_t pid, struct cgkill_opts *o)
{
	struct cgkill_report rep;
	int fd, tfd;

	report_fill(&rep);
	assert_int_equal(cgkill_pid(pid, o, &rep), -ESRCH);
	assert_report_untouched(&rep);
	assert_int_equal(cgkill_open_pid(pid, 0), -ESRCH);

	fd = cgt_pidfd_open(pid);
	assert_true(fd >= 0);
	assert_int_equal(cgkill_pidfd(fd, o, &rep), -ESRCH);
	assert_report_untouched(&rep);
	assert_int_equal(cgkill_open_pidfd(fd, 0), -ESRCH);
	close(fd);

	fd = proc_dir(pid);
	assert_int_equal(cgkill_pidfd(fd, o, &rep), -ESRCH);
	assert_report_untouched(&rep);
	assert_int_equal(cgkill_open_pidfd(fd, 0), -ESRCH);
	close(fd);

	tfd = thread_pidfd(pid);
	if (tfd >= 0) {
		assert_int_equal(cgkill_pidfd(tfd, o, &rep), -ESRCH);
		assert_report_untouched(&rep);
		assert_int_equal(cgkill_open_pidfd(tfd, 0), -ESRCH);
		close(tfd);
	}
}

/* A zombie among live group-mates: its group is not its own any more. */
static void test_zombie(void **state)
{
	struct cgkill_opts o;
	const char *g = cgt_mkgroup("z");
	pid_t mates[2], z;

	opts_for(&o, state);
	cgt_spawn_many(g, CGT_PAUSE, 2, mates);
	z = zombie_in(g);
	assert_int_equal(cgt_count_procs(g), 2);	/* zombies are not listed */
	assert_all_esrch(z, &o);
	assert_all_alive(mates, 2);
	assert_int_equal(cgt_count_procs(g), 2);
	reap_zombie(z);
	unsetenv("CGKILL_NO_PIDFD_INFO");
}

/* The zombie's group removed, and a group of live processes named as the
 * zombie's /proc/PID/cgroup now names its old one. */
static void test_zombie_of_removed_group(void **state)
{
	struct cgkill_opts o;
	const char *v = cgt_mkgroup("v"), *decoy = cgt_mkgroup("v (deleted)");
	char path[64], buf[8192];
	pid_t mates[2], z;
	int fd;
	ssize_t n;

	opts_for(&o, state);
	cgt_spawn_many(decoy, CGT_PAUSE, 2, mates);
	z = zombie_in(v);
	assert_int_equal(rmdir(v), 0);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)z);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	if (!strstr(buf, "/v (deleted)\n"))
		fail_msg("the zombie's group does not read as the decoy's: %s", buf);
	assert_all_esrch(z, &o);
	assert_all_alive(mates, 2);
	reap_zombie(z);
	unsetenv("CGKILL_NO_PIDFD_INFO");
}

/* A leader that exited while another thread runs is a live process: each
 * route kills its group. */
static void test_zombie_leader_lives(void **state)
{
	struct cgkill_opts o;
	struct cgkill_report rep = { .size = sizeof(rep) };
	const char *g = cgt_mkgroup("zl");

	opts_for(&o, state);
	for (int route = 0; route < 4; route++) {
		pid_t zl = cgt_spawn(g, CGT_ZOMBIE_LEADER), mate = cgt_spawn(g, CGT_PAUSE);
		int fd, gfd, r;

		switch (route) {
		case 0:
			r = cgkill_pid(zl, &o, &rep);
			break;
		case 1:
		case 2:
			fd = route == 1 ? cgt_pidfd_open(zl) : proc_dir(zl);
			assert_true(fd >= 0);
			r = cgkill_pidfd(fd, &o, &rep);
			close(fd);
			break;
		default:
			fd = thread_pidfd(zl);
			if (fd < 0) {
				r = cgkill_pid(zl, &o, &rep);
				break;
			}
			gfd = cgkill_open_pidfd(fd, 0);
			close(fd);
			assert_true(gfd >= 0);
			r = cgkill_fd(gfd, &o, &rep);
			close(gfd);
			break;
		}
		if (r != CGKILL_DONE)
			fail_msg("route %d: %d (%s)", route, r, strerror(-r));
		assert_killed(zl);
		assert_killed(mate);
		assert_int_equal(cgt_populated(g), 0);
	}
	unsetenv("CGKILL_NO_PIDFD_INFO");
}

/* A thread that is not the leader is no process to name. */
static void test_thread_id(void **state)
{
	struct cgkill_opts o;
	struct cgkill_report rep;
	const char *g = cgt_mkgroup("t");
	pid_t tid, pid = threaded_in(g, &tid), mate = cgt_spawn(g, CGT_PAUSE);
	int fd;

	opts_for(&o, state);
	o.flags |= CGKILL_DRY_RUN;	/* should a guard fail */
	report_fill(&rep);
	assert_int_equal(cgkill_pid(tid, &o, &rep), -EINVAL);
	assert_report_untouched(&rep);
	assert_int_equal(cgkill_open_pid(tid, 0), -EINVAL);

	fd = proc_dir(tid);	/* opens for any thread */
	assert_int_equal(cgkill_open_pidfd(fd, 0), -EINVAL);
	assert_int_equal(cgkill_pidfd(fd, &o, &rep), -EINVAL);
	assert_report_untouched(&rep);
	close(fd);

	fd = thread_pidfd(tid);
	if (fd >= 0) {
		assert_int_equal(cgkill_open_pidfd(fd, 0), -EINVAL);
		assert_int_equal(cgkill_pidfd(fd, &o, &rep), -EINVAL);
		assert_report_untouched(&rep);
		close(fd);
	}
	/* The leader's own thread pidfd names the process. */
	fd = thread_pidfd(pid);
	if (fd >= 0) {
		int gfd = cgkill_open_pidfd(fd, 0);

		assert_true(gfd >= 0);
		close(gfd);
		close(fd);
	}
	assert_true(cgt_alive(pid));
	assert_true(cgt_alive(mate));
	assert_int_equal(cgt_count_procs(g), 2);
	unsetenv("CGKILL_NO_PIDFD_INFO");
}

/* Names a tenant may give its groups. */
static const char *const odd_names[] = {
	"x (deleted)",
	" (deleted)",
	"(deleted)",
	"a b  c ",
	"tab\there",
	"x (deleted)/y (deleted)",
};

static void kill_odd(const char *g, struct cgkill_opts *o, int route)
{
	struct cgkill_report rep = { .size = sizeof(rep) };
	pid_t p[2];
	int fd, gfd, r;

	cgt_spawn_many(g, CGT_PAUSE, 2, p);
	switch (route) {
	case 0:
		r = cgkill_path(g, o, &rep);
		break;
	case 1:
		r = cgkill_pid(p[0], o, &rep);
		break;
	case 2:
		fd = cgt_pidfd_open(p[1]);
		assert_true(fd >= 0);
		r = cgkill_pidfd(fd, o, &rep);
		close(fd);
		break;
	default:
		fd = proc_dir(p[0]);
		gfd = cgkill_open_pidfd(fd, 0);
		close(fd);
		if (gfd < 0)
			fail_msg("\"%s\": cgkill_open_pidfd(/proc/PID): %s", g, strerror(-gfd));
		r = cgkill_fd(gfd, o, &rep);
		close(gfd);
		break;
	}
	if (r != CGKILL_DONE)
		fail_msg("\"%s\", route %d: %d (%s)", g, route, r, strerror(-r));
	assert_true(rep.flags & CGKILL_REPORT_NO_USERS);
	if (o->flags & CGKILL_FORCE_FREEZE)
		assert_int_equal(rep.signaled, 2);
	assert_killed(p[0]);
	assert_killed(p[1]);
	assert_int_equal(cgt_populated(g), 0);
}

static void test_odd_names(void **state)
{
	struct cgkill_opts o;
	char nl[8192];
	pid_t bystander;

	opts_for(&o, state);
	/* A sibling that every kill must leave alone. */
	bystander = cgt_spawn(cgt_mkgroup("x"), CGT_PAUSE);
	for (size_t i = 0; i < sizeof(odd_names) / sizeof(odd_names[0]); i++) {
		const char *g = cgt_mkgroup(odd_names[i]);

		for (int route = 0; route < 4; route++)
			kill_odd(g, &o, route);
	}
	/* cgroup2 refuses a newline, which would break /proc/PID/cgroup. */
	snprintf(nl, sizeof(nl), "%s/new\nline", cgt_parent());
	if (mkdir(nl, 0755) == 0) {
		for (int route = 0; route < 4; route++)
			kill_odd(nl, &o, route);
		assert_int_equal(rmdir(nl), 0);
	} else {
		assert_int_equal(errno, EINVAL);
	}
	assert_true(cgt_alive(bystander));
	unsetenv("CGKILL_NO_PIDFD_INFO");
}

/* A group really removed is still gone, though its fd's link names a
 * live sibling. */
static void test_removed_group(void **state)
{
	struct cgkill_opts o;
	struct cgkill_report rep;
	struct cgkill_op *op = NULL;
	const char *r = cgt_mkgroup("r"), *decoy = cgt_mkgroup("r (deleted)");
	char link[64], target[8192];
	pid_t mate = cgt_spawn(decoy, CGT_PAUSE);
	int fd = open(r, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ssize_t n;

	opts_for(&o, state);
	assert_true(fd >= 0);
	assert_int_equal(rmdir(r), 0);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, decoy);	/* the text names the decoy */
	report_fill(&rep);
	assert_int_equal(cgkill_fd(fd, &o, &rep), -ENOENT);
	assert_report_untouched(&rep);
	assert_int_equal(cgkill_op_start(fd, &o, &op), -ENOENT);
	assert_null(op);
	close(fd);
	assert_int_equal(cgkill_path(r, &o, &rep), -ENOENT);
	assert_true(cgt_alive(mate));
	unsetenv("CGKILL_NO_PIDFD_INFO");
}

#define EACH(f) \
	cmocka_unit_test_prestate_setup_teardown(f, cgt_setup, cgt_teardown, &native), \
	cmocka_unit_test_prestate_setup_teardown(f, cgt_setup, cgt_teardown, &fallback), \
	cmocka_unit_test_prestate_setup_teardown(f, cgt_setup, cgt_teardown, &procfs)

int main(void)
{
	const struct CMUnitTest tests[] = {
		EACH(test_zombie),
		EACH(test_zombie_of_removed_group),
		EACH(test_zombie_leader_lives),
		cmocka_unit_test_prestate_setup_teardown(test_thread_id, cgt_setup,
							 cgt_teardown, &native),
		EACH(test_odd_names),
		cmocka_unit_test_prestate_setup_teardown(test_removed_group, cgt_setup,
							 cgt_teardown, &native),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
