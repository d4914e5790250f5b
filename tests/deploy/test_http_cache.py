"""The real HTTP cache (Varnish, rendered from deploy/varnish.vcl.in) in front of a live server:
pages are stored, and a kill or a correction reaches readers through the cache within 5 s
(site/purge.py sends the bans). Skips when varnishd is not installed, except in CI (.ci/run
installs it and sets DATELINE_REQUIRE_TOOLS)."""

import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from dateline.comments import moderation
from dateline.comments.models import Comment
from dateline.site import purge
from dateline.stories.actions import choose_related, correct_story, kill_story
from deploy import varnish
from tests.factories import make_edition, make_pending_comment, make_section, make_story

pytestmark = pytest.mark.slow
REACH_SECONDS = 5
BAN_REPEAT_SECONDS = 1.0  # shorter than the 2 s default: the tests wait past it
FORM_KEPT_SECONDS = 1  # the comment form fragment's lifetime in Varnish (decision 0036)

if not varnish.available():
    if os.environ.get("DATELINE_REQUIRE_TOOLS"):
        raise RuntimeError("varnishd (Debian package varnish) and cc are required in CI")
    pytest.skip(
        "varnishd or a C compiler is missing (apt-get install varnish)", allow_module_level=True
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cache(live_server, settings, tmp_path):
    """Varnish in front of the live server; the purge sender pointed at it. Yields its URL."""
    host, port = live_server.url.removeprefix("http://").split(":")
    listen = ("127.0.0.1", _free_port())
    process = varnish.start(tmp_path, listen=listen, backends=[(host, int(port))], default_ttl=60)
    url = f"http://{listen[0]}:{listen[1]}"
    settings.HTTP_CACHE_PURGE_URLS = [url]
    settings.HTTP_CACHE_BAN_REPEAT_SECONDS = BAN_REPEAT_SECONDS
    yield url
    varnish.stop(process)


def get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def cached(url: str) -> tuple[int, str]:
    """Fetch until the cache answers from storage (a hit), proving the page is stored."""
    for _ in range(5):
        status, headers, body = get(url)
        if headers.get("X-Cache") == "HIT":
            return status, body
    raise AssertionError(f"{url} is never a cache hit: {headers}")


def within(seconds: float, check) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s")


@pytest.fixture
def site(transactional_db):
    edition = make_edition("en", comment_policy="closed")  # open forms: the tests below
    section = make_section(edition, "business")
    story = make_story(edition, headline="Grain prices rise", section=section, tags=("grain",))
    # In another section, sharing no tag: its page (its stand-in Related News) never shows it.
    other = make_story(edition, headline="Rain in the north", section=make_section(edition, "n"))
    time.sleep(BAN_REPEAT_SECONDS + 0.5)  # the bans of their creation, repeated, are over
    return edition, story, other


def test_a_kill_leaves_every_cached_page_of_the_story_within_5_seconds(cache, site):
    _, story, other = site
    article = f"{cache}/en/news/{story.code}/{story.slug}"
    listings = [f"{cache}/en/", f"{cache}/en/section/business/", f"{cache}/en/tag/grain/"]
    assert cached(article)[0] == 200
    for page in listings:
        assert "Grain prices rise" in cached(page)[1]
    other_page = f"{cache}/en/news/{other.code}/{other.slug}"
    cached(other_page)

    kill_story(story, reason="Legal advice")

    within(REACH_SECONDS, lambda: get(article)[0] == 410)
    for page in listings:
        within(REACH_SECONDS, lambda page=page: "Grain prices rise" not in get(page)[2])
    # Bans are the story's pages only: another story's page stays stored.
    assert get(other_page)[1].get("X-Cache") == "HIT"


def test_a_kill_leaves_the_pages_showing_it_as_stand_in_related_news_within_5_seconds(cache, site):
    """A story with no stored Related News list shows the newest of its section and tags
    instead: its stored page goes when one of those is killed, though no list names it."""
    edition, story, _ = site
    neighbour = make_story(edition, headline="Wheat harvest", section=story.section)
    page = f"{cache}/en/news/{neighbour.code}/{neighbour.slug}"
    time.sleep(BAN_REPEAT_SECONDS + 0.5)  # the bans of its creation are over
    assert "Grain prices rise" in cached(page)[1]

    kill_story(story, reason="Legal advice")

    within(REACH_SECONDS, lambda: "Grain prices rise" not in get(page)[2])


def test_a_kill_leaves_the_page_whose_editor_picked_it_within_5_seconds(cache, site):
    """An editor's pick shows the story though no stored Related News list holds it."""
    _, story, other = site
    choose_related(other, story.code, "pick")
    page = f"{cache}/en/news/{other.code}/{other.slug}"
    time.sleep(BAN_REPEAT_SECONDS + 0.5)  # the bans of the pick are over
    assert "Grain prices rise" in cached(page)[1]

    kill_story(story, reason="Legal advice")

    within(REACH_SECONDS, lambda: "Grain prices rise" not in get(page)[2])


def test_a_kill_leaves_the_cached_searches_that_found_it_within_5_seconds(cache, site):
    _, story, _ = site
    searches = [f"{cache}/en/search?q=grain", f"{cache}/en/search?q=prices&section=business"]
    link = f'href="/en/news/{story.code}/'  # the headline itself is marked up where it matched
    for search in searches:
        assert link in cached(search)[1]

    kill_story(story, reason="Legal advice")

    for search in searches:
        within(REACH_SECONDS, lambda search=search: link not in get(search)[2])


def test_a_correction_reaches_readers_through_the_cache_within_5_seconds(cache, site):
    _, story, _ = site
    article = f"{cache}/en/news/{story.code}/{story.slug}"
    assert "Grain prices rise" in cached(article)[1]
    front = f"{cache}/en/"
    cached(front)

    correct_story(story, note="The figure was wrong.", headline="Grain prices fall")

    within(REACH_SECONDS, lambda: "Grain prices fall" in get(article)[2])
    within(REACH_SECONDS, lambda: "Grain prices fall" in get(front)[2])


def test_without_a_purge_the_cache_keeps_the_killed_page(cache, site, settings):
    """The check above can fail: with no purge address the stored page outlives the kill."""
    _, story, _ = site
    article = f"{cache}/en/news/{story.code}/{story.slug}"
    cached(article)
    settings.HTTP_CACHE_PURGE_URLS = []

    kill_story(story, reason="Legal advice")

    time.sleep(REACH_SECONDS / 2)
    status, headers, _ = get(article)
    assert (status, headers.get("X-Cache")) == (200, "HIT")


def test_a_section_and_a_tag_renamed_in_the_admin_reach_every_cached_page_within_5_seconds(
    cache, site
):
    _, story, other = site
    article, front, tag = (
        f"{cache}/en/news/{story.code}/{story.slug}",
        f"{cache}/en/",
        f"{cache}/en/tag/grain/",
    )
    other_article = f"{cache}/en/news/{other.code}/{other.slug}"
    for page in (article, front, tag, other_article):
        assert ">Business<" in cached(page)[1]  # the masthead names the section on every page

    section = story.section
    section.name = "Markets"
    section.save()
    grain = story.tags.get()
    grain.name = "Cereals"
    grain.save()

    for page in (article, front, tag, other_article):
        within(REACH_SECONDS, lambda page=page: ">Markets<" in get(page)[2])
    for page in (article, tag):
        within(REACH_SECONDS, lambda page=page: "Cereals" in get(page)[2])


def test_a_page_stored_after_the_first_ban_is_retired_by_its_repeat(cache, site):
    """A web process that began rendering before the change committed can hand the cache the
    old page after the first ban went: the repeated ban retires it."""
    _, story, _ = site
    article = f"{cache}/en/news/{story.code}/{story.slug}"
    purge._sender.add([f"/en/news/{story.code}/{story.slug}"])
    time.sleep(0.2)  # the first ban has gone (the sender wakes at once)
    assert cached(article)[0] == 200  # stored after it, as the late render would be

    time.sleep(BAN_REPEAT_SECONDS)

    assert get(article)[1].get("X-Cache") == "MISS"


def test_only_local_addresses_may_ban(cache):
    request = urllib.request.Request(f"{cache}/", method="BAN")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400  # allowed (loopback), but says what is missing


# --- An article with an open comment form, assembled with ESI (decision 0034) ------------------


@pytest.fixture
def open_story(transactional_db):
    edition = make_edition("en")  # comments open: the page holds the form
    story = make_story(edition, headline="Floods close the port")
    time.sleep(BAN_REPEAT_SECONDS + 0.5)  # the bans of its creation, repeated, are over
    return story


def form_token(body: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', body)[1]


def test_an_article_with_an_open_comment_form_is_stored_and_each_reader_gets_a_fresh_form(
    cache, open_story
):
    article = f"{cache}/en/news/{open_story.code}/{open_story.slug}"
    first = get(article)
    second = get(article)
    assert first[1].get("X-Cache") == "MISS"
    assert second[1].get("X-Cache") == "HIT"  # stored once, shared
    time.sleep(FORM_KEPT_SECONDS + 0.1)
    later = get(article)
    assert later[1].get("X-Cache") == "HIT"
    for status, headers, body in (first, second, later):
        assert status == 200
        assert "esi:include" not in body  # assembled by the cache
        assert '<form method="post" action="/en/news/' in body
        assert "csrfmiddlewaretoken" not in body and "Set-Cookie" not in headers
        # What the reader gets holds their own form: no cache after this one may keep it.
        assert headers["Cache-Control"] == "private, no-store"
        assert "ETag" not in headers and "Surrogate-Control" not in headers
    # The form is kept a second at most: a reader after that gets a token shown since.
    assert form_token(later[2]) != form_token(first[2])


def test_the_comment_form_is_kept_one_second_and_delivered_private(cache, open_story):
    fragment = f"{cache}/en/news/{open_story.code}/comment-form?v={open_story.version}"
    started = time.monotonic()
    first = get(fragment)
    again = get(fragment)
    within_its_second = time.monotonic() - started < FORM_KEPT_SECONDS
    time.sleep(FORM_KEPT_SECONDS + 0.1)
    later = get(fragment)
    assert first[1].get("X-Cache") == "MISS"
    if within_its_second:  # not so on a machine that stalled the test for a second
        assert (again[1].get("X-Cache"), form_token(again[2])) == ("HIT", form_token(first[2]))
    assert later[1].get("X-Cache") == "MISS"
    assert form_token(later[2]) != form_token(first[2])
    for _, headers, _ in (first, again, later):
        assert headers["Cache-Control"] == "private, no-store"


def test_a_comment_posted_through_the_cache_is_received(cache, open_story, settings):
    settings.COMMENT_MIN_SECONDS = 1
    article = f"{cache}/en/news/{open_story.code}/{open_story.slug}"
    get(article)
    _, _, body = get(article)  # a hit: the form is still this reader's
    time.sleep(settings.COMMENT_MIN_SECONDS)
    fields = {
        "name": "Maryam",
        "email": "maryam@example.org",
        "text": "The port reopened at noon.",
        "token": form_token(body),
        "website": "",
        "parent": "",
    }
    request = urllib.request.Request(
        f"{cache}/en/news/{open_story.code}/comment",
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Origin": cache, "Sec-Fetch-Site": "same-origin"},  # what a browser sends
    )
    with urllib.request.urlopen(request, timeout=10) as answered:  # follows the 303
        assert answered.status == 200
        assert "?comment=received#" in answered.url
        assert "will appear once a moderator approves it" in answered.read().decode()
    assert Comment.objects.get().text == "The port reopened at noon."

    forged = urllib.request.Request(
        f"{cache}/en/news/{open_story.code}/comment",
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=10)
    assert refused.value.code == 403
    assert Comment.objects.count() == 1


def test_an_approved_comment_reaches_readers_through_the_cache_within_5_seconds(
    cache, open_story, settings
):
    """A moderator's decision bans the story's page: the thread behind the cache does not
    wait out the page's lifetime."""
    comment = make_pending_comment(open_story, "The port reopened at noon.")
    article = f"{cache}/en/news/{open_story.code}/{open_story.slug}"
    assert "The port reopened at noon." not in cached(article)[1]
    time.sleep(BAN_REPEAT_SECONDS + 0.5)  # and the page outlives another such repeat
    assert "The port reopened at noon." not in cached(article)[1]

    moderation.approve([comment.pk])

    within(REACH_SECONDS, lambda: "The port reopened at noon." in get(article)[2])
