"""Related News: computed in the background from the change log, stored, read by the article
page through `public()`; editors' picks and exclusions; bounded incremental work."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dateline.discovery.models import RelatedStory
from dateline.discovery.related import CANDIDATES, RELATED_LIMIT, rebuild, refresh
from dateline.stories.actions import (
    embargo_story,
    kill_story,
    schedule_story,
    unpublish_story,
)
from tests.factories import make_story

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def background(settings, committed):
    """Tasks run as soon as they are queued, as if the worker were instant."""
    settings.TASKS = IMMEDIATE
    return committed


def stored(story) -> list[int]:
    return list(
        RelatedStory.objects.filter(story=story).order_by("rank").values_list("related", flat=True)
    )


def page_related(client, story) -> list[str]:
    """The Related News links of the story's public page, as a reader sees them."""
    page = BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser")
    return [a["href"] for a in page.select("section.related li a")]


def url_of(story) -> str:
    return story.get_absolute_url()


def test_a_story_about_the_same_event_ranks_above_one_sharing_a_common_word(editions, background):
    en, _ = editions
    with background():
        same_event = make_story(
            en,
            headline="Vienna talks on the JCPOA resume",
            lead="Negotiators met in Vienna to revive the JCPOA nuclear accord.",
            body="Diplomats said the JCPOA talks in Vienna would continue next week.",
        )
        common_word = make_story(
            en,
            headline="Talks on football transfers",
            lead="Clubs held talks about the season's transfers.",
            body="The talks ended without a deal on the transfers.",
        )
        story = make_story(
            en,
            headline="JCPOA negotiators return to Vienna",
            lead="The JCPOA talks in Vienna restart on Monday, negotiators said.",
            body="Vienna hosts the JCPOA negotiators again.",
        )
    assert stored(story)[:2] == [same_event.pk, common_word.pk] or stored(story) == [
        same_event.pk
    ]
    entry = RelatedStory.objects.get(story=story, related=same_event)
    assert "jcpoa" in entry.explanation and "text 0." in entry.explanation
