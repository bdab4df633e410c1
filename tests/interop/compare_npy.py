#!/usr/bin/python3
"""Compare two sets of .npy outputs (candidate vs reference) for the qwb interop test.

    /usr/bin/python3 compare_npy.py CANDIDATE REFERENCE [--threshold 1e-4] [--label TEXT]

CANDIDATE and REFERENCE are each a directory of <output name>.npy files or a single .npy file.
With directories, every .npy in REFERENCE must exist in CANDIDATE (extra candidate files are
ignored); a missing output is a failure.

Metric (per output): the "max relative error on the logits",

    err = max(|candidate - reference|) / max(|reference|)

i.e. the largest absolute deviation normalised by the reference's largest magnitude, not
element by element: that way logits near zero do not blow the ratio up, while a wrong value at
any position still counts against the scale of the whole output. It passes when
err <= threshold (default 1e-4). If max(|reference|) is 0 the absolute error is used.

Also argmax agreement, per row of the last axis (per sample for [batch, classes] logits):
a row whose top-1 index differs is a failure unless the two classes are a tie within the
error tolerance, i.e. reference[cand_top1] >= reference[ref_top1] - threshold * max(|reference|);
those are reported as "tie" and pass.

Shapes must match exactly, and NaN/Inf anywhere in either file is a failure. dtypes may differ (both compared as float64).

Prints one line per output and exits 0 when every output passes, 1 otherwise (2 on bad usage).
"""

import argparse
import os
import sys

import numpy as np


def load(path):
    try:
        return np.load(path, allow_pickle=False)
    except Exception as e:  # noqa: BLE001
        raise RuntimeError(f"cannot read {path}: {e}") from e


def compare(name, cand, ref, threshold):
    """Return (ok, line)."""
    if cand.shape != ref.shape:
        return False, f"{name}: FAIL shape {list(cand.shape)} vs reference {list(ref.shape)}"
    c = cand.astype(np.float64)
    r = ref.astype(np.float64)
    bad_c = int(np.count_nonzero(~np.isfinite(c)))
    bad_r = int(np.count_nonzero(~np.isfinite(r)))
    if bad_c or bad_r:
        return False, f"{name}: FAIL non-finite values: candidate {bad_c}, reference {bad_r}"
    if r.size == 0:
        return True, f"{name}: ok (empty)"
    abs_err = float(np.max(np.abs(c - r)))
    scale = float(np.max(np.abs(r)))
    err = abs_err / scale if scale > 0 else abs_err
    ok = err <= threshold

    # argmax over the last axis, one decision per row
    arg = ""
    if r.ndim >= 1 and r.shape[-1] > 1:
        r2 = r.reshape(-1, r.shape[-1])
        c2 = c.reshape(-1, c.shape[-1])
        ra = np.argmax(r2, axis=1)
        ca = np.argmax(c2, axis=1)
        rows = np.arange(r2.shape[0])
        same = ra == ca
        tie = ~same & (r2[rows, ca] >= r2[rows, ra] - threshold * scale)
        mism = int(np.count_nonzero(~same & ~tie))
        if mism:
            ok = False
        arg = f" argmax {int(np.count_nonzero(same))}/{len(rows)} agree"
        if np.any(tie):
            arg += f" ({int(np.count_nonzero(tie))} tie)"
        if len(rows) == 1:
            arg += f" [ref {int(ra[0])}, cand {int(ca[0])}]"
    line = (f"{name}: {'ok  ' if ok else 'FAIL'} max_rel_err {err:.3e} (max_abs_err {abs_err:.3e}, "
            f"max|ref| {scale:.3e}, threshold {threshold:g}){arg}")
    return ok, line


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 2)[2])
    ap.add_argument("candidate", help="directory of .npy outputs, or one .npy file")
    ap.add_argument("reference", help="directory of .npy outputs, or one .npy file")
    ap.add_argument("--threshold", type=float, default=1e-4,
                    help="max allowed max_abs_err / max|reference| (default %(default)g)")
    ap.add_argument("--label", default="", help="prefix for each printed line")
    args = ap.parse_args()

    prefix = f"{args.label}: " if args.label else ""
    pairs = []
    if os.path.isdir(args.reference):
        if not os.path.isdir(args.candidate):
            print(f"{prefix}FAIL candidate {args.candidate} is not a directory", flush=True)
            return 1
        names = sorted(f for f in os.listdir(args.reference) if f.endswith(".npy"))
        if not names:
            print(f"{prefix}FAIL no .npy files in reference {args.reference}", flush=True)
            return 1
        for f in names:
            pairs.append((f[:-4], os.path.join(args.candidate, f), os.path.join(args.reference, f)))
    elif os.path.isfile(args.reference):
        name = os.path.basename(args.reference)[:-4] if args.reference.endswith(".npy") else args.reference
        cand = args.candidate
        if os.path.isdir(cand):
            cand = os.path.join(cand, os.path.basename(args.reference))
        pairs.append((name, cand, args.reference))
    else:
        print(f"{prefix}FAIL reference {args.reference} does not exist", flush=True)
        return 1

    all_ok = True
    for name, cpath, rpath in pairs:
        if not os.path.isfile(cpath):
            print(f"{prefix}{name}: FAIL missing in candidate ({cpath})", flush=True)
            all_ok = False
            continue
        try:
            ok, line = compare(name, load(cpath), load(rpath), args.threshold)
        except RuntimeError as e:
            ok, line = False, f"{name}: FAIL {e}"
        print(prefix + line, flush=True)
        all_ok &= ok
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
