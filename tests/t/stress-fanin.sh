#!/bin/sh
# Fan-in load (design §3 rule 2, §2 "atomic records"): NPROC programs x
# NEV watched events each, through one `gpushim collect`:
#   (a) a live collector: every record arrives intact (the --save file is
#       all whole JSON objects, the collector counted no bad input: nothing
#       torn, nothing interleaved) and per process received + dropped =
#       sent, with the seq gaps and the records' drops fields agreeing;
#   (b) the collector stopped (SIGSTOP) for at least a second while every
#       program makes its second half of the events: every program still
#       finishes that half (wall time printed), drops are counted exactly,
#       and once the collector runs again every bye arrives.
# Each program's output and status equal a run without the shim.
# Bounded (make check): 64 x 2000; full (make stress): 128 x 5000.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"
. "$GPUSHIM_TOP/tests/stress/lib.sh"

E=$ST/st_emit
st_need "$E" "$ST/st_pipewait" "$NI/decoy/libcudnn_ni.so.1" "$SHIM" "$GPUSHIM"
export LD_LIBRARY_PATH="$NI/decoy"
if [ "$STRESS_FULL" = 1 ]; then NPROC=${STRESS_PROCS:-128} NEV=${STRESS_EVENTS:-5000}
else NPROC=${STRESS_PROCS:-64} NEV=${STRESS_EVENTS:-2000}; fi
HALF=$((NEV / 2))
figures_reset fanin
mkdir -m 700 "$WORK/d"
F=$WORK/d/fifo

# --- (a) live collector. The programs make their events, then wait (a
# byte on stdin) until the collector has emptied the pipe, so that their
# bye finds room: a bye dropped on a full pipe would leave the accounting
# unknown (the report says INCOMPLETE), not wrong.
mkfifo "$WORK/a.ctl" "$WORK/a.ctl2"
exec 4<>"$WORK/a.ctl" 5<>"$WORK/a.ctl2"
"$E" "$NEV" 0 <"$WORK/a.ctl" 3<"$WORK/a.ctl2" >"$WORK/a.expected" 2>&1 4>&- 5>&- &
e0=$!
collector_start a "$F" -q
check "(a) collector is reading $F" st_reader "$cpid" "$F"
t0=$(now_ms)
pids=""
i=1
while [ $i -le "$NPROC" ]; do
	(timeout 120 env LD_PRELOAD="$SHIM" GPUSHIM_FIFO="$F" "$E" "$NEV" 0 --times "$WORK/a.times" \
		<"$WORK/a.ctl" 3<"$WORK/a.ctl2" >"$WORK/a.$i.out" 2>"$WORK/a.$i.err" 4>&- 5>&-
	 echo $? >"$WORK/a.$i.rc") &
	pids="$pids $!"
	i=$((i + 1))
done
check "(a) every program made its events" ni_wait_for all_have "$NPROC" holding "$WORK/a" .out
t1=$(now_ms)
head -c $((NPROC + 1)) /dev/zero >&4
ni_wait_for all_have "$NPROC" 'phase 2 done' "$WORK/a" .out
check "(a) the collector empties the pipe" timeout 70 "$ST/st_pipewait" "$F"
head -c $((NPROC + 1)) /dev/zero >&5
wait $pids $e0
exec 4>&- 5>&-
timeout 70 "$ST/st_pipewait" "$F"
collector_stop "$cpid"
is "$?" 0 "(a) collector ends on SIGTERM"
check "(a) all $NPROC programs: same output as without the shim, status 0, nothing on stderr" \
	same_outputs "$NPROC" "$WORK/a" "$WORK/a.expected"
check "(a) every saved line is one whole JSON object (none torn or interleaved)" ni_records_ok "$WORK/a.save"
is "$(jq -c '[.bad_input[]] | add' "$WORK/a.json")" 0 "(a) the collector counted no bad input"
is "$(jq -r '.processes | length' "$WORK/a.json")" "$NPROC" "(a) one process per program"
is "$(jq -r "[.processes[].accounting | select(.sent == $((NEV + 4)))] | length" "$WORK/a.json")" "$NPROC" \
	"(a) every program sent hello, lib, dlopen, $NEV lookups and bye"
is "$(jq -r '[.processes[].accounting | select(.complete and .lost == 0)] | length' "$WORK/a.json")" "$NPROC" \
	"(a) per process received + dropped = sent"
jqr "$WORK/a.save" "$ST_ACCOUNT" >"$WORK/a.acc"
head -5 "$WORK/a.acc" | sed 's/^/#   /'
is "$(wc -l <"$WORK/a.acc" | tr -d ' ')" 0 "(a) seq numbers unique and complete but for the drops, drops fields add up"
recv=$(jq -r '[.processes[].accounting.received] | add' "$WORK/a.json")
drop=$(jq -r '[.processes[].accounting.dropped] | add' "$WORK/a.json")
ms=$((t1 - t0)); [ "$ms" -gt 0 ] || ms=1
figure fanin "live collector: programs x events" "$NPROC x $NEV"
figure fanin "live collector: records received / dropped" "$recv / $drop"
figure fanin "live collector: records/s received (all programs, wall)" "$((recv * 1000 / ms))"
figure fanin "live collector: max program wall time for $NEV events, ms" \
	"$(awk '{ if ($4 > m) m = $4 } END { printf "%.1f", m / 1e6 }' "$WORK/a.times")"

# --- (b) collector stopped for a second in the middle
mkfifo "$WORK/b.ctl" "$WORK/b.ctl2"
exec 4<>"$WORK/b.ctl" 5<>"$WORK/b.ctl2"
"$E" "$HALF" "$HALF" <"$WORK/b.ctl" 3<"$WORK/b.ctl2" >"$WORK/b.expected" 2>&1 4>&- 5>&- &
e0=$!
collector_start b "$F" -q
pids=""
i=1
while [ $i -le "$NPROC" ]; do
	(timeout 120 env LD_PRELOAD="$SHIM" GPUSHIM_FIFO="$F" "$E" "$HALF" "$HALF" --times "$WORK/b.times" \
		<"$WORK/b.ctl" 3<"$WORK/b.ctl2" >"$WORK/b.$i.out" 2>"$WORK/b.$i.err" 4>&- 5>&-
	 echo $? >"$WORK/b.$i.rc") &
	pids="$pids $!"
	i=$((i + 1))
done
check "(b) every program finished its first half" ni_wait_for all_have "$NPROC" holding "$WORK/b" .out
# the baseline reads the same control FIFO: one byte for it too
kill -STOP "$cpid"
ts=$(now_ms)
head -c $((NPROC + 1)) /dev/zero >&4
check "(b) every program finished its second half with the collector stopped" \
	ni_wait_for all_have "$NPROC" 'phase 2 done' "$WORK/b" .out
stopped=$(($(now_ms) - ts))
[ "$stopped" -lt 1000 ] && sleep "$(awk "BEGIN { print (1000 - $stopped) / 1000 }")"
held=$(($(now_ms) - ts))
kill -CONT "$cpid"
# the byes must find room: wait until the collector has emptied the pipe
check "(b) the collector drains the pipe after SIGCONT" timeout 70 "$ST/st_pipewait" "$F"
head -c $((NPROC + 1)) /dev/zero >&5
wait $pids $e0
exec 4>&- 5>&-
timeout 70 "$ST/st_pipewait" "$F"
collector_stop "$cpid"
is "$?" 0 "(b) collector ends on SIGTERM"
check "(b) all programs: same output as without the shim, status 0, nothing on stderr" \
	same_outputs "$NPROC" "$WORK/b" "$WORK/b.expected"
check "(b) every saved line is one whole JSON object" ni_records_ok "$WORK/b.save"
is "$(jq -c '[.bad_input[]] | add' "$WORK/b.json")" 0 "(b) the collector counted no bad input"
is "$(jq -r '[.processes[].accounting | select(.complete and .lost == 0)] | length' "$WORK/b.json")" "$NPROC" \
	"(b) every bye arrived and per process received + dropped = sent"
jqr "$WORK/b.save" "$ST_ACCOUNT" >"$WORK/b.acc"
head -5 "$WORK/b.acc" | sed 's/^/#   /'
is "$(wc -l <"$WORK/b.acc" | tr -d ' ')" 0 "(b) drops counted exactly: seq gaps = drops fields = dropped"
drop=$(jq -r '[.processes[].accounting.dropped] | add' "$WORK/b.json")
check "(b) the stopped collector cost records (dropped $drop > 0)" test "$drop" -gt 0
recv=$(jq -r '[.processes[].accounting.received] | add' "$WORK/b.json")
figure fanin "stopped collector: held for, ms" "$held"
figure fanin "stopped collector: records received / dropped" "$recv / $drop"
figure fanin "stopped collector: max program wall time for $HALF events, ms" \
	"$(awk '{ if ($3 > m) m = $3 } END { printf "%.1f", m / 1e6 }' "$WORK/b.times")"
figure fanin "live collector: max program wall time for $HALF events, ms" \
	"$(awk '{ if ($2 > m) m = $2 } END { printf "%.1f", m / 1e6 }' "$WORK/b.times")"
done_testing
