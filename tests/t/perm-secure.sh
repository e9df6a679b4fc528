#!/bin/sh
# Secure mode (issue 17 item 1): in a set-uid, set-gid or capability-raising
# process (AT_SECURE) the environment belongs to a user with less privilege
# than the process, and the shim may be in /etc/ld.so.preload. The shim then
# reads no GPUSHIM_* setting and records nothing: no log created where
# GPUSHIM_LOG points, nothing on stderr; the program's calls still reach
# their libraries unchanged.
#
# The probe (tests/progs/sec_probe.c) has the shim as a DT_NEEDED, since
# glibc ignores LD_PRELOAD paths in such a process; a copy made set-uid to
# nobody, run by root, is in secure mode. Root only; skipped elsewhere, and
# where the file system ignores the set-uid bit.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"

P=$T/sec_probe
FAKEDIR=$FAKES/cudart-12.3.101
if [ ! -x "$P" ] || [ ! -e "$FAKEDIR/libcudart.so.12" ]; then
	skip "sec_probe or the fake cudart not built (make test-bins)"; done_testing; exit
fi
if [ "$(id -u)" != 0 ]; then
	skip "secure mode: needs root (to make a set-uid copy owned by nobody)"; done_testing; exit
fi
D=$WORK/sec
mkdir -p "$D"
# Writable by nobody (sticky, like /tmp, so that the shim's own rules for
# GPUSHIM_LOG accept it in the control run), so that without secure mode
# the set-uid process could create the log there: the test must be able to
# fail.
chmod 0755 "$WORK"
chmod 1777 "$D"
cp "$P" "$D/probe-plain"
cp "$P" "$D/probe-suid"
chown nobody "$D/probe-suid" && chmod 4755 "$D/probe-suid"
mkdir -p "$D/sysroot/sys/module/nvidia"
echo 999.99.99 >"$D/sysroot/sys/module/nvidia/version"
run() { # run NAME PROBE: the probe with every GPUSHIM_* setting pointed somewhere
	env GPUSHIM_LOG="$D/$1.log" GPUSHIM_SYSROOT="$D/sysroot" GPUSHIM_STACK=8 \
		GPUSHIM_WATCH='*' GPUSHIM_FIFO="$D/$1.fifo" FAKE_CUDART_RC=0 FAKE_CUDART_DEVICE_COUNT=2 \
		"$2" "$FAKEDIR" >"$D/$1.out" 2>"$D/$1.err"
	echo $?
}
rc=$(run suid "$D/probe-suid")
if ! grep -q '^secure=1$' "$D/suid.out"; then
	skip "secure mode: the set-uid copy did not run in secure mode here ($(head -1 "$D/suid.out"); a nosuid mount?)"
	done_testing; exit
fi
is "$rc $(sed -n 2p "$D/suid.out")" "0 cudaGetDeviceCount rc=0 count=2" \
	"set-uid program: its call reaches the library unchanged (rc 0, 2 devices)"
check "... no log where GPUSHIM_LOG points" test ! -e "$D/suid.log"
check "... no FIFO or other file where GPUSHIM_FIFO points" test ! -e "$D/suid.fifo"
is "$(cat "$D/suid.err")" "" "... nothing on its stderr"
is "$(ls "$D" | grep -v '^probe-\|^sysroot$\|^suid\.\(out\|err\)$' | sort | tr '\n' ' ')" "" \
	"... and no other file created beside the probe"
# The control: the same program, not set-uid, records to the same kind of
# path, with the settings read (GPUSHIM_SYSROOT's kernel module version).
rc=$(run plain "$D/probe-plain")
is "$rc $(cat "$D/plain.out" | tr '\n' ' ')" "0 secure=0 cudaGetDeviceCount rc=0 count=2 " \
	"the same program, not set-uid: same result"
is "$(jqr "$D/plain.log" '[.[] | select(.type == "call" and .fn == "cudaGetDeviceCount") | .rc] | @json')" '[0]' \
	"... and there the shim records the call (the test could fail)"
is "$(jqr "$D/plain.log" '[.[] | select(.type == "hello")][0].kernel_driver')" 999.99.99 \
	"... with GPUSHIM_SYSROOT read"
done_testing
