from collections.abc import Iterable

from django.utils.text import slugify

from dateline.stories.models import Tag, Vocabulary


def tags_for(labels: Iterable[tuple[str, str]]) -> list[Tag]:
    """The Tag rows for (vocabulary, name) pairs, creating the missing ones.

    Tags are matched by slug, so "Caspian Sea" and "caspian-sea" are one tag. Three queries at
    most, however many labels.
    """
    wanted: dict[str, tuple[str, str]] = {}
    for vocabulary, name in labels:
        name = " ".join(name.split())
        slug = slugify(name, allow_unicode=True)[:120]
        if slug and slug not in wanted:
            wanted[slug] = (vocabulary if vocabulary in Vocabulary.values else "keyword", name)
    if not wanted:
        return []
    found = {tag.slug: tag for tag in Tag.objects.filter(slug__in=wanted)}
    missing = [
        Tag(slug=slug, name=name, vocabulary=vocabulary)
        for slug, (vocabulary, name) in wanted.items()
        if slug not in found
    ]
    if missing:
        # ignore_conflicts: a concurrent import may create the same tag between the two queries.
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        found.update(
            (tag.slug, tag) for tag in Tag.objects.filter(slug__in=[t.slug for t in missing])
        )
    return [found[slug] for slug in wanted]
