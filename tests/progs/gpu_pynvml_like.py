#!/usr/bin/python3
"""Load NVML the way pynvml does: CDLL("libnvidia-ml.so.1"), then look every
function up by name on that handle (dlsym on a handle, never LD_PRELOAD's
symbol interposition). Output lines match gpu_nvml_init's. Stdlib only.
Optional argv[1]: the library name or path to load instead."""
import ctypes
import sys


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "libnvidia-ml.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError as e:
        print("CDLL %s=fail: %s" % (name, e))
        return 1
    err = lib.nvmlErrorString
    err.restype = ctypes.c_char_p
    # pynvml's nvmlInit() calls nvmlInitWithFlags(0).
    rc = lib.nvmlInitWithFlags(ctypes.c_uint(0))
    print("nvmlInitWithFlags=%d (%s)" % (rc, err(rc).decode()))
    if rc != 0:
        return 0
    buf = ctypes.create_string_buffer(80)
    rc = lib.nvmlSystemGetDriverVersion(buf, ctypes.c_uint(80))
    print("nvmlSystemGetDriverVersion=%d driver=%s" % (rc, buf.value.decode() if rc == 0 else ""))
    rc = lib.nvmlSystemGetNVMLVersion(buf, ctypes.c_uint(80))
    print("nvmlSystemGetNVMLVersion=%d nvml=%s" % (rc, buf.value.decode() if rc == 0 else ""))
    cuda = ctypes.c_int(0)
    rc = lib.nvmlSystemGetCudaDriverVersion(ctypes.byref(cuda))
    print("nvmlSystemGetCudaDriverVersion=%d cuda=%d" % (rc, cuda.value))
    count = ctypes.c_uint(0)
    rc = lib.nvmlDeviceGetCount_v2(ctypes.byref(count))
    print("nvmlDeviceGetCount_v2=%d count=%d" % (rc, count.value))
    print("nvmlShutdown=%d" % lib.nvmlShutdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
