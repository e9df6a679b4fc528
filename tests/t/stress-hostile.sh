#!/bin/sh
# Hostile writers (design §4: records are untrusted): while honest programs
# write through the shim into one `gpushim collect`, another writer puts
# random bytes, NUL bytes, invalid UTF-8, deep nesting, numbers out of
# range, records claiming other pids (1, pid_max, 2^63-1), future format
# versions, non-objects and unknown types into the same FIFO (lines of at
# most 4096 bytes, one write each: they cannot tear honest records), then,
# while the honest programs hold, 1 MiB lines, random megabytes and a
# record written a byte at a time. The collector stays up, every honest
# process's accounting is exact (received + dropped = sent), no forged
# record lands in an honest process, and each kind of bad input is
# reported once on stderr and counted in the report.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"
. "$GPUSHIM_TOP/tests/stress/lib.sh"

E=$ST/st_emit H=$ST/st_hostile
st_need "$E" "$H" "$ST/st_pipewait" "$NI/decoy/libcudnn_ni.so.1" "$SHIM" "$GPUSHIM"
export LD_LIBRARY_PATH="$NI/decoy"
[ "$STRESS_FULL" = 1 ] && ROUNDS=200 || ROUNDS=20
N=8
figures_reset hostile
mkdir -m 700 "$WORK/d"
F=$WORK/d/fifo

mkfifo "$WORK/h.ctl" "$WORK/h.ctl2"
exec 4<>"$WORK/h.ctl" 5<>"$WORK/h.ctl2"
"$E" 1000 1000 <"$WORK/h.ctl" 3<"$WORK/h.ctl2" >"$WORK/h.expected" 2>&1 4>&- 5>&- &
e0=$!
collector_start h "$F"
pids=""
i=1
while [ $i -le $N ]; do
	(timeout 120 env LD_PRELOAD="$SHIM" GPUSHIM_FIFO="$F" "$E" 1000 1000 --times "$WORK/h.times" <"$WORK/h.ctl" 3<"$WORK/h.ctl2" \
		>"$WORK/h.$i.out" 2>"$WORK/h.$i.err" 4>&- 5>&-; echo $? >"$WORK/h.$i.rc") &
	pids="$pids $!"
	i=$((i + 1))
done
# atomic hostile lines, concurrently with the honest first halves
timeout 120 "$H" "$F" atomic $ROUNDS >"$WORK/atomic.out" 2>&1
is "$?" 0 "hostile writer: $(cat "$WORK/atomic.out")"
ni_wait_for all_have $N holding "$WORK/h" .out
timeout 70 "$ST/st_pipewait" "$F"
# writes that are not atomic, while the honest writers hold
timeout 120 "$H" "$F" bulk >"$WORK/bulk.out" 2>&1
is "$?" 0 "bulk hostile writer: $(cat "$WORK/bulk.out")"
check "collector still running" kill -0 "$cpid"
head -c $((N + 1)) /dev/zero >&4
ni_wait_for all_have $N 'phase 2 done' "$WORK/h" .out
timeout 70 "$ST/st_pipewait" "$F"
head -c $((N + 1)) /dev/zero >&5
wait $pids $e0
exec 4>&- 5>&-
timeout 70 "$ST/st_pipewait" "$F"
rss=$(awk '/VmHWM/ { print $2 }' "/proc/$cpid/status")
collector_stop "$cpid"
is "$?" 0 "collector ends normally on SIGTERM"
check "honest programs: same output as without the shim, status 0" same_outputs $N "$WORK/h" "$WORK/h.expected"
# the honest pids, as the programs wrote them down themselves
hp=$(awk '{ printf "%s%s", s, $1; s = "," }' "$WORK/h.times")
honest=$(jq -r "[.processes[] | select(.pid | IN($hp))]" "$WORK/h.json")
is "$(echo "$honest" | jq 'length')" $N "every honest program is one process in the report"
is "$(echo "$honest" | jq '[.[] | .accounting | select(.complete and .lost == 0)] | length')" $N \
	"honest accounting exact: received + dropped = sent"
is "$(echo "$honest" | jq '[.[] | .symbols[] | select(.sym | startswith("st_missing_") | not)] | length')" 0 \
	"no forged record inside an honest process"
for k in too_long invalid_json not_object future_version bad_header unknown_type; do
	c=$(jq -r ".bad_input.$k" "$WORK/h.json")
	check "bad input counted: $k ($c)" test "$c" -gt 0
done
kinds=$(jq -r '[.bad_input[] | select(. > 0)] | length' "$WORK/h.json")
is "$(grep -c '^gpushim: ignoring ' "$WORK/h.cerr")" "$kinds" "each kind of bad input reported once on stderr ($kinds kinds)"
check "what the collector quotes on stderr is escaped (no control bytes)" \
	sh -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$WORK/h.cerr'"
check "the live lines are escaped too" sh -c "! LC_ALL=C grep -q \"\$(printf '\\033')\" '$WORK/h.live'"
check "the JSON report is valid" sh -c "jq -e .gpushim_report '$WORK/h.json' >/dev/null"
"$GPUSHIM" report "$WORK/h.save" >"$WORK/h.txt" 2>"$WORK/h.txt.err"
is "$?" 0 "the saved records render as text"
figure hostile "bad input counted (all kinds)" "$(jq -r '[.bad_input[]] | add' "$WORK/h.json")"
figure hostile "collector peak RSS, KiB" "$rss"
done_testing
