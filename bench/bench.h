/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the files of cgkill-bench share; main.c says what the benchmark does. */
#ifndef CGKILL_BENCH_H
#define CGKILL_BENCH_H

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "cgkill.h"
#include "bench-shm.h"

#define EXIT_SKIP 77
#define BOMB_CAP_MAX 5000
#define NMAX 100000
#define MAX_LIST 16
#define WAIT_LIMIT_NS (60ULL * 1000000000ULL)	/* any single wait */

enum method { M_RAW, M_NATIVE, M_FALLBACK, M_NAIVE, M_COUNT };
extern const char *const method_name[M_COUNT];	/* measure.c */

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
	double psi;		/* cpu "some avg10" just before the kill, % */
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
	bool reports;	/* --reports: the 1.1 reports' cost, nothing else */
	bool memback;	/* --memory-back: time until the memory is back */
	long mb_n, mb_mib;	/* its processes and MiB each, 0: default */
	int syscalls;	/* -1: default */
	bool dynamic;	/* --population dynamic */
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

struct watcher {
	pthread_t th;
	int evfd;
	atomic_int armed, quit, done;
	uint64_t seen;		/* absolute: first read of "populated 0" */
	uint64_t seen_event;	/* absolute: first POLLPRI wake-up showing it */
	bool running;
};

struct pop {
	char name[32];
	int tfd;
	int nleaves;
	int *lfd;
	int killfd, evfd_own, evfd_watch;
};

struct summary {
	bool run;	/* the method was asked for */
	int n;		/* successful runs */
	int failed;	/* runs that failed (errors, survivors, timeouts) */
	struct stat3 empty, call, seen, lag, cpu;	/* ns */
	double pop_med;
	struct stat3 psi;	/* cpu "some avg10" before each run, % */
	double ratio;	/* median empty / raw's */
};

/* A peak memory run of the killer process. */
struct memres {
	long n;
	int groups;
	bool freeze;
	long rss0, hwm, maxrss;
	uint64_t elapsed;
};

/* Set by SIGINT, SIGTERM, SIGHUP: stop after the current step (main.c). */
extern volatile sig_atomic_t g_stop;

/* Clocks; inline, as they sit inside the timed paths. */

static inline uint64_t bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline void sleep_ns(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ULL),
		.tv_nsec = (long)(ns % 1000000000ULL),
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !g_stop)
		;
}

/* CPU time (user + system) of the calling thread. */
static inline uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* ---- fileio.c: small file helpers ---------------------------------------- */

/* Write val to the file name at dfd: 0 or -errno (-EIO on a short write). */
int write_at(int dfd, const char *name, const char *val);
/* A small file's text, NUL-terminated (empty on error): its length, or -1
 * if it cannot be read or is empty. */
ssize_t read_text(const char *path, char *buf, size_t size);
/* A number of /proc/pressure/cpu after key ("some avg10="); NAN: none. */
double cpu_psi(const char *key);
/* The number a file starts with; -1 on any error. */
long read_long_file(const char *path);
/* "populated" of an open cgroup.events: 0, 1 or -errno. */
int events_populated(int evfd);
/* A key of an open cgroup.events ("frozen"): 0, 1 or -errno. */
int events_key(int evfd, const char *key);
/* Wait, driven by cgroup.events, for "populated 0"; *when: when seen. */
int wait_empty(int evfd, uint64_t limit_ns, uint64_t *when);
/* Processes listed in the subtree at dfd; with sig, kill() each of them. */
long procs_pass(int dfd, int sig, char **buf, size_t *cap);
/* Processes listed in the subtree at dfd, each passed to fn. */
long procs_each(int dfd, int (*fn)(pid_t pid, void *arg), void *arg, char **buf, size_t *cap);

/* ---- reap.c: reaping and removing ---------------------------------------- */

/* Reap every child we have, for at most limit_ns; the count reaped. */
long reap_all(uint64_t limit_ns, bool *all);
/* Empty and remove pfd/name with its subtree, leaves first: 0 or -errno. */
int sweep(int pfd, const char *name);

/* ---- population.c: the processes ----------------------------------------- */

/* Close the fds of p (its groups stay: sweep() removes them). */
void pop_close(struct pop *p);
/* A fresh target group below our root, with `groups` leaves when > 1. */
int pop_create(struct ctx *cx, struct pop *p, int groups);
/* n pause processes over the groups of p, all of them in pause(). */
int populate_pause(struct ctx *cx, struct pop *p, long n);
/* A fork bomb of at most cap processes, `trigger` of them running. */
int populate_bomb(struct ctx *cx, struct pop *p, long cap, long trigger);

/* ---- watcher.c: the watcher thread --------------------------------------- */

/* Start watching evfd; set w->armed once the clock starts. */
int watcher_start(struct watcher *w, int evfd);
/* Stop it: 0 when it saw "populated 0" (w->seen), or -ETIMEDOUT. */
int watcher_finish(struct watcher *w, uint64_t limit_ns);

/* ---- measure.c: one measurement ------------------------------------------ */

struct sigtimes;
/* cgkill_fd with an infinite timeout; st: time the signals, or NULL. */
int lib_kill(int tfd, bool freeze, struct cgkill_report *rep,
	     struct sigtimes *st);
/* One run of method m on a fresh population of cell c: 0 or -errno. */
int measure(struct ctx *cx, const struct cell *c, int m, struct sample *s);

/* ---- stats.c: statistics ------------------------------------------------- */

/* The successful ones of reps samples; ratio is left NAN for the caller. */
void summarize(const struct sample *s, int reps, struct summary *out);

/* ---- json.c: JSON lines (f NULL: no output) ------------------------------ */

/* One line per measurement, one per method and cell summary. */
void json_measurement(FILE *f, const struct cell *c, int m, int rep,
		      unsigned order, const struct sample *s);
void json_summary(FILE *f, const struct cell *c, int m, const struct summary *su);

/* ---- svg.c: the chart ---------------------------------------------------- */

/* The chart of median time to empty against N, to path: 0 or -errno. */
int write_svg(const char *path, const struct cell *cells, int ncells,
	      struct summary (*su)[M_COUNT], const char *subtitle);

/* ---- killer.c: the killer process and its peak memory -------------------- */

/* main() of the process started with --kill-only PATH [--freeze]. */
int kill_only(const char *path, bool freeze);
/* A killer process, run under the command pre (NULL: none) on a fresh
 * population; its standard output in out. */
int killer_run(struct ctx *cx, long n, int groups, const char *const *pre,
	       bool freeze, char *out, size_t outsz);
/* Peak memory of the killer at N=n for every G; *nres results in res. */
int memory_mode(struct ctx *cx, long n, struct memres *res, int *nres);

/* ---- syscalls.c: system calls of the fallback, by strace ----------------- */

/* Is strace in PATH? */
bool have_strace(void);
/* Print (and write as JSON) the calls per process of the fallback. */
int syscall_mode(struct ctx *cx);

/* ---- reports.c: survivors and victims ------------------------------------ */

/* raw, native, native + CGKILL_SURVIVORS, native + CGKILL_VICTIMS. */
int reports_mode(struct ctx *cx);

/* ---- memback.c: time until the memory is back ---------------------------- */

/* raw, native, native + CGKILL_RELEASE_MEMORY, fallback + the same, on
 * processes that touched memory, unstarved and starved. */
int memback_mode(struct ctx *cx);

/* ---- setup.c: set-up ----------------------------------------------------- */

/* The first writable cgroup2 mount; -ENOMEDIUM when there is none. */
int find_cgroup2(char **out);
/* Can we clone3(CLONE_INTO_CGROUP)? */
bool probe_clone3(struct ctx *cx);
/* The machine's load, to judge how quiet a run was. */
void print_load(const char *when, FILE *json);
/* pid_max, threads-max and RLIMIT_NPROC against need: 0 or -EAGAIN. */
int check_limits(long need, FILE *json);
/* Say why there is no run; the exit status: EXIT_SKIP, or 1 if required. */
int no_cgroup(const char *why);

/* ---- args.c: the command line -------------------------------------------- */

void usage(FILE *f);
/* The defaults, then the options: 0 or -errno on a bad one; --help exits. */
int parse_args(int argc, char **argv, struct opts *o);

/* ---- table.c: the results on stdout -------------------------------------- */

/* The table of times, then the targets and whether they were met. */
void print_table(const struct cell *cells, int ncells,
		 struct summary (*su)[M_COUNT], int reps);
void print_targets(const struct cell *cells, int ncells,
		   struct summary (*su)[M_COUNT]);

#endif
