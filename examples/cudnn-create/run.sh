#!/bin/sh
# gpushim run on cudnn_create (built by make test-bins into
# build/examples/cudnn-create/): the real cuDNN 9 of the CUDA toolkit when it
# is installed, else the fake cuDNN 9.1.0 with the fake driver libcuda.so.1
# 545.23.08. Exit status: the program's (1 when cudnnCreate fails).
. "$(dirname "$0")/../lib.sh"
if real_cuda; then
	echo "== the real cuDNN 9 in $CUDA/lib64" >&2
	libs=$CUDA/lib64
else
	echo "== no CUDA toolkit: fake cuDNN 9.1.0 and fake driver 545.23.08" >&2
	libs=$FAKES/cudnn-9.1.0:$FAKES/cuda-545.23.08
fi
env LD_LIBRARY_PATH="$libs" "$G" run "$@" -- "$EX/cudnn-create/cudnn_create" && rc=0 || rc=$?
exit "$rc"
