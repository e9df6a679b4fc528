#!/bin/sh
# Golden tests: the human (text) report of three scenarios, pinned line for
# line in tests/golden/NAME.txt. Every other test asserts on --json; these
# are the ones that notice a change in how the report reads.
#
#   healthy        fake NVML 545.23.08 on module 545.23.08, fake libcuda,
#                  libcudart 12.3, cuDNN 8.9.7: every call succeeds (-v, so
#                  the loads and lookups sections are pinned too)
#   nvml-mismatch  fake NVML 550.54.14 on kernel module 545.23.08 (exit 1)
#   real-nodriver  the real libcudart.so.13 and libcudnn.so.9 of the CUDA
#                  toolkit, no driver (skipped without the toolkit: need_cuda)
#
# Regenerate the expected files after an intended change of the report,
# then read `git diff tests/golden/` before committing it:
#
#     GOLDEN_UPDATE=1 sh tests/t/golden-report.sh
#
# (BUILD=build-san ... for another build tree.) In update mode each scenario
# runs twice and a file is written only when both runs normalise to the same
# text.
#
# Normalisation (norm, below): a sed filter replaces only what differs from
# run to run or from checkout to checkout; the rest is compared verbatim:
#   - the scratch directory, the build tree, the source tree -> <WORK>
#     <BUILD> <TOP>; the CUDA toolkit's paths are kept (the real-toolkit
#     scenario pins that toolkit: it skips where libcudart.so.13 is another
#     file than the one the golden file names)
#   - pids: "process N", "(parent N)", "(pid N)", process tree lines -> PID
#   - stack offsets "+0x1a2b"           -> +0xOFF;  other hex addresses -> 0xADDR
#   - build-ids (40 hex digits)        -> BUILDID; "size N", "mtime N" -> N
#   - durations "1.234 ms"             -> D ms;    ns timestamps (16+ digits) -> TS
#   - mktemp suffixes (gpushim-*.XXXXXX, tmp.XXXXXXXXXX)
# The report's tables pad columns to the longest path, so the fake libraries
# are copied into a directory whose path has the same length everywhere,
# /tmp/gpushim-golden.XXXXXX: the golden files keep the alignment verbatim.
#   - host facts: "container KIND" (-v line) and NVML's "In a container
#     (KIND): ..." fix sentence, which /.dockerenv decides, and the shim
#     version of the -v line
# The scenarios run with a clean environment (env -i), so no CUDA_HOME or
# other allow-listed variable of the caller shows up in the "env" line.
# They skip where a real driver or an older toolkit in the ld.so cache
# would change the findings (path-shadowing against the system copy).
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
GOLD=$GPUSHIM_TOP/tests/golden
UPDATE=${GOLDEN_UPDATE:-}
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"

# esc STRING: STRING as a literal in a sed basic regular expression
esc() { printf '%s' "$1" | sed 's/[].[\*^$/]/\\&/g'; }
GD=$(mktemp -d /tmp/gpushim-golden.XXXXXX) || { echo "Bail out! mktemp in /tmp"; exit 1; }
trap 'rm -rf "$WORK" "$GD"' EXIT
# Longest, most specific prefixes first: $WORK and $B may lie under $TOP.
NORM=$WORK/norm.sed
{
	echo "s/$(esc "$WORK")/<WORK>/g"
	echo "s/$(esc "$B")/<BUILD>/g"
	echo "s/$(esc "$GPUSHIM_TOP")/<TOP>/g"
	cat <<'EOF'
s/\(gpushim[-a-z]*\)\.[A-Za-z0-9]\{6\}/\1.XXXXXX/g
s/\btmp\.[A-Za-z0-9]\{10\}\b/tmp.XXXXXXXXXX/g
s/\(process\|parent\|pid\) [0-9][0-9]*/\1 PID/g
/^process tree$/,/^$/s/^\(  *\)[0-9][0-9]*  /\1PID  /
s/+0x[0-9a-f][0-9a-f]*/+0xOFF/g
s/\b0x[0-9a-f]\{6,\}\b/0xADDR/g
s/\b[0-9a-f]\{40\}\b/BUILDID/g
s/\b\(size\|mtime\) [0-9][0-9]*/\1 N/g
s/\b[0-9][0-9]*\.[0-9]\{3\} ms\b/D ms/g
s/\b[0-9]\{16,\}\b/TS/g
s/^\(  glibc .*  container \)[^ ]*\(  shim \)[^ ]*$/\1KIND\2VERSION/
s/ In a container ([^)]*): the image must not ship its own driver libraries; remove .* from the image and let the NVIDIA Container Toolkit mount the host's (docker run --gpus all)\.//
EOF
} >"$NORM"
norm() { sed -f "$NORM"; }

# Clean environment for gpushim and CMD: PATH, TMPDIR, sanitizer options.
CLEAN="PATH=$PATH TMPDIR=$TMPDIR"
for _v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	eval "_x=\${$_v-}"
	[ -n "$_x" ] && CLEAN="$CLEAN $_v=$_x"
done

# golden NAME WANT_RC [VAR=VALUE...] -- [gpushim run options] -- CMD...
# Runs CMD under gpushim run --color=never, report to a file; compares the
# normalised report with tests/golden/NAME.txt (or writes it in update mode).
golden() {
	_name=$1 _want=$2; shift 2
	_env=""; while [ "$1" != -- ]; do _env="$_env $1"; shift; done; shift
	_opts=""; while [ "$1" != -- ]; do _opts="$_opts $1"; shift; done; shift
	_runs=1; [ -n "$UPDATE" ] && _runs=2
	_i=1
	while [ $_i -le $_runs ]; do
		# shellcheck disable=SC2086 # word lists built above
		env -i $CLEAN $_env "$GPUSHIM" run --color=never $_opts -o "$WORK/$_name.raw$_i" -- "$@" \
			>"$WORK/$_name.out" 2>&1
		_rc=$?
		norm <"$WORK/$_name.raw$_i" >"$WORK/$_name.txt$_i"
		_i=$((_i + 1))
	done
	is "$_rc" "$_want" "$_name: exit status of the command"
	if [ -n "$UPDATE" ]; then
		if cmp -s "$WORK/$_name.txt1" "$WORK/$_name.txt2"; then
			mkdir -p "$GOLD" && cp "$WORK/$_name.txt1" "$GOLD/$_name.txt"
			ok 0 "$_name: wrote tests/golden/$_name.txt"
		else
			ok 1 "$_name: two runs normalise differently, not written:"
			diff -u "$WORK/$_name.txt1" "$WORK/$_name.txt2" | sed 's/^/#   /'
		fi
		return
	fi
	if [ ! -f "$GOLD/$_name.txt" ]; then
		ok 1 "$_name: tests/golden/$_name.txt missing (GOLDEN_UPDATE=1 sh $0)"
	elif diff -u "$GOLD/$_name.txt" "$WORK/$_name.txt1" >"$WORK/$_name.diff"; then
		ok 0 "$_name: report matches tests/golden/$_name.txt"
	else
		ok 1 "$_name: report differs from tests/golden/$_name.txt (after an intended change: GOLDEN_UPDATE=1 sh $0)"
		sed 's/^/#   /' "$WORK/$_name.diff"
	fi
}
# cached SONAME...: prints the first SONAME the ld.so cache knows
cached() { for _s; do in_ld_cache "$_s" && { echo "$_s"; return 0; }; done; return 1; }

# The filter itself: what it must change, and what it must leave alone.
printf '%s\n' "process 4242 (parent 17)" "  command (pid 99) exit 0" \
	"        #0 $B/tests/x+0x12cd cudnnCreate" "  error nvml (process 5)" \
	"    cudnnCreate = 1001 CUDNN_STATUS_NOT_INITIALIZED in libcudnn.so.9" \
	"  nvmlInit_v2 = 0 NVML_SUCCESS in libnvidia-ml.so.1 via dlsym 0.071 ms" \
	"  soname libcuda.so.1  build-id c1140fa32436aeee0fca34fa3aec4bc7c2eb0b24  size 20584  mtime 1796167409" \
	"$WORK/tmp/gpushim-run.AbC123/fifo" "libnvidia-ml.so.545.23.08 cudnn=91900 0x7f12" | norm >"$WORK/filter.out"
is "$(cat "$WORK/filter.out")" "process PID (parent PID)
  command (pid PID) exit 0
        #0 <BUILD>/tests/x+0xOFF cudnnCreate
  error nvml (process PID)
    cudnnCreate = 1001 CUDNN_STATUS_NOT_INITIALIZED in libcudnn.so.9
  nvmlInit_v2 = 0 NVML_SUCCESS in libnvidia-ml.so.1 via dlsym D ms
  soname libcuda.so.1  build-id BUILDID  size N  mtime N
<WORK>/tmp/gpushim-run.XXXXXX/fifo
libnvidia-ml.so.545.23.08 cudnn=91900 0x7f12" "normalisation filter: pids, paths, offsets, ids, durations; return codes and versions kept"

if ! need_fakes; then
	skip "healthy: fakes not built"; skip "healthy: fakes not built"
	skip "nvml-mismatch: fakes not built"; skip "nvml-mismatch: fakes not built"
elif c=$(cached libnvidia-ml.so.1 libcuda.so.1 libcudart.so.12 libcudnn.so.8); then
	for _s in healthy healthy nvml-mismatch nvml-mismatch; do
		skip "$_s: $c is in the ld.so cache (a real driver or toolkit), which adds findings"
	done
else
	make_sysroot "$GD/root545" 545.23.08
	cp -a "$NVML545" "$NVML550" "$CUDADRV" "$CUDART12" "$CUDNN897" "$GD/"
	golden healthy 0 GPUSHIM_SYSROOT="$GD/root545" \
		LD_LIBRARY_PATH="$GD/nvml-545.23.08:$GD/cuda-545.23.08:$GD/cudart-12.3.101:$GD/cudnn-8.9.7" -- -v -- \
		"$LOADER" libnvidia-ml.so.1 nvmlInit_v2 nvmlSystemGetDriverVersion \
		libcudart.so.12 cudaGetDeviceCount libcudnn.so.8 cudnnCreate
	# The driver was upgraded to 550.54.14, the module is still 545.23.08.
	mkdir -p "$GD/usr/lib"
	cp -P "$NVML550"/libnvidia-ml.so.* "$GD/usr/lib/"
	golden nvml-mismatch 1 GPUSHIM_SYSROOT="$GD/root545" LD_LIBRARY_PATH="$GD/usr/lib" -- -- \
		"$B/examples/nvml-mismatch/nvml_check"
fi

if ! need_cuda || [ ! -x "$B/examples/cudnn-not-initialized/cudnn_init" ]; then
	skip "real-nodriver: no CUDA toolkit (or examples not built)"
	skip "real-nodriver: no CUDA toolkit (or examples not built)"
elif c=$(cached libcuda.so.1) || [ -e /sys/module/nvidia/version ]; then
	skip "real-nodriver: an NVIDIA driver is installed here"
	skip "real-nodriver: an NVIDIA driver is installed here"
elif [ -z "$UPDATE" ] && [ -f "$GOLD/real-nodriver.txt" ] &&
	! grep -qF -- "-> $(realpath "$CUDA_LIB/libcudart.so.13")" "$GOLD/real-nodriver.txt"; then
	skip "real-nodriver: tests/golden/real-nodriver.txt was made with another toolkit than $(realpath "$CUDA_LIB/libcudart.so.13")"
	skip "real-nodriver: golden file of another toolkit (regenerate: GOLDEN_UPDATE=1 sh $0)"
else
	# cudaGetDeviceCount = 35, cudnnCreate = 1001: no-libcuda explains both
	golden real-nodriver 1 LD_LIBRARY_PATH="$CUDA_LIB" -- -- \
		"$B/examples/cudnn-not-initialized/cudnn_init" libcudart.so.13 libcudnn.so.9
fi
done_testing
