// SPDX-License-Identifier: LGPL-2.1-or-later
/* Signal names both ways, on good and hostile input. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "signame.h"

static void test_names(void **state)
{
	(void)state;
	/* The numbers every Linux architecture shares. */
	assert_int_equal(signame_to_number("HUP"), 1);
	assert_int_equal(signame_to_number("INT"), 2);
	assert_int_equal(signame_to_number("QUIT"), 3);
	assert_int_equal(signame_to_number("ABRT"), 6);
	assert_int_equal(signame_to_number("KILL"), 9);
	assert_int_equal(signame_to_number("ALRM"), 14);
	assert_int_equal(signame_to_number("TERM"), 15);
	/* The rest as this architecture numbers them. */
	assert_int_equal(signame_to_number("USR1"), SIGUSR1);
	assert_int_equal(signame_to_number("USR2"), SIGUSR2);
	assert_int_equal(signame_to_number("CHLD"), SIGCHLD);
	assert_int_equal(signame_to_number("CONT"), SIGCONT);
	assert_int_equal(signame_to_number("STOP"), SIGSTOP);
	assert_int_equal(signame_to_number("WINCH"), SIGWINCH);
	assert_int_equal(signame_to_number("SYS"), SIGSYS);
	/* Prefix and case. */
	assert_int_equal(signame_to_number("SIGKILL"), SIGKILL);
	assert_int_equal(signame_to_number("sigterm"), SIGTERM);
	assert_int_equal(signame_to_number("Term"), SIGTERM);
	assert_int_equal(signame_to_number("SigUsr1"), SIGUSR1);
	/* Aliases. */
	assert_int_equal(signame_to_number("IOT"), SIGABRT);
	assert_int_equal(signame_to_number("CLD"), SIGCHLD);
	assert_int_equal(signame_to_number("SIGPOLL"), SIGIO);
	/* The standard Linux numbering, where this is such an architecture. */
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || defined(__arm__) || \
	defined(__riscv) || defined(__powerpc__) || defined(__s390__)
	assert_int_equal(signame_to_number("USR1"), 10);
	assert_int_equal(signame_to_number("USR2"), 12);
	assert_int_equal(signame_to_number("CHLD"), 17);
	assert_int_equal(signame_to_number("STKFLT"), 16);
	assert_int_equal(signame_to_number("PWR"), 30);
	assert_int_equal(signame_to_number("SYS"), 31);
#endif
}

static void test_numbers(void **state)
{
	(void)state;
	assert_int_equal(signame_to_number("9"), 9);
	assert_int_equal(signame_to_number("1"), 1);
	assert_int_equal(signame_to_number("009"), 9);
	assert_int_equal(signame_to_number("32"), 32);
	assert_int_equal(signame_to_number("34"), 34);
	{
		char max[16];

		snprintf(max, sizeof(max), "%d", SIGRTMAX);
		assert_int_equal(signame_to_number(max), SIGRTMAX);
		snprintf(max, sizeof(max), "%d", SIGRTMAX + 1);
		assert_int_equal(signame_to_number(max), -EINVAL);
	}
	assert_int_equal(signame_to_number("0"), -EINVAL);
	assert_int_equal(signame_to_number("000"), -EINVAL);
	assert_int_equal(signame_to_number("-9"), -EINVAL);
	assert_int_equal(signame_to_number("+9"), -EINVAL);
	assert_int_equal(signame_to_number(" 9"), -EINVAL);
	assert_int_equal(signame_to_number("9 "), -EINVAL);
	assert_int_equal(signame_to_number("9x"), -EINVAL);
	assert_int_equal(signame_to_number("0x9"), -EINVAL);
	assert_int_equal(signame_to_number("SIG9"), -EINVAL);
	assert_int_equal(signame_to_number("99999999999999999999999"), -EINVAL);
	assert_int_equal(signame_to_number("4294967305"), -EINVAL); /* 2^32 + 9 */
}

static void test_realtime(void **state)
{
	(void)state;
	assert_int_equal(signame_to_number("RTMIN"), SIGRTMIN);
	assert_int_equal(signame_to_number("SIGRTMIN"), SIGRTMIN);
	assert_int_equal(signame_to_number("RTMIN+0"), SIGRTMIN);
	assert_int_equal(signame_to_number("RTMIN+3"), SIGRTMIN + 3);
	assert_int_equal(signame_to_number("sigrtmin+3"), SIGRTMIN + 3);
	assert_int_equal(signame_to_number("RTMAX"), SIGRTMAX);
	assert_int_equal(signame_to_number("RTMAX-1"), SIGRTMAX - 1);
	assert_int_equal(signame_to_number("RTMAX-0"), SIGRTMAX);
	{
		char s[32];

		snprintf(s, sizeof(s), "RTMIN+%d", SIGRTMAX - SIGRTMIN);
		assert_int_equal(signame_to_number(s), SIGRTMAX);
		snprintf(s, sizeof(s), "RTMIN+%d", SIGRTMAX - SIGRTMIN + 1);
		assert_int_equal(signame_to_number(s), -EINVAL);
		snprintf(s, sizeof(s), "RTMAX-%d", SIGRTMAX - SIGRTMIN);
		assert_int_equal(signame_to_number(s), SIGRTMIN);
		snprintf(s, sizeof(s), "RTMAX-%d", SIGRTMAX - SIGRTMIN + 1);
		assert_int_equal(signame_to_number(s), -EINVAL);
	}
	assert_int_equal(signame_to_number("RTMIN+"), -EINVAL);
	assert_int_equal(signame_to_number("RTMIN-1"), -EINVAL);
	assert_int_equal(signame_to_number("RTMAX+1"), -EINVAL);
	assert_int_equal(signame_to_number("RTMIN+-1"), -EINVAL);
	assert_int_equal(signame_to_number("RTMIN++1"), -EINVAL);
	assert_int_equal(signame_to_number("RTMIN+1x"), -EINVAL);
	assert_int_equal(signame_to_number("RTMIN 1"), -EINVAL);
	assert_int_equal(signame_to_number("RTMIN+99999999999999999999"), -EINVAL);
	assert_int_equal(signame_to_number("RTMID"), -EINVAL);
}

static void test_bad_names(void **state)
{
	(void)state;
	assert_int_equal(signame_to_number(NULL), -EINVAL);
	assert_int_equal(signame_to_number(""), -EINVAL);
	assert_int_equal(signame_to_number("SIG"), -EINVAL);
	assert_int_equal(signame_to_number("SIGSIGKILL"), -EINVAL);
	assert_int_equal(signame_to_number("KIL"), -EINVAL);
	assert_int_equal(signame_to_number("KILLL"), -EINVAL);
	assert_int_equal(signame_to_number("KILL "), -EINVAL);
	assert_int_equal(signame_to_number(" KILL"), -EINVAL);
	assert_int_equal(signame_to_number("SIG KILL"), -EINVAL);
	assert_int_equal(signame_to_number("K\xc3\x8fLL"), -EINVAL);
	assert_int_equal(signame_to_number("TERM\n"), -EINVAL);
	assert_int_equal(signame_to_number("EXIT"), -EINVAL);
	assert_int_equal(signame_to_number("NULL"), -EINVAL);
}

static void check_name(int sig, const char *want)
{
	char buf[SIGNAME_MAX];

	assert_int_equal(signame_from_number(sig, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void test_from_number(void **state)
{
	char buf[SIGNAME_MAX], rt[32];

	(void)state;
	check_name(SIGKILL, "KILL");
	check_name(SIGTERM, "TERM");
	check_name(SIGUSR1, "USR1");
	check_name(SIGABRT, "ABRT"); /* not IOT */
	check_name(SIGCHLD, "CHLD"); /* not CLD */
	check_name(SIGIO, "IO");     /* not POLL */
	check_name(SIGRTMIN, "RTMIN");
	check_name(SIGRTMIN + 3, "RTMIN+3");
	check_name(SIGRTMAX - 1, "RTMAX-1");
	check_name(SIGRTMAX, "RTMAX");
	/* Where the halves meet, as bash's kill -l names them. */
	snprintf(rt, sizeof(rt), "RTMIN+%d", (SIGRTMAX - SIGRTMIN) / 2);
	check_name(SIGRTMIN + (SIGRTMAX - SIGRTMIN) / 2, rt);
	snprintf(rt, sizeof(rt), "RTMAX-%d", SIGRTMAX - SIGRTMIN - (SIGRTMAX - SIGRTMIN) / 2 - 1);
	check_name(SIGRTMIN + (SIGRTMAX - SIGRTMIN) / 2 + 1, rt);
	/* The C library's own real-time signals have no name. */
	if (SIGRTMIN > 32)
		check_name(32, "32");
	assert_int_equal(signame_from_number(0, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(signame_from_number(-1, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(signame_from_number(SIGRTMAX + 1, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(signame_from_number(SIGKILL, NULL, 0), -EINVAL);
	assert_int_equal(signame_from_number(SIGKILL, buf, 4), -ERANGE);
	assert_int_equal(signame_from_number(SIGKILL, buf, 5), 0);
	assert_int_equal(signame_from_number(SIGRTMIN + 3, buf, 7), -ERANGE);
}

/* Every number names itself back, and the name fits SIGNAME_MAX. */
static void test_round_trip(void **state)
{
	(void)state;
	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		char buf[SIGNAME_MAX], sigbuf[SIGNAME_MAX + 3];

		assert_int_equal(signame_from_number(sig, buf, sizeof(buf)), 0);
		assert_int_equal(signame_to_number(buf), sig);
		if (buf[0] < '0' || buf[0] > '9') {
			snprintf(sigbuf, sizeof(sigbuf), "SIG%s", buf);
			assert_int_equal(signame_to_number(sigbuf), sig);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),	    cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_realtime),    cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_from_number), cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
