// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * _cgkill: the C half of the Python binding.  It is thin on purpose: it
 * opens groups, runs operations with the GIL released and hands back the
 * report as a dict of the C field names (its survivors and victims as
 * tuples of such dicts); cgkill/_report.py turns that into the Python
 * types, so that a field added to struct cgkill_report is one line here
 * and one there.
 *
 * Every library call, and the poll() of a blocking wait, runs with the GIL
 * released: a kill that waits seconds for a group to empty stalls no other
 * Python thread.  The blocking wait is the loop of cgkill_op_wait(), done
 * here so that a signal (Ctrl-C) reaches its Python handler within 100 ms
 * (poll() returns EINTR, or its timeout, and the handler runs with the GIL
 * held), and an exception it raises ends the wait; the caller then frees
 * the operation, and nothing is left frozen since a freeze round never
 * outlasts a library call.
 *
 * The survivors and victims are read, also without the GIL, into C arrays
 * as the operation ends (a victim's read may ask the kernel how it ended),
 * and turned into Python objects afterwards: their cgroup strings belong
 * to the operation, which stays alive as long as this object holds it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <cgkill.h>

/* The longest a blocking wait sleeps before it looks for Python signals. */
#define WAIT_SLICE_MS 100

/* One operation; the library wants it used by one thread at a time, and a
 * call runs without the GIL, so `busy` (read and written with the GIL held)
 * turns a second thread's call into an exception rather than a race. */
typedef struct {
	PyObject_HEAD
	struct cgkill_op *op;
	PyObject *filename;	/* for errors; Py_None when there is none */
	int busy;
	int ended;		/* a final result was seen */
	uint32_t n_victims;	/* as the final report said */
} OpObject;

/* OSError(errno, strerror[, filename]): OSError picks the subclass
 * (FileNotFoundError, PermissionError, ...) from the errno. */
static PyObject *set_error(int neg, PyObject *filename)
{
	errno = -neg;
	if (filename && filename != Py_None)
		return PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, filename);
	return PyErr_SetFromErrno(PyExc_OSError);
}

/* ---- opening a group ----------------------------------------------------- */

static PyObject *py_open(PyObject *self, PyObject *args)
{
	PyObject *path, *bytes = NULL;
	unsigned int flags;
	int fd;

	(void)self;
	if (!PyArg_ParseTuple(args, "OI:open", &path, &flags))
		return NULL;
	if (!PyUnicode_FSConverter(path, &bytes))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	fd = cgkill_open(PyBytes_AS_STRING(bytes), flags);
	Py_END_ALLOW_THREADS
	Py_DECREF(bytes);
	if (fd < 0)
		return set_error(fd, path);
	return PyLong_FromLong(fd);
}

static PyObject *py_open_pid(PyObject *self, PyObject *args)
{
	int pid, fd;

	(void)self;
	if (!PyArg_ParseTuple(args, "i:open_pid", &pid))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	fd = cgkill_open_pid((pid_t)pid, 0);
	Py_END_ALLOW_THREADS
	if (fd < 0)
		return set_error(fd, NULL);
	return PyLong_FromLong(fd);
}

static PyObject *py_open_pidfd(PyObject *self, PyObject *arg)
{
	int pidfd = PyObject_AsFileDescriptor(arg), fd;

	(void)self;
	if (pidfd < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	fd = cgkill_open_pidfd(pidfd, 0);
	Py_END_ALLOW_THREADS
	if (fd < 0)
		return set_error(fd, NULL);
	return PyLong_FromLong(fd);
}

/* ---- capabilities and version -------------------------------------------- */

static PyObject *py_probe(PyObject *self, PyObject *arg)
{
	uint64_t features = 0;
	int fd = -1, r;

	(void)self;
	if (arg != Py_None && (fd = PyObject_AsFileDescriptor(arg)) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	r = cgkill_probe(fd, &features);
	Py_END_ALLOW_THREADS
	if (r < 0)
		return set_error(r, NULL);
	return PyLong_FromUnsignedLongLong(features);
}

static PyObject *py_version(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	return PyUnicode_FromString(cgkill_version());
}

/* ---- the report ---------------------------------------------------------- */

static PyObject *stage_dict(const struct cgkill_stage *s)
{
	return Py_BuildValue("{s:i,s:I,s:I,s:K,s:K}",
			     "signal", (int)s->signal,
			     "method", (unsigned int)s->method,
			     "passes", (unsigned int)s->passes,
			     "signaled", (unsigned long long)s->signaled,
			     "started_ns", (unsigned long long)s->started_ns);
}

/* The survivors and victims of an ended operation, copied out of it
 * without the GIL; `err` is the first failure (-ENOMEM, or a getter's). */
struct lists {
	struct cgkill_survivor *surv;
	struct cgkill_victim *vic;
	uint32_t n_surv, n_vic;
	int err;
};

/* Runs without the GIL (hence the raw allocator) while the caller holds
 * the operation busy, so that no other thread frees it meanwhile. */
static void lists_read(const struct cgkill_op *op, uint32_t n_surv,
		       uint32_t n_vic, struct lists *l)
{
	memset(l, 0, sizeof(*l));
	if (n_surv && !(l->surv = PyMem_RawCalloc(n_surv, sizeof(*l->surv)))) {
		l->err = -ENOMEM;
		return;
	}
	for (; l->n_surv < n_surv; l->n_surv++) {
		struct cgkill_survivor *sv = &l->surv[l->n_surv];

		sv->size = sizeof(*sv);
		l->err = cgkill_op_get_survivor(op, l->n_surv, sv);
		if (l->err < 0)
			return;
	}
	if (n_vic && !(l->vic = PyMem_RawCalloc(n_vic, sizeof(*l->vic)))) {
		l->err = -ENOMEM;
		return;
	}
	for (; l->n_vic < n_vic; l->n_vic++) {
		struct cgkill_victim *v = &l->vic[l->n_vic];

		v->size = sizeof(*v);
		l->err = cgkill_op_get_victim(op, l->n_vic, v);
		if (l->err < 0)
			return;
	}
}

static void lists_free(struct lists *l)
{
	PyMem_RawFree(l->surv);
	PyMem_RawFree(l->vic);
	memset(l, 0, sizeof(*l));
}

/* Names and wait channels come from the kernel as bytes: decoded as
 * os.fsdecode() does (surrogateescape), so that none is refused. */
static PyObject *fs_str(const char *s, size_t max)
{
	return PyUnicode_DecodeFSDefaultAndSize(s ? s : "",
						s ? (Py_ssize_t)strnlen(s, max) : 0);
}

/* The strings are made first, each checked, so that no call runs with an
 * exception set; Py_BuildValue() takes them (N) even when it fails. */
static PyObject *survivor_dict(const struct cgkill_survivor *sv)
{
	PyObject *comm, *wchan = NULL, *cgroup = NULL;

	if (!(comm = fs_str(sv->comm, sizeof(sv->comm))) ||
	    !(wchan = fs_str(sv->wchan, sizeof(sv->wchan))) ||
	    !(cgroup = fs_str(sv->cgroup, SIZE_MAX))) {
		Py_XDECREF(comm);
		Py_XDECREF(wchan);
		return NULL;
	}
	return Py_BuildValue("{s:i,s:N,s:I,s:I,s:i,s:i,s:I,s:I,s:N,s:N}",
			     "pid", (int)sv->pid,
			     "comm", comm,
			     "threads", (unsigned int)sv->threads,
			     "why", (unsigned int)sv->why,
			     "tracer", (int)sv->tracer,
			     "signal", (int)sv->signal,
			     "state", (unsigned int)sv->state,
			     "disposition", (unsigned int)sv->disposition,
			     "wchan", wchan,
			     "cgroup", cgroup);
}

static PyObject *victim_dict(const struct cgkill_victim *v)
{
	PyObject *comm, *cgroup = NULL;

	if (!(comm = fs_str(v->comm, sizeof(v->comm))) ||
	    !(cgroup = fs_str(v->cgroup, SIZE_MAX))) {
		Py_XDECREF(comm);
		return NULL;
	}
	return Py_BuildValue("{s:i,s:N,s:i,s:I,s:i,s:i,s:N}",
			     "pid", (int)v->pid,
			     "comm", comm,
			     "signal", (int)v->signal,
			     "flags", (unsigned int)v->flags,
			     "exit_signal", (int)v->exit_signal,
			     "exit_code", (int)v->exit_code,
			     "cgroup", cgroup);
}

/* A tuple of dicts, one per entry; NULL with the exception set. */
static PyObject *survivors_tuple(const struct lists *l)
{
	PyObject *t = PyTuple_New(l->n_surv);

	for (uint32_t i = 0; t && i < l->n_surv; i++) {
		PyObject *d = survivor_dict(&l->surv[i]);

		if (!d)
			Py_CLEAR(t);
		else
			PyTuple_SET_ITEM(t, i, d);
	}
	return t;
}

static PyObject *victims_tuple(const struct lists *l)
{
	PyObject *t = PyTuple_New(l->n_vic);

	for (uint32_t i = 0; t && i < l->n_vic; i++) {
		PyObject *d = victim_dict(&l->vic[i]);

		if (!d)
			Py_CLEAR(t);
		else
			PyTuple_SET_ITEM(t, i, d);
	}
	return t;
}

/* The report, the stages the operation kept and its lists, as plain
 * dicts. */
static PyObject *report_dict(const struct cgkill_op *op,
			     const struct cgkill_report *rep,
			     const struct lists *l)
{
	PyObject *stages = PyTuple_New(rep->n_stages), *surv = NULL, *vic = NULL;

	if (!stages)
		return NULL;
	for (uint32_t i = 0; i < rep->n_stages; i++) {
		struct cgkill_stage st = { .size = sizeof(st) };
		int r = cgkill_op_get_stage(op, i, &st);
		PyObject *sd;

		if (r < 0) {
			Py_DECREF(stages);
			return set_error(r, NULL);
		}
		sd = stage_dict(&st);
		if (!sd) {
			Py_DECREF(stages);
			return NULL;
		}
		PyTuple_SET_ITEM(stages, i, sd);
	}
	if (!(surv = survivors_tuple(l)) || !(vic = victims_tuple(l))) {
		Py_DECREF(stages);
		Py_XDECREF(surv);
		return NULL;
	}
	return Py_BuildValue("{s:I,s:i,s:i,s:I,s:K,s:K,s:K,s:K,s:K,s:K,s:i,s:i,"
			     "s:N,s:K,s:K,s:K,s:K,s:N,s:N}",
			     "flags", (unsigned int)rep->flags,
			     "first_signal", (int)rep->first_signal,
			     "last_signal", (int)rep->last_signal,
			     "last_method", (unsigned int)rep->last_method,
			     "signaled", (unsigned long long)rep->signaled,
			     "kernel_threads", (unsigned long long)rep->kernel_threads,
			     "cgroups", (unsigned long long)rep->cgroups,
			     "passes", (unsigned long long)rep->passes,
			     "frozen_pending", (unsigned long long)rep->frozen_pending,
			     "elapsed_ns", (unsigned long long)rep->elapsed_ns,
			     "remove_error", (int)rep->remove_error,
			     "thaw_error", (int)rep->thaw_error,
			     "stages", stages,
			     "survivors", (unsigned long long)rep->survivors,
			     "hidden", (unsigned long long)rep->hidden,
			     "memory_released_bytes",
			     (unsigned long long)rep->memory_released_bytes,
			     "memory_released_ns",
			     (unsigned long long)rep->memory_released_ns,
			     "survivor_list", surv,
			     "victim_list", vic);
}

/*
 * (result, report): result is CGKILL_DONE, CGKILL_TIMEOUT,
 * CGKILL_LEFT_FROZEN or a negative errno; every one of them comes with a
 * filled report here, since an operation that failed after its start fills
 * it (the bad-size EINVAL and E2BIG cannot happen: the size is ours).
 * Takes the lists, read with the report, and frees them.
 */
static PyObject *outcome(OpObject *o, int r, const struct cgkill_report *rep,
			 struct lists *l)
{
	PyObject *d = NULL;

	o->ended = 1;
	o->n_victims = rep->n_victims;
	if (l->err == -ENOMEM)
		PyErr_NoMemory();
	else if (l->err < 0)
		set_error(l->err, NULL);
	else
		d = report_dict(o->op, rep, l);
	lists_free(l);
	if (!d)
		return NULL;
	return Py_BuildValue("(iN)", r, d);
}

/* ---- operations ---------------------------------------------------------- */

static int op_usable(OpObject *o)
{
	if (!o->op) {
		PyErr_SetString(PyExc_ValueError, "operation is closed");
		return 0;
	}
	if (o->busy) {
		PyErr_SetString(PyExc_RuntimeError,
				"operation is in use by another thread");
		return 0;
	}
	return 1;
}

/* Op(dirfd, signal, flags, timeout_ms, grace_ms, max_survivors=0,
 * max_victims=0, filename=None): validate, signal the first stage, and
 * hold the operation.  The limits are checked in cgkill/_ops.py ("I" does
 * not check its range). */
static PyObject *op_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "dirfd", "signal", "flags", "timeout_ms",
				  "grace_ms", "max_survivors", "max_victims",
				  "filename", NULL };
	PyObject *fdobj, *filename = Py_None;
	struct cgkill_opts opts;
	struct cgkill_op *op = NULL;
	unsigned long long flags;
	long long timeout_ms, grace_ms;
	unsigned int max_survivors = 0, max_victims = 0;
	OpObject *o;
	int fd, sig, r;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "OiKLL|IIO:Op", kwlist,
					 &fdobj, &sig, &flags, &timeout_ms,
					 &grace_ms, &max_survivors,
					 &max_victims, &filename))
		return NULL;
	fd = PyObject_AsFileDescriptor(fdobj);
	if (fd < 0)
		return NULL;
	o = (OpObject *)type->tp_alloc(type, 0);
	if (!o)
		return NULL;
	Py_INCREF(filename);
	o->filename = filename;

	cgkill_opts_init(&opts);
	opts.signal = sig;
	opts.flags = flags;
	opts.timeout_ms = timeout_ms;
	opts.grace_ms = grace_ms;
	opts.max_survivors = max_survivors;
	opts.max_victims = max_victims;
	Py_BEGIN_ALLOW_THREADS
	r = cgkill_op_start(fd, &opts, &op);
	Py_END_ALLOW_THREADS
	if (r < 0) {
		set_error(r, filename);
		Py_DECREF(o);
		return NULL;
	}
	o->op = op;
	return (PyObject *)o;
}

static void op_dealloc(OpObject *o)
{
	PyTypeObject *tp = Py_TYPE(o);

	cgkill_op_free(o->op);
	Py_XDECREF(o->filename);
	tp->tp_free((PyObject *)o);
	Py_DECREF(tp);
}

static PyObject *op_fileno(OpObject *o, PyObject *unused)
{
	(void)unused;
	if (!o->op) {
		PyErr_SetString(PyExc_ValueError, "operation is closed");
		return NULL;
	}
	return PyLong_FromLong(cgkill_op_get_fd(o->op));
}

/* None while the operation runs, else (result, report). */
static PyObject *op_process(OpObject *o, PyObject *unused)
{
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct lists l = { 0 };
	int r;

	(void)unused;
	if (!op_usable(o))
		return NULL;
	o->busy = 1;
	Py_BEGIN_ALLOW_THREADS
	r = cgkill_op_process(o->op, &rep);
	if (r != CGKILL_RUNNING)
		lists_read(o->op, rep.n_survivors, rep.n_victims, &l);
	Py_END_ALLOW_THREADS
	o->busy = 0;
	if (r == CGKILL_RUNNING)
		Py_RETURN_NONE;
	return outcome(o, r, &rep, &l);
}

/* Block until the operation ends: (result, report).  The loop of
 * cgkill_op_wait(), but an EINTR comes back here so that Python's signal
 * handlers run (and may raise). */
static PyObject *op_wait(OpObject *o, PyObject *unused)
{
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct pollfd pfd = { .events = POLLIN };
	struct lists l = { 0 };
	int r, err;

	(void)unused;
	if (!op_usable(o))
		return NULL;
	pfd.fd = cgkill_op_get_fd(o->op);
	for (;;) {
		err = 0;
		o->busy = 1;
		Py_BEGIN_ALLOW_THREADS
		r = cgkill_op_process(o->op, &rep);
		/* A signal that lands inside the library (which retries its
		 * own EINTR) interrupts no poll(): the timeout bounds how late
		 * its Python handler runs. */
		if (r == CGKILL_RUNNING && poll(&pfd, 1, WAIT_SLICE_MS) < 0)
			err = errno;
		else if (r != CGKILL_RUNNING)
			lists_read(o->op, rep.n_survivors, rep.n_victims, &l);
		Py_END_ALLOW_THREADS
		o->busy = 0;
		if (r != CGKILL_RUNNING)
			return outcome(o, r, &rep, &l);
		if (err && err != EINTR)
			return set_error(-err, NULL);
		/* A handler may raise, or even close this operation. */
		if (PyErr_CheckSignals() < 0 || !op_usable(o))
			return NULL;
	}
}

/* The victims of an ended operation read again: the kernel tells how a
 * victim ended only once its parent has reaped it, which may be after the
 * report was made. */
static PyObject *op_victims(OpObject *o, PyObject *unused)
{
	struct lists l;
	PyObject *t;

	(void)unused;
	if (!op_usable(o))
		return NULL;
	if (!o->ended) {
		PyErr_SetString(PyExc_ValueError, "operation has not ended");
		return NULL;
	}
	o->busy = 1;
	Py_BEGIN_ALLOW_THREADS
	lists_read(o->op, 0, o->n_victims, &l);
	Py_END_ALLOW_THREADS
	o->busy = 0;
	if (l.err == -ENOMEM)
		t = PyErr_NoMemory();
	else if (l.err < 0)
		t = set_error(l.err, NULL);
	else
		t = victims_tuple(&l);
	lists_free(&l);
	return t;
}

/* Free the operation: an unfinished one is abandoned, never left frozen. */
static PyObject *op_close(OpObject *o, PyObject *unused)
{
	(void)unused;
	if (o->busy) {
		PyErr_SetString(PyExc_RuntimeError,
				"operation is in use by another thread");
		return NULL;
	}
	cgkill_op_free(o->op);
	o->op = NULL;
	Py_RETURN_NONE;
}

static PyObject *op_get_closed(OpObject *o, void *unused)
{
	(void)unused;
	return PyBool_FromLong(o->op == NULL);
}

static PyMethodDef op_methods[] = {
	{ "fileno", (PyCFunction)(void (*)(void))op_fileno, METH_NOARGS,
	  "The fd that polls readable when process() has work." },
	{ "process", (PyCFunction)(void (*)(void))op_process, METH_NOARGS,
	  "Make progress: None while running, else (result, report)." },
	{ "wait", (PyCFunction)(void (*)(void))op_wait, METH_NOARGS,
	  "Block (GIL released) until the end: (result, report)." },
	{ "victims", (PyCFunction)(void (*)(void))op_victims, METH_NOARGS,
	  "The victims of the ended operation, read again: a tuple of dicts." },
	{ "close", (PyCFunction)(void (*)(void))op_close, METH_NOARGS,
	  "Free the operation, abandoning it if unfinished." },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef op_getset[] = {
	{ "closed", (getter)(void (*)(void))op_get_closed, NULL,
	  "True once close() ran.", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyType_Slot op_slots[] = {
	{ Py_tp_new, (void *)op_new },
	{ Py_tp_dealloc, (void *)op_dealloc },
	{ Py_tp_methods, op_methods },
	{ Py_tp_getset, op_getset },
	{ Py_tp_doc, (void *)"Op(dirfd, signal, flags, timeout_ms, grace_ms, "
			     "max_survivors=0, max_victims=0, filename=None): "
			     "a started cgkill operation." },
	{ 0, NULL },
};

static PyType_Spec op_spec = {
	.name = "cgkill._cgkill.Op",
	.basicsize = sizeof(OpObject),
	.flags = Py_TPFLAGS_DEFAULT,
	.slots = op_slots,
};

/* ---- the module ---------------------------------------------------------- */

static PyMethodDef module_methods[] = {
	{ "open", py_open, METH_VARARGS,
	  "open(path, flags) -> fd: cgkill_open()." },
	{ "open_pid", py_open_pid, METH_VARARGS,
	  "open_pid(pid) -> fd: cgkill_open_pid()." },
	{ "open_pidfd", py_open_pidfd, METH_O,
	  "open_pidfd(pidfd) -> fd: cgkill_open_pidfd()." },
	{ "probe", py_probe, METH_O,
	  "probe(fd or None) -> int: cgkill_probe()." },
	{ "version", py_version, METH_NOARGS,
	  "version() -> str: the version of the library running." },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module_def = {
	PyModuleDef_HEAD_INIT,
	.m_name = "cgkill._cgkill",
	.m_doc = "The C half of the cgkill binding; use the cgkill package.",
	.m_size = -1,
	.m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__cgkill(void);

PyMODINIT_FUNC PyInit__cgkill(void)
{
	static const struct {
		const char *name;
		long value;
	} constants[] = {
		{ "DONE", CGKILL_DONE },
		{ "TIMEOUT", CGKILL_TIMEOUT },
		{ "RUNNING", CGKILL_RUNNING },
		{ "LEFT_FROZEN", CGKILL_LEFT_FROZEN },
		{ "TIMEOUT_INFINITE", CGKILL_TIMEOUT_INFINITE },
		{ "FORCE_FREEZE", (long)CGKILL_FORCE_FREEZE },
		{ "ALLOW_SELF", (long)CGKILL_ALLOW_SELF },
		{ "DRY_RUN", (long)CGKILL_DRY_RUN },
		{ "SIGCONT", (long)CGKILL_SIGCONT },
		{ "ESCALATE", (long)CGKILL_ESCALATE },
		{ "REMOVE", (long)CGKILL_REMOVE },
		{ "SURVIVORS", (long)CGKILL_SURVIVORS },
		{ "VICTIMS", (long)CGKILL_VICTIMS },
		{ "RELEASE_MEMORY", (long)CGKILL_RELEASE_MEMORY },
		{ "MAX_SURVIVORS_DEFAULT", CGKILL_MAX_SURVIVORS_DEFAULT },
		{ "OPEN_CGROUP_PATH", CGKILL_OPEN_CGROUP_PATH },
		{ "METHOD_NONE", CGKILL_METHOD_NONE },
		{ "METHOD_NATIVE", CGKILL_METHOD_NATIVE },
		{ "METHOD_FREEZE", CGKILL_METHOD_FREEZE },
		{ "REPORT_NO_USERS", CGKILL_REPORT_NO_USERS },
		{ "REPORT_POPULATED", CGKILL_REPORT_POPULATED },
		{ "REPORT_TIMED_OUT", CGKILL_REPORT_TIMED_OUT },
		{ "REPORT_ESCALATED", CGKILL_REPORT_ESCALATED },
		{ "REPORT_REMOVED", CGKILL_REPORT_REMOVED },
		{ "REPORT_THAW_FAILED", CGKILL_REPORT_THAW_FAILED },
		{ "REPORT_FROZEN_BY_OTHER", CGKILL_REPORT_FROZEN_BY_OTHER },
		{ "REPORT_NO_MRELEASE", CGKILL_REPORT_NO_MRELEASE },
		{ "WHY_FROZEN", CGKILL_WHY_FROZEN },
		{ "WHY_TRACED", CGKILL_WHY_TRACED },
		{ "WHY_STOPPED", CGKILL_WHY_STOPPED },
		{ "WHY_UNINTERRUPTIBLE", CGKILL_WHY_UNINTERRUPTIBLE },
		{ "WHY_DYING", CGKILL_WHY_DYING },
		{ "WHY_ZOMBIE_LEADER", CGKILL_WHY_ZOMBIE_LEADER },
		{ "DISP_DEFAULT", CGKILL_DISP_DEFAULT },
		{ "DISP_BLOCKED", CGKILL_DISP_BLOCKED },
		{ "DISP_IGNORED", CGKILL_DISP_IGNORED },
		{ "DISP_CAUGHT", CGKILL_DISP_CAUGHT },
		{ "VICTIM_EXITED", CGKILL_VICTIM_EXITED },
		{ "VICTIM_NATIVE", CGKILL_VICTIM_NATIVE },
		{ "VICTIM_BEFORE", CGKILL_VICTIM_BEFORE },
		{ "FEATURE_KILL", (long)CGKILL_FEATURE_KILL },
		{ "FEATURE_FREEZE", (long)CGKILL_FEATURE_FREEZE },
		{ "FEATURE_PIDFD", (long)CGKILL_FEATURE_PIDFD },
		{ "FEATURE_PIDFD_INFO", (long)CGKILL_FEATURE_PIDFD_INFO },
	};
	PyObject *m = PyModule_Create(&module_def), *op_type, *hv;

	if (!m)
		return NULL;
	for (size_t i = 0; i < sizeof(constants) / sizeof(constants[0]); i++)
		if (PyModule_AddIntConstant(m, constants[i].name,
					    constants[i].value) < 0)
			goto fail;
	/* The header this binding was built with; version() is the library
	 * that runs, which may be newer. */
	hv = PyUnicode_FromFormat("%d.%d.%d", CGKILL_VERSION_MAJOR,
				  CGKILL_VERSION_MINOR, CGKILL_VERSION_PATCH);
	if (!hv || PyModule_AddObject(m, "HEADER_VERSION", hv) < 0) {
		Py_XDECREF(hv);
		goto fail;
	}
	op_type = PyType_FromSpec(&op_spec);
	if (!op_type || PyModule_AddObject(m, "Op", op_type) < 0) {
		Py_XDECREF(op_type);
		goto fail;
	}
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
