#!/bin/sh
# Rule 1 (change nothing) for signal masks. While libunwind walks a stack
# it has not seen, the shim blocks every signal once and answers
# libunwind's own sigprocmask calls itself (shim/maskhook.c); the program
# must not see that. tests/progs/ni_sigmask.c, 60 call sites of the fake
# libcudart's cudaGetDeviceCount, each sent with a new innermost frame:
#   mask:  the thread's mask and pending set are the same after every
#          hooked call; the program's own sigprocmask calls behave as
#          without the shim (old masks, EINVAL, errno); a blocked pending
#          SIGUSR1 is delivered once, when the program unblocks it;
#   timer: SIGALRM every 200 us, its handler walking the stack with the
#          program's own libunwind: no hang, same output.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"

P=$T/ni_sigmask
[ -x "$P" ] || { echo "# missing $P: run make test-bins"; skip "ni_sigmask not built"; done_testing; exit; }

for mode in mask timer; do
	for depth in 30 0; do
		nm=$mode-$depth
		GPUSHIM_STACK=$depth ni_both "$nm" "$mode, stacks $depth" "$P" $mode
		ni_have_shim || continue
		check "$mode, stacks $depth: no hooked call changed the mask or pending set" \
			grep -q '^calls after which mask or pending changed: 0$' "$WORK/$nm.out1"
		check "$mode, stacks $depth: the records parse" ni_records_ok "$WORK/$nm.log"
		if [ $depth = 30 ]; then
			is "$(jqr "$WORK/$nm.log" '[.[] | select(.type == "call" and (.stack | length) > 0) | .stack[0][1]] | unique | length')" 60 \
				"$mode: 60 call sites sent with a stack (each innermost frame new to libunwind)"
		fi
	done
done
check "mask: the pending SIGUSR1 ran its handler once, after the program unblocked it" \
	grep -q '^SIGUSR1 handler runs: 1$' "$WORK/mask-30.out1"
check "timer: the handler ran and walked its stack" grep -q '^handler walked its stack: yes$' "$WORK/timer-30.out1"
done_testing
