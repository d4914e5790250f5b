"""Each comment's text as pages show it, stored (`Comment.text_html`), filled for the comments
already written."""

from django.db import migrations, models

BATCH = 500


def render_stored_texts(apps, schema_editor):
    from dateline.comments.text import comment_html

    Comment = apps.get_model("comments", "Comment")
    batch = []
    for comment in Comment.objects.exclude(text="").only("id", "text").iterator(BATCH):
        comment.text_html = comment_html(comment.text)
        batch.append(comment)
        if len(batch) == BATCH:
            Comment.objects.bulk_update(batch, ["text_html"])
            batch = []
    Comment.objects.bulk_update(batch, ["text_html"])


class Migration(migrations.Migration):
    dependencies = [("comments", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="text_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(render_stored_texts, migrations.RunPython.noop, elidable=True),
    ]
