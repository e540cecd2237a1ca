#!/usr/bin/env bash
# Gathers what scripts/gpu-check.sh needs beyond CUDA and PyTorch, for a GPU
# machine without a package manager: Debian's GoogleTest sources and the
# nlohmann_json headers, downloaded here (apt-get download, no root needed)
# and unpacked with dpkg -x into DIR (default .gpu-deps/, ignored by git).
# Carry DIR to the GPU machine beside the checkout. Idempotent.
#   scripts/gpu-deps.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(realpath -m "${1:-.gpu-deps}")
if [ -f "$dir/usr/src/googletest/CMakeLists.txt" ] && [ -f "$dir/usr/include/nlohmann/json.hpp" ]; then
  echo "gpu deps ready in $dir"
  exit 0
fi
mkdir -p "$dir/debs"
(cd "$dir/debs" && apt-get download googletest nlohmann-json3-dev)
for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir"; done
rm -rf "$dir/debs" "$dir/usr/share/doc"
echo "gpu deps ready in $dir ($(du -sh "$dir" | cut -f1))"
