"""Draw the site's link-preview image (Open Graph's og:image where a page has no picture of its
own): the favicon's mark, white on its red, 1200 × 630 (the size Facebook, LinkedIn and X's
large cards ask for). Wordless, so one image serves every edition.

    .venv/bin/python scripts/social-card.py src/dateline/site/static/site/social-card.png
"""

import sys

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1200, 630
RED, WHITE = "#9b1c1c", "#ffffff"
UNIT = 20  # pixels per unit of the favicon's 32-unit view box


def main(path: str) -> None:
    card = Image.new("RGB", (WIDTH, HEIGHT), RED)
    draw = ImageDraw.Draw(card)
    # The favicon's "D": a bar from x 9 to 16 and a half disc of radius 8 at (16, 16), both 16
    # units high, centred on the card.
    left, top = WIDTH / 2 - 7.5 * UNIT, HEIGHT / 2 - 8 * UNIT  # 15 units wide, 16 high
    draw.rectangle((left, top, left + 7 * UNIT, top + 16 * UNIT), fill=WHITE)
    centre_x = left + 7 * UNIT
    draw.pieslice(
        (centre_x - 8 * UNIT, top, centre_x + 8 * UNIT, top + 16 * UNIT), -90, 90, fill=WHITE
    )
    card.save(path, optimize=True)


if __name__ == "__main__":
    main(sys.argv[1])
