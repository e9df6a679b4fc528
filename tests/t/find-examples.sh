#!/bin/sh
# The four classic field reports, reproduced by examples/*/run.sh, give the
# findings docs/findings.md shows.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
need_fakes || { skip "fakes not built"; done_testing; exit; }
EXD=$GPUSHIM_TOP/examples
# X NAME SCRIPT [ARGS]: run the example with --json into $WORK/NAME.json
X() { _x=$1; shift; sh "$@" --json -o "$WORK/$_x.json" >"$WORK/$_x.out" 2>&1; echo $? >"$WORK/$_x.rc"; }
jf() { jq -r "$2" "$WORK/$1.json"; }
has_text() { jq -r "$2" "$WORK/$1.json" | grep -q -- "$3"; }

X nvml "$EXD/nvml-mismatch/run.sh" upgrade
is "$(cat "$WORK/nvml.rc")" 1 "nvml-mismatch: the program fails (exit 1)"
check "... with NVML's message" grep -q 'Failed to initialize NVML: Driver/library version mismatch' "$WORK/nvml.out"
is "$(jf nvml '[.findings[].id] | join(",")')" nvml-driver-mismatch "... finding nvml-driver-mismatch"
check "... libnvidia-ml.so.550.54.14 against module 545.23.08" has_text nvml '.findings[0].message' \
	'libnvidia-ml.so.550.54.14 is driver 550.54.14 but the loaded NVIDIA kernel module is 545.23.08'
X nvmlc "$EXD/nvml-mismatch/run.sh" container
is "$(jf nvmlc '[.findings[].id] | join(",")')" nvml-driver-mismatch "nvml-mismatch (container variant): nvml-driver-mismatch"
check "... the fix says the image must not ship driver libraries" has_text nvmlc '.findings[0].fix' 'must not ship its own driver libraries'

X ver "$EXD/cudnn-version-mismatch/run.sh"
check "cudnn-version-mismatch: the framework's message" grep -q 'Loaded runtime CuDNN library: 8.6.0 but source was compiled with: 8.9.7' "$WORK/ver.out"
is "$(jf ver '[.findings[].id] | join(",")')" path-shadowing "... finding path-shadowing"
check "... 8.6.0 from LD_LIBRARY_PATH over 8.9.7 in RUNPATH" has_text ver '.findings[0].message' \
	'opt/cudnn-8.6.0/lib/libcudnn.so.8.6.0 (8.6.0) because LD_LIBRARY_PATH.*RUNPATH has .*app/lib/libcudnn.so.8.9.7 (8.9.7)'

X init "$EXD/cudnn-not-initialized/run.sh"
check "cudnn-not-initialized: the framework's message" grep -q 'CUDNN_STATUS_NOT_INITIALIZED' "$WORK/init.out"
is "$(jf init '.findings[0].id')" no-libcuda "... root cause first: no-libcuda"
check "... explains cudnnCreate's NOT_INITIALIZED" has_text init '.findings[0].explains[]' '^cudnnCreate = [0-9]* CUDNN_STATUS_NOT_INITIALIZED$'
check "... and cudaGetDeviceCount's 35" has_text init '.findings[0].explains[]' '^cudaGetDeviceCount = 35 cudaErrorInsufficientDriver$'
is "$(jf init '[.findings[] | select(.severity == "error")] | length')" 1 "... one error, not three"

X load "$EXD/cudnn-load-error/run.sh"
check "cudnn-load-error: TensorFlow's message" grep -q "Could not load dynamic library 'libcudnn.so.8'" "$WORK/load.out"
is "$(jf load '[.findings[].id] | join(",")')" lib-not-found "... finding lib-not-found"
check "... only libcudnn.so.9 is installed" has_text load '.findings[0].message' 'only .*libcudnn.so.9.* of another major version is'
done_testing
