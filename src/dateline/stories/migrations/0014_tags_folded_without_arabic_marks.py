"""Every keyed tag given its key and slug again, now that both drop the marks Arabic script
writes over and under its letters ("أمريكا" is "امریکا", as search reads it) and write
Persian and Arabic-Indic digits in ASCII ("۲۰۲۶" is "2026"), and a key reads an abbreviation
without its periods ("U.S." is "US"). Tags of one key are merged into the
oldest, as 0009 merges them (its docstring says what moves, and when `dateline reindex` is
needed on PostgreSQL). A slug folded to one another tag holds is numbered, as a new tag's is
("c-2"). Tags 0011 left without a key are left as they are. Not undone on migrating back.
"""

from collections import defaultdict
from importlib import import_module

from django.db import migrations

from dateline.stories.tagging import numbered_slug, tag_key, tag_slug

first_folding = import_module("dateline.stories.migrations.0009_tags_folded_like_search")


def refold(apps, schema_editor):
    Tag = apps.get_model("stories", "Tag")
    by_key = defaultdict(list)
    for tag in Tag.objects.exclude(key=None).order_by("pk").only("pk", "name", "slug", "key"):
        by_key[tag_key(tag.name) or tag.key].append(tag)
    merged, touched, kept = 0, set(), []
    for key, (oldest, *others) in by_key.items():
        for gone in others:
            touched |= first_folding.merge(apps, gone.pk, oldest.pk)
            merged += 1
        kept.append((oldest, key))
    rekeyed = [tag for tag, key in kept if tag.key != key]
    # Cleared first: a key is unique, and one tag's new key may be another's old one.
    Tag.objects.filter(pk__in=[tag.pk for tag in rekeyed]).update(key=None)
    for tag, key in kept:
        tag.key = key
    Tag.objects.bulk_update(rekeyed, ["key"], batch_size=500)
    taken = set(Tag.objects.values_list("slug", flat=True))
    for tag, _ in kept:
        folded = tag_slug(tag.slug) or tag.slug
        if folded != tag.slug:
            number = 1
            while numbered_slug(folded, number) in taken:
                number += 1
            taken.add(numbered_slug(folded, number))
            Tag.objects.filter(pk=tag.pk).update(slug=numbered_slug(folded, number))
    first_folding.say_merged(merged, touched, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("stories", "0013_change_names_the_lists_left")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
