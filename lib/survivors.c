// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Survivors: why the subtree is not empty.  Read once, as an operation
 * ends with CGKILL_TIMEOUT or when the caller asked (CGKILL_SURVIVORS);
 * never on the way to a success nobody asked about, so it costs nothing
 * there.
 *
 * Each process listed is pinned by a pidfd while its /proc files are read,
 * and checked alive after them: what is described is the process that was
 * listed, never one that took its number since.  Nothing is signalled.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgkill-private.h"

/* Groups above the target whose cgroup.freeze is looked at: deeper than
 * any tree a service manager makes. */
#define MAX_ABOVE 64
/* include/linux/sched.h: set as a fatal signal is taken, before the exit
 * (and a tracer's exit stop) begins; PF_EXITING comes after that stop. */
#define PF_SIGNALED_FLAG 0x00000400UL

struct survivors {
	struct cgkill_survivor *v;
	uint32_t n, cap, max;
	uint64_t total, kthreads, hidden;
	struct strpool names;
};

struct walk {
	struct survivors *s;
	const struct surv_in *in;
	struct idset seen; /* a process moved during the walk is listed
				   twice: described once */
	pid_t self;
	char *buf;
	size_t cap;
	struct pidvec pv;
};

enum kind {
	K_GONE,
	K_KTHREAD,
	K_USER
};

/* ---- parsers ------------------------------------------------------------- */

/* The value of "key:" at a line start, after its blanks; the kernel escapes
 * Name, so no line can be forged by a comm. */
static const char *field(const char *buf, const char *end, const char *key, const char **le)
{
	size_t klen = strlen(key);

	for (const char *p = buf; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		*le = nl ? nl : end;
		if ((size_t)(*le - p) > klen && !memcmp(p, key, klen) && p[klen] == ':') {
			p += klen + 1;
			while (p < *le && (*p == '\t' || *p == ' '))
				p++;
			return p;
		}
		p = *le + 1;
	}
	return NULL;
}

static int field_dec(const char *buf, const char *end, const char *key, unsigned long long max,
		     unsigned long long *v)
{
	const char *le, *p = field(buf, end, key, &le);

	if (!p || p == le)
		return -EINVAL;
	*v = 0;
	for (; p < le; p++) {
		if (*p < '0' || *p > '9' || *v > (max - (unsigned)(*p - '0')) / 10)
			return -EINVAL;
		*v = *v * 10 + (unsigned)(*p - '0');
	}
	return 0;
}

/* A signal mask in hex, most significant digit first, as wide as the
 * architecture's signals: its low 64 bits (signals 1 to 64). */
static int field_mask(const char *buf, const char *end, const char *key, uint64_t *v)
{
	const char *le, *p = field(buf, end, key, &le);

	if (!p || p == le)
		return -EINVAL;
	*v = 0;
	for (; p < le; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a') + 10;
		else
			return -EINVAL;
		*v = *v << 4 | d;
	}
	return 0;
}

int survivors_parse_status(const char *buf, size_t len, struct surv_status *st)
{
	const char *end = buf + len;
	unsigned long long tracer, threads;
	uint64_t pnd, shd;

	if (field_dec(buf, end, "TracerPid", 0x7fffffff, &tracer) < 0 ||
	    field_dec(buf, end, "Threads", (unsigned long)-1, &threads) < 0 ||
	    field_mask(buf, end, "SigPnd", &pnd) < 0 || field_mask(buf, end, "ShdPnd", &shd) < 0 ||
	    field_mask(buf, end, "SigBlk", &st->blocked) < 0 ||
	    field_mask(buf, end, "SigIgn", &st->ignored) < 0 ||
	    field_mask(buf, end, "SigCgt", &st->caught) < 0)
		return -EINVAL;
	st->tracer = (pid_t)tracer;
	st->threads = (unsigned long)threads;
	st->pending = pnd | shd;
	return 0;
}

int survivors_parse_stat(const char *buf, size_t len, char comm[16], char *state)
{
	const char *end = buf + len, *open = memchr(buf, '(', len), *close = NULL;
	size_t n;

	/* comm may hold anything but NUL: the last ')' ends it. */
	for (const char *p = open; p && p < end; p++)
		if (*p == ')')
			close = p;
	if (!open || !close || end - close < 3 || close[1] != ' ')
		return -EINVAL;
	n = (size_t)(close - open - 1);
	if (n > 15)
		n = 15;
	memcpy(comm, open + 1, n);
	comm[n] = '\0';
	*state = close[2];
	return 0;
}

/* ---- one process ------------------------------------------------------- */

static ssize_t proc_read(pid_t pid, const char *what, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	return cgfile_read(AT_FDCWD, path, buf, size);
}

/* Is the process pinned by pidfd still there (a zombie leader whose
 * threads live on is)?  A /proc/PID directory fd (before Linux 5.3, or
 * where pidfd_open is refused) polls as any directory: a signal 0 answers
 * there, EPERM meaning alive. */
static int alive(int pidfd, pid_t pid)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	struct stat st;
	int r;

	if (fstat(pidfd, &st) == 0 && !S_ISDIR(st.st_mode)) {
		do
			r = poll(&p, 1, 0);
		while (r < 0 && cgk_again(errno));
		if (r >= 0 && !(p.revents & POLLNVAL))
			return !(p.revents & (POLLIN | POLLHUP | POLLERR));
	}
	r = signal_pidfd_send(pidfd, pid, 0);
	return r == 0 || r == -EPERM;
}

/* Still in group g?  1, 0 (moved: described where it is listed now, if
 * the walk gets there), or -errno; *checked 0 when the kernel cannot say
 * (no PIDFD_GET_INFO): the /proc route decides later. */
static int in_group(const struct walk *w, int pidfd, const struct cg_group *g, int *kthread_hint,
		    int *checked)
{
	uint64_t id;
	pid_t ppid;
	int r;

	*kthread_hint = 1;
	*checked = 0;
	if (!w->in->use_info)
		return 1;
	r = signal_pidfd_info(pidfd, &id, &ppid);
	if (r <= 0)
		return r == -ESRCH ? 0 : r < 0 ? r : 1;
	*checked = 1;
	/* Kernel threads are kthreadd's children, or it. */
	*kthread_hint = ppid == 0 || ppid == 2;
	return id == g->id;
}

static uint32_t disposition(const struct surv_status *st, int sig)
{
	uint64_t bit;

	if (sig == SIGKILL || sig == SIGSTOP || sig < 1 || sig > 64)
		return CGKILL_DISP_DEFAULT; /* nobody can block, ignore or catch */
	bit = 1ULL << (sig - 1);
	/* A blocked signal waits, whatever its handler. */
	if (st->blocked & bit)
		return CGKILL_DISP_BLOCKED;
	if (st->ignored & bit)
		return CGKILL_DISP_IGNORED;
	if (st->caught & bit)
		return CGKILL_DISP_CAUGHT;
	return CGKILL_DISP_DEFAULT;
}

/* Fill sv from /proc, pinned by pidfd; checked: its group is known. */
static int describe(const struct walk *w, int pidfd, int frozen, int checked,
		    struct cgkill_survivor *sv, enum kind *kind)
{
	char buf[4096], path[4096], state;
	struct surv_status st;
	unsigned long flags;
	ssize_t n;
	int r;

	*kind = K_GONE;
	n = proc_read(sv->pid, "stat", buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT || n == -ESRCH ? 0 : (int)n;
	if (parse_stat_flags(buf, (size_t)n, &flags) < 0 ||
	    survivors_parse_stat(buf, (size_t)n, sv->comm, &state) < 0)
		return -EIO;
	if (flags & PF_KTHREAD_FLAG) {
		*kind = K_KTHREAD;
		return 0;
	}
	n = proc_read(sv->pid, "status", buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT || n == -ESRCH ? 0 : (int)n;
	if (survivors_parse_status(buf, (size_t)n, &st) < 0)
		return -EIO;
	/* Unreadable (kptr_restrict, a LSM) or "0" (running): unknown. */
	n = proc_read(sv->pid, "wchan", buf, sizeof(buf));
	if (n > 0 && strcmp(buf, "0")) {
		size_t len = strcspn(buf, "\n");

		if (len >= sizeof(sv->wchan))
			len = sizeof(sv->wchan) - 1; /* cut, as a comm is */
		memcpy(sv->wchan, buf, len);
	}
	if (!checked) {
		/* EPERM: read, but a signal 0 may not ask if it is alive. */
		r = signal_pidfd_cgroup(pidfd, sv->pid, path, sizeof(path));
		if (r == -ESRCH)
			return 0;
		if (r < 0 && r != -EPERM)
			return r;
		if (!parse_cgpath_within(path, w->in->cgpath))
			return 0;
	}
	/* Read before this: the files were its own if it is alive now. */
	if (!alive(pidfd, sv->pid))
		return 0;
	*kind = K_USER;
	sv->state = (uint32_t)(unsigned char)state;
	sv->threads = (uint32_t)st.threads;
	sv->tracer = st.tracer;
	sv->signal = w->in->sig;
	sv->disposition = disposition(&st, w->in->sig);
	if (frozen)
		sv->why |= CGKILL_WHY_FROZEN;
	if (st.tracer || state == 't')
		sv->why |= CGKILL_WHY_TRACED;
	if (state == 'T')
		sv->why |= CGKILL_WHY_STOPPED;
	if (state == 'D')
		sv->why |= CGKILL_WHY_UNINTERRUPTIBLE;
	/* A leader that exited is PF_EXITING while its threads live on: not
	 * on its way out for that (parse_stat_dying() says the same).  The
	 * kernel's kill queues SIGKILL per thread, and taking it empties the
	 * queue: PF_SIGNALED says so from then on. */
	if ((st.pending & (1ULL << (SIGKILL - 1))) || (flags & PF_SIGNALED_FLAG) ||
	    ((flags & PF_EXITING_FLAG) && state != 'Z'))
		sv->why |= CGKILL_WHY_DYING;
	if (state == 'Z' && st.threads > 1)
		sv->why |= CGKILL_WHY_ZOMBIE_LEADER;
	return 0;
}

/* Past the limit a process is only counted: a user process or not. */
static int classify(int pidfd, pid_t pid, int hint, enum kind *kind)
{
	char buf[1024];
	unsigned long flags = 0;
	ssize_t n;

	*kind = K_GONE;
	if (hint) {
		n = proc_read(pid, "stat", buf, sizeof(buf));
		if (n < 0)
			return n == -ENOENT || n == -ESRCH ? 0 : (int)n;
		if (parse_stat_flags(buf, (size_t)n, &flags) < 0)
			return -EIO;
	}
	if (alive(pidfd, pid))
		*kind = flags & PF_KTHREAD_FLAG ? K_KTHREAD : K_USER;
	return 0;
}

static int store(struct survivors *s, const struct cgkill_survivor *sv)
{
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 16;
		struct cgkill_survivor *v;

		if (cap > s->max)
			cap = s->max;
		v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *sv;
	return 0;
}

static int one(struct walk *w, struct cg_group *g, pid_t pid, int frozen)
{
	struct survivors *s = w->s;
	struct cgkill_survivor sv = { .size = sizeof(sv), .pid = pid };
	enum kind kind;
	uint32_t *unused;
	int r, hint, checked, pidfd;

	if (pid == 0) { /* outside our pid namespace */
		s->hidden++;
		return 0;
	}
	/* The caller itself, inside with CGKILL_ALLOW_SELF: left on purpose. */
	if (pid == w->self || idset_has(&w->seen, (uint64_t)pid))
		return 0;
	r = idset_get(&w->seen, (uint64_t)pid, &unused);
	if (r < 0)
		return r;
	/* Gone, no longer a thread-group leader, or beyond reach (an fd
	 * limit): left out, as one that cannot be read. */
	pidfd = signal_pidfd_open(pid);
	if (pidfd < 0)
		return pidfd == -ENOMEM ? pidfd : 0;
	r = in_group(w, pidfd, g, &hint, &checked);
	if (r > 0 && s->n < s->max)
		r = describe(w, pidfd, frozen, checked, &sv, &kind);
	else if (r > 0)
		r = classify(pidfd, pid, hint, &kind);
	else
		kind = K_GONE;
	close(pidfd);
	/* One that cannot be read is left out; the others still can be. */
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	if (kind == K_KTHREAD)
		s->kthreads++;
	if (kind != K_USER)
		return 0;
	s->total++;
	if (s->n >= s->max)
		return 0;
	sv.cgroup = strpool_add(&s->names, g->rel);
	if (!sv.cgroup)
		return -ENOMEM;
	return store(s, &sv);
}

static int group(struct cg_group *g, void *data)
{
	struct walk *w = data;
	int frozen = g->own_frozen, populated, efrozen = 0, r;
	char b[256];
	ssize_t n;

	/* "frozen 1": frozen by an ancestor's cgroup.freeze, even one above
	 * the target, once every task in it stopped. */
	n = cgfile_read(g->fd, "cgroup.events", b, sizeof(b));
	if (n > 0 && parse_events(b, (size_t)n, &populated, &efrozen) == 0 && efrozen == 1)
		frozen = 1;
	r = walk_procs(g->fd, &w->buf, &w->cap, &w->pv);
	if (r != 0)
		return r < 0 ? r : 0;
	for (size_t i = 0; i < w->pv.n; i++) {
		r = one(w, g, w->pv.v[i], frozen);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A group between the target and the root of the mount with cgroup.freeze
 * 1 freezes the whole target, though no file below says so until every
 * task has stopped. */
static int frozen_above(int tfd)
{
	struct stat st, up;
	int frozen = 0, fd = openat(tfd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0 && fstat(tfd, &st) < 0) {
		close(fd);
		return 0;
	}
	for (int i = 0; fd >= 0 && i < MAX_ABOVE && !frozen; i++) {
		char b[8];
		ssize_t n;
		int next;

		/* Off the cgroup2 mount, or its root (which has no
		 * cgroup.freeze): nothing above can freeze the target. */
		if (fstat(fd, &up) < 0 || up.st_dev != st.st_dev)
			break;
		n = cgfile_read(fd, "cgroup.freeze", b, sizeof(b));
		if (n < 0 || parse_bool(b, (size_t)n, &frozen) < 0)
			break;
		next = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	if (fd >= 0)
		close(fd);
	return frozen;
}

int survivors_collect(struct survivors **sp, const struct surv_in *in)
{
	struct walk w = { .in = in, .self = getpid() };
	int r, frozen = 0;
	char b[8];
	ssize_t n;

	if (!*sp) {
		*sp = calloc(1, sizeof(**sp));
		if (!*sp)
			return -ENOMEM;
	}
	w.s = *sp;
	/* Once per operation; again only if its end was (a failing timer). */
	w.s->n = 0;
	w.s->total = w.s->kthreads = w.s->hidden = 0;
	w.s->max = in->max ? in->max : CGKILL_MAX_SURVIVORS_DEFAULT;
	n = cgfile_read(in->tfd, "cgroup.freeze", b, sizeof(b));
	if (n > 0)
		parse_bool(b, (size_t)n, &frozen);
	if (!frozen)
		frozen = frozen_above(in->tfd);
	r = walk_subtree(in->tfd, 1, frozen, group, &w);
	idset_free(&w.seen);
	parse_pidvec_free(&w.pv);
	free(w.buf);
	return r < 0 ? r : 0;
}

void survivors_free(struct survivors *s)
{
	if (!s)
		return;
	free(s->v);
	strpool_free(&s->names);
	free(s);
}

void survivors_counts(const struct survivors *s, uint32_t *listed, uint64_t *total,
		      uint64_t *kthreads, uint64_t *hidden)
{
	*listed = s ? s->n : 0;
	*total = s ? s->total : 0;
	*kthreads = s ? s->kthreads : 0;
	*hidden = s ? s->hidden : 0;
}

CGKILL_EXPORT int cgkill_op_get_survivor(const struct cgkill_op *op, uint32_t idx,
					 struct cgkill_survivor *survivor)
{
	struct survivors *s;
	struct victims *unused;
	int r;

	if (!op || !survivor)
		return -EINVAL;
	r = opts_size_check(survivor->size, CGKILL_SURVIVOR_SIZE_VER0);
	if (r < 0)
		return r;
	op_lists(op, &s, &unused);
	if (!s || idx >= s->n)
		return -ENOENT;
	opts_struct_store(survivor, survivor->size, &s->v[idx], sizeof(s->v[idx]));
	return 0;
}
