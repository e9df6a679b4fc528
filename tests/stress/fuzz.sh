#!/bin/sh
# make fuzz: each harness for FUZZ_TIME seconds (default 600) on the
# committed corpus, then what it found is merged (minimised) into
# tests/stress/corpus/<harness>/ for the lead to commit. Crashes stop it.
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
secs=${FUZZ_TIME:-600}
rc=0
for h in parse render; do
	f=$BUILD/fuzz/fuzz_$h
	[ -x "$f" ] || { echo "fuzz.sh: $f not built (needs clang, libclang-rt-14-dev)"; exit 2; }
	new=$(mktemp -d)
	echo "# fuzz_$h for ${secs}s"
	"$f" -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -jobs=1 \
		-artifact_prefix="$BUILD/fuzz/crash-$h-" "$new" "tests/stress/corpus/$h" 2>&1 | tail -3 || rc=1
	"$f" -merge=1 "tests/stress/corpus/$h" "$new" 2>&1 | tail -1
	rm -rf "$new"
done
ls "$BUILD"/fuzz/crash-* 2>/dev/null && rc=1
exit $rc
