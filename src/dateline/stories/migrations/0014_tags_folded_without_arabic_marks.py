"""Every keyed tag given its key again, now that a key drops the marks Arabic script writes
over and under its letters ("أمريكا" is "امريكا", as search reads it), writes Persian and
Arabic-Indic digits in ASCII ("۲۰۲۶" is "2026") and reads an abbreviation without its periods
("U.S." is "US"). Tags of one key are merged into the oldest, as 0009 merges them (its
docstring says what moves, and when `dateline reindex` is needed on PostgreSQL). Addresses
(slugs) stay as they are. Tags 0011 left without a key are left as they are. Not undone on
migrating back.
"""

from collections import defaultdict
from importlib import import_module

from django.db import migrations

from dateline.stories.tagging import tag_key

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
    first_folding.say_merged(merged, touched, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("stories", "0013_change_names_the_lists_left")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
