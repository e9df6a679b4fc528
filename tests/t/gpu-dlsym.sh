#!/bin/sh
# The shim exports the hooked names itself (cudnnCreate, nvmlInit_v2, cuInit,
# cudaGetDeviceCount, ...) so that programs linked against the GPU libraries
# bind to it. A process that has no such library loaded must still see what
# it would without the shim: dlsym(RTLD_DEFAULT, "cudnnCreate") is NULL with
# the same dlerror() text (design §3 rule 1, route_sym in shim/dlhooks.c),
# and so is a lookup on the program's own handle (dlopen(NULL), which is
# what Python's ctypes.CDLL(None) does). With a cuDNN loaded RTLD_GLOBAL the
# lookup succeeds and the call is recorded, attributed to that cuDNN.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
P=$T/hook_dlsym_default
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi
[ -x "$P" ] || { echo "# missing $P: run make test-bins"; skip "hook_dlsym_default not built"; done_testing; exit; }
if [ ! -e "$SHIM" ]; then skip "no shim ($SHIM)"; done_testing; exit; fi

. "$GPUSHIM_TOP/tests/lib/both.sh"
calls() { [ -e "$log" ] || : >"$log"; jqr "$log" "[.[] | select(.type == \"call\") | $1] | @json"; }

both_d "no GPU library loaded: dlsym(RTLD_DEFAULT, hooked names) is NULL, same dlerror() text" \
	-- "$P" cudnnCreate nvmlInit_v2 cuInit cudaGetDeviceCount cuGetProcAddress_v2
check "  without the shim: NULL with glibc's text" has "$bare" "^default cudnnCreate=NULL: $P: undefined symbol: cudnnCreate errno=0 again=NULL\$"
is "$(calls .fn)" '[]' "  no call record (nothing was called)"
both_d "cuDNN loaded RTLD_LOCAL: dlsym(RTLD_DEFAULT, \"cudnnCreate\") is still NULL, same text" \
	-- "$P" -l "$CUDNN897/libcudnn.so.8" cudnnCreate
both_d "dlvsym(RTLD_DEFAULT, \"cudnnCreate\", \"libcudnn.so.8\") with no cuDNN: same failure" \
	-- "$P" ver:cudnnCreate@libcudnn.so.8
both_d "dlsym(dlopen(NULL), \"cudnnCreate\") with no cuDNN loaded: NULL, same text" \
	-- "$P" self:cudnnCreate self:nvmlInit_v2
if [ -n "$PY" ]; then
	both_d "Python: hasattr(ctypes.CDLL(None), \"cudnnCreate\") is False as without the shim" \
		-- "$PY" -c 'import ctypes; print(hasattr(ctypes.CDLL(None), "cudnnCreate"), hasattr(ctypes.CDLL(None), "nvmlInit_v2"))'
else
	skip "no python3"
fi

both_d "cuDNN loaded RTLD_GLOBAL: dlsym(RTLD_DEFAULT, \"cudnnCreate\") found, same result when called" \
	FAKE_CUDNN_DRIVER=0 -- "$P" -g "$CUDNN897/libcudnn.so.8" cudnnCreate ver:cudnnCreate@libcudnn.so.8
check "  found and called: rc 0" has "$out" '^default cudnnCreate=found$' '^  rc=0$' '^ver cudnnCreate@libcudnn.so.8=found$'
lib=$(jqr "$log" '[.[] | select(.type == "lib" and (.realpath | endswith("libcudnn.so.8.9.7")))][0].id')
is "$(calls '[.fn, .rc, .lib]')" "[[\"cudnnCreate\",0,$lib]]" "  the call is recorded, served by the global cuDNN 8.9.7"
done_testing
