"""One stored calibration, three tools' formats. `qwb-cli calibrate --project` records a
calibration (fmnist_cnn, 128 Fashion-MNIST training images, entropy, int8 symmetric
activations); `qwb-cli export-run` then writes the QDQ model, the TensorRT calibration cache and
the ONNX Runtime calibration table from that run's stored thresholds, without recalibrating.
The test checks that all three name the same activation tensors with the same scale, that these
are the scales stored in the project file (read with sqlite3), that the QDQ weight scales are the
stored per-channel weight scales, and that the files are recorded as artifacts of the run.

How each format states a scale (so the test compares like with like):
- QDQ: the QuantizeLinear scale initializer of the tensor.
- TensorRT cache: "tensor: <hex>", the big-endian float32 scale (amax / 127).
- ONNX Runtime table: the tensor's range; ONNX Runtime's symmetric int8 scale is
  max(|lowest|, |highest|) / 127 (design section 6).
- Project: thresholds.scale (per tensor) or thresholds.scales (float32 little-endian BLOB).
Usage: cross_export_test.py QWB_CLI SOURCE_DIR
"""
import json
import os
import sqlite3
import struct
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

cli, src = sys.argv[1], sys.argv[2]
model = os.path.join(src, "resources", "samples", "fmnist_cnn.onnx")
failures = []


def check(name, ok, detail=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    if not ok:
        failures.append(name)


def close(a, b):
    # float32 rounding of each file's representation: 1e-6 relative.
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b))


with tempfile.TemporaryDirectory() as tmp:
    project = os.path.join(tmp, "p.qwb")
    r = subprocess.run([cli, "calibrate", model, "-c", "fashion-mnist:train", "-n", "128", "-m", "entropy", "-a", "int8",
                        "--symmetric-activations", "--project", project], capture_output=True, text=True)
    check("calibrate --project", r.returncode == 0, r.stderr[-300:])
    db = sqlite3.connect(project)
    run = db.execute("SELECT max(id) FROM runs").fetchone()[0]
    stored = {}
    for tensor, role, scale, blob in db.execute("SELECT tensor, role, scale, scales FROM thresholds WHERE run_id = ?", (run,)):
        stored[tensor] = (role, np.frombuffer(blob, dtype="<f4") if blob else np.array([scale], dtype=np.float64))
    db.close()

    out = {}
    for fmt in ("qdq", "trt-cache", "ort-calib"):
        out[fmt] = os.path.join(tmp, "cnn." + fmt)
        r = subprocess.run([cli, "export-run", project, str(run), "--format", fmt, "-o", out[fmt]], capture_output=True, text=True)
        check(f"export-run --format {fmt}", r.returncode == 0 and "stored thresholds" in r.stdout, r.stderr[-300:])

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
    acts = {t: float(s[0]) for t, (role, s) in stored.items() if role == "activation"}

    check("same tensors in all three and in the project", set(qdq) == set(trt) == set(ort) == set(acts) and len(qdq) > 0,
          f"qdq {sorted(qdq)} trt {sorted(trt)} ort {sorted(ort)} stored {sorted(acts)}")
    for t in sorted(set(qdq) & set(trt) & set(ort) & set(acts)):
        ok = close(trt[t], acts[t]) and close(ort[t], acts[t]) and close(qdq[t], acts[t])
        check(f"scale of {t}", ok, f"stored {acts[t]!r} qdq {qdq[t]!r} trt {trt[t]!r} ort {ort[t]!r}")
    print(f"{len(qdq)} activation tensors compared")

    # Weights: DequantizeLinear(W_quantized, scale, zp) -> W; its scale is the stored one.
    weights = 0
    for n in m.graph.node:
        if n.op_type != "DequantizeLinear" or n.input[0] not in inits:
            continue
        base = n.output[0]  # a quantized weight's DequantizeLinear produces the weight's own name
        if base not in stored or stored[base][0] != "weight":
            continue
        weights += 1
        got = np.atleast_1d(inits[n.input[1]]).astype(np.float64)
        want = stored[base][1].astype(np.float64)
        check(f"weight scales of {base}", got.shape == want.shape and np.allclose(got, want, rtol=1e-6, atol=0),
              f"{got[:4]} vs {want[:4]}")
    check("weight scales compared", weights == sum(1 for role, _ in stored.values() if role == "weight") and weights > 0,
          f"{weights} compared")

    r = subprocess.run([cli, "project", "show", project, str(run), "--json"], capture_output=True, text=True)
    kinds = sorted(a["kind"] for a in json.loads(r.stdout).get("artifacts", [])) if r.returncode == 0 else []
    check("exports recorded as artifacts of the run", kinds == ["ort-calib", "qdq", "trt-cache"], f"{kinds} {r.stderr[-200:]}")

    r = subprocess.run([cli, "export-run", project, "999", "--format", "qdq", "-o", os.path.join(tmp, "x.onnx")],
                       capture_output=True, text=True)
    check("unknown run: exit 2 naming the run", r.returncode == 2 and "999" in r.stderr, f"{r.returncode} {r.stderr}")

print("cross_export:", "failed" if failures else "passed")
sys.exit(1 if failures else 0)
