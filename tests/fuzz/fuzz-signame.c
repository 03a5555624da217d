// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The command line's signal names (tools/signame.c).  The input, as a C
 * string, goes through signame_to_number(); a name that parses must map
 * back, by signame_from_number(), to a canonical name that parses to the
 * same number, in any ASCII case, and that maps to itself.  The canonical
 * name is also written into blocks of every size up to one byte more than
 * it needs, each of exactly that size, so a write past the end is an ASan
 * report and -ERANGE must come exactly when it does not fit.  The input's
 * first bytes, read as a number, take the other direction.
 */
#include <errno.h>
#include <signal.h>

#include "fuzz.h"
#include "signame.h"

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Check the canonical name of sig, which must exist: 1 <= sig <= SIGRTMAX. */
static void check_number(int sig)
{
	char name[SIGNAME_MAX], again[SIGNAME_MAX], *s;
	size_t len;

	FUZZ_CHECK(signame_from_number(sig, name, sizeof(name)) == 0);
	len = strnlen(name, sizeof(name));
	FUZZ_CHECK(len > 0 && len < sizeof(name));
	FUZZ_CHECK(signame_to_number(name) == sig);

	/* Canonical means a fixed point. */
	FUZZ_CHECK(signame_from_number(signame_to_number(name), again,
				       sizeof(again)) == 0);
	FUZZ_CHECK(!strcmp(again, name));

	/* Case does not matter, and neither does "SIG" before a name (a
	 * number written in decimal takes no prefix). */
	s = fuzz_alloc(len + 4);
	memcpy(s, "sig", 3);
	for (size_t i = 0; i <= len; i++)
		s[3 + i] = lower(name[i]);
	FUZZ_CHECK(signame_to_number(s + 3) == sig);
	if (name[0] < '0' || name[0] > '9')
		FUZZ_CHECK(signame_to_number(s) == sig);
	free(s);

	for (size_t size = 0; size <= len + 1; size++) {
		char *b = fuzz_alloc(size);
		int r = signame_from_number(sig, b, size);

		if (size <= len) {
			FUZZ_CHECK(r == -ERANGE);
		} else {
			FUZZ_CHECK(r == 0);
			FUZZ_CHECK(!memcmp(b, name, len + 1));
		}
		free(b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size);
	char name[SIGNAME_MAX];
	int sig, num;

	sig = signame_to_number(s);
	FUZZ_CHECK(sig == -EINVAL || (sig >= 1 && sig <= SIGRTMAX));
	if (sig > 0)
		check_number(sig);

	/* The other way: any int, the small ones likelier. */
	if (size >= sizeof(int))
		memcpy(&num, data, sizeof(int));
	else
		num = size ? (signed char)data[0] : 0;
	if (num >= 1 && num <= SIGRTMAX)
		check_number(num);
	else
		FUZZ_CHECK(signame_from_number(num, name, sizeof(name)) == -EINVAL);
	FUZZ_CHECK(signame_to_number(NULL) == -EINVAL);

	free(s);
	return 0;
}
