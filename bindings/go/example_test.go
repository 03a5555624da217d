// SPDX-License-Identifier: LGPL-2.1-or-later

package cgkill_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"syscall"
	"time"

	"libcgkill.org/cgkill"
)

// A container runtime's "kill all": SIGTERM, SIGKILL after a grace period,
// then the container's groups removed.  example/killall is the same as a
// command.
func ExampleKillFd() {
	// Opened once, when the container was created, and held since.
	grp, err := cgkill.Open("/sys/fs/cgroup/machine.slice/ctr-1")
	if err != nil {
		log.Fatal(err)
	}
	defer grp.Close()

	rep, err := cgkill.KillFd(context.TODO(), grp, &cgkill.Options{
		Signal:   syscall.SIGTERM,
		Escalate: true,
		Grace:    10 * time.Second,
		Timeout:  10 * time.Second,
		Remove:   true,
	})
	for _, st := range rep.Stages {
		fmt.Printf("%v at %v: %d signalled by pidfd\n", st.Signal, st.Started, st.Signaled)
	}
	switch {
	case err == nil:
		fmt.Printf("gone after %v\n", rep.Elapsed)
	case errors.Is(err, cgkill.ErrTimeout):
		fmt.Println("processes outlived the SIGKILL")
	case errors.Is(err, cgkill.ErrLeftFrozen):
		fmt.Println("left frozen:", rep.ThawErr)
	default:
		log.Fatal(err)
	}
}

// Errors wrap a syscall.Errno.
func ExampleKill_errors() {
	_, err := cgkill.Kill(context.Background(), "/sys/fs/cgroup/threaded-group", nil)
	switch {
	case errors.Is(err, syscall.EOPNOTSUPP):
		fmt.Println("a threaded group cannot be killed on its own")
	case errors.Is(err, syscall.ENOENT):
		fmt.Println("no such group")
	case err != nil:
		fmt.Println(err)
	}
}

// What a kill did process by process: who it killed and how each ended,
// who outlived it and why, and the memory it gave back at once.
func ExampleReport_victims() {
	rep, err := cgkill.Kill(context.TODO(), "/sys/fs/cgroup/machine.slice/ctr-1", &cgkill.Options{
		Signal:        syscall.SIGTERM,
		Grace:         5 * time.Second,
		Timeout:       10 * time.Second,
		Victims:       true,
		ReleaseMemory: true, // reap what the SIGKILL of the escalation ends
	})
	for _, v := range rep.Victims {
		fmt.Printf("%d %s in %q: %v", v.Pid, v.Comm, v.Cgroup, v.Signal)
		switch {
		case !v.ExitKnown: // not reaped yet, or a kernel before 6.15
		case v.ExitSignal != 0:
			fmt.Printf(", died of %v", v.ExitSignal)
		default:
			fmt.Printf(", exited with %d", v.ExitCode)
		}
		fmt.Println()
	}
	if rep.MemoryReleasedBytes > 0 {
		fmt.Printf("%d MiB back at %v\n", rep.MemoryReleasedBytes>>20, rep.MemoryReleasedAt)
	}
	// Listed on every timeout, and with Options.Survivors on success too.
	for _, s := range rep.Survivors {
		fmt.Printf("left: %d %s in %q, state %c, %v %v, frozen %v, stopped %v, wchan %q\n",
			s.Pid, s.Comm, s.Cgroup, s.State, s.Signal, s.Disposition, s.Frozen, s.Stopped, s.Wchan)
	}
	if n := rep.SurvivorsLeft - uint64(len(rep.Survivors)); n > 0 {
		fmt.Printf("and %d more\n", n)
	}
	if err != nil && !errors.Is(err, cgkill.ErrTimeout) {
		log.Fatal(err)
	}
}
