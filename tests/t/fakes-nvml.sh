#!/bin/sh
# The fake NVML and the fake sysroot, without the shim: init follows the
# kernel module version under GPUSHIM_SYSROOT like the real library, and
# every FAKE_NVML_* variable does what tests/fakes/README.md says.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi

# Sysroots: module 545 with device node, 550, 545 without /dev/nvidiactl, none.
make_sysroot "$WORK/sr545" 545.23.08
make_sysroot "$WORK/sr550" 550.54.14
make_sysroot "$WORK/srnodev" 545.23.08 nodev
make_sysroot "$WORK/srnone" ""
is "$(cat "$WORK/sr545/sys/module/nvidia/version")" 545.23.08 "sysroot: /sys/module/nvidia/version"
check "sysroot: /proc/driver/nvidia/version in the real format" \
	grep -q '^NVRM version: NVIDIA UNIX x86_64 Kernel Module  545\.23\.08  ' "$WORK/sr545/proc/driver/nvidia/version"
check "sysroot: /dev/nvidiactl" test -e "$WORK/sr545/dev/nvidiactl"
check "sysroot nodev: no /dev/nvidiactl" test ! -e "$WORK/srnodev/dev/nvidiactl"
check "sysroot with no driver: no module version" test ! -e "$WORK/srnone/sys/module/nvidia/version"

nvml() { # nvml LIBDIR SYSROOT [VAR=VALUE...]: gpu_nvml_init with that setup
	_d=$1 _s=$2; shift 2
	env LD_LIBRARY_PATH="$_d" GPUSHIM_SYSROOT="$_s" "$@" "$T/gpu_nvml_init"
}
o=$(nvml "$NVML545" "$WORK/sr545")
is "$(field "$o" nvmlInit_v2)" 0 "545 library, 545 module: init succeeds"
check "  reports driver 545.23.08, NVML 12.545.23.08, CUDA 12030, 1 device" has "$o" \
	'^nvmlSystemGetDriverVersion=0 driver=545.23.08$' 'nvml=12.545.23.08$' 'cuda=12030$' '=0 count=1$' '^nvmlShutdown=0$' 
o=$(nvml "$NVML550" "$WORK/sr545")
is "$(field "$o" nvmlInit_v2)" 18 "550 library, 545 module: LIB_RM_VERSION_MISMATCH"
check "  with the real error text" has "$o" '(Driver/library version mismatch)' 
is "$(field "$(nvml "$NVML545" "$WORK/sr550")" nvmlInit_v2)" 18 "545 library, 550 module: 18"
o=$(nvml "$NVML550" "$WORK/sr550")
check "550 library, 550 module: init 0, driver 550.54.14, CUDA 12040" has "$o" '^nvmlInit_v2=0 ' 'driver=550.54.14$' 'cuda=12040$' 
is "$(field "$(nvml "$NVML545" "$WORK/srnone")" nvmlInit_v2)" 9 "no kernel module: DRIVER_NOT_LOADED"
is "$(field "$(nvml "$NVML545" "$WORK/srnodev")" nvmlInit_v2)" 9 "module but no /dev/nvidiactl: DRIVER_NOT_LOADED"
is "$(field "$(nvml "$NVML545" "$WORK/nonexistent")" nvmlInit_v2)" 9 "sysroot without /sys: DRIVER_NOT_LOADED"
is "$(field "$(nvml "$NVML550" "$WORK/srnone" FAKE_NVML_KMOD=550.54.14)" nvmlInit_v2)" 0 "FAKE_NVML_KMOD overrides the sysroot"
is "$(field "$(nvml "$NVML550" "$WORK/sr550" FAKE_NVML_KMOD=)" nvmlInit_v2)" 9 "FAKE_NVML_KMOD= means no module"
is "$(field "$(nvml "$NVML545" "$WORK/sr545" FAKE_NVML_INIT_RC=999)" nvmlInit_v2)" 999 "FAKE_NVML_INIT_RC forces a code"
is "$(field "$(nvml "$NVML550" "$WORK/sr545" FAKE_NVML_INIT_RC=0)" nvmlInit_v2)" 0 "FAKE_NVML_INIT_RC=0 forces success"
o=$(nvml "$NVML545" "$WORK/sr545" FAKE_NVML_DRIVER_VERSION=1.2.3 FAKE_NVML_CUDA_VERSION=11080 FAKE_NVML_DEVICE_COUNT=4)
check "FAKE_NVML_DRIVER_VERSION/CUDA_VERSION/DEVICE_COUNT change the reports" has "$o" \
	'driver=1.2.3$' 'nvml=12.1.2.3$' 'cuda=11080$' 'count=4$' 

# Lookups on a handle (TensorFlow style), and the calls that need init.
o=$(GPUSHIM_SYSROOT=$WORK/sr545 "$LOADER" "$NVML545/libnvidia-ml.so.1" nvmlShutdown \
	nvmlSystemGetDriverVersion nvmlSystemGetNVMLVersion nvmlInit nvmlInitWithFlags nvmlShutdown nvmlShutdown nvmlShutdown)
is "$(printf '%s\n' "$o" | sed -n 's/^nvmlShutdown=//p' | tr '\n' ' ')" "1 0 0 1 " "nvmlShutdown: UNINITIALIZED unless inited, counted per init"
is "$(field "$o" nvmlSystemGetDriverVersion)" 1 "driver version before init: UNINITIALIZED"
is "$(outv "$o" nvmlSystemGetNVMLVersion)" 12.545.23.08 "NVML version works before init"
is "$(field "$o" nvmlInitWithFlags)" 0 "nvmlInitWithFlags follows the same rules"
o=$(GPUSHIM_SYSROOT=$WORK/sr545 "$LOADER" "$NVML550/libnvidia-ml.so.550.54.14" nvmlInit nvmlInitWithFlags)
is "$(field "$o" nvmlInit) $(field "$o" nvmlInitWithFlags)" "18 18" "nvmlInit and nvmlInitWithFlags: 18 on mismatch"
# nvml-plt: not -Bsymbolic, nvmlInit calls the exported nvmlInit_v2 (PLT).
o=$(GPUSHIM_SYSROOT=$WORK/sr545 "$LOADER" "$FAKES/nvml-plt-545.23.08/libnvidia-ml.so.1" nvmlInit nvmlDeviceGetCount_v2)
is "$(field "$o" nvmlInit) $(field "$o" nvmlDeviceGetCount_v2)" "0 0" "nvml-plt: nvmlInit (through its own nvmlInit_v2) succeeds on a match"
o=$(GPUSHIM_SYSROOT=$WORK/sr545 "$LOADER" "$FAKES/nvml-plt-545.23.08/libnvidia-ml.so.1" nvmlInit_v2)
is "$(field "$o" nvmlInit_v2)" 0 "nvml-plt: nvmlInit_v2 itself as in the other sets"

# Python ctypes, the way pynvml loads it.
if [ -n "$PY" ]; then
	o=$(LD_LIBRARY_PATH=$NVML545 GPUSHIM_SYSROOT=$WORK/sr545 "$PY" "$GPUSHIM_TOP/tests/progs/gpu_pynvml_like.py")
	check "pynvml-like: init 0, driver 545.23.08, CUDA 12030" has "$o" '^nvmlInitWithFlags=0 ' 'driver=545.23.08$' 'cuda=12030$' 
	o=$(LD_LIBRARY_PATH=$NVML550 GPUSHIM_SYSROOT=$WORK/sr545 "$PY" "$GPUSHIM_TOP/tests/progs/gpu_pynvml_like.py")
	is "$(field "$o" nvmlInitWithFlags)" 18 "pynvml-like: 18 on mismatch"
else
	skip "no python3"; skip "no python3"
fi

# Linked by soname, no rpath: without a libnvidia-ml.so.1 on the path it cannot start.
if in_ld_cache libnvidia-ml.so.1; then skip "a system libnvidia-ml.so.1 is installed"
else "$T/gpu_nvml_init" >/dev/null 2>&1; is $? 127 "gpu_nvml_init needs libnvidia-ml.so.1 on the path"; fi
done_testing
