"""Group body lines into paragraphs and pick out sub-headings and bylines."""

import re

from dateline.copy.dateline import AGENCIES
from dateline.copy.model import Block

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 90
_SENTENCE_END = tuple('.!?:;,”"»…')
_BYLINE = re.compile(r"(?:By|BY|by) [^\W\d_][^.!?;:]{1,80}")
_MAX_BYLINE_WORDS = 10


def split_paragraphs(lines: list[str], *, hard_wrapped: bool) -> list[str]:
    """Join body lines into paragraph texts with runs of whitespace collapsed.

    A blank line always ends a paragraph. When some lines are indented with
    spaces or tabs and others are not (typewriter style), an indented line
    starts a paragraph. When there are neither blank lines nor such indents,
    every line is a paragraph of its own, unless ``hard_wrapped`` says the
    lines are wrapped prose (Reuters copy), where they join.
    """
    text_lines = [line for line in lines if line.strip()]
    indents = [line[:1] in (" ", "\t") for line in text_lines]
    by_indent = hard_wrapped or (any(indents) and not all(indents))
    by_blank = hard_wrapped or _has_inner_blank_line(lines)
    paragraphs: list[list[str]] = []
    previous_blank = True
    for line in lines:
        if not line.strip():
            previous_blank = True
            continue
        starts = (
            previous_blank or not (by_blank or by_indent) or (by_indent and line[:1] in (" ", "\t"))
        )
        if starts:
            paragraphs.append([])
        paragraphs[-1].append(line)
        previous_blank = False
    return [" ".join(" ".join(chunk).split()) for chunk in paragraphs]


def _has_inner_blank_line(lines: list[str]) -> bool:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return bool(filled) and filled[-1] - filled[0] + 1 > len(filled)


def is_heading_like(text: str) -> bool:
    """True for a short line that does not end like a sentence.

    At most 12 words and 90 characters, starting with a letter or digit and
    not ending with sentence punctuation (. ! ? : ; , ” " » …).
    """
    return (
        0 < len(text) <= MAX_HEADING_CHARS
        and len(text.split()) <= MAX_HEADING_WORDS
        and text[0].isalnum()
        and not text.endswith(_SENTENCE_END)
    )


def to_blocks(paragraphs: list[str], *, detect_headings: bool) -> list[Block]:
    """Turn the paragraphs after the lead into blocks.

    With ``detect_headings``, a heading-like paragraph (:func:`is_heading_like`)
    becomes a sub-heading when it sits between two ordinary paragraphs (the
    lead counts as the one before the first block).
    """
    heading_like = [detect_headings and is_heading_like(p) for p in paragraphs]
    blocks = []
    for i, text in enumerate(paragraphs):
        is_heading = (
            heading_like[i]
            and (i == 0 or not heading_like[i - 1])
            and i + 1 < len(paragraphs)
            and not heading_like[i + 1]
        )
        blocks.append(Block("h2" if is_heading else "p", text))
    return blocks


_BYLINE_WORD = re.compile(r"^(?:by|به قلم)\s*:?\s+", re.IGNORECASE)
_AUTHORS_JOINED = re.compile(r"\s+(?:and|&|و)\s+", re.IGNORECASE)
# The agency a wire byline signs for after the names: "By Michael Gelb, Reuters".
_AGENCY_SIGNED = re.compile(r",\s*(?:" + "|".join(AGENCIES) + r")\.?\s*$", re.IGNORECASE)


def byline_names(byline: str) -> list[str]:
    """The people a byline names, as structured data and feeds want them: without its "By"
    or the agency it signs for ("By Sara Ahmadi and Ali Rezaei" → ["Sara Ahmadi", "Ali
    Rezaei"], "By Michael Gelb, Reuters" → ["Michael Gelb"])."""
    people = _AGENCY_SIGNED.sub("", _BYLINE_WORD.sub("", byline.strip(), count=1))
    names = _AUTHORS_JOINED.split(people)
    return [name.strip() for name in names if name.strip()]


def take_byline(paragraphs: list[str]) -> tuple[str, list[str]]:
    """Split a leading ``By …`` paragraph off: ``(byline, rest)``; ``""`` when none."""
    first = paragraphs[0] if paragraphs else ""
    if _BYLINE.fullmatch(first) and len(first.split()) <= _MAX_BYLINE_WORDS:
        return first, paragraphs[1:]
    return "", paragraphs
