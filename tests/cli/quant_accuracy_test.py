#!/usr/bin/env python3
"""Accuracy of INT8 quantization on the sample models (issue 3 acceptance).

For each sample model and each calibrator (minmax, percentile, entropy, mse): int8 symmetric
per-channel weights + uint8 affine activations, 256 Fashion-MNIST training samples for
calibration, simulated on the 10k test set. Passes when the simulated top-1 is at most 0.3 points
below FP32. FP32 top-1 is checked against the PyTorch value recorded in each model's
.expected.json (so the evaluation itself is anchored to an independent number).

usage: quant_accuracy_test.py QWB_CLI SOURCE_DIR [--models a,b] [--limit N]
"""
import argparse
import json
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("cli")
ap.add_argument("src")
ap.add_argument("--models", default="fmnist_cnn,fmnist_dwres,fmnist_vit")
ap.add_argument("--methods", default="minmax,percentile,entropy,mse")
ap.add_argument("--max-loss", type=float, default=0.3)
args = ap.parse_args()

failed = 0
rows = []
for m in args.models.split(","):
    model = f"{args.src}/resources/samples/{m}.onnx"
    expected = json.load(open(f"{args.src}/resources/samples/{m}.expected.json"))
    for method in args.methods.split(","):
        t0 = time.time()
        p = subprocess.run([args.cli, "quantize", model, "--calib", "fashion-mnist:train", "--samples", "256",
                            "--weights", "int8", "--granularity", "channel", "--activations", "uint8",
                            "--method", method, "--eval", "fashion-mnist:test", "--json"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            print(f"FAIL {m}/{method}: exit {p.returncode}: {p.stderr.strip()[-300:]}")
            failed += 1
            continue
        r = json.loads(p.stdout)
        fp32, q, d = r["fp32"]["top1"], r["quantized"]["top1"], r["delta_top1_pts"]
        ok = d >= -args.max_loss and abs(fp32 - expected["fp32_top1"]) < 1e-9
        failed += not ok
        print(f'{"ok  " if ok else "FAIL"} {m}/{method}: fp32 {100*fp32:.2f}% (PyTorch {100*expected["fp32_top1"]:.2f}%)  '
              f'int8 {100*q:.2f}%  delta {d:+.2f} pts  agreement {100*r["agreement"]:.2f}%  '
              f'ECE {r["fp32"]["ece"]:.4f} -> {r["quantized"]["ece"]:.4f}  ({time.time()-t0:.0f} s)', flush=True)
print(f"quant_accuracy: {'all passed' if not failed else f'{failed} failed'}")
sys.exit(1 if failed else 0)
