// SPDX-License-Identifier: LGPL-2.1-or-later

package cgkill

// #include <cgkill.h>
//
// // The cgroup strings sit in anonymous unions, which cgo cannot name.
// static const char *cgk_survivor_cgroup(const struct cgkill_survivor *s)
// {
// 	return s->cgroup;
// }
// static const char *cgk_victim_cgroup(const struct cgkill_victim *v)
// {
// 	return v->cgroup;
// }
import "C"

import (
	"bytes"
	"strconv"
	"syscall"
	"time"
	"unsafe"
)

// The binding reads the 1.1 fields: a header older than that fails the
// build here rather than with a puzzling error about a missing field.
var _ [unsafe.Sizeof(C.struct_cgkill_report{}) - C.CGKILL_REPORT_SIZE_VER1]struct{}
var _ [unsafe.Sizeof(C.struct_cgkill_opts{}) - C.CGKILL_OPTS_SIZE_VER1]struct{}

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
	// NoMrelease: Options.ReleaseMemory, but process_mrelease(2) is
	// missing (before Linux 5.15) or refused (a seccomp filter): the
	// victims freed their memory themselves, and MemoryReleasedBytes and
	// MemoryReleasedAt are 0.
	NoMrelease bool

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

	// Since libcgkill 1.1:

	// Survivors holds the user processes left in the subtree at the
	// end, in the order of the walk (parents first), each with what
	// explains that it is still there: listed on ErrTimeout, and with
	// Options.Survivors whatever the result.  At most
	// Options.MaxSurvivors of them.
	Survivors []Survivor
	// SurvivorsLeft counts the user processes left at the end, listed
	// in Survivors or not (past MaxSurvivors); 0 unless they were
	// listed.
	SurvivorsLeft uint64
	// Victims holds each process the kill killed (Options.Victims), at
	// most Options.MaxVictims of them.
	Victims []Victim
	// Hidden is the largest number of processes a pass saw outside the
	// caller's pid namespace (listed as pid 0): they can be neither
	// signalled through a pidfd nor described.
	Hidden uint64
	// MemoryReleasedBytes is the memory that came back from the victims
	// with Options.ReleaseMemory: the drop of the target's
	// memory.current where the memory controller is enabled for it,
	// else the resident anonymous memory of the victims reaped or found
	// exiting.  0 when nothing was reaped.  What the machine shows as
	// free may lag behind (see libcgkill(3), "Memory back at once").
	MemoryReleasedBytes uint64
	// MemoryReleasedAt is when the reaping ended, from the start of the
	// operation (as Elapsed); 0 when nothing was reaped.
	MemoryReleasedAt time.Duration
}

// Disposition is what a survivor does with the signal sent
// (struct cgkill_survivor.disposition).
type Disposition uint32

const (
	DispositionDefault Disposition = 0 // the default action
	DispositionBlocked Disposition = 1 // blocked: it waits, whatever the handler
	DispositionIgnored Disposition = 2 // ignored
	DispositionCaught  Disposition = 3 // a handler runs: the process decides
)

// The header's values (CGKILL_DISP_*): a difference fails the build.
var (
	_ = [1]int{}[DispositionDefault-C.CGKILL_DISP_DEFAULT]
	_ = [1]int{}[DispositionBlocked-C.CGKILL_DISP_BLOCKED]
	_ = [1]int{}[DispositionIgnored-C.CGKILL_DISP_IGNORED]
	_ = [1]int{}[DispositionCaught-C.CGKILL_DISP_CAUGHT]
)

func (d Disposition) String() string {
	switch d {
	case DispositionDefault:
		return "default"
	case DispositionBlocked:
		return "blocked"
	case DispositionIgnored:
		return "ignored"
	case DispositionCaught:
		return "caught"
	}
	return "Disposition(" + strconv.FormatUint(uint64(d), 10) + ")"
}

// Survivor is a user process still in the subtree when the kill ended,
// with what explains that it is still there (struct cgkill_survivor; see
// cgkill_op_get_survivor(3)).  Fields may be added in later versions.
type Survivor struct {
	Pid     int    // in the caller's pid namespace
	Comm    string // its command name
	Cgroup  string // its group relative to the target, "" for the target
	Threads uint64
	State   rune   // the state letter of /proc/PID/stat: 'R', 'S', 'D', 'T', 't', 'Z', ...
	Wchan   string // where it sleeps in the kernel; "" when it runs or the kernel does not tell

	// What explains it (CGKILL_WHY_*), any number of them:
	Frozen          bool // its group or one above it is frozen
	Traced          bool // traced (Tracer) or in a ptrace stop: the tracer decides
	Stopped         bool // stopped by a signal (state 'T')
	Uninterruptible bool // in uninterruptible sleep (state 'D'), in Wchan
	Dying           bool // on its way out and not gone yet
	ZombieLeader    bool // its main thread exited, other threads live on

	Tracer int // the pid of its tracer, 0 when not traced

	// Disposition is what it does with Signal: the signal of the last
	// stage (in a dry run, the one that would have been sent).
	Signal      syscall.Signal
	Disposition Disposition
}

// Victim is a process the kill killed, with how it ended when that is
// known (struct cgkill_victim; see cgkill_op_get_victim(3)).  Fields may
// be added in later versions.
type Victim struct {
	Pid    int            // in the caller's pid namespace
	Comm   string         // its command name before the signal; "" if unread
	Cgroup string         // its group relative to the target, "" for the target
	Signal syscall.Signal // the last signal the kill sent it

	// Native: killed by the kernel's cgroup.kill, pinned just before.
	Native bool
	// ExitedBefore: it had exited on its own before the signal reached
	// it.
	ExitedBefore bool

	// ExitKnown says that ExitSignal and ExitCode hold how it ended.
	// The kernel tells that (Linux 6.15) only once the victim's parent
	// has reaped it, and the kill asks as it returns, once: a victim not
	// reaped by then has ExitKnown false, as has every victim on an
	// older kernel.
	ExitKnown  bool
	ExitSignal syscall.Signal // the signal it died of; 0 when it exited
	ExitCode   int            // with ExitSignal 0: its exit status
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
		NoMrelease:    f&C.CGKILL_REPORT_NO_MRELEASE != 0,
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

		SurvivorsLeft:       uint64(c.survivors),
		Hidden:              uint64(c.hidden),
		MemoryReleasedBytes: uint64(c.memory_released_bytes),
		MemoryReleasedAt:    time.Duration(c.memory_released_ns),
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

// goString copies a NUL-terminated string out of a fixed-size C array,
// never reading past the array.
func goString(p *C.char, n int) string {
	b := C.GoBytes(unsafe.Pointer(p), C.int(n))
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func survivorFrom(c *C.struct_cgkill_survivor) Survivor {
	why := uint32(c.why)
	return Survivor{
		Pid:             int(c.pid),
		Comm:            goString(&c.comm[0], len(c.comm)),
		Cgroup:          C.GoString(C.cgk_survivor_cgroup(c)),
		Threads:         uint64(c.threads),
		State:           rune(c.state),
		Wchan:           goString(&c.wchan[0], len(c.wchan)),
		Frozen:          why&C.CGKILL_WHY_FROZEN != 0,
		Traced:          why&C.CGKILL_WHY_TRACED != 0,
		Stopped:         why&C.CGKILL_WHY_STOPPED != 0,
		Uninterruptible: why&C.CGKILL_WHY_UNINTERRUPTIBLE != 0,
		Dying:           why&C.CGKILL_WHY_DYING != 0,
		ZombieLeader:    why&C.CGKILL_WHY_ZOMBIE_LEADER != 0,
		Tracer:          int(c.tracer),
		Signal:          syscall.Signal(c.signal),
		Disposition:     Disposition(c.disposition),
	}
}

func victimFrom(c *C.struct_cgkill_victim) Victim {
	f := uint32(c.flags)
	v := Victim{
		Pid:          int(c.pid),
		Comm:         goString(&c.comm[0], len(c.comm)),
		Cgroup:       C.GoString(C.cgk_victim_cgroup(c)),
		Signal:       syscall.Signal(c.signal),
		Native:       f&C.CGKILL_VICTIM_NATIVE != 0,
		ExitedBefore: f&C.CGKILL_VICTIM_BEFORE != 0,
		ExitKnown:    f&C.CGKILL_VICTIM_EXITED != 0,
	}
	// Only meaningful when known: zero otherwise, whatever C left there.
	if v.ExitKnown {
		v.ExitSignal = syscall.Signal(c.exit_signal)
		v.ExitCode = int(c.exit_code)
	}
	return v
}
