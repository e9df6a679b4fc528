# Helpers for the non-interference tests (tests/t/shim-*.sh), sourced after
# tests/lib/common.sh. Every test runs a program twice, without and with the
# shim, and compares what the program printed, its stderr and exit status.
NI=$B/ni

# ni_have_shim: true when build/libgpushim.so exists (else the with-shim
# halves are skipped, so the fixtures can be checked before the shim exists).
ni_have_shim() { [ -e "$SHIM" ]; }

# ni_run0 NAME CMD...: run CMD without the shim; stdout in $WORK/NAME.out0,
# stderr in $WORK/NAME.err0, status in $WORK/NAME.rc0. `timeout 60`
# (NI_TIMEOUT) is a hang guard only (status 124 then), never a timed
# assertion.
ni_run0() {
	_nm=$1; shift
	timeout "${NI_TIMEOUT:-60}" "$@" >"$WORK/$_nm.out0" 2>"$WORK/$_nm.err0"
	echo $? >"$WORK/$_nm.rc0"
}
# ni_run1 NAME CMD...: the same with the shim preloaded (first in
# LD_PRELOAD unless NI_PRELOAD says otherwise) and GPUSHIM_LOG=$WORK/NAME.log
# unless NI_SINK names another setting (e.g. NI_SINK="GPUSHIM_FIFO=/x").
ni_run1() {
	_nm=$1; shift
	: >"$WORK/$_nm.log"
	timeout "${NI_TIMEOUT:-60}" env LD_PRELOAD="${NI_PRELOAD:-$SHIM${LD_PRELOAD:+ $LD_PRELOAD}}" \
		${NI_SINK:-GPUSHIM_LOG=$WORK/$_nm.log} "$@" >"$WORK/$_nm.out1" 2>"$WORK/$_nm.err1"
	echo $? >"$WORK/$_nm.rc1"
}
# ni_same NAME DESC: two TAP lines: same stdout and exit status; same stderr.
ni_same() {
	_nm=$1 _d=$2
	if [ "$(cat "$WORK/$_nm.rc0")" = "$(cat "$WORK/$_nm.rc1")" ] &&
	   cmp -s "$WORK/$_nm.out0" "$WORK/$_nm.out1"; then
		ok 0 "$_d: same output and status with the shim"
	else
		ok 1 "$_d: same output and status with the shim"
		echo "#   status without: $(cat "$WORK/$_nm.rc0"), with: $(cat "$WORK/$_nm.rc1")"
		diff "$WORK/$_nm.out0" "$WORK/$_nm.out1" | head -20 | sed 's/^/#   /'
		head -5 "$WORK/$_nm.err1" | sed 's/^/#   stderr: /'
	fi
	if cmp -s "$WORK/$_nm.err0" "$WORK/$_nm.err1"; then
		ok 0 "$_d: same stderr with the shim"
	else
		ok 1 "$_d: same stderr with the shim"
		diff "$WORK/$_nm.err0" "$WORK/$_nm.err1" | head -10 | sed 's/^/#   /'
	fi
}
# ni_same_refused NAME DESC: for a sink the shim must refuse: same stdout
# and status, and stderr the same but for one "gpushim: ..." line (the
# design's one clear line for a bad setting).
ni_same_refused() {
	_nm=$1 _d=$2
	if [ "$(cat "$WORK/$_nm.rc0")" = "$(cat "$WORK/$_nm.rc1")" ] &&
	   cmp -s "$WORK/$_nm.out0" "$WORK/$_nm.out1"; then
		ok 0 "$_d: same output and status with the shim"
	else
		ok 1 "$_d: same output and status with the shim"
		diff "$WORK/$_nm.out0" "$WORK/$_nm.out1" | head -20 | sed 's/^/#   /'
	fi
	_gl=$(grep -c '^gpushim: ' "$WORK/$_nm.err1")
	if [ "$_gl" -le 1 ] && grep -v '^gpushim: ' "$WORK/$_nm.err1" | cmp -s "$WORK/$_nm.err0" -; then
		ok 0 "$_d: stderr the same but for at most one gpushim line"
	else
		ok 1 "$_d: stderr the same but for at most one gpushim line"
		diff "$WORK/$_nm.err0" "$WORK/$_nm.err1" | head -10 | sed 's/^/#   /'
	fi
}
# ni_both NAME DESC CMD...: ni_run0, ni_run1 and ni_same (skips the with-shim
# half when there is no shim).
ni_both() {
	_nb=$1 _db=$2; shift 2
	ni_run0 "$_nb" "$@"
	if ni_have_shim; then
		ni_run1 "$_nb" "$@"
		ni_same "$_nb" "$_db"
	else
		skip "$_db: no $SHIM yet"
	fi
}
# ni_out0 NAME: what the program printed without the shim.
ni_out0() { cat "$WORK/$1.out0"; }
# ni_wait_for DESC CMD...: poll until CMD succeeds, 60 s at most (hang
# guard: returns 1 when it gives up).
ni_wait_for() {
	_w=0
	while ! "$@"; do
		_w=$((_w + 1))
		[ $_w -gt 1200 ] && { echo "# gave up waiting for: $*"; return 1; }
		sleep 0.05
	done
	return 0
}
# ni_records_ok LOG: every line of LOG parses as one JSON object. Prints
# the bad lines (at most 5) as TAP comments.
ni_records_ok() {
	_bad=$(jq -R -r 'try (fromjson | if type == "object" then empty else "not an object: \(.)" end) catch "bad line: \(.)"' "$1" 2>&1 | head -5)
	[ -z "$_bad" ] && return 0
	echo "$_bad" | cut -c1-300 | sed 's/^/#   /'
	return 1
}
