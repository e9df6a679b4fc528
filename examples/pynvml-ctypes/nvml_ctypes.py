#!/usr/bin/python3
"""NVML through ctypes, the way pynvml loads it: CDLL("libnvidia-ml.so.1")
and every function looked up by name on that handle (dlsym on a handle,
never LD_PRELOAD's interposition: the shim wraps what dlsym hands out).
Prints the driver version; exits 1 when NVML cannot start. Stdlib only."""
import ctypes
import sys


def main():
    try:
        nvml = ctypes.CDLL("libnvidia-ml.so.1")
    except OSError as e:
        print("NVML Shared Library Not Found: %s" % e)
        return 1
    nvml.nvmlErrorString.restype = ctypes.c_char_p
    rc = nvml.nvmlInitWithFlags(ctypes.c_uint(0))  # pynvml.nvmlInit()
    if rc != 0:
        print("Failed to initialize NVML: %s" % nvml.nvmlErrorString(rc).decode())
        return 1
    buf = ctypes.create_string_buffer(80)
    nvml.nvmlSystemGetDriverVersion(buf, ctypes.c_uint(80))
    count = ctypes.c_uint(0)
    nvml.nvmlDeviceGetCount_v2(ctypes.byref(count))
    print("driver %s, %d device(s)" % (buf.value.decode(), count.value))
    nvml.nvmlShutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
