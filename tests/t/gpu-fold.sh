#!/bin/sh
# Folding (design §3): the same function returning the same code from the
# same stack is sent a few times, then only counted; the bye record carries
# exact totals. A 1,000,000-iteration cudaGetDeviceCount loop (fake
# libcudart.so.12, no driver: 35) sends at most a few dozen records; a
# second call site is a second stack, folded separately.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
P=$T/hook_loop
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi
[ -x "$P" ] || { echo "# missing $P: run make test-bins"; skip "hook_loop not built"; done_testing; exit; }
if [ ! -e "$SHIM" ]; then skip "no shim ($SHIM)"; done_testing; exit; fi

. "$GPUSHIM_TOP/tests/lib/both.sh"
bye() { q "map(select(.type == \"bye\"))[0] | $1"; }

# --- a million calls by symbol, plus 1000 from a second call site ---
N=1000000 M=1000
both -- "$P" - cudaGetDeviceCount $N $M
check "  the program saw 35 from both sites" has "$out" "^A rc=35 x $N\$" "^B rc=35 x $M\$"
lines=$(wc -l <"$log" | tr -d ' ')
check "  at most a few dozen records for $((N + M)) calls ($lines)" test "$lines" -le 40
is "$(q '[.[] | select(.type == "call")] | length')" 6 "  3 call records per (function, library, code, stack), 2 stacks"
r=$(q '[.[] | select(.type == "lib" and .soname == "libcudart.so.12")][0].id')
is "$(q '[.[] | select(.type == "call") | [.fn, .rc, .lib, .via]] | unique | @json')" "[[\"cudaGetDeviceCount\",35,$r,\"symbol\"]]" \
	"  the sent records: cudaGetDeviceCount 35 via symbol, served by the fake libcudart"
is "$(bye '[.calls[] | [.fn, .rc, .lib, .count]] | sort | @json')" \
	"[[\"cudaGetDeviceCount\",35,$r,$M],[\"cudaGetDeviceCount\",35,$r,$N]]" \
	"  bye: exact totals per stack, $N and $M"
is "$(bye '[.calls[].count] | add')" $((N + M)) "  bye: the totals add up to every call made"
is "$(bye .folded)" $((N + M - 6)) "  bye: folded = calls not sent as records"
is "$(bye '[.calls[] | .count - .folded] | unique | @json')" '[3]' "  bye: per stack, count - folded = the 3 records sent"
is "$(bye '[.sent, .dropped] | @json')" "[$lines,0]" "  bye: sent = lines written (bye included), none dropped"
is "$(q '[.[] | .seq] == [range(1; length + 1)]')" true "  seq numbers 1..$lines, no gap"
is "$(q '[.[] | select(.type == "call") | .count // 1] | add')" 6 "  sent call records carry no fold count of their own"

# --- the same through dlsym on a handle; codes that differ are not folded together ---
both LD_LIBRARY_PATH="$CUDADRV" -- "$P" "$CUDART12/libcudart.so.12" cudaGetDeviceCount 20000 7
check "  with a driver: rc 0, count 1" has "$out" '^A rc=0 x 20000$' '^B rc=0 x 7$' '^out=1$'
is "$(q '[.[] | select(.type == "call")] | length')" 6 "  dlsym path: 3 + 3 records"
is "$(q '[.[] | select(.type == "call") | .via] | unique | @json')" '["dlsym"]' "  ... via dlsym"
is "$(bye '[.calls[] | .count] | sort | @json')" '[7,20000]' "  bye: exact totals 20000 and 7"
both FAKE_CUDART_RC=100 -- "$P" "$CUDART12/libcudart.so.12" cudaGetDeviceCount 2 1
is "$(q '[.[] | select(.type == "call")] | length')" 3 "  a call site called fewer than 4 times sends every call"
is "$(bye 'has("calls")')" false "  ... and bye has no totals (nothing folded)"
is "$(bye .folded)" 0 "  ... folded 0"
done_testing
