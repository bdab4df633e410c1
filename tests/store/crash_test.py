#!/usr/bin/env python3
"""Crash safety of the project file (issue 4 acceptance).

Runs `qwb-cli quantize --project` and kills it with SIGKILL at 50 random moments (uniform over
the duration of a complete run, measured first). After each kill: the file opens (`qwb-cli
project runs`), `PRAGMA integrity_check` (Python's sqlite3) is ok, every run that had finished
is intact (succeeded, its metrics present, its artifact's sha256 equal to the file on disk), and
a run the kill interrupted shows as interrupted.

usage: crash_test.py QWB_CLI SOURCE_DIR [--kills 50] [--seed 0]
"""
import argparse
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("cli")
ap.add_argument("src")
ap.add_argument("--kills", type=int, default=50)
ap.add_argument("--seed", type=int, default=0)
args = ap.parse_args()
rng = random.Random(args.seed)
tmp = tempfile.mkdtemp(prefix="qwb_crash_")
project = os.path.join(tmp, "crash.qwb")
model = os.path.join(args.src, "resources/samples/fmnist_cnn.onnx")


def quantize_cmd(i):
    return [args.cli, "quantize", model, "--calib", "fashion-mnist:train", "--samples", "64", "--method", "entropy",
            "--eval", "fashion-mnist:test", "--eval-limit", "300", "--threads", "1",
            "--out", os.path.join(tmp, f"out{i}.onnx"), "--project", project]


def runs():
    p = subprocess.run([args.cli, "project", "runs", project, "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"FAIL: project does not open after a kill: {p.stderr.strip()}")
    return json.loads(p.stdout)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


# One complete run: the reference duration, and a finished run that every later check keeps.
t0 = time.time()
subprocess.run(quantize_cmd("ref"), check=True, capture_output=True)
duration = time.time() - t0
print(f"a complete run takes {duration:.1f} s; killing at random moments in [0, {1.2 * duration:.1f}] s")

finished = {}  # run id -> (metrics, artifacts) as first seen
failures = 0
outcomes = {"interrupted": 0, "finished": 0, "no run yet": 0}
for k in range(args.kills):
    before = {r["id"] for r in runs()}
    proc = subprocess.Popen(quantize_cmd(k), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0, 1.2 * duration))  # a few land after the end: finished runs must stay intact
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(project) as db:
        ic = db.execute("PRAGMA integrity_check").fetchone()[0]
    if ic != "ok":
        print(f"FAIL kill {k}: integrity_check: {ic}")
        failures += 1
    rs = runs()
    new = [r for r in rs if r["id"] not in before]
    if not new:
        outcomes["no run yet"] += 1
    for r in new:
        if r["status"] == "succeeded":
            outcomes["finished"] += 1
        elif r["status"] == "interrupted":
            outcomes["interrupted"] += 1
        else:
            print(f"FAIL kill {k}: run {r['id']} is {r['status']} (want interrupted or succeeded)")
            failures += 1
    for r in rs:
        if r["status"] != "succeeded":
            continue
        show = json.loads(subprocess.run([args.cli, "project", "show", project, str(r["id"]), "--json"],
                                         capture_output=True, text=True, check=True).stdout)
        state = (json.dumps(show["metrics"], sort_keys=True), json.dumps(show["artifacts"], sort_keys=True))
        if r["id"] in finished and finished[r["id"]] != state:
            print(f"FAIL kill {k}: finished run {r['id']} changed")
            failures += 1
        finished.setdefault(r["id"], state)
        if "quantized.top1" not in show["metrics"]:
            print(f"FAIL kill {k}: finished run {r['id']} has no metrics")
            failures += 1
        for a in show["artifacts"]:
            if not os.path.exists(a["path"]) or sha256(a["path"]) != a["sha256"]:
                print(f"FAIL kill {k}: artifact {a['path']} of run {r['id']} is missing or differs from its hash")
                failures += 1
print(f"{args.kills} kills: {outcomes['interrupted']} runs interrupted, {outcomes['finished']} finished before the kill, "
      f"{outcomes['no run yet']} killed before the run was recorded; {len(finished)} finished runs intact; {failures} failures")
sys.exit(1 if failures else 0)
