/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the hardening tests need beyond tests/helpers.h: processes and groups
 * the harness does not know about, tracked here so that a failing test still
 * kills, reaps and removes them (hx_teardown runs before cgt_teardown). */
#ifndef CGKILL_TEST_HARDENING_EXTRA_H
#define CGKILL_TEST_HARDENING_EXTRA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "helpers.h"

/* cmocka setup/teardown around cgt_setup()/cgt_teardown(). */
int hx_setup(void **state);
int hx_teardown(void **state);

/* A process we started outside cgt_spawn*: SIGKILLed and reaped by
 * hx_teardown unless hx_forget_pid() was called after reaping it. */
void hx_track_pid(pid_t pid);
void hx_forget_pid(pid_t pid);
/* SIGKILL, reap (up to 10 s) and forget; returns the wait status or -1. */
int hx_kill_reap(pid_t pid);
/* A group in which groups and processes the harness does not know about may
 * appear: hx_teardown thaws, kills and removes everything below it (not the
 * group itself, which cgt_cleanup removes). */
void hx_track_tree(const char *group);
/* A descriptor hx_teardown closes if the test did not (hx_close). */
int hx_track_fd(int fd);
void hx_close(int *fd);
/* Shared anonymous memory, unmapped by hx_teardown; zero-filled. */
void *hx_shared(size_t size);

/* Skip with a reason, or fail under CGKILL_REQUIRE_CGROUP=1, unless the
 * kernel offers every CGKILL_FEATURE_* bit of need. */
void hx_require_features(uint64_t need);
/* Skip (or fail under CGKILL_REQUIRE_CGROUP=1) with a printed reason. */
void hx_skip(const char *why);

/* Processes listed in cgroup.procs of group and of every group below it
 * (groups removed meanwhile are skipped); up to max pids stored in out. */
int hx_list_procs(const char *group, pid_t *out, int max);
/* mkdir, failing the test on error other than EEXIST. */
void hx_mkdir(const char *path);
/* A leader that moves itself into group and starts n - 1 children there
 * (no migration each: fast for thousands); returns once all n are in.  The
 * children are processes of their own that share the leader's memory. */
pid_t hx_populate(const char *group, int n);
/* The same, returning -errno instead of failing (-EAGAIN: out of pids). */
pid_t hx_populate_try(const char *group, int n);
/* Reap every exited child (orphans come to us, the subreaper); returns
 * how many, and how many of them died by SIGKILL in *killed. */
int hx_reap_all(int *killed);
/* Reap exited children until n were reaped or ms passed; as above. */
int hx_reap_n(int n, int ms, int *killed);

long hx_vmrss_kib(void);
/* Free pids (pid_max minus tasks) and free thread slots (threads-max minus
 * tasks). */
long hx_free_pids(void);
long hx_free_threads(void);
uint64_t hx_now_ns(void);
/* Write a value to a file from a child: no cmocka, returns -errno. */
int hx_write_raw(const char *dir, const char *file, const char *val);

#endif
