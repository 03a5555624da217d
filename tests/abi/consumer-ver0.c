// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A program built against the frozen VER0 header (tests/abi/ver0/cgkill.h,
 * a copy of <cgkill.h> as released in 1.0.0, never edited) and run against
 * the library of today: it must still kill a real subtree and read a
 * report, stages and the observer's records as that header describes them.
 * When a field is appended to a struct, this program keeps passing the
 * VER0 sizes, which the library must go on accepting.
 */
#include "ver0/cgkill.h"
#include "scratch.h"

#define CHECK(cond) do { \
		if (!(cond)) { \
			printf("FAIL: %s (line %d)\n", #cond, __LINE__); \
			failed = 1; \
		} \
	} while (0)

static int seen;

static int observer(const struct cgkill_proc *proc, void *userdata)
{
	(void)userdata;
	if (proc->size >= CGKILL_PROC_SIZE_VER0 && proc->pid > 0 && proc->cgroup)
		seen++;
	return 0;
}

int main(void)
{
	struct cgkill_report rep;
	struct cgkill_stage st;
	struct cgkill_opts opts;
	struct cgkill_op *op = NULL;
	const char *dir;
	int failed = 0, fd, r;

	CHECK(sizeof(opts) == CGKILL_OPTS_SIZE_VER0);
	CHECK(sizeof(rep) == CGKILL_REPORT_SIZE_VER0);
	CHECK(sizeof(st) == CGKILL_STAGE_SIZE_VER0);
	printf("built against %d.%d.%d, running %s\n", CGKILL_VERSION_MAJOR,
	       CGKILL_VERSION_MINOR, CGKILL_VERSION_PATCH, cgkill_version());

	/* The native path, blocking. */
	dir = scratch_start("ver0");
	if (!dir)
		return 1;
	cgkill_opts_init(&opts);
	memset(&rep, 0, sizeof(rep));
	rep.size = sizeof(rep);
	r = cgkill_path(dir, &opts, &rep);
	CHECK(r == CGKILL_DONE);
	CHECK(rep.size == CGKILL_REPORT_SIZE_VER0);
	CHECK(rep.flags & CGKILL_REPORT_NO_USERS);
	CHECK(!(rep.flags & CGKILL_REPORT_POPULATED));
	CHECK(rep.first_signal == SIGKILL && rep.last_signal == SIGKILL);
	CHECK(rep.n_stages == 1);
	CHECK(scratch_reap(SIGKILL) == SCRATCH_KIDS);

	/* The fallback, SIGTERM, by an operation: stages and the observer. */
	scratch_end();
	dir = scratch_start("ver0");
	if (!dir)
		return 1;
	opts.signal = SIGTERM;
	opts.flags = CGKILL_FORCE_FREEZE;
	opts.observer = observer;
	fd = cgkill_open(dir, 0);
	CHECK(fd >= 0);
	r = cgkill_op_start(fd, &opts, &op);
	CHECK(r == 0);
	if (r == 0) {
		r = cgkill_op_wait(op, &rep);
		CHECK(r == CGKILL_DONE);
		CHECK(rep.last_method == CGKILL_METHOD_FREEZE);
		CHECK(rep.signaled == SCRATCH_KIDS);
		memset(&st, 0xff, sizeof(st));
		st.size = sizeof(st);
		CHECK(cgkill_op_get_stage(op, 0, &st) == 0);
		CHECK(st.size == CGKILL_STAGE_SIZE_VER0 && st.signal == SIGTERM);
		CHECK(st.method == CGKILL_METHOD_FREEZE && st.signaled == SCRATCH_KIDS);
		CHECK(cgkill_op_get_stage(op, 1, &st) == -ENOENT);
		cgkill_op_free(op);
	}
	if (fd >= 0)
		close(fd);
	CHECK(seen == SCRATCH_KIDS);
	CHECK(scratch_reap(SIGTERM) == SCRATCH_KIDS);
	scratch_end();
	printf("%s\n", failed ? "FAIL" : "ok: a VER0 program runs against this library");
	return failed;
}
