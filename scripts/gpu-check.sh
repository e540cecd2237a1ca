#!/usr/bin/env bash
# The GPU check of the scale issue, for a Linux machine with an NVIDIA GPU,
# CUDA and a PyTorch installation but no package manager. It builds the
# device-side code (scripts/gpu-check/CMakeLists.txt) against the libtorch
# that ships inside the PyTorch wheel, runs the device tests (the device
# matrix resident on the GPU, rows updated in place, answers equal to the
# exact host index within fp16 tolerance, filters as a device mask) and
# prints the GPU figures: top-300 search p50/p99 at 1M rows, in-place update
# time, and the shipped encoder's chunks/s on the GPU (device_index_bench).
#   scripts/gpu-check.sh [DEPS_DIR]   (default .gpu-deps, from scripts/gpu-deps.sh)
# Environment: TORCH_CMAKE_PREFIX overrides the wheel's CMake prefix (e.g.
# /usr/share/cmake to try the CPU build here); GPU_CHECK_ROWS (default 1000000).
# Fails when no CUDA device is visible unless GPU_CHECK_ALLOW_CPU=1.
set -euo pipefail
cd "$(dirname "$0")/.."
deps=$(realpath -m "${1:-.gpu-deps}")
[ -f "$deps/usr/src/googletest/CMakeLists.txt" ] || { echo "no GoogleTest sources in $deps: run scripts/gpu-deps.sh on a Debian machine and bring $deps along" >&2; exit 1; }
prefix=${TORCH_CMAKE_PREFIX:-$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')}
cuda=$(python3 -c 'import torch; print(int(torch.cuda.is_available()))' 2>/dev/null || echo 0)
if [ "$cuda" != 1 ] && [ "${GPU_CHECK_ALLOW_CPU:-0}" != 1 ]; then
  echo "no CUDA device visible to PyTorch: this is the GPU check (GPU_CHECK_ALLOW_CPU=1 runs it on the CPU)" >&2
  exit 1
fi
device=cpu
[ "$cuda" = 1 ] && device=cuda
build=build-gpu-check
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
echo "# building against libtorch at $prefix"
cmake -S scripts/gpu-check -B "$build" "${generator[@]}" -DCMAKE_PREFIX_PATH="$prefix" -DCS_GPU_DEPS="$deps" \
  ${CUDACXX:+-DCMAKE_CUDA_COMPILER=$CUDACXX} >/dev/null
cmake --build "$build" -j "$(nproc)"
echo "# device tests"
"$build/device_tests"
[ "$device" = cuda ] && nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader || true
echo "# figures on $device"
"$build/device_index_bench" --device "$device" --rows "${GPU_CHECK_ROWS:-1000000}" --model model/weights/codesearch-model.bin
