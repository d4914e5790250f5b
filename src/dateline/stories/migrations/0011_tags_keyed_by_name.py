"""Every tag given its key (`tag_key`), what tags are told apart by now: its name folded as
its slug is, but with the punctuation a slug drops kept ("C#" is not "C++", though both slugs
are "c"). Slugs, and so addresses, stay as they are. A tag named as an older one (the admin
could rename a tag so, or give one a slug its name does not make) is left without a key, as
is one whose name no tag can be named by: its address and stories stay, its name finds the
older tag; the migration lists them, to rename in the admin. Migrating back drops the keys.
"""

from django.db import migrations, models

from dateline.stories.tagging import tag_key


def key_tags(apps, schema_editor):
    Tag = apps.get_model("stories", "Tag")
    keyed, left = {}, []
    for tag in Tag.objects.order_by("pk").only("pk", "name", "slug"):
        key = tag_key(tag.name)
        if key and key not in keyed:
            tag.key = key
            keyed[key] = tag
        else:
            left.append(tag.slug)
    Tag.objects.bulk_update(keyed.values(), ["key"], batch_size=500)
    if left:
        print(f"\n  {len(left)} tags named as an older tag, or by no letter or digit, are left")
        print(f"  without a key (rename them in the admin): {', '.join(left)}")


class Migration(migrations.Migration):
    dependencies = [("stories", "0010_tags_folded_with_heh_yeh")]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="key",
            field=models.CharField(
                blank=True, editable=False, max_length=120, null=True, unique=True
            ),
        ),
        migrations.RunPython(key_tags, migrations.RunPython.noop),
    ]
