# Helpers for tests that use the fakes. Source after tests/lib/common.sh.
. "$GPUSHIM_TOP/tests/fakes/sysroot.sh"

# Test programs print "KEY=RC [out=VALUE]" lines.
# field OUTPUT KEY: the word after "KEY=" on KEY's first line
field() { printf '%s\n' "$1" | sed -n "s/^$2=\([^ ]*\).*/\1/p" | head -n 1; }
# outv OUTPUT KEY: what follows " out=" on KEY's first line
outv() { printf '%s\n' "$1" | sed -n "s/^$2=[^ ]* out=//p" | head -n 1; }

# has OUTPUT PATTERN...: every grep PATTERN matches a line of OUTPUT
has() {
	_o=$1; shift
	for _p; do
		printf '%s\n' "$_o" | grep -q -- "$_p" || { echo "#   no line matches '$_p' in:"; printf '%s\n' "$_o" | sed 's/^/#     /'; return 1; }
	done
}

# Absolute paths to each fake set (see tests/fakes/README.md).
NVML545=$FAKES/nvml-545.23.08 NVML550=$FAKES/nvml-550.54.14
CUDADRV=$FAKES/cuda-545.23.08 CUDART12=$FAKES/cudart-12.3.101
CUDNN897=$FAKES/cudnn-8.9.7 CUDNN860=$FAKES/cudnn-8.6.0
CUDNN910=$FAKES/cudnn-9.1.0 CUDNN910G900=$FAKES/cudnn-9.1.0-graph-9.0.0
LOADER=$T/gpu_dl_loader

# need_fakes: true when the fakes are built, else prints why
need_fakes() {
	[ -e "$CUDNN910G900/libcudnn_graph.so.9" ] && [ -x "$LOADER" ] && return 0
	echo "# fake GPU libraries not built in $FAKES: run 'make test-bins'"
	return 1
}
# in_ld_cache SONAME: the system linker cache knows SONAME (a real driver
# or toolkit is installed), which changes what a bare dlopen finds
in_ld_cache() { /sbin/ldconfig -p 2>/dev/null | grep -q "^[[:space:]]*$1 "; }

# Clear every FAKE_* variable a caller may have exported.
for _v in $(env | sed -n 's/^\(FAKE_[A-Z0-9_]*\)=.*/\1/p'); do unset "$_v"; done
unset GPUSHIM_SYSROOT LD_LIBRARY_PATH
PY=$(command -v /usr/bin/python3 || command -v python3)
