#!/bin/sh
# gpushim run on a C program linked by symbol against libnvidia-ml.so.1
# (tests/progs/gpu_nvml_init.c, built by make test-bins). With a real
# driver (libnvidia-ml.so.1 in the loader cache and a kernel module) it runs
# against that; otherwise against the fake NVML 545.23.08 and a fake /sys of
# the same version (GPUSHIM_SYSROOT). Exit status: the program's.
. "$(dirname "$0")/../lib.sh"
if ldconfig -p 2>/dev/null | grep -q 'libnvidia-ml\.so\.1 ' && [ -e /sys/module/nvidia/version ]; then
	echo "== the machine's NVIDIA driver" >&2
	exec "$G" run "$@" -- "$B/tests/gpu_nvml_init"
fi
echo "== no NVIDIA driver here: fake NVML 545.23.08 on a fake 545.23.08 kernel module" >&2
make_sysroot "$W/root" 545.23.08
env GPUSHIM_SYSROOT="$W/root" LD_LIBRARY_PATH="$FAKES/nvml-545.23.08" \
	"$G" run "$@" -- "$B/tests/gpu_nvml_init" && rc=0 || rc=$?
exit "$rc"
