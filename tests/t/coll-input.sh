#!/bin/sh
# Records are untrusted: bad lines are counted per kind and skipped, strings
# from the program are escaped, bad usage and bad files get distinct exits.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
D=$GPUSHIM_TOP/tests/data
ESC=$(printf '\033')

# --- bad input mixed with good records
{
	echo '{"v":1,"type":"hello","pid":11,"seq":1,"ppid":1,"argv":["good"]}'
	printf '{"v":1,"type":"call","pid":11,"seq":2,"fn":"x","pad":"%s"}\n' "$(head -c 5000 /dev/zero | tr '\0' a)"
	echo '{"v":1,"type":"call","pid":11,"seq":3,'
	echo 'not json at all'
	echo '[1,2,3]'
	echo '{"v":2,"type":"call","pid":11,"seq":4,"fn":"nvmlInit","rc":0}'
	echo '{"v":99,"type":"hello","pid":"eleven"}'
	echo '{"type":"call","pid":11,"seq":5}'
	echo '{"v":1,"type":"teleport","pid":11,"seq":6}'
	printf '{"v":1,"type":"call","pid":11,"seq":7,"fn":"bad\\u0000nul"}\n'
	printf '{"v":1,"type":"call","pid":11,"seq":8,"fn":"\377\376"}\n'
	echo '{"v":1,"type":"call","pid":11,"seq":9,"fn":"cudaGetDeviceCount","family":"cudart","lib":"one","rc":35,"out":[1],"stack":"no"}'
	echo '{"v":1,"type":"bye","pid":11,"seq":10,"sent":10,"dropped":0,"folded":0,"reason":"exit"}'
} >"$WORK/mixed.jsonl"
"$GPUSHIM" report --json "$WORK/mixed.jsonl" >"$WORK/mixed.json" 2>"$WORK/mixed.err"
is "$?" 0 "bad lines among good ones: still exit 0"
b() { jq -r ".bad_input.$1" "$WORK/mixed.json"; }
is "$(b too_long)" 1 "line over 4096 bytes counted"
is "$(b invalid_json)" 4 "invalid JSON counted (truncated, garbage, NUL, not UTF-8)"
is "$(b not_object)" 1 "non-object counted"
is "$(b future_version)" 2 "future format version counted"
is "$(b bad_header)" 1 "missing v counted"
is "$(b unknown_type)" 1 "unknown type counted"
is "$(b bad_field)" 1 "field of the wrong type counted"
is "$(jq -r '.processes[0].calls[0].rc_name' "$WORK/mixed.json")" cudaErrorInsufficientDriver \
	"good fields of a record with bad ones still used"
is "$(jq -r '.processes[0].argv[0]' "$WORK/mixed.json")" good "good records still render"
is "$(grep -c 'invalid JSON\|not valid JSON' "$WORK/mixed.err")" 1 "each kind reported once on stderr"
check "stderr names the first place" grep -q 'mixed.jsonl:3' "$WORK/mixed.err"

# a 4095-byte record plus newline (4096) is fine; 4096 + newline is not
mk() { # mk LEN: a record line of exactly LEN bytes without the newline
	base='{"v":1,"type":"hello","pid":12,"seq":1,"argv":["'
	tail='"]}'
	n=$(($1 - ${#base} - ${#tail}))
	printf '%s%s%s\n' "$base" "$(head -c "$n" /dev/zero | tr '\0' b)" "$tail"
}
mk 4095 >"$WORK/edge1.jsonl"
mk 4096 >"$WORK/edge2.jsonl"; mk 4095 >>"$WORK/edge2.jsonl"
"$GPUSHIM" report --json "$WORK/edge1.jsonl" >"$WORK/e1.json" 2>/dev/null
is "$(jq -r '.records' "$WORK/e1.json")" 1 "4096 bytes with the newline: accepted"
"$GPUSHIM" report --json "$WORK/edge2.jsonl" >"$WORK/e2.json" 2>/dev/null
is "$(jq -r '"\(.records) \(.bad_input.too_long)"' "$WORK/e2.json")" "1 1" "4097 bytes: rejected, the next line still read"

# --- escaping: a path with terminal escape sequences
printf '{"v":1,"type":"hello","pid":13,"seq":1,"ppid":1,"exe":"/tmp/\\u001b]0;owned\\u0007\\u001b[2J","argv":["a\\u001b[31mred","\\u009b2J"],"env":{"LD_LIBRARY_PATH":"/x\\u001b[1m"}}\n' >"$WORK/esc.jsonl"
printf '{"v":1,"type":"lib","pid":13,"seq":2,"id":1,"path":"/evil/\\u001b[2Jlibcuda.so.1","family":"libcuda\\u001b","file_version":"1\\n2","origin":"dlopen"}\n' >>"$WORK/esc.jsonl"
printf '{"v":1,"type":"dlopen","pid":13,"seq":3,"name":"lib\\u001bx.so","ok":false,"err":"e\\u001b[0m\\r","candidates":["\\u001b"],"caller":"\\u001b","stack":[["\\u001bobj",1,"\\u001bsym"]]}\n' >>"$WORK/esc.jsonl"
printf '{"v":1,"type":"call","pid":13,"seq":4,"fn":"cuInit\\u001b","family":"cuda","lib":1,"rc":0,"out":{"k\\u001b":"v\\u001b"}}\n' >>"$WORK/esc.jsonl"
"$GPUSHIM" report --stacks -v "$WORK/esc.jsonl" >"$WORK/esc.txt" 2>&1
is "$?" 0 "report with escape sequences in strings"
check "no raw ESC byte in the text report" sh -c "! grep -q '$ESC' '$WORK/esc.txt'"
check "no raw C1 CSI (U+009B) in the text report" sh -c "! LC_ALL=C grep -q \"\$(printf '\\302\\233')\" '$WORK/esc.txt'"
check "escaped ESC is visible as \\033" grep -q '/evil/\\033\[2Jlibcuda.so.1' "$WORK/esc.txt"
check "newline inside a field is escaped" grep -q '1\\n2' "$WORK/esc.txt"
"$GPUSHIM" report --json "$WORK/esc.jsonl" >"$WORK/esc.json" 2>&1
check "no raw ESC byte in the JSON report" sh -c "! grep -q '$ESC' '$WORK/esc.json'"
is "$(jq -r '.processes[0].libraries[0].path' "$WORK/esc.json" | od -An -tx1 | tr -d ' \n')" \
	"$(printf '/evil/\033[2Jlibcuda.so.1\n' | od -An -tx1 | tr -d ' \n')" "JSON keeps the exact bytes, escaped as JSON"
"$GPUSHIM" report --json "$WORK/esc.jsonl" >/dev/null 2>"$WORK/esc.err"
printf '\033[31m{}\n' >"$WORK/escbad.jsonl"
"$GPUSHIM" report "$WORK/escbad.jsonl" "$WORK/esc.jsonl" >"$WORK/escbad.out" 2>&1
check "bad-input messages escape what they quote" sh -c "! grep -q '$ESC' '$WORK/escbad.out'"

# --- garbage never crashes the reader
i=0
while [ $i -lt 20 ]; do
	head -c 3000 /dev/urandom >"$WORK/rand$i"
	i=$((i + 1))
done
cat "$WORK"/rand* "$D/coll-basic.jsonl" "$WORK"/rand* >"$WORK/fuzz.jsonl"
"$GPUSHIM" report --json "$WORK/fuzz.jsonl" >"$WORK/fuzz.json" 2>/dev/null
rc=$?
is "$rc" 0 "random bytes around records: no crash"
# every field of a valid record replaced by a value of each other type
jq -c 'to_entries[] as $e | ([1, "s", null, true, [1], {"a":1}, 1.5, -1][]) as $x | .[$e.key] = $x' \
	"$D/coll-basic.jsonl" >"$WORK/types.jsonl" 2>/dev/null
"$GPUSHIM" report --json "$WORK/types.jsonl" >"$WORK/types.json" 2>/dev/null
rc=$?
is "$rc" 0 "every field with every wrong type: no crash"
check "... and the JSON output is still valid" jq -e .gpushim_report "$WORK/types.json" >/dev/null
"$GPUSHIM" report "$WORK/types.jsonl" >/dev/null 2>&1
rc=$?
is "$rc" 0 "... text report too"
# the same one level down: inside stacks, inner calls, out/ver/env, argv
jq -c '[paths(scalars)] as $ps | $ps[] as $p | ($p | length) as $l | select($l > 1) |
	([1, "s", null, true, [1], {"a":1}, -7][]) as $x | setpath($p; $x), setpath($p[0:$l-1]; $x)' \
	"$D/coll-basic.jsonl" >"$WORK/deep.jsonl" 2>/dev/null
check "deep mutations generated" test -s "$WORK/deep.jsonl"
"$GPUSHIM" report --stacks -v "$WORK/deep.jsonl" >/dev/null 2>&1
is "$?" 0 "nested fields of every wrong type: no crash (text)"
"$GPUSHIM" report --json "$WORK/deep.jsonl" >"$WORK/deep.json" 2>/dev/null
is "$?" 0 "nested fields of every wrong type: no crash (JSON)"

# --- exit statuses
"$GPUSHIM" report --bogus "$D/coll-basic.jsonl" >/dev/null 2>"$WORK/err"
is "$?" 2 "unknown flag: exit 2"
is "$(wc -l <"$WORK/err" | tr -d ' ')" 1 "unknown flag: one line"
check "unknown flag: names it" grep -q -- '--bogus' "$WORK/err"
"$GPUSHIM" report >/dev/null 2>&1; is "$?" 2 "report without a file: exit 2"
"$GPUSHIM" frobnicate >/dev/null 2>&1; is "$?" 2 "unknown command: exit 2"
"$GPUSHIM" >/dev/null 2>&1; is "$?" 2 "no command: exit 2"
"$GPUSHIM" report --color=sometimes x >/dev/null 2>&1; is "$?" 2 "bad --color value: exit 2"
"$GPUSHIM" report --grace 5 x >/dev/null 2>&1; is "$?" 2 "--grace is not for report: exit 2"
"$GPUSHIM" run --grace soon -- true >/dev/null 2>&1; is "$?" 2 "bad --grace value: exit 2"
"$GPUSHIM" collect extra >/dev/null 2>&1; is "$?" 2 "collect with an argument: exit 2"
"$GPUSHIM" report "$WORK/does-not-exist" >/dev/null 2>"$WORK/err"
is "$?" 4 "missing record file: exit 4"
is "$(wc -l <"$WORK/err" | tr -d ' ')" 1 "missing record file: one line"
"$GPUSHIM" report "$WORK" >/dev/null 2>&1; is "$?" 4 "a directory as record file: exit 4"
head -c 2000 /dev/urandom | tr -d '\n' >"$WORK/corrupt"; echo >>"$WORK/corrupt"
"$GPUSHIM" report "$WORK/corrupt" >/dev/null 2>&1; is "$?" 4 "a file with no valid record: exit 4"
"$GPUSHIM" --help >"$WORK/help"; is "$?" 0 "--help exits 0"
check "--help lists the exit statuses" grep -q '127 CMD not found' "$WORK/help"
"$GPUSHIM" --version | grep -q '^gpushim '; is "$?" 0 "--version"
"$GPUSHIM" report -o /nonexistent/dir/x "$D/coll-basic.jsonl" >/dev/null 2>&1
is "$?" 2 "-o into a missing directory: exit 2"
done_testing
