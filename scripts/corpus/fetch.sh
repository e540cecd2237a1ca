#!/usr/bin/env bash
# Downloads (without installing) and unpacks every package of manifest.tsv into
# the cache: .cache/corpus-src/<package>/. Idempotent: unpacked packages are skipped.
#   scripts/corpus/fetch.sh [--cache DIR] [--jobs N]
set -uo pipefail
cd "$(dirname "$0")/../.."
cache=.cache/corpus-src
jobs=4
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) cache=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) echo "usage: $0 [--cache DIR] [--jobs N]" >&2; exit 2 ;;
  esac
done
mkdir -p "$cache/.debs"
cache=$(cd "$cache" && pwd)

fetch_one() {
  local cache=$1 source=$2 name=$3 version=$4
  local dest="$cache/$name"
  [ -f "$dest/.done" ] && return 0
  case "$source" in
    deb)
      # Debian's security pocket keeps only the newest update, so a pinned
      # version can vanish; then the archive's current version stands in, and
      # the substitution is recorded (a package keeps its split either way).
      local got=$version
      if ! (cd "$cache/.debs" && apt-get download -qq "$name=$version" >/dev/null 2>&1); then
        got=$(apt-cache policy "$name" 2>/dev/null | awk '/Candidate:/ { print $2 }')
        if [ -z "$got" ] || [ "$got" = "(none)" ] ||
          ! (cd "$cache/.debs" && apt-get download -qq "$name=$got" >/dev/null 2>&1); then
          echo "fetch: cannot download $name=$version" >&2
          return 0
        fi
        echo "fetch: $name=$version is gone from the archive; using $got" >&2
      fi
      local deb
      deb=$(ls "$cache/.debs/${name}_"*.deb 2>/dev/null | head -n1)
      [ -n "$deb" ] || return 0
      rm -rf "$dest" && mkdir -p "$dest" && dpkg-deb -x "$deb" "$dest" && rm -f "$deb"
      [ "$got" = "$version" ] || echo "$got" > "$dest/.substituted-version"
      # Java sources ship zipped.
      find "$dest" -name src.zip -print0 2>/dev/null | while IFS= read -r -d '' zip; do
        (cd "$(dirname "$zip")" && unzip -qo "$zip" 'java.base/*' 'java.net.http/*' 'java.sql/*' 'java.logging/*' \
          'java.xml/*' 'java.desktop/java/*' 'jdk.compiler/*' 'jdk.httpserver/*' 2>/dev/null; rm -f "$zip")
      done
      ;;
    npm)
      # One folder per package: parallel jobs must not pick up each other's tarball.
      local pack
      pack=$(mktemp -d "$cache/.debs/npm.XXXXXX")
      (cd "$pack" && npm pack --silent "$name@$version" >/dev/null 2>&1) || { echo "fetch: cannot pack $name@$version" >&2; rm -rf "$pack"; return 0; }
      local tgz
      tgz=$(ls "$pack/"*.tgz 2>/dev/null | head -n1)
      rm -rf "$dest" && mkdir -p "$dest" && tar xzf "$tgz" -C "$dest"
      rm -rf "$pack"
      ;;
  esac
  touch "$dest/.done"
}
export -f fetch_one

grep -v '^#' scripts/corpus/manifest.tsv | awk -F'\t' 'NF >= 3 { print $1 "\t" $2 "\t" $3 }' |
  xargs -P "$jobs" -d '\n' -I{} bash -c 'IFS=$'"'"'\t'"'"' read -r s n v <<< "{}"; fetch_one "'"$cache"'" "$s" "$n" "$v"'
done=$(ls -d "$cache"/*/.done 2>/dev/null | wc -l)
echo "fetch: $done packages unpacked in $cache ($(du -sh "$cache" | cut -f1))"
