// SPDX-License-Identifier: LGPL-2.1-or-later

package cgkill

// #include <cgkill.h>
import "C"

import (
	"math"
	"syscall"
	"time"
)

// Forever, as Options.Timeout, waits as long as it takes
// (CGKILL_TIMEOUT_INFINITE).  Any negative Timeout does the same.
const Forever time.Duration = -1

// DefaultTimeout is the deadline of a kill given nil options
// (CGKILL_TIMEOUT_DEFAULT_MS).
const DefaultTimeout = 10 * time.Second

// The header's value: a difference fails the build.
var _ = [1]int{}[DefaultTimeout/time.Millisecond-C.CGKILL_TIMEOUT_DEFAULT_MS]

// Options says how to kill: struct cgkill_opts in Go terms.  A nil
// *Options means the library's defaults: SIGKILL, wait up to
// DefaultTimeout, no flags.  Fields may be added in later versions; their
// zero value will keep today's behaviour.
//
// Mind the zero Timeout: unlike nil options, &Options{Remove: true} does
// not wait, so the kill returns ErrTimeout unless the subtree emptied
// during the signal itself, and nothing is removed.  So does any other
// Options without a Timeout, such as &Options{ReleaseMemory: true}, whose
// reaping then also stops after its first slice (about 10 ms), the
// victims still exiting being listed as survivors.  Set Timeout
// (DefaultTimeout, or Forever) whenever you fill in Options.
type Options struct {
	// Signal to send; 0 means SIGKILL.  Only SIGKILL can use the
	// kernel's cgroup.kill; any other signal uses the freeze method.
	Signal syscall.Signal
	// Timeout is how long to wait for the subtree to empty after the
	// signal (after the SIGKILL, with escalation): 0 does not wait,
	// a negative value (Forever) waits as long as it takes.  It is
	// rounded up to whole milliseconds.  A context's deadline is
	// another matter: it cancels the operation (see Kill).
	Timeout time.Duration
	// Escalate sends SIGKILL to what is left Grace after Signal
	// (CGKILL_ESCALATE).  A positive Grace implies it.  Signal must not
	// be SIGKILL.
	Escalate bool
	// Grace is the time between Signal and the SIGKILL of an
	// escalation, rounded up to whole milliseconds.
	Grace time.Duration
	// Fallback uses the freeze method for SIGKILL too, never the
	// kernel's cgroup.kill (CGKILL_FORCE_FREEZE).
	Fallback bool
	// DryRun lists the processes and signals none (CGKILL_DRY_RUN).
	DryRun bool
	// AllowSelf accepts a target that contains the calling process,
	// which is never signalled: the rest is (CGKILL_ALLOW_SELF).
	AllowSelf bool
	// Remove removes every group of the subtree, leaves first, once it
	// is empty (CGKILL_REMOVE).
	Remove bool
	// SIGCONT follows each signal sent through a pidfd with SIGCONT,
	// so that a stopped process acts on it (CGKILL_SIGCONT).
	SIGCONT bool

	// Since libcgkill 1.1:

	// Survivors lists the user processes left in the subtree when the
	// kill ends, whatever its result, in Report.Survivors
	// (CGKILL_SURVIVORS).  They are listed on ErrTimeout anyway; the
	// option asks for them on success too (kernel threads can keep a
	// subtree populated) and in a dry run, where every user process
	// found is listed.
	Survivors bool
	// MaxSurvivors bounds Report.Survivors, on a timeout too; 0 means
	// DefaultMaxSurvivors.  Report.SurvivorsLeft counts them all.
	MaxSurvivors uint32
	// Victims lists each process the kill killed, and how it ended, in
	// Report.Victims (CGKILL_VICTIMS).  With the native method the
	// target is then frozen for a moment to pin every process before
	// the kernel's kill.  Each victim holds a file descriptor until the
	// kill returns (see cgkill_op_get_victim(3)).  Not in a dry run.
	Victims bool
	// MaxVictims bounds Report.Victims; 0 lists them all.  A positive
	// MaxVictims implies Victims.
	MaxVictims uint32
	// ReleaseMemory reaps the victims' memory with process_mrelease(2)
	// (Linux 5.15) as SIGKILL ends them, instead of leaving it to each
	// victim's own exit, which on a busy machine can take seconds
	// (CGKILL_RELEASE_MEMORY).  Only with SIGKILL: as Signal, or as the
	// SIGKILL of an escalation; not in a dry run.  Report.MemoryReleasedBytes
	// says how much came back and Report.MemoryReleasedAt when; a kernel
	// without the call (or a seccomp filter refusing it) kills all the
	// same and sets Report.NoMrelease.
	ReleaseMemory bool
}

// DefaultMaxSurvivors is how many survivors a kill lists when
// Options.MaxSurvivors is 0 (CGKILL_MAX_SURVIVORS_DEFAULT).
const DefaultMaxSurvivors = 64

// The header's value: a difference fails the build.
var _ = [1]int{}[DefaultMaxSurvivors-C.CGKILL_MAX_SURVIVORS_DEFAULT]

// millis converts a duration to the library's milliseconds: rounded up, so
// that a positive duration never becomes 0, and negative ones stay negative.
func millis(d time.Duration) int64 {
	if d <= 0 {
		if d < 0 {
			return -1
		}
		return 0
	}
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}

// cOpts fills c from o, nil meaning the defaults.
func (o *Options) cOpts(c *C.struct_cgkill_opts) {
	C.cgkill_opts_init(c)
	if o == nil {
		return
	}
	if o.Signal != 0 {
		c.signal = -1 // refused with EINVAL, never cut down to a valid one
		if o.Signal > 0 && o.Signal <= math.MaxInt32 {
			c.signal = C.int32_t(o.Signal)
		}
	}
	if o.Timeout < 0 {
		c.timeout_ms = C.CGKILL_TIMEOUT_INFINITE
	} else {
		c.timeout_ms = C.int64_t(millis(o.Timeout))
	}
	// A negative grace is passed on for the library to refuse (EINVAL).
	c.grace_ms = C.int64_t(millis(o.Grace))
	var flags C.uint64_t
	for _, f := range []struct {
		on   bool
		flag C.uint64_t
	}{
		{o.Fallback, C.CGKILL_FORCE_FREEZE},
		{o.AllowSelf, C.CGKILL_ALLOW_SELF},
		{o.DryRun, C.CGKILL_DRY_RUN},
		{o.SIGCONT, C.CGKILL_SIGCONT},
		{o.Escalate || o.Grace > 0, C.CGKILL_ESCALATE},
		{o.Remove, C.CGKILL_REMOVE},
		{o.Survivors, C.CGKILL_SURVIVORS},
		{o.Victims || o.MaxVictims > 0, C.CGKILL_VICTIMS},
		{o.ReleaseMemory, C.CGKILL_RELEASE_MEMORY},
	} {
		if f.on {
			flags |= f.flag
		}
	}
	c.flags = flags
	c.max_survivors = C.uint32_t(o.MaxSurvivors)
	c.max_victims = C.uint32_t(o.MaxVictims)
}
