// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CGKILL_RELEASE_MEMORY on the real kernel, on both paths: processes that
 * touched a known amount of anonymous memory are killed, and the report's
 * figure is what they held (at least 80 % of what they touched, at most
 * the machine); the release ends within the operation; a bystander with
 * memory of its own beside the target keeps every page; the flag needs
 * SIGKILL; and a kernel without process_mrelease (ENOSYS, injected by
 * wrapping syscall() with the linker) or a seccomp filter (EPERM) leaves
 * the kill as it was, with CGKILL_REPORT_NO_MRELEASE.  Not timed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#ifndef SYS_process_mrelease
#define SYS_process_mrelease 448
#endif

#define HOGS 4
#define HOG_MIB 32
#define HOG_BYTES ((uint64_t)HOG_MIB << 20)

/* What process_mrelease() answers, if not the kernel's (0). */
static volatile int inject_errno;
static volatile long mrelease_calls;

long __real_syscall(long n, ...);
long __wrap_syscall(long n, ...);
long __wrap_syscall(long n, ...)
{
	long a[6];
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (n == SYS_process_mrelease) {
		mrelease_calls++;
		if (inject_errno) {
			errno = inject_errno;
			return -1;
		}
	}
	return __real_syscall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}

#define HOG_IGNORE_TERM 1	/* escalation has to kill it */
#define HOG_IDLE 2		/* SCHED_IDLE once its memory is touched */

/* A child in group that touched mib MiB, running once this returns. */
static pid_t hog(const char *group, size_t mib, int how)
{
	int p[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char path[8192];
		size_t size = mib << 20;
		char *m;
		int fd;

		close(p[0]);
		snprintf(path, sizeof(path), "%s/cgroup.procs", group);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(100);
		close(fd);
		if (how & HOG_IGNORE_TERM)
			signal(SIGTERM, SIG_IGN);
		m = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			_exit(101);
		for (size_t o = 0; o < size; o += 4096)
			m[o] = 1;	/* resident, not only reserved */
		if ((how & HOG_IDLE) &&
		    sched_setscheduler(0, SCHED_IDLE, &(struct sched_param){ 0 }) < 0)
			_exit(103);
		if (write(p[1], "x", 1) != 1)
			_exit(102);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		fail_msg("hog %d did not start in %s", (int)pid, group);
	close(p[0]);
	return pid;
}

/* Resident set of pid in bytes (/proc/PID/statm); 0 if gone. */
static uint64_t rss(pid_t pid)
{
	char path[64];
	unsigned long pages = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%*u %lu", &pages) != 1)
		pages = 0;
	fclose(f);
	return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

static uint64_t mem_total(void)
{
	unsigned long long kib = 0;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kib) == 1)
			break;
	fclose(f);
	assert_true(kib > 0);
	return (uint64_t)kib << 10;
}

struct scene {
	const char *victims, *bystander;
	pid_t hogs[HOGS], by;
	uint64_t by_rss;
};

static void scene_up(struct scene *sc, int how)
{
	sc->victims = cgt_mkgroup("victims");
	sc->bystander = cgt_mkgroup("bystander-mem");
	for (int i = 0; i < HOGS; i++)
		sc->hogs[i] = hog(sc->victims, HOG_MIB, how);
	sc->by = hog(sc->bystander, HOG_MIB, 0);
	sc->by_rss = rss(sc->by);
	assert_true(sc->by_rss >= HOG_BYTES);
	mrelease_calls = 0;
}

/* Every hog died of SIGKILL; the bystander lives on with every page it
 * had, and its group is still populated. */
static void scene_check(struct scene *sc)
{
	for (int i = 0; i < HOGS; i++) {
		int st = cgt_reap(sc->hogs[i], (int)cgt_ms(10000));

		assert_true(st != -1);
		assert_true(WIFSIGNALED(st));
		assert_int_equal(WTERMSIG(st), SIGKILL);
	}
	assert_true(cgt_alive(sc->by));
	assert_true(rss(sc->by) >= sc->by_rss);
	assert_int_equal(cgt_populated(sc->bystander), 1);
	assert_int_equal(cgt_populated(sc->victims), 0);
}

/* The kernel's own answer, not the wrapper's: EBADF for no fd at all where
 * the call exists.  Without it (before 5.15) the figures cannot be tested;
 * test_release_enosys covers what the library does then. */
static void need_mrelease(void)
{
	if (__real_syscall(SYS_process_mrelease, -1L, 0L) < 0 && errno == ENOSYS) {
		fprintf(stderr, "SKIP: no process_mrelease in this kernel\n");
		skip();
	}
}

static void check_released(const struct cgkill_report *r)
{
	uint64_t want = (uint64_t)HOGS * HOG_BYTES;

	assert_false(r->flags & CGKILL_REPORT_NO_MRELEASE);
	assert_true(r->memory_released_bytes >= want / 10 * 8);
	assert_true(r->memory_released_bytes <= mem_total());
	assert_true(r->memory_released_ns > 0);
	assert_true(r->memory_released_ns <= r->elapsed_ns);
	assert_true(mrelease_calls >= 1);
}

static void test_release(void **state)
{
	struct cgkill_opts o;
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_stage st[2];
	struct scene sc;

	need_mrelease();
	scene_up(&sc, 0);
	cgt_opts(&o, state);
	o.flags |= CGKILL_RELEASE_MEMORY;
	o.timeout_ms = cgt_ms(10000);
	assert_int_equal(cgt_kill_stages(sc.victims, &o, &r, st, 2), CGKILL_DONE);
	assert_true(r.flags & CGKILL_REPORT_NO_USERS);
	assert_int_equal(r.last_method, *(uint64_t *)*state ? CGKILL_METHOD_FREEZE :
							      CGKILL_METHOD_NATIVE);
	check_released(&r);
	scene_check(&sc);
}

/* One CPU-bound process per CPU beside victims at SCHED_IDLE: a killed
 * victim would wait long for the CPU, so the library kills and reaps the
 * largest one at a time before the rest (on the native path, each by its
 * pidfd, observed and counted as the fallback's signals are). */
static void cpu_hogs(void)
{
	const char *g = cgt_mkgroup("cpu-hogs");
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	for (long i = 0; i < ncpu; i++) {
		char path[8192];
		pid_t pid = fork();
		int fd;

		assert_true(pid >= 0);
		if (pid)
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.procs", g);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(100);
		for (volatile unsigned long x = 0;; x++)
			;
	}
}

struct seen {
	int n, sigkill, in_target;
};

static int count_observed(const struct cgkill_proc *p, void *data)
{
	struct seen *s = data;

	s->n++;
	s->sigkill += p->signal == SIGKILL;
	s->in_target += p->cgroup && !strcmp(p->cgroup, "");
	return 0;
}

static void test_release_busy(void **state)
{
	struct cgkill_opts o;
	struct cgkill_report r = { .size = sizeof(r) };
	struct seen seen = { 0 };
	struct scene sc;

	need_mrelease();
	scene_up(&sc, HOG_IDLE);
	cpu_hogs();
	cgt_opts(&o, state);
	o.flags |= CGKILL_RELEASE_MEMORY;
	o.timeout_ms = cgt_ms(10000);
	o.observer = count_observed;
	o.userdata = &seen;
	assert_int_equal(cgkill_path(sc.victims, &o, &r), CGKILL_DONE);
	check_released(&r);
	/* Each process signalled by its pidfd was observed, with SIGKILL and
	 * its group; at least the largest was (the native path kills the
	 * rest with cgroup.kill, which nobody observes). */
	assert_true(seen.n >= 1);
	assert_int_equal((uint64_t)seen.n, r.signaled);
	assert_int_equal(seen.sigkill, seen.n);
	assert_int_equal(seen.in_target, seen.n);
	if (*(uint64_t *)*state)
		assert_int_equal(seen.n, HOGS);
	scene_check(&sc);
}

/* The memory is reaped after escalation's SIGKILL, never after a signal
 * the victims may survive. */
static void test_release_escalate(void **state)
{
	struct cgkill_opts o;
	struct cgkill_report r = { .size = sizeof(r) };
	struct scene sc;

	need_mrelease();
	scene_up(&sc, HOG_IGNORE_TERM);
	cgt_opts(&o, state);
	o.signal = SIGTERM;
	o.flags |= CGKILL_RELEASE_MEMORY | CGKILL_ESCALATE;
	o.grace_ms = cgt_ms(100);
	o.timeout_ms = cgt_ms(10000);
	assert_int_equal(cgkill_path(sc.victims, &o, &r), CGKILL_DONE);
	assert_true(r.flags & CGKILL_REPORT_ESCALATED);
	assert_int_equal(r.n_stages, 2);
	check_released(&r);
	/* Not before the SIGKILL stage started. */
	assert_true(r.memory_released_ns >= (uint64_t)cgt_ms(100) * 1000000ULL);
	scene_check(&sc);
}

/* Memory comes back only from a process that SIGKILL ends: the flag with
 * another signal and no escalation, or with a dry run, is refused before
 * anything is signalled. */
static void test_release_needs_sigkill(void **state)
{
	struct cgkill_opts o;
	struct cgkill_report r = { .size = sizeof(r) };
	const char *g = cgt_mkgroup("victims");
	pid_t pid = cgt_spawn(g, CGT_PAUSE);

	cgt_opts(&o, state);
	o.signal = SIGTERM;
	o.flags |= CGKILL_RELEASE_MEMORY;
	assert_int_equal(cgkill_path(g, &o, &r), -EINVAL);
	cgt_opts(&o, state);
	o.flags |= CGKILL_RELEASE_MEMORY | CGKILL_DRY_RUN;
	assert_int_equal(cgkill_path(g, &o, &r), -EINVAL);
	assert_true(cgt_alive(pid));
	assert_int_equal(cgt_count_procs(g), 1);
}

/* No process_mrelease (before Linux 5.15), or a filter that refuses it:
 * the flag is accepted, the kill is the same, and the report says the
 * library released nothing. */
static void release_refused(void **state, int err)
{
	struct cgkill_opts o;
	struct cgkill_report r = { .size = sizeof(r) };
	struct scene sc;

	scene_up(&sc, 0);
	cgt_opts(&o, state);
	o.flags |= CGKILL_RELEASE_MEMORY;
	o.timeout_ms = cgt_ms(10000);
	inject_errno = err;
	assert_int_equal(cgkill_path(sc.victims, &o, &r), CGKILL_DONE);
	inject_errno = 0;
	assert_true(r.flags & CGKILL_REPORT_NO_USERS);
	assert_true(r.flags & CGKILL_REPORT_NO_MRELEASE);
	assert_int_equal(r.memory_released_bytes, 0);
	assert_int_equal(r.memory_released_ns, 0);
	/* Asked once: the first answer stands for the kernel. */
	assert_int_equal(mrelease_calls, 1);
	scene_check(&sc);
}

static void test_release_enosys(void **state)
{
	release_refused(state, ENOSYS);
}

static void test_release_eperm(void **state)
{
	release_refused(state, EPERM);
}

/* Without the flag nothing is reaped, and the report's fields stay 0. */
static void test_no_flag(void **state)
{
	struct cgkill_opts o;
	struct cgkill_report r = { .size = sizeof(r) };
	struct scene sc;

	scene_up(&sc, 0);
	cgt_opts(&o, state);
	o.timeout_ms = cgt_ms(10000);
	assert_int_equal(cgkill_path(sc.victims, &o, &r), CGKILL_DONE);
	assert_int_equal(mrelease_calls, 0);
	assert_false(r.flags & CGKILL_REPORT_NO_MRELEASE);
	assert_int_equal(r.memory_released_bytes, 0);
	assert_int_equal(r.memory_released_ns, 0);
	scene_check(&sc);
}

static uint64_t native = 0, fallback = CGKILL_FORCE_FREEZE;

#define BOTH(fn) \
	cmocka_unit_test_prestate_setup_teardown(fn, cgt_setup, cgt_teardown, &native), \
	cmocka_unit_test_prestate_setup_teardown(fn, cgt_setup, cgt_teardown, &fallback)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_release),
		BOTH(test_release_escalate),
		BOTH(test_release_busy),
		BOTH(test_release_needs_sigkill),
		BOTH(test_release_enosys),
		BOTH(test_release_eperm),
		BOTH(test_no_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
