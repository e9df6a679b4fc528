#!/bin/sh
# The collector's output files (issue 17 item 2): --save, -o and --junit are
# written only as a regular file of the real user's that nobody else can
# write, in a directory that is not world-writable without the sticky bit,
# never through a link in the last component, never by blocking on a FIFO;
# /dev/null is the one other thing accepted. A refused path is exit status
# 2 with one line saying why, and the file found there is left as it was.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"

[ -x "$GPUSHIM" ] || { skip "no $GPUSHIM"; done_testing; exit; }
# A small record file to report on.
R=$WORK/records.jsonl
printf '%s\n' '{"v":1,"type":"hello","pid":7,"seq":1,"ts":1,"tid":7,"ppid":1,"exe":"/bin/x","argv":["x"]}' \
	'{"v":1,"type":"bye","pid":7,"seq":2,"ts":2,"tid":7,"sent":2,"dropped":0,"folded":0,"reason":"exit"}' >"$R"

# out DESC PATH: gpushim report -o PATH; wants status 2 and the reason
refused() {
	err=$(timeout 10 "$GPUSHIM" report -o "$2" "$R" 2>&1 >/dev/null); rc=$?
	is "$rc" 2 "-o $1: refused (exit status 2, no hang)"
	case $err in
	*"cannot write the report to $2: $3"*) ok 0 "... saying: $3" ;;
	*) ok 1 "... saying: $3"; echo "#   got: $err" ;;
	esac
}
"$GPUSHIM" report -o "$WORK/ok.txt" "$R" >/dev/null 2>&1
is "$?" 0 "-o a new file of our own: written"
check "... with the report" grep -q 'process 7' "$WORK/ok.txt"
"$GPUSHIM" report -o /dev/null "$R" >/dev/null 2>&1
is "$?" 0 "-o /dev/null: accepted"

echo keep >"$WORK/target"
ln -s "$WORK/target" "$WORK/link"
refused "a symbolic link" "$WORK/link" "it is a symbolic link"
is "$(cat "$WORK/target")" keep "... the link's target left as it was"
mkfifo "$WORK/fifo"
refused "a FIFO with no reader" "$WORK/fifo" "it is not a regular file"
echo keep >"$WORK/shared.txt"
chmod 0666 "$WORK/shared.txt"
refused "a file others can write" "$WORK/shared.txt" "others can write to it"
is "$(cat "$WORK/shared.txt")" keep "... not emptied"
mkdir "$WORK/open"
chmod 0777 "$WORK/open"
refused "in a world-writable, non-sticky directory" "$WORK/open/r.txt" \
	"its directory is writable by anyone and not sticky"
check "... nothing created there" test ! -e "$WORK/open/r.txt"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	echo keep >"$WORK/theirs.txt"
	chown nobody "$WORK/theirs.txt"
	refused "a file of another user's" "$WORK/theirs.txt" "it belongs to another user"
	is "$(cat "$WORK/theirs.txt")" keep "... not emptied"
else
	skip "-o a file of another user's: needs root (chown)"
fi
# --save and --junit take the same way.
err=$("$GPUSHIM" run -q --save "$WORK/link" -o /dev/null -- true 2>&1); rc=$?
is "$rc" 2 "run --save a symbolic link: refused (exit status 2)"
check "... saying why" sh -c "printf '%s' '$err' | grep -q 'cannot open --save file .*: it is a symbolic link'"
is "$(cat "$WORK/target")" keep "... the link's target left as it was"
"$GPUSHIM" run -q --save "$WORK/save.jsonl" -o /dev/null -- true >/dev/null 2>&1
is "$?" 0 "run --save a new file of our own: accepted"
done_testing
