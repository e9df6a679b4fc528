#!/bin/sh
# CUDA driver and runtime entry points (design §3): cuInit,
# cuDriverGetVersion, cuDeviceGetCount and cudaGetDeviceCount reached by
# dlsym on a handle and through cuGetProcAddress*, whose handed-out entry
# points are wrapped; calls a runtime makes inside cudaGetDeviceCount are
# noted as `inner`, not recorded twice. Then the real libcudart.so.13 (when
# installed): 35 with no driver, 34 over the toolkit's stub libcuda.so, and
# the driver reached only through cuGetProcAddress_v2.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi
if [ ! -e "$SHIM" ]; then skip "no shim ($SHIM)"; done_testing; exit; fi

. "$GPUSHIM_TOP/tests/lib/both.sh"

# --- the driver by dlsym on its handle ---
both LD_LIBRARY_PATH="$CUDADRV" -- "$LOADER" libcuda.so.1 cuDeviceGetCount cuInit cuDeviceGetCount cuDriverGetVersion
d=$(libid libcuda.so.545.23.08)
check "  fake libcuda identified (id $d)" test "$d" -gt 0
is "$(calls '[.fn, .rc, .via, .lib]')" \
	"[[\"cuDeviceGetCount\",3,\"dlsym\",$d],[\"cuInit\",0,\"dlsym\",$d],[\"cuDeviceGetCount\",0,\"dlsym\",$d],[\"cuDriverGetVersion\",0,\"dlsym\",$d]]" \
	"  each call: its code (3 before cuInit), via dlsym, the libcuda copy"
is "$(call 1 '[.args, .ver]')" '[{"flags":0},{"driver":12030}]' "  cuInit: flags, and the driver version libcuda reports"
is "$(call 2 .out)" '{"count":1}' "  cuDeviceGetCount after cuInit: *count recorded"
is "$(call 3 '[.out, has("ver")]')" '[{"driverVersion":12030},false]' "  cuDriverGetVersion: *driverVersion recorded"
both FAKE_CUDA_DRIVER_VERSION=13010 LD_LIBRARY_PATH="$CUDADRV" -- "$LOADER" libcuda.so.1 cuInit
is "$(call 0 .ver.driver)" 13010 "  the version is asked of the library at run time"

# --- cuGetProcAddress_v2 hands out wrapped entry points ---
both LD_LIBRARY_PATH="$CUDADRV" -- "$LOADER" libcuda.so.1 gpa:cuInit gpa:cuDeviceGetCount gpa:cuDriverGetVersion
d=$(libid libcuda.so.545.23.08)
is "$(calls '[.fn, .via, .args.symbol, .wrapped, .rc]' | cut -c1-400)" \
	'[["cuGetProcAddress_v2","dlsym","cuInit",true,0],["cuInit","getprocaddress",null,null,0],["cuGetProcAddress_v2","dlsym","cuDeviceGetCount",true,0],["cuDeviceGetCount","getprocaddress",null,null,0],["cuGetProcAddress_v2","dlsym","cuDriverGetVersion",true,0],["cuDriverGetVersion","getprocaddress",null,null,0]]' \
	"  lookups recorded with the symbol asked for; the entry points they hand out recorded via getprocaddress"
is "$(calls '.lib' )" "[$d,$d,$d,$d,$d,$d]" "  all served by the libcuda copy"
is "$(call 0 .args.cudaVersion)" 12030 "  cuGetProcAddress_v2: cudaVersion argument recorded"
is "$(call 5 .out)" '{"driverVersion":12030}' "  the handed-out cuDriverGetVersion records its output"
is "$(q '[.[] | select(.type == "dlsym" and .sym == "cuGetProcAddress_v2")][0].wrapped')" true "  dlsym of cuGetProcAddress_v2 handed back a wrapper"
# One function reached both ways: each call says how it was reached.
both LD_LIBRARY_PATH="$CUDADRV" -- "$LOADER" libcuda.so.1 cuDriverGetVersion gpa:cuDriverGetVersion
is "$(calls 'select(.fn == "cuDriverGetVersion") | .via')" '["dlsym","getprocaddress"]' \
	"  cuDriverGetVersion by dlsym, then the same function through cuGetProcAddress_v2: via dlsym, then getprocaddress"
both LD_LIBRARY_PATH="$CUDADRV" FAKE_CUDA_STUB=1 -- "$LOADER" libcuda.so.1 gpa:cuInit
is "$(calls '[.fn, .rc, .wrapped]')" '[["cuGetProcAddress_v2",34,false]]' "  stub-like libcuda: the lookup fails with 34, nothing wrapped"

# --- a runtime over the driver (fake libcudart.so.12): inner calls ---
both LD_LIBRARY_PATH="$CUDART12:$CUDADRV" -- "$LOADER" libcudart.so.12 cudaGetDeviceCount
r=$(libid libcudart.so.12.3.101) d=$(libid libcuda.so.545.23.08)
is "$(calls '[.fn, .rc, .via, .lib, .out]')" "[[\"cudaGetDeviceCount\",0,\"dlsym\",$r,{\"count\":1}]]" \
	"  one call record: cudaGetDeviceCount rc 0 via dlsym, count 1, served by libcudart 12.3.101"
is "$(call 0 .ver)" '{"runtime":12030,"driver":12030}' "  runtime and driver versions that libcudart reports"
is "$(call 0 '[.inner[] | select(.fn | startswith("cuGetProcAddress")) | .lib] | unique')" "[$d]" \
	"  the driver calls made inside it are noted as inner, served by libcuda"
is "$(call 0 '.inner[0] | [.fn, .rc]')" '["cuGetProcAddress_v2",0]' "  ... the first through the dlsym'd cuGetProcAddress_v2"
is "$(q '[.[] | select(.type == "dlsym" and .handle == '"$d"') | .sym] | @json')" '["cuGetProcAddress_v2"]' \
	"  the runtime looked up only cuGetProcAddress_v2 on libcuda's handle"
both LD_LIBRARY_PATH="$CUDART12:$CUDADRV" FAKE_CUDA_STUB=1 -- "$LOADER" libcudart.so.12 cudaGetDeviceCount
is "$(calls '[.fn, .rc, .inner]')" "[[\"cudaGetDeviceCount\",34,[{\"fn\":\"cuGetProcAddress_v2\",\"lib\":$(libid libcuda.so.545.23.08),\"rc\":34}]]]" \
	"  over a stub-like libcuda: 34, the failing inner cuGetProcAddress_v2 noted"
both LD_LIBRARY_PATH="$CUDART12" -- "$LOADER" libcudart.so.12 cudaGetDeviceCount
is "$(calls '[.fn, .rc, has("inner"), .ver.driver]')" '[["cudaGetDeviceCount",35,false,0]]' \
	"  no libcuda.so.1: 35, no inner call, driver version 0"

# --- the real CUDA 13 runtime ---
if ! need_cuda; then
	skip "real CUDA toolkit not installed"
elif [ ! -x "$T/gpu_cudart_count" ]; then
	skip "gpu_cudart_count not built (make test-bins)"
elif in_ld_cache libcuda.so.1 || [ -e /dev/nvidiactl ]; then
	echo "# an NVIDIA driver is installed here: the no-driver answers do not apply"
	skip "machine has an NVIDIA driver"
else
	both -- "$T/gpu_cudart_count"
	check "  real libcudart 13, no driver: 35" has "$out" '^cudaGetDeviceCount=35 '
	is "$(calls '[.fn, .rc, .via]')" '[["cudaGetDeviceCount",35,"symbol"]]' "  one record: rc 35 via symbol"
	is "$(q '(map(select(.type == "call"))[0].lib) as $l | map(select(.type == "lib" and .id == $l))[0].soname')" libcudart.so.13 \
		"  served by libcudart.so.13"
	is "$(call 0 .ver)" '{"runtime":13000,"driver":0}' "  cudaRuntimeGetVersion 13000, cudaDriverGetVersion 0 recorded"
	if [ -e "$CUDA_LIB/stubs/libcuda.so" ]; then
		mkdir -p "$WORK/stub" && ln -sf "$CUDA_LIB/stubs/libcuda.so" "$WORK/stub/libcuda.so.1"
		both LD_LIBRARY_PATH="$WORK/stub" -- "$T/gpu_cudart_count"
		s=$(libid stubs/libcuda.so)
		check "  stub libcuda.so first on the path: 34" has "$out" '^cudaGetDeviceCount=34 '
		is "$(call 0 '[.fn, .rc]')" '["cudaGetDeviceCount",34]' "  record: rc 34"
		is "$(call 0 '.inner[0]')" "{\"fn\":\"cuGetProcAddress_v2\",\"lib\":$s,\"rc\":34}" \
			"  inner: cuGetProcAddress_v2 of the stub (lib $s) returned 34"
		is "$(q '[.[] | select(.type == "dlsym" and .handle == '"$s"')][0] | [.sym, .wrapped] | @json')" '["cuGetProcAddress_v2",true]' \
			"  libcudart's first lookup on libcuda is cuGetProcAddress_v2, wrapped"
	else
		skip "no stubs/libcuda.so in $CUDA_LIB"
	fi
	# The real runtime over the fake driver (12.3, too old for 13): every
	# entry point comes from cuGetProcAddress.
	both LD_LIBRARY_PATH="$CUDADRV" -- "$T/gpu_cudart_count"
	d=$(libid libcuda.so.545.23.08)
	is "$(q '[.[] | select(.type == "dlsym" and .handle == '"$d"') | .sym] | @json')" '["cuGetProcAddress_v2"]' \
		"  real libcudart 13 looks up only cuGetProcAddress_v2 with dlsym"
	is "$(call 0 '[.fn, .rc, .ver.driver, ([.inner[] | select(.fn == "cuGetProcAddress_v2" and .rc == 0 and .lib == '"$d"')] | length > 0)]')" \
		'["cudaGetDeviceCount",35,12030,true]' "  35 (driver too old); its cuGetProcAddress_v2 calls are noted as inner"
	# The same runtime initialised by an unhooked call first: the lookups and
	# the handed-out driver entry points are then the outermost calls.
	both LD_LIBRARY_PATH="$CUDADRV:$CUDA_LIB" -- "$LOADER" libcudart.so.13 cudaDriverGetVersion
	d=$(libid libcuda.so.545.23.08)
	is "$(calls 'select(.fn == "cuGetProcAddress" and .args.symbol == "cuDriverGetVersion") | [.via, .rc, .wrapped, .lib == '"$d"']' | cut -c1-200)" \
		'[["getprocaddress",0,true,true]]' "  cuGetProcAddress (handed out by cuGetProcAddress_v2) asked for cuDriverGetVersion: wrapped"
	is "$(calls 'select(.fn == "cuDriverGetVersion") | [.via, .rc, .out.driverVersion]')" '[["getprocaddress",0,12030]]' \
		"  libcudart's cuDriverGetVersion call recorded via getprocaddress"
fi
done_testing
