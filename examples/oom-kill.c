// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * oom-kill: what a user-space out-of-memory killer does once it has picked
 * a victim process: kill the victim's whole group, so that the service does
 * not limp on with half its processes, or start a replacement.
 *
 * It starts a "victim" group (a memory hog and a few helpers) next to a
 * "bystander" group, picks the process with the largest resident set among
 * them as an OOM killer would, opens a pidfd for it and calls
 * cgkill_pidfd().  The pidfd pins the process: if it exited and its pid were
 * reused before the kill, the call would fail with ESRCH rather than kill
 * the group of whoever got the pid.  The victim's group goes; the bystander
 * stays.
 *
 * An OOM killer kills to get memory back, so it asks for
 * CGKILL_RELEASE_MEMORY: the library reaps each victim's memory with
 * process_mrelease(2) (Linux 5.15) right after the kill, instead of
 * leaving it to each victim's exit, which on a starved machine may take
 * seconds.  The report says how much came back and when; this example
 * prints it, and checks it against what the hog touched and what
 * MemAvailable saw.  Without process_mrelease (an older kernel, or a
 * seccomp filter) the kill is the same and the report says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cgkill.h>

#include "scratch.h"

#define HOG_MB 64
#define HELPERS 3
#define NPROCS (1 + HELPERS + 1)	/* hog, helpers, bystander */

static char *volatile hoard;	/* kept, so the compiler keeps the memset */

/* MemAvailable in KiB: what the machine could hand out now. */
static long mem_available_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Free pages parked on the per-CPU lists (the "count:" of each pageset in
 * /proc/zoneinfo), in KiB.  MemAvailable leaves them out, yet the next
 * allocation takes them first: freed memory often lands there. */
static long pcp_kib(void)
{
	char line[256];
	long pages = 0, n;
	FILE *f = fopen("/proc/zoneinfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &n) == 1)
			pages += n;
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

static void hog(void *arg)
{
	size_t size = (size_t)HOG_MB << 20;

	(void)arg;
	hoard = malloc(size);
	if (hoard)
		memset(hoard, 1, size);	/* resident, not only reserved */
	scratch_idle(NULL);
}

/* Resident set of @pid in KiB, from /proc/PID/statm; -1 if it is gone. */
static long rss_kib(pid_t pid)
{
	char path[64];
	long pages = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%*d %ld", &pages) != 1)
		pages = -1;
	fclose(f);
	return pages < 0 ? -1 : pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Make <parent>/name and return its fd, or -errno. */
static int group(const char *name)
{
	char path[PATH_MAX];
	int r = scratch_mkgroup(name, path, sizeof(path));

	return r < 0 ? r : cgkill_open(path, 0);
}

int main(void)
{
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct cgkill_opts opts;
	int victim_fd, bystander_fd, pidfd, r, failed = 0;
	pid_t pids[NPROCS], victim = 0;
	long best = -1, total = 0, avail0, avail1, pcp0, pcp1;

	r = scratch_init("cgkill-oom");
	if (r)
		return r;
	victim_fd = group("victim");
	bystander_fd = group("bystander");
	r = victim_fd < 0 ? victim_fd : bystander_fd;
	for (int i = 0; r >= 0 && i < NPROCS; i++) {
		pids[i] = scratch_spawn(i < NPROCS - 1 ? victim_fd : bystander_fd,
					i == 0 ? hog : scratch_idle, NULL);
		r = pids[i] < 0 ? (int)pids[i] : 0;
	}
	/* The hog allocates after it has moved in: wait for its memory. */
	for (int ms = 0; r >= 0 && rss_kib(pids[0]) < HOG_MB * 1024L; ms++) {
		if (ms == 10000)
			r = -ETIMEDOUT;
		usleep(1000);
	}
	if (r < 0) {
		fprintf(stderr, "FAIL: setting up: %s\n", strerror(-r));
		scratch_fini();
		return 1;
	}
	printf("victim group: %d processes; bystander group: 1 process\n", 1 + HELPERS);

	/* The OOM killer's choice: the largest resident set. */
	for (int i = 0; i < NPROCS; i++) {
		long kib = rss_kib(pids[i]);

		printf("  pid %-7d %6.1f MiB  in %s\n", (int)pids[i], kib / 1024.0,
		       i < NPROCS - 1 ? "victim/" : "bystander/");
		if (i < NPROCS - 1 && kib > 0)
			total += kib;
		if (kib > best) {
			best = kib;
			victim = pids[i];
		}
	}
	printf("picked pid %d (%.1f MiB): killing its whole group\n", (int)victim,
	       best / 1024.0);

	pidfd = (int)syscall(SYS_pidfd_open, victim, 0);
	if (pidfd < 0) {
		perror("pidfd_open");
		scratch_fini();
		return 1;
	}
	cgkill_opts_init(&opts);	/* SIGKILL, wait up to 10 s */
	opts.flags |= CGKILL_RELEASE_MEMORY;
	avail0 = mem_available_kib();
	pcp0 = pcp_kib();
	r = cgkill_pidfd(pidfd, &opts, &rep);
	avail1 = mem_available_kib();
	pcp1 = pcp_kib();
	print_report("kill the victim's group (cgkill_pidfd, CGKILL_RELEASE_MEMORY)",
		     r, &rep, NULL);
	if (r != CGKILL_DONE)
		failed = 1;
	/* What came back: the library's figure (memory.current of the group
	 * where the memory controller is on, else the victims' RSS read
	 * before the kill), against the group's RSS we read, and what the
	 * machine can hand out: MemAvailable, and MemAvailable with the
	 * per-CPU lists, both moving with everything else running too. */
	if (rep.flags & CGKILL_REPORT_NO_MRELEASE) {
		printf("  memory          not reaped by the library: no process_mrelease\n"
		       "                  here; the victims freed it as they exited\n");
	} else if (r == CGKILL_DONE) {
		printf("  memory back     %.1f MiB, %.1f ms after the start (the group's RSS "
		       "was %.1f MiB)\n", rep.memory_released_bytes / 1048576.0,
		       rep.memory_released_ns / 1e6, total / 1024.0);
		printf("  MemAvailable    %+.1f MiB; with the per-CPU page lists %+.1f MiB\n",
		       (avail1 - avail0) / 1024.0,
		       (avail1 + pcp1 - avail0 - pcp0) / 1024.0);
		if (rep.memory_released_bytes < ((uint64_t)HOG_MB << 20) / 10 * 8 ||
		    rep.memory_released_ns > rep.elapsed_ns) {
			fprintf(stderr, "FAIL: the report does not account for the hog's %d MiB\n",
				HOG_MB);
			failed = 1;
		}
	}

	/* A pidfd polls readable once its process has exited. */
	if (poll(&(struct pollfd){ .fd = pidfd, .events = POLLIN }, 1, 0) != 1) {
		fprintf(stderr, "FAIL: pid %d is still alive\n", (int)victim);
		failed = 1;
	}
	close(pidfd);
	for (int i = 0; !failed && i < NPROCS - 1; i++)
		waitpid(pids[i], NULL, 0);	/* dead: reaping cannot block */
	if (failed || scratch_populated(victim_fd) != 0 || scratch_populated(bystander_fd) != 1 ||
	    waitpid(pids[NPROCS - 1], NULL, WNOHANG) != 0) {
		fprintf(stderr, "FAIL: the kill went beyond, or fell short of, the victim's group\n");
		failed = 1;
	} else {
		printf("  afterwards      victim group empty, bystander %d still running\n",
		       (int)pids[NPROCS - 1]);
	}
	close(victim_fd);
	close(bystander_fd);

	if (scratch_fini() < 0)	/* also ends the bystander */
		failed = 1;
	printf("%s\n", failed ? "FAILED" : "OK");
	return failed;
}
