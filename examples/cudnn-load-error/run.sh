#!/bin/sh
# "Could not load dynamic library 'libcudnn.so.8'": a TensorFlow-style loader
# asks for cuDNN 8, but only cuDNN 9 (libcudnn.so.9) is installed. Uses the
# real toolkit's cuDNN 9 when present, else the fake cuDNN 9.1.0.
#   run.sh [gpushim run options]
. "$(dirname "$0")/../lib.sh"
if real_cuda; then
	dir=$CUDA/lib64
else
	echo "(no CUDA toolkit in $CUDA: using the fake cuDNN 9.1.0)" >&2
	dir=$FAKES/cudnn-9.1.0
fi
env LD_LIBRARY_PATH="$dir" "$G" run "$@" -- "$EX/cudnn-load-error/tf_loader" && rc=0 || rc=$?
exit "$rc"
