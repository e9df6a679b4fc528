#!/bin/sh
# gpushim collect in production: --syslog lines (one JSON object per finding
# and per process summary, through the real syslog(3) to /dev/log), the
# --save file reopened on SIGHUP (log rotation), --forget.
#
# syslog(3) always writes to /dev/log. The test gives the collector its own
# /dev in a private mount namespace (unshare -m as root, unshare -rm as a
# user where user namespaces are allowed), with /dev/log a socket this test
# reads. Where no namespace can be made, a stub syslog(3) is preloaded into
# the collector instead, and the test says so.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/sysroot.sh"
for _v in $(env | sed -n 's/^\(FAKE_[A-Z0-9_]*\)=.*/\1/p'); do unset "$_v"; done
unset GPUSHIM_SYSROOT LD_LIBRARY_PATH

mkdir -p "$WORK/d" "$WORK/dev"
chmod 700 "$WORK/d"
F=$WORK/d/fifo LOG=$WORK/syslog.txt
: >"$LOG"
wait_for() { # wait_for FILE PATTERN: up to 10 s
	_i=0
	while [ $_i -lt 100 ] && ! grep -q "$2" "$1" 2>/dev/null; do sleep 0.1; _i=$((_i + 1)); done
	grep -q "$2" "$1"
}

# How the collector reaches "our" /dev/log.
mode=""
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then mode="unshare -m"
elif unshare -rm true 2>/dev/null; then mode="unshare -rm"; fi
if [ -n "$mode" ]; then
	python3 - "$WORK/log.sock" "$LOG" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b"\n") + b"\n")
PY
	rx=$!
	n=0; while [ $n -lt 50 ] && ! [ -S "$WORK/log.sock" ]; do sleep 0.1; n=$((n + 1)); done
	ln -s "$WORK/log.sock" "$WORK/dev/log"
	: >"$WORK/dev/null"
	# shellcheck disable=SC2016
	start() { exec $mode sh -c 'mount --bind /dev/null "$1/dev/null" && mount --bind "$1/dev" /dev && shift && exec "$@"' \
		sh "$WORK" "$@"; }
	echo "# syslog(3) to a private /dev/log ($mode)"
else
	echo "# no mount namespace here (not root, no user namespaces): a stub syslog(3) is preloaded instead"
	cat >"$WORK/stub.c" <<'C'
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
static int fac;
void openlog(const char *id, int opt, int f) { (void)id; (void)opt; fac = f; }
void closelog(void) {}
void vsyslog(int pri, const char *fmt, va_list ap)
{
	FILE *f = fopen(getenv("GS_SYSLOG_STUB"), "a");
	if (!f) return;
	fprintf(f, "<%d>stub gpushim[0]: ", pri | fac);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fclose(f);
}
void syslog(int pri, const char *fmt, ...) { va_list ap; va_start(ap, fmt); vsyslog(pri, fmt, ap); va_end(ap); }
void __syslog_chk(int pri, int flag, const char *fmt, ...) { va_list ap; (void)flag; va_start(ap, fmt); vsyslog(pri, fmt, ap); va_end(ap); }
C
	cc -shared -fPIC -o "$WORK/stub.so" "$WORK/stub.c"
	start() { GS_SYSLOG_STUB=$LOG LD_PRELOAD=$WORK/stub.so exec "$@"; }
	rx=""
fi

make_sysroot "$WORK/root" 545.23.08
start "$GPUSHIM" collect --fifo "$F" --save "$WORK/rec.jsonl" --syslog=local3 --forget -q \
	--json -o "$WORK/report.json" 2>"$WORK/err" &
gp=$!
n=0; while [ $n -lt 50 ] && ! [ -p "$F" ]; do sleep 0.1; n=$((n + 1)); done
check "collector is serving $F" test -p "$F"
check "start event logged" wait_for "$LOG" '"event":"start"'

# 1: driver 550 libraries on a 545 kernel module: nvml-driver-mismatch
GPUSHIM_FIFO=$F LD_PRELOAD=$SHIM GPUSHIM_SYSROOT=$WORK/root LD_LIBRARY_PATH=$FAKES/nvml-550.54.14 \
	"$T/gpu_nvml_init" >/dev/null 2>&1 &
p1=$!
wait $p1
check "process summary logged when it ended" wait_for "$LOG" "\"event\":\"process\",\"pid\":$p1,"

msg() { sed -n "s/^<\([0-9]*\)>.*gpushim\[[0-9]*\]: \(.*\)$/\1 \2/p" "$LOG" | grep "$1" | head -1; }
fl=$(msg '"event":"finding"')
# local3 = 19 << 3 = 152; LOG_ERR = 3; LOG_INFO = 6
is "${fl%% *}" 155 "finding logged at local3.err"
fj=${fl#* }
is "$(printf '%s' "$fj" | jq -r '.id')" nvml-driver-mismatch "finding line is JSON with the id"
is "$(printf '%s' "$fj" | jq -r '[.pid, .severity, (.exe | test("gpu_nvml_init$")), (.fix | length > 0)] | map(tostring) | join(" ")')" \
	"$p1 error true true" "... pid, severity, exe and fix"
pl=$(msg "\"event\":\"process\",\"pid\":$p1,")
is "${pl%% *}" 158 "process summary at local3.info"
pj=${pl#* }
is "$(printf '%s' "$pj" | jq -r '[.errors, .warnings, .end, .complete, .kernel_driver, .libs[0].family] | map(tostring) | join(" ")')" \
	"1 0 exit true 545.23.08 libnvidia-ml" "summary: counts, end, accounting, driver, libraries"
check "no argv or environment in syslog lines" sh -c "! grep -q -e '\"argv\"' -e '\"env\"' '$LOG'"

# 2: log rotation: move the file away, SIGHUP, the next records go to a new one
mv "$WORK/rec.jsonl" "$WORK/rec.jsonl.1"
kill -HUP $gp
check "SIGHUP: reopen logged, collector still running" wait_for "$LOG" '"event":"reopen"'
check "... and a new --save file exists" test -f "$WORK/rec.jsonl"
GPUSHIM_FIFO=$F LD_PRELOAD=$SHIM GPUSHIM_SYSROOT=$WORK/root LD_LIBRARY_PATH=$FAKES/nvml-545.23.08 \
	"$T/gpu_nvml_init" >/dev/null 2>&1 &
p2=$!
wait $p2
check "second process summarized" wait_for "$LOG" "\"event\":\"process\",\"pid\":$p2,"
is "$(jq -r -s "[.[] | select(.pid == $p1)] | length > 0" "$WORK/rec.jsonl.1")" true "rotated file holds the first process"
is "$(jq -r -s "[.[] | select(.pid == $p2)] | length" "$WORK/rec.jsonl.1")" 0 "... and nothing of the second"
is "$(jq -r -s "[.[].pid] | unique | map(tostring) | join(\" \")" "$WORK/rec.jsonl")" "$p2" "new file holds only the second"
p2j=$(msg "\"event\":\"process\",\"pid\":$p2,")
is "$(printf '%s' "${p2j#* }" | jq -r '.errors + .warnings')" 0 "healthy process: no findings, no finding lines"
is "$(grep -c '"event":"finding"' "$LOG")" 1 "one finding line in all"

# 3: a process still running when the collector stops is summarized as no-bye
printf '%s\n' '{"v":1,"type":"hello","pid":424242,"seq":1,"ppid":1,"argv":["x"]}' >"$F"
sleep 0.3
kill -TERM $gp
wait $gp
is "$?" 0 "SIGTERM: exit 0"
check "open process summarized at stop" grep -q '"event":"process","pid":424242,.*"end":"no-bye"' "$LOG"
check "stop event logged" grep -q '"event":"stop"' "$LOG"
is "$(jq -r '[.processes[].pid] | map(tostring) | join(" ")' "$WORK/report.json")" 424242 \
	"--forget: the final report holds only what had not ended"

# bad use
"$GPUSHIM" collect --syslog=kern --fifo "$F" 2>"$WORK/e2"; is "$?" 2 "--syslog=kern: usage error"
"$GPUSHIM" run --syslog -- true 2>"$WORK/e2"; is "$?" 2 "--syslog is for collect"
[ -n "$rx" ] && kill "$rx"
done_testing
