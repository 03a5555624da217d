/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the fuzz targets share.  Each target defines LLVMFuzzerTestOneInput;
 * built with -fsanitize=fuzzer it is driven by libFuzzer, otherwise replay.c
 * feeds it the files of a corpus, so the same checks run under meson test.
 */
#ifndef CGKILL_FUZZ_H
#define CGKILL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A broken invariant is a crash: abort() is what libFuzzer catches and what
 * fails the replay test.  Not assert(): it must hold under -DNDEBUG too.
 */
#define FUZZ_CHECK(cond)							\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "%s:%d: %s: check failed: %s\n",	\
				__FILE__, __LINE__, __func__, #cond);		\
			abort();						\
		}								\
	} while (0)

/*
 * A heap block of exactly size bytes, so that AddressSanitizer reports an
 * access one byte past it, even for size 0 (glibc's and ASan's malloc(0)
 * return a block of no bytes).  Should malloc(0) return NULL, one byte
 * stands in: the code under test takes a pointer even for an empty buffer,
 * and NULL would only exercise the undefined NULL + 0.
 */
static inline void *fuzz_alloc(size_t size)
{
	void *p = malloc(size);

	if (!p && !size)
		p = malloc(1);
	if (!p)
		abort();
	return p;
}

/* The input, copied into such a block: never NUL-terminated. */
static inline char *fuzz_dup(const uint8_t *data, size_t size)
{
	char *p = fuzz_alloc(size);

	if (size)
		memcpy(p, data, size);
	return p;
}

/* The input as a C string, for the code that takes one: it ends at the
 * first NUL byte of the input, if any. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *p = malloc(size + 1);

	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	p[size] = '\0';
	return p;
}

#endif
