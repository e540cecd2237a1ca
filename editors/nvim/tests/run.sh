#!/usr/bin/env bash
# Headless Neovim end-to-end tests against the real daemon.
#   CODESEARCH_BIN=/path/to/codesearch editors/nvim/tests/run.sh
# Optional Telescope picker test: TELESCOPE_PATH=/path/to/telescope.nvim (tag 0.1.4)
# PLENARY_PATH=/path/to/plenary.nvim (v0.1.4); skipped (with a message) otherwise.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cd "$repo"
if [ -z "${CODESEARCH_BIN:-}" ] && [ -x build/cli/codesearch ]; then export CODESEARCH_BIN="$repo/build/cli/codesearch"; fi
command -v nvim >/dev/null || { echo "nvim not found"; echo "0 passed, 1 failed"; exit 1; }
timeout "${NVIM_TEST_TIMEOUT:-300}" nvim --headless --clean -u NONE --cmd "set rtp+=$repo/editors/nvim" \
  -c "luafile $repo/editors/nvim/tests/e2e.lua" 2>&1 </dev/null
rc=$?
if [ "$rc" -eq 124 ]; then echo "nvim tests timed out"; fi
exit "$rc"
