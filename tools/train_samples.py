#!/usr/bin/python3
"""Train the Fashion-MNIST sample models of the workbench and export them to ONNX.

Run with Debian's interpreter (python3-torch 1.13, python3-torchvision, python3-onnx 1.12):

    /usr/bin/python3 tools/train_samples.py                 # all models -> resources/samples/
    /usr/bin/python3 tools/train_samples.py --models cnn    # only names containing "cnn"
    /usr/bin/python3 tools/train_samples.py --quick         # smoke test: 1 epoch on 5k samples,
                                                             # written to /tmp/qwb_samples_quick
    /usr/bin/python3 tools/train_samples.py --check         # check the committed .onnx files only

For every model <name> it writes
    resources/samples/<name>.onnx           FP32 model, input "input" [N,1,28,28], output "logits" [N,10]
    resources/samples/<name>.expected.json  PyTorch reference: top-1/top-5 on the 10k test set,
                                            logits of the first 8 test images, parameter count

The preprocessing is written into the ONNX metadata_props (qwb.scale, qwb.mean, qwb.std,
qwb.layout, qwb.labels, qwb.dataset) so the workbench can rebuild the input pipeline:
    x = ((pixel * qwb.scale) - qwb.mean) / qwb.std,   NCHW float32.

Every export is checked with onnx.checker (full_check) and by running the ONNX graph with a small
NumPy interpreter (numpy_run) on the first 8 test images against the PyTorch logits.

Training is deterministic on CPU (fixed seeds, single process, 2 threads). With Debian's default
reference BLAS (libblas3) the Linear/MatMul layers are slow; with libopenblas0 installed (or its
library directory on LD_LIBRARY_PATH) training is several times faster. Bit-identical weights
need the same BLAS and thread count; accuracies agree to within noise otherwise.
"""

import argparse
import gzip
import hashlib
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import onnx
import onnx.numpy_helper

DATA_DIR = "/usr/share/datasets/fashion-mnist"
LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SCALE = 1.0 / 255.0
MAX_ONNX_BYTES = 2_000_000
SEED = 20240601
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --------------------------------------------------------------------------------------------
# Data: a small IDX reader (gzip + struct), no torchvision download.
# --------------------------------------------------------------------------------------------
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code not in _IDX_DTYPES:
        raise ValueError(f"{path}: not an IDX file (magic {data[:4].hex()})")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=_IDX_DTYPES[dtype_code], offset=4 + 4 * ndim)
    if arr.size != int(np.prod(dims)):
        raise ValueError(f"{path}: expected {dims} elements, found {arr.size}")
    return arr.reshape(dims)


def find_idx(stem):
    for name in (stem + ".gz", stem):
        p = os.path.join(DATA_DIR, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"{stem}[.gz] not found in {DATA_DIR} (apt install dataset-fashion-mnist)")


def load_fashion_mnist():
    xtr = read_idx(find_idx("train-images-idx3-ubyte"))
    ytr = read_idx(find_idx("train-labels-idx1-ubyte"))
    xte = read_idx(find_idx("t10k-images-idx3-ubyte"))
    yte = read_idx(find_idx("t10k-labels-idx1-ubyte"))
    assert xtr.shape == (60000, 28, 28) and xte.shape == (10000, 28, 28), (xtr.shape, xte.shape)
    assert ytr.shape == (60000,) and yte.shape == (10000,)
    return xtr, ytr, xte, yte


def normalize(x_u8, mean, std):
    x = torch.from_numpy(x_u8.astype(np.float32)).mul_(SCALE)
    return x.sub_(mean).div_(std).unsqueeze(1).contiguous()  # [N,1,28,28]


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------
def conv_bn_relu(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class FmnistCNN(nn.Module):
    """VGG-style CNN: 4x (Conv3x3-BN-ReLU), 2 max pools, 2 fully connected layers."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            *conv_bn_relu(1, 32), *conv_bn_relu(32, 32), nn.MaxPool2d(2),
            *conv_bn_relu(32, 64), *conv_bn_relu(64, 64), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(1), nn.Linear(64 * 7 * 7, 128), nn.ReLU(inplace=True),
            nn.Dropout(0.3), nn.Linear(128, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expand - BN - act, 3x3 depthwise - BN - act, 1x1 project - BN, (+x)."""

    def __init__(self, cin, cout, stride, expand, act):
        super().__init__()
        hidden = cin * expand
        self.use_res = stride == 1 and cin == cout
        self.block = nn.Sequential(
            nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden), act(),
            nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False), nn.BatchNorm2d(hidden), act(),
            nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.block(x)
        return x + y if self.use_res else y


class FmnistDWRes(nn.Module):
    """MobileNetV2-style net: stem conv, inverted residual blocks (ReLU6 early, Hardswish late),
    1x1 head conv, GlobalAveragePool, Linear."""

    def __init__(self, num_classes=10):
        super().__init__()
        R6, HS = nn.ReLU6, nn.Hardswish
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.blocks = nn.Sequential(
            InvertedResidual(16, 24, 2, 3, R6),   # 28x28 -> 14x14
            InvertedResidual(24, 24, 1, 4, R6),   # 14x14, residual
            InvertedResidual(24, 32, 2, 4, HS),   # 14x14 -> 7x7
            InvertedResidual(32, 32, 1, 4, HS),   # 7x7, residual
            InvertedResidual(32, 32, 1, 4, HS))   # 7x7, residual
        self.head = nn.Sequential(nn.Conv2d(32, 128, 1, bias=False), nn.BatchNorm2d(128), nn.Hardswish())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.head(self.blocks(self.stem(x)))
        return self.fc(torch.flatten(self.pool(x), 1))


class Attention(nn.Module):
    """Multi-head self-attention written with plain ops (MatMul-Softmax-MatMul in ONNX)."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.hd = heads, dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.heads, self.hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = torch.matmul(q, k.transpose(-2, -1)) * (self.hd ** -0.5)
        att = att.softmax(dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(B, N, C)
        return self.proj(y)


class Block(nn.Module):
    def __init__(self, dim, heads, mlp):
        super().__init__()
        self.ln1, self.attn = nn.LayerNorm(dim), Attention(dim, heads)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp), nn.GELU(), nn.Linear(mlp, dim))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class FmnistViT(nn.Module):
    """Tiny ViT: 7x7 patches (16 tokens + cls), dim 64, 4 pre-LN layers, 4 heads, GELU MLP 128."""

    def __init__(self, num_classes=10, patch=7, dim=64, depth=4, heads=4, mlp=128):
        super().__init__()
        n = (28 // patch) ** 2
        self.patch = nn.Conv2d(1, dim, patch, patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.randn(1, n + 1, dim) * 0.02)
        self.blocks = nn.Sequential(*[Block(dim, heads, mlp) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, num_classes)
        nn.init.trunc_normal_(self.cls, std=0.02)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)              # [B,16,dim]
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], 1) + self.pos
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


# name -> recipe
MODELS = {
    "fmnist_cnn": dict(
        cls=FmnistCNN, opset=13, epochs=4, opt="adam", lr=2e-3, wd=1e-4, aug=True, channels_last=True,
        doc="Fashion-MNIST CNN: 4x Conv3x3-BatchNorm-ReLU (32,32,64,64), 2 MaxPool, "
            "Linear(3136->128)-ReLU-Dropout-Linear(128->10). Trained by tools/train_samples.py."),
    "fmnist_dwres": dict(
        cls=FmnistDWRes, opset=13, epochs=6, opt="adam", lr=4e-3, wd=1e-4, aug=True, channels_last=True,
        doc="Fashion-MNIST MobileNetV2-style net: stem Conv-BN-ReLU6, 5 inverted residual blocks "
            "(1x1 expand, 3x3 depthwise, 1x1 project, residual Add; ReLU6 then Hardswish), "
            "1x1 head conv, GlobalAveragePool, Linear(128->10). Trained by tools/train_samples.py."),
    "fmnist_vit": dict(
        cls=FmnistViT, opset=17, epochs=8, opt="adamw", lr=2e-3, wd=0.05, aug=True,
        doc="Fashion-MNIST tiny vision transformer: 7x7 patch embedding (Conv, 16 tokens), cls token, learned "
            "position embedding, 4 pre-LN encoder layers (dim 64, 4 heads, MLP 128, GELU), "
            "LayerNormalization, Linear(64->10). Opset 17. Trained by tools/train_samples.py."),
}


# --------------------------------------------------------------------------------------------
# Training / evaluation
# --------------------------------------------------------------------------------------------
def augment(x, gen, pad=2):
    """Per-sample random translation by up to `pad` pixels (padding with the normalised value of
    a black pixel) and random horizontal flip."""
    B = x.shape[0]
    xp = F.pad(x, (pad, pad, pad, pad), value=float(x.min()))
    shift = torch.randint(0, (2 * pad + 1) ** 2, (B,), generator=gen)
    out = torch.empty_like(x)
    for s in shift.unique().tolist():
        dy, dx = divmod(s, 2 * pad + 1)
        sel = (shift == s).nonzero().squeeze(1)
        out[sel] = xp[sel, :, dy:dy + 28, dx:dx + 28]
    flip = torch.rand(B, generator=gen) < 0.5
    return torch.where(flip.view(B, 1, 1, 1), out.flip(3), out)


def evaluate(model, x, y, bs=1000, memory_format=torch.contiguous_format):
    model.eval()
    top1 = top5 = 0
    with torch.no_grad():
        for i in range(0, x.shape[0], bs):
            logits = model(x[i:i + bs].contiguous(memory_format=memory_format))
            t5 = logits.topk(5, 1).indices
            yy = y[i:i + bs]
            top1 += (t5[:, 0] == yy).sum().item()
            top5 += (t5 == yy[:, None]).any(1).sum().item()
    n = x.shape[0]
    return top1 / n, top5 / n


def train(name, recipe, xtr, ytr, xte, yte, epochs, bs=128):
    torch.manual_seed(SEED)
    model = recipe["cls"]()
    # channels_last makes the oneDNN convolutions (and BN) on CPU about 2x faster to train.
    mf = torch.channels_last if recipe.get("channels_last") else torch.contiguous_format
    model = model.to(memory_format=mf)
    gen = torch.Generator().manual_seed(SEED + 1)
    steps_per_epoch = math.ceil(xtr.shape[0] / bs)
    total = epochs * steps_per_epoch
    if recipe["opt"] == "adamw":
        decay = [p for n, p in model.named_parameters() if p.ndim > 1 and n not in ("cls", "pos")]
        no_decay = [p for n, p in model.named_parameters() if not (p.ndim > 1 and n not in ("cls", "pos"))]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": recipe["wd"]},
                                 {"params": no_decay, "weight_decay": 0.0}], lr=recipe["lr"])
    else:
        opt = torch.optim.Adam(model.parameters(), lr=recipe["lr"], weight_decay=recipe["wd"])
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=recipe["lr"], total_steps=total,
                                                pct_start=0.15, anneal_strategy="cos")
    t0 = time.time()
    step = 0
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(xtr.shape[0], generator=gen)
        loss_sum, correct, seen = 0.0, 0, 0
        te = time.time()
        for i in range(0, xtr.shape[0], bs):
            idx = perm[i:i + bs]
            xb, yb = xtr[idx], ytr[idx]
            if recipe.get("aug"):
                xb = augment(xb, gen)
            xb = xb.contiguous(memory_format=mf)
            logits = model(xb)
            loss = F.cross_entropy(logits, yb, label_smoothing=0.05)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            loss_sum += loss.item() * yb.shape[0]
            correct += (logits.argmax(1) == yb).sum().item()
            seen += yb.shape[0]
            if step % 100 == 0:
                print(f"  [{name}] epoch {ep + 1}/{epochs} step {step}/{total} "
                      f"loss {loss_sum / seen:.4f} train-acc {correct / seen:.4f} "
                      f"lr {sched.get_last_lr()[0]:.2e} {time.time() - te:.0f}s", flush=True)
        t1, t5 = evaluate(model, xte, yte, memory_format=mf)
        print(f"  [{name}] epoch {ep + 1}/{epochs} done in {time.time() - te:.0f}s: "
              f"train loss {loss_sum / seen:.4f} train-acc {correct / seen:.4f} "
              f"test top-1 {t1:.4f} top-5 {t5:.4f}", flush=True)
    model = model.to(memory_format=torch.contiguous_format).eval()
    return model, time.time() - t0


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------
def export(model, recipe, path, bn_mode):
    model.eval()
    dummy = torch.zeros(2, 1, 28, 28)
    # TrainingMode.EVAL runs torch's eval peephole pass, which folds BatchNorm into the preceding
    # Conv. TrainingMode.PRESERVE with model.eval() exports inference-mode BatchNormalization nodes
    # un-fused (the workbench must handle both; keeping them exercises BN kernels and BN folding).
    mode = torch.onnx.TrainingMode.EVAL if bn_mode == "fold" else torch.onnx.TrainingMode.PRESERVE
    import warnings
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*constant folding.*")
        torch.onnx.export(
            model, dummy, path, input_names=["input"], output_names=["logits"],
            dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
            opset_version=recipe["opset"], do_constant_folding=True, training=mode)


def finish_onnx(path, recipe, mean, std, top1, params, bn_mode):
    m = onnx.load(path)
    meta = {
        "qwb.mean": f"{mean:.4f}",
        "qwb.std": f"{std:.4f}",
        "qwb.layout": "NCHW",
        "qwb.scale": repr(SCALE),
        "qwb.labels": ",".join(LABELS),
        "qwb.dataset": "fashion-mnist",
        "qwb.fp32_top1": f"{top1:.4f}",
    }
    del m.metadata_props[:]
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    bn = "BatchNormalization kept as nodes" if bn_mode == "keep" else "BatchNormalization folded into Conv"
    m.doc_string = (f"{recipe['doc']} Input 'input' float32 [N,1,28,28] NCHW = (pixel/255 - {mean:.4f})"
                    f" / {std:.4f}; output 'logits' [N,10]. {params} parameters; {bn}; "
                    f"FP32 test top-1 {top1:.4f} (PyTorch, 10k Fashion-MNIST test images).")
    # producer_name / producer_version stay as written by torch.onnx ("pytorch", torch version).
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)
    onnx.checker.check_model(path, full_check=True)
    return m


def blas_library():
    """The BLAS shared library torch loaded (Debian's python3-torch uses the libblas.so.3
    alternative; reference BLAS makes Linear/MatMul training ~6x slower than OpenBLAS)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and ".so" in line}
        return ", ".join(sorted(os.path.realpath(p) for p in libs)) or "unknown"
    except OSError:
        return "unknown"


# --------------------------------------------------------------------------------------------
# A tiny NumPy interpreter for the ops these exports use: checks that the ONNX graph computes
# what PyTorch computed (there is no ONNX Runtime among Debian's packages).
# --------------------------------------------------------------------------------------------
def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv(x, w, b, a):
    from numpy.lib.stride_tricks import sliding_window_view
    g = a.get("group", 1)
    sh, sw = a.get("strides", [1, 1])
    pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
    x = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    kh, kw = w.shape[2:]
    win = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]  # N,C,OH,OW,kh,kw
    N, C, OH, OW = win.shape[:4]
    cg, og = C // g, w.shape[0] // g
    outs = []
    for i in range(g):
        xi = win[:, i * cg:(i + 1) * cg]
        wi = w[i * og:(i + 1) * og]
        outs.append(np.einsum("ncyxhw,ochw->noyx", xi, wi, optimize=True))
    y = np.concatenate(outs, 1)
    return y + b.reshape(1, -1, 1, 1) if b is not None else y


def numpy_run(model, x):
    from math import erf
    vals = {i.name: onnx.numpy_helper.to_array(i) for i in model.graph.initializer}
    vals[model.graph.input[0].name] = x
    for n in model.graph.node:
        a, i = _attrs(n), [vals[k] if k else None for k in n.input]
        t = n.op_type
        if t == "Conv":
            y = _conv(i[0], i[1], i[2] if len(i) > 2 else None, a)
        elif t == "BatchNormalization":
            sh = (1, -1) + (1,) * (i[0].ndim - 2)
            y = (i[0] - i[3].reshape(sh)) / np.sqrt(i[4].reshape(sh) + a.get("epsilon", 1e-5)) \
                * i[1].reshape(sh) + i[2].reshape(sh)
        elif t == "Relu":
            y = np.maximum(i[0], 0)
        elif t == "Clip":
            y = np.clip(i[0], i[1] if len(i) > 1 and i[1] is not None else -np.inf,
                        i[2] if len(i) > 2 and i[2] is not None else np.inf)
        elif t == "HardSigmoid":
            y = np.clip(a.get("alpha", 0.2) * i[0] + a.get("beta", 0.5), 0, 1)
        elif t == "MaxPool":
            from numpy.lib.stride_tricks import sliding_window_view
            kh, kw = a["kernel_shape"]
            sh, sw = a.get("strides", [1, 1])
            assert not any(a.get("pads", [0])), "MaxPool pads unsupported"
            y = sliding_window_view(i[0], (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw].max((4, 5))
        elif t == "GlobalAveragePool":
            y = i[0].mean((2, 3), keepdims=True)
        elif t == "Flatten":
            ax = a.get("axis", 1)
            y = i[0].reshape(int(np.prod(i[0].shape[:ax])), -1)
        elif t == "Gemm":
            A = i[0].T if a.get("transA") else i[0]
            B = i[1].T if a.get("transB") else i[1]
            y = a.get("alpha", 1.0) * A @ B + (a.get("beta", 1.0) * i[2] if len(i) > 2 else 0)
        elif t == "MatMul":
            y = np.matmul(i[0], i[1])
        elif t in ("Add", "Sub", "Mul", "Div", "Equal", "Pow"):
            y = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide,
                 "Equal": np.equal, "Pow": np.power}[t](i[0], i[1])
            if t == "Div" and i[0].dtype.kind == "i":
                y = (i[0] // i[1]).astype(i[0].dtype)
        elif t == "Sqrt":
            y = np.sqrt(i[0])
        elif t == "Erf":
            y = np.vectorize(erf, otypes=[np.float64])(i[0]).astype(i[0].dtype)
        elif t == "Softmax":
            ax = a.get("axis", -1)
            e = np.exp(i[0] - i[0].max(ax, keepdims=True))
            y = e / e.sum(ax, keepdims=True)
        elif t == "LayerNormalization":
            ax = a.get("axis", -1)
            axes = tuple(range(ax % i[0].ndim, i[0].ndim))
            mu = i[0].mean(axes, keepdims=True)
            var = ((i[0] - mu) ** 2).mean(axes, keepdims=True)
            y = (i[0] - mu) / np.sqrt(var + a.get("epsilon", 1e-5)) * i[1]
            y = y + i[2] if len(i) > 2 and i[2] is not None else y
        elif t == "ReduceMean":
            y = i[0].mean(tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1)))
        elif t == "Constant":
            y = onnx.numpy_helper.to_array(a["value"])
        elif t == "Identity":
            y = i[0]
        elif t == "Shape":
            y = np.array(i[0].shape, dtype=np.int64)
        elif t == "Gather":
            y = np.take(i[0], i[1], axis=a.get("axis", 0))
        elif t == "Unsqueeze":
            y = i[0]
            for ax in sorted(int(v) % (i[0].ndim + len(i[1])) for v in i[1]):
                y = np.expand_dims(y, ax)
        elif t == "Squeeze":
            y = np.squeeze(i[0], tuple(int(v) for v in i[1])) if len(i) > 1 else np.squeeze(i[0])
        elif t == "Concat":
            y = np.concatenate(i, a["axis"])
        elif t == "Reshape":
            shp = [d if d != 0 else i[0].shape[k] for k, d in enumerate(i[1].tolist())]
            y = i[0].reshape(shp)
        elif t == "Transpose":
            y = np.transpose(i[0], a.get("perm"))
        elif t == "ConstantOfShape":
            v = onnx.numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            y = np.full(tuple(i[0].tolist()), v.reshape(-1)[0], dtype=v.dtype)
        elif t == "Where":
            y = np.where(i[0], i[1], i[2])
        elif t == "Expand":
            y = i[0] * np.ones(tuple(i[1].tolist()), dtype=i[0].dtype)
        elif t == "Slice":
            y = i[0]
            axes = i[3].tolist() if len(i) > 3 else list(range(len(i[1])))
            steps = i[4].tolist() if len(i) > 4 else [1] * len(axes)
            sl = [slice(None)] * y.ndim
            for st, en, ax, sp in zip(i[1].tolist(), i[2].tolist(), axes, steps):
                sl[ax] = slice(st, en, sp)
            y = y[tuple(sl)]
        else:
            raise NotImplementedError(f"numpy_run: op {t}")
        vals[n.output[0]] = np.asarray(y)
    return vals[model.graph.output[0].name]


def check_against_torch(path, x8, torch_logits, tol=1e-3):
    """onnx.checker + run the exported graph with numpy_run on 8 images; compare with PyTorch."""
    onnx.checker.check_model(path, full_check=True)
    y = numpy_run(onnx.load(path), np.ascontiguousarray(x8, dtype=np.float32))
    diff = float(np.abs(y - np.asarray(torch_logits, dtype=np.float32)).max())
    ok = diff <= tol and y.shape == (8, 10)
    print(f"   check {os.path.basename(path)}: onnx.checker ok, NumPy-run vs PyTorch logits of the first "
          f"8 test images: max |diff| {diff:.2e} -> {'ok' if ok else 'MISMATCH'}", flush=True)
    return ok


def dump_json(obj):
    """Indented JSON with lists of numbers kept on one line (the logits stay readable)."""
    text = json.dumps(obj, indent=1)
    import re
    return re.sub(r"\[[-0-9.,\se+]*\]", lambda mt: " ".join(mt.group(0).split()), text) + "\n"


def op_counts(m):
    counts = {}
    for n in m.graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="", help="comma-separated substrings; train only matching "
                    f"models (available: {', '.join(MODELS)})")
    ap.add_argument("--quick", action="store_true", help="smoke test: 1 epoch on 5k training samples; "
                    "output goes to /tmp/qwb_samples_quick unless --out is given")
    ap.add_argument("--epochs", type=int, default=0, help="override the epoch count of every model")
    ap.add_argument("--out", default="", help="output directory (default resources/samples)")
    ap.add_argument("--bn", choices=["keep", "fold"], default="keep",
                    help="keep BatchNormalization nodes (default) or let torch fold them into Conv")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--check", action="store_true", help="train nothing: check the existing <name>.onnx "
                    "files (onnx.checker, NumPy run of the graph against <name>.expected.json)")
    args = ap.parse_args()

    out = args.out or ("/tmp/qwb_samples_quick" if args.quick else os.path.join(REPO, "resources", "samples"))
    os.makedirs(out, exist_ok=True)
    wanted = [s.strip() for s in args.models.split(",") if s.strip()]
    names = [n for n in MODELS if not wanted or any(w in n for w in wanted)]
    if not names:
        sys.exit(f"no model matches --models {args.models!r}; available: {', '.join(MODELS)}")

    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.use_deterministic_algorithms(True)
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, threads {torch.get_num_threads()}, "
          f"output {out}\nBLAS: {blas_library()}", flush=True)

    xtr_u8, ytr_np, xte_u8, yte_np = load_fashion_mnist()
    if args.check:
        bad = 0
        for name in names:
            path = os.path.join(out, name + ".onnx")
            if not os.path.exists(path):
                print(f"   {path}: missing"); bad += 1; continue
            with open(os.path.join(out, name + ".expected.json")) as f:
                e = json.load(f)
            p = e["preprocessing"]
            x8 = normalize(xte_u8[:8], p["mean"], p["std"]).numpy()
            bad += not check_against_torch(path, x8, e["first8"]["logits"])
        sys.exit(1 if bad else 0)
    pix = xtr_u8.astype(np.float64) * SCALE
    mean_c, std_c = float(pix.mean()), float(pix.std())
    mean, std = round(mean_c, 4), round(std_c, 4)
    print(f"train set: mean {mean_c:.6f} std {std_c:.6f} -> using mean {mean:.4f} std {std:.4f}", flush=True)
    xtr, xte = normalize(xtr_u8, mean, std), normalize(xte_u8, mean, std)
    ytr, yte = torch.from_numpy(ytr_np.astype(np.int64)), torch.from_numpy(yte_np.astype(np.int64))
    if args.quick:
        xtr, ytr = xtr[:5000], ytr[:5000]

    summary = []
    for name in names:
        recipe = MODELS[name]
        epochs = 1 if args.quick else (args.epochs or recipe["epochs"])
        print(f"== {name}: {recipe['cls'].__name__}, {epochs} epochs, {xtr.shape[0]} samples", flush=True)
        model, secs = train(name, recipe, xtr, ytr, xte, yte, epochs)
        params = sum(p.numel() for p in model.parameters())
        top1, top5 = evaluate(model, xte, yte)
        with torch.no_grad():
            first8 = model(xte[:8])
        path = os.path.join(out, name + ".onnx")
        export(model, recipe, path, args.bn)
        m = finish_onnx(path, recipe, mean, std, top1, params, args.bn)
        if not check_against_torch(path, xte[:8].numpy(), first8.numpy()):
            sys.exit(f"{path}: the ONNX graph does not reproduce the PyTorch logits")
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        ops = op_counts(m)
        expected = {
            "model": name + ".onnx",
            "sha256": sha,
            "architecture": " ".join(recipe["cls"].__doc__.split()),
            "opset": recipe["opset"],
            "parameters": params,  # PyTorch trainable parameters (BN running stats not counted)
            "onnx_initializer_elements": sum(int(np.prod(t.dims)) for t in m.graph.initializer),
            "dataset": "fashion-mnist",
            "test_samples": int(xte.shape[0]),
            "preprocessing": {"scale": SCALE, "mean": mean, "std": std, "layout": "NCHW"},
            "fp32_top1": round(top1, 6),
            "fp32_top5": round(top5, 6),
            "first8": {
                "labels": yte[:8].tolist(),
                "predictions": first8.argmax(1).tolist(),
                "logits": [[float(f"{v:.7g}") for v in row] for row in first8.tolist()],
            },
            "training": {"epochs": epochs, "train_samples": int(xtr.shape[0]), "seconds": round(secs, 1),
                         "threads": args.threads, "torch": torch.__version__, "seed": SEED,
                         "blas": os.path.basename(blas_library()),
                         "batch_norm": args.bn},
            "op_counts": ops,
        }
        with open(os.path.join(out, name + ".expected.json"), "w") as f:
            f.write(dump_json(expected))
        print(f"== {name}: top-1 {top1:.4f} top-5 {top5:.4f}, {params} params, {size} bytes, "
              f"trained in {secs:.0f}s\n   ops: {ops}", flush=True)
        if size >= MAX_ONNX_BYTES:
            print(f"WARNING: {path} is {size} bytes (limit {MAX_ONNX_BYTES})", flush=True)
        summary.append((name, top1, top5, params, size, secs))

    print("\nname            top1    top5    params   bytes     train_s")
    for name, t1, t5, p, s, secs in summary:
        print(f"{name:15s} {t1:.4f}  {t5:.4f}  {p:7d}  {s:8d}  {secs:7.0f}")


if __name__ == "__main__":
    main()
