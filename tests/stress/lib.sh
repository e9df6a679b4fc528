# Helpers for the stress suite (tests/t/stress-*.sh, perm-*.sh, fuzz-*.sh),
# sourced after tests/lib/common.sh and tests/progs/ni_libs/helpers.sh.
# Waits are hang guards only (they give up and fail after a minute); timings
# are printed as figures, never asserted.
ST=$B/stress
FIGS=$B/stress/figures
# STRESS_FULL=1 (make stress): the long form; otherwise the bounded form
# that make check runs.
STRESS_FULL=${STRESS_FULL:-0}

st_need() { # st_need FILE...: skip the whole script when a fixture is missing
	for _f in "$@"; do
		[ -e "$_f" ] || { echo "# missing $_f: run make stress-bins"; skip "fixtures not built"; done_testing; exit 0; }
	done
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# figure GROUP LABEL VALUE: one line of the figures table (and a TAP comment)
figure() {
	mkdir -p "$FIGS"
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$FIGS/$1.tsv"
	echo "# figure: $2: $3"
}
figures_reset() { mkdir -p "$FIGS"; : >"$FIGS/$1.tsv"; }
# st_reader PID FIFO: true once process PID has FIFO open (it is a reader)
st_reader() {
	for _l in /proc/"$1"/fd/*; do
		[ "$(readlink "$_l" 2>/dev/null)" = "$2" ] && return 0
	done
	return 1
}
# collector_start NAME FIFO [OPTS...]: gpushim collect on FIFO in the
# background, --save $WORK/NAME.save, JSON report to $WORK/NAME.json, live
# lines to $WORK/NAME.live, stderr to $WORK/NAME.cerr; $cpid is its pid.
# Returns once it reads the FIFO.
collector_start() {
	_cn=$1 _cf=$2; shift 2
	"$GPUSHIM" collect --fifo "$_cf" --save "$WORK/$_cn.save" --json -o "$WORK/$_cn.json" "$@" \
		>"$WORK/$_cn.live" 2>"$WORK/$_cn.cerr" &
	cpid=$!
	ni_wait_for st_reader "$cpid" "$_cf"
}
# collector_stop PID: SIGTERM (the report is written), wait for it; 124
# when it did not end within a minute (then it is killed).
collector_stop() {
	kill -TERM "$1" 2>/dev/null
	_w=0
	while kill -0 "$1" 2>/dev/null && [ $_w -lt 600 ]; do sleep 0.1; _w=$((_w + 1)); done
	if kill -0 "$1" 2>/dev/null; then kill -KILL "$1"; wait "$1" 2>/dev/null; return 124; fi
	wait "$1"
}
# all_have N PATTERN PREFIX SUFFIX: PREFIX.1SUFFIX .. PREFIX.NSUFFIX all
# contain PATTERN
all_have() {
	_i=1
	while [ $_i -le "$1" ]; do
		grep -q "$2" "$3.$_i$4" 2>/dev/null || return 1
		_i=$((_i + 1))
	done
}
# same_outputs N PREFIX EXPECTED: every PREFIX.i.out equals EXPECTED, every
# PREFIX.i.rc is 0 and every PREFIX.i.err is empty. Prints the first
# difference as a comment.
same_outputs() {
	_i=1
	while [ $_i -le "$1" ]; do
		if ! cmp -s "$2.$_i.out" "$3" || [ "$(cat "$2.$_i.rc")" != 0 ] || [ -s "$2.$_i.err" ]; then
			echo "#   writer $_i: status $(cat "$2.$_i.rc" 2>/dev/null)"
			diff "$3" "$2.$_i.out" | head -5 | sed 's/^/#   /'
			head -3 "$2.$_i.err" | sed 's/^/#   stderr: /'
			return 1
		fi
		_i=$((_i + 1))
	done
}
# Per-process accounting from a --save file: one line per problem; seq
# numbers unique, ending at sent, and received + dropped = sent.
ST_ACCOUNT='group_by(.pid)[] | (map(select(.type == "bye")) | last) as $b | (map(.seq)) as $s
	| if $b == null then "pid \(.[0].pid): no bye"
	  elif ($s | unique | length) != ($s | length) then "pid \(.[0].pid): repeated seq numbers"
	  elif ($s | max) != $b.sent then "pid \(.[0].pid): last seq \($s | max) != sent \($b.sent)"
	  elif (length + $b.dropped) != $b.sent then "pid \(.[0].pid): received \(length) + dropped \($b.dropped) != sent \($b.sent)"
	  elif ([.[] | .drops // 0] | add) != $b.dropped then "pid \(.[0].pid): drops fields add up to \([.[] | .drops // 0] | add), bye says \($b.dropped)"
	  else empty end'
