"""Draw the portal's neutral mark (static/img/logo.svg) as the icons browsers ask for.

    .venv/bin/python scripts/make_favicons.py

Writes public/favicon.ico (16, 32 and 48 px; served at /favicon.ico by whitenoise, see
WHITENOISE_ROOT) and static/img/apple-touch-icon.png (180 px). Pillow draws the same shapes as
the SVG (a rounded square and the letter K as a polygon) at ten times the size, then scales down.
Run again after changing logo.svg.
"""

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
SCALE = 10
BLUE = "#1a3da5"
# The K of logo.svg's path (viewBox 0 0 48 48), as absolute points.
K = [
    (14, 11), (20, 11), (20, 21.6), (29.6, 11), (37, 11), (26.2, 22.9), (37.5, 37),
    (29.9, 37), (21.6, 26.4), (20, 28.2), (20, 37), (14, 37),
]  # fmt: skip


def mark(size: int, *, rounded: bool = True) -> Image.Image:
    big = Image.new("RGBA", (48 * SCALE, 48 * SCALE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    radius = 8 * SCALE if rounded else 0  # iOS rounds touch icons itself (opaque square)
    draw.rounded_rectangle((0, 0, 48 * SCALE - 1, 48 * SCALE - 1), radius=radius, fill=BLUE)
    draw.polygon([(x * SCALE, y * SCALE) for x, y in K], fill="white")
    return big.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    public = ROOT / "public"
    public.mkdir(exist_ok=True)
    mark(48).save(public / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    touch = ROOT / "static" / "img" / "apple-touch-icon.png"
    mark(180, rounded=False).convert("RGB").save(touch, optimize=True)
    for path in (public / "favicon.ico", touch):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
