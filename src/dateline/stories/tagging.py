import unicodedata
from collections.abc import Iterable

from django.utils.text import slugify

from dateline.copy.characters import one_line
from dateline.copy.letters import persian_letters
from dateline.stories.models import Tag, Vocabulary

MAX_TAG_LENGTH = 120


def tag_name(label: str) -> str:
    """A label as a tag's name: no bidi or other controls, spaces collapsed, cut to length."""
    return one_line(label)[:MAX_TAG_LENGTH]


def tag_slug(text: str) -> str:
    """The slug a tag is identified by, from its name or from a slug given from outside (an
    address, a filter): "Caspian Sea" and "caspian-sea" are "caspian-sea", and the Arabic
    letters Persian writes otherwise are written the Persian way as search writes them
    (`dateline.copy.letters`), so "اوپك" and "اوپک" are one tag "اوپک". Empty when nothing of
    `text` can be in a slug. A slug made here comes out of it unchanged."""
    # Compatibility forms first: the Arabic presentation forms are the Arabic letters (ﻛ: ك).
    folded = persian_letters(unicodedata.normalize("NFKC", tag_name(text)))
    return slugify(folded, allow_unicode=True)[:MAX_TAG_LENGTH].strip("-")


def tags_for(labels: Iterable[tuple[str, str]], known: dict[str, Tag] | None = None) -> list[Tag]:
    """The Tag rows for (vocabulary, name) pairs, creating the missing ones.

    Tags are matched by slug (`tag_slug`), so "Caspian Sea" and "caspian-sea" are one tag, and
    so are "ايران" and "ایران"; a new tag keeps the name as first written. Three queries at
    most, however many labels; none when every slug is in `known`, a memo the caller keeps
    (and this function fills) across calls.
    """
    known = {} if known is None else known
    wanted: dict[str, tuple[str, str]] = {}
    for vocabulary, name in labels:
        name = tag_name(name)
        slug = tag_slug(name)
        if slug and slug not in wanted:
            wanted[slug] = (vocabulary if vocabulary in Vocabulary.values else "keyword", name)
    unknown = [slug for slug in wanted if slug not in known]
    if unknown:
        known.update((tag.slug, tag) for tag in Tag.objects.filter(slug__in=unknown))
    missing = [
        Tag(slug=slug, name=name, vocabulary=vocabulary)
        for slug, (vocabulary, name) in wanted.items()
        if slug not in known
    ]
    if missing:
        # ignore_conflicts: a concurrent import may create the same tag between the two queries.
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        created = Tag.objects.filter(slug__in=[tag.slug for tag in missing])
        known.update((tag.slug, tag) for tag in created)
    return [known[slug] for slug in wanted]
