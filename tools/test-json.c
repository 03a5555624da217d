// SPDX-License-Identifier: LGPL-2.1-or-later
/* JSON strings from arbitrary cgroup names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "json.h"

static void check(const char *in, const char *want)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	json_string(f, in);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(out, want);
	free(out);
}

static void test_plain(void **state)
{
	(void)state;
	check("", "\"\"");
	check("/sys/fs/cgroup/a b", "\"/sys/fs/cgroup/a b\"");
	check("say \"hi\"", "\"say \\\"hi\\\"\"");
	check("a\\b", "\"a\\\\b\"");
	check("/", "\"/\""); /* no need to escape the solidus */
}

static void test_control(void **state)
{
	(void)state;
	check("a\nb\tc\rd", "\"a\\nb\\tc\\rd\"");
	check("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	check("\b\f", "\"\\u0008\\u000c\"");
}

static void test_utf8(void **state)
{
	(void)state;
	check("caf\xc3\xa9", "\"caf\xc3\xa9\"");	   /* U+00E9 */
	check("\xe2\x82\xac", "\"\xe2\x82\xac\"");	   /* U+20AC */
	check("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""); /* U+1F600 */
	check("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF */
	check("\xef\xbf\xbd", "\"\xef\xbf\xbd\"");	   /* U+FFFD */
	/* Not UTF-8: each bad byte becomes one U+FFFD. */
	check("\xff", "\"\\ufffd\"");
	check("a\x80z", "\"a\\ufffdz\"");
	check("\xc0\xaf", "\"\\ufffd\\ufffd\"");		       /* overlong '/' */
	check("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");	       /* overlong */
	check("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	       /* surrogate */
	check("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
	check("\xf5\x80", "\"\\ufffd\\ufffd\"");
	check("\xc3", "\"\\ufffd\""); /* cut at the end */
	check("\xe2\x82", "\"\\ufffd\\ufffd\"");
	check("\xe2\x82x", "\"\\ufffd\\ufffdx\"");
	check("\xf0\x9f\x98", "\"\\ufffd\\ufffd\\ufffd\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
