// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * <cgkill.h> as a consumer compiles it: built as C99 with -pedantic and
 * without _GNU_SOURCE, and as C11.  It uses every type and calls every
 * function, with arguments whose result is documented and needs no
 * privilege, so that each symbol must also link.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cgkill.h>

#include "abi-layout.h"

static int seen;

static int observer(const struct cgkill_proc *proc, void *userdata)
{
	int *count = (int *)userdata;

	if (proc->pid > 0 && proc->cgroup && !(proc->flags & CGKILL_PROC_DRY_RUN))
		(*count)++;
	return 0;
}

static void tracer(const struct cgkill_trace *ev, void *data)
{
	if (ev->size >= CGKILL_TRACE_SIZE_VER0 && ev->message)
		(*(int *)data)++;
}

#define EXPECT(call, want) do { \
		long got_ = (long)(call); \
		if (got_ != (long)(want)) { \
			printf("FAIL: %s = %ld, expected %s\n", #call, got_, #want); \
			failed = 1; \
		} \
	} while (0)

int main(void)
{
	struct cgkill_opts opts;
	struct cgkill_report rep;
	struct cgkill_stage stage;
	struct cgkill_proc proc;
	struct cgkill_op *op = NULL;
	cgkill_observer_fn fn = observer;
	cgkill_trace_fn tfn = tracer;
	struct cgkill_trace ev;
	uint64_t features = 0;
	int failed = 0;

	cgkill_opts_init(&opts);
	EXPECT(opts.size, sizeof(opts));
	EXPECT(opts.flags, 0);
	EXPECT(opts.timeout_ms, CGKILL_TIMEOUT_DEFAULT_MS);
	EXPECT(opts.observer == NULL, 1);
	EXPECT(opts.trace == NULL && opts.trace_data == NULL, 1);
	opts.observer = fn;
	opts.userdata = &seen;
	memset(&ev, 0, sizeof(ev));
	ev.size = sizeof(ev);
	ev.kind = CGKILL_TRACE_METHOD;
	ev.message = "method native";
	tfn(&ev, &seen);
	EXPECT(seen, 1);
	seen = 0;
	opts.trace = tfn;
	opts.trace_data = &seen;

	memset(&rep, 0, sizeof(rep));
	rep.size = sizeof(rep);
	memset(&proc, 0, sizeof(proc));
	proc.pid = 1;
	proc.cgroup = "";
	EXPECT(fn(&proc, &seen), 0);
	EXPECT(seen, 1);
	memset(&stage, 0, sizeof(stage));
	stage.size = sizeof(stage);
	EXPECT(cgkill_op_get_stage(NULL, 0, &stage), -EINVAL);
	EXPECT(CGKILL_CHECK_VERSION(1, 2, 0), 1);
	EXPECT(stage.method, CGKILL_METHOD_NONE);
	EXPECT(strcmp(cgkill_version(), "") != 0, 1);
	EXPECT(CGKILL_CHECK_VERSION(1, 0, 0), 1);
	EXPECT(CGKILL_CHECK_VERSION(CGKILL_VERSION_MAJOR + 1, 0, 0), 0);

	EXPECT(cgkill_open("relative/path", 0), -EINVAL);
	EXPECT(cgkill_open("/", 1U << 31), -EINVAL);
	EXPECT(cgkill_fd(-1, &opts, &rep), -EBADF);
	EXPECT(cgkill_path(NULL, &opts, &rep), -EINVAL);
	EXPECT(cgkill_pid(0, &opts, &rep), -EINVAL);
	EXPECT(cgkill_pidfd(-1, &opts, &rep), -EBADF);
	EXPECT(cgkill_open_pid(0, 0), -EINVAL);
	EXPECT(cgkill_open_pidfd(-1, 0), -EBADF);
	EXPECT(cgkill_op_start(-1, &opts, &op), -EBADF);
	EXPECT(op == NULL, 1);
	EXPECT(cgkill_op_get_fd(NULL), -EINVAL);
	EXPECT(cgkill_op_process(NULL, &rep), -EINVAL);
	EXPECT(cgkill_op_wait(NULL, &rep), -EINVAL);
	cgkill_op_free(NULL);
	EXPECT(cgkill_probe(-1, NULL), -EINVAL);
	EXPECT(cgkill_probe(-1, &features), 0);
	EXPECT(features & ~(uint64_t)(CGKILL_FEATURE_KILL | CGKILL_FEATURE_FREEZE |
				      CGKILL_FEATURE_PIDFD | CGKILL_FEATURE_PIDFD_INFO), 0);

	printf("%s: report %u bytes, opts %u bytes, features %#llx\n",
	       failed ? "FAIL" : "ok", (unsigned)sizeof(rep), (unsigned)sizeof(opts),
	       (unsigned long long)features);
	return failed;
}
