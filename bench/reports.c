// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * --reports: what the reports of libcgkill 1.1 cost, side by side in one
 * run, alternating method by method on fresh populations (N processes in
 * G groups, by default 10000 in 100):
 *
 *   raw        write "1" to cgroup.kill, wait for "populated 0";
 *   native     cgkill_op_start + cgkill_op_wait, default options: the
 *              success path, with the survivors code in the library but
 *              not run;
 *   survivors  the same with CGKILL_SURVIVORS: asked for, but on a
 *              success whose subtree is empty there is nobody to read;
 *   victims    the same with CGKILL_VICTIMS: freeze, pin every process
 *              with a pidfd, cgroup.kill, thaw, then the records;
 *   floor      no library: the least any exact list of victims costs
 *              with the kill left to cgroup.kill.  The bare recipe:
 *              freeze, wait for "frozen 1" (from then on nothing forks),
 *              one listing that pins each process (pidfd_open, its group
 *              by PIDFD_GET_INFO, its comm from /proc), cgroup.kill, thaw,
 *              wait.  It checks nothing it reads and keeps no record: a
 *              control, to tell the library's cost from the recipe's.
 *
 * Time to empty: raw's own wait; the library's, when cgkill_op_wait()
 * returns.  The victims' records are read after we reaped the population
 * (the kernel tells an exit status only then); that read is timed apart.
 * Beside each run, the "some avg10" of /proc/pressure/cpu just before it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ioctl.h>
#include <linux/types.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"
#include "syscalls.h" /* the library's: SYS_pidfd_open on every architecture */

enum { R_RAW, R_NATIVE, R_SURVIVORS, R_VICTIMS, R_FLOOR, R_COUNT };
static const char *const rname[R_COUNT] = { "raw", "native", "survivors", "victims", "floor" };

/* PIDFD_GET_INFO (Linux 6.13), its first version: 64 bytes. */
struct floor_info {
	__u64 mask, cgroupid;
	__u32 ids[12];
};
#define FLOOR_GET_INFO _IOWR(0xFF, 11, struct floor_info)
#define FLOOR_INFO_CGROUPID (1ULL << 2)

struct rsample {
	bool ok;
	double empty_ms, cpu_ms, psi, collect_ms;
	long exited;		/* victims: exit status known */
	uint32_t listed;	/* victims: n_victims; survivors: n_survivors */
};

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

enum field { F_EMPTY, F_CPU, F_PSI, F_COLLECT };

static double field(const struct rsample *s, enum field f)
{
	switch (f) {
	case F_EMPTY:
		return s->empty_ms;
	case F_CPU:
		return s->cpu_ms;
	case F_PSI:
		return s->psi;
	default:
		return s->collect_ms;
	}
}

static void stat_of(const struct rsample *s, int n, enum field f, struct stat3 *out)
{
	double v[1024];
	int k = 0;

	for (int i = 0; i < n && k < 1024; i++)
		if (s[i].ok)
			v[k++] = field(&s[i], f);
	if (!k) {
		*out = (struct stat3){ 0, 0, 0 };
		return;
	}
	qsort(v, (size_t)k, sizeof(*v), cmp_d);
	out->min = v[0];
	out->max = v[k - 1];
	out->med = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

/* Read every victim of op once the population is reaped: each must have
 * died of SIGKILL. */
static int collect(struct cgkill_op *op, uint32_t n, struct rsample *s)
{
	struct cgkill_victim v = { .size = sizeof(v) };
	uint64_t t0 = bench_now();

	s->exited = 0;
	for (uint32_t i = 0; i < n; i++) {
		int r = cgkill_op_get_victim(op, i, &v);

		if (r < 0)
			return r;
		if (v.flags & CGKILL_VICTIM_EXITED) {
			if (v.exit_signal != SIGKILL)
				return -EPROTO;
			s->exited++;
		}
	}
	s->collect_ms = ms(bench_now() - t0);
	return 0;
}

struct floor {
	int *fd;
	size_t n, cap;
};

static int floor_pin(pid_t pid, void *arg)
{
	struct floor_info info = { .mask = FLOOR_INFO_CGROUPID };
	struct floor *f = arg;
	char path[48], comm[32];
	int fd, cfd;

	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return 0;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 1024;
		int *nfd = realloc(f->fd, cap * sizeof(*nfd));

		if (!nfd) {
			close(fd);
			return -ENOMEM;
		}
		f->fd = nfd;
		f->cap = cap;
	}
	f->fd[f->n++] = fd;
	(void)ioctl(fd, FLOOR_GET_INFO, &info);
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	cfd = open(path, O_RDONLY | O_CLOEXEC);
	if (cfd >= 0) {
		if (read(cfd, comm, sizeof(comm)) < 0)
			comm[0] = '\0';
		close(cfd);
	}
	return 0;
}

/* "frozen 1" in the target's cgroup.events, polled as the library does
 * (every 0.2 ms); 1 s at most. */
static int floor_wait_frozen(int evfd)
{
	uint64_t end = bench_now() + 1000000000ULL;
	int r;

	while ((r = events_key(evfd, "frozen")) == 0) {
		if (bench_now() >= end)
			return -ETIMEDOUT;
		sleep_ns(200000);
	}
	return r < 0 ? r : 0;
}

static int floor_kill(struct pop *p, struct floor *f, char **buf, size_t *cap, uint64_t *t_empty)
{
	int r = write_at(p->tfd, "cgroup.freeze", "1");
	long k;

	if (r == 0)
		r = floor_wait_frozen(p->evfd_own);
	if (r == 0) {
		k = procs_each(p->tfd, floor_pin, f, buf, cap);
		r = k < 0 ? (int)k : 0;
	}
	if (r == 0)
		r = write(p->killfd, "1", 1) == 1 ? 0 : -errno;
	if (write_at(p->tfd, "cgroup.freeze", "0") < 0 && r == 0)
		r = -EIO;
	if (r == 0)
		r = wait_empty(p->evfd_own, WAIT_LIMIT_NS, t_empty);
	return r;
}

static int one(struct ctx *cx, long n, int groups, int m, struct rsample *s)
{
	static char *buf;
	static size_t cap;
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_op *op = NULL;
	struct floor fl = { NULL, 0, 0 };
	struct cgkill_opts o;
	uint64_t t0, t_empty = 0, cpu0;
	struct pop p;
	long left;
	bool all;
	int r, r2;

	memset(s, 0, sizeof(*s));
	r = pop_create(cx, &p, groups);
	if (r == 0)
		r = populate_pause(cx, &p, n);
	if (r < 0)
		goto out;
	sleep_ns(20000000ULL + (uint64_t)n * 2000ULL);
	s->psi = cpu_psi("some avg10=");
	cgkill_opts_init(&o);
	o.timeout_ms = CGKILL_TIMEOUT_INFINITE;
	if (m == R_SURVIVORS)
		o.flags |= CGKILL_SURVIVORS;
	if (m == R_VICTIMS)
		o.flags |= CGKILL_VICTIMS;
	cpu0 = thread_cpu_ns();
	t0 = bench_now();
	if (m == R_RAW) {
		r = write(p.killfd, "1", 1) == 1 ? 0 : -errno;
		if (r == 0)
			r = wait_empty(p.evfd_own, WAIT_LIMIT_NS, &t_empty);
	} else if (m == R_FLOOR) {
		r = floor_kill(&p, &fl, &buf, &cap, &t_empty);
	} else {
		r = cgkill_op_start(p.tfd, &o, &op);
		if (r == 0)
			r = cgkill_op_wait(op, &rep);
		t_empty = bench_now();
		if (r == CGKILL_DONE && rep.last_method != CGKILL_METHOD_NATIVE)
			r = -EPROTO;
		else if (r > 0)
			r = -ETIMEDOUT;
	}
	s->cpu_ms = ms(thread_cpu_ns() - cpu0);
	s->empty_ms = ms(t_empty - t0);
	if (r < 0)
		goto out;
	left = procs_pass(p.tfd, 0, &buf, &cap);
	if (left != 0) {
		r = left < 0 ? (int)left : -EPROTO;
		goto out;
	}
	if (reap_all(WAIT_LIMIT_NS, &all) != n || !all) {
		r = -EPROTO;
		goto out;
	}
	if (m == R_SURVIVORS) {
		/* Nobody left: nothing read, nothing listed. */
		s->listed = rep.n_survivors;
		if (rep.n_survivors || rep.survivors)
			r = -EPROTO;
	}
	if (m == R_VICTIMS) {
		s->listed = rep.n_victims;
		r = rep.n_victims == (uint32_t)n ? collect(op, rep.n_victims, s) : -EPROTO;
	}
	if (m == R_FLOOR) {
		s->listed = (uint32_t)fl.n;
		if (fl.n != (size_t)n)
			r = -EPROTO;
	}
	s->ok = r == 0;
out:
	for (size_t i = 0; i < fl.n; i++)
		close(fl.fd[i]);
	free(fl.fd);
	if (r < 0)
		fprintf(stderr, "cgkill-bench: reports: %s: %s\n", rname[m], strerror(-r));
	cgkill_op_free(op);
	pop_close(&p);
	r2 = p.name[0] ? sweep(cx->rootfd, p.name) : 0;
	reap_all(0, &all);
	return r < 0 ? r : r2;
}

int reports_mode(struct ctx *cx)
{
	long n = cx->o.n_set ? cx->o.n[0] : 10000;
	int groups = cx->o.groups[0] == 1 && cx->o.ng == 2 ? 100 : cx->o.groups[0];
	int reps = cx->o.reps, failed = 0;
	struct rsample *smp = calloc((size_t)reps * R_COUNT, sizeof(*smp));
	struct rlimit rl;

	if (!smp)
		return -ENOMEM;
	if (groups > n)
		groups = (int)n;
	/* A victim holds a pidfd until its record is read: the caller's
	 * business, so ours here. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 1024) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)n + 1024 ? rl.rlim_max : (rlim_t)n + 1024;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	printf("\nThe reports of 1.1 at N=%ld G=%d, %d runs per method, alternating:\n",
	       n, groups, reps);
	for (int rep = 0; rep < reps && !g_stop; rep++)
		for (int m = 0; m < R_COUNT && !g_stop; m++) {
			struct rsample *s = &smp[m * reps + rep];

			if (one(cx, n, groups, m, s) < 0 || !s->ok)
				failed++;
			fprintf(stderr, "reports rep %d/%d %-9s empty %9.3f ms  cpu %8.3f ms  "
				"psi %5.2f%s\n", rep + 1, reps, rname[m], s->empty_ms,
				s->cpu_ms, s->psi, s->ok ? "" : "  FAILED");
			if (cx->json)
				fprintf(cx->json, "{\"type\":\"reports\",\"method\":\"%s\","
					"\"n\":%ld,\"groups\":%d,\"rep\":%d,\"ok\":%s,"
					"\"empty_ms\":%.3f,\"cpu_ms\":%.3f,\"cpu_some_avg10\":%.2f,"
					"\"listed\":%u,\"exited\":%ld,\"collect_ms\":%.3f}\n",
					rname[m], n, groups, rep, s->ok ? "true" : "false",
					s->empty_ms, s->cpu_ms, s->psi, s->listed, s->exited,
					s->collect_ms);
		}
	printf("%-10s %10s %10s %10s %7s %10s %8s  %s\n", "method", "empty med", "min",
	       "max", "ratio", "cpu med", "psi med", "ms, cpu: of the killing thread; "
	       "psi: cpu some avg10 before each run");
	{
		struct stat3 raw, e, c, ps, col;

		stat_of(&smp[R_RAW * reps], reps, F_EMPTY, &raw);
		for (int m = 0; m < R_COUNT; m++) {
			stat_of(&smp[m * reps], reps, F_EMPTY, &e);
			stat_of(&smp[m * reps], reps, F_CPU, &c);
			stat_of(&smp[m * reps], reps, F_PSI, &ps);
			printf("%-10s %10.1f %10.1f %10.1f %7.3f %10.1f %8.2f", rname[m], e.med,
			       e.min, e.max, raw.med > 0 ? e.med / raw.med : 0, c.med, ps.med);
			if (m == R_VICTIMS) {
				long exited = 0;

				stat_of(&smp[m * reps], reps, F_COLLECT, &col);
				for (int i = 0; i < reps; i++)
					exited += smp[m * reps + i].exited;
				printf("  records read in %.1f ms (median), exit status known: "
				       "%ld of %ld", col.med, exited, n * reps);
			}
			putchar('\n');
		}
		stat_of(&smp[R_VICTIMS * reps], reps, F_EMPTY, &e);
		printf("target: victims/raw <= 1.25 (medians): %.3f %s\n",
		       raw.med > 0 ? e.med / raw.med : 0,
		       raw.med > 0 && e.med / raw.med <= 1.25 ? "met" : "NOT met");
		stat_of(&smp[R_FLOOR * reps], reps, F_EMPTY, &c);
		printf("  victims/floor %.3f (floor/raw %.3f: freeze, pin, cgroup.kill, thaw "
		       "with no library, the least an exact list costs)\n",
		       c.med > 0 ? e.med / c.med : 0, raw.med > 0 ? c.med / raw.med : 0);
	}
	free(smp);
	return failed ? -EIO : 0;
}
