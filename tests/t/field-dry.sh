#!/bin/sh
# bench/field.sh --dry-run (issue 23): the field validation's comparisons on
# this machine — the real CUDA toolkit without a driver (35 with and without
# the shim) and the fakes set to succeed (rc 0, 2 devices), where a made-up
# code cannot pass for the real answer. Its summary must have no FAIL line;
# the issue-16 cells (a plugin calling cudaGetDeviceCount / nvmlInit_v2 by
# symbol from its RTLD_LOCAL scope) and the four induced failures must have
# run. Each summary line becomes one TAP line.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
if ! command -v python3 >/dev/null 2>&1 || ! command -v bash >/dev/null 2>&1; then
	skip "no python3 or bash"; done_testing; exit
fi
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi
if [ ! -e "$B/field/probe_cudart12.so" ]; then skip "field probes not built (make field-bins)"; done_testing; exit; fi

BUILD=$B timeout 120 bash "$GPUSHIM_TOP/bench/field.sh" --dry-run --no-nvcc --budget 90 --out "$WORK/out" >"$WORK/field.out" 2>&1
ok $? "field.sh --dry-run exits 0"
S=$WORK/out/summary.txt
check "summary.txt written" test -s "$S"
for f in field.tar.gz logs.tar.gz field.log; do check "$f written" test -s "$WORK/out/$f"; done
is "$(ls "$WORK/out" | wc -l | tr -d ' ')" 4 "four files in the output folder"

while IFS= read -r line; do
	case $line in
	PASS\ *) ok 0 "${line%%: *}" ;;
	SKIP\ *) skip "${line#SKIP }" ;;
	FAIL\ *) ok 1 "$line" ;;
	'#'*) echo "# summary: $line" ;;
	*) ok 1 "unexpected summary line: $line" ;;
	esac
done <"$S"

has_pass() { grep -q "^PASS $1\( \|$\)" "$S"; }
for c in same-cudart-fake rc-cudart-fake same-nvml-fake rc-nvml-fake maps-cudart-fake findings-nvml-fake; do
	check "ran and passed: $c" has_pass "$c"
done
check "the issue-16 plugin probe ran (plugin_rc in the cudart line)" grep -q '^PASS same-cudart-fake .*plugin_rc=0 plugin_count=2' "$S"
check "the NVML plugin probe ran" grep -q '^PASS same-nvml-fake .*plugin_rc=0 plugin_count=2' "$S"
for c in no-device stub-libcuda nvml-old cudnn-major; do
	if [ "$c" = stub-libcuda ] && ! need_cuda >/dev/null; then continue; fi
	check "induced failure ran and named first: $c" has_pass "induced-$c"
done
if need_cuda; then check "the real toolkit: identical 35 with and without" has_pass same-cudart-real; fi
done_testing
