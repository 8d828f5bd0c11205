"""Draws the demo site's raster lead images (flat illustrations made for this project).

Usage: python scripts/draw_demo_images.py   (writes reader/demo_site/static/images/*.jpg)
The pictures are committed; this script says how they were made and can make them again.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "reader" / "demo_site" / "static" / "images"
SIZE = (1200, 800)


def sky(
    draw: ImageDraw.ImageDraw, top: tuple[int, int, int], bottom: tuple[int, int, int], height: int
) -> None:
    """A vertical gradient from ``top`` to ``bottom`` over the first ``height`` rows."""
    for y in range(height):
        t = y / max(1, height - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (SIZE[0], y)], fill=colour)


def ferry_at_night() -> Image.Image:
    """A ferry with lit windows crossing the harbour at night, the lighthouse beyond."""
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    sky(draw, (12, 20, 48), (40, 60, 110), 480)
    draw.rectangle([0, 480, SIZE[0], SIZE[1]], fill=(16, 36, 70))
    rng = random.Random(7)
    for _ in range(90):
        x, y = rng.randrange(SIZE[0]), rng.randrange(420)
        draw.ellipse([x, y, x + 3, y + 3], fill=(235, 235, 210))
    draw.ellipse([930, 70, 1010, 150], fill=(250, 244, 214))
    draw.polygon([(700, 480), (860, 400), (1100, 480)], fill=(30, 52, 60))
    draw.rectangle([880, 330, 906, 470], fill=(236, 232, 220))
    draw.polygon([(870, 330), (893, 300), (916, 330)], fill=(190, 50, 40))
    draw.polygon([(893, 315), (640, 250), (640, 380)], fill=(250, 230, 150))
    draw.polygon([(120, 560), (680, 560), (630, 640), (170, 640)], fill=(236, 236, 228))
    draw.rectangle([220, 490, 560, 560], fill=(214, 90, 60))
    for x in range(240, 540, 44):
        draw.rectangle([x, 506, x + 28, 532], fill=(255, 214, 120))
    for i in range(14):
        y = 660 + i * 9
        draw.line([(150 + i * 6, y), (650 - i * 6, y)], fill=(70 + i * 4, 90 + i * 4, 130), width=2)
    return image


def night_market() -> Image.Image:
    """Stalls under strings of lanterns."""
    image = Image.new("RGB", SIZE, (34, 28, 56))
    draw = ImageDraw.Draw(image)
    sky(draw, (34, 28, 56), (90, 54, 80), 420)
    draw.rectangle([0, 560, SIZE[0], SIZE[1]], fill=(60, 52, 58))
    for row, y0 in enumerate((110, 190)):
        points = [(x, y0 + 40 * math.sin((x + row * 90) / 190)) for x in range(0, SIZE[0] + 1, 20)]
        draw.line(points, fill=(40, 30, 30), width=3)
        for x, y in points[2::5]:
            draw.ellipse([x - 18, y, x + 18, y + 44], fill=(228, 72, 52))
            draw.rectangle([x - 6, y + 44, x + 6, y + 52], fill=(250, 200, 80))
    colours = [(242, 184, 64), (70, 160, 140), (220, 110, 80), (120, 150, 220)]
    for i, x in enumerate(range(40, SIZE[0], 290)):
        colour = colours[i % len(colours)]
        draw.polygon([(x, 390), (x + 250, 390), (x + 270, 440), (x - 20, 440)], fill=colour)
        draw.rectangle([x, 440, x + 250, 600], fill=(120, 84, 60))
        draw.rectangle([x + 20, 460, x + 230, 500], fill=(255, 226, 150))
    for i, x in enumerate(range(120, SIZE[0], 210)):
        draw.ellipse([x, 610, x + 40, 650], fill=(40, 36, 40))
        draw.rectangle([x + 4, 650, x + 36, 760], fill=(70 + i * 20, 60, 90))
    return image


def dragon_boat() -> Image.Image:
    """A dragon boat and its paddlers on a bright winter morning."""
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    sky(draw, (170, 210, 240), (230, 240, 250), 380)
    draw.polygon([(0, 380), (300, 250), (620, 380)], fill=(110, 160, 120))
    draw.polygon([(480, 380), (860, 220), (1200, 380)], fill=(90, 140, 110))
    draw.rectangle([0, 380, SIZE[0], SIZE[1]], fill=(40, 120, 170))
    draw.polygon([(140, 520), (1050, 520), (1000, 590), (200, 590)], fill=(200, 60, 50))
    draw.polygon([(1050, 520), (1130, 450), (1110, 530)], fill=(230, 170, 60))
    draw.ellipse([1090, 455, 1110, 475], fill=(30, 30, 30))
    for x in range(230, 980, 75):
        draw.ellipse([x, 430, x + 34, 464], fill=(120, 78, 56))
        draw.rectangle([x + 4, 464, x + 30, 520], fill=(250, 250, 250))
        draw.line([(x + 30, 480), (x - 20, 610)], fill=(150, 100, 50), width=6)
    for i in range(6):
        y = 640 + i * 24
        draw.line([(60 + i * 30, y), (1140 - i * 30, y)], fill=(90, 170, 210), width=3)
    return image


def library() -> Image.Image:
    """The reopened library: a bright reading room with shelves and a reading lamp."""
    image = Image.new("RGB", SIZE, (244, 236, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 600, SIZE[0], SIZE[1]], fill=(186, 140, 100))
    rng = random.Random(3)
    palette = [(180, 70, 60), (60, 110, 160), (230, 180, 70), (80, 140, 100), (140, 90, 150)]
    for shelf in range(3):
        y = 120 + shelf * 150
        draw.rectangle([60, y + 120, 640, y + 132], fill=(120, 84, 60))
        x = 70
        while x < 620:
            w = rng.randrange(18, 34)
            h = rng.randrange(80, 118)
            draw.rectangle([x, y + 120 - h, x + w, y + 120], fill=rng.choice(palette))
            x += w + 4
    draw.rectangle([740, 460, 1120, 490], fill=(150, 100, 70))
    draw.rectangle([760, 490, 780, 600], fill=(150, 100, 70))
    draw.rectangle([1080, 490, 1100, 600], fill=(150, 100, 70))
    draw.line([(1040, 460), (1040, 300), (960, 260)], fill=(60, 60, 60), width=8)
    draw.polygon([(930, 250), (1000, 250), (980, 300), (950, 300)], fill=(240, 200, 80))
    draw.polygon([(950, 300), (980, 300), (1040, 460), (880, 460)], fill=(252, 240, 190))
    draw.rectangle([860, 430, 960, 458], fill=(60, 110, 160))
    draw.ellipse([800, 330, 860, 390], fill=(120, 78, 56))
    draw.rectangle([790, 390, 870, 470], fill=(90, 120, 150))
    return image


def marathon() -> Image.Image:
    """Runners on the road over the hills."""
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    sky(draw, (250, 210, 150), (250, 236, 210), 420)
    draw.ellipse([160, 120, 300, 260], fill=(250, 170, 80))
    draw.polygon([(0, 420), (260, 220), (520, 420)], fill=(120, 150, 90))
    draw.polygon([(380, 420), (720, 180), (1080, 420)], fill=(100, 130, 80))
    draw.polygon([(860, 420), (1100, 260), (1200, 330), (1200, 420)], fill=(130, 160, 100))
    draw.rectangle([0, 420, SIZE[0], SIZE[1]], fill=(150, 180, 110))
    draw.polygon([(540, 420), (660, 420), (1000, SIZE[1]), (200, SIZE[1])], fill=(120, 120, 124))
    for y in range(450, SIZE[1], 60):
        draw.rectangle([596, y, 604, y + 30], fill=(250, 250, 240))
    for x, y, colour in (
        (430, 600, (60, 110, 180)),
        (640, 560, (200, 70, 60)),
        (540, 500, (240, 180, 60)),
    ):
        draw.ellipse([x, y - 70, x + 26, y - 44], fill=(120, 78, 56))
        draw.rectangle([x + 2, y - 44, x + 24, y], fill=colour)
        draw.line([(x + 8, y), (x - 6, y + 36)], fill=(40, 40, 40), width=6)
        draw.line([(x + 18, y), (x + 30, y + 36)], fill=(40, 40, 40), width=6)
    return image


PICTURES = {
    "ferry-night.jpg": ferry_at_night,
    "night-market.jpg": night_market,
    "dragon-boat.jpg": dragon_boat,
    "library.jpg": library,
    "marathon.jpg": marathon,
}


def main() -> None:
    """Draw every picture into the demo's static images."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw in PICTURES.items():
        draw().save(OUT / name, "JPEG", quality=82, optimize=True, progressive=True)
        print(OUT / name, (OUT / name).stat().st_size)


if __name__ == "__main__":
    main()
