#!/bin/sh
# gpushim report on hand-written records: return-code decoding, libraries,
# loads, accounting, the JSON schema.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
D=$GPUSHIM_TOP/tests/data
J=$WORK/basic.json

"$GPUSHIM" report --json "$D/coll-basic.jsonl" >"$J" 2>"$WORK/err"
is "$?" 0 "report --json exits 0"
is "$(jq -r .gpushim_report "$J")" 1 "gpushim_report is 1"
is "$(jq -r '[.findings[].id]|join(",")' "$J")" "stub-libcuda,nvml-driver-mismatch,symbol-missing,cudnn-cuda-mismatch" "findings from the sample"
is "$(jq -r '.processes | length' "$J")" 2 "two processes"
is "$(jq -r '[.processes[].pid] | join(",")' "$J")" "4100,4200" "tree order: parent first"
is "$(jq -r '.processes[0].ppid' "$J")" 4000 "ppid"
is "$(jq -r '.processes[1].ppid' "$J")" 4100 "child ppid"

# decoding
q() { jq -r ".processes[] | select(.pid == $1) | .calls[] | select(.fn == \"$2\") | .rc_name" "$J"; }
is "$(q 4100 cudaGetDeviceCount)" cudaErrorInsufficientDriver "cudaGetDeviceCount 35 -> cudaErrorInsufficientDriver"
is "$(q 4100 nvmlInit_v2)" NVML_ERROR_LIB_RM_VERSION_MISMATCH "nvmlInit 18 -> NVML_ERROR_LIB_RM_VERSION_MISMATCH"
is "$(q 4100 cudnnCreate)" CUDNN_STATUS_NOT_INITIALIZED "cuDNN 9: cudnnCreate 1001 -> CUDNN_STATUS_NOT_INITIALIZED"
is "$(q 4200 cudnnCreate)" CUDNN_STATUS_NOT_INITIALIZED "cuDNN 8: cudnnCreate 1 -> CUDNN_STATUS_NOT_INITIALIZED"
is "$(q 4100 cuDeviceGetCount)" CUDA_ERROR_NOT_INITIALIZED "driver API: 3 -> CUDA_ERROR_NOT_INITIALIZED"
is "$(jq -r '.processes[0].calls[] | select(.fn == "cudaGetDeviceCount") | .inner[0].rc_name' "$J")" \
	CUDA_ERROR_STUB_LIBRARY "inner cuInit 34 -> CUDA_ERROR_STUB_LIBRARY"
is "$(jq -r '.processes[0].calls[] | select(.fn == "cudaGetDeviceCount") | .out.count' "$J")" 0 "out.count kept"

# more codes, one record each: family decides the table, cuDNN major from
# the library's version when the call carries none
cat >"$WORK/codes.jsonl" <<'R'
{"v":1,"type":"hello","pid":7,"seq":1,"ppid":1,"argv":["x"]}
{"v":1,"type":"lib","pid":7,"seq":2,"id":1,"path":"/l/libcudnn.so.9","family":"libcudnn","file_version":"9.1.0","origin":"dlopen"}
{"v":1,"type":"lib","pid":7,"seq":3,"id":2,"path":"/l/libcudnn.so.8","family":"libcudnn","soname":"libcudnn.so.8","origin":"dlopen"}
{"v":1,"type":"call","pid":7,"seq":4,"fn":"cudnnCreate","family":"cudnn","lib":1,"rc":1002}
{"v":1,"type":"call","pid":7,"seq":5,"fn":"cudnnCreate","family":"cudnn","lib":1,"rc":4000}
{"v":1,"type":"call","pid":7,"seq":6,"fn":"cudnnCreate","family":"cudnn","lib":2,"rc":14}
{"v":1,"type":"call","pid":7,"seq":7,"fn":"cudnnCreate","family":"cudnn","rc":1008}
{"v":1,"type":"call","pid":7,"seq":8,"fn":"cudaGetDeviceCount","family":"cudart","rc":34}
{"v":1,"type":"call","pid":7,"seq":9,"fn":"cudaGetDeviceCount","family":"cudart","rc":100}
{"v":1,"type":"call","pid":7,"seq":10,"fn":"cudaGetDeviceCount","rc":803}
{"v":1,"type":"call","pid":7,"seq":11,"fn":"nvmlInit_v2","family":"nvml","rc":9}
{"v":1,"type":"call","pid":7,"seq":12,"fn":"cuInit","family":"cuda","rc":100}
{"v":1,"type":"call","pid":7,"seq":13,"fn":"nvmlInit","family":"nvml","rc":12345}
R
"$GPUSHIM" report --json "$WORK/codes.jsonl" >"$WORK/codes.json"
is "$(jq -r '.processes[0].calls | map(.rc_name // "null") | join(" ")' "$WORK/codes.json")" \
	"CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH CUDNN_STATUS_INTERNAL_ERROR CUDNN_STATUS_VERSION_MISMATCH CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED cudaErrorStubLibrary cudaErrorNoDevice cudaErrorSystemDriverMismatch NVML_ERROR_DRIVER_NOT_LOADED CUDA_ERROR_NO_DEVICE null" \
	"code tables: cuDNN 9/8 by library version, runtime, NVML, driver; unknown code is null"

# libraries and loads
is "$(jq -r '.processes[0].libraries | map(.family) | join(" ")' "$J")" "libnvidia-ml libcudart libcudnn" "library families"
is "$(jq -r '.processes[0].libraries[2].how' "$J")" ld_library_path "library 'how' joined from its dlopen"
is "$(jq -r '.processes[0].libraries[1].loaded_by' "$J")" /opt/app/libtrain.so "startup library loaded_by = needed_by"
is "$(jq -r '.processes[0].loads | map(select(.ok == false)) | .[0].candidates[0]' "$J")" \
	/opt/cuda/lib64/libcudnn.so.9 "failed load keeps its candidates"
is "$(jq -r '.processes[0].loads | map(select(.ok == false)) | .[0].err' "$J")" \
	"libcudnn.so.8: cannot open shared object file: No such file or directory" "failed load keeps dlerror text"
is "$(jq -r '.processes[0].symbols | map(select(.ok == false)) | .[0].sym' "$J")" cudnnFrobnicate_v7 "failed dlsym listed"
is "$(jq -r '.processes[0].loads[0].stack | length' "$J")" 4 "JSON keeps the whole stack"
is "$(jq -r '.processes[0].folded_calls[0].count' "$J")" 5 "folded call totals"

# accounting
acc() { jq -r ".processes[] | select(.pid == $1) | .accounting | [.sent, .dropped, .received, .complete] | map(tostring) | join(\" \")" "$J"; }
is "$(acc 4100)" "14 0 14 true" "complete process: received + dropped = sent"
is "$(acc 4200)" "6 1 4 false" "missing record: complete is false"
is "$(jq -r '.processes[1].accounting.lost' "$J")" 1 "lost = sent - dropped - received"

# a process without bye (killed) is not complete
head -n 4 "$D/coll-basic.jsonl" >"$WORK/nobye.jsonl"
"$GPUSHIM" report --json "$WORK/nobye.jsonl" >"$WORK/nobye.json"
is "$(jq -r '.processes[0].accounting | [.sent, .received, .complete] | map(tostring) | join(" ")' "$WORK/nobye.json")" \
	"null 4 false" "no bye: sent unknown, not complete"

# text report
"$GPUSHIM" report "$D/coll-basic.jsonl" >"$WORK/text" 2>&1
is "$?" 0 "text report exits 0"
check "text names the decoded code" grep -q '35 cudaErrorInsufficientDriver' "$WORK/text"
# libcudnn.so.8 failed, then libcudnn.so.9 loaded: a probe made good
check "text counts the failed probe" grep -q '(1 failed probe that a later load made good' "$WORK/text"
"$GPUSHIM" report -v "$D/coll-basic.jsonl" >"$WORK/textv" 2>&1
check "-v shows the failed probe" grep -q 'dlopen libcudnn.so.8 FAILED' "$WORK/textv"
check "text shows the accounting check" grep -q 'received 14 + dropped 0 = 14, sent 14  complete' "$WORK/text"
check "text flags the mismatch" grep -q 'MISMATCH: 1 record unaccounted for' "$WORK/text"
"$GPUSHIM" report -v "$D/coll-basic.jsonl" >"$WORK/text1"
check "stacks: the top 3 frames by default" grep -q '1 more frames (--stacks)' "$WORK/text1"
"$GPUSHIM" report --stacks -v "$D/coll-basic.jsonl" >"$WORK/text2"
check "--stacks shows every frame" grep -q '#3 .*main' "$WORK/text2"
check "-v shows build-ids" grep -q 'build-id 0badc0ffee' "$WORK/text2"
check "no colour when not a terminal" sh -c "! grep -q \"\$(printf '\\033')\" '$WORK/text'"
"$GPUSHIM" report --color=always "$D/coll-basic.jsonl" >"$WORK/text3"
check "--color=always colours" grep -q "$(printf '\033')\[" "$WORK/text3"
NO_COLOR=1 "$GPUSHIM" report --color=auto "$D/coll-basic.jsonl" >"$WORK/text4"
check "NO_COLOR respected" sh -c "! grep -q \"\$(printf '\\033')\" '$WORK/text4'"

# several files and stdin
"$GPUSHIM" report --json "$D/coll-basic.jsonl" - <"$WORK/codes.jsonl" >"$WORK/multi.json"
is "$(jq -r '.processes | length' "$WORK/multi.json")" 3 "a file and stdin (-) together"
"$GPUSHIM" report -o "$WORK/o.json" --json "$D/coll-basic.jsonl" >"$WORK/stdout"
is "$(jq -r .gpushim_report "$WORK/o.json")/$(wc -c <"$WORK/stdout" | tr -d ' ')" "1/0" "-o FILE gets the report, stdout nothing"

# an empty file is an empty report, not an error
: >"$WORK/empty"
"$GPUSHIM" report --json "$WORK/empty" >"$WORK/empty.json"
is "$?/$(jq -r '.processes | length' "$WORK/empty.json")" "0/0" "empty file: empty report"

# exec: a second hello with seq 1 from the same pid is a new image
cat >"$WORK/exec.jsonl" <<'R'
{"v":1,"type":"hello","pid":9,"seq":1,"ppid":1,"argv":["sh"]}
{"v":1,"type":"bye","pid":9,"seq":2,"sent":2,"dropped":0,"folded":0,"reason":"exec"}
{"v":1,"type":"hello","pid":9,"seq":1,"ppid":1,"argv":["prog"]}
{"v":1,"type":"bye","pid":9,"seq":2,"sent":2,"dropped":0,"folded":0,"reason":"exit"}
R
"$GPUSHIM" report --json "$WORK/exec.jsonl" >"$WORK/exec.json"
is "$(jq -r '[.processes[] | "\(.image):\(.argv[0]):\(.accounting.complete)"] | join(" ")' "$WORK/exec.json")" \
	"1:sh:true 2:prog:true" "exec starts a new image with its own accounting"
done_testing
