#!/usr/bin/env bash
# WeasyPrint (certificates and sign-in sheets as PDF) needs Debian's Pango, HarfBuzz's subsetter
# and a font. Installs what is missing when run as root with apt-get; says what to do otherwise.
# Called by `make run` and `make test`; cheap when everything is there (dpkg and ldconfig only).
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
LIBRARIES=(libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0)

say() { echo "[pdf-libs] $*"; }

missing=()
if command -v dpkg >/dev/null; then
  for package in "${PACKAGES[@]}"; do
    dpkg -s "$package" 2>/dev/null | grep -q "^Status: install ok installed" || missing+=("$package")
  done
else
  # Not Debian: look for the shared libraries themselves.
  for library in "${LIBRARIES[@]}"; do
    ldconfig -p 2>/dev/null | grep -q "$library" || missing+=("$library")
  done
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  say "installing ${missing[*]} (WeasyPrint needs them for PDF certificates)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${PACKAGES[@]}" >/dev/null
  say "installed"
else
  echo "WeasyPrint needs these Debian packages, which are missing: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${PACKAGES[*]}" >&2
  exit 1
fi
