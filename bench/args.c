// SPDX-License-Identifier: LGPL-2.1-or-later
/* The command line: usage and option parsing. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static int parse_list_long(const char *s, long *v, int *n, long lo, long hi)
{
	char *end;

	*n = 0;
	while (*s) {
		long x = strtol(s, &end, 10);

		if (end == s || x < lo || x > hi || *n >= MAX_LIST)
			return -EINVAL;
		v[(*n)++] = x;
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			return -EINVAL;
	}
	return *n ? 0 : -EINVAL;
}

void usage(FILE *f)
{
	fprintf(f,
		"Usage: cgkill-bench [options]\n"
		"Measures how long emptying a cgroup v2 subtree takes: cgroup.kill\n"
		"(raw), cgkill_fd (native), cgkill_fd with CGKILL_FORCE_FREEZE (fallback)\n"
		"and a kill() loop (naive).  Needs root and a writable cgroup2 mount.\n\n"
		"  --reps R         measurements per method and cell (default 5; at least\n"
		"                   5 unless --quick)\n"
		"  --n LIST         processes, comma separated (default 100,1000,10000)\n"
		"  --groups LIST    groups they are spread over (default 1,100)\n"
		"  --bomb, --no-bomb  the bounded fork bomb cell (default on)\n"
		"  --bomb-cap K     fork bomb cap, at most %d (default %d; 500 with --quick)\n"
		"  --json FILE      JSON lines: one per measurement and per cell summary\n"
		"  --svg FILE       SVG chart of median time to empty against N\n"
		"  --memory, --no-memory      peak memory of a killer process (default on)\n"
		"  --syscalls, --no-syscalls  system calls of the fallback by strace -c\n"
		"                   (default on when strace is installed)\n"
		"  --quick          N=100 only, 2 reps, no strace (the CI smoke test)\n"
		"  --methods LIST   subset of raw,native,fallback,naive (raw required)\n"
		"  --trace-signals  time the library's first and last signal with an\n"
		"                   observer (JSON only; not the default options)\n"
		"  --spawners K     processes spawning a population in parallel (default\n"
		"                   1: in a VM parallel forks were slower)\n"
		"  --population static|dynamic  who the processes are copies of: a\n"
		"                   static spawner (default: as small as processes get)\n"
		"                   or a dynamically linked one (libc mapped, as most\n"
		"                   real processes; their exits cost more)\n"
		"  --reports        only the cost of the 1.1 reports: raw, native, with\n"
		"                   CGKILL_SURVIVORS, with CGKILL_VICTIMS, and the\n"
		"                   victims' floor: freeze, pin, cgroup.kill, thaw with\n"
		"                   no library (N: the first --n, default 10000; G: the\n"
		"                   first --groups, default 100)\n"
		"  --memory-back    only the time until a killed group's memory is back:\n"
		"                   raw, native, native and fallback with\n"
		"                   CGKILL_RELEASE_MEMORY, the fallback alone (a\n"
		"                   control), unstarved and starved (default 9 runs;\n"
		"                   --svg: memory over time after the kill)\n"
		"  --mb-n N, --mb-mib M  its processes and MiB each (default 16 x 128)\n"
		"Exit status: 0 done, 1 a measurement failed, 2 usage, 77 no writable\n"
		"cgroup2 (1 if CGKILL_REQUIRE_CGROUP=1).\n",
		BOMB_CAP_MAX, BOMB_CAP_MAX);
}

int parse_args(int argc, char **argv, struct opts *o)
{
	enum {
		O_REPS = 256, O_N, O_GROUPS, O_BOMB, O_NOBOMB, O_CAP, O_JSON,
		O_SVG, O_QUICK, O_MEM, O_NOMEM, O_SC, O_NOSC, O_HELP, O_SPAWNERS, O_METHODS, O_TRACE,
		O_REPORTS, O_MEMBACK, O_MB_N, O_MB_MIB, O_POPULATION,
	};
	static const struct option lo[] = {
		{ "reps", required_argument, NULL, O_REPS },
		{ "n", required_argument, NULL, O_N },
		{ "groups", required_argument, NULL, O_GROUPS },
		{ "bomb", no_argument, NULL, O_BOMB },
		{ "no-bomb", no_argument, NULL, O_NOBOMB },
		{ "bomb-cap", required_argument, NULL, O_CAP },
		{ "json", required_argument, NULL, O_JSON },
		{ "svg", required_argument, NULL, O_SVG },
		{ "quick", no_argument, NULL, O_QUICK },
		{ "memory", no_argument, NULL, O_MEM },
		{ "no-memory", no_argument, NULL, O_NOMEM },
		{ "syscalls", no_argument, NULL, O_SC },
		{ "no-syscalls", no_argument, NULL, O_NOSC },
		{ "help", no_argument, NULL, O_HELP },
		{ "spawners", required_argument, NULL, O_SPAWNERS },
		{ "methods", required_argument, NULL, O_METHODS },
		{ "trace-signals", no_argument, NULL, O_TRACE },
		{ "reports", no_argument, NULL, O_REPORTS },
		{ "memory-back", no_argument, NULL, O_MEMBACK },
		{ "mb-n", required_argument, NULL, O_MB_N },
		{ "mb-mib", required_argument, NULL, O_MB_MIB },
		{ "population", required_argument, NULL, O_POPULATION },
		{ NULL, 0, NULL, 0 },
	};
	long gl[MAX_LIST];
	int c;

	memset(o, 0, sizeof(*o));
	o->reps = 5;
	o->bomb = true;
	o->bomb_cap = BOMB_CAP_MAX;
	o->memory = -1;
	o->syscalls = -1;
	for (int m = 0; m < M_COUNT; m++)
		o->use[m] = true;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		char *end;

		switch (c) {
		case O_REPS:
			o->reps = (int)strtol(optarg, &end, 10);
			if (*end || o->reps < 1 || o->reps > 1000)
				return -EINVAL;
			o->reps_set = true;
			break;
		case O_N:
			if (parse_list_long(optarg, o->n, &o->nn, 1, NMAX) < 0)
				return -EINVAL;
			o->n_set = true;
			break;
		case O_GROUPS:
			if (parse_list_long(optarg, gl, &o->ng, 1, 1000) < 0)
				return -EINVAL;
			for (int i = 0; i < o->ng; i++)
				o->groups[i] = (int)gl[i];
			break;
		case O_BOMB:
			o->bomb = true;
			break;
		case O_NOBOMB:
			o->bomb = false;
			break;
		case O_CAP:
			o->bomb_cap = strtol(optarg, &end, 10);
			if (*end || o->bomb_cap < 8 || o->bomb_cap > BOMB_CAP_MAX)
				return -EINVAL;
			o->cap_set = true;
			break;
		case O_JSON:
			o->json = optarg;
			break;
		case O_SVG:
			o->svg = optarg;
			break;
		case O_QUICK:
			o->quick = true;
			break;
		case O_MEM:
			o->memory = 1;
			break;
		case O_NOMEM:
			o->memory = 0;
			break;
		case O_SC:
			o->syscalls = 1;
			break;
		case O_NOSC:
			o->syscalls = 0;
			break;
		case O_SPAWNERS:
			o->spawners = (int)strtol(optarg, &end, 10);
			if (*end || o->spawners < 1 || o->spawners > 8)
				return -EINVAL;
			break;
		case O_METHODS: {
			char *dup_list = strdup(optarg), *save = NULL;

			if (!dup_list)
				return -ENOMEM;
			memset(o->use, 0, sizeof(o->use));
			for (char *t = strtok_r(dup_list, ",", &save); t;
			     t = strtok_r(NULL, ",", &save)) {
				int m;

				for (m = 0; m < M_COUNT; m++)
					if (!strcmp(t, method_name[m]))
						break;
				if (m == M_COUNT) {
					free(dup_list);
					return -EINVAL;
				}
				o->use[m] = true;
			}
			free(dup_list);
			if (!o->use[M_RAW])
				return -EINVAL;	/* the ratios need it */
			break;
		}
		case O_TRACE:
			o->trace_signals = true;
			break;
		case O_REPORTS:
			o->reports = true;
			break;
		case O_MEMBACK:
			o->memback = true;
			break;
		case O_MB_N:
			o->mb_n = strtol(optarg, &end, 10);
			if (*end || o->mb_n < 1 || o->mb_n > 1024)
				return -EINVAL;
			break;
		case O_MB_MIB:
			o->mb_mib = strtol(optarg, &end, 10);
			if (*end || o->mb_mib < 1 || o->mb_mib > 65536)
				return -EINVAL;
			break;
		case O_POPULATION:
			if (strcmp(optarg, "static") && strcmp(optarg, "dynamic"))
				return -EINVAL;
			o->dynamic = !strcmp(optarg, "dynamic");
			break;
		case O_HELP:
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (optind != argc)
		return -EINVAL;
	if (!o->nn) {
		static const long def[] = { 100, 1000, 10000 };

		o->nn = o->quick ? 1 : 3;
		memcpy(o->n, def, sizeof(def));
	}
	if (!o->ng) {
		o->ng = 2;
		o->groups[0] = 1;
		o->groups[1] = 100;
	}
	if (o->quick) {
		if (!o->reps_set)
			o->reps = 2;
		if (!o->cap_set)
			o->bomb_cap = 500;
		if (o->syscalls < 0)
			o->syscalls = 0;
	} else if (o->reps < 5) {
		fprintf(stderr, "cgkill-bench: --reps %d raised to 5 for a real run\n", o->reps);
		o->reps = 5;
	}
	return 0;
}
