#!/bin/sh
# Hostile input alongside a real run:
#   gpushim run -- sh -c 'garbage >FIFO; LOADER EVIL/libnvidia-ml.so.1 & garbage >FIFO; wait; garbage >FIFO'
# The real program dlopens a fake NVML 550.54.14 (kernel module 545.23.08:
# finding nvml-driver-mismatch) from a directory whose name holds ESC
# sequences, BEL, CR, a newline, the C1 CSI byte 0x9b and an invalid UTF-8
# byte. Meanwhile the shell writes into the same FIFO: random bytes, 1 MiB
# lines, invalid UTF-8, raw control bytes in JSON strings, and well-formed
# records of other pids whose strings carry terminal escape sequences.
#
# The real process's report must be complete (accounting complete, its
# library, call and finding present), and gpushim's terminal output (the
# report on stderr, --color=never and --color=always, plus -v --stacks) must
# hold no raw control byte other than the colour escapes gpushim emits
# itself: none of 0x00-0x08, 0x0b-0x1f, 0x7f, 0x9b, and every ESC starts an
# SGR sequence "ESC [ digits;... m".
#
# A write(2) of more than PIPE_BUF bytes is not atomic: another writer's
# record can land inside it and be lost with the bad line. So what runs
# concurrently with the real program is written in single newline-terminated
# writes of <= 4096 bytes (dd bs=4096 of a small file); the 1 MiB lines, the
# 64 KiB blob and the unterminated tail go before and after it.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
need_fakes || { skip "fakes not built"; done_testing; exit; }
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"
export LC_ALL=C

# The directory with a hostile name, and the fake NVML 550 in it.
EVIL=$WORK/$(printf 'ev\033[31mRED\033]0;pwned\007\233\r\nx\377il\033[2J')
mkdir -p "$EVIL" || { echo "Bail out! cannot make the hostile directory"; exit 1; }
cp -P "$NVML550"/libnvidia-ml.so.* "$EVIL/"
make_sysroot "$WORK/root" 545.23.08

# Garbage. pre.* and post.* may be long; mid.* are <= 4096 bytes and end in \n.
Gd=$WORK/garbage
mkdir -p "$Gd"
head -c 1048576 /dev/zero | tr '\0' A >"$Gd/pre.1"; echo >>"$Gd/pre.1"
{ printf '{"v":1,"type":"hello","pid":4000001,"seq":1,"exe":"'; head -c 1048576 /dev/zero | tr '\0' B; printf '"}\n'; } >"$Gd/pre.2"
{ head -c 65536 /dev/urandom; echo; } >"$Gd/pre.3"
# raw bytes 0x00-0x1f, 0x7f, 0x80-0xff on one line
{ printf '{"v":1,"type":"hello","pid":4000002,"seq":1,"exe":"'
  i=0; while [ $i -lt 256 ]; do [ $i -ne 10 ] && printf "\\$(printf %03o $i)"; i=$((i + 1)); done
  printf '"}\n'; } >"$Gd/pre.4"
n=0 # mid.NN, in the order written
nm() { n=$((n + 1)); M=$Gd/mid.$(printf %02d "$n"); }
for i in 1 2 3 4 5 6; do nm; { head -c 3000 /dev/urandom; echo; } >"$M"; done
nm; printf '{"v":1,"type":"hello","pid":4000003,"seq":1,"exe":"/x/\377\376bad-utf8"}\n' >"$M"
nm; printf '{"v":1,"type":"hello","pid":4000004,"seq":1,"exe":"/x/raw-\033[31m-esc"}\n' >"$M"
nm; printf '{"v":1,"type":"hello","pid":4000005,"seq":1,"exe":"/x/nul\\u0000"}\n' >"$M"
nm; printf '\033]0;title\007\033[2J\033[H\233 31m plain escape sequences\r\n' >"$M"
# Well-formed records whose strings are terminal escape sequences (JSON \u
# escapes: ESC, BEL, CSI as U+009B, DEL, CR) in every field the report prints.
E='\u001b[41m\u001b]0;pwned\u0007\u009b2J\u007f\r\u001b[0m'
nm; printf '{"v":1,"type":"hello","pid":4000006,"seq":1,"ppid":1,"exe":"/evil/%s","argv":["%s","-x%s"],"kernel_driver":"545%s","nvidiactl":true,"env":{"LD_LIBRARY_PATH":"/l%s"},"container":"%s","glibc":"%s","shim":"%s"}\n' \
	"$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" >"$M"
nm; printf '{"v":1,"type":"lib","pid":4000006,"seq":2,"id":1,"path":"/evil%s/libnvidia-ml.so.1","realpath":"/evil%s/libnvidia-ml.so.550.54.14","soname":"libnvidia-ml.so.1%s","build_id":"ab%s","size":1,"mtime":1,"file_version":"550%s","family":"libnvidia-ml","base":"0x1%s","origin":"dlopen%s"}\n' \
	"$E" "$E" "$E" "$E" "$E" "$E" "$E" >"$M"
nm; printf '{"v":1,"type":"dlopen","pid":4000006,"seq":3,"fn":"dlopen","name":"libcudnn.so.8%s","flags":2,"caller":"/evil%s","ok":false,"err":"libcudnn.so.8: cannot open%s","candidates":["/c%s"],"dur_ns":1,"stack":[["/obj%s",16,"sym%s"]]}\n' \
	"$E" "$E" "$E" "$E" "$E" "$E" >"$M"
nm; printf '{"v":1,"type":"call","pid":4000006,"seq":4,"fn":"nvmlInit_v2%s","family":"nvml","lib":1,"rc":18,"ver":{"driver":"550%s"},"inner":[{"fn":"x%s","lib":1,"rc":0}],"dur_ns":1}\n' \
	"$E" "$E" "$E" >"$M"
nm; printf '{"v":1,"type":"dlsym","pid":4000006,"seq":5,"fn":"dlsym","handle":1,"sym":"cuInit%s","ok":false,"err":"undefined symbol: %s","caller":"/evil%s"}\n' \
	"$E" "$E" "$E" >"$M"
nm; printf '{"v":1,"type":"bye","pid":4000006,"seq":6,"sent":6,"dropped":0,"folded":1,"reason":"exit%s","calls":[{"fn":"nvmlInit_v2%s","lib":1,"rc":18,"count":3}]}\n' \
	"$E" "$E" >"$M"
nm; printf '{"v":1,"type":"%s","pid":4000007,"seq":1}\n{"v":99,"type":"hello","pid":4000008,"seq":1}\n[1,2]\n' "$E" >"$M"
head -c 1048576 /dev/zero | tr '\0' '\033' >"$Gd/post.1"; echo >>"$Gd/post.1"
head -c 4096 /dev/urandom >"$Gd/post.2" # no newline: ends the stream mid-line

SCRIPT='for f in "$GD"/pre.*; do cat "$f" >"$GPUSHIM_FIFO"; done
"$LOADER" "$EVIL/libnvidia-ml.so.1" nvmlInit_v2 >/dev/null 2>&1 &
for f in "$GD"/mid.*; do dd if="$f" of="$GPUSHIM_FIFO" bs=4096 2>/dev/null; done
wait
for f in "$GD"/post.*; do cat "$f" >"$GPUSHIM_FIFO"; done
exit 5'
# hostile NAME [gpushim run options]: the run; gpushim's stderr in NAME.err
hostile() {
	_h=$1; shift
	env GD="$Gd" EVIL="$EVIL" LOADER="$LOADER" GPUSHIM_SYSROOT="$WORK/root" \
		"$GPUSHIM" run "$@" -- sh -c "$SCRIPT" >"$WORK/$_h.out" 2>"$WORK/$_h.err"
	echo $? >"$WORK/$_h.rc"
}
# clean FILE: prints the bytes that must not reach a terminal (after
# removing the SGR sequences ESC [ digits;... m), as od -c; nothing if clean
clean() {
	sed 's/\x1b\[[0-9;]*m//g' "$1" | tr -d '\t\n\040-\176\200-\232\234-\377' | od -c | sed '$d'
}

hostile json --json -o "$WORK/r.json"
is "$(cat "$WORK/json.rc")" 5 "--json run: gpushim exits with the shell's status (5)"
J=$WORK/r.json
# the real program: the process whose exe is gpu_dl_loader
rp() { jq -r "[.processes[] | select(.exe == \"$LOADER\")] | $1" "$J"; }
is "$(rp 'length')" 1 "the real program's process is in the report"
RPID=$(rp '.[0].pid')
is "$(rp '.[0].accounting.complete')" true "its accounting is complete"
is "$(rp '.[0].accounting.received == .[0].accounting.sent')" true "... received = sent ($(rp '.[0].accounting.received'))"
is "$(rp '[.[0].libraries[] | select(.family == "libnvidia-ml") | .path] | length')" 1 "its libnvidia-ml is listed"
# (bytes that are not UTF-8 travel as the private-use code points U+F780..
# U+F7FF, docs/record-format.md: 0x9b -> U+F79B, 0xff -> U+F7FF)
pua() { python3 -c 'import sys; b=sys.argv[1].encode("utf-8","surrogateescape"); print("".join(chr(0xF700+c) if c>=0x80 else chr(c) for c in b))' "$1"; }
is "$(jq -r --arg p "$(pua "$EVIL/libnvidia-ml.so.1")" "[.processes[] | select(.exe == \"$LOADER\") | .libraries[] | select(.path == \$p)] | length" "$J" 2>/dev/null)" 1 \
	"... with the hostile directory name intact in --json"
is "$(rp '[.[0].calls[] | "\(.fn)=\(.rc)"] | join(",")')" nvmlInit_v2=18 "its call: nvmlInit_v2 = 18"
is "$(jq -r "[.findings[] | select(.id == \"nvml-driver-mismatch\" and .pid == $RPID)] | length" "$J")" 1 \
	"finding nvml-driver-mismatch for the real program"
is "$(jq -r '[.bad_input | to_entries[] | select(.value > 0) | .key] | sort | join(",")' "$J")" \
	"future_version,invalid_json,not_object,too_long,unknown_type" "bad input counted by kind"
# (DEL, 0x7f, is let through: jansson's JSON_ENSURE_ASCII does not escape
# it, although docs/cli.md says control characters are; reported, not fixed)
check "--json output is ASCII only (control characters as u-escapes)" \
	sh -c "[ -z \"\$(tr -d '\n\040-\177' <'$J' | od -c | sed '\$d')\" ]"
is "$(jq -r '[.processes[] | select(.pid == 4000006)] | length' "$J")" 1 "the well-formed hostile records are reported (pid 4000006)"

for mode in never always; do
	hostile "$mode" --color=$mode
	is "$(cat "$WORK/$mode.rc")" 5 "--color=$mode: exit status 5"
	# the accounting line of the section whose exe is the real program
	is "$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/$mode.err" | awk -v exe="  exe      $LOADER" '
		/^process / { mine = 0 } $0 == exe { mine = 1 } mine && /^  accounting/ { print $NF }')" complete \
		"--color=$mode: the real program's accounting line says complete"
	bad=$(clean "$WORK/$mode.err")
	is "$bad" "" "--color=$mode: no raw control bytes on the terminal"
done
# the colour run emits colour, and only SGR
check "--color=always: colour escapes present" grep -q "$(printf '\033')\\[" "$WORK/always.err"
R=$WORK/always.err
check "text: the findings name nvml-driver-mismatch" grep -q 'nvml-driver-mismatch' "$R"
check "text: the hostile directory name is shown escaped (ESC as backslash-033, BEL as backslash-a)" \
	grep -qF 'ev\033[31mRED\033]0;pwned\a' "$R"
check "text: ... CR and newline as backslash escapes" grep -qF '\r\nx' "$R"
check "text: the hostile pid 4000006 record strings escaped" grep -qF '/evil/\033[41m\033]0;pwned\a' "$R"
check "text: bad input warnings on stderr" grep -q '^gpushim: ignored' "$R"
check "text: the bad input summary line" grep -q '^bad input (ignored):' "$R"

# everything gpushim can print about these records
hostile verbose -v --stacks --color=always
is "$(cat "$WORK/verbose.rc")" 5 "-v --stacks: exit status 5"
is "$(clean "$WORK/verbose.err")" "" "-v --stacks --color=always: no raw control bytes on the terminal"
# the saved records render the same way through report
hostile saved --save "$WORK/saved.jsonl" -o /dev/null
"$GPUSHIM" report -v --stacks --color=always "$WORK/saved.jsonl" >"$WORK/report.out" 2>&1
is "$(clean "$WORK/report.out")" "" "report -v --stacks --color=always of the saved records: clean"
done_testing
