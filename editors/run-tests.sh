#!/usr/bin/env bash
# Tests of the editor clients: VS Code extension (npm ci, type-check, bundle,
# unit tests, integration tests against the real daemon, .vsix packaging and
# content check) and the Neovim plugin (headless e2e against the real daemon).
#
#   CODESEARCH_BIN=$PWD/build/cli/codesearch editors/run-tests.sh
#
# CODESEARCH_BIN defaults to build/cli/codesearch; when it is set explicitly
# the daemon is required (integration suites fail instead of skipping).
# Optional: TELESCOPE_PATH / PLENARY_PATH enable the Telescope picker test.
set -uo pipefail
editors=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$editors/.." && pwd)

if [ -n "${CODESEARCH_BIN:-}" ]; then
  export CODESEARCH_REQUIRE=1
  case "$CODESEARCH_BIN" in /*) ;; *) CODESEARCH_BIN="$PWD/$CODESEARCH_BIN" ;; esac
  export CODESEARCH_BIN
elif [ -x "$repo/build/cli/codesearch" ]; then
  export CODESEARCH_BIN="$repo/build/cli/codesearch"
fi
echo "daemon: ${CODESEARCH_BIN:-<none: integration tests skip>}"

passed=0
failed=0
results=()
suite() {
  local name=$1; shift
  echo
  echo "=== editors: $name"
  if "$@"; then
    passed=$((passed + 1)); results+=("PASS  $name")
  else
    failed=$((failed + 1)); results+=("FAIL  $name")
  fi
}

vscode() { (cd "$editors/vscode" && "$@"); }
node_counts() { # prints the node test runner's counts for a suite's log
  grep -E '^# (tests|pass|fail|skipped) ' "$1" | tr '\n' ' '; echo
}
node_suite() { # node_suite LOG DIR
  local log=$1 dir=$2 rc
  vscode node --test --test-reporter=tap "$dir" >"$log" 2>&1; rc=$?
  grep -E '^ *(not ok|ok) [0-9]+ - |^# SKIP' "$log" | sed 's/^/  /'
  [ "$rc" -ne 0 ] && tail -80 "$log"
  echo "  counts: $(node_counts "$log")"
  return "$rc"
}

logs=$(mktemp -d)
suite "vscode: npm ci" vscode npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
suite "vscode: type-check (tsc --noEmit against @types/vscode)" vscode npx --no-install tsc -p tsconfig.json --noEmit
suite "vscode: compile tests" vscode npx --no-install tsc -p tsconfig.test.json
suite "vscode: unit tests" node_suite "$logs/unit.log" out/test/unit/
suite "vscode: integration tests (real daemon)" node_suite "$logs/integration.log" out/test/integration/
suite "vscode: package .vsix" vscode npm run --silent package
suite "vscode: check .vsix contents" vscode node scripts/check-vsix.mjs codesearch.vsix
suite "vscode: load + activate the packaged bundle" vscode node scripts/smoke-bundle.cjs dist/extension.js
suite "vscode: packaged bundle drives the daemon (stand-in VS Code API)" node_suite "$logs/host.log" scripts/host.test.cjs
if command -v nvim >/dev/null; then
  suite "nvim: headless e2e (real daemon)" "$editors/nvim/tests/run.sh"
else
  echo "=== editors: nvim not installed (apt-get install neovim)"; failed=$((failed + 1)); results+=("FAIL  nvim: not installed")
fi
rm -rf "$logs"

echo
echo "=== editors: summary"
printf '  %s\n' "${results[@]}"
echo "editor suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
