from collections.abc import Iterable

from django.utils.text import slugify

from dateline.copy.characters import strip_bidi_controls, without_controls
from dateline.stories.models import Tag, Vocabulary

MAX_TAG_LENGTH = 120


def tags_for(labels: Iterable[tuple[str, str]], known: dict[str, Tag] | None = None) -> list[Tag]:
    """The Tag rows for (vocabulary, name) pairs, creating the missing ones.

    Tags are matched by slug, so "Caspian Sea" and "caspian-sea" are one tag. Three queries at
    most, however many labels; none when every slug is in `known`, a memo the caller keeps
    (and this function fills) across calls.
    """
    known = {} if known is None else known
    wanted: dict[str, tuple[str, str]] = {}
    for vocabulary, name in labels:
        name = " ".join(without_controls(strip_bidi_controls(name)[0]).split())[:MAX_TAG_LENGTH]
        slug = slugify(name, allow_unicode=True)[:MAX_TAG_LENGTH].strip("-")
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
