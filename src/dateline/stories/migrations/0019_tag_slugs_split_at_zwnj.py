"""Tags whose names hold a zero-width non-joiner get their slug again, now that one separates
words in a slug as a space does ("راه‌آهن" was راهآهن, a misspelling; it is راه-آهن). A new slug
another tag already has is numbered, as a new tag's would be (`tagging.numbered_slug`). The
addresses of the slugs before answer with a move to the new ones (`site.views.moved_tag`).
Not undone on migrating back.
"""

from django.db import migrations
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from dateline.stories.content import ZWNJ
from dateline.stories.tagging import numbered_slug, tag_slug


def reslug(apps, schema_editor):
    Tag = apps.get_model("stories", "Tag")
    joined = list(Tag.objects.filter(name__contains=ZWNJ).order_by("pk").only("pk", "name", "slug"))
    moving = [tag for tag in joined if tag_slug(tag.name) and tag.slug != tag_slug(tag.name)]
    if not moving:
        return
    # Set aside first ("-" and the primary key, which no slug is): a slug is unique, and one tag's new
    # slug may be another's old one.
    Tag.objects.filter(pk__in=[tag.pk for tag in moving]).update(
        slug=Concat(Value("-"), Cast("pk", CharField()))
    )
    taken = set(Tag.objects.values_list("slug", flat=True))
    for tag in moving:
        number = 1
        while (slug := numbered_slug(tag_slug(tag.name), number)) in taken:
            number += 1
        tag.slug = slug
        taken.add(slug)
    Tag.objects.bulk_update(moving, ["slug"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("stories", "0018_body_links_without_ugc")]

    operations = [migrations.RunPython(reslug, migrations.RunPython.noop)]
