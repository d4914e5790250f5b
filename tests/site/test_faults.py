"""Faults of what the site stands on (decision 0032): with Redis unreachable, pages are drawn
without the cache and none fails; with the database unreachable, pages still in the cache are
served stale, the others answer 503 with Retry-After, and service returns with the database."""

import logging
import os
import socket

import pytest
from django.db import OperationalError, connection

from dateline.comments.models import Comment
from dateline.editions.models import CommentPolicy
from tests.comments.conftest import post
from tests.factories import make_story

PAGES = [
    "/en/",
    "/en/section/world/",
    "/en/tag/water/",
    "/en/feed.rss",
    "/en/search?q=dam",
    "/sitemap.xml",
    "/sitemaps/stories-en.xml",
]


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe is: nothing listens


@pytest.fixture
def redis_down(settings):
    location = f"redis://127.0.0.1:{unused_port()}/0"
    backend = "dateline.site.resilient_cache.ResilientRedisCache"
    settings.CACHES = {
        alias: {"BACKEND": backend, "LOCATION": location, "KEY_PREFIX": alias}
        for alias in ("default", "limits")
    }


@pytest.mark.django_db
def test_with_redis_down_every_public_page_is_drawn_without_it(
    client, editions, redis_down, caplog, settings
):
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "ResilientRedisCache"
    en, _ = editions
    story = make_story(en, section=en.sections.get(), tags=("Water",), headline="Dam")
    caplog.set_level(logging.WARNING, logger="dateline.site.resilient_cache")
    for path in [*PAGES, story.get_absolute_url()] * 2:
        response = client.get(path)
        assert response.status_code == 200, path
    assert b"Dam" in client.get(story.get_absolute_url()).content
    assert any("cache" in r.getMessage() and "failed" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_with_redis_down_a_comment_is_taken_without_rate_limits(client, editions, redis_down):
    en, _ = editions
    en.comment_policy = CommentPolicy.POST
    en.save()
    story = make_story(en, headline="Dam")
    for n in range(3):  # more than the default rate allows: the counts are unreachable
        response = post(client, story, text=f"Comment {n}")
        assert response.status_code == 303, response.status_code
    assert Comment.objects.count() == 3
    assert b"Comment 2" in client.get(story.get_absolute_url()).content


@pytest.mark.django_db
def test_with_redis_down_a_story_change_still_shows_at_once(client, editions, redis_down):
    from dateline.stories.actions import correct_story

    en, _ = editions
    story = make_story(en, headline="Dam")
    assert b"Dam" in client.get("/en/").content
    correct_story(story, note="Name", headline="Karun dam")
    assert b"Karun dam" in client.get("/en/").content


class DatabaseDown:
    """Every statement on the default connection fails as a lost server's would."""

    def __call__(self, execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def closed_story(editions):
    en, _ = editions
    en.comment_policy = CommentPolicy.CLOSED
    en.save()
    return make_story(en, section=en.sections.get(), tags=("Water",), headline="Dam")


@pytest.mark.django_db
def test_with_the_database_down_kept_pages_are_served_stale_the_rest_503(client, closed_story):
    kept = ["/en/", closed_story.get_absolute_url(), "/en/feed.rss"]
    tags = {path: client.get(path)["ETag"] for path in kept}
    with connection.execute_wrapper(DatabaseDown()):
        for path in kept:
            stale = client.get(path)
            assert stale.status_code == 200, path
            assert b"Dam" in stale.content
            # The page as kept, to be checked again as soon as possible.
            assert stale["ETag"] == tags[path], path
            assert stale["Cache-Control"] == "public, max-age=0, must-revalidate", path
        for path in ["/en/section/world/", "/en/search?q=dam", "/en/news/999/x"]:
            down = client.get(path)
            assert down.status_code == 503, path
            assert down["Retry-After"] == "5"
            assert "no-store" in down["Cache-Control"]
    for path in ["/en/section/world/", *kept]:  # back at once with the database
        assert client.get(path).status_code == 200, path


@pytest.mark.django_db
def test_a_database_that_refuses_otherwise_is_logged_as_it_failed(client, editions, caplog):
    """A full disk or a read-only file is no lost server: the log says what the database said,
    not that it was unreachable (an operator would look at the network)."""

    def read_only(*_):
        raise OperationalError("attempt to write a readonly database")

    caplog.set_level(logging.WARNING, logger="dateline.site.middleware")
    with connection.execute_wrapper(read_only):
        assert client.get("/en/section/world/").status_code == 503
    assert [r.getMessage() for r in caplog.records if r.name == "dateline.site.middleware"] == [
        "database unavailable on /en/section/world/: attempt to write a readonly database"
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL only"
)
def test_with_postgresql_unreachable_pages_answer_and_recover(client, closed_story):
    """A real lost server: the connection is pointed at a port nothing listens on."""
    article = closed_story.get_absolute_url()
    assert client.get(article).status_code == 200
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = unused_port()
    try:
        assert client.get(article).status_code == 200  # stale, from the cache
        down = client.get("/en/section/world/")
        assert down.status_code == 503
        assert down["Retry-After"] == "5"
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port
    assert client.get("/en/section/world/").status_code == 200
