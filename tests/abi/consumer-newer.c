// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A program built against a newer header than the library it runs with:
 * its structs are longer.  With the unknown tail all zero (fields it left
 * at their defaults) the library must work as usual and zero the tail of
 * the report and of each stage it fills; with any tail byte set it must
 * refuse with E2BIG, before touching anything.  Sizes below the first
 * version's or above the cap get the documented EINVAL and E2BIG.
 */
#include <cgkill.h>

#include "scratch.h"

#define CHECK(cond) do { \
		if (!(cond)) { \
			printf("FAIL: %s (line %d)\n", #cond, __LINE__); \
			failed = 1; \
		} \
	} while (0)

#define TAIL 64

struct newer_opts {
	struct cgkill_opts o;
	unsigned char future[TAIL];
};

struct newer_report {
	struct cgkill_report r;
	unsigned char future[TAIL];
	unsigned char guard[16];	/* past the stated size: never written */
};

struct newer_stage {
	struct cgkill_stage s;
	unsigned char future[TAIL];
};

static int all(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

int main(void)
{
	struct newer_opts no;
	struct newer_report nr;
	struct newer_stage ns;
	struct cgkill_report rep;
	struct cgkill_op *op = NULL;
	const char *dir;
	int failed = 0, fd, r;

	dir = scratch_start("newer");
	if (!dir)
		return 1;
	fd = cgkill_open(dir, 0);
	CHECK(fd >= 0);

	memset(&no, 0, sizeof(no));
	cgkill_opts_init(&no.o);
	no.o.size = sizeof(no);
	no.o.flags = CGKILL_FORCE_FREEZE;
	memset(&nr, 0xa5, sizeof(nr));
	nr.r.size = sizeof(nr) - sizeof(nr.guard);

	/* Sizes out of range, for each struct. */
	memset(&rep, 0, sizeof(rep));
	rep.size = sizeof(rep);
	no.o.size = 0;
	CHECK(cgkill_fd(fd, &no.o, &rep) == -EINVAL);
	no.o.size = CGKILL_OPTS_SIZE_VER0 - 1;
	CHECK(cgkill_fd(fd, &no.o, &rep) == -EINVAL);
	no.o.size = CGKILL_STRUCT_SIZE_MAX + 1;
	CHECK(cgkill_fd(fd, &no.o, &rep) == -E2BIG);
	no.o.size = sizeof(no);
	rep.size = 0;
	CHECK(cgkill_fd(fd, &no.o, &rep) == -EINVAL);
	rep.size = CGKILL_REPORT_SIZE_VER0 - 1;
	CHECK(cgkill_fd(fd, &no.o, &rep) == -EINVAL);
	rep.size = CGKILL_STRUCT_SIZE_MAX + 1;
	CHECK(cgkill_fd(fd, &no.o, &rep) == -E2BIG);

	/* A field the library does not know, set: refused, nothing done. */
	no.future[TAIL - 1] = 1;
	CHECK(cgkill_fd(fd, &no.o, &nr.r) == -E2BIG);
	CHECK(cgkill_op_start(fd, &no.o, &op) == -E2BIG && op == NULL);
	CHECK(all(nr.future, TAIL, 0xa5));	/* report untouched */
	CHECK(scratch_alive() == SCRATCH_KIDS);
	no.future[TAIL - 1] = 0;

	/* All zero: a kill as usual, the report's tail zeroed, not past it. */
	r = cgkill_op_start(fd, &no.o, &op);
	CHECK(r == 0);
	if (r == 0) {
		r = cgkill_op_wait(op, &nr.r);
		CHECK(r == CGKILL_DONE);
		CHECK(nr.r.size == sizeof(nr) - sizeof(nr.guard));
		CHECK(nr.r.flags & CGKILL_REPORT_NO_USERS);
		CHECK(nr.r.last_method == CGKILL_METHOD_FREEZE);
		CHECK(all(nr.future, TAIL, 0));
		CHECK(all(nr.guard, sizeof(nr.guard), 0xa5));
		memset(&ns, 0xa5, sizeof(ns));
		ns.s.size = 0;
		CHECK(cgkill_op_get_stage(op, 0, &ns.s) == -EINVAL);
		ns.s.size = CGKILL_STAGE_SIZE_VER0 - 1;
		CHECK(cgkill_op_get_stage(op, 0, &ns.s) == -EINVAL);
		ns.s.size = CGKILL_STRUCT_SIZE_MAX + 1;
		CHECK(cgkill_op_get_stage(op, 0, &ns.s) == -E2BIG);
		ns.s.size = sizeof(ns);
		CHECK(cgkill_op_get_stage(op, 0, &ns.s) == 0);
		CHECK(ns.s.size == sizeof(ns) && ns.s.signal == SIGKILL);
		CHECK(ns.s.signaled == SCRATCH_KIDS);
		CHECK(all(ns.future, TAIL, 0));
		cgkill_op_free(op);
	}
	CHECK(scratch_reap(SIGKILL) == SCRATCH_KIDS);
	if (fd >= 0)
		close(fd);
	scratch_end();
	printf("%s\n", failed ? "FAIL" : "ok: longer structs work with a zero tail, "
	       "E2BIG otherwise");
	return failed;
}
