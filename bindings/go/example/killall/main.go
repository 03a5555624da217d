// SPDX-License-Identifier: LGPL-2.1-or-later

// Command killall does what a container runtime's "kill all" does for a
// container's cgroup: SIGTERM to every process of the container, SIGKILL to
// whatever is left after a grace period, then the removal of the
// container's groups, and a report of it all.
//
//	killall [-grace 10s] [-timeout 10s] /sys/fs/cgroup/machine.slice/ctr-1
//
// Interrupting it (Ctrl-C, SIGTERM) abandons the kill cleanly: nothing is
// left frozen, and no SIGKILL is sent that was not sent already.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"libcgkill.org/cgkill"
)

// killAll kills the container whose group is at path and writes the report
// to w.  err is nil when no process is left and the groups are gone.
func killAll(ctx context.Context, path string, grace, timeout time.Duration, w io.Writer) error {
	// A runtime opens the container's group once, when it creates the
	// container, and from then on holds the descriptor: the path is not
	// looked up again, whatever happened to the hierarchy meanwhile.
	grp, err := cgkill.Open(path)
	if err != nil {
		return err
	}
	defer grp.Close()

	rep, err := cgkill.KillFd(ctx, grp, &cgkill.Options{
		Signal:   syscall.SIGTERM,
		Escalate: true,    // SIGKILL what is left after Grace (0: at once)
		Grace:    grace,   // time to shut down cleanly
		Timeout:  timeout, // after the SIGKILL
		Remove:   true,    // rmdir the container's groups, leaves first
	})
	for i, st := range rep.Stages {
		fmt.Fprintf(w, "stage %d at %v: %v by the %v method, %d processes signalled by pidfd\n",
			i+1, st.Started.Round(time.Microsecond), st.Signal, st.Method, st.Signaled)
	}
	switch {
	case err == nil:
		fmt.Fprintf(w, "%s: empty and removed after %v (%d groups, %d passes, escalated: %v)\n",
			path, rep.Elapsed.Round(time.Microsecond), rep.Cgroups, rep.Passes, rep.Escalated)
	case errors.Is(err, cgkill.ErrTimeout):
		// Processes that outlive SIGKILL are stuck in the kernel
		// (uninterruptible sleep); nothing was removed.  The report
		// lists them on a timeout, and says where each sleeps.
		fmt.Fprintf(w, "%s: %d processes left %v after the SIGKILL\n", path, rep.SurvivorsLeft, timeout)
		for _, s := range rep.Survivors {
			fmt.Fprintf(w, "  %d %s in %q: state %c, wchan %q, dying %v\n",
				s.Pid, s.Comm, s.Cgroup, s.State, s.Wchan, s.Dying)
		}
	case errors.Is(err, cgkill.ErrLeftFrozen):
		fmt.Fprintf(w, "%s: left frozen (%v): write 0 to its cgroup.freeze\n", path, rep.ThawErr)
	case rep.NoUsers && rep.RemoveErr != nil:
		fmt.Fprintf(w, "%s: empty, but not removed: %v\n", path, rep.RemoveErr)
	}
	return err
}

func main() {
	grace := flag.Duration("grace", 10*time.Second, "time between SIGTERM and SIGKILL")
	timeout := flag.Duration("timeout", 10*time.Second, "how long to wait after the SIGKILL")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: %s [-grace D] [-timeout D] CGROUP-DIR\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := killAll(ctx, flag.Arg(0), *grace, *timeout, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		stop()
		os.Exit(1)
	}
}
