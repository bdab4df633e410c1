#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the demo need.
# Idempotent: only packages that are missing are installed, and apt-get update runs only then.
set -euo pipefail

PKGS=(
  # toolchain
  build-essential cmake ninja-build pkg-config git zlib1g-dev
  # GUI (qt6-charts-dev needs libqt6opengl6-dev or find_package(Qt6 Charts) fails)
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev qt6-tools-dev
  qt6-tools-dev-tools qt6-l10n-tools linguist-qt6 qt6-svg-dev libgl-dev
  qt6-translations-l10n  # Qt's own German strings (standard buttons, file dialogs)
  # ONNX protobuf, checker, shape inference
  libonnx-dev libprotobuf-dev protobuf-compiler
  # math, fast kernels, storage, json, images, cli, formatting, graph layout
  libeigen3-dev libdnnl-dev libsqlite3-dev nlohmann-json3-dev libstb-dev libcli11-dev
  libfmt-dev libgraphviz-dev
  # tests
  libgtest-dev libgmock-dev libbenchmark-dev xvfb xauth
  # reports: the HTML report is screenshotted in headless Chromium, PDF pages rasterised by pdftoppm
  chromium poppler-utils
  # installer: a clean Debian 12 root to install the .deb into
  debootstrap
  # data: Fashion-MNIST and the ONNX backend node tests
  dataset-fashion-mnist libonnx-testdata
  # sample-model training and interop model generation (Debian's /usr/bin/python3)
  python3 python3-torch python3-torchvision python3-onnx python3-numpy python3-pil
  # ONNX Runtime (onnxruntime-node from npm) is the reference consumer in interop tests
  nodejs npm
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# node/npm may come from outside Debian on some machines; accept them if present on PATH.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if ((${#missing[@]})); then
  echo "deps.sh: installing ${#missing[@]} missing package(s): ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "deps.sh: all packages present"
fi
