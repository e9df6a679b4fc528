#!/bin/sh
# Runs gpushim-collect.service's ExecStart here, with /run/gpushim and
# /var/log/gpushim moved to a scratch directory and build/gpushim for
# /usr/bin/gpushim: two traced programs (one failing, one healthy), a log
# rotation between them (mv + SIGHUP, as logrotate does), then SIGTERM as
# `systemctl stop` sends. Prints which processes each record file holds
# (the syslog lines: tests/t/ship-syslog.sh), then the report.
#   run.sh [gpushim report options]   the report of all records at the end
. "$(dirname "$0")/../lib.sh"
unit=$(dirname "$0")/gpushim-collect.service
cmd=$(sed -n 's/^ExecStart=//p' "$unit")
mkdir -m 0755 "$W/run" && mkdir -m 0755 "$W/run/gpushim" && mkdir -m 0750 "$W/log"
cmd=$(printf '%s' "$cmd" | sed "s#^/usr/bin/gpushim#$G#; s#/run/gpushim#$W/run/gpushim#g; s#/var/log/gpushim#$W/log#g")
echo "ExecStart: $cmd"
# shellcheck disable=SC2086
$cmd &
pid=$!
F=$W/run/gpushim/fifo
n=0; while [ $n -lt 50 ] && ! [ -p "$F" ]; do sleep 0.1; n=$((n + 1)); done
. "$TOP/tests/fakes/sysroot.sh"
make_sysroot "$W/root" 545.23.08
job() { # job NVML-SET: the jobs' drop-in (gpu-job.conf) environment
	env LD_PRELOAD="$B/libgpushim.so" GPUSHIM_FIFO="$F" GPUSHIM_SYSROOT="$W/root" \
		LD_LIBRARY_PATH="$FAKES/$1" "$B/tests/gpu_nvml_init" >/dev/null || true
}
job nvml-550.54.14
sleep 0.3
mv "$W/log/records.jsonl" "$W/log/records.jsonl.1"
kill -HUP $pid                       # systemctl reload, from logrotate's postrotate
sleep 0.3
job nvml-545.23.08
sleep 0.3
kill -TERM $pid                      # systemctl stop
wait $pid && rc=0 || rc=$?
for f in records.jsonl.1 records.jsonl; do
	printf '%s: pids %s\n' "$f" "$(jq -r -s '[.[].pid] | unique | map(tostring) | join(" ")' "$W/log/$f")"
done
"$G" report "$@" "$W/log/records.jsonl.1" "$W/log/records.jsonl"
exit "$rc"
