#!/bin/sh
# gpushim run with plain programs: exit statuses, pass-through of stdio,
# FIFO clean-up, shim lookup, records written by CMD itself into
# $GPUSHIM_FIFO (independent of the shim), late records from descendants.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"

# A do-nothing shared object stands in for the shim: these tests are about
# the collector, and an empty library preloads without side effects.
DUMMY=$WORK/libdummy.so
cc -shared -o "$DUMMY" -x c /dev/null || { echo "Bail out! cannot build a dummy .so"; exit 1; }
OTHER=$WORK/libother.so
cp "$DUMMY" "$OTHER"
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"
R() { "$GPUSHIM" run --shim "$DUMMY" "$@"; }
tmp_empty() { [ -z "$(ls -A "$TMPDIR")" ]; }

R -- sh -c 'exit 3' 2>/dev/null; is "$?" 3 "exit status of CMD"
R -- sh -c 'kill -TERM $$' 2>/dev/null; is "$?" 143 "CMD killed by SIGTERM: 128+15"
check "FIFO directory removed after a signal death" tmp_empty
R -- "$WORK/no-such-cmd" 2>"$WORK/err"; is "$?" 127 "missing command (path): 127"
R -- no-such-cmd-gpushim 2>"$WORK/err"; is "$?" 127 "missing command (PATH): 127"
is "$(wc -l <"$WORK/err" | tr -d ' ')" 1 "missing command: one line"
check "missing command: names it" grep -q 'no-such-cmd-gpushim: command not found' "$WORK/err"
printf 'echo hi\n' >"$WORK/noexec.sh"
R -- "$WORK/noexec.sh" 2>/dev/null; is "$?" 126 "not executable: 126"
R -- "$WORK" 2>/dev/null; is "$?" 126 "a directory: 126"
check "FIFO directory removed on error paths" tmp_empty
"$GPUSHIM" run --shim "$DUMMY" 2>/dev/null; is "$?" 2 "run without a command: 2"
"$GPUSHIM" run --shim "$WORK/nope.so" -- true 2>"$WORK/err"; is "$?" 2 "--shim that does not exist: 2"
check "... with a one-line reason" test "$(wc -l <"$WORK/err")" -eq 1

# stdio untouched
script='printf "a\000b\377\033[0m\n"; i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done; echo err >&2'
sh -c "$script" >"$WORK/direct.out" 2>/dev/null
R -- sh -c "$script" >"$WORK/run.out" 2>"$WORK/run.err"
check "stdout of CMD passes through byte-identical" cmp -s "$WORK/direct.out" "$WORK/run.out"
check "stderr carries CMD's stderr" grep -q '^err$' "$WORK/run.err"
check "... and the report" grep -q 'gpushim report' "$WORK/run.err"
is "$(echo input | R -- cat 2>/dev/null)" input "stdin reaches CMD"
check "FIFO directory removed after a normal run" tmp_empty

# environment of CMD
# (an ASan build of gpushim must not insist on coming first itself)
is "$(ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD=$OTHER R -- sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)" "$OTHER $(realpath "$DUMMY")" \
	"shim appended to an existing LD_PRELOAD"
is "$(env -u LD_PRELOAD "$GPUSHIM" run --shim "$DUMMY" -- sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)" \
	"$(realpath "$DUMMY")" "LD_PRELOAD set when there was none"
is "$(R -- sh -c 'test -p "$GPUSHIM_FIFO" && ls -ld "$(dirname "$GPUSHIM_FIFO")" | cut -c1-10' 2>/dev/null)" \
	drwx------ "GPUSHIM_FIFO is a FIFO in a mode-0700 directory"
is "$(GPUSHIM_LOG=$WORK/log R -- sh -c 'echo "${GPUSHIM_LOG-unset}"' 2>/dev/null)" unset \
	"GPUSHIM_LOG removed so records come to us"

# shim lookup
is "$(GPUSHIM_SHIM=$DUMMY env -u LD_PRELOAD "$GPUSHIM" run -- sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)" \
	"$(realpath "$DUMMY")" "shim from GPUSHIM_SHIM"
mkdir -p "$WORK/prefix/bin" "$WORK/prefix/lib/gpushim" "$WORK/tree" "$WORK/none"
cp "$GPUSHIM" "$WORK/prefix/bin/gpushim"; cp "$DUMMY" "$WORK/prefix/lib/gpushim/libgpushim.so"
cp "$GPUSHIM" "$WORK/tree/gpushim"; cp "$DUMMY" "$WORK/tree/libgpushim.so"
cp "$GPUSHIM" "$WORK/none/gpushim"
ln -s "$WORK/prefix/bin/gpushim" "$WORK/link-gpushim"
is "$(env -u GPUSHIM_SHIM -u LD_PRELOAD "$WORK/link-gpushim" run -- sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)" \
	"$(realpath "$WORK/prefix/lib/gpushim/libgpushim.so")" "installed layout, found through a symlink to the binary"
is "$(env -u GPUSHIM_SHIM -u LD_PRELOAD "$WORK/tree/gpushim" run -- sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)" \
	"$(realpath "$WORK/tree/libgpushim.so")" "build-tree layout"
env -u GPUSHIM_SHIM "$WORK/none/gpushim" run -- true 2>"$WORK/err"
is "$?" 2 "no shim anywhere: exit 2"
check "... saying where it looked" grep -q 'cannot find libgpushim.so' "$WORK/err"

# warnings when the shim cannot take effect
cp /bin/true "$WORK/suid-true"; chmod u+s "$WORK/suid-true"
R -- "$WORK/suid-true" 2>"$WORK/err"; is "$?" 0 "set-uid CMD still runs"
check "set-uid CMD: warning" grep -q 'set-user-ID' "$WORK/err"
if printf 'int main(void){return 5;}\n' | cc -static -x c -o "$WORK/static" - 2>/dev/null; then
	R -- "$WORK/static" 2>"$WORK/err"; is "$?" 5 "static CMD still runs"
	check "static CMD: warning" grep -q 'statically linked' "$WORK/err"
else
	skip "no static libc to build a static test program"
	skip "no static libc to build a static test program"
fi
R -- sh -c true 2>"$WORK/err"
check "dynamic CMD: no warning" sh -c "! grep -q warning '$WORK/err'"

# records written straight into the FIFO by CMD (stands in for the shim)
writer='p=$$
printf "%s\n" "{\"v\":1,\"type\":\"hello\",\"pid\":$p,\"seq\":1,\"ppid\":1,\"argv\":[\"writer\"]}" \
 "{\"v\":1,\"type\":\"call\",\"pid\":$p,\"seq\":2,\"fn\":\"cudaGetDeviceCount\",\"family\":\"cudart\",\"rc\":35}" \
 "{\"v\":1,\"type\":\"bye\",\"pid\":$p,\"seq\":3,\"sent\":3,\"dropped\":0,\"folded\":0,\"reason\":\"exit\"}" >"$GPUSHIM_FIFO"
exit 4'
R --json -o "$WORK/w.json" --save "$WORK/w.save" -- sh -c "$writer" 2>/dev/null
is "$?" 4 "writer CMD: its exit status"
is "$(jq -r '.processes[0].calls[0].rc_name' "$WORK/w.json")" cudaErrorInsufficientDriver "records from CMD decoded"
is "$(jq -r '.processes[0].accounting.complete' "$WORK/w.json")" true "accounting complete"
is "$(jq -r '.processes[0].exit.status' "$WORK/w.json")" 4 "exit attached to CMD's process"
is "$(jq -r '.command.exit.status' "$WORK/w.json")" 4 "command.exit.status"
is "$(wc -l <"$WORK/w.save" | tr -d ' ')" 3 "--save keeps the raw records"
"$GPUSHIM" report --json "$WORK/w.save" >"$WORK/w2.json"
is "$(jq -r '.processes[0].calls[0].rc_name' "$WORK/w2.json")" cudaErrorInsufficientDriver "saved records render again"

# many records from many writers at once: nothing lost while CMD runs
many='i=0; while [ $i -lt 8 ]; do
 ( p=$(sh -c "echo \$PPID"); n=1; { printf "{\"v\":1,\"type\":\"hello\",\"pid\":%s,\"seq\":1,\"argv\":[\"w\"]}\n" $p
   while [ $n -lt 499 ]; do n=$((n+1)); printf "{\"v\":1,\"type\":\"call\",\"pid\":%s,\"seq\":%s,\"fn\":\"cuInit\",\"rc\":0}\n" $p $n; done
   printf "{\"v\":1,\"type\":\"bye\",\"pid\":%s,\"seq\":500,\"sent\":500,\"dropped\":0,\"folded\":0}\n" $p; } >"$GPUSHIM_FIFO" ) &
 i=$((i+1)); done; wait'
R --json -o "$WORK/many.json" -- sh -c "$many" 2>/dev/null
is "$(jq -r '[.processes[] | select(.accounting.complete)] | length' "$WORK/many.json")" 8 \
	"8 concurrent writers x 500 records: all complete"

# late records from a descendant that outlives CMD arrive within the grace
# (the descendant holds the FIFO open before CMD exits, as the shim does
# once a process has sent its first record)
late='exec 3>"$GPUSHIM_FIFO"
( sleep 0.3; printf "%s\n" "{\"v\":1,\"type\":\"hello\",\"pid\":424242,\"seq\":1,\"argv\":[\"late\"]}" >&3 ) >/dev/null 2>&1 &
exit 0'
R --json -o "$WORK/late.json" -- sh -c "$late" 2>/dev/null
is "$(jq -r '.processes[0].argv[0]' "$WORK/late.json")" late "record from a descendant after CMD exited"
# ... but the grace is bounded when a descendant keeps the FIFO open
hold='( exec 3>"$GPUSHIM_FIFO"; sleep 4 ) >/dev/null 2>&1 &
exit 0'
t0=$(date +%s)
R --grace 300 -- sh -c "$hold" 2>/dev/null
t1=$(date +%s)
check "grace is bounded (took $((t1 - t0)) s)" test $((t1 - t0)) -lt 3
check "FIFO directory removed even with a writer left" tmp_empty

# signals are forwarded to CMD
"$GPUSHIM" run --shim "$DUMMY" -- sh -c 'trap "exit 7" TERM; echo ready; while :; do sleep 0.1; done' >"$WORK/sig.out" 2>/dev/null &
gp=$!
n=0; while [ $n -lt 50 ] && ! grep -q ready "$WORK/sig.out"; do sleep 0.1; n=$((n + 1)); done
kill -TERM $gp
wait $gp
is "$?" 7 "SIGTERM to gpushim reaches CMD (CMD's trap exits 7)"
"$GPUSHIM" run --shim "$DUMMY" -- sh -c 'echo ready; exec sleep 30' >"$WORK/sig2.out" 2>/dev/null &
gp=$!
n=0; while [ $n -lt 50 ] && ! grep -q ready "$WORK/sig2.out"; do sleep 0.1; n=$((n + 1)); done
kill -HUP $gp
wait $gp
is "$?" 129 "SIGHUP forwarded: CMD dies of it, gpushim exits 129"
check "FIFO directory removed after forwarded signals" tmp_empty
done_testing
