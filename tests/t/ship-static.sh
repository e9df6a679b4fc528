#!/bin/sh
# The shim in a container image that lacks libunwind and libbsd: `make
# shim-static` checks it needs only libc; then a program runs under it in a
# root filesystem holding the program, its library, libc and the shim and
# nothing else (chroot in a private mount namespace: root, or user
# namespaces). It must load, record, behave the same, and record stacks
# (libunwind is linked into the shim).
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
if [ -n "${SANITIZE:-}" ]; then
	skip "sanitizer build: its shim links the sanitizer runtime; the image test is for the release build"
	done_testing; exit
fi

out=$(make -s -C "$GPUSHIM_TOP" BUILD="$BUILD" shim-static 2>&1)
is "$?" 0 "make shim-static: the shim is self-contained"
case $out in *"needs only libc.so.6"*) ok 0 "... and says so" ;; *) ok 1 "... and says so: $out" ;; esac
needed=$(readelf -d "$SHIM" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | tr '\n' ' ')
is "$needed" "libc.so.6 " "NEEDED: libc.so.6 alone"

if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then ns="unshare -m"
elif unshare -r -m true 2>/dev/null; then ns="unshare -r -m"
else
	skip "no mount namespace (needs root or user namespaces): the image test is not run"
	done_testing; exit
fi
prog=$B/examples/nvml-mismatch/nvml_check
R=$WORK/rootfs
mkdir -p "$R/lib64" "$R/lib/x86_64-linux-gnu" "$R/usr/bin" "$R/opt/gpushim" "$R/app/lib" \
	"$R/out" "$R/dev" "$R/sys/module/nvidia"
cp -L /lib64/ld-linux-x86-64.so.2 "$R/lib64/"
cp -L /lib/x86_64-linux-gnu/libc.so.6 "$R/lib/x86_64-linux-gnu/"
cp -L /usr/bin/env "$R/usr/bin/"
cp "$prog" "$R/app/"
cp -P "$FAKES"/nvml-550.54.14/libnvidia-ml.so.* "$R/app/lib/"
cp "$SHIM" "$R/opt/gpushim/"
: >"$R/.dockerenv"
echo 545.23.08 >"$R/sys/module/nvidia/version"
: >"$R/dev/nvidiactl"
is "$(find "$R" \( -name 'libunwind*' -o -name 'libbsd*' -o -name 'ld.so.cache' \) | wc -l | tr -d ' ')" 0 \
	"the image holds no libunwind, no libbsd, no loader cache"

inimage() { # inimage [VAR=VALUE...]: runs the program in the image
	# shellcheck disable=SC2016
	$ns sh -c 'mount --bind "$1" "$2/out" && r=$2 && shift 2 &&
		exec chroot "$r" /usr/bin/env -i LD_LIBRARY_PATH=/app/lib "$@" /app/nvml_check' \
		sh "$WORK" "$R" "$@"
}
inimage >"$WORK/bare.out" 2>"$WORK/bare.err"; bare=$?
inimage LD_PRELOAD=/opt/gpushim/libgpushim.so GPUSHIM_LOG=/out/log.jsonl >"$WORK/shim.out" 2>"$WORK/shim.err"; rc=$?
is "$rc" "$bare" "same exit status with the shim ($bare)"
check "same output with the shim" cmp -s "$WORK/bare.out" "$WORK/shim.out"
check "the program ran: NVML mismatch as expected" grep -q 'version mismatch' "$WORK/shim.out"
check "the loader did not complain" sh -c "! grep -qi 'cannot be preloaded\|error while loading' '$WORK/shim.err'"
check "the shim recorded" test -s "$WORK/log.jsonl"
L=$WORK/log.jsonl
is "$(jqr "$L" '[.[] | select(.type == "hello")][0].container')" docker "hello: container docker (/.dockerenv)"
is "$(jqr "$L" '[.[] | select(.type == "call")][0] | "\(.fn)=\(.rc)"')" nvmlInit_v2=18 "the NVML call and its return code"
is "$(jqr "$L" '[.[] | select(.type == "call")][0] | (.stack // []) | length > 0')" true \
	"the call has a stack, with no libunwind in the image"
is "$(jqr "$L" '[.[] | select(.type == "call")][0].stack[0][0]')" /app/nvml_check \
	"... whose innermost frame is the program's"
check "the shim said nothing on stderr" sh -c "! grep -q gpushim '$WORK/shim.err'"
is "$(jqr "$L" '[.[] | select(.type == "bye")][0] | .sent')" "$(wc -l <"$L" | tr -d ' ')" "bye: every record sent arrived"

# The same stack on this machine, outside the image.
GPUSHIM_SYSROOT=$R LD_LIBRARY_PATH=$R/app/lib shim_log "$WORK/host.jsonl" "$prog" >/dev/null 2>&1
is "$(jqr "$WORK/host.jsonl" '[.[] | select(.type == "call")][0].stack | map(.[1]) | join(" ")')" \
	"$(jqr "$L" '[.[] | select(.type == "call")][0].stack | map(.[1]) | join(" ")')" \
	"the stack's offsets are the same on the host as in the image"
done_testing
