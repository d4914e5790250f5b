"""robots.txt, the sitemap index, the per-edition sitemaps and the Google News sitemaps: they
parse, validate against the sitemap schemas, list every public story and nothing else, and the
news sitemap only the last two days.

`make setup` puts the schemas under .tools/xsd/ (npm's `sitemap` ships sitemaps.org's
sitemap.xsd; PyPI's `sitemap-verify` a sitemap index schema). Without them the validation
skips locally and fails in CI (DATELINE_REQUIRE_TOOLS). No registry ships Google's
sitemap-news.xsd: the news elements are checked here, element by element, and the rest of the
news sitemap against sitemap.xsd.
"""

import copy
import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from lxml import etree

from dateline.site import sitemaps
from dateline.stories.actions import (
    correct_story,
    embargo_story,
    kill_story,
    submit_story,
    unpublish_story,
)
from tests.factories import make_story
from tests.processes import PROJECT

pytestmark = pytest.mark.django_db

XSD_DIR = Path(os.environ.get("DATELINE_XSD_DIR") or PROJECT / ".tools" / "xsd")
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"s": SITEMAP, "news": NEWS}
HOUR = datetime.timedelta(hours=1)
# W3C Datetime as sitemaps use it: a date, or a date and time with seconds and a zone.
W3C_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?")


def schema(name: str) -> etree.XMLSchema:
    path = XSD_DIR / name
    if not path.is_file():
        missing = f"no sitemap schema at {path} (run `make setup`; it needs npm)"
        if os.environ.get("DATELINE_REQUIRE_TOOLS") or os.environ.get("DATELINE_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    return etree.XMLSchema(etree.parse(str(path)))


def fetch(client, url: str) -> etree._Element:
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"] == "application/xml"
    return etree.fromstring(response.content)


def assert_valid(xsd: etree.XMLSchema, document: etree._Element) -> None:
    assert xsd.validate(document), "\n".join(str(e) for e in xsd.error_log)


def assert_valid_news(sitemap_xsd: etree.XMLSchema, document: etree._Element) -> None:
    """The news sitemap: its <urlset> against sitemap.xsd once the news elements are set
    aside, then each news:news as Google's schema has it (publication with name and
    language, publication_date, title, in that order)."""
    core = copy.deepcopy(document)
    for news in core.iterfind(".//news:news", NS):
        news.getparent().remove(news)
    assert_valid(sitemap_xsd, core)
    for url in document.iterfind("s:url", NS):
        [news] = url.findall("news:news", NS)
        assert [etree.QName(child).localname for child in news] == [
            "publication",
            "publication_date",
            "title",
        ]
        publication = news.find("news:publication", NS)
        assert [etree.QName(child).localname for child in publication] == ["name", "language"]
        assert publication.findtext("news:name", namespaces=NS).strip()
        assert re.fullmatch(
            r"[a-z]{2,3}|zh-cn|zh-tw", publication.findtext("news:language", namespaces=NS)
        )
        assert W3C_DATETIME.fullmatch(news.findtext("news:publication_date", namespaces=NS))
        assert news.findtext("news:title", namespaces=NS)


def locations(document: etree._Element) -> list[str]:
    return [loc.text for loc in document.iterfind("*/s:loc", NS)]


def absolute(story) -> str:
    return f"http://testserver{iri_to_uri(story.get_absolute_url())}"


@pytest.fixture
def newsroom_output(editions):
    """In each edition: public stories of today, of 47 hours ago and of ten days ago, a
    corrected one; and one story in each state readers may not see."""
    now = timezone.now()
    stories = {"public": [], "hidden": []}
    for edition in editions:
        section = edition.sections.get()
        name = {"en": "en", "fa": "خبر"}[edition.code]  # Persian slugs in the Persian edition
        public = [
            make_story(edition, section=section, headline=f"{name} today"),
            make_story(edition, headline=f"{name} yesterday", published_at=now - 47 * HOUR),
            make_story(edition, headline=f"{name} old", published_at=now - 240 * HOUR),
            correct_story(
                make_story(edition, headline=f"{name} corrected"),
                note="An earlier version misnamed the dam.",
            ),
        ]
        hidden = [
            make_story(edition, headline=f"{name} draft", published=False),
            submit_story(make_story(edition, headline=f"{name} sub", published=False)),
            make_story(edition, headline=f"{name} scheduled", published_at=now + HOUR),
            kill_story(make_story(edition, headline=f"{name} killed"), reason="Wrong."),
            unpublish_story(make_story(edition, headline=f"{name} unpublished")),
            embargo_story(
                make_story(edition, headline=f"{name} embargoed", published=False),
                until=now + HOUR,
            ),
        ]
        stories["public"] += public
        stories["hidden"] += hidden
    return stories


def test_robots_txt_names_the_sitemap_index_and_keeps_crawlers_out_of_the_newsroom(
    client, editions
):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /newsroom/" in lines
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        "Sitemap: http://testserver/sitemap.xml"
    ]
    assert fetch(client, "http://testserver/sitemap.xml").tag == f"{{{SITEMAP}}}sitemapindex"


def test_robots_txt_is_kept_by_shared_caches_and_revalidated(client, editions):
    response = client.get("/robots.txt")
    assert (
        response["Cache-Control"].startswith("public, ")
        and "s-maxage=" in response["Cache-Control"]
    )
    assert not response.cookies
    again = client.get("/robots.txt", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_every_sitemap_validates_and_lists_exactly_the_public_stories(client, newsroom_output):
    sitemap_xsd, index_xsd = schema("sitemap.xsd"), schema("siteindex.xsd")
    index = fetch(client, "http://testserver/sitemap.xml")
    assert_valid(index_xsd, index)
    for lastmod in index.iterfind("*/s:lastmod", NS):
        assert W3C_DATETIME.fullmatch(lastmod.text)
    assert locations(index) == [
        "http://testserver/sitemaps/stories-en.xml",
        "http://testserver/sitemaps/stories-fa.xml",
        "http://testserver/sitemaps/news-en.xml",
        "http://testserver/sitemaps/news-fa.xml",
    ]
    listed = {}
    for url in locations(index):
        document = fetch(client, url)
        if "/news-" in url:
            assert_valid_news(sitemap_xsd, document)
        else:
            assert_valid(sitemap_xsd, document)
        listed[url.rsplit("/", 1)[1]] = locations(document)
    public = newsroom_output["public"]
    for code in ("en", "fa"):
        mine = [s for s in public if s.edition.code == code]
        assert sorted(listed[f"stories-{code}.xml"]) == sorted(absolute(s) for s in mine)
        recent = [s for s in mine if not s.headline.endswith(" old")]
        assert sorted(listed[f"news-{code}.xml"]) == sorted(absolute(s) for s in recent)
    everything = {url for urls in listed.values() for url in urls}
    for story in newsroom_output["hidden"]:
        assert all(f"/news/{story.code}/" not in url for url in everything), story.headline


def test_story_sitemap_entries_are_ascii_urls_with_the_last_change(client, newsroom_output):
    document = fetch(client, "http://testserver/sitemaps/stories-fa.xml")
    entries = {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in document.iterfind("s:url", NS)
    }
    for story in newsroom_output["public"]:
        if story.edition.code != "fa":
            continue
        loc = absolute(story)
        assert loc.isascii()  # the Persian slug, percent-encoded
        corrections = list(story.corrections.all())
        changed = corrections[-1].at if corrections else story.published_at
        assert entries[loc] == changed.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    by_headline = {s.headline: s for s in newsroom_output["public"]}
    corrected, today = by_headline["خبر corrected"], by_headline["خبر today"]
    assert entries[absolute(corrected)] > entries[absolute(today)]


def test_news_sitemap_names_the_publication_and_each_story(client, newsroom_output):
    document = fetch(client, "http://testserver/sitemaps/news-fa.xml")
    stories = {absolute(s): s for s in newsroom_output["public"]}
    for url in document.iterfind("s:url", NS):
        story = stories[url.findtext("s:loc", namespaces=NS)]
        news = url.find("news:news", NS)
        assert news.findtext("news:publication/news:name", namespaces=NS) == "دیت‌لاین فارسی"
        assert news.findtext("news:publication/news:language", namespaces=NS) == "fa"
        assert news.findtext("news:title", namespaces=NS) == story.headline
        published = datetime.datetime.fromisoformat(
            news.findtext("news:publication_date", namespaces=NS)
        )
        assert published == story.published_at.replace(microsecond=0)
    # Newest first.
    dates = [d.text for d in document.iterfind(".//news:publication_date", NS)]
    assert dates == sorted(dates, reverse=True)


def test_news_sitemap_keeps_only_the_last_two_days(client, editions, settings):
    settings.PAGE_CACHE_SECONDS = 0
    en, _ = editions
    now = timezone.now()
    two_days, minute = 48 * HOUR, datetime.timedelta(minutes=1)
    inside = make_story(en, published_at=now - two_days + minute)
    outside = make_story(en, published_at=now - two_days - minute)
    listed = locations(fetch(client, "http://testserver/sitemaps/news-en.xml"))
    assert listed == [absolute(inside)]
    assert absolute(outside) in locations(
        fetch(client, "http://testserver/sitemaps/stories-en.xml")
    )


def test_hostile_headlines_stay_text_in_the_news_sitemap(client, editions):
    en, _ = editions
    headline = "Tom & Jerry <b>bold</b> ]]> \"quoted\" 'single' </news:title>"
    story = make_story(en, headline=headline)
    document = fetch(client, "http://testserver/sitemaps/news-en.xml")
    assert document.findtext(".//news:title", namespaces=NS) == headline
    assert locations(document) == [absolute(story)]
    assert_valid_news(schema("sitemap.xsd"), document)


def test_large_sitemaps_are_split_into_pages_the_index_lists(client, editions, monkeypatch):
    """Pages of `limit` stories: 1,000 for news (Google's limit), 10,000 for the rest."""
    assert sitemaps.EditionNews.limit == 1_000
    assert sitemaps.EditionStories.limit <= 50_000  # the sitemaps.org limit
    monkeypatch.setattr(sitemaps.EditionNews, "limit", 2)
    monkeypatch.setattr(sitemaps.EditionStories, "limit", 2)
    en, _ = editions
    stories = [make_story(en) for _ in range(5)]
    index = locations(fetch(client, "http://testserver/sitemap.xml"))
    for kind in ("stories-en", "news-en"):
        pages = [f"http://testserver/sitemaps/{kind}.xml"] + [
            f"http://testserver/sitemaps/{kind}.xml?p={n}" for n in (2, 3)
        ]
        assert [url for url in index if f"/{kind}.xml" in url] == pages
        listed = []
        for url in pages:
            document = fetch(client, url)
            if kind.startswith("news"):
                assert_valid_news(schema("sitemap.xsd"), document)
            else:
                assert_valid(schema("sitemap.xsd"), document)
            assert 1 <= len(locations(document)) <= 2
            listed += locations(document)
        assert sorted(listed) == sorted(absolute(s) for s in stories)
        assert client.get(f"/sitemaps/{kind}.xml?p=4").status_code == 404
        assert client.get(f"/sitemaps/{kind}.xml?p=x").status_code == 404
        # Django's paginator reads these as pages 2 and 1: no second address of a page.
        for written, number in (("02", 2), ("۲", 2), ("٠١", 1)):
            moved = client.get(f"/sitemaps/{kind}.xml?p={written}")
            assert (moved.status_code, moved["Location"]) == (
                301,
                f"/sitemaps/{kind}.xml?p={number}",
            )
        assert client.get(f"/sitemaps/{kind}.xml?p=۴").status_code == 404  # past the last


def test_an_edition_with_nothing_to_list_is_left_out_of_the_index(client, editions):
    en, _ = editions
    make_story(en, published_at=timezone.now() - 240 * HOUR)
    index = fetch(client, "http://testserver/sitemap.xml")
    assert locations(index) == ["http://testserver/sitemaps/stories-en.xml"]
    assert_valid(schema("siteindex.xsd"), index)


def test_unknown_sitemaps_are_not_found(client, editions):
    for path in ("/sitemaps/stories-xx.xml", "/sitemaps/en.xml", "/sitemaps/news-.xml"):
        assert client.get(path).status_code == 404, path
    assert client.post("/sitemap.xml").status_code == 405


def test_sitemaps_are_cached_until_a_story_changes(
    client, editions, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 60
    en, _ = editions
    first = make_story(en)
    for path in ("/sitemap.xml", "/sitemaps/news-en.xml"):
        client.get(path)
        with django_assert_num_queries(1):  # the generation: nothing else
            cached = client.get(path)
        assert cached["Content-Type"] == "application/xml"
        assert cached["X-Robots-Tag"] == "noindex, noodp, noarchive"
    second = make_story(en)
    listed = locations(fetch(client, "http://testserver/sitemaps/news-en.xml"))
    assert listed == [absolute(second), absolute(first)]
    kill_story(second, reason="Withdrawn.")
    listed = locations(fetch(client, "http://testserver/sitemaps/news-en.xml"))
    assert listed == [absolute(first)]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "en"),
        ("fa", "fa"),
        ("pt-BR", "pt"),
        ("ar_EG", "ar"),
        ("zh-Hans", "zh-cn"),
        ("zh-CN", "zh-cn"),
        ("zh-Hant-TW", "zh-tw"),
        ("zh-HK", "zh-tw"),
    ],
)
def test_news_sitemaps_name_the_language_as_google_news_does(language, expected):
    assert sitemaps.news_language(language) == expected


def test_an_edition_with_a_regional_language_gets_a_valid_news_sitemap(client, editions):
    from tests.factories import make_edition

    brazil = make_edition("br", language="pt-BR", name="Dateline Brasil")
    story = make_story(brazil, headline="Chuva em São Paulo")
    document = fetch(client, "http://testserver/sitemaps/news-br.xml")
    assert locations(document) == [absolute(story)]
    assert document.findtext(".//news:language", namespaces=NS) == "pt"
    assert document.findtext(".//news:name", namespaces=NS) == "Dateline Brasil"
    assert_valid_news(schema("sitemap.xsd"), document)


@pytest.mark.parametrize("withdraw", [kill_story, unpublish_story])
def test_a_story_leaving_moves_its_sitemaps_last_change_in_the_index(
    client, editions, settings, withdraw
):
    settings.PAGE_CACHE_SECONDS = 0
    en, _ = editions
    make_story(en, published_at=timezone.now() - 3 * HOUR)
    newest = make_story(en, published_at=timezone.now() - HOUR)
    old = make_story(en, published_at=timezone.now() - 240 * HOUR)

    def last_changes() -> dict[str, datetime.datetime]:
        index = fetch(client, "http://testserver/sitemap.xml")
        return {
            entry.findtext("s:loc", namespaces=NS).rsplit("/", 1)[
                1
            ]: datetime.datetime.fromisoformat(entry.findtext("s:lastmod", namespaces=NS))
            for entry in index.iterfind("s:sitemap", NS)
        }

    before = last_changes()
    left_at = timezone.now().replace(microsecond=0)
    withdraw(newest, **({"reason": "Wrong."} if withdraw is kill_story else {}))
    after = last_changes()
    for name in ("stories-en.xml", "news-en.xml"):
        assert before[name] < left_at <= after[name], name
    # A story older than the news sitemap's two days never was in it: only the other moves.
    withdraw(old, **({"reason": "Wrong."} if withdraw is kill_story else {}))
    assert last_changes()["news-en.xml"] == after["news-en.xml"]
