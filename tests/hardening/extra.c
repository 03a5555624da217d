// SPDX-License-Identifier: LGPL-2.1-or-later
/* Extra processes, groups, descriptors and shared memory of the hardening
 * tests, each tracked so that hx_teardown undoes it even after a failed
 * assertion; then the harness's own teardown runs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "extra.h"

#define MAX_PIDS 512
#define MAX_TREES 32
#define MAX_FDS 64
#define MAX_MAPS 16

static pid_t pids[MAX_PIDS];
static int n_pids;
static char *trees[MAX_TREES];
static int n_trees;
static int fds[MAX_FDS];
static int n_fds;
static struct {
	void *p;
	size_t size;
} maps[MAX_MAPS];
static int n_maps;

void hx_track_pid(pid_t pid)
{
	assert_true(n_pids < MAX_PIDS);
	pids[n_pids++] = pid;
}

void hx_forget_pid(pid_t pid)
{
	for (int i = 0; i < n_pids; i++)
		if (pids[i] == pid) {
			pids[i] = pids[--n_pids];
			return;
		}
}

int hx_kill_reap(pid_t pid)
{
	int st = -1;

	/* Only a child of ours that is not reaped yet can be signalled: its
	 * pid cannot have been given to anyone else. */
	if (waitpid(pid, &st, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		st = cgt_reap(pid, 10000);
	}
	hx_forget_pid(pid);
	return st;
}

void hx_track_tree(const char *group)
{
	assert_true(n_trees < MAX_TREES);
	trees[n_trees] = strdup(group);
	assert_non_null(trees[n_trees]);
	n_trees++;
}

int hx_track_fd(int fd)
{
	assert_true(fd >= 0);
	assert_true(n_fds < MAX_FDS);
	fds[n_fds++] = fd;
	return fd;
}

void hx_close(int *fd)
{
	if (*fd < 0)
		return;
	for (int i = 0; i < n_fds; i++)
		if (fds[i] == *fd) {
			fds[i] = fds[--n_fds];
			break;
		}
	close(*fd);
	*fd = -1;
}

void *hx_shared(size_t size)
{
	void *p;

	assert_true(n_maps < MAX_MAPS);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	maps[n_maps].p = p;
	maps[n_maps].size = size;
	n_maps++;
	return p;
}

void hx_skip(const char *why)
{
	const char *req = getenv("CGKILL_REQUIRE_CGROUP");

	if (req && !strcmp(req, "1"))
		fail_msg("cannot run (%s) and CGKILL_REQUIRE_CGROUP=1", why);
	fprintf(stderr, "SKIP: %s\n", why);
	skip();
}

void hx_require_features(uint64_t need)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{ CGKILL_FEATURE_KILL, "cgroup.kill" },
		{ CGKILL_FEATURE_FREEZE, "cgroup.freeze" },
		{ CGKILL_FEATURE_PIDFD, "pidfd_open/pidfd_send_signal" },
		{ CGKILL_FEATURE_PIDFD_INFO, "PIDFD_GET_INFO" },
	};
	uint64_t have = 0;
	char why[256] = "kernel lacks";
	int r;

	cgt_require();
	r = cgkill_probe(-1, &have);
	if (r < 0)
		fail_msg("cgkill_probe: %s", strerror(-r));
	if ((have & need) == need)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((need & names[i].bit) && !(have & names[i].bit)) {
			strncat(why, " ", sizeof(why) - strlen(why) - 1);
			strncat(why, names[i].name, sizeof(why) - strlen(why) - 1);
		}
	hx_skip(why);
}

static ssize_t read_all(const char *path, char **buf, size_t *cap)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (*cap - len < 4096) {
			size_t ncap = *cap ? *cap * 2 : 65536;
			char *nb = realloc(*buf, ncap);

			if (!nb) {
				close(fd);
				return -ENOMEM;
			}
			*buf = nb;
			*cap = ncap;
		}
		n = read(fd, *buf + len, *cap - len - 1);
		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	(*buf)[len] = '\0';
	return (ssize_t)len;
}

/* Every group at and below top, parents before children, as malloc'd paths
 * in *out (count returned). Groups that vanish meanwhile are left out. */
static int collect_groups(const char *top, char ***out)
{
	char **v = NULL;
	size_t n = 0, cap = 0;

	if (access(top, F_OK) < 0) {
		*out = NULL;
		return 0;
	}
	v = malloc(sizeof(*v) * 16);
	assert_non_null(v);
	cap = 16;
	v[n++] = strdup(top);
	for (size_t i = 0; i < n; i++) {
		DIR *d = opendir(v[i]);
		struct dirent *e;

		if (!d)
			continue;
		while ((e = readdir(d))) {
			char *p;

			if (e->d_type != DT_DIR || e->d_name[0] == '.')
				continue;
			if (asprintf(&p, "%s/%s", v[i], e->d_name) < 0)
				abort();
			if (n == cap) {
				cap *= 2;
				v = realloc(v, sizeof(*v) * cap);
				if (!v)
					abort();
			}
			/* Breadth first: a parent always precedes its children. */
			v[n++] = p;
		}
		closedir(d);
	}
	*out = v;
	return (int)n;
}

static void free_groups(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int hx_list_procs(const char *group, pid_t *out, int max)
{
	char **v, *buf = NULL;
	size_t cap = 0;
	int n = collect_groups(group, &v), count = 0;

	for (int i = 0; i < n; i++) {
		char path[8192];
		ssize_t len;

		snprintf(path, sizeof(path), "%s/cgroup.procs", v[i]);
		len = read_all(path, &buf, &cap);
		if (len == -ENOENT || len == -ENODEV)
			continue;	/* removed since listed */
		if (len < 0) {
			free(buf);
			free_groups(v, n);
			fail_msg("read %s: %s", path, strerror((int)-len));
		}
		for (char *s = buf; *s;) {
			char *nl = strchr(s, '\n');

			if (out && count < max)
				out[count] = (pid_t)atoi(s);
			count++;
			if (!nl)
				break;
			s = nl + 1;
		}
	}
	free(buf);
	free_groups(v, n);
	return count;
}

void hx_mkdir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", path, strerror(errno));
}

int hx_write_raw(const char *dir, const char *file, const char *val)
{
	char path[8192];
	size_t len = strlen(val);
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, len) != (ssize_t)len)
		r = errno ? -errno : -EIO;
	close(fd);
	return r;
}

#define IDLE_STACK 32768

/* A child of the leader: nothing but raw system calls, since it runs on the
 * leader's memory (and its thread-local errno). */
static int idle_main(void *wfd)
{
	syscall(SYS_close, (long)(intptr_t)wfd);
	for (;;)
		syscall(SYS_pause);
	return 0;
}

static __attribute__((noreturn)) void leader_main(const char *group, int n, int wfd)
{
	sigset_t none;
	char *stacks = NULL;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (hx_write_raw(group, "cgroup.procs", "0") < 0)
		_exit(100);
	/* fork() costs milliseconds on some VMs; a process that shares the
	 * leader's memory (clone without CLONE_THREAD: its own thread group,
	 * pid and pidfd) takes a fraction of that. */
	if (n > 1) {
		stacks = mmap(NULL, (size_t)n * IDLE_STACK, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (stacks == MAP_FAILED)
			_exit(103);
	}
	for (int i = 1; i < n; i++) {
		pid_t c = clone(idle_main, stacks + (size_t)(i + 1) * IDLE_STACK,
				CLONE_VM | SIGCHLD, (void *)(intptr_t)wfd);

		if (c < 0) {
			/* Tell why (EAGAIN: no pid left on the machine). */
			int e = errno;

			if (write(wfd, &e, sizeof(e)) != sizeof(e))
				_exit(102);
			_exit(101);
		}
	}
	if (write(wfd, &(int){ 0 }, sizeof(int)) != sizeof(int))
		_exit(102);
	close(wfd);
	for (;;)
		pause();
}

pid_t hx_populate_try(const char *group, int n)
{
	struct pollfd pfd = { .events = POLLIN };
	int p[2], e = -1;
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (pid == 0) {
		close(p[0]);
		leader_main(group, n, p[1]);
	}
	close(p[1]);
	hx_track_pid(pid);
	pfd.fd = p[0];
	if (poll(&pfd, 1, 120000) != 1 || read(p[0], &e, sizeof(e)) != sizeof(e))
		e = -1;
	close(p[0]);
	if (e == 0)
		return pid;
	/* The leader failed: kill what it started (they share its group). */
	hx_write_raw(group, "cgroup.kill", "1");
	hx_kill_reap(pid);
	return e > 0 ? -e : -EIO;
}

pid_t hx_populate(const char *group, int n)
{
	pid_t pid = hx_populate_try(group, n);

	if (pid < 0)
		fail_msg("%d processes did not start in %s: %s", n, group,
			 strerror((int)-pid));
	return pid;
}

int hx_reap_n(int n, int ms, int *killed)
{
	uint64_t end = hx_now_ns() + (uint64_t)ms * 1000000ULL;
	int count = 0, k = 0, st;

	while (count < n) {
		pid_t r = waitpid(-1, &st, WNOHANG);

		if (r > 0) {
			count++;
			if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
				k++;
			continue;
		}
		if (r < 0 || hx_now_ns() > end)
			break;
		usleep(1000);
	}
	if (killed)
		*killed = k;
	return count;
}

int hx_reap_all(int *killed)
{
	int count = 0, k = 0, st;
	pid_t r;

	while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
		count++;
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			k++;
	}
	if (killed)
		*killed = k;
	return count;
}

long hx_vmrss_kib(void)
{
	char *all = NULL, *p;
	size_t cap = 0;
	long v = -1;

	if (read_all("/proc/self/status", &all, &cap) > 0 &&
	    (p = strstr(all, "\nVmRSS:")))
		v = strtol(p + 7, NULL, 10);
	free(all);
	return v;
}

/* A small file's text, NUL-terminated; -1 if unreadable or empty. */
static int read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static long read_long(const char *path)
{
	char buf[64];

	return read_text(path, buf, sizeof(buf)) < 0 ? -1 : strtol(buf, NULL, 10);
}

static long tasks_now(void)
{
	char buf[128], *slash;

	if (read_text("/proc/loadavg", buf, sizeof(buf)) < 0)
		return -1;
	/* "0.00 0.01 0.05 1/123 4567": the fourth field is running/total. */
	slash = strchr(buf, '/');
	return slash ? strtol(slash + 1, NULL, 10) : -1;
}

long hx_free_pids(void)
{
	long max = read_long("/proc/sys/kernel/pid_max"), used = tasks_now();

	/* Pids below 300 are not handed out again after the counter wraps. */
	return max < 0 || used < 0 ? -1 : max - 300 - used;
}

long hx_free_threads(void)
{
	long max = read_long("/proc/sys/kernel/threads-max"), used = tasks_now();

	return max < 0 || used < 0 ? -1 : max - used;
}

uint64_t hx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int wait_unpopulated(const char *group, int ms)
{
	char path[8192], buf[256];
	int fd, r = -1;

	snprintf(path, sizeof(path), "%s/cgroup.events", group);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	for (int t = 0; fd >= 0 && t < ms; t += 10) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

		if (n <= 0)
			break;
		buf[n] = '\0';
		if (strstr(buf, "populated 0")) {
			r = 0;
			break;
		}
		poll(&(struct pollfd){ .fd = fd, .events = POLLPRI }, 1, 10);
	}
	if (fd >= 0)
		close(fd);
	return r;
}

/* Thaw, kill and remove everything below top (top stays). */
static void destroy_below(const char *top)
{
	char **v;
	int r, n = collect_groups(top, &v);

	if (n == 0)
		return;
	for (int i = 0; i < n; i++)
		hx_write_raw(v[i], "cgroup.freeze", "0");
	r = hx_write_raw(top, "cgroup.kill", "1");
	if (r < 0)
		fprintf(stderr, "cleanup: cannot kill %s: %s\n", top, strerror(-r));
	if (wait_unpopulated(top, 10000) < 0)
		fprintf(stderr, "cleanup: %s still populated\n", top);
	for (int i = n - 1; i > 0; i--) {
		int t = 0;

		while (rmdir(v[i]) < 0 && errno == EBUSY && t++ < 200)
			usleep(10000);
		if (access(v[i], F_OK) == 0)
			fprintf(stderr, "cleanup: could not remove %s: %s\n", v[i],
				strerror(errno));
	}
	free_groups(v, n);
}

int hx_setup(void **state)
{
	n_pids = n_trees = n_fds = n_maps = 0;
	return cgt_setup(state);
}

int hx_teardown(void **state)
{
	for (int i = n_pids - 1; i >= 0; i--)
		if (waitpid(pids[i], NULL, WNOHANG) == 0) {
			kill(pids[i], SIGKILL);
			if (cgt_reap(pids[i], 10000) == -1)
				fprintf(stderr, "cleanup: process %d not reaped\n",
					(int)pids[i]);
		}
	n_pids = 0;
	for (int i = n_trees - 1; i >= 0; i--) {
		destroy_below(trees[i]);
		free(trees[i]);
	}
	n_trees = 0;
	hx_reap_all(NULL);	/* orphans of our leaders come to us */
	for (int i = 0; i < n_fds; i++)
		close(fds[i]);
	n_fds = 0;
	for (int i = 0; i < n_maps; i++)
		munmap(maps[i].p, maps[i].size);
	n_maps = 0;
	return cgt_teardown(state);
}
