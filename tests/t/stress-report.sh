#!/bin/sh
# Runs last of the stress tests: prints the figures table they recorded
# (tests/stress/figures.sh). Figures are printed, never asserted.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
FIGS=$B/stress/figures
if ls "$FIGS"/*.tsv >/dev/null 2>&1; then
	sh "$GPUSHIM_TOP/tests/stress/figures.sh" "$FIGS" | sed 's/^/# /'
	ok 0 "stress figures recorded ($(cat "$FIGS"/*.tsv | wc -l | tr -d ' ') figures)"
else
	skip "no stress figures recorded"
fi
done_testing
