# Helpers for findings tests: R NAME CMD... runs CMD under `gpushim run
# --json` into $WORK/NAME.json; ids NAME lists the finding ids; jf NAME
# FILTER queries the report; has_text NAME FILTER TEXT greps a field.
R() { _r=$1; shift; "$GPUSHIM" run --json -o "$WORK/$_r.json" -- "$@" >/dev/null 2>&1; }
ids() { jq -r '[.findings[].id] | join(",")' "$WORK/$1.json"; }
jf() { jq -r "$2" "$WORK/$1.json"; }
has_text() { jq -r "$2" "$WORK/$1.json" | grep -q -- "$3"; }
