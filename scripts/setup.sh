#!/usr/bin/env bash
# Installs everything codesearch needs on Debian 12 and fetches the pinned
# tree-sitter grammars. Safe to re-run: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates patch
  libtorch-dev libopenblas0-openmp          # libtorch + a fast BLAS (the reference BLAS is ~10x slower)
  libtree-sitter-dev nlohmann-json3-dev libasio-dev libhnswlib-dev libsqlite3-dev
  libgit2-dev libsentencepiece-dev sentencepiece libcli11-dev
  libstemmer-dev                             # Snowball stemming for the lexical index
  libgtest-dev libbenchmark-dev
  neovim                                     # the Neovim client's tests
)
# --clang (scripts/sanitize.sh asan) or --fuzz (scripts/fuzz.sh): clang and
# its sanitizer and libFuzzer runtimes (Debian 12: clang 14).
for arg in "$@"; do
  case "$arg" in
    --clang|--fuzz) PACKAGES+=(clang libclang-rt-14-dev) ;;
  esac
done
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Grammar C sources, pinned by indexer/grammars/package-lock.json. No install
# scripts: we compile parser.c/scanner.c ourselves.
lock=indexer/grammars/package-lock.json
stamp=indexer/grammars/node_modules/.codesearch-stamp
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
  (cd indexer/grammars && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi
echo "setup: ok"
