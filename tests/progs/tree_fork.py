#!/usr/bin/python3
"""A parent and two forked children, each loading a GPU library with ctypes
(tests/t/tree-python.sh runs it under gpushim run, on the fake libraries):
  parent   CDLL("libnvidia-ml.so.1"), nvmlInit_v2
  child 1  CDLL("libcudart.so.12"), cudaGetDeviceCount
  child 2  CDLL("libcudnn.so.8"), cudnnCreate
Each process prints "ROLE pid=PID ppid=PPID FUNC=RC". The children exit
normally (sys.exit, so the shim's bye goes out) with status 0; the parent
waits for both, then exits with EXIT_STATUS (argv[1], default 3), or 1 when
a child failed. Stdlib only."""
import ctypes
import os
import sys


def report(role, fn, rc):
    print("%s pid=%d ppid=%d %s=%d" % (role, os.getpid(), os.getppid(), fn, rc), flush=True)


def child1():
    lib = ctypes.CDLL("libcudart.so.12")
    count = ctypes.c_int(-1)
    report("child1", "cudaGetDeviceCount", lib.cudaGetDeviceCount(ctypes.byref(count)))
    return 0


def child2():
    lib = ctypes.CDLL("libcudnn.so.8")
    handle = ctypes.c_void_p()
    report("child2", "cudnnCreate", lib.cudnnCreate(ctypes.byref(handle)))
    return 0


def main():
    status = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    nvml = ctypes.CDLL("libnvidia-ml.so.1")
    report("parent", "nvmlInit_v2", nvml.nvmlInit_v2())
    pids = []
    for body in (child1, child2):
        pid = os.fork()
        if pid == 0:
            sys.exit(body())  # normal exit: atexit handlers and the shim's bye run
        pids.append(pid)
    ok = True
    for pid in pids:
        _, st = os.waitpid(pid, 0)
        ok = ok and os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0
    return status if ok else 1


if __name__ == "__main__":
    sys.exit(main())
