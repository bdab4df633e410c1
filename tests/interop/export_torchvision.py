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
model's weights do not depend on which other models are in the list), then made "realistic" by
make_realistic() (no all-zero tensors, random norm affine parameters, BatchNorm statistics
re-estimated on random data: fresh torchvision init gives logits that are exactly 0 for ViT and
~1e-9..1e-14 for MobileNetV2/EfficientNet), and the model is in eval mode. A model whose .onnx
exists with the same opset, seed, recipe and library versions is not exported again; the input
and the PyTorch reference are likewise cached by seed.

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

# Bump when the weight recipe below changes: it is part of the cache key.
RECIPE = 2


def make_realistic(model, seed):
    """Turn torchvision's fresh init into weights whose activations neither vanish nor explode, so
    that the logits are a meaningful test signal:

    - torchvision zero-initialises some tensors (ViT's classifier head: its logits would be
      exactly 0; biases; ViT's class token): zero weights get N(0, 1/fan_in), zero biases and other
      zero parameters small normal values;
    - norm layers get random affine parameters (gamma ~ U(0.5, 1.5), beta ~ N(0, 0.2)) so that a
      kernel or fusion that drops gamma or beta is caught;
    - BatchNorm running statistics (fresh: mean 0, var 1, which makes activations shrink or blow
      up layer after layer in eval mode) are re-estimated on one random batch of 16, as one
      recalibrates BN after changing weights.
    """
    nn = torch.nn
    g = torch.Generator().manual_seed(seed * 1000003 + 17)
    norm_types = (nn.modules.batchnorm._BatchNorm, nn.LayerNorm, nn.GroupNorm)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, norm_types):
                if getattr(m, "weight", None) is not None:
                    m.weight.uniform_(0.5, 1.5, generator=g)
                if getattr(m, "bias", None) is not None:
                    m.bias.normal_(0.0, 0.2, generator=g)
            elif isinstance(m, (nn.Linear, nn.Conv2d)):
                if not m.weight.any():
                    m.weight.normal_(0.0, m.weight[0].numel() ** -0.5, generator=g)
                if m.bias is not None and not m.bias.any():
                    m.bias.normal_(0.0, 0.1, generator=g)
        for p in model.parameters():
            if p.numel() > 0 and not p.any():
                p.normal_(0.0, 0.02, generator=g)

    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    model.eval()
    if bns:
        saved = [m.momentum for m in bns]
        for m in bns:
            m.reset_running_stats()
            m.momentum = None  # cumulative average
            m.train()
        with torch.no_grad():
            model(torch.randn((16,) + INPUT_SHAPE[1:], generator=g))
        for m, mom in zip(bns, saved):
            m.momentum = mom
        model.eval()
    return model


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

    want = {"model": name, "opset": opset, "seed": seed, "recipe": RECIPE, **versions()}
    want_in = {"model": name, "seed": seed, "recipe": RECIPE, "shape": list(INPUT_SHAPE), **versions()}

    have_model = (not force and os.path.exists(onnx_path) and read_json(meta_path) == want
                  and model_opset(onnx_path) == opset)
    in_meta = read_json(input_meta_path) or {}
    have_input = (not force and os.path.exists(input_path)
                  and all(in_meta.get(k) == v for k, v in want_in.items()))
    have_ref = (not torch_ref) or (have_input and os.path.exists(ref_path) and in_meta.get("torch_ref"))

    if have_model and have_input and have_ref:
        print(f"{name}: opset {opset}: cached ({os.path.getsize(onnx_path) / 1e6:.1f} MB)", flush=True)
        return True

    t0 = time.monotonic()
    torch.manual_seed(seed)
    model = make_realistic(build(name), seed)
    x_np = make_input(name, seed)
    x = torch.from_numpy(x_np)

    if not have_input or not have_ref:
        np.save(input_path, x_np)
        meta_in = dict(want_in)
        if torch_ref:
            # Same code path as the export below (grad enabled, see there).
            y = model(x).detach().numpy().astype(np.float32)
            np.save(ref_path, y)
            meta_in["torch_ref"] = True
            meta_in["logits_std"] = float(y.std())
            meta_in["logits_absmax"] = float(np.abs(y).max())
            if not y.std() > 1e-3:
                print(f"{name}: warning: degenerate logits (std {y.std():.3g})", file=sys.stderr)
        write_json(input_meta_path, meta_in)

    what = []
    if not have_input or not have_ref:
        what.append("input" + (" + torch reference" if torch_ref else ""))
    if not have_model:
        what.insert(0, "exported")
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
    print(f"{name}: opset {opset}: {', '.join(what)} in {dt:.1f} s, {nparams / 1e6:.2f} M params, "
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
