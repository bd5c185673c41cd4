#!/usr/bin/env bash
# Vendor Leaflet (the map on /vereine/karte/) into static/vendor/leaflet/.
#
# Repeatable: wipes and rebuilds the target directory from the pinned npm tarball and checks
# the tarball against the integrity recorded below, so a changed upstream file is noticed.
# Copies only what the portal serves: dist/leaflet.js (source map reference stripped:
# whitenoise's manifest storage fails on a missing .map), dist/leaflet.css, its images and
# the licence.
#
# Usage: scripts/vendor_leaflet.sh
#        LEAFLET_VERSION=1.9.4 LEAFLET_INTEGRITY=sha512-… scripts/vendor_leaflet.sh
set -euo pipefail

PACKAGE="leaflet"
VERSION="${LEAFLET_VERSION:-1.9.4}"
# npm's integrity of leaflet-1.9.4.tgz (npm view leaflet@1.9.4 dist.integrity).
INTEGRITY="${LEAFLET_INTEGRITY:-sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/vendor/leaflet"

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "Fetching $PACKAGE@$VERSION ..."
(cd "$WORK" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
TARBALL="$(ls "$WORK"/*.tgz)"

actual_integrity="sha512-$(openssl dgst -sha512 -binary "$TARBALL" | base64 -w0)"
if [[ "$actual_integrity" != "$INTEGRITY" ]]; then
  echo "Integrity mismatch for $PACKAGE@$VERSION: expected $INTEGRITY, got $actual_integrity" >&2
  exit 1
fi

tar -xzf "$TARBALL" -C "$WORK"
PKG="$WORK/package"

actual_version="$(node -p "require('$PKG/package.json').version")"
if [[ "$actual_version" != "$VERSION" ]]; then
  echo "Expected $VERSION, got $actual_version" >&2
  exit 1
fi

rm -rf "$DEST"
mkdir -p "$DEST/images"

strip_maps() { sed -E -e 's#/\*[#@] *sourceMappingURL=[^*]*\*/##g' -e '/^\/\/[#@] *sourceMappingURL=/d' "$1" > "$2"; }

strip_maps "$PKG/dist/leaflet.js" "$DEST/leaflet.js"
strip_maps "$PKG/dist/leaflet.css" "$DEST/leaflet.css"
cp "$PKG"/dist/images/*.png "$DEST/images/"
cp "$PKG/LICENSE" "$DEST/LICENSE"

cat > "$DEST/VERSION" <<TXT
name: $PACKAGE
version: $VERSION
licence: BSD-2-Clause (see LICENSE)
source: https://registry.npmjs.org/$PACKAGE/-/$PACKAGE-$VERSION.tgz
integrity: $INTEGRITY
homepage: https://leafletjs.com
vendored: $(date -u +%Y-%m-%d)
files: leaflet.js, leaflet.css, images/*.png, LICENSE (unmodified, except that the source map comment is removed)
TXT

if grep -rq 'sourceMappingURL' "$DEST"; then
  echo "sourceMappingURL still present in $DEST" >&2
  exit 1
fi

echo "Vendored $PACKAGE $VERSION into ${DEST#"$ROOT"/}:"
(cd "$DEST" && find . -type f -printf '%8s  %p\n' | sort -k2)
