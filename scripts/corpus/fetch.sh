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
  local cache=$1 source=$2 name=$3 version=$4 integrity=${5:-}
  local dest="$cache/$name"
  [ -f "$dest/.done" ] && return 0
  case "$source" in
    deb)
      # Debian's security pocket keeps only the newest update, so a pinned
      # version can vanish; then the archive's current version stands in, and
      # the substitution is recorded (a package keeps its split either way).
      local got=$version uri
      uri=$(awk -F'\t' -v n="$name" '$1 == n { print $2 "\t" $3 "\t" $4; exit }' "$cache/.debs/uris.tsv" 2>/dev/null)
      if [ -n "$uri" ] && IFS=$'\t' read -r url file sha <<< "$uri" &&
        curl -fsSL --retry 3 -o "$cache/.debs/$file" "$url" &&
        echo "$sha  $cache/.debs/$file" | sha256sum -c --status; then
        :
      elif ! (cd "$cache/.debs" && apt-get download -qq "$name=$version" >/dev/null 2>&1); then
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
      # The registry's tarball, checked against the manifest's sha512 integrity
      # when it has one (make_npm_manifest.py writes it). Dependencies bundled
      # inside a tarball (node_modules/) are vendored copies; the miner skips them.
      local base=${name##*/} tgz
      tgz=$(mktemp "$cache/.debs/npm.XXXXXX")
      if ! curl -fsSL --retry 3 -o "$tgz" "https://registry.npmjs.org/$name/-/$base-$version.tgz"; then
        echo "fetch: cannot download $name@$version" >&2; rm -f "$tgz"; return 0
      fi
      if [ -n "$integrity" ] && [ "sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)" != "$integrity" ]; then
        echo "fetch: $name@$version does not match its integrity" >&2; rm -f "$tgz"; return 0
      fi
      rm -rf "$dest" && mkdir -p "$dest" && tar xzf "$tgz" -C "$dest" --no-same-owner 2>/dev/null
      rm -f "$tgz"
      ;;
  esac
  touch "$dest/.done"
}
export -f fetch_one

# One apt call resolves the address and checksum of many packages (an apt call
# per package costs about a second of CPU); packages it cannot resolve, such as
# a pinned version gone from the archive, fall back to apt-get download above.
grep -v '^#' scripts/corpus/manifest.tsv | awk -F'\t' '$1 == "deb" { print $2 "=" $3 }' |
  while IFS== read -r n v; do [ -f "$cache/$n/.done" ] || echo "$n=$v"; done |
  xargs -r -n 200 sh -c 'apt-get download --print-uris "$@" 2>/dev/null' _ |
  awk '{ gsub("\047", "", $1); split($2, f, "_"); sub("^SHA256:", "", $4); print f[1] "\t" $1 "\t" $2 "\t" $4 }' \
  > "$cache/.debs/uris.tsv"

grep -v '^#' scripts/corpus/manifest.tsv | awk -F'\t' 'NF >= 3 { print $1 "\t" $2 "\t" $3 "\t" $5 }' |
  xargs -P "$jobs" -d '\n' -I{} bash -c 'IFS=$'"'"'\t'"'"' read -r s n v i <<< "{}"; fetch_one "'"$cache"'" "$s" "$n" "$v" "$i"'
done=$(ls -d "$cache"/*/.done 2>/dev/null | wc -l)
echo "fetch: $done packages unpacked in $cache ($(du -sh "$cache" | cut -f1))"
