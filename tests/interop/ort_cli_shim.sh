#!/usr/bin/env bash
# Stand-in for qwb-cli, for testing the interop harness itself without the engine:
#   QWB_CLI=tests/interop/ort_cli_shim.sh bash tests/interop/run_interop.sh BUILD_DIR
# Accepts `run MODEL --input NAME=FILE --outdir DIR` like qwb-cli and runs ONNX Runtime with
# graph optimisations disabled and one thread, so the comparison is unoptimised ORT against
# optimised ORT: every case should pass with errors around 1e-6.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ "${1:-}" != run ]]; then
    echo "ort_cli_shim.sh: only 'run' is supported" >&2
    exit 2
fi
shift
exec node "$here/ort_run.js" "$@" --no-opt --threads 1
