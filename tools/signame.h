/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Signal names for the command line: pure functions (no global state, no
 * locale, no allocation), so they can be unit-tested and fuzzed.
 *
 * Names are the Linux ones, matched without regard to ASCII case and with or
 * without a "SIG" prefix: "KILL", "SIGKILL", "term", "IOT" (an alias).  The
 * real-time signals are named from the C library's SIGRTMIN and SIGRTMAX,
 * which leave out the ones the library keeps for itself: "RTMIN", "RTMIN+3",
 * "RTMAX-1", "RTMAX".
 */
#ifndef CGKILL_SIGNAME_H
#define CGKILL_SIGNAME_H

#include <stddef.h>

/* Enough for every name signame_from_number() writes ("RTMIN+NN"). */
#define SIGNAME_MAX 16

/*
 * The number of the signal @s names, or given as a plain decimal number
 * from 1 to SIGRTMAX; -EINVAL for anything else (0 included: it is not a
 * signal that can be sent to kill).
 */
int signame_to_number(const char *s);

/*
 * Write the canonical name of @sig, without "SIG", into @buf: "TERM",
 * "RTMIN+3", "RTMAX-1" (the upper half of the real-time range counts down
 * from RTMAX, as bash's kill -l does).  A number between the last standard
 * signal and SIGRTMIN, reserved by the C library, is written in decimal.
 * Returns 0, -EINVAL if @sig is not between 1 and SIGRTMAX, or -ERANGE if
 * @size is too small.
 */
int signame_from_number(int sig, char *buf, size_t size);

#endif
