#!/bin/sh
# Under the shim, the `lib` records of the fake libraries identify each copy
# exactly: file_version from the file name, realpath, soname and the GNU
# build-id read from the loaded image (equal to what readelf says), and the
# programs' output is unchanged.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi
if [ ! -e "$SHIM" ]; then skip "no shim ($SHIM)"; done_testing; exit; fi
make_sysroot "$WORK/sr545" 545.23.08
export GPUSHIM_SYSROOT="$WORK/sr545"

n=0
run() { # run [VAR=VALUE...] -- CMD...: $out/$log of a shim run; output must match a bare run
	n=$((n + 1)) log=$WORK/$n.jsonl
	_e=""; while [ "$1" != -- ]; do _e="$_e $1"; shift; done; shift
	bare=$(env $_e "$@" 2>&1)
	out=$(shim_log "$log" env $_e "$@" 2>&1)
	is "$out" "$bare" "run $n ($(basename "$1")${2:+ $(basename "$2")}): same output with the shim"
}
# lib LOG FAMILY FIELD: FIELD of the first lib record of FAMILY
lib() { jqr "$1" "map(select(.type==\"lib\" and .family==\"$2\"))[0].$3 // \"none\""; }
buildid() { readelf -n "$1" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p'; }
ident() { # ident FAMILY FILE VERSION SONAME: the lib record of the last run names FILE
	is "$(lib "$log" "$1" file_version)" "$3" "  $1: file_version $3"
	is "$(lib "$log" "$1" realpath)" "$2" "  $1: realpath ${2##*/fakes/}"
	is "$(lib "$log" "$1" soname)" "$4" "  $1: soname $4"
	is "$(lib "$log" "$1" build_id)" "$(buildid "$2")" "  $1: build_id as readelf reads it"
}

run LD_LIBRARY_PATH="$NVML545" -- "$T/gpu_nvml_init"
ident libnvidia-ml "$NVML545/libnvidia-ml.so.545.23.08" 545.23.08 libnvidia-ml.so.1
is "$(lib "$log" libnvidia-ml origin)" startup "  linked by symbol: origin startup"
run LD_LIBRARY_PATH="$NVML550" -- "$T/gpu_nvml_init"
ident libnvidia-ml "$NVML550/libnvidia-ml.so.550.54.14" 550.54.14 libnvidia-ml.so.1
run LD_LIBRARY_PATH="$NVML545" -- "$LOADER" libnvidia-ml.so.1 nvmlInit_v2
ident libnvidia-ml "$NVML545/libnvidia-ml.so.545.23.08" 545.23.08 libnvidia-ml.so.1
is "$(lib "$log" libnvidia-ml origin)" dlopen "  dlopen by soname: origin dlopen"
is "$(jqr "$log" 'map(select(.type=="dlopen" and .name=="libnvidia-ml.so.1"))[0].how')" ld_library_path "  found through LD_LIBRARY_PATH"

run -- "$LOADER" "$CUDNN897/libcudnn.so.8" cudnnGetVersion
ident libcudnn "$CUDNN897/libcudnn.so.8.9.7" 8.9.7 libcudnn.so.8
is "$(lib "$log" libcudnn path)" "$CUDNN897/libcudnn.so.8" "  path as loaded is the symlink"
run -- "$LOADER" "$CUDNN860/libcudnn.so.8" cudnnGetVersion
ident libcudnn "$CUDNN860/libcudnn.so.8.6.0" 8.6.0 libcudnn.so.8

run LD_LIBRARY_PATH="$CUDADRV" -- "$LOADER" "$CUDNN910G900/libcudnn.so.9" cudnnCreate loaded:libcudnn_graph.so.9
ident libcudnn "$CUDNN910G900/libcudnn.so.9.1.0" 9.1.0 libcudnn.so.9
ident libcudnn_graph "$CUDNN910G900/libcudnn_graph.so.9.0.0" 9.0.0 libcudnn_graph.so.9
is "$(jqr "$log" 'map(select(.type=="dlopen" and .name=="libcudnn_graph.so.9" and .ok))[0].how')" runpath "  graph library found through libcudnn.so.9's RUNPATH"

run LD_LIBRARY_PATH="$CUDADRV" -- "$LOADER" "$CUDNN910/libcudnn.so.9" cudnnCreate
ident libcudnn_graph "$CUDNN910/libcudnn_graph.so.9.1.0" 9.1.0 libcudnn_graph.so.9
ident libcuda "$CUDADRV/libcuda.so.545.23.08" 545.23.08 libcuda.so.1

run LD_LIBRARY_PATH="$CUDADRV" -- "$LOADER" "$CUDART12/libcudart.so.12" cudaGetDeviceCount
ident libcudart "$CUDART12/libcudart.so.12.3.101" 12.3.101 libcudart.so.12
ident libcuda "$CUDADRV/libcuda.so.545.23.08" 545.23.08 libcuda.so.1
done_testing
