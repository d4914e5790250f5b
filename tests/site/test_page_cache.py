"""Cached pages cost one indexed read and are retired by any story change, from any process."""

import pytest

from tests.factories import make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db


def test_a_repeated_request_is_served_from_the_cache(client, editions, django_assert_num_queries):
    story = make_story(editions[0])
    first = client.get(story.get_absolute_url())
    with django_assert_num_queries(1):  # the newest change's number, nothing else
        again = client.get(story.get_absolute_url())
    assert again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_published_story_retires_the_cached_front(
    client, editions, django_capture_on_commit_callbacks
):
    en, _ = editions
    make_story(en, headline="First story")
    assert [a.get_text() for a in page(client.get("/en/")).select(".story-list h2 a")] == [
        "First story"
    ]
    make_story(en, headline="Second story")  # no signal needed: the change log moved on
    headlines = [a.get_text() for a in page(client.get("/en/")).select(".story-list h2 a")]
    assert headlines == ["Second story", "First story"]


def test_not_found_is_not_cached(client, editions):
    from dateline.stories.actions import publish_story

    draft = make_story(editions[0], published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    publish_story(draft)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_each_host_and_query_has_its_own_entry(client, editions, settings):
    settings.ALLOWED_HOSTS = ["testserver", "news.example.org"]
    story = make_story(editions[0])
    canonical = page(client.get(story.get_absolute_url())).find("link", rel="canonical")["href"]
    other = page(client.get(story.get_absolute_url(), HTTP_HOST="news.example.org"))
    assert canonical.startswith("http://testserver/")
    assert other.find("link", rel="canonical")["href"].startswith("http://news.example.org/")


def test_caching_can_be_turned_off(client, editions, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    make_story(editions[0])
    client.get("/en/")
    with django_assert_num_queries(2):  # latest stories and section blocks; no cache read
        client.get("/en/")
