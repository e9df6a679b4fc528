#!/bin/sh
# Rule 1, dlerror() and errno: after failed dlopen/dlmopen/dlsym/dlvsym
# calls on watched and unwatched names (and on the real libcudart.so.13
# when it is installed) the program's dlerror() text, the errno dlerror()
# sets, the NULL of a second dlerror(), the clearing by a later successful
# call, per-thread errors and the program's own errno across successful
# calls are all the same with and without the shim; and the records carry
# the same dlerror() text the program read.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"

P=$T/ni_dlerror
LIB=$(cd "$NI/origin/sub" 2>/dev/null && pwd -P)/libcudnn_ni.so.1
for f in "$P" "$LIB"; do
	[ -e "$f" ] || { echo "# missing $f: run make test-bins"; skip "fixtures not built"; done_testing; exit; }
done
export LD_LIBRARY_PATH="$NI/decoy"

ni_both fake "dlerror/errno around watched and unwatched calls" "$P" "$LIB"
check "without the shim: the program saw the failures" grep -q "libcudnn_ni_missing.so.1: cannot open shared object file: No such file or directory errno=2 | again=NULL" "$WORK/fake.out0"
if need_cuda; then
	ni_both cuda "dlerror/errno around calls on the real libcudart.so.13" "$P" "$LIB" cuda
	check "without the shim: the real libcudart was opened" grep -q "dlopen(libcudart.so.13) = handle" "$WORK/cuda.out0"
else
	skip "real libcudart.so.13 not installed"
fi

if ni_have_shim; then
	log=$WORK/fake.log
	check "records parse" ni_records_ok "$log"
	is "$(jqr "$log" '[.[] | select(.type == "dlopen" and .name == "libcudnn_ni_missing.so.1" and (.fn == "dlopen")) | [.ok, .err, .errno] | map(tostring) | join("|")] | unique | join(";")')" \
		"false|libcudnn_ni_missing.so.1: cannot open shared object file: No such file or directory|2" \
		"failed watched dlopen: record has the program's dlerror text and errno"
	is "$(jqr "$log" '[.[] | select(.type == "dlsym" and .sym == "ni_no_such_symbol" and .fn == "dlsym") | [.ok, .err] | map(tostring) | join("|")] | unique | join(";")')" \
		"false|$LIB: undefined symbol: ni_no_such_symbol" \
		"failed dlsym on a watched handle: record has the program's dlerror text"
	is "$(jqr "$log" '[.[] | select(.type == "dlopen" and (.name // "" | startswith("libni_")))] | length')" 0 \
		"no dlopen record for unwatched names"
	if need_cuda >/dev/null; then
		log=$WORK/cuda.log
		is "$(jqr "$log" '[.[] | select(.type == "dlsym" and .sym == "cudaNoSuchFunction" and .fn == "dlsym") | [.ok, .err] | map(tostring) | join("|")] | unique | join(";")')" \
			"false|$(grep -o '/[^ ]*libcudart.so.13: undefined symbol: cudaNoSuchFunction' "$WORK/cuda.out0" | head -1)" \
			"failed dlsym on libcudart: record has the program's dlerror text"
	fi
fi
done_testing
