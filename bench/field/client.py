#!/usr/bin/env python3
"""GPU clients for bench/field.sh.

Each client prints ONE normalized result line on standard output
("client=NAME key=value ...", fixed key order, no timings, no addresses) so
that a run with the shim and one without can be compared byte for byte.
Exit status: 0 every GPU call returned 0; 3 some GPU call returned non-zero;
2 the client cannot run here (module not importable, library not found: the
line starts with "SKIP"); 1 an exception (its type is in the line, the
traceback on standard error).

With FIELD_MAPS=FILE set, the client appends to FILE, at its end, its pid
and the GPU library files it has mapped (/proc/self/maps), for comparison
with what the shim recorded for the same pid.
"""
import ctypes
import glob
import os
import re
import sys
import time

# The shim's default watch list (shim/watch.c), as file-name patterns.
GPU_LIB = re.compile(
    r"^lib(cuda|cudart|cudnn[a-z_]*|nvidia-ml|cublas[A-Za-z]*|nccl|nvrtc[a-z.-]*|"
    r"cufft[a-z]*|curand|cusolver[A-Za-z]*|cusparse[A-Za-z]*|nvJitLink|cupti|"
    r"nvinfer[a-z_]*)\.so(\.|$)")

FAILED = []  # names of GPU calls that returned non-zero


def rc_of(name, rc):
    rc = int(rc)
    if rc != 0:
        FAILED.append(name)
    return rc


def dump_maps():
    path = os.environ.get("FIELD_MAPS")
    if not path:
        return
    seen = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split(None, 5)
                if len(parts) < 6:
                    continue
                p = parts[5].strip()
                if p.startswith("/") and GPU_LIB.match(os.path.basename(p)) and p not in seen:
                    seen.append(p)
    except OSError as e:
        seen = ["ERROR " + str(e)]
    with open(path, "a") as f:
        f.write("pid %d\n" % os.getpid())
        for p in seen:
            f.write("map %s\n" % p)


def emit(fields):
    print(" ".join("%s=%s" % (k, str(v).replace(" ", "_")) for k, v in fields))
    sys.stdout.flush()


def skip(client, why):
    print("SKIP client=%s %s" % (client, why.replace("\n", " ")[:300]))
    sys.stdout.flush()
    sys.exit(2)


def pip_lib(soname):
    """The pip nvidia-* wheel's copy of soname (site-packages/nvidia/*/lib)."""
    for d in sys.path:
        for pat in ("nvidia/*/lib/" + soname, "nvidia/*/*/lib/" + soname, "nvidia/lib/" + soname):
            hits = sorted(glob.glob(os.path.join(d or ".", pat)))
            if hits:
                return hits[0]
    return None


def load(lib):
    """ctypes.CDLL with its default mode (RTLD_LOCAL): the issue-16 case."""
    return ctypes.CDLL(lib)


def c_cudart(args):
    lib = args.get("lib") or pip_lib("libcudart.so.13") or "libcudart.so.13"
    try:
        h = load(lib)
    except OSError as e:
        skip("cudart", "cannot load %s: %s" % (lib, e))
    f = [("client", "cudart"), ("lib", os.path.basename(lib))]
    n = ctypes.c_int(-1)
    f.append(("cudaGetDeviceCount", rc_of("cudaGetDeviceCount", h.cudaGetDeviceCount(ctypes.byref(n)))))
    f.append(("count", n.value))
    v = ctypes.c_int(-1)
    f.append(("cudaRuntimeGetVersion", rc_of("cudaRuntimeGetVersion", h.cudaRuntimeGetVersion(ctypes.byref(v)))))
    f.append(("runtime", v.value))
    v = ctypes.c_int(-1)
    f.append(("cudaDriverGetVersion", rc_of("cudaDriverGetVersion", h.cudaDriverGetVersion(ctypes.byref(v)))))
    f.append(("driver", v.value))
    if args.get("plugin"):
        f += probe_plugin(args["plugin"], "plugin")
    if args.get("cudnn"):
        try:
            d = load(args["cudnn"])
        except OSError as e:
            f.append(("cudnn", "load-failed"))
            FAILED.append("cudnn-load:%s" % e)
        else:
            d.cudnnGetVersion.restype = ctypes.c_size_t
            d.cudnnGetCudartVersion.restype = ctypes.c_size_t
            f.append(("cudnnGetVersion", d.cudnnGetVersion()))
            f.append(("cudnnGetCudartVersion", d.cudnnGetCudartVersion()))
            handle = ctypes.c_void_p()
            f.append(("cudnnCreate", rc_of("cudnnCreate", d.cudnnCreate(ctypes.byref(handle)))))
            if handle.value:
                d.cudnnDestroy(handle)
    return f


def probe_plugin(path, key):
    try:
        p = load(path)
    except OSError as e:
        FAILED.append("%s-load" % key)
        return [(key, "load-failed:" + str(e).split(":")[-1].strip())]
    n = ctypes.c_int(-1)
    rc = rc_of(key, p.field_probe(ctypes.byref(n)))
    return [(key + "_rc", rc), (key + "_count", n.value)]


def c_nvml(args):
    lib = args.get("lib") or "libnvidia-ml.so.1"
    try:
        h = load(lib)
    except OSError as e:
        skip("nvml", "cannot load %s: %s" % (lib, e))
    f = [("client", "nvml"), ("lib", os.path.basename(lib))]
    f.append(("nvmlInit_v2", rc_of("nvmlInit_v2", h.nvmlInit_v2())))
    n = ctypes.c_uint(12345)
    f.append(("nvmlDeviceGetCount_v2", rc_of("nvmlDeviceGetCount_v2", h.nvmlDeviceGetCount_v2(ctypes.byref(n)))))
    f.append(("count", n.value))
    buf = ctypes.create_string_buffer(96)
    f.append(("nvmlSystemGetDriverVersion", rc_of("nvmlSystemGetDriverVersion",
                                                  h.nvmlSystemGetDriverVersion(buf, 96))))
    f.append(("driver", buf.value.decode(errors="replace")))
    if args.get("plugin"):
        f += probe_plugin(args["plugin"], "plugin")
    h.nvmlShutdown()
    return f


def c_pynvml(args):
    try:
        import pynvml
    except Exception as e:  # noqa: BLE001 - any import failure means skip
        skip("pynvml", "not importable: %r" % e)
    f = [("client", "pynvml")]
    try:
        pynvml.nvmlInit()
        f.append(("nvmlInit", 0))
    except pynvml.NVMLError as e:
        f.append(("nvmlInit", rc_of("nvmlInit", e.value)))
        return f
    n = pynvml.nvmlDeviceGetCount()
    f.append(("count", n))
    dv = pynvml.nvmlSystemGetDriverVersion()
    f.append(("driver", dv.decode() if isinstance(dv, bytes) else dv))
    cv = pynvml.nvmlSystemGetCudaDriverVersion()
    f.append(("cuda_driver", cv))
    for i in range(n):
        h = pynvml.nvmlDeviceGetHandleByIndex(i)
        name = pynvml.nvmlDeviceGetName(h)
        f.append(("gpu%d" % i, name.decode() if isinstance(name, bytes) else name))
    pynvml.nvmlShutdown()
    return f


def ints(gen, shape, lo, hi):
    """Integer-valued float32 data: every sum is exact in TF32/BF16/FP32,
    so results cannot depend on the algorithm the library picks."""
    return gen(shape, lo, hi)


def c_torch(args):
    try:
        import torch
    except Exception as e:  # noqa: BLE001
        skip("torch", "not importable: %r" % e)
    f = [("client", "torch"), ("torch", torch.__version__), ("cuda", torch.version.cuda)]
    f.append(("available", torch.cuda.is_available()))
    n = torch.cuda.device_count()
    f.append(("device_count", n))
    f.append(("cudnn", torch.backends.cudnn.version()))
    if n == 0:
        FAILED.append("device_count")
        return f
    f.append(("gpu0", torch.cuda.get_device_name(0)))
    g = torch.Generator().manual_seed(1)
    x = torch.randint(-2, 3, (4, 8, 32, 32), generator=g).float().cuda()
    w = torch.randint(-2, 3, (16, 8, 3, 3), generator=g).float().cuda()
    torch.backends.cudnn.enabled = True
    y = torch.nn.functional.conv2d(x, w, padding=1)
    torch.cuda.synchronize()
    yc = y.double().cpu()
    f.append(("conv_sum", int(yc.sum().item())))
    f.append(("conv_abs", int(yc.abs().sum().item())))
    f.append(("conv_shape", "x".join(str(s) for s in y.shape)))
    return f


def c_jax(args):
    try:
        import jax
        import jax.numpy as jnp
        import numpy as np
    except Exception as e:  # noqa: BLE001
        skip("jax", "not importable: %r" % e)
    f = [("client", "jax"), ("jax", jax.__version__)]
    devs = jax.devices()
    f.append(("backend", jax.default_backend()))
    f.append(("devices", ",".join("%s:%d" % (d.platform, d.id) for d in devs)))
    f.append(("gpu0", getattr(devs[0], "device_kind", "?")))
    if jax.default_backend() != "gpu":
        FAILED.append("backend")
    rng = np.random.default_rng(1)
    a = rng.integers(-3, 4, (256, 256)).astype(np.float32)
    b = rng.integers(-3, 4, (256, 256)).astype(np.float32)
    mm = jax.jit(lambda p, q: p @ q)
    c = np.asarray(mm(jnp.asarray(a), jnp.asarray(b))).astype(np.float64)
    f.append(("matmul_sum", int(c.sum())))
    f.append(("matmul_abs", int(np.abs(c).sum())))
    f.append(("matmul_device", list(mm(jnp.asarray(a), jnp.asarray(b)).devices())[0].platform))
    return f


def c_cupy(args):
    try:
        import cupy
    except Exception as e:  # noqa: BLE001
        skip("cupy", "not importable: %r" % e)
    f = [("client", "cupy"), ("cupy", cupy.__version__)]
    rt = cupy.cuda.runtime
    n = rt.getDeviceCount()
    f.append(("device_count", n))
    f.append(("runtime", rt.runtimeGetVersion()))
    f.append(("driver", rt.driverGetVersion()))
    if n == 0:
        FAILED.append("device_count")
        return f
    k = cupy.ElementwiseKernel("float32 x", "float32 y", "y = x * 2.0f + 1.0f", "field_k")
    x = cupy.arange(1 << 16, dtype=cupy.float32)
    y = k(x)
    cupy.cuda.Device(0).synchronize()
    f.append(("kernel_sum", int(cupy.asnumpy(y).astype("float64").sum())))
    return f


def c_train(args):
    """Overhead workload: wall time of the training loop only."""
    try:
        import torch
    except Exception as e:  # noqa: BLE001
        skip("train", "not importable: %r" % e)
    if not torch.cuda.is_available():
        skip("train", "no CUDA device")
    steps = int(args.get("steps", 300))
    warm = int(args.get("warmup", 20))
    torch.manual_seed(0)
    dev = torch.device("cuda")
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 32, 3, padding=1), torch.nn.ReLU(),
        torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(64, 64, 3, padding=1), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(4), torch.nn.Flatten(),
        torch.nn.Linear(64 * 16, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10)).to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(128, 3, 32, 32, device=dev)
    t = torch.randint(0, 10, (128,), device=dev)
    lossf = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = lossf(model(x), t)
        loss.backward()
        opt.step()
        return loss

    for _ in range(warm):
        step()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = step()
    torch.cuda.synchronize()
    dt = time.perf_counter() - t0
    # Timing line: not compared between runs (see field_analyze.py).
    return [("client", "train"), ("steps", steps), ("loop_s", "%.6f" % dt),
            ("loss_finite", bool(torch.isfinite(loss).item()))]


def c_versions(args):
    """Package versions without importing the packages (fast)."""
    try:
        from importlib import metadata
    except ImportError:
        return [("client", "versions"), ("python", sys.version.split()[0])]
    f = [("client", "versions"), ("python", sys.version.split()[0]), ("executable", sys.executable)]
    names = sorted({d.metadata["Name"] for d in metadata.distributions() if d.metadata["Name"]})
    keep = re.compile(r"^(torch|jax|jaxlib|jax[-_]cuda.*|cupy.*|nvidia[-_].*|numpy|pynvml)$", re.I)
    for n in names:
        if keep.match(n):
            try:
                f.append((n, metadata.version(n)))
            except Exception:  # noqa: BLE001
                pass
    return f


def c_find(args):
    p = pip_lib(args.get("soname", "libcudart.so.13"))
    if not p:
        sys.exit(2)
    print(p)
    sys.exit(0)


CLIENTS = {"cudart": c_cudart, "nvml": c_nvml, "pynvml": c_pynvml, "torch": c_torch,
           "jax": c_jax, "cupy": c_cupy, "train": c_train, "versions": c_versions,
           "find": c_find}


def main(argv):
    if len(argv) < 2 or argv[1] not in CLIENTS:
        sys.stderr.write("usage: client.py {%s} [key=value...]\n" % ",".join(sorted(CLIENTS)))
        return 64
    name = argv[1]
    args = dict(a.split("=", 1) for a in argv[2:] if "=" in a)
    try:
        fields = CLIENTS[name](args)
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - report any failure as one line
        import traceback
        traceback.print_exc()
        emit([("client", name), ("error", type(e).__name__)])
        dump_maps()
        return 1
    emit(fields)
    dump_maps()
    return 3 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
