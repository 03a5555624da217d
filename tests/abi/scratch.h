/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A scratch group and a few sleeping children for the ABI consumers, which
 * are built against a header of their own and so cannot use the test
 * helpers: the cgroup2 mount from mountinfo, a group of our own below it,
 * children moved in, everything removed at the end.  Needs root and a
 * writable cgroup2 mount; otherwise the program exits 77 (skip), or 1
 * under CGKILL_REQUIRE_CGROUP=1.
 */
#ifndef ABI_SCRATCH_H
#define ABI_SCRATCH_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SCRATCH_KIDS 4

static char scratch_dir[4200];
static pid_t scratch_kids[SCRATCH_KIDS];

static inline void scratch_skip(const char *why)
{
	const char *req = getenv("CGKILL_REQUIRE_CGROUP");

	printf("SKIP: %s\n", why);
	exit(req && !strcmp(req, "1") ? 1 : 77);
}

/* The mount point of the first cgroup2 mount: the 5th field of the line
 * whose type (after " - ") is cgroup2.  No escaped blanks expected. */
static inline int scratch_mount(char *out, size_t size)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char mnt[4096];

		if (!strstr(line, " - cgroup2 "))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 &&
		    strlen(mnt) < size) {
			strcpy(out, mnt);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static inline void scratch_write(const char *dir, const char *file, const char *val)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, val, strlen(val)) < 0)
			perror(path);
		close(fd);
	}
}

/* Make <mount>/cgkill-abi-NAME-PID with SCRATCH_KIDS pausing children. */
static inline const char *scratch_start(const char *name)
{
	char mnt[4096];

	if (geteuid() != 0)
		scratch_skip("not root");
	if (!scratch_mount(mnt, sizeof(mnt)))
		scratch_skip("no cgroup2 mount");
	snprintf(scratch_dir, sizeof(scratch_dir), "%s/cgkill-abi-%s-%d", mnt, name,
		 (int)getpid());
	if (mkdir(scratch_dir, 0755) < 0)
		scratch_skip("cannot create a scratch group");
	for (int i = 0; i < SCRATCH_KIDS; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			char me[32];

			snprintf(me, sizeof(me), "%d", (int)getpid());
			scratch_write(scratch_dir, "cgroup.procs", me);
			for (;;)
				pause();
		}
		scratch_kids[i] = pid;
	}
	/* Each child moves itself: wait until all are listed. */
	for (int tries = 0; tries < 2000; tries++) {
		char path[4200], buf[4096];
		int fd, n = 0;
		ssize_t len;

		snprintf(path, sizeof(path), "%s/cgroup.procs", scratch_dir);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		len = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			close(fd);
		for (ssize_t i = 0; i < len; i++)
			n += buf[i] == '\n';
		if (n == SCRATCH_KIDS)
			return scratch_dir;
		usleep(1000);
	}
	printf("FAIL: the children never joined %s\n", scratch_dir);
	return NULL;
}

/* How each child ended: the number killed by @sig; the rest are killed. */
static inline int scratch_reap(int sig)
{
	int n = 0;

	for (int i = 0; i < SCRATCH_KIDS; i++) {
		int st = 0;

		for (int t = 0; t < 5000; t++) {
			pid_t r = waitpid(scratch_kids[i], &st, WNOHANG);

			if (r == scratch_kids[i])
				break;
			if (t == 4999) {
				kill(scratch_kids[i], SIGKILL);	/* ours */
				waitpid(scratch_kids[i], &st, 0);
			}
			usleep(1000);
		}
		n += WIFSIGNALED(st) && WTERMSIG(st) == sig;
	}
	return n;
}

/* Children not yet ended. */
static inline int scratch_alive(void)
{
	int n = 0, st;

	for (int i = 0; i < SCRATCH_KIDS; i++)
		n += waitpid(scratch_kids[i], &st, WNOHANG) == 0;
	return n;
}

static inline void scratch_end(void)
{
	scratch_write(scratch_dir, "cgroup.freeze", "0");
	for (int t = 0; t < 1000 && rmdir(scratch_dir) < 0 && errno == EBUSY; t++)
		usleep(1000);
}

#endif
