// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The trace (1.2) on the real kernel: the sequence and the counts of the
 * events of each path, as a user of "cgkill -v" reads them:
 * - native SIGKILL: the method and why, the wait ended by "populated 0";
 * - the fallback (CGKILL_FORCE_FREEZE) over N processes in two groups:
 *   freeze, a pass that lists and signals all N, a pass that finds nobody
 *   new, thaw, the end;
 * - SIGTERM with CGKILL_ESCALATE and a process that ignores it: rescans
 *   that find it again, the escalation, SIGKILL by the native method;
 * - CGKILL_REMOVE, a dry run, a timeout, victims and memory;
 * - an older caller's options (VER1, VER0 sizes) never call the trace.
 * Every event is checked for what holds of all: its size, a message, a
 * time that never goes back, the calling thread, the caller's data.
 *
 * Safety: only processes this test started are signalled, in its scratch
 * groups.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#define MAX_EV 4096

struct ev {
	struct cgkill_trace t;
	char message[256];
	char detail[32];
};

static struct rec {
	struct ev ev[MAX_EV];
	int n;
	int bad_data, bad_thread;
	pthread_t thread;
} rec;

static void record(const struct cgkill_trace *t, void *data)
{
	struct ev *e;

	if (data != &rec)
		rec.bad_data++;
	if (!pthread_equal(pthread_self(), rec.thread))
		rec.bad_thread++;
	if (rec.n >= MAX_EV)
		return;
	e = &rec.ev[rec.n++];
	e->t = *t;
	snprintf(e->message, sizeof(e->message), "%s", t->message ? t->message : "");
	snprintf(e->detail, sizeof(e->detail), "%s", t->detail ? t->detail : "(null)");
	if (getenv("TRACE_DEBUG"))
		fprintf(stderr, "  %3d kind %2u reason %2u sig %2d method %u "
			"count %llu/%llu/%llu result %d: %s\n", rec.n - 1, t->kind,
			t->reason, t->signal, t->method, (unsigned long long)t->count,
			(unsigned long long)t->count2, (unsigned long long)t->count3,
			t->result, e->message);
}

static void opts_traced(struct cgkill_opts *o)
{
	cgkill_opts_init(o);
	o->timeout_ms = cgt_ms(30000);
	o->trace = record;
	o->trace_data = &rec;
	memset(&rec, 0, sizeof(rec));
	rec.thread = pthread_self();
}

/* What holds of every event. */
static void check_all(void)
{
	uint64_t last = 0;

	assert_int_equal(rec.bad_data, 0);
	assert_int_equal(rec.bad_thread, 0);
	assert_true(rec.n > 0 && rec.n < MAX_EV);
	for (int i = 0; i < rec.n; i++) {
		const struct ev *e = &rec.ev[i];

		assert_int_equal(e->t.size, CGKILL_TRACE_SIZE_VER0);
		assert_true(e->t.kind >= CGKILL_TRACE_METHOD &&
			    e->t.kind <= CGKILL_TRACE_DONE);
		if (!e->message[0])
			fail_msg("event %d (kind %u): no message", i, e->t.kind);
		assert_null(strchr(e->message, '\n'));
		/* A word for every reason, none for none. */
		assert_int_equal(!!e->detail[0], e->t.reason != CGKILL_TRACE_R_NONE);
		assert_true(e->t.ns >= last);
		last = e->t.ns;
	}
	/* The operation's end, once, last. */
	assert_int_equal(rec.ev[rec.n - 1].t.kind, CGKILL_TRACE_DONE);
	for (int i = 0; i < rec.n - 1; i++)
		assert_int_not_equal(rec.ev[i].t.kind, CGKILL_TRACE_DONE);
}

/* The index of the first event of kind at or after from, or fail. */
static int find(int from, uint32_t kind)
{
	for (int i = from; i < rec.n; i++)
		if (rec.ev[i].t.kind == kind)
			return i;
	fail_msg("no event of kind %u from %d on (%d events)", kind, from, rec.n);
	return -1;
}

static int count_kind(uint32_t kind)
{
	int n = 0;

	for (int i = 0; i < rec.n; i++)
		n += rec.ev[i].t.kind == kind;
	return n;
}

static const struct cgkill_trace *at(int i, uint32_t kind, uint32_t reason)
{
	assert_true(i < rec.n);
	if (rec.ev[i].t.kind != kind || rec.ev[i].t.reason != reason)
		fail_msg("event %d is kind %u reason %u (%s), not kind %u reason %u",
			 i, rec.ev[i].t.kind, rec.ev[i].t.reason, rec.ev[i].message,
			 kind, reason);
	return &rec.ev[i].t;
}

static bool has_kill_file(void)
{
	uint64_t f = 0;

	return cgkill_probe(-1, &f) == 0 && (f & CGKILL_FEATURE_KILL);
}

/* ---- the tests --------------------------------------------------------------- */

static void test_native(void **state)
{
	const char *g = cgt_mkgroup("native");
	struct cgkill_opts o;
	struct cgkill_report rep = { .size = sizeof(rep) };
	const struct cgkill_trace *t;
	int end;

	(void)state;
	cgt_spawn_many(g, CGT_PAUSE, 3, NULL);
	if (!has_kill_file())
		skip();
	opts_traced(&o);
	assert_int_equal(cgkill_path(g, &o, &rep), CGKILL_DONE);
	check_all();
	t = at(0, CGKILL_TRACE_METHOD, CGKILL_TRACE_R_NATIVE);
	assert_int_equal(t->method, CGKILL_METHOD_NATIVE);
	assert_int_equal(t->signal, SIGKILL);
	assert_int_equal(t->count, 0);	/* the first stage */
	assert_string_equal(rec.ev[0].detail, "native");
	assert_string_equal(rec.ev[0].message,
			    "method native: SIGKILL and cgroup.kill is there");
	/* Nothing frozen, nothing signalled one by one. */
	assert_int_equal(count_kind(CGKILL_TRACE_FREEZE), 0);
	assert_int_equal(count_kind(CGKILL_TRACE_THAW), 0);
	end = find(1, CGKILL_TRACE_WAIT_END);
	t = at(end, CGKILL_TRACE_WAIT_END, CGKILL_TRACE_R_EMPTY);
	assert_int_equal(t->method, CGKILL_METHOD_NATIVE);
	assert_string_equal(rec.ev[end].message, "wait ended: populated 0");
	assert_int_equal(count_kind(CGKILL_TRACE_WAIT_END), 1);
	t = at(rec.n - 1, CGKILL_TRACE_DONE, CGKILL_TRACE_R_NONE);
	assert_int_equal(t->result, CGKILL_DONE);
	assert_int_equal(t->count, rep.signaled);
	assert_int_equal(t->count2, rep.passes);
	assert_int_equal(t->ns, rep.elapsed_ns);
}

/* N processes in two groups: the round's every step, exactly. */
static void test_fallback(void **state)
{
	const char *g = cgt_mkgroup("fb");
	const char *sub = cgt_mkgroup("fb/sub");
	struct cgkill_opts o;
	struct cgkill_report rep = { .size = sizeof(rep) };
	const struct cgkill_trace *t;

	(void)state;
	cgt_spawn_many(g, CGT_PAUSE, 3, NULL);
	cgt_spawn_many(sub, CGT_PAUSE, 2, NULL);
	opts_traced(&o);
	o.flags |= CGKILL_FORCE_FREEZE;
	assert_int_equal(cgkill_path(g, &o, &rep), CGKILL_DONE);
	check_all();
	t = at(0, CGKILL_TRACE_METHOD, CGKILL_TRACE_R_FORCE_FREEZE);
	assert_int_equal(t->method, CGKILL_METHOD_FREEZE);
	assert_int_equal(t->signal, SIGKILL);
	/* SIGKILL: one pass before the freeze, then the frozen passes. */
	t = at(1, CGKILL_TRACE_PASS, CGKILL_TRACE_R_PASS_SIGNAL);
	assert_int_equal(t->signal, SIGKILL);
	assert_int_equal(t->method, CGKILL_METHOD_FREEZE);
	assert_int_equal(t->count, 5);		/* listed */
	assert_int_equal(t->count2, 5);		/* newly signalled */
	assert_int_equal(t->count3, 2);		/* groups */
	assert_int_equal(t->result, 0);
	assert_string_equal(rec.ev[1].message,
			    "pass signal SIGKILL: 2 groups, 5 listed, 5 newly signalled");
	at(2, CGKILL_TRACE_FREEZE, CGKILL_TRACE_R_FROZE);
	t = at(3, CGKILL_TRACE_PASS, CGKILL_TRACE_R_PASS_SIGNAL);
	assert_int_equal(t->count2, 0);
	assert_int_equal(t->count3, 2);
	t = at(4, CGKILL_TRACE_THAW, CGKILL_TRACE_R_THAWED);
	assert_int_equal(t->result, 0);
	assert_int_equal(t->count, 2);		/* passes of the round */
	assert_int_equal(t->count2, 5);		/* signalled in it */
	/* Then only the wait: rescans (each a pass that signals nobody),
	 * its end, the end. */
	for (int i = 5; i < rec.n - 2; i++) {
		uint32_t k = rec.ev[i].t.kind;

		assert_true(k == CGKILL_TRACE_PASS || k == CGKILL_TRACE_RESCAN);
		assert_int_equal(rec.ev[i].t.count2, 0);
	}
	at(rec.n - 2, CGKILL_TRACE_WAIT_END, CGKILL_TRACE_R_EMPTY);
	t = at(rec.n - 1, CGKILL_TRACE_DONE, CGKILL_TRACE_R_NONE);
	assert_int_equal(t->result, CGKILL_DONE);
	assert_int_equal(t->count, 5);
	assert_int_equal(rep.signaled, 5);
}

/* SIGTERM, one process ignoring it: rescans see it stay, the grace
 * period ends, SIGKILL goes out by the kernel's kill. */
static void test_escalate(void **state)
{
	const char *g = cgt_mkgroup("esc");
	struct cgkill_opts o;
	struct cgkill_report rep = { .size = sizeof(rep) };
	const struct cgkill_trace *t;
	int esc, i, rescans = 0;

	(void)state;
	cgt_spawn(g, CGT_PAUSE);
	cgt_spawn(g, CGT_IGNORE_ALL);
	opts_traced(&o);
	o.signal = SIGTERM;
	o.flags |= CGKILL_ESCALATE;
	o.grace_ms = cgt_ms(300);
	assert_int_equal(cgkill_path(g, &o, &rep), CGKILL_DONE);
	assert_true(rep.flags & CGKILL_REPORT_ESCALATED);
	check_all();
	t = at(0, CGKILL_TRACE_METHOD, CGKILL_TRACE_R_NOT_SIGKILL);
	assert_int_equal(t->method, CGKILL_METHOD_FREEZE);
	assert_int_equal(t->signal, SIGTERM);
	/* May every process be sent it?  Then the round. */
	t = at(1, CGKILL_TRACE_PASS, CGKILL_TRACE_R_PASS_PROBE);
	assert_int_equal(t->count, 2);
	assert_int_equal(t->count2, 0);
	at(2, CGKILL_TRACE_FREEZE, CGKILL_TRACE_R_FROZE);
	t = at(3, CGKILL_TRACE_PASS, CGKILL_TRACE_R_PASS_SIGNAL);
	assert_int_equal(t->signal, SIGTERM);
	assert_int_equal(t->count, 2);
	assert_int_equal(t->count2, 2);
	t = at(4, CGKILL_TRACE_PASS, CGKILL_TRACE_R_PASS_SIGNAL);
	assert_int_equal(t->count2, 0);
	at(5, CGKILL_TRACE_THAW, CGKILL_TRACE_R_THAWED);
	/* The grace period: rescans, the last of which still lists the one
	 * that ignores SIGTERM, and no end of the wait. */
	esc = find(6, CGKILL_TRACE_ESCALATE);
	for (i = 6; i < esc; i++) {
		assert_int_not_equal(rec.ev[i].t.kind, CGKILL_TRACE_WAIT_END);
		rescans += rec.ev[i].t.kind == CGKILL_TRACE_RESCAN;
	}
	assert_true(rescans >= 1);
	for (i = esc - 1; rec.ev[i].t.kind != CGKILL_TRACE_RESCAN; i--)
		;
	assert_int_equal(rec.ev[i].t.count, 1);
	assert_int_equal(rec.ev[i].t.signal, SIGTERM);
	t = at(esc, CGKILL_TRACE_ESCALATE, CGKILL_TRACE_R_NONE);
	assert_int_equal(t->signal, SIGKILL);
	assert_int_equal(t->count, 1);		/* listed by the last rescan */
	assert_int_equal(t->count2, (uint64_t)o.grace_ms);
	assert_true(t->ns >= (uint64_t)o.grace_ms * 1000000ULL);
	/* The second stage: SIGKILL by the kernel's kill where it has one. */
	t = at(esc + 1, CGKILL_TRACE_METHOD, has_kill_file() ? CGKILL_TRACE_R_NATIVE :
							    CGKILL_TRACE_R_NO_KILL_FILE);
	assert_int_equal(t->signal, SIGKILL);
	assert_int_equal(t->count, 1);		/* the second stage */
	at(find(esc + 1, CGKILL_TRACE_WAIT_END), CGKILL_TRACE_WAIT_END,
	   CGKILL_TRACE_R_EMPTY);
	assert_int_equal(count_kind(CGKILL_TRACE_ESCALATE), 1);
	assert_int_equal(count_kind(CGKILL_TRACE_WAIT_END), 1);
	assert_int_equal(rec.ev[rec.n - 1].t.result, CGKILL_DONE);
}

static void test_remove(void **state)
{
	const char *g = cgt_mkgroup("rm");
	const char *sub = cgt_mkgroup("rm/a/b");
	struct cgkill_opts o;
	struct cgkill_report rep = { .size = sizeof(rep) };
	const struct cgkill_trace *t;
	int end;

	(void)state;
	cgt_spawn(g, CGT_PAUSE);
	cgt_spawn(sub, CGT_PAUSE);
	opts_traced(&o);
	o.flags |= CGKILL_REMOVE;
	assert_int_equal(cgkill_path(g, &o, &rep), CGKILL_DONE);
	assert_true(rep.flags & CGKILL_REPORT_REMOVED);
	assert_int_equal(access(g, F_OK), -1);
	check_all();
	end = find(0, CGKILL_TRACE_WAIT_END);
	at(end, CGKILL_TRACE_WAIT_END, CGKILL_TRACE_R_EMPTY);
	t = at(end + 1, CGKILL_TRACE_REMOVE, CGKILL_TRACE_R_NONE);
	assert_int_equal(t->result, 0);
	assert_true(t->count >= 1);		/* rmdir tries */
	assert_int_equal(end + 3, rec.n);	/* then the end */
	assert_int_equal(count_kind(CGKILL_TRACE_REMOVE), 1);
}

/* A dry run: nothing but the two listing passes. */
static void test_dry_run(void **state)
{
	const char *g = cgt_mkgroup("dry");
	struct cgkill_opts o;
	struct cgkill_report rep = { .size = sizeof(rep) };
	const struct cgkill_trace *t;
	pid_t pids[2];

	(void)state;
	cgt_spawn_many(cgt_mkgroup("dry/x"), CGT_PAUSE, 2, pids);
	opts_traced(&o);
	o.flags |= CGKILL_DRY_RUN;
	assert_int_equal(cgkill_path(g, &o, &rep), CGKILL_DONE);
	check_all();
	assert_int_equal(rec.n, 4);
	t = at(0, CGKILL_TRACE_METHOD, CGKILL_TRACE_R_DRY_RUN);
	assert_int_equal(t->method, CGKILL_METHOD_NONE);
	assert_int_equal(t->signal, SIGKILL);	/* what would be sent */
	t = at(1, CGKILL_TRACE_PASS, CGKILL_TRACE_R_PASS_COUNT);
	assert_int_equal(t->count, 2);
	assert_int_equal(t->count3, 2);
	t = at(2, CGKILL_TRACE_PASS, CGKILL_TRACE_R_PASS_LIST);
	assert_int_equal(t->count, 2);
	assert_int_equal(t->count2, 0);
	t = at(3, CGKILL_TRACE_DONE, CGKILL_TRACE_R_NONE);
	assert_int_equal(t->result, CGKILL_DONE);
	assert_int_equal(t->count, 0);		/* nobody signalled */
	assert_true(cgt_alive(pids[0]) && cgt_alive(pids[1]));
}

static void test_timeout(void **state)
{
	const char *g = cgt_mkgroup("to");
	struct cgkill_opts o;
	struct cgkill_report rep = { .size = sizeof(rep) };
	const struct cgkill_trace *t;

	(void)state;
	cgt_spawn(g, CGT_IGNORE_ALL);
	opts_traced(&o);
	o.signal = SIGTERM;
	o.timeout_ms = cgt_ms(100);
	assert_int_equal(cgkill_path(g, &o, &rep), CGKILL_TIMEOUT);
	check_all();
	at(rec.n - 2, CGKILL_TRACE_WAIT_END, CGKILL_TRACE_R_TIMEOUT);
	t = at(rec.n - 1, CGKILL_TRACE_DONE, CGKILL_TRACE_R_NONE);
	assert_int_equal(t->result, CGKILL_TIMEOUT);
	assert_true(count_kind(CGKILL_TRACE_RESCAN) >= 1);
}

/* Victims on the native path, and memory release: pinned, then killed. */
static void test_victims_memory(void **state)
{
	const char *g = cgt_mkgroup("vm");
	struct cgkill_opts o;
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_op *op;
	const struct cgkill_trace *t;
	int fd, m, end;

	(void)state;
	cgt_spawn_many(g, CGT_PAUSE, 2, NULL);
	if (!has_kill_file())
		skip();
	opts_traced(&o);
	o.flags |= CGKILL_VICTIMS | CGKILL_RELEASE_MEMORY;
	fd = cgkill_open(g, 0);
	assert_true(fd >= 0);
	assert_int_equal(cgkill_op_start(fd, &o, &op), 0);
	assert_int_equal(cgkill_op_wait(op, &rep), CGKILL_DONE);
	cgkill_op_free(op);
	close(fd);
	check_all();
	t = at(0, CGKILL_TRACE_MEMORY, CGKILL_TRACE_R_PINNED);
	assert_int_equal(t->count, 2);
	m = find(1, CGKILL_TRACE_METHOD);
	at(m, CGKILL_TRACE_METHOD, CGKILL_TRACE_R_NATIVE);
	t = at(m + 1, CGKILL_TRACE_VICTIMS, CGKILL_TRACE_R_FROZE);
	assert_int_equal(t->count, 2);
	assert_int_equal(rep.n_victims, 2);
	end = find(m + 1, CGKILL_TRACE_WAIT_END);
	at(end, CGKILL_TRACE_WAIT_END, CGKILL_TRACE_R_EMPTY);
	t = &rec.ev[end + 1].t;
	assert_int_equal(t->kind, CGKILL_TRACE_MEMORY);
	if (rep.flags & CGKILL_REPORT_NO_MRELEASE) {
		assert_int_equal(t->reason, CGKILL_TRACE_R_NO_MRELEASE);
	} else {
		assert_int_equal(t->reason, CGKILL_TRACE_R_RELEASED);
		assert_int_equal(t->count2, rep.memory_released_bytes);
		assert_true(t->count <= 2);
	}
}

/* A caller built against 1.1 or 1.0 has no trace: whatever its memory
 * holds past the size it states, nothing is called. */
static void test_older_size(void **state)
{
	static const uint32_t sizes[] = { CGKILL_OPTS_SIZE_VER1, CGKILL_OPTS_SIZE_VER0 };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char rel[16];
		const char *g;
		struct cgkill_opts o;
		struct cgkill_report rep = { .size = sizeof(rep) };

		snprintf(rel, sizeof(rel), "old%zu", i);
		g = cgt_mkgroup(rel);
		cgt_spawn_many(g, CGT_PAUSE, 2, NULL);
		opts_traced(&o);
		o.size = sizes[i];
		assert_int_equal(cgkill_path(g, &o, &rep), CGKILL_DONE);
		assert_int_equal(rec.n, 0);
		/* The same struct at its own size: traced. */
		cgt_spawn(g, CGT_PAUSE);
		o.size = sizeof(o);
		o.flags |= CGKILL_FORCE_FREEZE;
		assert_int_equal(cgkill_path(g, &o, &rep), CGKILL_DONE);
		check_all();
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, cgt_setup, cgt_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_native),
		T(test_fallback),
		T(test_escalate),
		T(test_remove),
		T(test_dry_run),
		T(test_timeout),
		T(test_victims_memory),
		T(test_older_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
