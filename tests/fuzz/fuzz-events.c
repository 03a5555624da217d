// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cgroup.events (and cgroup.stat, through parse_keyed()): "key value"
 * lines, of which parse_events() wants
 * "populated" (required) and "frozen" (-1 when absent, as before 5.2).
 * Checked: the results are only ever -1, 0 or 1; each is the value of the
 * first line that reads exactly "key 0" or "key 1"; NULL outputs are
 * allowed and change nothing else; and a failure leaves the outputs alone,
 * since the library passes its last known state in and keeps it on error.
 */
#include <errno.h>

#include "cgkill-private.h"
#include "fuzz.h"

/* The value of the first line "key 0" or "key 1", else -1. */
static int expect_field(const char *buf, size_t len, const char *key)
{
	size_t klen = strlen(key), start = 0;

	while (start < len) {
		size_t end = start;

		while (end < len && buf[end] != '\n')
			end++;
		if (end - start == klen + 2 && !memcmp(buf + start, key, klen) &&
		    buf[start + klen] == ' ' &&
		    (buf[start + klen + 1] == '0' || buf[start + klen + 1] == '1'))
			return buf[start + klen + 1] - '0';
		start = end + 1;
	}
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	int pop = -7, fr = -7, pop2 = -7, fr2 = -7, r;
	int want_pop = expect_field(buf, size, "populated");
	int want_fr = expect_field(buf, size, "frozen");

	r = parse_events(buf, size, &pop, &fr);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK((r == 0) == (want_pop >= 0));
	if (r == 0) {
		FUZZ_CHECK(pop == 0 || pop == 1);
		FUZZ_CHECK(fr == -1 || fr == 0 || fr == 1);
		FUZZ_CHECK(pop == want_pop);
		FUZZ_CHECK(fr == want_fr);
	} else {
		FUZZ_CHECK(pop == -7 && fr == -7);
	}

	/* The callers that only wait for depopulation pass frozen NULL. */
	FUZZ_CHECK(parse_events(buf, size, &pop2, NULL) == r);
	FUZZ_CHECK(pop2 == pop);
	FUZZ_CHECK(parse_events(buf, size, NULL, &fr2) == r);
	FUZZ_CHECK(fr2 == fr);
	FUZZ_CHECK(parse_events(buf, size, NULL, NULL) == r);

	/* cgroup.stat has the same shape: "key N" lines. */
	{
		unsigned long long v = 7;
		int k = parse_keyed(buf, size, "nr_descendants", &v);

		FUZZ_CHECK(k == 0 || k == -ENOENT || k == -EINVAL);
		FUZZ_CHECK(k == 0 || v == 7);
	}

	free(buf);
	return 0;
}
