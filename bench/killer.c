// SPDX-License-Identifier: LGPL-2.1-or-later
/* The killer process (--kill-only): a separate process that only calls
 * cgkill_fd, run on a population; its peak memory. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static long status_kb(const char *key)
{
	char buf[4096], *p;
	size_t kl = strlen(key);

	if (read_text("/proc/self/status", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ':')
			return strtol(p + kl + 1, NULL, 10);
	return -1;
}

/* --kill-only PATH [--freeze]: what a process that only kills costs. */
int kill_only(const char *path, bool freeze)
{
	struct cgkill_report rep;
	struct rusage ru;
	long rss0, hwm;
	int fd, r;

	fd = cgkill_open(path, 0);
	if (fd < 0) {
		fprintf(stderr, "cgkill-bench: cgkill_open %s: %s\n", path, strerror(-fd));
		return 1;
	}
	/* Reset the peak to what we hold now: the peak is then the call's. */
	write_at(AT_FDCWD, "/proc/self/clear_refs", "5");
	rss0 = status_kb("VmRSS");
	r = lib_kill(fd, freeze, &rep, NULL);
	hwm = status_kb("VmHWM");
	getrusage(RUSAGE_SELF, &ru);
	close(fd);
	printf("rc=%d empty=%d method=%u signaled=%" PRIu64 " passes=%" PRIu64
	       " elapsed_ns=%" PRIu64 " rss_before_kb=%ld hwm_kb=%ld maxrss_kb=%ld\n",
	       r, (rep.flags & CGKILL_REPORT_NO_USERS) ? 1 : 0, rep.last_method,
	       rep.signaled, rep.passes, rep.elapsed_ns, rss0, hwm, ru.ru_maxrss);
	return r == CGKILL_DONE && (rep.flags & CGKILL_REPORT_NO_USERS) ? 0 : 1;
}

/* Run argv with stdout to a pipe; its output in out.  0 when it exits 0. */
static int run_capture(char *const argv[], char *out, size_t outsz, int *status)
{
	int pfd[2];
	pid_t pid;
	size_t len = 0;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (pid == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		ssize_t n = read(pfd[0], out + len, outsz - len - 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len + 1 >= outsz)
			break;
	}
	out[len] = '\0';
	close(pfd[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(*status) && WEXITSTATUS(*status) == 0 ? 0 : -EIO;
}

static long kv_long(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* A population of n in `groups` groups, killed by a separate process
 * running argv_tail (the group's path is appended). */
int killer_run(struct ctx *cx, long n, int groups, const char *const *pre,
	       bool freeze, char *out, size_t outsz)
{
	char path[PATH_MAX];
	char *argv[24];
	struct pop p;
	int k = 0, st, r, r2;
	bool all;

	r = pop_create(cx, &p, groups);
	if (r == 0 && n)
		r = populate_pause(cx, &p, n);
	if (r < 0)
		goto out;
	sleep_ns(10000000);
	snprintf(path, sizeof(path), "%s/%s", cx->root, p.name);
	for (; pre && pre[k]; k++)
		argv[k] = (char *)pre[k];
	argv[k++] = cx->exe;
	argv[k++] = (char *)"--kill-only";
	argv[k++] = path;
	if (freeze)
		argv[k++] = (char *)"--freeze";
	argv[k] = NULL;
	r = run_capture(argv, out, outsz, &st);
	if (r == 0 && events_populated(p.evfd_own) != 0)
		r = -EPROTO;
	if (r == 0 && reap_all(WAIT_LIMIT_NS, &all) != n)
		r = -EPROTO;
out:
	pop_close(&p);
	r2 = p.name[0] ? sweep(cx->rootfd, p.name) : 0;
	reap_all(0, &all);
	return r < 0 ? r : r2;
}

int memory_mode(struct ctx *cx, long n, struct memres *res, int *nres)
{
	char out[1024];
	int r, k = 0;

	for (int gi = 0; gi < cx->o.ng; gi++) {
		/* The fallback for every G; the native path, for reference,
		 * at the last G only. */
		for (int fr = 1; fr >= (gi == cx->o.ng - 1 ? 0 : 1); fr--) {
			struct memres *m = &res[k];
			int groups = cx->o.groups[gi] > n ? (int)n : cx->o.groups[gi];

			fprintf(stderr, "memory: %s, N=%ld G=%d ...\n",
				fr ? "fallback" : "native", n, groups);
			r = killer_run(cx, n, groups, NULL, fr, out, sizeof(out));
			if (r < 0) {
				fprintf(stderr, "cgkill-bench: memory run failed: %s (%s)\n",
					strerror(-r), out);
				return r;
			}
			m->n = n;
			m->groups = groups;
			m->freeze = fr;
			m->rss0 = kv_long(out, "rss_before_kb=");
			m->hwm = kv_long(out, "hwm_kb=");
			m->maxrss = kv_long(out, "maxrss_kb=");
			m->elapsed = (uint64_t)kv_long(out, "elapsed_ns=");
			k++;
			if (cx->json)
				fprintf(cx->json, "{\"type\":\"memory\",\"method\":\"%s\",\"n\":%ld,"
					"\"groups\":%d,\"rss_before_kb\":%ld,\"peak_kb\":%ld,"
					"\"ru_maxrss_kb\":%ld,\"call_ns\":%" PRIu64 "}\n",
					fr ? "fallback" : "native", n, groups, m->rss0,
					m->hwm, m->maxrss, m->elapsed);
		}
	}
	*nres = k;
	return 0;
}
