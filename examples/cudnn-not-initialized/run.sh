#!/bin/sh
# "cuDNN error: CUDNN_STATUS_NOT_INITIALIZED": no driver underneath. With
# the CUDA toolkit installed (and no NVIDIA driver, as on the build
# machines) it runs the real libcudart.so.13 and libcudnn.so.9; elsewhere
# the fake CUDA 12.3 runtime and cuDNN 8.9.7 with no libcuda.so.1.
#   run.sh [gpushim run options]
. "$(dirname "$0")/../lib.sh"
if real_cuda; then
	env LD_LIBRARY_PATH="$CUDA/lib64" "$G" run "$@" -- \
		"$EX/cudnn-not-initialized/cudnn_init" libcudart.so.13 libcudnn.so.9 && rc=0 || rc=$?
else
	echo "(no CUDA toolkit in $CUDA: using the fake libraries)" >&2
	make_sysroot "$W/root" ""
	env GPUSHIM_SYSROOT="$W/root" LD_LIBRARY_PATH="$FAKES/cudart-12.3.101:$FAKES/cudnn-8.9.7" \
		"$G" run "$@" -- "$EX/cudnn-not-initialized/cudnn_init" libcudart.so.12 libcudnn.so.8 \
		&& rc=0 || rc=$?
fi
exit "$rc"
