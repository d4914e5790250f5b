import re
import unicodedata
from collections.abc import Iterable

from django.utils.text import slugify

from dateline.copy.characters import one_line
from dateline.copy.letters import ascii_digits, persian_letters
from dateline.stories.compiled import Compiled
from dateline.stories.content import ZWNJ
from dateline.stories.models import Tag, Vocabulary

MAX_TAG_LENGTH = 120
# Built and compiled once (decision 0039): the tag page looked its tag up through the ORM,
# building the query on each request a fifth of the page's cost.
_TAG_OF_SLUG = Compiled(lambda slug: Tag.objects.filter(slug=slug))
# Tags typed in one field are separated by commas, Latin or Arabic-script (Persian uses "،").
TAG_SEPARATORS = re.compile(r"[,،]")
_SEPARATED = re.compile(r"([,،])")
_SPACED_SEPARATOR = re.compile(r"\s*([,،])\s*")


def tag_names(text: str, whole: Iterable[str] = ()) -> list[str]:
    """The names typed in one field ("oil, OPEC" or "نفت، اوپک"), spaces collapsed, each once.

    `whole` are names read as one where they stand between separators though they hold one
    (a partner's subject "arts, culture, entertainment and media", among a story's tags as the
    edit form shows them): saving the form unchanged must not split such a tag into three."""
    held = {_key_spaced(name): name for name in whole if TAG_SEPARATORS.search(name)}
    longest = max((len(TAG_SEPARATORS.findall(name)) + 1 for name in held.values()), default=1)
    pieces = _SEPARATED.split(text or "")  # names and, between them, the separators
    names, start = [], 0
    while start < len(pieces):
        name = " ".join(pieces[start].split())
        end = start + 1
        for span in range(min(longest, (len(pieces) - start + 1) // 2), 1, -1):
            if found := held.get(_key_spaced("".join(pieces[start : start + 2 * span - 1]))):
                name, end = found, start + 2 * span - 1
                break
        names.append(name)
        start = end + 1
    return list(dict.fromkeys(name for name in names if name))


def _key_spaced(name: str) -> str:
    """`tag_key` of a name holding separators, however they are spaced."""
    return tag_key(_SPACED_SEPARATOR.sub(r"\1 ", name))


def tag_name(label: str) -> str:
    """A label as a tag's name: no bidi or other controls, spaces collapsed, cut to length."""
    return one_line(label)[:MAX_TAG_LENGTH]


# The marks Arabic script writes over and under its letters: the harakat, the hamza and madda
# of أ إ آ ؤ ئ, the superscript alef, Quranic marks. Copy writes one word with or without
# them ("أمريكا", "امريكا"), and search reads it without (`dateline.discovery.text`); a key
# does too, an address keeps them ("آب", water, is no "اب").
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
# An abbreviation written with periods: two letters or more, each but the last followed by a
# period, standing alone ("U.S.", "U.N", "e.g."). "Node.js" and ".NET" are none.
_ABBREVIATION = re.compile(r"(?<![^\W_])(?:[^\W\d_]\.)+[^\W\d_]\.?(?![^\W_])")


def _folded(text: str) -> str:
    # Compatibility forms first: the Arabic presentation forms are the Arabic letters (ﻛ: ك).
    return persian_letters(unicodedata.normalize("NFKC", tag_name(text)))


def _bare(folded: str) -> str:
    """A `_folded` name as a key reads it: without the Arabic marks, in ASCII digits."""
    if folded.isascii():
        return folded
    # Decomposed, "أ" is "ا" and a hamza above (and "ئ" a "ي" to write the Persian way again);
    # Latin letters get their accents back.
    bare = _ARABIC_MARKS.sub("", unicodedata.normalize("NFD", folded))
    return ascii_digits(persian_letters(unicodedata.normalize("NFC", bare)))


def tag_slug(text: str) -> str:
    """The slug of a tag's address, from its name or from a slug given from outside (an
    address, a filter): "Caspian Sea" and "caspian-sea" are "caspian-sea", and the Arabic
    letters Persian writes otherwise are written the Persian way as search writes them
    (`dateline.copy.letters`), so "اوپك" and "اوپک" are "اوپک". A zero-width non-joiner
    separates words as a space does ("راه‌آهن" is راه-آهن, not the misspelt راهآهن), as in a
    story's slug. Empty when nothing of `text` can be in a slug.
    A slug made here comes out of it unchanged."""
    spaced = _folded(text).replace(ZWNJ, " ")
    return slugify(spaced, allow_unicode=True)[:MAX_TAG_LENGTH].strip("-")


def tag_key(name: str) -> str:
    """What a tag is told apart by (`Tag.key`): its name folded as its slug is (case, spaces,
    compatibility forms, the letters above, marks and joiners), but with the punctuation and
    symbols a slug drops kept: "C#" and "C++" are two tags, though both slugs are "c"; "c++"
    and "Ｃ＋＋" are "C++". Search's folding goes further than an address's: the marks Arabic
    script writes over and under its letters are dropped ("أمريكا" is "امريكا"), digits are
    ASCII ("۲۰۲۶" is "2026"), and an abbreviation's periods are not kept ("U.S." is "US"). Empty
    when no tag can be named by `name` (its slug is empty)."""
    if not tag_slug(name):
        return ""
    # What is seen first (a zero-width space inside "U.S." must not hide the abbreviation).
    kept = "".join(
        c
        for c in _bare(_folded(name)).casefold()
        if c.isalnum() or c.isspace() or unicodedata.category(c)[0] in "PS"
    )
    unabbreviated = _ABBREVIATION.sub(lambda match: match[0].replace(".", ""), kept)
    return re.sub(r"[-\s]+", "-", unabbreviated)[:MAX_TAG_LENGTH].strip("-")


def numbered_slug(slug: str, number: int) -> str:
    """`slug` the first time, then numbered ("c-2", "c-3"…), cut to leave room for it."""
    if number == 1:
        return slug
    suffix = f"-{number}"
    return slug[: MAX_TAG_LENGTH - len(suffix)].rstrip("-") + suffix


def tags_for(labels: Iterable[tuple[str, str]], known: dict[str, Tag] | None = None) -> list[Tag]:
    """The Tag rows for (vocabulary, name) pairs, creating the missing ones.

    Tags are matched by key (`tag_key`), so "Caspian Sea" and "caspian  sea" are one tag, and
    so are "ايران" and "ایران", while "C#" and "C++" are two. A new tag keeps the name as first
    written, and the slug of its name (`tag_slug`), numbered when another tag has that slug
    ("C#" at "c-2" when "C++" is at "c"). Three queries at most, however many labels, but two
    more for each number tried; none when every key is in `known`, a memo the caller keeps
    (and this function fills) across calls.
    """
    known = {} if known is None else known
    wanted: dict[str, tuple[str, str]] = {}
    for vocabulary, name in labels:
        name = tag_name(name)
        key = tag_key(name)
        if key and key not in wanted:
            wanted[key] = (vocabulary if vocabulary in Vocabulary.values else "keyword", name)
    unknown = [key for key in wanted if key not in known]
    if unknown:
        known.update((tag.key, tag) for tag in Tag.objects.filter(key__in=unknown))
    number = 1
    while missing := {key: wanted[key] for key in wanted if key not in known}:
        # ignore_conflicts: a concurrent import may create the same tag between the queries,
        # and a tag not created because another tag has its slug tries the next number.
        Tag.objects.bulk_create(
            [
                Tag(key=key, slug=numbered_slug(tag_slug(name), number), name=name, vocabulary=v)
                for key, (v, name) in missing.items()
            ],
            ignore_conflicts=True,
        )
        known.update((tag.key, tag) for tag in Tag.objects.filter(key__in=missing))
        number += 1
    return [known[key] for key in wanted]


def tag_of_slug(slug: str) -> Tag | None:
    """The tag whose address `slug` is (slugs are unique), or None."""
    return next(iter(_TAG_OF_SLUG.instances(slug=slug)), None)
