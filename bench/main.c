// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cgkill-bench: how long does it take to empty a cgroup v2 subtree?
 *
 * Four methods, measured side by side in one run, alternating method by
 * method (raw, native, fallback, naive, raw, ...), each on a population of
 * its own in freshly created groups:
 *
 *   raw       write("1") to cgroup.kill, then wait for "populated 0" by
 *             poll(POLLPRI) on cgroup.events: the kernel's floor;
 *   native    cgkill_fd(), default options (SIGKILL), infinite timeout;
 *   fallback  the same with CGKILL_FORCE_FREEZE (freeze + pidfd signals);
 *   naive     read every cgroup.procs of the subtree and kill() each pid
 *             until a pass lists nobody, then the same event wait.
 *
 * Populations: N processes that pause(), spread over G groups, and a fork
 * bomb bounded by a counter in MAP_SHARED memory that is still growing when
 * the kill starts.  cgkill-bench-spawn (spawn.c, static) starts them with
 * clone3(CLONE_INTO_CGROUP | CLONE_PARENT): they are our children and as
 * small as processes get, which halves spawning and exit costs in a VM.
 * --population dynamic uses cgkill-bench-spawn-dyn instead, the same
 * program dynamically linked: ordinary processes, whose slower exits are
 * what users see (and hide less of the library's own cost than one
 * would think: each exit's CPU competes with the signalling round).
 * The clock starts once all N reached pause() (a counter, again shared).
 *
 * Time to empty: raw and naive wait for the event themselves; for the
 * library it is when cgkill_fd() returns.  A watcher thread reads a second
 * cgroup.events fd, opened before the call, to see when "populated 0"
 * really happened: the library's return lag is measured against it.
 *
 * Safety: every group lives below one parent of ours, <cgroup2 mount>/
 * cgkill-bench-<pid>, and is removed leaves first on every path.  We are a
 * child subreaper and reap nothing while a method runs, so a pid listed in
 * one of our groups stays held (alive or as our zombie) and cannot be
 * recycled under the naive kill(): it only ever hits processes we started.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"

volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static int run(struct ctx *cx)
{
	const struct opts *o = &cx->o;
	struct cell cells[MAX_LIST * MAX_LIST + 1];
	struct summary (*su)[M_COUNT];
	struct sample *smp;
	struct memres mem[2 * MAX_LIST];
	int ncells = 0, nmem = 0, failed = 0;
	unsigned order = 0;
	char subtitle[160];
	struct utsname un;
	uint64_t t_start = bench_now();

	for (int gi = 0; gi < o->ng; gi++)
		for (int ni = 0; ni < o->nn; ni++) {
			struct cell *c = &cells[ncells++];

			c->n = o->n[ni];
			c->groups = o->groups[gi] > c->n ? (int)c->n : o->groups[gi];
			c->bomb = false;
			snprintf(c->label, sizeof(c->label), "N=%ld G=%d", c->n, c->groups);
		}
	if (o->bomb) {
		struct cell *c = &cells[ncells++];

		c->n = o->bomb_cap;
		c->groups = 1;
		c->bomb = true;
		snprintf(c->label, sizeof(c->label), "bomb cap %ld", c->n);
	}
	su = calloc((size_t)ncells, sizeof(*su));
	smp = calloc((size_t)ncells * M_COUNT * (size_t)o->reps, sizeof(*smp));
	if (!su || !smp) {
		free(su);
		free(smp);
		return -ENOMEM;
	}

	for (int i = 0; i < ncells && !g_stop; i++) {
		const struct cell *c = &cells[i];

		for (int rep = 0; rep < o->reps && !g_stop; rep++)
			for (int m = 0; m < M_COUNT && !g_stop; m++) {
				struct sample *s = &smp[((size_t)i * M_COUNT + (size_t)m) * (size_t)o->reps + (size_t)rep];
				int r;

				if (!o->use[m])
					continue;
				r = measure(cx, c, m, s);

				if (r < 0 || !s->ok)
					failed++;
				json_measurement(cx->json, c, m, rep, order++, s);
				fprintf(stderr, "%-16s rep %d/%d %-9s populate %8.1f ms  empty %9.3f  call %9.3f  seen %9.3f  by event %9.3f ms  psi %5.2f%s\n",
					c->label, rep + 1, o->reps, method_name[m],
					ms(s->populate_ns), ms(s->empty_ns), ms(s->call_ns),
					ms(s->seen_ns), ms(s->seen_event_ns), s->psi,
					s->ok ? "" : "  FAILED");
			}
		for (int m = 0; m < M_COUNT; m++) {
			summarize(&smp[((size_t)i * M_COUNT + (size_t)m) * (size_t)o->reps],
				  o->reps, &su[i][m]);
			su[i][m].run = o->use[m];
		}
		for (int m = 0; m < M_COUNT; m++) {
			su[i][m].ratio = su[i][m].empty.med / su[i][M_RAW].empty.med;
			if (o->use[m])
				json_summary(cx->json, c, m, &su[i][m]);
		}
	}
	if (g_stop)
		failed++;

	print_table(cells, ncells, su, o->reps);
	print_targets(cells, ncells, su);
	printf("\nmeasurements: %.1f s\n", ms(bench_now() - t_start) / 1000);

	if (!g_stop && o->memory != 0) {
		long nmax = 0;
		int r;

		for (int i = 0; i < o->nn; i++)
			if (o->n[i] > nmax)
				nmax = o->n[i];
		r = memory_mode(cx, nmax, mem, &nmem);
		if (r < 0) {
			failed++;
		} else {
			printf("\nPeak memory of a process that only calls cgkill_fd "
			       "(fork+exec of this program; peak reset just before the call):\n");
			printf("%-9s %-14s %12s %12s %12s %12s %10s\n", "method", "cell",
			       "RSS before", "VmHWM peak", "call's own", "ru_maxrss", "call ms");
			for (int k = 0; k < nmem; k++) {
				char label[48];

				snprintf(label, sizeof(label), "N=%ld G=%d", mem[k].n, mem[k].groups);
				printf("%-9s %-14s %9ld KiB %9ld KiB %9ld KiB %9ld KiB %10.3f\n",
				       mem[k].freeze ? "fallback" : "native", label, mem[k].rss0,
				       mem[k].hwm, mem[k].hwm - mem[k].rss0, mem[k].maxrss,
				       ms(mem[k].elapsed));
			}
		}
	}
	if (!g_stop && o->syscalls != 0) {
		if (!have_strace()) {
			printf("\nSystem calls: strace not found, not counted.  Per process the "
			       "fallback makes pidfd_open, ioctl(PIDFD_GET_INFO), "
			       "pidfd_send_signal and close, plus per group and pass an "
			       "openat, reads and close of cgroup.procs.\n");
			if (o->syscalls > 0)
				failed++;
		} else if (syscall_mode(cx) < 0 && o->syscalls > 0) {
			failed++;
		}
	}

	if (o->svg) {
		int r;

		uname(&un);
		snprintf(subtitle, sizeof(subtitle), "Linux %s, %ld CPUs, runs per point: %d",
			 un.release, sysconf(_SC_NPROCESSORS_ONLN), o->reps);
		r = write_svg(o->svg, cells, ncells, su, subtitle);
		if (r < 0) {
			fprintf(stderr, "cgkill-bench: %s: %s\n", o->svg, strerror(-r));
			failed++;
		}
	}
	printf("\ntotal: %.1f s%s\n", ms(bench_now() - t_start) / 1000,
	       failed ? ", with FAILURES" : "");
	free(su);
	free(smp);
	return failed ? -EIO : 0;
}

int main(int argc, char **argv)
{
	struct ctx cx;
	struct sigaction sa = { .sa_handler = on_signal };
	struct utsname un;
	long need = 0;
	int r, ret;
	ssize_t l;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The killer process, started by the memory and system call modes. */
	if (argc >= 3 && !strcmp(argv[1], "--kill-only"))
		return kill_only(argv[2], argc >= 4 && !strcmp(argv[3], "--freeze"));

	memset(&cx, 0, sizeof(cx));
	cx.rootfd = -1;
	cx.shmfd = -1;
	if (parse_args(argc, argv, &cx.o) < 0) {
		usage(stderr);
		return 2;
	}
	l = readlink("/proc/self/exe", cx.exe, sizeof(cx.exe) - 1);
	if (l < 0) {
		perror("cgkill-bench: /proc/self/exe");
		return 1;
	}
	cx.exe[l] = '\0';
	if (getenv("CGKILL_BENCH_SPAWN"))
		snprintf(cx.spawn, sizeof(cx.spawn), "%s", getenv("CGKILL_BENCH_SPAWN"));
	else
		snprintf(cx.spawn, sizeof(cx.spawn), "%.*s/cgkill-bench-spawn%s",
			 (int)(strrchr(cx.exe, '/') - cx.exe), cx.exe,
			 cx.o.dynamic ? "-dyn" : "");
	if (access(cx.spawn, X_OK) < 0) {
		fprintf(stderr, "cgkill-bench: %s: %s (set CGKILL_BENCH_SPAWN)\n",
			cx.spawn, strerror(errno));
		return 1;
	}

	r = find_cgroup2(&cx.mount);
	if (r == -ENOMEDIUM)
		return no_cgroup("no writable cgroup2 mount");
	if (r < 0) {
		fprintf(stderr, "cgkill-bench: reading mountinfo: %s\n", strerror(-r));
		return 1;
	}
	if (asprintf(&cx.root, "%s/cgkill-bench-%d", cx.mount, (int)getpid()) < 0)
		return 1;
	if (mkdir(cx.root, 0755) < 0) {
		int e = errno;

		if (e == EACCES || e == EPERM || e == EROFS)
			return no_cgroup("cgroup2 mount not writable");
		fprintf(stderr, "cgkill-bench: mkdir %s: %s\n", cx.root, strerror(e));
		return 1;
	}
	ret = 1;
	cx.rootfd = open(cx.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cx.rootfd < 0) {
		perror("cgkill-bench: open scratch group");
		goto out;
	}
	if (faccessat(cx.rootfd, "cgroup.kill", W_OK, 0) < 0 ||
	    faccessat(cx.rootfd, "cgroup.freeze", W_OK, 0) < 0) {
		ret = no_cgroup("no cgroup.kill or cgroup.freeze (Linux < 5.14)");
		goto out;
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("cgkill-bench: PR_SET_CHILD_SUBREAPER");
		goto out;
	}
	cx.shmfd = memfd_create("cgkill-bench", MFD_CLOEXEC);
	if (cx.shmfd < 0 || ftruncate(cx.shmfd, (off_t)sizeof(*cx.shm)) < 0) {
		perror("cgkill-bench: memfd");
		goto out;
	}
	cx.shm = mmap(NULL, sizeof(*cx.shm), PROT_READ | PROT_WRITE, MAP_SHARED,
		      cx.shmfd, 0);
	if (cx.shm == MAP_FAILED) {
		cx.shm = NULL;
		perror("cgkill-bench: mmap");
		goto out;
	}
	cx.shm->bench_pid = getpid();
	if (cx.o.json) {
		cx.json = fopen(cx.o.json, "w");
		if (!cx.json) {
			fprintf(stderr, "cgkill-bench: %s: %s\n", cx.o.json, strerror(errno));
			goto out;
		}
	}
	cx.clone3_ok = probe_clone3(&cx);
	cx.spawners = cx.o.spawners;

	uname(&un);
	printf("cgkill-bench: Linux %s, %ld CPUs; cgroup2 at %s; scratch %s\n",
	       un.release, sysconf(_SC_NPROCESSORS_ONLN), cx.mount, cx.root);
	printf("population: %s by %s (%s), fresh groups per run; %d runs per "
	       "method and cell, methods alternating\n",
	       cx.clone3_ok ? "clone3(CLONE_INTO_CGROUP|CLONE_PARENT)" :
			      "clone(CLONE_PARENT) + write \"0\" to cgroup.procs",
	       cx.spawn, cx.o.dynamic ? "dynamically linked" : "static where it could be",
	       cx.o.reps);
	for (int i = 0; i < cx.o.nn; i++)
		if (cx.o.n[i] > need)
			need = cx.o.n[i];
	if (cx.o.bomb && cx.o.bomb_cap > need)
		need = cx.o.bomb_cap;
	if (check_limits(need, cx.json) < 0) {
		fprintf(stderr, "cgkill-bench: raise pid_max/threads-max/RLIMIT_NPROC "
			"or use a smaller --n\n");
		goto out;
	}
	if (cx.json)
		fprintf(cx.json, "{\"type\":\"run\",\"kernel\":\"%s\",\"cpus\":%ld,"
			"\"reps\":%d,\"population\":\"%s\"}\n", un.release,
			sysconf(_SC_NPROCESSORS_ONLN), cx.o.reps,
			cx.clone3_ok ? "clone3" : "fork");

	print_load("at start", cx.json);
	r = cx.o.memback ? memback_mode(&cx) : cx.o.reports ? reports_mode(&cx) : run(&cx);
	print_load("at end", cx.json);
	ret = r < 0 ? 1 : 0;
	if (g_stop)
		ret = 130;
out:
	/* Whatever is left below our root, leaves first; again until a pass
	 * finds nothing, as removing entries while listing can skip some. */
	for (int pass = 0; cx.rootfd >= 0 && pass < 10; pass++) {
		DIR *d = fdopendir(fcntl(cx.rootfd, F_DUPFD_CLOEXEC, 0));
		struct dirent *de;
		int found = 0;

		if (!d)
			break;
		while ((de = readdir(d)))
			if (de->d_type == DT_DIR && de->d_name[0] != '.') {
				sweep(cx.rootfd, de->d_name);
				found++;
			}
		closedir(d);
		if (!found)
			break;
	}
	if (cx.rootfd >= 0)
		close(cx.rootfd);
	if (cx.root && rmdir(cx.root) < 0 && errno != ENOENT) {
		fprintf(stderr, "cgkill-bench: rmdir %s: %s\n", cx.root, strerror(errno));
		ret = 1;
	}
	if (cx.json && fclose(cx.json) != 0)
		ret = 1;
	if (cx.shm)
		munmap(cx.shm, sizeof(*cx.shm));
	if (cx.shmfd >= 0)
		close(cx.shmfd);
	free(cx.root);
	free(cx.mount);
	return ret;
}
