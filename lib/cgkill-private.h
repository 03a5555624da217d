/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the files of lib/ share; nothing here is part of the ABI.  One
 * banner per file, naming it; what a file shares is named after it
 * (walk.c: walk_subtree()), which lib/check-names.sh checks, and the few
 * inline helpers of this header start with cgk_.
 */
#ifndef CGKILL_PRIVATE_H
#define CGKILL_PRIVATE_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgkill.h"

#define CGKILL_EXPORT __attribute__((visibility("default")))

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#define PF_KTHREAD_FLAG 0x00200000UL /* include/linux/sched.h PF_KTHREAD */
#define PF_EXITING_FLAG 0x00000004UL /* PF_EXITING */

/* ---- parse.c: pure parsers of cgroupfs and procfs text ------------------- */

struct pidvec {
	pid_t *v;
	size_t n, cap;
};
void parse_pidvec_free(struct pidvec *pv);
/* Append the pids of a cgroup.procs buffer; -EINVAL on malformed text. */
int parse_procs(const char *buf, size_t len, struct pidvec *out);
/* "populated N" and "frozen N" of cgroup.events; -1 where absent. */
int parse_events(const char *buf, size_t len, int *populated, int *frozen);
/* The value of "key N" in a flat keyed file: 0, -ENOENT, -EINVAL. */
int parse_keyed(const char *buf, size_t len, const char *key, unsigned long long *val);
/* The flags field (9th) of /proc/PID/stat, robust to any comm. */
int parse_stat_flags(const char *buf, size_t len, unsigned long *flags);
/* Is this process already being killed (SIGKILL pending, or exiting)? */
int parse_stat_dying(const char *buf, size_t len, int *dying);
/* Its state letter, and: has it exited (a zombie, not yet reaped), or are
 * its threads on their way out after its leader was ended by a signal? */
int parse_stat_exited(const char *buf, size_t len, char *state, int *exited);
/* The v2 ("0::") path of /proc/PID/cgroup into out. */
int parse_proc_cgroup(const char *buf, size_t len, char *out, size_t outsz);
/* Who a task is and whether anything of it still runs, from
 * /proc/PID/status (ids in the pid namespace of that /proc). */
struct proc_status {
	pid_t pid, tgid;       /* Pid:, Tgid: */
	char state;	       /* State: R, S, D, T, t, Z, X, ... */
	unsigned long threads; /* Threads: live ones, and the leader */
};
int parse_status(const char *buf, size_t len, struct proc_status *st);
enum cg_type {
	CG_TYPE_DOMAIN,
	CG_TYPE_DOMAIN_THREADED,
	CG_TYPE_DOMAIN_INVALID,
	CG_TYPE_THREADED,
};
int parse_type(const char *buf, size_t len, enum cg_type *type);
/* "0" or "1" followed by optional newline. */
int parse_bool(const char *buf, size_t len, int *val);
/* Is path below (or equal to) the cgroup path base? */
int parse_cgpath_within(const char *path, const char *base);

/* ---- cgfile.c: reading and writing cgroupfs files at a dirfd ------------- */

/* Read a small file into buf (NUL-terminated); returns its length. Also
 * for procfs, with dirfd AT_FDCWD. */
ssize_t cgfile_read(int dirfd, const char *name, char *buf, size_t size);
/* Read a file of any size into *buf, growing it; returns its length. */
ssize_t cgfile_read_all(int dirfd, const char *name, char **buf, size_t *cap);
ssize_t cgfile_fd_read_all(int fd, char **buf, size_t *cap);
int cgfile_write(int dirfd, const char *name, const char *val);
/* pread at offset 0: cgroup.events must be re-read on every event. */
int cgfile_read_events(int evfd, int *populated);

/* ---- mount.c: the cgroup2 mount and the caller's own group -------------- */

struct cg_mount {
	char *target; /* where it is mounted */
	char *root;   /* the group at its root, as a cgroup path */
};
void mount_free(struct cg_mount *m);
/* The cgroup2 mount (first in mountinfo) used to resolve cgroup paths. */
int mount_first(struct cg_mount *m);
/* The mount of the directory fd (whose path is fspath), and whether fd is
 * its root. */
int mount_of_fd(int fd, const char *fspath, struct cg_mount *m, int *is_root);
/* The caller's cgroup v2 path from /proc/self/cgroup (malloc'd). */
int mount_self_path(char **path);

/* ---- target.c: validating a target -------------------------------------- */

struct cg_target {
	char *fspath; /* where the caller's mount namespace sees it */
	char *cgpath; /* as /proc/PID/cgroup would print it */
	int has_self; /* the caller is inside (CGKILL_ALLOW_SELF) */
};
void target_free(struct cg_target *t);
/* cgkill_open() with unfiltered errors. */
int target_open(const char *path, unsigned int flags);
/* Check dirfd is a cgroup2 directory and apply the guard rails. */
int target_check(int dirfd, uint64_t flags, struct cg_target *t);
/* Has the group at dirfd been removed?  Asked of the kernel, never read
 * from the text of a link.  1: removed; 0: there; or -errno. */
int target_removed(int dirfd);

/* ---- idset.c: open-addressing hash of 64-bit keys ------------------------ */

struct idset {
	uint64_t *keys; /* 0 is the empty slot; keys are stored +1 */
	uint32_t *vals;
	size_t n, cap;
};
void idset_free(struct idset *s);
/* Returns the slot value pointer, inserting key with value 0 if absent. */
int idset_get(struct idset *s, uint64_t key, uint32_t **val);
int idset_has(const struct idset *s, uint64_t key);
void idset_clear(struct idset *s);

/* ---- walk.c: the subtree, by directory fds ------------------------------- */

struct cg_group {
	int fd;		 /* open only during the callback */
	uint64_t id;	 /* the cgroup id (kernfs inode) */
	const char *rel; /* path relative to the target, "" for it */
	int depth;
	int own_frozen; /* this group or one between it and the target
				   has cgroup.freeze 1 (only if asked) */
};
typedef int (*walk_fn)(struct cg_group *g, void *data);
/* Visit the target and every descendant, parents first. Groups that
 * vanish during the walk are skipped. frozen: the target counts as
 * own_frozen. Returns the number visited. Neither the stack nor the fds
 * it uses grow with the depth (the heap does). */
int walk_subtree(int dirfd, int want_freeze, int frozen, walk_fn fn, void *data);
/* Called with the parent's fd and the name of each descendant of the
 * target once everything below it was visited and left. */
typedef int (*walk_leave_fn)(int parentfd, const char *name, void *data);
struct walk_spec {
	walk_fn enter;	     /* may be NULL */
	walk_leave_fn leave; /* may be NULL */
	void *data;
	int want_freeze;
	int frozen;
};
/* walk_subtree() with a leave hook; an error of a hook ends the walk with it. */
int walk_subtree_spec(int dirfd, const struct walk_spec *s);
/* The names of the child directories of fd, NUL-separated (malloc'd, NULL
 * when there are none); a directory removed under us has none. */
int walk_list_children(int fd, char **names, size_t *len);
/* The processes of one group visited: 0 and pv filled (buf/cap: the read
 * buffer, reused); 1: none to list here (removed while we walked, or
 * threaded: its processes are listed at its threaded domain root, visited
 * before it); or -errno. */
int walk_procs(int fd, char **buf, size_t *cap, struct pidvec *pv);

/* ---- signal.c: signalling one verified process --------------------------- */
/* Pin a process with a pidfd, classify it, and only then act on it through
 * the pidfd: a recycled pid or a process that moved away is never hit.
 * Each caller composes the steps as its policy says. */

enum sig_class {
	SIG_IN = 0,  /* a user process inside the subtree */
	SIG_GONE,    /* exited, or never was */
	SIG_OUTSIDE, /* no longer in the subtree */
	SIG_KTHREAD, /* a kernel thread: never signalled */
	SIG_DYING,   /* already being killed (only when asked) */
};
struct sig_ctx {
	const struct idset *groups; /* ids of the subtree's groups */
	const char *cgpath;	    /* target path, for the /proc route */
	int use_info;		    /* PIDFD_GET_INFO may be asked (0 once
					   the kernel says it lacks it) */
};
/* A pidfd of pid, or -ESRCH when it is gone (or no longer leads its
 * thread group), or -errno. */
int signal_pin(pid_t pid);
/* What the process pinned by pidfd is now: SIG_GONE once it exited.
 * want_dying: SIG_DYING for one already being killed (costs a /proc read
 * on the PIDFD_GET_INFO route).  PIDFD_GET_INFO where the kernel has it,
 * else /proc; /proc/PID/stat is read at most once. */
int signal_classify(struct sig_ctx *c, int pidfd, pid_t pid, int want_dying, enum sig_class *cls);
/* Send sig (0: only ask, -EPERM when the caller may not signal it), then
 * extra (0: none); -ESRCH once it is gone. */
int signal_send(int pidfd, pid_t pid, int sig, int extra);
/* After a send, for a process in a frozen group: does it sit on the signal
 * until a thaw (1), or did the signal end it at once, the kernel's shortcut
 * for fatal signals, or is it gone (0)?  Or -errno. */
int signal_pending(int pidfd, pid_t pid);
/* A number last seen as a kernel thread, listed again: *cls SIG_KTHREAD
 * (still one), SIG_GONE (nobody has it) or SIG_IN (a user process has it
 * now, to verify as any other); or -errno.  Kernel threads are few: one
 * /proc read each (a user process never turns into one). */
int signal_recheck_kthread(pid_t pid, enum sig_class *cls);
/* A pidfd of pid (a /proc/PID directory fd before Linux 5.3); -EINVAL
 * when pid names a thread that leads no thread group, whatever the
 * kernel's word for it. */
int signal_pidfd_open(pid_t pid);
/* pidfd_send_signal(); kill() after a liveness check before Linux 5.1. */
int signal_pidfd_send(int pidfd, pid_t pid, int sig);
/* The cgroup path of the process pinned by pidfd, from /proc/PID/cgroup,
 * checked alive after the read so the file was its own; -ESRCH if gone. */
int signal_pidfd_cgroup(int pidfd, pid_t pid, char *path, size_t size);
/* 1 and the cgroup id and parent; 0 without PIDFD_GET_INFO; or -errno. */
int signal_pidfd_info(int pidfd, uint64_t *cgroupid, pid_t *ppid);

/* ---- freeze.c: the freezer around a signalling round --------------------- */
struct freeze {
	int froze;   /* we wrote 1: ours to thaw */
	int held;    /* frozen before us, on purpose (not by a round of
			   another call, which thaws it in a moment) */
	int foreign; /* freeze_end(): someone else wrote cgroup.freeze
			   during the round, and their value was kept */
	int watch;   /* inotify on cgroup.freeze while we hold it, or -1 */
	int wd;	     /* its watch */
	int marked;  /* we hold the OFD lock that says "a round's" */
};
/* Freeze the target for a round unless it already is frozen. */
int freeze_begin(int dirfd, struct freeze *fz);
/* Thaw what freeze_begin() froze, unless someone else wrote cgroup.freeze
 * meanwhile; force: thaw all the same (the caller is inside). */
int freeze_end(int dirfd, struct freeze *fz, int force);
/* After freeze_end(): hand the round's inotify fd to *slot, closing the
 * one there.  Closed at once, it would wait for the
 * kernel to free the watch, an SRCU grace period (8-20 ms measured): the
 * latency of every small kill.  Given time, the close costs nothing. */
void freeze_retire(struct freeze *fz, int *slot);
/* The group's own cgroup.freeze, and whether that freeze is on purpose
 * rather than a round of a libcgkill call in progress. */
int freeze_own(int fd, int *frozen, int *held);

/* ---- remove.c: rmdir of an emptied subtree, leaves first ----------------- */
/* rmdir every group below dirfd, leaves first, with walk_subtree_spec()'s
 * bounds; -EBUSY while populated. */
int remove_children(int dirfd);

/* ---- opts.c: structures that grow ---------------------------------------- */
/* -EINVAL below the first version's size, -E2BIG above the cap. */
int opts_size_check(uint32_t size, size_t ver0);
/* Copy a caller's struct of @size into ours of @known bytes: its unknown
 * tail must be zero (-E2BIG), what it lacks is zeroed. */
int opts_struct_load(void *dst, size_t known, const void *src, uint32_t size, size_t ver0);
/* Give a caller's struct of @size the fields it has, zero the rest. */
void opts_struct_store(void *dst, uint32_t size, const void *src, size_t known);
int opts_load(const struct cgkill_opts *in, struct cgkill_opts *out);
/* NULL is fine (no report wanted). */
int opts_report_check(const struct cgkill_report *r);
void opts_report_store(struct cgkill_report *dst, const struct cgkill_report *src);

/* ---- errors.c: the closed set of errors of each public call -------------- */
enum cgk_call {
	CGK_CALL_OPEN,
	CGK_CALL_OPEN_PIDFD,
	CGK_CALL_OPEN_PID,
	CGK_CALL_FD,
	CGK_CALL_PATH,
	CGK_CALL_PID,
	CGK_CALL_PIDFD,
	CGK_CALL_OP_START,
	CGK_CALL_OP_PROCESS,
	CGK_CALL_OP_WAIT,
	CGK_CALL_OP_GET_FD,
	CGK_CALL_OP_GET_STAGE,
	CGK_CALL_PROBE,
	CGK_CALL_OP_GET_SURVIVOR,
	CGK_CALL_OP_GET_VICTIM,
	CGK_CALL_COUNT,
};
/* r unchanged when in the call's set (or not an error), else -EIO. */
int errors_filter(enum cgk_call call, int r);
/* The call's errors, 0-terminated, and its name; NULL past the last. */
const int *errors_of_call(enum cgk_call call, const char **name);

/* ---- op.c, kill.c: the operation behind every kill call ------------------ */
/* Inside it: the engine (engine.c) and its passes (pass.c), op-private.h. */
/* As the public calls, with the errors unfiltered; *by_observer says the
 * error is the observer's own (passed to the caller as it is). */
int op_start(int dirfd, const struct cgkill_opts *opts, struct cgkill_op **ret, int *by_observer);
int op_process(struct cgkill_op *op, struct cgkill_report *report);
/* cs: the caller's cancellation state, let in only while poll() sleeps. */
int kill_wait(struct cgkill_op *op, struct cgkill_report *report, int cs);
/* End an unfinished operation with err, as a failure during the wait. */
int op_abort(struct cgkill_op *op, int err, struct cgkill_report *report);
int op_by_observer(const struct cgkill_op *op);
/* The survivors and victims of an operation (NULL: none listed). */
struct survivors;
struct victims;
void op_lists(const struct cgkill_op *op, struct survivors **s, struct victims **v);
/* kill_fd() on a group opened for the call (or its -errno), closed after,
 * even when the thread is cancelled in the wait. */
int kill_opened(int fd, const struct cgkill_opts *opts, struct cgkill_report *report,
		enum cgk_call call, int cs);
/* cgkill_fd() with the errors of @call. */
int kill_fd(int dirfd, const struct cgkill_opts *opts, struct cgkill_report *report,
	    enum cgk_call call, int cs);

/* Public calls are no cancellation points, but for the blocking waits
 * poll(): a thread cancelled inside one would leak its memory and fds, or
 * end with a group frozen.  Each entry point holds cancellation off. */
static inline int cgk_cancel_off(void)
{
	int old;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	return old;
}

static inline void cgk_cancel_restore(int old)
{
	pthread_setcancelstate(old, NULL);
}

/* cgroupfs and procfs fds are blocking: EINTR and EAGAIN mean "again". */
static inline int cgk_again(int err)
{
	return err == EINTR || err == EAGAIN;
}

#ifdef CGKILL_TEST_HOOKS
/* Test builds only: called with each group's listing, before any of it is
 * signalled, so a test can race the library deterministically (pass.c,
 * victims.c). */
extern void (*cgkill_test_listed)(const pid_t *pids, size_t n);
#endif

/* ---- strpool.c, survivors.c, victims.c: the reports of 1.1 --------------- */
/* Strings that live as long as the operation, for the cgroup fields. */
struct strpool {
	char **v;
	size_t n, cap;
};
/* A copy of s until strpool_free(); the last one again for the same
 * string (callers add group by group).  NULL: ENOMEM. */
const char *strpool_add(struct strpool *p, const char *s);
void strpool_free(struct strpool *p);

struct survivors;
/* What the survivors walk needs of the operation. */
struct surv_in {
	int tfd;	    /* the target */
	const char *cgpath; /* its cgroup path, for the /proc route */
	int use_info;	    /* PIDFD_GET_INFO may be asked */
	int sig;	    /* the last stage's signal */
	uint32_t max;	    /* opts.max_survivors (0: the default) */
};
/* Walk the subtree and describe every user process in it, up to max;
 * counts in *s even when it fails (what was read is kept). */
int survivors_collect(struct survivors **s, const struct surv_in *in);
void survivors_free(struct survivors *s);
/* Listed, all user processes, kernel threads, pid 0 entries. */
void survivors_counts(const struct survivors *s, uint32_t *listed, uint64_t *total,
		      uint64_t *kthreads, uint64_t *hidden);
/* Pure parsers of /proc/PID/status and /proc/PID/stat for a survivor. */
struct surv_status {
	pid_t tracer;
	unsigned long threads;
	uint64_t pending, blocked, ignored, caught; /* bit sig - 1 */
};
int survivors_parse_status(const char *buf, size_t len, struct surv_status *st);
/* comm (NUL-terminated, at most 15 bytes) and state of /proc/PID/stat. */
int survivors_parse_stat(const char *buf, size_t len, char comm[16], char *state);

struct victims;
int victims_new(struct victims **v, uint32_t max);
void victims_free(struct victims *v);
uint32_t victims_count(const struct victims *v);
/* What victims.c keeps of a process it is about to signal (or pin). */
struct vic_pin {
	int pidfd;     /* -1: none kept */
	int before;    /* its pidfd polled readable: it had exited */
	uint32_t same; /* 1 + index of its record from an earlier
				   signal of this call, or 0 */
	char comm[16];
};
/* Read what a victim record wants of pidfd (pid) before it is signalled,
 * whether it is a process v recorded already and, if ask_exited, whether
 * it has exited. */
void victims_pin_read(struct victims *v, struct vic_pin *pin, int pidfd, pid_t pid, int ask_exited);
/* Record that this call sent sig to pid, pinned by pin (its pidfd is
 * taken, kept or closed, and pin->pidfd set to -1 on every path).
 * flags: CGKILL_VICTIM_NATIVE.  The same process again (a later stage)
 * updates its record. */
int victims_add(struct victims *v, struct vic_pin *pin, pid_t pid, int sig, const char *rel,
		uint32_t flags);
/* CGKILL_VICTIMS on the native path: freeze, pin every process, write
 * cgroup.kill, thaw, record them and call observe for each. */
struct vic_native {
	int tfd;
	struct sig_ctx *sc;
	struct idset *groups;	   /* the subtree's group ids, grown */
	struct cgkill_report *rep; /* passes, cgroups, hidden, thaw */
	struct cgkill_stage *stage;
	int (*observe)(void *arg, pid_t pid, int sig, const char *rel);
	void *arg;
	int froze;	  /* out: we froze and thawed it */
	size_t pinned;	  /* out: processes pinned */
	int *spent_watch; /* freeze_retire()'s slot */
};
#define VIC_SELF 1 /* victims_native(): the caller was listed inside */
/* 0: killed; VIC_SELF (nothing killed, thawed); CGKILL_LEFT_FROZEN
 * (killed, the thaw failed: rep says why); -ENOENT: no cgroup.kill;
 * or -errno. */
int victims_native(struct victims *v, struct vic_native *n);

/* ---- mrelease.c: CGKILL_RELEASE_MEMORY ----------------------------------- */
struct mrel;
struct mrel_ctx {
	int tfd;	      /* the target */
	struct sig_ctx *sc;   /* verifies each process */
	struct idset *groups; /* the subtree's group ids, grown */
	/* A victim killed by its pidfd before the kernel's kill (to be
	 * counted and observed); an error stops the operation. */
	int (*sent)(void *arg, pid_t pid, const char *rel);
	void *arg;
};
int mrelease_new(struct mrel **m, const struct mrel_ctx *c);
void mrelease_free(struct mrel *m);
/* Before the kill of a SIGKILL stage: pin every user process of the
 * subtree, read its RSS (largest first) and the target's memory.current,
 * and decide whether to kill-and-reap.  Never fails the kill: what cannot
 * be pinned is not reaped. */
void mrelease_pin(struct mrel *m);
/* Kill-and-reap the largest, one at a time, before the kernel's kill
 * (only when the CPUs are busy); an error is the observer's. */
int mrelease_pairs(struct mrel *m);
/* The fallback's round sent SIGKILL to pid: reaped at once if pairing. */
void mrelease_signalled(struct mrel *m, pid_t pid);
/* After the kill: reap until @until; 1 while some are left.  The engine
 * gives it this much of each call (one reap cannot be split). */
#define MREL_SLICE_NS 10000000ULL
int mrelease_slice(struct mrel *m, uint64_t until);
int mrelease_pending(const struct mrel *m);
/* For the trace: the last pin and what was reaped since. */
struct mrelease_stats {
	uint64_t pinned; /* processes */
	uint64_t rss;	 /* their RSS, bytes */
	uint64_t reaped; /* process_mrelease() done */
	int pairing;	 /* killed and reaped one by one first */
};
void mrelease_stats(const struct mrel *m, struct mrelease_stats *st);
/* memory_released_*, CGKILL_REPORT_NO_MRELEASE; @empty: the subtree
 * emptied, so what is left to reap is gone. */
void mrelease_report(struct mrel *m, int empty, uint64_t t0, struct cgkill_report *rep);

/* ---- time.c: the clocks -------------------------------------------------- */
uint64_t time_now_ns(void);
/* The calling thread's CPU time. */
uint64_t time_thread_cpu_ns(void);

#endif
