// SPDX-License-Identifier: LGPL-2.1-or-later
/* The clocks the engine and the reports read, in nanoseconds. */
#include <stdint.h>
#include <time.h>

#include "cgkill-private.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t time_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* The calling thread's CPU time: what a rescan cost the machine, whatever
 * the load (wall time would count the time we were preempted). */
uint64_t time_thread_cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}
