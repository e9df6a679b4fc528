#!/bin/sh
# Rule 1 (same program, same behaviour): a bare-name dlopen resolves to the
# same file with and without the shim, for the caller's RUNPATH, the
# caller's RPATH, $ORIGIN, LD_LIBRARY_PATH and the executable's RPATH,
# for a watched name (libcudnn_ni.so.1, libcudnn*) and an unwatched one.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/progs/ni_libs/helpers.sh"

P=$T/ni_origin          # no RPATH/RUNPATH
XR=$NI/ni_origin_xrpath   # DT_RPATH=$ORIGIN/decoy (old style)
XU=$NI/ni_origin_xrunpath # DT_RUNPATH=$ORIGIN/decoy
L=$NI/origin              # libni_origin.so (RUNPATH $ORIGIN/sub), libni_rpath.so (RPATH $ORIGIN/rsub)
for f in "$P" "$XR" "$XU" "$L/libni_origin.so" "$NI/decoy/libcudnn_ni.so.1"; do
	[ -e "$f" ] || { echo "# missing $f: run make test-bins"; skip "fixtures not built"; done_testing; exit; }
done

NIP=$(cd "$NI" && pwd -P)

# case NAME EXPECT DESC [VAR=VALUE...] -- CMD...: the program's output
# without the shim must contain EXPECT (this pins down what glibc does, so
# the case tests what it says), and be identical with the shim.
case_() {
	_cn=$1 _ce=$2 _cd=$3; shift 3
	_env=
	while [ "$1" != -- ]; do _env="$_env $1"; shift; done
	shift
	ni_run0 "$_cn" env $_env "$@"
	if grep -qF -- "$_ce" "$WORK/$_cn.out0"; then ok 0 "$_cd: glibc gives $_ce"
	else ok 1 "$_cd: glibc gives $_ce"; sed 's/^/#   /' "$WORK/$_cn.out0"; fi
	if ni_have_shim; then ni_run1 "$_cn" env $_env "$@"; ni_same "$_cn" "$_cd"
	else skip "$_cd: no shim yet"; fi
}

case_ run_w  "/ni/origin/sub/libcudnn_ni.so.1 [sub]" "watched name found only through the caller's RUNPATH" -- "$P" "$L" o:libcudnn_ni.so.1
case_ run_u  "/ni/origin/sub/libni_plain.so.1 [sub]" "unwatched name found only through the caller's RUNPATH" -- "$P" "$L" o:libni_plain.so.1
case_ trap_w "/ni/origin/sub/libcudnn_ni.so.1 [sub]" "exe DT_RPATH has a decoy, caller has RUNPATH (watched)" -- "$XR" "$L" o:libcudnn_ni.so.1
case_ trap_u "/ni/origin/sub/libni_plain.so.1 [sub]" "exe DT_RPATH has a decoy, caller has RUNPATH (unwatched)" -- "$XR" "$L" o:libni_plain.so.1
case_ trap_only "libcudnn_ni2.so.1: cannot open shared object file: No such file or directory" \
	"name only in the exe's DT_RPATH is not found from a RUNPATH caller" -- "$XR" "$L" o:libcudnn_ni2.so.1
case_ rp_chain "/ni/decoy/libcudnn_ni2.so.1 [decoy2]" "caller with RPATH falls through to the exe's DT_RPATH" -- "$XR" "$L" r:libcudnn_ni2.so.1
case_ rp_first "/ni/origin/rsub/libcudnn_ni.so.1 [rsub]" "caller's RPATH before the exe's DT_RPATH" -- "$XR" "$L" r:libcudnn_ni.so.1
case_ exe_rp "/ni/decoy/libcudnn_ni.so.1 [decoy]" "dlopen from the exe uses its DT_RPATH" -- "$XR" "$L" x:libcudnn_ni.so.1
case_ llp_w "/ni/decoy/libcudnn_ni.so.1 [decoy]" "LD_LIBRARY_PATH before the caller's RUNPATH (watched)" \
	LD_LIBRARY_PATH="$NI/decoy" -- "$P" "$L" o:libcudnn_ni.so.1
case_ llp_u "/ni/decoy/libni_plain.so.1 [decoy]" "LD_LIBRARY_PATH before the caller's RUNPATH (unwatched)" \
	LD_LIBRARY_PATH="$NI/decoy" -- "$P" "$L" o:libni_plain.so.1
case_ llp_rp "/ni/origin/rsub/libcudnn_ni.so.1 [rsub]" "caller's RPATH before LD_LIBRARY_PATH" \
	LD_LIBRARY_PATH="$NI/decoy" -- "$P" "$L" r:libcudnn_ni.so.1
case_ xu_other "libcudnn_ni2.so.1: cannot open shared object file" "exe DT_RUNPATH is not searched for another caller" -- "$XU" "$L" r:libcudnn_ni2.so.1
case_ xu_exe "/ni/decoy/libcudnn_ni2.so.1 [decoy2]" "exe DT_RUNPATH is searched for the exe's own dlopen" -- "$XU" "$L" x:libcudnn_ni2.so.1
case_ origin_dst "/ni/origin/sub/libcudnn_ni.so.1 [sub]" "\$ORIGIN in a dlopen name is the caller's directory" -- "$P" "$L" 'o:$ORIGIN/sub/libcudnn_ni.so.1'
case_ origin_dst_x "/ni/decoy/libcudnn_ni.so.1 [decoy]" "\$ORIGIN in a dlopen name from the exe" -- "$P" "$L" 'x:$ORIGIN/../ni/decoy/libcudnn_ni.so.1'
case_ dlm_w "/ni/origin/sub/libcudnn_ni.so.1 [sub]" "dlmopen(LM_ID_NEWLM) keeps the caller's RUNPATH, decoy in exe DT_RPATH" -- "$XR" "$L" m:libcudnn_ni.so.1
case_ dlm_u "/ni/origin/sub/libni_plain.so.1 [sub]" "dlmopen(LM_ID_NEWLM) of an unwatched name" -- "$XR" "$L" m:libni_plain.so.1
case_ loaded "x:libcudnn_ni.so.1 -> $NIP/origin/sub/libcudnn_ni.so.1 [sub]" "an already-loaded copy is reused, whoever asks" -- "$XR" "$L" o:libcudnn_ni.so.1 x:libcudnn_ni.so.1
case_ reload "x:libcudnn_ni.so.1 -> $NIP/decoy/libcudnn_ni.so.1 [decoy]" "after dlclose the exe's own search applies again" -- "$XR" "$L" o:libcudnn_ni.so.1 c:libcudnn_ni.so.1 x:libcudnn_ni.so.1

# What the shim recorded for the watched RUNPATH case: the caller is
# libni_origin.so, the call succeeded and the object is the RUNPATH copy;
# for the failed one, err is the program's dlerror() text.
if ni_have_shim; then
	log=$WORK/trap_w.log
	check "records parse (trap_w)" ni_records_ok "$log"
	rec=$(jqr "$log" '[.[] | select(.type == "dlopen" and .name == "libcudnn_ni.so.1")] | length')
	is "$rec" 1 "one dlopen record for libcudnn_ni.so.1"
	is "$(jqr "$log" '.[] | select(.type == "dlopen" and .name == "libcudnn_ni.so.1") | .caller' | sed 's|.*/||')" \
		libni_origin.so "caller is libni_origin.so"
	is "$(jqr "$log" '(map(select(.type == "lib")) | map({key: (.id|tostring), value: .realpath}) | from_entries) as $l
		| .[] | select(.type == "dlopen" and .name == "libcudnn_ni.so.1") | [.ok, $l[(.lib|tostring)]] | map(tostring) | join(" ")')" \
		"true $(cd "$NI/origin/sub" && pwd -P)/libcudnn_ni.so.1" "recorded ok and the RUNPATH copy"
	log=$WORK/trap_only.log
	is "$(jqr "$log" '.[] | select(.type == "dlopen" and .name == "libcudnn_ni2.so.1") | [.ok, .err] | map(tostring) | join("|")')" \
		"false|libcudnn_ni2.so.1: cannot open shared object file: No such file or directory" "failed dlopen recorded with the exact dlerror text"
	# an unwatched name leaves no dlopen record
	is "$(jqr "$WORK/trap_u.log" '[.[] | select(.type == "dlopen")] | length' 2>/dev/null || echo 0)" 0 "no dlopen record for an unwatched name"
fi
done_testing
