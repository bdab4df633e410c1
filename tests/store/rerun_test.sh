#!/usr/bin/env bash
# rerun reproduces an INT8 per-channel entropy quantization exactly: identical metrics and an
# identical exported QDQ file hash (issue 4 acceptance). Usage: rerun_test.sh QWB_CLI SOURCE_DIR
set -euo pipefail
CLI=${1:?qwb-cli}; SRC=${2:?source dir}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
"$CLI" quantize "$SRC/resources/samples/fmnist_cnn.onnx" --calib fashion-mnist:train --samples 256 --sampling random --seed 7 \
  --weights int8 --granularity channel --method entropy --eval fashion-mnist:test --eval-limit 2000 \
  --out "$T/cnn.int8.onnx" --project "$T/p.qwb" >/dev/null
out=$("$CLI" rerun "$T/p.qwb" 1 --json)
echo "$out"
/usr/bin/python3 - "$out" "$T" <<'PY'
import json, sys, hashlib
r = json.loads(sys.argv[1])
assert r["metrics_equal"] and r["artifacts_equal"], r
print(f"rerun of run {r['original']} as run {r['rerun']}: metrics and QDQ file sha256 identical")
PY
