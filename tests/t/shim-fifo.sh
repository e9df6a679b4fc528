#!/bin/sh
# Rule 2 (never block, never kill) and the sink rules: with GPUSHIM_FIFO
# pointing at nothing, at a FIFO without a reader, at a FIFO whose reader
# is stopped (pipe full), at one whose reader is killed mid-run, and at
# sinks the shim must refuse (a regular file, a symbolic link to a FIFO, a
# FIFO in a directory others can write), a program making thousands of
# watched dlopen calls prints the same, exits the same (never 141, SIGPIPE)
# and finishes; drops are counted (sent = received + dropped).
# `timeout 60` and the waits below are hang guards, not timed assertions.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"

P=$T/ni_flood R=$T/ni_fiforeader
for f in "$P" "$R" "$NI/decoy/libcudnn_ni.so.1"; do
	[ -e "$f" ] || { echo "# missing $f: run make test-bins"; skip "fixtures not built"; done_testing; exit; }
done
export LD_LIBRARY_PATH="$NI/decoy"
N=3000
if ! ni_have_shim; then
	ni_run0 base "$P" $N
	is "$(cat "$WORK/base.rc0")" 0 "flood program runs without the shim"
	skip "no shim yet"; done_testing; exit
fi

stopped() { [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" = T ]; }
not141() { # not141 NAME DESC
	_r=$(cat "$WORK/$1.rc1")
	[ "$_r" != 141 ] && [ "$_r" != 124 ]
	ok $? "$2: no SIGPIPE, no hang (status $_r)"
}
# accounting LOG DESC: the one process in LOG has a bye; the records that
# arrived plus its dropped count equal its sent count, and the gaps in seq
# are exactly the drops. Prints "dropped=N" on stdout.
accounting() {
	jqr "$1" 'group_by(.pid)[] | (map(select(.type == "bye")) | last) as $b
		| if $b == null then "no bye from pid \(.[0].pid)"
		  elif (length + $b.dropped) != $b.sent then "pid \(.[0].pid): received \(length) + dropped \($b.dropped) != sent \($b.sent)"
		  elif (map(.seq) | (max != $b.sent) or (unique | length) != length) then "pid \(.[0].pid): seq numbers do not end at sent or repeat"
		  else "dropped=\($b.dropped)" end'
}

# (a) nothing at the FIFO path; the shim must not create it either
NI_SINK="GPUSHIM_FIFO=$WORK/none" ni_both a "(a) GPUSHIM_FIFO names nothing" "$P" $N
not141 a "(a)"
check "(a) nothing was created at the FIFO path" test ! -e "$WORK/none"

# (b) a FIFO without a reader
mkfifo "$WORK/b.fifo"
NI_SINK="GPUSHIM_FIFO=$WORK/b.fifo" ni_both b "(b) FIFO without a reader" "$P" $N
not141 b "(b)"

# A program run with --hold: started in the background with its stdin on a
# control FIFO the test holds open (fd 4), released by a line on it.
start_hold() { # start_hold NAME FIFO N2
	mkfifo "$WORK/$1.ctl"
	exec 4<>"$WORK/$1.ctl"
	(timeout 60 env LD_PRELOAD="$SHIM" GPUSHIM_FIFO="$2" "$P" $N --hold "$3" \
		<"$WORK/$1.ctl" >"$WORK/$1.out1" 2>"$WORK/$1.err1" 4>&-
	 echo $? >"$WORK/$1.rc1") &
	hold_pid=$!
	echo go | timeout 60 "$P" $N --hold "$3" >"$WORK/$1.out0" 2>"$WORK/$1.err0" 4>&-
	echo $? >"$WORK/$1.rc0"
}
release() { echo go >&4; wait "$hold_pid"; exec 4>&-; }

# (c) the reader opened the FIFO and was stopped: the pipe fills up
mkfifo "$WORK/c.fifo"
"$R" "$WORK/c.fifo" "$WORK/c.rec" stop 4>&- &
rpid=$!
ni_wait_for stopped $rpid
start_hold c "$WORK/c.fifo" 5
check "(c) phase 1 finished while the reader was stopped" ni_wait_for grep -q holding "$WORK/c.out1"
kill -CONT $rpid
ni_wait_for test -e "$WORK/c.rec.drained"
release
kill -TERM $rpid; wait $rpid
ni_same c "(c) stopped reader, full pipe"
not141 c "(c)"
check "(c) records parse" ni_records_ok "$WORK/c.rec"
acc=$(accounting "$WORK/c.rec")
case $acc in dropped=0) ok 1 "(c) drops counted: expected dropped > 0" ;;
dropped=*) ok 0 "(c) drops counted, sent = received + dropped ($acc)" ;;
*) ok 1 "(c) drops counted, sent = received + dropped"; echo "#   $acc" ;; esac

# (d) the reader is killed mid-run: later writes meet a pipe without reader
mkfifo "$WORK/d.fifo"
"$R" "$WORK/d.fifo" "$WORK/d.rec" stop 4>&- &
rpid=$!
ni_wait_for stopped $rpid
start_hold d "$WORK/d.fifo" $N
check "(d) phase 1 finished while the reader was stopped" ni_wait_for grep -q holding "$WORK/d.out1"
kill -KILL $rpid; wait $rpid 2>/dev/null
release
ni_same d "(d) reader killed mid-run"
not141 d "(d)"

# (e) a live reader: nothing lost that is not counted
mkfifo "$WORK/e.fifo"
"$R" "$WORK/e.fifo" "$WORK/e.rec" 4>&- &
rpid=$!
ni_wait_for test -e "$WORK/e.rec.ready"
NI_SINK="GPUSHIM_FIFO=$WORK/e.fifo" ni_both e "(e) live reader" "$P" $N
kill -TERM $rpid; wait $rpid
check "(e) records parse" ni_records_ok "$WORK/e.rec"
acc=$(accounting "$WORK/e.rec")
case $acc in dropped=*) ok 0 "(e) sent = received + dropped ($acc)" ;;
*) ok 1 "(e) sent = received + dropped"; echo "#   $acc" ;; esac

# (f) sinks the shim must refuse: a regular file, a symbolic link to a
# FIFO with a reader, a FIFO with a reader in a directory others can write
: >"$WORK/f.file"
ni_run0 f "$P" 100
NI_SINK="GPUSHIM_FIFO=$WORK/f.file" ni_run1 f "$P" 100
ni_same_refused f "(f) GPUSHIM_FIFO is a regular file"
check "(f) nothing written into the regular file" test ! -s "$WORK/f.file"
mkfifo "$WORK/g.fifo"
ln -s "$WORK/g.fifo" "$WORK/g.link"
"$R" "$WORK/g.fifo" "$WORK/g.rec" 4>&- &
rpid=$!
ni_wait_for test -e "$WORK/g.rec.ready"
ni_run0 g "$P" 100
NI_SINK="GPUSHIM_FIFO=$WORK/g.link" ni_run1 g "$P" 100
ni_same_refused g "(f) GPUSHIM_FIFO is a symbolic link to a FIFO"
kill -TERM $rpid; wait $rpid
check "(f) nothing sent through the symbolic link" test ! -s "$WORK/g.rec"
mkdir "$WORK/ww"; chmod 0777 "$WORK/ww"; mkfifo "$WORK/ww/fifo"
"$R" "$WORK/ww/fifo" "$WORK/h.rec" 4>&- &
rpid=$!
ni_wait_for test -e "$WORK/h.rec.ready"
ni_run0 h "$P" 100
NI_SINK="GPUSHIM_FIFO=$WORK/ww/fifo" ni_run1 h "$P" 100
ni_same_refused h "(f) FIFO in a directory others can write"
kill -TERM $rpid; wait $rpid
check "(f) nothing sent through a FIFO in a world-writable directory" test ! -s "$WORK/h.rec"
done_testing
