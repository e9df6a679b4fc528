#!/bin/sh
# NVML entry points (design §3), however the program reaches them: linked by
# symbol (gpu_nvml_init), dlopen+dlsym on a handle (gpu_dl_loader, like
# TensorFlow), Python ctypes (gpu_pynvml_like.py, like pynvml). Each call
# record names the copy that served it, its return code, how it was reached
# (`via`), the arguments that matter, a stack, and -- after a successful
# init only -- the versions that copy reports about itself. The hello
# record carries the kernel module version and /dev/nvidiactl from
# GPUSHIM_SYSROOT. Program output and status are the same with the shim.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi
if [ ! -e "$SHIM" ]; then skip "no shim ($SHIM)"; done_testing; exit; fi

. "$GPUSHIM_TOP/tests/lib/both.sh"
# call N FIELD: FIELD (jq path, compact JSON) of the Nth call record (0-based)
call() { jq -c -s "[.[] | select(.type == \"call\")][$1] | $2" "$log"; }
ncalls() { q '[.[] | select(.type == "call")] | length'; }
# libof N FIELD: FIELD of the lib record the Nth call record refers to
libof() { q "(map(select(.type == \"call\"))[$1].lib) as \$l | map(select(.type == \"lib\" and .id == \$l))[0].$2 // \"none\""; }

make_sysroot "$WORK/sr545" 545.23.08
make_sysroot "$WORK/srproc" 545.23.08 && rm -f "$WORK/srproc/sys/module/nvidia/version"
make_sysroot "$WORK/srnone" "" nodev
make_sysroot "$WORK/srnodev" 545.23.08 nodev

# --- linked by symbol, the driver mismatch of design §1 ---
both GPUSHIM_SYSROOT="$WORK/sr545" LD_LIBRARY_PATH="$NVML550" -- "$T/gpu_nvml_init"
check "  the program saw 18 (LIB_RM_VERSION_MISMATCH)" has "$out" '^nvmlInit_v2=18 '
is "$(ncalls)" 1 "  one call record"
is "$(call 0 '[.fn, .family, .rc, .via]')" '["nvmlInit_v2","nvml",18,"symbol"]' "  nvmlInit_v2, nvml, rc 18, via symbol"
is "$(libof 0 file_version)" 550.54.14 "  served by the 550.54.14 library file"
is "$(libof 0 realpath)" "$NVML550/libnvidia-ml.so.550.54.14" "  ... at its real path"
is "$(call 0 'has("ver")')" false "  failed init: no version queries recorded"
is "$(q 'map(select(.type == "hello"))[0] | [.kernel_driver, .nvidiactl] | @json')" '["545.23.08",true]' \
	"  hello: kernel module 545.23.08 from the sysroot's /sys, /dev/nvidiactl present"
is "$(call 0 '.dur_ns | type == "number" and . >= 0')" true "  duration recorded"
is "$(call 0 '.stack[0][0]')" "\"$T/gpu_nvml_init\"" "  innermost stack frame is the program (shim frames removed)"
is "$(call 0 '[.stack[][0]] | any(test("libc.so"))')" true "  the stack reaches libc's start code"

# --- the same program, the matching library: versions asked through it ---
both GPUSHIM_SYSROOT="$WORK/sr545" LD_LIBRARY_PATH="$NVML545" -- "$T/gpu_nvml_init"
is "$(call 0 '[.fn, .rc, .via]')" '["nvmlInit_v2",0,"symbol"]' "  nvmlInit_v2 rc 0"
is "$(libof 0 file_version)" 545.23.08 "  served by the 545.23.08 library file"
is "$(call 0 .ver)" '{"driver":"545.23.08","nvml":"12.545.23.08","cuda_driver":12030}' \
	"  after success: driver, NVML and CUDA-driver versions the copy reports"
is "$(ncalls)" 1 "  the program's own version queries are not hooked calls"
both GPUSHIM_SYSROOT="$WORK/sr545" LD_LIBRARY_PATH="$NVML545" FAKE_NVML_DRIVER_VERSION=545.99.1 -- "$T/gpu_nvml_init"
is "$(call 0 '.ver.driver + " " + .ver.nvml')" '"545.99.1 12.545.99.1"' "  the versions are asked of the library, not read from its file name"

# --- hello: kernel module from /proc when /sys has none; none; no device ---
both GPUSHIM_SYSROOT="$WORK/srproc" LD_LIBRARY_PATH="$NVML545" -- "$T/gpu_nvml_init"
is "$(q 'map(select(.type == "hello"))[0] | [.kernel_driver, .nvidiactl] | @json')" '["545.23.08",true]' \
	"  hello: kernel module version from /proc/driver/nvidia/version when /sys lacks it"
is "$(call 0 '[.rc, has("ver")]')" '[9,false]' "  fake NVML: 9 DRIVER_NOT_LOADED, no versions"
both GPUSHIM_SYSROOT="$WORK/srnone" LD_LIBRARY_PATH="$NVML545" -- "$T/gpu_nvml_init"
is "$(q 'map(select(.type == "hello"))[0] | [.kernel_driver, .nvidiactl] | @json')" '[null,false]' \
	"  hello: no kernel module, no /dev/nvidiactl -> null, false"
both GPUSHIM_SYSROOT="$WORK/srnodev" LD_LIBRARY_PATH="$NVML545" -- "$T/gpu_nvml_init"
is "$(q 'map(select(.type == "hello"))[0] | [.kernel_driver, .nvidiactl] | @json')" '["545.23.08",false]' \
	"  hello: module loaded but no /dev/nvidiactl"

# --- dlopen + dlsym on the handle (TensorFlow's loader) ---
both GPUSHIM_SYSROOT="$WORK/sr545" LD_LIBRARY_PATH="$NVML550" -- "$LOADER" libnvidia-ml.so.1 nvmlInit_v2 nvmlInit nvmlInitWithFlags
is "$(q '[.[] | select(.type == "call") | [.fn, .rc, .via]] | @json')" \
	'[["nvmlInit_v2",18,"dlsym"],["nvmlInit",18,"dlsym"],["nvmlInitWithFlags",18,"dlsym"]]' \
	"  the three init variants, each rc 18 via dlsym"
is "$(call 2 .args)" '{"flags":0}' "  nvmlInitWithFlags: flags recorded"
is "$(q '(map(select(.type == "dlopen" and .name == "libnvidia-ml.so.1"))[0].lib) as $h | [.[] | select(.type == "call") | .lib == $h] | all')" true \
	"  every call attributed to the library the dlopen returned"
is "$(q '[.[] | select(.type == "dlsym" and (.sym | startswith("nvmlInit"))) | .wrapped] | @json')" '[true,true,true]' \
	"  dlsym of each hooked name handed back a wrapper"
is "$(call 0 '.stack[0][0]')" "\"$LOADER\"" "  stack starts in the loader"
both GPUSHIM_SYSROOT="$WORK/sr545" LD_LIBRARY_PATH="$NVML545" -- "$LOADER" libnvidia-ml.so.1 nvmlInit_v2 nvmlShutdown
is "$(call 0 '[.rc, .ver.driver]')" '[0,"545.23.08"]' "  success through dlsym: versions recorded"

# --- Python ctypes, the way pynvml does it ---
if [ -n "$PY" ]; then
	both GPUSHIM_SYSROOT="$WORK/sr545" LD_LIBRARY_PATH="$NVML550" -- "$PY" "$GPUSHIM_TOP/tests/progs/gpu_pynvml_like.py"
	is "$(call 0 '[.fn, .rc, .via, .args.flags, has("ver")]')" '["nvmlInitWithFlags",18,"dlsym",0,false]' \
		"  ctypes: nvmlInitWithFlags(0) rc 18 via dlsym, no versions"
	is "$(libof 0 file_version)" 550.54.14 "  ctypes: served by the 550.54.14 file"
	both GPUSHIM_SYSROOT="$WORK/sr545" LD_LIBRARY_PATH="$NVML545" -- "$PY" "$GPUSHIM_TOP/tests/progs/gpu_pynvml_like.py"
	is "$(call 0 '[.fn, .rc, .via, .ver.driver, .ver.cuda_driver]')" '["nvmlInitWithFlags",0,"dlsym","545.23.08",12030]' \
		"  ctypes: success, versions of the 545 copy"
	is "$(ncalls)" 1 "  ctypes: one call record"
else
	skip "no python3"
fi

# --- two NVML copies in one process: each asked through itself ---
both FAKE_NVML_INIT_RC=0 -- "$LOADER" "$NVML545/libnvidia-ml.so.1" nvmlInit_v2 "$NVML550/libnvidia-ml.so.1" nvmlInit_v2
is "$(ncalls)" 2 "  two call records"
is "$(libof 0 file_version) $(libof 1 file_version)" "545.23.08 550.54.14" "  attributed to the 545 copy, then the 550 copy"
is "$(call 0 '[.ver.driver, .ver.cuda_driver]')$(call 1 '[.ver.driver, .ver.cuda_driver]')" \
	'["545.23.08",12030]["550.54.14",12040]' "  each record carries the versions its own copy reports"
done_testing
