#!/usr/bin/env bash
# bench/field.sh — field truth for gpushim on a machine with an NVIDIA GPU
# (issue 23). Runs every GPU client once without and once with the shim,
# induced failures under the shim, and a small PyTorch training loop for the
# overhead; writes everything into ONE output folder:
#
#   OUT/summary.txt    one line per check: PASS|FAIL|SKIP NAME DETAIL
#   OUT/field.tar.gz   the machine's truth, every client's output, exit
#                      status, mapped GPU libraries, the gpushim reports
#   OUT/logs.tar.gz    the raw shim records (GPUSHIM_LOG), for
#                      `bench/field.sh --analyze DIR` on another machine
#   OUT/field.log      what this script printed
#
# Usage:
#   bench/field.sh [--out DIR] [--budget SECONDS] [--no-nvcc] [--keep]
#                  [--overhead-only] [--pairs N]
#                    --overhead-only: only the training-loop overhead, in
#                    N alternating pairs (default 4, at most 9)
#   bench/field.sh --dry-run [--out DIR]     this machine: real toolkit
#                    (no GPU) and the fakes of the test bed (make field-dry)
#   bench/field.sh --analyze DIR             redo the reports (with this
#                    machine's gpushim) and the summary from an extracted
#                    field.tar.gz + logs.tar.gz
#
# Runs from the repository (bench/field.sh after `make all test-bins
# field-bins`) or from the kit (`make field-kit`: build/field-kit/field.sh,
# which carries the shim, the collector and its libraries, the fakes).
# Every step has its own timeout; no single failure stops the script; the
# whole run keeps to --budget seconds (default 300; reports, analysis and
# packing take about 20 s more) and skips what would not
# fit. docs/field-validation.md explains each check.
set -u

SD=$(cd "$(dirname "$0")" && pwd)
if [ -f "$SD/bin/libgpushim.so" ]; then # the kit
	KIT=$SD
	HELP=$SD/field
	BIN=$SD/bin
	FAKES=$SD/fakes
	COLL_LIB=$SD/lib
else # the repository: bench/field.sh
	KIT=
	HELP=$SD/field
	TOP=$(cd "$SD/.." && pwd)
	B=${BUILD:-build}
	case $B in /*) ;; *) B=$TOP/$B ;; esac
	BIN=$B/field
	FAKES=$B/fakes
	COLL_LIB=
fi
SHIM=${GPUSHIM_SHIM_PATH:-${KIT:+$BIN/libgpushim.so}}
SHIM=${SHIM:-$B/libgpushim.so}
COLL=${KIT:+$BIN/gpushim}
COLL=${COLL:-$B/gpushim}

OUTDIR=${OUT:-}
MODE=device
BUDGET=300
NVCC_OK=1
KEEP=0
ONLY=
PAIRS=4
ANALYZE_DIR=
while [ $# -gt 0 ]; do
	case $1 in
	--out) OUTDIR=$2; shift 2 ;;
	--out=*) OUTDIR=${1#--out=}; shift ;;
	--dry-run) MODE=dry; shift ;;
	--budget) BUDGET=$2; shift 2 ;;
	--no-nvcc) NVCC_OK=0; shift ;;
	--keep) KEEP=1; shift ;;
	--overhead-only) ONLY=overhead; shift ;;
	--pairs) PAIRS=$2; shift 2 ;;
	--analyze) MODE=analyze; ANALYZE_DIR=$2; shift 2 ;;
	-h | --help) sed -n '2,30p' "$0"; exit 0 ;;
	*) echo "field.sh: unknown argument $1" >&2; exit 64 ;;
	esac
done

T0=$(date +%s)
elapsed() { echo $(($(date +%s) - T0)); }
say() { printf '[%4ss] %s\n' "$(elapsed)" "$*"; }

# A Python that is the real interpreter (not a pyenv or similar wrapper
# script, which would add processes and change nothing else), venvs kept.
# FIELD_PYTHON=PATH picks another interpreter.
PY=$("${FIELD_PYTHON:-python3}" -c 'import sys; print(sys.executable)' 2>/dev/null)
[ -n "$PY" ] || PY=python3

# The collector, with its shared libraries from the kit for its own
# process only (never for the traced programs): coll TIMEOUT ARGS...
coll() {
	_ct=$1; shift
	if [ -n "$COLL_LIB" ] && [ -d "$COLL_LIB" ]; then
		timeout -k 3 "$_ct" env LD_LIBRARY_PATH="$COLL_LIB" "$COLL" "$@"
	else
		timeout -k 3 "$_ct" "$COLL" "$@"
	fi
}

# reports DIR: gpushim report (JSON and text) for every DIR/runs/*.log
reports() {
	if ! coll 10 --version >"$1/collector.txt" 2>&1; then
		say "the collector does not run here: reports skipped (run field.sh --analyze DIR on the output elsewhere)"
		echo "[collector unavailable]" >>"$1/collector.txt"
		return 0
	fi
	for _l in "$1"/runs/*.log; do
		[ -e "$_l" ] || continue
		_b=${_l%.log}
		coll 60 report --json "$_l" >"$_b.report.json" 2>"$_b.report.err"
		# the text report is for people; it gives way when time runs short
		if [ "$MODE" = analyze ] || [ "$(elapsed)" -lt $((BUDGET + 15)) ]; then
			coll 30 report --color=never "$_l" >"$_b.report.txt" 2>&1
		fi
	done
}

analyze() { # analyze DIR: DIR/summary.txt from DIR/plan.tsv and DIR/runs
	timeout 120 "$PY" "$HELP/analyze.py" "$1" || say "analyze.py failed ($?)"
}

if [ "$MODE" = analyze ]; then
	[ -d "$ANALYZE_DIR/runs" ] || { echo "field.sh: $ANALYZE_DIR/runs: not a field output (extract field.tar.gz and logs.tar.gz there)" >&2; exit 64; }
	reports "$ANALYZE_DIR"
	analyze "$ANALYZE_DIR"
	cat "$ANALYZE_DIR/summary.txt"
	exit 0
fi

[ -n "$OUTDIR" ] || OUTDIR=$PWD/field-out
mkdir -p "$OUTDIR" || exit 1
OUTDIR=$(cd "$OUTDIR" && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/gpushim-field.XXXXXX") || exit 1
mkdir -p "$W/truth" "$W/runs" "$W/work"
exec > >(tee "$W/field.log") 2>&1
PLAN=$W/plan.tsv
: >"$PLAN"
say "gpushim field run, mode $MODE, budget ${BUDGET}s, work dir $W, output $OUTDIR"
say "shim $SHIM; collector $COLL; helpers $HELP; python $PY"

# remaining SECONDS_WANTED: the timeout a step may have, 0 when it does not fit
remaining() {
	_left=$((BUDGET - $(elapsed)))
	if [ "$_left" -lt 8 ]; then echo 0; elif [ "$1" -gt "$_left" ]; then echo "$_left"; else echo "$1"; fi
}

# truth NAME TIMEOUT CMD...: the machine's own answer, into truth/NAME.txt
truth() {
	_n=$1 _t=$2; shift 2
	{ echo "\$ $*"; timeout -k 3 "$_t" "$@" 2>&1; echo "[exit $?]"; } >"$W/truth/$_n.txt"
}

# run1 NAME VARIANT TIMEOUT [VAR=VALUE...] -- CMD...
#   VARIANT "without": as is; "with": the shim preloaded, records to
#   runs/NAME.with.log. Writes runs/NAME.VARIANT.{out,err,rc,maps,env,cmd}.
run1() {
	_n=$1 _v=$2 _t=$3; shift 3
	_envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do _envs+=("$1"); shift; done
	shift
	_p=$W/runs/$_n.$_v
	_t=$(remaining "$_t")
	if [ "$_t" -eq 0 ]; then
		echo "SKIP time budget spent" >"$_p.out"; echo 2 >"$_p.rc"; : >"$_p.err"
		say "  $_n.$_v: skipped (time budget)"
		return 0
	fi
	: >"$_p.maps"
	_envs+=("FIELD_MAPS=$_p.maps")
	if [ "$_v" = with ]; then
		rm -f "$_p.log"
		_envs+=("LD_PRELOAD=$SHIM${LD_PRELOAD:+:$LD_PRELOAD}" "GPUSHIM_LOG=$_p.log")
	fi
	printf '%s\n' "${_envs[@]}" >"$_p.env"
	printf '%s\n' "$*" >"$_p.cmd"
	_s=$(date +%s.%N)
	timeout -k 5 "$_t" env "${_envs[@]}" "$@" >"$_p.out" 2>"$_p.err" </dev/null
	echo $? >"$_p.rc"
	_e=$(date +%s.%N)
	awk -v s="$_s" -v e="$_e" 'BEGIN { printf "%.3f\n", e - s }' >"$_p.wall"
	say "  $_n.$_v: exit $(cat "$_p.rc") in $(cat "$_p.wall")s: $(head -c 200 "$_p.out" | head -1)"
}

# pair NAME TIMEOUT EXP_RC EXP_FINDINGS EXP_CALLS MAPS [VAR=VALUE...] -- CMD...
#   the client without, then with the shim; the plan line says what the
#   analysis expects (EXP_FINDINGS, EXP_CALLS: comma lists, "-" for none)
pair() {
	[ "$ONLY" = overhead ] && return 0
	_pn=$1 _pt=$2
	printf 'pair\t%s\t%s\t%s\t%s\t%s\n' "$_pn" "$3" "$4" "$5" "$6" >>"$PLAN"
	shift 6
	say "client $_pn"
	run1 "$_pn" without "$_pt" "$@"
	run1 "$_pn" with "$_pt" "$@"
}

# induced NAME TIMEOUT EXP_FIRST_FINDING [VAR=VALUE...] -- CMD...  (with the shim only)
induced() {
	[ "$ONLY" = overhead ] && return 0
	_in=$1 _it=$2
	printf 'induced\t%s\t%s\n' "$_in" "$3" >>"$PLAN"
	shift 3
	say "induced failure $_in"
	run1 "induced-$_in" with "$_it" "$@"
}

skipline() { printf 'skip\t%s\t%s\n' "$1" "$2" >>"$PLAN"; say "skip $1: $2"; }

CL=$HELP/client.py
[ -x "$SHIM" ] || [ -f "$SHIM" ] || say "WARNING: no shim at $SHIM: every 'with' run will be as without"

# ---- the machine's truth ----------------------------------------------------
say "truth"
truth uname 5 uname -a
truth os-release 5 cat /etc/os-release
truth glibc 5 ldd --version
truth nproc 5 nproc
truth proc-driver-version 5 cat /proc/driver/nvidia/version
truth sys-module-version 5 cat /sys/module/nvidia/version
truth dev-nvidia 5 sh -c 'ls -la /dev/nvidia*'
truth nvidia-smi 30 nvidia-smi
truth nvidia-smi-q 30 sh -c 'nvidia-smi -q | head -60'
truth nvidia-smi-L 30 nvidia-smi -L
truth ldconfig 10 sh -c 'ldconfig -p | grep -E "libcuda\.|libnvidia-ml|libcudart|libcudnn"'
truth nvcc 20 nvcc --version
truth python-versions 30 "$PY" "$CL" versions
truth nvidia-wheels 20 "$PY" -c 'import glob, os, sys
for d in sys.path:
    for p in sorted(glob.glob(os.path.join(d or ".", "nvidia", "*", "lib", "*.so*"))):
        print(p)'
truth env 5 sh -c 'env | grep -E "^(LD_LIBRARY_PATH|LD_PRELOAD|CUDA_|NVIDIA_|PATH|XLA_|JAX_|TF_)=" | sort'
truth shim 5 sh -c "ls -la '$SHIM' '$COLL'; sha256sum '$SHIM' '$COLL'"
{ echo "\$ gpushim --version${COLL_LIB:+ (LD_LIBRARY_PATH=$COLL_LIB for the collector only)}"; coll 10 --version 2>&1; echo "[exit $?]"; } >"$W/truth/collector.txt"
cat "$W/truth/nvidia-smi-L.txt"

SR=$W/work/sysroot
mk_sysroot() { # mk_sysroot DIR VERSION: fake /sys,/proc,/dev for GPUSHIM_SYSROOT
	mkdir -p "$1/sys/module/nvidia" "$1/proc/driver/nvidia" "$1/dev"
	printf '%s\n' "$2" >"$1/sys/module/nvidia/version"
	printf 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  %s  Mon Oct  9 21:35:12 UTC 2023\n' "$2" >"$1/proc/driver/nvidia/version"
	: >"$1/dev/nvidiactl"
}

# The toolkit's stub libcuda.so, as libcuda.so.1 in a directory of its own.
find_stub() {
	_nv=$(command -v nvcc 2>/dev/null)
	for _s in ${_nv:+"$(dirname "$_nv")/../lib64/stubs/libcuda.so"} \
		${_nv:+"$(dirname "$_nv")/../targets/x86_64-linux/lib/stubs/libcuda.so"} \
		${CUDA_HOME:+"$CUDA_HOME/lib64/stubs/libcuda.so"} \
		/usr/local/cuda/lib64/stubs/libcuda.so /usr/local/cuda/targets/x86_64-linux/lib/stubs/libcuda.so \
		${KIT:+"$KIT/stubs/libcuda.so"}; do
		[ -e "$_s" ] && { readlink -f "$_s"; return 0; }
	done
	return 1
}
STUB=$(find_stub)
if [ -n "$STUB" ]; then
	mkdir -p "$W/work/stub" && ln -sf "$STUB" "$W/work/stub/libcuda.so.1"
fi
echo "stub libcuda: ${STUB:-none}" >>"$W/truth/shim.txt"

# The static-runtime client: built here with nvcc when there is one (in the
# background while the first clients run), else the one the kit carries.
STATIC=
NVCC=$(command -v nvcc 2>/dev/null || { [ -x /usr/local/cuda/bin/nvcc ] && echo /usr/local/cuda/bin/nvcc; })
NVCC_PID=
if [ "$NVCC_OK" = 1 ] && [ -n "$NVCC" ]; then
	( timeout -k 5 90 "$NVCC" -O2 -cudart static \
		-gencode arch=compute_90,code=sm_90 -gencode arch=compute_75,code=compute_75 \
		-o "$W/work/field_static" "$HELP/static.cu" >"$W/truth/nvcc-build.txt" 2>&1
	  echo "[exit $?]" >>"$W/truth/nvcc-build.txt" ) &
	NVCC_PID=$!
fi

# ---- the clients, without and with the shim ---------------------------------
PLUG13=$BIN/probe_cudart13.so
PLUG12=$BIN/probe_cudart12.so
PLUGNV=$BIN/probe_nvml.so
[ -e "$PLUG13" ] || say "WARNING: $PLUG13 missing: the issue-16 plugin probe is left out"
plugarg() { if [ -e "$1" ]; then echo "plugin=$1"; else echo "noplugin=$1"; fi; }

if [ "$MODE" = device ]; then
	CUDART=$(timeout 20 "$PY" "$CL" find soname=libcudart.so.13 2>/dev/null)
	if [ -z "$CUDART" ] && [ -n "$NVCC" ] && [ -e "$(dirname "$NVCC")/../lib64/libcudart.so.13" ]; then
		CUDART=$(readlink -f "$(dirname "$NVCC")/../lib64/libcudart.so.13")
	fi
	[ -n "$CUDART" ] || CUDART=libcudart.so.13
	say "cudart for the ctypes probes: $CUDART"
	echo "cudart for ctypes probes: $CUDART" >>"$W/truth/shim.txt"

	pair cudart 60 0 - cudaGetDeviceCount yes -- "$PY" "$CL" cudart "lib=$CUDART" "$(plugarg "$PLUG13")"
	pair nvml 60 0 - nvmlInit_v2 yes -- "$PY" "$CL" nvml lib=libnvidia-ml.so.1 "$(plugarg "$PLUGNV")"
	if command -v nvidia-smi >/dev/null 2>&1; then
		pair smi 30 0 - - no -- nvidia-smi -L
	else
		skipline smi "nvidia-smi not found"
	fi
	pair pynvml 60 0 - 'nvmlInit*' yes -- "$PY" "$CL" pynvml
	pair torch 120 0 - cudaGetDeviceCount,cudnnCreate yes -- "$PY" "$CL" torch
else
	# Dry run: the real toolkit here (no driver: 35 both ways) and the fakes
	# set to succeed, so that a made-up code cannot pass for the real answer.
	mk_sysroot "$SR/545" 545.23.08
	mk_sysroot "$SR/580" 580.95.05
	FK_OK=(GPUSHIM_SYSROOT="$SR/545" FAKE_CUDA_DEVICE_COUNT=2 LD_LIBRARY_PATH="$FAKES/cuda-545.23.08")
	CUDA_LIB=${CUDA_HOME:-/usr/local/cuda}/lib64
	if [ -e "$CUDA_LIB/libcudart.so.13" ]; then
		pair cudart-real 60 3 no-libcuda cudaGetDeviceCount=35 yes -- "$PY" "$CL" cudart "lib=$CUDA_LIB/libcudart.so.13" "$(plugarg "$PLUG13")"
	else
		skipline cudart-real "no CUDA toolkit in $CUDA_LIB"
	fi
	if [ -e "$FAKES/cudart-12.3.101/libcudart.so.12" ]; then
		pair cudart-fake 60 0 - cudaGetDeviceCount yes "${FK_OK[@]}" -- \
			"$PY" "$CL" cudart "lib=$FAKES/cudart-12.3.101/libcudart.so.12" "$(plugarg "$PLUG12")"
		pair nvml-fake 60 0 - nvmlInit_v2 yes GPUSHIM_SYSROOT="$SR/545" FAKE_NVML_DEVICE_COUNT=2 \
			LD_LIBRARY_PATH="$FAKES/nvml-545.23.08" -- "$PY" "$CL" nvml lib=libnvidia-ml.so.1 "$(plugarg "$PLUGNV")"
	else
		skipline cudart-fake "fakes not built ($FAKES): make test-bins"
		skipline nvml-fake "fakes not built ($FAKES): make test-bins"
	fi
	if command -v nvidia-smi >/dev/null 2>&1; then
		pair smi 30 '*' '*' - no -- nvidia-smi -L
	else
		skipline smi "nvidia-smi not found"
	fi
	# a framework that is installed here runs without a GPU: only sameness counts
	pair pynvml 60 '*' '*' - yes -- "$PY" "$CL" pynvml
	pair torch 120 '*' '*' - yes -- "$PY" "$CL" torch
fi

# ---- induced failures, under the shim: the first finding must name them -----
if [ "$MODE" = device ]; then
	induced no-device 60 no-device CUDA_VISIBLE_DEVICES= -- "$PY" "$CL" cudart "lib=$CUDART"
	if [ -n "$STUB" ]; then
		induced stub-libcuda 60 stub-libcuda LD_LIBRARY_PATH="$W/work/stub" -- "$PY" "$CL" cudart "lib=$CUDART"
	else
		skipline induced-stub-libcuda "no stub libcuda.so found (nvcc's toolkit, /usr/local/cuda, the kit)"
	fi
	if [ -e "$FAKES/nvml-545.23.08/libnvidia-ml.so.1" ]; then
		induced nvml-old 60 nvml-driver-mismatch LD_LIBRARY_PATH="$FAKES/nvml-545.23.08" -- \
			"$PY" "$CL" nvml lib=libnvidia-ml.so.1
	else
		skipline induced-nvml-old "no fake NVML 545.23.08 in $FAKES"
	fi
	if [ -e "$FAKES/cudnn-9.1.0/libcudnn.so.9" ]; then
		# the fake cuDNN 9.1.0 says it was built for CUDA 12.2 (12020); the
		# process uses the CUDA 13 runtime
		induced cudnn-major 60 cudnn-cuda-mismatch LD_LIBRARY_PATH="$FAKES/cudnn-9.1.0" -- \
			"$PY" "$CL" cudart "lib=$CUDART" cudnn=libcudnn.so.9
	else
		skipline induced-cudnn-major "no fake cuDNN 9.1.0 in $FAKES"
	fi
else
	induced no-device 60 no-device "${FK_OK[@]}" CUDA_VISIBLE_DEVICES= FAKE_CUDA_DEVICE_COUNT=0 -- \
		"$PY" "$CL" cudart "lib=$FAKES/cudart-12.3.101/libcudart.so.12"
	if [ -n "$STUB" ] && [ -e "$CUDA_LIB/libcudart.so.13" ]; then
		induced stub-libcuda 60 stub-libcuda LD_LIBRARY_PATH="$W/work/stub" -- \
			"$PY" "$CL" cudart "lib=$CUDA_LIB/libcudart.so.13"
	else
		skipline induced-stub-libcuda "no toolkit stub libcuda.so or no libcudart.so.13"
	fi
	induced nvml-old 60 nvml-driver-mismatch GPUSHIM_SYSROOT="$SR/580" LD_LIBRARY_PATH="$FAKES/nvml-545.23.08" -- \
		"$PY" "$CL" nvml lib=libnvidia-ml.so.1
	induced cudnn-major 60 cudnn-cuda-mismatch "${FK_OK[@]}" FAKE_CUDNN_CUDART=11080 \
		LD_LIBRARY_PATH="$FAKES/cudnn-9.1.0:$FAKES/cuda-545.23.08" -- \
		"$PY" "$CL" cudart "lib=$FAKES/cudart-12.3.101/libcudart.so.12" cudnn=libcudnn.so.9
fi

# ---- the static-runtime program, CuPy, JAX ----------------------------------
if [ -n "$NVCC_PID" ]; then wait "$NVCC_PID"; fi
if [ -x "$W/work/field_static" ]; then
	STATIC=$W/work/field_static
elif [ -x "$BIN/field_static" ]; then
	STATIC=$BIN/field_static
	echo "using the prebuilt $STATIC (no nvcc build here)" >>"$W/truth/nvcc-build.txt"
fi
if [ -n "$STATIC" ]; then
	if [ "$MODE" = device ]; then
		pair static 60 0 - cuInit yes -- "$STATIC"
	else
		pair static 60 3 no-libcuda - yes -- "$STATIC"
	fi
else
	skipline static "no nvcc and no prebuilt field_static"
fi
if [ "$MODE" = device ]; then FW_RC=0 FW_FIND=-; else FW_RC='*' FW_FIND='*'; fi
pair cupy 120 "$FW_RC" "$FW_FIND" - yes CUPY_CACHE_DIR="$W/work/cupy-cache" -- "$PY" "$CL" cupy
pair jax 150 "$FW_RC" "$FW_FIND" - yes XLA_PYTHON_CLIENT_PREALLOCATE=false -- "$PY" "$CL" jax

# ---- overhead: a small training loop, alternating without / with ----------
printf 'overhead\ttrain\n' >>"$PLAN"
say "overhead: training loop, alternating without and with the shim"
case $PAIRS in [1-9]) ;; *) PAIRS=4 ;; esac
for _i in $(seq 1 "$PAIRS"); do
	for _v in without with; do
		# a run takes 10-20 s on an H200 (torch's import included), up to
		# ~60 s elsewhere: a pair after the first only while 60 s are left
		if [ "$_i" -gt 1 ] && [ "$(remaining 60)" -lt 60 ]; then continue; fi
		run1 "train$_i" "$_v" 90 -- "$PY" "$CL" train steps=1000 warmup=50
	done
done

# ---- reports and comparisons ------------------------------------------------
say "reports"
reports "$W"
say "analysis"
analyze "$W"
say "done in $(elapsed)s"
cat "$W/summary.txt" 2>/dev/null

# ---- what comes back: at most four files ------------------------------------
cp "$W/summary.txt" "$OUTDIR/summary.txt" 2>/dev/null || echo "FAIL analysis no summary (see field.log)" >"$OUTDIR/summary.txt"
(cd "$W" && { echo plan.tsv; find runs -name '*.log'; } | tar -czf "$OUTDIR/logs.tar.gz" --transform 's,^,field/,' -T -)
tar -C "$W" -czf "$OUTDIR/field.tar.gz" --transform 's,^\.,field,' --exclude='runs/*.log' --exclude='work/cupy-cache' \
	--exclude='work/field_static' . 2>/dev/null
# Each file that comes back must stay under 16 MiB: the JSON reports can be
# made again from the raw records (--analyze), the overhead runs' records
# matter least, and what is still too big is split.
MAXB=$((15 * 1024 * 1024))
size() { stat -c %s "$1" 2>/dev/null || echo 0; }
if [ "$(size "$OUTDIR/field.tar.gz")" -gt "$MAXB" ]; then
	say "field.tar.gz over 15 MiB: packed again without the JSON reports"
	tar -C "$W" -czf "$OUTDIR/field.tar.gz" --transform 's,^\.,field,' --exclude='runs/*.log' --exclude='*.report.json' \
		--exclude='work/cupy-cache' --exclude='work/field_static' . 2>/dev/null
fi
if [ "$(size "$OUTDIR/logs.tar.gz")" -gt "$MAXB" ]; then
	say "logs.tar.gz over 15 MiB: packed again without the overhead runs' records"
	(cd "$W" && { echo plan.tsv; find runs -name '*.log' ! -name 'train*'; } | tar -czf "$OUTDIR/logs.tar.gz" --transform 's,^,field/,' -T -)
fi
for _f in field.tar.gz logs.tar.gz; do
	if [ "$(size "$OUTDIR/$_f")" -gt "$MAXB" ]; then
		say "$_f still over 15 MiB: split into $_f.part-* (cat them together)"
		split -b 15m -a 1 "$OUTDIR/$_f" "$OUTDIR/$_f.part-" && rm -f "$OUTDIR/$_f"
	fi
done
cp "$W/field.log" "$OUTDIR/field.log"
ls -la "$OUTDIR"
if [ "$KEEP" = 1 ]; then echo "work dir kept: $W"; else rm -rf "$W"; fi
exit 0
