#!/bin/sh
# Rule 1 and "the shim must add no SONAME to the process" (design §3, known
# traps): with stacks on, the shim loads nothing the program could later ask
# for by name. A program that ships its own liblzma.so.5 on its RUNPATH
# (conda, AppImage, vendored wheels) loads it after a GPU library and must
# get its own copy, as it does without the shim; and the objects loaded are
# the same with and without the shim (the program's own list, and the
# loader's LD_DEBUG=files), but for libgpushim.so itself.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"

P=$T/ni_soname
for f in "$P" "$T/soname/liblzma.so.5" "$FAKES/cudart-12.3.101/libcudart.so.12"; do
	[ -e "$f" ] || { echo "# missing $f: run make test-bins"; skip "fixtures not built"; done_testing; exit; }
done

# What the shim's own load brings (LD_DEBUG=files, the program run with no
# argument: it loads nothing then). Nothing in the release build; the
# sanitizer build's shim needs the UBSan runtime (libubsan and what it
# needs), which is then left out of every comparison below.
own_load() {
	env LD_DEBUG=files LD_DEBUG_OUTPUT="$WORK/own$1.dbg" ${2:+LD_PRELOAD="$2"} "$P" >/dev/null 2>&1
	sed -n 's/^ *[0-9]*:[[:space:]]*file=\([^ ]*\) .*/\1/p' "$WORK/own$1".dbg.* | sed 's#.*/##' | sort -u
}
own_load 0 >"$WORK/own0"
own_load 1 "$SHIM" | grep -v '^libgpushim\.so$' >"$WORK/own1"
EXTRA=$(comm -13 "$WORK/own0" "$WORK/own1" | tr '\n' ' ')
if [ -z "${SANITIZE:-}" ]; then
	is "$EXTRA" "" "the shim's own load brings no library"
else
	echo "# sanitizer build: the shim brings $EXTRA(its sanitizer runtime), left out below"
fi
# not_extra: stdin without the lines whose last word is a file in $EXTRA.
not_extra() {
	awk -v extra="$EXTRA" 'BEGIN { n = split(extra, e, " "); for (i = 1; i <= n; i++) skip[e[i]] = 1 }
		{ f = $NF; sub(".*/", "", f); if (!(f in skip)) print }'
}

# loaded NAME: the objects LD_DEBUG=files saw opened, by file name, sorted,
# without libgpushim.so (the shim asks glibc for a path where the program
# asked for a bare name: the file name is what must match).
loaded() {
	sed -n 's/^ *[0-9]*:[[:space:]]*file=\([^ ]*\) .*/\1/p' "$WORK/$1".dbg.* |
		sed 's#.*/##' | grep -v '^libgpushim\.so$' | not_extra | sort -u
}

# soname_case NAME DESC [VAR=VALUE...] -- LIB
soname_case() {
	_sc=$1 _sd=$2; shift 2
	_env=
	while [ "$1" != -- ]; do _env="$_env $1"; shift; done
	shift
	# shellcheck disable=SC2086
	ni_run0 "$_sc" env $_env GPUSHIM_STACK=16 "$P" "$1"
	check "$_sd: without the shim the program gets its own liblzma.so.5" \
		grep -q "^liblzma.so.5 says: the program's own copy" "$WORK/$_sc.out0"
	if ! ni_have_shim; then skip "$_sd: no shim"; return; fi
	# shellcheck disable=SC2086
	ni_run1 "$_sc" env $_env GPUSHIM_STACK=16 "$P" "$1"
	if [ -n "$EXTRA" ]; then
		not_extra <"$WORK/$_sc.out1" >"$WORK/$_sc.tmp" && mv "$WORK/$_sc.tmp" "$WORK/$_sc.out1"
	fi
	ni_same "$_sc" "$_sd (its own liblzma.so.5, every object loaded)"
	is "$(jqr "$WORK/$_sc.log" '[.[] | select((.stack // []) | length > 0)] | length > 0')" true \
		"$_sd: stacks were on (a record has one)"
	# shellcheck disable=SC2086
	env $_env GPUSHIM_STACK=16 LD_DEBUG=files LD_DEBUG_OUTPUT="$WORK/${_sc}0.dbg" "$P" "$1" >/dev/null 2>&1
	# shellcheck disable=SC2086
	env $_env GPUSHIM_STACK=16 LD_DEBUG=files LD_DEBUG_OUTPUT="$WORK/${_sc}1.dbg" \
		LD_PRELOAD="$SHIM" GPUSHIM_LOG="$WORK/$_sc.log2" "$P" "$1" >/dev/null 2>&1
	loaded "${_sc}0" >"$WORK/$_sc.files0"
	loaded "${_sc}1" >"$WORK/$_sc.files1"
	if [ -s "$WORK/$_sc.files0" ] && cmp -s "$WORK/$_sc.files0" "$WORK/$_sc.files1"; then
		ok 0 "$_sd: LD_DEBUG=files opens the same files ($(wc -l <"$WORK/$_sc.files0" | tr -d ' ')) with the shim"
	else
		ok 1 "$_sd: LD_DEBUG=files opens the same files with the shim"
		diff "$WORK/$_sc.files0" "$WORK/$_sc.files1" | sed 's/^/#   /'
	fi
}

soname_case fake "fake libcudart.so.12 (call succeeds)" \
	LD_LIBRARY_PATH="$FAKES/cudart-12.3.101:$FAKES/cuda-545.23.08" FAKE_CUDA_DEVICE_COUNT=2 -- libcudart.so.12
if need_cuda; then
	soname_case real "real libcudart.so.13" LD_LIBRARY_PATH="$CUDA_LIB" -- libcudart.so.13
else
	skip "real libcudart.so.13: toolkit absent"
fi
done_testing
