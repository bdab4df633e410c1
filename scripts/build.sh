#!/usr/bin/env bash
# Configures (once) and builds the Release tree in ./build with Ninja.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake --preset release
fi
cmake --build build -j"$jobs"
