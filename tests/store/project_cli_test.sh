#!/usr/bin/env bash
# The project commands of qwb-cli: new, runs --json, show, diff, export-json, evaluate/export/
# calibrate with --project, and the open errors (not SQLite, not a project, newer schema,
# read-only), each of which must leave the file byte-identical. Usage: project_cli_test.sh QWB_CLI SRC
set -uo pipefail
CLI=${1:?qwb-cli}; SRC=${2:?source dir}
T=$(mktemp -d); trap 'chmod -R u+w "$T"; rm -rf "$T"' EXIT
M="$SRC/resources/samples/fmnist_cnn.onnx"
P="$T/p.qwb"
source "$SRC/tests/lib/checks.sh"

expect new 0 "Created" -- "$CLI" project new "$P"
expect new_exists 2 "exists" -- "$CLI" project new "$P"
expect quantize 0 "Recorded as run 1" -- "$CLI" quantize "$M" --calib fashion-mnist:train --samples 64 --eval fashion-mnist:test --eval-limit 500 --out "$T/q.onnx" --project "$P"
expect quantize_mse 0 "Recorded as run 2" -- "$CLI" quantize "$M" --calib fashion-mnist:train --samples 64 --method mse --eval fashion-mnist:test --eval-limit 500 --out "$T/q2.onnx" --project "$P"
expect evaluate 0 "Recorded as run 3" -- "$CLI" evaluate "$T/q.onnx" --data fashion-mnist:test --limit 300 --reference "$M" --project "$P"
expect export_fp16 0 "Recorded as run 4" -- "$CLI" export "$M" --format fp16 --out "$T/f.onnx" --project "$P"
expect calibrate 0 "Recorded as run 5" -- "$CLI" calibrate "$M" --calib fashion-mnist:train --samples 32 --project "$P"
runs=$("$CLI" project runs "$P" --json)
check runs_json /usr/bin/python3 -c "
import json,sys; r=json.loads(sys.argv[1]); assert len(r)==5, r
for x in r: assert {'id','kind','status','created','metrics'} <= set(x) and x['status']=='succeeded', x
assert [x['kind'] for x in sorted(r, key=lambda x: x['id'])] == ['quantize','quantize','evaluate','export','calibrate']
assert 'quantized.top1' in [x for x in r if x['id']==1][0]['metrics']" "$runs"
expect show 0 "artifact $T/q.onnx (qdq" -- "$CLI" project show "$P" 1
expect diff 0 "method" -- "$CLI" project diff "$P" 1 2
expect diff_metric 0 "quantized.top1" -- "$CLI" project diff "$P" 1 2
expect export_json 0 "Wrote" -- "$CLI" project export-json "$P" --out "$T/p.json"
check export_json_content /usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert len(j['runs'])==5" "$T/p.json"
expect show_missing_run 2 "run 99" -- "$CLI" project show "$P" 99

# Ctrl-C (SIGINT) cancels cleanly: exit 3 and the run is recorded as cancelled, not interrupted.
expect sigint_cancels 3 "cancelled" -- timeout --preserve-status -s INT 3 "$CLI" quantize "$M" --calib fashion-mnist:train --samples 64 --eval fashion-mnist:test --threads 1 --project "$T/c.qwb"
expect sigint_recorded 0 "cancelled" -- "$CLI" project runs "$T/c.qwb"

# Open errors: clear message, file untouched.
head -c 4096 /dev/urandom > "$T/random.qwb"
/usr/bin/python3 -c "import sqlite3; c=sqlite3.connect('$T/other.db'); c.execute('create table t(x)'); c.commit()"
cp "$P" "$T/newer.qwb"; /usr/bin/python3 -c "import sqlite3; c=sqlite3.connect('$T/newer.qwb'); c.execute('pragma user_version=99'); c.commit(); c.close()"
cp "$P" "$T/ro.qwb"; chmod 0444 "$T/ro.qwb"
for f in random.qwb other.db newer.qwb ro.qwb; do sha256sum "$T/$f" > "$T/$f.sha"; done
expect open_not_sqlite 2 "not an SQLite" -- "$CLI" project info "$T/random.qwb"
expect open_not_project 2 "is an SQLite database but not a qwb project" -- "$CLI" project info "$T/other.db"
expect open_newer_schema 2 "schema version 99" -- "$CLI" project info "$T/newer.qwb"
expect open_read_only 2 "read-only" -- "$CLI" project info "$T/ro.qwb"
expect quantize_read_only 2 "read-only" -- "$CLI" calibrate "$M" --calib fashion-mnist:train --samples 8 --project "$T/ro.qwb"
for f in random.qwb other.db newer.qwb ro.qwb; do
  check "untouched_$f" sha256sum --quiet -c "$T/$f.sha"
  check "no_wal_$f" test ! -e "$T/$f-wal"
done
finish project_cli
