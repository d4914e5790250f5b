"""The RSS, Atom and JSON feeds, read as a feed reader reads them (feedparser) and as their specs
say they must be (the required elements, read with a strict XML parser; JSON Feed 1.1's shape)."""

import datetime
import json
import xml.etree.ElementTree as ET
from unittest import mock

import feedparser
import jsonschema
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from dateline.stories.actions import (
    correct_story,
    embargo_story,
    kill_story,
    schedule_story,
    set_comment_policy,
    unpublish_story,
)
from tests.factories import make_story
from tests.prefix import asked_under
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FORMATS = ("rss", "atom", "json")
HOST = "http://testserver"

# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), the parts we write, as a schema of ours.
JSON_FEED_SHAPE = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string", "minLength": 1},
        "home_page_url": {"type": "string", "pattern": "^https?://"},
        "feed_url": {"type": "string", "pattern": "^https?://"},
        "description": {"type": "string"},
        "language": {"type": "string", "minLength": 2},
        "authors": {"type": "array", "items": {"$ref": "#/$defs/author"}},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "url": {"type": "string", "pattern": "^https?://"},
                    "title": {"type": "string"},
                    "summary": {"type": "string"},
                    "content_html": {"type": "string"},
                    "date_published": {"type": "string", "format": "date-time"},
                    "date_modified": {"type": "string", "format": "date-time"},
                    "authors": {"type": "array", "items": {"$ref": "#/$defs/author"}},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "language": {"type": "string", "minLength": 2},
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
    "$defs": {
        "author": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string", "minLength": 1}},
        }
    },
}


def feed_urls(story) -> list[str]:
    """The edition's, the section's and the first tag's feeds of `story`, in every format."""
    edition = story.edition.code
    scopes = [f"/{edition}/"]
    if story.section:
        scopes.append(f"/{edition}/section/{story.section.slug}/")
    scopes += [f"/{edition}/tag/{tag.slug}/" for tag in story.tags.all()[:1]]
    return [f"{scope}feed.{format}" for scope in scopes for format in FORMATS]


def read(client, url: str) -> list[dict]:
    """The feed's items as a reader gets them: RSS and Atom through feedparser, JSON Feed
    (which feedparser 6.0 does not read) through its JSON Feed 1.1 shape."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if url.endswith(".json"):
        document = json.loads(response.content)
        jsonschema.validate(document, JSON_FEED_SHAPE, format_checker=jsonschema.FormatChecker())
        return [
            {
                "id": item["id"],
                "title": item["title"],
                "link": item["url"],
                "author": item.get("authors", [{}])[0].get("name"),
                "tags": set(item["tags"]),
                "text": item["content_html"],
                "published": _utc(item["date_published"]),
                "updated": _utc(item["date_modified"]),
            }
            for item in document["items"]
        ]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    assert parsed.version in ("rss20", "atom10"), (url, parsed.version)
    return [
        {
            "id": entry.id,
            "title": entry.title,
            "link": entry.link,
            "author": entry.get("author"),
            "tags": {tag.term for tag in entry.get("tags", [])},
            "text": entry.content[0].value if "content" in entry else entry.summary,
            "published": entry.published_parsed,
            # RSS 2.0 has no updated time (feedparser would offer the published one instead)
            "updated": dict.get(entry, "updated_parsed"),
        }
        for entry in parsed.entries
    ]


def _utc(moment: str):
    return datetime.datetime.fromisoformat(moment).utctimetuple()


def ids_in(client, url: str) -> list[str]:
    return [entry["id"] for entry in read(client, url)]


def code_url(story) -> str:
    return f"{HOST}/{story.edition.code}/news/{story.code}"


@pytest.fixture
def story(editions):
    en, _ = editions
    return make_story(
        en,
        headline="Caspian rail link opens",
        lead="The first train ran on Friday.",
        body="Second paragraph.\n\n## More\n\nThird.",
        section=en.sections.get(slug="world"),
        tags=("Rail", "Caspian Sea"),
        byline="By Sara Ahmadi",
        dateline_place="Rasht",
        dateline_date=datetime.date(2026, 11, 27),
        dateline_source="IRNA",
    )


def test_rss_has_the_channel_and_item_elements_rss_2_requires(client, story):
    response = client.get("/en/feed.rss")
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    rss = ET.fromstring(response.content)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required), required
    assert channel.findtext("link") == f"{HOST}/en/"
    assert channel.findtext("language") == "en"
    # Its own address, with the type the RSS Advisory Board's profile asks of it.
    self_link = channel.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == f"{HOST}/en/feed.rss"
    assert self_link.get("type") == "application/rss+xml"
    (item,) = channel.findall("item")
    assert item.findtext("title") == "Caspian rail link opens"
    assert item.findtext("link") == f"{HOST}{story.get_absolute_url()}"
    assert item.findtext("guid") == code_url(story)
    assert {c.text for c in item.findall("category")} == {"World", "Rail", "Caspian Sea"}


def test_atom_has_the_elements_rfc_4287_requires(client, story):
    response = client.get("/en/section/world/feed.atom")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{required}"), required
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Dateline English"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{HOST}/en/section/world/feed.atom"
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id") == code_url(story)
    assert entry.findtext(f"{ATOM}title") == "Caspian rail link opens"
    assert entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Sara Ahmadi"  # without its "By"
    alternate = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == f"{HOST}{story.get_absolute_url()}"
    assert entry.find(f"{ATOM}content").get("type") == "html"


def test_json_feed_has_the_shape_of_json_feed_1_1(client, story):
    response = client.get("/en/tag/rail/feed.json")
    assert response["Content-Type"].startswith("application/feed+json")
    document = json.loads(response.content)
    jsonschema.validate(document, JSON_FEED_SHAPE, format_checker=jsonschema.FormatChecker())
    (item,) = document["items"]
    assert item["id"] == code_url(story)
    assert item["authors"] == [{"name": "Sara Ahmadi"}]
    assert item["tags"][0] == "World"  # the section, then the tags
    assert sorted(item["tags"][1:]) == ["Caspian Sea", "Rail"]
    assert document["feed_url"] == f"{HOST}/en/tag/rail/feed.json"


@pytest.mark.parametrize("format", FORMATS)
def test_an_item_reads_as_the_story_with_its_dateline_before_the_lead(client, story, format):
    (entry,) = read(client, f"/en/feed.{format}")
    assert entry["title"] == "Caspian rail link opens"
    assert entry["link"] == f"{HOST}{story.get_absolute_url()}"
    assert entry["id"] == code_url(story)
    assert entry["author"] == "Sara Ahmadi"
    assert entry["tags"] == {"World", "Rail", "Caspian Sea"}
    content = page_of_html(entry["text"])
    lead = content.p.get_text()
    assert lead == "Rasht, November 27, IRNA – The first train ran on Friday."
    assert content.h2.get_text() == "More"
    assert entry["published"][:6] == story.published_at.utctimetuple()[:6]


def test_a_correction_updates_the_item_and_keeps_its_id(client, story):
    later = timezone.now() + datetime.timedelta(hours=2)
    before = {format: read(client, f"/en/feed.{format}")[0] for format in FORMATS}
    with mock.patch("django.utils.timezone.now", lambda: later):
        correct_story(
            story, note="The day was wrong.", headline="Caspian rail link opens to freight"
        )
    for format in FORMATS:
        (after,) = read(client, f"/en/feed.{format}")
        assert after["title"] == "Caspian rail link opens to freight"
        assert after["id"] == before[format]["id"] == code_url(story)
        assert after["link"] != before[format]["link"]  # the slug followed the headline
        assert after["published"] == before[format]["published"]
        if format != "rss":  # RSS 2.0 has no updated time
            # The correction's time, as the article's dateModified and the sitemaps give it.
            corrected_at = story.corrections.get().at
            assert after["updated"] == corrected_at.utctimetuple()


def test_a_change_readers_do_not_see_leaves_the_items_updated_time(client, story):
    """Closing the comments (or linking a translation) changes the story's row, not what the
    item says: feed readers must not be told it was updated."""
    before = {format: read(client, f"/en/feed.{format}")[0] for format in ("atom", "json")}
    later = timezone.now() + datetime.timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", lambda: later):
        set_comment_policy(story, policy="closed")
    for format in ("atom", "json"):
        (after,) = read(client, f"/en/feed.{format}")
        assert after["updated"] == before[format]["updated"] == after["published"], format


def test_stories_readers_may_not_see_are_in_no_feed(client, editions):
    en, _ = editions
    world = en.sections.get(slug="world")
    later = timezone.now() + datetime.timedelta(hours=1)
    visible = make_story(en, section=world, tags=("Water",))
    draft = make_story(en, section=world, tags=("Water",), published=False)
    scheduled = make_story(en, section=world, tags=("Water",), published_at=later)
    embargoed = embargo_story(
        make_story(en, section=world, tags=("Water",), published=False), until=later
    )
    unpublished = unpublish_story(make_story(en, section=world, tags=("Water",)))
    killed = kill_story(make_story(en, section=world, tags=("Water",)), reason="Wrong.")
    hidden = {code_url(s) for s in (draft, scheduled, embargoed, unpublished, killed)}
    for url in feed_urls(visible):
        ids = ids_in(client, url)
        assert ids == [code_url(visible)], url
        assert not hidden & set(ids)


def test_a_story_killed_after_it_appeared_leaves_every_feed_at_once(client, story):
    urls = feed_urls(story)
    etags = {url: client.get(url)["ETag"] for url in urls}  # cached now
    assert all(ids_in(client, url) == [code_url(story)] for url in urls)
    kill_story(story, reason="Withdrawn.")
    for url in urls:
        response = client.get(url, HTTP_IF_NONE_MATCH=etags[url])
        if url.startswith("/en/tag/"):
            assert response.status_code == 404  # no public story carries the tag any more
            continue
        assert response.status_code == 200, url
        assert ids_in(client, url) == [], url


def test_a_schedule_or_embargo_shows_in_the_feed_once_its_time_has_come(client, editions):
    en, _ = editions
    now = timezone.now()
    embargoed = embargo_story(
        make_story(en, published=False), until=now + datetime.timedelta(minutes=10)
    )
    assert ids_in(client, "/en/feed.json") == []
    with mock.patch("django.utils.timezone.now", lambda: now + datetime.timedelta(minutes=11)):
        cache.clear()  # no change marks an embargo's end: the page cache's time bounds it
        assert ids_in(client, "/en/feed.json") == [code_url(embargoed)]


def test_conditional_get_answers_304_then_200_after_a_change(client, story):
    first = client.get("/en/feed.rss")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get("/en/feed.rss", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/en/feed.rss", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    later = timezone.now() + datetime.timedelta(seconds=2)  # a later second than the first's
    with mock.patch("django.utils.timezone.now", lambda: later):
        correct_story(story, note="Spelling.", lead="The first train ran on Saturday.")
    changed = client.get("/en/feed.rss", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Saturday" in changed.content.decode()
    assert changed["ETag"] != etag
    assert client.get("/en/feed.rss", HTTP_IF_MODIFIED_SINCE=modified).status_code == 200


def test_if_modified_since_is_not_fooled_by_a_kill_that_leaves_older_items(client, editions):
    """The feed's newest item is killed: what is left is older than the time the client
    holds, yet the feed changed."""
    en, _ = editions
    older = make_story(en, published_at=timezone.now() - datetime.timedelta(days=2))
    newest = make_story(en)
    modified = client.get("/en/feed.atom")["Last-Modified"]
    later = timezone.now() + datetime.timedelta(seconds=2)
    with mock.patch("django.utils.timezone.now", lambda: later):
        kill_story(newest, reason="Withdrawn.")
    response = client.get("/en/feed.atom", HTTP_IF_MODIFIED_SINCE=modified)
    assert response.status_code == 200
    assert ids_in(client, "/en/feed.atom") == [code_url(older)]


def test_a_304_costs_one_query_and_renders_nothing(client, story, django_assert_num_queries):
    etag = client.get("/en/feed.json")["ETag"]
    with django_assert_num_queries(1):  # the page cache's generation
        response = client.get("/en/feed.json", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_a_far_future_if_modified_since_without_etag_is_a_304_and_an_old_one_a_200(client, story):
    assert client.get("/en/feed.rss", HTTP_IF_MODIFIED_SINCE=http_date(2**31)).status_code == 304
    assert client.get("/en/feed.rss", HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200


def test_the_persian_feeds_say_persian_and_right_to_left(client, editions):
    _, fa = editions
    story = make_story(
        fa,
        headline="گشایش خط آهن",
        lead="نخستین قطار روز جمعه حرکت کرد.",
        dateline_place="رشت",
        dateline_source="ایرنا",
    )
    rss = ET.fromstring(client.get("/fa/feed.rss").content)
    assert rss.findtext("channel/language") == "fa"
    assert 'dir="rtl" lang="fa"' in rss.findtext("channel/item/description")
    atom = ET.fromstring(client.get("/fa/feed.atom").content)
    assert atom.get(XML_LANG) == "fa"
    assert atom.find(f"{ATOM}entry").get(XML_LANG) == "fa"
    document = json.loads(client.get("/fa/feed.json").content)
    assert document["language"] == document["items"][0]["language"] == "fa"
    content = page_of_html(document["items"][0]["content_html"])
    wrapper = content.find("div")
    assert (wrapper["dir"], wrapper["lang"]) == ("rtl", "fa")
    assert wrapper.p.get_text().startswith("رشت- ایرنا- نخستین قطار")
    assert document["items"][0]["id"] == code_url(story)
    english = json.loads(client.get("/en/feed.json").content)
    assert english["language"] == "en"


def page_of_html(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


# Markup, a CDATA end, an entity, characters XML 1.0 forbids, a right-to-left override. NUL
# only where the database can hold it: PostgreSQL's text refuses it (the import refuses it
# everywhere, as binary).
NUL = "" if connection.vendor == "postgresql" else "\x00"
HOSTILE = f"<script>alert(1)</script> ]]> &amp; {NUL}\x01\x08\x0b\x0c\x1f\ufffe \u202eend"


@pytest.mark.parametrize("format", FORMATS)
def test_hostile_text_makes_a_well_formed_feed(client, editions, format):
    en, _ = editions
    make_story(
        en,
        headline=f"Headline {HOSTILE}",
        lead=f"Lead {HOSTILE}",
        body=f"Body {HOSTILE}\n\n<script>alert(2)</script>",
        byline=f"By {HOSTILE}",
        dateline_place=f"Place {HOSTILE}",
        dateline_source="\x02Source",
        tags=("Hostile <b>tag</b> ]]>",),
        section=en.sections.get(slug="world"),
    )
    response = client.get(f"/en/feed.{format}")
    assert response.status_code == 200
    if format == "json":
        json.loads(response.content)
    else:
        ET.fromstring(response.content)  # strict: any stray control character fails here
    (entry,) = read(client, f"/en/feed.{format}")
    assert entry["title"].startswith("Headline <script>alert(1)</script> ]]> &amp;")
    assert entry["title"].endswith(" end")
    assert not [c for c in entry["title"] if ord(c) < 0x20 or c == "\ufffe"]
    assert "<script" not in entry["text"]  # the lead's is text, the body's was sanitised
    assert "Lead &lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp;amp;" in entry["text"]


def test_pages_announce_their_own_feeds(client, story):
    for page_url, feed_prefix in (
        ("/en/", "/en/"),
        ("/en/section/world/", "/en/section/world/"),
        ("/en/tag/rail/", "/en/tag/rail/"),
    ):
        links = page(client.get(page_url)).head.find_all("link", rel="alternate")
        announced = {link["type"]: link["href"] for link in links}
        assert announced == {
            "application/rss+xml": f"{feed_prefix}feed.rss",
            "application/atom+xml": f"{feed_prefix}feed.atom",
            "application/feed+json": f"{feed_prefix}feed.json",
        }, page_url
        for kind, href in announced.items():
            response = client.get(href)
            assert response.status_code == 200, href
            assert response["Content-Type"].startswith(kind), href


@pytest.mark.parametrize(
    "url",
    [
        "/xx/feed.rss",
        "/en/feed.xml",
        "/en/section/nowhere/feed.rss",
        "/en/tag/nowhere/feed.atom",
        "/fa/tag/rail/feed.json",  # the tag exists, but no Persian story carries it
        "/en/section/world/feed.rss/",
    ],
)
def test_feeds_that_do_not_exist_are_404(client, story, url):
    assert client.get(url).status_code == 404


def test_a_section_feed_typed_in_capitals_moves_to_its_address(client, story):
    moved = client.get("/en/section/World/feed.atom?x=1")
    assert moved.status_code == 301
    assert moved["Location"] == "/en/section/world/feed.atom?x=1"
    assert client.get("/en/section/Nowhere/feed.atom").status_code == 404


def test_a_tag_only_a_hidden_story_carries_has_no_feed(client, editions):
    en, _ = editions
    schedule_story(
        make_story(en, tags=("Secret plan",), published=False),
        at=timezone.now() + datetime.timedelta(hours=1),
    )
    for format in FORMATS:
        assert client.get(f"/en/tag/secret-plan/feed.{format}").status_code == 404


def test_a_tag_feed_asks_once_how_often_its_tag_is_carried(client, editions, settings):
    """Both its lists (the public stories and those that left) are read the same way, decided
    by one question."""
    settings.PAGE_CACHE_SECONDS = 0
    en, _ = editions
    make_story(en, tags=("Water",))
    with CaptureQueriesContext(connection) as asked:
        assert client.get("/en/tag/water/feed.rss").status_code == 200
    assert sum("HAVING" in query["sql"] for query in asked.captured_queries) == 1


def test_with_the_page_cache_off_a_feed_is_fresh_and_still_answers_304(client, story, settings):
    settings.PAGE_CACHE_SECONDS = 0
    etag = client.get("/en/feed.json")["ETag"]
    assert client.get("/en/feed.json", HTTP_IF_NONE_MATCH=etag).status_code == 304
    kill_story(story, reason="Withdrawn.")
    assert client.get("/en/feed.json", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert ids_in(client, "/en/feed.json") == []


def test_head_is_answered_and_post_is_not(client, story):
    head = client.head("/en/feed.atom")
    assert head.status_code == 200 and head["ETag"]
    assert client.post("/en/feed.atom").status_code == 405


def test_a_feed_served_under_a_script_prefix_links_under_it(client, story):
    """Behind a proxy's path (SCRIPT_NAME, which Django's WSGI handler makes the script
    prefix; the test client does not) every address a feed gives stays under it."""
    response = asked_under("/agency/", client.get, "/en/feed.json")
    document = json.loads(response.content)
    (item,) = document["items"]
    assert document["home_page_url"] == f"{HOST}/agency/en/"
    assert document["feed_url"] == f"{HOST}/agency/en/feed.json"
    assert item["url"] == f"{HOST}/agency{story.get_absolute_url()}"
    assert item["id"] == f"{HOST}/agency/en/news/{story.code}"


@pytest.mark.parametrize("withdraw", ["kill", "unpublish"])
def test_a_story_leaving_a_feed_moves_the_feeds_own_time(client, story, settings, withdraw):
    """Atom's feed <updated> and RSS's <lastBuildDate> say when the feed last changed: when
    its newest entry leaves, that is later than any entry it keeps."""
    settings.PAGE_CACHE_SECONDS = 0
    earlier = make_story(
        story.edition,
        section=story.section,
        tags=("Rail",),
        published_at=timezone.now() - datetime.timedelta(hours=3),
    )
    scopes = ("/en/", "/en/section/world/", "/en/tag/rail/")

    def feed_times() -> dict[str, object]:
        times = {}
        for scope in scopes:
            for format in ("atom", "rss"):
                parsed = feedparser.parse(client.get(f"{scope}feed.{format}").content)
                times[scope + format] = parsed.feed.get("updated_parsed")
        return times

    before = feed_times()
    left_at = timezone.now().replace(microsecond=0).utctimetuple()
    if withdraw == "kill":
        kill_story(story, reason="Withdrawn.")
    else:
        unpublish_story(story)
    after = feed_times()
    for name, moment in after.items():
        assert before[name] < left_at <= moment, name
    assert all(ids_in(client, f"{s}feed.atom") == [code_url(earlier)] for s in scopes)


def test_an_empty_feed_says_when_it_last_changed_not_when_it_was_written(client, story, settings):
    settings.PAGE_CACHE_SECONDS = 0
    unpublished_at = timezone.now().replace(microsecond=0)
    unpublish_story(story)
    emptied = feedparser.parse(client.get("/en/section/world/feed.atom").content)
    assert emptied.entries == []
    assert (
        emptied.feed.updated_parsed
        == story.__class__.objects.get(pk=story.pk).updated_at.replace(microsecond=0).utctimetuple()
    )
    assert emptied.feed.updated_parsed >= unpublished_at.utctimetuple()
    story.edition.sections.create(slug="sport", name="Sport")
    never = feedparser.parse(client.get("/en/section/sport/feed.rss").content)
    assert never.entries == [] and never.feed.updated_parsed[:3] == (1970, 1, 1)
