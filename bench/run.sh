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
#   4. a hooked GPU call (bench/gpu_cost.c): cudaGetDeviceCount of the real
#      libcudart.so.13, error path (35, no driver): the folded steady state,
#      bare vs shim; sent calls with GPUSHIM_STACK=30 from 30 frames of
#      recursion (distinct call sites: each is sent, its innermost frame new
#      to the shim; the same sites again: sent, every frame cached); a fresh
#      process's first events (dlopen of libcudart, first call) bare vs
#      shim; libunwind's one-time load and first backtrace, bare.
#   4b. the same call made by symbol from a plugin opened RTLD_LOCAL
#      (bench/scope_cost.c): the folded steady state through the shim's
#      exported stub, and the first call from each of 40 new plugin objects
#      (resolved once per object, sent with its stack).
#   5. the collector (bench/coll_writer.c): `gpushim run -- coll_writer`
#      with 1 and 4 writer processes writing pre-built, valid 512-byte
#      records into its FIFO (NREC records in all, default 100000):
#      records/s while they write (read -> parse -> model) and for the
#      whole run; then `gpushim run -- /bin/true` against /bin/true.
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


# The live reader for section 4 is the collector, as in production
# (`gpushim collect`); it saves the raw records for their bye records,
# whose "dropped" says whether a figure was measured with records given up.
# A program started before the collector opened its FIFO would find no
# reader, so start_reader waits for the collector's listening line.
start_reader() {
	RFIFO=$tmp/gpu.fifo
	"$B/gpushim" collect --fifo "$RFIFO" --save "$tmp/gpu.records" -o /dev/null >/dev/null 2>"$tmp/coll.err" &
	rpid=$!
	i=0
	while ! grep -q listening "$tmp/coll.err" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}
stop_reader() { kill -TERM "$rpid"; wait "$rpid"; grep -F '"type":"bye"' "$tmp/gpu.records" >"$tmp/byes"; rm -f "$tmp/gpu.records"; }
dropped() { sed -n 's/.*"dropped":\([0-9]*\).*/\1/p' "$tmp/byes" | awk '{ s += $1 } END { print s + 0 }'; }
# median [COLUMN]: the median of the numbers in COLUMN (default 1) of stdin
median() { awk -v c="${1:-1}" '{ print $c }' | sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "nan" }'; }
minimum() { awk -v c="${1:-1}" 'NR == 1 || $c + 0 < m { m = $c + 0 } END { print m }'; }

echo
GC=$B/bench/gpu_cost
echo "4. hooked GPU call: cudaGetDeviceCount of the real libcudart.so.13 (no driver: error 35), shim to a live gpushim collect"
if [ ! -x "$GC" ]; then
	echo "skipped: $GC not built"
elif "$GC" steady -n 10 -r 1 | grep -q skip; then
	echo "skipped: $("$GC" steady -n 10 -r 1 | cut -d' ' -f3)"
else
	start_reader
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		"$GC" steady >>"$tmp/gsteady.bare"
		GPUSHIM_FIFO=$RFIFO LD_PRELOAD=$SHIM "$GC" steady >>"$tmp/gsteady.shim"
		GPUSHIM_STACK=30 GPUSHIM_FIFO=$RFIFO LD_PRELOAD=$SHIM "$GC" sent -d 30 -r 3 >>"$tmp/gsent"
		r=$((r + 1))
	done
	r=1
	while [ "$r" -le 10 ]; do
		"$GC" first -d 30 >>"$tmp/gfirst.bare"
		GPUSHIM_STACK=30 GPUSHIM_FIFO=$RFIFO LD_PRELOAD=$SHIM "$GC" first -d 30 >>"$tmp/gfirst.shim"
		"$GC" unwind >>"$tmp/gunwind"
		r=$((r + 1))
	done
	stop_reader
	sb=$(minimum 2 <"$tmp/gsteady.bare") ss=$(minimum 2 <"$tmp/gsteady.shim")
	printf '%-48s %9s %9s %9s  %s\n' case bare shim delta target
	awk -v b="$sb" -v s="$ss" 'BEGIN { printf "%-48s %9.1f %9.1f %+9.1f  %s\n",
		"steady state (folded), ns/call", b, s, s - b, "<= +100" }'
	for c in sent_new sent_repeat folded_deep; do
		med=$(grep "^$c " "$tmp/gsent" | median 2) lo=$(grep "^$c " "$tmp/gsent" | minimum 2)
		case $c in
		sent_new) what="sent, new call site, 30 frames, us/call" tgt="< 15 (full record, 30-frame stack)" ;;
		sent_repeat) what="sent, same site again, 30 frames, us/call" tgt="(3 sends per site)" ;;
		*) what="folded, 30 frames deep, us/call" tgt="" ;;
		esac
		awk -v m="$med" -v l="$lo" -v w="$what" -v t="$tgt" 'BEGIN {
			printf "%-48s %9s %9.2f %9s  %s (min %.2f)\n", w, "-", m / 1000, "", t, l / 1000 }'
	done
	for col in 2 3; do
		fb=$(median $col <"$tmp/gfirst.bare") fs=$(median $col <"$tmp/gfirst.shim")
		what="fresh process, dlopen libcudart (1st event), ms"
		[ $col = 3 ] && what="fresh process, 1st call (30 deep), ms"
		awk -v b="$fb" -v s="$fs" -v w="$what" 'BEGIN { printf "%-48s %9.3f %9.3f %+9.3f  %s\n",
			w, b / 1e6, s / 1e6, (s - b) / 1e6, "(one-time; medians of 10 processes)" }'
	done
	awk -v l="$(median 2 <"$tmp/gunwind")" -v f="$(median 3 <"$tmp/gunwind")" -v n="$(median 4 <"$tmp/gunwind")" 'BEGIN {
		printf "libunwind one-time first use (bare process, median of 10): dlopen+dlsym %.3f ms, first 30-frame unw_backtrace %.3f ms (then %.1f us)\n",
			l / 1e6, f / 1e6, n / 1e3 }'
	echo "(records dropped by the shim in these runs: $(dropped); new site = first send, innermost frame new to the shim's dladdr cache)"
fi

echo
SC=$B/bench/scope_cost PL=$B/bench/scope_plugin.so
echo "4b. the same call by symbol from a plugin opened RTLD_LOCAL (bench/scope_cost.c): the shim's stub finds the plugin's own libcudart"
if [ ! -x "$SC" ] || [ ! -f "$PL" ]; then
	echo "skipped: $SC or $PL not built"
elif "$SC" steady "$PL" -n 10 -r 1 | grep -q skip; then
	echo "skipped: $("$SC" steady "$PL" -n 10 -r 1 | cut -d' ' -f3-)"
else
	mkdir "$tmp/plugins"
	i=1
	while [ $i -le 41 ]; do cp "$PL" "$tmp/plugins/p$i.so"; i=$((i + 1)); done
	start_reader
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		"$SC" steady "$PL" >>"$tmp/ssteady.bare"
		GPUSHIM_FIFO=$RFIFO LD_PRELOAD=$SHIM "$SC" steady "$PL" >>"$tmp/ssteady.shim"
		"$SC" first "$tmp"/plugins/p*.so >>"$tmp/sfirst.bare"
		GPUSHIM_FIFO=$RFIFO LD_PRELOAD=$SHIM "$SC" first "$tmp"/plugins/p*.so >>"$tmp/sfirst.shim"
		GPUSHIM_STACK=0 GPUSHIM_FIFO=$RFIFO LD_PRELOAD=$SHIM "$SC" first "$tmp"/plugins/p*.so >>"$tmp/sfirst.shim0"
		"$SC" first -t "$tmp"/plugins/p*.so >>"$tmp/sfirst.bareT"
		GPUSHIM_FIFO=$RFIFO LD_PRELOAD=$SHIM "$SC" first -t "$tmp"/plugins/p*.so >>"$tmp/sfirst.shimT"
		r=$((r + 1))
	done
	stop_reader
	printf '%-48s %9s %9s %9s  %s\n' case bare shim delta target
	awk -v b="$(minimum 2 <"$tmp/ssteady.bare")" -v s="$(minimum 2 <"$tmp/ssteady.shim")" 'BEGIN {
		printf "%-48s %9.1f %9.1f %+9.1f  %s\n", "steady state (folded), ns/call", b, s, s - b, "<= +100" }'
	awk -v b="$(median 2 <"$tmp/sfirst.bare")" -v s="$(median 2 <"$tmp/sfirst.shim0")" 'BEGIN {
		printf "%-48s %9.2f %9.2f %+9.2f  %s\n", "first call from a new plugin object, stacks off, us", b / 1e3, s / 1e3, (s - b) / 1e3, "<= +20 (resolved once, record sent)" }'
	awk -v b="$(median 2 <"$tmp/sfirst.bare")" -v s="$(median 2 <"$tmp/sfirst.shim")" -v l="$(minimum 2 <"$tmp/sfirst.shim")" 'BEGIN {
		printf "%-48s %9.2f %9.2f %+9.2f  %s (min %.2f)\n", "... stacks on (default depth), us", b / 1e3, s / 1e3, (s - b) / 1e3, "(+ a stack through a new object)", l / 1e3 }'
	awk -v b="$(median 2 <"$tmp/sfirst.bareT")" -v s="$(median 2 <"$tmp/sfirst.shimT")" -v l="$(minimum 2 <"$tmp/sfirst.shimT")" 'BEGIN {
		printf "%-48s %9.2f %9.2f %+9.2f  %s (min %.2f)\n", "... stacks on, plugin pages touched first, us", b / 1e3, s / 1e3, (s - b) / 1e3, "<= +20", l / 1e3 }'
	echo "(first call: median over $ROUNDS rounds of the median of 40 plugin copies, each a new object; records dropped: $(dropped);"
	echo " 'touched first': every page of the plugins' read-only segments read before the timed calls, as a program that"
	echo " ran their code or threw through them would have: a first touch of a page costs ~17 us on this VM)"
fi

echo
CW=$B/bench/coll_writer
echo "5. collector: gpushim run -- coll_writer: W writer processes, pre-built 512-byte records straight into its FIFO"
if [ ! -x "$CW" ] || [ ! -x "$B/gpushim" ]; then
	echo "skipped: $CW or $B/gpushim not built"
else
	NREC=${NREC:-100000}
	printf '%-8s %8s %14s %16s %9s  %s\n' writers records 'ingest rec/s' 'end-to-end rec/s' complete 'target (ingest)'
	for w in 1 4; do
		t0=$(date +%s%N)
		"$B/gpushim" run -q -o "$tmp/coll.$w.txt" -- "$CW" -w "$w" -n $((NREC / w)) >"$tmp/coll.$w.out" 2>&1 || true
		t1=$(date +%s%N)
		ok=$(grep -c '^  accounting .* complete$' "$tmp/coll.$w.txt" 2>/dev/null || true)
		awk -v w="$w" -v t="$((t1 - t0))" -v ok="${ok:-0}" '{ printf "%-8d %8d %14.0f %16.0f %6s/%-2d  %s\n",
			w, $1, $1 / ($2 / 1e9), $1 / (t / 1e9), ok, w, ">= 200000" }' "$tmp/coll.$w.out"
	done
	echo "(ingest: first write to last writer's exit, i.e. read -> parse -> model while the writers block on a full FIFO;"
	echo " end-to-end: the whole gpushim run, report to a file included)"
	ST=$B/bench/startup
	tb=$("$ST" 30 -- /bin/true) tr=$("$ST" 30 -- "$B/gpushim" run -- /bin/true)
	echo "$tb $tr" | awk '{ printf "gpushim run -- /bin/true vs /bin/true, ms wall (median of 30): bare %.3f, run %.3f, delta %+.3f (min delta %+.3f)  target <= +20\n",
		$2, $5, $5 - $2, $6 - $3 }'
fi
