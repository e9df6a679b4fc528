#!/bin/sh
# Which node is different? Records the same command on this node and
# compares it with a node known to work (its records or its baseline).
#
#   examples/drift/fleet-diff.sh good-node.jsonl -- python train.py --steps 1
#
# Prints only what differs (library versions, files, return codes, failed
# loads, kernel driver) and the findings this node has that the good one
# has not. Paths usually differ between nodes: --ignore path leaves them
# out. Exit 0: no difference; 10: different; 4 or 11: unusable input.
set -u
[ $# -ge 3 ] && [ "$2" = -- ] || { echo "usage: $0 GOOD-RECORDS|GOOD-BASELINE -- CMD [ARGS...]" >&2; exit 2; }
good=$1; shift 2
here=$(mktemp "${TMPDIR:-/tmp}/gpushim-node.XXXXXX") || exit 2
trap 'rm -f "$here"' EXIT
gpushim run -q -o /dev/null --save "$here" -- "$@"
gpushim diff --ignore path "$good" "$here"
