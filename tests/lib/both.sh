# both [VAR=VALUE...] -- CMD...: runs CMD without and with the shim and
# checks that output and status are the same; the records of the shim run
# are in $log, and q FILTER queries them (jq over the slurped lines).
# both_d DESC [VAR=VALUE...] -- CMD... does the same under description DESC.
# Source after tests/lib/common.sh.
n=0
both_d() {
	n=$((n + 1)) log=$WORK/$n.jsonl
	_d=$1; shift
	_e=""; while [ "$1" != -- ]; do _e="$_e $1"; shift; done; shift
	[ -n "$_d" ] || _d="run $n ($(basename "$1") $(echo "$*" | cut -d' ' -f2- | sed "s|$B/||g")): same output and status with the shim"
	bare=$(env $_e "$@" 2>&1); _brc=$?
	out=$(shim_log "$log" env $_e "$@" 2>&1); _orc=$?
	is "$out
status=$_orc" "$bare
status=$_brc" "$_d"
}
both() { both_d "" "$@"; }
q() { jqr "$log" "$1"; }
# records of type call: calls FILTER (all, as JSON), call INDEX FILTER
calls() { q "[.[] | select(.type == \"call\") | $1] | @json"; }
call() { jq -c -s "[.[] | select(.type == \"call\")][$1] | $2" "$log"; }
# libid SUFFIX: id of the lib record whose realpath ends with SUFFIX
libid() { q "[.[] | select(.type == \"lib\" and (.realpath // \"\" | endswith(\"$1\")))][0].id // 0"; }
