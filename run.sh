#!/usr/bin/env bash
# Installs what is missing, builds (Release) and starts the workbench on the bundled demo project.
#   ./run.sh              GUI on the demo project: the sample models with Fashion-MNIST attached
#                         (CLI demo when there is no display)
#   ./run.sh --headless   CLI demo: inspect the sample models and print their FP32 accuracy
set -euo pipefail
cd "$(dirname "$0")"

headless=0
for a in "$@"; do
  case "$a" in
    --headless) headless=1 ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$a'" >&2; exit 2 ;;
  esac
done
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then headless=1; fi

bash scripts/deps.sh
bash scripts/build.sh

demo=resources/samples/fmnist_cnn.onnx
if ((headless)); then
  ./build/app/qwb-cli inspect "$demo" | head -12
  echo
  for m in resources/samples/*.onnx; do
    ./build/app/qwb-cli evaluate "$m" --data fashion-mnist:test
  done
else
  exec ./build/app/qwb --demo
fi
