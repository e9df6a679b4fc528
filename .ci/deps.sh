#!/bin/sh
# Installs what gpushim needs to build and test on Debian 12, unless it is
# all there already (then it needs no root and no network).
#
# Besides packages, the shim's build needs Debian's libunwind *source*
# package (tools/libunwind.sh builds the static libunwind linked into the
# shim from it): when it is not built yet and apt knows no source
# packages, a deb-src entry for this release is added.
set -eu
pkgs="gcc make libc6-dev libbsd-dev libjansson-dev libyajl-dev jq python3 python3-dev python3-pytest cmake procps dpkg-dev groff-base logrotate clang libclang-rt-14-dev libunwind8 valgrind strace ltrace fakeroot faketime libjemalloc2"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
need_src=""
if [ ! -f "${UNWIND_DIR:-build/libunwind}/libunwind.a" ] &&
   ! apt-cache showsrc libunwind 2>/dev/null | grep -q '^Package: libunwind$'; then
	need_src=1
fi
[ -z "$missing" ] && [ -z "$need_src" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if [ -n "$need_src" ]; then
	# shellcheck disable=SC1091
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	echo "adding deb-src for $codename (the libunwind source package): /etc/apt/sources.list.d/gpushim-src.sources"
	printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$codename" | $sudo tee /etc/apt/sources.list.d/gpushim-src.sources >/dev/null
fi
$sudo apt-get update
[ -z "$missing" ] && exit 0
echo "installing:$missing"
# shellcheck disable=SC2086
$sudo apt-get install -y --no-install-recommends $missing
