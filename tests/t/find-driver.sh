#!/bin/sh
# Findings about the driver itself: nvml-driver-mismatch, driver-not-loaded,
# no-libcuda, stub-libcuda; and no findings at all for healthy runs and for
# programs that never touch a GPU library. Asserts on `gpushim run --json`.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
need_fakes || { skip "fakes not built"; done_testing; exit; }

# R NAME CMD...: gpushim run --json into $WORK/NAME.json (environment as set)
R() { _r=$1; shift; "$GPUSHIM" run --json -o "$WORK/$_r.json" -- "$@" >/dev/null 2>&1; }
ids() { jq -r '[.findings[].id] | join(",")' "$WORK/$1.json"; }
jf() { jq -r "$2" "$WORK/$1.json"; }
ALL="nvmlInit_v2 libcudart.so.12 cudaGetDeviceCount libcudnn.so.8 cudnnCreate"
make_sysroot "$WORK/sr545" 545.23.08
make_sysroot "$WORK/sr550" 550.54.14
make_sysroot "$WORK/srnone" ""
make_sysroot "$WORK/srnodev" 545.23.08 nodev
HEALTHY=$NVML545:$CUDADRV:$CUDART12:$CUDNN897

# healthy: matching versions everywhere -> zero findings
GPUSHIM_SYSROOT=$WORK/sr545 LD_LIBRARY_PATH=$HEALTHY R healthy "$LOADER" libnvidia-ml.so.1 $ALL
is "$(jf healthy '.processes[0].calls | map(.rc) | join(",")')" "0,0,0" "healthy: every call succeeded"
is "$(jf healthy '.findings | length')" 0 "healthy run with the fakes: zero findings"
GPUSHIM_SYSROOT=$WORK/srnone R nogpu sh -c 'exit 0'
is "$(jf nogpu '.findings | length')" 0 "no kernel module, program never touched a GPU library: zero findings"
GPUSHIM_SYSROOT=$WORK/srnone LD_LIBRARY_PATH=$CUDNN897 R cpuonly "$LOADER" libcudnn.so.8 cudnnGetVersion
is "$(jf cpuonly '.findings | length')" 0 "no kernel module, a GPU library loaded but no GPU call failed: zero findings"

# nvml-driver-mismatch: libnvidia-ml.so.550.54.14 over kernel module 545.23.08
GPUSHIM_SYSROOT=$WORK/sr545 LD_LIBRARY_PATH=$NVML550 R mm "$LOADER" libnvidia-ml.so.1 nvmlInit_v2
is "$(ids mm)" nvml-driver-mismatch "NVML 550 on module 545: nvml-driver-mismatch"
is "$(jf mm '.findings[0].severity')" error "... an error"
check "... message names the library file and both versions" sh -c \
	"jq -r '.findings[0].message' '$WORK/mm.json' | grep -q 'libnvidia-ml.so.550.54.14 is driver 550.54.14 but the loaded NVIDIA kernel module is 545.23.08'"
is "$(jf mm '.findings[0].explains[0]')" "nvmlInit_v2 = 18 NVML_ERROR_LIB_RM_VERSION_MISMATCH" "... explains nvmlInit_v2 = 18"
is "$(jf mm '[.findings[0].evidence[].record] | sort | join(",")')" "call,hello,lib" "... evidence: the call, the library, the hello"
check "... fix says reboot (library newer than the module)" sh -c "jq -r '.findings[0].fix' '$WORK/mm.json' | grep -q reboot"
GPUSHIM_SYSROOT=$WORK/sr550 LD_LIBRARY_PATH=$NVML545 R mm2 "$LOADER" libnvidia-ml.so.1 nvmlInit_v2
check "library older than the module: fix says remove the older copy" sh -c \
	"jq -r '.findings[0].fix' '$WORK/mm2.json' | grep -q 'older copy'"
# the version difference alone, with no failed call (NVML not initialised)
GPUSHIM_SYSROOT=$WORK/sr545 LD_LIBRARY_PATH=$NVML550 R mm3 "$LOADER" libnvidia-ml.so.1 nvmlSystemGetNVMLVersion
is "$(ids mm3)" nvml-driver-mismatch "library 550 loaded on module 545, no init: still nvml-driver-mismatch"

# driver-not-loaded: no kernel module; NVML says 9, cuInit says 100
GPUSHIM_SYSROOT=$WORK/srnone LD_LIBRARY_PATH=$HEALTHY FAKE_CUDA_INIT_RC=100 R dnl "$LOADER" libnvidia-ml.so.1 $ALL
is "$(ids dnl)" driver-not-loaded "no kernel module: one finding, driver-not-loaded"
is "$(jf dnl '.findings[0].explains | join("|")')" \
	"nvmlInit_v2 = 9 NVML_ERROR_DRIVER_NOT_LOADED|cudaGetDeviceCount = 100 cudaErrorNoDevice|cudnnCreate = 1 CUDNN_STATUS_NOT_INITIALIZED" \
	"... explains NVML 9, cudart 100 and cuDNN NOT_INITIALIZED"
GPUSHIM_SYSROOT=$WORK/srnodev LD_LIBRARY_PATH=$NVML545 R nodev "$LOADER" libnvidia-ml.so.1 nvmlInit_v2
is "$(ids nodev)" driver-not-loaded "module loaded, /dev/nvidiactl missing: driver-not-loaded"
check "... message names the missing /dev/nvidiactl" sh -c "jq -r '.findings[0].message' '$WORK/nodev.json' | grep -q 'nvidiactl does not exist'"

# no-libcuda (fakes): the runtime's 35 and cuDNN's 1 are its symptoms
GPUSHIM_SYSROOT=$WORK/sr545 LD_LIBRARY_PATH=$NVML545:$CUDART12:$CUDNN897 R nolc "$LOADER" libnvidia-ml.so.1 $ALL
is "$(ids nolc)" no-libcuda "no libcuda.so.1: one finding, no-libcuda"
is "$(jf nolc '.findings[0].explains | join("|")')" \
	"dlopen libcuda.so.1 failed|cudaGetDeviceCount = 35 cudaErrorInsufficientDriver|cudnnCreate = 1 CUDNN_STATUS_NOT_INITIALIZED" \
	"... explains the failed dlopen, cudart 35 and cuDNN 1"
check "... the message names the symptoms" sh -c "jq -r '.findings[0].message' '$WORK/nolc.json' | grep -q 'this is why cudaGetDeviceCount returned 35'"

# stub-libcuda (fake stub): 34 from every entry point
GPUSHIM_SYSROOT=$WORK/sr545 LD_LIBRARY_PATH=$CUDADRV:$CUDART12 FAKE_CUDA_STUB=1 R stubf "$LOADER" libcudart.so.12 cudaGetDeviceCount
is "$(ids stubf)" stub-libcuda "fake stub libcuda: stub-libcuda"
is "$(jf stubf '.findings[0].explains[0]')" "cudaGetDeviceCount = 34 cudaErrorStubLibrary" "... explains cudart 34"

# the real toolkit: no driver at all, and its stub on LD_LIBRARY_PATH
if need_cuda && [ -x "$T/gpu_cudart_count" ]; then
	R realnolc "$T/gpu_cudart_count"
	is "$(ids realnolc)" no-libcuda "real runtime 13.0, no driver: no-libcuda"
	check "... fix names the minimum driver for CUDA 13.x" sh -c "jq -r '.findings[0].fix' '$WORK/realnolc.json' | grep -q '>= 580 for CUDA 13.x'"
	mkdir -p "$WORK/stub"
	ln -s "$CUDA_LIB/stubs/libcuda.so" "$WORK/stub/libcuda.so.1"
	LD_LIBRARY_PATH=$WORK/stub R realstub "$T/gpu_cudart_count"
	is "$(ids realstub)" stub-libcuda "real stub libcuda.so as libcuda.so.1: stub-libcuda"
	check "... message names the stub's real path" sh -c "jq -r '.findings[0].message' '$WORK/realstub.json' | grep -q 'stubs/libcuda.so'"
	is "$(jf realstub '.findings[0].explains[0]')" "cudaGetDeviceCount = 34 cudaErrorStubLibrary" "... explains the real runtime's 34"
else
	for _i in 1 2 3 4 5; do skip "real CUDA toolkit not installed"; done
fi
done_testing
