#!/bin/sh
# Pins the real toolkit's behaviour on a machine with CUDA but no driver and
# no GPU (design §5), which the shim and collector tests rely on:
# cudaGetDeviceCount 35, 34 with the stub libcuda.so.1, cudnnCreate 1001,
# cudnnGetCudartVersion 13010 under runtime 13000.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
if ! need_cuda; then skip "real CUDA toolkit not installed"; done_testing; exit; fi
if [ ! -x "$T/gpu_cudart_count" ] || [ ! -x "$T/gpu_cudnn_create" ]; then
	echo "# gpu_cudart_count/gpu_cudnn_create not built (make test-bins)"
	skip "real-toolkit test programs not built"; done_testing; exit
fi
if in_ld_cache libcuda.so.1 || [ -e /dev/nvidiactl ]; then
	echo "# an NVIDIA driver is installed here: the no-driver answers do not apply"
	skip "machine has an NVIDIA driver"; done_testing; exit
fi

o=$("$T/gpu_cudart_count")
check "cudart 13, no libcuda.so.1: 35, count untouched; runtime 13000; driver 0" has "$o" \
	'^cudaGetDeviceCount=35 count=-1$' '^cudaRuntimeGetVersion=0 runtime=13000$' '^cudaDriverGetVersion=0 driver=0$'
check "libcudart.so.13 dlopens libcuda.so.1 by soname" sh -c \
	'LD_DEBUG=files "$1" 2>&1 | grep -q "file=libcuda.so.1 .*dynamically loaded by .*/libcudart.so.13"' _ "$T/gpu_cudart_count"
if [ -e "$CUDA_LIB/stubs/libcuda.so" ]; then
	mkdir -p "$WORK/stub" && ln -s "$CUDA_LIB/stubs/libcuda.so" "$WORK/stub/libcuda.so.1"
	o=$(LD_LIBRARY_PATH=$WORK/stub "$T/gpu_cudart_count")
	check "with libcuda.so.1 -> stubs/libcuda.so: 34 cudaErrorStubLibrary" has "$o" '^cudaGetDeviceCount=34 count=-1$'
else
	skip "no stubs/libcuda.so in $CUDA_LIB"
fi
o=$(LD_LIBRARY_PATH=$CUDA_LIB "$LOADER" libcudart.so.13 cudaGetDeviceCount)
check "TensorFlow-style dlopen of libcudart.so.13 : 35" has "$o" '^cudaGetDeviceCount=35 out=-1$'

o=$("$T/gpu_cudnn_create")
check "cudnnCreate with no driver: 1001 CUDNN_STATUS_NOT_INITIALIZED" has "$o" '^cudnnCreate=1001 (CUDNN_STATUS_NOT_INITIALIZED)$'
check "cudnnGetCudartVersion 13010 while cudaRuntimeGetVersion is 13000" has "$o" \
	'^cudnnGetCudartVersion=13010$' '^cudaRuntimeGetVersion=0 runtime=13000$'
v=$(field "$o" cudnnGetVersion)
check "cudnnGetVersion is a 9.x (major*10000+minor*100+patch): ${v:-none}" test "${v:-0}" -ge 90000 -a "${v:-0}" -lt 100000
# The probe sequence design §4 calls "not a finding": .9.M.0, .9.M, then .9.
p=$(LD_DEBUG=files "$T/gpu_cudnn_create" 2>&1 | sed -n 's/.*file=\(libcudnn_graph[^ ]*\) .*dynamically loaded by.*libcudnn.so.9.*/\1/p' | head -n 3 | tr '\n' ' ')
check "libcudnn.so.9 probes libcudnn_graph.so.9.M.P, .9.M, then .9 by bare name ($p)" \
	sh -c 'case "$1" in "libcudnn_graph.so.9."*.*" libcudnn_graph.so.9."*" libcudnn_graph.so.9 ") exit 0;; esac; exit 1' _ "$p"
done_testing
