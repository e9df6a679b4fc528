#!/bin/sh
# An nvcc-built program with the static CUDA runtime (tests/progs/
# hook_static.c, nvcc -cudart static): its only GPU boundary is
# dlopen("libcuda.so.1"), dlsym(cuGetProcAddress_v2) and the driver entry
# points handed out through it, which the shim wraps and records (design
# §3). Skipped without nvcc. The binary is built by make test-bins, or here
# into $BUILD/tests/ when missing or older than its source.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
P=$T/hook_static
SRC=$GPUSHIM_TOP/tests/progs/hook_static.c
if [ ! -x "$CUDA/bin/nvcc" ]; then
	echo "# no nvcc in $CUDA/bin: the static-runtime test is skipped"
	skip "nvcc not installed"; done_testing; exit
fi
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi
if [ ! -e "$SHIM" ]; then skip "no shim ($SHIM)"; done_testing; exit; fi
if [ ! -x "$P" ] || [ "$SRC" -nt "$P" ]; then
	mkdir -p "$T" && "$CUDA/bin/nvcc" -cudart static -o "$P.tmp" "$SRC" && mv "$P.tmp" "$P"
fi
[ -x "$P" ] || { skip "could not build $P with nvcc"; done_testing; exit; }
check "hook_static links no libcudart.so (static runtime)" sh -c '! ldd "$1" | grep -q libcudart' _ "$P"

. "$GPUSHIM_TOP/tests/lib/both.sh"
# both DESC [VAR=VALUE...] -- CMD...: as both_d, DESC completed
both() { _bd=$1; shift; both_d "$_bd: same output and status with the shim" "$@"; }
libid() { q "[.[] | select(.type == \"lib\" and (.realpath // \"\" | endswith(\"$1\")))][0].id // 0"; }

if in_ld_cache libcuda.so.1 || [ -e /dev/nvidiactl ]; then
	skip "an NVIDIA driver is installed here: no-driver run skipped"
else
	both "no driver" -- "$P"
	check "  static runtime, no libcuda.so.1: 35" has "$out" '^cudaGetDeviceCount=35 '
	is "$(q '[.[] | select(.type == "dlopen")][0] | [.name, .ok, .caller] | @json')" "[\"libcuda.so.1\",false,\"$P\"]" \
		"  the program's own dlopen(libcuda.so.1) recorded, failed"
	is "$(calls .fn)" '[]' "  no driver entry point was reached"
fi

both "fake driver 13.0" FAKE_CUDA_DRIVER_VERSION=13000 LD_LIBRARY_PATH="$CUDADRV" -- "$P"
d=$(libid libcuda.so.545.23.08)
is "$(q '[.[] | select(.type == "dlsym" and .handle == '"$d"') | [.sym, .wrapped, .caller]] | @json')" "[[\"cuGetProcAddress_v2\",true,\"$P\"]]" \
	"  the binary's only dlsym on libcuda: cuGetProcAddress_v2, wrapped"
is "$(calls 'select(.fn == "cuGetProcAddress_v2" and .rc == 0) | [.via, .args.symbol, .wrapped]' | jq -c unique)" \
	'[["dlsym","cuGetProcAddress",true],["dlsym","cuInit",true]]' \
	"  cuGetProcAddress_v2 (via dlsym) asked for cuInit and cuGetProcAddress: both handed back wrapped"
is "$(calls 'select(.fn == "cuGetProcAddress" and .wrapped) | [.via, .args.symbol]' | jq -c unique)" \
	'[["getprocaddress","cuDeviceGetCount"],["getprocaddress","cuDriverGetVersion"]]' \
	"  the cuGetProcAddress it handed out is itself recorded (via getprocaddress) and wraps what it hands out"
is "$(calls 'select(.fn == "cuInit" or .fn == "cuDriverGetVersion") | [.fn, .via, .rc, .out.driverVersion // .ver.driver]')" \
	'[["cuDriverGetVersion","getprocaddress",0,13000],["cuInit","getprocaddress",0,13000]]' \
	"  the runtime's cuDriverGetVersion and cuInit recorded via getprocaddress, 13000"
is "$(calls .lib | jq -c unique)" "[$d]" "  every driver call attributed to the fake libcuda"
is "$(q '[.[] | select(.type == "call" and .fn == "cuInit")][0].stack[0][0]')" "$P" "  stack: innermost frame in the static binary"
is "$(q 'map(select(.type == "bye"))[0] | [.sent, .dropped] | @json')" "[$(wc -l <"$log" | tr -d ' '),0]" "  bye: sent = lines written, none dropped"

if [ -e "$CUDA_LIB/stubs/libcuda.so" ]; then
	mkdir -p "$WORK/stub" && ln -sf "$CUDA_LIB/stubs/libcuda.so" "$WORK/stub/libcuda.so.1"
	both "stub libcuda.so" LD_LIBRARY_PATH="$WORK/stub" -- "$P"
	check "  static runtime over the stub: 34" has "$out" '^cudaGetDeviceCount=34 '
	is "$(calls 'select(.fn == "cuGetProcAddress_v2") | [.via, .rc]' | jq -c unique)" '[["dlsym",34]]' \
		"  the stub's cuGetProcAddress_v2 recorded: 34"
	is "$(q '(map(select(.type == "call"))[0].lib) as $l | map(select(.type == "lib" and .id == $l))[0].realpath')" \
		"$(readlink -f "$CUDA_LIB/stubs/libcuda.so")" "  attributed to stubs/libcuda.so"
else
	skip "no stubs/libcuda.so in $CUDA_LIB"
fi
done_testing
