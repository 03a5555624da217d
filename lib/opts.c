// SPDX-License-Identifier: LGPL-2.1-or-later
/* Options and report structs that grow without breaking the ABI: the
 * caller states its size; a newer caller's unknown tail must be zero
 * (as openat2's struct open_how), an older caller's report gets the
 * fields it has. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "cgkill-private.h"

#define KNOWN_FLAGS (CGKILL_FORCE_FREEZE | CGKILL_ALLOW_SELF | CGKILL_DRY_RUN | \
		     CGKILL_SIGCONT | CGKILL_ESCALATE | CGKILL_REMOVE)

CGKILL_EXPORT void cgkill_opts_init(struct cgkill_opts *opts)
{
	if (!opts)
		return;
	memset(opts, 0, sizeof(*opts));
	opts->size = sizeof(*opts);
	opts->signal = SIGKILL;
	opts->timeout_ms = CGKILL_TIMEOUT_DEFAULT_MS;
}

int opts_load(const struct cgkill_opts *in, struct cgkill_opts *out)
{
	if (!in) {
		cgkill_opts_init(out);
		return 0;
	}
	if (in->size < sizeof(*out))
		return -EINVAL;
	for (size_t i = sizeof(*out); i < in->size; i++)
		if (((const unsigned char *)in)[i])
			return -E2BIG;
	memcpy(out, in, sizeof(*out));
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
	    out->flags & (CGKILL_ESCALATE | CGKILL_REMOVE | CGKILL_SIGCONT))
		return -EINVAL;
	return 0;
}

int report_check(const struct cgkill_report *r)
{
	/* Every field of the first version is needed; later ones append. */
	return r->size < sizeof(*r) ? -EINVAL : 0;
}

void report_store(struct cgkill_report *dst, const struct cgkill_report *src)
{
	uint32_t size = dst->size;
	size_t n = size < sizeof(*src) ? size : sizeof(*src);

	memcpy(dst, src, n);
	if (size > sizeof(*src))
		memset((char *)dst + sizeof(*src), 0, size - sizeof(*src));
	dst->size = size;
}
