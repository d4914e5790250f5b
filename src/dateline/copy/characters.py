"""Characters that are in the text but not on the page: bidirectional controls, invisible text,
and file names that cannot be printed as they are.
"""

import re
import unicodedata
from collections import Counter

# Embeddings and overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI FSI PDI): copy can use
# them to show text in an order other than the stored one ("Trojan Source"). The marks U+200E
# and U+200F (and U+061C) stay: they only nudge neutral characters and Persian copy uses them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Letters and symbols that fonts draw as nothing at all (Hangul fillers, the blank Braille
# pattern): whitespace in disguise.
_BLANK_GRAPHIC = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# General categories with a glyph of their own: letters, numbers, punctuation, symbols. Not
# controls or format characters (Cc, Cf: U+200B, U+2060, the bidi controls), separators (Zs, Zl,
# Zp), marks (M*, which only decorate a base character), surrogates, private or unassigned code
# points.
_GRAPHIC_CATEGORY_CLASSES = frozenset("LNPS")
# What a printed file name must not carry raw: bytes that were not UTF-8 (surrogate escapes),
# any surrogate, C0 and C1 controls (a newline would forge a line of output) and bidi controls.
# C0 controls but tab and line feed, DEL, and C1 controls: no glyph, nothing a writer means
# (terminal colours, a bell, a form feed pasted from a PDF), and XML 1.0 cannot carry most;
# lone surrogates (no character at all: UTF-8 cannot store them) and U+FFFE, U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What XML 1.0 cannot hold at all, even escaped: C0 controls but tab, LF and CR, lone
# surrogates, U+FFFE and U+FFFF.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_UNPRINTABLE_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def strip_bidi_controls(text: str) -> tuple[str, Counter[str]]:
    """``text`` without bidirectional embedding, override and isolate controls, and a count of
    the ones removed, by character."""
    removed = Counter(_BIDI_CONTROL.findall(text))
    return (_BIDI_CONTROL.sub("", text) if removed else text), removed


def trimmed(text: str) -> str:
    """`text` without the spaces and invisible format characters (half-spaces, joiners,
    direction marks) at its ends, which a short field such as a byline or a dateline's place
    only ever gets by mistake; "" when nothing visible is left."""
    start, end = 0, len(text)
    while start < end and _blank_at_an_end(text[start]):
        start += 1
    while end > start and _blank_at_an_end(text[end - 1]):
        end -= 1
    text = text[start:end]
    return text if has_visible_character(text) else ""


def _blank_at_an_end(character: str) -> bool:
    return character.isspace() or unicodedata.category(character) == "Cf"


def isolated(text: str) -> str:
    """`text` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE when it holds a
    right-to-left letter: set among other words ("مریم احمدی, 30 Nov") it is ordered on its own
    and draws nothing in (the "30" would otherwise join the name's run and show before it).
    For places HTML's <bdi> cannot go: an <option>, a button's label."""
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return f"\u2068{text}\u2069"
    return text


# Line breaks other than CR: NEL (a C1 control, from mainframe and EBCDIC copy) and Unicode's
# line and paragraph separators.
_OTHER_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


def without_controls(text: str) -> str:
    """``text`` with line breaks as LF, no other control character but tab, and no lone
    surrogate or U+FFFE/U+FFFF."""
    text = _OTHER_LINE_BREAKS.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """`text` as a single line of plain words: no bidi or other control character, every run
    of spaces and line breaks one space, none at the ends. For a tag's name, a note."""
    return " ".join(without_controls(strip_bidi_controls(text)[0]).split())


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (what was stored before
    `without_controls` guarded the entry may still have them)."""
    return _NOT_IN_XML.sub("", text)


# Combining marks one character carries in writing: Vietnamese stacks two, Arabic a shadda and a
# vowel, Hebrew a point or three. A hundred ("zalgo") are drawn as a column over the lines
# around them.
MARKS_PER_CHARACTER = 4


def cap_combining_marks(text: str, most: int = MARKS_PER_CHARACTER) -> str:
    """``text`` with at most ``most`` combining marks after each character (the rest
    dropped)."""
    kept, run = [], 0
    for char in text:
        run = run + 1 if unicodedata.category(char) in ("Mn", "Me") else 0
        if run <= most:
            kept.append(char)
    return "".join(kept)


def describe_removed_bidi(removed: Counter[str]) -> str:
    """``"removed 3 bidirectional control characters (U+202E RIGHT-TO-LEFT OVERRIDE ×2, …)"``."""
    total = removed.total()
    kinds = ", ".join(
        f"U+{ord(char):04X} {unicodedata.name(char)} ×{count}"
        for char, count in sorted(removed.items())
    )
    plural = "s" if total != 1 else ""
    return f"removed {total} bidirectional control character{plural} ({kinds})"


def has_visible_character(text: str) -> bool:
    """True when ``text`` holds at least one character a reader can see.

    Visible means a letter, number, punctuation mark or symbol that is not drawn blank. Text
    made only of spaces, controls, format characters (zero-width space U+200B, word joiner
    U+2060, direction marks U+200E/U+200F, soft hyphen), combining marks with no base, or
    Hangul fillers is not visible.
    """
    return any(
        unicodedata.category(char)[0] in _GRAPHIC_CATEGORY_CLASSES and char not in _BLANK_GRAPHIC
        for char in text
    )


def printable_name(name: str) -> str:
    """A file name that is safe to print on any UTF-8 output.

    Bytes that were not UTF-8 (kept by the file system decoding as surrogate escapes) become
    ``\\xNN``, as ``backslashreplace`` writes them; other surrogates, control characters and
    bidi controls become ``\\uNNNN`` or ``\\xNN`` escapes. Anything else is kept, so ordinary
    Persian and accented names print as they are.
    """
    return _UNPRINTABLE_IN_NAME.sub(_escape, name)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, escaped by "surrogateescape"
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
