#!/bin/sh
# Every runnable example runs as its README says: examples/nvml-init,
# pynvml-ctypes, cudnn-create, tf-loader, torch-preload (with the real
# toolkit when present, and always with the fakes too), container (sim),
# systemd. Assertions are on the JSON report.
. "${GPUSHIM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
EXD=$GPUSHIM_TOP/examples
for d in nvml-init pynvml-ctypes cudnn-create tf-loader torch-preload container systemd; do
	is "$(wc -l <"$EXD/$d/README.md" | tr -d ' ')" 1 "examples/$d: a one-line README"
done

calls() { jq -r '[.processes[] | .calls[]? | "\(.fn)=\(.rc)"] | join(" ")' "$1"; }
ids() { jq -r '[.findings[] | select(.severity == "error" or .severity == "warning") | .id] | unique | join(" ")' "$1"; }
errors() { jq -r '[.findings[] | select(.severity == "error") | .id] | join(" ")' "$1"; }
ex() { # ex NAME MODE: runs examples/NAME/run.sh --json; sets rc, J
	J=$WORK/$1-$2.json
	if [ "$2" = fake ]; then
		CUDA_HOME=/nonexistent sh "$EXD/$1/run.sh" --json -o "$J" >"$WORK/$1-$2.out" 2>"$WORK/$1-$2.err"
	else
		sh "$EXD/$1/run.sh" --json -o "$J" >"$WORK/$1-$2.out" 2>"$WORK/$1-$2.err"
	fi
	rc=$?
}

# NVML: no driver on the build machines, so both take the fake path there.
for e in nvml-init pynvml-ctypes; do
	ex $e fake
	is "$rc" 0 "$e: exit 0"
	is "$(errors "$J")" "" "$e: no error findings"
done
is "$(calls "$WORK/nvml-init-fake.json")" nvmlInit_v2=0 "nvml-init: nvmlInit_v2 by symbol = 0"
is "$(calls "$WORK/pynvml-ctypes-fake.json")" nvmlInitWithFlags=0 "pynvml-ctypes: nvmlInitWithFlags through the handle = 0"
check "pynvml-ctypes: the script's output" grep -q 'driver 545.23.08, 1 device' "$WORK/pynvml-ctypes-fake.out"

# CUDA and cuDNN, fakes
ex cudnn-create fake
is "$rc.$(calls "$J").$(errors "$J")" "0.cudnnCreate=0." "cudnn-create (fakes): exit 0, cudnnCreate 0, no errors"
ex tf-loader fake
is "$rc.$(calls "$J").$(errors "$J")" "0.cudaGetDeviceCount=0 cudnnCreate=0." "tf-loader (fakes): all 0, no errors"
ex torch-preload fake
is "$rc.$(calls "$J").$(ids "$J")" "0.cudaGetDeviceCount=0 cudnnCreate=0." "torch-preload (fakes): all 0, no findings"
check "torch-preload (fakes): is_available True" grep -q 'is_available(): True' "$WORK/torch-preload-fake.out"

# CUDA and cuDNN, the real toolkit
if need_cuda; then
	ex cudnn-create real
	is "$rc.$(calls "$J")" "1.cudnnCreate=1001" "cudnn-create (real): exit 1, cudnnCreate 1001"
	is "$(errors "$J")" no-libcuda "... finding no-libcuda"
	ex tf-loader real
	is "$rc.$(calls "$J")" "1.cudaGetDeviceCount=35 cudnnCreate=1001" "tf-loader (real): 35 and 1001"
	is "$(ids "$J")" "no-libcuda" "... finding no-libcuda (cuDNN for 13.1 on the 13.0 runtime is supported)"
	ex torch-preload real
	is "$rc.$(calls "$J")" "1.cudaGetDeviceCount=35 cudnnCreate=1001" "torch-preload (real): 35 and 1001"
	is "$(ids "$J")" "no-libcuda" "... finding no-libcuda (cuDNN for 13.1 on the 13.0 runtime is supported)"
	check "... RTLD_GLOBAL (0x100) in the preloads' dlopen flags" \
		sh -c "jq -e '[.processes[].loads[]? | select(.name | test(\"libcudart\"))][0].flags | (./256 | floor) % 2 == 1' '$J' >/dev/null"
else
	skip "real toolkit absent: real runs of cudnn-create, tf-loader, torch-preload"
fi

# container: shim in a private root filesystem, collector on the host
if [ -n "${SANITIZE:-}" ]; then
	skip "container example: sanitizer build (its shim needs the sanitizer runtime, which the image lacks)"
else
	ex container sim
	if [ "$rc" -eq 2 ] && grep -q 'no namespaces' "$WORK/container-sim.err"; then
		skip "container example: no Docker engine and no namespaces here"
	else
		is "$rc" 1 "container: the program's exit status (NVML mismatch)"
		is "$(jq -r '.processes[0] | "\(.pid) \(.container) \(.exe)"' "$J")" "1 docker /app/nvml_check" \
			"container: pid 1 in its namespace, hello says docker"
		is "$(errors "$J")" nvml-driver-mismatch "container: the baked-in driver library found"
		check "... and the fix names the image" sh -c "jq -r '.findings[0].fix' '$J' | grep -q 'must not ship its own driver libraries'"
		is "$(jq -r '.processes[0].accounting.complete' "$J")" true "container: every record reached the host"
	fi
fi

# systemd: the unit's command line, a rotation, a stop
sh "$EXD/systemd/run.sh" --json -o "$WORK/sd.json" >"$WORK/sd.out" 2>"$WORK/sd.err"
is "$?" 0 "systemd: the collector stops with 0 on SIGTERM"
check "systemd: ExecStart used as written" grep -q '^ExecStart: .*collect --fifo .*/run/gpushim/fifo --save .*/records.jsonl --syslog --forget -q' "$WORK/sd.out"
is "$(grep -c 'records.jsonl[.1]*: pids [0-9]*$' "$WORK/sd.out")" 2 "systemd: one process in each file after the rotation"
is "$(jq -r '[.findings[].id] | join(" ")' "$WORK/sd.json")" nvml-driver-mismatch "systemd: the failing job's finding"
if command -v systemd-analyze >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	check "systemd-analyze verify" systemd-analyze verify "$EXD/systemd/gpushim-collect.service"
else
	skip "systemd-analyze not usable here"
fi
if command -v logrotate >/dev/null 2>&1; then
	check "logrotate accepts gpushim.logrotate" logrotate -d "$EXD/systemd/gpushim.logrotate"
else
	skip "logrotate not installed"
fi
done_testing
