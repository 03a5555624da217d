// SPDX-License-Identifier: LGPL-2.1-or-later
/* The system calls of the fallback, counted by strace -f -c around the
 * killer process. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* strace -c -f output: calls per syscall name, and the total. */
struct sc_count {
	char name[32];
	long calls;
};

static int parse_strace(const char *file, struct sc_count *v, int max, long *total)
{
	FILE *f = fopen(file, "r");
	char line[512];
	int k = 0;

	*total = -1;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *tok[8];
		int nt = 0;

		for (char *s = strtok(line, " \t\n"); s && nt < 8; s = strtok(NULL, " \t\n"))
			tok[nt++] = s;
		if (nt < 5 || !isdigit((unsigned char)tok[0][0]))
			continue;
		/* % time, seconds, usecs/call, calls, [errors], name */
		if (!strcmp(tok[nt - 1], "total")) {
			*total = strtol(tok[3], NULL, 10);
			continue;
		}
		if (k < max) {
			snprintf(v[k].name, sizeof(v[k].name), "%s", tok[nt - 1]);
			v[k].calls = strtol(tok[3], NULL, 10);
			k++;
		}
	}
	fclose(f);
	return k;
}

static long sc_find(const struct sc_count *v, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return v[i].calls;
	return 0;
}

static int strace_once(struct ctx *cx, long n, int groups, struct sc_count *v,
		       int *nv, long *total)
{
	char file[] = "/tmp/cgkill-bench-strace-XXXXXX";
	const char *pre[] = { "strace", "-f", "-c", "-o", file, "--", NULL };
	char out[1024];
	int fd = mkstemp(file), r;

	if (fd < 0)
		return -errno;
	close(fd);
	r = killer_run(cx, n, groups, pre, true, out, sizeof(out));
	if (r == 0) {
		r = parse_strace(file, v, 128, total);
		if (r >= 0) {
			*nv = r;
			r = *total > 0 ? 0 : -EIO;
		}
	}
	unlink(file);
	return r;
}

bool have_strace(void)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t l = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/strace", (int)l, path);
		if (access(buf, X_OK) == 0)
			return true;
		path += l;
		if (*path == ':')
			path++;
	}
	return false;
}

int syscall_mode(struct ctx *cx)
{
	static const char *const keys[] = {
		"pidfd_open", "ioctl", "pidfd_send_signal", "close", "openat",
		"read", "getdents64", "fstat", "newfstatat", "epoll_wait", "poll",
		"pread64", "timerfd_settime",
	};
	struct sc_count base[128], run[128];
	int nb, nr, r;
	long tb, tr;

	printf("\nSystem calls of the fallback (strace -f -c of a process that only "
	       "calls cgkill_fd with CGKILL_FORCE_FREEZE; minus the same call on the "
	       "same groups with no process; N <= 1000):\n");
	printf("%-14s %10s %10s %9s  %s\n", "cell", "calls", "baseline", "per proc",
	       "per process: main calls");
	long nmin = cx->o.n[0];

	for (int ni = 1; ni < cx->o.nn; ni++)
		if (cx->o.n[ni] < nmin)
			nmin = cx->o.n[ni];
	for (int gi = 0; gi < cx->o.ng; gi++) {
		for (int ni = 0; ni < cx->o.nn; ni++) {
			long n = cx->o.n[ni];
			int groups = cx->o.groups[gi] > n ? (int)n : cx->o.groups[gi];
			char label[48];

			if (g_stop)
				return -EINTR;
			/* The count per process does not depend on N; tracing
			 * 10000 processes costs a minute in a VM. */
			if (n > 1000 && n != nmin)
				continue;
			snprintf(label, sizeof(label), "N=%ld G=%d", n, groups);
			fprintf(stderr, "syscalls: %s ...\n", label);
			r = strace_once(cx, 0, groups, base, &nb, &tb);
			if (r == 0)
				r = strace_once(cx, n, groups, run, &nr, &tr);
			if (r < 0) {
				printf("%-14s strace run failed: %s\n", label, strerror(-r));
				return r;
			}
			printf("%-14s %10ld %10ld %9.2f ", label, tr, tb,
			       (double)(tr - tb) / (double)n);
			for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
				long d = sc_find(run, nr, keys[k]) - sc_find(base, nb, keys[k]);

				if (d > n / 20 || d < -(n / 20))
					printf(" %s %.2f", keys[k], (double)d / (double)n);
			}
			printf("\n");
			if (cx->json) {
				fprintf(cx->json, "{\"type\":\"syscalls\",\"method\":\"fallback\","
					"\"n\":%ld,\"groups\":%d,\"calls\":%ld,\"baseline\":%ld,"
					"\"per_process\":%.3f,\"by_name\":{", n, groups, tr, tb,
					(double)(tr - tb) / (double)n);
				for (int k = 0; k < nr; k++)
					fprintf(cx->json, "%s\"%s\":%ld", k ? "," : "",
						run[k].name, run[k].calls - sc_find(base, nb, run[k].name));
				fprintf(cx->json, "}}\n");
			}
		}
	}
	return 0;
}
