"""The outbox of story changes (decision 0050): a row per change whose fan-out has not run in
full. It starts empty, so an existing database has nothing to send again."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0011_tags_keyed_by_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingFanOut",
            fields=[
                (
                    "change",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="stories.storychange",
                    ),
                ),
            ],
        ),
    ]
