#!/bin/sh
# figures.sh DIR: the figures table from DIR/*.tsv (GROUP<TAB>LABEL<TAB>VALUE)
dir=${1:?usage: figures.sh DIR}
echo "gpushim stress figures ($(uname -m), $(nproc) cores, $(date -u +%Y-%m-%d))"
printf '%-9s %-62s %s\n' group figure value
for g in fanin faults hostile fuzz; do
	[ -s "$dir/$g.tsv" ] || continue
	awk -F '\t' '{ printf "%-9s %-62s %s\n", $1, $2, $3 }' "$dir/$g.tsv"
done
