// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * /proc/PID/cgroup: "hierarchy-ID:controllers:path" lines, of which the
 * cgroup v2 one reads "0::/path".  parse_proc_cgroup() copies that path into
 * a caller's buffer; it is given blocks of exactly the size it is told, a
 * small one, a large one and the sizes around fitting, so a write past the
 * end is an ASan report.  A path that fills the buffer is refused: the
 * kernel cuts long paths without a word, so it may be a prefix.  On success the path starts with
 * '/', is NUL-terminated and is the first "0::/" line's text.  The path it
 * returns is what the library then compares with parse_cgpath_within(), so that
 * is checked on it too: a path is within itself, "/" and its ancestors, and
 * neither an ancestor nor a sibling sharing its prefix is within it.
 */
#include <errno.h>
#include <limits.h>

#include "cgkill-private.h"
#include "fuzz.h"

#define SMALL 16
#define LARGE PATH_MAX
/* Ancestors checked per input: bounds the quadratic cost of deep paths. */
#define MAX_ANCESTORS 64

/* The first "0::/" line's path and its length; NULL if there is none. */
static const char *expect_path(const char *buf, size_t len, size_t *n)
{
	size_t start = 0;

	while (start < len) {
		size_t end = start;

		while (end < len && buf[end] != '\n')
			end++;
		if (end - start >= 4 && !memcmp(buf + start, "0::/", 4)) {
			*n = end - start - 3;
			return buf + start + 3;
		}
		start = end + 1;
	}
	return NULL;
}

/* Parse into a fresh block of exactly outsz bytes and check the result. */
static void parse_into(const char *buf, size_t len, size_t outsz,
		       const char *want, size_t nwant)
{
	char *out = fuzz_alloc(outsz);
	int r;

	r = parse_proc_cgroup(buf, len, out, outsz);
	if (!want)
		FUZZ_CHECK(r == -ENOMEDIUM);
	else if (nwant + 2 > outsz)	/* a full buffer may be a cut path */
		FUZZ_CHECK(r == -ENAMETOOLONG);
	else {
		FUZZ_CHECK(r == 0);
		FUZZ_CHECK(out[0] == '/');
		FUZZ_CHECK(out[nwant] == '\0');
		FUZZ_CHECK(!memcmp(out, want, nwant));
	}
	free(out);
}

static void check_within(const char *path)
{
	size_t n = strlen(path), ancestors = 0;
	char *tmp = fuzz_alloc(n + 2);

	FUZZ_CHECK(parse_cgpath_within(path, path) == 1);
	FUZZ_CHECK(parse_cgpath_within(path, "/") == 1);
	/* Each proper ancestor "/a", "/a/b" of "/a/b/c". */
	for (size_t k = 1; k < n && ancestors < MAX_ANCESTORS; k++) {
		if (path[k] != '/')
			continue;
		ancestors++;
		memcpy(tmp, path, k);
		tmp[k] = '\0';
		FUZZ_CHECK(parse_cgpath_within(path, tmp) == 1);
		FUZZ_CHECK(parse_cgpath_within(tmp, path) == 0);
	}
	/* "/ax" is not within "/a" (a trailing slash is not a cgroup path
	 * the kernel prints, except for the root). */
	if (path[n - 1] != '/') {
		memcpy(tmp, path, n);
		tmp[n] = 'x';
		tmp[n + 1] = '\0';
		FUZZ_CHECK(parse_cgpath_within(tmp, path) == 0);
		FUZZ_CHECK(parse_cgpath_within(path, tmp) == 0);
	}
	free(tmp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	size_t nwant = 0;
	const char *want = expect_path(buf, size, &nwant);

	parse_into(buf, size, 0, want, nwant);
	parse_into(buf, size, SMALL, want, nwant);
	parse_into(buf, size, LARGE, want, nwant);
	if (want) {
		/* Room to spare by one byte, exactly full, one byte short. */
		parse_into(buf, size, nwant + 2, want, nwant);
		parse_into(buf, size, nwant + 1, want, nwant);
		parse_into(buf, size, nwant, want, nwant);
	}
	if (want && nwant + 1 < LARGE) {
		char path[LARGE];

		FUZZ_CHECK(parse_proc_cgroup(buf, size, path, sizeof(path)) == 0);
		check_within(path);
	}
	free(buf);
	return 0;
}
