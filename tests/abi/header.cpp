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
	if (proc->pid > 0 && !proc->dry_run)
		++*static_cast<int *>(userdata);
	return 0;
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
	cgkill_op_free(nullptr);
	failed |= cgkill_probe(-1, &features) != 0;
	failed |= rep.stages[1].signaled != 0 || rep.n_stages != 0;

	std::printf("%s: C++ sees report %zu bytes, opts %zu bytes\n",
		    failed ? "FAIL" : "ok", sizeof(rep), sizeof(opts));
	return failed;
}
