// SPDX-License-Identifier: LGPL-2.1-or-later

package cgkill

import (
	"errors"
	"fmt"
	"strconv"
	"syscall"
)

// ErrTimeout is the error a kill returns, wrapped in an *Error, when the
// deadline of Options.Timeout passed with user processes left in the
// subtree (CGKILL_TIMEOUT).  The C library counts that as a result, not
// a failure; the binding makes it an error so that err == nil always means
// that no user process is left.  The Report is filled in all the same, with
// TimedOut set: test for it with errors.Is(err, cgkill.ErrTimeout).
var ErrTimeout = errors.New("deadline passed with processes left")

// ErrLeftFrozen is the error a kill returns, wrapped in an *Error, when the
// thaw after a signalling round of the freeze method failed and the target
// is still frozen (CGKILL_LEFT_FROZEN).  The Report is filled in: ThawFailed
// is set and ThawErr says why.  Writing "0" to the target's cgroup.freeze
// thaws it; see libcgkill(3), "Recovering a frozen target".
var ErrLeftFrozen = errors.New("target left frozen")

// Error is the error of every function of the package.  Err is a
// syscall.Errno for a failure of the C library (the closed sets of errors
// in its man pages), ErrTimeout or ErrLeftFrozen for those results, the
// context's error when the context ended the wait, or os.ErrClosed for an
// *os.File closed already.  errors.Is(err, syscall.ENOENT),
// errors.Is(err, context.Canceled) and the like look through it.
type Error struct {
	// Op is the C function that failed (such as "cgkill_open" or
	// "cgkill_op_start"), "wait" when the context ended the operation
	// (or, rarely, poll(2) failed), "eventfd" when the eventfd of the
	// wait could not be made (before anything was signalled), or the Go
	// function for a check made before the library is called.
	Op string
	// Path is the target as the caller named it: a path, the name of
	// an *os.File, or empty for a process.
	Path string
	// Pid is the process given to KillPid or OpenPid, else 0.
	Pid int
	// Err is the cause.
	Err error
}

func (e *Error) Error() string {
	s := "cgkill: " + e.Op
	if e.Path != "" {
		s += " " + e.Path
	}
	if e.Pid != 0 {
		s += " pid " + strconv.Itoa(e.Pid)
	}
	if e.Err == nil {
		return s
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// target names what a call was about, for its errors.
type target struct {
	path string
	pid  int
}

func (t target) err(op string, err error) error {
	return &Error{Op: op, Path: t.path, Pid: t.pid, Err: err}
}

// errno turns a negative errno value from the library into an *Error.
func (t target) errno(op string, r int) error {
	return t.err(op, syscall.Errno(-r))
}

// The results of the kill calls, as include/cgkill.h numbers them.
const (
	resultDone       = 0
	resultTimeout    = 1
	resultRunning    = 2
	resultLeftFrozen = 3
)

// result maps the final result of cgkill_op_process() to an error.
func (t target) result(r int) error {
	switch {
	case r == resultDone:
		return nil
	case r == resultTimeout:
		return t.err("cgkill_op_process", ErrTimeout)
	case r == resultLeftFrozen:
		return t.err("cgkill_op_process", ErrLeftFrozen)
	case r < 0:
		return t.errno("cgkill_op_process", r)
	}
	// A result that a newer library has and this binding does not know:
	// not success, since the binding cannot tell what it means.
	return t.err("cgkill_op_process", fmt.Errorf("unknown result %d", r))
}

// errnoOrNil turns a report's 0 or negative errno field into an error.
func errnoOrNil(v int32) error {
	if v >= 0 {
		return nil
	}
	return syscall.Errno(-v)
}
