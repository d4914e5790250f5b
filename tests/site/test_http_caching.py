"""HTTP caching (decision 0032): public pages say how long shared caches may keep them, carry
validators answered with 304, vary on nothing of the reader and set no cookie; a page with
anything of one reader in it is `private, no-store`."""

import re

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils.http import http_date

from dateline.editions.models import CommentPolicy
from dateline.site.middleware import CacheHeadersMiddleware
from tests.factories import make_member, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(editions):
    """Comments closed on the English edition: its article pages hold no form."""
    en, _ = editions
    en.comment_policy = CommentPolicy.CLOSED
    en.save()
    return en


@pytest.fixture
def story(closed):
    return make_story(closed, section=closed.sections.get(), tags=("Water",), headline="Dam")


def public_paths(story) -> list[str]:
    return [
        "/en/",
        "/en/section/world/",
        "/en/tag/water/",
        story.get_absolute_url(),
        "/en/search?q=dam",
        "/en/feed.rss",
        "/en/feed.atom",
        "/en/feed.json",
        "/en/section/world/feed.rss",
        "/en/tag/water/feed.atom",
        "/sitemap.xml",
        "/sitemaps/stories-en.xml",
        "/sitemaps/news-en.xml",
    ]


PATH_IDS = [
    "front",
    "section",
    "tag",
    "article",
    "search",
    "rss",
    "atom",
    "json",
    "section-feed",
    "tag-feed",
    "sitemap-index",
    "sitemap",
    "news-sitemap",
]


def directives(response) -> dict[str, str | None]:
    parts = (p.strip() for p in response["Cache-Control"].split(","))
    return {name: value for name, _, value in (p.partition("=") for p in parts)} | {}


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}


@pytest.mark.parametrize("index", range(13), ids=PATH_IDS)
def test_a_public_page_may_be_kept_by_shared_caches(client, story, index):
    path = public_paths(story)[index]
    for attempt in ("rendered", "from the page cache"):
        response = client.get(path)
        assert response.status_code == 200, (path, attempt)
        control = directives(response)
        assert "public" in control and "private" not in control, (path, attempt)
        assert control["max-age"] == "30", (path, attempt)
        assert control["s-maxage"] == "300", (path, attempt)
        assert control["stale-while-revalidate"] == "30", (path, attempt)
        assert response["ETag"].startswith('"'), (path, attempt)
        assert vary(response) == {"accept-encoding"}, (path, attempt)
        assert not response.cookies, (path, attempt)
        assert "Set-Cookie" not in response.headers, (path, attempt)


def test_the_lifetimes_come_from_the_settings(client, story, settings):
    settings.HTTP_MAX_AGE = 5
    settings.HTTP_SHARED_MAX_AGE = 600
    settings.HTTP_STALE_WHILE_REVALIDATE = 120
    control = directives(client.get("/en/"))
    assert (control["max-age"], control["s-maxage"], control["stale-while-revalidate"]) == (
        "5",
        "600",
        "120",
    )


@pytest.mark.parametrize("index", range(13), ids=PATH_IDS)
def test_a_matching_etag_is_answered_304(client, story, index):
    path = public_paths(story)[index]
    first = client.get(path)
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304, path
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "public" in directives(again)
    # A 304 stands for the page: a cache in front takes its headers for the stored copy's.
    assert again.get("X-Robots-Tag") == first.get("X-Robots-Tag"), path
    assert "Content-Type" not in again
    other = client.get(path, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200


@pytest.mark.parametrize("cached", [True, False], ids=["cache hit", "page cache off"])
def test_a_validator_matches_whether_the_page_was_kept_or_rendered(client, story, settings, cached):
    settings.PAGE_CACHE_SECONDS = 60 if cached else 0
    first = client.get("/en/")
    assert client.get("/en/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_cleared_page_cache_still_answers_304_for_the_same_page(client, story):
    from django.core.cache import cache

    first = client.get(story.get_absolute_url())
    cache.clear()  # rendered again: the same bytes, the same ETag
    again = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_if_modified_since_is_answered_304_until_the_page_changes(client, story):
    first = client.get("/en/")
    since = first["Last-Modified"]
    assert client.get("/en/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    story_b = make_story(story.edition, headline="Later")
    changed = client.get("/en/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert story_b.headline.encode() in changed.content


def test_a_changed_page_has_a_new_etag(client, story):
    from dateline.stories.actions import correct_story

    before = client.get(story.get_absolute_url())
    correct_story(story, note="The dam is older.", headline="Old dam")
    after = client.get(story.get_absolute_url())
    assert after["ETag"] != before["ETag"]
    assert (
        client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    )


# --- One reader's pages ---------------------------------------------------------------------


def assert_private(response):
    control = directives(response)
    assert "private" in control and "no-store" in control, response["Cache-Control"]
    assert "public" not in control and "s-maxage" not in control


def test_an_article_with_the_comment_form_is_one_readers_without_esi(client, editions, form_clock):
    """No cache that assembles ESI in front: the form is filled in here, with a form token
    stamped now, which a shared copy would freeze for every reader (decision 0034)."""
    en, _ = editions
    story = make_story(en)
    tokens = set()
    for attempt in (1, 2):
        response = client.get(story.get_absolute_url())
        assert b'name="token"' in response.content
        assert b"csrfmiddlewaretoken" not in response.content
        assert not response.cookies
        assert_private(response)
        assert "ETag" not in response, attempt  # the kept page's; this copy differs
        assert "Surrogate-Control" not in response
        tokens.add(form_token(response.content))
    assert len(tokens) == 2


ESI = {"HTTP_SURROGATE_CAPABILITY": 'varnish="ESI/1.0"'}


def form_token(content: bytes) -> str:
    return re.search(rb'name="token" value="([^"]+)"', content)[1].decode()


def test_an_article_with_the_comment_form_is_shared_behind_an_esi_cache(client, editions):
    en, _ = editions
    story = make_story(en)
    include = f'<esi:include src="/en/news/{story.code}/comment-form?v={story.version}"/>'
    first = client.get(story.get_absolute_url(), **ESI)
    second = Client().get(story.get_absolute_url(), REMOTE_ADDR="10.0.0.9", **ESI)
    for response in (first, second):
        assert directives(response)["public"] == "" and "s-maxage" in directives(response)
        assert response["Surrogate-Control"] == 'content="ESI/1.0"'
        assert "surrogate-capability" in vary(response)
        assert include.encode() in response.content
        assert b'name="token"' not in response.content
        assert not response.cookies
    assert first.content == second.content and first["ETag"] == second["ETag"]
    assert (
        client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"], **ESI).status_code
        == 304
    )


def test_the_form_fragment_is_fresh_for_each_reader(
    client, editions, django_assert_max_num_queries, form_clock
):
    en, _ = editions
    story = make_story(en)
    url = f"/en/news/{story.code}/comment-form?v={story.version}"
    first = client.get(url)  # the edition's chrome is read once, then kept
    with django_assert_max_num_queries(0):  # no story read: the page it is part of did that
        second = client.get(url)
    for response in (first, second):
        assert response.status_code == 200
        assert_private(response)
        action = f'action="/en/news/{story.code}/comment#comment-form-errors"'
        assert action.encode() in response.content
        assert b"<html" not in response.content  # the form alone, not a page
        assert not response.cookies
    assert form_token(first.content) != form_token(second.content)
    cancel = re.search(rb'class="cancel-reply" href="([^"#]+)', first.content)[1].decode()
    assert client.get(cancel)["Location"] == story.get_absolute_url()  # the article


def test_the_fragment_says_nothing_of_a_story(client, editions):
    en, _ = editions
    hidden = make_story(en, headline="Embargoed words", published=False)
    response = client.get(f"/en/news/{hidden.code}/comment-form?v=1")
    assert b"Embargoed" not in response.content and hidden.slug.encode() not in response.content
    for bad in ("", "?v=", "?v=x", "?v=99999999999"):
        assert client.get(f"/en/news/{hidden.code}/comment-form{bad}").status_code == 404


@pytest.mark.parametrize("query", ["?reply=1", "?comment=received"])
def test_reply_links_and_notices_stay_private_behind_an_esi_cache(client, editions, query):
    en, _ = editions
    story = make_story(en)
    response = client.get(story.get_absolute_url() + query, **ESI)
    assert_private(response)
    assert b"esi:include" not in response.content
    refused = client.post(f"/en/news/{story.code}/comment", {"text": ""}, **ESI)
    assert refused.status_code == 400
    assert_private(refused)
    assert b"esi:include" not in refused.content


def test_a_reply_link_and_a_refused_post_are_one_readers(client, editions):
    en, _ = editions
    story = make_story(en)
    assert_private(client.get(story.get_absolute_url() + "?reply=1"))
    refused = client.post(f"/en/news/{story.code}/comment", {"text": ""})
    assert refused.status_code >= 400
    assert_private(refused)


def test_staff_get_private_copies_of_public_pages(client, story, editions):
    en, _ = editions
    client.force_login(make_member("eddie", "editor", (en,)))
    for path in ("/en/", story.get_absolute_url(), "/en/feed.rss"):
        response = client.get(path)
        assert response.status_code == 200
        assert_private(response)


def test_the_newsroom_and_previews_are_private(client, story, editions):
    en, _ = editions
    assert_private(client.get("/newsroom/login/"))
    client.force_login(make_member("eddie", "editor", (en,)))
    assert_private(client.get("/newsroom/"))
    preview = client.get(f"/newsroom/stories/{story.code}/preview/")
    assert preview.status_code == 200
    assert_private(preview)


@pytest.mark.parametrize(
    "path", ["/en/no-such-page/", "/en/news/999999/x", "/en/section/no-such/"], ids=str
)
def test_errors_and_redirects_are_not_shared(client, story, path):
    assert_private(client.get(path))
    assert_private(client.get(f"/en/news/{story.code}/old-slug"))


def test_a_public_page_that_would_set_a_cookie_is_made_private(rf):
    """Whatever a view says, a response that sets a cookie or varies on one is not shared."""

    def setting_a_cookie(request):
        response = HttpResponse("<p>hello</p>")
        response["Cache-Control"] = "public, max-age=60"
        response.set_cookie("reader", "42")
        return response

    def varying_on_cookies(request):
        response = HttpResponse("<p>hello</p>")
        response["Cache-Control"] = "public, max-age=60"
        response["Vary"] = "Cookie"
        return response

    for view in (setting_a_cookie, varying_on_cookies):
        assert_private(CacheHeadersMiddleware(view)(rf.get("/en/")))
    public = CacheHeadersMiddleware(lambda r: HttpResponse(headers={"Cache-Control": "public"}))
    assert directives(public(rf.get("/en/"))) == {"public": ""}


def test_shared_pages_hold_nothing_of_the_reader(story):
    """Two readers, different addresses, cookies and languages, get the same bytes: nothing of
    either may be in what a shared cache hands to the other."""
    first, second = Client(), Client()
    second.cookies["csrftoken"] = "x" * 32
    for path in public_paths(story):
        a = first.get(path, REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="fa")
        b = second.get(path, REMOTE_ADDR="10.0.0.2", HTTP_ACCEPT_LANGUAGE="en")
        assert a.content == b.content, path
        assert b"csrfmiddlewaretoken" not in a.content, path
        assert a["ETag"] == b["ETag"], path


def test_a_stale_date_is_not_a_match(client, story):
    first = client.get("/en/")
    long_ago = http_date(0)
    assert first["Last-Modified"] != long_ago
    assert client.get("/en/", HTTP_IF_MODIFIED_SINCE=long_ago).status_code == 200
