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

ABI_CHECK(left_frozen, CGKILL_LEFT_FROZEN == 3);
ABI_CHECK(proc_dry_run_flag, CGKILL_PROC_DRY_RUN == 1);
ABI_CHECK(report_no_users, CGKILL_REPORT_NO_USERS == 1);
ABI_CHECK(report_populated_flag, CGKILL_REPORT_POPULATED == 2);
ABI_CHECK(report_timed_out_flag, CGKILL_REPORT_TIMED_OUT == 4);
ABI_CHECK(report_escalated_flag, CGKILL_REPORT_ESCALATED == 8);
ABI_CHECK(report_removed_flag, CGKILL_REPORT_REMOVED == 16);
ABI_CHECK(report_thaw_failed_flag, CGKILL_REPORT_THAW_FAILED == 32);
ABI_CHECK(report_frozen_by_other_flag, CGKILL_REPORT_FROZEN_BY_OTHER == 64);
ABI_CHECK(struct_size_max, CGKILL_STRUCT_SIZE_MAX == 4096);
ABI_CHECK(opts_size_ver0, CGKILL_OPTS_SIZE_VER0 == 48);
ABI_CHECK(report_size_ver0, CGKILL_REPORT_SIZE_VER0 == 80);
ABI_CHECK(stage_size_ver0, CGKILL_STAGE_SIZE_VER0 == 32);
ABI_CHECK(proc_size_ver0, CGKILL_PROC_SIZE_VER0 == 24);

/*
 * One layout on every architecture, 32- or 64-bit, whatever the alignment
 * of uint64_t (4 on i386) or the size of a pointer (pointers sit in 8-byte
 * slots): the same pins hold for -m32, -mx32 and -m64 builds.  Each size
 * is the VER0 size and grows only with a new _VERn constant.
 */
ABI_CHECK(proc_size, offsetof(struct cgkill_proc, size) == 0);
ABI_CHECK(proc_pid, offsetof(struct cgkill_proc, pid) == 4);
ABI_CHECK(proc_signal, offsetof(struct cgkill_proc, signal) == 8);
ABI_CHECK(proc_flags, offsetof(struct cgkill_proc, flags) == 12);
ABI_CHECK(proc_cgroup, offsetof(struct cgkill_proc, cgroup) == 16);
ABI_CHECK(proc_sizeof, sizeof(struct cgkill_proc) == CGKILL_PROC_SIZE_VER0);

ABI_CHECK(opts_size, offsetof(struct cgkill_opts, size) == 0);
ABI_CHECK(opts_signal, offsetof(struct cgkill_opts, signal) == 4);
ABI_CHECK(opts_flags, offsetof(struct cgkill_opts, flags) == 8);
ABI_CHECK(opts_timeout_ms, offsetof(struct cgkill_opts, timeout_ms) == 16);
ABI_CHECK(opts_grace_ms, offsetof(struct cgkill_opts, grace_ms) == 24);
ABI_CHECK(opts_observer, offsetof(struct cgkill_opts, observer) == 32);
ABI_CHECK(opts_userdata, offsetof(struct cgkill_opts, userdata) == 40);
ABI_CHECK(opts_ver0_end, offsetof(struct cgkill_opts, max_survivors) == CGKILL_OPTS_SIZE_VER0);

ABI_CHECK(stage_size, offsetof(struct cgkill_stage, size) == 0);
ABI_CHECK(stage_signal, offsetof(struct cgkill_stage, signal) == 4);
ABI_CHECK(stage_method, offsetof(struct cgkill_stage, method) == 8);
ABI_CHECK(stage_passes, offsetof(struct cgkill_stage, passes) == 12);
ABI_CHECK(stage_signaled, offsetof(struct cgkill_stage, signaled) == 16);
ABI_CHECK(stage_started_ns, offsetof(struct cgkill_stage, started_ns) == 24);
ABI_CHECK(stage_sizeof, sizeof(struct cgkill_stage) == CGKILL_STAGE_SIZE_VER0);

ABI_CHECK(report_size, offsetof(struct cgkill_report, size) == 0);
ABI_CHECK(report_flags, offsetof(struct cgkill_report, flags) == 4);
ABI_CHECK(report_first_signal, offsetof(struct cgkill_report, first_signal) == 8);
ABI_CHECK(report_last_signal, offsetof(struct cgkill_report, last_signal) == 12);
ABI_CHECK(report_last_method, offsetof(struct cgkill_report, last_method) == 16);
ABI_CHECK(report_n_stages, offsetof(struct cgkill_report, n_stages) == 20);
ABI_CHECK(report_signaled, offsetof(struct cgkill_report, signaled) == 24);
ABI_CHECK(report_kernel_threads, offsetof(struct cgkill_report, kernel_threads) == 32);
ABI_CHECK(report_cgroups, offsetof(struct cgkill_report, cgroups) == 40);
ABI_CHECK(report_passes, offsetof(struct cgkill_report, passes) == 48);
ABI_CHECK(report_frozen_pending, offsetof(struct cgkill_report, frozen_pending) == 56);
ABI_CHECK(report_elapsed_ns, offsetof(struct cgkill_report, elapsed_ns) == 64);
ABI_CHECK(report_remove_error, offsetof(struct cgkill_report, remove_error) == 72);
ABI_CHECK(report_thaw_error, offsetof(struct cgkill_report, thaw_error) == 76);
ABI_CHECK(report_ver0_end, offsetof(struct cgkill_report, n_survivors) == CGKILL_REPORT_SIZE_VER0);

/* 1.1: VER1 fields appended, two structs added. */
ABI_CHECK(surv_flag, CGKILL_SURVIVORS == 64);
ABI_CHECK(victims_flag, CGKILL_VICTIMS == 128);
ABI_CHECK(release_flag, CGKILL_RELEASE_MEMORY == 256);
ABI_CHECK(report_no_mrelease_flag, CGKILL_REPORT_NO_MRELEASE == 128);
ABI_CHECK(max_survivors_default, CGKILL_MAX_SURVIVORS_DEFAULT == 64);
ABI_CHECK(opts_size_ver1, CGKILL_OPTS_SIZE_VER1 == 56);
ABI_CHECK(report_size_ver1, CGKILL_REPORT_SIZE_VER1 == 120);
ABI_CHECK(survivor_size_ver0, CGKILL_SURVIVOR_SIZE_VER0 == 120);
ABI_CHECK(victim_size_ver0, CGKILL_VICTIM_SIZE_VER0 == 48);
ABI_CHECK(why_bits, CGKILL_WHY_FROZEN == 1 && CGKILL_WHY_TRACED == 2 &&
	  CGKILL_WHY_STOPPED == 4 && CGKILL_WHY_UNINTERRUPTIBLE == 8 &&
	  CGKILL_WHY_DYING == 16 && CGKILL_WHY_ZOMBIE_LEADER == 32);
ABI_CHECK(disp_values, CGKILL_DISP_DEFAULT == 0 && CGKILL_DISP_BLOCKED == 1 &&
	  CGKILL_DISP_IGNORED == 2 && CGKILL_DISP_CAUGHT == 3);
ABI_CHECK(victim_flags, CGKILL_VICTIM_EXITED == 1 && CGKILL_VICTIM_NATIVE == 2 &&
	  CGKILL_VICTIM_BEFORE == 4);

ABI_CHECK(opts_max_survivors, offsetof(struct cgkill_opts, max_survivors) == 48);
ABI_CHECK(opts_max_victims, offsetof(struct cgkill_opts, max_victims) == 52);
ABI_CHECK(opts_ver1_end, offsetof(struct cgkill_opts, trace) == CGKILL_OPTS_SIZE_VER1);

ABI_CHECK(report_n_survivors, offsetof(struct cgkill_report, n_survivors) == 80);
ABI_CHECK(report_n_victims, offsetof(struct cgkill_report, n_victims) == 84);
ABI_CHECK(report_survivors, offsetof(struct cgkill_report, survivors) == 88);
ABI_CHECK(report_hidden, offsetof(struct cgkill_report, hidden) == 96);
ABI_CHECK(report_mem_bytes, offsetof(struct cgkill_report, memory_released_bytes) == 104);
ABI_CHECK(report_mem_ns, offsetof(struct cgkill_report, memory_released_ns) == 112);
ABI_CHECK(report_sizeof_ver1, sizeof(struct cgkill_report) == CGKILL_REPORT_SIZE_VER1);

ABI_CHECK(surv_size, offsetof(struct cgkill_survivor, size) == 0);
ABI_CHECK(surv_pid, offsetof(struct cgkill_survivor, pid) == 4);
ABI_CHECK(surv_comm, offsetof(struct cgkill_survivor, comm) == 8);
ABI_CHECK(surv_threads, offsetof(struct cgkill_survivor, threads) == 24);
ABI_CHECK(surv_why, offsetof(struct cgkill_survivor, why) == 28);
ABI_CHECK(surv_tracer, offsetof(struct cgkill_survivor, tracer) == 32);
ABI_CHECK(surv_signal, offsetof(struct cgkill_survivor, signal) == 36);
ABI_CHECK(surv_state, offsetof(struct cgkill_survivor, state) == 40);
ABI_CHECK(surv_disposition, offsetof(struct cgkill_survivor, disposition) == 44);
ABI_CHECK(surv_wchan, offsetof(struct cgkill_survivor, wchan) == 48);
ABI_CHECK(surv_cgroup, offsetof(struct cgkill_survivor, cgroup) == 112);
ABI_CHECK(surv_sizeof, sizeof(struct cgkill_survivor) == CGKILL_SURVIVOR_SIZE_VER0);

ABI_CHECK(vic_size, offsetof(struct cgkill_victim, size) == 0);
ABI_CHECK(vic_pid, offsetof(struct cgkill_victim, pid) == 4);
ABI_CHECK(vic_comm, offsetof(struct cgkill_victim, comm) == 8);
ABI_CHECK(vic_signal, offsetof(struct cgkill_victim, signal) == 24);
ABI_CHECK(vic_flags, offsetof(struct cgkill_victim, flags) == 28);
ABI_CHECK(vic_exit_signal, offsetof(struct cgkill_victim, exit_signal) == 32);
ABI_CHECK(vic_exit_code, offsetof(struct cgkill_victim, exit_code) == 36);
ABI_CHECK(vic_cgroup, offsetof(struct cgkill_victim, cgroup) == 40);
ABI_CHECK(vic_sizeof, sizeof(struct cgkill_victim) == CGKILL_VICTIM_SIZE_VER0);

/* 1.2: the trace (VER2 of the options, a struct and its constants). */
ABI_CHECK(opts_size_ver2, CGKILL_OPTS_SIZE_VER2 == 72);
ABI_CHECK(opts_trace, offsetof(struct cgkill_opts, trace) == 56);
ABI_CHECK(opts_trace_data, offsetof(struct cgkill_opts, trace_data) == 64);
ABI_CHECK(opts_sizeof_ver2, sizeof(struct cgkill_opts) == CGKILL_OPTS_SIZE_VER2);
ABI_CHECK(opts_trace_slot, sizeof(((struct cgkill_opts *)0)->trace_slot_) == 8);
ABI_CHECK(opts_trace_data_slot,
	  sizeof(((struct cgkill_opts *)0)->trace_data_slot_) == 8);

ABI_CHECK(trace_size_ver0, CGKILL_TRACE_SIZE_VER0 == 72);
ABI_CHECK(trace_size, offsetof(struct cgkill_trace, size) == 0);
ABI_CHECK(trace_kind, offsetof(struct cgkill_trace, kind) == 4);
ABI_CHECK(trace_ns, offsetof(struct cgkill_trace, ns) == 8);
ABI_CHECK(trace_signal, offsetof(struct cgkill_trace, signal) == 16);
ABI_CHECK(trace_method, offsetof(struct cgkill_trace, method) == 20);
ABI_CHECK(trace_reason, offsetof(struct cgkill_trace, reason) == 24);
ABI_CHECK(trace_result, offsetof(struct cgkill_trace, result) == 28);
ABI_CHECK(trace_count, offsetof(struct cgkill_trace, count) == 32);
ABI_CHECK(trace_count2, offsetof(struct cgkill_trace, count2) == 40);
ABI_CHECK(trace_count3, offsetof(struct cgkill_trace, count3) == 48);
ABI_CHECK(trace_detail, offsetof(struct cgkill_trace, detail) == 56);
ABI_CHECK(trace_message, offsetof(struct cgkill_trace, message) == 64);
ABI_CHECK(trace_sizeof, sizeof(struct cgkill_trace) == CGKILL_TRACE_SIZE_VER0);
ABI_CHECK(trace_detail_slot, sizeof(((struct cgkill_trace *)0)->detail_slot_) == 8);
ABI_CHECK(trace_message_slot, sizeof(((struct cgkill_trace *)0)->message_slot_) == 8);

ABI_CHECK(trace_kinds, CGKILL_TRACE_METHOD == 1 && CGKILL_TRACE_FREEZE == 2 &&
	  CGKILL_TRACE_PASS == 3 && CGKILL_TRACE_THAW == 4 &&
	  CGKILL_TRACE_RESCAN == 5 && CGKILL_TRACE_ESCALATE == 6 &&
	  CGKILL_TRACE_WAIT_END == 7 && CGKILL_TRACE_REMOVE == 8 &&
	  CGKILL_TRACE_MEMORY == 9 && CGKILL_TRACE_VICTIMS == 10 &&
	  CGKILL_TRACE_DONE == 11);
ABI_CHECK(trace_r_method, CGKILL_TRACE_R_NONE == 0 && CGKILL_TRACE_R_NATIVE == 1 &&
	  CGKILL_TRACE_R_NOT_SIGKILL == 2 && CGKILL_TRACE_R_FORCE_FREEZE == 3 &&
	  CGKILL_TRACE_R_NO_KILL_FILE == 4 && CGKILL_TRACE_R_SELF_INSIDE == 5 &&
	  CGKILL_TRACE_R_DRY_RUN == 6);
ABI_CHECK(trace_r_freeze, CGKILL_TRACE_R_FROZE == 10 && CGKILL_TRACE_R_HELD == 11 &&
	  CGKILL_TRACE_R_OTHER_ROUND == 12 && CGKILL_TRACE_R_UNFROZEN == 13 &&
	  CGKILL_TRACE_R_NO_FREEZER == 14);
ABI_CHECK(trace_r_thaw, CGKILL_TRACE_R_THAWED == 20 &&
	  CGKILL_TRACE_R_FOREIGN_KEPT == 21 && CGKILL_TRACE_R_NOT_OURS == 22 &&
	  CGKILL_TRACE_R_THAW_FAILED == 23);
ABI_CHECK(trace_r_pass, CGKILL_TRACE_R_PASS_SIGNAL == 30 &&
	  CGKILL_TRACE_R_PASS_AGAIN == 31 && CGKILL_TRACE_R_PASS_COUNT == 32 &&
	  CGKILL_TRACE_R_PASS_VERIFY == 33 && CGKILL_TRACE_R_PASS_PROBE == 34 &&
	  CGKILL_TRACE_R_PASS_LIST == 35 && CGKILL_TRACE_R_PASS_PENDING == 36);
ABI_CHECK(trace_r_rescan, CGKILL_TRACE_R_FIRST == 40 && CGKILL_TRACE_R_PROGRESS == 41 &&
	  CGKILL_TRACE_R_VERIFIED == 42 && CGKILL_TRACE_R_SENT_AGAIN == 43);
ABI_CHECK(trace_r_end, CGKILL_TRACE_R_EMPTY == 50 && CGKILL_TRACE_R_NO_USERS == 51 &&
	  CGKILL_TRACE_R_TIMEOUT == 52);
ABI_CHECK(trace_r_memory, CGKILL_TRACE_R_PINNED == 60 &&
	  CGKILL_TRACE_R_RELEASED == 61 && CGKILL_TRACE_R_NO_MRELEASE == 62);

/* Fixed widths: no field changes size with the data model. */
ABI_CHECK(opts_signal_width, sizeof(((struct cgkill_opts *)0)->signal) == 4);
ABI_CHECK(opts_observer_slot, sizeof(((struct cgkill_opts *)0)->observer_slot_) == 8);
ABI_CHECK(opts_userdata_slot, sizeof(((struct cgkill_opts *)0)->userdata_slot_) == 8);
ABI_CHECK(proc_cgroup_slot, sizeof(((struct cgkill_proc *)0)->cgroup_slot_) == 8);

#endif
