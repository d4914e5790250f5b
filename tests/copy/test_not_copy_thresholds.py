"""Where notes stop and a story starts, and how a refused first line is quoted."""

import pytest
from copy_support import NOW

from dateline.copy import parse_text
from dateline.copy.errors import NotWireCopy

SHORT = "Oil prices rose today"  # five words or fewer
LONG = "The ministry said on Monday that the talks would resume next week in Vienna"


def copy_with(short: int, long: int) -> bytes:
    """A headline (short) and `short - 1` more short lines and `long` long ones, no dateline."""
    lines = ["Notes from the desk", *[SHORT] * (short - 1), *[LONG] * long]
    # The lead is the first paragraph: make it a long line so the story has one.
    lines.insert(1, "")
    lines.insert(2, LONG)
    lines.insert(3, "")
    return "\n".join(lines).encode()


def parse(data: bytes):
    return parse_text(data, name="notes.txt", now=NOW)


@pytest.mark.parametrize(
    ("short", "long"),
    [
        (7, 2),  # 10 lines, 7 short: over two thirds
        (8, 3),  # 12 lines, 8 short: exactly two thirds
        (10, 1),  # the lead and ten short lines
    ],
)
def test_mostly_short_lines_without_a_dateline_are_notes(short, long):
    with pytest.raises(NotWireCopy, match="notes or a list"):
        parse(copy_with(short, long))


@pytest.mark.parametrize(
    ("short", "long"),
    [
        (6, 3),  # 10 lines, 6 short: under two thirds
        (7, 3),  # 11 lines, 7 short: under two thirds
        (8, 0),  # 9 lines: too few to tell
    ],
)
def test_fewer_short_lines_or_fewer_lines_make_a_story(short, long):
    story = parse(copy_with(short, long))
    assert story.headline == "Notes from the desk"
    assert story.lead == LONG


def test_a_refused_first_line_is_quoted_in_full_up_to_forty_characters():
    first = "<" + "x" * 39  # 40 characters
    with pytest.raises(NotWireCopy) as refused:
        parse(f"{first}\n\nText.".encode())
    assert repr(first) in str(refused.value)


def test_a_longer_refused_first_line_is_cut_with_an_ellipsis():
    first = "<" + "y" * 60
    with pytest.raises(NotWireCopy) as refused:
        parse(f"{first}\n\nText.".encode())
    assert repr(first[:39] + "…") in str(refused.value)
