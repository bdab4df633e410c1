#!/usr/bin/env bash
# qwb-cli recommend, gate and decision-table through the CLI, on a real quantize run of the sample
# CNN (64 calibration samples, 500 test samples; deterministic, it measured a 0.40 pts drop here).
# The recommendation must change once the run's measured loss replaces its row's value, and the
# gate's exit codes (0 pass, 1 fail, 3 review, 2 bad input) follow thresholds placed around the
# run's own drop. Usage: decide_cli_test.sh QWB_CLI SRC
set -uo pipefail
CLI=${1:?qwb-cli}; SRC=${2:?source dir}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
M="$SRC/resources/samples/fmnist_cnn.onnx"
P="$T/p.qwb"
PY=/usr/bin/python3
source "$SRC/tests/lib/checks.sh"
field() { $PY -c "import json,sys; print(json.load(sys.stdin)$1)"; }

expect recommend_seed 0 "Reasoning:" -- "$CLI" recommend "$M" --max-drop 0.5
expect recommend_arch_hw 0 "row transformer/nvidia-gpu/int8" -- "$CLI" recommend --arch transformer --hardware nvidia-gpu --max-drop 1
expect recommend_nothing 2 "give a MODEL or --arch" -- "$CLI" recommend --max-drop 1
expect recommend_bad_hw 2 "hardware" -- "$CLI" recommend --arch cnn --hardware tpu --max-drop 1
expect recommend_relative_no_baseline 2 "--baseline" -- "$CLI" recommend --arch cnn --max-drop 1 --relative
expect recommend_unknown_arch 2 "architectures with rows there" -- "$CLI" recommend --arch capsule --max-drop 1

# This machine's cnn int8 row edited to 5 pts: int8 does not fit 1.0 before any run.
expect project_new 0 "Created" -- "$CLI" project new "$P"
expect export 0 "Wrote 210 rows" -- "$CLI" decision-table export "$P" "$T/table.json"
HW=$("$CLI" recommend --arch cnn --max-drop 1 --json | field "['hardware']")
$PY - "$T/table.json" "$T/edited.json" "$HW" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["rows"]:
    if (r["architecture"], r["hardware"], r["format"]) == ("cnn", sys.argv[3], "int8"):
        r["expected_loss_pts"], r["source"] = 5.0, "edited"
json.dump(d, open(sys.argv[2], "w"))
EOF
expect import 0 "Imported 210 rows" -- "$CLI" decision-table import "$P" "$T/edited.json"
before=$("$CLI" recommend "$M" --max-drop 1 --project "$P" --json)
check before_not_int8 test "$(field "['format']" <<<"$before")" != int8
check before_names_row grep -qF "row cnn/$HW/int8: expected loss 5.00 pts" <<<"$before"

expect quantize 0 "Recorded as run 1" -- "$CLI" quantize "$M" --calib fashion-mnist:train --samples 64 --eval fashion-mnist:test --eval-limit 500 --out "$T/q.onnx" --project "$P"
run=$("$CLI" project show "$P" 1 --json)
drop=$($PY -c "import json,sys; m=json.loads(sys.argv[1])['metrics']; print(100*(m['fp32.top1']-m['quantized.top1']))" "$run")
echo "measured drop: $drop pts"
after=$("$CLI" recommend "$M" --max-drop 1 --project "$P" --json)
check after_int8 test "$(field "['format']" <<<"$after")" = int8
check after_measured $PY -c "
import json,sys; r=json.loads(sys.argv[1]); d=float(sys.argv[2])
assert r['row'] == 'cnn/$HW/int8' and r['count'] == 1 and r['source'] == 'measured', r
assert abs(r['expected_loss_pts'] - d) < 1e-9, (r['expected_loss_pts'], d)
assert any('measured, mean of 1 run' in s for s in r['path']), r['path']
assert len(r['rows_used']) == 7 and all(any('row ' + k + ':' in s for s in r['path']) for k in r['rows_used'])" "$after" "$drop"

# Gate thresholds around the run's own drop d (needs d >= 0.1): d+0.5 pass, d-0.1 fail, d+0.1 with
# a 0.3 band review (pass would need <= d-0.2).
check drop_positive $PY -c "import sys; assert float(sys.argv[1]) >= 0.1" "$drop"
thr() { $PY -c "print(f'{float(\"$drop\") + $1:.6f}')"; }
expect gate_pass 0 "PASS" -- "$CLI" gate "$P" 1 --max-drop "$(thr 0.5)"
expect gate_fail 1 "FAIL" -- "$CLI" gate "$P" 1 --max-drop "$(thr -0.1)"
expect gate_review 3 "REVIEW" -- "$CLI" gate "$P" 1 --max-drop "$(thr 0.1)" --review-band 0.3
check gate_stored $PY -c "
import json,sys; m=json.loads(sys.argv[1])['metrics']
assert m['gate.outcome'] == 3 and abs(m['gate.review_band_pts'] - 0.3) < 1e-12, m" "$("$CLI" project show "$P" 1 --json)"
gj=$("$CLI" gate "$P" 1 --max-drop 100 --relative --json)
check gate_json_relative $PY -c "
import json,sys; g=json.loads(sys.argv[1])
assert g['outcome'] == 'pass' and abs(g['threshold_pts'] - g['fp32_top1_pct']) < 1e-9, g" "$gj"
expect gate_missing_run 2 "run 99" -- "$CLI" gate "$P" 99 --max-drop 1
expect gate_negative 2 "--max-drop must be >= 0" -- "$CLI" gate "$P" 1 --max-drop -1

# Round trip: export, import into a fresh project, export again: identical.
expect export_learned 0 "Wrote" -- "$CLI" decision-table export "$P" "$T/a.json"
"$CLI" project new "$T/q.qwb" >/dev/null
expect import_round 0 "Imported" -- "$CLI" decision-table import "$T/q.qwb" "$T/a.json"
"$CLI" decision-table export "$T/q.qwb" "$T/b.json" >/dev/null
check round_trip cmp -s "$T/a.json" "$T/b.json"
key=$($PY -c "
import json,sys; d=json.load(open(sys.argv[1])); r=d['rows'][2]; r['speedup'] = 'fast'; json.dump(d, open(sys.argv[2], 'w'))
print('/'.join(r[k] for k in ('architecture', 'hardware', 'format')))" "$T/a.json" "$T/bad.json")
expect import_bad_row 2 "decision table row 2 ($key): field 'speedup' must be a number > 0" -- "$CLI" decision-table import "$T/q.qwb" "$T/bad.json"
echo '{"rows": [' > "$T/broken.json"
expect import_not_json 2 "not valid JSON" -- "$CLI" decision-table import "$T/q.qwb" "$T/broken.json"
"$CLI" decision-table export "$T/q.qwb" "$T/c.json" >/dev/null
check bad_import_wrote_nothing cmp -s "$T/a.json" "$T/c.json"

finish decide_cli
