#!/bin/sh
# make stress: the full stress suite (STRESS_FULL=1: 128 programs x 5000
# events, 2000 forks, 200 hostile rounds, two minutes per fuzzer), then the
# figures table. Same scripts as make check runs in their bounded form.
BUILD=${BUILD:-build}
export BUILD STRESS_FULL=${STRESS_FULL:-1}
top=$(cd "$(dirname "$0")/../.." && pwd)
export GPUSHIM_TOP="$top"
cd "$top" || exit 2
rm -rf "$BUILD/stress/figures"
pass=0 fail=0 skip=0 failed=""
for t in tests/t/stress-fanin.sh tests/t/stress-faults.sh tests/t/stress-hostile.sh \
	 tests/t/perm-*.sh tests/t/fuzz-*.sh; do
	echo "# $t"
	log=$(mktemp)
	timeout 1800 sh "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -c '^ok ' "$log"); s=$(grep -ci '^ok .*# skip' "$log"); f=$(grep -c '^not ok' "$log")
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	pass=$((pass + p - s)) skip=$((skip + s)) fail=$((fail + f))
	[ "$f" -gt 0 ] && failed="$failed $t"
	rm -f "$log"
done
echo
sh tests/stress/figures.sh "$BUILD/stress/figures"
echo
[ -n "$failed" ] && echo "# failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
