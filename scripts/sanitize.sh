#!/usr/bin/env bash
# Sanitizer builds of the test suites, each in its own build directory:
#   scripts/sanitize.sh asan   # build-asan/: every ctest suite under ASan+UBSan
#   scripts/sanitize.sh tsan   # build-tsan/: the concurrency tests under TSan
#   scripts/sanitize.sh        # both
# gcc 12's runtimes, no extra packages (clang 14 cannot compile libtorch's
# headers as C++20). One exemption, in indexer/CMakeLists.txt: hnswlib's
# translation unit is built without ASan read checks, for a benign prefetch
# load that indexer/hnsw_graph.cpp explains. libtorch, libgomp and libgit2
# are prebuilt Debian libraries without instrumentation: leak checking is off
# (their one-time allocations at exit are reported as leaks), and TSan's
# reports from inside them are suppressed by scripts/sanitizers/tsan.supp (our
# own frames are never suppressed). The TSan job runs the tests that need no
# model (Concurrency.*, LspServerTest.*, SchedulerTest.*, TcpTransportTest.*,
# DiskWatcherTest.*), so
# libtorch's OpenMP inference threads stay out of it.
# CODESEARCH_JOBS limits build parallelism.
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=${CODESEARCH_JOBS:-$(nproc)}
which=${1:-all}
supp="$PWD/scripts/sanitizers"
status=0

configure() {  # dir c-compiler c++-compiler flags
  local dir=$1 cc=$2 cxx=$3 flags=$4
  local config="$cc $cxx $flags"
  if [ -f "$dir/build.ninja" ] && [ "$(cat "$dir/.sanitize-config" 2>/dev/null)" = "$config" ]; then return 0; fi
  rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"  # another compiler or other flags: configure afresh
  CC=$cc CXX=$cxx cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCODESEARCH_BUILD_BENCH=OFF >/dev/null || return 1
  echo "$config" >"$dir/.sanitize-config"
}

if [ "$which" = asan ] || [ "$which" = all ]; then
  echo "=== ASan+UBSan (build-asan)"
  start=$SECONDS
  configure build-asan gcc g++ "-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" || exit 1
  ninja -C build-asan -j"$jobs" protocol_tests model_tests indexer_tests server_tests training_tests e2e_tests codesearch || exit 1
  echo "asan: built in $((SECONDS - start)) s"
  export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=0:check_initialization_order=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
  # Timings under ASan are several times slower: a generous per-test timeout.
  ctest --test-dir build-asan --output-on-failure -j2 --timeout 1200 || status=1
  echo "asan: done in $((SECONDS - start)) s"
  unset ASAN_OPTIONS UBSAN_OPTIONS
fi

if [ "$which" = tsan ] || [ "$which" = all ]; then
  echo "=== TSan (build-tsan)"
  start=$SECONDS
  configure build-tsan gcc g++ "-fsanitize=thread -fno-omit-frame-pointer" || exit 1
  ninja -C build-tsan -j"$jobs" server_tests || exit 1
  echo "tsan: built in $((SECONDS - start)) s"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp"
  ctest --test-dir build-tsan --output-on-failure -j1 --timeout 1200 \
    -R '^(Concurrency|LspServerTest|SchedulerTest|TcpTransportTest|DiskWatcherTest)\.' || status=1
  echo "tsan: done in $((SECONDS - start)) s"
  unset TSAN_OPTIONS
fi
exit $status
