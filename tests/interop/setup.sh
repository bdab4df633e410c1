#!/usr/bin/env bash
# Install the pinned onnxruntime-node (tests/interop/package-lock.json) into
# tests/interop/node_modules. Idempotent: `npm ci` runs only when node_modules is
# missing or was installed from a different package.json / package-lock.json.
#
# onnxruntime-node's postinstall script downloads the CUDA/TensorRT execution
# providers for linux/x64 from NuGet. Only the npm registry is reachable here,
# and we only use the CPU EP, which is bundled in the npm tarball, so the
# script is skipped twice over: --ignore-scripts (no dependency in the tree
# needs an install script) and ONNXRUNTIME_NODE_INSTALL=skip (the package's own
# switch, in case someone runs `npm install` by hand without the flag).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

command -v node >/dev/null || { echo "setup.sh: node not found on PATH" >&2; exit 1; }
command -v npm  >/dev/null || { echo "setup.sh: npm not found on PATH" >&2; exit 1; }

stamp_file="node_modules/.qwb-interop-stamp"
want_stamp="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1) node-$(node --version)"

check_binding() {
    node -e "
const ort = require('onnxruntime-node');
const b = ort.listSupportedBackends().find(x => x.name === 'cpu');
if (!b) { console.error('onnxruntime-node: no cpu backend'); process.exit(1); }
" 
}

if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$want_stamp" ]] && check_binding 2>/dev/null; then
    exit 0
fi

# Serialise concurrent setups (two ctest runs sharing a source tree).
exec 9>"$here/.setup.lock"
if command -v flock >/dev/null; then flock 9; fi
# Someone else may have finished while we waited.
if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$want_stamp" ]] && check_binding 2>/dev/null; then
    exit 0
fi

echo "setup.sh: installing onnxruntime-node from package-lock.json (npm ci --ignore-scripts)" >&2
rm -f "$stamp_file"
ONNXRUNTIME_NODE_INSTALL=skip npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
if ! check_binding; then
    echo "setup.sh: onnxruntime-node installed but its CPU binding does not load" >&2
    exit 1
fi
printf '%s\n' "$want_stamp" > "$stamp_file"
echo "setup.sh: onnxruntime-node $(node -p "require('onnxruntime-node/package.json').version") ready" >&2
