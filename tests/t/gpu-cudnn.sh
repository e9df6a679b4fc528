#!/bin/sh
# cudnnCreate (design §3): the real cuDNN 9 (1001 with no driver; the
# versions cuDNN reports, cudnnGetCudartVersion 13010 against the runtime's
# 13000), the fake cuDNN 9 front forwarding to libcudnn_graph.so.9 (`inner`),
# the fake cuDNN 8 calling cuInit inside cudnnCreate, and two copies of
# cuDNN 8 in one process, each call attributed to the copy that served it.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi
if [ ! -e "$SHIM" ]; then skip "no shim ($SHIM)"; done_testing; exit; fi

. "$GPUSHIM_TOP/tests/lib/both.sh"

# --- the real cuDNN 9 ---
if ! need_cuda; then
	skip "real CUDA toolkit not installed"
elif [ ! -x "$T/gpu_cudnn_create" ]; then
	skip "gpu_cudnn_create not built (make test-bins)"
elif in_ld_cache libcuda.so.1 || [ -e /dev/nvidiactl ]; then
	echo "# an NVIDIA driver is installed here: the no-driver answers do not apply"
	skip "machine has an NVIDIA driver"
else
	both -- "$T/gpu_cudnn_create"
	check "  real cudnnCreate with no driver: 1001" has "$out" '^cudnnCreate=1001 '
	front=$(q '[.[] | select(.type == "lib" and .soname == "libcudnn.so.9")][0].id')
	graph=$(q '[.[] | select(.type == "lib" and .soname == "libcudnn_graph.so.9")][0].id')
	is "$(calls '[.fn, .rc, .via, .lib]')" "[[\"cudnnCreate\",1001,\"symbol\",$front]]" \
		"  one record: cudnnCreate 1001 via symbol, served by libcudnn.so.9"
	is "$(call 0 .ver)" "{\"cudnn\":$(field "$out" cudnnGetVersion),\"cudart\":13010}" \
		"  versions cuDNN reports: cudnnGetVersion as the program saw it, cudnnGetCudartVersion 13010"
	is "$(call 0 .inner)" "[{\"fn\":\"cudnnCreate\",\"lib\":$graph,\"rc\":1001}]" \
		"  inner: the front's forwarded cudnnCreate, served by libcudnn_graph.so.9"
	# TensorFlow-style: cuDNN and the runtime loaded by name, both looked up.
	both LD_LIBRARY_PATH="$CUDA_LIB" -- "$LOADER" libcudnn.so.9 cudnnCreate libcudart.so.13 cudaGetDeviceCount
	is "$(calls '[.fn, .rc, .via]')" '[["cudnnCreate",1001,"dlsym"],["cudaGetDeviceCount",35,"dlsym"]]' \
		"  dlsym'd cudnnCreate 1001 and cudaGetDeviceCount 35"
	is "$(call 0 .ver.cudart) $(call 1 .ver.runtime)" "13010 13000" \
		"  cuDNN built for CUDA 13010 while the runtime in use is 13000: both recorded"
fi

# --- fake cuDNN 9: the front forwards to the graph library ---
both LD_LIBRARY_PATH="$CUDADRV" -- "$LOADER" "$CUDNN910/libcudnn.so.9" cudnnCreate
front=$(libid cudnn-9.1.0/libcudnn.so.9.1.0) graph=$(libid cudnn-9.1.0/libcudnn_graph.so.9.1.0) drv=$(libid libcuda.so.545.23.08)
is "$(calls '[.fn, .rc, .via, .lib]')" "[[\"cudnnCreate\",0,\"dlsym\",$front]]" \
	"  one record: the outermost cudnnCreate, served by the front libcudnn.so.9.1.0"
is "$(call 0 .ver)" '{"cudnn":90100,"cudart":12020}' "  the front's versions"
is "$(call 0 '[.inner[] | select(.fn == "cudnnCreate")]')" "[{\"fn\":\"cudnnCreate\",\"lib\":$graph,\"rc\":0}]" \
	"  inner: cudnnCreate served by libcudnn_graph.so.9.1.0"
is "$(call 0 '[.inner[] | select(.fn == "cuInit") | .lib]')" "[$drv]" \
	"  inner: the graph library's cuInit, served by libcuda (a call two levels down)"
both LD_LIBRARY_PATH="$CUDADRV" -- "$LOADER" "$CUDNN910G900/libcudnn.so.9" cudnnCreate
is "$(calls '[.fn, .rc, .ver.cudnn, has("inner")]')" '[["cudnnCreate",1002,90100,false]]' \
	"  graph library from 9.0.0: 1002, the front's version, no inner call"
both -- "$LOADER" "$CUDNN910/libcudnn.so.9" cudnnCreate
is "$(calls '[.rc, .inner[0].rc]')" '[[1001,1001]]' "  no libcuda: 1001 from the graph library, noted as inner"

# --- fake cuDNN 8: cuInit inside cudnnCreate ---
both LD_LIBRARY_PATH="$CUDADRV" -- "$LOADER" "$CUDNN897/libcudnn.so.8" cudnnCreate
is "$(calls '[.fn, .rc, .lib, .inner]')" "[[\"cudnnCreate\",0,$(libid libcudnn.so.8.9.7),[{\"fn\":\"cuInit\",\"lib\":$(libid libcuda.so.545.23.08),\"rc\":0}]]]" \
	"  one record; cuDNN's own cuInit noted as inner, served by libcuda"
both LD_LIBRARY_PATH="$CUDADRV" FAKE_CUDA_INIT_RC=100 -- "$LOADER" "$CUDNN897/libcudnn.so.8" cudnnCreate
is "$(calls '[.rc, .inner[0].fn, .inner[0].rc]')" '[[1,"cuInit",100]]' "  cuInit failing with 100: cudnnCreate 1, inner cuInit 100"

# --- two copies of cuDNN 8 in one process ---
both -- "$T/hook_cudnn8_two" "$CUDNN860/libcudnn.so.8"
a=$(libid libcudnn.so.8.9.7) b=$(libid libcudnn.so.8.6.0)
check "  both copies identified ($a, $b)" test "$a" -gt 0 -a "$b" -gt 0 -a "$a" != "$b"
is "$(calls '[.lib, .via, .ver.cudnn]')" "[[$a,\"symbol\",8907],[$b,\"dlsym\",8600],[$a,\"symbol\",8907],[$b,\"dlsym\",8600]]" \
	"  linked (8.9.7) and dlopened (8.6.0) copies: each call attributed to its copy, each asked for its own version"
both FAKE_CUDNN_DRIVER=0 -- "$LOADER" "$CUDNN897/libcudnn.so.8" cudnnCreate "$CUDNN860/libcudnn.so.8" cudnnCreate "$CUDNN897/libcudnn.so.8" cudnnCreate
a=$(libid libcudnn.so.8.9.7) b=$(libid libcudnn.so.8.6.0)
is "$(calls '[.lib, .rc, .ver.cudnn]')" "[[$a,0,8907],[$b,0,8600],[$a,0,8907]]" \
	"  two dlopened copies, both by dlsym: 8.9.7, 8.6.0, 8.9.7 again"
done_testing
