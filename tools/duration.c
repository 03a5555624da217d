// SPDX-License-Identifier: LGPL-2.1-or-later
/* Not strtod(): it takes "1e3", "0x10", "nan", leading blanks and the
 * locale's decimal point, none of which a timeout should be. */
#include <errno.h>

#include "duration.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool same_word(const char *s, const char *lower)
{
	for (; *lower; s++, lower++)
		if ((*s | 0x20) != *lower)
			return false;
	return *s == '\0';
}

int duration_parse_ms(const char *s, bool allow_inf, int64_t *ms)
{
	int64_t secs = 0, frac = 0;
	int digits = 0, frac_digits = 0;
	bool round_up = false, too_big = false;

	if (!s || !ms)
		return -EINVAL;
	if (allow_inf && (same_word(s, "inf") || same_word(s, "infinity"))) {
		*ms = -1;
		return 0;
	}
	for (; is_digit(*s); s++, digits++) {
		if (secs > DURATION_MAX_MS / 1000)
			too_big = true; /* stop before it overflows */
		else
			secs = secs * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; is_digit(*s); s++, digits++) {
			if (frac_digits < 3) {
				frac = frac * 10 + (*s - '0');
				frac_digits++;
			} else if (*s != '0') {
				round_up = true;
			}
		}
	}
	if (*s || digits == 0)
		return -EINVAL;
	for (; frac_digits < 3; frac_digits++)
		frac *= 10;
	if (too_big || secs > (DURATION_MAX_MS - frac - round_up) / 1000)
		return -ERANGE;
	*ms = secs * 1000 + frac + round_up;
	return 0;
}
