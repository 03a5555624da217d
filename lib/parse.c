// SPDX-License-Identifier: LGPL-2.1-or-later
/* Parsers of kernel text. Pure functions: tested and fuzzed without root. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cgkill-private.h"

void parse_pidvec_free(struct pidvec *pv)
{
	free(pv->v);
	pv->v = NULL;
	pv->n = pv->cap = 0;
}

static int pidvec_push(struct pidvec *pv, pid_t pid)
{
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 256;
		pid_t *v = realloc(pv->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		pv->v = v;
		pv->cap = cap;
	}
	pv->v[pv->n++] = pid;
	return 0;
}

/* Decimal without sign, at most max; advances *p. */
static int parse_uint(const char **p, const char *end, unsigned long long max,
		      unsigned long long *out)
{
	unsigned long long v = 0;
	const char *s = *p;

	if (s == end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		/* Checked before it can wrap, even for max = ULLONG_MAX. */
		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return 0;
}

int parse_procs(const char *buf, size_t len, struct pidvec *out)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		unsigned long long v;
		int r = parse_uint(&p, end, INT_MAX, &v);

		if (r < 0)
			return -EINVAL;
		if (p == end || *p != '\n')
			return -EINVAL;
		p++;
		/* 0 is a task outside the reader's pid namespace: keep it so
		 * the caller knows the group holds someone it cannot see. */
		r = pidvec_push(out, (pid_t)v);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Find "key N\n" at a line start; value must be 0 or 1. */
static int events_field(const char *buf, size_t len, const char *key)
{
	size_t klen = strlen(key);
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if ((size_t)(le - p) == klen + 2 && !memcmp(p, key, klen) && p[klen] == ' ' &&
		    (p[klen + 1] == '0' || p[klen + 1] == '1'))
			return p[klen + 1] - '0';
		if (!nl)
			break;
		p = nl + 1;
	}
	return -1;
}

int parse_events(const char *buf, size_t len, int *populated, int *frozen)
{
	int pop = events_field(buf, len, "populated");

	if (pop < 0)
		return -EINVAL;
	if (populated)
		*populated = pop;
	if (frozen)
		*frozen = events_field(buf, len, "frozen");
	return 0;
}

/* "key N" at a line start of a flat keyed file (cgroup.stat). */
int parse_keyed(const char *buf, size_t len, const char *key, unsigned long long *val)
{
	size_t klen = strlen(key);
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if ((size_t)(le - p) > klen + 1 && !memcmp(p, key, klen) && p[klen] == ' ') {
			const char *v = p + klen + 1;
			unsigned long long x;

			if (parse_uint(&v, le, ULLONG_MAX, &x) < 0 || v != le)
				return -EINVAL;
			*val = x;
			return 0;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return -ENOENT;
}

/* Start of field n (3: state, 9: flags, 31: signal) of /proc/PID/stat. */
static const char *stat_field(const char *buf, const char *end, int n)
{
	const char *p = NULL;

	/* comm may hold spaces, parentheses and newlines: the last ')'
	 * ends it, since nothing after it can contain one. */
	for (const char *s = buf; s < end; s++)
		if (*s == ')')
			p = s;
	if (!p)
		return NULL;
	p++;
	for (int field = 3; field <= n; field++) {
		if (p == end || *p != ' ')
			return NULL;
		p++;
		if (field == n)
			break;
		while (p < end && *p != ' ')
			p++;
	}
	return p;
}

int parse_stat_flags(const char *buf, size_t len, unsigned long *flags)
{
	const char *end = buf + len, *p = stat_field(buf, end, 9);
	unsigned long long v;

	if (!p || parse_uint(&p, end, ULONG_MAX, &v) < 0)
		return -EINVAL;
	*flags = (unsigned long)v;
	return 0;
}

int parse_stat_dying(const char *buf, size_t len, int *dying)
{
	const char *end = buf + len, *st = stat_field(buf, end, 3);
	const char *p = stat_field(buf, end, 31);
	unsigned long long pending;
	unsigned long flags;

	if (!st || !p || parse_stat_flags(buf, len, &flags) < 0 ||
	    parse_uint(&p, end, ULLONG_MAX, &pending) < 0)
		return -EINVAL;
	/* SIGKILL queued on the leader (a group kill puts it on every
	 * thread), or already exiting and not a zombie leader whose other
	 * threads live on: someone already killed it. */
	*dying = (pending & (1ULL << (SIGKILL - 1))) || ((flags & PF_EXITING_FLAG) && *st != 'Z');
	return 0;
}

int parse_stat_exited(const char *buf, size_t len, char *state, int *exited)
{
	const char *end = buf + len, *st = stat_field(buf, end, 3);
	const char *p = stat_field(buf, end, 20), *x = stat_field(buf, end, 52);
	unsigned long long threads, code;

	if (!st || !p || !x || parse_uint(&p, end, ULLONG_MAX, &threads) < 0 ||
	    parse_uint(&x, end, ULLONG_MAX, &code) < 0)
		return -EINVAL;
	/* A zombie leader counts itself until it is reaped: with threads
	 * beside it, they live on, unless what ended the leader was a
	 * signal's group exit (its exit code, 52nd field, names the signal),
	 * which the others are on their way out of too. */
	*exited = (*st == 'Z' || *st == 'X') && (threads <= 1 || (code & 0x7f));
	*state = *st;
	return 0;
}

int parse_proc_cgroup(const char *buf, size_t len, char *out, size_t outsz)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (le - p >= 4 && !memcmp(p, "0::/", 4)) {
			size_t n = (size_t)(le - p) - 3;

			/* The kernel cuts the path at PATH_MAX - 1 bytes
			 * without a word: a path that fills the buffer may be
			 * a prefix naming another group.  Never take it. */
			if (n + 1 >= outsz)
				return -ENAMETOOLONG;
			memcpy(out, p + 3, n);
			out[n] = '\0';
			return 0;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return -ENOMEDIUM; /* no cgroup v2 line: no unified hierarchy */
}

int parse_type(const char *buf, size_t len, enum cg_type *type)
{
	static const struct {
		const char *s;
		enum cg_type t;
	} names[] = {
		{ "domain", CG_TYPE_DOMAIN },
		{ "domain threaded", CG_TYPE_DOMAIN_THREADED },
		{ "domain invalid", CG_TYPE_DOMAIN_INVALID },
		{ "threaded", CG_TYPE_THREADED },
	};

	if (len && buf[len - 1] == '\n')
		len--;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].s) == len && !memcmp(buf, names[i].s, len)) {
			*type = names[i].t;
			return 0;
		}
	return -EINVAL;
}

int parse_bool(const char *buf, size_t len, int *val)
{
	if (len && buf[len - 1] == '\n')
		len--;
	if (len != 1 || (buf[0] != '0' && buf[0] != '1'))
		return -EINVAL;
	*val = buf[0] - '0';
	return 0;
}

int parse_cgpath_within(const char *path, const char *base)
{
	size_t n = strlen(base);

	if (n == 1 && base[0] == '/')
		return path[0] == '/';
	return !strncmp(path, base, n) && (path[n] == '\0' || path[n] == '/');
}

/* The value of "key:" at a line start of /proc/PID/status, after its
 * blanks.  Name is escaped by the kernel, so no value spans a line and no
 * comm can forge a line of its own. */
static const char *status_value(const char *buf, const char *end, const char *key, const char **le)
{
	size_t klen = strlen(key);
	const char *p = buf;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		*le = nl ? nl : end;
		if ((size_t)(*le - p) > klen && !memcmp(p, key, klen) && p[klen] == ':') {
			p += klen + 1;
			while (p < *le && (*p == '\t' || *p == ' '))
				p++;
			return p;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return NULL;
}

static int status_uint(const char *buf, const char *end, const char *key, unsigned long long max,
		       unsigned long long *val)
{
	const char *le, *p = status_value(buf, end, key, &le);

	if (!p || parse_uint(&p, le, max, val) < 0 || p != le)
		return -EINVAL;
	return 0;
}

int parse_status(const char *buf, size_t len, struct proc_status *st)
{
	const char *le, *end = buf + len, *s = status_value(buf, end, "State", &le);
	unsigned long long tgid, pid, threads;

	if (!s || s == le || status_uint(buf, end, "Tgid", INT_MAX, &tgid) < 0 ||
	    status_uint(buf, end, "Pid", INT_MAX, &pid) < 0 ||
	    status_uint(buf, end, "Threads", ULONG_MAX, &threads) < 0)
		return -EINVAL;
	st->state = *s;
	st->tgid = (pid_t)tgid;
	st->pid = (pid_t)pid;
	st->threads = (unsigned long)threads;
	return 0;
}
