#!/usr/bin/env bash
# Malformed inputs to qwb-cli: each case checks the exit code (2 = bad input) and that the
# message names the offending file / node / input. Usage: cli_errors.sh QWB_CLI SOURCE_DIR
set -uo pipefail
CLI=${1:?qwb-cli path}
SRC=${2:?source dir}
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
SAMPLE="$SRC/resources/samples/fmnist_cnn.onnx"
pass=0
fail=0

# expect NAME EXPECTED_EXIT PATTERN -- command...
expect() {
  local name=$1 want=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [[ $rc -eq $want ]] && grep -qF -- "$pattern" <<<"$out"; then
    echo "PASS $name"
    pass=$((pass + 1))
  else
    echo "FAIL $name: exit $rc (want $want), output:"
    echo "$out" | head -5 | sed 's/^/    /'
    echo "    (expected to contain: $pattern)"
    fail=$((fail + 1))
  fi
}

: >"$T/empty.onnx"
head -c 5000 /dev/urandom >"$T/random.onnx"
head -c $(($(stat -c %s "$SAMPLE") / 2)) "$SAMPLE" >"$T/truncated.onnx"
$PY -c "import numpy as np; np.save('$T/wrong.npy', np.zeros((1, 3, 28, 28), np.float32)); np.save('$T/ok.npy', np.zeros((2, 1, 28, 28), np.float32)); np.save('$T/calib_wrong.npy', np.zeros((4, 3, 32, 32), np.uint8)); np.save('$T/calib_empty.npy', np.zeros((0, 28, 28), np.uint8))"

expect empty_file 2 "empty.onnx': the file is empty" -- "$CLI" inspect "$T/empty.onnx"
expect random_bytes 2 "random.onnx'" -- "$CLI" inspect "$T/random.onnx"
expect truncated_model 2 "truncated.onnx'" -- "$CLI" inspect "$T/truncated.onnx"
expect missing_model 2 "nope.onnx': no such file" -- "$CLI" run "$T/nope.onnx" --input input="$T/ok.npy" --outdir "$T/out"
expect unsupported_op 2 "(Det, opset" -- "$CLI" run /usr/share/libonnx-testdata/data/node/test_det_2d/model.onnx --input x="$T/ok.npy" --outdir "$T/out"
expect unsupported_op_evaluate 2 "is not supported" -- "$CLI" evaluate /usr/share/libonnx-testdata/data/node/test_det_2d/model.onnx --data fashion-mnist:test
expect wrong_input_shape 2 "input 'input' expects shape" -- "$CLI" run "$SAMPLE" --input input="$T/wrong.npy" --outdir "$T/out"
expect missing_input_file 2 "missing.npy': no such file" -- "$CLI" run "$SAMPLE" --input input="$T/missing.npy" --outdir "$T/out"
expect unknown_input_name 2 "no input named 'bogus'" -- "$CLI" run "$SAMPLE" --input bogus="$T/ok.npy" --outdir "$T/out"
expect bad_data_spec 2 "unknown source 'foo'" -- "$CLI" evaluate "$SAMPLE" --data foo:bar
expect inspect_unsupported_lists 0 "Det (opset" -- "$CLI" inspect /usr/share/libonnx-testdata/data/node/test_det_2d/model.onnx
expect run_ok 0 "logits float32 [2, 10]" -- "$CLI" run "$SAMPLE" --input input="$T/ok.npy" --outdir "$T/out"


# Quantization: bad calibration data, exclusions and formats name what is wrong.
Q=(quantize "$SAMPLE" --samples 16 --out "$T/q.onnx")
expect calib_shape_mismatch 2 "a sample has shape [3, 32, 32] but model input 'input'" -- "$CLI" "${Q[@]}" --calib npy:"$T/calib_wrong.npy"
expect calib_empty 2 "calib_empty.npy': holds no samples" -- "$CLI" "${Q[@]}" --calib npy:"$T/calib_empty.npy"
expect exclude_unknown_node 2 "names node 'no_such_conv', which does not exist" -- "$CLI" "${Q[@]}" --calib fashion-mnist:train --exclude no_such_conv
expect int4_activations 2 "activations of type int4 are not supported" -- "$CLI" "${Q[@]}" --calib fashion-mnist:train --activations int4
expect fp16_blocks 2 "block granularity applies to integer and fp8 weights" -- "$CLI" "${Q[@]}" --calib fashion-mnist:train --weights fp16 --granularity block:32
expect bad_block_size 2 "block size must be a power of two" -- "$CLI" "${Q[@]}" --calib fashion-mnist:train --granularity block:7
expect bad_method 2 "unknown calibration method 'kld'" -- "$CLI" "${Q[@]}" --calib fashion-mnist:train --method kld
expect stratified_without_labels 2 "labels" -- "$CLI" "${Q[@]}" --calib npy:"$T/ok.npy" --sampling stratified
expect quantize_ok 0 "passes the ONNX checker" -- "$CLI" "${Q[@]}" --calib fashion-mnist:train --method entropy
expect evaluate_qdq_vs_fp32 0 "agreement" -- "$CLI" evaluate "$T/q.onnx" --data fashion-mnist:test --limit 200 --reference "$SAMPLE"
expect export_fp16 0 "FP16, opset 13" -- "$CLI" export "$SAMPLE" --format fp16 --out "$T/f.onnx"
expect export_trt_cache 0 "trt-cache" -- "$CLI" export "$SAMPLE" --format trt-cache --calib fashion-mnist:train --samples 16 --activations int8 --symmetric-activations --out "$T/calib.cache"
expect trt_cache_header 0 "TRT-8601-MinMaxCalibration" -- head -1 "$T/calib.cache"
expect stats_unknown_tensor 2 "no statistics for tensor 'nope'" -- "$CLI" stats "$SAMPLE" --calib fashion-mnist:train --samples 16 --tensor nope
expect stats_tensor 0 "entropy" -- "$CLI" stats "$SAMPLE" --calib fashion-mnist:train --samples 16 --tensor input
expect validate_few_samples 0 "warning" -- "$CLI" validate "$SAMPLE" --calib fashion-mnist:train --samples 16

expect bench_json 0 '"median_ms"' -- "$CLI" bench "$SAMPLE" --runs 3 --warmup 1 --json
expect bench_bad_runs 2 "runs >= 1" -- "$CLI" bench "$SAMPLE" --runs 0
# The version names the commit of the source it was built from (regenerated at every build).
commit=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
expect version_commit 0 "(commit $commit)" -- "$CLI" --version

echo "cli_errors: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
