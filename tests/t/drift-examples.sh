#!/bin/sh
# The integration examples in examples/drift/ work as documented, with the
# fake libraries standing in for a GPU test suite: the Make targets, the
# CTest project (pass, then drift as a failed test with a JUnit report),
# fleet-diff.sh, and the pytest conftest.py (compiled; run when pytest is
# installed).
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
. "$GPUSHIM_TOP/tests/fakes/testlib.sh"
if ! need_fakes; then skip "fakes not built"; done_testing; exit; fi
if [ ! -e "$SHIM" ]; then skip "no shim ($SHIM)"; done_testing; exit; fi
make_sysroot "$WORK/sr545" 545.23.08
export GPUSHIM_SYSROOT="$WORK/sr545"
EX=$GPUSHIM_TOP/examples/drift
# gpushim from PATH, as the examples expect
mkdir -p "$WORK/bin" && ln -s "$GPUSHIM" "$WORK/bin/gpushim"
export PATH="$WORK/bin:$PATH"
cd "$WORK" || exit 1
TEST_CMD="$LOADER libcudnn.so.8 cudnnCreate"
export LD_LIBRARY_PATH="$CUDNN897:$CUDADRV"

# Makefile.drift
M() { make -s -f "$EX/Makefile.drift" GPU_BASELINE="$WORK/mk.json" TEST_CMD="$TEST_CMD" "$@" >/dev/null 2>&1; }
M update-gpu-baseline; is "$?" 0 "make update-gpu-baseline"
check "... wrote the baseline" test -s mk.json
M check-gpu-drift; is "$?" 0 "make check-gpu-drift: no drift"
LD_LIBRARY_PATH="$CUDNN860:$CUDADRV" M check-gpu-drift; check "make check-gpu-drift: fails on drift" test $? -ne 0

# CTest
if command -v cmake >/dev/null && command -v ctest >/dev/null; then
	cmake -S "$EX/ctest" -B ct -DGPU_TEST_COMMAND="$LOADER;libcudnn.so.8;cudnnCreate" \
		-DGPUSHIM_BASELINE="$WORK/ct.json" >/dev/null 2>&1
	is "$?" 0 "CTest example configures"
	cmake --build ct --target update-gpu-baseline >/dev/null 2>&1
	check "... update-gpu-baseline writes the baseline" test -s ct.json
	ctest --test-dir ct >/dev/null 2>&1; is "$?" 0 "... ctest passes without drift"
	LD_LIBRARY_PATH="$CUDNN860:$CUDADRV" ctest --test-dir ct >/dev/null 2>&1
	check "... ctest fails on drift" test $? -ne 0
	check "... with the drift in the JUnit report" grep -q 'libcudnn version 8.9.7 -&gt; 8.6.0' ct/gpushim-drift.xml
else
	for _ in 1 2 3 4 5; do skip "no cmake/ctest"; done
fi

# fleet-diff.sh
"$GPUSHIM" run -q -o /dev/null --save good.jsonl -- $TEST_CMD >/dev/null 2>&1
sh "$EX/fleet-diff.sh" good.jsonl -- $TEST_CMD >/dev/null 2>&1; is "$?" 0 "fleet-diff.sh: same node, no difference"
LD_LIBRARY_PATH="$CUDNN860:$CUDADRV" sh "$EX/fleet-diff.sh" good.jsonl -- $TEST_CMD >out.txt 2>&1
is "$?" 10 "fleet-diff.sh: other cuDNN, exit 10"
check "... names it" grep -q 'libcudnn version 8.9.7 -> 8.6.0' out.txt

# conftest.py
check "conftest.py compiles" "$PY" -c "import ast, sys; ast.parse(open(sys.argv[1]).read())" "$EX/conftest.py"
if "$PY" -c 'import pytest' 2>/dev/null; then
	mkdir -p pt && cp "$EX/conftest.py" pt/
	printf 'import ctypes\ndef test_cudnn():\n    assert ctypes.CDLL("libcudnn.so.8").cudnnGetVersion() == 8907 or True\n' >pt/test_gpu.py
	(cd pt && "$PY" -m pytest -q -p no:cacheprovider >/dev/null 2>&1)
	check "pytest under conftest.py: first run writes the baseline" test -s pt/gpushim-baseline.json
	(cd pt && "$PY" -m pytest -q -p no:cacheprovider >/dev/null 2>&1); is "$?" 0 "... second run checks: no drift"
	(cd pt && LD_LIBRARY_PATH="$CUDNN860:$CUDADRV" "$PY" -m pytest -q -p no:cacheprovider >/dev/null 2>&1)
	is "$?" 10 "... cuDNN swapped: the session exits 10"
else
	for _ in 1 2 3; do skip "pytest not installed"; done
fi
done_testing
