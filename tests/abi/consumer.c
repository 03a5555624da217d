// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A program built only from what `meson install` put in place, with the
 * flags pkg-config gives.  It needs no privilege.  It says where the
 * library it runs with was loaded from, so the test can tell the installed
 * copy from the one in the build tree.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

#include <cgkill.h>

int main(void)
{
	struct cgkill_opts opts;
	uint64_t f = 0;
	Dl_info info;
	int r;

	cgkill_opts_init(&opts);
	if (opts.size != sizeof(opts) || opts.timeout_ms != CGKILL_TIMEOUT_DEFAULT_MS) {
		printf("cgkill_opts_init: unexpected defaults\n");
		return 1;
	}
	r = cgkill_probe(-1, &f);
	if (r < 0) {
		printf("cgkill_probe: %d\n", r);
		return 1;
	}
	printf("features: cgroup.kill=%d cgroup.freeze=%d pidfd=%d pidfd_info=%d\n",
	       !!(f & CGKILL_FEATURE_KILL), !!(f & CGKILL_FEATURE_FREEZE),
	       !!(f & CGKILL_FEATURE_PIDFD), !!(f & CGKILL_FEATURE_PIDFD_INFO));
	if (!dladdr((void *)cgkill_probe, &info) || !info.dli_fname) {
		printf("dladdr: cannot tell where libcgkill was loaded from\n");
		return 1;
	}
	printf("loaded: %s\n", info.dli_fname);
	return 0;
}
