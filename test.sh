#!/usr/bin/env bash
# Installs what is missing, builds (Release) and runs every test (ctest).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/deps.sh
bash scripts/build.sh
bash tests/interop/setup.sh
cd build
ctest --output-on-failure --timeout 3000 "$@"
