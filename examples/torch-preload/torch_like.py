#!/usr/bin/python3
"""PyTorch's start-up, reduced. torch/__init__.py preloads the CUDA
libraries it ships in site-packages (nvidia/cuda_runtime/lib,
nvidia/cudnn/lib, ...) with ctypes.CDLL(path, mode=RTLD_GLOBAL) before
importing its own extension, so that the extension's DT_NEEDED entries find
them already loaded; torch.cuda.is_available() then asks the runtime for
the device count, and the first convolution creates a cuDNN handle.
  torch_like.py LIBDIR...   directories searched for libcudart.so.* and
                            libcudnn.so.* (like site-packages/nvidia/*/lib)
Exit 0 when CUDA is available and the cuDNN handle was created."""
import ctypes
import glob
import os
import sys


def preload(dirs, pattern):
    """torch's _preload_cuda_deps: the first match, loaded RTLD_GLOBAL."""
    for d in dirs:
        found = sorted(glob.glob(os.path.join(d, pattern)))
        if found:
            return ctypes.CDLL(found[0], mode=ctypes.RTLD_GLOBAL)
    raise ValueError("%s not found in the search path %s" % (pattern, dirs))


def main():
    dirs = sys.argv[1:]
    cudart = preload(dirs, "libcudart.so.[0-9]*")
    cudnn = preload(dirs, "libcudnn.so.[0-9]*")
    count = ctypes.c_int(0)
    rc = cudart.cudaGetDeviceCount(ctypes.byref(count))
    available = rc == 0 and count.value > 0
    print("torch.cuda.is_available(): %s (cudaGetDeviceCount=%d)" % (available, rc))
    if not available:
        print("UserWarning: CUDA initialization: cudaGetDeviceCount returned %d" % rc)
    handle = ctypes.c_void_p()
    st = cudnn.cudnnCreate(ctypes.byref(handle))
    if st != 0:
        cudnn.cudnnGetErrorString.restype = ctypes.c_char_p
        print("RuntimeError: cuDNN error: %s" % cudnn.cudnnGetErrorString(st).decode())
    return 0 if available and st == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
