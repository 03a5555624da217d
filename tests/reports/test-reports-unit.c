// SPDX-License-Identifier: LGPL-2.1-or-later
/* The pure parts of the 1.1 reports, without privilege: the parsers of a
 * survivor's /proc files and the option rules of the new flags. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cgkill-private.h"

static const char status[] =
	"Name:\tx\\nTracerPid:\t9\n"	/* an escaped newline cannot forge a line */
	"Umask:\t0022\n"
	"State:\tS (sleeping)\n"
	"Tgid:\t42\nNgid:\t0\nPid:\t42\nPPid:\t1\n"
	"TracerPid:\t1234\n"
	"Threads:\t3\n"
	"SigQ:\t0/7823\n"
	"SigPnd:\t0000000000000000\n"
	"ShdPnd:\t0000000000000100\n"
	"SigBlk:\t0000000000004000\n"
	"SigIgn:\t0000000000000001\n"
	"SigCgt:\t0000000180000002\n";

static void test_status(void **state)
{
	struct surv_status st;

	(void)state;
	assert_int_equal(survivors_parse_status(status, strlen(status), &st), 0);
	assert_int_equal(st.tracer, 1234);
	assert_int_equal(st.threads, 3);
	assert_true(st.pending == 1ULL << (SIGKILL - 1));
	assert_true(st.blocked == 1ULL << (SIGTERM - 1));
	assert_true(st.ignored == 1ULL << (SIGHUP - 1));
	assert_true(st.caught == (0x180000002ULL));
	/* 128 signals (MIPS): the low 64 bits. */
	{
		const char wide[] = "TracerPid:\t0\nThreads:\t1\n"
			"SigPnd:\t00000000000000000000000000000000\n"
			"ShdPnd:\t00000000000000000000000000000000\n"
			"SigBlk:\t00000000000000010000000000000000\n"
			"SigIgn:\t00000000000000000000000000004000\n"
			"SigCgt:\t00000000000000000000000000000000\n";

		assert_int_equal(survivors_parse_status(wide, strlen(wide), &st), 0);
		assert_true(st.blocked == 0);
		assert_true(st.ignored == 1ULL << (SIGTERM - 1));
	}
	/* Missing or malformed fields. */
	assert_int_equal(survivors_parse_status("TracerPid:\t0\n", 13, &st), -EINVAL);
	{
		const char bad[] = "TracerPid:\tx\nThreads:\t1\nSigPnd:\t0\nShdPnd:\t0\n"
				   "SigBlk:\t0\nSigIgn:\t0\nSigCgt:\t0\n";

		assert_int_equal(survivors_parse_status(bad, strlen(bad), &st), -EINVAL);
	}
}

static void test_stat(void **state)
{
	char comm[16], s;
	const char a[] = "42 (a) b) c) D 1 42 42 0 -1 4194560 0 0";
	const char longc[] = "7 (0123456789abcdefXYZ) t 1";

	(void)state;
	assert_int_equal(survivors_parse_stat(a, strlen(a), comm, &s), 0);
	assert_string_equal(comm, "a) b) c");
	assert_int_equal(s, 'D');
	assert_int_equal(survivors_parse_stat(longc, strlen(longc), comm, &s), 0);
	assert_string_equal(comm, "0123456789abcde");
	assert_int_equal(s, 't');
	assert_int_equal(survivors_parse_stat("1 (x", 4, comm, &s), -EINVAL);
	assert_int_equal(survivors_parse_stat("1 (x)", 5, comm, &s), -EINVAL);
}

static int load(uint64_t flags, int sig, uint32_t max_victims)
{
	struct cgkill_opts in, out;

	cgkill_opts_init(&in);
	in.flags = flags;
	in.signal = sig;
	in.max_victims = max_victims;
	if (flags & CGKILL_ESCALATE)
		in.grace_ms = 1;
	return opts_load(&in, &out);
}

static void test_option_rules(void **state)
{
	(void)state;
	assert_int_equal(load(CGKILL_SURVIVORS, SIGTERM, 0), 0);
	assert_int_equal(load(CGKILL_SURVIVORS | CGKILL_DRY_RUN, SIGTERM, 0), 0);
	assert_int_equal(load(CGKILL_VICTIMS, SIGTERM, 0), 0);
	assert_int_equal(load(CGKILL_VICTIMS, SIGKILL, 10), 0);
	assert_int_equal(load(CGKILL_VICTIMS | CGKILL_DRY_RUN, SIGKILL, 0), -EINVAL);
	assert_int_equal(load(0, SIGKILL, 10), -EINVAL);
	assert_int_equal(load(CGKILL_RELEASE_MEMORY, SIGKILL, 0), 0);
	assert_int_equal(load(CGKILL_RELEASE_MEMORY | CGKILL_ESCALATE, SIGTERM, 0), 0);
	assert_int_equal(load(CGKILL_RELEASE_MEMORY, SIGTERM, 0), -EINVAL);
	assert_int_equal(load(CGKILL_RELEASE_MEMORY | CGKILL_DRY_RUN, SIGKILL, 0), -EINVAL);
	assert_int_equal(load(1ULL << 9, SIGKILL, 0), -EINVAL);
	/* max_survivors: any value, with or without the flag (timeouts). */
	{
		struct cgkill_opts in, out;

		cgkill_opts_init(&in);
		in.max_survivors = 7;
		assert_int_equal(opts_load(&in, &out), 0);
		assert_int_equal(out.max_survivors, 7);
		/* A VER0 caller's struct: the new fields read as 0. */
		in.size = CGKILL_OPTS_SIZE_VER0;
		assert_int_equal(opts_load(&in, &out), 0);
		assert_int_equal(out.max_survivors, 0);
		assert_int_equal(out.max_victims, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_option_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
