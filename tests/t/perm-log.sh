#!/bin/sh
# GPUSHIM_LOG is written only when it is a regular file of the real user's
# that nobody else can write, in a directory nobody else can swap it in
# (issue 17 item 2), and no log can block the program: a FIFO with no
# reader, a device, a link, a file of another user's, a file others can
# write, a world-writable directory without the sticky bit are each refused
# with one line on stderr (none with GPUSHIM_QUIET), and the program runs as
# it does without the shim. The parts that need a file of another user's
# need root.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"

C=$T/ni_soname
[ -x "$C" ] && [ -e "$FAKES/cudart-12.3.101/libcudart.so.12" ] || {
	skip "ni_soname or the fakes not built (make test-bins)"; done_testing; exit; }
export LD_LIBRARY_PATH="$FAKES/cudart-12.3.101:$FAKES/cuda-545.23.08" FAKE_CUDA_DEVICE_COUNT=2
want=$("$C" libcudart.so.12 nolist 2>&1; echo "status=$?")
printf '%s\n' "$want" | grep -qx 'cudaGetDeviceCount=0 count=2'
is "$?" 0 "without the shim: the fake answers (2 devices)"

# runlog NAME LOGPATH: the program under the shim, quiet, 10 s at most
runlog() {
	out=$(timeout 10 env LD_PRELOAD="$SHIM" GPUSHIM_LOG="$2" GPUSHIM_QUIET=1 "$C" libcudart.so.12 nolist 2>&1
	      echo "status=$?")
	is "$out" "$want" "$1: the program runs as without the shim (no hang, same output)"
}

# The control: an ordinary log is written.
runlog "a log of our own" "$WORK/ok.log"
check "... and the records are there" grep -q '"fn":"cudaGetDeviceCount"' "$WORK/ok.log"

# A FIFO with no reader: opening it for writing would block.
mkfifo "$WORK/fifo"
runlog "GPUSHIM_LOG a FIFO with no reader" "$WORK/fifo"
# A device.
runlog "GPUSHIM_LOG a device (/dev/null)" /dev/null
# A link, even to a file of our own.
: >"$WORK/target"
ln -s "$WORK/target" "$WORK/link"
runlog "GPUSHIM_LOG a symbolic link" "$WORK/link"
is "$(wc -c <"$WORK/target" | tr -d ' ')" 0 "... nothing written through the link"
# A file others can write.
: >"$WORK/shared.log"
chmod 0666 "$WORK/shared.log"
runlog "GPUSHIM_LOG writable by others" "$WORK/shared.log"
is "$(wc -c <"$WORK/shared.log" | tr -d ' ')" 0 "... left as it was"
# A world-writable directory without the sticky bit.
mkdir "$WORK/open"
chmod 0777 "$WORK/open"
runlog "GPUSHIM_LOG in a world-writable, non-sticky directory" "$WORK/open/new.log"
check "... not created there" test ! -e "$WORK/open/new.log"
# A sticky world-writable directory (like /tmp) is fine for a file of ours.
mkdir "$WORK/sticky"
chmod 1777 "$WORK/sticky"
runlog "GPUSHIM_LOG in a sticky world-writable directory" "$WORK/sticky/new.log"
check "... created and written there" grep -q '"fn":"cudaGetDeviceCount"' "$WORK/sticky/new.log"
# The refusal is said once, on stderr, when not quiet.
err=$(env LD_PRELOAD="$SHIM" GPUSHIM_LOG="$WORK/shared.log" "$C" libcudart.so.12 nolist 2>&1 >/dev/null)
is "$err" "gpushim: not writing to GPUSHIM_LOG $WORK/shared.log: others can write to it" \
	"without GPUSHIM_QUIET: one line says why"

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	: >"$WORK/theirs.log"
	chown nobody "$WORK/theirs.log"
	runlog "GPUSHIM_LOG a file of another user's" "$WORK/theirs.log"
	is "$(wc -c <"$WORK/theirs.log" | tr -d ' ')" 0 "... left as it was"
else
	skip "GPUSHIM_LOG a file of another user's: needs root (chown)"
fi
done_testing
