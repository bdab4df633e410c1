#!/usr/bin/env python3
"""Peak memory of calibration does not grow with the number of calibration samples.

Calibrates torchvision ResNet-50 (random weights, exported by tests/interop/export_torchvision.py)
with `qwb-cli quantize` (statistics for every planned activation: 2048-bin histograms, min/max,
moving averages) over 64 and over 512 samples of the same 512-image set, and prints the peak RSS
of each run and their ratio. The data: Fashion-MNIST training images upsampled to 224x224
(nearest, x8) and replicated to 3 channels, stored once as uint8 .npy, so both runs hold the same
dataset in memory and any difference comes from calibration itself.

usage: /usr/bin/python3 bench/calib_memory.py [--cli build/app/qwb-cli] [--threads 2]
"""
import argparse
import gzip
import os
import subprocess
import sys
import time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
ap = argparse.ArgumentParser()
ap.add_argument("--cli", default=os.path.join(root, "build/app/qwb-cli"))
ap.add_argument("--cache", default=os.path.join(root, "build/interop-models"))
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--counts", default="64,512")
args = ap.parse_args()

model = os.path.join(args.cache, "opset13", "resnet50.onnx")
if not os.path.exists(model):
    subprocess.run([sys.executable, os.path.join(root, "tests/interop/export_torchvision.py"), "--out", args.cache,
                    "--opset", "13", "--models", "resnet50"], check=True)
data = os.path.join(args.cache, "calib512_224.npy")
if not os.path.exists(data):
    with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
        imgs = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)[:512]
    big = imgs.repeat(8, axis=1).repeat(8, axis=2)            # [512, 224, 224]
    np.save(data, np.ascontiguousarray(np.broadcast_to(big[:, None], (512, 3, 224, 224))))

rows = []
for n in [int(c) for c in args.counts.split(",")]:
    t0 = time.time()
    # A fresh wrapper per run, so each peak is that run's own (ru_maxrss of children is a max).
    wrapper = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "sys.stderr.write(p.stderr); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(p.returncode)")
    p = subprocess.run([sys.executable, "-c", wrapper, args.cli, "quantize", model, "--calib", "npy:" + data, "--samples", str(n), "--batch", "16",
                        "--threads", str(args.threads), "--mean", "0.485,0.456,0.406", "--std", "0.229,0.224,0.225",
                        "--method", "entropy"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"qwb-cli failed: {p.stderr}")
    peak = int(p.stdout.strip().splitlines()[-1]) / 1024
    rows.append((n, peak, time.time() - t0))
    print(f"ResNet-50 calibration over {n:4d} samples: peak RSS {peak:7.1f} MB, {time.time() - t0:6.1f} s", flush=True)
dataset_mb = os.path.getsize(data) / 2**20
print(f"dataset in memory: {dataset_mb:.1f} MB (uint8); peak RSS ratio {rows[-1][0]}/{rows[0][0]} samples: "
      f"{rows[-1][1] / rows[0][1]:.3f}")
