#!/usr/bin/env bash
# Install what is missing, build, and convert every article in samples/ to
# out/NAME.epub and out/NAME.pdf (images from samples/mirror, offline).
# The vertical samples (samples/vertical-*.md) are set vertically with
# --vertical (columns top to bottom, right to left), EPUB and PDF.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
scripts/build.sh
mkdir -p out
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1660135111}
for a in samples/*.md; do
  name=$(basename "$a" .md)
  case "$name" in
  vertical-*) vertical=(--vertical) ;;
  *) vertical=() ;;
  esac
  for ext in epub pdf; do
    build/newsbook "$a" "${vertical[@]}" --mirror samples/mirror --offline --no-cache -o "out/$name.$ext"
  done
done
ls -l out/
