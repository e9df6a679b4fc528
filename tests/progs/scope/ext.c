/* _scope_ext: a Python C extension module whose core is the matrix plugin
 * (DT_NEEDED libscope_plugin.so, found through RUNPATH $ORIGIN/..), the way
 * CuPy's or JAX's CUDA extensions carry their CUDA libraries. Python imports
 * extension modules RTLD_LOCAL, so the plugin and the CUDA libraries it needs
 * are in this module's local scope only. _scope_ext.run() runs the plugin's
 * calls (tests/t/gpu-scope.sh). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

int scope_plugin_run(void);

static PyObject *run(PyObject *self, PyObject *args)
{
	(void)self;
	(void)args;
	return PyLong_FromLong(scope_plugin_run());
}

static PyMethodDef methods[] = {
	{ "run", run, METH_NOARGS, "run the GPU calls of libscope_plugin.so" },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module = {
	PyModuleDef_HEAD_INIT, "_scope_ext", NULL, -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__scope_ext(void)
{
	return PyModule_Create(&module);
}
