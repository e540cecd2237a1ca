#!/usr/bin/env bash
# Sets everything up, builds, and runs every test: the C++ suites (ctest: unit
# and end-to-end), the MCP server with the official SDK client, the editor
# clients' tests (VS Code and Neovim), then the hardening suites, each in its
# own build directory: the fuzzers for a short time (scripts/fuzz.sh,
# CODESEARCH_FUZZ_SECONDS per harness, default 30), the ASan+UBSan ctest run
# and the TSan concurrency tests (scripts/sanitize.sh). CI (.ci/run) runs all
# of it; on 2 cores the hardening suites add most of the time, mostly building
# (README's test section has the figures). CODESEARCH_HARDENING=0 skips them
# for a quicker local run. Each stage prints how long it took.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
scripts/setup.sh || exit 1
scripts/build.sh || exit 1
echo "=== setup and build: $((SECONDS - start)) s"

failed_suites=0
passed_suites=0
run_suite() {
  local name=$1; shift
  local start=$SECONDS
  echo "=== $name"
  if "$@"; then
    passed_suites=$((passed_suites + 1))
    echo "=== $name: passed in $((SECONDS - start)) s"
  else
    failed_suites=$((failed_suites + 1))
    echo "=== $name FAILED after $((SECONDS - start)) s"
  fi
}
run_suite "C++ tests (ctest)" ctest --test-dir build --output-on-failure -j2 --timeout 600
run_suite "MCP server (SDK client)" env CODESEARCH_BIN="$PWD/build/cli/codesearch" tests/mcp/run-tests.sh
if [ -x editors/run-tests.sh ]; then
  run_suite "editor clients" env CODESEARCH_BIN="$PWD/build/cli/codesearch" editors/run-tests.sh
fi
if [ "${CODESEARCH_HARDENING:-1}" != 0 ]; then
  run_suite "fuzzers (${CODESEARCH_FUZZ_SECONDS:-30}s each)" scripts/fuzz.sh "${CODESEARCH_FUZZ_SECONDS:-30}"
  run_suite "ASan+UBSan (ctest)" scripts/sanitize.sh asan
  run_suite "TSan (concurrency tests)" scripts/sanitize.sh tsan
fi
echo
echo "suites: $passed_suites passed, $failed_suites failed in $SECONDS s"
[ "$failed_suites" -eq 0 ]
