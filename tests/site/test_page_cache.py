"""Cached pages cost one indexed read and are retired by any story change, from any process."""

import pytest
from django.http import (
    HttpResponse,
    HttpResponseGone,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    HttpResponseServerError,
)

from dateline.site.page_cache import cached_page, page_key
from tests.factories import make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db


def without_form(content: bytes) -> bytes:
    start = content.index(b'<div id="comment-form"')
    end = content.index(b"</form>", start)
    return content[:start] + content[end:]


def test_a_repeated_request_is_served_from_the_cache(
    client, editions, django_assert_num_queries, form_clock
):
    story = make_story(editions[0])
    first = client.get(story.get_absolute_url())
    with django_assert_num_queries(1):  # the newest changes' numbers, nothing else
        again = client.get(story.get_absolute_url())
    # The same page but for the comment form, which is each request's own (its tokens).
    assert without_form(again.content) == without_form(first.content)
    assert again.content != first.content
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
    # latest stories with their comment counts, and section blocks; no cache read
    with django_assert_num_queries(2):
        client.get("/en/")


def test_a_redirect_is_never_replayed_as_a_page(client, editions):
    en, _ = editions
    story = make_story(en, headline="The right headline")
    for old in (f"/en/news/{story.code}/an-old-headline", f"/en/news/{story.code}"):
        for attempt in (1, 2, 3):
            response = client.get(old)
            assert response.status_code == 301, (old, attempt)
            assert response["Location"] == story.get_absolute_url(), (old, attempt)
    assert page(client.get(story.get_absolute_url())).h1.get_text() == "The right headline"


@pytest.mark.parametrize(
    "path",
    ["/en/no-such-page/", "/en/section/no-such/", "/en/tag/no-such/", "/en/news/999999999/x"],
)
def test_a_not_found_page_stays_not_found(client, editions, path):
    make_story(editions[0])
    assert client.get("/en/").status_code == 200  # a page in the cache, found
    first = client.get(path)
    second = client.get(path)
    assert first.status_code == second.status_code == 404
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"


def test_only_a_query_string_apart_is_another_page(client, editions):
    make_story(editions[0])
    assert client.get("/en/").status_code == 200
    assert client.get("/en/?page=2").status_code == 404
    assert client.get("/en/?page=1").status_code == 200


@pytest.mark.parametrize(
    "answer",
    [
        lambda: HttpResponseNotFound("<p>gone</p>"),
        lambda: HttpResponseGone("<p>killed</p>"),
        lambda: HttpResponsePermanentRedirect("/en/elsewhere"),
        lambda: HttpResponseRedirect("/en/elsewhere"),
        lambda: HttpResponseServerError("<p>broken</p>"),
        lambda: HttpResponse(status=204),
    ],
)
def test_only_a_200_is_kept(rf, db, answer):
    """A view may answer anything; what the cache replays is always a 200, so nothing else may
    go in (an old slug's redirect would come back as a blank page)."""
    calls = []

    @cached_page
    def view(request):
        calls.append(request)
        return answer()

    first = view(rf.get("/en/some-page/"))
    second = view(rf.get("/en/some-page/"))
    assert len(calls) == 2
    assert second.status_code == first.status_code != 200
    assert second.content == first.content
    assert second.get("Location") == first.get("Location")


def test_a_new_deployment_does_not_serve_the_pages_of_the_one_before(rf, db, monkeypatch):
    from dateline.site import page_cache

    calls = []

    @cached_page
    def view(request):
        calls.append(request)
        return HttpResponse(f"<p>rendered by {page_cache.CODE_VERSION}</p>")

    view(rf.get("/en/"))
    view(rf.get("/en/"))
    assert len(calls) == 1  # cached
    monkeypatch.setattr(page_cache, "CODE_VERSION", "changed-templates")
    assert view(rf.get("/en/")).content == b"<p>rendered by changed-templates</p>"
    assert len(calls) == 2
    assert page_cache._code_version() == page_cache._code_version()  # the same in every process


def test_a_pages_key_leaves_out_only_what_the_comment_form_alone_reads(rf, settings):
    """`?reply=` and `?comment=` change only the per-reader form, not the page kept: one
    entry for all of them. Any other parameter is another page."""
    settings.ALLOWED_HOSTS = ["dateline.test", "other.test"]
    article = "/en/news/7/dam-opens"
    key = page_key(rf.get(article, HTTP_HOST="dateline.test"))
    assert page_key(rf.get(f"{article}?reply=5", HTTP_HOST="dateline.test")) == key
    assert page_key(rf.get(f"{article}?comment=9&reply=5", HTTP_HOST="dateline.test")) == key
    second = page_key(rf.get(f"{article}?page=2", HTTP_HOST="dateline.test"))
    assert second != key
    assert page_key(rf.get(f"{article}?reply=5&page=2", HTTP_HOST="dateline.test")) == second
    assert page_key(rf.get(article, HTTP_HOST="other.test")) != key
