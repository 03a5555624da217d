// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cgkill: kill every process in cgroup v2 subtrees from the command line.
 *
 * Every target, by path or by --pid, runs on the non-blocking engine:
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT stay blocked while the library works
 * and are let in only while we sleep in ppoll().  An interrupt then never
 * lands while the library has a subtree frozen, and the operation is
 * cancelled cleanly.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cgkill.h>

#include "duration.h"
#include "json.h"
#include "signame.h"

#ifndef CGKILL_VERSION
#error "CGKILL_VERSION must be defined by the build"
#endif

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_TIMEDOUT = 3,
};

enum {
	OPT_FALLBACK = 0x100,
	OPT_ALLOW_SELF,
	OPT_SURVIVORS,
	OPT_VICTIMS,
	OPT_RELEASE_MEMORY,
};

/* How long --victims gives the victims' parents to reap them, so that the
 * kernel can tell how each ended. */
#define REAP_WAIT_MS 500

struct proc_entry {
	pid_t pid;
	char *cgroup;
};

struct cli {
	struct cgkill_opts opts;
	bool json, quiet, dry_run;
	bool survivors, victims; /* --survivors, --victims */
	bool release;		 /* --release-memory */
	pid_t pid;		 /* --pid, 0 if not given */
	/* Dry run with --json: the processes, for the object's array. */
	struct proc_entry *procs;
	size_t n_procs, cap_procs;
};

/* What a kill left: the report, each stage, the survivors and victims,
 * read before the op is freed (their cgroup strings copied). */
struct result {
	struct cgkill_report rep;
	struct cgkill_stage stages[2];
	struct cgkill_survivor *surv;
	uint32_t n_surv;
	struct cgkill_victim *vic;
	uint32_t n_vic;
};

#define N_TERM_SIGNALS 4
static const int term_signals[N_TERM_SIGNALS] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct sigaction term_actions[N_TERM_SIGNALS]; /* as inherited */
static volatile sig_atomic_t interrupted;
static sigset_t wait_mask; /* the mask to sleep with: the one we inherited */

static void on_term_signal(int sig)
{
	interrupted = sig;
}

__attribute__((format(printf, 1, 2), noreturn)) static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("cgkill: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'cgkill --help' for more information.\n", stderr);
	exit(EXIT_USAGE);
}

static void help(void)
{
	fputs("Usage: cgkill [OPTION]... CGROUP...\n"
	      "       cgkill [OPTION]... --pid PID\n"
	      "Signal every process in each cgroup v2 subtree CGROUP and wait until it\n"
	      "is empty.  CGROUP is an absolute path of a cgroup2 directory, or a cgroup\n"
	      "path as /proc/PID/cgroup prints it.\n"
	      "\n"
	      "  -s, --signal SIG    the signal, by name or number (default KILL)\n"
	      "  -t, --timeout SECS  wait at most SECS for the subtree to empty;\n"
	      "                      0: do not wait, inf: wait forever (default 10)\n"
	      "  -g, --grace SECS    send SIG, wait up to SECS, then SIGKILL the rest\n"
	      "      --fallback      never use cgroup.kill: freeze, signal each process\n"
	      "  -n, --dry-run       list the processes that would be signalled\n"
	      "  -j, --json          print a JSON object per target\n"
	      "      --allow-self    accept a target that contains cgkill itself\n"
	      "      --survivors     list who is left and why, even on success\n"
	      "                      (always done on a timeout)\n"
	      "      --victims       list each process killed and how it ended\n"
	      "      --release-memory  reap the memory of the processes SIGKILL ends\n"
	      "                      at once (process_mrelease, Linux 5.15)\n"
	      "  -p, --pid PID       target the cgroup of process PID\n"
	      "  -q, --quiet         do not print the line per target\n"
	      "  -v, --verbose       print each step of the kill and why on stderr\n"
	      "  -h, --help          print this help and exit\n"
	      "  -V, --version       print the version and exit\n"
	      "\n"
	      "Exit status: 0 every target emptied of user processes (or signalled\n"
	      "with --timeout 0), 1 a failure, 2 a usage error, 3 timed out.\n",
	      stdout);
}

static void print_signal(FILE *f, int sig)
{
	char name[SIGNAME_MAX];

	if (signame_from_number(sig, name, sizeof(name)) < 0)
		fprintf(f, "signal %d", sig);
	else if (name[0] >= '0' && name[0] <= '9')
		fprintf(f, "signal %s", name);
	else
		fprintf(f, "SIG%s", name);
}

static void json_signal(FILE *f, int sig)
{
	char name[SIGNAME_MAX];

	if (signame_from_number(sig, name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "%d", sig);
	json_string(f, name);
}

static const char *method_name(uint32_t method)
{
	switch (method) {
	case CGKILL_METHOD_NATIVE:
		return "native";
	case CGKILL_METHOD_FREEZE:
		return "freeze";
	default:
		return "none";
	}
}

/* The native method kills without a count: say so rather than print 0. */
static void json_signaled(FILE *f, uint32_t method, uint64_t signaled)
{
	if (method == CGKILL_METHOD_NATIVE)
		fputs("null", f);
	else
		fprintf(f, "%" PRIu64, signaled);
}

/* A group name may hold any byte but '/': keep each one on its line. */
static void print_escaped(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			putc(*p, f);
	}
}

static int observer(const struct cgkill_proc *proc, void *userdata)
{
	struct cli *cli = userdata;
	const char *group = proc->cgroup && *proc->cgroup ? proc->cgroup : ".";

	if (!cli->json) {
		printf("%d\t", (int)proc->pid);
		print_escaped(stdout, group);
		putchar('\n');
		return 0;
	}
	if (cli->n_procs == cli->cap_procs) {
		size_t cap = cli->cap_procs ? cli->cap_procs * 2 : 64;
		struct proc_entry *v = realloc(cli->procs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		cli->procs = v;
		cli->cap_procs = cap;
	}
	cli->procs[cli->n_procs].pid = proc->pid;
	cli->procs[cli->n_procs].cgroup = strdup(group);
	if (!cli->procs[cli->n_procs].cgroup)
		return -ENOMEM;
	cli->n_procs++;
	return 0;
}

static void free_procs(struct cli *cli)
{
	for (size_t i = 0; i < cli->n_procs; i++)
		free(cli->procs[i].cgroup);
	cli->n_procs = 0;
}

/* -v: each step of the engine, as the library words it, on stderr. */
static void trace(const struct cgkill_trace *ev, void *data)
{
	(void)data;
	fprintf(stderr, "cgkill: %" PRIu64 ".%03" PRIu64 " ms: %s\n", ev->ns / 1000000,
		ev->ns / 1000 % 1000, ev->message);
}

/* ---- survivors and victims ------------------------------------------------ */

static void free_lists(struct result *res)
{
	for (uint32_t i = 0; i < res->n_surv; i++)
		free((char *)res->surv[i].cgroup);
	for (uint32_t i = 0; i < res->n_vic; i++)
		free((char *)res->vic[i].cgroup);
	free(res->surv);
	free(res->vic);
	res->surv = NULL;
	res->vic = NULL;
	res->n_surv = res->n_vic = 0;
}

static char *dup_group(const char *g)
{
	return strdup(g && *g ? g : ".");
}

static void read_survivors(struct cgkill_op *op, struct result *res)
{
	uint32_t n = res->rep.n_survivors;

	res->surv = n ? calloc(n, sizeof(*res->surv)) : NULL;
	for (uint32_t i = 0; res->surv && i < n; i++) {
		struct cgkill_survivor *s = &res->surv[res->n_surv];

		s->size = sizeof(*s);
		if (cgkill_op_get_survivor(op, i, s) < 0)
			break;
		s->cgroup = dup_group(s->cgroup);
		if (!s->cgroup)
			break;
		res->n_surv++;
	}
}

/* The kernel tells how a victim ended once its parent has reaped it: give
 * the parents a moment, asking again only about those not known yet. */
static void read_victims(struct cgkill_op *op, struct result *res)
{
	uint32_t n = res->rep.n_victims, left = 0;
	struct timespec ts = { 0, 10000000L };

	res->vic = n ? calloc(n, sizeof(*res->vic)) : NULL;
	if (!res->vic)
		return;
	for (int t = 0; t <= REAP_WAIT_MS / 10; t++) {
		left = 0;
		for (uint32_t i = 0; i < n; i++) {
			struct cgkill_victim *v = &res->vic[i];

			if (v->flags & CGKILL_VICTIM_EXITED)
				continue;
			v->size = sizeof(*v);
			if (cgkill_op_get_victim(op, i, v) < 0)
				return;
			left += !(v->flags & CGKILL_VICTIM_EXITED);
		}
		if (!left)
			break;
		nanosleep(&ts, NULL);
	}
	for (uint32_t i = 0; i < n; i++) {
		res->vic[i].cgroup = dup_group(res->vic[i].cgroup);
		if (!res->vic[i].cgroup)
			break;
		res->n_vic++;
	}
}

static const char *disposition_name(uint32_t d)
{
	switch (d) {
	case CGKILL_DISP_BLOCKED:
		return "blocked";
	case CGKILL_DISP_IGNORED:
		return "ignored";
	case CGKILL_DISP_CAUGHT:
		return "caught";
	default:
		return "default";
	}
}

static const struct {
	uint32_t bit;
	const char *name;
} why_names[] = {
	{ CGKILL_WHY_FROZEN, "frozen" },   { CGKILL_WHY_TRACED, "traced" },
	{ CGKILL_WHY_STOPPED, "stopped" }, { CGKILL_WHY_UNINTERRUPTIBLE, "uninterruptible" },
	{ CGKILL_WHY_DYING, "dying" },	   { CGKILL_WHY_ZOMBIE_LEADER, "zombie_leader" },
};

/* "uninterruptible, TERM caught": what explains it, in words. */
static void print_reason(FILE *f, const struct cgkill_survivor *s)
{
	const char *sep = "";
	char name[SIGNAME_MAX];

	for (size_t i = 0; i < sizeof(why_names) / sizeof(why_names[0]); i++) {
		if (!(s->why & why_names[i].bit))
			continue;
		if (why_names[i].bit == CGKILL_WHY_TRACED && s->tracer)
			fprintf(f, "%straced by %d", sep, (int)s->tracer);
		else if (why_names[i].bit == CGKILL_WHY_ZOMBIE_LEADER)
			fprintf(f, "%szombie leader, %u threads", sep, s->threads);
		else
			fprintf(f, "%s%s", sep, why_names[i].name);
		sep = ", ";
	}
	if (s->disposition != CGKILL_DISP_DEFAULT) {
		if (signame_from_number(s->signal, name, sizeof(name)) < 0)
			snprintf(name, sizeof(name), "%d", (int)s->signal);
		fprintf(f, "%s%s %s", sep, name, disposition_name(s->disposition));
		sep = ", ";
	}
	if (!*sep)
		fputs("-", f);
}

/* Under the target's line: a short table of who is left and why. */
static void print_survivors(FILE *f, const struct result *res)
{
	fprintf(f, "  %-8s %-5s %-24s %s\n", "PID", "STATE", "WCHAN", "REASON");
	for (uint32_t i = 0; i < res->n_surv; i++) {
		const struct cgkill_survivor *s = &res->surv[i];

		fprintf(f, "  %-8d %-5c %-24s ", (int)s->pid, (char)s->state,
			s->wchan[0] ? s->wchan : "-");
		print_reason(f, s);
		fputs(" (", f);
		print_escaped(f, s->comm);
		fputs(" in ", f);
		print_escaped(f, s->cgroup);
		fputs(")\n", f);
	}
	if (res->rep.survivors > res->n_surv)
		fprintf(f, "  and %" PRIu64 " more\n", res->rep.survivors - res->n_surv);
}

static void print_victims(FILE *f, const struct result *res)
{
	fprintf(f, "  %-8s %-10s %-18s %s\n", "PID", "SENT", "ENDED", "PROCESS");
	for (uint32_t i = 0; i < res->n_vic; i++) {
		const struct cgkill_victim *v = &res->vic[i];
		char sent[SIGNAME_MAX], sig[SIGNAME_MAX], how[64];

		if (signame_from_number(v->signal, sent, sizeof(sent)) < 0)
			snprintf(sent, sizeof(sent), "%d", (int)v->signal);
		if (!(v->flags & CGKILL_VICTIM_EXITED)) {
			snprintf(how, sizeof(how), "unknown");
		} else if (v->exit_signal) {
			if (signame_from_number(v->exit_signal, sig, sizeof(sig)) < 0)
				snprintf(sig, sizeof(sig), "%d", (int)v->exit_signal);
			snprintf(how, sizeof(how), "signal %s", sig);
		} else {
			snprintf(how, sizeof(how), "exit %d", (int)v->exit_code);
		}
		/* It had exited before the signal reached it. */
		if (v->flags & CGKILL_VICTIM_BEFORE)
			strcat(how, ", before");
		fprintf(f, "  %-8d %-10s %-18s ", (int)v->pid, sent, how);
		print_escaped(f, v->comm);
		fputs(" in ", f);
		print_escaped(f, v->cgroup);
		putc('\n', f);
	}
}

static void json_survivors(FILE *f, const struct result *res)
{
	fputs(",\"survivors\":[", f);
	for (uint32_t i = 0; i < res->n_surv; i++) {
		const struct cgkill_survivor *s = &res->surv[i];
		const char *sep = "";

		fprintf(f, "%s{\"pid\":%d,\"comm\":", i ? "," : "", (int)s->pid);
		json_string(f, s->comm);
		fputs(",\"cgroup\":", f);
		json_string(f, s->cgroup);
		fprintf(f, ",\"state\":\"%c\",\"wchan\":", (char)s->state);
		if (s->wchan[0])
			json_string(f, s->wchan);
		else
			fputs("null", f);
		fprintf(f, ",\"frozen\":%s,\"traced_by\":",
			s->why & CGKILL_WHY_FROZEN ? "true" : "false");
		if (s->tracer)
			fprintf(f, "%d", (int)s->tracer);
		else
			fputs("null", f);
		fprintf(f, ",\"signal\":\"%s\",\"dying\":%s,\"threads\":%u,\"reasons\":[",
			disposition_name(s->disposition),
			s->why & CGKILL_WHY_DYING ? "true" : "false", s->threads);
		for (size_t k = 0; k < sizeof(why_names) / sizeof(why_names[0]); k++)
			if (s->why & why_names[k].bit) {
				fprintf(f, "%s\"%s\"", sep, why_names[k].name);
				sep = ",";
			}
		fputs("]}", f);
	}
	fprintf(f, "],\"survivors_total\":%" PRIu64, res->rep.survivors);
}

static void json_victims(FILE *f, const struct result *res)
{
	fputs(",\"victims\":[", f);
	for (uint32_t i = 0; i < res->n_vic; i++) {
		const struct cgkill_victim *v = &res->vic[i];
		bool known = v->flags & CGKILL_VICTIM_EXITED;

		fprintf(f, "%s{\"pid\":%d,\"comm\":", i ? "," : "", (int)v->pid);
		json_string(f, v->comm);
		fputs(",\"cgroup\":", f);
		json_string(f, v->cgroup);
		fputs(",\"sent\":", f);
		json_signal(f, v->signal);
		if (known && v->exit_signal)
			fprintf(f, ",\"exit_signal\":%d,\"exit_code\":null", (int)v->exit_signal);
		else if (known)
			fprintf(f, ",\"exit_signal\":null,\"exit_code\":%d", (int)v->exit_code);
		else
			fputs(",\"exit_signal\":null,\"exit_code\":null", f);
		fprintf(f, ",\"native\":%s,\"exited_before\":%s}",
			v->flags & CGKILL_VICTIM_NATIVE ? "true" : "false",
			v->flags & CGKILL_VICTIM_BEFORE ? "true" : "false");
	}
	putc(']', f);
}

/* ---- --release-memory ----------------------------------------------------- */

static void print_duration(FILE *f, uint64_t ns);

static void print_size(FILE *f, uint64_t bytes)
{
	if (bytes >= (1ULL << 30))
		fprintf(f, "%.2f GiB", (double)bytes / (1ULL << 30));
	else
		fprintf(f, "%.1f MiB", (double)bytes / (1ULL << 20));
}

/* null when the kernel has no process_mrelease (or a filter refuses it):
 * the victims then freed their memory themselves, unmeasured. */
static void json_released(FILE *f, const struct cgkill_report *rep)
{
	if (rep->flags & CGKILL_REPORT_NO_MRELEASE) {
		fputs(",\"memory_released_bytes\":null,\"memory_released_ms\":null"
		      ",\"no_mrelease\":true",
		      f);
		return;
	}
	fprintf(f,
		",\"memory_released_bytes\":%" PRIu64 ",\"memory_released_ms\":%" PRIu64
		".%03" PRIu64 ",\"no_mrelease\":false",
		rep->memory_released_bytes, rep->memory_released_ns / 1000000,
		rep->memory_released_ns / 1000 % 1000);
}

static void print_released(FILE *f, const struct cgkill_report *rep)
{
	if (rep->flags & CGKILL_REPORT_NO_MRELEASE) {
		fputs("  memory: not released by cgkill (no process_mrelease here)\n", f);
		return;
	}
	if (!rep->memory_released_ns) {
		fputs("  memory: nothing to release\n", f);
		return;
	}
	fputs("  memory released: ", f);
	print_size(f, rep->memory_released_bytes);
	fputs(", ", f);
	print_duration(f, rep->memory_released_ns);
	fputs(" after the start\n", f);
}

static void json_bool(FILE *f, const char *key, uint32_t flags, uint32_t flag)
{
	fprintf(f, ",\"%s\":%s", key, flags & flag ? "true" : "false");
}

static void print_json(const struct cli *cli, const char *name, const struct result *res)
{
	const struct cgkill_report *rep = &res->rep;
	FILE *f = stdout;

	fputs("{\"cgroup\":", f);
	if (name)
		json_string(f, name);
	else
		fputs("null", f);
	fprintf(f, ",\"method\":\"%s\",\"signal\":", method_name(rep->last_method));
	json_signal(f, rep->first_signal);
	fputs(",\"signaled\":", f);
	json_signaled(f, rep->last_method, rep->signaled);
	fprintf(f, ",\"kernel_threads\":%" PRIu64 ",\"cgroups\":%" PRIu64 ",\"passes\":%" PRIu64,
		rep->kernel_threads, rep->cgroups, rep->passes);
	json_bool(f, "empty", rep->flags, CGKILL_REPORT_NO_USERS);
	json_bool(f, "populated", rep->flags, CGKILL_REPORT_POPULATED);
	json_bool(f, "timed_out", rep->flags, CGKILL_REPORT_TIMED_OUT);
	json_bool(f, "escalated", rep->flags, CGKILL_REPORT_ESCALATED);
	json_bool(f, "left_frozen", rep->flags, CGKILL_REPORT_THAW_FAILED);
	fprintf(f, ",\"elapsed_ms\":%" PRIu64 ".%03" PRIu64, rep->elapsed_ns / 1000000,
		rep->elapsed_ns / 1000 % 1000);
	if (rep->n_stages == 2) {
		fputs(",\"stages\":[", f);
		for (uint32_t i = 0; i < 2; i++) {
			const struct cgkill_stage *s = &res->stages[i];

			fputs(i ? ",{\"signal\":" : "{\"signal\":", f);
			json_signal(f, s->signal);
			fprintf(f, ",\"method\":\"%s\",\"signaled\":", method_name(s->method));
			json_signaled(f, s->method, s->signaled);
			putc('}', f);
		}
		putc(']', f);
	}
	if (cli->dry_run) {
		fputs(",\"processes\":[", f);
		for (size_t i = 0; i < cli->n_procs; i++) {
			fprintf(f, "%s{\"pid\":%d,\"cgroup\":", i ? "," : "",
				(int)cli->procs[i].pid);
			json_string(f, cli->procs[i].cgroup);
			putc('}', f);
		}
		putc(']', f);
	}
	if (cli->survivors || res->n_surv)
		json_survivors(f, res);
	if (cli->victims)
		json_victims(f, res);
	if (cli->release)
		json_released(f, rep);
	fputs("}\n", f);
}

static void print_duration(FILE *f, uint64_t ns)
{
	if (ns < 1000000000ULL)
		fprintf(f, "%.1f ms", (double)ns / 1e6);
	else
		fprintf(f, "%.2f s", (double)ns / 1e9);
}

static void print_stage(FILE *f, const struct cgkill_stage *s)
{
	print_signal(f, s->signal);
	fprintf(f, " by %s", method_name(s->method));
	/* Native: the kernel's kill is not counted, only the processes it
	 * missed and the library signalled after it (a leader that exited
	 * while its threads live on). */
	if (s->method != CGKILL_METHOD_NATIVE)
		fprintf(f, " (%" PRIu64 " signalled)", s->signaled);
	else if (s->signaled)
		fprintf(f, " (+%" PRIu64 " signalled)", s->signaled);
}

/* One line: "/sys/fs/cgroup/x: SIGTERM by freeze (2 signalled), then
 * SIGKILL by native: empty in 301.2 ms (1 kernel thread left)". */
static void print_human(const char *name, const struct result *res, int result, int64_t timeout_ms)
{
	const struct cgkill_report *rep = &res->rep;
	FILE *f = stdout;
	const char *sep = " (";

	fprintf(f, "%s: ", name);
	for (uint32_t i = 0; i < rep->n_stages && i < 2; i++) {
		if (i)
			fputs(", then ", f);
		print_stage(f, &res->stages[i]);
	}
	fputs(": ", f);
	if (result == CGKILL_DONE) {
		fputs("empty in ", f);
		print_duration(f, rep->elapsed_ns);
	} else if (result == CGKILL_LEFT_FROZEN) {
		fprintf(f, "LEFT FROZEN: the thaw failed: %s", strerror(-rep->thaw_error));
	} else if (timeout_ms == 0) {
		fputs("not waited for", f);
	} else {
		fputs("timed out after ", f);
		print_duration(f, rep->elapsed_ns);
		fputs(" with user processes left", f);
	}
	if (rep->flags & CGKILL_REPORT_POPULATED && rep->kernel_threads) {
		fprintf(f, "%s%" PRIu64 " kernel thread%s left", sep, rep->kernel_threads,
			rep->kernel_threads == 1 ? "" : "s");
		sep = ", ";
	}
	if (rep->frozen_pending) {
		fprintf(f, "%s%" PRIu64 " held by a frozen group", sep, rep->frozen_pending);
		sep = ", ";
	}
	fputs(sep[0] == ',' ? ")\n" : "\n", f);
	/* Not waited for (--timeout 0): who is left is no news. */
	if (res->n_surv && (result == CGKILL_TIMEOUT ? timeout_ms != 0 : true))
		print_survivors(f, res);
}

/*
 * The kernel's root group has no cgroup.events; the root of the cgroup2
 * mount the target was reached through (a cgroup namespace's root, say)
 * sits on a mount point, so its ".." is on another file system.  Both are
 * what the library refuses with EPERM.
 */
static bool is_hierarchy_root(int fd)
{
	struct stat st, pst;
	bool root = false;
	int pfd;

	if (faccessat(fd, "cgroup.events", F_OK, 0) < 0 && errno == ENOENT)
		return faccessat(fd, "cgroup.procs", F_OK, 0) == 0;
	pfd = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return false;
	if (fstat(fd, &st) == 0 && fstat(pfd, &pst) == 0)
		root = st.st_dev != pst.st_dev || st.st_ino == pst.st_ino;
	close(pfd);
	return root;
}

static bool has_dotdot(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return true;
	return false;
}

static void report_error(const char *name, int err, const char *why)
{
	if (!why) {
		switch (err) {
		case -EOPNOTSUPP:
			why = "threaded cgroup";
			break;
		case -EDEADLK:
			why = "contains cgkill itself (use --allow-self)";
			break;
		case -EMEDIUMTYPE:
			why = "not a cgroup2 directory";
			break;
		}
	}
	fprintf(stderr, "cgkill: %s: ", name);
	if (why)
		fprintf(stderr, "%s: ", why);
	fprintf(stderr, "%s\n", strerror(-err));
}

/*
 * A path that exists is a file system path, and must be a cgroup2
 * directory: "cgkill /tmp" fails (not a cgroup2 directory), it never
 * kills a group whose cgroup path happens to be /tmp.  Only a path that
 * does not exist is read as a cgroup path.  lstat(): a dangling symbolic
 * link exists too, and cgkill_open() refuses any link.
 */
static int open_target(const char *arg, bool *as_cgroup_path)
{
	struct stat st;

	*as_cgroup_path = false;
	if (lstat(arg, &st) == 0 || errno != ENOENT)
		return cgkill_open(arg, 0);
	*as_cgroup_path = true;
	return cgkill_open(arg, CGKILL_OPEN_CGROUP_PATH);
}

/* cgkill_fd(), with signals let in only between the library's calls; the
 * lists are read before the operation is freed. */
static int run_op(int fd, struct cli *cli, struct result *res)
{
	struct cgkill_op *op;
	int r = cgkill_op_start(fd, &cli->opts, &op);

	if (r < 0)
		return r;
	for (;;) {
		struct pollfd pfd = { .fd = cgkill_op_get_fd(op), .events = POLLIN };

		r = cgkill_op_process(op, &res->rep);
		if (r != CGKILL_RUNNING)
			break;
		if (ppoll(&pfd, 1, NULL, &wait_mask) < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		if (interrupted) {
			r = -EINTR;
			break;
		}
	}
	for (uint32_t i = 0; r >= 0 && i < res->rep.n_stages && i < 2; i++) {
		res->stages[i].size = sizeof(res->stages[i]);
		if (cgkill_op_get_stage(op, i, &res->stages[i]) < 0)
			res->rep.n_stages = i;
	}
	if (r >= 0)
		read_survivors(op, res);
	if (r >= 0 && cli->victims && !interrupted)
		read_victims(op, res);
	cgkill_op_free(op);
	return r;
}

static int kill_path(struct cli *cli, const char *arg, struct result *res)
{
	bool as_cgroup_path;
	const char *why = NULL;
	int r, fd = open_target(arg, &as_cgroup_path);

	if (fd < 0) {
		if (fd == -EINVAL && as_cgroup_path && has_dotdot(arg))
			why = "\"..\" in a cgroup path";
		report_error(arg, fd, why);
		return fd;
	}
	r = run_op(fd, cli, res);
	if (r == -EPERM && is_hierarchy_root(fd))
		why = "root of the cgroup2 hierarchy";
	close(fd);
	if (interrupted)
		fprintf(stderr, "cgkill: %s: interrupted\n", arg);
	else if (r < 0)
		report_error(arg, r, why);
	return r;
}

/* The group of @pid, as its /proc/PID/cgroup says, for the output only:
 * the kill itself goes by the fd cgkill_open_pid() resolved race-free. */
static char *group_of(pid_t pid)
{
	char path[64], *line = NULL, *found = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	while (!found && (n = getline(&line, &cap, f)) > 0) {
		if (strncmp(line, "0::", 3))
			continue;
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		found = strdup(line + 3);
	}
	free(line);
	fclose(f);
	return found;
}

/* A signal ignored when we started (nohup, a background job) stays so. */
static void catch_term_signals(void)
{
	struct sigaction sa = { .sa_handler = on_term_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_TERM_SIGNALS; i++)
		if (term_actions[i].sa_handler != SIG_IGN)
			sigaction(term_signals[i], &sa, NULL);
}

static void restore_term_signals(void)
{
	for (size_t i = 0; i < N_TERM_SIGNALS; i++)
		sigaction(term_signals[i], &term_actions[i], NULL);
}

/* The same engine and the same interrupt handling as a path: the group is
 * opened from a pidfd first, then killed as an open group. */
static int kill_pid(struct cli *cli, const char *label, char **group, struct result *res)
{
	const char *why = NULL;
	int r, fd = cgkill_open_pid(cli->pid, 0);

	*group = NULL;
	if (fd < 0) {
		report_error(label, fd, NULL);
		return fd;
	}
	*group = group_of(cli->pid);
	r = run_op(fd, cli, res);
	if (r == -EPERM && is_hierarchy_root(fd))
		why = "root of the cgroup2 hierarchy";
	close(fd);
	if (interrupted)
		fprintf(stderr, "cgkill: %s: interrupted\n", label);
	else if (r < 0)
		report_error(label, r, why);
	return r;
}

static int outcome(int r, int64_t timeout_ms)
{
	if (r < 0 || r == CGKILL_LEFT_FROZEN)
		return EXIT_FAILED;
	if (r == CGKILL_TIMEOUT && timeout_ms != 0)
		return EXIT_TIMEDOUT;
	return EXIT_OK;
}

/* 1 over 3 over 0. */
static int worse(int a, int b)
{
	static const int rank[] = { [EXIT_OK] = 0, [EXIT_TIMEDOUT] = 1, [EXIT_FAILED] = 2 };

	return rank[b] > rank[a] ? b : a;
}

/* @arg: a CGROUP argument, or NULL for --pid. */
static int one_target(struct cli *cli, const char *arg)
{
	struct result res = { .rep = { .size = sizeof(res.rep) } };
	char label[64], *group = NULL, *title = NULL;
	const char *name = arg;
	int r;

	if (arg) {
		r = kill_path(cli, arg, &res);
	} else {
		snprintf(label, sizeof(label), "pid %d", (int)cli->pid);
		r = kill_pid(cli, label, &group, &res);
		/* JSON names the group; the line says both. */
		name = group;
		if (!group || asprintf(&title, "%s (%s)", label, group) < 0)
			title = NULL;
	}
	if (r >= 0) {
		if (cli->json)
			print_json(cli, name, &res);
		else if (!cli->quiet && !cli->dry_run)
			print_human(arg	  ? arg :
				    title ? title :
					    label,
				    &res, r, cli->opts.timeout_ms);
	}
	if (r >= 0 && !cli->json && !cli->quiet && cli->victims)
		print_victims(stdout, &res);
	if (r >= 0 && !cli->json && !cli->quiet && cli->release)
		print_released(stdout, &res.rep);
	if (r >= 0 && !cli->json && !cli->quiet && cli->dry_run && res.n_surv)
		print_survivors(stdout, &res);
	free_lists(&res);
	free_procs(cli);
	free(title);
	free(group);
	return r;
}

static int64_t parse_seconds(const char *opt, const char *arg, bool allow_inf)
{
	int64_t ms;
	int r = duration_parse_ms(arg, allow_inf, &ms);

	if (r == -ERANGE)
		usage_error("invalid %s '%s': too long%s", opt, arg,
			    allow_inf ? " (use inf to wait forever)" : "");
	if (r < 0)
		usage_error("invalid %s '%s': not a number of seconds", opt, arg);
	return ms;
}

static pid_t parse_pid(const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = (arg[0] >= '0' && arg[0] <= '9') ? strtol(arg, &end, 10) : 0;
	if (v <= 0 || errno || *end || v > INT_MAX)
		usage_error("invalid pid '%s'", arg);
	return (pid_t)v;
}

int main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "signal", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "grace", required_argument, NULL, 'g' },
		{ "fallback", no_argument, NULL, OPT_FALLBACK },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "allow-self", no_argument, NULL, OPT_ALLOW_SELF },
		{ "survivors", no_argument, NULL, OPT_SURVIVORS },
		{ "victims", no_argument, NULL, OPT_VICTIMS },
		{ "release-memory", no_argument, NULL, OPT_RELEASE_MEMORY },
		{ "pid", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct cli cli = { 0 };
	bool grace = false;
	sigset_t block;
	int c, status = EXIT_OK;

	cgkill_opts_init(&cli.opts);
	opterr = 0; /* its messages start with argv[0], ours with "cgkill" */
	while ((c = getopt_long(argc, argv, ":s:t:g:njp:qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			cli.opts.signal = signame_to_number(optarg);
			if (cli.opts.signal < 0)
				usage_error("invalid signal '%s'", optarg);
			break;
		case 't':
			cli.opts.timeout_ms = parse_seconds("timeout", optarg, true);
			break;
		case 'g':
			cli.opts.grace_ms = parse_seconds("grace", optarg, false);
			grace = true;
			break;
		case OPT_FALLBACK:
			cli.opts.flags |= CGKILL_FORCE_FREEZE;
			break;
		case 'n':
			cli.dry_run = true;
			break;
		case 'j':
			cli.json = true;
			break;
		case OPT_ALLOW_SELF:
			cli.opts.flags |= CGKILL_ALLOW_SELF;
			break;
		case OPT_SURVIVORS:
			cli.survivors = true;
			cli.opts.flags |= CGKILL_SURVIVORS;
			break;
		case OPT_VICTIMS:
			cli.victims = true;
			cli.opts.flags |= CGKILL_VICTIMS;
			break;
		case OPT_RELEASE_MEMORY:
			cli.release = true;
			cli.opts.flags |= CGKILL_RELEASE_MEMORY;
			break;
		case 'p':
			if (cli.pid)
				usage_error("--pid given more than once");
			cli.pid = parse_pid(optarg);
			break;
		case 'q':
			cli.quiet = true;
			break;
		case 'v':
			cli.opts.trace = trace;
			break;
		case 'h':
			help();
			return fflush(stdout) || ferror(stdout) ? EXIT_FAILED : EXIT_OK;
		case 'V':
			printf("cgkill (libcgkill) %s\n", CGKILL_VERSION);
			return fflush(stdout) || ferror(stdout) ? EXIT_FAILED : EXIT_OK;
		case ':':
			if (strncmp(argv[optind - 1], "--", 2))
				usage_error("option '-%c' needs an argument", optopt);
			usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			/* A long option always advances optind; a short one
			 * in a cluster may not.  optopt is 0 for an unknown
			 * long option and a known value for a long option
			 * given an argument it does not take. */
			if (!optopt)
				usage_error("unknown option '%s'", argv[optind - 1]);
			if (optopt >= 0x100 || strchr("njqvhV", optopt))
				usage_error("option '%s' takes no argument", argv[optind - 1]);
			usage_error("unknown option '-%c'", optopt);
		}
	}
	if (cli.pid && optind < argc)
		usage_error("--pid cannot be combined with a CGROUP");
	if (!cli.pid && optind >= argc)
		usage_error("no CGROUP given");
	if (grace && cli.opts.signal == SIGKILL)
		usage_error("--grace needs a signal other than KILL");
	if (grace && cli.dry_run)
		usage_error("--grace cannot be combined with --dry-run");
	if (cli.victims && cli.dry_run)
		usage_error("--victims cannot be combined with --dry-run");
	if (cli.release && cli.dry_run)
		usage_error("--release-memory cannot be combined with --dry-run");
	if (cli.release && cli.opts.signal != SIGKILL && !grace)
		usage_error("--release-memory needs the signal KILL, or --grace");
	/* Checked before any target is touched: a typo must not leave half
	 * of the targets killed. */
	for (int i = optind; i < argc; i++)
		if (argv[i][0] != '/')
			usage_error("%s: not an absolute path", argv[i]);
	if (grace)
		cli.opts.flags |= CGKILL_ESCALATE;
	if (cli.dry_run) {
		cli.opts.flags |= CGKILL_DRY_RUN;
		cli.opts.observer = observer;
		cli.opts.userdata = &cli;
	}

	sigemptyset(&block);
	for (size_t i = 0; i < N_TERM_SIGNALS; i++) {
		sigaddset(&block, term_signals[i]);
		sigaction(term_signals[i], NULL, &term_actions[i]);
	}
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	catch_term_signals();

	if (cli.pid)
		status = outcome(one_target(&cli, NULL), cli.opts.timeout_ms);
	for (int i = optind; i < argc && !interrupted; i++) {
		int r = one_target(&cli, argv[i]);

		status = worse(status, outcome(r, cli.opts.timeout_ms));
		fflush(stdout);
	}
	free(cli.procs);
	if (interrupted) {
		/* Die of the signal, as the shell expects of an interrupt. */
		sigset_t unblock;

		fflush(stdout);
		restore_term_signals();
		signal(interrupted, SIG_DFL);
		sigemptyset(&unblock);
		sigaddset(&unblock, interrupted);
		sigprocmask(SIG_UNBLOCK, &unblock, NULL);
		raise(interrupted);
		return 128 + interrupted;
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "cgkill: write error: %s\n", strerror(errno));
		return EXIT_FAILED;
	}
	return status;
}
