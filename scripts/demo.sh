#!/usr/bin/env bash
# Sets everything up, builds, indexes a workspace and answers a query.
#   scripts/demo.sh [WORKSPACE] [QUERY]     (defaults: this repository, a sample question)
set -euo pipefail
cd "$(dirname "$0")/.."
workspace="${1:-$PWD}"
query="${2:-split an identifier into words at camelCase boundaries}"
scripts/setup.sh
scripts/build.sh
build/cli/codesearch index "$workspace"
build/cli/codesearch query "$workspace" "$query" --limit 5
