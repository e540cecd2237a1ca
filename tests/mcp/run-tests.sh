#!/usr/bin/env bash
# End-to-end tests of `codesearch mcp` with the official MCP TypeScript SDK
# client. Installs the pinned SDK (package-lock.json) when missing or stale,
# like scripts/setup.sh does for the grammars, then runs node's test runner.
# CODESEARCH_BIN: the codesearch executable (default build/cli/codesearch).
set -euo pipefail
cd "$(dirname "$0")"
export CODESEARCH_BIN="${CODESEARCH_BIN:-$PWD/../../build/cli/codesearch}"
stamp=node_modules/.codesearch-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
exec node --test --test-concurrency=1 mcp.test.mjs
