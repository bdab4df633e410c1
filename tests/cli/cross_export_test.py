"""One calibration, three tools' formats: the QDQ model, the TensorRT calibration cache and the
ONNX Runtime calibration table written by `qwb-cli quantize --format ...` with the same
calibration (fmnist_cnn, 128 Fashion-MNIST training images, entropy, int8 symmetric activations)
name the same activation tensors and the same scale for each.

How each format states a scale (so the test compares like with like):
- QDQ: the QuantizeLinear scale initializer of the tensor.
- TensorRT cache: "tensor: <hex>", the big-endian float32 scale (amax / 127).
- ONNX Runtime table: the tensor's range; ONNX Runtime's symmetric int8 scale is
  max(|lowest|, |highest|) / 127 (design section 6).
Usage: cross_export_test.py QWB_CLI SOURCE_DIR
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import onnx
from onnx import numpy_helper

cli, src = sys.argv[1], sys.argv[2]
model = os.path.join(src, "resources", "samples", "fmnist_cnn.onnx")
failures = []


def check(name, ok, detail=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    if not ok:
        failures.append(name)


with tempfile.TemporaryDirectory() as tmp:
    out = {}
    for fmt in ("qdq", "trt-cache", "ort-calib"):
        out[fmt] = os.path.join(tmp, "cnn." + fmt)
        r = subprocess.run([cli, "quantize", model, "-c", "fashion-mnist:train", "-n", "128", "-m", "entropy",
                            "-a", "int8", "--symmetric-activations", "--format", fmt, "-o", out[fmt]],
                           capture_output=True, text=True)
        check(f"quantize --format {fmt}", r.returncode == 0, r.stderr[-300:])

    m = onnx.load(out["qdq"])
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    qdq = {n.input[0]: float(inits[n.input[1]]) for n in m.graph.node if n.op_type == "QuantizeLinear"}

    lines = open(out["trt-cache"]).read().splitlines()
    check("TensorRT cache header", lines[0].startswith("TRT-") and "EntropyCalibration2" in lines[0], lines[0])
    trt = {}
    for line in lines[1:]:
        tensor, hexed = line.rsplit(": ", 1)
        trt[tensor] = struct.unpack(">f", bytes.fromhex(hexed))[0]

    table = json.load(open(out["ort-calib"]))
    ort = {t: max(abs(v["lowest"]), abs(v["highest"])) / 127.0 for t, v in table.items()}

    check("same tensors in all three", set(qdq) == set(trt) == set(ort) and len(qdq) > 0,
          f"qdq {sorted(qdq)} trt {sorted(trt)} ort {sorted(ort)}")
    for t in sorted(set(qdq) & set(trt) & set(ort)):
        # float32 rounding of each file's representation: 1e-6 relative.
        ok = abs(trt[t] - qdq[t]) <= 1e-6 * qdq[t] and abs(ort[t] - qdq[t]) <= 1e-6 * qdq[t]
        check(f"scale of {t}", ok, f"qdq {qdq[t]!r} trt {trt[t]!r} ort {ort[t]!r}")
    print(f"{len(qdq)} tensors compared")

print("cross_export:", "failed" if failures else "passed")
sys.exit(1 if failures else 0)
