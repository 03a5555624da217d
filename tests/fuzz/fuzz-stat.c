// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * /proc/PID/stat, whose second field is "(comm)" and comm is whatever the
 * process set: spaces, parentheses, newlines.  The kernel prints nothing
 * but numbers and the state letter after it, so the last ')' ends comm.
 * parse_stat_flags() reads the input from an exact-size block (see
 * fuzz_dup()): any read past the end is an ASan report.  Its result is
 * compared with a plain reading of the format: after the last ')', seven
 * single-space separated fields, the first space right after the ')', then
 * flags as an unsigned decimal that fits an unsigned long.
 */
#include <errno.h>
#include <limits.h>

#include "cgkill-private.h"
#include "fuzz.h"

/* 1 and *flags if the text is well formed, else 0. */
static int expect_flags(const char *buf, size_t len, unsigned long *flags)
{
	size_t i, close = len, spaces = 0;
	unsigned long v = 0;

	for (i = 0; i < len; i++)
		if (buf[i] == ')')
			close = i;
	if (close == len || close + 1 == len || buf[close + 1] != ' ')
		return 0;
	for (i = close + 1; i < len && spaces < 7; i++)
		spaces += buf[i] == ' ';
	if (spaces < 7 || i == len || buf[i] < '0' || buf[i] > '9')
		return 0;
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		unsigned long d = (unsigned long)(buf[i] - '0');

		if (v > (ULONG_MAX - d) / 10)
			return 0;	/* does not fit: must be refused */
		v = v * 10 + d;
	}
	*flags = v;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	unsigned long flags = 0, want = 0;
	int ok = expect_flags(buf, size, &want);
	int r = parse_stat_flags(buf, size, &flags);

	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK((r == 0) == ok);
	if (r == 0)
		FUZZ_CHECK(flags == want);
	free(buf);
	return 0;
}
