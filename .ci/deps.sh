#!/bin/sh
# Installs what gpushim needs to build and test on Debian 12, unless it is
# all there already (then it needs no root and no network).
set -eu
pkgs="gcc make libc6-dev libunwind-dev libbsd-dev libjansson-dev libyajl-dev jq python3 python3-dev python3-pytest cmake procps dpkg-dev groff-base logrotate clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
# shellcheck disable=SC2086
$sudo apt-get install -y --no-install-recommends $missing
