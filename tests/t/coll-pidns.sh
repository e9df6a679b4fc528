#!/bin/sh
# Processes from several pid namespaces (containers writing into one
# collector): every record names its pid namespace ("pidns", the inode of
# /proc/self/ns/pid), and the collector tells apart two processes with the
# same pid in different namespaces.
#   - the shim: every record of a run carries the namespace of the process,
#     a fork child's too, and one forked into a new namespace its new one
#   - two `unshare --pid --fork --mount-proc` runs (both pid 1) into one
#     `gpushim collect --fifo` (root only; skipped otherwise)
#   - hand-written records: same pid, different "pidns", and one stream
#     without it; a "pidns" of the wrong type is a bad header
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
PROG=$T/pidns_fork
nsof() { stat -L -c %i "/proc/$1/ns/pid"; }
# printed ROLE KEY: the value of KEY= on ROLE's line of $out
printed() { printf '%s\n' "$out" | sed -n "s/^$1 .*$2=\([0-9]*\).*/\1/p" | head -n 1; }

# --- the shim -----------------------------------------------------------
if ! need_fakes || [ ! -x "$PROG" ]; then
	for _i in 1 2 3 4 5 6 7 8 9 10 11; do skip "fakes or $PROG not built (make test-bins)"; done
else
	L=$WORK/same.jsonl
	out=$(LD_LIBRARY_PATH=$NVML545 shim_log "$L" "$PROG" 2>&1)
	is "$?" 0 "pidns_fork under the shim: exit 0"
	myns=$(nsof self)
	pp=$(printed parent pid) cp=$(printed child pid)
	is "$(printed parent pidns)" "$myns" "the program sees the shell's pid namespace ($myns)"
	is "$(jqr "$L" '[.[] | select(.pid == '"$pp"')] | length > 3')" true "records from the parent"
	is "$(jqr "$L" '[.[] | select(.pid == '"$cp"')] | length > 3')" true "records from the fork child"
	is "$(jqr "$L" '[.[] | select(has("pidns") | not)] | length')" 0 "every record has \"pidns\""
	is "$(jqr "$L" '[.[].pidns] | unique | map(tostring) | join(" ")')" "$myns" \
		"... the inode of /proc/self/ns/pid, the same in parent and fork child"
	is "$(head -n 1 "$L" | sed 's/^\({"v":1,"type":"hello","pid":[0-9]*,"pidns":[0-9]*,"seq":1,\).*/ok/')" ok \
		"\"pidns\" comes right after \"pid\" in the header"

	if [ "$(id -u)" -ne 0 ]; then
		for _i in 1 2 3 4; do skip "not root: unshare(CLONE_NEWPID) in the program is not tried"; done
	else
		L=$WORK/unshared.jsonl
		out=$(LD_LIBRARY_PATH=$NVML545 shim_log "$L" "$PROG" unshare 2>&1)
		rc=$?
		if [ "$rc" -eq 2 ]; then
			for _i in 1 2 3 4; do skip "unshare(CLONE_NEWPID) refused here: $out"; done
		else
			is "$rc" 0 "pidns_fork unshare: exit 0"
			cns=$(printed child pidns)
			is "$(printed child pid) $(jqr "$L" '[.[] | select(.pid == 1) | .pidns] | unique | map(tostring) | join(" ")')" \
				"1 $cns" "fork child in a new pid namespace: pid 1, its records carry the new namespace"
			check "... which is not the parent's" test "$cns" != "$(printed parent pidns)"
			"$GPUSHIM" report --json -o "$WORK/unshared.json" "$L" 2>/dev/null
			is "$(jq -r '[.processes[] | "\(.pid == 1) \(.pidns) \(.accounting.complete)"] | sort | join(", ")' "$WORK/unshared.json")" \
				"$(printf '%s\n' "false $(printed parent pidns) true" "true $cns true" | sort | paste -sd, | sed 's/,/, /')" \
				"report: two processes, each with its namespace, accounting complete"
		fi
	fi
fi

# --- two containers, both pid 1, one collector ------------------------------
if [ "$(id -u)" -ne 0 ]; then
	for _i in 1 2 3 4 5 6 7 8; do skip "not root: no unshare --pid --fork --mount-proc"; done
elif ! unshare --pid --fork --mount-proc true 2>/dev/null; then
	for _i in 1 2 3 4 5 6 7 8; do skip "unshare --pid --fork --mount-proc fails here (no pid namespaces)"; done
elif ! need_fakes || [ ! -x "$PROG" ]; then
	for _i in 1 2 3 4 5 6 7 8; do skip "fakes or $PROG not built (make test-bins)"; done
else
	mkdir -p "$WORK/d"; chmod 700 "$WORK/d"
	F=$WORK/d/fifo
	"$GPUSHIM" collect --fifo "$F" -o "$WORK/two.json" --json >"$WORK/live" 2>"$WORK/err" &
	gp=$!
	n=0; while [ $n -lt 50 ] && ! [ -p "$F" ]; do sleep 0.1; n=$((n + 1)); done
	# each "container": pid 1 (pidns_fork) and its fork child, pid 2
	for c in a b; do
		unshare --pid --fork --mount-proc env GPUSHIM_FIFO="$F" LD_PRELOAD="$SHIM" \
			LD_LIBRARY_PATH="$NVML545" "$PROG" >"$WORK/out.$c" 2>&1 &
		eval "up_$c=\$!"
	done
	# shellcheck disable=SC2154 # set by the eval above
	wait "$up_a"; ra=$?; wait "$up_b"; rb=$?
	is "$ra $rb" "0 0" "two pid namespaces ran pidns_fork"
	n=0; while [ $n -lt 50 ] && [ "$(grep -c 'exit: sent' "$WORK/live")" -lt 4 ]; do sleep 0.1; n=$((n + 1)); done
	kill -TERM $gp
	wait $gp
	is "$?" 0 "collector: report on SIGTERM"
	J=$WORK/two.json
	is "$(jq -r '[.processes[] | "\(.pid)"] | sort | join(" ")' "$J")" "1 1 2 2" \
		"four processes: pid 1 and pid 2 of each namespace, not two mixed ones"
	nsa=$(sed -n 's/^parent pid=1 pidns=//p' "$WORK/out.a") nsb=$(sed -n 's/^parent pid=1 pidns=//p' "$WORK/out.b")
	is "$(jq -r '[.processes[] | select(.pid == 1) | .pidns] | sort | map(tostring) | join(" ")' "$J")" \
		"$(printf '%s\n' "$nsa" "$nsb" | sort | paste -sd' ')" "the two pid 1s: distinct pidns, each its namespace's inode"
	is "$(jq -r '[.processes[].accounting.complete] | all' "$J")" true "each process: accounting complete"
	is "$(jq -r '[.processes[] | [.libraries[].family] == ["libnvidia-ml"]] | all' "$J")" true \
		"each process: its own libraries (one NVML each, not two)"
	# tree order: each pid 2 right after the pid 1 of its namespace
	is "$(jq -r '[.processes as $p | range(0; $p | length) | select($p[.].pid == 2)
		| ($p[. - 1].pid == 1 and $p[. - 1].pidns == $p[.].pidns and $p[.].ppid == 1)] | all' "$J")" true \
		"each fork child's parent is pid 1 of its own namespace"
	check "live lines name the namespace once two were seen" grep -q '^\[pid [12] ns [0-9][0-9]*\] ' "$WORK/live"
fi

# --- hand-written records -----------------------------------------------
R=$WORK/hand.jsonl
# rec PID NS SEQ TYPE REST: one record; NS "-" leaves "pidns" out
rec() {
	_ns=",\"pidns\":$2"; [ "$2" = - ] && _ns=""
	printf '{"v":1,"type":"%s","pid":%s%s,"seq":%s%s}\n' "$4" "$1" "$_ns" "$3" "$5"
}
lib() { printf ',"id":1,"path":"/x/%s.so.1","realpath":"/x/%s.so.1","family":"%s","origin":"startup"' "$1" "$1" "$1"; }
{
	rec 1 4026532001 1 hello ',"ppid":0,"argv":["a"]'
	rec 1 4026532002 1 hello ',"ppid":0,"argv":["b"]'
	rec 1 - 1 hello ',"ppid":0,"argv":["c"]'
	rec 1 4026532002 2 lib "$(lib libcudart)"
	rec 1 4026532001 2 lib "$(lib libnvidia-ml)"
	rec 1 - 2 lib "$(lib libcudnn)"
	rec 1 4026532001 3 bye ',"sent":3,"dropped":0,"reason":"exit"'
	rec 1 - 3 bye ',"sent":3,"dropped":0,"reason":"exit"'
	rec 1 4026532002 3 bye ',"sent":3,"dropped":0,"reason":"exit"'
} >"$R"
"$GPUSHIM" report --json -o "$WORK/hand.json" "$R" 2>/dev/null
J=$WORK/hand.json
is "$(jq -r '.processes | length' "$J")" 3 "hand-written: three processes with pid 1"
is "$(jq -r '[.processes[] | "\(.pidns)=\(.argv[0]):\([.libraries[].family] | join("+")):\(.accounting.received)/\(.accounting.complete)"] | sort | join(" ")' "$J")" \
	"4026532001=a:libnvidia-ml:3/true 4026532002=b:libcudart:3/true null=c:libcudnn:3/true" \
	"... each with its own argv, library and complete accounting; no pidns: null"
is "$(jq -r '.bad_input.bad_header' "$J")" 0 "... no bad input"
"$GPUSHIM" report "$R" >"$WORK/hand.txt" 2>/dev/null
check "text report: the namespace beside the pid" grep -q '^process 1 (pid namespace 4026532002)' "$WORK/hand.txt"
check "... unknown for the stream without one" grep -q '^process 1 (pid namespace unknown)' "$WORK/hand.txt"
"$GPUSHIM" report "$GPUSHIM_TOP/tests/data/coll-basic.jsonl" >"$WORK/basic.txt" 2>/dev/null
check "one namespace: the text report does not mention it" sh -c "! grep -q 'namespace' '$WORK/basic.txt'"

# the parent is looked up in the child's namespace
{
	rec 5 4026532001 1 hello ',"ppid":0,"argv":["p"]'
	rec 6 4026532002 1 hello ',"ppid":5,"forked":true,"argv":["q"]'
	rec 6 4026532001 1 hello ',"ppid":5,"forked":true,"argv":["r"]'
} >"$WORK/tree.jsonl"
"$GPUSHIM" report "$WORK/tree.jsonl" 2>/dev/null | sed -n '/^process tree$/,/^$/p' >"$WORK/tree.txt"
is "$(cat "$WORK/tree.txt")" "process tree
  5 (pid namespace 4026532001)  p
    6 (pid namespace 4026532001)  r
  6 (pid namespace 4026532002)  q" "a ppid names a process of the same namespace only"

{
	rec 1 '"x"' 1 hello ',"ppid":0,"argv":["a"]'
	rec 1 -1 1 hello ',"ppid":0,"argv":["a"]'
	rec 1 1.5 1 hello ',"ppid":0,"argv":["a"]'
	rec 2 4026532001 1 hello ',"ppid":0,"argv":["ok"]'
} >"$WORK/bad.jsonl"
"$GPUSHIM" report --json -o "$WORK/bad.json" "$WORK/bad.jsonl" 2>"$WORK/bad.err"
is "$(jq -r '"\(.bad_input.bad_header) \(.records) \(.processes | length)"' "$WORK/bad.json")" "3 1 1" \
	"\"pidns\" a string, negative or not an integer: bad header, record not used"
check "... and said on stderr" grep -q 'pidns' "$WORK/bad.err"
done_testing
