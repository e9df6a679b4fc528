#!/bin/sh
# The fake cuDNN 8 and 9 libraries, without the shim: versions, the driver
# check inside cudnnCreate, and cuDNN 9's loading of libcudnn_graph.so.9 by
# bare name through RUNPATH=$ORIGIN (the behaviour the shim must keep).
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi

dnn() { # dnn LIB [VAR=VALUE...]: create, versions, and which graph library is mapped
	_l=$1; shift
	env "$@" "$LOADER" "$_l" cudnnCreate cudnnGetVersion cudnnGetCudartVersion loaded:libcudnn_graph.so.9
}
# --- cuDNN 8 ---
o=$(dnn "$CUDNN897/libcudnn.so.8" LD_LIBRARY_PATH="$CUDADRV")
check "cuDNN 8.9.7 with a driver: create 0, version 8907, cudart 12020" has "$o" \
	'^cudnnCreate=0$' '^cudnnDestroy=0$' '^cudnnGetVersion=8907$' '^cudnnGetCudartVersion=12020$'
is "$(field "$(dnn "$CUDNN860/libcudnn.so.8")" cudnnGetVersion)" 8600 "cuDNN 8.6.0: version 8600"
if in_ld_cache libcuda.so.1; then skip "a system libcuda.so.1 is installed"
else is "$(field "$(dnn "$CUDNN897/libcudnn.so.8")" cudnnCreate)" 1 "cuDNN 8 without libcuda.so.1: 1 NOT_INITIALIZED"; fi
is "$(field "$(dnn "$CUDNN897/libcudnn.so.8" LD_LIBRARY_PATH="$CUDADRV" FAKE_CUDA_STUB=1)" cudnnCreate)" 1 "cuDNN 8 over a stub driver: 1"
is "$(field "$(dnn "$CUDNN897/libcudnn.so.8" FAKE_CUDNN_DRIVER=0)" cudnnCreate)" 0 "FAKE_CUDNN_DRIVER=0 skips the driver check"
is "$(field "$(dnn "$CUDNN897/libcudnn.so.8" FAKE_CUDNN_CREATE_RC=4)" cudnnCreate)" 4 "FAKE_CUDNN_CREATE_RC forces a status"
o=$(dnn "$CUDNN897/libcudnn.so.8" FAKE_CUDNN_CUDART=11080 FAKE_CUDNN_VERSION=8500)
check "FAKE_CUDNN_CUDART and FAKE_CUDNN_VERSION change the reports" has "$o" '^cudnnGetCudartVersion=11080$' '^cudnnGetVersion=8500$'
o=$(LD_LIBRARY_PATH=$CUDNN897 "$LOADER" libcudnn.so.8 cudnnGetVersion)
check "cuDNN 8 loads by soname from LD_LIBRARY_PATH" has "$o" '^dlopen libcudnn.so.8=ok$' '^cudnnGetVersion=8907$'

# --- cuDNN 9: front + graph sub-library ---
o=$(dnn "$CUDNN910/libcudnn.so.9" LD_LIBRARY_PATH="$CUDADRV")
check "cuDNN 9.1.0 with a driver: create 0, version 90100" has "$o" '^cudnnCreate=0$' '^cudnnGetVersion=90100$'
is "$(field "$o" "loaded libcudnn_graph.so.9")" "$CUDNN910/libcudnn_graph.so.9.1.0" "  its graph library is the sibling, through RUNPATH=\$ORIGIN"
if in_ld_cache libcuda.so.1; then skip "a system libcuda.so.1 is installed"
else is "$(field "$(dnn "$CUDNN910/libcudnn.so.9")" cudnnCreate)" 1001 "cuDNN 9 without libcuda.so.1: 1001 NOT_INITIALIZED"; fi
o=$(dnn "$CUDNN910G900/libcudnn.so.9" LD_LIBRARY_PATH="$CUDADRV")
is "$(field "$o" cudnnCreate)" 1002 "graph library 9.0.0 under 9.1.0: 1002 SUBLIBRARY_VERSION_MISMATCH"
is "$(field "$o" "loaded libcudnn_graph.so.9")" "$CUDNN910G900/libcudnn_graph.so.9.0.0" "  the 9.0.0 graph library is the one mapped"
is "$(field "$(dnn "$CUDNN910G900/libcudnn.so.9" FAKE_CUDNN_CREATE_RC=0)" cudnnCreate)" 1002 "FAKE_CUDNN_CREATE_RC cannot hide the mismatch"
# glibc searches LD_LIBRARY_PATH before the caller's RUNPATH (for each name:
# with probing, ".9.1.0" exists only in the RUNPATH dir and wins).
o=$(dnn "$CUDNN910/libcudnn.so.9" LD_LIBRARY_PATH="$CUDNN910G900:$CUDADRV" FAKE_CUDNN_PROBE=0)
check "LD_LIBRARY_PATH beats RUNPATH for libcudnn_graph.so.9: the other set's, 1002" has "$o" \
	'^cudnnCreate=1002$' "^loaded libcudnn_graph.so.9=$CUDNN910G900/libcudnn_graph.so.9.0.0$"
is "$(field "$(dnn "$CUDNN910/libcudnn.so.9" LD_LIBRARY_PATH="$CUDNN910G900:$CUDADRV")" cudnnCreate)" 0 "  with probing, libcudnn_graph.so.9.1.0 is found through RUNPATH: 0"
# Probing: versioned names first (like the real one), unless FAKE_CUDNN_PROBE=0.
probes() { env "$@" LD_DEBUG=files "$LOADER" "$CUDNN910G900/libcudnn.so.9" cudnnCreate 2>&1 |
	sed -n 's/.*file=\(libcudnn_graph[^ ]*\) .*dynamically loaded by.*/\1/p' | tr '\n' ' '; }
is "$(probes)" "libcudnn_graph.so.9.1.0 libcudnn_graph.so.9.1 libcudnn_graph.so.9 " "front probes .9.1.0, .9.1, then .9"
is "$(probes FAKE_CUDNN_PROBE=0)" "libcudnn_graph.so.9 " "FAKE_CUDNN_PROBE=0: only libcudnn_graph.so.9"
# Front alone: a bare-name load falls through to the system (ld.so cache).
mkdir -p "$WORK/solo" && cp "$CUDNN910/libcudnn.so.9.1.0" "$WORK/solo/" && ln -s libcudnn.so.9.1.0 "$WORK/solo/libcudnn.so.9"
if in_ld_cache libcudnn_graph.so.9; then want=1002 why="the system's libcudnn_graph.so.9 (another release)"
else want=1008 why="none: SUBLIBRARY_LOADING_FAILED"; fi
is "$(field "$(dnn "$WORK/solo/libcudnn.so.9" LD_LIBRARY_PATH="$CUDADRV")" cudnnCreate)" "$want" "front without its graph library: $want, $why"
done_testing
