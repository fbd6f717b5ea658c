#!/usr/bin/env bash
# Install what is missing, build, and convert every article in samples/ to
# out/NAME.epub and out/NAME.pdf (images from samples/mirror, offline); the
# vertical sample is then set vertically, as its recipe asks.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
scripts/build.sh
mkdir -p out
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1660135111}
for a in samples/*.md; do
  name=$(basename "$a" .md)
  for ext in epub pdf; do
    build/newsbook "$a" --mirror samples/mirror --offline --no-cache -o "out/$name.$ext"
  done
done
# the vertical sample set vertically (columns right to left), as its
# recipe asks: out/vertical-taipei-library.epub and .pdf
build/newsbook build samples/recipes/vertical.yaml --output-dir out
ls -l out/
