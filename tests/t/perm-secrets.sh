#!/bin/sh
# Design §3 rule 4, data side: only allow-listed environment variables are
# ever sent. A secret in the environment (under many names: near-misses of
# allowed names, lower case, long values, a variable set after start-up)
# never appears in any record, through GPUSHIM_LOG or through gpushim run's
# FIFO and --save file, nor in the report; hello's env keys are a subset of
# the allow-list. GPUSHIM_REDACT_ARGV=1 replaces every argument after
# argv[0] (a secret on the command line does not leave the process).
# tests/t/shim-threads.sh checks one secret variable; this is the sweep.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"
. "$GPUSHIM_TOP/tests/stress/lib.sh"

st_need "$ST/st_fault" "$ST/st_emit" "$NI/decoy/libcudnn_ni.so.1" "$SHIM" "$GPUSHIM"
export LD_LIBRARY_PATH="$NI/decoy"
S=s3cr3t-7b1e4d
ALLOW='["LD_LIBRARY_PATH","LD_PRELOAD","LD_BIND_NOW","CUDA_VISIBLE_DEVICES","NVIDIA_VISIBLE_DEVICES","NVIDIA_DRIVER_CAPABILITIES","CUDA_HOME","CUDA_PATH","CUDA_MODULE_LOADING","CUDNN_PATH","CUDA_DEVICE_ORDER","CUDA_LAUNCH_BLOCKING","XLA_FLAGS","TF_CPP_MIN_LOG_LEVEL","GPUSHIM_WATCH","GPUSHIM_STACK","GPUSHIM_SYSROOT"]'
long=$(head -c 3000 /dev/zero | tr '\0' x)
set -- env AWS_SECRET_ACCESS_KEY=$S API_TOKEN=$S cuda_home=$S CUDA_HOME_SECRET=$S \
	LD_LIBRARY_PATHX=$S XLA_FLAGS_TOKEN=$S GPUSHIM_SECRET=$S PASSWORD="$long$S" \
	"SPACE NAME=$S" HTTP_PROXY=http://user:$S@proxy:3128 KUBERNETES_SERVICE_HOST=$S
# posix_spawn/vfork children inherit the environment; each image sends a hello
ni_run0 env0 "$@" "$ST/st_fault" spawn
ni_run1 env0 "$@" "$ST/st_fault" spawn
ni_same env0 "secrets in the environment"
check "the log has hellos from three images" sh -c "[ \$(grep -c '\"type\":\"hello\"' '$WORK/env0.log') = 3 ]"
check "no record holds the secret (GPUSHIM_LOG)" sh -c "! grep -q '$S' '$WORK/env0.log'"
is "$(jqr "$WORK/env0.log" "[.[] | select(.type == \"hello\") | .env // {} | keys[]] - $ALLOW | unique | join(\",\")")" "" \
	"hello env keys are all on the allow-list"
# through gpushim run: FIFO, --save file, both reports
"$@" "$GPUSHIM" run --save "$WORK/run.save" --json -o "$WORK/run.json" -- "$ST/st_emit" 10 >/dev/null 2>"$WORK/run.err"
is "$?" 0 "gpushim run with secrets in the environment"
"$@" "$GPUSHIM" run -v -- "$ST/st_emit" 10 >/dev/null 2>"$WORK/run.txt"
check "the secret is in none of --save, the JSON and the text report" \
	sh -c "! grep -q '$S' '$WORK/run.save' '$WORK/run.json' '$WORK/run.txt' '$WORK/run.err'"
check "... and the records did arrive" grep -q '"type":"hello"' "$WORK/run.save"
# argv redaction
ni_run0 argv "$ST/st_emit" 10 --times "$WORK/argv-$S.times"
GPUSHIM_REDACT_ARGV=1 ni_run1 argv "$ST/st_emit" 10 --times "$WORK/argv-$S.times"
ni_same argv "GPUSHIM_REDACT_ARGV=1"
check "GPUSHIM_REDACT_ARGV=1: the argument secret is in no record" sh -c "! grep -q '$S' '$WORK/argv.log'"
is "$(jqr "$WORK/argv.log" '[.[] | select(.type == "hello")][0].argv | .[1:] | unique | join(",")')" "<redacted>" \
	"GPUSHIM_REDACT_ARGV=1: every argument after argv[0] is <redacted>"
is "$(jqr "$WORK/argv.log" '[.[] | select(.type == "hello")][0].argv | length')" 4 "... and their number is kept"
GPUSHIM_REDACT_ARGV=1 "$GPUSHIM" run --save "$WORK/run2.save" -- "$ST/st_emit" 10 --times "$WORK/t-$S" >/dev/null 2>&1
check "GPUSHIM_REDACT_ARGV=1 through gpushim run: no secret in --save" sh -c "! grep -q '$S' '$WORK/run2.save'"
ni_run1 argv0 "$ST/st_emit" 10 --times "$WORK/argv0-$S.times"
check "without GPUSHIM_REDACT_ARGV the arguments are sent (the test can see them)" grep -q "$S" "$WORK/argv0.log"
done_testing
