// SPDX-License-Identifier: LGPL-2.1-or-later
/* The human-readable results: the table of times and the targets. */
#include <stdio.h>

#include "bench.h"

static void print_stat(struct stat3 s)
{
	printf(" %9.3f %9.3f %9.3f", s.med / 1e6, s.min / 1e6, s.max / 1e6);
}

void print_table(const struct cell *cells, int ncells,
		 struct summary (*su)[M_COUNT], int reps)
{
	printf("\nTime from the start of the call, in ms: median, min, max of %d runs.\n"
	       "empty: \"populated 0\" as the method knows it (raw, naive: its own\n"
	       "wait on cgroup.events; library: cgkill_fd returned).  call: the call\n"
	       "returned (raw: the write to cgroup.kill; naive: the last kill pass).\n"
	       "seen: our watcher thread read \"populated 0\".  lag: call - seen.\n"
	       "cpu: CPU time of the killing thread until empty (median).\n"
	       "ratio: median empty / raw's median empty, same cell, same run.\n"
	       "psi: /proc/pressure/cpu \"some avg10\" just before each run, median\n"
	       "(%%): a ratio measured at a high one is not the library's own.\n\n", reps);
	printf("%-22s %-9s %29s %29s %9s %9s %9s %7s %6s\n", "", "",
	       "------- empty (ms) ---------", "-------- call (ms) ----------",
	       "seen", "lag", "cpu", "", "");
	printf("%-22s %-9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %7s %6s\n", "cell", "method",
	       "median", "min", "max", "median", "min", "max", "median", "median",
	       "median", "ratio", "psi");
	for (int i = 0; i < ncells; i++) {
		for (int m = 0; m < M_COUNT; m++) {
			const struct summary *s = &su[i][m];
			char label[48];

			if (cells[i].bomb && m == 0)
				snprintf(label, sizeof(label), "%s (%.0f at t0)",
					 cells[i].label, s->pop_med);
			else
				snprintf(label, sizeof(label), "%s", m ? "" : cells[i].label);
			if (!s->run)
				continue;
			printf("%-22s %-9s", label, method_name[m]);
			if (!s->n) {
				printf(" (no successful run)\n");
				continue;
			}
			print_stat(s->empty);
			print_stat(s->call);
			if (m == M_NATIVE || m == M_FALLBACK)
				printf(" %9.3f %9.3f %9.3f %7.3f %6.2f\n", s->seen.med / 1e6,
				       s->lag.med / 1e6, s->cpu.med / 1e6, s->ratio,
				       s->psi.med);
			else
				printf(" %9.3f %9s %9.3f %7.3f %6.2f\n", s->seen.med / 1e6, "-",
				       s->cpu.med / 1e6, s->ratio, s->psi.med);
		}
	}
}

void print_targets(const struct cell *cells, int ncells,
		   struct summary (*su)[M_COUNT])
{
	printf("\nTargets (medians, this run):\n");
	for (int i = 0; i < ncells; i++) {
		double r = su[i][M_NATIVE].ratio;

		if (!su[i][M_NATIVE].run)
			continue;
		printf("  native/raw <= 1.03      %-18s %6.3f  %s  (psi %.2f)\n",
		       cells[i].label, r, r <= 1.03 ? "met" : "MISSED",
		       su[i][M_NATIVE].psi.med);
	}
	for (int i = 0; i < ncells; i++) {
		double r = su[i][M_FALLBACK].ratio;

		if (!su[i][M_FALLBACK].run)
			continue;
		if (cells[i].bomb)
			printf("  fallback/raw <= 1.3     %-18s %6.3f  %s (%d of %d runs "
			       "with zero survivors; psi %.2f)\n", cells[i].label, r,
			       r <= 1.3 && !su[i][M_FALLBACK].failed ? "met" : "MISSED",
			       su[i][M_FALLBACK].n, su[i][M_FALLBACK].n + su[i][M_FALLBACK].failed,
			       su[i][M_FALLBACK].psi.med);
		else if (cells[i].n == 10000 && cells[i].groups == 100)
			printf("  fallback/raw <= 1.15    %-18s %6.3f  %s  (psi %.2f)\n",
			       cells[i].label, r, r <= 1.15 ? "met" : "MISSED",
			       su[i][M_FALLBACK].psi.med);
	}
	/* The floor of signalling from user space: a bare kill() per listed
	 * pid (nothing pinned, nothing verified) pays what the fallback pays
	 * for each signal, whose victim then competes with the signaller for
	 * a CPU.  The fallback's own cost is what it adds to that. */
	for (int i = 0; i < ncells; i++) {
		const struct summary *f = &su[i][M_FALLBACK], *nv = &su[i][M_NAIVE];

		if (!f->run || !nv->run || !f->n || !nv->n || nv->ratio <= 0)
			continue;
		printf("  fallback/naive (floor)  %-18s %6.3f  (naive/raw %.3f: a kill() "
		       "per listed pid, nothing verified)\n",
		       cells[i].label, f->ratio / nv->ratio, nv->ratio);
	}
	for (int i = 0; i < ncells; i++)
		for (int m = M_NATIVE; m <= M_FALLBACK; m++) {
			double l = su[i][m].lag.med / 1e6;

			if (!su[i][m].run)
				continue;
			printf("  return after populated 0 <= 2 ms  %-8s %-18s %6.3f ms  %s\n",
			       method_name[m], cells[i].label, l, l <= 2 ? "met" : "MISSED");
		}
}
