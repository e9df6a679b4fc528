# both [VAR=VALUE...] -- CMD...: runs CMD without and with the shim and
# checks that output and status are the same; the records of the shim run
# are in $log, and q FILTER queries them (jq over the slurped lines).
# Source after tests/lib/common.sh.
n=0
both() {
	n=$((n + 1)) log=$WORK/$n.jsonl
	_e=""; while [ "$1" != -- ]; do _e="$_e $1"; shift; done; shift
	bare=$(env $_e "$@" 2>&1); _brc=$?
	out=$(shim_log "$log" env $_e "$@" 2>&1); _orc=$?
	is "$out
status=$_orc" "$bare
status=$_brc" "run $n ($(basename "$1") $(echo "$*" | cut -d' ' -f2- | sed "s|$B/||g")): same output and status with the shim"
}
q() { jqr "$log" "$1"; }
