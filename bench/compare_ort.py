#!/usr/bin/python3
"""Latency of qwb-cli against ONNX Runtime on the same machine, as ratios from interleaved runs.

    /usr/bin/python3 bench/compare_ort.py [--quick] [--models resnet18,mobilenet_v2,...]
        [--batches 1,16] [--threads 2] [--pairs 5] [--int8-models resnet18,resnet50]
        [--qwb build/app/qwb-cli] [--qwb-backend fast|reference] [--json FILE]

Models are torchvision classifiers with random weights exported by
tests/interop/export_torchvision.py into --models-dir (cached there; an item ending in .onnx is
used as given). For every model x batch the script alternates processes of the two tools,

    qwb-cli bench MODEL --batch B --threads T --runs N --warmup W --json [--backend X]
    node bench/ort_bench.js MODEL --batch B --threads T --runs N --warmup W

(qwb, ORT, qwb, ORT, ... for --pairs rounds) so both see the same machine state, and reports
per comparison the median over the rounds of (A median / B median) and both medians in ms.
For --int8-models a QDQ file is made by `qwb-cli quantize` (INT8 per-channel weights, UINT8
activations, minmax, seeded normal calibration data; --reduce-range on CPUs without VNNI) and
each round also runs qwb and ORT on it: rows "qwb INT8 vs qwb FP32" and "qwb INT8 vs ORT INT8".

--runs defaults to auto: one probe process per tool and model x batch (1 warm-up + 1 run, not
counted) estimates the time of a run, and N is chosen so that the timed runs of one process take
about --target-seconds (3 by default; N between 3 and 50). Warm-up defaults to about 1 s of
runs (1 to 3).

Prints machine info and a Markdown table to stdout, progress to stderr; --json FILE writes all
raw numbers (every process's output). Exit code 0 if every row was measured, 1 if any model or
comparison failed (error rows in the table; the others still run), 2 on bad usage or a missing
tool (qwb-cli binary, node, onnxruntime-node).

Only the standard library and numpy (for the calibration set) are used; runs under Debian's
/usr/bin/python3, which also has what export_torchvision.py needs (torch, torchvision, onnx).
"""

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORT_BENCH = os.path.join(REPO, "bench", "ort_bench.js")
INTEROP = os.path.join(REPO, "tests", "interop")
EXPORT = os.path.join(INTEROP, "export_torchvision.py")
ORT_PKG = os.path.join(INTEROP, "node_modules", "onnxruntime-node")

DEFAULT_MODELS = "resnet18,resnet50,mobilenet_v2,efficientnet_b0,vit_b_16"
DEFAULT_INT8 = "resnet18,resnet50"
QUICK_MODELS = "resnet18,mobilenet_v2"

MIN_RUNS, MAX_RUNS = 3, 50

# One measured process kind: (key, tool, precision, label).
SERIES = {
    "qwb_fp32": ("qwb", "fp32", "qwb FP32"),
    "ort_fp32": ("ort", "fp32", "ORT FP32"),
    "qwb_int8": ("qwb", "int8", "qwb INT8"),
    "ort_int8": ("ort", "int8", "ORT INT8"),
}
# Table rows per model x batch: (A, B); ratio = A median / B median, per round.
COMPARISONS = [("qwb_fp32", "ort_fp32"), ("qwb_int8", "qwb_fp32"), ("qwb_int8", "ort_int8")]
# Also in --json (not in the table): how much ONNX Runtime itself gains from INT8.
EXTRA_COMPARISONS = [("ort_int8", "ort_fp32")]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def die(msg, code=2):
    print(f"compare_ort.py: error: {msg}", file=sys.stderr)
    sys.exit(code)


def csv_list(s):
    return [x.strip() for x in s.split(",") if x.strip()] if s else []


def last_line(text, limit=300):
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    msg = lines[-1] if lines else ""
    return msg if len(msg) <= limit else msg[: limit - 3] + "..."


def parse_json_output(out):
    """The tool's JSON: the whole stdout (qwb pretty-prints) or its last line (ORT)."""
    try:
        return json.loads(out)
    except ValueError:
        for ln in reversed(out.splitlines()):
            if ln.strip().startswith("{"):
                return json.loads(ln)
        raise


# ---------------------------------------------------------------------------------------------
# Machine and tools


def cpu_info():
    name, flags = "unknown", set()
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                key, _, val = ln.partition(":")
                key = key.strip()
                if key == "model name" and name == "unknown":
                    name = val.strip()
                elif key == "flags" and not flags:
                    flags = set(val.split())
    except OSError:
        pass
    return {
        "model_name": name,
        "logical_cpus": os.cpu_count(),
        "avx2": "avx2" in flags,
        "avx512f": "avx512f" in flags,
        "avx512_vnni": "avx512_vnni" in flags,
        "avx_vnni": "avx_vnni" in flags,
        "vnni": bool({"avx512_vnni", "avx_vnni"} & flags),
    }


def run(cmd, timeout=None, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout, **kw)


def check_tools(args):
    """qwb-cli, node and onnxruntime-node; exits 2 with a clear message if one is missing."""
    if not os.path.exists(args.qwb):
        die(f"qwb-cli not found at {args.qwb}: build it (cmake --build build --target qwb-cli) or pass --qwb PATH")
    if not os.access(args.qwb, os.X_OK):
        die(f"{args.qwb} is not executable")
    p = run([args.qwb, "--version"], timeout=60)
    if p.returncode != 0:
        die(f"{args.qwb} --version failed: {last_line(p.stderr) or p.returncode}")
    qwb_version = p.stdout.splitlines()[0].strip() if p.stdout.strip() else "unknown"
    if args.qwb_backend:
        h = run([args.qwb, "bench", "--help"], timeout=60)
        if "--backend" not in h.stdout:
            die(f"--qwb-backend {args.qwb_backend}: {args.qwb} bench has no --backend option (an older build?)")

    node = shutil.which("node")
    if not node:
        die("node not found on PATH: ONNX Runtime runs through onnxruntime-node (Node.js >= 18 and npm needed; "
            "then tests/interop/setup.sh installs it)")
    node_version = run([node, "--version"], timeout=60).stdout.strip()

    def ort_version():
        q = run([node, "-e", f"const o=require({json.dumps(ORT_PKG)});"
                             "if(!o.listSupportedBackends().find(b=>b.name==='cpu'))throw new Error('no cpu backend');"
                             f"console.log(require({json.dumps(os.path.join(ORT_PKG, 'package.json'))}).version)"],
                timeout=120)
        return q.stdout.strip() if q.returncode == 0 else None

    version = ort_version() if os.path.isdir(ORT_PKG) else None
    if version is None:
        log(f"onnxruntime-node missing or not loadable in {os.path.dirname(ORT_PKG)}: running tests/interop/setup.sh")
        s = subprocess.run(["bash", os.path.join(INTEROP, "setup.sh")], stdout=sys.stderr, stderr=sys.stderr)
        if s.returncode != 0:
            die("tests/interop/setup.sh failed: onnxruntime-node is not available (needs npm and the npm registry)")
        version = ort_version()
        if version is None:
            die("onnxruntime-node still does not load after tests/interop/setup.sh")
    return {"qwb": {"path": os.path.abspath(args.qwb), "version": qwb_version},
            "node": {"path": node, "version": node_version},
            "onnxruntime_node": version}


# ---------------------------------------------------------------------------------------------
# Models


def export_models(args, names):
    """{name: (path or None, error or None)}; torchvision names go through export_torchvision.py."""
    result, to_export = {}, []
    for n in names:
        if n.endswith(".onnx"):
            result[n] = (os.path.abspath(n), None) if os.path.isfile(n) else (None, f"file not found: {n}")
        else:
            to_export.append(n)
    if not to_export:
        return result
    log(f"exporting / checking the cache for {', '.join(to_export)} in {args.models_dir}/opset{args.opset}")
    cmd = ["/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable, EXPORT,
           "--out", args.models_dir, "--opset", str(args.opset), "--models", ",".join(to_export)]
    try:
        p = run(cmd, timeout=args.timeout * max(1, len(to_export)))
        out, err = p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        out, err = e.stdout or "", (e.stderr or "") + "\nexport timed out"
        out = out.decode() if isinstance(out, bytes) else out
        err = err.decode() if isinstance(err, bytes) else err
    for ln in out.splitlines():
        log(f"  {ln}")
    failures = {}
    for ln in err.splitlines():
        m = re.match(r"^(\S+): opset \d+: FAILED: (.*)$", ln)
        if m:
            failures[m.group(1)] = m.group(2)
    for n in to_export:
        path = os.path.join(args.models_dir, f"opset{args.opset}", f"{n}.onnx")
        if n in failures:
            result[n] = (None, f"export failed: {failures[n]}")
        elif os.path.isfile(path):
            result[n] = (path, None)
        else:
            result[n] = (None, f"export failed: {last_line(err) or 'no .onnx written'}")
    return result


def input_shape(args, model):
    """The single float input's shape without the batch axis, from `qwb-cli inspect --json`."""
    p = run([args.qwb, "inspect", model, "--json"], timeout=args.timeout)
    if p.returncode != 0:
        raise RuntimeError(f"qwb-cli inspect: {last_line(p.stderr)}")
    inputs = json.loads(p.stdout)["inputs"]
    if len(inputs) != 1 or inputs[0]["dtype"] != "float32":
        raise RuntimeError("INT8 calibration here needs a model with one float32 input")
    dims = inputs[0]["shape"][1:]
    if not all(isinstance(d, int) and d > 0 for d in dims):
        raise RuntimeError(f"input shape {inputs[0]['shape']} has symbolic dims besides the batch")
    return dims


def calibration_file(args, dims):
    """A seeded standard-normal calibration set [n, *dims] float32 as .npz (key x), cached."""
    import numpy as np  # only needed here

    d = os.path.join(args.models_dir, "calib")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, f"normal_{'x'.join(map(str, dims))}_n{args.calib_samples}_seed{args.seed}.npz")
    if not os.path.isfile(path):
        x = np.random.default_rng(args.seed).standard_normal((args.calib_samples, *dims), dtype=np.float32)
        tmp = path + f".tmp{os.getpid()}.npz"
        np.savez(tmp, x=x)
        os.replace(tmp, path)
    return path


def quantize_flags(args, cpu):
    f = ["--weights", "int8", "--granularity", "channel", "--activations", "uint8", "--method", "minmax"]
    if not cpu["vnni"]:
        f.append("--reduce-range")
    return f


def make_qdq(args, cpu, model):
    """QDQ INT8 file next to the model, reused if newer than the model. Returns (path, info)."""
    rr = not cpu["vnni"]
    base = model[: -len(".onnx")] if model.endswith(".onnx") else model
    out = f"{base}.qdq-int8-channel-u8-minmax{'-rr' if rr else ''}.onnx"
    info = {"path": out, "reduce_range": rr, "cached": False}
    if os.path.isfile(out) and os.path.getmtime(out) > os.path.getmtime(model):
        info["cached"] = True
        return out, info
    calib = calibration_file(args, input_shape(args, model))
    tmp = f"{base}.qdq-tmp{os.getpid()}.onnx"
    cmd = [args.qwb, "quantize", model, "--calib", f"npz:{calib}", "--samples", str(args.calib_samples),
           *quantize_flags(args, cpu), "--threads", str(args.threads), "--batch", str(min(16, args.calib_samples)),
           "--out", tmp, "--json"]
    log(f"  {' '.join(cmd)}")
    t0 = time.time()
    try:
        p = run(cmd, timeout=args.timeout * 4)
    except subprocess.TimeoutExpired:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise RuntimeError(f"qwb-cli quantize timed out after {args.timeout * 4} s")
    if p.returncode != 0 or not os.path.isfile(tmp):
        if os.path.exists(tmp):
            os.remove(tmp)
        raise RuntimeError(f"qwb-cli quantize: {last_line(p.stderr) or f'exit {p.returncode}'}")
    os.replace(tmp, out)
    info["seconds"] = round(time.time() - t0, 1)
    info["command"] = cmd[:-3] + ["--out", out, "--json"]
    try:
        q = json.loads(p.stdout)
        # The summary, not the per-tensor parameters (those are in the QDQ file itself).
        info["quantize_report"] = {k: v for k, v in q.items()
                                   if k not in ("activations", "quantized_nodes", "sample_ids")}
    except ValueError:
        pass
    return out, info


# ---------------------------------------------------------------------------------------------
# Measurement


def bench_cmd(args, tool, model, batch, runs, warmup):
    common = ["--batch", str(batch), "--threads", str(args.threads), "--runs", str(runs), "--warmup", str(warmup)]
    if tool == "qwb":
        cmd = [args.qwb, "bench", model, *common, "--json"]
        if args.qwb_backend:
            cmd += ["--backend", args.qwb_backend]
        return cmd
    return ["node", ORT_BENCH, model, *common]


def bench_once(args, tool, model, batch, runs, warmup):
    """One process; returns its JSON (plus wall_s) or raises RuntimeError with the tool's message."""
    cmd = bench_cmd(args, tool, model, batch, runs, warmup)
    t0 = time.time()
    try:
        p = run(cmd, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{'qwb-cli bench' if tool == 'qwb' else 'ort_bench.js'} timed out after {args.timeout} s")
    wall = time.time() - t0
    name = "qwb-cli bench" if tool == "qwb" else "ONNX Runtime"
    if p.returncode != 0:
        raise RuntimeError(f"{name}: {last_line(p.stderr) or f'exit {p.returncode}'}")
    try:
        r = parse_json_output(p.stdout)
        float(r["median_ms"])
    except (ValueError, KeyError, TypeError):
        raise RuntimeError(f"{name}: no JSON result in its output: {last_line(p.stdout)}")
    r["wall_s"] = round(wall, 3)
    return r


def auto_runs(args, est_ms):
    if args.runs:
        return args.runs
    return max(MIN_RUNS, min(MAX_RUNS, math.ceil(args.target_seconds * 1000.0 / max(est_ms, 1e-3))))


def auto_warmup(args, est_ms):
    if args.warmup is not None:
        return args.warmup
    if est_ms is None:
        return 2
    return max(1, min(3, round(1000.0 / max(est_ms, 1e-3))))


def measure(args, name, batch, files, progress):
    """Interleaved rounds over the series whose file is known. Returns the combo's record."""
    series = [s for s in SERIES if files.get(SERIES[s][1])]
    rec = {"model": name, "batch": batch, "series": {}, "rounds": []}
    errors = {}
    for s in series:
        rec["series"][s] = {"file": files[SERIES[s][1]], "probe": None, "runs": None, "warmup": None, "results": []}
    # Probe: one warm-up and one timed run per series, to size --runs (skipped with --runs).
    for s in series:
        tool = SERIES[s][0]
        est = None
        if not args.runs:
            progress(f"{name} b{batch} {SERIES[s][2]}: probe")
            try:
                r = bench_once(args, tool, files[SERIES[s][1]], batch, 1, 1)
                rec["series"][s]["probe"] = r
                est = float(r["median_ms"])
                log(f"    {est:.2f} ms per run (process {r['wall_s']:.1f} s)")
            except RuntimeError as e:
                errors[s] = str(e)
                log(f"    FAILED: {e}")
                continue
        rec["series"][s]["runs"] = auto_runs(args, est if est is not None else 1.0)
        rec["series"][s]["warmup"] = auto_warmup(args, est)
    for i in range(args.pairs):
        rnd = {}
        for s in series:
            if s in errors:
                continue
            tool = SERIES[s][0]
            sr = rec["series"][s]
            progress(f"{name} b{batch} {SERIES[s][2]}: round {i + 1}/{args.pairs} ({sr['runs']} runs, "
                     f"{sr['warmup']} warm-up)")
            try:
                r = bench_once(args, tool, sr["file"], batch, sr["runs"], sr["warmup"])
            except RuntimeError as e:
                errors[s] = str(e)
                log(f"    FAILED: {e}")
                continue
            sr["results"].append(r)
            rnd[s] = float(r["median_ms"])
            log(f"    median {r['median_ms']:.2f} ms (min {r['min_ms']:.2f}, p90 {r['p90_ms']:.2f}; process {r['wall_s']:.1f} s)")
        rec["rounds"].append(rnd)
    rec["errors"] = errors
    return rec


def summarize(rec, a, b):
    """Median over rounds of A/B (rounds where both ran), medians of A and B."""
    pairs = [(r[a], r[b]) for r in rec["rounds"] if a in r and b in r]
    if not pairs:
        return None
    ratios = [x / y for x, y in pairs]
    return {"a_ms": statistics.median(x for x, _ in pairs), "b_ms": statistics.median(y for _, y in pairs),
            "ratio": statistics.median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
            "ratios": ratios, "pairs": len(pairs)}


def fast_ops_note(rec, s):
    res = rec["series"].get(s, {}).get("results") or []
    if not res or "backend" not in res[-1]:
        return ""
    be = res[-1]["backend"]
    fast = sum((be.get("fast") or {}).values())
    total = fast + sum((be.get("reference") or {}).values())
    return f"qwb fast kernels: {fast}/{total} nodes" if total else ""


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qwb", default=os.path.join(REPO, "build", "app", "qwb-cli"), help="qwb-cli binary")
    ap.add_argument("--qwb-backend", choices=["fast", "reference"], default=None,
                    help="pass --backend to qwb-cli bench (default: not passed)")
    ap.add_argument("--models", default=None, help=f"comma-separated (default {DEFAULT_MODELS})")
    ap.add_argument("--int8-models", default=None,
                    help=f"models that also get a QDQ INT8 comparison (default {DEFAULT_INT8}; 'none' for none)")
    ap.add_argument("--batches", default=None, help="comma-separated batch sizes (default 1,16)")
    ap.add_argument("--threads", type=int, default=2, help="threads of both tools (default 2)")
    ap.add_argument("--pairs", type=int, default=None, help="interleaved rounds per model x batch (default 5)")
    ap.add_argument("--runs", type=int, default=None,
                    help="timed runs per process (default auto: ~--target-seconds per process, 3..50)")
    ap.add_argument("--warmup", type=int, default=None, help="untimed runs per process (default auto: ~1 s, 1..3)")
    ap.add_argument("--target-seconds", type=float, default=3.0,
                    help="auto --runs: seconds of timed runs per process (default 3)")
    ap.add_argument("--models-dir", default=os.path.join(REPO, "build", "interop-models"),
                    help="export cache of export_torchvision.py (default <repo>/build/interop-models)")
    ap.add_argument("--opset", type=int, default=17, help="export opset (default 17)")
    ap.add_argument("--calib-samples", type=int, default=16, help="INT8 calibration samples (default 16)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the calibration set (default 0)")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per process before it counts as failed")
    ap.add_argument("--json", metavar="FILE", help="write all raw numbers here")
    ap.add_argument("--quick", action="store_true",
                    help=f"smoke test: {QUICK_MODELS}, batch 1, 3 rounds (explicit options still win)")
    args = ap.parse_args()

    models = csv_list(args.models or (QUICK_MODELS if args.quick else DEFAULT_MODELS))
    batches_s = args.batches or ("1" if args.quick else "1,16")
    try:
        batches = [int(b) for b in csv_list(batches_s)]
    except ValueError:
        die(f"--batches {batches_s}: expected comma-separated integers")
    args.pairs = args.pairs if args.pairs is not None else (3 if args.quick else 5)
    int8_s = args.int8_models if args.int8_models is not None else DEFAULT_INT8
    int8 = [] if int8_s.strip().lower() == "none" else csv_list(int8_s)
    int8 = [m for m in int8 if m in models]
    if not models or not batches or any(b < 1 for b in batches):
        die("need at least one model and batch sizes >= 1")
    if args.pairs < 1 or args.threads < 1 or (args.runs is not None and args.runs < 1) or \
            (args.warmup is not None and args.warmup < 0) or args.calib_samples < 1:
        die("--pairs, --threads, --runs and --calib-samples must be >= 1, --warmup >= 0")
    args.qwb = os.path.abspath(args.qwb)
    args.models_dir = os.path.abspath(args.models_dir)

    t_start = time.time()
    cpu = cpu_info()
    tools = check_tools(args)

    # Machine info first: it is the context of every number below.
    flag = lambda b: "yes" if b else "no"  # noqa: E731
    runs_desc = str(args.runs) if args.runs else f"auto (~{args.target_seconds:g} s per process, {MIN_RUNS}..{MAX_RUNS})"
    warm_desc = str(args.warmup) if args.warmup is not None else "auto (~1 s, 1..3)"
    print("## qwb vs ONNX Runtime\n")
    print(f"- CPU: {cpu['model_name']}, {cpu['logical_cpus']} logical CPUs; AVX2 {flag(cpu['avx2'])}, "
          f"AVX-512 {flag(cpu['avx512f'])}, VNNI {flag(cpu['vnni'])} (avx512_vnni {flag(cpu['avx512_vnni'])}, "
          f"avx_vnni {flag(cpu['avx_vnni'])})")
    print(f"- threads {args.threads} (both tools); {args.pairs} interleaved rounds per model x batch; "
          f"runs per process {runs_desc}; warm-up {warm_desc}")
    print(f"- qwb: {tools['qwb']['version']} ({tools['qwb']['path']}); bench --backend "
          f"{args.qwb_backend or '(not passed)'}")
    print(f"- ONNX Runtime: onnxruntime-node {tools['onnxruntime_node']} (CPU EP, node {tools['node']['version']}), "
          f"intra-op {args.threads} threads, inter-op 1, sequential, graph optimization all")
    if int8:
        print(f"- INT8: QDQ from `qwb-cli quantize` {' '.join(quantize_flags(args, cpu))}, "
              f"{args.calib_samples} seeded N(0,1) calibration samples"
              f"{' (--reduce-range: no VNNI, ONNX Runtime AVX2 u8s8 kernels saturate otherwise)' if not cpu['vnni'] else ''}")
    print("- ratio = A / B per round (medians of one process each), median over rounds [min-max]; "
          "< 1: A is faster\n", flush=True)

    report = {"machine": cpu, "tools": tools,
              "config": {"models": models, "int8_models": int8, "batches": batches, "threads": args.threads,
                         "pairs": args.pairs, "runs": args.runs or "auto", "warmup": args.warmup
                         if args.warmup is not None else "auto", "target_seconds": args.target_seconds,
                         "qwb_backend": args.qwb_backend, "opset": args.opset, "models_dir": args.models_dir,
                         "calib_samples": args.calib_samples, "seed": args.seed,
                         "quantize_flags": quantize_flags(args, cpu) if int8 else None},
              "models": {}, "combos": [], "rows": []}

    exported = export_models(args, models)
    files = {}
    for m in models:
        path, err = exported[m]
        report["models"][m] = {"fp32": path, "error": err}
        if err:
            log(f"{m}: {err}")
            continue
        files[m] = {"fp32": path}
        if m in int8:
            log(f"{m}: INT8 QDQ")
            try:
                qdq, info = make_qdq(args, cpu, path)
                files[m]["int8"] = qdq
                report["models"][m]["int8"] = info
                log(f"  {'cached' if info['cached'] else 'written'}: {qdq}")
            except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as e:
                report["models"][m]["int8_error"] = str(e)
                log(f"  FAILED: {e}")

    # Number of processes, for the progress counter.
    total = 0
    for m in files:
        per_round = 4 if "int8" in files[m] else 2
        total += len(batches) * per_round * (args.pairs + (0 if args.runs else 1))
    done = [0]

    def progress(msg):
        done[0] += 1
        el = time.time() - t_start
        log(f"[{done[0]}/{total} {el / 60:.1f} min] {msg}")

    rows = []
    for m in models:
        for b in batches:
            if m not in files:
                for a, bb in COMPARISONS[:1] + (COMPARISONS[1:] if m in int8 else []):
                    rows.append({"model": m, "batch": b, "a": a, "b": bb, "error": report["models"][m]["error"]})
                continue
            rec = measure(args, m, b, files[m], progress)
            report["combos"].append(rec)
            for a, bb in COMPARISONS + EXTRA_COMPARISONS:
                if m not in int8 and "int8" in a + bb:
                    continue
                row = {"model": m, "batch": b, "a": a, "b": bb, "table": (a, bb) in COMPARISONS}
                errs = [rec["errors"][s] for s in (a, bb) if s in rec["errors"]]
                if "int8" in a + bb and "int8" not in files[m]:
                    errs.insert(0, report["models"][m].get("int8_error", "no INT8 model"))
                summ = summarize(rec, a, bb)
                if errs:
                    row["error"] = "; ".join(dict.fromkeys(errs))
                if summ:
                    row.update(summ)
                elif not errs:
                    row["error"] = "no complete round"
                if (a, bb) in (("qwb_fp32", "ort_fp32"), ("qwb_int8", "ort_int8")):
                    row["note"] = fast_ops_note(rec, a)
                if (a, bb) == ("qwb_int8", "ort_int8"):
                    ort_gain = summarize(rec, "ort_int8", "ort_fp32")
                    if ort_gain:
                        row["note"] = "; ".join(x for x in (row["note"], f"ORT INT8/FP32 {ort_gain['ratio']:.2f}") if x)
                rows.append(row)
            if args.json:  # keep what we have if a later model hangs or the run is interrupted
                report["rows"] = rows
                write_json(args.json, report)

    report["rows"] = rows
    report["elapsed_s"] = round(time.time() - t_start, 1)
    failed = any("error" in r for r in rows)
    report["failed"] = failed

    print("| model | batch | A vs B | A ms | B ms | ratio A/B [min-max] | rounds | notes |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        if not r.get("table", True):
            continue
        what = f"{SERIES[r['a']][2]} vs {SERIES[r['b']][2]}"
        if "ratio" in r and "error" not in r:
            print(f"| {r['model']} | {r['batch']} | {what} | {r['a_ms']:.2f} | {r['b_ms']:.2f} | "
                  f"**{r['ratio']:.2f}** [{r['ratio_min']:.2f}-{r['ratio_max']:.2f}] | {r['pairs']} | "
                  f"{r.get('note', '')} |")
        else:
            msg = r.get("error", "").replace("|", "\\|")
            partial = f" (after {r['pairs']} rounds: ratio {r['ratio']:.2f})" if "ratio" in r else ""
            print(f"| {r['model']} | {r['batch']} | {what} | - | - | ERROR{partial} | {r.get('pairs', 0)} | {msg} |")
    print(f"\n{len([r for r in rows if r.get('table', True)])} rows, "
          f"{len([r for r in rows if r.get('table', True) and 'error' in r])} failed; "
          f"{report['elapsed_s'] / 60:.1f} min")
    if args.json:
        write_json(args.json, report)
        log(f"raw numbers: {args.json}")
    return 1 if failed else 0


def write_json(path, report):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("compare_ort.py: interrupted", file=sys.stderr)
        sys.exit(130)
