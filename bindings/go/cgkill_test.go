// SPDX-License-Identifier: LGPL-2.1-or-later

// The binding on the real kernel, in scratch groups of processes from
// internal/testproc.  Without root or a writable cgroup2
// mount these tests skip with the reason, or fail under
// CGKILL_REQUIRE_CGROUP=1.

package cgkill

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"libcgkill.org/cgkill/internal/testproc"
)

func TestMain(m *testing.M) { os.Exit(testproc.Main(m)) }

// The two paths: the kernel's cgroup.kill, and the freeze method forced.
var paths = []struct {
	name     string
	fallback bool
	method   Method
}{
	{"native", false, MethodNative},
	{"fallback", true, MethodFreeze},
}

func TestVersion(t *testing.T) {
	if v := Version(); !regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`).MatchString(v) {
		t.Errorf("Version() = %q", v)
	}
}

// TestResults: how the C results map to errors; no kernel needed.
func TestResults(t *testing.T) {
	tg := target{path: "/x"}
	if err := tg.result(resultDone); err != nil {
		t.Errorf("CGKILL_DONE: %v", err)
	}
	for _, c := range []struct {
		r    int
		want error
		msg  string
	}{
		{resultTimeout, ErrTimeout, "cgkill: cgkill_op_process /x: deadline passed with processes left"},
		{resultLeftFrozen, ErrLeftFrozen, "cgkill: cgkill_op_process /x: target left frozen"},
		{-int(syscall.EBUSY), syscall.EBUSY, "cgkill: cgkill_op_process /x: device or resource busy"},
	} {
		err := tg.result(c.r)
		if !errors.Is(err, c.want) || err.Error() != c.msg {
			t.Errorf("result %d: %v", c.r, err)
		}
	}
	// A result this binding does not know is no success.
	if err := tg.result(7); err == nil || errors.Is(err, ErrTimeout) {
		t.Errorf("result 7: %v", err)
	}
	if s := (target{pid: 42}).err("cgkill_open_pid", syscall.ESRCH).Error(); s != "cgkill: cgkill_open_pid pid 42: no such process" {
		t.Errorf("message %q", s)
	}
	if errnoOrNil(0) != nil || errnoOrNil(-int32(syscall.EBUSY)) != syscall.EBUSY {
		t.Error("errnoOrNil")
	}
	for d, ms := range map[time.Duration]int64{
		0: 0, 1: 1, time.Millisecond: 1, time.Millisecond + 1: 2, 1500 * time.Millisecond: 1500,
		-2: -1, Forever: -1, -time.Hour: -1,
	} {
		if got := millis(d); got != ms {
			t.Errorf("millis(%v) = %d, want %d", d, got, ms)
		}
	}
}

// TestWaiter: a cancelled context wakes a wait on an fd that never becomes
// readable, and close() ends the helper goroutine; no kernel needed.
func TestWaiter(t *testing.T) {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(p[0])
	defer syscall.Close(p[1])
	check := testproc.NoLeaks(t)
	ctx, cancel := context.WithCancel(context.Background())
	w, err := newWaiter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.fds[0].fd = int32(p[0])
	got := make(chan error, 1)
	go func() { got <- w.wait() }()
	time.Sleep(20 * time.Millisecond)
	select {
	case err := <-got:
		t.Fatalf("returned before the cancel: %v", err)
	default:
	}
	cancel()
	select {
	case err := <-got:
		if err != context.Canceled {
			t.Errorf("wait() = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the cancel did not wake the wait")
	}
	w.close()
	check()

	// Readable fd: wait() returns nil.
	w, err = newWaiter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w.fds[0].fd = int32(p[0])
	syscall.Write(p[1], []byte{1})
	if err := w.wait(); err != nil {
		t.Errorf("readable: %v", err)
	}
	w.close()
}

func TestProbe(t *testing.T) {
	testproc.Require(t)
	f, err := Probe()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("features: %+v", f)
	// The tests need the freezer and pidfds: every kernel with cgroup.kill
	// has them.
	if !f.Freeze || !f.Pidfd {
		t.Errorf("Probe() = %+v: no freezer or no pidfds", f)
	}
	g, err := Open(testproc.NewScratch(t).Root)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if f2, err := ProbeFd(g); err != nil || f2 != f {
		t.Errorf("ProbeFd() = %+v, %v; Probe() = %+v", f2, err, f)
	}
}

// TestKill: both paths over nested groups, every field that the path
// decides, nothing left, nothing leaked.
func TestKill(t *testing.T) {
	for _, pt := range paths {
		t.Run(pt.name, func(t *testing.T) {
			s := testproc.NewScratch(t)
			ctr := s.Mk("ctr")
			s.Start(ctr, testproc.Pause, 5)
			s.Start(s.Mk("ctr/a"), testproc.Pause, 10)
			s.Start(s.Mk("ctr/b/c"), testproc.Pause, 10)
			check := testproc.NoLeaks(t)
			rep, err := Kill(context.Background(), ctr,
				&Options{Timeout: 10 * time.Second, Fallback: pt.fallback})
			check()
			if err != nil {
				t.Fatal(err)
			}
			if !rep.NoUsers || rep.TimedOut || rep.Escalated || rep.Removed || rep.ThawFailed {
				t.Errorf("flags: %+v", rep)
			}
			if rep.FirstSignal != syscall.SIGKILL || rep.LastSignal != syscall.SIGKILL ||
				rep.LastMethod != pt.method || rep.Elapsed <= 0 {
				t.Errorf("report: %+v", rep)
			}
			if len(rep.Stages) != 1 || rep.Stages[0].Signal != syscall.SIGKILL ||
				rep.Stages[0].Method != pt.method || rep.Stages[0].Started < 0 {
				t.Errorf("stages: %+v", rep.Stages)
			}
			if pt.fallback {
				// Each process signalled once through its pidfd; the
				// four groups walked.
				if rep.Signaled != 25 || rep.Stages[0].Signaled != 25 || rep.Cgroups != 4 {
					t.Errorf("freeze method: %+v", rep)
				}
			} else if rep.Signaled != 0 {
				t.Errorf("native: %d signalled by pidfd", rep.Signaled)
			}
			if n := testproc.CountProcs(t, ctr); n != 0 {
				t.Errorf("%d processes left", n)
			}
			testproc.AssertThawed(t, ctr)
		})
	}
}

// TestForkBomb: a bomb that keeps forking during the kill, up to 1500.
func TestForkBomb(t *testing.T) {
	const max = 1500
	for _, pt := range paths {
		t.Run(pt.name, func(t *testing.T) {
			s := testproc.NewScratch(t)
			g := s.Mk("bomb")
			b := s.Bomb(g, max, 500)
			at := b.Started()
			rep, err := Kill(context.Background(), g,
				&Options{Timeout: 30 * time.Second, Fallback: pt.fallback})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d processes at the call, %d in all; %d signalled by pidfd in %d passes, %v",
				at, b.Started(), rep.Signaled, rep.Passes, rep.Elapsed)
			if !rep.NoUsers || rep.LastMethod != pt.method {
				t.Errorf("report: %+v", rep)
			}
			if n := b.Started(); n > max {
				t.Errorf("the bomb grew to %d, above its cap %d", n, max)
			}
			if n := testproc.CountProcs(t, g); n != 0 {
				t.Errorf("%d processes left", n)
			}
			// The holder reaps the last of them and exits.
			if err := b.Wait(10 * time.Second); err != nil {
				t.Error(err)
			}
			testproc.AssertThawed(t, g)
		})
	}
}

// assertErr checks that err is an *Error of op with path, wrapping want.
func assertErr(t *testing.T, err error, op string, want error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want an *Error", err, err)
	}
	if !errors.Is(err, want) || e.Op != op {
		t.Errorf("err = %v (Op %q), want Op %q and %v", err, e.Op, op, want)
	}
	return e
}

func TestThreadedRefused(t *testing.T) {
	for _, pt := range paths {
		t.Run(pt.name, func(t *testing.T) {
			s := testproc.NewScratch(t)
			thr := s.Mk("dom/thr")
			if err := os.WriteFile(filepath.Join(thr, "cgroup.type"), []byte("threaded"), 0); err != nil {
				t.Fatal(err)
			}
			rep, err := Kill(context.Background(), thr, &Options{Fallback: pt.fallback})
			e := assertErr(t, err, "cgkill_op_start", syscall.EOPNOTSUPP)
			if e.Path != thr || e.Err != syscall.EOPNOTSUPP {
				t.Errorf("error: %#v", e)
			}
			if !reflect.DeepEqual(rep, Report{}) {
				t.Errorf("report filled: %+v", rep)
			}
			f, err := Open(thr)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, err = KillFd(context.Background(), f, &Options{Fallback: pt.fallback})
			assertErr(t, err, "cgkill_op_start", syscall.EOPNOTSUPP)
			// The domain threaded group above it is accepted.
			if _, err := Kill(context.Background(), filepath.Dir(thr),
				&Options{Timeout: time.Second, Fallback: pt.fallback}); err != nil {
				t.Errorf("domain threaded: %v", err)
			}
		})
	}
}

// TestTimeout: processes that ignore SIGTERM outlive the deadline.
func TestTimeout(t *testing.T) {
	s := testproc.NewScratch(t)
	g := s.Mk("stubborn")
	pids := s.Start(g, testproc.IgnoreTerm, 5)
	t0 := time.Now()
	rep, err := Kill(context.Background(), g,
		&Options{Signal: syscall.SIGTERM, Timeout: 200 * time.Millisecond})
	took := time.Since(t0)
	assertErr(t, err, "cgkill_op_process", ErrTimeout)
	if !rep.TimedOut || rep.NoUsers || rep.Signaled != 5 || rep.FirstSignal != syscall.SIGTERM ||
		rep.LastMethod != MethodFreeze || len(rep.Stages) != 1 {
		t.Errorf("report: %+v", rep)
	}
	if rep.Elapsed < 200*time.Millisecond || took < 200*time.Millisecond || took > 5*time.Second {
		t.Errorf("took %v, report %v, for a timeout of 200ms", took, rep.Elapsed)
	}
	if n := testproc.CountProcs(t, g); n != 5 {
		t.Errorf("%d processes left, want 5", n)
	}
	testproc.AssertAlive(t, pids)
	testproc.AssertThawed(t, g)

	// Timeout 0 does not wait at all.
	rep, err = Kill(context.Background(), g, &Options{Signal: syscall.SIGTERM})
	assertErr(t, err, "cgkill_op_process", ErrTimeout)
	if !rep.TimedOut || rep.Elapsed > 150*time.Millisecond {
		t.Errorf("no wait: %+v", rep)
	}
}

// TestEscalation: SIGTERM, ignored; SIGKILL after the grace.
func TestEscalation(t *testing.T) {
	for _, pt := range paths {
		t.Run(pt.name, func(t *testing.T) {
			s := testproc.NewScratch(t)
			g := s.Mk("stubborn")
			s.Start(g, testproc.IgnoreTerm, 5)
			rep, err := Kill(context.Background(), g, &Options{
				Signal: syscall.SIGTERM, Grace: 100 * time.Millisecond,
				Timeout: 10 * time.Second, Fallback: pt.fallback,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Escalated || !rep.NoUsers || rep.FirstSignal != syscall.SIGTERM ||
				rep.LastSignal != syscall.SIGKILL || rep.LastMethod != pt.method {
				t.Errorf("report: %+v", rep)
			}
			if len(rep.Stages) != 2 {
				t.Fatalf("stages: %+v", rep.Stages)
			}
			st0, st1 := rep.Stages[0], rep.Stages[1]
			if st0.Signal != syscall.SIGTERM || st0.Method != MethodFreeze || st0.Signaled != 5 {
				t.Errorf("stage 0: %+v", st0)
			}
			if st1.Signal != syscall.SIGKILL || st1.Method != pt.method ||
				st1.Started < 100*time.Millisecond {
				t.Errorf("stage 1: %+v", st1)
			}
			if n := testproc.CountProcs(t, g); n != 0 {
				t.Errorf("%d processes left", n)
			}
		})
	}
}

// TestCancel: a context ends the kill cleanly: nothing frozen, nothing
// more signalled, the operation freed.
func TestCancel(t *testing.T) {
	stubborn := func(t *testing.T) (string, []int) {
		s := testproc.NewScratch(t)
		g := s.Mk("stubborn")
		return g, s.Start(g, testproc.IgnoreTerm, 5)
	}
	t.Run("during the wait", func(t *testing.T) {
		g, pids := stubborn(t)
		check := testproc.NoLeaks(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		time.AfterFunc(50*time.Millisecond, cancel)
		t0 := time.Now()
		rep, err := Kill(ctx, g, &Options{Signal: syscall.SIGTERM, Timeout: Forever})
		took := time.Since(t0)
		check()
		e := assertErr(t, err, "wait", context.Canceled)
		if e.Path != g {
			t.Errorf("error: %#v", e)
		}
		if took < 50*time.Millisecond || took > 2*time.Second {
			t.Errorf("cancelled at 50ms, returned after %v", took)
		}
		if len(rep.Stages) != 1 || rep.Stages[0].Signal != syscall.SIGTERM || rep.Stages[0].Signaled != 5 {
			t.Errorf("stages: %+v", rep.Stages)
		}
		testproc.AssertThawed(t, g)
		if n := testproc.CountProcs(t, g); n != 5 {
			t.Errorf("%d processes left, want 5", n)
		}
		testproc.AssertAlive(t, pids)
	})
	t.Run("during the grace", func(t *testing.T) {
		g, pids := stubborn(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		time.AfterFunc(50*time.Millisecond, cancel)
		rep, err := Kill(ctx, g, &Options{
			Signal: syscall.SIGTERM, Grace: 300 * time.Millisecond, Timeout: Forever,
		})
		assertErr(t, err, "wait", context.Canceled)
		if len(rep.Stages) != 1 {
			t.Errorf("stages: %+v", rep.Stages)
		}
		// The escalation was abandoned with the operation: no SIGKILL
		// comes when the grace would have ended.
		time.Sleep(400 * time.Millisecond)
		testproc.AssertThawed(t, g)
		if n := testproc.CountProcs(t, g); n != 5 {
			t.Errorf("%d processes left, want 5", n)
		}
		testproc.AssertAlive(t, pids)
	})
	t.Run("deadline", func(t *testing.T) {
		g, pids := stubborn(t)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := Kill(ctx, g, &Options{Signal: syscall.SIGTERM, Timeout: 10 * time.Second})
		assertErr(t, err, "wait", context.DeadlineExceeded)
		testproc.AssertThawed(t, g)
		testproc.AssertAlive(t, pids)
	})
	t.Run("before the start", func(t *testing.T) {
		s := testproc.NewScratch(t)
		g := s.Mk("sleepers")
		pids := s.Start(g, testproc.Pause, 3)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Kill(ctx, g, nil)
		assertErr(t, err, "wait", context.Canceled)
		_, err = KillPid(ctx, pids[0], nil)
		assertErr(t, err, "wait", context.Canceled)
		// Nothing was sent: SIGKILL would have ended them.
		time.Sleep(20 * time.Millisecond)
		testproc.AssertAlive(t, pids)
	})
}

// wide returns v, which does not fit in 32 bits, as an int; -1 where an int
// has 32 bits.  The cases that use it run as dry runs: should a value ever be
// cut down to a valid signal or pid, nothing is killed.
func wide(v int64) int {
	if strconv.IntSize == 32 {
		return -1
	}
	return int(v)
}

// TestErrors: the library's errno values come through as *Error wrapping
// a syscall.Errno, with the call that failed.
func TestErrors(t *testing.T) {
	s := testproc.NewScratch(t)
	g := s.Mk("g")
	pidMax, err := os.ReadFile("/proc/sys/kernel/pid_max")
	if err != nil {
		t.Fatal(err)
	}
	noPid, _ := strconv.Atoi(strings.TrimSpace(string(pidMax))) // pids stay below it
	ctx := context.Background()
	kill := func(path string, o *Options) func() error {
		return func() error { _, err := Kill(ctx, path, o); return err }
	}
	closed, err := Open(g)
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	for _, c := range []struct {
		name string
		call func() error
		op   string
		want error
	}{
		{"missing", kill(filepath.Join(g, "nope"), nil), "cgkill_open", syscall.ENOENT},
		{"relative", kill("relative/group", nil), "cgkill_open", syscall.EINVAL},
		{"NUL byte", kill(g+"\x00/x", nil), "cgkill_open", syscall.EINVAL},
		{"not a directory", kill(filepath.Join(g, "cgroup.procs"), nil), "cgkill_open", syscall.ENOTDIR},
		{"not cgroup2", kill("/proc", nil), "cgkill_open", syscall.EMEDIUMTYPE},
		{"mount root", kill(testproc.Mount(), nil), "cgkill_op_start", syscall.EPERM},
		{"bad signal", kill(g, &Options{Signal: 99}), "cgkill_op_start", syscall.EINVAL},
		{"negative signal", kill(g, &Options{Signal: -9, DryRun: true}), "cgkill_op_start", syscall.EINVAL},
		{"signal 2^32+9", kill(g, &Options{Signal: syscall.Signal(wide(1<<32 + 9)), DryRun: true}),
			"cgkill_op_start", syscall.EINVAL},
		{"dry run and remove", kill(g, &Options{DryRun: true, Remove: true}), "cgkill_op_start", syscall.EINVAL},
		{"negative grace", kill(g, &Options{Signal: syscall.SIGTERM, Escalate: true, Grace: -time.Second}),
			"cgkill_op_start", syscall.EINVAL},
		{"escalating SIGKILL", kill(g, &Options{Grace: time.Second}), "cgkill_op_start", syscall.EINVAL},
		{"dry run and victims", kill(g, &Options{DryRun: true, Victims: true}), "cgkill_op_start", syscall.EINVAL},
		{"dry run and max victims", kill(g, &Options{DryRun: true, MaxVictims: 3}), "cgkill_op_start", syscall.EINVAL},
		{"dry run and release", kill(g, &Options{DryRun: true, ReleaseMemory: true}), "cgkill_op_start", syscall.EINVAL},
		{"release after SIGTERM", kill(g, &Options{Signal: syscall.SIGTERM, ReleaseMemory: true}),
			"cgkill_op_start", syscall.EINVAL},
		{"pid 0", func() error { _, err := KillPid(ctx, 0, nil); return err }, "cgkill_open_pid", syscall.EINVAL},
		{"pid -2^32+1", func() error { // never cut down to pid 1
			_, err := KillPid(ctx, wide(-1<<32+1), &Options{DryRun: true})
			return err
		}, "cgkill_open_pid", syscall.EINVAL},
		{"no such pid", func() error { _, err := KillPid(ctx, noPid, nil); return err },
			"cgkill_open_pid", syscall.ESRCH},
		{"nil file", func() error { _, err := KillFd(ctx, nil, nil); return err }, "KillFd", syscall.EBADF},
		{"closed file", func() error { _, err := KillFd(ctx, closed, nil); return err }, "KillFd", os.ErrClosed},
		{"open missing", func() error { _, err := Open(filepath.Join(g, "nope")); return err },
			"cgkill_open", syscall.ENOENT},
		{"cgroup path with ..", func() error { _, err := OpenCgroup("/a/../b"); return err },
			"cgkill_open", syscall.EINVAL},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			e := assertErr(t, err, c.op, c.want)
			if _, isErrno := c.want.(syscall.Errno); isErrno && e.Err != c.want {
				t.Errorf("Err = %#v, want the bare errno %#v", e.Err, c.want)
			}
			if !strings.HasPrefix(err.Error(), "cgkill: "+c.op) {
				t.Errorf("message %q", err)
			}
		})
	}
}

// TestSelf: a group that holds the caller is refused (EDEADLK), and
// AllowSelf lets a dry run through.
func TestSelf(t *testing.T) {
	s := testproc.NewScratch(t)
	g := s.Mk("self")
	if err := testproc.MoveSelf(g); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := testproc.MoveSelfBack(); err != nil {
			t.Fatalf("moving back: %v", err)
		}
	}()
	_, err := Kill(context.Background(), g, nil)
	assertErr(t, err, "cgkill_op_start", syscall.EDEADLK)
	rep, err := Kill(context.Background(), g, &Options{DryRun: true, AllowSelf: true})
	if err != nil || len(rep.Stages) != 0 || rep.LastMethod != MethodNone {
		t.Errorf("dry run with AllowSelf: %+v, %v", rep, err)
	}
}

func TestDryRun(t *testing.T) {
	s := testproc.NewScratch(t)
	g := s.Mk("g")
	empty := s.Mk("g/empty")
	pids := s.Start(g, testproc.Pause, 3)
	rep, err := Kill(context.Background(), g, &Options{DryRun: true, Signal: syscall.SIGTERM})
	if err != nil {
		t.Fatal(err)
	}
	if rep.NoUsers || rep.LastMethod != MethodNone || rep.LastSignal != 0 ||
		rep.FirstSignal != syscall.SIGTERM || len(rep.Stages) != 0 {
		t.Errorf("report: %+v", rep)
	}
	testproc.AssertAlive(t, pids)
	if n := testproc.CountProcs(t, g); n != 3 {
		t.Errorf("%d processes, want 3", n)
	}
	if rep, err := Kill(context.Background(), empty, &Options{DryRun: true}); err != nil || !rep.NoUsers {
		t.Errorf("empty group: %+v, %v", rep, err)
	}
}

// TestRemove: the subtree is killed and removed, leaves first.
func TestRemove(t *testing.T) {
	for _, pt := range paths {
		t.Run(pt.name, func(t *testing.T) {
			s := testproc.NewScratch(t)
			ctr := s.Mk("ctr")
			s.Start(s.Mk("ctr/init"), testproc.Pause, 3)
			s.Start(s.Mk("ctr/payload/app"), testproc.Pause, 3)
			rep, err := Kill(context.Background(), ctr,
				&Options{Timeout: 10 * time.Second, Remove: true, Fallback: pt.fallback})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Removed || !rep.NoUsers || rep.RemoveErr != nil {
				t.Errorf("report: %+v", rep)
			}
			if _, err := os.Stat(ctr); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s: %v", ctr, err)
			}
		})
	}
}

// TestKillPidAndFd: the other ways to name a target.
func TestKillPidAndFd(t *testing.T) {
	t.Run("pid", func(t *testing.T) {
		s := testproc.NewScratch(t)
		g := s.Mk("g")
		pids := s.Start(g, testproc.Pause, 3)
		s.Start(s.Mk("g/below"), testproc.Pause, 2)
		rep, err := KillPid(context.Background(), pids[1], &Options{Timeout: 10 * time.Second})
		if err != nil || !rep.NoUsers {
			t.Fatalf("%+v, %v", rep, err)
		}
		if n := testproc.CountProcs(t, g); n != 0 {
			t.Errorf("%d processes left", n)
		}
	})
	t.Run("fd", func(t *testing.T) {
		s := testproc.NewScratch(t)
		g := s.Mk("g")
		pids := s.Start(g, testproc.Pause, 3)
		f, err := OpenPid(pids[0])
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rel := strings.TrimPrefix(g, testproc.Mount())
		f2, err := OpenCgroup(rel)
		if err != nil {
			t.Fatal(err)
		}
		defer f2.Close()
		var st1, st2 syscall.Stat_t
		if syscall.Fstat(int(f.Fd()), &st1) != nil || syscall.Fstat(int(f2.Fd()), &st2) != nil ||
			st1.Ino != st2.Ino {
			t.Errorf("OpenPid and OpenCgroup(%q) differ", rel)
		}
		rep, err := KillFd(context.Background(), f, &Options{Timeout: 10 * time.Second, Fallback: true})
		if err != nil || !rep.NoUsers || rep.Signaled != 3 {
			t.Fatalf("%+v, %v", rep, err)
		}
		// The file is still open and names the emptied group.
		if _, err := f.Readdirnames(-1); err != nil {
			t.Errorf("after the kill: %v", err)
		}
	})
}
