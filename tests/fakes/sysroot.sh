# Fake /sys, /proc and /dev tree for GPUSHIM_SYSROOT (the shim, the collector
# and the fake NVML read the kernel module version and /dev/nvidiactl under it).
# Source it, then:  make_sysroot DIR DRIVER_VERSION [nodev]
#   DRIVER_VERSION "" = no kernel module loaded (no version files at all)
#   nodev         = no DIR/dev/nvidiactl (module loaded, device node missing)

make_sysroot() {
	_sr=$1 _ver=$2 _dev=${3:-dev}
	mkdir -p "$_sr/sys/module" "$_sr/proc/driver" "$_sr/dev" || return 1
	if [ -n "$_ver" ]; then
		mkdir -p "$_sr/sys/module/nvidia" "$_sr/proc/driver/nvidia" || return 1
		printf '%s\n' "$_ver" >"$_sr/sys/module/nvidia/version"
		# Format of the real file (two spaces around the version).
		printf 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  %s  Mon Oct  9 21:35:12 UTC 2023\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n' \
			"$_ver" >"$_sr/proc/driver/nvidia/version"
	fi
	if [ "$_dev" = nodev ]; then rm -f "$_sr/dev/nvidiactl"; else : >"$_sr/dev/nvidiactl"; fi
}
