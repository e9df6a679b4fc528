#!/bin/sh
# Each fake set is laid out like a real install: versioned file, soname
# symlink, DT_SONAME, a GNU build-id (the shim records it), cuDNN 9's
# RUNPATH=$ORIGIN and the real libraries' symbol version nodes.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi
if ! command -v readelf >/dev/null; then skip "no readelf"; done_testing; exit; fi

for e in nvml-545.23.08:libnvidia-ml.so.545.23.08:libnvidia-ml.so.1 \
	 nvml-550.54.14:libnvidia-ml.so.550.54.14:libnvidia-ml.so.1 \
	 cuda-545.23.08:libcuda.so.545.23.08:libcuda.so.1 \
	 cudart-12.3.101:libcudart.so.12.3.101:libcudart.so.12 \
	 cudnn-8.9.7:libcudnn.so.8.9.7:libcudnn.so.8 cudnn-8.6.0:libcudnn.so.8.6.0:libcudnn.so.8 \
	 cudnn-9.1.0:libcudnn.so.9.1.0:libcudnn.so.9 cudnn-9.1.0:libcudnn_graph.so.9.1.0:libcudnn_graph.so.9 \
	 cudnn-9.1.0-graph-9.0.0:libcudnn.so.9.1.0:libcudnn.so.9 \
	 cudnn-9.1.0-graph-9.0.0:libcudnn_graph.so.9.0.0:libcudnn_graph.so.9; do
	set -- $(echo "$e" | tr : ' ')
	d=$FAKES/$1
	is "$(readlink "$d/$3")" "$2" "$1: $3 -> $2"
	is "$(readelf -d "$d/$2" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" "$3" "$1/$2: SONAME $3"
	check "$1/$2: has a GNU build-id" sh -c 'readelf -n "$1" | grep -q "Build ID: [0-9a-f]\{40\}"' _ "$d/$2"
done
is "$(readelf -d "$CUDNN910/libcudnn.so.9.1.0" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')" '$ORIGIN' "cuDNN 9 front: RUNPATH \$ORIGIN"
check "cuDNN 9 symbols carry version nodes like the real ones" sh -c \
	'nm -D --defined-only "$1" | grep -q " cudnnCreate@@libcudnn.so.9$" && nm -D --defined-only "$2" | grep -q " cudnnCreate@@libcudnn_graph.so.9$"' \
	_ "$CUDNN910/libcudnn.so.9" "$CUDNN910/libcudnn_graph.so.9"
check "cudart symbols carry the libcudart.so.12 node" sh -c \
	'nm -D --defined-only "$1" | grep -q " cudaGetDeviceCount@@libcudart.so.12$"' _ "$CUDART12/libcudart.so.12"
check "the fakes export no helper symbols" sh -c \
	'! nm -D --defined-only "$@" | grep " T " | grep -vq " \(nvml\|cu\|cuda\|cudnn\)[A-Z]"' _ \
	"$NVML545/libnvidia-ml.so.1" "$CUDADRV/libcuda.so.1" "$CUDART12/libcudart.so.12" "$CUDNN910/libcudnn.so.9"
done_testing
