"""The edges of 'withdrawn': the notice is dated by the kill, not the publication, even when
both fall in the same instant; a story whose time came but that nobody released was never
seen, whatever else ran meanwhile; a killed story without a logged kill is a plain 404."""

import datetime
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from dateline.stories.actions import kill_story, publish_story, schedule_story
from dateline.stories.models import Status, Story, StoryChange
from tests.factories import make_story

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def notice_time(response) -> datetime.datetime:
    assert response.status_code == 410, response.status_code
    soup = BeautifulSoup(response.content, "html.parser")
    return datetime.datetime.fromisoformat(soup.select_one("main p.notice time")["datetime"])


def test_the_notice_is_dated_by_the_kill_not_by_the_publication(client, editions):
    en, _ = editions
    story = make_story(en, published=False)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - 24 * HOUR):
        publish_story(story)  # published (and logged) a day ago
    kill_story(story, reason="Withdrawn.")
    killed_at = StoryChange.objects.get(story=story, action="killed").at
    assert notice_time(client.get(story.get_absolute_url())) == killed_at.replace(microsecond=0)


def test_a_story_killed_in_the_instant_it_was_published_is_withdrawn(client, editions):
    en, _ = editions
    story = make_story(en, published=False)
    instant = timezone.now() - HOUR
    with mock.patch("django.utils.timezone.now", return_value=instant):
        publish_story(story)
        kill_story(story, reason="Withdrawn at once.")
    assert Story.objects.get(pk=story.pk).published_at == instant
    assert notice_time(client.get(story.get_absolute_url())) == instant.replace(microsecond=0)


def test_a_scheduled_story_killed_before_its_release_was_never_seen(client, editions):
    """Its time has passed but the worker had not released it: status 'scheduled', never
    public. Other stories were published and killed meanwhile; that changes nothing."""
    en, _ = editions
    story = make_story(en, published=False)
    now = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=now - 2 * HOUR):
        schedule_story(story, at=now - HOUR)
    assert client.get(story.get_absolute_url()).status_code == 404  # due, not released
    other = make_story(en)
    kill_story(story, reason="Never ran.")
    kill_story(make_story(en), reason="Ran, then withdrawn.")
    unknown = client.get("/en/news/999999/no-such-story")
    response = client.get(story.get_absolute_url())
    assert response.status_code == 404
    assert response.content == unknown.content
    assert client.get(other.get_absolute_url()).status_code == 200


def test_a_story_marked_killed_without_a_logged_kill_is_a_plain_404(client, editions):
    """Set by hand in the database (a fix, a restore): no kill time to show, so no notice,
    and not a server error either."""
    en, _ = editions
    story = make_story(en)
    Story.objects.filter(pk=story.pk).update(status=Status.KILLED)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 404
    assert response.content == client.get("/en/news/999999/no-such-story").content
