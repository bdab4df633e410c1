#!/usr/bin/python3
"""The sample models run in qwb-cli as they ran in PyTorch.

For every resources/samples/<name>.onnx with <name>.expected.json (written by
tools/train_samples.py from the PyTorch model that was exported):
  1. `qwb-cli inspect --json` has the required keys and the parameter count PyTorch reported;
  2. `qwb-cli run` on the first 8 Fashion-MNIST test images (preprocessed here with numpy exactly
     as the model's metadata says) reproduces PyTorch's logits: max|a-b| / max|b| < 1e-4;
  3. `qwb-cli evaluate --data fashion-mnist:test --json` gives PyTorch's top-1 and top-5 within
     0.1 percentage point (10 of 10,000 samples may flip on float rounding differences).
Usage: samples_test.py QWB_CLI SOURCE_DIR. Prints one line per check and "N passed, M failed".
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

cli, src = sys.argv[1], sys.argv[2]
samples = os.path.join(src, "resources", "samples")
passed = failed = 0


def check(name, ok, detail):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + name + ": " + detail, flush=True)
    if ok:
        passed += 1
    else:
        failed += 1


def idx_images(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    n, h, w = (int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
    return np.frombuffer(data, np.uint8, offset=16).reshape(n, h, w)


images = idx_images("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")
models = sorted(f[:-5] for f in os.listdir(samples) if f.endswith(".onnx"))
if not models:
    check("samples present", False, "no .onnx in " + samples)

for name in models:
    onnx_path = os.path.join(samples, name + ".onnx")
    exp_path = os.path.join(samples, name + ".expected.json")
    if not os.path.exists(exp_path):
        check(name, False, "missing " + exp_path)
        continue
    exp = json.load(open(exp_path))

    r = subprocess.run([cli, "inspect", onnx_path, "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        check(name + " inspect", False, r.stderr.strip())
        continue
    info = json.loads(r.stdout)
    keys = ["opset", "nodes", "parameters", "macs", "architecture", "inputs", "outputs", "ops", "unsupported_ops"]
    missing = [k for k in keys if k not in info]
    check(name + " inspect", not missing and info["parameters"] == exp.get("onnx_initializer_elements", exp["parameters"]) and not info["unsupported_ops"],
          f"parameters {info.get('parameters')} (ONNX initializers per PyTorch export {exp.get('onnx_initializer_elements')}), architecture {info.get('architecture')}, "
          f"missing keys {missing}, unsupported {info.get('unsupported_ops')}")

    # Every multiply op has its MACs counted (shapes inferred by ONNX or measured by running).
    unknown = [l["name"] for l in info["layers"] if l["op"] in ("Conv", "MatMul", "Gemm") and l["macs"] <= 0]
    check(name + " macs", not unknown and info["macs"] > 0,
          f"{info['macs']} MACs at batch 1; layers without MACs: {unknown[:5]}")

    pre = exp["preprocessing"]
    x = ((images[:8].astype(np.float32) * np.float32(pre["scale"]) - np.float32(pre["mean"])) / np.float32(pre["std"]))
    x = x.reshape(8, 1, 28, 28).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        np.save(os.path.join(tmp, "x.npy"), x)
        r = subprocess.run([cli, "run", onnx_path, "--input", "input=" + os.path.join(tmp, "x.npy"),
                            "--outdir", tmp, "--threads", "2"], capture_output=True, text=True)
        if r.returncode != 0:
            check(name + " logits", False, r.stderr.strip())
        else:
            got = np.load(os.path.join(tmp, "logits.npy"))
            want = np.array(exp["first8"]["logits"], np.float32)
            err = float(np.abs(got - want).max() / np.abs(want).max())
            check(name + " logits", err < 1e-4 and got.argmax(1).tolist() == exp["first8"]["predictions"],
                  f"max relative error {err:.2e} vs PyTorch on 8 test images")

    r = subprocess.run([cli, "evaluate", onnx_path, "--data", "fashion-mnist:test", "--json", "--threads", "2"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        check(name + " accuracy", False, r.stderr.strip())
        continue
    ev = json.loads(r.stdout)
    d1 = abs(ev["top1"] - exp["fp32_top1"])
    d5 = abs(ev["top5"] - exp["fp32_top5"])
    check(name + " accuracy", ev["samples"] == 10000 and d1 <= 0.001 and d5 <= 0.001,
          f"top-1 {ev['top1']:.4f} (PyTorch {exp['fp32_top1']:.4f}), top-5 {ev['top5']:.4f} "
          f"(PyTorch {exp['fp32_top5']:.4f}), macro-F1 {ev['macro_f1']:.4f}, {ev['seconds']:.1f} s")

print(f"samples: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
