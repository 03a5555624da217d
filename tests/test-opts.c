// SPDX-License-Identifier: LGPL-2.1-or-later
/* Argument checks of the public entry points: no privileges needed, and
 * nothing is ever signalled because every call here must fail first. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cgkill.h"

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
	o.size = sizeof(o) - 8;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bad_opts),
		cmocka_unit_test(test_bad_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
