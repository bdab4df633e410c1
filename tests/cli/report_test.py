"""qwb-cli report, end to end on a real project: fmnist_cnn quantized to int8 (entropy, 256
calibration images, all 10,000 test images), a sensitivity sweep of it, a gate, and a second run
(per-tensor minmax) to compare with. Each format is produced; the HTML is opened in headless
Chromium and its screenshot must show the report's chart colours, and the PDF is rasterised
with pdftoppm, page by page, and must not be blank. Expected values come from the project file
itself (`qwb-cli project show --json`), so the test checks that reports say what was recorded.

The screenshots stay in OUTDIR (report.png, report-compare.png, pdf-*.png) to be looked at.
Usage: report_test.py QWB_CLI SOURCE_DIR OUTDIR
"""
import csv
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

from PIL import Image

cli, src, outdir = sys.argv[1], sys.argv[2], sys.argv[3]
model = os.path.join(src, "resources", "samples", "fmnist_cnn.onnx")
failures = []
# The charts' bar colours (engine/src/report/charts.h): quantized orange, FP32 blue.
ORANGE, BLUE = (0xF5, 0x85, 0x18), (0x4C, 0x78, 0xA8)


def check(name, ok, detail=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    if not ok:
        failures.append(name)


def run(*args, ok=True):
    r = subprocess.run([cli, *args], capture_output=True, text=True)
    if ok and r.returncode != 0:
        check(" ".join(args[:3]), False, r.stderr[-500:])
    return r


def pixels(path):
    """(fraction of pixels that are not near-white, pixels near ORANGE, pixels near BLUE)."""
    im = Image.open(path).convert("RGB")
    im.thumbnail((im.width // 2, im.height // 2))  # faster; bars are many pixels wide
    data = list(im.getdata())
    near = lambda p, c: all(abs(p[i] - c[i]) <= 12 for i in range(3))
    ink = sum(1 for p in data if min(p) < 235)
    return ink / len(data), sum(1 for p in data if near(p, ORANGE)), sum(1 for p in data if near(p, BLUE))


os.makedirs(outdir, exist_ok=True)
with tempfile.TemporaryDirectory() as tmp:
    project = os.path.join(tmp, "p.qwb")
    run("quantize", model, "-c", "fashion-mnist:train", "-n", "256", "-m", "entropy", "-e", "fashion-mnist:test",
        "-o", os.path.join(tmp, "q.onnx"), "--project", project)
    run("sensitivity", model, "-c", "fashion-mnist:train", "-n", "64", "-e", "fashion-mnist:test", "--eval-limit", "500",
        "--project", project)
    run("gate", project, "1", "--max-drop", "0.5", "--review-band", "0.2")
    run("quantize", model, "-c", "fashion-mnist:train", "-n", "256", "-m", "minmax", "-g", "tensor", "-e", "fashion-mnist:test",
        "-o", os.path.join(tmp, "q2.onnx"), "--project", project)
    shown = json.loads(run("project", "show", project, "1", "--json").stdout)
    top1 = "%.2f%%" % (100 * shown["metrics"]["quantized.top1"])

    files = {}
    for fmt in ("html", "pdf", "md", "csv", "json"):
        files[fmt] = os.path.join(tmp, "report." + fmt)
        r = run("report", project, "1", "--format", fmt, "--out", files[fmt])
        check(f"report --format {fmt}", r.returncode == 0 and os.path.getsize(files[fmt]) > 500, r.stderr[-300:])
    files["compare"] = os.path.join(tmp, "compare.html")
    files["compare-pdf"] = os.path.join(tmp, "compare.pdf")
    for key in ("compare", "compare-pdf"):
        r = run("report", project, "1", "--compare", "3", "--out", files[key])
        check(f"report --compare 3 ({key})", r.returncode == 0, r.stderr[-300:])

    doc = json.load(open(files["json"]))
    r1 = doc["runs"][0]
    check("JSON: run, model sha256, metrics as recorded",
          r1["id"] == 1 and r1["model"]["sha256"] == shown["model_sha256"]
          and r1["accuracy"]["quantized"]["top1"] == shown["metrics"]["quantized.top1"], json.dumps(r1["accuracy"])[:300])
    check("JSON: 10 classes, flipped samples with images, gate, decision, sensitivity",
          len(r1["classes"]) == 10 and r1["flipped"]["shown"] and "image_png_base64" in r1["flipped"]["shown"][0]
          and r1["gate"]["outcome"] in ("pass", "review", "fail") and r1["decision"]["recommendation"]["format"]
          and r1["sensitivity"]["run"] == 2)
    check("JSON: latency measured and stored with the run",
          r1["latency"]["fp32_ms"] and r1["latency"]["quantized_ms"]
          and "latency.fp32_ms" in json.loads(run("project", "show", project, "1", "--json").stdout)["metrics"], str(r1["latency"]))
    # Once stored, a later report reuses the latency; --remeasure-latency measures (and stores) it again.
    again = os.path.join(tmp, "again.json")
    run("report", project, "1", "--out", again)
    note = json.load(open(again))["runs"][0]["latency"]["note"]
    run("report", project, "1", "--remeasure-latency", "--out", again)
    renote = json.load(open(again))["runs"][0]["latency"]["note"]
    check("latency reused once stored, measured again on request",
          note == "stored with the run" and renote.startswith("measured for this report"), f"{note!r} / {renote!r}")
    md = open(files["md"]).read()
    check("Markdown: quantized top-1 as recorded, per-class and per-layer tables",
          top1 in md and "| 9 | Ankle boot |" in md and "/features/features.0/Conv" in md, top1)
    rows = list(csv.DictReader(open(files["csv"])))
    check("CSV: one row per layer with output SQNR and sensitivity",
          len(rows) == len(r1["layers"]) == 6 and all(r["output_sqnr_db"] and r["sensitivity_delta_top1_pts"] for r in rows), str(rows[:1]))
    classes = list(csv.DictReader(open(os.path.join(tmp, "report.classes.csv"))))
    check("CSV: one row per class", len(classes) == 10 and classes[0]["name"] == "T-shirt/top", str(classes[:1]))
    html = open(files["html"]).read()
    check("HTML: self-contained (no scripts, no remote resources)",
          "<script" not in html and "https://" not in html and "src=\"http" not in html)

    # The HTML in a real browser: Debian's Chromium, headless, one tall screenshot per report.
    browser = shutil.which("chromium")
    check("chromium installed (scripts/deps.sh)", browser is not None)
    for key, png in (("html", "report.png"), ("compare", "report-compare.png")):
        shot = os.path.join(outdir, png)
        if os.path.exists(shot):
            os.remove(shot)
        r = subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            f"--user-data-dir={tmp}/chromium", f"--screenshot={shot}", "--window-size=1100,7000",
                            "file://" + files[key]], capture_output=True, text=True, timeout=120)
        ok = os.path.exists(shot)
        check(f"chromium screenshot of {key}", ok, r.stderr[-300:])
        if ok:
            ink, orange, blue = pixels(shot)
            check(f"{png} is not blank ({ink:.1%} of pixels inked)", ink > 0.03)
            check(f"{png} shows the charts ({orange} orange, {blue} blue bar pixels)", orange > 500 and blue > 200)

    # The PDF: one PNG per page.
    for key, prefix in (("pdf", "pdf"), ("compare-pdf", "pdf-compare")):
        for old in glob.glob(os.path.join(outdir, prefix + "-*.png")):
            os.remove(old)
        r = subprocess.run(["pdftoppm", "-png", "-r", "60", files[key], os.path.join(outdir, prefix)], capture_output=True, text=True)
        pages = sorted(glob.glob(os.path.join(outdir, prefix + "-*.png")))
        check(f"pdftoppm renders {key} ({len(pages)} pages)", r.returncode == 0 and len(pages) >= 2, r.stderr[-300:])
        stats = [pixels(p) for p in pages]
        # The last page may hold only the closing lines.
        check(f"{key}: no blank page", all(s[0] > 0.01 for s in stats[:-1]) and stats[-1][0] > 0.001,
              str([round(s[0], 3) for s in stats]))
        check(f"{key}: charts rendered", sum(s[1] for s in stats) > 200 and sum(s[2] for s in stats) > 50, str(stats))

    # A sensitivity run has no comparison document: its report takes FP32 and all-quantized top-1
    # from the run's metrics.
    sens = json.loads(run("project", "show", project, "2", "--json").stdout)["metrics"]
    r = run("report", project, "2", "--out", os.path.join(tmp, "sens.md"))
    md = open(os.path.join(tmp, "sens.md")).read() if r.returncode == 0 else ""
    want = "%+.2f" % (100 * (sens["all.top1"] - sens["fp32.top1"]))
    check(f"sensitivity run report: change {want} from its metrics", r.returncode == 0 and f"| Change (points) | {want} |" in md, md[:600])

    # Bad input: clear errors naming what is wrong, exit 2, nothing written.
    run("evaluate", model, "-d", "fashion-mnist:test", "--limit", "100", "--project", project)
    r = run("report", project, "4", "--out", os.path.join(tmp, "e.html"), ok=False)
    check("evaluate run: exit 2 saying which runs have reports", r.returncode == 2 and "'evaluate' run" in r.stderr, r.stderr)
    r = run("report", project, "99", "--out", os.path.join(tmp, "x.html"), ok=False)
    check("unknown run: exit 2 naming it", r.returncode == 2 and "99" in r.stderr, r.stderr)
    r = run("report", project, "1", "--out", os.path.join(tmp, "x.txt"), ok=False)
    check("unknown extension: exit 2 naming the file", r.returncode == 2 and "x.txt" in r.stderr, r.stderr)
    r = run("report", project, "1", "--out", os.path.join(tmp, "no", "such", "dir.html"), ok=False)
    check("unwritable output: exit 2 naming the file", r.returncode == 2 and "no/such/dir.html" in r.stderr, r.stderr)
    r = run("report", os.path.join(tmp, "missing.qwb"), "1", "--out", os.path.join(tmp, "x.html"), ok=False)
    check("missing project: exit 2 naming it", r.returncode == 2 and "missing.qwb" in r.stderr, r.stderr)

print("report:", "failed" if failures else "passed")
sys.exit(1 if failures else 0)
