// SPDX-License-Identifier: LGPL-2.1-or-later

package cgkill

// #include <errno.h>
// #include <cgkill.h>
import "C"

import (
	"context"
	"syscall"
	"unsafe"
)

// errors.go numbers the results as the header does: a difference fails the
// build.
var (
	_ = [1]int{}[resultDone-C.CGKILL_DONE]
	_ = [1]int{}[resultTimeout-C.CGKILL_TIMEOUT]
	_ = [1]int{}[resultRunning-C.CGKILL_RUNNING]
	_ = [1]int{}[resultLeftFrozen-C.CGKILL_LEFT_FROZEN]
)

// run drives one operation of the non-blocking engine, started by start,
// to its end on the calling goroutine: cgkill_op_process(), and between
// calls a poll(2) on the operation's fd and, when ctx can end, an eventfd
// that a helper goroutine signals when it does.  Only this goroutine ever
// touches the operation, so the library sees one caller at a time.  The
// freezer is only ever set within one library call, so freeing the
// operation between calls, on cancellation, leaves nothing frozen.  The
// caller has checked ctx before opening the target.
func run(ctx context.Context, t target, opts *Options,
	start func(*C.struct_cgkill_opts, **C.struct_cgkill_op) error) (Report, error) {
	var copts C.struct_cgkill_opts
	var op *C.struct_cgkill_op

	// What can fail in the wait is made before anything is signalled.
	w, err := newWaiter(ctx)
	if err != nil {
		return Report{}, t.err("eventfd", err)
	}
	defer w.close()
	opts.cOpts(&copts)
	if err := start(&copts, &op); err != nil {
		return Report{}, err
	}
	defer C.cgkill_op_free(op)
	w.fds[0].fd = int32(C.cgkill_op_get_fd(op))

	var crep C.struct_cgkill_report
	crep.size = C.uint32_t(unsafe.Sizeof(crep))
	for {
		r := int(C.cgkill_op_process(op, &crep))
		if r != resultRunning {
			return finalReport(t, op, &crep, r)
		}
		if err := w.wait(); err != nil {
			// Cancelled (or poll failed): abandon the operation between
			// two calls.  Only the stages so far can be told.
			stages, _ := opStages(op, ^uint32(0))
			return Report{Stages: stages}, t.err("wait", err)
		}
	}
}

// finalReport turns the final report of op into a Report, with the stages,
// survivors and victims read from op while it lives (their strings are the
// op's), and r, the final result, into the error.  A failure to read one
// of them, which the library only has for a bad argument, makes a success
// an error: the Report would be incomplete.
func finalReport(t target, op *C.struct_cgkill_op, crep *C.struct_cgkill_report, r int) (Report, error) {
	err := t.result(r)
	stages, serr := opStages(op, uint32(crep.n_stages))
	if err == nil && serr != nil {
		err = t.err("cgkill_op_get_stage", serr)
	}
	rep := reportFrom(crep, stages)
	rep.Survivors, serr = opSurvivors(op, uint32(crep.n_survivors))
	if err == nil && serr != nil {
		err = t.err("cgkill_op_get_survivor", serr)
	}
	rep.Victims, serr = opVictims(op, uint32(crep.n_victims))
	if err == nil && serr != nil {
		err = t.err("cgkill_op_get_victim", serr)
	}
	return rep, err
}

// opSurvivors reads survivors 0 .. n-1 of op.
func opSurvivors(op *C.struct_cgkill_op, n uint32) ([]Survivor, error) {
	if n == 0 {
		return nil, nil
	}
	list := make([]Survivor, 0, n)
	for i := uint32(0); i < n; i++ {
		var cs C.struct_cgkill_survivor
		cs.size = C.uint32_t(unsafe.Sizeof(cs))
		if r := C.cgkill_op_get_survivor(op, C.uint32_t(i), &cs); r < 0 {
			return list, syscall.Errno(-r)
		}
		list = append(list, survivorFrom(&cs))
	}
	return list, nil
}

// opVictims reads victims 0 .. n-1 of op.  Each read asks the kernel how
// the victim ended, when that is not known yet: this is the last chance,
// since the op is freed next.
func opVictims(op *C.struct_cgkill_op, n uint32) ([]Victim, error) {
	if n == 0 {
		return nil, nil
	}
	list := make([]Victim, 0, n)
	for i := uint32(0); i < n; i++ {
		var cv C.struct_cgkill_victim
		cv.size = C.uint32_t(unsafe.Sizeof(cv))
		if r := C.cgkill_op_get_victim(op, C.uint32_t(i), &cv); r < 0 {
			return list, syscall.Errno(-r)
		}
		list = append(list, victimFrom(&cv))
	}
	return list, nil
}

// opStages reads stages 0 .. n-1 of op, or, with n = ^0, as many as it has.
func opStages(op *C.struct_cgkill_op, n uint32) ([]Stage, error) {
	var stages []Stage
	for i := uint32(0); i < n; i++ {
		var cs C.struct_cgkill_stage
		cs.size = C.uint32_t(unsafe.Sizeof(cs))
		if r := C.cgkill_op_get_stage(op, C.uint32_t(i), &cs); r < 0 {
			if n == ^uint32(0) && r == -C.ENOENT {
				break
			}
			return stages, syscall.Errno(-r)
		}
		stages = append(stages, stageFrom(&cs))
	}
	return stages, nil
}

// pollFd is struct pollfd.
type pollFd struct {
	fd      int32
	events  int16
	revents int16
}

const (
	pollIn   = 0x1
	pollNval = 0x20
)

// waiter waits until the operation's fd is readable or ctx is done.
type waiter struct {
	ctx     context.Context
	fds     [2]pollFd // the op fd, then the eventfd when ctx can end
	n       uintptr
	started bool          // the helper goroutine runs
	stop    chan struct{} // closed by close(): the helper goroutine ends
	done    chan struct{} // closed by the helper goroutine as it ends
}

// newWaiter makes the eventfd when ctx can end; the caller sets the op fd
// in fds[0].
func newWaiter(ctx context.Context) (*waiter, error) {
	w := &waiter{ctx: ctx, n: 1}
	w.fds[0] = pollFd{fd: -1, events: pollIn}
	if ctx.Done() == nil {
		return w, nil // never cancelled: the op fd alone
	}
	efd, _, e := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0,
		syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
	if e != 0 {
		return nil, e
	}
	w.fds[1] = pollFd{fd: int32(efd), events: pollIn}
	w.n = 2
	return w, nil
}

// watch starts the helper goroutine: it signals the eventfd once ctx is
// done, unless close() comes first.
func (w *waiter) watch() {
	w.started = true
	w.stop = make(chan struct{})
	w.done = make(chan struct{})
	go func(efd int) {
		defer close(w.done)
		select {
		case <-w.ctx.Done():
			one := uint64(1)
			syscall.Write(efd, (*[8]byte)(unsafe.Pointer(&one))[:])
		case <-w.stop:
		}
	}(int(w.fds[1].fd))
}

// wait returns nil when the op fd is readable, or the context's error.
// The thread is blocked in ppoll(2) meanwhile, as in any system call: the
// Go scheduler runs other goroutines on other threads.
func (w *waiter) wait() error {
	if w.n == 2 && !w.started {
		w.watch()
	}
	for {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		_, _, e := syscall.Syscall6(syscall.SYS_PPOLL,
			uintptr(unsafe.Pointer(&w.fds[0])), w.n, 0, 0, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return e
		}
		if err := w.ctx.Err(); err != nil {
			return err
		}
		if w.fds[0].revents&pollNval != 0 {
			return syscall.EBADF
		}
		return nil
	}
}

// close ends the helper goroutine and waits for it, so that it cannot write
// to the eventfd after the eventfd is closed (and its number reused).
func (w *waiter) close() {
	if w.started {
		close(w.stop)
		<-w.done
	}
	if w.n == 2 {
		syscall.Close(int(w.fds[1].fd))
	}
}
