#!/usr/bin/env bash
# One-layer-at-a-time sensitivity sweep of torchvision ResNet-18 (random weights, opset 17) on 64
# seeded N(0,1) samples, output-SQNR metric (int8 per-channel weights, uint8 activations, both
# quantized per layer): the sweep that reuses one FP32 pass per batch against the plain way (a
# whole-model run per layer), both timed in the same run by `qwb-cli sensitivity --time-baseline`.
#
#   bash bench/sensitivity_reuse.sh [QWB_CLI] [MODELS_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cli="${1:-$root/build/app/qwb-cli}"
models="${2:-$root/build/interop-models}"
py=/usr/bin/python3
model="$models/opset17/resnet18.onnx"
[[ -f "$model" ]] || "$py" "$root/tests/interop/export_torchvision.py" --out "$models" --models resnet18 --opset 17
mkdir -p "$models/calib"
data="$models/calib/normal_3x224x224_n64_seed0.npz"
[[ -f "$data" ]] || "$py" -c "
import numpy as np, sys
np.savez(sys.argv[1], x=np.random.default_rng(0).standard_normal((64, 3, 224, 224)).astype(np.float32))" "$data"
"$cli" sensitivity "$model" --calib "npz:$data" --samples 16 --eval "npz:$data" --mean 0 --std 1 \
  --parts both --no-propagation --sweep-batch 16 --threads 2 --time-baseline | tail -1
