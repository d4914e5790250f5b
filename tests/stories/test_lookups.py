"""`any_of` finds what `__in` finds, with the whole list one parameter of the SQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.stories.models import Story
from tests.factories import make_edition, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories():
    edition = make_edition("en")
    return [make_story(edition, tags=(f"tag {n % 3}", "shared")) for n in range(12)]


def test_finds_what_in_finds_on_keys_and_foreign_keys(stories):
    codes = [s.pk for s in stories]
    asked = [codes[0], codes[5], codes[5], codes[-1], max(codes) + 1_000, -3]
    assert sorted(Story.objects.filter(pk__any_of=asked).values_list("pk", flat=True)) == sorted(
        Story.objects.filter(pk__in=asked).values_list("pk", flat=True)
    )
    assert sorted(Story.objects.filter(pk__any_of=asked).values_list("pk", flat=True)) == sorted(
        {codes[0], codes[5], codes[-1]}
    )
    through = Story.tags.through.objects
    found = sorted(through.filter(story_id__any_of=asked).values_list("story_id", "tag_id"))
    assert found == sorted(through.filter(story_id__in=asked).values_list("story_id", "tag_id"))
    assert len(found) == 6  # two tags each
    assert Story.objects.exclude(pk__any_of=codes[1:]).get() == stories[0]


def test_one_parameter_whatever_the_length(stories):
    codes = [s.pk for s in stories]
    short = Story.objects.filter(pk__any_of=codes[:2]).query.sql_with_params()
    long = Story.objects.filter(pk__any_of=[*codes, *range(10**6, 10**6 + 500)]).query
    long = long.sql_with_params()
    assert short[0] == long[0]  # the same statement: the driver parses it once
    assert len(short[1]) == len(long[1]) == 1


def test_an_empty_list_matches_nothing_without_a_query(stories):
    with CaptureQueriesContext(connection) as asked:
        assert list(Story.objects.filter(pk__any_of=[])) == []
        assert Story.objects.filter(pk__any_of=[]).count() == 0
    assert asked.captured_queries == []
    assert Story.objects.exclude(pk__any_of=[]).count() == len(stories)


def test_keys_that_are_not_whole_numbers_are_refused(stories):
    with pytest.raises(ValueError, match="invalid literal"):
        Story.objects.filter(pk__any_of=["1; DROP TABLE stories_story"]).count()
    assert Story.objects.count() == len(stories)
