#!/bin/sh
# The Debian package: `make deb` builds it (no test suite run), its control
# data and contents are right; as root with CI=true it is installed with
# dpkg -i, /usr/bin/gpushim run is smoke-tested from the installed paths,
# and it is purged again. With CI=true, debian/rules is also exercised:
# dpkg-buildpackage -b in a copy of the tree.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/sysroot.sh"
if [ -n "${SANITIZE:-}" ]; then
	skip "sanitizer build: the package is built from the release build only"
	done_testing; exit
fi
for t in dpkg-deb dpkg-gencontrol dpkg-shlibdeps; do
	if ! command -v $t >/dev/null 2>&1; then
		skip "$t not installed (package dpkg-dev): the package is not built"
		done_testing; exit
	fi
done
ver=$("$GPUSHIM" --version | sed -n 's/^gpushim \([^ ]*\).*/\1/p')
arch=$(dpkg --print-architecture)
DEB=$WORK/deb/gpushim_${ver}_$arch.deb
make -s -C "$GPUSHIM_TOP" BUILD="$BUILD" deb DEB_DIR="$WORK/deb" >"$WORK/build.out" 2>&1
is "$?" 0 "make deb"
check "the package is named for gpushim --version ($ver)" test -f "$DEB"
info() { dpkg-deb -f "$DEB" "$1"; }
is "$(info Package) $(info Version) $(info Architecture)" "gpushim $ver $arch" "control: package, version, architecture"
deps=$(info Depends)
for d in libc6 libjansson4 libyajl2 libbsd0; do
	check "Depends: $d ($deps)" sh -c "printf '%s' '$deps' | grep -q '$d ('"
done
check "no libunwind dependency (linked into the shim)" sh -c "! printf '%s' '$deps' | grep -q unwind"
is "$(info Recommends)" "" "no Recommends: stacks need no libunwind8"
dpkg-deb -c "$DEB" | awk '{print $1, $2, $6}' >"$WORK/contents"
for f in ./usr/bin/gpushim ./usr/lib/gpushim/libgpushim.so ./usr/share/man/man1/gpushim.1.gz \
	./usr/share/doc/gpushim/copyright ./usr/share/doc/gpushim/changelog.gz \
	./usr/share/bash-completion/completions/gpushim ./usr/lib/systemd/system/gpushim-collect.service; do
	check "contains $f" grep -q " $f\$" "$WORK/contents"
done
is "$(awk '$2 != "root/root"' "$WORK/contents" | wc -l | tr -d ' ')" 0 "every file root/root"
check "the unit runs /usr/bin/gpushim" sh -c "dpkg-deb --fsys-tarfile '$DEB' | tar -xOf - ./usr/lib/systemd/system/gpushim-collect.service | grep -q '^ExecStart=/usr/bin/gpushim collect'"
check "the build did not run the tests" sh -c "! grep -q 'passed,.*failed' '$WORK/build.out'"

# Installing it: only as root in CI, and never over an installed gpushim.
if [ "$(id -u)" -ne 0 ] || [ "${CI:-}" != true ]; then
	skip "dpkg -i of the package: runs as root with CI=true only (this is $(id -un), CI=${CI:-unset})"
elif dpkg-query -W -f='${Status}' gpushim 2>/dev/null | grep -q 'ok installed'; then
	skip "a gpushim package is installed on this machine already: not replacing it"
else
	dpkg -i "$DEB" >"$WORK/dpkg.out" 2>&1
	is "$?" 0 "dpkg -i"
	check "/usr/bin/gpushim --version" sh -c "/usr/bin/gpushim --version | grep -q 'gpushim $ver'"
	make_sysroot "$WORK/root" 545.23.08
	env -u GPUSHIM_SHIM GPUSHIM_SYSROOT="$WORK/root" LD_LIBRARY_PATH="$FAKES/nvml-550.54.14" \
		/usr/bin/gpushim run --json -o "$WORK/r.json" -- "$T/gpu_nvml_init" >/dev/null 2>&1
	is "$?" 0 "installed gpushim run: the program's status"
	is "$(jq -r '.processes[0].env.LD_PRELOAD' "$WORK/r.json")" /usr/lib/gpushim/libgpushim.so "it preloaded /usr/lib/gpushim/libgpushim.so"
	is "$(jq -r '[.findings[].id] | join(" ")' "$WORK/r.json")" nvml-driver-mismatch "the installed collector's findings"
	if need_cuda && [ -x "$T/gpu_cudnn_create" ]; then
		env -u GPUSHIM_SHIM /usr/bin/gpushim run --json -o "$WORK/c.json" -- "$T/gpu_cudnn_create" >/dev/null 2>&1
		is "$(jq -r '[.processes[].calls[]? | "\(.fn)=\(.rc)"] | join(" ")' "$WORK/c.json")" cudnnCreate=1001 \
			"installed gpushim on the real cuDNN: cudnnCreate 1001"
	else
		skip "real toolkit absent: no real-cuDNN smoke test"
	fi
	check "man gpushim finds the page" sh -c "! command -v man >/dev/null || man -w gpushim >/dev/null 2>&1"
	dpkg --purge gpushim >"$WORK/purge.out" 2>&1
	is "$?" 0 "dpkg --purge"
	check "nothing left in /usr/bin or /usr/lib/gpushim" sh -c "test ! -e /usr/bin/gpushim && test ! -e /usr/lib/gpushim"
fi

# debian/rules through dpkg-buildpackage (about 30 s: a full build), CI only.
if [ "${CI:-}" != true ] || ! command -v dpkg-buildpackage >/dev/null 2>&1 || ! command -v git >/dev/null 2>&1; then
	skip "dpkg-buildpackage -b: runs with CI=true where dpkg-buildpackage and git exist"
else
	mkdir -p "$WORK/src/gpushim"
	(cd "$GPUSHIM_TOP" && git ls-files -co --exclude-standard | grep -v '^build' | tar -cf - -T -) |
		tar -xf - -C "$WORK/src/gpushim"
	# The libunwind the tree built once (tools/libunwind.sh), not fetched again.
	(cd "$WORK/src/gpushim" && UNWIND_DIR="${UNWIND_DIR:-$GPUSHIM_TOP/build/libunwind}" \
		dpkg-buildpackage -us -uc -b) >"$WORK/dbp.out" 2>&1
	is "$?" 0 "dpkg-buildpackage -us -uc -b"
	D2=$WORK/src/gpushim_${ver}_$arch.deb
	check "... made gpushim_${ver}_$arch.deb" test -f "$D2"
	dpkg-deb -c "$D2" 2>/dev/null | awk '{print $1, $2, $6}' >"$WORK/contents2"
	check "... with the same files as make deb" cmp -s "$WORK/contents" "$WORK/contents2"
fi
done_testing
