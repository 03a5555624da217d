// SPDX-License-Identifier: LGPL-2.1-or-later

// Scratch groups for the real-kernel tests: one directory per test under
// <cgroup2 mount>/cgkill-gotest-PID, killed, waited for and removed, leaves
// first, when the test ends, whether it passed or not.

package testproc

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var (
	mount       string // the first cgroup2 mount in /proc/self/mountinfo
	top         string // our parent of every scratch group
	selfGroup   string // the directory of our own group, at the start
	unavailable string // why the real-kernel tests cannot run
)

// Main is TestMain for a package with real-kernel tests: it finds the
// cgroup2 mount, makes the parent of the scratch groups, runs the tests,
// and removes that parent.  The exit code.
func Main(m *testing.M) int {
	setup()
	code := m.Run()
	if top != "" {
		if err := rmdirRetry(top); err != nil && !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(os.Stderr, "testproc: %v\n", err)
			code = 1
		}
	}
	return code
}

// Mount returns the cgroup2 mount the tests use.
func Mount() string { return mount }

// unescapeMount undoes the octal escapes of /proc/self/mountinfo.
func unescapeMount(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// findCgroup2 returns the mount point of the first cgroup2 mount.
func findCgroup2() (string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE ...
		fields := strings.Fields(sc.Text())
		for i := 6; i+1 < len(fields); i++ {
			if fields[i] == "-" {
				if fields[i+1] == "cgroup2" {
					return unescapeMount(fields[4]), nil
				}
				break
			}
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", errors.New("no cgroup2 mount")
}

// ownGroup returns our group's cgroup path, from the "0::" line.
func ownGroup() (string, error) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "0::") {
			return l[3:], nil
		}
	}
	return "", errors.New("no cgroup v2 membership")
}

func setup() {
	if os.Geteuid() != 0 {
		unavailable = "not root"
		return
	}
	mnt, err := findCgroup2()
	if err != nil {
		unavailable = err.Error()
		return
	}
	own, err := ownGroup()
	if err != nil {
		unavailable = err.Error()
		return
	}
	dir := filepath.Join(mnt, fmt.Sprintf("cgkill-gotest-%d", os.Getpid()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		unavailable = fmt.Sprintf("cannot create a scratch group: %v", err)
		return
	}
	mount, top, selfGroup = mnt, dir, filepath.Join(mnt, own)
}

// Require skips the test without root or a writable cgroup2 mount, or
// fails it under CGKILL_REQUIRE_CGROUP=1.
func Require(t testing.TB) {
	t.Helper()
	if unavailable == "" {
		return
	}
	if os.Getenv("CGKILL_REQUIRE_CGROUP") == "1" {
		t.Fatalf("real-kernel test cannot run (%s) and CGKILL_REQUIRE_CGROUP=1", unavailable)
	}
	t.Skipf("real-kernel test needs root and a writable cgroup2 mount: %s", unavailable)
}

// Scratch is the group of one test.
type Scratch struct {
	t     testing.TB
	Root  string
	procs []*Procs
}

// NewScratch makes the test's own group, undone when the test ends.
func NewScratch(t testing.TB) *Scratch {
	t.Helper()
	Require(t)
	name := strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())
	s := &Scratch{t: t, Root: filepath.Join(top, name)}
	if err := os.Mkdir(s.Root, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.cleanup)
	return s
}

// Mk makes the group rel (and its missing ancestors) below the test's.
func (s *Scratch) Mk(rel string) string {
	s.t.Helper()
	p := filepath.Join(s.Root, rel)
	if err := os.MkdirAll(p, 0o755); err != nil {
		s.t.Fatal(err)
	}
	return p
}

// Start starts n processes of kind in the group at path and returns their
// pids once all of them sleep there.
func (s *Scratch) Start(path string, kind Kind, n int) []int {
	s.t.Helper()
	p, err := Start(path, kind, n)
	if p != nil {
		s.procs = append(s.procs, p)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	return p.Pids()
}

// Bomb starts a fork bomb of at most max processes in the group at path
// and returns once started of them run.
func (s *Scratch) Bomb(path string, max, started int) *Procs {
	s.t.Helper()
	p, err := StartBomb(path, max, started)
	if p != nil {
		s.procs = append(s.procs, p)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	return p
}

// Groups returns the groups below and including root, parents first.
func Groups(root string) []string {
	var dirs []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	sort.SliceStable(dirs, func(i, j int) bool {
		return strings.Count(dirs[i], "/") < strings.Count(dirs[j], "/")
	})
	return dirs
}

func inside(group, root string) bool {
	return group == root || strings.HasPrefix(group, root+"/")
}

func rmdirRetry(dir string) error {
	end := time.Now().Add(2 * time.Second)
	for {
		err := syscall.Rmdir(dir)
		if err != syscall.EBUSY || time.Now().After(end) {
			if err != nil {
				return &os.PathError{Op: "rmdir", Path: dir, Err: err}
			}
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// cleanup thaws, kills (only our processes live there), waits for the
// holders to reap everything, and removes the groups, leaves first.
func (s *Scratch) cleanup() {
	t := s.t
	if own, err := ownGroup(); err != nil || inside(filepath.Join(mount, own), s.Root) {
		// A test left us inside: never kill ourselves.
		if err := MoveSelfBack(); err != nil {
			t.Errorf("cleanup: still inside %s: %v; left as it is", s.Root, err)
			return
		}
	}
	dirs := Groups(s.Root)
	for _, d := range dirs {
		os.WriteFile(filepath.Join(d, "cgroup.freeze"), []byte("0"), 0)
	}
	if len(dirs) > 0 {
		if err := os.WriteFile(filepath.Join(s.Root, "cgroup.kill"), []byte("1"), 0); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	}
	for _, p := range s.procs {
		if err := p.Wait(10 * time.Second); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := rmdirRetry(dirs[i]); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	}
}

// MoveSelf moves this process, all its threads, into the group dir.
func MoveSelf(dir string) error {
	return os.WriteFile(filepath.Join(dir, "cgroup.procs"),
		[]byte(strconv.Itoa(os.Getpid())), 0)
}

// MoveSelfBack moves this process back into the group it started in.
func MoveSelfBack() error { return MoveSelf(selfGroup) }

// CountProcs counts the processes listed in the subtree at root.
func CountProcs(t testing.TB, root string) int {
	t.Helper()
	n := 0
	for _, d := range Groups(root) {
		b, err := os.ReadFile(filepath.Join(d, "cgroup.procs"))
		if err != nil {
			t.Fatal(err)
		}
		n += len(strings.Fields(string(b)))
	}
	return n
}

// ReadKey returns the value of key in a "key value" cgroup file.
func ReadKey(t testing.TB, group, file, key string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(group, file))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == key {
			return f[1]
		}
	}
	t.Fatalf("%s/%s: no %s", group, file, key)
	return ""
}

// AssertThawed checks that nothing is left frozen in the subtree at root.
func AssertThawed(t testing.TB, root string) {
	t.Helper()
	for _, d := range Groups(root) {
		b, err := os.ReadFile(filepath.Join(d, "cgroup.freeze"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(string(b)) != "0" || ReadKey(t, d, "cgroup.events", "frozen") != "0" {
			t.Errorf("%s is frozen", d)
		}
	}
}

// AssertAlive checks that each pid still runs: signal 0, to processes the
// test started.
func AssertAlive(t testing.TB, pids []int) {
	t.Helper()
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); err != nil {
			t.Errorf("process %d: %v", pid, err)
		}
	}
}

func fdCount(t testing.TB) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// NoLeaks returns a check that the fds and goroutines are as they were.
func NoLeaks(t testing.TB) func() {
	t.Helper()
	fds, gs := fdCount(t), runtime.NumGoroutine()
	return func() {
		t.Helper()
		if n := fdCount(t); n != fds {
			t.Errorf("%d fds open, %d before", n, fds)
		}
		// A time.AfterFunc goroutine may still be on its way out.
		for end := time.Now().Add(time.Second); runtime.NumGoroutine() > gs; {
			if time.Now().After(end) {
				t.Errorf("%d goroutines, %d before", runtime.NumGoroutine(), gs)
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
}
