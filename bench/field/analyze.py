#!/usr/bin/env python3
"""Comparisons of bench/field.sh: DIR/plan.tsv + DIR/runs/* -> DIR/summary.txt.

One line per check, "PASS|FAIL|SKIP NAME DETAIL":
  same-C      client C: identical result line and exit status without/with the shim
  rc-C        client C: exit status as expected (0 on a healthy GPU machine) both ways
  findings-C  the shim run's report has exactly the expected findings (none when healthy)
  calls-C     the report has the expected hooked calls, each returned 0 (or the
              expected code) at least once,
              and no call the shim answered itself ("no_real")
  records-C   every process's records arrived (accounting complete, none dropped)
  maps-C      libcuda/libnvidia-ml/libcudart/libcudnn* files in the report = the files
              the process had mapped (/proc/self/maps), by pid
  maps-all-C  the same over the shim's whole watch list (cuBLAS, NVRTC, ...)
  induced-N   an induced failure: the report's FIRST finding is the expected one
  overhead-train  median loop time with/without the shim, difference in percent (< 1 %)
Python 3 standard library only (no jq on the device machine).
"""
import json
import os
import re
import statistics
import sys

CORE = re.compile(r"^lib(cuda|cudart|cudnn[a-z_]*|nvidia-ml)\.so(\.|$)")
WATCH = re.compile(
    r"^lib(cuda|cudart|cudnn[a-z_]*|nvidia-ml|cublas[A-Za-z]*|nccl|nvrtc[a-z.-]*|"
    r"cufft[a-z]*|curand|cusolver[A-Za-z]*|cusparse[A-Za-z]*|nvJitLink|cupti|"
    r"nvinfer[a-z_]*)\.so(\.|$)")

D = sys.argv[1]
RUNS = os.path.join(D, "runs")
lines = []


def out(status, name, detail=""):
    detail = " ".join(str(detail).split())
    if len(detail) > 900:
        detail = detail[:900] + "..."
    lines.append("%s %s %s" % (status, name, detail) if detail else "%s %s" % (status, name))


def read(path, default=None):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return default


def run(name, variant):
    p = os.path.join(RUNS, "%s.%s" % (name, variant))
    o = read(p + ".out")
    if o is None:
        return None
    rc = read(p + ".rc", "").strip()
    return {"out": o.strip(), "rc": int(rc) if rc.lstrip("-").isdigit() else None,
            "err": read(p + ".err", ""), "prefix": p}


def report(r):
    if r is None:
        return None, "no run"
    j = read(r["prefix"] + ".report.json")
    if j is None:
        if read(r["prefix"] + ".log") is None:
            pre = "cannot be preloaded" in (r.get("err") or "")
            return None, "no shim records (%s.log missing: %s)" % (
                os.path.basename(r["prefix"]),
                "ld.so could not preload the shim" if pre else "the shim wrote none: no watched library used, or not loaded")
        return None, "no report: the collector did not run here (bench/field.sh --analyze DIR elsewhere)"
    try:
        return json.loads(j), None
    except ValueError as e:
        err = (read(r["prefix"] + ".report.err", "") or "").strip()[:200]
        return None, "report not JSON (%s) %s" % (e, err)


def finding_ids(rep):
    return [f.get("id") for f in rep.get("findings", [])]


def fdesc(f):
    return "%s(%s,pid %s): %s" % (f.get("id"), f.get("severity"), f.get("pid"),
                                   (f.get("message") or "")[:220])


def maps_of(r):
    """{pid: [paths]} from the client's FIELD_MAPS file."""
    res, pid = {}, None
    for line in (read(r["prefix"] + ".maps", "") or "").splitlines():
        if line.startswith("pid "):
            pid = int(line.split()[1])
            res.setdefault(pid, [])
        elif line.startswith("map ") and pid is not None:
            res[pid].append(line[4:].strip())
    return res


def lib_key(lib):
    return lib.get("realpath") or lib.get("path") or ""


def check_maps(name, r, rep, pattern, label):
    maps = maps_of(r)
    if not maps:
        out("SKIP", label, "the client listed no mapped files (it did not reach its end?)")
        return
    bad, good = [], []
    for pid, mapped in sorted(maps.items()):
        procs = [p for p in rep.get("processes", []) if p.get("pid") == pid]
        if not procs:
            bad.append("pid %d: not in the report" % pid)
            continue
        rlibs, closed = {}, set()
        for p in procs:
            byid = {}
            for lib in p.get("libraries", []):
                byid[lib.get("id")] = lib
                k = lib_key(lib)
                if k and pattern.match(os.path.basename(k)):
                    rlibs[k] = lib
            for c in p.get("closes", []) or []:
                if c.get("rc") == 0 and c.get("lib") in byid:
                    closed.add(lib_key(byid[c["lib"]]))
        mset = {m for m in mapped if pattern.match(os.path.basename(m))}
        rset = set(rlibs)
        only_m = sorted(mset - rset)
        only_r = sorted(rset - mset)
        only_r_open = [x for x in only_r if x not in closed]
        if only_m or only_r_open:
            bad.append("pid %d: mapped but not in the report: %s; in the report but not mapped: %s"
                       % (pid, only_m or "-", ["%s(%s)" % (x, rlibs[x].get("origin")) for x in only_r_open] or "-"))
        else:
            note = " (+%d closed)" % len(only_r) if only_r else ""
            good.append("pid %d: %d files%s" % (pid, len(mset), note))
    if bad:
        out("FAIL", label, "; ".join(bad + good))
    else:
        out("PASS", label, "; ".join(good) + ": " + " ".join(
            sorted({os.path.basename(m) for ms in maps.values() for m in ms if pattern.match(os.path.basename(m))})))


def all_calls(rep, pids=None):
    res = []
    for p in rep.get("processes", []):
        if pids is not None and p.get("pid") not in pids:
            continue
        for c in p.get("calls", []) or []:
            res.append((c.get("fn"), c.get("rc"), c.get("count") or 1, c))
            for i in c.get("inner", []) or []:
                res.append((i.get("fn"), i.get("rc"), 1, i))
        for c in p.get("folded_calls", []) or []:
            res.append((c.get("fn"), c.get("rc"), c.get("count") or 1, c))
    return res


def check_calls(name, rep, expected):
    calls = all_calls(rep)
    agg = {}
    for fn, rc, n, _ in calls:
        agg[(fn, rc)] = agg.get((fn, rc), 0) + n
    seen = " ".join("%s=%s x%d" % (fn, rc, n) for (fn, rc), n in sorted(agg.items(), key=lambda x: str(x)))
    made_up = [c for _, _, _, c in calls if c.get("no_real") or (c.get("out") or {}).get("no_real")]
    missing = []
    for e in [x for x in expected.split(",") if x and x != "-"]:
        fn_pat, _, want = e.partition("=")  # FN or FN=RC (default 0); FN may end in *
        want = int(want) if want else 0
        pat = re.compile("^" + re.escape(fn_pat).replace(r"\*", ".*") + "$")
        if not any(pat.match(fn or "") and rc == want for fn, rc, _, _ in calls):
            missing.append(e)
    if missing or made_up:
        out("FAIL", "calls-" + name, "expected (FN[=RC], RC 0 by default), not seen: %s; answered by the shim itself: %d; seen: %s"
            % (",".join(missing) or "-", len(made_up), seen or "none"))
    else:
        out("PASS", "calls-" + name, "seen: %s" % (seen or "none (none expected)"))


def check_records(name, rep):
    bad = []
    n = 0
    for p in rep.get("processes", []):
        a = p.get("accounting") or {}
        n += 1
        if not a.get("complete") or a.get("dropped"):
            bad.append("pid %s %s: sent %s received %s dropped %s" % (
                p.get("pid"), os.path.basename(p.get("exe") or "?"), a.get("sent"), a.get("received"), a.get("dropped")))
    bi = {k: v for k, v in (rep.get("bad_input") or {}).items() if v}
    if bad or bi:
        out("FAIL", "records-" + name, "; ".join(bad) + (" bad input %s" % bi if bi else ""))
    else:
        out("PASS", "records-" + name, "%d processes, %s records, all complete" % (n, rep.get("records")))


def check_stderr(name, a, b):
    """The shim adds nothing to what the program writes on stderr. Frameworks
    may print timing-dependent warnings, so a difference fails only when a
    line that only the shim run printed names the shim."""
    ea, eb = (a["err"] or "").splitlines(), (b["err"] or "").splitlines()
    if ea == eb:
        out("PASS", "stderr-" + name, "identical (%d lines)" % len(ea))
        return
    extra = [x for x in eb if x not in ea]
    ours = [x for x in extra if "gpushim" in x.lower()]
    if ours:
        out("FAIL", "stderr-" + name, "the shim's run printed: %s" % " | ".join(ours)[:300])
    else:
        out("PASS", "stderr-" + name, "differs in %d line(s), none from the shim: %s" % (
            len(extra), " | ".join(extra)[:200]))


def check_stacks(name, rep):
    """Stacks are on by default: a process whose calls carry none lost them
    (the shim could not unwind)."""
    calls = [c for p in rep.get("processes", []) for c in (p.get("calls") or [])]
    if not calls:
        return
    with_stack = sum(1 for c in calls if c.get("stack"))
    out("PASS" if with_stack else "FAIL", "stacks-" + name,
        "%d of %d call records carry a stack" % (with_stack, len(calls)))


def do_pair(name, exp_rc, exp_find, exp_calls, maps):
    a, b = run(name, "without"), run(name, "with")
    if a is None or b is None:
        out("SKIP", name, "not run")
        return
    if a["rc"] == 2 and b["rc"] == 2 and a["out"].startswith("SKIP") and b["out"].startswith("SKIP"):
        out("SKIP", name, a["out"][5:])
        return
    if a["out"] == b["out"] and a["rc"] == b["rc"]:
        out("PASS", "same-" + name, "rc %s: %s" % (a["rc"], a["out"].replace("\n", " | ")))
    else:
        out("FAIL", "same-" + name, "without: rc %s: %s || with: rc %s: %s" % (
            a["rc"], a["out"].replace("\n", " | "), b["rc"], b["out"].replace("\n", " | ")))
    check_stderr(name, a, b)
    if exp_rc == "*":  # dry run of a GPU framework on a machine without a GPU
        out("PASS", "rc-" + name, "exit %s without, %s with (any expected here)" % (a["rc"], b["rc"]))
    elif a["rc"] == int(exp_rc) and b["rc"] == int(exp_rc):
        want = int(exp_rc)
        out("PASS", "rc-" + name, "exit %d both" % want)
    else:
        tail = (b["err"] or a["err"] or "").strip().splitlines()[-1:] or [""]
        out("FAIL", "rc-" + name, "want %s: without %s, with %s; %s" % (exp_rc, a["rc"], b["rc"], tail[0][:200]))
    rep, why = report(b)
    if rep is None:
        # expected to use the GPU here (not a dry run's "any"): no records is a failure
        st = "FAIL" if exp_rc != "*" and why.startswith("no shim records") else "SKIP"
        for c in ("findings", "calls", "records") + (("maps", "maps-all") if maps == "yes" else ()):
            out(st, "%s-%s" % (c, name), why)
        return
    ids = finding_ids(rep)
    want_ids = [x for x in exp_find.split(",") if x and x != "-"]
    if exp_find == "*":
        out("PASS", "findings-" + name, "not checked here: %s" % (
            "; ".join(fdesc(f) for f in rep.get("findings", [])) or "no findings"))
    elif ids == want_ids:
        out("PASS", "findings-" + name, "%s" % (",".join(ids) if ids else "no findings"))
    else:
        out("FAIL", "findings-" + name, "want [%s], got: %s" % (
            ",".join(want_ids), "; ".join(fdesc(f) for f in rep.get("findings", [])) or "none"))
    check_calls(name, rep, exp_calls)
    check_records(name, rep)
    check_stacks(name, rep)
    if maps == "yes":
        check_maps(name, b, rep, CORE, "maps-" + name)
        check_maps(name, b, rep, WATCH, "maps-all-" + name)


def do_induced(name, expected):
    r = run("induced-" + name, "with")
    if r is None:
        out("SKIP", "induced-" + name, "not run")
        return
    if r["rc"] == 2 and r["out"].startswith("SKIP"):
        out("SKIP", "induced-" + name, r["out"][5:])
        return
    rep, why = report(r)
    if rep is None:
        out("SKIP", "induced-" + name, "%s; client: %s" % (why, r["out"]))
        return
    fs = rep.get("findings", [])
    first = fs[0].get("id") if fs else None
    st = "PASS" if first == expected else "FAIL"
    out(st, "induced-" + name, "want first %s, got %s; client rc %s: %s; findings: %s" % (
        expected, first, r["rc"], r["out"], "; ".join(fdesc(f) for f in fs) or "none"))


def do_overhead():
    t = {"without": [], "with": []}
    notes, failed = [], False
    for i in range(1, 10):
        for v in ("without", "with"):
            r = run("train%d" % i, v)
            if r is None:
                continue
            m = re.search(r"loop_s=([0-9.]+)", r["out"])
            if r["rc"] == 0 and m:
                t[v].append(float(m.group(1)))
            elif r["rc"] == 2 and r["out"].startswith("SKIP"):
                notes.append(r["out"][5:])
            else:
                failed = True
                notes.append("train%d.%s rc %s %s" % (i, v, r["rc"], r["out"][:100]))
    if not t["without"] or not t["with"]:
        out("FAIL" if failed else "SKIP", "overhead-train", "; ".join(sorted(set(notes))) or "not run")
        return
    a, b = statistics.median(t["without"]), statistics.median(t["with"])
    pct = (b - a) / a * 100.0
    # The fastest run of each kind: other work on the machine only adds time.
    lo = (min(t["with"]) - min(t["without"])) / min(t["without"]) * 100.0
    st = "PASS" if pct < 1.0 else "FAIL"
    out(st, "overhead-train", "median loop %.4fs without, %.4fs with: %+.2f%%; fastest runs %+.2f%% "
        "(runs without %s, with %s)%s" % (
            a, b, pct, lo, ",".join("%.4f" % x for x in t["without"]),
            ",".join("%.4f" % x for x in t["with"]), "; " + "; ".join(notes) if notes else ""))


def main():
    plan = read(os.path.join(D, "plan.tsv"), "")
    for line in plan.splitlines():
        f = line.split("\t")
        try:
            if f[0] == "pair":
                do_pair(*f[1:6])
            elif f[0] == "induced":
                do_induced(f[1], f[2])
            elif f[0] == "overhead":
                do_overhead()
            elif f[0] == "skip":
                out("SKIP", f[1], f[2] if len(f) > 2 else "")
        except Exception as e:  # noqa: BLE001 - one bad check must not hide the others
            out("FAIL", "analyze-" + (f[1] if len(f) > 1 else "?"), "%s: %s" % (type(e).__name__, e))
    n = {s: sum(1 for x in lines if x.startswith(s + " ")) for s in ("PASS", "FAIL", "SKIP")}
    lines.append("# %d PASS, %d FAIL, %d SKIP" % (n["PASS"], n["FAIL"], n["SKIP"]))
    with open(os.path.join(D, "summary.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
