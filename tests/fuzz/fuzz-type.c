// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one-word cgroupfs files: cgroup.type through parse_type(), and the
 * boolean cgroup.freeze through parse_bool().  Both get the same input.
 * Each must accept exactly its words, with or without one trailing
 * newline, and nothing else: no second newline, no prefix of a word
 * ("domain" is not "domain threaded"), no trailing NUL.
 */
#include <errno.h>

#include "cgkill-private.h"
#include "fuzz.h"

static const struct {
	const char *s;
	enum cg_type t;
} types[] = {
	{ "domain", CG_TYPE_DOMAIN },
	{ "domain threaded", CG_TYPE_DOMAIN_THREADED },
	{ "domain invalid", CG_TYPE_DOMAIN_INVALID },
	{ "threaded", CG_TYPE_THREADED },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	size_t len = size && buf[size - 1] == '\n' ? size - 1 : size;
	enum cg_type type = (enum cg_type)-1;
	int r, val = -1, want = -1;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i].s) == len && !memcmp(buf, types[i].s, len))
			want = (int)i;
	r = parse_type(buf, size, &type);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK((r == 0) == (want >= 0));
	if (r == 0)
		FUZZ_CHECK(type == types[want].t);

	want = len == 1 && (buf[0] == '0' || buf[0] == '1') ? buf[0] - '0' : -1;
	r = parse_bool(buf, size, &val);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK((r == 0) == (want >= 0));
	if (r == 0)
		FUZZ_CHECK(val == want);

	free(buf);
	return 0;
}
