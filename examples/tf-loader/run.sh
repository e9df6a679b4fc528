#!/bin/sh
# gpushim run on tf_dso_loader (built by make test-bins): the real CUDA 13
# runtime and cuDNN 9 of the toolkit when installed (LD_LIBRARY_PATH, as TF
# users set it), else the fake runtime 12.3.101, cuDNN 9.1.0 and driver
# 545.23.08. Exit status: the program's.
. "$(dirname "$0")/../lib.sh"
prog=$EX/tf-loader/tf_dso_loader
if real_cuda; then
	echo "== the real CUDA runtime and cuDNN in $CUDA/lib64" >&2
	env LD_LIBRARY_PATH="$CUDA/lib64" "$G" run "$@" -- "$prog" && rc=0 || rc=$?
else
	echo "== no CUDA toolkit: fake runtime 12.3.101, cuDNN 9.1.0, driver 545.23.08" >&2
	env LD_LIBRARY_PATH="$FAKES/cudart-12.3.101:$FAKES/cudnn-9.1.0:$FAKES/cuda-545.23.08" \
		"$G" run "$@" -- "$prog" libcudart.so.12 libcudnn.so.9 && rc=0 || rc=$?
fi
exit "$rc"
