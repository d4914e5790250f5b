"""Story.revised_at: when readers last saw a story's content change. Stories corrected before
it are given their last correction's time, what their pages gave as the last modification."""

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery


def from_corrections(apps, schema_editor):
    Story = apps.get_model("stories", "Story")
    Correction = apps.get_model("stories", "Correction")
    last = Correction.objects.filter(story=OuterRef("pk")).values("story").annotate(at=Max("at"))
    corrected = Story.objects.filter(pk__in=Correction.objects.values("story"))
    corrected.update(revised_at=Subquery(last.values("at")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0007_story_lists_ordered_by_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="revised_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When readers last saw its content change: a version saved while it "
                "was public (an edit, a correction, a restored version), or its return after an "
                "unpublishing. Its pages, feeds and sitemaps give it as the last modification.",
                null=True,
            ),
        ),
        migrations.RunPython(from_corrections, migrations.RunPython.noop, elidable=True),
    ]
