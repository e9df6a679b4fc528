#!/bin/sh
# lib-not-found and symbol-missing: watched dlopen/dlsym failures that
# nothing made good for; and duplicate-library / path-shadowing: what was
# loaded against what else is there.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
need_fakes || { skip "fakes not built"; done_testing; exit; }

. "$GPUSHIM_TOP/tests/lib/findings.sh"
UNDEF=$B/find/undef/libnvinfer_plugin.so.10

# lib-not-found: libcudnn.so.8 asked for, only cuDNN 9 installed (fake)
LD_LIBRARY_PATH=$CUDNN910 R nf "$LOADER" libcudnn.so.8 cudnnCreate
is "$(ids nf)" lib-not-found "libcudnn.so.8 where only libcudnn.so.9 is: lib-not-found"
check "... names the other major that is installed" has_text nf '.findings[0].message' \
	'libcudnn.so.8 (asked for by .*gpu_dl_loader) is not installed; only .*cudnn-9.1.0/libcudnn.so.9.* of another major version is'
check "... fix warns against symlinking" has_text nf '.findings[0].fix' 'Do not rename or symlink libcudnn.so.9'
is "$(jf nf '[.findings[0].evidence[] | select(.record == "dlopen") | .candidates | length > 0] | join(",")')" true "... evidence has the candidates"
# the same name failing twice is one finding with both requests explained
LD_LIBRARY_PATH=$CUDNN910 R nf2 "$LOADER" libcudnn.so.8 libcudnn.so.8
is "$(jf nf2 '[.findings[] | .id] | join(",")')" lib-not-found "two failed requests of one library: one finding"
# nothing like it anywhere
R nf3 "$LOADER" libnvinfer.so.10
check "nothing similar installed: says where it looked" has_text nf3 '.findings[0].message' 'was not found on the library search path'
if need_cuda; then
	LD_LIBRARY_PATH=$CUDA_LIB R nfreal "$LOADER" libcudnn.so.8
	is "$(ids nfreal)" lib-not-found "real toolkit: libcudnn.so.8 requested, only .so.9: lib-not-found"
	check "... names the real libcudnn.so.9" has_text nfreal '.findings[0].message' "only $CUDA_LIB/libcudnn.so.9 of another major"
else
	skip "real CUDA toolkit not installed"; skip "real CUDA toolkit not installed"
fi

# symbol-missing: a dlsym on a handle, and a dlopen stopped by an undefined symbol
LD_LIBRARY_PATH=$CUDNN860 R sym "$LOADER" libcudnn.so.8 cudnnBackendFutureApi_v99
is "$(ids sym)" symbol-missing "dlsym of a symbol cuDNN 8.6.0 lacks: symbol-missing"
check "... names the symbol, the file and its version" has_text sym '.findings[0].message' \
	'cudnnBackendFutureApi_v99 is not in .*libcudnn.so.8.6.0 (version 8.6.0)'
is "$(jf sym '.findings[0].explains[0]')" "dlsym cudnnBackendFutureApi_v99 failed" "... explains the dlsym"
R undef "$LOADER" "$UNDEF"
is "$(ids undef)" symbol-missing "dlopen failing on an undefined symbol: symbol-missing"
check "... names the undefined symbol" has_text undef '.findings[0].message' 'needs the symbol nvinferFindNewApi_v99'

# duplicate-library: two copies of cuDNN 8 loaded by path in one process
FAKE_CUDNN_DRIVER=0 R dup "$LOADER" "$CUDNN897/libcudnn.so.8" cudnnGetVersion "$CUDNN860/libcudnn.so.8.6.0" cudnnGetVersion
is "$(jf dup '[.findings[] | .id + ":" + .severity] | join(",")')" duplicate-library:warning "cuDNN 8.9.7 and 8.6.0 in one process: duplicate-library"
check "... names both files and versions" has_text dup '.findings[0].message' \
	'copies of libcudnn .*libcudnn.so.8.9.7 (8.9.7, .*libcudnn.so.8.6.0 (8.6.0,'
R dup0 "$LOADER" "$CUDNN897/libcudnn.so.8" cudnnGetVersion "$CUDNN897/libcudnn.so.8.9.7" cudnnGetVersion
is "$(jf dup0 '.findings | length')" 0 "one file under two names: no finding"

# path-shadowing: LD_LIBRARY_PATH before the caller's RUNPATH
mkdir -p "$WORK/app/bin" "$WORK/app/lib" "$WORK/old"
cp "$B/examples/cudnn-version-mismatch/tf_like" "$WORK/app/bin/"
cp -P "$CUDNN897"/libcudnn.so.8* "$WORK/app/lib/"
cp -P "$CUDNN860"/libcudnn.so.8* "$WORK/old/"
LD_LIBRARY_PATH=$WORK/old R shadow "$WORK/app/bin/tf_like"
is "$(jf shadow '[.findings[] | .id + ":" + .severity] | join(",")')" path-shadowing:warning "cuDNN 8.6.0 on LD_LIBRARY_PATH over 8.9.7 in RUNPATH: path-shadowing"
check "... names both files, versions and where the other one is" has_text shadow '.findings[0].message' \
	"libcudnn.so.8.6.0 (8.6.0) because LD_LIBRARY_PATH puts $WORK/old first, while the caller's RUNPATH has .*libcudnn.so.8.9.7 (8.9.7)"
R noshadow "$WORK/app/bin/tf_like"
is "$(jf noshadow '.findings | length')" 0 "... without LD_LIBRARY_PATH: no finding"
"$GPUSHIM" run --save "$WORK/shadow.save" -- env LD_LIBRARY_PATH="$WORK/old" "$WORK/app/bin/tf_like" >/dev/null 2>&1
is "$("$GPUSHIM" report --json "$WORK/shadow.save" | jq -r '[.findings[].id] | join(",")')" path-shadowing "saved records, same machine: path-shadowing again"
rm -rf "$WORK/old"
is "$("$GPUSHIM" report --json "$WORK/shadow.save" | jq -r '.findings | length')" 0 \
	"... once the loaded file is gone (records from another machine): no guess"
if need_cuda && in_ld_cache libcudnn.so.9; then
	LD_LIBRARY_PATH=$CUDADRV:$CUDNN910 FAKE_CUDNN_DRIVER=0 R shadow9 "$LOADER" libcudnn.so.9 cudnnCreate
	is "$(ids shadow9)" path-shadowing "fake cuDNN 9.1.0 on LD_LIBRARY_PATH, real 9.19 in ld.so.cache: path-shadowing"
	check "... found through ld.so.cache" has_text shadow9 '.findings[0].message' 'while the system path (ld.so.cache) has'
else
	skip "no libcudnn.so.9 in ld.so.cache"; skip "no libcudnn.so.9 in ld.so.cache"
fi
done_testing
