#!/bin/sh
# gpushim collect: FIFO creation and validation, serving programs that come
# and go, live lines, --save, the report on SIGTERM/SIGINT.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
mkdir -p "$WORK/d"
chmod 700 "$WORK/d"
F=$WORK/d/fifo

rec() { # rec PID: hello, call, bye from one pretend process
	printf '%s\n' "{\"v\":1,\"type\":\"hello\",\"pid\":$1,\"seq\":1,\"ppid\":1,\"argv\":[\"p$1\"]}" \
		"{\"v\":1,\"type\":\"call\",\"pid\":$1,\"seq\":2,\"fn\":\"nvmlInit_v2\",\"family\":\"nvml\",\"rc\":18}" \
		"{\"v\":1,\"type\":\"bye\",\"pid\":$1,\"seq\":3,\"sent\":3,\"dropped\":0,\"folded\":0,\"reason\":\"exit\"}"
}
wait_for() { # wait_for FILE PATTERN: up to 5 s
	_i=0
	while [ $_i -lt 50 ] && ! grep -q "$2" "$1" 2>/dev/null; do sleep 0.1; _i=$((_i + 1)); done
	grep -q "$2" "$1"
}

"$GPUSHIM" collect --fifo "$F" --save "$WORK/save.jsonl" -o "$WORK/report.json" --json \
	>"$WORK/live" 2>"$WORK/err" &
gp=$!
n=0; while [ $n -lt 50 ] && ! [ -p "$F" ]; do sleep 0.1; n=$((n + 1)); done
check "collect creates the FIFO" test -p "$F"
is "$(stat -c %a "$F")" 600 "FIFO mode 0600"
rec 501 >"$F"
check "live line for the call" wait_for "$WORK/live" 'pid 501.*nvmlInit_v2 = 18 NVML_ERROR_LIB_RM_VERSION_MISMATCH'
sleep 0.3
# a writer that came and went: the collector must not spin on EOF
cpu0=$(awk '{print $14 + $15}' /proc/$gp/stat)
sleep 1
cpu1=$(awk '{print $14 + $15}' /proc/$gp/stat)
check "no busy loop after a writer left ($((cpu1 - cpu0)) ticks in 1 s)" test $((cpu1 - cpu0)) -lt 10
rec 502 >"$F"
rec 503 >"$F"
check "later programs served too" wait_for "$WORK/live" 'pid 503.*exit: sent 3, dropped 0, received 3, complete'
is "$(wc -l <"$WORK/save.jsonl" | tr -d ' ')" 9 "--save has every record before the collector stops"
kill -TERM $gp
wait $gp
is "$?" 0 "SIGTERM: report and exit 0"
is "$(jq -r '.processes | length' "$WORK/report.json")" 3 "report has the three processes"
is "$(jq -r '[.processes[].accounting.complete] | all' "$WORK/report.json")" true "all complete"
check "FIFO left in place for the next collector" test -p "$F"

# an existing FIFO of ours is reused; SIGINT also ends with a report
"$GPUSHIM" collect -q --fifo "$F" >"$WORK/out2" 2>&1 &
gp=$!
sleep 0.3
rec 601 >"$F"
sleep 0.3
kill -INT $gp
wait $gp
is "$?" 0 "SIGINT: exit 0"
check "text report on stdout" grep -q 'process 601' "$WORK/out2"
check "-q: no live lines" sh -c "! grep -q '^\[pid' '$WORK/out2'"

# paths that are not ours
: >"$WORK/d/plain"
"$GPUSHIM" collect --fifo "$WORK/d/plain" 2>"$WORK/err"; is "$?" 3 "a regular file at the FIFO path: exit 3"
check "... says why" grep -q 'not a FIFO' "$WORK/err"
ln -s "$F" "$WORK/d/link"
"$GPUSHIM" collect --fifo "$WORK/d/link" 2>"$WORK/err"; is "$?" 3 "a symlink at the FIFO path: exit 3"
check "... says why" grep -q 'symbolic link' "$WORK/err"
mkdir -p "$WORK/open"; chmod 777 "$WORK/open"
"$GPUSHIM" collect --fifo "$WORK/open/fifo" 2>"$WORK/err"; is "$?" 3 "a directory others can write: exit 3"
check "... and no FIFO made there" test ! -e "$WORK/open/fifo"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkfifo "$WORK/d/theirs"; chown nobody "$WORK/d/theirs"
	"$GPUSHIM" collect --fifo "$WORK/d/theirs" 2>"$WORK/err"; is "$?" 3 "a FIFO owned by someone else: exit 3"
else
	skip "needs root to make a FIFO owned by someone else"
fi

# default path: $XDG_RUNTIME_DIR/gpushim/fifo, directory made 0700
mkdir -p "$WORK/xdg"; chmod 700 "$WORK/xdg"
XDG_RUNTIME_DIR=$WORK/xdg "$GPUSHIM" collect -q >/dev/null 2>&1 &
gp=$!
n=0; while [ $n -lt 50 ] && ! [ -p "$WORK/xdg/gpushim/fifo" ]; do sleep 0.1; n=$((n + 1)); done
check "default FIFO under XDG_RUNTIME_DIR" test -p "$WORK/xdg/gpushim/fifo"
is "$(stat -c %a "$WORK/xdg/gpushim")" 700 "its directory is mode 0700"
kill -TERM $gp; wait $gp
done_testing
