// SPDX-License-Identifier: LGPL-2.1-or-later

// Command bench measures a kill through the Go binding against the C call,
// on the same populations: N sleeping processes spread over G groups, a
// fresh population per measurement, the methods alternating.
//
//	go run ./bench -spawn BUILD/bench/cgkill-bench-spawn \
//		-c BUILD/bindings/go/cgkill-go-bench-c [-n 10000] [-groups 100] [-rounds 7]
//
// The methods, timed from just before the call to just after it returns:
//
//	go   cgkill.Kill(ctx, path, opts) in this program
//	cgo  cgkill_path() called directly from this program through cgo
//	c    cgkill_path() in a C program (cgkill-go-bench-c kill)
//
// Before the populations, the fixed cost of a call: each method kills an
// empty group -loops times (the C program in a loop of its own), and the
// median per call is printed.
//
// The population's parent is a C holder (cgkill-go-bench-c hold), so no
// killer gets the victims' SIGCHLDs.  Needs root and a writable cgroup2
// mount; at most N + a few processes exist at a time.
package main

// #cgo pkg-config: libcgkill
// #include <stdlib.h>
// #include <cgkill.h>
//
// static int c_kill(const char *path, int freeze)
// {
//	struct cgkill_opts opts;
//
//	cgkill_opts_init(&opts);
//	opts.timeout_ms = 60000;
//	if (freeze)
//		opts.flags |= CGKILL_FORCE_FREEZE;
//	return cgkill_path(path, &opts, NULL);
// }
import "C"

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"libcgkill.org/cgkill"
)

var (
	spawn  = flag.String("spawn", "", "bench/cgkill-bench-spawn of a meson build")
	cprog  = flag.String("c", "", "bindings/go/cgkill-go-bench-c of a meson build")
	n      = flag.Int("n", 10000, "processes per population (at most 10000)")
	ngroup = flag.Int("groups", 100, "groups the processes are spread over")
	rounds = flag.Int("rounds", 7, "measurements per method")
	freeze = flag.Bool("freeze", false, "the freeze method (CGKILL_FORCE_FREEZE)")
	loops  = flag.Int("loops", 2000, "calls on an empty group, per method, for the fixed cost")
	settle = flag.Duration("settle", 500*time.Millisecond, "pause between a population's start and its kill")
)

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...)
	os.Exit(1)
}

func cgroup2() string {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		fail("%v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		for i := 6; i+1 < len(f); i++ {
			if f[i] == "-" {
				if f[i+1] == "cgroup2" {
					return f[4]
				}
				break
			}
		}
	}
	fail("no cgroup2 mount")
	return ""
}

func rmdir(dir string) error {
	for end := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		err := syscall.Rmdir(dir)
		if err != syscall.EBUSY || time.Now().After(end) {
			return err
		}
	}
}

// population is one set of processes in a fresh target with its leaves.
type population struct {
	target string
	leaves []string
	holder int
}

// populate makes the groups and has a holder start the processes.
func populate(root string, seq int) (*population, error) {
	p := &population{target: filepath.Join(root, fmt.Sprintf("m%03d", seq))}
	if err := os.Mkdir(p.target, 0o755); err != nil {
		return nil, err
	}
	files := []uintptr{0, 0, 2}
	args := []string{*cprog, "hold", *spawn, strconv.Itoa(*n)}
	for i := 0; i < *ngroup; i++ {
		leaf := filepath.Join(p.target, fmt.Sprintf("g%03d", i))
		if err := os.Mkdir(leaf, 0o755); err != nil {
			return p, err
		}
		p.leaves = append(p.leaves, leaf)
		fd, err := syscall.Open(leaf, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		if err != nil {
			return p, err
		}
		defer syscall.Close(fd)
		files = append(files, uintptr(fd))
		args = append(args, strconv.Itoa(len(files)-1))
	}
	r, w, err := os.Pipe()
	if err != nil {
		return p, err
	}
	defer r.Close()
	files[1] = w.Fd()
	pid, err := syscall.ForkExec(*cprog, args, &syscall.ProcAttr{Files: files})
	w.Close()
	if err != nil {
		return p, err
	}
	p.holder = pid
	line, _ := bufio.NewReader(r).ReadString('\n')
	if line != "ready\n" {
		return p, errors.New("the holder failed")
	}
	return p, nil
}

// release waits for the holder to have reaped everything (killing what is
// left if the kill failed: only our processes live there), and removes
// the groups, leaves first.
func (p *population) release() error {
	if p.holder > 0 {
		if err := os.WriteFile(filepath.Join(p.target, "cgroup.kill"), []byte("1"), 0); err != nil {
			return err
		}
		var ws syscall.WaitStatus
		if _, err := syscall.Wait4(p.holder, &ws, 0, nil); err != nil {
			return err
		}
	}
	for _, l := range p.leaves {
		if err := rmdir(l); err != nil {
			return fmt.Errorf("rmdir %s: %w", l, err)
		}
	}
	return rmdir(p.target)
}

// sample is one measurement: the call's wall time and the CPU time of the
// killing process meanwhile (user and system, every thread).
type sample struct{ wall, cpu time.Duration }

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// fixedCost returns the median time of a kill of the empty group at path.
func fixedCost(method, path string) (time.Duration, error) {
	if method == "c" {
		out, err := capture(*cprog, "loop", path, strconv.Itoa(*loops))
		var ns int64
		if err == nil {
			_, err = fmt.Sscanf(out, "median_ns=%d", &ns)
		}
		return time.Duration(ns), err
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	t := make([]float64, *loops)
	for i := range t {
		t0 := time.Now()
		var err error
		if method == "go" {
			_, err = cgkill.Kill(ctx, path, nil)
		} else if r := C.cgkill_path(cpath, nil, nil); r != 0 {
			err = fmt.Errorf("cgkill_path: %d", r)
		}
		t[i] = float64(time.Since(t0))
		if err != nil {
			return 0, err
		}
	}
	return time.Duration(median(t)), nil
}

// capture runs a program and returns its first line of output.
func capture(prog string, args ...string) (string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	pid, err := syscall.ForkExec(prog, append([]string{prog}, args...),
		&syscall.ProcAttr{Files: []uintptr{0, w.Fd(), 2}})
	w.Close()
	if err != nil {
		return "", err
	}
	line, _ := bufio.NewReader(r).ReadString('\n')
	var ws syscall.WaitStatus
	syscall.Wait4(pid, &ws, 0, nil)
	if !ws.Exited() || ws.ExitStatus() != 0 {
		return line, fmt.Errorf("%s: %v", prog, ws)
	}
	return line, nil
}

// run kills one population with method.
func run(method, path string) (sample, error) {
	switch method {
	case "go":
		// A cancellable context, as a runtime passes: the binding's
		// heavier path (an eventfd and a goroutine to watch it).
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c0, t0 := cpuNow(), time.Now()
		_, err := cgkill.Kill(ctx, path, &cgkill.Options{Timeout: time.Minute, Fallback: *freeze})
		return sample{time.Since(t0), cpuNow() - c0}, err
	case "cgo":
		cpath := C.CString(path)
		defer C.free(unsafe.Pointer(cpath))
		fz := C.int(0)
		if *freeze {
			fz = 1
		}
		c0, t0 := cpuNow(), time.Now()
		r := C.c_kill(cpath, fz)
		s := sample{time.Since(t0), cpuNow() - c0}
		if r != 0 {
			return s, fmt.Errorf("cgkill_path: %d", r)
		}
		return s, nil
	case "c":
		args := []string{"kill", path}
		if *freeze {
			args = append(args, "freeze")
		}
		line, err := capture(*cprog, args...)
		var wall, cpu, el int64
		var rc int
		if _, serr := fmt.Sscanf(line, "wall_ns=%d cpu_ns=%d rc=%d elapsed_ns=%d",
			&wall, &cpu, &rc, &el); err != nil || serr != nil || rc != 0 {
			return sample{}, fmt.Errorf("c: %q: %v", line, err)
		}
		return sample{time.Duration(wall), time.Duration(cpu)}, nil
	}
	return sample{}, fmt.Errorf("no method %s", method)
}

func median(d []float64) float64 {
	s := append([]float64(nil), d...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func minMax(d []float64) (float64, float64) {
	s := append([]float64(nil), d...)
	sort.Float64s(s)
	return s[0], s[len(s)-1]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func main() {
	flag.Parse()
	if *spawn == "" || *cprog == "" || *n < 1 || *n > 10000 || *ngroup < 1 || *rounds < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if os.Geteuid() != 0 {
		fail("needs root")
	}
	root := filepath.Join(cgroup2(), fmt.Sprintf("cgkill-gobench-%d", os.Getpid()))
	if err := os.Mkdir(root, 0o755); err != nil {
		fail("%v", err)
	}
	defer os.Remove(root)
	mode := "native"
	if *freeze {
		mode = "freeze"
	}
	fmt.Printf("libcgkill %s, %s\n%d processes in %d groups, %s method, %d rounds, methods alternating\n",
		cgkill.Version(), machine(), *n, *ngroup, mode, *rounds)

	methods := []string{"go", "cgo", "c"}
	empty := filepath.Join(root, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		fail("%v", err)
	}
	fmt.Printf("fixed cost, median of %d kills of an empty group:", *loops)
	for _, m := range methods {
		d, err := fixedCost(m, empty)
		if err != nil {
			fail("%s on an empty group: %v", m, err)
		}
		fmt.Printf("  %s %.1f µs", m, float64(d)/1e3)
	}
	fmt.Println()
	if err := rmdir(empty); err != nil {
		fail("%v", err)
	}
	wall := map[string][]float64{}
	cpu := map[string][]float64{}
	var wallRatio, cpuRatio []float64 // go / c, within each round
	seq := 0
	for round := 0; round < *rounds; round++ {
		got := map[string]sample{}
		for k := range methods {
			m := methods[(k+round)%len(methods)]
			p, err := populate(root, seq)
			seq++
			if err == nil {
				time.Sleep(*settle)
				got[m], err = run(m, p.target)
			}
			if p != nil {
				if rerr := p.release(); rerr != nil && err == nil {
					err = rerr
				}
			}
			if err != nil {
				fail("round %d, %s: %v", round, m, err)
			}
			wall[m] = append(wall[m], ms(got[m].wall))
			cpu[m] = append(cpu[m], ms(got[m].cpu))
			fmt.Printf("round %d  %-3s  wall %8.1f ms  cpu %7.1f ms\n", round, m, ms(got[m].wall), ms(got[m].cpu))
		}
		wallRatio = append(wallRatio, float64(got["go"].wall)/float64(got["c"].wall))
		cpuRatio = append(cpuRatio, float64(got["go"].cpu)/float64(got["c"].cpu))
	}
	fmt.Printf("\n%-4s %28s   %28s\n", "", "wall (ms): median min max", "cpu (ms): median min max")
	for _, m := range methods {
		wlo, whi := minMax(wall[m])
		clo, chi := minMax(cpu[m])
		fmt.Printf("%-4s %10.1f %8.1f %8.1f   %10.1f %8.1f %8.1f\n", m,
			median(wall[m]), wlo, whi, median(cpu[m]), clo, chi)
	}
	wlo, whi := minMax(wallRatio)
	clo, chi := minMax(cpuRatio)
	fmt.Printf("\ngo/c, ratio of the medians: wall %.3f, cpu %.3f; cgo/c: wall %.3f, cpu %.3f\n",
		median(wall["go"])/median(wall["c"]), median(cpu["go"])/median(cpu["c"]),
		median(wall["cgo"])/median(wall["c"]), median(cpu["cgo"])/median(cpu["c"]))
	fmt.Printf("go/c, median of the per-round ratios: wall %.3f (%.3f .. %.3f), cpu %.3f (%.3f .. %.3f)\n",
		median(wallRatio), wlo, whi, median(cpuRatio), clo, chi)
}

// machine describes the kernel and its load.
func machine() string {
	var u syscall.Utsname
	syscall.Uname(&u)
	rel := make([]byte, 0, len(u.Release))
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		rel = append(rel, byte(c))
	}
	load, _ := os.ReadFile("/proc/loadavg")
	return fmt.Sprintf("Linux %s, loadavg %s", rel, strings.TrimSpace(string(load)))
}
