#!/bin/sh
# gpushim run on a pynvml-style Python script (nvml_ctypes.py): the real
# driver when there is one, else the fake NVML 545.23.08 on a fake kernel
# module of the same version. Exit status: the script's.
. "$(dirname "$0")/../lib.sh"
script=$(dirname "$0")/nvml_ctypes.py
if ldconfig -p 2>/dev/null | grep -q 'libnvidia-ml\.so\.1 ' && [ -e /sys/module/nvidia/version ]; then
	echo "== the machine's NVIDIA driver" >&2
	exec "$G" run "$@" -- python3 "$script"
fi
echo "== no NVIDIA driver here: fake NVML 545.23.08 on a fake 545.23.08 kernel module" >&2
make_sysroot "$W/root" 545.23.08
env GPUSHIM_SYSROOT="$W/root" LD_LIBRARY_PATH="$FAKES/nvml-545.23.08" \
	"$G" run "$@" -- python3 "$script" && rc=0 || rc=$?
exit "$rc"
