#!/bin/sh
# gpushim run on torch_like.py: libcudart and libcudnn preloaded RTLD_GLOBAL
# from the toolkit's lib64 when installed, else from the fakes (runtime
# 12.3.101, cuDNN 9.1.0; the fake driver 545.23.08 on LD_LIBRARY_PATH as an
# installed driver would be in the loader's path). Exit status: the script's.
. "$(dirname "$0")/../lib.sh"
script=$(dirname "$0")/torch_like.py
if real_cuda; then
	echo "== the real CUDA runtime and cuDNN in $CUDA/lib64" >&2
	"$G" run "$@" -- python3 "$script" "$CUDA/lib64" && rc=0 || rc=$?
else
	echo "== no CUDA toolkit: fake runtime 12.3.101, cuDNN 9.1.0, driver 545.23.08" >&2
	env LD_LIBRARY_PATH="$FAKES/cuda-545.23.08" "$G" run "$@" -- python3 "$script" \
		"$FAKES/cudart-12.3.101" "$FAKES/cudnn-9.1.0" && rc=0 || rc=$?
fi
exit "$rc"
