#!/usr/bin/env bash
# Configures and builds codesearch into build/ (Release). Extra arguments go to CMake,
# e.g. -DTorch_DIR=/opt/libtorch-cuda/share/cmake/Torch for a CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
ninja -C build -j"${CODESEARCH_JOBS:-$(nproc)}"
