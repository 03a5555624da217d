/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Durations on the command line: pure functions, for unit tests and fuzzing. */
#ifndef CGKILL_DURATION_H
#define CGKILL_DURATION_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The largest duration accepted, in ms (about 292 years): the library turns
 * a timeout into an absolute deadline in nanoseconds on a 64-bit clock, so a
 * larger one would wrap around.
 */
#define DURATION_MAX_MS (INT64_MAX / 1000000)

/*
 * Parse seconds written as "10", "0.3", ".5" or "2." into milliseconds,
 * rounding a fraction of a millisecond up so that a nonzero duration never
 * becomes 0.  With @allow_inf, "inf" or "infinity" (any ASCII case) gives
 * -1.  No sign, exponent, blank or other text is accepted.
 * Returns 0, -EINVAL for malformed text (negative numbers included), or
 * -ERANGE above DURATION_MAX_MS.
 */
int duration_parse_ms(const char *s, bool allow_inf, int64_t *ms);

#endif
