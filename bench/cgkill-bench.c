// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cgkill-bench: how long does it take to empty a cgroup v2 subtree?
 *
 * Four methods, measured side by side in one run, alternating method by
 * method (raw, native, fallback, naive, raw, ...), each on a population of
 * its own in freshly created groups:
 *
 *   raw       write("1") to cgroup.kill, then wait for "populated 0" by
 *             poll(POLLPRI) on cgroup.events: the kernel's floor;
 *   native    cgkill_fd(), default options (SIGKILL), infinite timeout;
 *   fallback  the same with CGKILL_FORCE_FREEZE (freeze + pidfd signals);
 *   naive     read every cgroup.procs of the subtree and kill() each pid
 *             until a pass lists nobody, then the same event wait.
 *
 * Populations: N processes that pause(), spread over G groups, and a fork
 * bomb bounded by a counter in MAP_SHARED memory that is still growing when
 * the kill starts.  cgkill-bench-spawn (spawn.c, static) starts them with
 * clone3(CLONE_INTO_CGROUP | CLONE_PARENT): they are our children and as
 * small as processes get, which halves spawning and exit costs in a VM.
 * The clock starts once all N reached pause() (a counter, again shared).
 *
 * Time to empty: raw and naive wait for the event themselves; for the
 * library it is when cgkill_fd() returns.  A watcher thread reads a second
 * cgroup.events fd, opened before the call, to see when "populated 0"
 * really happened: the library's return lag is measured against it.
 *
 * Safety: every group lives below one parent of ours, <cgroup2 mount>/
 * cgkill-bench-<pid>, and is removed leaves first on every path.  We are a
 * child subreaper and reap nothing while a method runs, so a pid listed in
 * one of our groups stays held (alive or as our zombie) and cannot be
 * recycled under the naive kill(): it only ever hits processes we started.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libmount.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgkill.h"
#include "bench-shm.h"

#define EXIT_SKIP 77
#define BOMB_CAP_MAX 5000
#define NMAX 100000
#define MAX_LIST 16
#define WAIT_LIMIT_NS (60ULL * 1000000000ULL)	/* any single wait */

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

enum method { M_RAW, M_NATIVE, M_FALLBACK, M_NAIVE, M_COUNT };
static const char *const method_name[M_COUNT] = {
	"raw", "native", "fallback", "naive",
};
static const char *const method_color[M_COUNT] = {
	"#444444", "#1f77b4", "#d62728", "#2ca02c",
};

struct cell {
	long n;			/* processes (bomb: its cap) */
	int groups;
	bool bomb;
	char label[48];
};

struct sample {
	bool ok;
	uint64_t empty_ns;	/* populated 0 as the method knows it */
	uint64_t call_ns;	/* the call returned */
	uint64_t seen_ns;	/* populated 0 seen by our watcher thread */
	uint64_t seen_event_ns;	/* ... on a POLLPRI wake-up (0: none) */
	uint64_t populate_ns;	/* spawning and waiting for the population */
	uint64_t cpu_ns;	/* CPU time of the killing thread, t0 to empty */
	uint64_t sig_first_ns, sig_last_ns;	/* --trace-signals: library's
						   first and last signal */
	long population;	/* processes when the clock started */
	long reaped;
	long survivors;
	long grown;		/* bomb: processes started after t0 */
	uint64_t passes, signaled;
};

struct stat3 {
	double med, min, max;
};

struct opts {
	int reps;
	bool reps_set;
	long n[MAX_LIST];
	int nn;
	bool n_set;
	int groups[MAX_LIST];
	int ng;
	bool bomb;
	long bomb_cap;
	bool cap_set;
	const char *json, *svg;
	bool quick;
	int memory;	/* -1: default */
	int spawners;	/* parallel spawners, 0: one */
	bool use[M_COUNT];	/* methods to run */
	bool trace_signals;	/* observer timing the library's signals */
	int syscalls;	/* -1: default */
};

struct ctx {
	struct opts o;
	char *mount;		/* cgroup2 mount point */
	char *root;		/* our scratch parent */
	int rootfd;
	struct bench_shm *shm;
	int shmfd;
	bool clone3_ok;
	char spawn[PATH_MAX];	/* cgkill-bench-spawn */
	int spawners;
	unsigned seq;		/* group names */
	FILE *json;
	char exe[PATH_MAX];
};

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static uint64_t bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ULL),
		.tv_nsec = (long)(ns % 1000000000ULL),
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !g_stop)
		;
}

/* CPU time (user + system) of the calling thread. */
static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* ---- small file helpers --------------------------------------------------- */

static ssize_t read_fd_all(int fd, char **buf, size_t *cap)
{
	size_t len = 0;

	for (;;) {
		ssize_t n;

		if (*cap - len < 4096) {
			size_t ncap = *cap ? *cap * 2 : 65536;
			char *nb = realloc(*buf, ncap);

			if (!nb)
				return -ENOMEM;
			*buf = nb;
			*cap = ncap;
		}
		n = read(fd, *buf + len, *cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	(*buf)[len] = '\0';
	return (ssize_t)len;
}

static ssize_t read_at_all(int dfd, const char *name, char **buf, size_t *cap)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read_fd_all(fd, buf, cap);
	close(fd);
	return n;
}

static int write_at(int dfd, const char *name, const char *val)
{
	int fd = openat(dfd, name, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(val);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : (size_t)n == len ? 0 : -EIO;
}

static long read_long_file(const char *path)
{
	char b[64];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	b[n] = '\0';
	return strtol(b, NULL, 10);
}

/* "populated" of an open cgroup.events: 0, 1 or -errno. */
static int events_populated(int evfd)
{
	char b[256];
	ssize_t n = pread(evfd, b, sizeof(b) - 1, 0);
	const char *p;

	if (n < 0)
		return -errno;
	b[n] = '\0';
	for (p = b; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "populated ", 10))
			return p[10] == '1';
	return -EIO;
}

/* Wait, driven by cgroup.events, for "populated 0"; *when: when seen. */
static int wait_empty(int evfd, uint64_t limit_ns, uint64_t *when)
{
	uint64_t end = bench_now() + limit_ns;

	for (;;) {
		struct pollfd pf = { .fd = evfd, .events = POLLPRI };
		int r = events_populated(evfd);
		uint64_t now;

		if (r < 0)
			return r;
		if (r == 0) {
			if (when)
				*when = bench_now();
			return 0;
		}
		now = bench_now();
		if (now >= end)
			return -ETIMEDOUT;
		r = poll(&pf, 1, (int)((end - now) / 1000000ULL) + 1);
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/* Processes listed in the subtree at dfd; with sig, kill() each of them.
 * The pids cannot be recycled, see the top of the file. */
static long procs_pass(int dfd, int sig, char **buf, size_t *cap)
{
	long found = 0;
	ssize_t n = read_at_all(dfd, "cgroup.procs", buf, cap);
	DIR *d;
	struct dirent *de;
	int dup_fd;

	if (n < 0)
		return n == -ENOENT || n == -ENODEV ? 0 : n;
	for (const char *p = *buf; *p;) {
		char *e;
		long v = strtol(p, &e, 10);

		if (e == p)
			break;
		found++;
		if (sig && v > 0)
			kill((pid_t)v, sig);
		p = e;
		while (*p == '\n')
			p++;
	}
	dup_fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup_fd < 0)
		return -errno;
	d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return -ENOMEM;
	}
	while ((de = readdir(d))) {
		long r;
		int cfd;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		cfd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cfd < 0)
			continue;	/* removed under us */
		r = procs_pass(cfd, sig, buf, cap);
		close(cfd);
		if (r < 0) {
			closedir(d);
			return r;
		}
		found += r;
	}
	closedir(d);
	return found;
}

/* ---- reaping and removing ------------------------------------------------ */

/* Reap every child we have, for at most limit_ns; the count reaped. */
static long reap_all(uint64_t limit_ns, bool *all)
{
	uint64_t end = bench_now() + limit_ns;
	long k = 0;

	*all = false;
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG | __WALL);

		if (p > 0) {
			k++;
			continue;
		}
		if (p < 0 && errno == ECHILD) {
			*all = true;
			return k;
		}
		if (p < 0 && errno != EINTR)
			return k;
		if (bench_now() >= end)
			return k;
		sleep_ns(200000);
	}
}

/* Empty (by cgroup.kill: everything below our root is ours) and remove
 * the group pfd/name and its subtree, leaves first. */
static int sweep(int pfd, const char *name)
{
	int fd, evfd, r = 0, tries;
	DIR *d;
	struct dirent *de;
	bool all;

	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	evfd = openat(fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (evfd >= 0) {
		if (events_populated(evfd) == 1) {
			write_at(fd, "cgroup.freeze", "0");
			r = write_at(fd, "cgroup.kill", "1");
			if (r == 0)
				r = wait_empty(evfd, 10ULL * 1000000000ULL, NULL);
			if (r < 0)
				fprintf(stderr, "cgkill-bench: cannot empty %s: %s\n",
					name, strerror(-r));
		}
		close(evfd);
	}
	reap_all(0, &all);
	d = fdopendir(fcntl(fd, F_DUPFD_CLOEXEC, 0));
	if (d) {
		while ((de = readdir(d)))
			if (de->d_type == DT_DIR && de->d_name[0] != '.') {
				int r2 = sweep(fd, de->d_name);

				if (r2 < 0 && r == 0)
					r = r2;
			}
		closedir(d);
	}
	close(fd);
	/* The kernel can take a moment after "populated 0". */
	for (tries = 0; tries < 2000; tries++) {
		if (unlinkat(pfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return r;
		if (errno != EBUSY)
			break;
		reap_all(0, &all);
		sleep_ns(1000000);
	}
	fprintf(stderr, "cgkill-bench: cannot remove group %s: %s\n", name,
		strerror(errno));
	return r ? r : -errno;
}

/* ---- the processes ----------------------------------------------------- */

/*
 * Run the spawner (cgkill-bench-spawn, static where the toolchain can) with
 * the shared memfd and the group fds.  It starts the processes with
 * CLONE_PARENT, so they are our children, and exits.
 */
static pid_t run_spawner(struct ctx *cx, const char *kind, long start, long step,
			 long n, const int *fds, int nfds)
{
	char **argv = calloc((size_t)nfds + 8, sizeof(char *));
	char *fdtext = malloc((size_t)nfds * 12);
	char num[4][24];
	pid_t pid = -ENOMEM;
	int k = 0;

	if (!argv || !fdtext)
		goto out;
	snprintf(num[0], sizeof(num[0]), "%d", cx->shmfd);
	snprintf(num[1], sizeof(num[1]), "%ld", start);
	snprintf(num[2], sizeof(num[2]), "%ld", step);
	snprintf(num[3], sizeof(num[3]), "%ld", n);
	argv[k++] = cx->spawn;
	argv[k++] = num[0];
	argv[k++] = (char *)(cx->clone3_ok ? "clone3" : "fork");
	argv[k++] = (char *)kind;
	if (strcmp(kind, "bomb")) {
		argv[k++] = num[1];
		argv[k++] = num[2];
		argv[k++] = num[3];
	}
	for (int i = 0; i < nfds; i++) {
		argv[k] = fdtext + (size_t)i * 12;
		snprintf(argv[k++], 12, "%d", fds[i]);
	}
	pid = fork();
	if (pid == 0) {
		/* Only the spawner's copies of these lose O_CLOEXEC. */
		fcntl(cx->shmfd, F_SETFD, 0);
		for (int i = 0; i < nfds; i++)
			fcntl(fds[i], F_SETFD, 0);
		execv(cx->spawn, argv);
		_exit(127);
	}
	if (pid < 0)
		pid = -errno;
out:
	free(fdtext);
	free(argv);
	return pid;
}

static int wait_spawner(pid_t pid)
{
	bool killed = false;
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -errno;
		if (g_stop && !killed) {
			kill(pid, SIGKILL);	/* our spawner: stop spawning */
			killed = true;
		}
	}
	if (killed)
		return -EINTR;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 127 ? -ENOEXEC : -EAGAIN;
}

/* ---- the watcher thread -------------------------------------------------- */

struct watcher {
	pthread_t th;
	int evfd;
	atomic_int armed, quit, done;
	uint64_t seen;		/* absolute: first read of "populated 0" */
	uint64_t seen_event;	/* absolute: first POLLPRI wake-up showing it */
	bool running;
};

/*
 * Event notifications of cgroup.events are rate limited by the kernel (one
 * per 10 ms per file, the rest deferred to a timer), so a "populated 0"
 * that follows a freeze/thaw can be announced up to 10 ms late.  Once armed
 * the watcher therefore also re-reads every 0.5 ms: `seen` is within 0.5 ms
 * of the real moment, `seen_event` is what a pure event loop would learn.
 */
static void *watch_main(void *arg)
{
	struct watcher *w = arg;
	bool woke_by_event = false;

	while (!atomic_load(&w->quit)) {
		struct pollfd pf = { .fd = w->evfd, .events = POLLPRI };
		struct timespec ts = { 0, 500000 };
		int armed = atomic_load(&w->armed);
		int pop = events_populated(w->evfd);

		if (pop < 0)
			break;
		if (armed && pop == 0) {
			uint64_t now = bench_now();

			if (!w->seen)
				w->seen = now;
			if (woke_by_event) {
				w->seen_event = now;
				break;
			}
		}
		if (armed)
			woke_by_event = ppoll(&pf, 1, &ts, NULL) > 0;
		else
			woke_by_event = poll(&pf, 1, 20) > 0;
		/* Give up on the event after 100 ms: it is recorded as such. */
		if (w->seen && bench_now() - w->seen > 100000000ULL)
			break;
	}
	atomic_store(&w->done, 1);
	return NULL;
}

static int watcher_start(struct watcher *w, int evfd)
{
	int r;

	memset(w, 0, sizeof(*w));
	w->evfd = evfd;
	r = pthread_create(&w->th, NULL, watch_main, w);
	if (r)
		return -r;
	w->running = true;
	return 0;
}

/* 0 and the absolute time seen, or -ETIMEDOUT. */
static int watcher_finish(struct watcher *w, uint64_t limit_ns)
{
	uint64_t end = bench_now() + limit_ns;
	int r;

	if (!w->running)
		return -ESRCH;
	while (!atomic_load(&w->done) && bench_now() < end)
		sleep_ns(100000);
	atomic_store(&w->quit, 1);
	pthread_join(w->th, NULL);
	w->running = false;
	r = w->seen ? 0 : -ETIMEDOUT;
	return r;
}

/* ---- one measurement ----------------------------------------------------- */

struct pop {
	char name[32];
	int tfd;
	int nleaves;
	int *lfd;
	int killfd, evfd_own, evfd_watch;
};

static void pop_close(struct pop *p)
{
	for (int i = 0; i < p->nleaves; i++)
		if (p->lfd[i] >= 0)
			close(p->lfd[i]);
	free(p->lfd);
	p->lfd = NULL;
	p->nleaves = 0;
	if (p->killfd >= 0)
		close(p->killfd);
	if (p->evfd_own >= 0)
		close(p->evfd_own);
	if (p->evfd_watch >= 0)
		close(p->evfd_watch);
	if (p->tfd >= 0)
		close(p->tfd);
	p->tfd = p->killfd = p->evfd_own = p->evfd_watch = -1;
}

/* A fresh target below our root: the kernel kills children cloned into a
 * group that was cgroup.kill'ed before (6.18), and a fresh group is what a
 * fresh population deserves anyway. */
static int pop_create(struct ctx *cx, struct pop *p, int groups)
{
	int r = 0;

	memset(p, 0, sizeof(*p));
	p->tfd = p->killfd = p->evfd_own = p->evfd_watch = -1;
	snprintf(p->name, sizeof(p->name), "m%05u", cx->seq++);
	if (mkdirat(cx->rootfd, p->name, 0755) < 0)
		return -errno;
	p->tfd = openat(cx->rootfd, p->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->tfd < 0)
		return -errno;
	if (groups > 1) {
		p->lfd = calloc((size_t)groups, sizeof(int));
		if (!p->lfd)
			return -ENOMEM;
		for (int i = 0; i < groups; i++) {
			char nm[16];

			p->lfd[i] = -1;
			p->nleaves = i + 1;
			snprintf(nm, sizeof(nm), "g%03d", i);
			if (mkdirat(p->tfd, nm, 0755) < 0)
				return -errno;
			p->lfd[i] = openat(p->tfd, nm, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (p->lfd[i] < 0)
				return -errno;
		}
	}
	p->killfd = openat(p->tfd, "cgroup.kill", O_WRONLY | O_CLOEXEC);
	p->evfd_own = openat(p->tfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	p->evfd_watch = openat(p->tfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (p->killfd < 0 || p->evfd_own < 0 || p->evfd_watch < 0)
		r = -errno;
	return r;
}

/* Start n pause processes spread over the groups and wait until every one
 * of them reached pause(). */
static int populate_pause(struct ctx *cx, struct pop *p, long n)
{
	int k = cx->spawners > 0 && n >= 256 ? cx->spawners : 1;
	const int *fds = p->nleaves ? p->lfd : &p->tfd;
	int nfds = p->nleaves ? p->nleaves : 1;
	pid_t sp[8];
	int r = 0, started;
	uint64_t end;

	atomic_store(&cx->shm->ready, 0);
	for (started = 0; started < k; started++) {
		pid_t pid = run_spawner(cx, "pause", started, k, n, fds, nfds);

		if (pid < 0) {
			r = pid;
			break;
		}
		sp[started] = pid;
	}
	for (int j = 0; j < started; j++) {
		int r2 = wait_spawner(sp[j]);

		if (r == 0)
			r = r2;
	}
	if (r < 0)
		return r;
	end = bench_now() + WAIT_LIMIT_NS;
	while (atomic_load(&cx->shm->ready) < n) {
		if (g_stop)
			return -EINTR;
		if (bench_now() > end)
			return -ETIMEDOUT;
		sleep_ns(200000);
	}
	return 0;
}

/* Start the bomb and return once `trigger` of its processes ran. */
static int populate_bomb(struct ctx *cx, struct pop *p, long cap, long trigger)
{
	uint64_t end;
	pid_t pid;
	int r;

	atomic_store(&cx->shm->started, 0);
	atomic_store(&cx->shm->tokens, 0);
	atomic_store(&cx->shm->fork_errors, 0);
	cx->shm->cap = cap;
	pid = run_spawner(cx, "bomb", 0, 1, 1, &p->tfd, 1);
	if (pid < 0)
		return pid;
	r = wait_spawner(pid);
	if (r < 0)
		return r;
	end = bench_now() + WAIT_LIMIT_NS;
	while (atomic_load(&cx->shm->started) < trigger) {
		if (g_stop)
			return -EINTR;
		if (atomic_load(&cx->shm->fork_errors))
			return -EAGAIN;
		if (bench_now() > end)
			return -ETIMEDOUT;
		sleep_ns(20000);
	}
	return 0;
}

struct sigtimes {
	uint64_t first, last;
};

static int observe_signal(const struct cgkill_proc *proc, void *userdata)
{
	struct sigtimes *st = userdata;
	uint64_t now = bench_now();

	(void)proc;
	if (!st->first)
		st->first = now;
	st->last = now;
	return 0;
}

/* Default options but an infinite timeout; st: time the signals (not a
 * default: only with --trace-signals). */
static int lib_kill(int tfd, bool freeze, struct cgkill_report *rep,
		    struct sigtimes *st)
{
	struct cgkill_opts o;

	cgkill_opts_init(&o);
	o.timeout_ms = CGKILL_TIMEOUT_INFINITE;
	if (freeze)
		o.flags |= CGKILL_FORCE_FREEZE;
	if (st) {
		o.observer = observe_signal;
		o.userdata = st;
	}
	memset(rep, 0, sizeof(*rep));
	rep->size = sizeof(*rep);
	return cgkill_fd(tfd, &o, rep);
}

static int naive_kill(int tfd, char **buf, size_t *cap)
{
	for (;;) {
		long k = procs_pass(tfd, SIGKILL, buf, cap);

		if (k < 0)
			return (int)k;
		if (k == 0)
			return 0;
	}
}

static int measure(struct ctx *cx, const struct cell *c, int m, struct sample *s)
{
	static char *buf;
	static size_t cap;
	struct cgkill_report rep;
	struct sigtimes sigt = { 0, 0 };
	struct watcher w = { .running = false };
	struct pop p;
	uint64_t t0, t_call = 0, t_empty = 0, cpu0;
	long pop_n = 0;
	bool all;
	int r, r2;

	memset(s, 0, sizeof(*s));
	r = pop_create(cx, &p, c->bomb ? 1 : c->groups);
	if (r < 0)
		goto out;
	/* The watcher starts after a pause population is in place: a second
	 * live thread makes every copy-on-write fault of the spawning loop
	 * flush the other CPU's TLB.  The bomb cannot wait for it. */
	t0 = bench_now();
	if (c->bomb) {
		r = watcher_start(&w, p.evfd_watch);
		if (r == 0)
			r = populate_bomb(cx, &p, c->n, c->n / 4);
	} else {
		r = populate_pause(cx, &p, c->n);
		if (r == 0)
			r = watcher_start(&w, p.evfd_watch);
		/* Let the spawning settle; also keeps the "populated 1"
		 * notification out of the kernel's 10 ms rate-limit window. */
		sleep_ns(20000000ULL + (uint64_t)c->n * 2000ULL);
	}
	s->populate_ns = bench_now() - t0;
	if (r < 0)
		goto out;
	pop_n = c->bomb ? atomic_load(&cx->shm->started) : c->n;
	atomic_store(&w.armed, 1);

	cpu0 = thread_cpu_ns();
	t0 = bench_now();
	switch (m) {
	case M_RAW:
		if (write(p.killfd, "1", 1) != 1) {
			r = -errno;
			break;
		}
		t_call = bench_now();
		r = wait_empty(p.evfd_own, WAIT_LIMIT_NS, &t_empty);
		break;
	case M_NATIVE:
	case M_FALLBACK:
		r = lib_kill(p.tfd, m == M_FALLBACK, &rep,
			     cx->o.trace_signals ? &sigt : NULL);
		t_call = t_empty = bench_now();
		if (sigt.first) {
			s->sig_first_ns = sigt.first - t0;
			s->sig_last_ns = sigt.last - t0;
		}
		if (r == CGKILL_DONE) {
			uint32_t want = m == M_FALLBACK ? CGKILL_METHOD_FREEZE :
							  CGKILL_METHOD_NATIVE;

			s->passes = rep.passes;
			s->signaled = rep.signaled;
			if (!rep.empty || rep.method != want)
				r = -EPROTO;
		} else if (r > 0) {
			r = -ETIMEDOUT;
		}
		break;
	case M_NAIVE:
		r = naive_kill(p.tfd, &buf, &cap);
		t_call = bench_now();
		if (r == 0)
			r = wait_empty(p.evfd_own, WAIT_LIMIT_NS, &t_empty);
		break;
	}
	if (r < 0) {
		fprintf(stderr, "cgkill-bench: %s on %s: %s\n", method_name[m],
			c->label, strerror(-r));
		goto out;
	}
	s->cpu_ns = thread_cpu_ns() - cpu0;
	s->population = pop_n;
	s->call_ns = t_call - t0;
	s->empty_ns = t_empty - t0;
	r = watcher_finish(&w, 5ULL * 1000000000ULL);
	if (r < 0) {
		fprintf(stderr, "cgkill-bench: watcher did not see populated 0\n");
		goto out;
	}
	s->seen_ns = w.seen - t0;
	s->seen_event_ns = w.seen_event ? w.seen_event - t0 : 0;
	if (c->bomb)
		s->grown = atomic_load(&cx->shm->started) - pop_n;
	s->survivors = procs_pass(p.tfd, 0, &buf, &cap);
	if (s->survivors < 0) {
		r = (int)s->survivors;
		goto out;
	}
	s->reaped = reap_all(WAIT_LIMIT_NS, &all);
	if (s->survivors || !all) {
		fprintf(stderr, "cgkill-bench: %s on %s: %ld survivors, reaping %s\n",
			method_name[m], c->label, s->survivors,
			all ? "complete" : "incomplete");
		r = -EPROTO;
		goto out;
	}
	if (c->bomb ? s->reaped < atomic_load(&cx->shm->started) : s->reaped != c->n) {
		fprintf(stderr, "cgkill-bench: %s on %s: reaped %ld, expected %ld\n",
			method_name[m], c->label, s->reaped,
			c->bomb ? (long)atomic_load(&cx->shm->started) : c->n);
		r = -EPROTO;
		goto out;
	}
	s->ok = true;
out:
	if (w.running) {
		atomic_store(&w.quit, 1);
		pthread_join(w.th, NULL);
	}
	pop_close(&p);
	r2 = p.name[0] ? sweep(cx->rootfd, p.name) : 0;
	reap_all(0, &all);
	if (r >= 0 && r2 < 0)
		r = r2;
	return r < 0 ? r : 0;
}

/* ---- statistics ---------------------------------------------------------- */

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

struct summary {
	bool run;	/* the method was asked for */
	int n;		/* successful runs */
	int failed;	/* runs that failed (errors, survivors, timeouts) */
	struct stat3 empty, call, seen, lag, cpu;	/* ns */
	double pop_med;
	double ratio;	/* median empty / raw's */
};

static void summarize(const struct sample *s, int reps, struct summary *out)
{
	uint64_t e[reps], c[reps], v[reps], cpu[reps];
	int64_t lag[reps];
	uint64_t popv[reps];
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
	out->ratio = NAN;
}

/* ---- JSON lines ---------------------------------------------------------- */

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

static void json_measurement(FILE *f, const struct cell *c, int m, int rep,
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
	if (s->sig_first_ns)
		fprintf(f, ",\"first_signal_ns\":%" PRIu64 ",\"last_signal_ns\":%" PRIu64,
			s->sig_first_ns, s->sig_last_ns);
	fprintf(f, "}\n");
	fflush(f);
}

static void json_summary(FILE *f, const struct cell *c, int m, const struct summary *su)
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
	fprintf(f, ",\"ratio_to_raw\":%.4f}\n", isnan(su->ratio) ? -1.0 : su->ratio);
	fflush(f);
}

/* ---- SVG ---------------------------------------------------------------- */

struct plot {
	double x0, x1, y0, y1;		/* log10 ranges */
	double left, right, top, bottom;	/* pixels */
};

static double px(const struct plot *pl, double v)
{
	return pl->left + (log10(v) - pl->x0) / (pl->x1 - pl->x0) * (pl->right - pl->left);
}

static double py(const struct plot *pl, double v)
{
	return pl->bottom - (log10(v) - pl->y0) / (pl->y1 - pl->y0) * (pl->bottom - pl->top);
}

static void svg_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

static int write_svg(const char *path, const struct cell *cells, int ncells,
		     struct summary (*su)[M_COUNT], const char *subtitle)
{
	static const char *const dash[] = { "", "8 5", "2 4", "12 4 2 4" };
	struct plot pl = { .left = 90, .right = 640, .top = 60, .bottom = 470 };
	double xmin = INFINITY, xmax = 0, ymin = INFINITY, ymax = 0;
	int gvals[MAX_LIST], ngv = 0;
	FILE *f = fopen(path, "w");
	double ly;

	if (!f)
		return -errno;
	for (int i = 0; i < ncells; i++) {
		bool have = false;

		for (int m = 0; m < M_COUNT; m++) {
			double v = su[i][m].empty.med / 1e6;

			if (isnan(v) || v <= 0)
				continue;
			if (v < ymin)
				ymin = v;
			if (v > ymax)
				ymax = v;
		}
		if (cells[i].bomb)
			continue;
		if ((double)cells[i].n < xmin)
			xmin = (double)cells[i].n;
		if ((double)cells[i].n > xmax)
			xmax = (double)cells[i].n;
		for (int g = 0; g < ngv; g++)
			have = have || gvals[g] == cells[i].groups;
		if (!have && ngv < MAX_LIST)
			gvals[ngv++] = cells[i].groups;
	}
	if (xmax == 0) {
		xmin = 10;
		xmax = 1000;
	}
	if (ymax == 0) {
		ymin = 0.1;
		ymax = 10;
	}
	pl.x0 = floor(log10(xmin));
	pl.x1 = ceil(log10(xmax));
	if (pl.x1 - pl.x0 < 1) {
		pl.x0 -= 0.5;
		pl.x1 += 0.5;
	}
	pl.y0 = floor(log10(ymin));
	pl.y1 = ceil(log10(ymax));
	if (pl.y1 - pl.y0 < 1)
		pl.y1 = pl.y0 + 1;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"540\" "
		"viewBox=\"0 0 900 540\" font-family=\"sans-serif\" font-size=\"12\">\n"
		"<rect width=\"900\" height=\"540\" fill=\"white\"/>\n"
		"<text x=\"365\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">"
		"libcgkill: median time to empty a cgroup subtree</text>\n");
	fprintf(f, "<text x=\"365\" y=\"42\" text-anchor=\"middle\" fill=\"#555\">");
	svg_esc(f, subtitle);
	fprintf(f, "</text>\n");
	/* grid and ticks: decades, with 2 and 5 minor lines */
	for (double d = floor(pl.x0); d <= pl.x1 + 1e-9; d += 1) {
		for (int k = 1; k < 10; k++) {
			double v = pow(10, d) * k;
			double x;

			if (log10(v) > pl.x1 + 1e-9 || log10(v) < pl.x0 - 1e-9)
				continue;
			x = px(&pl, v);
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"%s\"/>\n", x, pl.top, x, pl.bottom,
				k == 1 ? "#ccc" : "#eee");
			if (k == 1)
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n",
					x, pl.bottom + 16, v);
		}
	}
	for (double d = floor(pl.y0); d <= pl.y1 + 1e-9; d += 1) {
		for (int k = 1; k < 10; k++) {
			double v = pow(10, d) * k;
			double y;

			if (log10(v) > pl.y1 + 1e-9 || log10(v) < pl.y0 - 1e-9)
				continue;
			y = py(&pl, v);
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"%s\"/>\n", pl.left, y, pl.right, y,
				k == 1 ? "#ccc" : "#eee");
			if (k == 1 || k == 2 || k == 5)
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
					pl.left - 6, y + 4, v);
		}
	}
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"none\" stroke=\"#333\"/>\n", pl.left, pl.top,
		pl.right - pl.left, pl.bottom - pl.top);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
		"processes killed, N (log scale)</text>\n",
		(pl.left + pl.right) / 2, pl.bottom + 40);
	fprintf(f, "<text x=\"24\" y=\"%.1f\" text-anchor=\"middle\" "
		"transform=\"rotate(-90 24 %.1f)\">median time to empty, ms (log scale)</text>\n",
		(pl.top + pl.bottom) / 2, (pl.top + pl.bottom) / 2);

	/* one line per method and group count, points in N order */
	for (int m = 0; m < M_COUNT; m++) {
		for (int g = 0; g < ngv && ncells && su[0][m].run; g++) {
			bool first = true;

			fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s%s%s points=\"",
				method_color[m], *dash[g % 4] ? " stroke-dasharray=\"" : "",
				dash[g % 4], *dash[g % 4] ? "\"" : "");
			for (int i = 0; i < ncells; i++) {
				double v = su[i][m].empty.med / 1e6;

				if (cells[i].bomb || cells[i].groups != gvals[g] ||
				    isnan(v) || v <= 0)
					continue;
				fprintf(f, "%s%.1f,%.1f", first ? "" : " ",
					px(&pl, (double)cells[i].n), py(&pl, v));
				first = false;
			}
			fprintf(f, "\"/>\n");
			for (int i = 0; i < ncells; i++) {
				double v = su[i][m].empty.med / 1e6;

				if (cells[i].bomb || cells[i].groups != gvals[g] ||
				    isnan(v) || v <= 0)
					continue;
				fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">"
					"<title>%s %s: %.3f ms</title></circle>\n",
					px(&pl, (double)cells[i].n), py(&pl, v),
					method_color[m], method_name[m], cells[i].label, v);
			}
		}
	}

	/* legend */
	ly = pl.top + 10;
	fprintf(f, "<text x=\"665\" y=\"%.1f\" font-weight=\"bold\">method</text>\n", ly);
	for (int m = 0; m < M_COUNT; m++) {
		ly += 20;
		fprintf(f, "<line x1=\"665\" y1=\"%.1f\" x2=\"695\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"3\"/><text x=\"702\" y=\"%.1f\">%s</text>\n",
			ly - 4, ly - 4, method_color[m], ly, method_name[m]);
	}
	ly += 30;
	fprintf(f, "<text x=\"665\" y=\"%.1f\" font-weight=\"bold\">groups</text>\n", ly);
	for (int g = 0; g < ngv; g++) {
		ly += 20;
		fprintf(f, "<line x1=\"665\" y1=\"%.1f\" x2=\"695\" y2=\"%.1f\" stroke=\"#333\" "
			"stroke-width=\"2\"%s%s%s/><text x=\"702\" y=\"%.1f\">G = %d</text>\n",
			ly - 4, ly - 4, *dash[g % 4] ? " stroke-dasharray=\"" : "",
			dash[g % 4], *dash[g % 4] ? "\"" : "", ly, gvals[g]);
	}
	for (int i = 0; i < ncells; i++) {
		if (!cells[i].bomb)
			continue;
		ly += 30;
		fprintf(f, "<text x=\"665\" y=\"%.1f\" font-weight=\"bold\">fork bomb, cap %ld</text>\n",
			ly, cells[i].n);
		for (int m = 0; m < M_COUNT; m++) {
			ly += 18;
			fprintf(f, "<text x=\"665\" y=\"%.1f\" fill=\"%s\">%s: %.2f ms</text>\n",
				ly, method_color[m], method_name[m],
				su[i][m].empty.med / 1e6);
		}
	}
	fprintf(f, "</svg>\n");
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

/* ---- the killer process: peak memory and system calls -------------------- */

static long status_kb(const char *key)
{
	char buf[4096], *p;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	size_t kl = strlen(key);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ':')
			return strtol(p + kl + 1, NULL, 10);
	return -1;
}

/* --kill-only PATH [--freeze]: what a process that only kills costs. */
static int kill_only(const char *path, bool freeze)
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
	       r, rep.empty, rep.method, rep.signaled, rep.passes, rep.elapsed_ns,
	       rss0, hwm, ru.ru_maxrss);
	return r == CGKILL_DONE && rep.empty ? 0 : 1;
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
static int killer_run(struct ctx *cx, long n, int groups, const char *const *pre,
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

struct memres {
	long n;
	int groups;
	bool freeze;
	long rss0, hwm, maxrss;
	uint64_t elapsed;
};

static int memory_mode(struct ctx *cx, long n, struct memres *res, int *nres)
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

static bool have_strace(void)
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

static int syscall_mode(struct ctx *cx)
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

/* ---- set-up -------------------------------------------------------------- */

/* The first writable cgroup2 mount, by libmount. */
static int find_cgroup2(char **out)
{
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int r = -ENOMEDIUM;

	*out = NULL;
	if (!tb || !it) {
		r = -ENOMEM;
		goto done;
	}
	if (mnt_table_parse_file(tb, "/proc/self/mountinfo") < 0) {
		r = -EIO;
		goto done;
	}
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *type = mnt_fs_get_fstype(fs), *target = mnt_fs_get_target(fs);
		struct statfs sfs;

		if (!type || strcmp(type, "cgroup2") || !target)
			continue;
		if (statfs(target, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
			continue;	/* hidden by a later mount */
		if (access(target, W_OK) < 0)
			continue;
		*out = strdup(target);
		r = *out ? 0 : -ENOMEM;
		break;
	}
done:
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return r;
}

/* Can we clone3(CLONE_INTO_CGROUP)?  One child that exits at once. */
static bool probe_clone3(struct ctx *cx)
{
	struct bench_clone_args ca;
	bool ok = false, all;
	int fd;
	long r;

	if (mkdirat(cx->rootfd, "probe", 0755) < 0)
		return false;
	fd = openat(cx->rootfd, "probe", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		memset(&ca, 0, sizeof(ca));
		ca.flags = BENCH_CLONE_INTO_CGROUP;
		ca.exit_signal = SIGCHLD;
		ca.cgroup = (uint64_t)fd;
		r = syscall(SYS_clone3, &ca, sizeof(ca));
		if (r == 0)
			_exit(0);
		ok = r > 0;
		if (ok)
			reap_all(WAIT_LIMIT_NS, &all);
		close(fd);
	}
	sweep(cx->rootfd, "probe");
	return ok;
}

static long tasks_now(void)
{
	char b[128];
	ssize_t n;
	int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	char *slash;

	if (fd < 0)
		return -1;
	n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	b[n] = '\0';
	slash = strchr(b, '/');
	return slash ? strtol(slash + 1, NULL, 10) : -1;
}

/* The machine's load, to judge how quiet a run was. */
static void print_load(const char *when, FILE *json)
{
	char la[128] = "", pr[256] = "";
	int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	char *nl;

	if (fd >= 0) {
		n = read(fd, la, sizeof(la) - 1);
		la[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	fd = open("/proc/pressure/cpu", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, pr, sizeof(pr) - 1);
		pr[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	if ((nl = strchr(la, '\n')))
		*nl = '\0';
	if ((nl = strchr(pr, '\n')))
		*nl = '\0';
	printf("load %s: loadavg %s; cpu pressure %s\n", when, la, *pr ? pr : "n/a");
	if (json)
		fprintf(json, "{\"type\":\"load\",\"when\":\"%s\",\"loadavg\":\"%s\","
			"\"cpu_pressure\":\"%s\"}\n", when, la, pr);
}

/* pid_max, threads-max and RLIMIT_NPROC against what we will start. */
static int check_limits(long need, FILE *json)
{
	long pid_max = read_long_file("/proc/sys/kernel/pid_max");
	long thr_max = read_long_file("/proc/sys/kernel/threads-max");
	long tasks = tasks_now();
	struct rlimit rl;
	bool ok = true;

	getrlimit(RLIMIT_NPROC, &rl);
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NPROC, &rl);
		getrlimit(RLIMIT_NPROC, &rl);
	}
	/* Zombies hold their pid until reaped: a population needs `need`
	 * pids and tasks at once, plus what already runs, plus margin. */
	if (pid_max > 0 && pid_max < need + tasks + 1000)
		ok = false;
	if (thr_max > 0 && thr_max < need + tasks + 1000)
		ok = false;
	if (geteuid() != 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (long)rl.rlim_cur < need + tasks + 100)
		ok = false;
	printf("limits: pid_max %ld, threads-max %ld, tasks now %ld, "
	       "RLIMIT_NPROC %s%ld%s; largest population %ld: %s\n",
	       pid_max, thr_max, tasks,
	       rl.rlim_cur == RLIM_INFINITY ? "unlimited" : "",
	       rl.rlim_cur == RLIM_INFINITY ? 0L : (long)rl.rlim_cur,
	       geteuid() == 0 ? " (not enforced for root)" : "",
	       need, ok ? "enough" : "NOT ENOUGH");
	if (json)
		fprintf(json, "{\"type\":\"limits\",\"pid_max\":%ld,\"threads_max\":%ld,"
			"\"tasks\":%ld,\"rlimit_nproc\":%ld,\"need\":%ld,\"ok\":%s}\n",
			pid_max, thr_max, tasks,
			rl.rlim_cur == RLIM_INFINITY ? -1L : (long)rl.rlim_cur, need,
			ok ? "true" : "false");
	return ok ? 0 : -EAGAIN;
}

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

static void usage(FILE *f)
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
		"Exit status: 0 done, 1 a measurement failed, 2 usage, 77 no writable\n"
		"cgroup2 (1 if CGKILL_REQUIRE_CGROUP=1).\n",
		BOMB_CAP_MAX, BOMB_CAP_MAX);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	enum {
		O_REPS = 256, O_N, O_GROUPS, O_BOMB, O_NOBOMB, O_CAP, O_JSON,
		O_SVG, O_QUICK, O_MEM, O_NOMEM, O_SC, O_NOSC, O_HELP, O_SPAWNERS, O_METHODS, O_TRACE,
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

static int no_cgroup(const char *why)
{
	const char *req = getenv("CGKILL_REQUIRE_CGROUP");
	bool required = req && !strcmp(req, "1");

	fprintf(stderr, "cgkill-bench: %s%s\n", why,
		required ? " (required by CGKILL_REQUIRE_CGROUP=1)" : "; skipped");
	return required ? 1 : EXIT_SKIP;
}

/* ---- output -------------------------------------------------------------- */

static void print_stat(struct stat3 s)
{
	printf(" %9.3f %9.3f %9.3f", s.med / 1e6, s.min / 1e6, s.max / 1e6);
}

static void print_table(const struct cell *cells, int ncells,
			struct summary (*su)[M_COUNT], int reps)
{
	printf("\nTime from the start of the call, in ms: median, min, max of %d runs.\n"
	       "empty: \"populated 0\" as the method knows it (raw, naive: its own\n"
	       "wait on cgroup.events; library: cgkill_fd returned).  call: the call\n"
	       "returned (raw: the write to cgroup.kill; naive: the last kill pass).\n"
	       "seen: our watcher thread read \"populated 0\".  lag: call - seen.\n"
	       "cpu: CPU time of the killing thread until empty (median).\n"
	       "ratio: median empty / raw's median empty, same cell, same run.\n\n", reps);
	printf("%-22s %-9s %29s %29s %9s %9s %9s %7s\n", "", "",
	       "------- empty (ms) ---------", "-------- call (ms) ----------",
	       "seen", "lag", "cpu", "");
	printf("%-22s %-9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %7s\n", "cell", "method",
	       "median", "min", "max", "median", "min", "max", "median", "median",
	       "median", "ratio");
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
				printf(" %9.3f %9.3f %9.3f %7.3f\n", s->seen.med / 1e6,
				       s->lag.med / 1e6, s->cpu.med / 1e6, s->ratio);
			else
				printf(" %9.3f %9s %9.3f %7.3f\n", s->seen.med / 1e6, "-",
				       s->cpu.med / 1e6, s->ratio);
		}
	}
}

static void print_targets(const struct cell *cells, int ncells,
			  struct summary (*su)[M_COUNT])
{
	printf("\nTargets (medians, this run):\n");
	for (int i = 0; i < ncells; i++) {
		double r = su[i][M_NATIVE].ratio;

		if (!su[i][M_NATIVE].run)
			continue;
		printf("  native/raw <= 1.05      %-18s %6.3f  %s\n", cells[i].label, r,
		       r <= 1.05 ? "met" : "MISSED");
	}
	for (int i = 0; i < ncells; i++) {
		double r = su[i][M_FALLBACK].ratio;

		if (!su[i][M_FALLBACK].run)
			continue;
		if (cells[i].bomb)
			printf("  fallback/raw <= 1.5     %-18s %6.3f  %s (%d of %d runs "
			       "with zero survivors)\n", cells[i].label, r,
			       r <= 1.5 && !su[i][M_FALLBACK].failed ? "met" : "MISSED",
			       su[i][M_FALLBACK].n, su[i][M_FALLBACK].n + su[i][M_FALLBACK].failed);
		else if (cells[i].n == 10000 && cells[i].groups == 100)
			printf("  fallback/raw <= 1.25    %-18s %6.3f  %s\n",
			       cells[i].label, r, r <= 1.25 ? "met" : "MISSED");
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

/* ---- main ---------------------------------------------------------------- */

static int run(struct ctx *cx)
{
	const struct opts *o = &cx->o;
	struct cell cells[MAX_LIST * MAX_LIST + 1];
	struct summary (*su)[M_COUNT];
	struct sample *smp;
	struct memres mem[2 * MAX_LIST];
	int ncells = 0, nmem = 0, failed = 0;
	unsigned order = 0;
	char subtitle[160];
	struct utsname un;
	uint64_t t_start = bench_now();

	for (int gi = 0; gi < o->ng; gi++)
		for (int ni = 0; ni < o->nn; ni++) {
			struct cell *c = &cells[ncells++];

			c->n = o->n[ni];
			c->groups = o->groups[gi] > c->n ? (int)c->n : o->groups[gi];
			c->bomb = false;
			snprintf(c->label, sizeof(c->label), "N=%ld G=%d", c->n, c->groups);
		}
	if (o->bomb) {
		struct cell *c = &cells[ncells++];

		c->n = o->bomb_cap;
		c->groups = 1;
		c->bomb = true;
		snprintf(c->label, sizeof(c->label), "bomb cap %ld", c->n);
	}
	su = calloc((size_t)ncells, sizeof(*su));
	smp = calloc((size_t)ncells * M_COUNT * (size_t)o->reps, sizeof(*smp));
	if (!su || !smp) {
		free(su);
		free(smp);
		return -ENOMEM;
	}

	for (int i = 0; i < ncells && !g_stop; i++) {
		const struct cell *c = &cells[i];

		for (int rep = 0; rep < o->reps && !g_stop; rep++)
			for (int m = 0; m < M_COUNT && !g_stop; m++) {
				struct sample *s = &smp[((size_t)i * M_COUNT + (size_t)m) * (size_t)o->reps + (size_t)rep];
				int r;

				if (!o->use[m])
					continue;
				r = measure(cx, c, m, s);

				if (r < 0 || !s->ok)
					failed++;
				json_measurement(cx->json, c, m, rep, order++, s);
				fprintf(stderr, "%-16s rep %d/%d %-9s populate %8.1f ms  empty %9.3f  call %9.3f  seen %9.3f  by event %9.3f ms%s\n",
					c->label, rep + 1, o->reps, method_name[m],
					ms(s->populate_ns), ms(s->empty_ns), ms(s->call_ns),
					ms(s->seen_ns), ms(s->seen_event_ns),
					s->ok ? "" : "  FAILED");
			}
		for (int m = 0; m < M_COUNT; m++) {
			summarize(&smp[((size_t)i * M_COUNT + (size_t)m) * (size_t)o->reps],
				  o->reps, &su[i][m]);
			su[i][m].run = o->use[m];
		}
		for (int m = 0; m < M_COUNT; m++) {
			su[i][m].ratio = su[i][m].empty.med / su[i][M_RAW].empty.med;
			if (o->use[m])
				json_summary(cx->json, c, m, &su[i][m]);
		}
	}
	if (g_stop)
		failed++;

	print_table(cells, ncells, su, o->reps);
	print_targets(cells, ncells, su);
	printf("\nmeasurements: %.1f s\n", ms(bench_now() - t_start) / 1000);

	if (!g_stop && o->memory != 0) {
		long nmax = 0;
		int r;

		for (int i = 0; i < o->nn; i++)
			if (o->n[i] > nmax)
				nmax = o->n[i];
		r = memory_mode(cx, nmax, mem, &nmem);
		if (r < 0) {
			failed++;
		} else {
			printf("\nPeak memory of a process that only calls cgkill_fd "
			       "(fork+exec of this program; peak reset just before the call):\n");
			printf("%-9s %-14s %12s %12s %12s %12s %10s\n", "method", "cell",
			       "RSS before", "VmHWM peak", "call's own", "ru_maxrss", "call ms");
			for (int k = 0; k < nmem; k++) {
				char label[48];

				snprintf(label, sizeof(label), "N=%ld G=%d", mem[k].n, mem[k].groups);
				printf("%-9s %-14s %9ld KiB %9ld KiB %9ld KiB %9ld KiB %10.3f\n",
				       mem[k].freeze ? "fallback" : "native", label, mem[k].rss0,
				       mem[k].hwm, mem[k].hwm - mem[k].rss0, mem[k].maxrss,
				       ms(mem[k].elapsed));
			}
		}
	}
	if (!g_stop && o->syscalls != 0) {
		if (!have_strace()) {
			printf("\nSystem calls: strace not found, not counted.  Per process the "
			       "fallback makes pidfd_open, ioctl(PIDFD_GET_INFO), "
			       "pidfd_send_signal and close, plus per group and pass an "
			       "openat, reads and close of cgroup.procs.\n");
			if (o->syscalls > 0)
				failed++;
		} else if (syscall_mode(cx) < 0 && o->syscalls > 0) {
			failed++;
		}
	}

	if (o->svg) {
		int r;

		uname(&un);
		snprintf(subtitle, sizeof(subtitle), "Linux %s, %ld CPUs, runs per point: %d",
			 un.release, sysconf(_SC_NPROCESSORS_ONLN), o->reps);
		r = write_svg(o->svg, cells, ncells, su, subtitle);
		if (r < 0) {
			fprintf(stderr, "cgkill-bench: %s: %s\n", o->svg, strerror(-r));
			failed++;
		}
	}
	printf("\ntotal: %.1f s%s\n", ms(bench_now() - t_start) / 1000,
	       failed ? ", with FAILURES" : "");
	free(su);
	free(smp);
	return failed ? -EIO : 0;
}

int main(int argc, char **argv)
{
	struct ctx cx;
	struct sigaction sa = { .sa_handler = on_signal };
	struct utsname un;
	long need = 0;
	int r, ret;
	ssize_t l;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The killer process, started by the memory and system call modes. */
	if (argc >= 3 && !strcmp(argv[1], "--kill-only"))
		return kill_only(argv[2], argc >= 4 && !strcmp(argv[3], "--freeze"));

	memset(&cx, 0, sizeof(cx));
	cx.rootfd = -1;
	cx.shmfd = -1;
	if (parse_args(argc, argv, &cx.o) < 0) {
		usage(stderr);
		return 2;
	}
	l = readlink("/proc/self/exe", cx.exe, sizeof(cx.exe) - 1);
	if (l < 0) {
		perror("cgkill-bench: /proc/self/exe");
		return 1;
	}
	cx.exe[l] = '\0';
	if (getenv("CGKILL_BENCH_SPAWN"))
		snprintf(cx.spawn, sizeof(cx.spawn), "%s", getenv("CGKILL_BENCH_SPAWN"));
	else
		snprintf(cx.spawn, sizeof(cx.spawn), "%.*s/cgkill-bench-spawn",
			 (int)(strrchr(cx.exe, '/') - cx.exe), cx.exe);
	if (access(cx.spawn, X_OK) < 0) {
		fprintf(stderr, "cgkill-bench: %s: %s (set CGKILL_BENCH_SPAWN)\n",
			cx.spawn, strerror(errno));
		return 1;
	}

	r = find_cgroup2(&cx.mount);
	if (r == -ENOMEDIUM)
		return no_cgroup("no writable cgroup2 mount");
	if (r < 0) {
		fprintf(stderr, "cgkill-bench: reading mountinfo: %s\n", strerror(-r));
		return 1;
	}
	if (asprintf(&cx.root, "%s/cgkill-bench-%d", cx.mount, (int)getpid()) < 0)
		return 1;
	if (mkdir(cx.root, 0755) < 0) {
		int e = errno;

		if (e == EACCES || e == EPERM || e == EROFS)
			return no_cgroup("cgroup2 mount not writable");
		fprintf(stderr, "cgkill-bench: mkdir %s: %s\n", cx.root, strerror(e));
		return 1;
	}
	ret = 1;
	cx.rootfd = open(cx.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cx.rootfd < 0) {
		perror("cgkill-bench: open scratch group");
		goto out;
	}
	if (faccessat(cx.rootfd, "cgroup.kill", W_OK, 0) < 0 ||
	    faccessat(cx.rootfd, "cgroup.freeze", W_OK, 0) < 0) {
		ret = no_cgroup("no cgroup.kill or cgroup.freeze (Linux < 5.14)");
		goto out;
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("cgkill-bench: PR_SET_CHILD_SUBREAPER");
		goto out;
	}
	cx.shmfd = memfd_create("cgkill-bench", MFD_CLOEXEC);
	if (cx.shmfd < 0 || ftruncate(cx.shmfd, (off_t)sizeof(*cx.shm)) < 0) {
		perror("cgkill-bench: memfd");
		goto out;
	}
	cx.shm = mmap(NULL, sizeof(*cx.shm), PROT_READ | PROT_WRITE, MAP_SHARED,
		      cx.shmfd, 0);
	if (cx.shm == MAP_FAILED) {
		cx.shm = NULL;
		perror("cgkill-bench: mmap");
		goto out;
	}
	cx.shm->bench_pid = getpid();
	if (cx.o.json) {
		cx.json = fopen(cx.o.json, "w");
		if (!cx.json) {
			fprintf(stderr, "cgkill-bench: %s: %s\n", cx.o.json, strerror(errno));
			goto out;
		}
	}
	cx.clone3_ok = probe_clone3(&cx);
	cx.spawners = cx.o.spawners;

	uname(&un);
	printf("cgkill-bench: Linux %s, %ld CPUs; cgroup2 at %s; scratch %s\n",
	       un.release, sysconf(_SC_NPROCESSORS_ONLN), cx.mount, cx.root);
	printf("population: %s by %s, fresh groups per run; %d runs per method "
	       "and cell, methods alternating\n",
	       cx.clone3_ok ? "clone3(CLONE_INTO_CGROUP|CLONE_PARENT)" :
			      "clone(CLONE_PARENT) + write \"0\" to cgroup.procs",
	       cx.spawn, cx.o.reps);
	for (int i = 0; i < cx.o.nn; i++)
		if (cx.o.n[i] > need)
			need = cx.o.n[i];
	if (cx.o.bomb && cx.o.bomb_cap > need)
		need = cx.o.bomb_cap;
	if (check_limits(need, cx.json) < 0) {
		fprintf(stderr, "cgkill-bench: raise pid_max/threads-max/RLIMIT_NPROC "
			"or use a smaller --n\n");
		goto out;
	}
	if (cx.json)
		fprintf(cx.json, "{\"type\":\"run\",\"kernel\":\"%s\",\"cpus\":%ld,"
			"\"reps\":%d,\"population\":\"%s\"}\n", un.release,
			sysconf(_SC_NPROCESSORS_ONLN), cx.o.reps,
			cx.clone3_ok ? "clone3" : "fork");

	print_load("at start", cx.json);
	r = run(&cx);
	print_load("at end", cx.json);
	ret = r < 0 ? 1 : 0;
	if (g_stop)
		ret = 130;
out:
	/* Whatever is left below our root, leaves first; again until a pass
	 * finds nothing, as removing entries while listing can skip some. */
	for (int pass = 0; cx.rootfd >= 0 && pass < 10; pass++) {
		DIR *d = fdopendir(fcntl(cx.rootfd, F_DUPFD_CLOEXEC, 0));
		struct dirent *de;
		int found = 0;

		if (!d)
			break;
		while ((de = readdir(d)))
			if (de->d_type == DT_DIR && de->d_name[0] != '.') {
				sweep(cx.rootfd, de->d_name);
				found++;
			}
		closedir(d);
		if (!found)
			break;
	}
	if (cx.rootfd >= 0)
		close(cx.rootfd);
	if (cx.root && rmdir(cx.root) < 0 && errno != ENOENT) {
		fprintf(stderr, "cgkill-bench: rmdir %s: %s\n", cx.root, strerror(errno));
		ret = 1;
	}
	if (cx.json && fclose(cx.json) != 0)
		ret = 1;
	if (cx.shm)
		munmap(cx.shm, sizeof(*cx.shm));
	if (cx.shmfd >= 0)
		close(cx.shmfd);
	free(cx.root);
	free(cx.mount);
	return ret;
}
