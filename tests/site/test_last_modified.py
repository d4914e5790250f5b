"""When readers last saw a story change, as every reader of the site is told it: the article's
"Updated" line, its JSON-LD dateModified and article:modified_time, its sitemap lastmod and the
sitemap index's, its feed items' updated time. An edit, a restored version or a correction of a
public story moves them all; a change readers do not see, or one made before they saw the
story, moves none."""

import datetime
import json
from unittest import mock

import feedparser
import pytest
from django.utils import timezone
from lxml import etree

from dateline.stories.actions import (
    correct_story,
    edit_story,
    publish_story,
    restore_revision,
    unpublish_story,
)
from tests.factories import make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def modified_everywhere(client, story) -> dict[str, str | None]:
    """Each place's last-modified time of `story`, as ISO 8601 UTC to the second."""
    soup = page(client.get(story.get_absolute_url()))
    updated = soup.select_one(".story-header .updated time")
    json_ld = json.loads(soup.find("script", type="application/ld+json").string)
    og = soup.find("meta", property="article:modified_time")["content"]
    sitemap = etree.fromstring(client.get("/sitemaps/stories-en.xml").content)
    index = etree.fromstring(client.get("/sitemap.xml").content)
    atom = feedparser.parse(client.get("/en/feed.atom").content).entries[0]
    item = json.loads(client.get("/en/feed.json").content)["items"][0]

    def utc(text: str) -> str:
        return iso(datetime.datetime.fromisoformat(text))

    return {
        "page": utc(updated["datetime"]) if updated else None,
        "json-ld": utc(json_ld["dateModified"]),
        "og": utc(og),
        "sitemap": utc(sitemap.findtext("s:url/s:lastmod", namespaces=SITEMAP)),
        "index": utc(index.findtext("s:sitemap/s:lastmod", namespaces=SITEMAP)),
        "atom": utc(atom.updated),
        "json": utc(item["date_modified"]),
    }


@pytest.fixture
def published(editions, settings):
    settings.PAGE_CACHE_SECONDS = 0
    return make_story(editions[0], headline="Dam opens", lead="Water flows.")


def later(hours: float):
    moment = timezone.now() + datetime.timedelta(hours=hours)
    return mock.patch("django.utils.timezone.now", lambda: moment)


@pytest.mark.parametrize(
    "change",
    [
        lambda s: edit_story(s, base_version=s.version, headline="Dam opens early"),
        lambda s: restore_revision(edit_story(s, base_version=s.version, lead="X."), version=1),
        lambda s: correct_story(s, note="The dam opened a day earlier.", lead="Water flowed."),
    ],
    ids=["edit", "restore", "correct"],
)
def test_a_change_readers_see_moves_every_last_modified_time(client, published, change):
    before = modified_everywhere(client, published)
    assert before["page"] is None  # not updated yet
    assert set(before.values()) == {None, iso(published.published_at)}
    with later(hours=2):
        changed = change(published)
    after = modified_everywhere(client, published)
    assert set(after.values()) == {iso(changed.revised_at)}, after
    assert changed.revised_at > published.published_at + datetime.timedelta(hours=1)


def test_versions_saved_before_readers_saw_the_story_move_nothing(client, editions, settings):
    settings.PAGE_CACHE_SECONDS = 0
    draft = make_story(editions[0], headline="Draft", published=False)
    edit_story(draft, base_version=draft.version, headline="Dam opens")
    story = publish_story(draft)
    assert story.revised_at is None
    times = modified_everywhere(client, story)
    assert times["page"] is None
    assert {v for k, v in times.items() if k != "page"} == {iso(story.published_at)}


def test_a_story_back_after_an_unpublishing_is_modified_when_it_came_back(client, published):
    unpublish_story(published)
    with later(hours=3):
        back = publish_story(published)
    assert back.published_at == published.published_at  # first seen then
    after = modified_everywhere(client, back)
    assert set(after.values()) == {iso(back.revised_at)}
    assert back.revised_at > back.published_at + datetime.timedelta(hours=2)
