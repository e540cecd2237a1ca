#!/usr/bin/env bash
# The large-tree benchmark of the scale issue: the Linux 6.1 sources from
# Debian's linux-source-6.1 package (about 56k files, 0.8M chunks), unpacked
# outside git, indexed cold with the CLI and then restarted warm under
# `codesearch serve` (bench/warm_start_bench --tree), twice: the first start
# builds the HNSW graph and saves it, the second loads it. Cold index time and
# peak RSS (GNU time); per start, time to initialize, first query, complete
# load and graph, query p50/p99, didChange -> result and the daemon's peak RSS;
# then the in-process latency of each retriever on the stored index.
#   bench/large_tree_bench.sh [WORK_DIR]     (default ~/.cache/codesearch-bench)
# Needs apt-get download (network) once; the tree is reused afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/codesearch-bench}
tree="$work/linux-source-6.1"
mkdir -p "$work"
if [ ! -d "$tree" ]; then
  (cd "$work" && apt-get download linux-source-6.1 && dpkg -x linux-source-6.1_*.deb pkg)
  tar -xf "$work"/pkg/usr/src/linux-source-6.1.tar.xz -C "$work"
  # Debian's copy adds "/*" to the top-level .gitignore, which ignores everything.
  sed -i '/^\/\*$/d; /^!\/debian\/$/d' "$tree/.gitignore"
fi
[ -x build/cli/codesearch ] || scripts/build.sh
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
cache="$work/cache"
rm -rf "$cache"
echo "# cold index of $tree"
/usr/bin/time -f "cold index: %e s wall, %P CPU, peak RSS %M KiB" build/cli/codesearch index "$tree" --cache-dir "$cache"
echo "# first warm start: the daemon builds the HNSW graph in the background and saves it beside the store"
build/bench/warm_start_bench --tree "$tree" --cache "$cache"
echo "# second warm start: the saved graph is loaded"
build/bench/warm_start_bench --tree "$tree" --cache "$cache"
echo "# in-process query latency on the stored index, by retriever"
build/bench/index_query_bench --store "$(ls -d "$cache"/*/index.sqlite | head -1)"
