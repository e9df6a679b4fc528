#!/bin/sh
# The collector on the host, the shim in a container, records through a
# FIFO in a directory the container gets bind-mounted at /run/gpushim.
#   run.sh [docker|sim] [gpushim report options]
# The image bakes in its own driver libraries (libnvidia-ml 545.23.08, the
# test bed's fake) while the host driver is 550.54.14: nvmlInit fails with
# "Driver/library version mismatch", and the report says the image must not
# ship driver libraries. The hello record says "container": "docker".
#   docker  builds ./Dockerfile and runs it (needs a Docker engine; the
#           kernel module version is then the host's real one)
#   sim     (default without a Docker engine) the same shape without Docker:
#           a root filesystem holding the program, its libraries, libc and
#           the shim, and nothing else (no libunwind, no libbsd), entered with
#           unshare: own mount and pid namespaces (the program is pid 1),
#           /run/gpushim bind-mounted from the host, /.dockerenv as Docker
#           creates it, a host driver 550.54.14 in its /sys. Needs root, or
#           user namespaces.
# Exit status: the program's (1), or 2 when neither way is available.
. "$(dirname "$0")/../lib.sh"
how=""
case ${1:-} in docker|sim) how=$1; shift ;; esac
if [ -z "$how" ]; then
	if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then how=docker; else how=sim; fi
fi

# The host side: a FIFO directory of ours, closed to others, and a collector.
hostrun=$W/run-gpushim
mkdir -m 0700 "$hostrun"
"$G" collect -q --fifo "$hostrun/fifo" --save "$W/records.jsonl" -o /dev/null 2>"$W/collect.err" &
collector=$!
n=0; while [ $n -lt 50 ] && ! [ -p "$hostrun/fifo" ]; do sleep 0.1; n=$((n + 1)); done

# The image's contents.
ctx=$W/context
mkdir -p "$ctx/app/lib"
cp "$B/libgpushim.so" "$ctx/libgpushim.so"
cp "$EX/nvml-mismatch/nvml_check" "$ctx/app/"
cp -P "$FAKES"/nvml-545.23.08/libnvidia-ml.so.* "$ctx/app/lib/"

if [ "$how" = docker ]; then
	cp "$(dirname "$0")/Dockerfile" "$ctx/"
	docker build -q -t gpushim-example "$ctx" >/dev/null
	docker run --rm --user "$(id -u):$(id -g)" -v "$hostrun:/run/gpushim" gpushim-example && rc=0 || rc=$?
else
	if [ "$(id -u)" -eq 0 ] && unshare -m -p -f true 2>/dev/null; then ns="unshare -m -p -f"
	elif unshare -r -m -p -f true 2>/dev/null; then ns="unshare -r -m -p -f"
	else
		echo "$0: no Docker engine, and no namespaces for the simulation (needs root or user namespaces)" >&2
		kill "$collector"; wait "$collector"
		exit 2
	fi
	R=$W/rootfs
	mkdir -p "$R/lib64" "$R/lib/x86_64-linux-gnu" "$R/usr/bin" "$R/opt/gpushim" "$R/run/gpushim" \
		"$R/proc" "$R/dev" "$R/sys/module/nvidia"
	cp -L /lib64/ld-linux-x86-64.so.2 "$R/lib64/"
	cp -L /lib/x86_64-linux-gnu/libc.so.6 "$R/lib/x86_64-linux-gnu/"
	cp -L /usr/bin/env "$R/usr/bin/"            # the image's ENV line
	cp -R "$ctx/app" "$R/app"
	cp "$ctx/libgpushim.so" "$R/opt/gpushim/"
	: >"$R/.dockerenv"                           # Docker creates it in every container
	echo 550.54.14 >"$R/sys/module/nvidia/version"
	: >"$R/dev/nvidiactl"
	# shellcheck disable=SC2016
	$ns sh -c 'mount --bind "$1" "$2/run/gpushim" && mount -t proc proc "$2/proc" &&
		exec chroot "$2" /usr/bin/env -i LD_PRELOAD=/opt/gpushim/libgpushim.so \
			GPUSHIM_FIFO=/run/gpushim/fifo LD_LIBRARY_PATH=/app/lib /app/nvml_check' \
		sh "$hostrun" "$R" && rc=0 || rc=$?
fi

# Stop the collector (the FIFO stays for the next one), then the report.
sleep 0.2
kill -TERM "$collector"
wait "$collector" || true
"$G" report "$@" "$W/records.jsonl"
exit "$rc"
