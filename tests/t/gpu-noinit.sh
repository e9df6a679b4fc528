#!/bin/sh
# The shim never calls a GPU function the program did not call first, except
# the documented version queries of the copy that served a hooked call (NVML
# ones after a successful init only), and never nvmlInit* or cuInit on its
# own (design §3). Checked with tracing stand-ins of NVML, libcuda, libcudart
# and cuDNN (tests/progs/hook_tracelib.c) that log every entry point that
# runs: the log with the shim is the log without it plus, right after a
# hooked call, only those version queries.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
H=$B/hook
for f in "$H/trace-nvml/libnvidia-ml.so.1" "$H/trace-cuda/libcuda.so.1" "$H/trace-cudart/libcudart.so.12" \
	"$H/trace-cudnn/libcudnn.so.8" "$LOADER" "$T/gpu_nvml_init"; do
	[ -e "$f" ] || { echo "# missing $f: run make test-bins"; skip "tracing libraries not built"; done_testing; exit; }
done
if [ ! -e "$SHIM" ]; then skip "no shim ($SHIM)"; done_testing; exit; fi
unset HOOK_TRACE HOOK_TRACE_RC

n=0
# traced FAMILY [VAR=VALUE...] -- CMD...: run CMD bare and under the shim
# with the FAMILY stand-in first on the path. $t0/$t1: what ran (one entry
# point a line) without/with the shim; $log: records. Output and status
# must be the same.
traced() {
	_fam=$1; shift
	n=$((n + 1)) log=$WORK/$n.jsonl t0=$WORK/$n.trace0 t1=$WORK/$n.trace1
	: >"$t0"; : >"$t1"
	_e=""; while [ "$1" != -- ]; do _e="$_e $1"; shift; done; shift
	bare=$(env LD_LIBRARY_PATH="$H/trace-$_fam" HOOK_TRACE="$t0" $_e "$@" 2>&1); _brc=$?
	out=$(shim_log "$log" env LD_LIBRARY_PATH="$H/trace-$_fam" HOOK_TRACE="$t1" $_e "$@" 2>&1); _orc=$?
	is "$out
status=$_orc" "$bare
status=$_brc" "run $n ($_fam$(echo "$_e" | sed 's/ HOOK_TRACE_RC=/ rc=/'): $(basename "$1")${2:+ $(echo "$*" | cut -d' ' -f2- | sed "s|$GPUSHIM_TOP/||g")}): same output and status"
}
lines() { paste -sd' ' "$1"; }
# extra: the entry points that ran with the shim beyond those without it
# (sorted, one line); "missing:..." if one of the program's own did not run
extra() {
	sort "$t0" >"$t0.s"; sort "$t1" >"$t1.s"
	_m=$(comm -23 "$t0.s" "$t1.s" | paste -sd' ')
	[ -n "$_m" ] && printf 'missing:%s ' "$_m"
	comm -13 "$t0.s" "$t1.s" | paste -sd' '
}
ncalls() { jqr "$log" '[.[] | select(.type == "call")] | length'; }
NVML_Q="nvmlSystemGetCudaDriverVersion nvmlSystemGetDriverVersion nvmlSystemGetNVMLVersion"

# --- NVML ---
traced nvml -- "$LOADER" libnvidia-ml.so.1
is "$(lines "$t1")" "" "  dlopen alone: no NVML function ran"
is "$(ncalls)" 0 "  ... and no call record"
traced nvml -- "$LOADER" libnvidia-ml.so.1 nvmlSystemGetNVMLVersion nvmlSystemGetDriverVersion nvmlShutdown
is "$(lines "$t1")" "$(lines "$t0")" "  only unhooked functions called: exactly the program's calls, no init added"
traced nvml HOOK_TRACE_RC=18 -- "$LOADER" libnvidia-ml.so.1 nvmlInit_v2
is "$(extra)" "" "  failed nvmlInit_v2 (dlsym): no version query"
is "$(jqr "$log" 'map(select(.type == "call"))[0] | [.rc, has("ver")] | @json')" '[18,false]' "  ... record: rc 18, no ver"
traced nvml HOOK_TRACE_RC=9 -- "$T/gpu_nvml_init"
is "$(extra)" "" "  failed nvmlInit_v2 (symbol): no version query"
traced nvml -- "$LOADER" libnvidia-ml.so.1 nvmlInit_v2
is "$(extra)" "$NVML_Q" "  successful nvmlInit_v2 (dlsym): only the three version queries added"
is "$(jqr "$log" 'map(select(.type == "call"))[0].ver | @json')" '{"driver":"999.1.2","nvml":"12.999.1.2","cuda_driver":12090}' \
	"  ... and their answers are in the record"
traced nvml -- "$T/gpu_nvml_init"
is "$(extra)" "$NVML_Q" "  successful nvmlInit_v2 (symbol): only the three version queries added"
is "$(grep -c '^nvmlInit' "$t1")" 1 "  ... nvmlInit* ran once, the program's"
if [ -n "$PY" ]; then
	traced nvml -- "$PY" "$GPUSHIM_TOP/tests/progs/gpu_pynvml_like.py"
	is "$(extra)" "$NVML_Q" "  ctypes, success: only the three version queries added"
	traced nvml HOOK_TRACE_RC=18 -- "$PY" "$GPUSHIM_TOP/tests/progs/gpu_pynvml_like.py"
	is "$(extra)" "" "  ctypes, failure: nothing added"
else
	skip "no python3"; skip "no python3"
fi

# --- CUDA driver ---
traced cuda -- "$LOADER" libcuda.so.1
is "$(lines "$t1")" "" "  dlopen alone: no driver function ran"
traced cuda -- "$LOADER" libcuda.so.1 cuDeviceGetCount
is "$(extra)" "cuDriverGetVersion" "  cuDeviceGetCount: only cuDriverGetVersion added, never cuInit"
traced cuda HOOK_TRACE_RC=100 -- "$LOADER" libcuda.so.1 cuInit
is "$(extra)" "cuDriverGetVersion" "  failed cuInit: only cuDriverGetVersion added, cuInit not retried"
traced cuda -- "$LOADER" libcuda.so.1 cuDriverGetVersion
is "$(extra)" "" "  cuDriverGetVersion: nothing added"
traced cuda -- "$LOADER" libcuda.so.1 gpa:cuDeviceGetCount
is "$(extra)" "cuDriverGetVersion" "  through cuGetProcAddress_v2: only cuDriverGetVersion added"
is "$(jqr "$log" '[.[] | select(.type == "call") | .fn + ":" + .via] | join(" ")')" \
	"cuGetProcAddress_v2:dlsym cuDeviceGetCount:getprocaddress" "  ... both calls recorded, the second via getprocaddress"

# --- CUDA runtime, cuDNN ---
traced cudart -- "$LOADER" libcudart.so.12 cudaGetDeviceCount
is "$(extra)" "cudaDriverGetVersion cudaRuntimeGetVersion" "  cudaGetDeviceCount: only the two runtime version queries added"
traced cudart HOOK_TRACE_RC=35 -- "$LOADER" libcudart.so.12 cudaGetDeviceCount
is "$(extra)" "cudaDriverGetVersion cudaRuntimeGetVersion" "  failed cudaGetDeviceCount: the same, nothing else"
traced cudnn -- "$LOADER" libcudnn.so.8
is "$(lines "$t1")" "" "  dlopen alone: no cuDNN function ran"
traced cudnn -- "$LOADER" libcudnn.so.8 cudnnCreate
is "$(extra)" "cudnnGetCudartVersion cudnnGetVersion" "  cudnnCreate: only cudnnGetVersion and cudnnGetCudartVersion added"
done_testing
