"""What the purge tells the HTTP cache in front (site.purge, decision 0033): which pages each
ban's expression reaches, and the bans a story change sends, to a real HTTP listener standing
in for Varnish's BAN endpoint: at once, again after the repeat delay, and never an error for a
cache that does not answer."""

import datetime
import logging
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from django.urls import set_script_prefix

from dateline.comments import moderation
from dateline.discovery.models import RelatedStory
from dateline.site import purge
from dateline.site.purge import ban_expressions, scope_ban_expressions
from dateline.stories.actions import choose_related, correct_story, edit_story, kill_story
from dateline.stories.actions.changes import fan_out_pending
from dateline.stories.models import Tag
from tests.factories import make_pending_comment, make_section, make_story

pytestmark = pytest.mark.django_db
REPEAT_SECONDS = 0.3


class BanListener:
    """An HTTP server that answers every BAN 200 and keeps its headers."""

    def __init__(self) -> None:
        self.bans: list[dict[str, str]] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_BAN(self):  # http.server calls do_<METHOD>
                listener.bans.append(dict(self.headers))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, seconds: float = 5.0) -> list[dict[str, str]]:
        deadline = time.monotonic() + seconds
        while len(self.bans) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.bans)


@pytest.fixture
def listener(settings):
    purge._sender.flush()  # what an earlier test left pending goes to its caches, not here
    listener = BanListener()
    settings.HTTP_CACHE_PURGE_URLS = [listener.url]
    settings.HTTP_CACHE_BAN_REPEAT_SECONDS = REPEAT_SECONDS
    yield listener
    purge._sender.flush()  # nothing left for the next test's listener
    listener.server.shutdown()


def bans_sent_for(story) -> int:
    """How many BAN requests a change to `story` sends each cache: its pages', and its section's
    and tags' (the pages standing in for them)."""
    sent = len(ban_expressions(purge.urls_to_purge(story)))
    return sent + len(scope_ban_expressions(purge.also_shown_scopes(story)))


def reached(bans: list[dict[str, str]], header: str, value: str) -> bool:
    return any(header in ban and re.search(ban[header], value) for ban in bans)


def test_a_kill_bans_every_page_showing_the_story_and_no_other(
    listener, editions, django_capture_on_commit_callbacks
):
    en, _fa = editions
    world = en.sections.get(slug="world")
    story = make_story(en, section=world, tags=("Water",), headline="Dam A")
    other = make_story(en, section=make_section(en, "sport"), tags=("Goals",), headline="Cup")
    with django_capture_on_commit_callbacks(execute=True):
        kill_story(story, reason="Legal")
    bans = listener.wait_for(2)
    for page in [
        f"/en/news/{story.code}/{story.slug}",
        f"/en/news/{story.code}/an-older-slug?x=1",
        "/en/",
        "/en/?page=3",
        "/en/section/world/",
        "/en/tag/water/feed.rss",
        "/en/search?q=dam",
        "/en/search?q=anything&section=sport",
        "/sitemaps/stories-en.xml",
    ]:
        assert reached(bans, "X-Ban-Url", page), page
    for page in [f"/en/news/{other.code}/{other.slug}", "/en/section/sport/", "/fa/"]:
        assert not reached(bans, "X-Ban-Url", page), page
    for shown in ["section:en:world", "tag:en:other,tag:en:water"]:
        assert reached(bans, "X-Ban-Also-Shows", shown), shown
    for shown in ["section:en:sport", "tag:en:goals", "tag:fa:water"]:
        assert not reached(bans, "X-Ban-Also-Shows", shown), shown


def test_a_story_leaving_its_section_and_a_tag_bans_their_pages(
    listener, editions, django_capture_on_commit_callbacks
):
    en, _fa = editions
    story = make_story(
        en, section=en.sections.get(slug="world"), tags=("Water", "Dams"), headline="Dam A"
    )
    sport = make_section(en, "sport")  # a new section is on every page: not in this change
    with django_capture_on_commit_callbacks(execute=True):
        edit_story(
            story, base_version=story.version, section=sport, tags=[Tag.objects.get(slug="dams")]
        )
    bans = listener.wait_for(bans_sent_for(story) + 2)
    for page in ["/en/section/world/", "/en/section/world/feed.rss", "/en/tag/water/?page=2"]:
        assert reached(bans, "X-Ban-Url", page), page
    for shown in ["section:en:world", "tag:en:water"]:
        assert reached(bans, "X-Ban-Also-Shows", shown), shown
    assert not reached(bans, "X-Ban-Url", "/fa/tag/water/")


def test_a_story_leaving_its_section_bans_its_pages_when_a_worker_catches_the_change_up(
    listener, editions, django_capture_on_commit_callbacks
):
    """The process that saved the change stopped before its fan-out: the outbox's catch-up
    sends it, and the change itself names the section and tag the story left."""
    en, _fa = editions
    story = make_story(en, section=en.sections.get(slug="world"), tags=("Water",), headline="A")
    sport = make_section(en, "sport")
    with django_capture_on_commit_callbacks(execute=False):
        edit_story(story, base_version=story.version, section=sport, tags=[])
    assert fan_out_pending(grace=datetime.timedelta(0))  # its creation, publication, edit
    purge._sender.flush()  # three changes' bans: all of them sent before looking
    bans = list(listener.bans)
    for page in ["/en/section/world/", "/en/tag/water/feed.atom"]:
        assert reached(bans, "X-Ban-Url", page), page
    for shown in ["section:en:world", "tag:en:water"]:
        assert reached(bans, "X-Ban-Also-Shows", shown), shown


def test_a_kill_reaches_persian_pages_at_the_address_a_browser_asks_for(
    listener, editions, django_capture_on_commit_callbacks
):
    """A browser sends a Persian slug percent-encoded (UTF-8), and the cache matches bans
    against the address as sent: the pages whose Related News lists the story are banned so."""
    _en, fa = editions
    story = make_story(fa, headline="سد کرج")
    reader = make_story(fa, headline="آب تهران")
    RelatedStory.objects.create(story=reader, related=story, rank=1, score=0.9, explanation="")
    with django_capture_on_commit_callbacks(execute=True):
        kill_story(story, reason="Legal")
    bans = listener.wait_for(bans_sent_for(story))
    assert not reader.slug.isascii()
    assert reached(bans, "X-Ban-Url", quote(f"/fa/news/{reader.code}/{reader.slug}"))


def test_a_kill_bans_the_pages_whose_editors_picked_the_story(
    listener, editions, django_capture_on_commit_callbacks
):
    """A pick shows the story as a stored list does, though no stored list holds it."""
    en, _fa = editions
    story = make_story(en, section=make_section(en, "sport"), headline="Cup final")
    picking = make_story(en, section=en.sections.get(slug="world"), headline="Dam A")
    choose_related(picking, story.code, "pick")
    with django_capture_on_commit_callbacks(execute=True):
        kill_story(story, reason="Legal")
    bans = listener.wait_for(bans_sent_for(story))
    assert reached(bans, "X-Ban-Url", f"/en/news/{picking.code}/{picking.slug}")


def test_each_ban_is_sent_again_after_the_repeat_delay(
    listener, editions, django_capture_on_commit_callbacks
):
    en, _fa = editions
    story = make_story(en, headline="Dam A")  # its creation's bans wait for a commit: none
    with django_capture_on_commit_callbacks(execute=True):
        correct_story(story, note="Spelling", headline="Dam A, corrected")
    sent = bans_sent_for(story)  # each its own request: all of them before timing the repeat
    first = listener.wait_for(sent)
    sent_at = time.monotonic()
    assert len(first) == sent, f"{len(first)} of {sent} bans sent"
    again = listener.wait_for(2 * sent)
    assert time.monotonic() - sent_at >= REPEAT_SECONDS * 0.5
    assert again[len(first) :] == first


def test_a_cache_that_does_not_answer_is_logged_and_skipped(
    listener, settings, editions, caplog, django_capture_on_commit_callbacks
):
    en, _fa = editions
    settings.HTTP_CACHE_PURGE_URLS = ["http://127.0.0.1:9/", listener.url]  # nothing on port 9
    story = make_story(en, headline="Dam A")
    with caplog.at_level(logging.WARNING, logger="dateline.purge"):
        with django_capture_on_commit_callbacks(execute=True):
            kill_story(story, reason="Legal")
        assert listener.wait_for(1), "the cache that answers got no ban"
        deadline = time.monotonic() + 5
        while "127.0.0.1:9" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.02)
    assert "HTTP cache http://127.0.0.1:9/ did not take a ban" in caplog.text


def test_without_a_purge_address_nothing_is_sent(
    listener, settings, editions, django_capture_on_commit_callbacks
):
    en, _fa = editions
    settings.HTTP_CACHE_PURGE_URLS = []
    story = make_story(en, headline="Dam A")
    with django_capture_on_commit_callbacks(execute=True):
        kill_story(story, reason="Legal")
    time.sleep(REPEAT_SECONDS * 2)
    assert listener.bans == []


EVERY_KIND_OF_PAGE = ["/en/news/{code}/{slug}", "/fa/", "/en/search?q=dam", "/sitemap.xml"]


def every_page_reached(bans, story) -> bool:
    pages = [page.format(code=story.code, slug=story.slug) for page in EVERY_KIND_OF_PAGE]
    return all(reached(bans, "X-Ban-Url", page) for page in pages)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda en: _save(en.sections.get(slug="world"), name="Abroad"), id="section"),
        pytest.param(lambda en: _save(en, name="Dateline International"), id="edition"),
        pytest.param(lambda en: en.follow_links.get().delete(), id="follow link deleted"),
        pytest.param(lambda en: _save(Tag.objects.get(slug="water"), name="Fresh water"), id="tag"),
        pytest.param(lambda en: Tag.objects.get(slug="water").delete(), id="tag deleted"),
    ],
)
def test_furniture_saved_or_a_tag_renamed_bans_every_page(
    change, listener, editions, django_capture_on_commit_callbacks
):
    """Every page shows the furniture, and a tag's name is on every page of its stories: each
    such change, made as the admin makes it, reaches the cache."""
    en, _fa = editions
    story = make_story(en, section=en.sections.get(slug="world"), tags=("Water",), headline="Dam")
    with django_capture_on_commit_callbacks(execute=True):
        change(en)
    assert every_page_reached(listener.wait_for(1), story)


def test_a_new_tag_bans_nothing(listener, editions, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Tag.objects.create(name="Drought", slug="drought")
    time.sleep(REPEAT_SECONDS * 2)
    assert listener.bans == []


def _save(instance, **fields) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()


def test_a_ban_reaches_the_paths_with_any_query_string_and_nothing_else():
    paths = ["/en/", "/en/news/12", "/en/news/12/*", "/en/search", "/en/tag/a.b/"]
    [expression] = ban_expressions(paths)
    ban = re.compile(expression)
    for reached in [
        "/en/",
        "/en/?page=2",
        "/en/news/12",
        "/en/news/12/grain-prices",
        "/en/news/12/the-headline-before-a-correction?thread=4",
        "/en/news/12/",
        "/en/search?q=grain&page=3",
        "/en/tag/a.b/",
    ]:
        assert ban.search(reached), reached
    for spared in [
        "/en/news/123",
        "/en/news/123/x",
        "/en/news/1",
        "/fa/",
        "/en/section/x/",
        "/en/tag/aXb/",
    ]:
        assert not ban.search(spared), spared


def test_many_paths_are_split_into_bans_a_header_can_carry():
    paths = [f"/en/news/{n}/a-fairly-long-slug-for-story-{n}" for n in range(1_000)]
    expressions = ban_expressions(paths)
    assert len(expressions) > 1
    assert all(len(expression) < 7_000 for expression in expressions)
    for path in paths[::97]:
        assert any(re.search(expression, path) for expression in expressions)


def test_a_scope_ban_reaches_the_pages_naming_that_scope_and_no_other():
    [expression] = scope_ban_expressions(["tag:en:oil", "section:en:a.b"])
    ban = re.compile(expression)
    for reached in ["tag:en:oil", "tag:en:water,tag:en:oil", "tag:en:oil,section:en:world"]:
        assert ban.search(reached), reached
    for spared in [
        "tag:en:oil-prices",
        "tag:en:soil",
        "tag:fa:oil",
        "section:en:aXb",
        "",
        "tag:en:water,tag:en:oils",
    ]:
        assert not ban.search(spared), spared


def test_a_moderation_decision_bans_the_storys_page_and_not_anothers(
    listener, editions, django_capture_on_commit_callbacks
):
    en, _fa = editions
    story = make_story(en, section=en.sections.get(slug="world"), headline="Dam A")
    other = make_story(en, headline="Cup")
    comment = make_pending_comment(story, "The dam opened at noon.")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve([comment.pk])
    bans = listener.wait_for(1)
    assert reached(bans, "X-Ban-Url", f"/en/news/{story.code}/{story.slug}")
    assert reached(bans, "X-Ban-Url", f"/en/news/{story.code}")
    assert not reached(bans, "X-Ban-Url", f"/en/news/{other.code}/{other.slug}")


def test_under_a_script_prefix_every_path_to_purge_carries_it(editions):
    """Served behind a proxy's path, the cache keeps pages under it: a ban without the prefix
    would reach none of them."""
    en, _fa = editions
    story = make_story(en, section=en.sections.get(slug="world"), tags=("Water",), headline="Dam")
    set_script_prefix("/agency/")
    try:
        paths = purge.urls_to_purge(story)
    finally:
        set_script_prefix("/")
    assert f"/agency/en/news/{story.code}/*" in paths
    assert [path for path in paths if not path.startswith("/agency/")] == []
