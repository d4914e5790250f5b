"""The Persian edition's pages date everything in the Solar Hijri calendar, in Persian digits
and Tehran's time: story lists, the article, its corrections and comments, the withdrawn notice.
The machine-readable `datetime` attribute stays ISO 8601 in UTC."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup

from dateline.comments import moderation
from dateline.comments.models import Comment
from dateline.stories.actions import correct_story, kill_story
from dateline.stories.models import Correction, Story, StoryChange
from tests.comments.conftest import post
from tests.factories import make_edition, make_section, make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

RLM = "\u200f"
EVE = datetime.datetime(2025, 3, 20, 20, 29, tzinfo=datetime.UTC)  # 23:59, 30 Esfand 1403
NOWRUZ = datetime.datetime(2025, 3, 20, 20, 30, tzinfo=datetime.UTC)  # 00:00, 1 Farvardin 1404
NEW_YEAR = datetime.datetime(2025, 12, 31, 21, 0, tzinfo=datetime.UTC)  # 00:30, 11 Dey 1404


@pytest.fixture
def persian(db):
    """The Persian edition as the demo configures it: Solar Hijri, Tehran's time."""
    fa = make_edition(
        "fa",
        name="دیت‌لاین فارسی",
        calendar="solar_hijri",
        timezone="Asia/Tehran",
        comments_close_after_days=0,  # the stories here are from 2025
    )
    return fa, make_section(fa, "iran", "ایران")


def times(soup, selector: str = "time") -> list[tuple[str, str]]:
    return [(t["datetime"], t.get_text()) for t in soup.select(selector)]


def test_lists_date_stories_on_both_sides_of_nowruz(client, persian):
    fa, iran = persian
    make_story(fa, headline="شب پیش از نوروز", section=iran, published_at=EVE)
    make_story(fa, headline="صبح نوروز", section=iran, published_at=NOWRUZ)
    expected = [
        ("2025-03-20T20:30:00Z", f"۱ فروردین ۱۴۰۴،{RLM} ۰۰:۰۰"),
        ("2025-03-20T20:29:00Z", f"۳۰ اسفند ۱۴۰۳،{RLM} ۲۳:۵۹"),
    ]
    front = page(client.get("/fa/"))
    assert times(front, ".story-list time") == expected
    assert times(front, ".section-block time") == expected
    assert times(page(client.get("/fa/section/iran/")), ".story-list time") == expected


def test_the_article_its_correction_and_its_comments_are_dated_in_solar_hijri(client, persian):
    fa, iran = persian
    story = make_story(fa, headline="بارش باران در تهران", section=iran, published_at=EVE)
    correct_story(story, note="نام سد اصلاح شد.")
    Correction.objects.filter(story=story).update(at=NOWRUZ)
    Story.objects.filter(pk=story.pk).update(revised_at=NOWRUZ)  # corrected then
    assert post(client, story, text="نظری درباره باران").status_code == 303
    moderation.approve(moderation.pending_ids())
    Comment.objects.filter(story=story).update(created_at=NEW_YEAR)

    soup = page(client.get(story.get_absolute_url()))
    published, updated = times(soup, ".story-header .meta time")
    assert published == ("2025-03-20T20:29:00Z", f"۳۰ اسفند ۱۴۰۳،{RLM} ۲۳:۵۹")
    assert updated == ("2025-03-20T20:30:00Z", f"۱ فروردین ۱۴۰۴،{RLM} ۰۰:۰۰")
    note = " ".join(soup.select_one("aside.corrections li").get_text().split())
    assert note == "اصلاحیه، ۱ فروردین ۱۴۰۴: نام سد اصلاح شد."
    assert times(soup, ".comment-meta time") == [
        ("2025-12-31T21:00:00Z", f"۱۱ دی ۱۴۰۴،{RLM} ۰۰:۳۰")
    ]
    assert_no_latin_digit_in_any_time(soup)


def test_the_withdrawn_notice_is_dated_in_solar_hijri(client, persian):
    fa, _ = persian
    story = make_story(fa, headline="خبری که پس گرفته شد", published_at=EVE)
    kill_story(story, reason="Legal.")
    StoryChange.objects.filter(story=story, action="killed").update(at=NOWRUZ)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 410
    notice = BeautifulSoup(response.content, "html.parser").select_one("p.notice")
    assert times(notice) == [("2025-03-20T20:30:00Z", f"۱ فروردین ۱۴۰۴،{RLM} ۰۰:۰۰")]


def test_page_numbers_are_in_persian_digits(client, persian):
    fa, _ = persian
    for hour in range(11):
        make_story(fa, published_at=NOWRUZ + datetime.timedelta(hours=hour))
    second = page(client.get("/fa/?page=2"))
    assert second.select_one(".pagination span").get_text() == "صفحه ۲"
    assert_no_latin_digit_in_any_time(second)


def test_the_english_edition_keeps_gregorian_dates_in_its_own_zone(client, persian):
    en = make_edition("en", timezone="Asia/Tehran")
    make_story(en, headline="Nowruz begins", published_at=NOWRUZ)
    assert times(page(client.get("/en/")), ".story-list time") == [
        ("2025-03-20T20:30:00Z", "21 March 2025, 00:00")
    ]


def assert_no_latin_digit_in_any_time(soup) -> None:
    texts = [t.get_text() for t in soup.select("time")]
    assert texts and not any(re.search(r"[0-9]", text) for text in texts), texts
