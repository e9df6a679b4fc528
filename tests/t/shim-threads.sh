#!/bin/sh
# Rule 5 (thread-, fork- and recursion-safe): 8 threads x 1000 watched
# dlopen/dlsym/dlclose calls while the program forks (from main and from a
# thread), forks and execs (execv, execl) and forks and _exits: same output
# and status with and without the shim, no hang; every record line is one
# JSON object; each process image starts with a hello of seq 1, its seq
# numbers never repeat, and they are complete (1..N) or the gaps equal the
# dropped count in its bye (sent = received + dropped). Run on a watched
# fake and, when installed, on the real libcudart.so.13.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"

P=$T/ni_threads
for f in "$P" "$NI/decoy/libcudnn_ni.so.1"; do
	[ -e "$f" ] || { echo "# missing $f: run make test-bins"; skip "fixtures not built"; done_testing; exit; }
done
export LD_LIBRARY_PATH="$NI/decoy"
# Design rule 4 (no secrets): a variable outside the allow-list never
# appears in the records.
export NI_SECRET_TOKEN=ni-secret-6f1d2c
ALLOW='["LD_LIBRARY_PATH","LD_PRELOAD","LD_BIND_NOW","CUDA_VISIBLE_DEVICES","NVIDIA_VISIBLE_DEVICES","NVIDIA_DRIVER_CAPABILITIES","CUDA_HOME","CUDA_PATH","CUDA_MODULE_LOADING","CUDNN_PATH","CUDA_DEVICE_ORDER","CUDA_LAUNCH_BLOCKING","XLA_FLAGS","TF_CPP_MIN_LOG_LEVEL","GPUSHIM_WATCH","GPUSHIM_STACK","GPUSHIM_SYSROOT"]'

# Per pid, in file order, a new image starts at each hello. Prints one line
# per problem, then "images=N pids=N no_bye=N forked=N".
SEGS='def segs: reduce .[] as $r ([]; if $r.type == "hello" or length == 0 then . + [[$r]] else .[:-1] + [.[-1] + [$r]] end);
def problems: (map(select(.type == "hello"))) as $h | (map(select(.type == "bye"))) as $b | (map(.seq)) as $s | "pid \(.[0].pid)" as $p
	| if ($h | length) != 1 or .[0].type != "hello" then "\($p): image does not start with its one hello"
	  elif $h[0].seq != 1 then "\($p): hello has seq \($h[0].seq)"
	  elif ($s | unique | length) != ($s | length) then "\($p): repeated seq numbers"
	  elif ($b | length) > 1 then "\($p): more than one bye"
	  elif ($b | length) == 1 and ($b[0].sent != ($s | max)) then "\($p): bye sent \($b[0].sent) but last seq \($s | max)"
	  elif ($b | length) == 1 and ((length + $b[0].dropped) != $b[0].sent) then "\($p): received \(length) + dropped \($b[0].dropped) != sent \($b[0].sent)"
	  elif ($b | length) == 0 and ($s | max) != length then "\($p): no bye and seq numbers have gaps"
	  else empty end;
(to_entries | map(.value + {_i: .key}) | group_by(.pid) | map(sort_by(._i) | segs) | flatten(1)) as $imgs
| ($imgs[] | problems),
  "images=\($imgs | length) pids=\(map(.pid) | unique | length) no_bye=\($imgs | map(select(all(.type != "bye"))) | length) forked=\(map(select(.type == "hello" and .forked)) | length)"'

run() { # run NAME DESC LIB SYM
	ni_both "$1" "$2" "$P" "$3" "$4"
	check "$2: without the shim every call and child succeeded" \
		sh -c "grep -q '^threads: 8000 of 8000' '$WORK/$1.out0' && ! grep -v '^threads:' '$WORK/$1.out0' | grep -q ': [1-9-]'"
	ni_have_shim || return 0
	log=$WORK/$1.log
	check "$2: every record line is one JSON object" ni_records_ok "$log"
	jqr "$log" "$SEGS" >"$WORK/$1.segs"
	grep -v '^images=' "$WORK/$1.segs" | head -5 | sed 's/^/#   /'
	is "$(grep -vc '^images=' "$WORK/$1.segs")" 0 "$2: every image: hello seq 1, seq numbers unique and complete or gaps = dropped"
	# main, 6 children with watched calls; execv and execl children have 2 images;
	# the execl'ed-away image and the _exit child have no bye; 5 fork children
	# (the execs' second images say forked false)
	is "$(grep '^images=' "$WORK/$1.segs")" "images=9 pids=7 no_bye=2 forked=5" "$2: the expected process images"
	main=$(jqr "$log" '[.[] | select(.type == "hello" and .forked == false and .argv[1] != "child")][0].pid')
	is "$(jqr "$log" "[.[] | select(.type == \"hello\" and .forked) | .ppid == $main] | all")" true "$2: fork children name the main process as parent"
	check "$2: no record holds a variable outside the allow-list" sh -c "! grep -q ni-secret-6f1d2c '$log'"
	is "$(jqr "$log" "[.[] | select(.type == \"hello\") | .env // {} | keys[]] - $ALLOW | unique | join(\",\")")" "" \
		"$2: hello env holds allow-listed names only"
}
run fake "threads and fork, watched fake" libcudnn_ni.so.1 ni_which
if need_cuda; then run cudart "threads and fork, real libcudart" libcudart.so.13 cudaGetDeviceCount
else skip "real libcudart.so.13 not installed"; fi
done_testing
