#!/bin/sh
# The findings in the human report: each with its fix right under it, short
# enough for one screen; the evidence only with -v; nothing when healthy.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
need_fakes || { skip "fakes not built"; done_testing; exit; }
make_sysroot "$WORK/sr" 545.23.08
export GPUSHIM_SYSROOT="$WORK/sr" NO_COLOR=1
section() { sed -n '/^findings: /,$p' "$1"; }

LD_LIBRARY_PATH=$NVML545:$CUDART12:$CUDNN897 "$GPUSHIM" run --save "$WORK/r.save" -- \
	"$LOADER" libnvidia-ml.so.1 nvmlInit_v2 libcudart.so.12 cudaGetDeviceCount libcudnn.so.8 cudnnCreate \
	>/dev/null 2>"$WORK/text"
section "$WORK/text" >"$WORK/sec"
is "$(head -n 1 "$WORK/sec")" "findings: 1 error, 0 warnings, 0 notes" "summary line with counts"
is "$(sed -n 2p "$WORK/sec" | sed 's/ (process [0-9]*)//')" "  error no-libcuda" "severity and id"
check "message on the next line" sh -c "sed -n 3p '$WORK/sec' | grep -q '^      libcuda.so.1, the CUDA driver library'"
check "fix right under it" sh -c "sed -n 4p '$WORK/sec' | grep -q '^      fix: Install the NVIDIA driver'"
check "the findings fit on one screen (<= 12 lines)" test "$(wc -l <"$WORK/sec")" -le 12
check "no evidence without -v" sh -c "! grep -q 'evidence:' '$WORK/sec'"
"$GPUSHIM" report -v "$WORK/r.save" >"$WORK/v" 2>&1
section "$WORK/v" >"$WORK/vsec"
check "-v: evidence" grep -q '^      evidence:' "$WORK/vsec"
check "-v: the failed dlopen record" grep -q '^        - dlopen: name=libcuda.so.1 ok=false' "$WORK/vsec"
check "-v: the call records" grep -q '^        - call: fn=cudaGetDeviceCount rc=35 rc_name=cudaErrorInsufficientDriver' "$WORK/vsec"
is "$("$GPUSHIM" report --json "$WORK/r.save" | jq -r '[.findings[].id] | join(",")')" no-libcuda "report of saved records: the same findings"
LD_LIBRARY_PATH=$NVML545:$CUDADRV:$CUDART12:$CUDNN897 "$GPUSHIM" run -- \
	"$LOADER" libnvidia-ml.so.1 nvmlInit_v2 libcudart.so.12 cudaGetDeviceCount >/dev/null 2>"$WORK/ok"
check "healthy: no findings section" sh -c "! grep -q '^findings' '$WORK/ok'"
# bytes from the traced program are escaped in findings too
"$GPUSHIM" run -- "$LOADER" "$(printf 'libcudnn.so.7\033]0;x\007')" >/dev/null 2>"$WORK/esc"
check "control bytes from the program are escaped" sh -c "! grep -q \"\$(printf '\\033')\" '$WORK/esc'"
done_testing
