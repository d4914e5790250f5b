"""Each stored comment's text as pages show it (`Comment.text_html`) written again where it
changed: a link no longer takes in the punctuation typed after its address
(`comments.text._address`)."""

from django.db import migrations

BATCH = 500


def render_stored_texts(apps, schema_editor):
    from dateline.comments.text import comment_html

    Comment = apps.get_model("comments", "Comment")
    batch = []
    comments = Comment.objects.exclude(text="").only("id", "text", "text_html")
    for comment in comments.iterator(BATCH):
        html = comment_html(comment.text)
        if html == comment.text_html:
            continue  # most comments: no link, or none followed by punctuation
        comment.text_html = html
        batch.append(comment)
        if len(batch) == BATCH:
            Comment.objects.bulk_update(batch, ["text_html"])
            batch = []
    Comment.objects.bulk_update(batch, ["text_html"])


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_comment_text_html")]

    operations = [
        migrations.RunPython(render_stored_texts, migrations.RunPython.noop, elidable=True),
    ]
