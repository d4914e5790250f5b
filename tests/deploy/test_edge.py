"""The edge (nginx, rendered from deploy/edge.conf.in) in front of Varnish in front of a live
server, as `make scaled-up` stacks them: it keeps for a second what Varnish shares and nothing
else, a kill still reaches readers within 5 s, and the application still sees the reader's
address. Skips when nginx or varnishd is missing, except in CI (.ci/run installs both)."""

import contextlib
import gzip
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import quote

import pytest

from dateline.comments.models import Comment
from dateline.stories.actions import correct_story, kill_story
from deploy import edge, varnish
from tests.deploy.test_http_cache import (
    BAN_REPEAT_SECONDS,
    REACH_SECONDS,
    _free_port,
    form_token,
    get,
    within,
)
from tests.factories import make_edition, make_section, make_story

pytestmark = pytest.mark.slow

if not (edge.available() and varnish.available()):
    if os.environ.get("DATELINE_REQUIRE_TOOLS"):
        raise RuntimeError("nginx (nginx-light), varnishd and cc are required in CI")
    pytest.skip("nginx or varnishd is missing (apt-get install nginx-light varnish)",
                allow_module_level=True)  # fmt: skip


@pytest.fixture
def front_door(live_server, settings, tmp_path):
    """The edge in front of Varnish in front of the live server; bans sent to Varnish, the
    application trusting both proxies' X-Forwarded-For. Yields the edge's URL."""
    host, port = live_server.url.removeprefix("http://").split(":")
    cache_at = ("127.0.0.1", _free_port())
    cache = varnish.start(tmp_path / "varnish", listen=cache_at, backends=[(host, int(port))])
    edge_at = ("127.0.0.1", _free_port())
    nginx = edge.start(tmp_path / "edge", listen=edge_at, varnish=cache_at)
    settings.HTTP_CACHE_PURGE_URLS = [f"http://{cache_at[0]}:{cache_at[1]}"]
    settings.HTTP_CACHE_BAN_REPEAT_SECONDS = BAN_REPEAT_SECONDS
    settings.TRUSTED_PROXIES = 2
    yield f"http://{edge_at[0]}:{edge_at[1]}"
    edge.stop(nginx)
    varnish.stop(cache)


@pytest.fixture
def story(transactional_db):
    edition = make_edition("en", comment_policy="closed")
    section = make_section(edition, "business")
    story = make_story(edition, headline="Grain prices rise", section=section, tags=("grain",))
    time.sleep(BAN_REPEAT_SECONDS + 0.5)  # the bans of its creation, repeated, are over
    return story


def edge_state(url: str, headers: dict | None = None) -> tuple[str | None, dict, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        answer = dict(error.headers), error.read().decode()
    return answer[0].get("X-Edge-Cache"), *answer


def hit_at_edge(url: str, headers: dict | None = None) -> tuple[str | None, dict, str]:
    """The first of three reads the edge answers from its store. A stored page lives its one
    second by nginx's whole-second clock: the read after the one that stored it may fall
    just past its end (EXPIRED, stored again), and the next is a hit."""
    for _ in range(3):
        answer = edge_state(url, headers)
        if answer[0] == "HIT":
            return answer
    return answer


def test_a_shared_page_is_kept_one_second_and_then_asked_for_again(front_door, story):
    article = f"{front_door}/en/news/{story.code}/{story.slug}"
    states = [edge_state(article)[0] for _ in range(3)]
    assert states[0] == "MISS" and "HIT" in states[1:]
    time.sleep(edge.KEPT_SECONDS + 1.1)  # nginx's clock ticks in whole seconds
    state, headers, body = edge_state(article)
    assert state == "EXPIRED"  # kept no longer than its second, and asked for again
    assert "Grain prices rise" in body
    assert "X-Accel-Expires" not in headers  # Varnish's word to the edge, not to readers


def test_a_browser_taking_gzip_gets_the_page_compressed_and_any_other_reader_plain(
    front_door, story
):
    article = f"{front_door}/en/news/{story.code}/{story.slug}"
    # Stored by the first round; from the edge's store, both, by the second (or the third, when
    # a stored copy's second ended between two reads).
    for _ in range(3):
        request = urllib.request.Request(article, headers={"Accept-Encoding": "br, gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert "Grain prices rise" in gzip.decompress(response.read()).decode()
        state, headers, body = edge_state(article)  # no Accept-Encoding
        assert "Content-Encoding" not in headers and "Grain prices rise" in body
        if state == response.headers["X-Edge-Cache"] == "HIT":
            break
    assert state == "HIT"
    assert response.headers["X-Edge-Cache"] == "HIT"


def test_a_kill_reaches_readers_through_the_edge_within_5_seconds(front_door, story):
    article = f"{front_door}/en/news/{story.code}/{story.slug}"
    listings = [f"{front_door}/en/", f"{front_door}/en/tag/grain/"]
    for page in [article, *listings]:
        assert hit_at_edge(page)[0] == "HIT"

    kill_story(story, reason="Legal advice")

    within(REACH_SECONDS, lambda: get(article)[0] == 410)
    for page in listings:
        within(REACH_SECONDS, lambda page=page: "Grain prices rise" not in get(page)[2])


def test_a_correction_reaches_readers_through_the_edge_within_5_seconds(front_door, story):
    """The edge keeps its stored files open between hits (open_file_cache): a page stored
    anew must be read from its new file, not from the one held open."""
    article = f"{front_door}/en/news/{story.code}/{story.slug}"
    assert hit_at_edge(article)[0] == "HIT"

    correct_story(story, note="The rise was misreported", lead="Wheat rose by a tenth.")

    within(REACH_SECONDS, lambda: "Wheat rose by a tenth." in get(article)[2])
    state, _, body = hit_at_edge(article)
    assert state == "HIT" and "Wheat rose by a tenth." in body  # the new copy, from the store


def test_an_article_with_its_comment_form_is_never_kept_by_the_edge(front_door, db):
    open_story = make_story(make_edition("fa"), headline="بندر بسته شد")  # comments open
    time.sleep(BAN_REPEAT_SECONDS + 0.5)
    article = f"{front_door}/fa/news/{open_story.code}/{quote(open_story.slug)}"
    answers = [edge_state(article) for _ in range(3)]
    for state, headers, body in answers:
        assert state == "MISS"  # each reader's own assembled copy, from Varnish
        assert headers["Cache-Control"] == "private, no-store"
        assert form_token(body)


def test_the_newsroom_and_its_signed_in_members_pass_the_edge(front_door, story):
    article = f"{front_door}/en/news/{story.code}/{story.slug}"
    assert hit_at_edge(article)[0] == "HIT"  # stored for readers...
    member = {"Cookie": "theme=dark; sessionid=abc"}
    assert edge_state(article, member)[0] == "BYPASS"  # ...never given to a signed-in member
    sign_in = f"{front_door}/newsroom/login/"
    assert [edge_state(sign_in)[0] for _ in range(3)] == ["MISS"] * 3


def test_the_application_sees_the_reader_not_what_the_reader_claims(front_door, db, settings):
    """Comments are limited per reader's address (one per 15 s by default): a second comment
    claiming another address in X-Forwarded-For, from another email, is still the same
    reader's, refused."""
    settings.COMMENT_MIN_SECONDS = 1
    story = make_story(make_edition("fa"), headline="بندر بسته شد")  # comments open
    time.sleep(BAN_REPEAT_SECONDS + 0.5)
    article = f"{front_door}/fa/news/{story.code}/{quote(story.slug)}"
    token = form_token(get(article)[2])
    time.sleep(settings.COMMENT_MIN_SECONDS)
    for n, claimed in enumerate(["203.0.113.1", "203.0.113.2"]):
        fields = {"name": "Maryam", "email": f"m{n}@example.org", "text": f"Comment {n}",
                  "token": token, "website": "", "parent": ""}  # fmt: skip
        request = urllib.request.Request(
            f"{front_door}/fa/news/{story.code}/comment",
            data=urllib.parse.urlencode(fields).encode(),
            headers={
                "Origin": front_door,
                "Sec-Fetch-Site": "same-origin",
                "X-Forwarded-For": claimed,
            },
        )
        with contextlib.suppress(urllib.error.HTTPError):  # the refusal: what counts is stored
            urllib.request.urlopen(request, timeout=10).close()
    assert [comment.text for comment in Comment.objects.all()] == ["Comment 0"]
