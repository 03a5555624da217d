// SPDX-License-Identifier: LGPL-2.1-or-later
// <cgkill.h> from C++: the extern "C" block must make every call link, and
// the layout must be the one C sees (abi-layout.h).
#include <cerrno>
#include <cstdio>

#include <cgkill.h>

#include "abi-layout.h"

namespace {

int count_procs(const cgkill_proc *proc, void *userdata)
{
	if (proc->pid > 0 && !(proc->flags & CGKILL_PROC_DRY_RUN))
		++*static_cast<int *>(userdata);
	return 0;
}

void count_steps(const cgkill_trace *ev, void *data)
{
	if (ev->message)
		++*static_cast<int *>(data);
}

}

int main()
{
	cgkill_opts opts;
	cgkill_report rep = cgkill_report();
	cgkill_op *op = nullptr;
	cgkill_observer_fn fn = count_procs;
	uint64_t features = 0;
	int seen = 0, failed = 0;

	cgkill_opts_init(&opts);
	opts.observer = fn;
	opts.userdata = &seen;
	opts.trace = count_steps;
	opts.trace_data = &seen;
	rep.size = sizeof(rep);

	failed |= opts.size != sizeof(opts) || opts.signal <= 0;
	failed |= cgkill_open("relative", 0) != -EINVAL;
	failed |= cgkill_fd(-1, &opts, &rep) != -EBADF;
	failed |= cgkill_path(nullptr, &opts, &rep) != -EINVAL;
	failed |= cgkill_pid(0, &opts, &rep) != -EINVAL;
	failed |= cgkill_pidfd(-1, &opts, &rep) != -EBADF;
	failed |= cgkill_op_start(-1, &opts, &op) != -EBADF || op != nullptr;
	failed |= cgkill_op_get_fd(nullptr) != -EINVAL;
	failed |= cgkill_op_process(nullptr, &rep) != -EINVAL;
	failed |= cgkill_op_wait(nullptr, &rep) != -EINVAL;
	failed |= cgkill_open_pid(0, 0) != -EINVAL;
	failed |= cgkill_open_pidfd(-1, 0) != -EBADF;
	failed |= cgkill_version() == nullptr;
	cgkill_op_free(nullptr);
	failed |= cgkill_probe(-1, &features) != 0;
	failed |= rep.flags != 0 || rep.n_stages != 0;
	{
		cgkill_stage st = cgkill_stage();

		st.size = sizeof(st);
		failed |= cgkill_op_get_stage(nullptr, 0, &st) != -EINVAL;
	}

	std::printf("%s: C++ sees report %zu bytes, opts %zu bytes\n",
		    failed ? "FAIL" : "ok", sizeof(rep), sizeof(opts));
	return failed;
}
