// SPDX-License-Identifier: LGPL-2.1-or-later
/* One measurement: a fresh population emptied by one of the four methods,
 * timed and checked for survivors. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

const char *const method_name[M_COUNT] = {
	"raw", "native", "fallback", "naive",
};

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
int lib_kill(int tfd, bool freeze, struct cgkill_report *rep,
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

int measure(struct ctx *cx, const struct cell *c, int m, struct sample *s)
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

	s->psi = cpu_psi("some avg10=");
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
			if (!(rep.flags & CGKILL_REPORT_NO_USERS) ||
			    rep.last_method != want)
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
