#!/bin/sh
# "Failed to initialize NVML: Driver/library version mismatch".
#   run.sh [upgrade] [gpushim run options]   the driver was upgraded to
#       550.54.14 (its libraries replaced) but the machine was not rebooted:
#       the kernel module is still 545.23.08
#   run.sh container [options]               the host runs 550.54.14; the
#       container image baked in its own 545.23.08 driver libraries
# Fakes: libnvidia-ml.so.<ver> of the test bed, kernel module version from a
# fake /sys (GPUSHIM_SYSROOT). Exit status: the program's (1).
. "$(dirname "$0")/../lib.sh"
variant=upgrade
case ${1:-} in upgrade|container) variant=$1; shift ;; esac
lib=$W/usr/lib/x86_64-linux-gnu
mkdir -p "$lib"
if [ "$variant" = upgrade ]; then
	make_sysroot "$W/root" 545.23.08
	cp -P "$FAKES"/nvml-550.54.14/libnvidia-ml.so.* "$lib/"
	env GPUSHIM_SYSROOT="$W/root" LD_LIBRARY_PATH="$lib" \
		"$G" run "$@" -- "$EX/nvml-mismatch/nvml_check" && rc=0 || rc=$?
else
	make_sysroot "$W/root" 550.54.14
	cp -P "$FAKES"/nvml-545.23.08/libnvidia-ml.so.* "$lib/"
	env container=docker GPUSHIM_SYSROOT="$W/root" LD_LIBRARY_PATH="$lib" \
		"$G" run "$@" -- "$EX/nvml-mismatch/nvml_check" && rc=0 || rc=$?
fi
exit "$rc"
