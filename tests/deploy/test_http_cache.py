"""The real HTTP cache (Varnish, rendered from deploy/varnish.vcl.in) in front of a live server:
pages are stored, and a kill or a correction reaches readers through the cache within 5 s
(site/purge.py sends the bans). Skips when varnishd is not installed, except in CI (.ci/run
installs it and sets DATELINE_REQUIRE_TOOLS)."""

import os
import socket
import time
import urllib.error
import urllib.request

import pytest

from dateline.stories.actions import correct_story, kill_story
from deploy import varnish
from tests.factories import make_edition, make_section, make_story

pytestmark = pytest.mark.slow
REACH_SECONDS = 5

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
    edition = make_edition("en", comment_policy="closed")  # the comment form is per reader
    section = make_section(edition, "business")
    story = make_story(edition, headline="Grain prices rise", section=section, tags=("grain",))
    other = make_story(edition, headline="Rain in the north", section=section)
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


def test_only_local_addresses_may_ban(cache):
    request = urllib.request.Request(f"{cache}/", method="BAN")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400  # allowed (loopback), but says what is missing
