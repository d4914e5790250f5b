"""Each story's stored body (`Story.body_html`) without the `rel="noopener nofollow ugc"` that
every link in it carried: the newsroom's links are its citations, not readers' words
(`stories.rendering.render_body`). One `UPDATE`, the text replaced where it occurs, so a
million stories need no rendering again. The attribute is matched with the quote before it and
the `>` after it, which a body's text cannot hold (nh3 writes `&gt;` there)."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

OLD_REL = '" rel="noopener nofollow ugc">'
NEW_REL = '">'


def drop_old_rel(apps, schema_editor):
    Story = apps.get_model("stories", "Story")
    Story.objects.filter(body_html__contains=OLD_REL).update(
        body_html=Replace("body_html", Value(OLD_REL), Value(NEW_REL))
    )


class Migration(migrations.Migration):
    dependencies = [("stories", "0017_wire_listings")]

    operations = [
        migrations.RunPython(drop_old_rel, migrations.RunPython.noop, elidable=True),
    ]
