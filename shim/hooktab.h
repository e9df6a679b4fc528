/* The GPU entry points the shim hooks: one line each (design §3).
 *
 * Adding a hook is adding a line here (and, if it reports versions in a new
 * way, a probe in versions.c). Every hooked function returns a 32-bit status
 * and takes at most five integer or pointer arguments.
 *
 *   GS_HOOK(name, family, probe, out_arg, out_name, int_arg, int_name,
 *           str_arg, str_name, kind, missing_rc)
 *
 *   probe     which self-reported versions to ask the serving copy for
 *   out_arg   index of an `int *` output to record after the call, or -1
 *   int_arg   index of an integer argument worth recording, or -1
 *   str_arg   index of a string argument worth recording, or -1
 *   kind      GS_PLAIN, or GS_GETPROC (hands out entry points to wrap)
 *   missing_rc  returned when the calling object has no definition of the
 *             function in its scope (a weak reference; nextdef.c): the
 *             family's "library not found / no driver" status, recorded
 *             with no_real so that it never passes for a library's answer. */
GS_HOOK(nvmlInit,            "nvml",   GS_PROBE_NVML,   -1, NULL,            -1, NULL,          -1, NULL,     GS_PLAIN,   12)
GS_HOOK(nvmlInit_v2,         "nvml",   GS_PROBE_NVML,   -1, NULL,            -1, NULL,          -1, NULL,     GS_PLAIN,   12)
GS_HOOK(nvmlInitWithFlags,   "nvml",   GS_PROBE_NVML,   -1, NULL,             0, "flags",       -1, NULL,     GS_PLAIN,   12)
GS_HOOK(cudnnCreate,         "cudnn",  GS_PROBE_CUDNN,  -1, NULL,            -1, NULL,          -1, NULL,     GS_PLAIN,    1)
GS_HOOK(cudaGetDeviceCount,  "cudart", GS_PROBE_CUDART,  0, "count",         -1, NULL,          -1, NULL,     GS_PLAIN,   35)
GS_HOOK(cuInit,              "cuda",   GS_PROBE_CUDA,   -1, NULL,             0, "flags",       -1, NULL,     GS_PLAIN,  100)
GS_HOOK(cuDriverGetVersion,  "cuda",   GS_PROBE_NONE,    0, "driverVersion", -1, NULL,          -1, NULL,     GS_PLAIN,  100)
GS_HOOK(cuDeviceGetCount,    "cuda",   GS_PROBE_CUDA,    0, "count",         -1, NULL,          -1, NULL,     GS_PLAIN,  100)
GS_HOOK(cuGetProcAddress,    "cuda",   GS_PROBE_NONE,   -1, NULL,             2, "cudaVersion",  0, "symbol", GS_GETPROC, 100)
GS_HOOK(cuGetProcAddress_v2, "cuda",   GS_PROBE_NONE,   -1, NULL,             2, "cudaVersion",  0, "symbol", GS_GETPROC, 100)
