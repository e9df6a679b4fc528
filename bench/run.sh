#!/bin/sh
# bench/run.sh: what the shim costs a program (design §3 rule 6, "Cheap when
# idle"). Run by `make bench`; prints tables, asserts nothing (timings on a
# shared 2-core machine are too noisy to gate on).
#
#   1. dl calls, ns/op: bare; the shim's own dependencies preloaded without
#      the shim ("deps": what merely having more objects in the process
#      costs); the shim writing to a log file; the shim with no collector
#      (GPUSHIM_FIFO names a path where nothing listens: what a program pays
#      in production when gpushim is not running). The configurations
#      alternate for ROUNDS rounds; each figure is the lowest of the rounds'
#      medians (other work on a shared machine only ever adds time).
#   2. start-up: whole-process wall time, bare vs deps vs shim (no collector).
#   3. FIFO throughput: watched dlsym records written to a live reader.
set -eu

B=${BUILD:-build}
ROUNDS=${ROUNDS:-5}
SHIM=$(cd "$B" && pwd)/libgpushim.so
DL=$B/bench/dl_cost
ST=$B/bench/startup
if [ ! -f "$SHIM" ] || [ ! -x "$DL" ] || [ ! -x "$ST" ]; then
	echo "bench/run.sh: build first: make bench" >&2
	exit 2
fi

tmp=$(mktemp -d) # mode 0700: the shim accepts a FIFO in it (rule 4)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# Nothing from the caller's environment may change what is measured.
unset LD_PRELOAD GPUSHIM_FIFO GPUSHIM_LOG GPUSHIM_WATCH GPUSHIM_STACK \
	GPUSHIM_SYSROOT GPUSHIM_QUIET 2>/dev/null || true
NOCOLL=$tmp/no-collector/gpushim.fifo # never created
# The shared objects the shim brings along (libunwind, libbsd and theirs).
DEPS=$(ldd "$SHIM" | awk '$3 ~ /^\// && $3 !~ /\/libc\.so/ { printf "%s%s", sep, $3; sep = " " }')

echo "gpushim benchmarks: $(uname -m), $(nproc) cores, glibc $(ldd --version | sed -n '1s/.* //p')"
echo

r=1
while [ "$r" -le "$ROUNDS" ]; do
	"$DL" >"$tmp/bare.$r"
	LD_PRELOAD=$DEPS "$DL" >"$tmp/deps.$r"
	GPUSHIM_LOG=$tmp/records.log LD_PRELOAD=$SHIM "$DL" >"$tmp/log.$r"
	rm -f "$tmp/records.log" # ~20 MB a round
	GPUSHIM_FIFO=$NOCOLL LD_PRELOAD=$SHIM "$DL" >"$tmp/nocoll.$r"
	r=$((r + 1))
done

echo "1. dl calls, ns/op (best of $ROUNDS rounds of: median of 15 repeats x N calls)"
# Input lines "CFG CASE MEDIAN ..."; the case order is dl_cost's.
for f in "$tmp"/bare.* "$tmp"/deps.* "$tmp"/log.* "$tmp"/nocoll.*; do
	cfg=${f##*/}
	grep -v '^#' "$f" | sed "s/^/${cfg%.*} /"
done | awk '
function best(key,   n, i, m, a) {
	n = split(vals[key], a, " ")
	for (i = 1; i <= n; i++)
		if (i == 1 || a[i] + 0 < m) m = a[i] + 0
	return m
}
{
	if (!($2 in seen)) { seen[$2] = 1; order[++ncase] = $2 }
	if ($3 == "skip") { skip[$2] = $4; next }
	vals[$1 SUBSEP $2] = vals[$1 SUBSEP $2] " " $3
}
END {
	fmt = "%-26s %6s %6s %6s %8s %8s %8s %8s  %s\n"
	printf fmt, "case", "bare", "deps", "delta", "shim+log", "delta", "shim+nc", "delta", "target (shim delta)"
	for (i = 1; i <= ncase; i++) {
		c = order[i]
		if (c in skip) { printf "%-26s skipped: %s\n", c, skip[c]; continue }
		b = best("bare" SUBSEP c); d = best("deps" SUBSEP c)
		l = best("log" SUBSEP c); n = best("nocoll" SUBSEP c)
		tgt = c ~ /_plain$/ ? "none: folded into a count" : c ~ /_watched/ ? "none: records the call" \
			: c ~ /\+/ ? "<= +100 (2 calls)" : "<= +50"
		printf "%-26s %6.1f %6.1f %+6.1f %8.1f %+8.1f %8.1f %+8.1f  %s\n",
			c, b, d, d - b, l, l - b, n, n - b, tgt
	}
	print "(deps: the shim'"'"'s libraries preloaded without the shim; nc: no collector; +: per pair)"
}'
echo

echo "2. start-up, ms wall time per run (median of 30 runs each, alternating; shim: no collector)"
printf '%-25s %7s %7s %7s %7s %7s %9s  %s\n' program bare deps delta shim delta 'min delta' 'target (shim delta)'
for prog in /bin/true /usr/bin/python3; do
	[ -x "$prog" ] || { printf '%-25s skipped: not installed\n' "$prog"; continue; }
	case $prog in
	*python3) set -- -c pass ;;
	*) set -- ;;
	esac
	GPUSHIM_FIFO=$NOCOLL "$ST" 30 "$DEPS" "$SHIM" -- "$prog" "$@" | awk -v name="$prog $*" '{
		printf "%-25s %7.3f %7.3f %+7.3f %7.3f %+7.3f %+9.3f  <= +0.5\n",
			name, $2, $4, $4 - $2, $6, $6 - $2, $7 - $3
	}'
done
echo

echo "3. FIFO writer: watched dlsym, one record each, to a live reader"
fifo=$tmp/gpushim.fifo
mkfifo -m 0600 "$fifo"
# Hold the FIFO open read-write so neither the reader's open nor the shim's
# non-blocking open can race the other; drop it once the writer has exited.
exec 3<>"$fifo"
awk 'END { print NR; print }' <"$fifo" >"$tmp/received" 3<&- &
reader=$!
GPUSHIM_FIFO=$fifo LD_PRELOAD=$SHIM "$DL" -c dlsym_handle_watched -n 20000 -r 1 3<&- >"$tmp/fifo.out"
exec 3<&-
wait "$reader"
ns=$(awk '!/^#/ && $2 != "skip" { print $2 }' "$tmp/fifo.out")
if [ -z "$ns" ]; then
	echo "skipped: $(awk '!/^#/ { print $3 }' "$tmp/fifo.out")"
else
	# The bye record (the reader's last line) says what was sent and dropped.
	bye=$(sed -n 2p "$tmp/received")
	sent=$(echo "$bye" | sed -n 's/.*"sent":\([0-9]*\).*/\1/p')
	dropped=$(echo "$bye" | sed -n 's/.*"dropped":\([0-9]*\).*/\1/p')
	awk -v ns="$ns" -v got="$(sed -n 1p "$tmp/received")" -v sent="${sent:-?}" -v dropped="${dropped:-?}" 'BEGIN {
		printf "%.1f us/record = %.0f records/s; reader got %d lines, shim sent %s, dropped %s\n",
			ns / 1000, 1e9 / ns, got, sent, dropped
	}'
fi
