// SPDX-License-Identifier: LGPL-2.1-or-later
/* Median, min and max of the runs of a method in a cell. */
#include <math.h>
#include <stdlib.h>

#include "bench.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static struct stat3 stats_u64(uint64_t *v, int n)
{
	struct stat3 s = { NAN, NAN, NAN };

	if (n <= 0)
		return s;
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	s.min = (double)v[0];
	s.max = (double)v[n - 1];
	s.med = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
	return s;
}

static struct stat3 stats_i64(int64_t *v, int n)
{
	struct stat3 s = { NAN, NAN, NAN };

	if (n <= 0)
		return s;
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
	s.min = (double)v[0];
	s.max = (double)v[n - 1];
	s.med = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
	return s;
}

void summarize(const struct sample *s, int reps, struct summary *out)
{
	uint64_t e[reps], c[reps], v[reps], cpu[reps];
	int64_t lag[reps];
	uint64_t popv[reps], psi[reps];
	int n = 0;

	for (int i = 0; i < reps; i++) {
		if (!s[i].ok)
			continue;
		e[n] = s[i].empty_ns;
		c[n] = s[i].call_ns;
		v[n] = s[i].seen_ns;
		cpu[n] = s[i].cpu_ns;
		lag[n] = (int64_t)s[i].call_ns - (int64_t)s[i].seen_ns;
		popv[n] = (uint64_t)s[i].population;
		/* In hundredths, to share the integer statistics. */
		psi[n] = isnan(s[i].psi) ? 0 : (uint64_t)(s[i].psi * 100 + 0.5);
		n++;
	}
	out->n = n;
	out->failed = reps - n;
	out->empty = stats_u64(e, n);
	out->call = stats_u64(c, n);
	out->seen = stats_u64(v, n);
	out->lag = stats_i64(lag, n);
	out->cpu = stats_u64(cpu, n);
	out->pop_med = stats_u64(popv, n).med;
	out->psi = stats_u64(psi, n);
	out->psi.med /= 100;
	out->psi.min /= 100;
	out->psi.max /= 100;
	out->ratio = NAN;
}
