#!/bin/sh
# The fake CUDA driver (libcuda.so.1) and runtime (libcudart.so.12), without
# the shim: each FAKE_CUDA*/FAKE_CUDART_* variable does what
# tests/fakes/README.md says, and the runtime reaches the driver only
# through dlopen("libcuda.so.1") + cuGetProcAddress_v2, like the real one.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi

# --- driver, looked up on a handle ---
drv() { env LD_LIBRARY_PATH="$CUDADRV" "$@" "$LOADER" libcuda.so.1 cuDriverGetVersion cuDeviceGetCount cuInit cuDeviceGetCount; }
o=$(drv)
check "libcuda: loads by soname; driver 12030; count NOT_INITIALIZED before cuInit, then 1" has "$o" \
	'^dlopen libcuda.so.1=ok$' '^cuDriverGetVersion=0 out=12030$' '^cuDeviceGetCount=3 out=-1$' '^cuInit=0$' '^cuDeviceGetCount=0 out=1$'
o=$(drv FAKE_CUDA_INIT_RC=100)
check "FAKE_CUDA_INIT_RC=100: cuInit 100, count stays NOT_INITIALIZED" has "$o" '^cuInit=100$' '^cuDeviceGetCount=3 out=-1$'
o=$(drv FAKE_CUDA_STUB=1)
check "FAKE_CUDA_STUB=1: every entry point returns 34, like the toolkit stub" has "$o" \
	'^cuDriverGetVersion=34 out=-1$' '^cuInit=34$' '^cuDeviceGetCount=34 out=-1$'
o=$(drv FAKE_CUDA_DRIVER_VERSION=11080 FAKE_CUDA_DEVICE_COUNT=4)
check "FAKE_CUDA_DRIVER_VERSION and FAKE_CUDA_DEVICE_COUNT" has "$o" '^cuDriverGetVersion=0 out=11080$' '^cuDeviceGetCount=0 out=4$'
o=$(LD_LIBRARY_PATH=$CUDADRV "$LOADER" libcuda.so.1 gpa:cuInit gpa:cuDeviceGetCount gpa:cuGetProcAddress gpa:cuDriverGetVersion)
check "cuGetProcAddress_v2 hands out the driver's own entry points" has "$o" \
	'^cuGetProcAddress_v2(cuInit)=0$' '^cuInit=0$' '^cuDeviceGetCount=0 out=1$' '^cuGetProcAddress=found$' '^cuDriverGetVersion=0 out=12030$'
o=$(LD_LIBRARY_PATH=$CUDADRV "$LOADER" libcuda.so.1 gpa:cuNoSuchThing); rc=$?
check "cuGetProcAddress_v2 of an unknown symbol: 500 CUDA_ERROR_NOT_FOUND" has "$o" '^cuGetProcAddress_v2(cuNoSuchThing)=500$'
is "$rc" 1 "  (the loader reports the failed lookup in its exit status)"
o=$(LD_LIBRARY_PATH=$CUDADRV "$LOADER" libcuda.so.1 cuGetProcAddress cuGetProcAddress_v2)
check "cuGetProcAddress and cuGetProcAddress_v2 are exported" has "$o" '^cuGetProcAddress=found$' '^cuGetProcAddress_v2=found$'

# --- runtime ---
rt() { env "$@" "$LOADER" "$CUDART12/libcudart.so.12" cudaGetDeviceCount cudaRuntimeGetVersion cudaDriverGetVersion; }
if in_ld_cache libcuda.so.1; then
	skip "a system libcuda.so.1 is installed: cannot test the no-driver case"
else
	o=$(rt)
	check "cudart, no libcuda.so.1 on the path: 35, count untouched, driver version 0" has "$o" \
		'^cudaGetDeviceCount=35 out=-1$' '^cudaRuntimeGetVersion=0 out=12030$' '^cudaDriverGetVersion=0 out=0$'
fi
o=$(rt LD_LIBRARY_PATH="$CUDADRV")
check "cudart with the fake libcuda.so.1: 0, one device, driver 12030" has "$o" \
	'^cudaGetDeviceCount=0 out=1$' '^cudaDriverGetVersion=0 out=12030$'
check "cudart loaded libcuda.so.1 by soname, from itself" sh -c \
	'LD_LIBRARY_PATH="$1" LD_DEBUG=files "$2" "$3/libcudart.so.12" cudaGetDeviceCount 2>&1 | grep -q "file=libcuda.so.1 .*dynamically loaded by .*/libcudart.so.12"' \
	_ "$CUDADRV" "$LOADER" "$CUDART12"
is "$(outv "$(rt LD_LIBRARY_PATH="$CUDADRV" FAKE_CUDA_STUB=1)" cudaGetDeviceCount)" -1 "stub driver: count untouched"
is "$(field "$(rt LD_LIBRARY_PATH="$CUDADRV" FAKE_CUDA_STUB=1)" cudaGetDeviceCount)" 34 "stub driver: 34 cudaErrorStubLibrary"
is "$(field "$(rt LD_LIBRARY_PATH="$CUDADRV" FAKE_CUDA_DEVICE_COUNT=0)" cudaGetDeviceCount)" 100 "driver counts 0 devices: 100 cudaErrorNoDevice"
is "$(field "$(rt LD_LIBRARY_PATH="$CUDADRV" FAKE_CUDA_INIT_RC=100)" cudaGetDeviceCount)" 100 "cuInit 100: 100"
is "$(field "$(rt LD_LIBRARY_PATH="$CUDADRV" FAKE_CUDA_INIT_RC=803)" cudaGetDeviceCount)" 803 "cuInit 803: 803 cudaErrorSystemDriverMismatch"
is "$(field "$(rt LD_LIBRARY_PATH="$CUDADRV" FAKE_CUDA_DRIVER_VERSION=11080)" cudaGetDeviceCount)" 35 "driver 11.8 under runtime 12.3: 35"
is "$(field "$(rt LD_LIBRARY_PATH="$CUDADRV" FAKE_CUDA_DRIVER_VERSION=12000)" cudaGetDeviceCount)" 0 "driver 12.0 under runtime 12.3: 0 (minor-version compatibility)"
is "$(field "$(rt LD_LIBRARY_PATH="$CUDADRV" FAKE_CUDART_RC=999)" cudaGetDeviceCount)" 999 "FAKE_CUDART_RC forces a code"
is "$(outv "$(rt FAKE_CUDART_RC=0 FAKE_CUDART_DEVICE_COUNT=2)" cudaGetDeviceCount)" 2 "FAKE_CUDART_RC=0 FAKE_CUDART_DEVICE_COUNT=2: success with 2 devices, no driver needed"
is "$(outv "$(rt FAKE_CUDART_RC=0)" cudaGetDeviceCount)" -1 "FAKE_CUDART_RC=0 alone: count untouched"
is "$(outv "$(rt FAKE_CUDART_RUNTIME_VERSION=12040)" cudaRuntimeGetVersion)" 12040 "FAKE_CUDART_RUNTIME_VERSION"
# A libcuda.so.1 without cuGetProcAddress_v2 (an old driver) is no driver to cudart 12.
mkdir -p "$WORK/olddrv" && ln -s "$NVML545/libnvidia-ml.so.1" "$WORK/olddrv/libcuda.so.1"
is "$(field "$(rt LD_LIBRARY_PATH="$WORK/olddrv")" cudaGetDeviceCount)" 35 "libcuda.so.1 without cuGetProcAddress_v2: 35"
done_testing
