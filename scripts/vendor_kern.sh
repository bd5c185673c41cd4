#!/usr/bin/env bash
# Vendor the KERN design system (@kern-ux/native) into static/vendor/kern/.
#
# Repeatable: wipes and rebuilds the target directory from the pinned npm tarball.
# Copies only what the portal serves: kern.min.css, the Kopfzeile web component (for
# reference; the portal renders the Kopfzeile server-side because the component injects
# an inline <style> our CSP blocks), the licence, and the Fira Sans weights kern.min.css
# actually uses (400, 500, 600 — upright only), subset and renamed (see below), with our own
# @font-face file.
#
# Fonts: the full Fira Sans files are 130–140 KB each (400 KB on a first visit). They are
# subset with fontTools to the characters German and English text needs (Basic Latin,
# Latin-1, Latin Extended-A for names, typographic punctuation, €), keeping outlines, hinting,
# kerning and the default OpenType features (~20 KB each). A subset is a Modified Version under
# the SIL OFL 1.1 and "Fira" is a Reserved Font Name, so the family is renamed "KloorSans"
# (font name table and CSS); the licence file says so. fontTools runs in a throwaway virtualenv
# (pinned FONTTOOLS_VERSION/BROTLI_VERSION from PyPI), removed afterwards.
#
# Usage: scripts/vendor_kern.sh            (or: make vendor)
#        KERN_VERSION=2.7.2 scripts/vendor_kern.sh
set -euo pipefail

PACKAGE="@kern-ux/native"
VERSION="${KERN_VERSION:-2.7.2}"
FONTTOOLS_VERSION="${FONTTOOLS_VERSION:-4.68.0}"
BROTLI_VERSION="${BROTLI_VERSION:-1.2.1}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/vendor/kern"
FAMILY="KloorSans"       # the subset's family name: not "Fira" (Reserved Font Name)
FONT_DIR="kloor-sans"
# Basic Latin, Latin-1 (äöüß, « », ·, §), Latin Extended-A (names: Ł, ş, ğ, ı, Œ, č …),
# – — ‘ ’ ‚ “ ” „ † ‡ • … ‰ ‹ › € ™ −
UNICODES="U+0020-007E,U+00A0-00FF,U+0100-017F,U+2013-2014,U+2018-201A,U+201C-201E,U+2020-2022,U+2026,U+2030,U+2039-203A,U+20AC,U+2122,U+2212"

# Fira Sans styles to keep, as "style:weight". kern.min.css only uses the font weights
# 400 (regular), 500 (medium) and 600 (semi-bold) and no italic; a request for bold
# (700, e.g. <strong>) falls back to the nearest available weight, 600.
FONTS=(
  "Regular:400"
  "Medium:500"
  "SemiBold:600"
)

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }
[[ -n "$PYTHON" ]] || { echo "python3 is required (for fontTools)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "Fetching $PACKAGE@$VERSION ..."
(cd "$WORK" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
TARBALL="$(ls "$WORK"/*.tgz)"
tar -xzf "$TARBALL" -C "$WORK"
PKG="$WORK/package"

actual_version="$(node -p "require('$PKG/package.json').version")"
if [[ "$actual_version" != "$VERSION" ]]; then
  echo "Expected $VERSION, got $actual_version" >&2
  exit 1
fi

# Check that the weights kern.min.css asks for are the ones we keep.
used_weights="$(grep -oE 'font-weight(-[a-z-]+)?:[[:space:]]*[0-9]{3}' "$PKG/dist/kern.min.css" \
  | grep -oE '[0-9]{3}$' | sort -u | tr '\n' ' ')"
echo "Font weights used by kern.min.css: $used_weights"
for w in $used_weights; do
  found=no
  for entry in "${FONTS[@]}"; do [[ "${entry##*:}" == "$w" ]] && found=yes; done
  if [[ $found == no ]]; then
    echo "kern.min.css uses font weight $w which is not vendored; update FONTS" >&2
    exit 1
  fi
done

echo "Installing fontTools $FONTTOOLS_VERSION into a throwaway virtualenv ..."
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check \
  "fonttools==$FONTTOOLS_VERSION" "brotli==$BROTLI_VERSION"

rm -rf "$DEST"
mkdir -p "$DEST/js" "$DEST/fonts/$FONT_DIR"

# Strip source map references: whitenoise's manifest storage fails on missing .map files.
strip_maps() { sed -E -e 's#/\*[#@] *sourceMappingURL=[^*]*\*/##g' -e '/^\/\/[#@] *sourceMappingURL=/d' "$1" > "$2"; }

strip_maps "$PKG/dist/kern.min.css" "$DEST/kern.min.css"
strip_maps "$PKG/dist/js/kern-kopfzeile.js" "$DEST/js/kern-kopfzeile.js"
cp "$PKG/LICENSE.md" "$DEST/LICENSE.md"

# Subset and rename: fontTools in the throwaway virtualenv.
subset_font() {  # subset_font SOURCE TARGET STYLE
  "$WORK/venv/bin/python" - "$1" "$2" "$3" "$UNICODES" "$FAMILY" "$PACKAGE $VERSION" <<'PY'
import logging
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

source, target, style, unicodes, family, origin = sys.argv[1:]
logging.getLogger("fontTools").setLevel(logging.ERROR)
options = subset.Options(flavor="woff2", name_IDs=["*"], name_languages=["*"])
font = subset.load_font(source, options)
subsetter = subset.Subsetter(options)
subsetter.populate(unicodes=subset.parse_unicodes(unicodes))
subsetter.subset(font)
# Every name a person or program would call the font by: no "Fira" (Reserved Font Name).
names = font["name"]
for record in names.names:
    if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21, 22):
        text = record.toUnicode().replace("Fira Sans", family).replace("FiraSans", family)
        names.setName(text, record.nameID, record.platformID, record.platEncID, record.langID)
names.setName(
    f"{family} is a modified version (subset) of Fira Sans from {origin}, renamed as the "
    "SIL Open Font License 1.1 requires for modified versions of a Reserved Font Name.",
    10, 3, 1, 0x409,
)
for record in names.names:
    if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21, 22) and "Fira" in record.toUnicode():
        sys.exit(f"{target}: name {record.nameID} still says Fira")
subset.save_font(font, target, options)
check = TTFont(target)
missing = [c for c in "AZaz09äöüÄÖÜß€–—„“”‚‘’…•·" if ord(c) not in check.getBestCmap()]
if missing:
    sys.exit(f"{target}: characters missing after subsetting: {missing}")
PY
}

{
  echo "/* $FAMILY: Fira Sans (SIL Open Font License 1.1, Mozilla Foundation / Carrois) from"
  echo "   $PACKAGE $VERSION, subset to German and English text and renamed (modified version,"
  echo "   \"Fira\" is a Reserved Font Name). Only the weights kern.min.css uses."
  echo "   Generated by scripts/vendor_kern.sh; static/css/portal.css points KERN at this family. */"
  for entry in "${FONTS[@]}"; do
    style="${entry%%:*}"
    weight="${entry##*:}"
    file="$FAMILY-$style.woff2"
    subset_font "$PKG/dist/fonts/fira-sans/FiraSans-$style.woff2" "$DEST/fonts/$FONT_DIR/$file" "$style"
    echo "  FiraSans-$style.woff2 $(stat -c %s "$PKG/dist/fonts/fira-sans/FiraSans-$style.woff2") bytes -> $file $(stat -c %s "$DEST/fonts/$FONT_DIR/$file") bytes" >&2
    cat <<CSS
@font-face {
  font-family: "$FAMILY";
  src: url("$FONT_DIR/$file") format("woff2");
  font-weight: $weight;
  font-style: normal;
  font-display: swap;
}
CSS
  done
} > "$DEST/fonts/$FONT_DIR.css"

# Fira Sans is under the SIL OFL 1.1 with the Reserved Font Name "Fira": the subsets are
# Modified Versions, so they carry another name and ship with the licence and this notice.
{
  echo "$FAMILY"
  echo
  echo "A modified version of Fira Sans:"
  echo "Copyright (c) 2012-2015, The Mozilla Foundation and Telefonica S.A."
  echo "with Reserved Font Name < Fira >."
  echo
  echo "The woff2 files here are modified versions of the Fira Sans files shipped in"
  echo "$PACKAGE $VERSION (FiraSans-{$(IFS=,; f=("${FONTS[@]%%:*}"); echo "${f[*]}")}.woff2, version 4.106):"
  echo "subset with fontTools $FONTTOOLS_VERSION to the characters $UNICODES"
  echo "and renamed to \"$FAMILY\" in their name tables, because the licence does not allow a"
  echo "Modified Version to use the Reserved Font Name (section 3). Outlines, metrics, hinting and"
  echo "kerning are unchanged. They are made by scripts/vendor_kern.sh and, like the original,"
  echo "distributed under the SIL Open Font License 1.1, which follows."
  echo
  cat "$ROOT/scripts/licenses/OFL-1.1.txt"
} > "$DEST/fonts/$FONT_DIR/LICENSE.txt"

cat > "$DEST/VERSION" <<TXT
name: $PACKAGE
version: $VERSION
licence: EUPL-1.2 (KERN); fonts ($FAMILY, a subset of Fira Sans): SIL OFL 1.1
source: https://registry.npmjs.org/$PACKAGE/-/native-$VERSION.tgz
homepage: https://kern-ux.de (https://gitlab.opencode.de/kern-ux/kern-ux-plain)
vendored: $(date -u +%Y-%m-%d)
fonttools: $FONTTOOLS_VERSION (subset: $UNICODES)
files: kern.min.css, js/kern-kopfzeile.js, LICENSE.md, fonts/$FONT_DIR.css, fonts/$FONT_DIR/{LICENSE.txt,$(IFS=,; f=("${FONTS[@]%%:*}"); echo "$FAMILY-${f[*]}" | sed "s/,/.woff2,$FAMILY-/g").woff2}
TXT

if grep -rq 'sourceMappingURL' "$DEST"; then
  echo "sourceMappingURL still present in $DEST" >&2
  exit 1
fi

echo "Vendored $PACKAGE $VERSION into ${DEST#"$ROOT"/}:"
(cd "$DEST" && find . -type f -printf '%8s  %p\n' | sort -k2)
