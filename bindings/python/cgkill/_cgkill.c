// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * _cgkill: the C half of the Python binding.  It is thin on purpose: it
 * opens groups, runs operations with the GIL released and hands back the
 * report as a dict of the C field names; cgkill/_ops.py turns that into
 * the Python types, so that a field added to struct cgkill_report is one
 * line here and one there.
 *
 * Every library call, and the poll() of a blocking wait, runs with the GIL
 * released: a kill that waits seconds for a group to empty stalls no other
 * Python thread.  The blocking wait is the loop of cgkill_op_wait(), done
 * here so that a signal (Ctrl-C) reaches its Python handler within 100 ms
 * (poll() returns EINTR, or its timeout, and the handler runs with the GIL
 * held), and an exception it raises ends the wait; the caller then frees the operation, and nothing is left
 * frozen since a freeze round never outlasts a library call.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <poll.h>
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

/* The report and the stages the operation kept, as plain dicts. */
static PyObject *report_dict(const struct cgkill_op *op,
			     const struct cgkill_report *rep)
{
	PyObject *d, *stages = PyTuple_New(rep->n_stages);

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
	d = Py_BuildValue("{s:I,s:i,s:i,s:I,s:K,s:K,s:K,s:K,s:K,s:K,s:i,s:i,s:N}",
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
			  "stages", stages);
	return d;
}

/*
 * (result, report): result is CGKILL_DONE, CGKILL_TIMEOUT,
 * CGKILL_LEFT_FROZEN or a negative errno; every one of them comes with a
 * filled report here, since an operation that failed after its start fills
 * it (the bad-size EINVAL and E2BIG cannot happen: the size is ours).
 */
static PyObject *outcome(const OpObject *o, int r,
			 const struct cgkill_report *rep)
{
	PyObject *d = report_dict(o->op, rep);

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

/* Op(dirfd, signal, flags, timeout_ms, grace_ms, filename=None): validate,
 * signal the first stage, and hold the operation. */
static PyObject *op_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "dirfd", "signal", "flags", "timeout_ms",
				  "grace_ms", "filename", NULL };
	PyObject *fdobj, *filename = Py_None;
	struct cgkill_opts opts;
	struct cgkill_op *op = NULL;
	unsigned long long flags;
	long long timeout_ms, grace_ms;
	OpObject *o;
	int fd, sig, r;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "OiKLL|O:Op", kwlist, &fdobj,
					 &sig, &flags, &timeout_ms, &grace_ms,
					 &filename))
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
	int r;

	(void)unused;
	if (!op_usable(o))
		return NULL;
	o->busy = 1;
	Py_BEGIN_ALLOW_THREADS
	r = cgkill_op_process(o->op, &rep);
	Py_END_ALLOW_THREADS
	o->busy = 0;
	if (r == CGKILL_RUNNING)
		Py_RETURN_NONE;
	return outcome(o, r, &rep);
}

/* Block until the operation ends: (result, report).  The loop of
 * cgkill_op_wait(), but an EINTR comes back here so that Python's signal
 * handlers run (and may raise). */
static PyObject *op_wait(OpObject *o, PyObject *unused)
{
	struct cgkill_report rep = { .size = sizeof(rep) };
	struct pollfd pfd = { .events = POLLIN };
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
		Py_END_ALLOW_THREADS
		o->busy = 0;
		if (r != CGKILL_RUNNING)
			return outcome(o, r, &rep);
		if (err && err != EINTR)
			return set_error(-err, NULL);
		/* A handler may raise, or even close this operation. */
		if (PyErr_CheckSignals() < 0 || !op_usable(o))
			return NULL;
	}
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
			     "filename=None): a started cgkill operation." },
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
