#!/bin/sh
# make install PREFIX=... DESTDIR=...: the FHS layout, the installed gpushim
# finds the installed shim (../lib/gpushim/ from its real path, also through
# a symlink), and make uninstall removes exactly what install put there.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/sysroot.sh"
D=$WORK/dest P=/opt/gs
mk() { make -s -C "$GPUSHIM_TOP" BUILD="$BUILD" SANITIZE="${SANITIZE:-}" "$@"; }
mk install PREFIX=$P DESTDIR="$D" >"$WORK/install.out" 2>&1
is "$?" 0 "make install PREFIX=$P DESTDIR=..."
for f in bin/gpushim lib/gpushim/libgpushim.so share/man/man1/gpushim.1 \
	share/bash-completion/completions/gpushim share/doc/gpushim/README.md \
	share/doc/gpushim/production.md share/doc/gpushim/examples/systemd/gpushim-collect.service \
	share/doc/gpushim/examples/container/Dockerfile; do
	check "installed $f" test -f "$D$P/$f"
done
is "$(stat -c %a "$D$P/bin/gpushim") $(stat -c %a "$D$P/lib/gpushim/libgpushim.so")" "755 644" "modes 0755 and 0644"

# The installed gpushim with no build tree around: only the installed shim
# can be found (GPUSHIM_SHIM unset, the executable copied nowhere near build/).
make_sysroot "$WORK/root" 545.23.08
env -u GPUSHIM_SHIM GPUSHIM_SYSROOT="$WORK/root" LD_LIBRARY_PATH="$FAKES/nvml-550.54.14" \
	"$D$P/bin/gpushim" run --json -o "$WORK/r.json" -- "$T/gpu_nvml_init" >/dev/null 2>"$WORK/err"
is "$?" 0 "installed gpushim run exits with the program's status"
is "$(jq -r '.processes[0].env.LD_PRELOAD' "$WORK/r.json")" "$D$P/lib/gpushim/libgpushim.so" "it preloaded the installed shim"
is "$(jq -r '[.findings[].id] | join(" ")' "$WORK/r.json")" nvml-driver-mismatch "and the report has the finding"
mkdir -p "$WORK/elsewhere"
ln -s "$D$P/bin/gpushim" "$WORK/elsewhere/gpushim"
env -u GPUSHIM_SHIM "$WORK/elsewhere/gpushim" run --json -o "$WORK/r2.json" -- true 2>/dev/null
is "$?" 0 "through a symlink elsewhere (like /usr/local/bin -> /opt): still found"
env -u GPUSHIM_SHIM GPUSHIM_SYSROOT="$WORK/root" LD_LIBRARY_PATH="$FAKES/nvml-545.23.08" \
	"$WORK/elsewhere/gpushim" run --json -o "$WORK/r2.json" -- "$T/gpu_nvml_init" >/dev/null 2>&1
is "$(jq -r '.processes[0].env.LD_PRELOAD' "$WORK/r2.json")" "$D$P/lib/gpushim/libgpushim.so" "... the installed shim"
check "man page renders from the installed path" sh -c "command -v man >/dev/null || exit 0; MANPATH='$D$P/share/man' man -P cat gpushim 2>/dev/null | grep -q 'syslog'"

mk uninstall PREFIX=$P DESTDIR="$D" >"$WORK/uninstall.out" 2>&1
is "$?" 0 "make uninstall"
is "$(find "$D" -type f -o -type l | wc -l | tr -d ' ')" 0 "nothing left behind"
check "the shim's directory is gone" test ! -e "$D$P/lib/gpushim"
done_testing
