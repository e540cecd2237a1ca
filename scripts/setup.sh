#!/usr/bin/env bash
# Installs everything codesearch needs on Debian 12 and fetches the pinned
# tree-sitter grammars. Safe to re-run: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates patch
  libtorch-dev libopenblas0-openmp          # libtorch + a fast BLAS (the reference BLAS is ~10x slower)
  curl xz-utils nlohmann-json3-dev libasio-dev libhnswlib-dev libsqlite3-dev
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
# tree-sitter's core library, built into cs_tree_sitter with one fix
# (indexer/grammars/patches/tree-sitter-0.20.7-*.patch): Debian 12's own
# source of libtree-sitter0 0.20.7, checked against the digest in its signed
# .dsc. Kept outside git in indexer/grammars/tree-sitter-core/.
core=indexer/grammars/tree-sitter-core
core_tarball=tree-sitter_0.20.7.orig.tar.xz
core_sha256=e8c0573be475dce5b024d83628a3eb47376923da701376e55a11804cc5d25487
core_url="${CODESEARCH_DEBIAN_MIRROR:-http://deb.debian.org/debian}/pool/main/t/tree-sitter/$core_tarball"
if [ ! -f "$core/.codesearch-stamp" ]; then
  mkdir -p "$core"
  if ! echo "$core_sha256  $core/$core_tarball" | sha256sum --check --status 2>/dev/null; then
    command -v curl >/dev/null 2>&1 || { echo "setup: curl is needed to fetch $core_url" >&2; exit 1; }
    curl -fsSL --retry 3 -o "$core/$core_tarball.part" "$core_url"
    echo "$core_sha256  $core/$core_tarball.part" | sha256sum --check --status ||
      { echo "setup: $core_url does not match its sha256 $core_sha256" >&2; exit 1; }
    mv "$core/$core_tarball.part" "$core/$core_tarball"
  fi
  rm -rf "$core/lib"
  tar -xJf "$core/$core_tarball" -C "$core" --strip-components=1 tree-sitter-0.20.7/lib tree-sitter-0.20.7/LICENSE
  touch "$core/.codesearch-stamp"
fi
echo "setup: ok"
