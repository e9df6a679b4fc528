# Shared set-up of the example scripts (examples/*/run.sh); sourced.
# Sets TOP, B (build directory), G (gpushim), FAKES, EX (built examples),
# W (a scratch directory removed at exit), CUDA; clears variables that
# would change what the fake libraries do.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD:-build}
case $B in /*) ;; *) B=$TOP/$B ;; esac
G=$B/gpushim FAKES=$B/fakes EX=$B/examples
CUDA=${CUDA_HOME:-/usr/local/cuda}
if [ ! -x "$G" ] || [ ! -d "$FAKES/nvml-545.23.08" ] || [ ! -d "$EX" ]; then
	echo "$0: build first: make && make test-bins" >&2
	exit 2
fi
for _v in $(env | sed -n 's/^\(FAKE_[A-Z0-9_]*\)=.*/\1/p'); do unset "$_v"; done
unset GPUSHIM_SYSROOT LD_LIBRARY_PATH
W=$(mktemp -d "${TMPDIR:-/tmp}/gpushim-example.XXXXXX")
trap 'rm -rf "$W"' EXIT
. "$TOP/tests/fakes/sysroot.sh"
# real_cuda: the CUDA toolkit with cuDNN 9 is installed here
real_cuda() { [ -e "$CUDA/lib64/libcudart.so.13" ] && [ -e "$CUDA/lib64/libcudnn.so.9" ]; }
