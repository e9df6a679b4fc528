# Shared helpers for tests/t/*.sh. Each test prints TAP lines.
# Source with: . "$GPUSHIM_TOP/tests/lib/common.sh"
set -u
: "${GPUSHIM_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD:=build}"
case $BUILD in /*) B=$BUILD ;; *) B=$GPUSHIM_TOP/$BUILD ;; esac
SHIM=$B/libgpushim.so
GPUSHIM=$B/gpushim
T=$B/tests
FAKES=$B/fakes
CUDA=${CUDA_HOME:-/usr/local/cuda}
CUDA_LIB=$CUDA/lib64
_n=0
_fails=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpushim-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

ok() { # ok STATUS DESCRIPTION  (STATUS 0 = pass)
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _fails=$((_fails + 1)); fi
}
check() { # check DESCRIPTION COMMAND...  passes when COMMAND succeeds
	_d=$1; shift
	if "$@"; then ok 0 "$_d"; else ok 1 "$_d"; fi
}
is() { # is GOT WANT DESCRIPTION
	_n=$((_n + 1))
	if [ "$1" = "$2" ]; then echo "ok $_n - $3"
	else echo "not ok $_n - $3"; echo "#   got:  '$1'"; echo "#   want: '$2'"; _fails=$((_fails + 1)); fi
}
skip() { _n=$((_n + 1)); echo "ok $_n # SKIP $1"; }
need_cuda() { # need_cuda: true when the real toolkit is here, else prints why
	if [ -e "$CUDA_LIB/libcudart.so.13" ] && [ -e "$CUDA_LIB/libcudnn.so.9" ]; then return 0; fi
	echo "# real CUDA toolkit not found in $CUDA_LIB: tests that need it are skipped"
	return 1
}
# jqr FILE FILTER: jq over a JSON Lines file (slurped), raw output
jqr() { jq -r -s "$2" "$1"; }
# shim_log LOGFILE CMD...: run CMD with the shim preloaded, records to LOGFILE
shim_log() {
	_logf=$1; shift
	LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}" GPUSHIM_LOG="$_logf" "$@"
}
done_testing() { echo "1..$_n"; [ "$_fails" -eq 0 ]; }
