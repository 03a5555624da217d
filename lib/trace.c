// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The trace (CGKILL_TRACE_*): each decision of the engine handed to the
 * caller's callback, with a line for people, so that a user can see why
 * without a debugger.  Everything lives in the operation: the message is
 * formatted into a buffer of its own, valid during the callback only.
 * Callers test TRACING() first: without a trace nothing is formatted.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>

#include "op-private.h"

/* The reasons as short words: stable, for programs that print them. */
static const char *const reason_words[] = {
	[CGKILL_TRACE_R_NATIVE] = "native",
	[CGKILL_TRACE_R_NOT_SIGKILL] = "not-sigkill",
	[CGKILL_TRACE_R_FORCE_FREEZE] = "force-freeze",
	[CGKILL_TRACE_R_NO_KILL_FILE] = "no-cgroup-kill",
	[CGKILL_TRACE_R_SELF_INSIDE] = "self-inside",
	[CGKILL_TRACE_R_DRY_RUN] = "dry-run",
	[CGKILL_TRACE_R_FROZE] = "froze",
	[CGKILL_TRACE_R_HELD] = "held",
	[CGKILL_TRACE_R_OTHER_ROUND] = "other-round",
	[CGKILL_TRACE_R_UNFROZEN] = "unfrozen",
	[CGKILL_TRACE_R_NO_FREEZER] = "no-freezer",
	[CGKILL_TRACE_R_THAWED] = "thawed",
	[CGKILL_TRACE_R_FOREIGN_KEPT] = "foreign-kept",
	[CGKILL_TRACE_R_NOT_OURS] = "not-ours",
	[CGKILL_TRACE_R_THAW_FAILED] = "thaw-failed",
	[CGKILL_TRACE_R_PASS_SIGNAL] = "signal",
	[CGKILL_TRACE_R_PASS_AGAIN] = "again",
	[CGKILL_TRACE_R_PASS_COUNT] = "count",
	[CGKILL_TRACE_R_PASS_VERIFY] = "verify",
	[CGKILL_TRACE_R_PASS_PROBE] = "probe",
	[CGKILL_TRACE_R_PASS_LIST] = "list",
	[CGKILL_TRACE_R_PASS_PENDING] = "pending",
	[CGKILL_TRACE_R_FIRST] = "first",
	[CGKILL_TRACE_R_PROGRESS] = "progress",
	[CGKILL_TRACE_R_VERIFIED] = "verified",
	[CGKILL_TRACE_R_SENT_AGAIN] = "sent-again",
	[CGKILL_TRACE_R_EMPTY] = "empty",
	[CGKILL_TRACE_R_NO_USERS] = "no-users",
	[CGKILL_TRACE_R_TIMEOUT] = "timeout",
	[CGKILL_TRACE_R_PINNED] = "pinned",
	[CGKILL_TRACE_R_RELEASED] = "released",
	[CGKILL_TRACE_R_NO_MRELEASE] = "no-mrelease",
};

/* By the macros: the numbers differ between architectures. */
static const struct {
	int sig;
	const char *name;
} sig_names[] = {
	{ SIGHUP, "SIGHUP" },	    { SIGINT, "SIGINT" },   { SIGQUIT, "SIGQUIT" },
	{ SIGILL, "SIGILL" },	    { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
	{ SIGBUS, "SIGBUS" },	    { SIGFPE, "SIGFPE" },   { SIGKILL, "SIGKILL" },
	{ SIGUSR1, "SIGUSR1" },	    { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
	{ SIGPIPE, "SIGPIPE" },	    { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
	{ SIGCHLD, "SIGCHLD" },	    { SIGCONT, "SIGCONT" }, { SIGSTOP, "SIGSTOP" },
	{ SIGTSTP, "SIGTSTP" },	    { SIGTTIN, "SIGTTIN" }, { SIGTTOU, "SIGTTOU" },
	{ SIGURG, "SIGURG" },	    { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
	{ SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" }, { SIGWINCH, "SIGWINCH" },
	{ SIGIO, "SIGIO" },	    { SIGSYS, "SIGSYS" },
};

const char *trace_signame(struct cgkill_op *op, int sig)
{
	for (size_t i = 0; i < sizeof(sig_names) / sizeof(sig_names[0]); i++)
		if (sig_names[i].sig == sig)
			return sig_names[i].name;
	snprintf(op->trace_sig, sizeof(op->trace_sig), "signal %d", sig);
	return op->trace_sig;
}

void trace_event(struct cgkill_op *op, struct cgkill_trace *ev, const char *fmt, ...)
{
	va_list ap;

	ev->size = sizeof(*ev);
	if (!ev->ns)
		ev->ns = time_now_ns() - op->t0;
	if (!ev->signal)
		ev->signal = op->rep.n_stages ? op->stages[op->stage].signal : op->o.signal;
	if (!ev->method && op->rep.n_stages)
		ev->method = op->stages[op->stage].method;
	ev->detail = "";
	if (ev->reason < sizeof(reason_words) / sizeof(reason_words[0]) && reason_words[ev->reason])
		ev->detail = reason_words[ev->reason];
	va_start(ap, fmt);
	vsnprintf(op->trace_msg, sizeof(op->trace_msg), fmt, ap);
	va_end(ap);
	ev->message = op->trace_msg;
	op->o.trace(ev, op->o.trace_data);
}
