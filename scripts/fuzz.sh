#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/, clang, ASan+UBSan, build-fuzz/) and
# runs each for a bounded time:  scripts/fuzz.sh [seconds-per-harness] [harness...]
# (default 60 s each, every harness). Runs for hours just as well:
#   scripts/fuzz.sh 3600
# Each harness starts from its seed corpus in fuzz/corpus/<harness>/ and keeps
# what it learns in build-fuzz/corpus/<harness>/ (not in git); a crash leaves
# its input in build-fuzz/artifacts/ and fails the script. Prints each
# harness's executions and the total.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
harnesses=("$@")
((${#harnesses[@]})) || harnesses=(framing jsonrpc codesearch_params extractor extractor_edits)
jobs=${CODESEARCH_JOBS:-$(nproc)}

scripts/setup.sh --fuzz >/dev/null || exit 1
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS_RELEASE="-O1 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g" \
    -DCODESEARCH_BUILD_TESTS=OFF -DCODESEARCH_BUILD_BENCH=OFF -DCODESEARCH_BUILD_FUZZERS=ON >/dev/null || exit 1
fi
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
ninja -C build-fuzz -j"$jobs" "${targets[@]}" || exit 1

mkdir -p build-fuzz/artifacts
total=0
failed=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for h in "${harnesses[@]}"; do
  corpus=build-fuzz/corpus/$h
  mkdir -p "$corpus"
  log=build-fuzz/fuzz-$h.log
  echo "=== fuzz_$h: ${seconds}s"
  # The extractor's language table (compiled tree-sitter queries) is built once
  # and never freed, by design: LeakSanitizer would report it at exit.
  leaks=1
  case $h in extractor*) leaks=0 ;; esac
  ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=$leaks" build-fuzz/fuzz/fuzz_$h -detect_leaks=$leaks -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/$h- "$corpus" "fuzz/corpus/$h" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  execs=${execs:-0}
  total=$((total + execs))
  if [ "$rc" -ne 0 ]; then
    failed=$((failed + 1))
    echo "fuzz_$h: FAILED (exit $rc) after $execs executions; see $log and build-fuzz/artifacts/"
    grep -m5 -E 'ERROR|SUMMARY|runtime error' "$log"
  else
    echo "fuzz_$h: $execs executions, no finding"
  fi
done
echo "fuzz: $total executions in total, $failed harness(es) failed"
[ "$failed" -eq 0 ]
