"""`Story.objects.public()` is the one definition of what readers may see."""

import datetime

import pytest
from django.utils import timezone

from dateline.site.chrome import site_chrome
from dateline.stories.headlines import Headline
from dateline.stories.models import Status, Story
from tests.factories import make_edition, make_section, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return make_edition("en")


def codes(queryset) -> set[int]:
    return set(queryset.values_list("code", flat=True))


def test_published_story_is_public(edition):
    story = make_story(edition)
    assert codes(Story.objects.public()) == {story.code}


def test_draft_is_not_public(edition):
    make_story(edition, published=False)
    assert codes(Story.objects.public()) == set()


def test_story_published_for_a_future_time_is_not_public_yet(edition):
    make_story(edition, published_at=timezone.now() + datetime.timedelta(hours=1))
    assert codes(Story.objects.public()) == set()


def test_embargoed_story_is_public_only_after_the_embargo(edition):
    story = make_story(edition)
    Story.objects.filter(pk=story.pk).update(
        embargo_until=timezone.now() + datetime.timedelta(hours=1)
    )
    assert codes(Story.objects.public()) == set()
    Story.objects.filter(pk=story.pk).update(
        embargo_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert codes(Story.objects.public()) == {story.code}


def test_killed_story_is_not_public(edition):
    story = make_story(edition)
    Story.objects.filter(pk=story.pk).update(status=Status.KILLED)
    assert codes(Story.objects.public()) == set()


def test_listing_is_newest_first_within_an_edition(edition):
    other = make_edition("fa")
    now = timezone.now()
    old = make_story(edition, published_at=now - datetime.timedelta(days=2))
    new = make_story(edition, published_at=now - datetime.timedelta(hours=1))
    make_story(other)
    listed = Headline.of(Story.objects.public().in_edition(edition).headlines())
    assert [s.code for s in listed] == [new.code, old.code]


def test_a_listing_loads_everything_a_list_shows_in_one_query(edition, django_assert_num_queries):
    section = make_section(edition, "world", "World")
    for _ in range(3):
        make_story(edition, section=section)
    make_story(edition, language="fa", headline="سلام")
    chrome = site_chrome().edition(edition.code)  # the sections, read before
    with django_assert_num_queries(1):
        shown = [
            (s.headline, s.lead, s.language, s.slug, s.published_at, s.section and s.section.name)
            for s in chrome.with_sections(
                Headline.of(Story.objects.public().in_edition(edition).headlines())
            )
        ]
    assert [row[2] for row in shown] == ["fa", "en", "en", "en"]
