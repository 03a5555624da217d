// SPDX-License-Identifier: LGPL-2.1-or-later
/* The parsers of kernel text, on good and hostile input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cgkill-private.h"

#define S(x) x, sizeof(x) - 1

static void test_procs(void **state)
{
	struct pidvec pv = { 0 };

	(void)state;
	assert_int_equal(parse_procs(S("1\n22\n333\n0\n"), &pv), 0);
	assert_int_equal(pv.n, 4);
	assert_int_equal(pv.v[0], 1);
	assert_int_equal(pv.v[2], 333);
	assert_int_equal(pv.v[3], 0);
	pv.n = 0;
	assert_int_equal(parse_procs(S(""), &pv), 0);
	assert_int_equal(pv.n, 0);
	assert_int_equal(parse_procs(S("12"), &pv), -EINVAL);	/* no newline */
	assert_int_equal(parse_procs(S("-1\n"), &pv), -EINVAL);
	assert_int_equal(parse_procs(S("1 2\n"), &pv), -EINVAL);
	assert_int_equal(parse_procs(S("99999999999\n"), &pv), -EINVAL);
	assert_int_equal(parse_procs(S("\n"), &pv), -EINVAL);
	parse_pidvec_free(&pv);
	/* Many pids grow the vector. */
	{
		char buf[70000];
		size_t len = 0;

		for (int i = 1; i <= 10000; i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%d\n", i);
		assert_int_equal(parse_procs(buf, len, &pv), 0);
		assert_int_equal(pv.n, 10000);
		assert_int_equal(pv.v[9999], 10000);
		parse_pidvec_free(&pv);
	}
}

static void test_events(void **state)
{
	int pop = -2, fr = -2;

	(void)state;
	assert_int_equal(parse_events(S("populated 1\nfrozen 0\n"), &pop, &fr), 0);
	assert_int_equal(pop, 1);
	assert_int_equal(fr, 0);
	assert_int_equal(parse_events(S("frozen 1\npopulated 0\n"), &pop, &fr), 0);
	assert_int_equal(pop, 0);
	assert_int_equal(fr, 1);
	assert_int_equal(parse_events(S("populated 0"), &pop, &fr), 0);
	assert_int_equal(fr, -1);
	assert_int_equal(parse_events(S("populated 2\n"), &pop, &fr), -EINVAL);
	assert_int_equal(parse_events(S("xpopulated 1\n"), &pop, &fr), -EINVAL);
	assert_int_equal(parse_events(S("populated 10\n"), &pop, &fr), -EINVAL);
	assert_int_equal(parse_events(S(""), &pop, &fr), -EINVAL);
}

static void test_keyed(void **state)
{
	unsigned long long v = 7;

	(void)state;
	assert_int_equal(parse_keyed(S("nr_descendants 100\nnr_dying_descendants 3\n"),
				     "nr_descendants", &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(parse_keyed(S("nr_descendants 100\nnr_dying_descendants 3"),
				     "nr_dying_descendants", &v), 0);
	assert_int_equal(v, 3);
	/* A key that is a prefix of another is not confused with it. */
	v = 7;
	assert_int_equal(parse_keyed(S("nr_descendants_x 5\n"), "nr_descendants", &v), -ENOENT);
	assert_int_equal(parse_keyed(S("x nr_descendants 5\n"), "nr_descendants", &v), -ENOENT);
	assert_int_equal(parse_keyed(S(""), "nr_descendants", &v), -ENOENT);
	assert_int_equal(v, 7);
	assert_int_equal(parse_keyed(S("nr_descendants -1\n"), "nr_descendants", &v), -EINVAL);
	assert_int_equal(parse_keyed(S("nr_descendants 5x\n"), "nr_descendants", &v), -EINVAL);
	assert_int_equal(parse_keyed(S("nr_descendants 99999999999999999999\n"),
				     "nr_descendants", &v), -EINVAL);
	assert_int_equal(v, 7);
	assert_int_equal(parse_keyed(S("nr_descendants 18446744073709551615"),
				     "nr_descendants", &v), 0);
	assert_int_equal(v, 18446744073709551615ULL);
}

static void test_stat(void **state)
{
	unsigned long fl = 0;

	(void)state;
	assert_int_equal(parse_stat_flags(S("42 (kthreadd) S 0 0 0 0 -1 2129984 0 0"), &fl), 0);
	assert_int_equal(fl, 2129984);
	assert_true(fl & PF_KTHREAD_FLAG);
	/* A hostile comm: spaces, parentheses, a newline. */
	assert_int_equal(parse_stat_flags(S("7 (a) b) S 1 2 3 (\n) 4 -1 64 0"), &fl), -EINVAL);
	assert_int_equal(parse_stat_flags(S("7 (x) 1 2 3) S 1 7 7 0 -1 4194560 5 0"), &fl), 0);
	assert_int_equal(fl, 4194560);
	assert_int_equal(parse_stat_flags(S("7 (a\n)) R 1 7 7 34816 7 4194304 1"), &fl), 0);
	assert_int_equal(fl, 4194304);
	assert_int_equal(parse_stat_flags(S("7 (x"), &fl), -EINVAL);
	assert_int_equal(parse_stat_flags(S("7 (x) S 1 2"), &fl), -EINVAL);
	assert_int_equal(parse_stat_flags(S(""), &fl), -EINVAL);
}

#define STAT(state, flags, sig) \
	"9 (a) b) " state " 1 9 9 0 -1 " flags " 0 0 0 0 1 2 0 0 20 0 3 0 77 1000 50 " \
	"18446744073709551615 1 2 3 4 5 " sig " 0 0 0 0 0 0 17 1 0 0\n"

static void test_stat_dying(void **state)
{
	int d = -1;

	(void)state;
	assert_int_equal(parse_stat_dying(S(STAT("S", "4194304", "0")), &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(parse_stat_dying(S(STAT("S", "4194304", "256")), &d), 0);
	assert_int_equal(d, 1);	/* SIGKILL pending */
	assert_int_equal(parse_stat_dying(S(STAT("R", "4194308", "0")), &d), 0);
	assert_int_equal(d, 1);	/* PF_EXITING */
	assert_int_equal(parse_stat_dying(S(STAT("Z", "4194308", "0")), &d), 0);
	assert_int_equal(d, 0);	/* a zombie leader, threads alive */
	assert_int_equal(parse_stat_dying(S("9 (a) S 1 9 9 0 -1 4194304 0\n"), &d), -EINVAL);
}

static void test_proc_cgroup(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(parse_proc_cgroup(S("1:cpu:/x\n0::/a/b\n"), out, sizeof(out)), 0);
	assert_string_equal(out, "/a/b");
	assert_int_equal(parse_proc_cgroup(S("0::/"), out, sizeof(out)), 0);
	assert_string_equal(out, "/");
	/* A path that fills the buffer may be one the kernel cut short. */
	assert_int_equal(parse_proc_cgroup(S("0::/abc\n"), out, 5), -ENAMETOOLONG);
	assert_int_equal(parse_proc_cgroup(S("0::/abc\n"), out, 6), 0);
	assert_string_equal(out, "/abc");
	assert_int_equal(parse_proc_cgroup(S("1:name=systemd:/\n"), out, sizeof(out)), -ENOMEDIUM);
	assert_int_equal(parse_proc_cgroup(S("0::/a/very/long/path/that/does/not/fit/in/the/"
					     "buffer/at/all/no/really/it/does/not/fit\n"),
					   out, sizeof(out)), -ENAMETOOLONG);
}

static void test_type_bool_within(void **state)
{
	enum cg_type t;
	int v;

	(void)state;
	assert_int_equal(parse_type(S("threaded\n"), &t), 0);
	assert_int_equal(t, CG_TYPE_THREADED);
	assert_int_equal(parse_type(S("domain threaded\n"), &t), 0);
	assert_int_equal(t, CG_TYPE_DOMAIN_THREADED);
	assert_int_equal(parse_type(S("domain\n"), &t), 0);
	assert_int_equal(t, CG_TYPE_DOMAIN);
	assert_int_equal(parse_type(S("domain invalid"), &t), 0);
	assert_int_equal(t, CG_TYPE_DOMAIN_INVALID);
	assert_int_equal(parse_type(S("thread\n"), &t), -EINVAL);
	assert_int_equal(parse_bool(S("1\n"), &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(parse_bool(S("0"), &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_bool(S("2\n"), &v), -EINVAL);
	assert_int_equal(parse_bool(S(""), &v), -EINVAL);
	assert_true(parse_cgpath_within("/a/b", "/a"));
	assert_true(parse_cgpath_within("/a", "/a"));
	assert_false(parse_cgpath_within("/ab", "/a"));
	assert_true(parse_cgpath_within("/x", "/"));
	assert_false(parse_cgpath_within("/a", "/a/b"));
}

static void test_idset(void **state)
{
	struct idset s = { 0 };
	uint32_t *v;

	(void)state;
	for (uint64_t i = 0; i < 5000; i++) {
		assert_int_equal(idset_get(&s, i * 7, &v), 1);
		*v = (uint32_t)i;
	}
	for (uint64_t i = 0; i < 5000; i++) {
		assert_true(idset_has(&s, i * 7));
		assert_int_equal(idset_get(&s, i * 7, &v), 0);
		assert_int_equal(*v, i);
	}
	assert_false(idset_has(&s, 1));
	idset_clear(&s);
	assert_false(idset_has(&s, 7));
	idset_free(&s);
	assert_false(idset_has(&s, 7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_procs),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_keyed),
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_stat_dying),
		cmocka_unit_test(test_proc_cgroup),
		cmocka_unit_test(test_type_bool_within),
		cmocka_unit_test(test_idset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
