"""Every tag's slug folded again, now that `tag_slug` writes ۀ (heh with yeh above, one
character) as ه, as search does: "بودجۀ" is the tag "بودجه". The same merge as 0009 (its
docstring says what moves, and when `dateline reindex` is needed on PostgreSQL)."""

from importlib import import_module

from django.db import migrations

first_folding = import_module("dateline.stories.migrations.0009_tags_folded_like_search")


class Migration(migrations.Migration):
    dependencies = [("stories", "0009_tags_folded_like_search")]

    operations = [migrations.RunPython(first_folding.fold, migrations.RunPython.noop)]
