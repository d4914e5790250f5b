"""The edition front as an agency's: the lead story, then the latest, then the section blocks;
bylines, times in the edition's zone, and a query count that does not grow with the content."""

import datetime

import pytest
from django.utils import timezone

from dateline.site.views import FRONT_LATEST, FRONT_PER_SECTION
from tests.factories import make_section, make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

LONG_LEAD = "Officials said the work would take years. " * 12  # over the teaser's 220 characters


def test_the_newest_story_leads_the_first_page_with_its_lead_in_full(client, editions):
    en, _ = editions
    now = timezone.now()
    for hours in range(FRONT_LATEST + 1):
        make_story(
            en,
            headline=f"News {hours}",
            lead=LONG_LEAD,
            published_at=now - datetime.timedelta(hours=hours + 1),
        )
    items = page(client.get("/en/")).select(".story-list > li")
    assert len(items) == FRONT_LATEST
    lead, *rest = items
    assert lead["class"] == ["lead-story"] and lead.h2.get_text() == "News 0"
    assert lead.select_one(".teaser").get_text() == LONG_LEAD.strip()  # in full
    assert [item.get("class") for item in rest] == [None] * (FRONT_LATEST - 1)
    assert all(item.select_one(".teaser").get_text().endswith("…") for item in rest)
    # The next pages are the archive: no story leads them.
    assert page(client.get("/en/?page=2")).select(".lead-story") == []


def test_section_and_tag_pages_have_no_lead(client, editions):
    en, _ = editions
    make_story(en, section=en.sections.get(), tags=("Water",))
    assert page(client.get("/en/section/world/")).select(".lead-story") == []
    assert page(client.get("/en/tag/water/")).select(".lead-story") == []


def test_bylines_show_where_a_story_has_one(client, editions):
    en, _ = editions
    world = en.sections.get()
    make_story(en, section=world, headline="Signed", byline="By Sara Ahmadi")
    make_story(en, section=world, headline="Unsigned")
    make_story(en, section=world, headline="Persian byline", byline="نوشتهٔ مریم", language="fa")
    for path, item_selector in [
        ("/en/", ".story-list > li"),
        ("/en/", ".section-block li"),
        ("/en/section/world/", ".story-list > li"),
    ]:
        items = {
            i.find(["h2", "h3"]).get_text(): i for i in page(client.get(path)).select(item_selector)
        }
        assert items["Signed"].select_one(".byline").get_text() == "By Sara Ahmadi", path
        assert items["Unsigned"].select_one(".byline") is None, path
        # A byline in another language than the edition's says so, for screen readers' voices.
        persian = items["Persian byline"].select_one(".byline")
        assert (persian["lang"], persian["dir"]) == ("fa", "rtl"), path
        assert not items["Signed"].select_one(".byline").has_attr("lang"), path


def test_every_teaser_shows_its_time_in_the_edition_zone(client, editions):
    en, _ = editions  # Asia/Tehran: UTC+03:30
    when = datetime.datetime(2026, 11, 27, 20, 0, tzinfo=datetime.UTC)
    for number in range(3):
        make_story(en, section=en.sections.get(), published_at=when, headline=f"At {number}")
    soup = page(client.get("/en/"))
    teasers = soup.select(".story-list > li") + soup.select(".section-block li")
    assert len(teasers) == 6
    for teaser in teasers:
        time = teaser.find("time")
        assert time["datetime"] == "2026-11-27T20:00:00Z"
        assert "23:30" in time.get_text(), time.get_text()


def test_the_front_costs_the_same_few_queries_whatever_it_shows(
    client, editions, settings, django_assert_max_num_queries
):
    en, _ = editions
    settings.PAGE_CACHE_SECONDS = 0  # rendered every time: the cost of a cache miss
    sections = [make_section(en, f"desk-{n}", f"Desk {n}") for n in range(6)]
    for n in range(FRONT_PER_SECTION + 1):
        for section in sections:
            make_story(en, section=section, byline=f"By Reporter {n}", tags=("Water",))
    client.get("/en/")  # warm the edition furniture
    # the page cache's generation, the latest, the section blocks, the comment counts
    with django_assert_max_num_queries(4):
        soup = page(client.get("/en/"))
    assert len(soup.select(".section-block")) == len(sections)
    assert len(soup.select(".byline")) == FRONT_LATEST + len(sections) * FRONT_PER_SECTION
