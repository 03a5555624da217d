// SPDX-License-Identifier: LGPL-2.1-or-later

package cgkill

// #include <cgkill.h>
import "C"

import (
	"strconv"
	"syscall"
	"time"
)

// Method is how a stage signalled: struct cgkill_report.last_method and
// struct cgkill_stage.method.
type Method uint32

const (
	MethodNone   Method = 0 // nothing signalled (dry run)
	MethodNative Method = 1 // the kernel's cgroup.kill
	MethodFreeze Method = 2 // cgroup.freeze and pidfd signals
)

// The header's values (CGKILL_METHOD_*): a difference fails the build.
var (
	_ = [1]int{}[MethodNone-C.CGKILL_METHOD_NONE]
	_ = [1]int{}[MethodNative-C.CGKILL_METHOD_NATIVE]
	_ = [1]int{}[MethodFreeze-C.CGKILL_METHOD_FREEZE]
)

func (m Method) String() string {
	switch m {
	case MethodNone:
		return "none"
	case MethodNative:
		return "native"
	case MethodFreeze:
		return "freeze"
	}
	return "Method(" + strconv.FormatUint(uint64(m), 10) + ")"
}

// Stage is one signalling stage: the first signal, then the SIGKILL of an
// escalation (struct cgkill_stage).  Fields may be added in later versions.
type Stage struct {
	Signal   syscall.Signal
	Method   Method
	Passes   uint64        // listing passes over the subtree in this stage
	Signaled uint64        // processes this stage signalled through a pidfd
	Started  time.Duration // from the start of the operation
}

// Report says what a kill did: struct cgkill_report in Go terms, with the
// stages that the C report leaves to cgkill_op_get_stage().  Fields may be
// added in later versions (the C report grows at its end).
//
// A kill fills it when it returns nil, ErrTimeout or ErrLeftFrozen, and
// when it fails after the operation has started (while waiting,
// escalating or removing: RemoveErr then says why the removal failed).  It
// is zero when the kill fails before that: bad options, a target that
// cannot be opened or is refused, a failed first signalling round.  When
// the context ends the operation, only Stages is filled: the stages that
// had started, so a caller knows which signals went out.
type Report struct {
	// The flags of the report (CGKILL_REPORT_*).
	NoUsers    bool // no user process is left (dry run: none was found)
	Populated  bool // cgroup.events said "populated 1" at the end
	TimedOut   bool // the deadline passed first (ErrTimeout)
	Escalated  bool // the escalation sent SIGKILL
	Removed    bool // Remove removed the subtree, the target included
	ThawFailed bool // the target is left frozen (ErrLeftFrozen)
	// FrozenByOther: someone else froze the target during the round,
	// and it is left frozen as they want.
	FrozenByOther bool

	FirstSignal syscall.Signal // the signal of the first stage
	LastSignal  syscall.Signal // the signal of the last stage; 0 in a dry run
	LastMethod  Method         // the method of the last stage

	Signaled      uint64 // processes signalled through a pidfd, all stages
	KernelThreads uint64 // kernel threads seen, never signalled
	Cgroups       uint64 // groups in the subtree, as the largest pass saw
	Passes        uint64 // listing passes over the subtree
	FrozenPending uint64 // signalled, waiting for a thaw of a group frozen on purpose

	Elapsed time.Duration // from the start of the operation to its end

	RemoveErr error // Remove: nil, or the syscall.Errno the removal failed with
	ThawErr   error // ThawFailed: the syscall.Errno of the failed thaw

	// Stages holds each signalling stage: none in a dry run, one, or
	// two after an escalation.
	Stages []Stage
}

func reportFrom(c *C.struct_cgkill_report, stages []Stage) Report {
	f := uint32(c.flags)
	return Report{
		NoUsers:       f&C.CGKILL_REPORT_NO_USERS != 0,
		Populated:     f&C.CGKILL_REPORT_POPULATED != 0,
		TimedOut:      f&C.CGKILL_REPORT_TIMED_OUT != 0,
		Escalated:     f&C.CGKILL_REPORT_ESCALATED != 0,
		Removed:       f&C.CGKILL_REPORT_REMOVED != 0,
		ThawFailed:    f&C.CGKILL_REPORT_THAW_FAILED != 0,
		FrozenByOther: f&C.CGKILL_REPORT_FROZEN_BY_OTHER != 0,
		FirstSignal:   syscall.Signal(c.first_signal),
		LastSignal:    syscall.Signal(c.last_signal),
		LastMethod:    Method(c.last_method),
		Signaled:      uint64(c.signaled),
		KernelThreads: uint64(c.kernel_threads),
		Cgroups:       uint64(c.cgroups),
		Passes:        uint64(c.passes),
		FrozenPending: uint64(c.frozen_pending),
		Elapsed:       time.Duration(c.elapsed_ns),
		RemoveErr:     errnoOrNil(int32(c.remove_error)),
		ThawErr:       errnoOrNil(int32(c.thaw_error)),
		Stages:        stages,
	}
}

func stageFrom(c *C.struct_cgkill_stage) Stage {
	return Stage{
		Signal:   syscall.Signal(c.signal),
		Method:   Method(c.method),
		Passes:   uint64(c.passes),
		Signaled: uint64(c.signaled),
		Started:  time.Duration(c.started_ns),
	}
}
