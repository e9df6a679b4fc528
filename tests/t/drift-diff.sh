#!/bin/sh
# gpushim diff A B: the working run against the failing one (saved records
# or baselines); only what differs, and the findings B has that A has not.
# Healthy fakes against an NVML/kernel-module mismatch.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi
if [ ! -e "$SHIM" ]; then skip "no shim ($SHIM)"; done_testing; exit; fi
make_sysroot "$WORK/sr545" 545.23.08
export GPUSHIM_SYSROOT="$WORK/sr545"
cd "$WORK" || exit 1
D() { "$GPUSHIM" diff "$@"; }
save() { # save FILE NVMLDIR: records of gpu_nvml_init with that NVML
	LD_LIBRARY_PATH=$2 "$GPUSHIM" run -q -o /dev/null --save "$1" -- "$T/gpu_nvml_init" >/dev/null 2>&1
}
save good.jsonl "$NVML545"
save good2.jsonl "$NVML545"
save bad.jsonl "$NVML550"

D good.jsonl good2.jsonl >out.txt 2>&1
is "$?" 0 "two healthy runs (other pids, other times): exit 0"
check "... 'no differences'" grep -q 'no differences between good.jsonl and good2.jsonl' out.txt

D good.jsonl bad.jsonl >out.txt 2>&1
is "$?" 10 "healthy vs NVML mismatch: exit 10"
check "... names the library version" grep -q 'libnvidia-ml version 545.23.08 -> 550.54.14' out.txt
check "... and the return code" grep -q 'nvmlInit_v2 returned 0 NVML_SUCCESS -> 18 NVML_ERROR_LIB_RM_VERSION_MISMATCH' out.txt
D --json good.jsonl bad.jsonl >out.json 2>/dev/null
is "$(jq -r '.changes[] | select(.kind=="library-version") | "\(.subject) \(.from) \(.to)"' out.json)" \
	"libnvidia-ml 545.23.08 550.54.14" "--json: the library version change"
check "... nothing that is the same (kernel driver, build-id of the program)" \
	sh -c "! jq -e '.changes[] | select(.kind==\"kernel-driver\" or .kind==\"library-build-id\")' out.json >/dev/null"
# The finding is the findings engine's; when it has the rule, diff must show it.
"$GPUSHIM" report --json bad.jsonl >rb.json 2>/dev/null
"$GPUSHIM" report --json good.jsonl >ra.json 2>/dev/null
if jq -e '.findings[] | select(.id=="nvml-driver-mismatch")' rb.json >/dev/null; then
	# B's findings less those A has too (same id and message)
	want=$(jq -r --slurpfile a ra.json '[.findings[] | select((.id + .message) as $k
		| $a[0].findings | map(.id + .message) | index($k) | not) | .id] | join(" ")' rb.json)
	is "$(jq -r '[.findings[].id] | join(" ")' out.json)" "$want" "the finding the difference causes (and only B's new ones)"
	check "... nvml-driver-mismatch among them" sh -c "jq -e '.findings[] | select(.id==\"nvml-driver-mismatch\")' out.json >/dev/null"
	check "... in the text" grep -q 'error nvml-driver-mismatch' out.txt
	D --json bad.jsonl good.jsonl >rev.json 2>/dev/null
	is "$(jq -r '.findings | length' rev.json)" "$(jq -r '.findings | length' ra.json)" "reversed: B's findings only"
else
	skip "the findings engine has no nvml-driver-mismatch rule yet"
	skip "the findings engine has no nvml-driver-mismatch rule yet"
	skip "the findings engine has no nvml-driver-mismatch rule yet"
fi

# baselines on either side
LD_LIBRARY_PATH=$NVML545 "$GPUSHIM" run -q --baseline good.json -- "$T/gpu_nvml_init" >/dev/null 2>&1
LD_LIBRARY_PATH=$NVML550 "$GPUSHIM" run -q --baseline bad.json -- "$T/gpu_nvml_init" >/dev/null 2>&1
D good.json bad.json >out.txt 2>&1; is "$?" 10 "two baselines: exit 10"
check "... the version change" grep -q 'libnvidia-ml version 545.23.08 -> 550.54.14' out.txt
D good.json good.jsonl >/dev/null 2>&1; is "$?" 0 "a baseline against the records of the same run: 0"
D good.json bad.jsonl >out.txt 2>&1; is "$?" 10 "a baseline against records: exit 10"

# policies
D --ignore driver --json good.jsonl bad.jsonl >out.json 2>/dev/null
is "$(jq -r '[.changes[].kind] | join(" ")' out.json)" call-rc \
	"--ignore driver: the driver's library version is left out, the return code is not"
LD_LIBRARY_PATH=$NVML545 "$GPUSHIM" run -q --baseline goodp.json --ignore path -- "$T/gpu_nvml_init" >/dev/null 2>&1
D --json goodp.json bad.jsonl >out.json 2>/dev/null
check "a baseline's policy applies to both sides" sh -c "! jq -e '.changes[] | select(.kind==\"library-file\")' out.json >/dev/null"

D --junit j.xml good.jsonl bad.jsonl >/dev/null 2>&1
check "--junit: one failure" grep -q 'failures="1"' j.xml

# strings from the traced program are escaped in text and JUnit XML
jq '.processes[0].argv = ["evil\u001b[31m<&\"x\u0001"]' good.json >hostile.json
D --junit jh.xml hostile.json good.json >out.txt 2>&1
check "text: no raw escape byte" sh -c "! grep -q \"$(printf '\033')\" out.txt && grep -q 'evil\\\\033' out.txt"
check "JUnit: well-formed XML" "$PY" -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' jh.xml

# bad input
D nonexistent good.jsonl 2>err.txt; is "$?" 4 "missing file: exit 4"
is "$(wc -l <err.txt | tr -d ' ')" 1 "... one line"
printf 'not json\n' >junk.txt; D junk.txt good.jsonl 2>/dev/null; is "$?" 4 "neither records nor a baseline: exit 4"
head -c 200 good.json >trunc.json; D trunc.json good.jsonl 2>err.txt; is "$?" 11 "a truncated baseline: exit 11"
check "... said so" grep -q 'cannot use baseline: not valid JSON' err.txt
jq '.gpushim_baseline = 7' good.json >future.json; D good.jsonl future.json 2>err.txt
is "$?" 11 "a baseline from the future: exit 11"
D good.jsonl 2>/dev/null; is "$?" 2 "one argument: usage, 2"
D --baseline x a b 2>/dev/null; is "$?" 2 "--baseline is not for diff"
done_testing
