// SPDX-License-Identifier: LGPL-2.1-or-later

// Package testproc starts the processes that the tests of package cgkill
// kill: sleeping processes, processes that ignore SIGTERM, and a fork bomb
// bounded by a shared counter.  Go cannot fork without exec, and a Go
// process per victim would be far too heavy for a fork bomb, so the
// processes are forked in C.
//
// Each set of processes has a holder: a child of the test process that
// stays in the test's own group, is the child subreaper of what it starts,
// and reaps every one of them (the bomb's orphans included) until none is
// left; then it exits, and Wait reaps it.  Every process is bounded in
// time by alarm(2) should the test die before killing it.
package testproc

/*
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

enum { TP_PAUSE, TP_IGNORE_TERM, TP_BOMB, TP_HOG, TP_HOG_IGNORE_TERM };
#define TP_MAX 2048
#define TP_HOG_BYTES (32 << 20)	// TP_HOG: anonymous memory each touches
#define TP_LIFE 300	// seconds: the longest any process lives

struct tp_shm {
	atomic_int ready;	// processes that reached their loop
	atomic_int spawned;	// 1 once the holder forked them all
	atomic_int tokens;	// bomb: forks taken
	atomic_int errors;	// failed forks or moves
	int cap;		// bomb: processes at most
	int pids[TP_MAX];	// pause kinds: the pid of each
};

// From here on a child of fork() in a multithreaded process: only
// async-signal-safe calls, never back into Go.

static void tp_signals(int kind)
{
	struct sigaction sa;
	sigset_t none;

	// Go's handlers came along with the fork: the defaults instead.
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &sa, NULL);
	if (kind == TP_IGNORE_TERM || kind == TP_HOG_IGNORE_TERM) {
		sa.sa_handler = SIG_IGN;
		sigaction(SIGTERM, &sa, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static _Noreturn void tp_bomb(struct tp_shm *shm)
{
	atomic_fetch_add(&shm->ready, 1);
	for (;;) {
		pid_t r;

		if (atomic_fetch_add(&shm->tokens, 1) >= shm->cap - 1)
			break;
		r = fork();
		if (r == 0) {
			alarm(TP_LIFE);
			atomic_fetch_add(&shm->ready, 1);
			continue;
		}
		if (r < 0) {
			atomic_fetch_add(&shm->errors, 1);
			break;
		}
	}
	for (;;)
		pause();
}

static _Noreturn void tp_child(int gfd, int kind, struct tp_shm *shm)
{
	int fd;

	alarm(TP_LIFE);
	fd = openat(gfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		atomic_fetch_add(&shm->errors, 1);
		_exit(127);
	}
	syscall(SYS_close_range, 3U, ~0U, 0U);
	if (kind == TP_BOMB)
		tp_bomb(shm);
	if (kind == TP_HOG || kind == TP_HOG_IGNORE_TERM) {
		// Written, not only read: each page is the process's own
		// resident anonymous memory, which a reap frees.
		char *p = mmap(NULL, TP_HOG_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			atomic_fetch_add(&shm->errors, 1);
			_exit(127);
		}
		for (long i = 0; i < TP_HOG_BYTES; i += 4096)
			p[i] = 1;
	}
	atomic_fetch_add(&shm->ready, 1);
	for (;;)
		pause();
}

static _Noreturn void tp_holder(int gfd, int kind, int n, struct tp_shm *shm)
{
	tp_signals(TP_PAUSE);
	alarm(TP_LIFE + 10);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	// Only the group fd: none of the test's descriptors.
	if (gfd > 3)
		syscall(SYS_close_range, 3U, (unsigned)gfd - 1, 0U);
	syscall(SYS_close_range, (unsigned)gfd + 1, ~0U, 0U);
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			tp_signals(kind);
			tp_child(gfd, kind, shm);
		}
		if (pid < 0) {
			atomic_fetch_add(&shm->errors, 1);
			break;
		}
		if (kind != TP_BOMB)
			shm->pids[i] = pid;
	}
	close(gfd);
	atomic_store(&shm->spawned, 1);
	while (waitpid(-1, NULL, __WALL) >= 0 || errno == EINTR)
		;
	_exit(0);
}

static struct tp_shm *tp_new(void)
{
	void *p = mmap(NULL, sizeof(struct tp_shm), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void tp_free(struct tp_shm *shm)
{
	munmap(shm, sizeof(*shm));
}

// Fork the holder with every signal blocked, so that none runs a Go
// handler in the child before it has reset them.  The pid, or -errno.
static int tp_start(int gfd, int kind, int n, int cap, struct tp_shm *shm)
{
	sigset_t all, old;
	pid_t pid;
	int e;

	shm->cap = cap;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		tp_holder(gfd, kind, n, shm);
	e = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return pid < 0 ? -e : pid;
}

static int tp_ready(struct tp_shm *s) { return atomic_load(&s->ready); }
static int tp_spawned(struct tp_shm *s) { return atomic_load(&s->spawned); }
static int tp_errors(struct tp_shm *s) { return atomic_load(&s->errors); }
static int tp_pid(struct tp_shm *s, int i) { return s->pids[i]; }
*/
import "C"

import (
	"errors"
	"fmt"
	"syscall"
	"time"
)

// Kind is what the processes do.
type Kind int

const (
	Pause         Kind = C.TP_PAUSE           // sleep in pause()
	IgnoreTerm    Kind = C.TP_IGNORE_TERM     // the same, SIGTERM ignored
	Hog           Kind = C.TP_HOG             // touch HogBytes of memory, then pause
	HogIgnoreTerm Kind = C.TP_HOG_IGNORE_TERM // the same, SIGTERM ignored
)

// HogBytes is the anonymous memory each Hog process writes and keeps.
const HogBytes = C.TP_HOG_BYTES

// MaxProcs bounds every set, the fork bomb included.
const MaxProcs = C.TP_MAX

// Procs is one set of processes and their holder.
type Procs struct {
	holder int
	shm    *C.struct_tp_shm
	pids   []int
}

func start(group string, kind C.int, n, bombCap int) (*Procs, error) {
	gfd, err := syscall.Open(group, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(gfd)
	shm := C.tp_new()
	if shm == nil {
		return nil, errors.New("testproc: mmap failed")
	}
	pid := int(C.tp_start(C.int(gfd), kind, C.int(n), C.int(bombCap), shm))
	if pid < 0 {
		C.tp_free(shm)
		return nil, syscall.Errno(-pid)
	}
	return &Procs{holder: pid, shm: shm}, nil
}

// waitReady waits until at least n processes run, or fails after 10 s.
func (p *Procs) waitReady(n int, all bool) error {
	end := time.Now().Add(10 * time.Second)
	for C.tp_ready(p.shm) < C.int(n) || (all && C.tp_spawned(p.shm) == 0) {
		if e := C.tp_errors(p.shm); e != 0 {
			return fmt.Errorf("testproc: %d processes failed to start", e)
		}
		if time.Now().After(end) {
			return fmt.Errorf("testproc: %d of %d processes started", C.tp_ready(p.shm), n)
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

// Start starts n processes of kind in the group at the path and returns
// once all of them sleep in it.
func Start(group string, kind Kind, n int) (*Procs, error) {
	if n < 1 || n > MaxProcs {
		return nil, fmt.Errorf("testproc: %d processes", n)
	}
	p, err := start(group, C.int(kind), n, 0)
	if err != nil {
		return nil, err
	}
	if err := p.waitReady(n, true); err != nil {
		return p, err
	}
	for i := 0; i < n; i++ {
		p.pids = append(p.pids, int(C.tp_pid(p.shm, C.int(i))))
	}
	return p, nil
}

// StartBomb starts a fork bomb in the group that grows to at most bombCap
// processes, and returns once started of them run (it is still growing).
func StartBomb(group string, bombCap, started int) (*Procs, error) {
	if bombCap < 2 || bombCap > MaxProcs || started > bombCap {
		return nil, fmt.Errorf("testproc: bomb of %d", bombCap)
	}
	p, err := start(group, C.TP_BOMB, 1, bombCap)
	if err != nil {
		return nil, err
	}
	return p, p.waitReady(started, false)
}

// Pids returns the pids of the processes (not of a bomb's).
func (p *Procs) Pids() []int { return p.pids }

// Started returns how many processes ran so far (a bomb's included), until
// Wait has reaped the holder.
func (p *Procs) Started() int {
	if p.shm == nil {
		return 0
	}
	return int(C.tp_ready(p.shm))
}

// Wait waits up to timeout for every process to be gone and the holder to
// have reaped them and exited, and reaps the holder.  It does not signal:
// the test kills the group.
func (p *Procs) Wait(timeout time.Duration) error {
	if p.holder == 0 {
		return nil
	}
	end := time.Now().Add(timeout)
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(p.holder, &ws, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if pid == p.holder {
			p.holder = 0
			C.tp_free(p.shm)
			p.shm = nil
			if !ws.Exited() || ws.ExitStatus() != 0 {
				return fmt.Errorf("testproc: holder ended with %v", ws)
			}
			return nil
		}
		if time.Now().After(end) {
			return fmt.Errorf("testproc: processes still alive after %v", timeout)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
