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
