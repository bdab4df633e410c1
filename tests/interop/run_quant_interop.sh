#!/usr/bin/env bash
# Quantization interop test: QDQ files exported by `qwb-cli quantize` run in ONNX Runtime
# (onnxruntime-node, pinned) with the accuracy the workbench predicted by simulation.
#
#   bash tests/interop/run_quant_interop.sh BUILD_DIR
#
# For each sample model x format (int8 per-tensor, int8 per-channel, int4 block-wise
# weight-only): quantize with 256 Fashion-MNIST training samples, simulate on the 10k test set,
# export; run the export in ONNX Runtime on the same test set. Pass: |ORT top-1 - simulated
# top-1| <= 0.1 points and ORT agrees with the simulation on >= 99.5% of the samples.
# Environment: QWB_CLI, QWB_QUANT_INTEROP_MODELS (default fmnist_cnn,fmnist_dwres,fmnist_vit),
# QWB_QUANT_INTEROP_LIMIT (test samples, default all 10000), QWB_QUANT_INTEROP_OUT.
set -uo pipefail

build_dir="$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)" || exit 2
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cli="${QWB_CLI:-$build_dir/app/qwb-cli}"
models="${QWB_QUANT_INTEROP_MODELS:-fmnist_cnn,fmnist_dwres,fmnist_vit}"
limit="${QWB_QUANT_INTEROP_LIMIT:-0}"
out="${QWB_QUANT_INTEROP_OUT:-$build_dir/quant-interop-out}"
py=/usr/bin/python3
mkdir -p "$out"

bash "$here/setup.sh" || { echo "setup.sh failed"; echo "0 passed, 1 failed"; exit 1; }

# ONNX Runtime's u8 x s8 kernels on x86 without VNNI (AVX2 vpmaddubsw) saturate pairs of
# products in int16, so a full 8-bit model runs differently there than its QDQ semantics say.
# The remedy on such CPUs is 7-bit weights (reduce_range), which is what we export for them.
rr=()
if ! grep -qw -e avx512_vnni -e avx_vnni /proc/cpuinfo; then
  rr=(--reduce-range)
  echo "CPU without VNNI: int8 cases use --reduce-range (ONNX Runtime's AVX2 u8s8 kernels saturate otherwise)"
fi
configs=(
  "int8-tensor|--weights int8 --granularity tensor --activations uint8 --method minmax ${rr[*]}"
  "int8-channel|--weights int8 --granularity channel --activations uint8 --method entropy ${rr[*]}"
  "int4-block32-wo|--weights int4 --granularity block:32 --activations none --method minmax"
)
passed=0; failed=0
eval_args=(--eval fashion-mnist:test)
[[ "$limit" != 0 ]] && eval_args+=(--eval-limit "$limit")
IFS=',' read -r -a model_list <<< "$models"
for m in "${model_list[@]}"; do
  model="$root/resources/samples/$m.onnx"
  meta="$("$cli" inspect "$model" --json)" || { echo "FAIL $m: inspect"; ((failed++)); continue; }
  mean="$(echo "$meta" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["metadata"].get("qwb.mean","0"))')"
  std="$(echo "$meta" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["metadata"].get("qwb.std","1"))')"
  for c in "${configs[@]}"; do
    name="${c%%|*}"; read -r -a flags <<< "${c#*|}"
    case_id="$m/$name"; file="$out/$m.$name.onnx"
    if ! "$cli" quantize "$model" --calib fashion-mnist:train --samples 256 "${flags[@]}" "${eval_args[@]}" \
         --out "$file" --json --predictions > "$out/$m.$name.qwb.json" 2> "$out/$m.$name.qwb.err"; then
      echo "FAIL $case_id: qwb-cli quantize: $(tail -1 "$out/$m.$name.qwb.err")"; ((failed++)); continue
    fi
    if ! node "$here/ort_eval_fmnist.js" "$file" --mean "$mean" --std "$std" --limit "$limit" > "$out/$m.$name.ort.json" 2> "$out/$m.$name.ort.err"; then
      echo "FAIL $case_id: ONNX Runtime: $(tail -1 "$out/$m.$name.ort.err")"; ((failed++)); continue
    fi
    if "$py" - "$out/$m.$name.qwb.json" "$out/$m.$name.ort.json" "$case_id" <<'PY'
import json, sys
q = json.load(open(sys.argv[1])); o = json.load(open(sys.argv[2]))
sim = q["quantized_predictions"]; ort = o["predictions"]
assert len(sim) == len(ort), (len(sim), len(ort))
agree = sum(a == b for a, b in zip(sim, ort)) / len(sim)
d = 100 * (o["top1"] - q["quantized"]["top1"])
ok = abs(d) <= 0.1 and agree >= 0.995
print(f'{"ok  " if ok else "FAIL"} {sys.argv[3]}: fp32 {100*q["fp32"]["top1"]:.2f}%  simulated {100*q["quantized"]["top1"]:.2f}%  '
      f'ORT {100*o["top1"]:.2f}% (diff {d:+.2f} pts)  agreement ORT/simulation {100*agree:.2f}%  '
      f'opset {q["exported"]["opset"]}, {q["exported"]["bytes"]} bytes')
sys.exit(0 if ok else 1)
PY
    then ((passed++)); else ((failed++)); fi
  done
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
