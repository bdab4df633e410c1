#!/usr/bin/python3
"""Export torchvision classifiers with random weights to ONNX for the qwb interop test.

Run with Debian's interpreter (python3-torch 1.13, python3-torchvision 0.14, python3-onnx 1.12):

    /usr/bin/python3 export_torchvision.py --out DIR --opset 13 \
        --models resnet50,mobilenet_v2,efficientnet_b0,vit_b_16 [--seed 0] [--small] [--torch-ref]

For every model it writes

    DIR/opset<N>/<model>.onnx       input 'input' [batch,3,224,224] float32, output 'logits'
                                    [batch,1000]; the batch axis is dynamic
    DIR/opset<N>/<model>.json       what the file was made from (the cache key)
    DIR/input_<model>.npy           [1,3,224,224] float32, standard normal, seeded
    DIR/torch_<model>.npy           with --torch-ref: PyTorch's own logits for that input

Weights are random (weights=None, torch.manual_seed(seed) right before the model is built, so a
model's weights do not depend on which other models are in the list) and the model is in eval
mode. A model whose .onnx exists with the same opset, seed and library versions is not exported
again; the input and the PyTorch reference are likewise cached by seed.

--small swaps each family for a cheaper member (see SMALL below) to save CI time. Any other
torchvision classification model name, or one of the custom names in CUSTOM, is accepted too.

Exit code 0 on success, 1 if any model failed (the others are still exported).
"""

import argparse
import json
import os
import sys
import time
import zlib

if not sys.executable.startswith("/usr/bin/python3"):
    print(f"warning: running under {sys.executable}; this script expects Debian's /usr/bin/python3 "
          "(python3-torch, python3-torchvision, python3-onnx)", file=sys.stderr)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402
from torchvision.models.vision_transformer import VisionTransformer  # noqa: E402

# --small: cheaper member of the same family, same input [1,3,224,224] and 1000 classes.
SMALL = {
    "resnet50": "resnet18",
    "mobilenet_v2": "mobilenet_v3_small",
    "efficientnet_b0": "efficientnet_b0",
    "vit_b_16": "vit_tiny_16",
}

# Models that torchvision has no builder for; built from its classes with smaller sizes.
CUSTOM = {
    # ViT with the patch size and image size of vit_b_16 but DeiT-Tiny widths and 4 layers:
    # same ops (Conv patchify, LayerNorm, MultiheadAttention, GELU MLP), ~1/20 of the FLOPs.
    "vit_tiny_16": lambda: VisionTransformer(image_size=224, patch_size=16, num_layers=4, num_heads=3,
                                             hidden_dim=192, mlp_dim=768, num_classes=1000),
}

INPUT_SHAPE = (1, 3, 224, 224)


def build(name):
    if name in CUSTOM:
        return CUSTOM[name]()
    try:
        return torchvision.models.get_model(name, weights=None)
    except (ValueError, KeyError) as e:
        raise SystemExit(f"unknown model '{name}': {e}")


def versions():
    return {"torch": torch.__version__, "torchvision": torchvision.__version__, "onnx": onnx.__version__}


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def model_opset(path):
    m = onnx.load(path, load_external_data=False)
    for imp in m.opset_import:
        if imp.domain in ("", "ai.onnx"):
            return imp.version
    return None


def make_input(name, seed):
    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
    return rng.standard_normal(INPUT_SHAPE, dtype=np.float32)


def export_one(name, out, opset, seed, torch_ref, force):
    os.makedirs(os.path.join(out, f"opset{opset}"), exist_ok=True)
    onnx_path = os.path.join(out, f"opset{opset}", f"{name}.onnx")
    meta_path = os.path.join(out, f"opset{opset}", f"{name}.json")
    input_path = os.path.join(out, f"input_{name}.npy")
    input_meta_path = os.path.join(out, f"input_{name}.json")
    ref_path = os.path.join(out, f"torch_{name}.npy")

    want = {"model": name, "opset": opset, "seed": seed, **versions()}
    want_in = {"model": name, "seed": seed, "shape": list(INPUT_SHAPE), **versions()}

    have_model = (not force and os.path.exists(onnx_path) and read_json(meta_path) == want
                  and model_opset(onnx_path) == opset)
    have_input = not force and os.path.exists(input_path) and read_json(input_meta_path) == want_in
    have_ref = (not torch_ref) or (have_input and os.path.exists(ref_path)
                                   and (read_json(input_meta_path) or {}).get("torch_ref"))

    if have_model and have_input and have_ref:
        print(f"{name}: opset {opset}: cached ({os.path.getsize(onnx_path) / 1e6:.1f} MB)", flush=True)
        return True

    t0 = time.monotonic()
    torch.manual_seed(seed)
    model = build(name).eval()
    x_np = make_input(name, seed)
    x = torch.from_numpy(x_np)

    if not have_input or not have_ref:
        np.save(input_path, x_np)
        meta_in = dict(want_in)
        if torch_ref:
            # Same code path as the export below (grad enabled, see there).
            y = model(x)
            np.save(ref_path, y.detach().numpy().astype(np.float32))
            meta_in["torch_ref"] = True
        write_json(input_meta_path, meta_in)

    if not have_model:
        tmp = onnx_path + ".tmp"
        # Not under torch.no_grad(): with grad disabled, nn.MultiheadAttention (ViT) takes its
        # fast path aten::_native_multi_head_attention, which torch 1.13 cannot export.
        torch.onnx.export(
            model, x, tmp,
            opset_version=opset,
            input_names=["input"],
            output_names=["logits"],
            dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
            do_constant_folding=True,
            export_params=True,
        )
        onnx.checker.check_model(tmp)
        got = model_opset(tmp)
        if got != opset:
            raise RuntimeError(f"exported opset is {got}, asked for {opset}")
        os.replace(tmp, onnx_path)
        write_json(meta_path, want)
    dt = time.monotonic() - t0
    nparams = sum(p.numel() for p in model.parameters())
    print(f"{name}: opset {opset}: exported in {dt:.1f} s, {nparams / 1e6:.2f} M params, "
          f"{os.path.getsize(onnx_path) / 1e6:.1f} MB", flush=True)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output (cache) directory")
    ap.add_argument("--opset", type=int, required=True, help="ONNX opset to export with (torch 1.13: 7..17)")
    ap.add_argument("--models", default="resnet50,mobilenet_v2,efficientnet_b0,vit_b_16",
                    help="comma-separated torchvision model names (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0, help="seed for weights and input (default 0)")
    ap.add_argument("--small", action="store_true",
                    help="replace each model by a cheaper one of its family: "
                         + ", ".join(f"{k}->{v}" for k, v in SMALL.items()))
    ap.add_argument("--torch-ref", action="store_true",
                    help="also write DIR/torch_<model>.npy, PyTorch's logits for the input")
    ap.add_argument("--force", action="store_true", help="ignore the cache")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (default: all cores)")
    ap.add_argument("--list", action="store_true", help="print the resolved model names and exit")
    args = ap.parse_args()

    names = [m.strip() for m in args.models.split(",") if m.strip()]
    if args.small:
        names = [SMALL.get(n, n) for n in names]
    if args.list:
        print(" ".join(names))
        return 0
    torch.set_num_threads(args.threads if args.threads > 0 else (os.cpu_count() or 1))

    failed = []
    for name in names:
        try:
            export_one(name, args.out, args.opset, args.seed, args.torch_ref, args.force)
        except SystemExit:
            raise
        except Exception as e:  # keep going with the other models
            print(f"{name}: opset {args.opset}: FAILED: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
            failed.append(name)
    if failed:
        print(f"export failed for: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
