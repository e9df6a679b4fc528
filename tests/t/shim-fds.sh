#!/bin/sh
# Rule 3 (never write where it does not own): a program that closes all its
# descriptors, dup2s its own file onto every number (or exactly onto the
# shim's), and execs, while making watched dlopen calls, gets byte-identical
# files with and without the shim, no record text in them, and no shim
# descriptor survives exec. Run with a GPUSHIM_LOG file and with a FIFO.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"

P=$T/ni_fds R=$T/ni_fiforeader
for f in "$P" "$R" "$NI/decoy/libcudnn_ni.so.1"; do
	[ -e "$f" ] || { echo "# missing $f: run make test-bins"; skip "fixtures not built"; done_testing; exit; }
done
export LD_LIBRARY_PATH="$NI/decoy"

files_same() { # files_same DIR0 DIR1
	[ "$(cd "$1" && ls)" = "$(cd "$2" && ls)" ] || { echo "#   file lists differ"; return 1; }
	for f in "$1"/*; do
		cmp "$f" "$2/${f##*/}" | sed 's/^/#   /'
		cmp -s "$f" "$2/${f##*/}" || return 1
	done
}
no_records() { ! grep -l -e '"type"' -e '"seq"' "$1"/* | sed 's/^/#   record text in /' | grep -q .; }

for sink in log fifo; do
	for mode in close dup2 dup3 reuse reuse3 exec; do
		nm=$sink-$mode
		mkdir -p "$WORK/$nm.d0" "$WORK/$nm.d1"
		ni_run0 "$nm" "$P" $mode "$WORK/$nm.d0"
		if ! ni_have_shim; then skip "$nm: no shim yet"; continue; fi
		if [ $sink = log ]; then
			ni_run1 "$nm" "$P" $mode "$WORK/$nm.d1"
		else
			mkfifo "$WORK/$nm.fifo"
			"$R" "$WORK/$nm.fifo" "$WORK/$nm.rec" &
			rpid=$!
			ni_wait_for test -e "$WORK/$nm.rec.ready"
			NI_SINK="GPUSHIM_FIFO=$WORK/$nm.fifo" ni_run1 "$nm" "$P" $mode "$WORK/$nm.d1"
			kill -TERM $rpid; wait $rpid
		fi
		ni_same "$nm" "$mode with records to a $sink"
		if [ $mode != exec ]; then
			check "$mode with records to a $sink: the program's files are byte-identical" files_same "$WORK/$nm.d0" "$WORK/$nm.d1"
			check "$mode with records to a $sink: no record text in the program's files" no_records "$WORK/$nm.d1"
		fi
		rec=$WORK/$nm.log; [ $sink = fifo ] && rec=$WORK/$nm.rec
		check "$mode with records to a $sink: the records that did arrive parse" ni_records_ok "$rec"
		# at least the hello before the descriptors were touched arrived
		is "$(jqr "$rec" '[.[] | select(.type == "hello")] | length >= 1')" true "$mode with records to a $sink: the sink got records"
	done
done
done_testing
