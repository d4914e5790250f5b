"""Migration stories/0015: revisions keep the section; those saved before are given the story's
section as it is, so a comparison or a restore across them shows and makes no move."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.stories.test_tag_migration import migrate


@pytest.mark.django_db(transaction=True)  # the schema editor runs outside a transaction
def test_earlier_revisions_are_given_the_stories_section():
    old = migrate([("stories", "0014_tags_folded_without_arabic_marks")]).get_model
    edition = old("editions", "Edition").objects.create(code="en", name="English", language="en")
    world = old("stories", "Section").objects.create(edition=edition, slug="world", name="World")
    Story, Revision = old("stories", "Story"), old("stories", "Revision")
    placed = Story.objects.create(edition=edition, headline="a", lead=".", slug="a", section=world)
    loose = Story.objects.create(edition=edition, headline="b", lead=".", slug="b")
    for story in (placed, loose):
        for version in (1, 2):
            Revision.objects.create(story=story, version=version, headline="h", lead=".")
    new = migrate([("stories", "0015_revision_section")]).get_model
    sections = new("stories", "Revision").objects.order_by("story", "version")
    assert list(sections.values_list("story", "section")) == [
        (placed.pk, world.pk),
        (placed.pk, world.pk),
        (loose.pk, None),
        (loose.pk, None),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
