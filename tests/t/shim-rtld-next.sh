#!/bin/sh
# Rule 1, RTLD_NEXT: dlsym(RTLD_NEXT, ...) keeps meaning "next after the
# caller" with the shim preloaded before, between or after other
# interposers: a chain of getenv interposers keeps every link and does not
# recurse, and an interposer that wraps dlopen/dlsym and forwards through
# RTLD_NEXT keeps working.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"

P=$T/ni_rtld_next
G1=$NI/libni_getenv1.so G2=$NI/libni_getenv2.so W=$NI/libni_dlwrap.so
for f in "$P" "$G1" "$G2" "$W"; do
	[ -e "$f" ] || { echo "# missing $f: run make test-bins"; skip "fixtures not built"; done_testing; exit; }
done

# Each run takes milliseconds; a 30 s hang guard keeps the whole script
# inside the runner's 600 s even if every case hangs.
NI_TIMEOUT=30

# order NAME EXPECT DESC "LIST" CMD...: LIST is the LD_PRELOAD list with the
# word SHIM where the shim goes; without the shim the word is dropped.
order() {
	_on=$1 _oe=$2 _od=$3 _ol=$4; shift 4
	_l0= _l1=
	for _x in $_ol; do
		if [ "$_x" = SHIM ]; then _l1="$_l1 $SHIM"
		else _l0="$_l0 $_x" _l1="$_l1 $_x"; fi
	done
	LD_PRELOAD=${_l0# } ni_run0 "$_on" "$@"
	if grep -qF -- "$_oe" "$WORK/$_on.out0"; then ok 0 "$_od: without the shim: $_oe"
	else ok 1 "$_od: without the shim: $_oe"; sed 's/^/#   /' "$WORK/$_on.out0"; fi
	if ni_have_shim; then
		NI_PRELOAD=${_l1# } ni_run1 "$_on" "$@"
		ni_same "$_on" "$_od"
	else skip "$_od: no shim yet"; fi
}

export NI_VAR=value
order g_first "getenv(NI_VAR) = g1(value)" "shim before a getenv interposer" "SHIM $G1" "$P" getenv
order g_last "getenv(NI_VAR) = g1(value)" "shim after a getenv interposer" "$G1 SHIM" "$P" getenv
order g2_first "getenv(NI_VAR) = g2(g1(value))" "shim before a chain of two" "SHIM $G2 $G1" "$P" getenv
order g2_mid "getenv(NI_VAR) = g2(g1(value))" "shim between a chain of two" "$G2 SHIM $G1" "$P" getenv
order g2_last "getenv(NI_VAR) = g2(g1(value))" "shim after a chain of two" "$G2 $G1 SHIM" "$P" getenv
check "the chain's links: g2's next is g1's getenv" grep -qx "ni_getenv_next_info2: libni_getenv1.so:getenv" "$WORK/g2_last.out0"

export LD_LIBRARY_PATH="$NI/decoy"
order w_first "dlopen=3 dlsym=5" "shim before a dlopen/dlsym wrapper" "SHIM $W" "$P" dlwrap
order w_last "dlopen=3 dlsym=5" "shim after a dlopen/dlsym wrapper" "$W SHIM" "$P" dlwrap
# getenv1's own dlsym(RTLD_NEXT) call binds to the first dlsym in the
# process: the wrapper's (which forwards it) or the shim's.
order w_g1 "getenv(NI_VAR) = g1(value)" "getenv interposer, dlsym wrapper, shim" "$G1 $W SHIM" "$P" getenv
order w_g1s "getenv(NI_VAR) = g1(value)" "shim, getenv interposer, dlsym wrapper" "SHIM $G1 $W" "$P" getenv
unset LD_LIBRARY_PATH
done_testing
