"""A rendered thread outlives other stories' changes, and no moderation event or new version."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.comments import moderation
from dateline.comments.defences import read_token
from dateline.comments.models import Comment
from dateline.site.invalidation import retire_story_pages
from dateline.stories.actions import correct_story, edit_story
from tests.comments.conftest import page, post
from tests.factories import make_story

pytestmark = pytest.mark.django_db


def thread_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "comments_comment" in q["sql"]]


def test_another_storys_change_re_renders_the_page_but_not_its_thread(client, story, editions):
    post(client, story, text="Kept in the thread")
    moderation.approve(moderation.pending_ids())
    url = story.get_absolute_url()
    assert "Kept in the thread" in client.get(url).content.decode()
    other = make_story(editions[0], headline="Elsewhere")
    edit_story(other, base_version=other.version, headline="Elsewhere, edited")
    # Another story's change leaves the page kept whole (decision 0032): nothing is read.
    assert thread_queries(client, url) == []
    # A change the page shows but the thread does not (its Related News list, say) retires
    # the page; the thread is kept: only the count is read.
    retire_story_pages([story.code])
    sql = thread_queries(client, url)
    assert len(sql) == 1 and "COUNT" in sql[0].upper()
    assert "Kept in the thread" in client.get(url).content.decode()


def test_a_moderation_event_or_a_new_version_redraws_the_thread(client, story):
    post(client, story, text="First words")
    moderation.approve(moderation.pending_ids())
    url = story.get_absolute_url()
    client.get(url)
    moderation.reject(Comment.objects.values_list("pk", flat=True), reason="Off topic")
    assert "First words" not in client.get(url).content.decode()
    moderation.approve(Comment.objects.values_list("pk", flat=True))
    assert "First words" in client.get(url).content.decode()
    correct_story(story, note="Fixed a name.", lead="A corrected lead.")
    soup = page(client.get(url))
    assert soup.select_one(".earlier-version") is not None


def test_each_page_of_comments_is_its_own(client, story, settings):
    for n in range(25):
        post(client, story, text=f"Comment number {n}", email=f"r{n}@example.org")
    moderation.approve(moderation.pending_ids())
    url = story.get_absolute_url()
    first = page(client.get(url)).select(".comment-text")
    second = page(client.get(url + "?cpage=2")).select(".comment-text")
    newest = page(client.get(url + "?order=newest")).select(".comment-text")
    assert first[0].text == "Comment number 0" and len(first) == 20
    assert [c.text for c in second] == [f"Comment number {n}" for n in range(20, 25)]
    assert newest[0].text == "Comment number 24"


def empty_section(client, url):
    soup = page(client.get(url))
    section = soup.select_one("#comments")
    return section, str(section)


def test_a_story_without_comments_reads_no_thread_and_no_moderation_event(client, story, settings):
    from dateline.site import comments

    settings.PAGE_CACHE_SECONDS = 0  # every request renders the page
    url = story.get_absolute_url()
    first, first_html = empty_section(client, url)
    assert first.select_one(".empty") is not None
    assert f"<!--comment-form {story.code} {story.version}-->" not in first_html  # filled in
    assert first.select_one("form") is not None
    held = len(comments._empty_threads.held)
    with CaptureQueriesContext(connection) as queries:
        again, _ = empty_section(client, url)
    assert len(comments._empty_threads.held) == held
    assert not [q for q in queries.captured_queries if "comments_moderationevent" in q["sql"]]
    assert again.select_one(".empty").get_text() == first.select_one(".empty").get_text()


def test_an_empty_section_shows_each_change_under_it(client, story, settings):
    """Its key holds every value it shows: the story's version (its form posts for it), whether
    comments are open, and the first approved comment ends it."""
    from dateline.stories.actions import set_comment_policy

    settings.PAGE_CACHE_SECONDS = 0
    url = story.get_absolute_url()
    empty_section(client, url)
    story = edit_story(story, base_version=story.version, lead="A new lead for the story.")
    section, _ = empty_section(client, url)
    token = section.select_one('input[name="token"]')["value"]
    assert read_token(token, story.code, now=time.time() + 60).version == story.version == 2
    set_comment_policy(story, "closed")
    section, _ = empty_section(client, url)
    assert section.select_one(".comments-closed") is not None
    assert section.select_one("form") is None
    set_comment_policy(story, "")  # as its edition says: open
    post(client, story, text="The first word on it")
    moderation.approve(moderation.pending_ids())
    section, _ = empty_section(client, url)
    assert section.select_one(".empty") is None
    assert "The first word on it" in section.get_text()
