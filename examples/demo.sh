#!/bin/sh
# make demo: gpushim run on this machine. With the CUDA toolkit in
# /usr/local/cuda (and no GPU driver, as on the build machines) it runs a
# small cuDNN program against the real libraries: cudnnCreate fails, and the
# report shows why. Without the toolkit it runs the same kind of program
# against the fake NVML of the test bed, on a driver/library mismatch.
set -eu
B=${BUILD:-build}
CUDA=${CUDA_HOME:-/usr/local/cuda}
# With the toolkit, the cuDNN start-up example (examples/cudnn-not-initialized):
# cudaGetDeviceCount = 35 and cudnnCreate = 1001, and the findings at the end
# name the one root cause, the missing libcuda.so.1 (docs/findings.md).
if [ -x "$B/examples/cudnn-not-initialized/cudnn_init" ] && [ -e "$CUDA/lib64/libcudnn.so.9" ]; then
	echo "== examples/cudnn-not-initialized/run.sh   (real CUDA runtime and cuDNN in $CUDA, no driver)" >&2
	# the program fails (exit 1), which is the point of the demo, not a failure of it
	BUILD=$B sh "$(dirname "$0")/cudnn-not-initialized/run.sh" || true
	exit 0
fi
if [ -x "$B/tests/gpu_cudnn_create" ] && [ -e "$CUDA/lib64/libcudnn.so.9" ]; then
	echo "== gpushim run -- $B/tests/gpu_cudnn_create   (real cuDNN $CUDA)" >&2
	exec "$B/gpushim" run -- "$B/tests/gpu_cudnn_create"
fi
echo "== no CUDA toolkit in $CUDA: fake NVML 550.54.14 on kernel module 545.23.08" >&2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/sys/module/nvidia"
echo 545.23.08 >"$root/sys/module/nvidia/version"
GPUSHIM_SYSROOT=$root LD_LIBRARY_PATH=$B/fakes/nvml-550.54.14 \
	"$B/gpushim" run -- "$B/tests/gpu_nvml_init"
