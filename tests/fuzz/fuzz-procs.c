// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cgroup.procs: one decimal pid per line, each line ending in a newline.
 * parse_procs() is checked against a line-by-line reading of the same text:
 * it succeeds exactly when every line is a pid no larger than INT_MAX, with
 * one entry per newline, each the value of its line; and it appends,
 * leaving what the vector held before alone.
 */
#include <errno.h>
#include <limits.h>

#include "cgkill-private.h"
#include "fuzz.h"

#define SENTINEL ((pid_t)4242)

/* The reading to compare with: 1 if the text is well formed, its pids
 * stored in want (room for one per newline); 0 if not. */
static int expect_pids(const char *buf, size_t len, pid_t *want, size_t *n)
{
	size_t i = 0;

	*n = 0;
	while (i < len) {
		unsigned long long v = 0;
		size_t start = i;

		for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
			v = v * 10 + (unsigned long long)(buf[i] - '0');
			if (v > INT_MAX)
				return 0;
		}
		if (i == start || i == len || buf[i] != '\n')
			return 0;
		i++;
		want[(*n)++] = (pid_t)v;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct pidvec fresh = { 0 }, seeded = { 0 };
	size_t newlines = 0, nwant;
	pid_t *want;
	int r, r2, ok;

	for (size_t i = 0; i < size; i++)
		newlines += buf[i] == '\n';
	want = fuzz_alloc(newlines * sizeof(*want));
	ok = expect_pids(buf, size, want, &nwant);

	r = parse_procs(buf, size, &fresh);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
	if (r == -ENOMEM)
		goto out;
	FUZZ_CHECK((r == 0) == ok);
	FUZZ_CHECK(fresh.n <= fresh.cap);
	FUZZ_CHECK(fresh.n <= newlines);
	if (r == 0) {
		FUZZ_CHECK(fresh.n == newlines);
		FUZZ_CHECK(fresh.n == nwant);
		for (size_t i = 0; i < fresh.n; i++) {
			FUZZ_CHECK(fresh.v[i] >= 0);
			FUZZ_CHECK(fresh.v[i] == want[i]);
		}
	}

	/* The library parses into a vector it reuses: appending must keep
	 * the earlier entries and add the same ones. */
	seeded.v = fuzz_alloc(sizeof(*seeded.v));
	seeded.v[0] = SENTINEL;
	seeded.n = seeded.cap = 1;
	r2 = parse_procs(buf, size, &seeded);
	if (r2 == -ENOMEM)
		goto out;
	FUZZ_CHECK(r2 == r);
	FUZZ_CHECK(seeded.n >= 1 && seeded.n <= seeded.cap);
	FUZZ_CHECK(seeded.v[0] == SENTINEL);
	if (r == 0) {
		FUZZ_CHECK(seeded.n == fresh.n + 1);
		FUZZ_CHECK(!fresh.n || !memcmp(seeded.v + 1, fresh.v,
					       fresh.n * sizeof(*fresh.v)));
	}
out:
	parse_pidvec_free(&fresh);
	FUZZ_CHECK(!fresh.v && !fresh.n && !fresh.cap);
	parse_pidvec_free(&seeded);
	free(want);
	free(buf);
	return 0;
}
