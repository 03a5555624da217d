// SPDX-License-Identifier: LGPL-2.1-or-later
/* Argument checks of the public entry points: no privileges needed, and
 * nothing is ever signalled because every call here must fail first. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cgkill.h"
#include "cgkill-private.h"

static void test_defaults(void **state)
{
	struct cgkill_opts o;

	(void)state;
	memset(&o, 0xff, sizeof(o));
	cgkill_opts_init(&o);
	assert_int_equal(o.size, sizeof(o));
	assert_int_equal(o.signal, SIGKILL);
	assert_int_equal(o.flags, 0);
	assert_int_equal(o.timeout_ms, CGKILL_TIMEOUT_DEFAULT_MS);
	assert_int_equal(o.grace_ms, 0);
	assert_null(o.observer);
	cgkill_opts_init(NULL);	/* no crash */
}

/* A valid-looking fd that is not a cgroup: options are checked first. */
static int call(const struct cgkill_opts *o)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = cgkill_fd(fd, o, NULL);

	close(fd);
	return r;
}

static void test_bad_opts(void **state)
{
	struct {
		struct cgkill_opts o;
		char tail[16];
	} big;
	struct cgkill_opts o;

	(void)state;
	cgkill_opts_init(&o);
	o.signal = 0;
	assert_int_equal(call(&o), -EINVAL);
	o.signal = -1;
	assert_int_equal(call(&o), -EINVAL);
	o.signal = SIGRTMAX + 1;
	assert_int_equal(call(&o), -EINVAL);
	o.signal = 65;
	assert_int_equal(call(&o), -EINVAL);
	cgkill_opts_init(&o);
	o.flags = 1ULL << 40;
	assert_int_equal(call(&o), -EINVAL);
	cgkill_opts_init(&o);
	o.timeout_ms = -2;
	assert_int_equal(call(&o), -EINVAL);
	cgkill_opts_init(&o);
	o.size = CGKILL_OPTS_SIZE_VER0 - 8;
	assert_int_equal(call(&o), -EINVAL);
	o.size = 0;
	assert_int_equal(call(&o), -EINVAL);
	cgkill_opts_init(&o);
	o.flags = CGKILL_ESCALATE;	/* SIGKILL cannot escalate */
	assert_int_equal(call(&o), -EINVAL);
	o.signal = SIGTERM;
	o.grace_ms = -1;
	assert_int_equal(call(&o), -EINVAL);
	cgkill_opts_init(&o);
	o.grace_ms = 100;	/* grace without escalation */
	assert_int_equal(call(&o), -EINVAL);
	cgkill_opts_init(&o);
	o.flags = CGKILL_DRY_RUN | CGKILL_REMOVE;
	assert_int_equal(call(&o), -EINVAL);
	/* A newer caller's larger struct: zero tail accepted, else E2BIG. */
	memset(&big, 0, sizeof(big));
	cgkill_opts_init(&big.o);
	big.o.size = sizeof(big);
	assert_int_equal(call(&big.o), -EMEDIUMTYPE);
	big.tail[3] = 1;
	assert_int_equal(call(&big.o), -E2BIG);
}

static void test_bad_targets(void **state)
{
	struct cgkill_report r = { .size = sizeof(r) };
	struct cgkill_op *op = (struct cgkill_op *)&r;
	char longpath[5000];
	uint64_t f;

	(void)state;
	assert_int_equal(cgkill_fd(-1, NULL, NULL), -EBADF);
	assert_int_equal(cgkill_path(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(cgkill_path("", NULL, NULL), -EINVAL);
	assert_int_equal(cgkill_path("rel", NULL, NULL), -EINVAL);
	assert_int_equal(cgkill_path("/tmp", NULL, &r), -EMEDIUMTYPE);
	memset(longpath, 'a', sizeof(longpath));
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(cgkill_path(longpath, NULL, NULL), -ENAMETOOLONG);
	assert_int_equal(cgkill_open("/a/../b", CGKILL_OPEN_CGROUP_PATH), -EINVAL);
	assert_int_equal(cgkill_open("/a", 1U << 7), -EINVAL);
	assert_int_equal(cgkill_pid(0, NULL, NULL), -EINVAL);
	assert_int_equal(cgkill_pid(-5, NULL, NULL), -EINVAL);
	assert_int_equal(cgkill_pidfd(-1, NULL, NULL), -EBADF);
	assert_int_equal(cgkill_op_start(0, NULL, NULL), -EINVAL);
	assert_int_equal(cgkill_op_start(-1, NULL, &op), -EBADF);
	assert_null(op);
	assert_int_equal(cgkill_op_get_fd(NULL), -EINVAL);
	assert_int_equal(cgkill_op_process(NULL, NULL), -EINVAL);
	cgkill_op_free(NULL);
	assert_int_equal(cgkill_probe(-1, NULL), -EINVAL);
	assert_int_equal(cgkill_probe(-7, &f), -EINVAL);
	r.size = 4;
	assert_int_equal(cgkill_path("/tmp", NULL, &r), -EINVAL);
}

/* Room for a struct of any size the library accepts, and more. */
static union {
	struct cgkill_opts o;
	struct cgkill_report r;
	uint64_t align;
	unsigned char b[CGKILL_STRUCT_SIZE_MAX + 256];
} buf;

static void test_opts_size(void **state)
{
	struct cgkill_opts o;
	const size_t tail = 64;

	(void)state;
	assert_int_equal(sizeof(struct cgkill_opts), CGKILL_OPTS_SIZE_VER2);
	cgkill_opts_init(&o);
	o.size = 0;
	assert_int_equal(call(&o), -EINVAL);
	o.size = CGKILL_OPTS_SIZE_VER0 - 1;
	assert_int_equal(call(&o), -EINVAL);
	o.size = 1;
	assert_int_equal(call(&o), -EINVAL);
	/* The first version's size is accepted: the options pass, the target
	 * ("/", not a cgroup) is refused. */
	o.size = CGKILL_OPTS_SIZE_VER0;
	assert_int_equal(call(&o), -EMEDIUMTYPE);

	/* Too large, whatever the tail holds. */
	memset(&buf, 0, sizeof(buf));
	cgkill_opts_init(&buf.o);
	buf.o.size = CGKILL_STRUCT_SIZE_MAX + 1;
	assert_int_equal(call(&buf.o), -E2BIG);
	buf.o.size = UINT32_MAX;
	assert_int_equal(call(&buf.o), -E2BIG);
	/* The largest size, with a zero tail, is accepted. */
	buf.o.size = CGKILL_STRUCT_SIZE_MAX;
	assert_int_equal(call(&buf.o), -EMEDIUMTYPE);
	buf.b[CGKILL_STRUCT_SIZE_MAX - 1] = 1;
	assert_int_equal(call(&buf.o), -E2BIG);

	/* A newer caller's struct, 64 bytes larger: a zero tail is accepted,
	 * one non-zero byte anywhere in it is E2BIG; a byte past the size it
	 * states is not looked at. */
	memset(&buf, 0, sizeof(buf));
	cgkill_opts_init(&buf.o);
	buf.o.size = (uint32_t)(sizeof(o) + tail);
	assert_int_equal(call(&buf.o), -EMEDIUMTYPE);
	for (size_t i = sizeof(o); i < sizeof(o) + tail; i++) {
		buf.b[i] = 0x80;
		assert_int_equal(call(&buf.o), -E2BIG);
		buf.b[i] = 0;
	}
	buf.b[sizeof(o) + tail] = 1;
	assert_int_equal(call(&buf.o), -EMEDIUMTYPE);
	/* Known options are still checked in a larger struct. */
	buf.b[sizeof(o) + tail] = 0;
	buf.o.signal = 0;
	assert_int_equal(call(&buf.o), -EINVAL);
}

static void test_report_size_rules(void **state)
{
	struct cgkill_report r;
	static const uint32_t bad[] = { 0, 1, CGKILL_REPORT_SIZE_VER0 - 1 };
	static const uint32_t big[] = { CGKILL_STRUCT_SIZE_MAX + 1, UINT32_MAX };

	(void)state;
	assert_int_equal(sizeof(struct cgkill_report), CGKILL_REPORT_SIZE_VER1);
	/* Checked before anything else: before the fd, path or pid. */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&r, 0x5a, sizeof(r));
		r.size = bad[i];
		assert_int_equal(cgkill_fd(-1, NULL, &r), -EINVAL);
		assert_int_equal(cgkill_path("/nonexistent", NULL, &r), -EINVAL);
		assert_int_equal(cgkill_pid(0x7fffffff, NULL, &r), -EINVAL);
		assert_int_equal(cgkill_pidfd(-1, NULL, &r), -EINVAL);
		/* Untouched. */
		assert_int_equal(r.size, bad[i]);
		assert_int_equal(r.flags, 0x5a5a5a5a);
	}
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		memset(&buf, 0x5a, sizeof(buf));
		buf.r.size = big[i];
		assert_int_equal(cgkill_fd(-1, NULL, &buf.r), -E2BIG);
		assert_int_equal(cgkill_path("/nonexistent", NULL, &buf.r), -E2BIG);
		assert_int_equal(cgkill_pid(0x7fffffff, NULL, &buf.r), -E2BIG);
		assert_int_equal(cgkill_pidfd(-1, NULL, &buf.r), -E2BIG);
		assert_int_equal(buf.r.flags, 0x5a5a5a5a);
	}
	/* Sizes that are fine reach the next check. */
	r.size = CGKILL_REPORT_SIZE_VER0;
	assert_int_equal(cgkill_fd(-1, NULL, &r), -EBADF);
	assert_int_equal(cgkill_pidfd(-1, NULL, &r), -EBADF);
	buf.r.size = CGKILL_STRUCT_SIZE_MAX;
	assert_int_equal(cgkill_fd(-1, NULL, &buf.r), -EBADF);
	/* No report at all is fine too. */
	assert_int_equal(cgkill_fd(-1, NULL, NULL), -EBADF);
}

/* A report as a newer library would fill it, every byte set. */
static void fill_report(struct cgkill_report *src)
{
	memset(src, 0x11, sizeof(*src));
	src->size = sizeof(*src);
}

static void test_report_store(void **state)
{
	struct cgkill_report src;
	const size_t tail = 64, guard = 32;

	(void)state;
	fill_report(&src);
	/* The size the library knows: every field, the caller's size kept. */
	memset(&buf, 0xee, sizeof(buf));
	buf.r.size = sizeof(src);
	opts_report_store(&buf.r, &src);
	assert_memory_equal(&buf.r, &src, sizeof(src));
	for (size_t i = sizeof(src); i < sizeof(src) + guard; i++)
		assert_int_equal(buf.b[i], 0xee);
	/* A newer caller's larger report: its tail zeroed, nothing written
	 * past its size. */
	memset(&buf, 0xee, sizeof(buf));
	buf.r.size = (uint32_t)(sizeof(src) + tail);
	opts_report_store(&buf.r, &src);
	assert_int_equal(buf.r.size, sizeof(src) + tail);
	assert_memory_equal((char *)&buf.r + 4, (char *)&src + 4, sizeof(src) - 4);
	for (size_t i = sizeof(src); i < sizeof(src) + tail; i++)
		assert_int_equal(buf.b[i], 0);
	for (size_t i = sizeof(src) + tail; i < sizeof(src) + tail + guard; i++)
		assert_int_equal(buf.b[i], 0xee);
	/* The largest size. */
	memset(&buf, 0xee, sizeof(buf));
	buf.r.size = CGKILL_STRUCT_SIZE_MAX;
	opts_report_store(&buf.r, &src);
	assert_int_equal(buf.r.size, CGKILL_STRUCT_SIZE_MAX);
	for (size_t i = sizeof(src); i < CGKILL_STRUCT_SIZE_MAX; i++)
		assert_int_equal(buf.b[i], 0);
	for (size_t i = CGKILL_STRUCT_SIZE_MAX; i < sizeof(buf.b); i++)
		assert_int_equal(buf.b[i], 0xee);
}

/* The same mechanism, as it serves an older caller once the library's
 * structs have grown: a struct the library knows as 120 bytes and a caller
 * that has only the first 80 of them. */
static void test_struct_grown(void **state)
{
	unsigned char lib[120], caller[80 + 32];
	const uint32_t old = 80;

	(void)state;
	for (size_t i = 0; i < sizeof(lib); i++)
		lib[i] = (unsigned char)(i + 1);
	/* Storing: the older caller gets its 80 bytes, not one more. */
	memset(caller, 0xee, sizeof(caller));
	opts_struct_store(caller, old, lib, sizeof(lib));
	{
		uint32_t sz;

		memcpy(&sz, caller, sizeof(sz));
		assert_int_equal(sz, old);
	}
	assert_memory_equal(caller + 4, lib + 4, old - 4);
	for (size_t i = old; i < sizeof(caller); i++)
		assert_int_equal(caller[i], 0xee);
	/* Loading: what the caller lacks is zero. */
	memset(lib, 0xff, sizeof(lib));
	for (size_t i = 0; i < old; i++)
		caller[i] = (unsigned char)(i + 1);
	memcpy(caller, &old, sizeof(old));
	assert_int_equal(opts_struct_load(lib, sizeof(lib), caller, old, 48), 0);
	assert_memory_equal(lib, caller, old);
	for (size_t i = old; i < sizeof(lib); i++)
		assert_int_equal(lib[i], 0);
	/* Below the first version's size, above the cap. */
	assert_int_equal(opts_struct_load(lib, sizeof(lib), caller, 47, 48), -EINVAL);
	assert_int_equal(opts_struct_load(lib, sizeof(lib), &buf, CGKILL_STRUCT_SIZE_MAX + 1, 48),
			 -E2BIG);
	assert_int_equal(opts_size_check(0, 48), -EINVAL);
	assert_int_equal(opts_size_check(48, 48), 0);
	assert_int_equal(opts_size_check(CGKILL_STRUCT_SIZE_MAX, 48), 0);
	assert_int_equal(opts_size_check(CGKILL_STRUCT_SIZE_MAX + 1, 48), -E2BIG);
}

static void never_called(const struct cgkill_trace *ev, void *data)
{
	(void)ev;
	(void)data;
	fail_msg("a trace called by opts_load()");
}

/* The trace exists only for a caller that has it: an older caller's struct
 * ends before it, and whatever follows in that caller's memory is not
 * read.  trace_data alone is accepted, as userdata alone is. */
static void test_opts_trace(void **state)
{
	struct cgkill_opts in, out;

	(void)state;
	cgkill_opts_init(&in);
	in.trace = never_called;
	in.trace_data = &in;
	in.size = CGKILL_OPTS_SIZE_VER1;
	memset(&out, 0x5a, sizeof(out));
	assert_int_equal(opts_load(&in, &out), 0);
	assert_null(out.trace);
	assert_null(out.trace_data);
	in.size = CGKILL_OPTS_SIZE_VER2;
	assert_int_equal(opts_load(&in, &out), 0);
	assert_ptr_equal(out.trace, never_called);
	assert_ptr_equal(out.trace_data, &in);
	in.trace = NULL;
	assert_int_equal(opts_load(&in, &out), 0);
	assert_null(out.trace);
}

static void test_version(void **state)
{
	char want[64];

	(void)state;
	snprintf(want, sizeof(want), "%d.%d.%d", CGKILL_VERSION_MAJOR,
		 CGKILL_VERSION_MINOR, CGKILL_VERSION_PATCH);
	assert_non_null(cgkill_version());
	assert_string_equal(cgkill_version(), want);
	assert_ptr_equal(cgkill_version(), cgkill_version());	/* static */
	assert_true(CGKILL_CHECK_VERSION(CGKILL_VERSION_MAJOR, CGKILL_VERSION_MINOR,
					 CGKILL_VERSION_PATCH));
	assert_true(CGKILL_CHECK_VERSION(CGKILL_VERSION_MAJOR, CGKILL_VERSION_MINOR, 0));
	assert_true(CGKILL_CHECK_VERSION(CGKILL_VERSION_MAJOR, 0, 0));
	assert_true(CGKILL_CHECK_VERSION(0, 0, 0));
	assert_true(CGKILL_CHECK_VERSION(CGKILL_VERSION_MAJOR - 1, 999, 999));
	assert_false(CGKILL_CHECK_VERSION(CGKILL_VERSION_MAJOR, CGKILL_VERSION_MINOR,
					  CGKILL_VERSION_PATCH + 1));
	assert_false(CGKILL_CHECK_VERSION(CGKILL_VERSION_MAJOR, CGKILL_VERSION_MINOR + 1, 0));
	assert_false(CGKILL_CHECK_VERSION(CGKILL_VERSION_MAJOR + 1, 0, 0));
	/* This release. */
	assert_true(CGKILL_CHECK_VERSION(1, 0, 0));
	assert_true(CGKILL_CHECK_VERSION(1, 1, 0));
	assert_true(CGKILL_CHECK_VERSION(1, 1, 1));
	assert_true(CGKILL_CHECK_VERSION(1, 2, 0));
	assert_false(CGKILL_CHECK_VERSION(1, 2, 1));
	assert_false(CGKILL_CHECK_VERSION(1, 3, 0));
	assert_false(CGKILL_CHECK_VERSION(2, 0, 0));
}

static bool in_set(const int *set, int err)
{
	for (; *set; set++)
		if (*set == err)
			return true;
	return false;
}

/* The calls whose errors go through errors_filter(): EIO must be theirs. */
static bool mapped(enum cgk_call c)
{
	return c != CGK_CALL_OP_GET_FD && c != CGK_CALL_OP_GET_STAGE &&
	       c != CGK_CALL_PROBE && c != CGK_CALL_OP_GET_SURVIVOR &&
	       c != CGK_CALL_OP_GET_VICTIM;
}

static void test_error_sets(void **state)
{
	(void)state;
	/* One inside cgkill_path()'s set passes, one outside is EIO. */
	assert_int_equal(errors_filter(CGK_CALL_PATH, -ENOENT), -ENOENT);
	assert_int_equal(errors_filter(CGK_CALL_PATH, -ELOOP), -ELOOP);
	assert_int_equal(errors_filter(CGK_CALL_PATH, -ESRCH), -EIO);
	assert_int_equal(errors_filter(CGK_CALL_PATH, -EINTR), -EIO);
	assert_int_equal(errors_filter(CGK_CALL_FD, -ELOOP), -EIO);
	assert_int_equal(errors_filter(CGK_CALL_PID, -ESRCH), -ESRCH);
	assert_int_equal(errors_filter(CGK_CALL_OPEN_PIDFD, -ESRCH), -ESRCH);
	assert_int_equal(errors_filter(CGK_CALL_OPEN, -ESRCH), -EIO);
	assert_int_equal(errors_filter(CGK_CALL_OPEN, -ECANCELED), -EIO);
	/* Results that are not errors pass. */
	assert_int_equal(errors_filter(CGK_CALL_FD, 0), 0);
	assert_int_equal(errors_filter(CGK_CALL_FD, CGKILL_TIMEOUT), CGKILL_TIMEOUT);
	assert_int_equal(errors_filter(CGK_CALL_OP_PROCESS, CGKILL_RUNNING), CGKILL_RUNNING);
	assert_int_equal(errors_filter(CGK_CALL_OPEN, 17), 17);	/* an fd */
	/* Every call, every errno: itself if in the set, else EIO. */
	for (int c = 0; c < CGK_CALL_COUNT; c++) {
		const char *name = NULL;
		const int *set = errors_of_call((enum cgk_call)c, &name);

		assert_non_null(set);
		assert_non_null(name);
		assert_int_equal(strncmp(name, "cgkill_", 7), 0);
		assert_true(set[0] != 0);
		if (mapped((enum cgk_call)c) && !in_set(set, EIO))
			fail_msg("%s maps errors to EIO, not in its set", name);
		for (int e = 1; e < 4096; e++) {
			int r = errors_filter((enum cgk_call)c, -e);

			if (in_set(set, e))
				assert_int_equal(r, -e);
			else
				assert_int_equal(r, -EIO);
		}
	}
	assert_null(errors_of_call(CGK_CALL_COUNT, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bad_opts),
		cmocka_unit_test(test_bad_targets),
		cmocka_unit_test(test_opts_size),
		cmocka_unit_test(test_report_size_rules),
		cmocka_unit_test(test_report_store),
		cmocka_unit_test(test_struct_grown),
		cmocka_unit_test(test_opts_trace),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_error_sets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
