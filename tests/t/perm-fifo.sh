#!/bin/sh
# Design §3 rule 4, FIFO side: the shim refuses a FIFO that is a symbolic
# link, not a FIFO, owned by another user, in a directory others can write
# or in a directory of another user, says why in exactly one stderr line
# however many records it drops, and sends nothing there; `gpushim collect`
# refuses the same (exit 3). A FIFO swapped between the check and the open
# (for a symbolic link, or for someone else's FIFO) is not used by either.
# gpushim collect creates the default directory mode 0700, whatever the
# umask. tests/t/shim-fifo.sh (f) and coll-collect.sh cover the basic
# refusals; this adds the rest.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"
. "$GPUSHIM_TOP/tests/stress/lib.sh"

E=$ST/st_emit R=$T/ni_fiforeader
st_need "$E" "$R" "$ST/libst_swap.so" "$NI/decoy/libcudnn_ni.so.1" "$SHIM" "$GPUSHIM"
export LD_LIBRARY_PATH="$NI/decoy"
ROOT=0; [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && id daemon >/dev/null 2>&1 && ROOT=1
AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"

# refused NAME DESC WHY FIFO [RUNAS...]: a reader on FIFO; the program (as
# RUNAS) prints the same, says WHY once, and nothing reaches the reader
refused() {
	_rn=$1 _rd=$2 _why=$3 _rf=$4; shift 4
	"$R" "$_rf" "$WORK/$_rn.rec" 4>&- &
	_r=$!
	ni_wait_for test -e "$WORK/$_rn.rec.ready"
	ni_run0 "$_rn" "$@" "$E" 500
	NI_SINK="GPUSHIM_FIFO=$_rf" ni_run1 "$_rn" "$@" "$E" 500
	kill -TERM $_r; wait $_r
	ni_same_refused "$_rn" "$_rd"
	is "$(grep -c "^gpushim: not writing to FIFO .*: $_why" "$WORK/$_rn.err1")" 1 "$_rd: says '$_why', once"
	check "$_rd: nothing sent" test ! -s "$WORK/$_rn.rec"
}
mkdir -m 700 "$WORK/own"
mkfifo "$WORK/own/fifo"
ln -s "$WORK/own/fifo" "$WORK/own/link"
refused link "symbolic link to a FIFO" "it is a symbolic link" "$WORK/own/link"
mkdir -m 770 "$WORK/grp"; mkfifo "$WORK/grp/fifo"
refused grp "FIFO in a group-writable directory" "its directory is writable by others" "$WORK/grp/fifo"
if [ $ROOT = 1 ]; then
	mkfifo "$WORK/own/theirs"; chown daemon "$WORK/own/theirs"
	refused theirs "FIFO owned by another user" "it belongs to another user" "$WORK/own/theirs"
	mkdir -m 700 "$WORK/dd"; mkfifo "$WORK/dd/fifo"; chown daemon "$WORK/dd"
	refused dird "FIFO in another user's directory" "its directory belongs to another user" "$WORK/dd/fifo"
	# as an unprivileged user: a FIFO of another unprivileged user, in a
	# directory the program's user may enter
	chmod 711 "$WORK"
	mkdir -m 711 "$WORK/nob"; chown nobody "$WORK/nob"
	mkfifo -m 666 "$WORK/nob/fifo"; chown daemon "$WORK/nob/fifo"
	refused nob "as nobody: FIFO owned by daemon" "it belongs to another user" "$WORK/nob/fifo" $AS
	chmod 700 "$WORK"
else
	skip "FIFOs of another user need root (chown) and the users nobody and daemon"
fi

# collect refuses the same
mkdir -m 770 "$WORK/cg"
"$GPUSHIM" collect --fifo "$WORK/cg/fifo" 2>"$WORK/cg.err"
is "$?" 3 "collect: a group-writable directory: exit 3"
check "collect: ... and no FIFO made there" test ! -e "$WORK/cg/fifo"
if [ $ROOT = 1 ]; then
	"$GPUSHIM" collect --fifo "$WORK/dd/fifo" 2>"$WORK/cd.err"
	is "$?" 3 "collect: another user's directory: exit 3"
	is "$(wc -l <"$WORK/cd.err" | tr -d ' ')" 1 "collect: ... one line says why"
fi

# swapped between check and open: the first lstat of the path (the check)
# sees our FIFO, then libst_swap.so renames something else over it
swap_run() { # swap_run NAME REPLACEMENT: the shim, then gpushim collect
	mkfifo "$WORK/sw/fifo"
	ln -s "$WORK/sw/target" "$WORK/sw/$1.link" 2>/dev/null
	"$R" "$WORK/sw/target" "$WORK/sw/$1.rec" 4>&- &
	_r=$!
	ni_wait_for test -e "$WORK/sw/$1.rec.ready"
	rm -f "$WORK/sw/$1.mark"
	ni_run0 "sw$1" "$E" 200
	NI_PRELOAD="$SHIM $ST/libst_swap.so" NI_SINK="GPUSHIM_FIFO=$WORK/sw/fifo ST_SWAP_PATH=$WORK/sw/fifo ST_SWAP_WITH=$2 ST_SWAP_MARK=$WORK/sw/$1.mark" \
		ni_run1 "sw$1" "$E" 200
	kill -TERM $_r; wait $_r
	check "swap to $1: the swap happened between check and open" test -e "$WORK/sw/$1.mark"
	ni_same_refused "sw$1" "swap to $1"
	check "swap to $1: nothing reached the other FIFO" test ! -s "$WORK/sw/$1.rec"
	rm -f "$WORK/sw/fifo" "$WORK/sw/$1.mark"
}
mkdir -m 700 "$WORK/sw"
mkfifo "$WORK/sw/target"
swap_run symlink "$WORK/sw/symlink.link"
if [ $ROOT = 1 ]; then
	mkfifo "$WORK/sw/other"; chown daemon "$WORK/sw/other"
	# the other FIFO is owned by another user and has a reader
	"$R" "$WORK/sw/other" "$WORK/sw/other.rec" 4>&- &
	r2=$!
	ni_wait_for test -e "$WORK/sw/other.rec.ready"
	swap_run fifo "$WORK/sw/other"
	kill -TERM $r2; wait $r2
	check "swap to another user's FIFO: nothing written into it" test ! -s "$WORK/sw/other.rec"
fi
# the collector: its lstat of the FIFO path is followed by the swap
mkfifo "$WORK/sw/fifo"
ln -s "$WORK/sw/target" "$WORK/sw/c.link"
# (an ASan-built collector refuses a preload ahead of its runtime unless told)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
LD_PRELOAD="$ST/libst_swap.so" ST_SWAP_PATH="$WORK/sw/fifo" ST_SWAP_WITH="$WORK/sw/c.link" ST_SWAP_MARK="$WORK/sw/c.mark" \
	timeout 60 "$GPUSHIM" collect --fifo "$WORK/sw/fifo" >/dev/null 2>"$WORK/sw/c.err"
rc=$?
check "collect: the swap happened between check and open" test -e "$WORK/sw/c.mark"
is "$rc" 3 "collect: a FIFO swapped for a symbolic link is refused (exit 3)"
head -1 "$WORK/sw/c.err" | sed 's/^/#   /'

# the default directory is made 0700 whatever the umask
mkdir -m 700 "$WORK/xdg"
(umask 000; XDG_RUNTIME_DIR=$WORK/xdg exec "$GPUSHIM" collect -q >/dev/null 2>&1) &
gp=$!
ni_wait_for test -p "$WORK/xdg/gpushim/fifo"
is "$(stat -c %a "$WORK/xdg/gpushim")" 700 "default directory (XDG_RUNTIME_DIR) mode 0700 under umask 000"
is "$(stat -c %a "$WORK/xdg/gpushim/fifo")" 600 "default FIFO mode 0600 under umask 000"
kill -TERM $gp; wait $gp
# The private-/tmp cases hide everything under /tmp (this checkout may be
# there): the programs run from a copy in /dev/shm.
PRIV=""
if [ $ROOT = 1 ] && unshare -m true 2>/dev/null && [ -d /dev/shm ]; then
	PRIV=$(mktemp -d /dev/shm/gpushim-perm.XXXXXX)
	cp "$GPUSHIM" "$SHIM" "$E" "$PRIV/"
fi
PG=$PRIV/gpushim PS=$PRIV/libgpushim.so PE=$PRIV/st_emit
if [ -n "$PRIV" ]; then
	# a private /tmp: the real one is left alone (and $WORK is hidden meanwhile)
	mode=$(timeout 60 unshare -m sh -c "mount -t tmpfs -o mode=1777 tmpfs /tmp && umask 000 &&
		{ env -u XDG_RUNTIME_DIR '$PG' collect -q >/dev/null 2>&1 & c=\$!
		  i=0; while [ \$i -lt 200 ] && ! [ -p /tmp/gpushim-$(id -u)/fifo ]; do sleep 0.05; i=\$((i + 1)); done
		  stat -c %a /tmp/gpushim-$(id -u); kill -TERM \$c; wait \$c; }")
	is "$mode" 700 "default directory /tmp/gpushim-<uid> mode 0700 under umask 000"
else
	skip "default /tmp directory: needs root and unshare -m for a private /tmp"
fi
# shim and collector agree on the default path even when XDG_RUNTIME_DIR
# is one the collector will not use (group-writable): a program run with
# the same environment reaches the collector
# (in a private /tmp, since the collector falls back to /tmp/gpushim-<uid>)
if [ -n "$PRIV" ]; then
	got=$(timeout 60 unshare -m sh -c "mount -t tmpfs -o mode=1777 tmpfs /tmp && mkdir -m 770 /tmp/xdg2 &&
		{ XDG_RUNTIME_DIR=/tmp/xdg2 '$PG' collect -q --json -o '$PRIV/r.json' >/dev/null 2>&1 & c=\$!
		  i=0; while [ \$i -lt 200 ] && ! ls -l /proc/\$c/fd | grep -q fifo; do sleep 0.05; i=\$((i + 1)); done
		  XDG_RUNTIME_DIR=/tmp/xdg2 LD_PRELOAD='$PS' '$PE' 5 >/dev/null 2>&1
		  kill -TERM \$c; wait \$c; jq -r '.processes | length' '$PRIV/r.json'; }")
	is "$got" 1 "shim and collector agree on the default FIFO when XDG_RUNTIME_DIR is group-writable"
else
	skip "default FIFO agreement: needs root and unshare -m for a private /tmp"
fi
[ -n "$PRIV" ] && rm -rf "$PRIV"
done_testing
