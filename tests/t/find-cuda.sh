#!/bin/sh
# Findings about the CUDA driver serving the runtime: driver-too-old,
# compat-mismatch, no-device. Fake libcuda.so.1 and libcudart.so.12 with a
# fake /sys (GPUSHIM_SYSROOT) for the kernel module.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
need_fakes || { skip "fakes not built"; done_testing; exit; }

. "$GPUSHIM_TOP/tests/lib/findings.sh"
make_sysroot "$WORK/sr545" 545.23.08
make_sysroot "$WORK/sr535" 535.104.05
export GPUSHIM_SYSROOT="$WORK/sr545"
COUNT="libcudart.so.12 cudaGetDeviceCount"

# driver-too-old: the driver speaks CUDA 11.8, the runtime is 12.3
LD_LIBRARY_PATH=$CUDADRV:$CUDART12 FAKE_CUDA_DRIVER_VERSION=11080 R old "$LOADER" $COUNT
is "$(ids old)" driver-too-old "driver CUDA 11.8 under runtime 12.3: driver-too-old"
check "... message names both versions" has_text old '.findings[0].message' 'is CUDA 12.3 but the driver .*libcuda.so.545.23.08 supports CUDA only up to 11.8'
check "... fix names the minimum driver for CUDA 12.x (525.60.13)" has_text old '.findings[0].fix' '525.60.13'
is "$(jf old '.findings[0].explains[0]')" "cudaGetDeviceCount = 35 cudaErrorInsufficientDriver" "... explains cudart 35"
# an older minor of the same major is minor-version compatible: no finding
LD_LIBRARY_PATH=$CUDADRV:$CUDART12 FAKE_CUDA_DRIVER_VERSION=12010 R minor "$LOADER" $COUNT
is "$(jf minor '.findings | length')" 0 "driver 12.1 under runtime 12.3 (same major): no finding"

# compat-mismatch: a forward-compat libcuda (cuda-12.3/compat) on kernel module 535
mkdir -p "$WORK/cuda-12.3/compat"
cp -P "$CUDADRV"/libcuda.so* "$WORK/cuda-12.3/compat/"
GPUSHIM_SYSROOT=$WORK/sr535 LD_LIBRARY_PATH=$WORK/cuda-12.3/compat:$CUDART12 FAKE_CUDA_INIT_RC=803 R compat "$LOADER" $COUNT
is "$(ids compat)" compat-mismatch "cuInit 803 through a compat libcuda: compat-mismatch"
check "... message names the compat file and the module" has_text compat '.findings[0].message' 'compat/libcuda.so.545.23.08 (driver 545.23.08) does not work with the NVIDIA kernel module 535.104.05'
check "... fix explains forward compatibility" has_text compat '.findings[0].fix' 'This libcuda comes from a forward-compatibility package'
is "$(jf compat '.findings[0].explains[0]')" "cudaGetDeviceCount = 803 cudaErrorSystemDriverMismatch" "... explains cudart 803"
GPUSHIM_SYSROOT=$WORK/sr535 LD_LIBRARY_PATH=$CUDADRV FAKE_CUDA_INIT_RC=804 R compat4 "$LOADER" libcuda.so.1 cuInit
is "$(ids compat4)" compat-mismatch "cuInit 804 (driver API, by dlsym): compat-mismatch"

# no-device: the driver runs, counts 0 devices
LD_LIBRARY_PATH=$CUDADRV:$CUDART12 FAKE_CUDA_DEVICE_COUNT=0 R nodev "$LOADER" $COUNT
is "$(ids nodev)" no-device "0 devices: no-device"
check "... message names the running driver" has_text nodev '.findings[0].message' 'driver 545.23.08 is running but CUDA sees no device'
LD_LIBRARY_PATH=$CUDADRV:$CUDART12 FAKE_CUDA_DEVICE_COUNT=0 CUDA_VISIBLE_DEVICES= R cvd "$LOADER" $COUNT
is "$(ids cvd)" no-device "CUDA_VISIBLE_DEVICES empty: no-device"
check "... blames CUDA_VISIBLE_DEVICES" has_text cvd '.findings[0].message' 'CUDA_VISIBLE_DEVICES="" hides every GPU'
is "$(jf cvd '[.findings[0].evidence[] | select(.record == "env") | .name] | join(",")')" CUDA_VISIBLE_DEVICES "... with the variable as evidence"
# an invalid value while the calls still succeed: a warning
LD_LIBRARY_PATH=$CUDADRV:$CUDART12 CUDA_VISIBLE_DEVICES=0,gpu1 R cvd2 "$LOADER" $COUNT
is "$(jf cvd2 '[.findings[] | .id + ":" + .severity] | join(",")')" no-device:warning "CUDA_VISIBLE_DEVICES=0,gpu1: no-device warning"
LD_LIBRARY_PATH=$CUDADRV:$CUDART12 CUDA_VISIBLE_DEVICES=0,GPU-8a3b,MIG-1c2d R cvd3 "$LOADER" $COUNT
is "$(jf cvd3 '.findings | length')" 0 "CUDA_VISIBLE_DEVICES with indices and UUIDs: no finding"
done_testing
