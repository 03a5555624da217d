// SPDX-License-Identifier: LGPL-2.1-or-later
/* Seconds on the command line, on good and hostile input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "duration.h"

static int64_t ms_of(const char *s, bool allow_inf)
{
	int64_t ms = -42;

	assert_int_equal(duration_parse_ms(s, allow_inf, &ms), 0);
	return ms;
}

static void test_good(void **state)
{
	(void)state;
	assert_int_equal(ms_of("10", false), 10000);
	assert_int_equal(ms_of("0", false), 0);
	assert_int_equal(ms_of("0.0", false), 0);
	assert_int_equal(ms_of("000", false), 0);
	assert_int_equal(ms_of("0.3", false), 300);
	assert_int_equal(ms_of(".5", false), 500);
	assert_int_equal(ms_of("2.", false), 2000);
	assert_int_equal(ms_of("1.234", false), 1234);
	assert_int_equal(ms_of("1.2340000", false), 1234);
	/* A fraction of a millisecond rounds up: never to 0. */
	assert_int_equal(ms_of("0.0001", false), 1);
	assert_int_equal(ms_of("1.2341", false), 1235);
	assert_int_equal(ms_of("0.999999", false), 1000);
	assert_int_equal(ms_of("inf", true), -1);
	assert_int_equal(ms_of("INF", true), -1);
	assert_int_equal(ms_of("Infinity", true), -1);
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
		"",   ".",	 "-1",	      "-0",   "+1",	      " 1",    "1 ",
		"1s", "abc",	 "1e3",	      "0x10", "1..2",	      "1.2.3", "nan",
		"in", "infinit", "infinityy", "1,5",  "\xef\xbc\x91", /* a fullwidth digit one */
	};
	int64_t ms = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(duration_parse_ms(bad[i], true, &ms), -EINVAL);
		assert_int_equal(ms, 7);
	}
	assert_int_equal(duration_parse_ms("inf", false, &ms), -EINVAL);
	assert_int_equal(duration_parse_ms(NULL, true, &ms), -EINVAL);
	assert_int_equal(duration_parse_ms("1", true, NULL), -EINVAL);
}

static void test_range(void **state)
{
	char s[64];
	int64_t ms = 7;

	(void)state;
	snprintf(s, sizeof(s), "%lld.%03lld", (long long)(DURATION_MAX_MS / 1000),
		 (long long)(DURATION_MAX_MS % 1000));
	assert_int_equal(ms_of(s, false), DURATION_MAX_MS);
	snprintf(s, sizeof(s), "%lld.%03lld1", (long long)(DURATION_MAX_MS / 1000),
		 (long long)(DURATION_MAX_MS % 1000));
	assert_int_equal(duration_parse_ms(s, false, &ms), -ERANGE);
	snprintf(s, sizeof(s), "%lld", (long long)(DURATION_MAX_MS / 1000 + 1));
	assert_int_equal(duration_parse_ms(s, false, &ms), -ERANGE);
	assert_int_equal(duration_parse_ms("99999999999999999999999999999999", false, &ms),
			 -ERANGE);
	/* Too large and malformed: malformed. */
	assert_int_equal(duration_parse_ms("99999999999999999999999999999x", false, &ms), -EINVAL);
	assert_int_equal(ms, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
