#!/bin/sh
# cuDNN findings: cudnn-cuda-mismatch, cudnn-sublibrary-mismatch; and the
# real cuDNN 9.19 of the toolkit: its sub-library probes are not findings,
# and without a driver the root cause (no-libcuda) comes first.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
need_fakes || { skip "fakes not built"; done_testing; exit; }

. "$GPUSHIM_TOP/tests/lib/findings.sh"
make_sysroot "$WORK/sr545" 545.23.08
export GPUSHIM_SYSROOT="$WORK/sr545"

# cudnn-cuda-mismatch, major: cuDNN built for CUDA 11.8 in a CUDA 12.3 process
LD_LIBRARY_PATH=$CUDADRV:$CUDART12:$CUDNN897 FAKE_CUDNN_CUDART=11080 \
	R major "$LOADER" libcudart.so.12 cudaGetDeviceCount libcudnn.so.8 cudnnCreate
is "$(jf major '[.findings[] | .id + ":" + .severity] | join(",")')" cudnn-cuda-mismatch:error \
	"cuDNN for CUDA 11.8, runtime 12.3: cudnn-cuda-mismatch error"
check "... message names cuDNN 8.9.7, 11.8 and 12.3" has_text major '.findings[0].message' \
	'cuDNN 8.9.7 .* was built for CUDA 11.8 (cudnnGetCudartVersion 11080) but this process uses the CUDA 12.3 runtime'
# newer minor than the runtime, same major: supported (NVIDIA's cuDNN support
# matrix, dynamic linking), so a healthy run gets nothing; only a cuDNN call
# that failed with nothing else to explain it gets the warning. Older minor
# (12.2 on 12.3): nothing.
LD_LIBRARY_PATH=$CUDADRV:$CUDART12:$CUDNN897 FAKE_CUDNN_CUDART=12040 FAKE_CUDNN_CREATE_RC=0 \
	R minor "$LOADER" libcudart.so.12 cudaGetDeviceCount libcudnn.so.8 cudnnCreate
is "$(jf minor '.findings | length')" 0 "cuDNN for CUDA 12.4, runtime 12.3, healthy: no finding (supported)"
LD_LIBRARY_PATH=$CUDADRV:$CUDART12:$CUDNN897 FAKE_CUDNN_CUDART=12040 FAKE_CUDNN_CREATE_RC=3000 \
	R minorfail "$LOADER" libcudart.so.12 cudaGetDeviceCount libcudnn.so.8 cudnnCreate
is "$(jf minorfail '[.findings[] | .id + ":" + .severity] | join(",")')" cudnn-cuda-mismatch:warning \
	"cuDNN for CUDA 12.4, runtime 12.3, cudnnCreate failing: cudnn-cuda-mismatch warning"
is "$(jf minorfail '.findings[0].explains[0] | startswith("cudnnCreate = 3000")')" true "... which explains the failed cudnnCreate"
LD_LIBRARY_PATH=$CUDADRV:$CUDART12:$CUDNN897 \
	R older "$LOADER" libcudart.so.12 cudaGetDeviceCount libcudnn.so.8 cudnnCreate
is "$(jf older '.findings | length')" 0 "cuDNN for CUDA 12.2, runtime 12.3: no finding"

# cudnn-sublibrary-mismatch (fakes): front 9.1.0, libcudnn_graph 9.0.0; loaded
# by path so that no LD_LIBRARY_PATH question arises
LD_LIBRARY_PATH=$CUDADRV R sub "$LOADER" "$CUDNN910G900/libcudnn.so.9" cudnnCreate
is "$(ids sub)" cudnn-sublibrary-mismatch "front 9.1.0 + graph 9.0.0: cudnn-sublibrary-mismatch"
check "... message names both releases" has_text sub '.findings[0].message' \
	'libcudnn.so.9.1.0 is release 9.1.0 but its sub-library .*libcudnn_graph.so.9.0.0 is 9.0.0'
is "$(jf sub '.findings[0].explains[0]')" "cudnnCreate = 1002 CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH" "... explains 1002"
# probes of the fake front (.9.1.0, .9.1 fail, .9 loads; installed like the
# real one: files named by soname only): not findings
mkdir -p "$WORK/c9"
cp "$CUDNN910/libcudnn.so.9.1.0" "$WORK/c9/libcudnn.so.9"
cp "$CUDNN910/libcudnn_graph.so.9.1.0" "$WORK/c9/libcudnn_graph.so.9"
LD_LIBRARY_PATH=$CUDADRV R probe "$LOADER" "$WORK/c9/libcudnn.so.9" cudnnCreate
is "$(jf probe '[.processes[0].loads[] | select(.ok == false)] | length')" 2 "fake cuDNN 9: two failed probes recorded"
is "$(jf probe '.findings | length')" 0 "... and no finding"

if need_cuda && [ -x "$T/gpu_cudnn_create" ] && [ -x "$T/find_cudnn_cudart" ]; then
	# the real cuDNN 9.19: probes .9.19.0 and .9.19 fail, .9 loads
	R real "$T/gpu_cudnn_create"
	check "real cuDNN: failed probes of libcudnn_graph.so.9.19.0 are recorded" \
		has_text real '.processes[0].loads[] | select(.ok == false) | .name' '^libcudnn_graph.so.9.19.0$'
	is "$(ids real)" no-libcuda "... the only finding is the root cause, no-libcuda (probes are not findings)"
	is "$(jf real '.findings[0].explains | map(select(startswith("cudnnCreate"))) | join(",")')" \
		"cudnnCreate = 1001 CUDNN_STATUS_NOT_INITIALIZED" "... and it explains cudnnCreate = 1001"
	check "... naming the missing libcuda.so.1, not just the status" has_text real '.findings[0].message' \
		'^libcuda.so.1, the CUDA driver library .* could not be loaded'
	# runtime 13.0 known (cudaGetDeviceCount's record), cuDNN built for 13.1
	R both "$T/find_cudnn_cudart"
	is "$(jf both '[.findings[] | .id + ":" + .severity] | join(",")')" "no-libcuda:error" \
		"real runtime 13.0 + cuDNN for 13.1 (supported), no driver: no-libcuda alone"
	is "$(jf both '.findings[0].explains | join("|")')" \
		"dlopen libcuda.so.1 failed|cudaGetDeviceCount = 35 cudaErrorInsufficientDriver|cudnnCreate = 1001 CUDNN_STATUS_NOT_INITIALIZED" \
		"... one error explains both symptoms"
	# a copied real libcudnn.so.9 next to a fake libcudnn_graph.so.9 of 9.1.0
	mkdir -p "$WORK/mix"
	cp "$CUDA_LIB/libcudnn.so.9" "$WORK/mix/"
	cp -P "$CUDNN910"/libcudnn_graph.so.9* "$WORK/mix/"
	R mix "$LOADER" "$WORK/mix/libcudnn.so.9" cudnnCreate
	is "$(jf mix '.command.exit.signal')" 6 "real front over a 9.1.0 graph library aborts (SIGABRT)"
	is "$(jf mix '[.findings[] | select(.id == "cudnn-sublibrary-mismatch")] | length')" 1 "... cudnn-sublibrary-mismatch"
	check "... release 9.19.0 (from the front's probes) against 9.1.0" has_text mix \
		'.findings[] | select(.id == "cudnn-sublibrary-mismatch") | .message' 'is release 9.19.0 but its sub-library .*libcudnn_graph.so.9.1.0 is 9.1.0 and lacks cudnnGetLibConfig'
	check "... explains the abort" has_text mix '.findings[] | select(.id == "cudnn-sublibrary-mismatch") | .explains[]' '^killed by signal 6$'
else
	for _i in 1 2 3 4 5 6 7 8 9 10 11; do skip "real CUDA toolkit (or its test programs) not installed"; done
fi
done_testing
