// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * --memory-back: how long until the memory of a killed group is back,
 * side by side in one run, alternating method by method on fresh
 * populations of N processes that each touched M MiB of anonymous memory
 * (by default 16 x 128 MiB):
 *
 *   raw               write "1" to cgroup.kill, wait for "populated 0";
 *   native            cgkill_fd(), default options;
 *   native+release    the same with CGKILL_RELEASE_MEMORY;
 *   fallback+release  CGKILL_FORCE_FREEZE | CGKILL_RELEASE_MEMORY;
 *   fallback          CGKILL_FORCE_FREEZE alone: a control, which tells
 *                     what the fallback costs from what the release does.
 *
 * Two cells: unstarved (the victims at normal priority beside nothing
 * else of ours) and starved (the victims at SCHED_IDLE, and one CPU-bound
 * process at normal priority per CPU beside them for the whole cell).
 *
 * The measure is what an allocating process can get back: the charge of
 * the victims' memory cgroup (memory.current of the target where the v2
 * memory controller is enabled; else, where the v1 controller is mounted,
 * the usage of a v1 group that holds the victims too), which nobody else
 * moves, and for the machine, MemAvailable plus the free pages waiting on
 * the per-CPU lists (the "count" of each pageset in /proc/zoneinfo), which
 * MemAvailable leaves out although freed pages go there first and an
 * allocation takes from them first: that one moves with everything else
 * running.  MemAvailable alone is measured beside them, to show it.  A
 * sampler thread (SCHED_FIFO when allowed, so that it samples on time;
 * asleep between samples) reads them every SAMPLE_NS, from 50 ms before
 * the kill until 300 ms after "populated 0" (at least 1 s after the kill).
 * Each run gives the time from the kill until 90 % of its eventual release
 * (the mean of its last 10 ms) is back, the time to "populated 0", and the
 * CPU pressure: /proc/pressure/cpu "some avg10" just before the run, and
 * the share of the run during which some task waited for a CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define SAMPLE_NS 500000ULL
#define BEFORE_NS 50000000ULL		/* sampled before the kill */
#define AFTER_NS 300000000ULL		/* sampled after "populated 0" */
#define MIN_WINDOW_NS 1000000000ULL	/* sampled after the kill, at least */
#define MAX_WINDOW_NS 30000000000ULL
#define SETTLE_NS 1000000000ULL		/* after the population is in place */
#define CURVE_MS 4000			/* kept per run for the chart, 1 ms steps */
#define V1_MEMORY "/sys/fs/cgroup/memory"

/* fallback, last: the control that tells the fallback's own cost from
 * the release's (no target of its own). */
enum { MB_RAW, MB_NATIVE, MB_NATIVE_REL, MB_FALLBACK_REL, MB_FALLBACK, MB_COUNT };
static const char *const mb_name[MB_COUNT] = {
	"raw", "native", "native+release", "fallback+release", "fallback",
};
static const char *const mb_color[MB_COUNT] = {
	"#444444", "#1f77b4", "#d62728", "#2ca02c", "#9467bd",
};
enum { CELL_UNSTARVED, CELL_STARVED, CELL_COUNT };
enum { M_SYS, M_V1, M_CUR };
static const char *const measure_name[] = {
	[M_SYS] = "MemAvailable + per-CPU page lists",
	[M_V1] = "usage of a v1 memory cgroup holding the victims",
	[M_CUR] = "memory.current of the target",
};
static const char *const cell_name[CELL_COUNT] = { "unstarved", "starved" };

struct smp {
	uint64_t t;
	int64_t avail, pcp;	/* KiB */
	int64_t v1, cur;	/* bytes, -1: not read */
};

struct sampler {
	pthread_t th;
	int mi, zi, v1, cur, ev;
	struct smp *s;
	size_t n, cap;
	atomic_int stop;
	_Atomic uint64_t kill_at;	/* 0 until the kill */
	uint64_t pop0;			/* first sample that saw "populated 0" */
	bool fifo;
	char zbuf[1 << 16];		/* /proc/zoneinfo */
};

struct mb_run {
	bool ok;
	double t90;			/* ms, by the measure below; NAN: none */
	double t90_sys, t90_avail;	/* MemAvailable + per-CPU lists, alone */
	double pop0, released;		/* ms, MiB */
	double rep_mib, rep_ms;		/* the library's report; NAN: none */
	bool no_mrelease;
	long signaled;			/* by pidfd: killed and reaped in turn */
	int measure;			/* M_CUR, M_V1 or M_SYS */
	double psi10, psi_during;	/* %, before the run and during it */
	float curve[CURVE_MS];		/* MiB back, 1 ms steps */
};

/* ---- sampling ------------------------------------------------------------- */

static int64_t meminfo_kib(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

static int64_t pcp_kib(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);
	int64_t pages = 0;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (char *p = buf; (p = strstr(p, "count:")); p += 6)
		pages += strtoll(p + 6, NULL, 10);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

static int64_t read_num(int fd)
{
	char b[64];
	ssize_t n = fd < 0 ? -1 : pread(fd, b, sizeof(b) - 1, 0);

	if (n <= 0)
		return -1;
	b[n] = '\0';
	return strtoll(b, NULL, 10);
}

static bool empty_now(int ev)
{
	char b[256];
	ssize_t n = pread(ev, b, sizeof(b) - 1, 0);

	if (n <= 0)
		return false;
	b[n] = '\0';
	return strstr(b, "populated 0") != NULL;
}

static void *sampler_main(void *arg)
{
	struct sampler *sp = arg;
	struct sched_param prio = { .sched_priority = 10 };
	struct timespec ts;

	sp->fifo = pthread_setschedparam(pthread_self(), SCHED_FIFO, &prio) == 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	while (!atomic_load(&sp->stop) && sp->n < sp->cap) {
		struct smp *s = &sp->s[sp->n];
		uint64_t kill = atomic_load(&sp->kill_at);
		char b[4096];
		ssize_t n;

		s->t = bench_now();
		n = pread(sp->mi, b, sizeof(b) - 1, 0);
		b[n > 0 ? n : 0] = '\0';
		s->avail = meminfo_kib(b, "MemAvailable:");
		s->pcp = pcp_kib(sp->zi, sp->zbuf, sizeof(sp->zbuf));
		s->v1 = read_num(sp->v1);
		s->cur = read_num(sp->cur);
		sp->n++;
		if (kill && !sp->pop0 && empty_now(sp->ev))
			sp->pop0 = s->t;
		if (kill && (s->t > kill + MAX_WINDOW_NS ||
			     (sp->pop0 && s->t > sp->pop0 + AFTER_NS &&
			      s->t > kill + MIN_WINDOW_NS)))
			break;
		ts.tv_nsec += (long)SAMPLE_NS;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	return NULL;
}

/* ---- the population ------------------------------------------------------- */

static _Noreturn void victim_main(int procs, int v1procs, bool idle,
				  size_t bytes, int wfd)
{
	struct sched_param sp = { 0 };
	char *m;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (write(procs, "0", 1) != 1)
		_exit(120);
	if (v1procs >= 0 && write(v1procs, "0", 1) != 1)
		_exit(121);
	m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		_exit(123);
	for (size_t o = 0; o < bytes; o += 4096)
		m[o] = 1;
	/* Touched at normal priority (quick to set up); starved from now. */
	if (idle && sched_setscheduler(0, SCHED_IDLE, &sp) < 0)
		_exit(122);
	if (write(wfd, "x", 1) != 1)
		_exit(124);
	for (;;)
		pause();
}

static _Noreturn void hog_main(int procs)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (write(procs, "0", 1) != 1)
		_exit(120);
	for (volatile unsigned long x = 0;; x++)
		;
}

/* A group below our root: its fd, and its cgroup.procs for writing. */
static int mkgroup(struct ctx *cx, const char *name, int *procs)
{
	int fd;

	if (mkdirat(cx->rootfd, name, 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(cx->rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*procs = openat(fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	if (*procs < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* One CPU-bound process per CPU, at normal priority, in <root>/mb-hogs. */
static int start_hogs(struct ctx *cx)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int procs, fd = mkgroup(cx, "mb-hogs", &procs);

	if (fd < 0)
		return fd;
	for (long i = 0; i < ncpu; i++) {
		pid_t p = fork();

		if (p == 0)
			hog_main(procs);
		if (p < 0) {
			int e = -errno;

			close(procs);
			close(fd);
			return e;
		}
	}
	close(procs);
	close(fd);
	return 0;
}

/* ---- one run -------------------------------------------------------------- */

/* The time (ms after the kill) at which back[] first reaches 90 % of its
 * eventual value, which is the mean of the last 10 ms. */
static double t90_of(const struct smp *s, size_t n, uint64_t kill,
		     int64_t (*get)(const struct smp *), double *eventual)
{
	double base = 0, end = 0;
	size_t nb = 0, ne = 0, first = n;

	for (size_t i = 0; i < n; i++) {
		if (s[i].t < kill && s[i].t + 20000000ULL >= kill) {
			base += (double)get(&s[i]);
			nb++;
		}
		if (s[i].t >= kill && first == n)
			first = i;
		if (s[i].t + 10000000ULL >= s[n - 1].t) {
			end += (double)get(&s[i]);
			ne++;
		}
	}
	if (!nb || !ne || first == n || get(&s[0]) == INT64_MIN)
		return NAN;
	base /= (double)nb;
	end /= (double)ne;
	if (eventual)
		*eventual = end - base;
	for (size_t i = first; i < n; i++)
		if ((double)get(&s[i]) - base >= 0.9 * (end - base))
			return ms(s[i].t - kill);
	return NAN;
}

/* Each measure as "more is more memory back", in bytes. */
static int64_t get_avail_pcp(const struct smp *s)
{
	return (s->avail + s->pcp) * 1024;
}

static int64_t get_avail(const struct smp *s)
{
	return s->avail * 1024;
}

static int64_t get_v1(const struct smp *s)
{
	return s->v1 < 0 ? INT64_MIN : -s->v1;
}

static int64_t get_cur(const struct smp *s)
{
	return s->cur < 0 ? INT64_MIN : -s->cur;
}

static void fill_curve(struct mb_run *run, const struct smp *s, size_t n,
		       uint64_t kill, int64_t (*get)(const struct smp *))
{
	double base = 0;
	size_t nb = 0, i = 0;

	for (size_t k = 0; k < n; k++)
		if (s[k].t < kill && s[k].t + 20000000ULL >= kill) {
			base += (double)get(&s[k]);
			nb++;
		}
	base = nb ? base / (double)nb : 0;
	for (int t = 0; t < CURVE_MS; t++) {
		uint64_t at = kill + (uint64_t)t * 1000000ULL;

		while (i + 1 < n && s[i + 1].t <= at)
			i++;
		run->curve[t] = (float)(((double)get(&s[i]) - base) / 1048576.0);
	}
}

static int kill_lib(int tfd, int m, struct mb_run *run)
{
	struct cgkill_opts o;
	struct cgkill_report rep = { .size = sizeof(rep) };
	int r;

	cgkill_opts_init(&o);
	o.timeout_ms = CGKILL_TIMEOUT_INFINITE;
	if (m == MB_NATIVE_REL || m == MB_FALLBACK_REL)
		o.flags |= CGKILL_RELEASE_MEMORY;
	if (m == MB_FALLBACK_REL || m == MB_FALLBACK)
		o.flags |= CGKILL_FORCE_FREEZE;
	r = cgkill_fd(tfd, &o, &rep);
	if (r != CGKILL_DONE)
		return r < 0 ? r : -ETIMEDOUT;
	if (o.flags & CGKILL_RELEASE_MEMORY) {
		run->no_mrelease = rep.flags & CGKILL_REPORT_NO_MRELEASE;
		run->rep_mib = (double)rep.memory_released_bytes / 1048576.0;
		run->rep_ms = ms(rep.memory_released_ns);
		run->signaled = (long)rep.signaled;
	}
	return 0;
}

struct cellcfg {
	int cell;
	long n;
	size_t bytes;
	bool v1;		/* a v1 memory cgroup beside */
	char v1path[PATH_MAX];
};

static int measure_one(struct ctx *cx, const struct cellcfg *cc, int m,
		       struct mb_run *run)
{
	struct sampler sp = { .mi = -1, .zi = -1, .v1 = -1, .cur = -1, .ev = -1 };
	char name[32], ready;
	int tfd = -1, procs = -1, v1procs = -1, pipefd[2] = { -1, -1 }, r = 0;
	long started = 0;
	pid_t *pids = calloc((size_t)cc->n, sizeof(*pids));
	double psi0;
	uint64_t t_psi0, kill;
	bool sampling = false;

	memset(run, 0, sizeof(*run));
	run->t90 = run->t90_sys = run->t90_avail = run->rep_mib = run->rep_ms = NAN;
	if (!pids)
		return -ENOMEM;
	snprintf(name, sizeof(name), "mb-%u", cx->seq++);
	tfd = mkgroup(cx, name, &procs);
	if (tfd < 0) {
		free(pids);
		return tfd;
	}
	if (cc->v1) {
		char p[PATH_MAX + 32];

		mkdir(cc->v1path, 0755);
		snprintf(p, sizeof(p), "%s/cgroup.procs", cc->v1path);
		v1procs = open(p, O_WRONLY | O_CLOEXEC);
		snprintf(p, sizeof(p), "%s/memory.usage_in_bytes", cc->v1path);
		sp.v1 = open(p, O_RDONLY | O_CLOEXEC);
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	for (; started < cc->n; started++) {
		pid_t p = fork();

		if (p == 0)
			victim_main(procs, v1procs, cc->cell == CELL_STARVED, cc->bytes,
				    pipefd[1]);
		if (p < 0) {
			r = -errno;
			goto out;
		}
		pids[started] = p;
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	for (long i = 0; i < cc->n; i++) {
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };

		if (poll(&pfd, 1, 120000) != 1 || read(pipefd[0], &ready, 1) != 1) {
			r = -ETIMEDOUT;	/* a victim died or starved too long */
			goto out;
		}
	}
	sleep_ns(SETTLE_NS);

	sp.mi = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	sp.zi = open("/proc/zoneinfo", O_RDONLY | O_CLOEXEC);
	sp.cur = openat(tfd, "memory.current", O_RDONLY | O_CLOEXEC);
	sp.ev = openat(tfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	sp.cap = (MAX_WINDOW_NS + BEFORE_NS) / SAMPLE_NS + 16;
	sp.s = calloc(sp.cap, sizeof(*sp.s));
	if (sp.mi < 0 || sp.zi < 0 || sp.ev < 0 || !sp.s) {
		r = -ENOMEM;
		goto out;
	}
	r = pthread_create(&sp.th, NULL, sampler_main, &sp);
	if (r) {
		r = -r;
		goto out;
	}
	sampling = true;
	sleep_ns(BEFORE_NS);
	psi0 = cpu_psi("some avg10=");
	t_psi0 = bench_now();
	run->psi10 = psi0;
	run->psi_during = cpu_psi("total=");	/* us, first line: "some" */
	kill = bench_now();
	atomic_store(&sp.kill_at, kill);
	if (m == MB_RAW) {
		r = write_at(tfd, "cgroup.kill", "1");
		if (r == 0) {
			int evfd = openat(tfd, "cgroup.events", O_RDONLY | O_CLOEXEC);

			r = evfd < 0 ? -errno : wait_empty(evfd, WAIT_LIMIT_NS, NULL);
			if (evfd >= 0)
				close(evfd);
		}
	} else {
		r = kill_lib(tfd, m, run);
	}
	pthread_join(sp.th, NULL);
	sampling = false;
	run->psi_during = (cpu_psi("total=") - run->psi_during) /
			  ((double)(bench_now() - t_psi0) / 1000.0) * 100.0;
	if (r < 0)
		goto out;
	if (!sp.pop0) {
		r = -ETIMEDOUT;
		goto out;
	}
	run->pop0 = ms(sp.pop0 - kill);
	{
		int64_t (*get)(const struct smp *) = get_avail_pcp;

		run->measure = M_SYS;
		if (sp.cur >= 0 && sp.s[0].cur >= 0) {
			run->measure = M_CUR;
			get = get_cur;
		} else if (sp.v1 >= 0 && sp.s[0].v1 >= 0) {
			run->measure = M_V1;
			get = get_v1;
		}
		run->t90 = t90_of(sp.s, sp.n, kill, get, &run->released);
		fill_curve(run, sp.s, sp.n, kill, get);
	}
	run->released /= 1048576.0;
	run->t90_sys = t90_of(sp.s, sp.n, kill, get_avail_pcp, NULL);
	run->t90_avail = t90_of(sp.s, sp.n, kill, get_avail, NULL);
	run->ok = !isnan(run->t90);
out:
	if (sampling) {
		atomic_store(&sp.stop, 1);
		pthread_join(sp.th, NULL);
	}
	free(sp.s);
	{
		int fds[] = { sp.mi, sp.zi, sp.v1, sp.cur, sp.ev };

		for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
			if (fds[i] >= 0)
				close(fds[i]);
	}
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (procs >= 0)
		close(procs);
	if (v1procs >= 0)
		close(v1procs);
	if (tfd >= 0)
		close(tfd);
	{
		int r2 = sweep(cx->rootfd, name);

		if (r == 0)
			r = r2;
	}
	if (cc->v1)
		rmdir(cc->v1path);
	/* Ours only: the CPU hogs, children too, live on. */
	for (long i = 0; i < started; i++)
		waitpid(pids[i], NULL, 0);
	free(pids);
	return r;
}

/* ---- statistics, table, chart ------------------------------------------- */

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median, min and max of a field of method m over the successful runs. */
static struct stat3 stat_field(struct mb_run (*runs)[MB_COUNT], int n, int m,
			       size_t off)
{
	double v[1024];
	int k = 0;
	struct stat3 s = { NAN, NAN, NAN };

	for (int i = 0; i < n && k < 1024; i++) {
		const struct mb_run *r = &runs[i][m];
		double x = *(const double *)((const char *)r + off);

		if (r->ok && !isnan(x))
			v[k++] = x;
	}
	if (!k)
		return s;
	qsort(v, (size_t)k, sizeof(v[0]), cmp_d);
	s.med = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
	s.min = v[0];
	s.max = v[k - 1];
	return s;
}

/* The run of method m whose t90 is the median (the lower one of an even
 * count). */
static int median_run(struct mb_run (*runs)[MB_COUNT], int n, int m)
{
	int idx[1024], k = 0;

	for (int i = 0; i < n && k < 1024; i++)
		if (runs[i][m].ok)
			idx[k++] = i;
	if (!k)
		return -1;
	for (int i = 1; i < k; i++)
		for (int j = i; j > 0 && runs[idx[j]][m].t90 < runs[idx[j - 1]][m].t90; j--) {
			int t = idx[j];

			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	return idx[(k - 1) / 2];
}

static void fmt3(char *b, size_t n, struct stat3 s)
{
	if (isnan(s.med))
		snprintf(b, n, "-");
	else if (s.max < 100)
		snprintf(b, n, "%.1f [%.1f-%.1f]", s.med, s.min, s.max);
	else
		snprintf(b, n, "%.0f [%.0f-%.0f]", s.med, s.min, s.max);
}

static void print_cell(int cell, struct mb_run (*runs)[MB_COUNT], int reps,
		       const char *measure)
{
	struct stat3 raw;

	printf("\n%s: time from the kill until 90 %% of the memory is back (%s), ms, "
	       "median [min-max] of %d runs\n", cell_name[cell], measure, reps);
	printf("%-17s %-20s %7s %-18s %-18s %-20s %9s %-15s %s\n", "method", "t90", "vs raw",
	       "t90 MemAv+pcp", "t90 MemAvailable", "populated 0", "back MiB",
	       "report MiB@ms", "cpu some avg10 / during, %");
	raw = stat_field(runs, reps, MB_RAW, offsetof(struct mb_run, t90));
	for (int m = 0; m < MB_COUNT; m++) {
		struct stat3 t90, ta, tv, pop, back, rm, rt, p10, pd;
		char a[64], b[64], c[64], d[64], e[64];

		t90 = stat_field(runs, reps, m, offsetof(struct mb_run, t90));
		ta = stat_field(runs, reps, m, offsetof(struct mb_run, t90_sys));
		tv = stat_field(runs, reps, m, offsetof(struct mb_run, t90_avail));
		pop = stat_field(runs, reps, m, offsetof(struct mb_run, pop0));
		back = stat_field(runs, reps, m, offsetof(struct mb_run, released));
		rm = stat_field(runs, reps, m, offsetof(struct mb_run, rep_mib));
		rt = stat_field(runs, reps, m, offsetof(struct mb_run, rep_ms));
		p10 = stat_field(runs, reps, m, offsetof(struct mb_run, psi10));
		pd = stat_field(runs, reps, m, offsetof(struct mb_run, psi_during));
		fmt3(a, sizeof(a), t90);
		fmt3(b, sizeof(b), ta);
		fmt3(c, sizeof(c), tv);
		fmt3(d, sizeof(d), pop);
		if (isnan(rm.med))
			snprintf(e, sizeof(e), "-");
		else
			snprintf(e, sizeof(e), "%.0f@%.0f", rm.med, rt.med);
		printf("%-17s %-20s %6.2fx %-18s %-18s %-20s %9.0f %-15s %.1f / %.0f\n",
		       mb_name[m], a, raw.med / t90.med, b, c, d, back.med, e,
		       p10.med, pd.med);
	}
}

/* The targets of the issue: starved, native+release at least 3x sooner
 * than raw by the median and no run slower than raw's run of the same
 * round; unstarved, never slower than raw by more than 5 % (medians);
 * populated 0 unchanged or better (medians, within 5 %). */
static int mb_targets(struct mb_run (*runs[CELL_COUNT])[MB_COUNT], int reps)
{
	int missed = 0;

	printf("\ntargets:\n");
	for (int cell = 0; cell < CELL_COUNT; cell++) {
		struct stat3 st[MB_COUNT], pop[MB_COUNT];

		for (int m = 0; m < MB_COUNT; m++) {
			st[m] = stat_field(runs[cell], reps, m, offsetof(struct mb_run, t90));
			pop[m] = stat_field(runs[cell], reps, m, offsetof(struct mb_run, pop0));
		}
		for (int m = MB_NATIVE_REL; m <= MB_FALLBACK_REL; m++) {
			int slower = 0;
			bool ok;

			for (int i = 0; i < reps; i++)
				if (runs[cell][i][m].ok && runs[cell][i][MB_RAW].ok &&
				    runs[cell][i][m].t90 > runs[cell][i][MB_RAW].t90)
					slower++;
			if (cell == CELL_STARVED) {
				ok = st[MB_RAW].med / st[m].med >= 3 && !slower;
				printf("  starved   %-17s t90 %.2fx sooner than raw (>= 3x), "
				       "%d run%s slower than raw's of the same round (0): %s\n",
				       mb_name[m], st[MB_RAW].med / st[m].med, slower,
				       slower == 1 ? "" : "s", ok ? "met" : "NOT MET");
			} else {
				ok = st[m].med <= st[MB_RAW].med * 1.05;
				printf("  unstarved %-17s t90 %.2fx raw's (<= 1.05x): %s\n",
				       mb_name[m], st[m].med / st[MB_RAW].med,
				       ok ? "met" : "NOT MET");
			}
			missed += !ok;
			ok = pop[m].med <= pop[MB_RAW].med * 1.05;
			printf("  %-9s %-17s populated 0 %.2fx raw's (<= 1.05x): %s\n",
			       cell_name[cell], mb_name[m], pop[m].med / pop[MB_RAW].med,
			       ok ? "met" : "NOT MET");
			missed += !ok;
		}
	}
	return missed;
}

static void svg_esc_text(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
}

/* One panel per cell: MiB back against ms after the kill, the median run
 * of each method. */
static int write_chart(const char *path, struct mb_run (*runs[CELL_COUNT])[MB_COUNT],
		       int reps, const char *subtitle)
{
	const double left = 80, right = 700, ph = 260, top0 = 70, gap = 60;
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"980\" height=\"%.0f\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
		"<text x=\"490\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">"
		"libcgkill: memory back after the kill (median run of each method)</text>\n"
		"<text x=\"490\" y=\"42\" text-anchor=\"middle\" fill=\"#555\" "
		"font-size=\"11\">",
		top0 + CELL_COUNT * (ph + gap) + 10);
	svg_esc_text(f, subtitle);
	fputs("</text>\n", f);
	for (int cell = 0; cell < CELL_COUNT; cell++) {
		double top = top0 + cell * (ph + gap), bottom = top + ph;
		double xmax = 100, ymax = 1, step, ystep;
		int pick[MB_COUNT];

		for (int m = 0; m < MB_COUNT; m++) {
			const struct mb_run *r;

			pick[m] = median_run(runs[cell], reps, m);
			if (pick[m] < 0)
				continue;
			r = &runs[cell][pick[m]][m];
			if (r->pop0 * 1.1 > xmax)
				xmax = r->pop0 * 1.1;
			if (r->t90 * 1.5 > xmax)
				xmax = r->t90 * 1.5;
			for (int t = 0; t < CURVE_MS; t++)
				if (r->curve[t] > ymax)
					ymax = r->curve[t];
		}
		if (xmax > CURVE_MS)
			xmax = CURVE_MS;
		ymax *= 1.08;
		step = pow(10, floor(log10(xmax / 4)));
		if (xmax / step > 10)
			step *= xmax / step > 20 ? 5 : 2;
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">%s</text>\n",
			left, top - 8, cell_name[cell]);
		for (double x = 0; x <= xmax; x += step) {
			double px = left + x / xmax * (right - left);

			fprintf(f, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" "
				"stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%.0f\" "
				"text-anchor=\"middle\">%g</text>\n", px, top, px, bottom,
				px, bottom + 15, x);
		}
		ystep = pow(10, floor(log10(ymax / 4)));
		if (ymax / ystep > 10)
			ystep *= ymax / ystep > 20 ? 5 : 2;
		for (double v = 0; v <= ymax; v += ystep) {
			double py = bottom - v / ymax * ph;

			fprintf(f, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" "
				"stroke=\"#ddd\"/><text x=\"%.0f\" y=\"%.1f\" "
				"text-anchor=\"end\">%g</text>\n", left, py, right, py,
				left - 5, py + 4, v);
		}
		fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" "
			"fill=\"none\" stroke=\"#333\"/>\n", left, top, right - left, ph);
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">ms after the kill"
			"</text>\n", (left + right) / 2, bottom + 32);
		fprintf(f, "<text x=\"20\" y=\"%.0f\" text-anchor=\"middle\" "
			"transform=\"rotate(-90 20 %.0f)\">MiB back</text>\n",
			(top + bottom) / 2, (top + bottom) / 2);
		for (int m = 0; m < MB_COUNT; m++) {
			const struct mb_run *r;

			if (pick[m] < 0)
				continue;
			r = &runs[cell][pick[m]][m];
			fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
				"points=\"", mb_color[m]);
			for (int t = 0; t <= (int)xmax && t < CURVE_MS; t++) {
				double v = r->curve[t] < 0 ? 0 : r->curve[t];

				fprintf(f, "%s%.1f,%.1f", t ? " " : "",
					left + t / xmax * (right - left),
					bottom - v / ymax * ph);
			}
			fprintf(f, "\"/>\n");
			fprintf(f, "<line x1=\"715\" y1=\"%.0f\" x2=\"745\" y2=\"%.0f\" "
				"stroke=\"%s\" stroke-width=\"3\"/><text x=\"752\" y=\"%.0f\">"
				"%s</text><text x=\"752\" y=\"%.0f\" fill=\"#555\">t90 %.0f ms, "
				"empty %.0f ms</text>\n", top + 14 + m * 36.0,
				top + 14 + m * 36.0, mb_color[m], top + 18 + m * 36.0,
				mb_name[m], top + 32 + m * 36.0, r->t90, r->pop0);
		}
	}
	fputs("</svg>\n", f);
	return fclose(f) ? -errno : 0;
}

static void json_run(FILE *f, int cell, int m, int rep, const struct mb_run *r)
{
	if (!f)
		return;
	fprintf(f, "{\"type\":\"memory_back\",\"cell\":\"%s\",\"method\":\"%s\",\"rep\":%d,"
		"\"ok\":%s,\"measure\":\"%s\",\"t90_ms\":%.3f,\"t90_memavailable_pcp_ms\":%.3f,"
		"\"t90_memavailable_ms\":%.3f,"
		"\"populated0_ms\":%.3f,\"back_mib\":%.1f,\"report_mib\":%.1f,\"report_ms\":%.3f,"
		"\"no_mrelease\":%s,\"signaled\":%ld,\"cpu_some_avg10\":%.2f,"
		"\"cpu_some_during\":%.1f}\n",
		cell_name[cell], mb_name[m], rep, r->ok ? "true" : "false",
		measure_name[r->measure], isnan(r->t90) ? -1 : r->t90,
		isnan(r->t90_sys) ? -1 : r->t90_sys, isnan(r->t90_avail) ? -1 : r->t90_avail,
		r->pop0, r->released,
		isnan(r->rep_mib) ? -1 : r->rep_mib, isnan(r->rep_ms) ? -1 : r->rep_ms,
		r->no_mrelease ? "true" : "false", r->signaled, r->psi10, r->psi_during);
}

static uint64_t mem_available(void)
{
	char b[4096];

	if (read_text("/proc/meminfo", b, sizeof(b)) < 0)
		return 0;
	return (uint64_t)meminfo_kib(b, "MemAvailable:") << 10;
}

int memback_mode(struct ctx *cx)
{
	const struct opts *o = &cx->o;
	int reps = o->reps_set ? o->reps : o->quick ? 1 : 9;
	long n = o->mb_n ? o->mb_n : o->quick ? 4 : 16;
	long mib = o->mb_mib ? o->mb_mib : o->quick ? 16 : 128;
	struct mb_run (*runs[CELL_COUNT])[MB_COUNT] = { NULL, NULL };
	struct cellcfg cc = { .n = n, .bytes = (size_t)mib << 20 };
	struct utsname un;
	char measure[96], subtitle[256];
	int failed = 0;

	if ((uint64_t)n * (uint64_t)mib << 20 > mem_available() / 2) {
		fprintf(stderr, "cgkill-bench: %ld x %ld MiB is more than half of "
			"MemAvailable: use a smaller --mb-n or --mb-mib\n", n, mib);
		return -ENOMEM;
	}
	if (!o->quick && reps < 9)
		fprintf(stderr, "cgkill-bench: %d runs: the targets want at least 9\n", reps);
	cc.v1 = access(V1_MEMORY "/cgroup.procs", W_OK) == 0;
	if (cc.v1)
		snprintf(cc.v1path, sizeof(cc.v1path), V1_MEMORY "/cgkill-bench-%d",
			 (int)getpid());
	for (int c = 0; c < CELL_COUNT; c++) {
		runs[c] = calloc((size_t)reps, sizeof(*runs[c]));
		if (!runs[c]) {
			free(runs[0]);
			return -ENOMEM;
		}
	}
	printf("memory back: %ld processes x %ld MiB of touched anonymous memory, "
	       "%d runs per method and cell, methods alternating\n", n, mib, reps);
	snprintf(measure, sizeof(measure), "%s", measure_name[M_SYS]);
	for (int cell = 0; cell < CELL_COUNT && !g_stop; cell++) {
		cc.cell = cell;
		if (cell == CELL_STARVED) {
			int r = start_hogs(cx);

			if (r < 0) {
				fprintf(stderr, "cgkill-bench: CPU hogs: %s\n", strerror(-r));
				failed++;
				break;
			}
			sleep_ns(500000000ULL);	/* let the pressure build */
		}
		for (int rep = 0; rep < reps && !g_stop; rep++)
			for (int m = 0; m < MB_COUNT && !g_stop; m++) {
				struct mb_run *run = &runs[cell][rep][m];
				int r = measure_one(cx, &cc, m, run);

				if (r < 0) {
					fprintf(stderr, "cgkill-bench: %s %s: %s\n",
						cell_name[cell], mb_name[m], strerror(-r));
					run->ok = false;
				}
				if (!run->ok)
					failed++;
				json_run(cx->json, cell, m, rep, run);
				fprintf(stderr, "%-9s rep %d/%d %-16s t90 %8.1f ms  MemAv+pcp "
					"%8.1f  MemAvailable %8.1f  populated 0 %8.1f ms  back %6.0f MiB  "
					"report %6.0f MiB @ %6.1f ms, %ld by pidfd%s  cpu %.1f/%.0f%%%s\n",
					cell_name[cell], rep + 1, reps, mb_name[m], run->t90,
					run->t90_sys, run->t90_avail, run->pop0, run->released,
					run->rep_mib, run->rep_ms, run->signaled,
					run->no_mrelease ? " (no mrelease)" : "", run->psi10,
					run->psi_during, run->ok ? "" : "  FAILED");
			}
		if (cell == CELL_STARVED)
			sweep(cx->rootfd, "mb-hogs");
	}
	/* Which measure the runs used (the first run's: all use the same). */
	if (runs[0][0][MB_RAW].ok)
		snprintf(measure, sizeof(measure), "%s", measure_name[runs[0][0][MB_RAW].measure]);
	for (int cell = 0; cell < CELL_COUNT; cell++)
		print_cell(cell, runs[cell], reps, measure);
	if (!g_stop && mb_targets(runs, reps) && !o->quick)
		printf("(targets not met: see above)\n");
	uname(&un);
	snprintf(subtitle, sizeof(subtitle), "Linux %s, %ld CPUs, %ld x %ld MiB, %s; "
		 "starved: SCHED_IDLE beside a CPU hog per CPU", un.release,
		 sysconf(_SC_NPROCESSORS_ONLN), n, mib, measure);
	if (o->svg && !g_stop) {
		int r = write_chart(o->svg, runs, reps, subtitle);

		if (r < 0) {
			fprintf(stderr, "cgkill-bench: %s: %s\n", o->svg, strerror(-r));
			failed++;
		}
	}
	free(runs[0]);
	free(runs[1]);
	return failed ? -EIO : 0;
}
