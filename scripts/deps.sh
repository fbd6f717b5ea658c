#!/usr/bin/env bash
# Install what newsbook needs to build, test and check its output, on Debian
# 12. Installs only what is missing; needs root (or sudo) when something is.
#   scripts/deps.sh [build|test]      (default: test, which includes build)
set -euo pipefail
what=${1:-test}

build_pkgs=(build-essential cmake pkg-config
  libzip-dev libxml2-dev libcairo2-dev libpango1.0-dev libharfbuzz-dev libharfbuzz-subset0 libyaml-dev
  libmd4c-dev libmd4c-html0-dev libcurl4-openssl-dev libjpeg62-turbo-dev
  libpng-dev libwebp-dev libgif-dev libsqlite3-dev libjson-c-dev libcmocka-dev
  libhyphen-dev hyphen-en-us hyphen-de hyphen-fr zlib1g-dev
  fonts-noto-cjk fonts-dejavu-core fonts-symbola)
test_pkgs=(python3 poppler-utils qpdf mupdf-tools ghostscript epubcheck
  unzip zip clang libclang-rt-14-dev imagemagick openssl sqlite3)

pkgs=("${build_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
