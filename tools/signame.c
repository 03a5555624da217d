// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "signame.h"

/* The canonical name of each number comes first; aliases follow it. */
static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP },
	{ "INT", SIGINT },
	{ "QUIT", SIGQUIT },
	{ "ILL", SIGILL },
	{ "TRAP", SIGTRAP },
	{ "ABRT", SIGABRT },
	{ "BUS", SIGBUS },
	{ "FPE", SIGFPE },
	{ "KILL", SIGKILL },
	{ "USR1", SIGUSR1 },
	{ "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE },
	{ "ALRM", SIGALRM },
	{ "TERM", SIGTERM },
#ifdef SIGSTKFLT
	{ "STKFLT", SIGSTKFLT },
#endif
	{ "CHLD", SIGCHLD },
	{ "CONT", SIGCONT },
	{ "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP },
	{ "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU },
	{ "URG", SIGURG },
	{ "XCPU", SIGXCPU },
	{ "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM },
	{ "PROF", SIGPROF },
	{ "WINCH", SIGWINCH },
	{ "IO", SIGIO },
#ifdef SIGPWR
	{ "PWR", SIGPWR },
#endif
	{ "SYS", SIGSYS },
	/* aliases */
	{ "IOT", SIGIOT },
	{ "CLD", SIGCHLD },
	{ "POLL", SIGPOLL },
};

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* If @s starts with @prefix (ASCII case ignored), the rest of it, else NULL.
 * Not strncasecmp(): that depends on the locale. */
static const char *skip_prefix(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (upper(*s) != *prefix)
			return NULL;
	return s;
}

/* A plain decimal number up to @max; -1 for anything else. */
static int decimal(const char *s, int max)
{
	int v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return v;
}

static int realtime(const char *s)
{
	int min = SIGRTMIN, max = SIGRTMAX, n;
	const char *rest;

	if ((rest = skip_prefix(s, "RTMIN"))) {
		if (!*rest)
			return min;
		if (*rest != '+' || (n = decimal(rest + 1, max - min)) < 0)
			return -EINVAL;
		return min + n;
	}
	if ((rest = skip_prefix(s, "RTMAX"))) {
		if (!*rest)
			return max;
		if (*rest != '-' || (n = decimal(rest + 1, max - min)) < 0)
			return -EINVAL;
		return max - n;
	}
	return -EINVAL;
}

int signame_to_number(const char *s)
{
	const char *name;
	int n;

	if (!s || !*s)
		return -EINVAL;
	if (*s >= '0' && *s <= '9') {
		n = decimal(s, SIGRTMAX);
		return n > 0 ? n : -EINVAL;
	}
	name = skip_prefix(s, "SIG");
	if (!name)
		name = s;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		const char *rest = skip_prefix(name, signals[i].name);

		if (rest && !*rest)
			return signals[i].sig;
	}
	return realtime(name);
}

static const char *canonical(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}

int signame_from_number(int sig, char *buf, size_t size)
{
	int min = SIGRTMIN, max = SIGRTMAX, n;
	const char *name = canonical(sig);

	if (!buf || sig < 1 || sig > max)
		return -EINVAL;
	if (name)
		n = snprintf(buf, size, "%s", name);
	else if (sig < min)
		n = snprintf(buf, size, "%d", sig);
	else if (sig == min)
		n = snprintf(buf, size, "RTMIN");
	else if (sig == max)
		n = snprintf(buf, size, "RTMAX");
	else if (sig - min <= (max - min) / 2)
		n = snprintf(buf, size, "RTMIN+%d", sig - min);
	else
		n = snprintf(buf, size, "RTMAX-%d", max - sig);
	return n < 0 || (size_t)n >= size ? -ERANGE : 0;
}
