#!/usr/bin/env bash
# Reproduces the shipped model from the pinned manifest in one command:
# fetch the packages, mine the corpus, train, evaluate. Every stage is
# resumable (fetch skips unpacked packages, training continues from its last
# checkpoint with --resume) and prints its wall time.
#   scripts/train-model.sh [--out FILE] [--cache DIR] [--corpus DIR] [--resume]
# Defaults: the model goes to .cache/train/codesearch-model.bin (copy it over
# model/weights/codesearch-model.bin to ship it), the packages to
# .cache/corpus-src, the corpus to corpus/. Needs build/ (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.cache/train/codesearch-model.bin
cache=.cache/corpus-src
corpus=corpus
resume=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --cache) cache=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --resume) resume=(--resume); shift ;;
    *) echo "usage: $0 [--out FILE] [--cache DIR] [--corpus DIR] [--resume]" >&2; exit 2 ;;
  esac
done
mkdir -p "$(dirname "$out")"
stage() {
  local name=$1 start=$SECONDS
  shift
  echo "train-model: $name ..." >&2
  "$@"
  echo "train-model: $name took $((SECONDS - start)) s" >&2
}
stage fetch scripts/corpus/fetch.sh --cache "$cache" --jobs 8
stage mine build/cli/codesearch mine --sources "$cache" --out "$corpus" --threads 2
# The shipped model's command (MODEL_CARD.md, Training).
stage train build/cli/codesearch train --corpus "$corpus" --out "$out" "${resume[@]}" \
  --epochs 8 --batch 1000 --vocab 16000 --dim 256 --tied --name-pairs 1 --language-batches \
  --members 2 --average-from-epoch 3 --threads 2
stage eval build/cli/codesearch eval --corpus "$corpus" --model "$out" --threads 2
