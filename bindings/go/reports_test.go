// SPDX-License-Identifier: LGPL-2.1-or-later

// The 1.1 parts of the report on the real kernel: victims, survivors and
// memory release, in scratch groups of processes from internal/testproc.

package cgkill

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"libcgkill.org/cgkill/internal/testproc"
)

// procGroup maps each pid the test started to its group, relative to the
// target, as the report names groups.
type procGroup map[int]string

func (pg procGroup) add(rel string, pids []int) {
	for _, p := range pids {
		pg[p] = rel
	}
}

func (pg procGroup) pids() []int {
	var l []int
	for p := range pg {
		l = append(l, p)
	}
	sort.Ints(l)
	return l
}

// comm reads the command name of a process the test started.
func comm(t *testing.T, pid int) string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(b), "\n")
}

// tellsExit says whether the kernel tells how a reaped process ended
// through its pidfd (PIDFD_INFO_EXIT, Linux 6.15).
func tellsExit(t *testing.T) bool {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		t.Fatal(err)
	}
	var rel []byte
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		rel = append(rel, byte(c))
	}
	var major, minor int
	f := strings.FieldsFunc(string(rel), func(r rune) bool { return r < '0' || r > '9' })
	if len(f) >= 2 {
		major, _ = strconv.Atoi(f[0])
		minor, _ = strconv.Atoi(f[1])
	}
	return major > 6 || (major == 6 && minor >= 15)
}

// victimPids returns the sorted pids of the victims, and fails the test on
// a victim listed twice.
func victimPids(t *testing.T, vs []Victim) []int {
	t.Helper()
	var l []int
	seen := map[int]bool{}
	for _, v := range vs {
		if seen[v.Pid] {
			t.Errorf("victim %d listed twice", v.Pid)
		}
		seen[v.Pid] = true
		l = append(l, v.Pid)
	}
	sort.Ints(l)
	return l
}

func samePids(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestVictims: on both paths, every process started in a nested subtree is
// listed once, with its group, its command name, SIGKILL and the method's
// flag; nobody else is.
func TestVictims(t *testing.T) {
	for _, pt := range paths {
		t.Run(pt.name, func(t *testing.T) {
			s := testproc.NewScratch(t)
			ctr := s.Mk("ctr")
			pg := procGroup{}
			pg.add("", s.Start(ctr, testproc.Pause, 2))
			pg.add("a", s.Start(s.Mk("ctr/a"), testproc.Pause, 3))
			pg.add("b/c", s.Start(s.Mk("ctr/b/c"), testproc.Pause, 4))
			name := comm(t, pg.pids()[0])
			check := testproc.NoLeaks(t)
			rep, err := Kill(context.Background(), ctr,
				&Options{Timeout: 10 * time.Second, Fallback: pt.fallback, Victims: true})
			check() // the victims' pidfds went with the op
			if err != nil {
				t.Fatal(err)
			}
			if got, want := victimPids(t, rep.Victims), pg.pids(); !samePids(got, want) {
				t.Fatalf("victims %v, want %v", got, want)
			}
			for _, v := range rep.Victims {
				if v.Cgroup != pg[v.Pid] || v.Comm != name || v.Signal != syscall.SIGKILL ||
					v.Native != !pt.fallback || v.ExitedBefore {
					t.Errorf("victim %+v: want group %q, comm %q", v, pg[v.Pid], name)
				}
				// Its parent may not have reaped it yet: only what is
				// known is checked.
				if v.ExitKnown && (v.ExitSignal != syscall.SIGKILL || v.ExitCode != 0) {
					t.Errorf("victim %d ended with %+v", v.Pid, v)
				}
			}
			if len(rep.Survivors) != 0 || rep.SurvivorsLeft != 0 || rep.Hidden != 0 {
				t.Errorf("report: %+v", rep)
			}
			if n := testproc.CountProcs(t, ctr); n != 0 {
				t.Errorf("%d processes left", n)
			}
			testproc.AssertThawed(t, ctr)

			// Without the option, none are listed.
			g := s.Mk("plain")
			s.Start(g, testproc.Pause, 2)
			rep, err = Kill(context.Background(), g, &Options{Timeout: 10 * time.Second, Fallback: pt.fallback})
			if err != nil || rep.Victims != nil {
				t.Errorf("without Victims: %+v, %v", rep.Victims, err)
			}

			// MaxVictims bounds the list, implies Victims, and kills
			// them all the same.
			g = s.Mk("bounded")
			pids := s.Start(g, testproc.Pause, 5)
			rep, err = Kill(context.Background(), g,
				&Options{Timeout: 10 * time.Second, Fallback: pt.fallback, MaxVictims: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Victims) != 3 {
				t.Errorf("MaxVictims 3: %d listed", len(rep.Victims))
			}
			started := procGroup{}
			started.add("", pids)
			for _, v := range rep.Victims {
				if _, ok := started[v.Pid]; !ok {
					t.Errorf("victim %d was not started in %s", v.Pid, g)
				}
			}
			if n := testproc.CountProcs(t, g); n != 0 {
				t.Errorf("MaxVictims 3: %d processes left", n)
			}
		})
	}
}

// TestVictimsEscalation: the signal that ended each victim.  SIGTERM ends
// the sleepers, SIGKILL after the grace those that ignore SIGTERM; each
// keeps one record, with the last signal sent.  The sleepers died a grace
// period before the victims are read, so their parent has reaped them,
// and a kernel that tells how a process ended has told it.
func TestVictimsEscalation(t *testing.T) {
	const grace = 300 * time.Millisecond
	for _, pt := range paths {
		t.Run(pt.name, func(t *testing.T) {
			s := testproc.NewScratch(t)
			g := s.Mk("ctr")
			pg := procGroup{}
			sleepers := s.Start(s.Mk("ctr/sleepers"), testproc.Pause, 3)
			pg.add("sleepers", sleepers)
			pg.add("", s.Start(g, testproc.IgnoreTerm, 3))
			rep, err := Kill(context.Background(), g, &Options{
				Signal: syscall.SIGTERM, Grace: grace, Timeout: 10 * time.Second,
				Fallback: pt.fallback, Victims: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Escalated || len(rep.Stages) != 2 {
				t.Fatalf("report: %+v", rep)
			}
			if got, want := victimPids(t, rep.Victims), pg.pids(); !samePids(got, want) {
				t.Fatalf("victims %v, want %v", got, want)
			}
			exit := tellsExit(t)
			for _, v := range rep.Victims {
				want, native := syscall.SIGKILL, !pt.fallback
				if pg[v.Pid] == "sleepers" {
					// The first stage is always the freeze method's.
					want, native = syscall.SIGTERM, false
					if exit && !v.ExitKnown {
						t.Errorf("victim %d: not known how it ended, a grace after its death", v.Pid)
					}
				}
				if v.Cgroup != pg[v.Pid] || v.Signal != want || v.Native != native || v.ExitedBefore {
					t.Errorf("victim %+v: want group %q, %v, native %v", v, pg[v.Pid], want, native)
				}
				if v.ExitKnown && (v.ExitSignal != want || v.ExitCode != 0) {
					t.Errorf("victim %d: ended with %v (code %d), want %v",
						v.Pid, v.ExitSignal, v.ExitCode, want)
				}
			}
		})
	}
}

// TestSurvivors: processes that ignore SIGTERM outlive the deadline, and
// the report says who they are and why: the signal is ignored.
func TestSurvivors(t *testing.T) {
	s := testproc.NewScratch(t)
	g := s.Mk("ctr")
	pg := procGroup{}
	pg.add("", s.Start(g, testproc.IgnoreTerm, 2))
	pg.add("sub", s.Start(s.Mk("ctr/sub"), testproc.IgnoreTerm, 2))
	sleepers := s.Start(s.Mk("ctr/sleepers"), testproc.Pause, 3) // SIGTERM ends them
	name := comm(t, pg.pids()[0])
	rep, err := Kill(context.Background(), g,
		&Options{Signal: syscall.SIGTERM, Timeout: 200 * time.Millisecond})
	assertErr(t, err, "cgkill_op_process", ErrTimeout)
	if rep.SurvivorsLeft != 4 || rep.Hidden != 0 {
		t.Errorf("report: %+v", rep)
	}
	var got []int
	for _, sv := range rep.Survivors {
		got = append(got, sv.Pid)
		if sv.Cgroup != pg[sv.Pid] || sv.Comm != name || sv.Threads != 1 || sv.State != 'S' ||
			sv.Signal != syscall.SIGTERM || sv.Disposition != DispositionIgnored || sv.Tracer != 0 ||
			sv.Frozen || sv.Traced || sv.Stopped || sv.Uninterruptible || sv.Dying || sv.ZombieLeader {
			t.Errorf("survivor %+v: want group %q, comm %q, state S, SIGTERM ignored", sv, pg[sv.Pid], name)
		}
	}
	sort.Ints(got)
	if want := pg.pids(); !samePids(got, want) {
		t.Errorf("survivors %v, want %v (not the sleepers %v)", got, want, sleepers)
	}
	testproc.AssertAlive(t, pg.pids())

	// MaxSurvivors bounds the list, not the count.
	rep, err = Kill(context.Background(), g,
		&Options{Signal: syscall.SIGTERM, Timeout: 50 * time.Millisecond, MaxSurvivors: 1})
	assertErr(t, err, "cgkill_op_process", ErrTimeout)
	if len(rep.Survivors) != 1 || rep.SurvivorsLeft != 4 || pg[rep.Survivors[0].Pid] != rep.Survivors[0].Cgroup {
		t.Errorf("MaxSurvivors 1: %d listed of %d: %+v", len(rep.Survivors), rep.SurvivorsLeft, rep.Survivors)
	}

	// Asked for on a success: none left.
	rep, err = Kill(context.Background(), g, &Options{Timeout: 10 * time.Second, Survivors: true})
	if err != nil || len(rep.Survivors) != 0 || rep.SurvivorsLeft != 0 {
		t.Errorf("after SIGKILL: %+v, %v", rep, err)
	}
}

// TestSurvivorsWhy: a dry run with Survivors describes every process, with
// what would keep each from acting on the signal: an ignored signal, a
// stop, a frozen group.
func TestSurvivorsWhy(t *testing.T) {
	s := testproc.NewScratch(t)
	g := s.Mk("ctr")
	ignoring := s.Start(g, testproc.IgnoreTerm, 1)
	stopped := s.Start(s.Mk("ctr/stopped"), testproc.Pause, 1)
	frozenG := s.Mk("ctr/frozen")
	frozen := s.Start(frozenG, testproc.Pause, 2)
	// Only processes this test started.
	if err := syscall.Kill(stopped[0], syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(frozenG, "cgroup.freeze"), []byte("1"), 0); err != nil {
		t.Fatal(err)
	}
	waitState(t, stopped[0], 'T')
	for end := time.Now().Add(5 * time.Second); testproc.ReadKey(t, frozenG, "cgroup.events", "frozen") != "1"; {
		if time.Now().After(end) {
			t.Fatal("the group did not freeze")
		}
		time.Sleep(time.Millisecond)
	}
	rep, err := Kill(context.Background(), g,
		&Options{Signal: syscall.SIGTERM, DryRun: true, Survivors: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Survivors) != 4 || rep.SurvivorsLeft != 4 {
		t.Fatalf("survivors: %+v", rep.Survivors)
	}
	by := map[int]Survivor{}
	for _, sv := range rep.Survivors {
		by[sv.Pid] = sv
		if sv.Signal != syscall.SIGTERM {
			t.Errorf("survivor %+v: not about SIGTERM", sv)
		}
	}
	if sv := by[ignoring[0]]; sv.Cgroup != "" || sv.Disposition != DispositionIgnored || sv.Frozen || sv.Stopped {
		t.Errorf("ignoring SIGTERM: %+v", sv)
	}
	if sv := by[stopped[0]]; sv.Cgroup != "stopped" || !sv.Stopped || sv.State != 'T' ||
		sv.Disposition != DispositionDefault || sv.Frozen {
		t.Errorf("stopped: %+v", sv)
	}
	for _, pid := range frozen {
		if sv := by[pid]; sv.Cgroup != "frozen" || !sv.Frozen || sv.Stopped || sv.Disposition != DispositionDefault {
			t.Errorf("frozen: %+v", sv)
		}
	}
	testproc.AssertAlive(t, append(append(ignoring, stopped...), frozen...))
}

// waitState waits until a process the test started is in state st.
func waitState(t *testing.T, pid int, st byte) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); ; {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			t.Fatal(err)
		}
		if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) && b[i+2] == st {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("process %d never reached state %c", pid, st)
		}
		time.Sleep(time.Millisecond)
	}
}

// rssAnon returns the resident anonymous memory of a process the test
// started, from its status.
func rssAnon(t *testing.T, pid int) uint64 {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "RssAnon:" {
			kb, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatalf("process %d: no RssAnon", pid)
	return 0
}

// TestReleaseMemory: processes that hold 32 MiB each are killed and
// reaped; the report accounts for about that much.  On a kernel that
// refuses process_mrelease the kill is the same and says so.
func TestReleaseMemory(t *testing.T) {
	const n = 4
	for _, c := range []struct {
		name string
		kind testproc.Kind
		opts Options
	}{
		{"native", testproc.Hog, Options{ReleaseMemory: true}},
		{"fallback", testproc.Hog, Options{ReleaseMemory: true, Fallback: true}},
		// Reaped in the SIGKILL stage of an escalation.
		{"escalation", testproc.HogIgnoreTerm, Options{ReleaseMemory: true,
			Signal: syscall.SIGTERM, Grace: 50 * time.Millisecond}},
		// Without the option, nothing is reaped or counted.
		{"off", testproc.Hog, Options{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := testproc.NewScratch(t)
			g := s.Mk("ctr")
			pids := s.Start(g, c.kind, n/2)
			pids = append(pids, s.Start(s.Mk("ctr/sub"), c.kind, n/2)...)
			var rss uint64
			for _, p := range pids {
				rss += rssAnon(t, p)
			}
			o := c.opts
			o.Timeout = 10 * time.Second
			rep, err := Kill(context.Background(), g, &o)
			if err != nil {
				t.Fatal(err)
			}
			alloc := uint64(n * testproc.HogBytes)
			t.Logf("released %d MiB at %v of %v; allocated %d MiB, RssAnon %d MiB; NoMrelease %v",
				rep.MemoryReleasedBytes>>20, rep.MemoryReleasedAt, rep.Elapsed,
				alloc>>20, rss>>20, rep.NoMrelease)
			if c.opts.Signal == syscall.SIGTERM && (!rep.Escalated || rep.LastSignal != syscall.SIGKILL) {
				t.Errorf("no escalation: %+v", rep)
			}
			if n := testproc.CountProcs(t, g); n != 0 {
				t.Errorf("%d processes left", n)
			}
			if !o.ReleaseMemory {
				if rep.MemoryReleasedBytes != 0 || rep.MemoryReleasedAt != 0 || rep.NoMrelease {
					t.Errorf("without ReleaseMemory: %+v", rep)
				}
				return
			}
			if rep.NoMrelease {
				// The kernel has no process_mrelease, or refuses it.
				if rep.MemoryReleasedBytes != 0 || rep.MemoryReleasedAt != 0 {
					t.Errorf("NoMrelease, yet: %+v", rep)
				}
				return
			}
			// The hogs' own memory, and what each shares with the test
			// process since the fork; not a whole other hog more.
			if rep.MemoryReleasedBytes < alloc/2 ||
				rep.MemoryReleasedBytes > rss+alloc/n {
				t.Errorf("released %d bytes: %d allocated, %d resident", rep.MemoryReleasedBytes, alloc, rss)
			}
			if rep.MemoryReleasedAt <= 0 || rep.MemoryReleasedAt > rep.Elapsed {
				t.Errorf("released at %v, elapsed %v", rep.MemoryReleasedAt, rep.Elapsed)
			}
		})
	}
}
