#!/usr/bin/env bash
# Interop test: qwb-cli against ONNX Runtime on torchvision models with random weights.
#
#   bash tests/interop/run_interop.sh BUILD_DIR
#
# For each model x opset: export (cached), run `qwb-cli run` and onnxruntime-node on the same
# input, compare the logits (compare_npy.py: max_abs_err / max|ort| <= threshold, and argmax).
# Prints one line per case and ends with "N passed, M failed"; exit code 1 when M > 0.
#
# Environment (all optional):
#   QWB_CLI                   qwb-cli binary (default BUILD_DIR/app/qwb-cli)
#   QWB_CLI_ARGS              extra arguments appended to `qwb-cli run ...` (word-split)
#   QWB_INTEROP_MODELS        comma-separated models (default resnet50,mobilenet_v2,efficientnet_b0,vit_b_16)
#   QWB_INTEROP_OPSETS        space- or comma-separated opsets (default "13 17")
#   QWB_INTEROP_SMALL         1: cheaper member of each family (export_torchvision.py --small)
#   QWB_INTEROP_MODELS_DIR    export cache (default BUILD_DIR/interop-models)
#   QWB_INTEROP_OUT           outputs and logs (default BUILD_DIR/interop-out)
#   QWB_INTEROP_THRESHOLD     max relative error (default 1e-4)
#   QWB_INTEROP_SEED          seed for weights and inputs (default 0)
#   QWB_INTEROP_THREADS       threads for ORT and the exporter (default: all cores)
#   QWB_INTEROP_CASE_TIMEOUT  seconds allowed for one qwb-cli or ORT run (default 600)
#   QWB_PYTHON                python with torch/torchvision/onnx/numpy (default /usr/bin/python3)
set -uo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build_dir="$(cd "$1" 2>/dev/null && pwd)" || { echo "run_interop.sh: no such directory: $1" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

py="${QWB_PYTHON:-/usr/bin/python3}"
cli="${QWB_CLI:-$build_dir/app/qwb-cli}"
models="${QWB_INTEROP_MODELS:-resnet50,mobilenet_v2,efficientnet_b0,vit_b_16}"
opsets="${QWB_INTEROP_OPSETS:-13 17}"
opsets="${opsets//,/ }"
cache="${QWB_INTEROP_MODELS_DIR:-$build_dir/interop-models}"
outroot="${QWB_INTEROP_OUT:-$build_dir/interop-out}"
threshold="${QWB_INTEROP_THRESHOLD:-1e-4}"
seed="${QWB_INTEROP_SEED:-0}"
threads="${QWB_INTEROP_THREADS:-0}"
case_timeout="${QWB_INTEROP_CASE_TIMEOUT:-600}"
small=()
[[ "${QWB_INTEROP_SMALL:-0}" == 1 ]] && small=(--small)
read -r -a cli_extra <<< "${QWB_CLI_ARGS:-}"

t_start=$(date +%s)
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

echo "== interop: qwb-cli vs onnxruntime-node"
echo "   qwb-cli:   $cli"
echo "   models:    $models${small:+ (--small)}"
echo "   opsets:    $opsets   threshold: $threshold   seed: $seed"
echo "   cache:     $cache"
echo "   outputs:   $outroot"

# 1. onnxruntime-node
if ! bash "$here/setup.sh"; then
    echo "run_interop.sh: setup.sh failed (onnxruntime-node not installed)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
ort_version="$(cd "$here" && node -p "require('onnxruntime-node/package.json').version")"
echo "   onnxruntime-node $ort_version"

# 2. exports (cached). A model that fails to export fails its cases below.
if [[ ! -x "$py" ]]; then
    echo "run_interop.sh: $py not found (needs python3-torch, python3-torchvision, python3-onnx)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
mkdir -p "$cache" "$outroot"
export_args=(--out "$cache" --models "$models" --seed "$seed" --torch-ref "${small[@]}")
[[ "$threads" != 0 ]] && export_args+=(--threads "$threads")
read -r -a names <<< "$("$py" "$here/export_torchvision.py" "${export_args[@]}" --opset 13 --list)"
if [[ ${#names[@]} -eq 0 ]]; then
    echo "run_interop.sh: no models to run" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
for opset in $opsets; do
    t0=$(now)
    "$py" "$here/export_torchvision.py" "${export_args[@]}" --opset "$opset" 2>&1 \
        | grep --line-buffered -v -e TracerWarning -e 'assert condition, message' | sed 's/^/   export: /'
    echo "   export opset $opset: $(elapsed "$t0") s"
done

# 3. run and compare
ort_args=(--quiet)
[[ "$threads" != 0 ]] && ort_args+=(--threads "$threads")
have_cli=1
if [[ ! -x "$cli" ]]; then
    have_cli=0
    echo "run_interop.sh: qwb-cli not found or not executable: $cli (set QWB_CLI); every case fails" >&2
fi

passed=0
failed=0
failed_names=()
for opset in $opsets; do
    for name in "${names[@]}"; do
        label="$name opset$opset"
        model="$cache/opset$opset/$name.onnx"
        input="$cache/input_$name.npy"
        dir="$outroot/opset$opset/$name"
        rm -rf "$dir"
        mkdir -p "$dir/qwb" "$dir/ort"
        status="FAIL"
        detail=""
        if [[ ! -f "$model" || ! -f "$input" ]]; then
            detail="export failed (no $model)"
        else
            # Reference: ONNX Runtime
            t0=$(now)
            if ! timeout "$case_timeout" node "$here/ort_run.js" "$model" --input "input=$input" \
                    --outdir "$dir/ort" "${ort_args[@]}" > "$dir/ort.log" 2>&1; then
                detail="onnxruntime failed: $(tail -n 3 "$dir/ort.log" | tr '\n' ' ')"
            fi
            t_ort=$(elapsed "$t0")
            # Sanity of the reference itself against PyTorch (informational, not gating).
            ref_note=""
            if [[ -z "$detail" && -f "$cache/torch_$name.npy" ]]; then
                ref_note="$("$py" "$here/compare_npy.py" "$dir/ort/logits.npy" "$cache/torch_$name.npy" \
                    --threshold 1 2>&1 | sed -n 's/.*max_rel_err \([^ ]*\).*/\1/p')"
                [[ -n "$ref_note" ]] && ref_note="ort-vs-torch $ref_note"
            fi
            # Candidate: qwb-cli
            t_qwb="-"
            if [[ -z "$detail" ]]; then
                if [[ $have_cli == 0 ]]; then
                    detail="qwb-cli not found: $cli"
                else
                    t0=$(now)
                    timeout "$case_timeout" "$cli" run "$model" --input "input=$input" --outdir "$dir/qwb" \
                        "${cli_extra[@]}" > "$dir/qwb.log" 2>&1
                    rc=$?
                    t_qwb=$(elapsed "$t0")
                    if [[ $rc -eq 124 ]]; then
                        detail="qwb-cli timed out after ${case_timeout} s"
                    elif [[ $rc -ne 0 ]]; then
                        detail="qwb-cli exit $rc: $(tail -n 3 "$dir/qwb.log" | tr '\n' ' ')"
                    fi
                fi
            fi
            if [[ -z "$detail" ]]; then
                "$py" "$here/compare_npy.py" "$dir/qwb" "$dir/ort" --threshold "$threshold" \
                    > "$dir/compare.log" 2>&1
                rc=$?
                detail="$(tr '\n' ';' < "$dir/compare.log" | sed 's/;$//')"
                [[ $rc -eq 0 ]] && status="PASS"
            fi
            detail="$detail (qwb ${t_qwb} s, ort ${t_ort} s${ref_note:+, $ref_note})"
        fi
        printf '%s %-28s %s\n' "$status" "$label" "$detail"
        if [[ $status == PASS ]]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            failed_names+=("$label")
        fi
    done
done

echo "== interop done in $(( $(date +%s) - t_start )) s; logs under $outroot"
[[ $failed -gt 0 ]] && echo "   failed: ${failed_names[*]}"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
