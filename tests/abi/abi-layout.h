/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a program compiles into itself from <cgkill.h>: the constants and
 * the layout of the structures.  Changing any of them breaks programs built
 * against libcgkill.so.1, so each is pinned here, checked at compile time
 * in C99, C11 and C++.  Structures may only grow at the end (their size
 * field tells the library which version the caller has).
 */
#ifndef CGKILL_ABI_LAYOUT_H
#define CGKILL_ABI_LAYOUT_H

#include <stddef.h>

#include <cgkill.h>

#if defined(__cplusplus)
#define ABI_CHECK(name, cond) static_assert(cond, #name)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define ABI_CHECK(name, cond) _Static_assert(cond, #name)
#else
#define ABI_CHECK(name, cond) typedef char abi_check_##name[(cond) ? 1 : -1]
#endif

ABI_CHECK(done, CGKILL_DONE == 0);
ABI_CHECK(timeout, CGKILL_TIMEOUT == 1);
ABI_CHECK(running, CGKILL_RUNNING == 2);
ABI_CHECK(timeout_infinite, CGKILL_TIMEOUT_INFINITE == -1);
ABI_CHECK(timeout_default, CGKILL_TIMEOUT_DEFAULT_MS == 10000);
ABI_CHECK(force_freeze, CGKILL_FORCE_FREEZE == 1);
ABI_CHECK(allow_self, CGKILL_ALLOW_SELF == 2);
ABI_CHECK(dry_run, CGKILL_DRY_RUN == 4);
ABI_CHECK(sigcont, CGKILL_SIGCONT == 8);
ABI_CHECK(escalate, CGKILL_ESCALATE == 16);
ABI_CHECK(remove, CGKILL_REMOVE == 32);
ABI_CHECK(method_none, CGKILL_METHOD_NONE == 0);
ABI_CHECK(method_native, CGKILL_METHOD_NATIVE == 1);
ABI_CHECK(method_freeze, CGKILL_METHOD_FREEZE == 2);
ABI_CHECK(open_cgroup_path, CGKILL_OPEN_CGROUP_PATH == 1);
ABI_CHECK(feature_kill, CGKILL_FEATURE_KILL == 1);
ABI_CHECK(feature_freeze, CGKILL_FEATURE_FREEZE == 2);
ABI_CHECK(feature_pidfd, CGKILL_FEATURE_PIDFD == 4);
ABI_CHECK(feature_pidfd_info, CGKILL_FEATURE_PIDFD_INFO == 8);

/* The first member of the extensible structures is their size. */
ABI_CHECK(opts_size_first, offsetof(struct cgkill_opts, size) == 0);
ABI_CHECK(report_size_first, offsetof(struct cgkill_report, size) == 0);

#if defined(__LP64__)
/* x86_64, aarch64, ppc64le, s390x, riscv64: one layout. */
ABI_CHECK(proc_pid, offsetof(struct cgkill_proc, pid) == 0);
ABI_CHECK(proc_signal, offsetof(struct cgkill_proc, signal) == 4);
ABI_CHECK(proc_cgroup, offsetof(struct cgkill_proc, cgroup) == 8);
ABI_CHECK(proc_dry_run, offsetof(struct cgkill_proc, dry_run) == 16);
ABI_CHECK(proc_sizeof, sizeof(struct cgkill_proc) == 24);

ABI_CHECK(opts_signal, offsetof(struct cgkill_opts, signal) == 4);
ABI_CHECK(opts_flags, offsetof(struct cgkill_opts, flags) == 8);
ABI_CHECK(opts_timeout_ms, offsetof(struct cgkill_opts, timeout_ms) == 16);
ABI_CHECK(opts_grace_ms, offsetof(struct cgkill_opts, grace_ms) == 24);
ABI_CHECK(opts_observer, offsetof(struct cgkill_opts, observer) == 32);
ABI_CHECK(opts_userdata, offsetof(struct cgkill_opts, userdata) == 40);
ABI_CHECK(opts_sizeof, sizeof(struct cgkill_opts) == 48);

ABI_CHECK(stage_signal, offsetof(struct cgkill_stage, signal) == 0);
ABI_CHECK(stage_method, offsetof(struct cgkill_stage, method) == 4);
ABI_CHECK(stage_signaled, offsetof(struct cgkill_stage, signaled) == 8);
ABI_CHECK(stage_sizeof, sizeof(struct cgkill_stage) == 16);

ABI_CHECK(report_method, offsetof(struct cgkill_report, method) == 4);
ABI_CHECK(report_signal, offsetof(struct cgkill_report, signal) == 8);
ABI_CHECK(report_empty, offsetof(struct cgkill_report, empty) == 12);
ABI_CHECK(report_populated, offsetof(struct cgkill_report, populated) == 13);
ABI_CHECK(report_timed_out, offsetof(struct cgkill_report, timed_out) == 14);
ABI_CHECK(report_escalated, offsetof(struct cgkill_report, escalated) == 15);
ABI_CHECK(report_signaled, offsetof(struct cgkill_report, signaled) == 16);
ABI_CHECK(report_kernel_threads, offsetof(struct cgkill_report, kernel_threads) == 24);
ABI_CHECK(report_cgroups, offsetof(struct cgkill_report, cgroups) == 32);
ABI_CHECK(report_passes, offsetof(struct cgkill_report, passes) == 40);
ABI_CHECK(report_frozen_pending, offsetof(struct cgkill_report, frozen_pending) == 48);
ABI_CHECK(report_elapsed_ns, offsetof(struct cgkill_report, elapsed_ns) == 56);
ABI_CHECK(report_n_stages, offsetof(struct cgkill_report, n_stages) == 64);
ABI_CHECK(report_stages, offsetof(struct cgkill_report, stages) == 72);
ABI_CHECK(report_sizeof, sizeof(struct cgkill_report) == 104);
#endif

#endif
