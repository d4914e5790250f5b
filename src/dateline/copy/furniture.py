"""Page furniture: lines a scraper leaves around a story that are not part of it.

Only whole lines count ("Related News", "أخبار ذات صلة" alone on a line), never words
inside a sentence: English, Persian and Arabic. Matching ignores case, surrounding
whitespace, zero-width non-joiners and trailing ``:``, ``.`` or ``*``.
"""

import re

_LINE_PATTERNS = (
    r"follow us on [\w .+-]{2,30}(?: @\w+)?",
    r"related (?:news|stories|articles|content)",
    r"your comment",
    r"you are replying to:.*",
    r"share(?: this(?: story| article| page)?| on \w+)?",
    r"print(?: this(?: story| article| page)?)?",
    r"send to (?:a )?friends?",
    r"e-?mail this (?:story|article|page)",
    r"tags?",
    r"comments?",
    r"most (?:viewed|visited|read|popular)",
    r"read more",
    r"news id:? ?\d+",
    "اخبار مرتبط",
    "خبرهای مرتبط",
    "نظر شما",
    "نظرات",
    "اشتراک ?گذاری",
    "چاپ",
    "برچسب ?ها",
    "پربازدیدترین(?: ها)?",
    "ارسال به دوستان",
    r"کد خبر:? ?[\d۰-۹]+",
    "[أا]خبار ذات صلة",
    "(?:مواضيع|مقالات) ذات صلة",
    r"تابعونا (?:على|عبر)(?: [\w.@+-]+){0,2}",
    "[اإ]قرأ أيض(?:اً?|ًا)",
    r"شارك(?: الخبر| على \w+)?",
    "طباعة",
    "(?:ال)?تعليقات",
    "[أا]ضف تعليق(?:ك|ا|اً)?",
    "ال[أا]كثر (?:قراءة|مشاهدة)",
    "كلمات مفتاحية",
    "[أا]رسل (?:ل|إلى )صديق",
)
# Possessive (``*+``) runs around the line: with plain ``\s*[:.*]*\s*`` a long run of spaces
# that does not end the line would be split between the two ``\s*`` in every possible way
# (quadratic time). The classes do not overlap, so giving nothing back changes no match.
_FURNITURE = re.compile(r"\s*+(?:" + "|".join(_LINE_PATTERNS) + r")\s*+[:.*]*+\s*+", re.IGNORECASE)


def is_furniture(line: str) -> bool:
    """True when the whole of ``line`` is page furniture."""
    return _FURNITURE.fullmatch(line.replace("\u200c", " ")) is not None


def strip_furniture(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split lines into ``(kept, stripped)``; stripped lines are trimmed.

    Furniture lines are replaced by empty lines in ``kept`` so paragraph breaks
    around them survive.
    """
    kept: list[str] = []
    stripped: list[str] = []
    for line in lines:
        if line.strip() and is_furniture(line):
            stripped.append(line.strip())
            kept.append("")
        else:
            kept.append(line)
    return kept, stripped
