#!/bin/sh
# libFuzzer (ASan + UBSan) on the collector: fuzz_parse (line framing and
# the record parser, fed in reads of any size) and fuzz_render (records
# through findings into the text and JSON reports; the JSON must parse,
# the text must hold no raw ESC or C1 control). Each first replays the
# committed corpus (tests/stress/corpus/), then explores for FUZZ_SECONDS
# (12 in make check, 120 in make stress; `make fuzz` runs long and merges
# what it finds into the corpus). New inputs go to a scratch directory: the
# committed corpus is only read. Any crash, leak, hang or sanitizer report
# fails the test; the reproducer is printed.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"
. "$GPUSHIM_TOP/tests/stress/lib.sh"

FZ=$B/fuzz
[ "$STRESS_FULL" = 1 ] && secs=${FUZZ_SECONDS:-120} || secs=${FUZZ_SECONDS:-12}
figures_reset fuzz
for h in parse render; do
	if [ ! -x "$FZ/fuzz_$h" ]; then
		skip "fuzz_$h not built (needs clang and libclang-rt-14-dev: apt-get install clang libclang-rt-14-dev)"
		continue
	fi
	mkdir -p "$WORK/new-$h"
	timeout $((secs + 120)) "$FZ/fuzz_$h" -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$WORK/crash-$h-" \
		"$WORK/new-$h" "$GPUSHIM_TOP/tests/stress/corpus/$h" >"$WORK/$h.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$h.log")
	cov=$(grep -o 'cov: [0-9]*' "$WORK/$h.log" | tail -1 | cut -d' ' -f2)
	is "$rc" 0 "fuzz_$h: ${secs}s, ${runs:-?} inputs, no crash"
	if [ "$rc" -ne 0 ]; then
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$WORK/$h.log" | head -8 | sed 's/^/#   /'
		for c in "$WORK"/crash-$h-*; do
			[ -e "$c" ] && echo "#   reproducer (base64): $(head -c 600 "$c" | base64 -w0)"
		done
	fi
	figure fuzz "fuzz_$h: inputs run in ${secs}s / coverage (edges)" "${runs:-?} / ${cov:-?}"
done
done_testing
