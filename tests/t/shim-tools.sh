#!/bin/sh
# Rule 1 under the tools people run programs in (issue 16 item 5): the same
# small workloads with and without the shim, stacks on, under valgrind
# (memcheck), strace -f, ltrace, fakeroot, faketime (libfaketime),
# jemalloc preloaded before and after the shim, and a second interposer
# that wraps dlopen/dlsym with RTLD_NEXT (before and after the shim). Each
# time: the same stdout, stderr and exit status; the shim recorded the
# call; and valgrind reports nothing more with the shim than without it
# (libunwind's reads of stack words the program never wrote, and its
# address test that writes one to a pipe, happen with valgrind's reporting
# off on that thread: shim/vgquiet.h). A tool that is not installed is
# skipped, with the package that has it.
#
# Workloads: py — Python ctypes CDLL of the real libcudart.so.13 and
# cudaGetDeviceCount (35 here: no driver); c — a C program that dlopens a
# fake libcudart.so.12 that succeeds (2 devices) and calls it through dlsym
# (tests/progs/ni_soname.c; its list of loaded objects is shim-soname's
# business).
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"

C=$T/ni_soname
DLWRAP=$NI/libni_dlwrap.so
for f in "$C" "$T/ni_vgerr" "$DLWRAP" "$FAKES/cudart-12.3.101/libcudart.so.12"; do
	[ -e "$f" ] || { echo "# missing $f: run make test-bins"; skip "fixtures not built"; done_testing; exit; }
done
ni_have_shim || { skip "no $SHIM"; done_testing; exit; }

# The interpreter itself, not a wrapper script (pyenv's python3 is one, and
# valgrind would watch the shell that runs it).
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
PYCODE='import ctypes
lib = ctypes.CDLL("libcudart.so.13")
n = ctypes.c_int(-1)
rc = lib.cudaGetDeviceCount(ctypes.byref(n))
print("cudaGetDeviceCount", rc, n.value)'
FAKEPATH=$FAKES/cudart-12.3.101:$FAKES/cuda-545.23.08
workloads=c
if [ -n "$PY" ] && need_cuda; then workloads="c py"
else skip "workload py: needs python3 and the real toolkit"; fi

# run NAME TOOL...: the workload $w under TOOL, without and with the shim
# (LD_PRELOAD outside the tool, as `gpushim run -- TOOL ...` sets it),
# stacks on. NI_RUN is 0 or 1 (valgrind names its report after it). With
# PRE0 set, that is LD_PRELOAD without the shim, and PRE1 (the shim among
# the same libraries) with it.
PRE0='' PRE1=''
run() {
	_rn=$1; shift
	case $w in
	py) set -- "$@" "$PY" -c "$PYCODE"; _wenv="LD_LIBRARY_PATH=$CUDA_LIB" ;;
	c) set -- "$@" "$C" libcudart.so.12 nolist; _wenv="LD_LIBRARY_PATH=$FAKEPATH FAKE_CUDA_DEVICE_COUNT=2" ;;
	esac
	# The workload's settings go before the tool too: valgrind follows no
	# exec (an `env` inside it would be what it watched).
	if [ -n "$PRE0" ]; then
		# shellcheck disable=SC2086
		ni_run0 "$_rn" env LD_PRELOAD="$PRE0" $_wenv GPUSHIM_STACK=16 NI_RUN=0 "$@"
		# shellcheck disable=SC2086
		NI_PRELOAD=$PRE1 ni_run1 "$_rn" env $_wenv GPUSHIM_STACK=16 NI_RUN=1 "$@"
	else
		# shellcheck disable=SC2086
		ni_run0 "$_rn" env $_wenv GPUSHIM_STACK=16 NI_RUN=0 "$@"
		# shellcheck disable=SC2086
		ni_run1 "$_rn" env $_wenv GPUSHIM_STACK=16 NI_RUN=1 "$@"
	fi
}
# expect NAME DESC: the program ran as it should without the shim, and the
# same with it (stdout, stderr, status), the call recorded with a stack.
expect() {
	case $w in
	py) _want="cudaGetDeviceCount 35 -1" ;;
	c) _want="cudaGetDeviceCount=0 count=2" ;;
	esac
	check "$2: the program ran without the shim ($_want)" grep -q "^$_want\$" "$WORK/$1.out0"
	ni_same "$1" "$2"
	case $1 in
	dlwrap-before-*)
		# The interposer finds the next dlsym with dlvsym(RTLD_NEXT,
		# "dlsym", "GLIBC_2.34"), which the shim's unversioned dlsym does
		# not answer: its lookups go to libc, past the shim, which then
		# sees the dlopen but not the call it got by dlsym.
		is "$(jqr "$WORK/$1.log" '[.[] | select(.type == "dlopen" and (.stack | length) > 0)] | length > 0')" true \
			"$2: the shim recorded the dlopen, with a stack" ;;
	*)
		is "$(jqr "$WORK/$1.log" '[.[] | select(.type == "call" and .fn == "cudaGetDeviceCount" and (.stack | length) > 0)] | length')" 1 \
			"$2: the shim recorded the call, with a stack" ;;
	esac
}
have() { command -v "$1" >/dev/null 2>&1; }
JE=
for l in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2; do
	[ -e "$l" ] && { JE=$l; break; }
done

for w in $workloads; do
	# valgrind: its report must be what it is without the shim (with -q,
	# only errors; none for these workloads), and must not name the shim.
	if have valgrind; then
		run "vg-$w" valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
			--log-file="$WORK/vg-$w.report%q{NI_RUN}"
		expect "vg-$w" "$w under valgrind"
		is "$(cat "$WORK/vg-$w.rc0")" 0 "$w under valgrind: no error without the shim (the baseline)"
		is "$(wc -l <"$WORK/vg-$w.report1" | tr -d ' ')" "$(wc -l <"$WORK/vg-$w.report0" | tr -d ' ')" \
			"$w under valgrind: a report as long as without the shim"
		if grep -qiE 'gpushim|unw_|_ULx86|libunwind' "$WORK/vg-$w.report1"; then
			ok 1 "$w under valgrind: the report says nothing of the shim"
			grep -iE -B2 -A12 'gpushim|unw_|_ULx86|libunwind' "$WORK/vg-$w.report1" | head -30 | sed 's/^/#   /'
		else
			ok 0 "$w under valgrind: the report says nothing of the shim"
		fi
		if [ "$w" = c ]; then
			# The program's own error, on the thread that just walked
			# stacks: still reported with the shim, once, as without.
			vgerr() {
				env LD_LIBRARY_PATH="$FAKEPATH" FAKE_CUDA_DEVICE_COUNT=2 GPUSHIM_STACK=16 \
					valgrind -q --error-exitcode=9 --log-file="$WORK/vgerr.report$1" \
					"$T/ni_vgerr" libcudart.so.12 >"$WORK/vgerr.out$1" 2>&1
				echo $?
			}
			e0=$(vgerr 0)
			e1=$(LD_PRELOAD=$SHIM GPUSHIM_LOG=$WORK/vgerr.log vgerr 1)
			is "$e0 $e1" "9 9" "the program's own error under valgrind: found without and with the shim"
			j0=$(grep -c 'Conditional jump or move depends on uninitialised' "$WORK/vgerr.report0")
			j1=$(grep -c 'Conditional jump or move depends on uninitialised' "$WORK/vgerr.report1")
			is "$j0 $j1" "1 1" "... reported once each time (the branch in ni_vgerr's main)"
			check "... after the shim recorded the call, with a stack" \
				grep -q '"fn":"cudaGetDeviceCount".*"stack":' "$WORK/vgerr.log"
		fi
	else
		skip "valgrind not installed (package valgrind)"
	fi
	# strace -f, ltrace -f: the traced program's output and status (their
	# traces list the shim's system and library calls by nature).
	if have strace; then
		run "st-$w" strace -f -o "$WORK/st-$w.trace"
		expect "st-$w" "$w under strace -f"
	else
		skip "strace not installed (package strace)"
	fi
	if have ltrace; then
		run "lt-$w" ltrace -f -o "$WORK/lt-$w.trace"
		expect "lt-$w" "$w under ltrace -f"
	else
		skip "ltrace not installed (package ltrace)"
	fi
	# fakeroot, faketime: wrappers that preload a library of their own.
	if have fakeroot; then
		run "fr-$w" fakeroot --
		expect "fr-$w" "$w under fakeroot"
	else
		skip "fakeroot not installed (package fakeroot)"
	fi
	if have faketime; then
		run "ft-$w" faketime '2021-06-01 12:00:00'
		expect "ft-$w" "$w under faketime"
	else
		skip "faketime not installed (package faketime)"
	fi
	# Another allocator and another interposer, before and after the shim.
	for other in je dlwrap; do
		case $other in
		je) lib=$JE what="jemalloc" ;;
		dlwrap) lib=$DLWRAP what="a dlopen/dlsym interposer (RTLD_NEXT)" ;;
		esac
		if [ -z "$lib" ]; then skip "$w with jemalloc: libjemalloc.so.2 not installed (package libjemalloc2)"; continue; fi
		for order in before after; do
			nm=$other-$order-$w
			PRE0=$lib
			if [ $order = before ]; then PRE1="$lib $SHIM"; else PRE1="$SHIM $lib"; fi
			run "$nm"
			PRE0='' PRE1=''
			expect "$nm" "$w with $what preloaded $order the shim"
		done
	done
done

# AddressSanitizer: an instrumented program wants its runtime first in the
# process, so it is preloaded before the shim, or ASAN_OPTIONS lets another
# preload come first. Either way ASan's runtime looks up its real functions
# with dlsym while it starts, before its interceptors work (shim/real.c,
# dlhooks.c plain_lookup, init.c): the shim must neither crash there nor
# miss its settings. The c workload, built with -fsanitize=address.
ASAN_RT=$(${CC:-cc} -print-file-name=libasan.so 2>/dev/null)
if [ -x "$T/ni_soname_asan" ] && [ -e "$ASAN_RT" ]; then
	w=c C_PLAIN=$C C=$T/ni_soname_asan
	PRE0=$ASAN_RT PRE1="$ASAN_RT $SHIM"
	run asan-first
	PRE0='' PRE1=''
	expect asan-first "an ASan-built program, its runtime preloaded before the shim"
	run asan-any env ASAN_OPTIONS=verify_asan_link_order=0
	expect asan-any "an ASan-built program, the shim first (verify_asan_link_order=0)"
	C=$C_PLAIN
else
	skip "ASan-built program: no AddressSanitizer runtime for ${CC:-cc}"
fi
done_testing
