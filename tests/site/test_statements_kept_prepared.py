"""SQLite runs a public page's queries as it prepared them the first time (decision 0057).

A partial index whose condition compares a column with a constant (`status = 'scheduled'`)
makes SQLite mark every statement comparing that column with a bound value to be prepared
again whenever a value is bound: every run. That was 0.2–0.3 ms of a rendered front page.
SQLite's `sqlite_stmt` table counts each prepared statement's re-preparations.
"""

import pytest
from django.db import connection

from dateline.comments.models import Comment
from tests.factories import make_edition, make_section, make_story

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="SQLite's statements (PostgreSQL plans apart)"
    ),
]


def reprepared() -> dict[str, int]:
    """Each statement the connection keeps prepared that reads stories or comments, and how
    many times SQLite has prepared it again."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql, reprep FROM sqlite_stmt")
        return {
            sql: count
            for sql, count in cursor.fetchall()
            if "stories_story" in sql or "comments_comment" in sql
        }


def test_public_pages_run_their_queries_without_preparing_them_again(client, settings):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders
    edition = make_edition("en")
    world, business = make_section(edition, "world"), make_section(edition, "business")
    stories = [
        make_story(edition, section=section, tags=("diplomacy",))
        for section in (world, business, world, business)
    ]
    Comment.objects.create(story=stories[0], story_version=stories[0].version, name="A", text="B")
    pages = [
        "/en/",
        "/en/section/world/",
        "/en/tag/diplomacy/",
        stories[0].get_absolute_url(),
        "/en/search?q=story",
    ]
    for page in pages:
        assert client.get(page).status_code == 200
    first = reprepared()
    assert first  # the pages' statements are there to be counted
    for _ in range(3):
        for page in pages:
            client.get(page)
    again = reprepared()
    grown = {sql: again[sql] - first.get(sql, 0) for sql in again if again[sql] > first.get(sql, 0)}
    assert grown == {}
