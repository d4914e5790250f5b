"""Every tag's slug folded as `tag_slug` now makes it (the Arabic letters Persian writes
otherwise written the Persian way: "اوپك" is "اوپک"; decision 0048). Tags whose slugs fold to
one are merged into the oldest (the smallest id), which keeps its name: their stories,
subscribers, section mappings and Media Topic move to it, without making a pair twice; then
they are deleted.

On PostgreSQL a search document holds its story's tag ids as terms (decision 0040), so a story
that carried a merged tag is found by the tag filter once it is indexed again: the migration
says how many there are, and `dateline reindex` does it (docs/operating.md). Not undone when
migrating back: the merged tags are gone, and the folded slugs serve the code before as well.
"""

from collections import defaultdict

from django.db import migrations

from dateline.stories.tagging import tag_slug


def _move(rows, gone: int, kept: int, owner: str | None) -> None:
    """The rows of the tag `gone` become the tag `kept`'s, but for an `owner` (a story, an
    edition…) that has a row for `kept` already: that row stays and this one goes (the pair is
    unique). With no owner, the tag has at most one row (a one-to-one link)."""
    theirs = rows.filter(tag_id=gone)
    if owner is None:
        if rows.filter(tag_id=kept).exists():
            theirs.delete()
    else:
        held = rows.filter(tag_id=kept).values(owner)
        theirs.filter(**{f"{owner}__in": held}).delete()
    theirs.update(tag_id=kept)


def merge(apps, gone: int, kept: int) -> set[int]:
    """The tag `gone` merged into the tag `kept` (its stories, subscribers, section mappings
    and Media Topic moved), then deleted; the codes of the stories that carried it."""
    links = [
        (apps.get_model("stories", "Story").tags.through.objects, "story"),
        (apps.get_model("wire", "Subscriber").tags.through.objects, "subscriber"),
        (apps.get_model("stories", "SectionMapping").objects, "edition"),
        (apps.get_model("wire", "TopicMapping").objects, None),
    ]
    carried = set(links[0][0].filter(tag_id=gone).values_list("story_id", flat=True))
    for rows, owner in links:
        _move(rows, gone, kept, owner)
    apps.get_model("stories", "Tag").objects.filter(pk=gone).delete()
    return carried


def say_merged(merged: int, touched: set[int], schema_editor) -> None:
    if merged:
        print(f"\n  {merged} tags merged into the tag they are now one with (decision 0048)")
        if schema_editor.connection.vendor == "postgresql":
            print(f"  {len(touched)} stories carried them: run `dateline reindex` after migrate")


def fold(apps, schema_editor):
    Tag = apps.get_model("stories", "Tag")
    by_slug = defaultdict(list)
    for pk, slug in Tag.objects.order_by("pk").values_list("pk", "slug"):
        by_slug[tag_slug(slug) or slug].append((pk, slug))  # nothing left of it: left alone
    merged, touched = 0, set()
    for folded, ((kept, slug), *others) in by_slug.items():
        for gone, _ in others:
            touched |= merge(apps, gone, kept)
            merged += 1
        if slug != folded:
            Tag.objects.filter(pk=kept).update(slug=folded)
    say_merged(merged, touched, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0008_story_revised_at"),
        ("wire", "0003_subscriber_inbound"),
    ]

    operations = [migrations.RunPython(fold, migrations.RunPython.noop)]
