// SPDX-License-Identifier: LGPL-2.1-or-later
/* The JSON lines output: one line per measurement and per cell summary. */
#include <inttypes.h>
#include <math.h>

#include "bench.h"

static void json_stat(FILE *f, const char *key, struct stat3 s)
{
	fprintf(f, ",\"%s\":{\"median\":%.0f,\"min\":%.0f,\"max\":%.0f}",
		key, isnan(s.med) ? -1 : s.med, isnan(s.min) ? -1 : s.min,
		isnan(s.max) ? -1 : s.max);
}

static void json_cell(FILE *f, const struct cell *c)
{
	fprintf(f, "\"cell\":\"%s\",\"n\":%ld,\"groups\":%d,\"bomb\":%s",
		c->label, c->bomb ? 0 : c->n, c->groups, c->bomb ? "true" : "false");
	if (c->bomb)
		fprintf(f, ",\"bomb_cap\":%ld", c->n);
}

void json_measurement(FILE *f, const struct cell *c, int m, int rep,
		      unsigned order, const struct sample *s)
{
	if (!f)
		return;
	fprintf(f, "{\"type\":\"measurement\",");
	json_cell(f, c);
	fprintf(f, ",\"method\":\"%s\",\"rep\":%d,\"order\":%u,\"ok\":%s",
		method_name[m], rep, order, s->ok ? "true" : "false");
	fprintf(f, ",\"population\":%ld,\"empty_ns\":%" PRIu64 ",\"call_ns\":%" PRIu64
		",\"seen_ns\":%" PRIu64 ",\"seen_event_ns\":%" PRIu64 ",\"lag_ns\":%" PRId64
		",\"survivors\":%ld,\"reaped\":%ld,\"populate_ns\":%" PRIu64
		",\"cpu_ns\":%" PRIu64,
		s->population, s->empty_ns, s->call_ns, s->seen_ns, s->seen_event_ns,
		(int64_t)s->call_ns - (int64_t)s->seen_ns, s->survivors, s->reaped,
		s->populate_ns, s->cpu_ns);
	if (m == M_NATIVE || m == M_FALLBACK)
		fprintf(f, ",\"passes\":%" PRIu64 ",\"signaled\":%" PRIu64,
			s->passes, s->signaled);
	if (c->bomb)
		fprintf(f, ",\"grown_after_start\":%ld", s->grown);
	if (!isnan(s->psi))
		fprintf(f, ",\"cpu_psi_some_avg10\":%.2f", s->psi);
	if (s->sig_first_ns)
		fprintf(f, ",\"first_signal_ns\":%" PRIu64 ",\"last_signal_ns\":%" PRIu64,
			s->sig_first_ns, s->sig_last_ns);
	fprintf(f, "}\n");
	fflush(f);
}

void json_summary(FILE *f, const struct cell *c, int m, const struct summary *su)
{
	if (!f)
		return;
	fprintf(f, "{\"type\":\"summary\",");
	json_cell(f, c);
	fprintf(f, ",\"method\":\"%s\",\"reps\":%d,\"failed\":%d,\"population_median\":%.0f",
		method_name[m], su->n, su->failed, isnan(su->pop_med) ? -1 : su->pop_med);
	json_stat(f, "empty_ns", su->empty);
	json_stat(f, "call_ns", su->call);
	json_stat(f, "seen_ns", su->seen);
	json_stat(f, "lag_ns", su->lag);
	json_stat(f, "cpu_ns", su->cpu);
	fprintf(f, ",\"cpu_psi_some_avg10\":{\"median\":%.2f,\"min\":%.2f,\"max\":%.2f}",
		su->psi.med, su->psi.min, su->psi.max);
	fprintf(f, ",\"ratio_to_raw\":%.4f}\n", isnan(su->ratio) ? -1.0 : su->ratio);
	fflush(f);
}
