// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scratch groups for the examples.  Everything lives under one parent of our
 * own, <cgroup2 mount>/<prefix>-<pid>, so that the teardown can kill and
 * remove all of it without touching anything else.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scratch.h"

static char parent[PATH_MAX];
static int parent_fd = -1;
static sigset_t saved_mask;

static int find_cgroup2(char *buf, size_t size)
{
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int r = -ENOMEDIUM;

	if (!tb || !it) {
		r = -ENOMEM;
		goto out;
	}
	r = mnt_table_parse_file(tb, "/proc/self/mountinfo");
	if (r < 0)
		goto out;
	r = -ENOMEDIUM;
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *type = mnt_fs_get_fstype(fs);

		if (type && !strcmp(type, "cgroup2")) {
			snprintf(buf, size, "%s", mnt_fs_get_target(fs));
			r = 0;
			break;
		}
	}
out:
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return r;
}

static int unavailable(const char *why)
{
	const char *req = getenv("CGKILL_REQUIRE_CGROUP");

	if (req && !strcmp(req, "1")) {
		fprintf(stderr, "FAIL: needs root and a writable cgroup2 mount (%s), "
			"and CGKILL_REQUIRE_CGROUP=1\n", why);
		return 1;
	}
	fprintf(stderr, "SKIP: needs root and a writable cgroup2 mount: %s\n", why);
	return 77;
}

int scratch_init(const char *prefix)
{
	char mnt[PATH_MAX - 64], why[PATH_MAX + 64];
	sigset_t hold;
	int r;

	if (geteuid() != 0)
		return unavailable("not root");
	r = find_cgroup2(mnt, sizeof(mnt));
	if (r < 0) {
		snprintf(why, sizeof(why), "no cgroup2 mount in /proc/self/mountinfo%s%s",
			 r == -ENOMEDIUM ? "" : ": ", r == -ENOMEDIUM ? "" : strerror(-r));
		return unavailable(why);
	}
	snprintf(parent, sizeof(parent), "%s/%s-%d", mnt, prefix, (int)getpid());
	if (mkdir(parent, 0755) < 0) {
		snprintf(why, sizeof(why), "mkdir %s: %s", parent, strerror(errno));
		return unavailable(why);
	}
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	sigaddset(&hold, SIGQUIT);
	sigprocmask(SIG_BLOCK, &hold, &saved_mask);
	/* Output piped into head(1) must not end us before the teardown. */
	signal(SIGPIPE, SIG_IGN);
	/* Children fork with our buffers: flush before, line by line. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parent_fd < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		fprintf(stderr, "%s: %s\n", parent, strerror(errno));
		scratch_fini();
		return 1;
	}
	return 0;
}

bool scratch_interrupted(void)
{
	sigset_t pending;

	sigpending(&pending);
	return sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM) ||
	       sigismember(&pending, SIGHUP) || sigismember(&pending, SIGQUIT);
}

const char *scratch_parent(void)
{
	return parent;
}

int scratch_parent_fd(void)
{
	return parent_fd;
}

int scratch_mkgroup(const char *name, char *path, size_t size)
{
	if (mkdirat(parent_fd, name, 0755) < 0)
		return -errno;
	snprintf(path, size, "%s/%s", parent, name);
	return 0;
}

pid_t scratch_spawn(int groupfd, void (*fn)(void *arg), void *arg)
{
	int p[2], err = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(p[0]);
		close(p[1]);
		return err;
	}
	if (pid == 0) {
		int fd = openat(groupfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);

		close(p[0]);
		scratch_child_signals();
		/* "0" moves the writer itself. */
		if (fd < 0 || write(fd, "0", 1) != 1)
			err = errno;
		if (write(p[1], &err, sizeof(err)) != sizeof(err) || err)
			_exit(127);
		close(fd);
		close(p[1]);
		fn(arg);
		_exit(0);
	}
	close(p[1]);
	do
		n = read(p[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n != sizeof(err) || err) {
		waitpid(pid, NULL, 0);
		return n != sizeof(err) ? -EIO : -err;
	}
	return pid;
}

void scratch_child_signals(void)
{
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}

void scratch_idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
}

static ssize_t read_at(int dirfd, const char *file, char *buf, size_t size)
{
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (n < 0)
		return -errno;
	buf[len] = '\0';
	return (ssize_t)len;
}

int scratch_populated(int groupfd)
{
	char buf[256], *p;
	ssize_t n = read_at(groupfd, "cgroup.events", buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	p = strstr(buf, "populated ");
	return p ? p[10] == '1' : -EIO;
}

int scratch_count_procs(int groupfd)
{
	static char buf[1 << 16];
	ssize_t n = read_at(groupfd, "cgroup.procs", buf, sizeof(buf));
	int count = 0;

	if (n < 0)
		return (int)n;
	for (ssize_t i = 0; i < n; i++)
		count += buf[i] == '\n';
	return count;
}

int scratch_reap_all(int timeout_ms)
{
	int reaped = 0;

	for (int waited = 0;;) {
		pid_t pid = waitpid(-1, NULL, WNOHANG);

		if (pid > 0) {
			reaped++;
		} else if (pid < 0 && errno == ECHILD) {
			return reaped;
		} else if (pid == 0) {
			if (waited++ >= timeout_ms)
				return -ETIMEDOUT;
			usleep(1000);
		}
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Wait for "populated 0".  The kernel flags a change of cgroup.events as
 * POLLPRI, until the file is read again through the same fd. */
static int wait_empty(int groupfd, int timeout_ms)
{
	struct pollfd pfd = { .events = POLLPRI };
	long long deadline = now_ms() + timeout_ms, left;
	char buf[256];
	ssize_t n;
	int r;

	pfd.fd = openat(groupfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (pfd.fd < 0)
		return -errno;
	for (;;) {
		n = pread(pfd.fd, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			r = -errno;
			break;
		}
		buf[n] = '\0';
		if (strstr(buf, "populated 0")) {
			r = 0;
			break;
		}
		left = deadline - now_ms();
		if (left <= 0) {
			r = -ETIMEDOUT;
			break;
		}
		poll(&pfd, 1, left < 100 ? (int)left : 100);
	}
	close(pfd.fd);
	return r;
}

/* rmdir can fail with EBUSY for a moment after a group empties. */
static int remove_dir(int dirfd, const char *name)
{
	for (int i = 0; i < 500; i++) {
		if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0)
			return 0;
		if (errno != EBUSY)
			return -errno;
		usleep(1000);
	}
	return -EBUSY;
}

static int remove_children(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *e;
	DIR *d;
	int r = 0;

	if (fd < 0 || !(d = fdopendir(fd))) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		return r;
	}
	while ((e = readdir(d))) {
		int cfd, r2;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		cfd = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		r2 = cfd < 0 ? -errno : remove_children(cfd);
		if (cfd >= 0)
			close(cfd);
		if (r2 == 0)
			r2 = remove_dir(fd, e->d_name);
		if (r2 < 0 && r == 0)
			r = r2;
	}
	closedir(d);
	return r;
}

int scratch_fini(void)
{
	int r = 0, r2;

	if (parent_fd < 0) {	/* scratch_init() failed half-way */
		if (parent[0])
			rmdir(parent);
		sigprocmask(SIG_SETMASK, &saved_mask, NULL);
		return 0;
	}
	/* Whatever is left is ours.  The library would do too, but the
	 * teardown should not depend on the code being demonstrated. */
	if (scratch_populated(parent_fd) > 0) {
		int fd = openat(parent_fd, "cgroup.kill", O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, "1", 1) != 1 || wait_empty(parent_fd, 5000) < 0)
			r = -EBUSY;
		if (fd >= 0)
			close(fd);
	}
	if (scratch_reap_all(5000) < 0 && r == 0)
		r = -ETIMEDOUT;
	r2 = remove_children(parent_fd);
	if (r2 == 0)
		r2 = remove_dir(AT_FDCWD, parent);
	if (r == 0)
		r = r2;
	if (r < 0)
		fprintf(stderr, "could not remove %s: %s\n", parent, strerror(-r));
	close(parent_fd);
	parent_fd = -1;
	fflush(stdout);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	return r;
}

static const char *method_name(uint32_t m)
{
	switch (m) {
	case CGKILL_METHOD_NONE:
		return "none (dry run)";
	case CGKILL_METHOD_NATIVE:
		return "native (cgroup.kill)";
	case CGKILL_METHOD_FREEZE:
		return "freeze (cgroup.freeze + pidfd_send_signal)";
	}
	return "unknown";
}

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

void print_report(const char *title, int result, const struct cgkill_report *rep,
		  const struct cgkill_op *op)
{
	printf("\n%s\n", title);
	if (result < 0) {
		printf("  result          error: %s\n", strerror(-result));
		return;
	}
	printf("  result          %s\n", result == CGKILL_DONE ? "CGKILL_DONE" :
	       result == CGKILL_TIMEOUT ? "CGKILL_TIMEOUT" :
	       result == CGKILL_LEFT_FROZEN ? "CGKILL_LEFT_FROZEN" : "?");
	printf("  method          %s\n", method_name(rep->last_method));
	printf("  signalled       %llu\n", (unsigned long long)rep->signaled);
	printf("  groups          %llu\n", (unsigned long long)rep->cgroups);
	printf("  passes          %llu\n", (unsigned long long)rep->passes);
	printf("  kernel threads  %llu\n", (unsigned long long)rep->kernel_threads);
	printf("  empty           %s\n", yes(rep->flags & CGKILL_REPORT_NO_USERS));
	printf("  populated       %s\n", yes(rep->flags & CGKILL_REPORT_POPULATED));
	printf("  timed out       %s\n", yes(rep->flags & CGKILL_REPORT_TIMED_OUT));
	/* Stages matter when the first signal could be handled. */
	if (rep->n_stages > 1 || rep->first_signal != SIGKILL) {
		printf("  escalated       %s\n", yes(rep->flags & CGKILL_REPORT_ESCALATED));
		for (uint32_t i = 0; op && i < rep->n_stages && i < 2; i++) {
			struct cgkill_stage st = { .size = sizeof(st) };

			if (cgkill_op_get_stage(op, i, &st) < 0)
				break;
			printf("  stage %u         SIG%s, %s, %llu signalled\n", i + 1,
			       sigabbrev_np(st.signal), method_name(st.method),
			       (unsigned long long)st.signaled);
		}
	}
	printf("  elapsed         %.1f ms\n", (double)rep->elapsed_ns / 1e6);
}
