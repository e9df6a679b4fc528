#!/bin/sh
# gpushim run -- /usr/bin/python3 tests/progs/tree_fork.py: a Python parent
# (ctypes, NVML) forks two children that load libcudart.so.12 and
# libcudnn.so.8 (fakes). The report has three processes in a tree, each with
# its own libraries and calls, and gpushim exits with the script's status.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
need_fakes || { skip "fakes not built"; done_testing; exit; }
[ -x /usr/bin/python3 ] || { skip "no /usr/bin/python3"; done_testing; exit; }
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"
SCRIPT=$GPUSHIM_TOP/tests/progs/tree_fork.py
make_sysroot "$WORK/root" 545.23.08
# tree [gpushim run options]: runs the script (exit status 3) under gpushim run
tree() {
	env GPUSHIM_SYSROOT="$WORK/root" FAKE_CUDNN_DRIVER=0 \
		LD_LIBRARY_PATH="$NVML545:$CUDADRV:$CUDART12:$CUDNN897" \
		"$GPUSHIM" run "$@" -- /usr/bin/python3 "$SCRIPT" 3
}
J=$WORK/tree.json
tree --json -o "$J" >"$WORK/out" 2>"$WORK/err"
is "$?" 3 "gpushim run exits with the script's status (3)"
j() { jq -r "$1" "$J"; }
# The pids the script printed (ROLE pid=PID ppid=PPID FN=RC).
pid_of() { sed -n "s/^$1 pid=\([0-9]*\) .*/\1/p" "$WORK/out"; }
P=$(pid_of parent) C1=$(pid_of child1) C2=$(pid_of child2)
check "the script ran: three processes printed their pids" test -n "$P" -a -n "$C1" -a -n "$C2"
is "$(j '.processes | length')" 3 "--json: 3 processes"
is "$(j '.command.pid')" "$P" "command.pid is the Python parent"
is "$(j '.command.exit.status')" 3 "command.exit.status 3"
is "$(j '[.processes[].pid] | sort | map(tostring) | join(" ")')" \
	"$(printf '%s\n' "$P" "$C1" "$C2" | sort -n | tr '\n' ' ' | sed 's/ $//')" "the three pids are the script's"
is "$(j "[.processes[] | select(.ppid == $P) | .pid] | sort | map(tostring) | join(\" \")")" \
	"$(printf '%s\n' "$C1" "$C2" | sort -n | tr '\n' ' ' | sed 's/ $//')" "both children have the parent as ppid"
is "$(j "[.processes[] | select(.ppid == $P) | .forked] | map(tostring) | join(\",\")")" true,true "... and are marked forked"
is "$(j "[.processes[] | select(.accounting.complete)] | length")" 3 "accounting complete for all three"
is "$(j "[.processes[] | .bye_reason] | join(\",\")")" exit,exit,exit "every process sent its bye (reason exit)"

# p PID FILTER: jq FILTER on process PID
p() { jq -r --argjson pid "$1" ".processes[] | select(.pid == \$pid) | $2" "$J"; }
is "$(p "$P" '[.libraries[].family] | join(",")')" libnvidia-ml "parent: libnvidia-ml only"
is "$(p "$P" '[.calls[] | "\(.fn)=\(.rc)"] | join(",")')" nvmlInit_v2=0 "parent: nvmlInit_v2 = 0"
check "parent: libnvidia-ml.so.1 dlopen'ed by ctypes" \
	sh -c "jq -r --argjson pid $P '.processes[] | select(.pid == \$pid) | .loads[] | select(.name == \"libnvidia-ml.so.1\") | .caller' '$J' | grep -q '_ctypes'"
is "$(p "$C1" '[.libraries[] | select(.family == "libcudart") | .path] | join(",")')" \
	"$CUDART12/libcudart.so.12" "child 1: libcudart.so.12 from the fake set"
is "$(p "$C1" '[.calls[] | "\(.fn)=\(.rc) count=\(.out.count)"] | join(",")')" \
	"cudaGetDeviceCount=0 count=1" "child 1: cudaGetDeviceCount = 0, 1 device"
check "child 1: its libcuda.so.1 load (by libcudart)" \
	sh -c "jq -e --argjson pid $C1 '.processes[] | select(.pid == \$pid) | .libraries[] | select(.family == \"libcuda\")' '$J' >/dev/null"
is "$(p "$C1" '[.calls[].fn] | index("cudnnCreate")')" null "child 1: no cudnnCreate"
is "$(p "$C2" '[.libraries[] | select(.family == "libcudnn") | .path] | join(",")')" \
	"$CUDNN897/libcudnn.so.8" "child 2: libcudnn.so.8 from the fake set"
is "$(p "$C2" '[.calls[] | "\(.fn)=\(.rc)"] | join(",")')" cudnnCreate=0 "child 2: cudnnCreate = 0"
is "$(p "$C2" '[.libraries[].family] | index("libcudart")')" null "child 2: no libcudart"

# The text report shows the tree.
tree --color=never -o "$WORK/tree.txt" >/dev/null 2>&1
is "$?" 3 "text run: exit status 3 again"
T=$WORK/tree.txt
check "text: header says 3 processes" grep -q '^gpushim report: 3 processes, .*exit 3$' "$T"
check "text: a process tree section" grep -q '^process tree$' "$T"
# the tree: the root at indent 2, two children at indent 4, all three lines
# naming the script
sed -n '/^process tree$/,/^$/p' "$T" >"$WORK/treesec"
is "$(grep -c '^  [0-9][0-9]*  .*python3 .*tree_fork.py 3$' "$WORK/treesec")" 1 "text tree: one root line"
is "$(grep -c '^    [0-9][0-9]*  .*python3 .*tree_fork.py 3$' "$WORK/treesec")" 2 "text tree: two indented child lines"
TP=$(sed -n 's/^  \([0-9][0-9]*\)  .*/\1/p' "$WORK/treesec")
TC=$(sed -n 's/^    \([0-9][0-9]*\)  .*/\1/p' "$WORK/treesec" | tr '\n' ' ')
is "$(grep -c "^process [0-9]* (parent $TP) \[forked\]$" "$T")" 2 "text: both children say 'parent <root pid>' and [forked]"
for c in $TC; do
	# each child's section has its own library and call
	sed -n "/^process $c /,/^  accounting/p" "$T" >"$WORK/sec.$c"
done
set -- $TC
check "text: one child shows libcudart and cudaGetDeviceCount, the other libcudnn and cudnnCreate" sh -c "
	{ grep -q '^    libcudart ' '$WORK/sec.$1' && grep -q '^    cudaGetDeviceCount = 0 cudaSuccess' '$WORK/sec.$1' &&
	  grep -q '^    libcudnn ' '$WORK/sec.$2' && grep -q '^    cudnnCreate = 0 CUDNN_STATUS_SUCCESS' '$WORK/sec.$2'; } ||
	{ grep -q '^    libcudart ' '$WORK/sec.$2' && grep -q '^    cudaGetDeviceCount = 0 cudaSuccess' '$WORK/sec.$2' &&
	  grep -q '^    libcudnn ' '$WORK/sec.$1' && grep -q '^    cudnnCreate = 0 CUDNN_STATUS_SUCCESS' '$WORK/sec.$1'; }"
check "text: the root's section has nvmlInit_v2" sh -c "sed -n '/^process $TP /,/^  accounting/p' '$T' | grep -q '^    nvmlInit_v2 = 0 NVML_SUCCESS'"

# Another status comes back too.
env GPUSHIM_SYSROOT="$WORK/root" FAKE_CUDNN_DRIVER=0 LD_LIBRARY_PATH="$NVML545:$CUDADRV:$CUDART12:$CUDNN897" \
	"$GPUSHIM" run -o /dev/null -- /usr/bin/python3 "$SCRIPT" 42 >/dev/null 2>&1
is "$?" 42 "exit status 42 comes back as well"
done_testing
