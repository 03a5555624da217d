// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Injected faults. This binary links the library's objects with the
 * linker's --wrap for every system call and allocation the library makes,
 * so production code is untouched. For each errno and each injection point
 * (the Nth eligible call of an operation) the kill must return that error,
 * or succeed where retrying is right, and in every case: the freezer is as
 * it was, no fd and no allocation is left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "cgkill-private.h"

static bool armed;
static int fail_at, fail_errno, calls;
static const char *failed_in;
static long live_allocs;

/* Is this call the one to fail? alloc: only ENOMEM applies to it. */
static bool inject(const char *name, bool alloc)
{
	if (!armed || (alloc && fail_errno != ENOMEM) || (!alloc && fail_errno == ENOMEM))
		return false;
	if (++calls != fail_at)
		return false;
	failed_in = name;
	errno = fail_errno;
	return true;
}

#define WRAP(ret, name, params, args) \
	ret __real_##name params; \
	ret __wrap_##name params; \
	ret __wrap_##name params \
	{ \
		if (inject(#name, false)) \
			return (ret)-1; \
		return __real_##name args; \
	}

WRAP(ssize_t, read, (int fd, void *b, size_t n), (fd, b, n))
WRAP(ssize_t, pread64, (int fd, void *b, size_t n, off_t o), (fd, b, n, o))
WRAP(ssize_t, write, (int fd, const void *b, size_t n), (fd, b, n))
WRAP(ssize_t, getdents64, (int fd, void *b, size_t n), (fd, b, n))
WRAP(int, epoll_create1, (int f), (f))
WRAP(int, epoll_ctl, (int e, int op, int fd, struct epoll_event *ev), (e, op, fd, ev))
WRAP(int, timerfd_create, (int c, int f), (c, f))
WRAP(int, timerfd_settime, (int fd, int f, const struct itimerspec *n, struct itimerspec *o),
     (fd, f, n, o))
WRAP(int, unlinkat, (int d, const char *p, int f), (d, p, f))
WRAP(int, fstat64, (int fd, struct stat *st), (fd, st))
WRAP(int, fstatfs64, (int fd, struct statfs *st), (fd, st))
WRAP(int, faccessat, (int d, const char *p, int m, int f), (d, p, m, f))
WRAP(ssize_t, readlink, (const char *p, char *b, size_t n), (p, b, n))
WRAP(off_t, lseek64, (int fd, off_t o, int w), (fd, o, w))
WRAP(int, stat64, (const char *p, struct stat *st), (p, st))
WRAP(int, statx, (int d, const char *p, int f, unsigned int m, struct statx *st),
     (d, p, f, m, st))

int __real_openat64(int d, const char *p, int f, ...);
int __wrap_openat64(int d, const char *p, int f, ...);
int __wrap_openat64(int d, const char *p, int f, ...)
{
	return inject("openat", false) ? -1 : __real_openat64(d, p, f, 0);
}

int __real_open64(const char *p, int f, ...);
int __wrap_open64(const char *p, int f, ...);
int __wrap_open64(const char *p, int f, ...)
{
	return inject("open", false) ? -1 : __real_open64(p, f, 0);
}

int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	return inject("ioctl", false) ? -1 : __real_ioctl(fd, req, arg);
}

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
	if (inject("syscall", false))
		return -1;
	return __real_syscall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t m, size_t n);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t m, size_t n);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);

void *__wrap_malloc(size_t n)
{
	void *p = inject("malloc", true) ? NULL : __real_malloc(n);

	if (p && armed)
		live_allocs++;
	return p;
}

void *__wrap_calloc(size_t m, size_t n)
{
	void *p = inject("calloc", true) ? NULL : __real_calloc(m, n);

	if (p && armed)
		live_allocs++;
	return p;
}

void *__wrap_realloc(void *old, size_t n)
{
	void *p = inject("realloc", true) ? NULL : __real_realloc(old, n);

	if (p && !old && armed)
		live_allocs++;
	return p;
}

void __wrap_free(void *p)
{
	if (p && armed)
		live_allocs--;
	__real_free(p);
}

char *__wrap_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = __wrap_malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

static const int errnos[] = { EINTR, EAGAIN, ENOMEM, EMFILE, ENFILE, EACCES, ESRCH, ENODEV };

/* Is err one of cgkill_path()'s documented errors? */
static bool path_error(int err)
{
	const int *set = errors_of_call(CGK_CALL_PATH, NULL);

	assert_non_null(set);
	for (; *set; set++)
		if (*set == err)
			return true;
	return false;
}

/* Calls where the library retries EINTR and EAGAIN. */
static bool retried(const char *fn)
{
	return !strcmp(fn, "read") || !strcmp(fn, "pread64") || !strcmp(fn, "write") ||
	       !strcmp(fn, "getdents64");
}

static void run_all(void **state, int signal)
{
	struct cgkill_report r = { .size = sizeof(r) };
	const char *g = cgt_mkgroup("faults"), *sub = cgt_mkgroup("faults/sub");
	struct cgkill_opts o;
	int total, points = 0;
	bool verbose = getenv("CGKILL_FAULTS_VERBOSE");

	cgt_opts(&o, state);
	o.signal = signal;
	o.timeout_ms = 5000;
	/* A clean run counts the calls an operation makes. */
	for (size_t e = 0; e < sizeof(errnos) / sizeof(errnos[0]); e++) {
		pid_t pids[3];

		fail_errno = errnos[e];
		cgt_spawn_many(g, CGT_EXIT_ON_TERM, 2, pids);
		pids[2] = cgt_spawn(sub, CGT_EXIT_ON_TERM);
		calls = 0;
		fail_at = -1;
		armed = true;
		assert_int_equal(cgkill_path(g, &o, &r), CGKILL_DONE);
		armed = false;
		total = calls;
		for (int i = 0; i < 3; i++)
			assert_true(cgt_reap(pids[i], 2000) != -1);

		for (int n = 1; n <= total; n++) {
			int fds = cgt_open_fds(), ret;

			cgt_spawn_many(g, CGT_EXIT_ON_TERM, 2, pids);
			pids[2] = cgt_spawn(sub, CGT_EXIT_ON_TERM);
			if (verbose)
				fprintf(stderr, "errno %s, call %d of %d\n",
					strerror(fail_errno), n, total);
			calls = 0;
			fail_at = n;
			failed_in = NULL;
			live_allocs = 0;
			armed = true;
			ret = cgkill_path(g, &o, &r);
			armed = false;
			if (verbose)
				fprintf(stderr, "  %s failed: returned %d\n",
					failed_in ? failed_in : "nothing", ret);
			if (!failed_in) {	/* this run made fewer calls */
				assert_true(ret == CGKILL_DONE);
				goto next;
			}
			points++;
			/* The injected error itself where cgkill_path() may
			 * return it, EIO where it is outside its set. */
			if (ret < 0 && ret != (path_error(fail_errno) ? -fail_errno : -EIO))
				fail_msg("%s failing with %s at call %d: returned %s",
					 failed_in, strerror(fail_errno), n, strerror(-ret));
			if (ret < 0 && !path_error(-ret))
				fail_msg("%s failing with %s at call %d: returned %s, "
					 "outside cgkill_path()'s errors", failed_in,
					 strerror(fail_errno), n, strerror(-ret));
			if ((fail_errno == EINTR || fail_errno == EAGAIN) && retried(failed_in) &&
			    ret != CGKILL_DONE)
				fail_msg("%s failing with %s at call %d was not retried: %d",
					 failed_in, strerror(fail_errno), n, ret);
			if (ret == CGKILL_DONE && fail_errno != ENODEV && fail_errno != ENOENT)
				assert_int_equal(cgt_populated(g), 0);
			if (cgt_frozen_flag(g) != 0)
				fail_msg("%s failing with %s at call %d left the group frozen",
					 failed_in, strerror(fail_errno), n);
			if (cgt_open_fds() != fds)
				fail_msg("%s failing with %s at call %d leaked %d fds", failed_in,
					 strerror(fail_errno), n, cgt_open_fds() - fds);
			if (live_allocs != 0)
				fail_msg("%s failing with %s at call %d leaked %ld allocations",
					 failed_in, strerror(fail_errno), n, live_allocs);
next:
			for (int i = 0; i < 3; i++) {
				kill(pids[i], SIGKILL);	/* ours, unreaped */
				assert_true(cgt_reap(pids[i], 2000) != -1);
			}
		}
	}
	assert_true(points > 100);
}

static void test_faults_kill(void **state)
{
	run_all(state, SIGKILL);
}

static void test_faults_term(void **state)
{
	run_all(state, SIGTERM);
}

static uint64_t native = 0, fallback = CGKILL_FORCE_FREEZE;

#define ONE(f, s) cmocka_unit_test_prestate_setup_teardown(f, cgt_setup, cgt_teardown, s)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ONE(test_faults_kill, &native),
		ONE(test_faults_kill, &fallback),
		ONE(test_faults_term, &native),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
