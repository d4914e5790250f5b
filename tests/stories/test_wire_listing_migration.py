"""Migration stories/0017: where each story that has been out on the wire was listed, from
what is known of it then: its versions' sections since it went out and its tags now."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.stories.test_tag_migration import migrate


@pytest.mark.django_db(transaction=True)  # the schema editor runs outside a transaction
def test_stories_that_went_out_are_given_their_sections_since_and_their_tags():
    old = migrate([("stories", "0016_story_credit")]).get_model
    edition = old("editions", "Edition").objects.create(code="en", name="English", language="en")
    Section, Story, Tag = old("stories", "Section"), old("stories", "Story"), old("stories", "Tag")
    Revision, StoryChange = old("stories", "Revision"), old("stories", "StoryChange")
    world = Section.objects.create(edition=edition, slug="world", name="World")
    politics = Section.objects.create(edition=edition, slug="politics", name="Politics")
    oil = Tag.objects.create(slug="oil", name="Oil", key="oil")

    def story(slug, *, versions, out_at=None):
        """A story now in World carrying Oil, its versions' sections in order, and when (at
        which version) it went out, if it did."""
        made = Story.objects.create(
            edition=edition, headline=slug, lead=".", slug=slug, section=world, version=3
        )
        made.tags.add(oil)
        for version, section in enumerate(versions, start=1):
            Revision.objects.create(
                story=made, version=version, headline=slug, lead=".", section=section
            )
        StoryChange.objects.create(story=made, version=1, action="created")
        if out_at:
            StoryChange.objects.create(story=made, version=out_at, action="published")
        return made

    out_from_the_start = story("a", versions=[politics, None, world], out_at=1)
    out_later = story("b", versions=[politics, world, world], out_at=2)
    never_out = story("c", versions=[politics, world, world])
    new = migrate([("stories", "0017_wire_listings")]).get_model
    listings = new("stories", "WireListing").objects.values_list("story", "section", "tag")
    assert set(listings) == {
        (out_from_the_start.pk, politics.pk, None),
        (out_from_the_start.pk, world.pk, None),
        (out_from_the_start.pk, None, oil.pk),
        (out_later.pk, world.pk, None),
        (out_later.pk, None, oil.pk),
    }
    assert never_out.pk not in {story for story, _, _ in listings}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
