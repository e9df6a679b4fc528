#!/bin/sh
# Faults around a program under the shim (design §3 rules 1-3, 5): in each
# case the program's stdout and exit status are the same as without the
# shim, and its stderr too but for "gpushim: " lines (the shim's one clear
# line per problem). Cases: the collector killed mid-run and a new one
# started; the FIFO removed and recreated (the shim reconnects, at most one
# open every 250 ms); GPUSHIM_LOG on a full filesystem (tmpfs), past
# RLIMIT_FSIZE (SIGXFSZ must not reach the program) and on a read-only
# path; RLIMIT_NOFILE exhausted before the first event, and below the
# shim's descriptor floor; allocations failing (the shim's own, and all of
# them); fork in a multithreaded program while a thread is inside a hook;
# vfork and posix_spawn; exec of a static and of a set-uid binary.
# Waits are hang guards; nothing is timed.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"
. "$GPUSHIM_TOP/tests/stress/lib.sh"

E=$ST/st_emit FLT=$ST/st_fault FRK=$ST/st_fork
st_need "$E" "$FLT" "$FLT"_runpath "$FRK" "$ST/st_static" "$ST/st_whoami" "$ST/st_pipewait" "$ST/lib/libcudnn_stblock.so.1" \
	"$ST/libst_failmalloc.so" "$ST/libst_countopen.so" "$NI/decoy/libcudnn_ni.so.1" "$SHIM" "$GPUSHIM"
export LD_LIBRARY_PATH="$NI/decoy:$ST/lib"
figures_reset faults
mkdir -m 700 "$WORK/d"
F=$WORK/d/fifo

# ni_same_out NAME DESC: stdout and status the same; stderr the same once
# "gpushim: " lines are left out (they are counted in a comment).
ni_same_out() {
	if [ "$(cat "$WORK/$1.rc0")" = "$(cat "$WORK/$1.rc1")" ] && cmp -s "$WORK/$1.out0" "$WORK/$1.out1" &&
	   grep -v '^gpushim: ' "$WORK/$1.err1" | cmp -s "$WORK/$1.err0" -; then
		ok 0 "$2: same output, status and stderr with the shim"
	else
		ok 1 "$2: same output, status and stderr with the shim"
		echo "#   status without: $(cat "$WORK/$1.rc0"), with: $(cat "$WORK/$1.rc1")"
		diff "$WORK/$1.out0" "$WORK/$1.out1" | head -10 | sed 's/^/#   /'
		diff "$WORK/$1.err0" "$WORK/$1.err1" | head -5 | sed 's/^/#   /'
	fi
	_g=$(grep -c '^gpushim: ' "$WORK/$1.err1")
	[ "$_g" -gt 0 ] && grep '^gpushim: ' "$WORK/$1.err1" | sed 's/^/#   shim said: /'
	return 0
}
# fault NAME DESC CMD...: ni_run0 + ni_run1 (NI_SINK, NI_PRELOAD apply) + ni_same_out
fault() {
	_fn=$1 _fd=$2; shift 2
	ni_run0 "$_fn" "$@"
	ni_run1 "$_fn" "$@"
	ni_same_out "$_fn" "$_fd"
}

# --- 1. the collector killed mid-run (SIGKILL), a new one started
N=8
mkfifo "$WORK/k.ctl" "$WORK/k.ctl2"
exec 4<>"$WORK/k.ctl" 5<>"$WORK/k.ctl2"
"$E" 500 500 <"$WORK/k.ctl" 3<"$WORK/k.ctl2" >"$WORK/k.expected" 2>&1 4>&- 5>&- &
e0=$!
collector_start ka "$F" -q
ka=$cpid
pids=""
i=1
while [ $i -le $N ]; do
	(timeout 60 env LD_PRELOAD="$SHIM" GPUSHIM_FIFO="$F" "$E" 500 500 <"$WORK/k.ctl" 3<"$WORK/k.ctl2" \
		>"$WORK/k.$i.out" 2>"$WORK/k.$i.err" 4>&- 5>&-; echo $? >"$WORK/k.$i.rc") &
	pids="$pids $!"
	i=$((i + 1))
done
ni_wait_for all_have $N holding "$WORK/k" .out
timeout 70 "$ST/st_pipewait" "$F"
kill -KILL "$ka"; wait "$ka" 2>/dev/null
head -c $((N + 1)) /dev/zero >&4   # phase 2: nobody reads the FIFO
ni_wait_for all_have $N 'phase 2 done' "$WORK/k" .out
collector_start kb "$F" -q
sleep 0.3 # the shim's next retry is due (at most one every 250 ms)
head -c $((N + 1)) /dev/zero >&5   # exit: bye to the new collector
wait $pids $e0
exec 4>&- 5>&-
timeout 70 "$ST/st_pipewait" "$F"
collector_stop "$cpid"
check "(1) collector killed mid-run: every program same output, status 0 (no SIGPIPE), no stderr" \
	same_outputs $N "$WORK/k" "$WORK/k.expected"
is "$(jq -r '[.processes[] | select(.bye_reason == "exit")] | length' "$WORK/kb.json")" $N \
	"(1) the shim reconnected: the new collector got every program's bye"
cat "$WORK/ka.save" "$WORK/kb.save" >"$WORK/k.all"
is "$(jqr "$WORK/k.all" 'group_by(.pid)[] | (map(.seq)) as $s | (map(select(.type == "bye")) | last) as $b
	| select(($s | unique | length) != ($s | length) or length + $b.dropped > $b.sent) | .[0].pid' | wc -l | tr -d ' ')" 0 \
	"(1) no record twice; received by both + dropped <= sent"
# The shims hold the FIFO read-write: what they wrote while no collector
# read waited in the pipe for the new one (records beyond its room dropped).
n2=$(jqr "$WORK/kb.save" '[.[] | select(.type != "hello" and .type != "bye")] | length')
check "(1) records written while no collector read reached the new one ($n2)" test "$n2" -gt 0
lost=$(jqr "$WORK/k.all" '[group_by(.pid)[] | (map(select(.type == "bye")) | last) as $b | $b.sent - $b.dropped - length] | add')
figure faults "killed collector: records lost in its pipe (uncounted)" "$lost"

# --- 2. the FIFO removed and recreated mid-run; reconnect rate
mkfifo "$WORK/r.ctl" "$WORK/r.ctl2"
exec 4<>"$WORK/r.ctl" 5<>"$WORK/r.ctl2"
"$E" 300 300 <"$WORK/r.ctl" 3<"$WORK/r.ctl2" >"$WORK/r.out0" 2>"$WORK/r.err0" 4>&- 5>&- &
e0=$!
collector_start ra "$F" -q
(timeout 60 env LD_PRELOAD="$SHIM" GPUSHIM_FIFO="$F" "$E" 300 300 <"$WORK/r.ctl" 3<"$WORK/r.ctl2" \
	>"$WORK/r.out1" 2>"$WORK/r.err1" 4>&- 5>&-; echo $? >"$WORK/r.rc1") &
p1=$!
ni_wait_for grep -q holding "$WORK/r.out1"
timeout 70 "$ST/st_pipewait" "$F"
collector_stop "$cpid"
rm -f "$F"
collector_start rb "$F" -q
sleep 0.3
head -c 2 /dev/zero >&4
ni_wait_for grep -q 'phase 2 done' "$WORK/r.out1"
sleep 0.3
head -c 2 /dev/zero >&5
wait $p1 $e0
echo 0 >"$WORK/r.rc0"
exec 4>&- 5>&-
timeout 70 "$ST/st_pipewait" "$F"
collector_stop "$cpid"
ni_same_out r "(2) FIFO removed and recreated"
is "$(jqr "$WORK/rb.save" '[.[] | select(.type == "bye")] | length')" 1 "(2) the shim found the new FIFO: its bye arrived there"
rb=$(jqr "$WORK/rb.save" 'length')
figure faults "FIFO recreated: records that reached the new FIFO" "$rb"
# the rate: a FIFO nobody reads, a program that runs for a while; the opens
# of the FIFO (counted by an interposer) are at most one per 250 ms of its
# run time, plus the first
mkfifo "$WORK/noreader"
t0=$(now_ms)
NI_PRELOAD="$SHIM $ST/libst_countopen.so" NI_SINK="GPUSHIM_FIFO=$WORK/noreader ST_COUNT_PATH=$WORK/noreader ST_COUNT_OUT=$WORK/opens" \
	fault rate "(2) no reader for a second" "$FLT" xfsz
t1=$(now_ms)
opens=$(cat "$WORK/opens" 2>/dev/null || echo none)
bound=$(((t1 - t0) / 250 + 2))
check "(2) reconnect attempts bounded: $opens opens in $((t1 - t0)) ms (at most $bound)" test "$opens" -le "$bound"
figure faults "no reader: FIFO opens per second of run time" "$(awk "BEGIN { printf \"%.1f\", $opens * 1000 / ($t1 - $t0) }")"

# --- 3. GPUSHIM_LOG: full filesystem, file-size limit, read-only path
MNT=$WORK/mnt
mkdir "$MNT"
if mount -t tmpfs -o size=64k,mode=700 tmpfs "$MNT" 2>/dev/null; then
	trap 'umount "$MNT" 2>/dev/null; rm -rf "$WORK"' EXIT
	dd if=/dev/zero of="$MNT/fill" bs=4k 2>/dev/null
	NI_SINK="GPUSHIM_LOG=$MNT/full.log" fault full "(3) GPUSHIM_LOG on a full filesystem" "$E" 2000
	rm -f "$MNT/fill" "$MNT/full.log"
	# fills up during the run, then space is freed and writing resumes
	dd if=/dev/zero of="$MNT/fill" bs=4k count=8 2>/dev/null
	mkfifo "$WORK/s.ctl" "$WORK/s.ctl2"
	exec 4<>"$WORK/s.ctl" 5<>"$WORK/s.ctl2"
	"$E" 1000 20 <"$WORK/s.ctl" 3<"$WORK/s.ctl2" >"$WORK/s.out0" 2>"$WORK/s.err0" 4>&- 5>&- &
	e0=$!
	(timeout 60 env LD_PRELOAD="$SHIM" GPUSHIM_LOG="$MNT/s.log" "$E" 1000 20 <"$WORK/s.ctl" 3<"$WORK/s.ctl2" \
		>"$WORK/s.out1" 2>"$WORK/s.err1" 4>&- 5>&-; echo $? >"$WORK/s.rc1") &
	p1=$!
	ni_wait_for grep -q holding "$WORK/s.out1"
	rm -f "$MNT/fill"
	sleep 0.3
	head -c 2 /dev/zero >&4
	ni_wait_for grep -q 'phase 2 done' "$WORK/s.out1"
	head -c 2 /dev/zero >&5
	wait $p1 $e0
	echo 0 >"$WORK/s.rc0"
	exec 4>&- 5>&-
	ni_same_out s "(3) filesystem full mid-run, then space freed"
	cp "$MNT/s.log" "$WORK/s.log"
	"$GPUSHIM" report --json "$WORK/s.log" >"$WORK/s.json" 2>/dev/null
	is "$(jq -r '.processes[0].accounting.complete' "$WORK/s.json")" true \
		"(3) a record cut short by ENOSPC does not swallow the next one (received + dropped = sent)"
	jq -c '.processes[0].accounting, .bad_input' "$WORK/s.json" | sed 's/^/#   /'
	umount "$MNT"
	mount -t tmpfs -o ro,size=64k tmpfs "$MNT"
	NI_SINK="GPUSHIM_LOG=$MNT/ro.log" fault ro "(3) GPUSHIM_LOG on a read-only filesystem" "$E" 200
	is "$(grep -c '^gpushim: .*ro.log' "$WORK/ro.err1")" 1 "(3) read-only: the shim says why, once"
	umount "$MNT"
else
	skip "(3) cannot mount a tmpfs here (not root?): full and read-only filesystem cases skipped"
fi
: >"$WORK/fsz.log"
NI_SINK="GPUSHIM_LOG=$WORK/fsz.log" fault fsz "(3) GPUSHIM_LOG past RLIMIT_FSIZE, program counts SIGXFSZ" \
	prlimit --fsize=65536 "$FLT" xfsz
check "(3) ... the program saw no SIGXFSZ" grep -q 'SIGXFSZ seen by the program: 0' "$WORK/fsz.out1"
: >"$WORK/fsz2.log"
NI_SINK="GPUSHIM_LOG=$WORK/fsz2.log" fault fsz2 "(3) GPUSHIM_LOG past RLIMIT_FSIZE, SIGXFSZ default (kills)" \
	prlimit --fsize=65536 "$FLT" xfsz-dfl

# --- 4. descriptors
fault nofile "(4) RLIMIT_NOFILE exhausted before the first event" "$FLT" nofile
check "(4) ... records still arrive once the limit is raised" grep -q '"st_fault_missing_399"' "$WORK/nofile.log"
fault nofile64 "(4) RLIMIT_NOFILE 64, below the shim's descriptor floor (stacks off)" \
	env GPUSHIM_STACK=0 "$FLT" nofile64
fault fds "(4) the lowest free descriptor after the first events (stacks off)" \
	env GPUSHIM_STACK=0 "$FLT" fds
# With stacks on, libunwind 1.6 opens a pipe on its first backtrace and
# keeps it: the shim moves its ends high (pipehook.c).
fault fdsstack "(4) the lowest free descriptor after the first events (stacks on)" "$FLT" fds
check "(4) ... stacks were taken" grep -q '"stack":' "$WORK/fdsstack.log"
fault nofile64s "(4) RLIMIT_NOFILE 64, below the shim's descriptor floor (stacks on)" "$FLT" nofile64

# --- 5. allocations fail
FM=$ST/libst_failmalloc.so
ni_run0 oom1 env LD_PRELOAD="$FM" "$FLT" oom shim
NI_PRELOAD="$SHIM $FM" ni_run1 oom1 "$FLT" oom shim
ni_same_out oom1 "(5) the shim's own allocations fail"
check "(5) ... records still written" grep -q '"st_fault_missing_299"' "$WORK/oom1.log"
# Every allocation failing after the first watched dlopen: lookups, failed
# opens, and a second dlopen of the loaded library by the same bare name
# (docs/reliability.md, bug 5: glibc must know the object by that name, as
# without the shim, or matching it by SONAME allocates). Found along
# LD_LIBRARY_PATH, and along the program's own RUNPATH (LD_LIBRARY_PATH unset).
ni_run0 oom2 env LD_PRELOAD="$FM" "$FLT" oom all
NI_PRELOAD="$SHIM $FM" ni_run1 oom2 "$FLT" oom all
ni_same_out oom2 "(5) every allocation fails after the first watched dlopen (LD_LIBRARY_PATH)"
check "(5) ... the second dlopen worked" grep -q 'reopen ok' "$WORK/oom2.out1"
ni_run0 oom3 env -u LD_LIBRARY_PATH LD_PRELOAD="$FM" "$FLT"_runpath oom all
NI_PRELOAD="$SHIM $FM" ni_run1 oom3 env -u LD_LIBRARY_PATH "$FLT"_runpath oom all
ni_same_out oom3 "(5) every allocation fails after the first watched dlopen (RUNPATH)"
check "(5) ... the second dlopen worked" grep -q 'reopen ok' "$WORK/oom3.out1"
check "(5) ... found along the RUNPATH" grep -q '"how":"runpath"' "$WORK/oom3.log"

# --- 6. fork while another thread is inside a hook; vfork, posix_spawn
fault fctor "(6) fork while a thread is inside a watched dlopen" "$FRK" ctor
fault fcall "(6) fork while a thread is inside a hooked cudnnCreate" "$FRK" call
[ "$STRESS_FULL" = 1 ] && NF=2000 || NF=200
fault fham "(6) $NF forks while four threads make watched calls" "$FRK" hammer $NF
check "(6) ... every fork child's records parse" ni_records_ok "$WORK/fham.log"
fault spawn "(6) posix_spawn, vfork+execv, vfork+_exit" "$FLT" spawn
is "$(jqr "$WORK/spawn.log" '[.[] | select(.type == "hello")] | length')" 3 "(6) parent and the two exec'ed children said hello"

# --- 7. exec of a static and of a set-uid binary
fault static "(7) exec of a static binary" "$FLT" exec "$ST/st_static"
is "$(jqr "$WORK/static.log" '[.[] | select(.type == "bye")][0].reason')" exec "(7) the image that exec'ed said bye (exec)"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	NOB=$(mktemp -d /tmp/gpushim-stress-nobody.XXXXXX)
	trap 'umount "$MNT" 2>/dev/null; rm -rf "$WORK" "$NOB"' EXIT
	chmod 755 "$NOB"
	cp "$ST/st_whoami" "$ST/st_static" "$NOB/"
	chown daemon "$NOB/st_whoami" "$NOB/st_static"
	chmod 4755 "$NOB/st_whoami" "$NOB/st_static"
	mkdir -m 700 "$NOB/log"; chown nobody "$NOB/log"
	AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	for t in st_whoami st_static; do
		NI_SINK="GPUSHIM_LOG=$NOB/log/$t.log" fault "suid$t" "(7) as nobody, exec of set-uid $t" \
			$AS "$FLT" exec "$NOB/$t"
		check "(7) ... it ran set-uid (euid differs)" grep -q 'ruid 65534 euid 1$' "$WORK/suid$t.out1"
	done
	check "(7) ... the shim did not load into the set-uid images (one hello per log)" \
		sh -c "[ \$(cat '$NOB'/log/*.log | jq -s '[.[] | select(.type == \"hello\")] | length') = 2 ]"
else
	skip "(7) set-uid exec needs root, the user nobody and setpriv"
fi
done_testing
