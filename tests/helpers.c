// SPDX-License-Identifier: LGPL-2.1-or-later
/* Scratch cgroups under one parent of our own, and processes we start in
 * them. Everything is undone by cgt_cleanup(), which teardown always runs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <grp.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#define SHARED_SLOTS 8192
#define BOMB_SLOT (SHARED_SLOTS - 1)
#define MAX_GROUPS 256

volatile int *cgt_shared;
static char mnt[4096], parent[4096 + 64];
static char *groups[MAX_GROUPS];
static int n_groups, spawn_index, avail = -1;
static pid_t kthreads[8];
static int n_kthreads, fds_before;
static pid_t bystander;
/* Every child we started, so cleanup can kill what cgroup.kill misses (a
 * process whose main thread exited). Only unreaped children are signalled,
 * so a pid is never one someone else was given. */
static pid_t spawned[8192];
static int n_spawned;
static char unavailable_why[8448];

static int find_mount(void)
{
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int found = 0;

	if (tb && it && mnt_table_parse_file(tb, "/proc/self/mountinfo") == 0)
		while (!found && mnt_table_next_fs(tb, it, &fs) == 0)
			if (mnt_fs_get_fstype(fs) &&
			    !strcmp(mnt_fs_get_fstype(fs), "cgroup2")) {
				snprintf(mnt, sizeof(mnt), "%s", mnt_fs_get_target(fs));
				found = 1;
			}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return found;
}

static int probe(void)
{
	if (geteuid() != 0) {
		snprintf(unavailable_why, sizeof(unavailable_why), "not root");
		return 0;
	}
	if (!find_mount()) {
		snprintf(unavailable_why, sizeof(unavailable_why), "no cgroup2 mount");
		return 0;
	}
	snprintf(parent, sizeof(parent), "%s/cgkill-test-%d", mnt, (int)getpid());
	if (mkdir(parent, 0755) < 0 && errno != EEXIST) {
		snprintf(unavailable_why, sizeof(unavailable_why),
			 "cannot create %s: %s", parent, strerror(errno));
		return 0;
	}
	rmdir(parent);
	/* Orphans of fork bombs come back to us to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	cgt_shared = mmap(NULL, SHARED_SLOTS * sizeof(int), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return cgt_shared != MAP_FAILED;
}

void cgt_require(void)
{
	const char *req = getenv("CGKILL_REQUIRE_CGROUP");

	if (avail < 0)
		avail = probe();
	if (avail)
		return;
	if (req && !strcmp(req, "1"))
		fail_msg("real-kernel test cannot run (%s) and CGKILL_REQUIRE_CGROUP=1",
			 unavailable_why);
	fprintf(stderr, "SKIP: real-kernel test needs root and a writable cgroup2 mount: %s\n",
		unavailable_why);
	skip();
}

const char *cgt_parent(void)
{
	return parent;
}

const char *cgt_mount(void)
{
	return mnt;
}

const char *cgt_mkgroup(const char *rel)
{
	char path[8192];
	size_t plen;

	cgt_require();
	plen = strlen(parent);
	snprintf(path, sizeof(path), "%s/%s", parent, rel);
	/* Create each missing ancestor, remembering them for cleanup. */
	for (char *s = path + plen; s; s = strchr(s + 1, '/')) {
		char c = *s;

		*s = '\0';
		if (mkdir(path, 0755) == 0) {
			assert_true(n_groups < MAX_GROUPS);
			groups[n_groups++] = strdup(path);
		} else if (errno != EEXIST) {
			fail_msg("mkdir %s: %s", path, strerror(errno));
		}
		*s = c;
	}
	if (mkdir(path, 0755) == 0) {
		assert_true(n_groups < MAX_GROUPS);
		groups[n_groups++] = strdup(path);
	} else if (errno != EEXIST) {
		fail_msg("mkdir %s: %s", path, strerror(errno));
	}
	for (int i = n_groups - 1; i >= 0; i--)
		if (!strcmp(groups[i], path))
			return groups[i];
	fail_msg("group %s not recorded", path);
	return NULL;
}

void cgt_write(const char *group, const char *file, const char *val)
{
	char path[8192];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", group, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		fail_msg("write %s to %s: %s", val, path, strerror(errno));
	close(fd);
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

static volatile int *my_slot;

static void on_usr1(int sig)
{
	(void)sig;
	__atomic_fetch_add(my_slot, 1, __ATOMIC_SEQ_CST);
}

static void on_term_exit(int sig)
{
	(void)sig;
	_exit(0);
}

static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void child_main(const char *group, enum cgt_kind kind, int idx, int wfd)
{
	char path[8192];
	struct sigaction sa = { 0 };
	pthread_t th;
	sigset_t none;
	int fd;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	snprintf(path, sizeof(path), "%s/cgroup.procs", group);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1)
		_exit(100);
	close(fd);
	my_slot = &cgt_shared[idx % BOMB_SLOT];
	switch (kind) {
	case CGT_PAUSE:
		break;
	case CGT_IGNORE_ALL:
		sa.sa_handler = SIG_IGN;
		for (int s = 1; s < NSIG; s++)
			if (s != SIGKILL && s != SIGSTOP)
				sigaction(s, &sa, NULL);
		break;
	case CGT_ZOMBIE_LEADER:
		if (pthread_create(&th, NULL, idle_thread, NULL))
			_exit(101);
		if (write(wfd, "x", 1) != 1)
			_exit(102);
		pthread_exit(NULL);
	case CGT_COUNT_TERM_NOBODY:
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(103);
		/* fall through */
	case CGT_COUNT_USR1:
	case CGT_COUNT_TERM:
		sa.sa_handler = on_usr1;
		sigaction(kind == CGT_COUNT_USR1 ? SIGUSR1 : SIGTERM, &sa, NULL);
		break;
	case CGT_EXIT_ON_TERM:
		sa.sa_handler = on_term_exit;
		sigaction(SIGTERM, &sa, NULL);
		break;
	}
	if (write(wfd, "x", 1) != 1)
		_exit(102);
	close(wfd);
	for (;;)
		pause();
}

static char proc_state(pid_t pid)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return '?';
	return p[2];
}

void cgt_spawn_many(const char *group, enum cgt_kind kind, int n, pid_t *out)
{
	int p[2];
	char c;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			close(p[0]);
			child_main(group, kind, spawn_index, p[1]);
		}
		spawn_index++;
		if (n_spawned < (int)(sizeof(spawned) / sizeof(spawned[0])))
			spawned[n_spawned++] = pid;
		if (out)
			out[i] = pid;
		/* One at a time: a child that failed to move in is seen at
		 * once, and we never have more unready children than one. */
		if (read(p[0], &c, 1) != 1)
			fail_msg("child %d did not start in %s", (int)pid, group);
		if (kind == CGT_ZOMBIE_LEADER)
			for (int t = 0; t < 1000 && proc_state(pid) != 'Z'; t++)
				usleep(1000);
	}
	close(p[0]);
	close(p[1]);
}

pid_t cgt_spawn(const char *group, enum cgt_kind kind)
{
	pid_t pid;

	cgt_spawn_many(group, kind, 1, &pid);
	return pid;
}

void cgt_forkbomb(const char *group, int cap, int started)
{
	volatile int *ctr = &cgt_shared[BOMB_SLOT];
	char path[8192];
	pid_t pid;
	int fd;

	*ctr = 0;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_CHILD_SUBREAPER, 0);
		snprintf(path, sizeof(path), "%s/cgroup.procs", group);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(100);
		close(fd);
		/* The shared counter bounds the bomb, whoever forks. */
		while (__atomic_fetch_add(ctr, 1, __ATOMIC_SEQ_CST) < cap) {
			pid_t c = fork();

			if (c < 0)
				break;
			usleep(200);	/* keep growing while the kill starts */
		}
		for (;;)
			pause();
	}
	for (int t = 0; t < 20000 && *ctr < started; t++)
		usleep(100);
	assert_true(*ctr >= started);
}

int cgt_forkbomb_count(void)
{
	return cgt_shared[BOMB_SLOT];
}

int cgt_reap(pid_t pid, int ms)
{
	int st;

	for (int t = 0; t <= ms; t++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		if (r < 0)
			return -1;
		usleep(1000);
	}
	return -1;
}

bool cgt_alive(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0 && kill(pid, 0) == 0;
}

static int count_rec(const char *group, int *count)
{
	char path[8192], buf[1 << 16];
	DIR *d;
	struct dirent *e;
	int n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", group);
	n = read_file(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	for (char *s = buf; *s; s++)
		if (*s == '\n')
			(*count)++;
	d = opendir(group);
	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", group, e->d_name);
			count_rec(path, count);
		}
	closedir(d);
	return 0;
}

int cgt_count_procs(const char *group)
{
	int count = 0;

	assert_int_equal(count_rec(group, &count), 0);
	return count;
}

int cgt_populated(const char *group)
{
	char path[8192], buf[256], *p;

	snprintf(path, sizeof(path), "%s/cgroup.events", group);
	assert_true(read_file(path, buf, sizeof(buf)) > 0);
	p = strstr(buf, "populated ");
	assert_non_null(p);
	return p[10] - '0';
}

int cgt_frozen_flag(const char *group)
{
	char path[8192], buf[16];

	snprintf(path, sizeof(path), "%s/cgroup.freeze", group);
	assert_true(read_file(path, buf, sizeof(buf)) > 0);
	return buf[0] - '0';
}

pid_t cgt_move_kthread(const char *group)
{
	/* Harmless ones first; any movable kernel thread will do. */
	static const char *const prefer[] = { "khungtaskd", "kauditd", "oom_reaper",
					      "kdevtmpfs", NULL };
	char path[8192], buf[1024];
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "%s/cgroup.procs", group);
	for (int pass = 0; pass < 2; pass++) {
		d = opendir("/proc");
		assert_non_null(d);
		while ((e = readdir(d))) {
			char spath[64], *p;
			unsigned long flags = 0;
			int ppid = -1, match = pass;
			pid_t pid = atoi(e->d_name);
			int fd;

			if (pid <= 2)
				continue;
			snprintf(spath, sizeof(spath), "/proc/%d/stat", (int)pid);
			if (read_file(spath, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
				continue;
			if (sscanf(p + 2, "%*c %d %*d %*d %*d %*d %lu", &ppid, &flags) != 2 ||
			    ppid != 2 || !(flags & 0x00200000UL))
				continue;
			for (int i = 0; !match && prefer[i]; i++)
				match = !strncmp(strchr(buf, '(') + 1, prefer[i], strlen(prefer[i]));
			if (!match)
				continue;
			fd = open(path, O_WRONLY | O_CLOEXEC);
			snprintf(spath, sizeof(spath), "%d", (int)pid);
			if (fd >= 0 && write(fd, spath, strlen(spath)) > 0) {
				close(fd);
				closedir(d);
				kthreads[n_kthreads++] = pid;
				return pid;
			}
			if (fd >= 0)
				close(fd);
		}
		closedir(d);
	}
	return 0;
}

int cgt_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the DIR's own */
}

static void wait_empty(const char *group, int ms)
{
	char path[8192], buf[256];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.events", group);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	for (int t = 0; fd >= 0 && t < ms; t += 10) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

		if (n > 0) {
			buf[n] = '\0';
			if (strstr(buf, "populated 0"))
				break;
		}
		poll(&(struct pollfd){ .fd = fd, .events = POLLPRI }, 1, 10);
	}
	if (fd >= 0)
		close(fd);
}

/* Remove every directory below dir, leaves first, whatever the test left
 * there, recorded or not: down by name, back up by "..", two fds at a time
 * and no recursion, so neither a 2000-deep chain nor its paths (far beyond
 * PATH_MAX) are an obstacle.  Each directory is listed whole before any of
 * it is removed, so removing never makes the listing skip an entry. */
static void remove_below(const char *dir)
{
	char **down = NULL;	/* names on the way from dir to cur */
	size_t depth = 0, cap = 0;
	int cur = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	while (cur >= 0) {
		char *names = NULL, *busy = NULL, *name;
		size_t len = 0, ncap = 0;
		int lfd = openat(cur, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *d = lfd >= 0 ? fdopendir(lfd) : NULL;
		struct dirent *e;
		int fd;

		if (!d) {
			if (lfd >= 0)
				close(lfd);
			break;
		}
		while ((e = readdir(d))) {
			size_t l = strlen(e->d_name) + 1;

			if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") ||
			    !strcmp(e->d_name, ".."))
				continue;
			if (len + l > ncap) {
				char *nn;

				ncap = ncap * 2 + l + 256;
				nn = realloc(names, ncap);
				assert_non_null(nn);
				names = nn;
			}
			memcpy(names + len, e->d_name, l);
			len += l;
		}
		closedir(d);
		/* Remove the empty ones; go down into the first that is not. */
		for (size_t o = 0; o < len; o += strlen(names + o) + 1)
			if (unlinkat(cur, names + o, AT_REMOVEDIR) < 0 &&
			    errno != ENOENT && !busy)
				busy = strdup(names + o);
		free(names);
		if (busy) {
			fd = openat(cur, busy, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				    O_CLOEXEC);
			if (fd < 0) {
				free(busy);
				if (errno == ENOENT)
					continue;
				break;
			}
			if (depth == cap) {
				char **nd;

				cap = cap * 2 + 64;
				nd = realloc(down, cap * sizeof(*down));
				assert_non_null(nd);
				down = nd;
			}
			down[depth++] = busy;
			close(cur);
			cur = fd;
			continue;
		}
		if (!depth)
			break;	/* nothing left below dir */
		/* cur is empty now: up, and remove it. */
		fd = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(cur);
		cur = fd;
		name = down[--depth];
		for (int t = 0; cur >= 0 && t < 100 &&
		     unlinkat(cur, name, AT_REMOVEDIR) < 0 && errno == EBUSY; t++)
			usleep(10000);
		if (cur >= 0 && faccessat(cur, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
			fprintf(stderr, "cleanup: cannot remove %s (%zu below %s)\n",
				name, depth + 1, dir);
			free(name);
			break;
		}
		free(name);
	}
	if (cur >= 0)
		close(cur);
	while (depth)
		free(down[--depth]);
	free(down);
}

void cgt_cleanup(void)
{
	char path[8192], buf[64];

	if (!parent[0] || access(parent, F_OK) < 0)
		goto reap;
	snprintf(path, sizeof(path), "%s/cgroup.procs", mnt);
	for (int i = 0; i < n_kthreads; i++) {
		int fd = open(path, O_WRONLY | O_CLOEXEC);

		snprintf(buf, sizeof(buf), "%d", (int)kthreads[i]);
		if (fd < 0 || write(fd, buf, strlen(buf)) < 0)
			fprintf(stderr, "could not move kernel thread %s back\n", buf);
		if (fd >= 0)
			close(fd);
	}
	n_kthreads = 0;
	/* Everything left under our parent is ours: thaw, kill, remove. */
	for (int i = 0; i < n_groups; i++) {
		snprintf(path, sizeof(path), "%s/cgroup.freeze", groups[i]);
		int fd = open(path, O_WRONLY | O_CLOEXEC);

		if (fd >= 0) {
			if (write(fd, "0", 1) < 0)
				fprintf(stderr, "thaw %s: %s\n", groups[i], strerror(errno));
			close(fd);
		}
	}
	snprintf(path, sizeof(path), "%s/cgroup.kill", parent);
	{
		int fd = open(path, O_WRONLY | O_CLOEXEC);

		if (fd >= 0) {
			if (write(fd, "1", 1) < 0)
				fprintf(stderr, "kill %s: %s\n", parent, strerror(errno));
			close(fd);
		}
	}
	for (int i = 0; i < n_spawned; i++)
		if (waitpid(spawned[i], NULL, WNOHANG) == 0)
			kill(spawned[i], SIGKILL);
	n_spawned = 0;
	wait_empty(parent, 10000);
	remove_below(parent);
	for (int i = n_groups - 1; i >= 0; i--) {
		for (int t = 0; t < 100 && rmdir(groups[i]) < 0 && errno == EBUSY; t++)
			usleep(10000);
		free(groups[i]);
	}
	n_groups = 0;
reap:
	for (int i = 0; i < n_spawned; i++)
		if (waitpid(spawned[i], NULL, WNOHANG) == 0)
			kill(spawned[i], SIGKILL);
	n_spawned = 0;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int cgt_setup(void **state)
{
	(void)state;
	if (avail < 0)
		avail = probe();
	if (!avail)
		return 0;	/* the test body skips or fails */
	fds_before = cgt_open_fds();
	spawn_index = 0;
	memset((void *)cgt_shared, 0, SHARED_SLOTS * sizeof(int));
	bystander = cgt_spawn(cgt_mkgroup("bystander"), CGT_PAUSE);
	spawn_index = 0;
	memset((void *)cgt_shared, 0, SHARED_SLOTS * sizeof(int));
	return 0;
}

static void list_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char path[300], target[4096];

	while (d && (e = readdir(d))) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0)
			fprintf(stderr, "  fd %s -> %.*s\n", e->d_name, (int)n, target);
	}
	if (d)
		closedir(d);
}

int cgt_teardown(void **state)
{
	int bad = 0, fds;

	(void)state;
	if (!avail)
		return 0;
	if (bystander > 0 && !cgt_alive(bystander)) {
		fprintf(stderr, "FAIL: the bystander in a sibling group died\n");
		bad = 1;
	}
	fds = cgt_open_fds();
	if (fds != fds_before) {
		fprintf(stderr, "FAIL: %d fds open before the test, %d after:\n",
			fds_before, fds);
		list_fds();
		bad = 1;
	}
	bystander = 0;
	cgt_cleanup();
	return bad ? -1 : 0;
}

int64_t cgt_ms(int64_t ms)
{
	const char *s = getenv("CGKILL_TIME_SCALE");
	int scale = s ? atoi(s) : 1;

	return ms * (scale > 0 ? scale : 1);
}

int cgt_pidfd_open(pid_t pid)
{
	char path[64];
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd >= 0 || errno != ENOSYS)
		return fd;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int cgt_kill_stages(const char *path, const struct cgkill_opts *o,
		    struct cgkill_report *r, struct cgkill_stage *stages,
		    uint32_t max)
{
	struct cgkill_report own = { .size = sizeof(own) };
	struct cgkill_op *op = NULL;
	int fd, ret;

	if (!r)
		r = &own;
	for (uint32_t i = 0; i < max; i++)
		stages[i] = (struct cgkill_stage){ .size = sizeof(stages[i]) };
	fd = cgkill_open(path, 0);
	if (fd < 0)
		return fd;
	ret = cgkill_op_start(fd, o, &op);
	close(fd);
	if (ret < 0) {
		assert_null(op);
		return ret;
	}
	assert_non_null(op);
	ret = cgkill_op_wait(op, r);
	/* A finished operation keeps its stages until it is freed. */
	for (uint32_t i = 0; i < max; i++) {
		int s = cgkill_op_get_stage(op, i, &stages[i]);

		if (i < r->n_stages) {
			assert_int_equal(s, 0);
			assert_int_equal(stages[i].size, sizeof(stages[i]));
		} else {
			assert_int_equal(s, -ENOENT);
			stages[i] = (struct cgkill_stage){ .size = sizeof(stages[i]) };
		}
	}
	{
		struct cgkill_stage past = { .size = sizeof(past) };

		assert_int_equal(cgkill_op_get_stage(op, r->n_stages, &past), -ENOENT);
	}
	cgkill_op_free(op);
	return ret;
}

void cgt_opts(struct cgkill_opts *o, void **state)
{
	cgkill_opts_init(o);
	o->flags |= *(uint64_t *)*state;
	o->timeout_ms = 30000;
}
