#!/usr/bin/env python3
"""Real INT8 execution agrees with the quantization simulation (issue 5 acceptance).

For each sample model: `qwb-cli quantize` writes a QDQ file (int8 symmetric per-channel weights,
uint8 activations, minmax on 256 Fashion-MNIST training samples; --reduce-range on CPUs without
VNNI, where oneDNN's and ONNX Runtime's u8 x s8 kernels saturate int16 pair sums). Then
`qwb-cli evaluate` runs that file on the fast backend (oneDNN INT8 primitives) against the same
file on the reference kernels, which dequantize and compute in float exactly what the simulation
computed, on the 10k test set. Passes when the top-1 predictions agree on >= 99.9% of the
samples and the fast session really ran the Conv/Gemm/MatMul and their DequantizeLinear nodes on
fast kernels (`qwb-cli bench --json` backend counts).

usage: int8_fast_test.py QWB_CLI SOURCE_DIR WORKDIR [--models a,b] [--limit N]
"""
import argparse
import json
import os
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("cli")
ap.add_argument("src")
ap.add_argument("workdir")
ap.add_argument("--models", default="fmnist_cnn,fmnist_dwres,fmnist_vit")
ap.add_argument("--limit", type=int, default=-1)
ap.add_argument("--min-agreement", type=float, default=0.999)
args = ap.parse_args()

os.makedirs(args.workdir, exist_ok=True)
flags = open("/proc/cpuinfo").read()
vnni = "avx512_vnni" in flags or "avx_vnni" in flags
failed = 0
for m in args.models.split(","):
    model = f"{args.src}/resources/samples/{m}.onnx"
    qdq = f"{args.workdir}/{m}.int8.onnx"
    cmd = [args.cli, "quantize", model, "--calib", "fashion-mnist:train", "--samples", "256", "--weights", "int8",
           "--granularity", "channel", "--activations", "uint8", "--method", "minmax", "--out", qdq]
    if not vnni:
        cmd.append("--reduce-range")
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        print(f"FAIL {m}: quantize exit {p.returncode}: {p.stderr.strip()[-300:]}")
        failed += 1
        continue
    ev = [args.cli, "evaluate", qdq, "--data", "fashion-mnist:test", "--backend", "fast", "--reference", qdq,
          "--reference-backend", "reference", "--json"]
    if args.limit > 0:
        ev += ["--limit", str(args.limit)]
    p = subprocess.run(ev, capture_output=True, text=True)
    if p.returncode != 0:
        print(f"FAIL {m}: evaluate exit {p.returncode}: {p.stderr.strip()[-300:]}")
        failed += 1
        continue
    r = json.loads(p.stdout)
    cmp = r["comparison"]
    agreement = cmp["agreement"]
    b = subprocess.run([args.cli, "bench", qdq, "--runs", "1", "--warmup", "0", "--batch", "8", "--json"],
                       capture_output=True, text=True)
    backend = json.loads(b.stdout)["backend"] if b.returncode == 0 else {"reference": {"bench": 1}}
    slow = {op: n for op, n in backend["reference"].items()
            if op in ("Conv", "Gemm", "MatMul", "DequantizeLinear", "QuantizeLinear")}
    ok = agreement >= args.min_agreement and not slow
    failed += not ok
    print(f'{"ok  " if ok else "FAIL"} {m}: INT8 fast top-1 {100 * r["top1"]:.2f}%, simulated (reference kernels) '
          f'{100 * cmp["fp32"]["top1"]:.2f}%, agreement {100 * agreement:.2f}% '
          f'({cmp["flipped_count"]} flipped); fast kernels: {sum(backend["fast"].values())} nodes, '
          f'on reference: {backend["reference"]}', flush=True)
print(f"int8_fast: {'all passed' if not failed else f'{failed} failed'}")
sys.exit(1 if failed else 0)
