// SPDX-License-Identifier: LGPL-2.1-or-later
/* Set-up: the cgroup2 mount, the clone3 probe, the machine's load and
 * limits, and the skip-or-fail policy without a usable cgroup2. */
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

/* The first writable cgroup2 mount, by libmount. */
int find_cgroup2(char **out)
{
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int r = -ENOMEDIUM;

	*out = NULL;
	if (!tb || !it) {
		r = -ENOMEM;
		goto done;
	}
	if (mnt_table_parse_file(tb, "/proc/self/mountinfo") < 0) {
		r = -EIO;
		goto done;
	}
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *type = mnt_fs_get_fstype(fs), *target = mnt_fs_get_target(fs);
		struct statfs sfs;

		if (!type || strcmp(type, "cgroup2") || !target)
			continue;
		if (statfs(target, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
			continue;	/* hidden by a later mount */
		if (access(target, W_OK) < 0)
			continue;
		*out = strdup(target);
		r = *out ? 0 : -ENOMEM;
		break;
	}
done:
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return r;
}

/* Can we clone3(CLONE_INTO_CGROUP)?  One child that exits at once. */
bool probe_clone3(struct ctx *cx)
{
	struct bench_clone_args ca;
	bool ok = false, all;
	int fd;
	long r;

	if (mkdirat(cx->rootfd, "probe", 0755) < 0)
		return false;
	fd = openat(cx->rootfd, "probe", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		memset(&ca, 0, sizeof(ca));
		ca.flags = BENCH_CLONE_INTO_CGROUP;
		ca.exit_signal = SIGCHLD;
		ca.cgroup = (uint64_t)fd;
		r = syscall(SYS_clone3, &ca, sizeof(ca));
		if (r == 0)
			_exit(0);
		ok = r > 0;
		if (ok)
			reap_all(WAIT_LIMIT_NS, &all);
		close(fd);
	}
	sweep(cx->rootfd, "probe");
	return ok;
}

static long tasks_now(void)
{
	char b[128], *slash;

	if (read_text("/proc/loadavg", b, sizeof(b)) < 0)
		return -1;
	/* "0.00 0.01 0.05 1/123 4567": the fourth field is running/total. */
	slash = strchr(b, '/');
	return slash ? strtol(slash + 1, NULL, 10) : -1;
}

/* The machine's load, to judge how quiet a run was. */
void print_load(const char *when, FILE *json)
{
	char la[128], pr[256], *nl;

	read_text("/proc/loadavg", la, sizeof(la));
	read_text("/proc/pressure/cpu", pr, sizeof(pr));
	if ((nl = strchr(la, '\n')))
		*nl = '\0';
	if ((nl = strchr(pr, '\n')))
		*nl = '\0';
	printf("load %s: loadavg %s; cpu pressure %s\n", when, la, *pr ? pr : "n/a");
	if (json)
		fprintf(json, "{\"type\":\"load\",\"when\":\"%s\",\"loadavg\":\"%s\","
			"\"cpu_pressure\":\"%s\"}\n", when, la, pr);
}

/* pid_max, threads-max and RLIMIT_NPROC against what we will start. */
int check_limits(long need, FILE *json)
{
	long pid_max = read_long_file("/proc/sys/kernel/pid_max");
	long thr_max = read_long_file("/proc/sys/kernel/threads-max");
	long tasks = tasks_now();
	struct rlimit rl;
	bool ok = true;

	getrlimit(RLIMIT_NPROC, &rl);
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NPROC, &rl);
		getrlimit(RLIMIT_NPROC, &rl);
	}
	/* Zombies hold their pid until reaped: a population needs `need`
	 * pids and tasks at once, plus what already runs, plus margin. */
	if (pid_max > 0 && pid_max < need + tasks + 1000)
		ok = false;
	if (thr_max > 0 && thr_max < need + tasks + 1000)
		ok = false;
	if (geteuid() != 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (long)rl.rlim_cur < need + tasks + 100)
		ok = false;
	printf("limits: pid_max %ld, threads-max %ld, tasks now %ld, "
	       "RLIMIT_NPROC %s%ld%s; largest population %ld: %s\n",
	       pid_max, thr_max, tasks,
	       rl.rlim_cur == RLIM_INFINITY ? "unlimited" : "",
	       rl.rlim_cur == RLIM_INFINITY ? 0L : (long)rl.rlim_cur,
	       geteuid() == 0 ? " (not enforced for root)" : "",
	       need, ok ? "enough" : "NOT ENOUGH");
	if (json)
		fprintf(json, "{\"type\":\"limits\",\"pid_max\":%ld,\"threads_max\":%ld,"
			"\"tasks\":%ld,\"rlimit_nproc\":%ld,\"need\":%ld,\"ok\":%s}\n",
			pid_max, thr_max, tasks,
			rl.rlim_cur == RLIM_INFINITY ? -1L : (long)rl.rlim_cur, need,
			ok ? "true" : "false");
	return ok ? 0 : -EAGAIN;
}

int no_cgroup(const char *why)
{
	const char *req = getenv("CGKILL_REQUIRE_CGROUP");
	bool required = req && !strcmp(req, "1");

	fprintf(stderr, "cgkill-bench: %s%s\n", why,
		required ? " (required by CGKILL_REQUIRE_CGROUP=1)" : "; skipped");
	return required ? 1 : EXIT_SKIP;
}
