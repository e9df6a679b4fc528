#!/bin/sh
# Runs every test script in tests/t/ (each prints TAP: "ok N - what",
# "not ok N - what", "ok N # SKIP why") and the unit-test programs, then
# prints one summary line: "N passed, N failed, N skipped".
BUILD=${BUILD:-build}
export BUILD
top=$(cd "$(dirname "$0")/.." && pwd)
export GPUSHIM_TOP="$top"
cd "$top" || exit 2
pass=0 fail=0 skip=0 failed_files=""
log=$(mktemp) || exit 2
for t in tests/t/*.sh $BUILD/unit/*; do
	[ -e "$t" ] || continue
	case $t in *.d|*.o) continue ;; esac
	echo "# $t"
	case $t in
	*.sh) timeout 600 sh "$t" >"$log" 2>&1 ;;
	*) timeout 600 "$t" >"$log" 2>&1 ;;
	esac
	rc=$?
	cat "$log"
	p=$(grep -c '^ok [0-9]*' "$log" | tr -d ' ')
	s=$(grep -ci '^ok [0-9]*.*# skip' "$log" | tr -d ' ')
	f=$(grep -c '^not ok' "$log" | tr -d ' ')
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited with status $rc"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	[ "$f" -gt 0 ] && failed_files="$failed_files $t"
done
rm -f "$log"
[ -n "$failed_files" ] && echo "# failed:$failed_files"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
