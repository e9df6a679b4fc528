#!/bin/sh
# docs/gpushim.1 covers every command and option of `gpushim --help` (and
# every long option the parser knows), every exit status, every GPUSHIM_*
# variable the shim and the collector read, and this version; it renders
# without warnings. completions/gpushim.bash offers every option too.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
MAN=$GPUSHIM_TOP/docs/gpushim.1
"$GPUSHIM" --help >"$WORK/help"
# the page as plain words: roff's \- is -, font escapes go
sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\e/\\/g' "$MAN" >"$WORK/man"

inman() { grep -qE -- "(^|[^a-zA-Z0-9_-])$1([^a-zA-Z0-9_-]|\$)" "$WORK/man"; }
missing=""
for c in $(sed -n 's/^ *\(usage:\)\{0,1\} *gpushim \([a-z]*\).*/\2/p' "$WORK/help" | sort -u); do
	grep -q "^\.B $c\( \|$\)" "$WORK/man" || missing="$missing $c"
done
is "${missing:-none}" none "every command of --help has its entry under COMMANDS"
n=$(sed -n 's/^ *\(usage:\)\{0,1\} *gpushim \([a-z]*\).*/\2/p' "$WORK/help" | sort -u | wc -l | tr -d ' ')
is "$n" 4 "... run, collect, report, diff"

opts=$(grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' "$WORK/help" | tr -d ' ,' | sort -u)
missing=""
for o in $opts; do inman "$o" || missing="$missing $o"; done
is "${missing:-none}" none "every option of --help is in the page ($(echo "$opts" | wc -w) options)"
check "... at least the 19 options there are now" test "$(echo "$opts" | wc -w)" -ge 19

longs=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", [a-z_]*argument.*/--\1/p' "$GPUSHIM_TOP/collector/opts.c")
missing=""
for o in $longs; do inman "$o" || missing="$missing $o"; done
is "${missing:-none}" none "every long option the parser accepts is in the page (aliases too)"

missing=""
for s in $(sed -n '/^exit status/,$p' "$WORK/help" | grep -oE '(^|[ ,])[0-9]{1,3}( |$)' | tr -d ' ,' | sort -un); do
	sed -n '/^\.SH EXIT STATUS/,/^\.SH EXAMPLES/p' "$WORK/man" | grep -qx "$s" || missing="$missing $s"
done
is "${missing:-none}" none "every exit status of --help under EXIT STATUS"

vars=$(cat "$GPUSHIM_TOP"/shim/*.c "$GPUSHIM_TOP"/collector/*.c | grep -oE '"GPUSHIM_[A-Z_]+"' | tr -d '"' | sort -u)
missing=""
for v in $vars; do grep -q "^\.B $v\$" "$WORK/man" || missing="$missing $v"; done
is "${missing:-none}" none "every GPUSHIM_* variable read by the code under ENVIRONMENT ($(echo "$vars" | wc -w))"

# the bash completion knows them too
missing=""
for o in $opts $longs; do
	case $o in --help|--version|-h) continue ;; esac
	grep -qE -- "(^|[ '\"])$o([ '=\"]|\$)" "$GPUSHIM_TOP/completions/gpushim.bash" || missing="$missing $o"
done
is "${missing:-none}" none "the bash completion offers every option"
check "the bash completion parses" bash -n "$GPUSHIM_TOP/completions/gpushim.bash"

ver=$("$GPUSHIM" --version | sed -n 's/^gpushim \([^ ]*\).*/\1/p')
check "the page is for gpushim $ver" grep -q "^\.TH GPUSHIM 1 .*\"gpushim $ver\"" "$MAN"

if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$MAN" >"$WORK/warn" 2>&1
	is "$(cat "$WORK/warn")" "" "groff -ww: no warnings"
elif command -v mandoc >/dev/null 2>&1; then
	is "$(mandoc -Tlint -Wwarning "$MAN" 2>&1)" "" "mandoc -Tlint: no warnings"
else
	skip "neither groff nor mandoc installed: rendering not checked"
fi
done_testing
