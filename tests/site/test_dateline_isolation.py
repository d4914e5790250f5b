"""The dateline on a page: its place and source each isolated (`<bdi>`), nothing else wrapped."""

import datetime

import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from dateline.site.templating import dateline_html, dateline_of
from dateline.stories.actions import publish_story
from tests.factories import make_edition, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def en():
    return make_edition("en")


def story(edition, place="", source="", day=None, language="en"):
    return make_story(
        edition,
        published=False,
        dateline_place=place,
        dateline_source=source,
        dateline_date=day,
        language=language,
    )


def test_no_dateline_is_empty(en):
    bare = story(en)
    assert dateline_of(bare) == ""
    assert dateline_html(bare) == ""


def test_place_and_source_are_isolated(en):
    html = dateline_html(story(en, "Vienna", "IRNA", datetime.date(2026, 4, 18)))
    assert isinstance(html, Markup)
    assert html == "<bdi>Vienna</bdi>, April 18, <bdi>IRNA</bdi> –"


def test_a_dateline_with_only_a_source_or_only_a_place(en):
    assert dateline_html(story(en, source="IRNA")) == "<bdi>IRNA</bdi> –"
    assert dateline_html(story(en, place="Vienna")) == "<bdi>Vienna</bdi> –"


def test_a_source_named_like_the_place_is_found_where_it_stands(en):
    html = dateline_html(story(en, "Tehran", "Tehran Times", datetime.date(2026, 4, 18)))
    assert html == "<bdi>Tehran</bdi>, April 18, <bdi>Tehran Times</bdi> –"


def test_a_source_inside_the_place_is_not_wrapped_twice(en):
    html = dateline_html(story(en, "Tehran Times Square", "Tehran Times"))
    assert html.count("<bdi>") == html.count("</bdi>") == 1
    assert html.startswith("<bdi>Tehran Times Square</bdi>")


def test_persian_dateline_isolates_both_parts(en):
    html = dateline_html(story(en, "تهران", "ایرنا", language="fa"))
    assert html == "<bdi>تهران</bdi>- <bdi>ایرنا</bdi>-"


def test_markup_in_the_parts_is_escaped(en):
    html = dateline_html(story(en, "<b>Vienna</b>", "A&B"))
    assert "<b>" not in html
    assert "<bdi>&lt;b&gt;Vienna&lt;/b&gt;</bdi>" in html
    assert "<bdi>A&amp;B</bdi>" in html


def test_a_dateline_without_a_place_keeps_its_date_whole(en, client):
    """No place: the dateline opens with the date, and the source is isolated after it."""
    dated = story(en, source="IRNA", day=datetime.date(2026, 4, 18))
    assert dateline_html(dated) == "April 18, <bdi>IRNA</bdi> –"
    publish_story(dated)
    soup = BeautifulSoup(client.get(dated.get_absolute_url()).content, "html.parser")
    assert soup.select_one("p.lead .dateline").get_text() == "April 18, IRNA –"
