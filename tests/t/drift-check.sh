#!/bin/sh
# gpushim run --baseline / --check with the fake libraries: a baseline
# passes against an unchanged run, names a swapped cuDNN, a new failing
# dlopen, a new return code and a new kernel driver; --ignore and --allow
# loosen it; pids, timestamps and ordering never count; CMD's own failure
# wins; the file is byte-identical across runs.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi
if [ ! -e "$SHIM" ]; then skip "no shim ($SHIM)"; done_testing; exit; fi
make_sysroot "$WORK/sr545" 545.23.08
make_sysroot "$WORK/sr550" 550.54.14
export GPUSHIM_SYSROOT="$WORK/sr545"
cd "$WORK" || exit 1

LLP=$CUDNN897:$CUDADRV:$CUDART12
PROG="$LOADER libcudnn.so.8 cudnnCreate libcudart.so.12 cudaGetDeviceCount"
R() { "$GPUSHIM" run "$@"; }
# chk [VAR=VALUE...] -- [gpushim options]: --check b.json of PROG, JSON to out.json
chk() {
	_e=""; while [ "$1" != -- ]; do _e="$_e $1"; shift; done; shift
	env LD_LIBRARY_PATH="$LLP" $_e "$GPUSHIM" run --json -o out.json --check b.json "$@" -- $PROG >/dev/null 2>err.txt
}
kinds() { jq -r '[.changes[].kind] | join(" ")' out.json; }

# create
LD_LIBRARY_PATH=$LLP R --baseline b.json -- $PROG >/dev/null 2>err.txt
is "$?" 0 "--baseline: exits with CMD's status 0"
check "... says where it wrote" grep -q 'baseline written to b.json (1 process, 3 libraries)' err.txt
is "$(jq -r .gpushim_baseline b.json)" 1 "format version 1"
is "$(jq -r .kernel_driver b.json)" 545.23.08 "kernel driver"
is "$(jq -r '.processes | length' b.json)" 1 "one process"
lib() { jq -r ".processes[0].libraries.$1[0].$2" b.json; }
is "$(lib libcudnn file_version)" 8.9.7 "libcudnn file version"
is "$(lib libcudnn version.cudnn)" 8907 "libcudnn self-reported version"
is "$(lib libcudnn realpath)" "$CUDNN897/libcudnn.so.8.9.7" "libcudnn real path"
is "$(lib libcudnn soname)" libcudnn.so.8 "libcudnn soname"
is "$(lib libcudnn build_id)" "$(readelf -n "$CUDNN897/libcudnn.so.8.9.7" | sed -n 's/.*Build ID: *//p')" "libcudnn build-id"
is "$(lib libcudnn loaded_by)" "$LOADER" "libcudnn loaded by the program"
is "$(jq -r '.processes[0].calls.cudaGetDeviceCount | keys | join(",")' b.json)" 0 "return codes of cudaGetDeviceCount"
is "$(jq -r '.processes[0].calls.cudnnCreate["0"]' b.json)" CUDNN_STATUS_SUCCESS "return codes carry their names"
is "$(jq -r '.processes[0].failed_loads | length' b.json)" 0 "no failed loads"
check "no pid, timestamp or address in the file" sh -c "! grep -Eq '\"(pid|ts|base|mtime|dur_ns)\"' b.json"
LD_LIBRARY_PATH=$LLP R --baseline b2.json -- $PROG >/dev/null 2>&1
check "byte-identical across two runs" cmp -s b.json b2.json

# the same two programs in either order, and both at once: same baseline
two='if [ "$ORDER" = 1 ]; then "$0" libcudnn.so.8 cudnnCreate; "$0" libcudart.so.12 cudaGetDeviceCount
elif [ "$ORDER" = 2 ]; then "$0" libcudart.so.12 cudaGetDeviceCount; "$0" libcudnn.so.8 cudnnCreate
else "$0" libcudnn.so.8 cudnnCreate & "$0" libcudart.so.12 cudaGetDeviceCount & wait; fi'
for o in 1 2 3; do
	ORDER=$o LD_LIBRARY_PATH=$LLP R --baseline "o$o.json" -- sh -c "$two" "$LOADER" >/dev/null 2>&1
done
is "$(jq -r '.processes | length' o1.json)" 2 "two processes"
check "ordering does not change the file (sequential, swapped)" cmp -s o1.json o2.json
check "... nor does running them in parallel" cmp -s o1.json o3.json
ORDER=2 LD_LIBRARY_PATH=$LLP R --check o1.json -- sh -c "$two" "$LOADER" >/dev/null 2>&1
is "$?" 0 "--check across orderings and pids: no drift"

# check
chk --; is "$?" 0 "--check, nothing changed: exit 0"
is "$(jq -r .drift out.json)" false "... drift false"
LD_LIBRARY_PATH=$LLP R --check b.json -- $PROG >/dev/null 2>err.txt
check "... text says no drift" grep -q 'no drift between b.json and this run (1 process compared)' err.txt

chk LD_LIBRARY_PATH="$CUDNN860:$CUDADRV:$CUDART12" --; is "$?" 10 "cuDNN 8.6.0 through LD_LIBRARY_PATH: exit 10"
is "$(jq -r '.changes[] | select(.kind=="library-version") | "\(.subject) \(.from) \(.to)"' out.json)" \
	"libcudnn 8.9.7 8.6.0" "... the version change named"
is "$(jq -r '.changes[0].process' out.json)" "$PROG" "... in which process"
is "$(jq -r '.changes[0].loaded_by' out.json)" "$LOADER" "... loaded by whom"
check "... self-reported version too" sh -c "jq -e '.changes[] | select(.kind==\"library-reported-version\" and .from==8907 and .to==8600)' out.json >/dev/null"
LD_LIBRARY_PATH="$CUDNN860:$CUDADRV:$CUDART12" R --check b.json -- $PROG >/dev/null 2>err.txt
check "... text: from -> to" grep -q 'libcudnn version 8.9.7 -> 8.6.0 (loaded by' err.txt
check "... text: says exit 10" grep -q 'exit 10 (drift)' err.txt
chk LD_LIBRARY_PATH="$CUDNN860:$CUDADRV:$CUDART12" -- --allow minor; is "$?" 0 "--allow minor: 8.9.7 -> 8.6.0 passes"
chk LD_LIBRARY_PATH="$CUDNN860:$CUDADRV:$CUDART12" -- --allow cudnn=minor; is "$?" 0 "--allow cudnn=minor too"
chk LD_LIBRARY_PATH="$CUDNN860:$CUDADRV:$CUDART12" -- --allow libcudnn=patch; is "$?" 10 "--allow libcudnn=patch: still drift"
chk LD_LIBRARY_PATH="$CUDNN860:$CUDADRV:$CUDART12" -- --allow libcudart=minor; is "$?" 10 "--allow for another family: still drift"

# only the path changes
mkdir -p moved && cp -a "$CUDNN897" moved/
chk LD_LIBRARY_PATH="$WORK/moved/cudnn-8.9.7:$CUDADRV:$CUDART12" --; is "$?" 10 "same cuDNN elsewhere: drift"
is "$(kinds)" library-file "... only the file named"
chk LD_LIBRARY_PATH="$WORK/moved/cudnn-8.9.7:$CUDADRV:$CUDART12" -- --ignore path; is "$?" 0 "... --ignore path: passes"
LD_LIBRARY_PATH=$LLP R --baseline bp.json --ignore path -- $PROG >/dev/null 2>&1
check "baseline made with --ignore path has no real paths" sh -c "! grep -q realpath bp.json && ! grep -q '$WORK' bp.json"
is "$(jq -c .policy.ignore bp.json)" '["path"]' "... and records its policy"
LD_LIBRARY_PATH="$WORK/moved/cudnn-8.9.7:$CUDADRV:$CUDART12" R --check bp.json -- $PROG >/dev/null 2>&1
is "$?" 0 "... so it passes elsewhere without the flag"

# a return code changes
chk FAKE_CUDART_RC=35 --; is "$?" 10 "cudaGetDeviceCount returns 35: drift"
is "$(jq -r '.changes[] | select(.kind=="call-rc" and .subject=="cudaGetDeviceCount") | "\(.subject) \(.from[0].rc) \(.to[0].rc) \(.to[0].name)"' out.json)" \
	"cudaGetDeviceCount 0 35 cudaErrorInsufficientDriver" "... the function and both codes"
chk FAKE_CUDART_RC=35 -- --ignore rc; is "$?" 0 "... --ignore rc: passes"

# the kernel driver changes
chk GPUSHIM_SYSROOT="$WORK/sr550" --; is "$?" 10 "kernel driver 550: drift"
is "$(jq -r '.changes[] | select(.kind=="kernel-driver") | "\(.from) \(.to)"' out.json)" "545.23.08 550.54.14" "... from -> to"
chk GPUSHIM_SYSROOT="$WORK/sr550" -- --ignore driver; is "$?" 0 "... --ignore driver: passes"
chk GPUSHIM_SYSROOT="$WORK/sr550" -- --allow kernel=minor; is "$?" 10 "... --allow kernel=minor: a new major is drift"

# CMD's failure wins, drift still reported
LD_LIBRARY_PATH="$CUDNN860:$CUDADRV:$CUDART12" R --check b.json -- sh -c '$0 "$@"; exit 3' $PROG >/dev/null 2>err.txt
is "$?" 3 "CMD fails and drifts: CMD's status"
check "... the drift is still printed" grep -q 'libcudnn version 8.9.7 -> 8.6.0' err.txt
check "... and the precedence said" grep -q "exit status 3 takes precedence over drift's 10" err.txt

# a watched dlopen that now fails (and NVML gone with it)
if in_ld_cache libnvidia-ml.so.1; then
	skip "a real libnvidia-ml.so.1 is installed: cannot make its dlopen fail"
	skip "a real libnvidia-ml.so.1 is installed"
else
	nv='"$0" libnvidia-ml.so.1 nvmlInit_v2; exit 0'
	LD_LIBRARY_PATH=$NVML545 R --baseline nv.json -- sh -c "$nv" "$LOADER" >/dev/null 2>&1
	R --json -o out.json --check nv.json -- sh -c "$nv" "$LOADER" >/dev/null 2>&1
	is "$?" 10 "a watched dlopen that now fails: drift"
	is "$(jq -r '.changes[] | select(.kind=="load-failed") | "\(.subject) \(.to.error)"' out.json)" \
		"libnvidia-ml.so.1 libnvidia-ml.so.1: cannot open shared object file: No such file or directory" \
		"... named, with dlerror's text"
fi

# cuDNN 9 probes: failed tries before the hit are not failed loads
LD_LIBRARY_PATH=$CUDADRV R --baseline c9.json -- "$LOADER" "$CUDNN910G900/libcudnn.so.9" cudnnCreate >/dev/null 2>&1
is "$(jq -r '.processes[0].failed_loads | length' c9.json)" 0 "cuDNN 9 probes (.9.1.0, .9.1 then .9) are not failed loads"
FAKE_CUDNN_PROBE=0 LD_LIBRARY_PATH=$CUDADRV R --check c9.json -- "$LOADER" "$CUDNN910G900/libcudnn.so.9" cudnnCreate >/dev/null 2>&1
is "$?" 0 "... so a run without probes does not drift"

# JUnit
LD_LIBRARY_PATH="$CUDNN860:$CUDADRV:$CUDART12" R --check b.json --junit j.xml -- $PROG >/dev/null 2>&1
junit=$("$PY" -c '
import sys, xml.etree.ElementTree as E
s = E.parse(sys.argv[1]).getroot().find("testsuite")
f = [c for c in s.iter("testcase") if c.find("failure") is not None]
print(s.get("tests"), s.get("failures"), len(f), f[0].find("failure").get("message"))' j.xml 2>&1)
is "$junit" "2 1 1 libcudnn version 8.9.7 -> 8.6.0" "--junit: a failed test case per drifted process"
chk -- --junit j2.xml; grep -q 'failures="0"' j2.xml; is "$?" 0 "--junit without drift: no failure"

# bad baselines: one line, exit 11, CMD not run
bad() { # bad DESCRIPTION FILE
	R --check "$2" --junit jb.xml -- sh -c ': >ran' >/dev/null 2>err.txt
	is "$?" 11 "$1: exit 11"
	is "$(wc -l <err.txt | tr -d ' ')" 1 "... one line"
	check "... CMD did not run" test ! -e ran
	check "... the JUnit file has the error" grep -q '<error message=' jb.xml
}
bad "missing baseline" nonexistent.json
printf '{"gpushim_baseline": 1, "processes": [' >trunc.json; bad "truncated baseline" trunc.json
check "... says why" grep -q 'not valid JSON' err.txt
jq '.gpushim_baseline = 99' b.json >future.json; bad "baseline from the future" future.json
check "... says so" grep -q 'newer gpushim (baseline format 99' err.txt
jq '.processes[0].libraries.libcudnn = 5' b.json >wrong.json; bad "a field of the wrong type" wrong.json
printf '{"v":1,"type":"hello","pid":1,"seq":1}\n' >rec.jsonl; bad "records instead of a baseline" rec.jsonl

# usage
R --junit x.xml -- true 2>/dev/null; is "$?" 2 "--junit without --check: 2"
R --check b.json --ignore nonsense -- true 2>err.txt; is "$?" 2 "--ignore of an unknown field: 2"
check "... lists the fields" grep -q 'path, build-id' err.txt
R --check b.json --allow cudnn=sideways -- true 2>/dev/null; is "$?" 2 "--allow with a bad level: 2"
"$GPUSHIM" report --check b.json x 2>/dev/null; is "$?" 2 "--check is for run"
R --baseline "$WORK/no/such/dir/b.json" -- sh -c ': >ran' 2>/dev/null; is "$?" 2 "--baseline in a missing directory: 2"
check "... before CMD ran" test ! -e ran
done_testing
