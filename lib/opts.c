// SPDX-License-Identifier: LGPL-2.1-or-later
/* Structures that grow without breaking the ABI (the kernel's convention for
 * open_how and clone_args): the caller states the size it was compiled
 * with.  Anything from the first version's size up to a page is accepted;
 * a newer caller's unknown tail must be zero, an older caller's shorter
 * struct gets the fields it has. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "cgkill-private.h"

#define KNOWN_FLAGS                                                                  \
	(CGKILL_FORCE_FREEZE | CGKILL_ALLOW_SELF | CGKILL_DRY_RUN | CGKILL_SIGCONT | \
	 CGKILL_ESCALATE | CGKILL_REMOVE | CGKILL_SURVIVORS | CGKILL_VICTIMS |       \
	 CGKILL_RELEASE_MEMORY)

int opts_size_check(uint32_t size, size_t ver0)
{
	if (size < ver0)
		return -EINVAL;
	return size > CGKILL_STRUCT_SIZE_MAX ? -E2BIG : 0;
}

int opts_struct_load(void *dst, size_t known, const void *src, uint32_t size, size_t ver0)
{
	const unsigned char *tail = (const unsigned char *)src + known;
	int r = opts_size_check(size, ver0);

	if (r < 0)
		return r;
	for (size_t i = known; i < size; i++)
		if (tail[i - known])
			return -E2BIG;
	/* A field the caller does not have keeps its zero default. */
	memset(dst, 0, known);
	memcpy(dst, src, size < known ? size : known);
	return 0;
}

void opts_struct_store(void *dst, uint32_t size, const void *src, size_t known)
{
	memcpy(dst, src, size < known ? size : known);
	if (size > known)
		memset((char *)dst + known, 0, size - known);
	*(uint32_t *)dst = size; /* every public struct starts with it */
}

int opts_load(const struct cgkill_opts *in, struct cgkill_opts *out)
{
	int r;

	if (!in) {
		cgkill_opts_init(out);
		return 0;
	}
	r = opts_struct_load(out, sizeof(*out), in, in->size, CGKILL_OPTS_SIZE_VER0);
	if (r < 0)
		return r;
	out->size = sizeof(*out);
	if (out->signal < 1 || out->signal > SIGRTMAX)
		return -EINVAL;
	if (out->flags & ~(uint64_t)KNOWN_FLAGS)
		return -EINVAL;
	if (out->timeout_ms < CGKILL_TIMEOUT_INFINITE)
		return -EINVAL;
	if (out->flags & CGKILL_ESCALATE) {
		/* Escalating from SIGKILL to SIGKILL means nothing. */
		if (out->signal == SIGKILL || out->grace_ms < 0)
			return -EINVAL;
	} else if (out->grace_ms) {
		return -EINVAL;
	}
	if (out->flags & CGKILL_DRY_RUN &&
	    out->flags & (CGKILL_ESCALATE | CGKILL_REMOVE | CGKILL_SIGCONT | CGKILL_VICTIMS |
			  CGKILL_RELEASE_MEMORY))
		return -EINVAL;
	/* Memory comes back only from a process that SIGKILL ends. */
	if (out->flags & CGKILL_RELEASE_MEMORY && out->signal != SIGKILL &&
	    !(out->flags & CGKILL_ESCALATE))
		return -EINVAL;
	/* As grace_ms: a limit for a list nobody asked for is a mistake.
	 * max_survivors is not: survivors are listed on every timeout. */
	if (out->max_victims && !(out->flags & CGKILL_VICTIMS))
		return -EINVAL;
	/* trace_data without trace is ignored, as userdata without an
	 * observer: a pointer is no limit that could be a mistake.  From an
	 * older caller (size below VER2) both are zero: no trace. */
	return 0;
}

int opts_report_check(const struct cgkill_report *r)
{
	return r ? opts_size_check(r->size, CGKILL_REPORT_SIZE_VER0) : 0;
}

void opts_report_store(struct cgkill_report *dst, const struct cgkill_report *src)
{
	opts_struct_store(dst, dst->size, src, sizeof(*src));
}
