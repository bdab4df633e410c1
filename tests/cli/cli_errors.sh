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
$PY -c "import numpy as np; np.save('$T/wrong.npy', np.zeros((1, 3, 28, 28), np.float32)); np.save('$T/ok.npy', np.zeros((2, 1, 28, 28), np.float32))"

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

echo "cli_errors: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
