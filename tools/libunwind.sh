#!/bin/sh
# tools/libunwind.sh DIR — builds DIR/libunwind.a, the libunwind that is
# linked into libgpushim.so (docs/dependencies.md says why): Debian's
# libunwind source package, configured position-independent, static only,
# for local unwinding only, without minidebuginfo (liblzma) or zlib, and
# with nothing but src/ built. The Makefile runs it when DIR/libunwind.a is
# missing; it takes about a minute on two cores, once.
#
# The source comes from `apt-get source` (a deb-src line for bookworm must
# be in the apt sources; .ci/deps.sh adds one), which checks the files
# against the archive's signed index. LIBUNWIND_DSC=/path/libunwind_*.dsc
# uses a source package fetched beforehand instead (machines without the
# archive). Only upstream 1.6 is accepted: the configure options below are
# that release's.
set -eu
dir=$1
: "${CC:=cc}"
: "${MAKE:=make}"
# A sub-make of its own, not a part of the calling make (its jobserver).
unset MAKEFLAGS MFLAGS MAKELEVEL
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
rm -rf "$dir/src" "$dir/obj"
mkdir -p "$dir/src" "$dir/obj"

if [ -n "${LIBUNWIND_DSC:-}" ]; then
	dsc=$LIBUNWIND_DSC
else
	if ! (cd "$dir/src" && apt-get source --download-only libunwind) >"$dir/fetch.log" 2>&1; then
		sed 's/^/  /' "$dir/fetch.log" >&2
		cat >&2 <<MSG
tools/libunwind.sh: cannot fetch Debian's libunwind source package (see above).
  apt needs a deb-src entry: run \`make deps\` (root or sudo; it adds one and
  runs apt-get update). Or fetch the package elsewhere with
  \`apt-get source --download-only libunwind\` and set
  LIBUNWIND_DSC=/path/to/libunwind_1.6.2-3.dsc
MSG
		exit 1
	fi
	for dsc in "$dir"/src/libunwind_*.dsc; do :; done
fi
case $(basename "$dsc") in
libunwind_1.6.*.dsc) ;;
*) echo "tools/libunwind.sh: $dsc is not libunwind 1.6 (the configure options here are 1.6's)" >&2; exit 1 ;;
esac
# --no-check: apt-get source has checked the files against the archive's
# signed index already (dpkg-source would look for a keyring that a build
# machine need not have). -x applies Debian's patches.
dpkg-source -q --no-check -x "$dsc" "$dir/src/libunwind" >/dev/null

# initial-exec TLS: the shim is preloaded (static TLS is there for it), and
# libunwind's per-thread cache then needs no __tls_get_addr (no NEEDED
# entry for ld.so).
cd "$dir/obj"
"$dir/src/libunwind/configure" -q CC="$CC" CFLAGS="-O2 -g -ftls-model=initial-exec" \
	--with-pic --enable-static --disable-shared --disable-dependency-tracking \
	--disable-minidebuginfo --disable-zlibdebuginfo --disable-cxx-exceptions \
	--disable-coredump --disable-ptrace --disable-setjmp --disable-tests \
	--disable-documentation --disable-weak-backtrace --disable-unwind-header \
	>"$dir/configure.log" 2>&1 || { tail -20 "$dir/configure.log" >&2; exit 1; }
"$MAKE" -s -C src -j2 libunwind.la >"$dir/make.log" 2>&1 || { tail -20 "$dir/make.log" >&2; exit 1; }
cp src/.libs/libunwind.a "$dir/libunwind.a.tmp"
basename "$dsc" .dsc >"$dir/version"
mv "$dir/libunwind.a.tmp" "$dir/libunwind.a"
echo "tools/libunwind.sh: built $dir/libunwind.a from $(cat "$dir/version")"
