"""Edition fronts, section and tag pages, pagination, errors."""

import datetime
import re
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dateline.site.pagination import PER_PAGE
from dateline.site.views import FRONT_LATEST, FRONT_PER_SECTION
from dateline.stories import querysets
from tests.factories import make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db


def test_root_goes_to_the_default_edition(client, editions):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/en/"


def test_front_lists_latest_public_stories_of_its_edition(client, editions):
    en, fa = editions
    now = timezone.now()
    older = make_story(en, headline="Older", published_at=now - datetime.timedelta(hours=3))
    newer = make_story(en, headline="Newer", published_at=now - datetime.timedelta(hours=1))
    make_story(en, headline="Unpublished", published=False)
    make_story(fa, headline="فارسی")
    soup = page(client.get("/en/"))
    assert [a.get_text() for a in soup.select(".story-list h2 a")] == ["Newer", "Older"]
    assert soup.select_one(".story-list h2 a")["href"] == newer.get_absolute_url()
    assert older.headline == "Older"


def test_persian_front_is_right_to_left(client, editions):
    soup = page(client.get("/fa/"))
    assert soup.html["dir"] == "rtl"
    assert soup.html["lang"] == "fa"


def test_section_page_lists_only_its_section(client, editions):
    en, _ = editions
    world = en.sections.get()
    make_story(en, headline="In world", section=world)
    make_story(en, headline="No section")
    soup = page(client.get("/en/section/world/"))
    assert soup.h1.get_text() == "World"
    assert [a.get_text() for a in soup.select(".story-list h2 a")] == ["In world"]
    assert soup.select_one('nav.sections a[aria-current="page"]').get_text() == "World"


def test_a_section_typed_in_capitals_moves_to_its_address(client, editions):
    moved = client.get("/en/section/World/?page=1")
    assert moved.status_code == 301
    assert moved["Location"] == "/en/section/world/?page=1"
    assert client.get("/en/section/Nowhere/").status_code == 404


def test_pagination_walks_through_all_stories(client, editions, django_assert_max_num_queries):
    en, _ = editions
    world = en.sections.get()
    now = timezone.now()
    for minutes in range(PER_PAGE + 3):
        make_story(en, section=world, published_at=now - datetime.timedelta(minutes=minutes + 1))
    first = page(client.get("/en/section/world/"))
    assert len(first.select(".story-list > li")) == PER_PAGE
    assert first.select_one('a[rel="next"]')["href"] == "?page=2"
    # the page cache's generation, then the list and its comment counts
    with django_assert_max_num_queries(3):
        second = page(client.get("/en/section/world/?page=2"))
    assert len(second.select(".story-list > li")) == 3
    assert second.select_one('a[rel="next"]') is None
    assert second.select_one('a[rel="prev"]')["href"] == "./"


def test_front_shows_the_latest_and_a_block_per_section(client, editions):
    en, _ = editions
    world = en.sections.get()
    empty = en.sections.create(slug="sport", name="Sport")
    now = timezone.now()
    for hours in range(FRONT_LATEST + 2):
        make_story(
            en, headline=f"News {hours}", published_at=now - datetime.timedelta(hours=hours + 1)
        )
    for hours in range(FRONT_PER_SECTION + 2):
        make_story(
            en,
            section=world,
            headline=f"World {hours}",
            published_at=now - datetime.timedelta(days=2, hours=hours),
        )
    soup = page(client.get("/en/"))
    assert len(soup.select(".story-list > li")) == FRONT_LATEST
    blocks = soup.select(".section-block")
    assert [b.h2.get_text() for b in blocks] == ["World"]  # a section with no story has no block
    assert [a.get_text() for a in blocks[0].select("h3 a")] == [
        f"World {hours}" for hours in range(FRONT_PER_SECTION)
    ]
    assert empty.name not in [b.h2.get_text() for b in blocks]
    assert not page(client.get("/en/?page=2")).select(".section-block")


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "99"])
def test_bad_page_number_is_not_found(client, editions, bad):
    make_story(editions[0])
    assert client.get(f"/en/?page={bad}").status_code == 404


def test_friendly_404_in_the_edition_of_the_url(client, editions):
    response = client.get("/fa/section/nothing-here/")
    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["dir"] == "rtl"
    assert soup.h1.get_text() == "صفحه پیدا نشد"
    assert client.get("/xx/").status_code == 404
    assert client.get("/en/tag/no-such-tag/").status_code == 404


def test_friendly_500_needs_neither_database_nor_cache(rf, settings):
    from dateline.site.views import server_error

    response = server_error(rf.get("/fa/news/1/x"))
    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 500
    assert soup.html["dir"] == "rtl" and soup.h1.get_text() == "خطایی رخ داد"


def test_edition_changes_reach_pages_at_once(client, editions):
    en, _ = editions
    page(client.get("/en/"))  # fills the cache
    en.name = "Renamed Service"
    en.save()
    assert page(client.get("/en/")).select_one(".brand").get_text() == "Renamed Service"


def test_no_edition_yet_is_a_404_not_a_crash(client, db):
    assert client.get("/").status_code == 404


def test_favicon_requests_find_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".svg")


# HTML's "valid global date and time string": at most three digits of a second's fraction.
HTML_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})")


def test_every_time_element_has_a_datetime_html_accepts(client, editions):
    en, fa = editions
    when = timezone.now().replace(microsecond=123456) - datetime.timedelta(hours=1)
    story = make_story(en, section=en.sections.get(), tags=("Water",), published_at=when)
    make_story(en, section=en.sections.get(), tags=("Water",), published_at=when)
    persian = make_story(fa, section=fa.sections.get(), published_at=when)
    paths = ["/en/", "/fa/", "/en/section/world/", "/en/tag/water/"]
    paths += [story.get_absolute_url(), persian.get_absolute_url()]
    for path in paths:
        times = page(client.get(path)).find_all("time")
        assert times, path
        for time in times:
            assert HTML_DATETIME.fullmatch(time["datetime"]), (path, time["datetime"])
            shown = datetime.datetime.fromisoformat(time["datetime"])
            assert shown == when.replace(microsecond=0), path


def description(response) -> str:
    metas = page(response).find_all("meta", attrs={"name": "description"})
    assert len(metas) == 1, metas
    return metas[0]["content"]


def test_fronts_sections_and_tags_describe_themselves(client, editions):
    en, fa = editions
    make_story(en, section=en.sections.get(), tags=("Caspian Sea",))
    make_story(fa, section=fa.sections.get(), tags=("دریای خزر",))
    front = description(client.get("/en/"))
    assert "Dateline English" in front and "news" in front
    front_fa = description(client.get("/fa/"))
    assert "دیت‌لاین فارسی" in front_fa and "اخبار" in front_fa
    section = description(client.get("/en/section/world/"))
    assert "World" in section and "Dateline English" in section
    section_fa = description(client.get("/fa/section/world/"))
    assert "جهان" in section_fa and "دیت‌لاین فارسی" in section_fa and "news" not in section_fa
    tag = description(client.get("/en/tag/caspian-sea/"))
    assert "Caspian Sea" in tag and "Dateline English" in tag
    tag_fa = description(client.get("/fa/tag/دریای-خزر/"))
    assert "دریای خزر" in tag_fa and "برچسب" in tag_fa
    assert len({front, section, tag}) == 3


def test_friendly_500_renders_even_without_collected_static_files(rf, monkeypatch):
    """No manifest (collectstatic never ran) makes every static() call raise; the error page
    must still say something rather than answer an empty 500."""
    from dateline.site import views

    def missing(path):
        raise ValueError(f"Missing staticfiles manifest entry for '{path}'")

    monkeypatch.setattr(views, "static", missing)
    response = views.server_error(rf.get("/en/news/1/x"))
    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 500
    assert soup.h1.get_text() == "Something went wrong"
    assert soup.find("link", rel="stylesheet") is None


@pytest.mark.parametrize("path", ["/en/tag/{slug}/", "/en/tag/{slug}/feed.rss"])
def test_a_frequent_tags_page_and_feed_walk_the_newest_stories(
    client, editions, settings, monkeypatch, path
):
    """A tag on many of the edition's newest stories is checked story by story along the
    newest-first walk (its page stops early); a rare one is read from its own rows."""
    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(querysets, "FREQUENT_AMONG_RECENT", 2)
    en, _ = editions
    stories = [make_story(en, tags=("Water", "Rain" if n == 0 else "Dry")) for n in range(3)]
    for tag, walked in (("water", True), ("rain", False)):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path.format(slug=tag))
        assert response.status_code == 200
        assert stories[0].headline in response.content.decode()
        listing = [q["sql"] for q in queries if '"stories_story"."headline"' in q["sql"]]
        assert listing and all(("EXISTS" in sql) is walked for sql in listing)


@pytest.mark.parametrize(("path", "most"), [("/en/section/world/", 3), ("/en/tag/water/", 5)])
def test_a_list_page_costs_the_same_few_queries_whatever_it_shows(
    client, editions, settings, django_assert_max_num_queries, path, most
):
    """Its stories' sections come from the edition's furniture (the kicker of each), not a
    query each: the page cache's generation, the tag and its frequency for a tag page, the
    list, the comment counts."""
    settings.PAGE_CACHE_SECONDS = 0  # rendered every time: the cost of a cache miss
    en, _ = editions
    world = en.sections.get(slug="world")
    for _ in range(PER_PAGE + 1):
        make_story(en, section=world, tags=("Water",))
    client.get(path)  # warm the edition furniture
    with django_assert_max_num_queries(most):
        soup = page(client.get(path))
    kickers = [k.get_text() for k in soup.select("main .kicker")]
    assert kickers == ["World"] * PER_PAGE


def test_times_and_tags_read_as_the_edition_writes_them(client, editions):
    en, _ = editions
    moment = datetime.datetime(2026, 4, 18, 9, 5, tzinfo=datetime.UTC)
    story = make_story(en, headline="Talks", published_at=moment, tags=("diplomacy",))
    local = moment.astimezone(zoneinfo.ZoneInfo(en.timezone))
    shown = f"{local.day} April 2026, {local:%H:%M}"  # the edition's zone, date and time
    for url in ("/en/", story.get_absolute_url()):
        time = page(client.get(url)).select_one("main time")
        assert (time.text, time["datetime"]) == (shown, "2026-04-18T09:05:00Z")
    tag = page(client.get(story.get_absolute_url())).select_one(".story-tags a")
    assert (tag.text, tag["href"], tag["rel"]) == ("diplomacy", "/en/tag/diplomacy/", ["tag"])
