#!/bin/sh
# Rule 1 with the real cuDNN 9: libcudnn.so.9 (RUNPATH=$ORIGIN) dlopens
# libcudnn_graph.so.9.19.0, .9.19 and .9 by bare name. With a private copy
# of both files in a temporary directory, the copy mapped after cudnnCreate
# must be the private libcudnn_graph.so.9, with and without the shim, even
# though the ld.so cache knows another one. The records must show the
# failed and successful attempts with libcudnn.so.9 as the caller.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"

if ! need_cuda || [ ! -e "$CUDA_LIB/libcudnn_graph.so.9" ]; then
	skip "real cuDNN not installed"; done_testing; exit
fi
dir=$WORK/cudnn
mkdir -p "$dir"
cp "$CUDA_LIB/libcudnn.so.9" "$CUDA_LIB/libcudnn_graph.so.9" "$dir/"
dir=$(cd "$dir" && pwd -P)
if ! cc -std=gnu11 -O1 -o "$WORK/cudnn_maps" "$GPUSHIM_TOP/tests/progs/ni_libs/cudnn_maps.c" \
	-Wl,-rpath,"$dir" -L"$dir" -l:libcudnn.so.9 2>"$WORK/cc.err"; then
	ok 1 "build the cuDNN test program"; sed 's/^/#   /' "$WORK/cc.err"; done_testing; exit
fi

ni_run0 cudnn "$WORK/cudnn_maps"
check "without the shim: the private libcudnn_graph.so.9 is mapped" grep -qxF "mapped $dir/libcudnn_graph.so.9" "$WORK/cudnn.out0"
is "$(grep -c 'libcudnn_graph' "$WORK/cudnn.out0")" 1 "without the shim: no other libcudnn_graph is mapped"
if ! ni_have_shim; then skip "no shim yet"; done_testing; exit; fi
ni_run1 cudnn "$WORK/cudnn_maps"
ni_same cudnn "cudnnCreate with a private cuDNN copy"
check "with the shim: the private libcudnn_graph.so.9 is mapped" grep -qxF "mapped $dir/libcudnn_graph.so.9" "$WORK/cudnn.out1"

log=$WORK/cudnn.log
check "records parse" ni_records_ok "$log"
# name -> "ok,ok,..." over every attempt (cuDNN tries in its init and again in cudnnCreate)
oks() { jqr "$log" "[.[] | select(.type == \"dlopen\" and .name == \"$1\") | .ok] | map(tostring) | unique | join(\",\")"; }
is "$(oks libcudnn_graph.so.9.19.0)" false "dlopen(libcudnn_graph.so.9.19.0) recorded as failed"
is "$(oks libcudnn_graph.so.9.19)" false "dlopen(libcudnn_graph.so.9.19) recorded as failed"
is "$(oks libcudnn_graph.so.9)" true "dlopen(libcudnn_graph.so.9) recorded as successful"
callers=$(jqr "$log" '[.[] | select(.type == "dlopen" and (.name // "" | startswith("libcudnn_graph.so.9"))) | .caller] | unique | .[]')
case $callers in
"$dir/libcudnn.so.9") ok 0 "caller of the libcudnn_graph dlopens is $dir/libcudnn.so.9" ;;
*) ok 1 "caller of the libcudnn_graph dlopens is $dir/libcudnn.so.9"; echo "#   got: $callers" ;;
esac
is "$(jqr "$log" '(map(select(.type == "lib")) | map({key: (.id|tostring), value: .realpath}) | from_entries) as $l
	| [.[] | select(.type == "dlopen" and .name == "libcudnn_graph.so.9" and .ok) | $l[(.lib|tostring)]] | unique | join(",")')" \
	"$dir/libcudnn_graph.so.9" "the recorded libcudnn_graph.so.9 is the private copy"
is "$(jqr "$log" '[.[] | select(.type == "dlopen" and .name == "libcuda.so.1") | [.ok, .err] | map(tostring) | join("|")] | unique | join(";")')" \
	"false|libcuda.so.1: cannot open shared object file: No such file or directory" \
	"failed dlopen(libcuda.so.1) recorded with the exact dlerror text"
done_testing
