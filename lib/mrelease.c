// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CGKILL_RELEASE_MEMORY: the victims' memory back at once, reaped by us
 * with process_mrelease(2) (Linux 5.15), instead of when each victim gets
 * to free it in its own exit, at its own scheduling priority.
 *
 * The kernel reaps the address space of a process that is dying, and only
 * until that process reaches its own exit_mm(): from then on its task has
 * no mm, process_mrelease() says ESRCH, and what is left of the memory
 * comes back only as fast as the victim runs.  A victim on a busy machine
 * that runs at all between its kill and its reap uses that slice to start
 * its exit, then may wait a second or more for the next one (a SCHED_IDLE
 * or low-weight task beside CPU-bound work): that is the memory that comes
 * back late.  So:
 *  - every user process of the subtree is pinned (a pidfd, verified inside
 *    the subtree as signal.c does) and its RSS read before the kill, and
 *    the largest are reaped first.  The listing stops after PIN_NS, so
 *    that a fork bomb is not given time before its kill: what it did not
 *    reach is killed, not reaped;
 *  - when a killed victim would wait long for the CPU (cpus_busy()), the
 *    largest victims are killed and reaped one at a time, the reap right
 *    after the signal so the victim has no time to start its exit, until
 *    what is left holds less than a tenth of the memory, or for at most
 *    PAIRS_NS, and only then is the rest killed.  Otherwise the kill comes
 *    first: victims that exit on their own then do it in parallel with
 *    our reaping of the others, and lose nothing by it;
 *  - after the kill, the rest is reaped in slices of MREL_SLICE_NS per
 *    call of the engine, so that a caller's event loop is not held (one
 *    reap cannot be split: a single huge victim takes what its reap takes).
 * Nothing here fails the kill: a process that cannot be pinned, or a
 * kernel without the call, leaves the victims to free their own memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgkill-private.h"
#include "syscalls.h"

/* Kill-and-reap, one victim at a time, before the kill of the rest: the
 * longest the kill of the smaller victims is put off for it.  On this
 * project's 2-CPU VM, 16 x 128 MiB beside two CPU hogs took 90-210 ms. */
#define PAIRS_NS 200000000ULL
/* ... and only while the rest holds more than this share (in tenths) of
 * the memory pinned: the last small ones are not worth the wait. */
#define PAIRS_REST 1
/* The listing before the kill. */
#define PIN_NS 20000000ULL
/* EAGAIN: the reap raced with something it must not wait for (an mmu
 * notifier that would block).  Tried again at once a few times, then the
 * victim is left to free its memory itself. */
#define AGAIN_TRIES 64
#define AGAIN_NS 5000000ULL
/* fds left to the rest of the process and to the engine's own walks: a
 * pidfd numbered beyond RLIMIT_NOFILE less this is not kept. */
#define FD_RESERVE 64

enum {
	V_PENDING,
	V_DONE
};

struct victim {
	int pidfd;
	pid_t pid;
	uint32_t group; /* index in groups */
	int state;
	uint32_t weight; /* its CFS weight (nice, SCHED_IDLE); RT: max */
	uint64_t rss;	 /* bytes, read before the kill */
};

struct mrel {
	struct mrel_ctx c;
	struct victim *v;
	size_t n, cap, next; /* next: the first not yet done */
	struct idset index;  /* pid -> its place in v, + 1 */
	char **groups;	     /* relative paths of the groups listed */
	size_t ngroups, capgroups;
	char *buf;
	size_t bufcap;
	struct pidvec pv;
	uint64_t fd_limit;
	int running;		      /* victims runnable when pinned */
	int no_mrelease;	      /* ENOSYS or EPERM: the library releases nothing */
	int stopped;		      /* EINTR: we are being killed ourselves */
	uint64_t pair_until;	      /* kill-and-reap until then; 0: not at all */
	uint64_t pin_until;	      /* the listing gives up then */
	uint64_t pinned;	      /* RSS of all pinned, bytes */
	uint64_t left;		      /* RSS of those neither reaped nor let go */
	int have_current, have_after; /* the target's memory.current */
	uint64_t current_before, current_after;
	uint64_t released; /* RSS of the victims reaped or found exiting */
	uint64_t done_at;  /* when the last reap returned */
	uint64_t reaped;   /* reaps done, for the trace */
};

int mrelease_new(struct mrel **ret, const struct mrel_ctx *c)
{
	struct mrel *m = calloc(1, sizeof(*m));
	struct rlimit rl;

	if (!m)
		return -ENOMEM;
	m->c = *c;
	m->fd_limit = 1024;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		m->fd_limit = rl.rlim_cur == RLIM_INFINITY ? UINT32_MAX : rl.rlim_cur;
	*ret = m;
	return 0;
}

static void drop_victims(struct mrel *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].pidfd >= 0)
			close(m->v[i].pidfd);
	for (size_t i = 0; i < m->ngroups; i++)
		free(m->groups[i]);
	m->n = m->next = m->ngroups = 0;
	if (m->index.n)
		idset_clear(&m->index);
}

void mrelease_free(struct mrel *m)
{
	if (!m)
		return;
	drop_victims(m);
	free(m->v);
	free(m->groups);
	idset_free(&m->index);
	parse_pidvec_free(&m->pv);
	free(m->buf);
	free(m);
}

/* The state letter and RssAnon of /proc/PID/status: private anonymous
 * memory is what a reap frees (file pages stay cached, shared memory stays
 * with its object), and counting each process's whole RSS would count the
 * libraries all share once per process. */
static int parse_status_anon(const char *buf, char *state, uint64_t *kib)
{
	const char *st = strstr(buf, "\nState:"), *an = strstr(buf, "\nRssAnon:");
	char *end;

	if (!st)
		return -EINVAL;
	st += strlen("\nState:");
	st += strspn(st, " \t");
	*state = *st;
	*kib = 0;
	if (!an)
		return 0; /* no mm: exiting, or a zombie */
	an += strlen("\nRssAnon:");
	errno = 0;
	*kib = strtoull(an, &end, 10);
	return end == an || errno ? -EINVAL : 0;
}

/* The kernel's sched_prio_to_weight, nice -20 to 19. */
static const uint32_t nice_weight[40] = {
	88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
	9548,  7620,  6100,  4904,  3906,  3121,  2501,	 1991,	1586,  1277,
	1024,  820,   655,   526,   423,   335,	  272,	 215,	172,   137,
	110,   87,    70,    56,    45,	   36,	  29,	 23,	18,    15,
};

/* What share of a CPU it gets beside other work, as a CFS weight, from the
 * nice value (19th field) and the policy (41st) of /proc/PID/stat. */
static uint32_t parse_stat_weight(const char *buf)
{
	const char *p = strrchr(buf, ')');
	long nice = 0, policy = 0;

	for (int field = 2; p && field < 41; field++) {
		p = strchr(p + 1, ' ');
		if (p && field + 1 == 19)
			nice = strtol(p + 1, NULL, 10);
		if (p && field + 1 == 41)
			policy = strtol(p + 1, NULL, 10);
	}
	if (policy == SCHED_IDLE)
		return 3; /* WEIGHT_IDLEPRIO */
	if (policy != SCHED_OTHER && policy != SCHED_BATCH)
		return UINT32_MAX; /* real-time: CFS work never starves it */
	if (nice < -20 || nice > 19)
		nice = 0;
	return nice_weight[nice + 20];
}

/* Its RSS, whether it runs, and its weight, read while the pidfd pins it:
 * what was read is its own if it is still alive after the reads. */
static void read_rss(struct mrel *m, struct victim *v)
{
	char path[64], b[4096], state = 0;
	uint64_t kib = 0;
	uint32_t weight = 1024;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)v->pid);
	n = cgfile_read(AT_FDCWD, path, b, sizeof(b));
	if (n <= 0 || parse_status_anon(b, &state, &kib) < 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)v->pid);
	n = cgfile_read(AT_FDCWD, path, b, sizeof(b));
	if (n > 0)
		weight = parse_stat_weight(b);
	if (poll(&(struct pollfd){ .fd = v->pidfd, .events = POLLIN }, 1, 0) != 0)
		return; /* exited: perhaps not its file */
	v->rss = kib << 10;
	v->weight = weight;
	if (state == 'R')
		m->running++;
}

static int group_index(struct mrel *m, const char *rel, uint32_t *idx)
{
	if (!m->ngroups || strcmp(m->groups[m->ngroups - 1], rel)) {
		if (m->ngroups == m->capgroups) {
			size_t cap = m->capgroups ? m->capgroups * 2 : 16;
			char **g = realloc(m->groups, cap * sizeof(*g));

			if (!g)
				return -ENOMEM;
			m->groups = g;
			m->capgroups = cap;
		}
		m->groups[m->ngroups] = strdup(rel);
		if (!m->groups[m->ngroups])
			return -ENOMEM;
		m->ngroups++;
	}
	*idx = (uint32_t)(m->ngroups - 1);
	return 0;
}

static int pin_one(struct mrel *m, struct cg_group *g, pid_t pid)
{
	enum sig_class cls;
	struct victim *v;
	uint32_t *slot;
	int r, fd;

	if (pid <= 0 || pid == getpid() || idset_has(&m->index, (uint64_t)pid))
		return 0; /* hidden, the caller itself, or listed twice */
	if (time_now_ns() >= m->pin_until)
		return -ETIME; /* enough: the kill must not wait */
	/* What cannot be pinned is not reaped; only a lack of fds stops
	 * the pinning. */
	fd = signal_pin(pid);
	if (fd < 0)
		return fd == -EMFILE || fd == -ENFILE ? -EMFILE : 0;
	r = signal_classify(m->c.sc, fd, pid, 0, &cls);
	if (r < 0 || cls != SIG_IN) {
		close(fd);
		return r == -EMFILE || r == -ENFILE ? -EMFILE : 0;
	}
	if ((uint64_t)fd + FD_RESERVE >= m->fd_limit) {
		close(fd);
		return -EMFILE; /* enough: the kill needs fds too */
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct victim *nv = realloc(m->v, cap * sizeof(*nv));

		if (!nv) {
			close(fd);
			return -ENOMEM;
		}
		m->v = nv;
		m->cap = cap;
	}
	v = &m->v[m->n];
	*v = (struct victim){ .pidfd = fd, .pid = pid, .state = V_PENDING, .weight = 1024 };
	r = group_index(m, g->rel, &v->group);
	if (r == 0)
		r = idset_get(&m->index, (uint64_t)pid, &slot);
	if (r < 0) {
		close(fd);
		return r;
	}
	m->n++;
	read_rss(m, v);
	m->pinned += v->rss;
	return 0;
}

static int pin_group(struct cg_group *g, void *data)
{
	struct mrel *m = data;
	uint32_t *unused;
	ssize_t n;
	int r;

	/* The verification asks whether a process's group is one of ours. */
	r = idset_get(m->c.groups, g->id, &unused);
	if (r < 0)
		return r;
	n = cgfile_read_all(g->fd, "cgroup.procs", &m->buf, &m->bufcap);
	if (n == -ENOENT || n == -ENODEV || n == -EOPNOTSUPP)
		return 0; /* removed, or threaded: listed at its domain */
	if (n < 0)
		return (int)n;
	m->pv.n = 0;
	r = parse_procs(m->buf, (size_t)n, &m->pv);
	for (size_t i = 0; r == 0 && i < m->pv.n; i++)
		r = pin_one(m, g, m->pv.v[i]);
	return r;
}

static int by_rss(const void *a, const void *b)
{
	const struct victim *x = a, *y = b;

	return x->rss < y->rss ? 1 : x->rss > y->rss ? -1 : 0;
}

static int read_current(int tfd, uint64_t *val)
{
	char b[64], *end;
	ssize_t n = cgfile_read(tfd, "memory.current", b, sizeof(b));

	if (n <= 0)
		return -ENOENT; /* no memory controller enabled here */
	errno = 0;
	*val = strtoull(b, &end, 10);
	return end == b || errno ? -EINVAL : 0;
}

/* Would a killed victim wait long for the CPU: is every CPU busy with
 * other work (at least as many runnable tasks besides us and the victims
 * as CPUs, by the 4th field of /proc/loadavg), and does the largest
 * victim's weight give it less than a quarter of a CPU beside that work
 * (SCHED_IDLE, a high nice value, or much other work)?  Then one that gets
 * a slice between its kill and its reap starts its exit in it and may not
 * get the next for a long time.  Otherwise the victims exit by themselves
 * as fast as we could reap them, and do it beside our reaping.  The
 * weights of their groups (cpu.weight, cpu.max) are not looked at. */
static int cpus_busy(const struct mrel *m)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char b[256], *p = b;
	long running;
	ssize_t n = cgfile_read(AT_FDCWD, "/proc/loadavg", b, sizeof(b));

	if (n <= 0 || ncpu <= 0)
		return 0;
	for (int field = 1; p && field < 4; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return 0;
	running = strtol(p, NULL, 10) - 1 - m->running;
	return running >= ncpu && m->v[0].weight != UINT32_MAX &&
	       (uint64_t)running * 1024 > (uint64_t)ncpu * 3 * m->v[0].weight;
}

void mrelease_pin(struct mrel *m)
{
	uint64_t t;

	drop_victims(m);
	m->running = 0;
	m->pair_until = 0;
	m->have_after = 0;
	m->released = 0;
	m->done_at = 0;
	m->reaped = 0;
	m->pinned = 0;
	m->pin_until = time_now_ns() + PIN_NS;
	m->have_current = read_current(m->c.tfd, &m->current_before) == 0;
	/* What could not be pinned is not released, and the kill goes on:
	 * a walk that failed half-way leaves the pinned ones to reap. */
	walk_subtree(m->c.tfd, 0, 0, pin_group, m);
	qsort(m->v, m->n, sizeof(*m->v), by_rss);
	for (size_t i = 0; i < m->n; i++) {
		uint32_t *slot;

		if (idset_get(&m->index, (uint64_t)m->v[i].pid, &slot) == 0)
			*slot = (uint32_t)i + 1;
	}
	m->left = m->pinned;
	t = time_now_ns();
	if (m->n && cpus_busy(m))
		m->pair_until = t + PAIRS_NS;
}

static void drop(struct mrel *m, struct victim *v)
{
	m->left -= v->rss;
	v->state = V_DONE;
	close(v->pidfd);
	v->pidfd = -1;
}

/* One reap, with EAGAIN tried again for a bounded time. */
static void reap(struct mrel *m, struct victim *v)
{
	uint64_t until = 0;

	for (int tries = 0;; tries++) {
		if (syscall(SYS_process_mrelease, v->pidfd, 0) == 0) {
			m->released += v->rss;
			m->reaped++;
			break;
		}
		if (errno == EAGAIN) {
			if (!until)
				until = time_now_ns() + AGAIN_NS;
			if (tries < AGAIN_TRIES && time_now_ns() < until) {
				sched_yield();
				continue;
			}
			break; /* left to free its memory itself */
		}
		if (errno == ESRCH) /* gone, or in its own exit already */
			m->released += v->rss;
		else if (errno == ENOSYS || errno == EPERM)
			m->no_mrelease = 1; /* before 5.15, or a filter */
		else if (errno == EINTR)
			m->stopped = 1; /* a fatal signal of our own */
		/* EINVAL: not dying (it left the subtree before the kill),
		 * or reaped already; anything else: not ours to fix. */
		break;
	}
	drop(m, v);
	m->done_at = time_now_ns();
}

static int can_reap(const struct mrel *m)
{
	return !m->no_mrelease && !m->stopped;
}

/* Still worth killing and reaping one at a time? */
static int pairing(const struct mrel *m)
{
	return m->pair_until && can_reap(m) && time_now_ns() < m->pair_until &&
	       m->left * 10 > m->pinned * PAIRS_REST;
}

/* Kill-and-reap: verified again right before its signal, as every signal
 * of the library is.  What we could not kill is left to the kernel's kill,
 * and reaped after it. */
int mrelease_pairs(struct mrel *m)
{
	for (; m->next < m->n && pairing(m); m->next++) {
		struct victim *v = &m->v[m->next];
		enum sig_class cls;
		int r;

		if (v->state != V_PENDING)
			continue;
		r = signal_classify(m->c.sc, v->pidfd, v->pid, 0, &cls);
		if (r == 0 && cls != SIG_IN) {
			drop(m, v); /* gone, or no longer in the subtree */
			continue;
		}
		if (r == 0)
			r = signal_pidfd_send(v->pidfd, v->pid, SIGKILL);
		if (r == -ESRCH) {
			drop(m, v);
			continue;
		}
		if (r < 0)
			break; /* EPERM and the like: the kernel's kill */
		reap(m, v);
		r = m->c.sent(m->c.arg, v->pid, m->groups[v->group]);
		if (r < 0) {
			m->next++;
			m->pair_until = 0;
			return r; /* the observer's: it stops us */
		}
	}
	m->pair_until = 0;
	return 0;
}

void mrelease_signalled(struct mrel *m, pid_t pid)
{
	uint32_t *slot;

	if (!pairing(m) || !idset_has(&m->index, (uint64_t)pid) ||
	    idset_get(&m->index, (uint64_t)pid, &slot) < 0 || !*slot)
		return;
	if (m->v[*slot - 1].state == V_PENDING)
		reap(m, &m->v[*slot - 1]);
}

int mrelease_pending(const struct mrel *m)
{
	if (!can_reap(m))
		return 0;
	for (size_t i = m->next; i < m->n; i++)
		if (m->v[i].state == V_PENDING)
			return 1;
	return 0;
}

/* memory.current once the reaps are over, for the report. */
static void reap_done(struct mrel *m)
{
	if (m->have_current && !m->have_after)
		m->have_after = read_current(m->c.tfd, &m->current_after) == 0;
}

int mrelease_slice(struct mrel *m, uint64_t until)
{
	m->pair_until = 0; /* the kill is done: no more pairs */
	while (m->next < m->n && can_reap(m)) {
		struct victim *v = &m->v[m->next++];

		if (v->state != V_PENDING)
			continue;
		reap(m, v);
		if (time_now_ns() >= until && mrelease_pending(m))
			return 1;
	}
	reap_done(m);
	return 0;
}

void mrelease_report(struct mrel *m, int empty, uint64_t t0, struct cgkill_report *rep)
{
	/* Emptied while reaps were left: those are quick ESRCH now. */
	if (empty && mrelease_pending(m))
		mrelease_slice(m, UINT64_MAX);
	if (m->no_mrelease) {
		rep->flags |= CGKILL_REPORT_NO_MRELEASE;
		rep->memory_released_bytes = 0;
		rep->memory_released_ns = 0;
		return;
	}
	if (!m->done_at)
		return; /* nobody to reap */
	reap_done(m);
	if (m->have_after)
		rep->memory_released_bytes = m->current_before > m->current_after ?
						     m->current_before - m->current_after :
						     0;
	else
		rep->memory_released_bytes = m->released;
	rep->memory_released_ns = m->done_at - t0;
}

void mrelease_stats(const struct mrel *m, struct mrelease_stats *st)
{
	st->pinned = m->n;
	st->rss = m->pinned;
	st->reaped = m->reaped;
	st->pairing = m->pair_until != 0;
}
