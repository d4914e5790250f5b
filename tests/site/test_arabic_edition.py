"""Adding an edition in a new language is configuration plus a translation file: an Arabic
edition made here, in the database only, reads right to left with Arabic interface words and
CLDR's Arabic month names and digits, on every kind of page. No code names Arabic."""

import datetime

import pytest
from bs4 import BeautifulSoup

from dateline.site.views import server_error
from tests.comments.conftest import post
from tests.factories import make_edition, make_section, make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

# 10:05 UTC: 13:05 in Riyadh (UTC+3 all year), 12:05 in Cairo (UTC+2 in January).
PUBLISHED = datetime.datetime(2026, 1, 18, 10, 5, tzinfo=datetime.UTC)


@pytest.fixture
def arabic(db):
    """As a chief editor would set it up in the admin: code, name, language, time zone."""
    make_edition("en")
    edition = make_edition(
        "ar", name="ديتلاين العربية", timezone="Asia/Riyadh", comments_close_after_days=0
    )
    section = make_section(edition, "world", "العالم")
    story = make_story(
        edition,
        headline="استئناف المحادثات في فيينا",
        lead="استؤنفت المحادثات صباح اليوم.",
        section=section,
        published_at=PUBLISHED,
        tags=("فيينا",),
        language="ar",
    )
    return edition, story


def test_the_front_page_is_arabic_and_right_to_left(client, arabic):
    soup = page(client.get("/ar/"))
    assert (soup.html["lang"], soup.html["dir"]) == ("ar", "rtl")
    assert soup.select_one(".skip-link").get_text() == "انتقل إلى المحتوى"
    assert soup.h1.get_text() == "آخر الأخبار"
    assert soup.select_one("nav.sections")["aria-label"] == "الأقسام"
    assert soup.find("meta", attrs={"name": "description"})["content"] == (
        "آخر أخبار ديتلاين العربية لحظة بلحظة."
    )
    # CLDR's Arabic: its month names, and the Western digits it chooses for plain "ar".
    time = soup.select_one(".story-list time")
    assert (time["datetime"], time.get_text()) == ("2026-01-18T10:05:00Z", "18 يناير 2026، 13:05")


def test_the_article_and_its_comment_form_are_arabic(client, arabic):
    _, story = arabic
    assert post(client, story, text="تعليق أول").status_code == 303
    soup = page(client.get(story.get_absolute_url() + "?comment=received"))
    assert (soup.html["lang"], soup.html["dir"]) == ("ar", "rtl")
    assert soup.select_one("article.story")["dir"] == "rtl"
    form = soup.select_one("#comment-form")
    assert form.h2.get_text() == "تعليقك"
    assert form.select_one(".notice").get_text() == (
        "شكرًا لك. سيظهر تعليقك بعد موافقة المشرف عليه."
    )
    labels = [label.get_text() for label in form.find_all("label")]
    assert labels[:3] == ["الاسم", "البريد الإلكتروني", "التعليق"]
    assert form.button.get_text() == "إرسال التعليق"
    assert soup.select_one("#comments-title").get_text().startswith("التعليقات")
    assert soup.select_one(".story-header time").get_text() == "18 يناير 2026، 13:05"


def test_the_section_tag_and_not_found_pages_are_arabic(client, arabic):
    section = page(client.get("/ar/section/world/"))
    assert section.html["dir"] == "rtl" and section.select_one(".skip-link").get_text() == (
        "انتقل إلى المحتوى"
    )
    missing = client.get("/ar/news/999999/x")
    soup = BeautifulSoup(missing.content, "html.parser")
    assert missing.status_code == 404
    assert (soup.html["lang"], soup.h1.get_text()) == ("ar", "الصفحة غير موجودة")


def test_the_server_error_page_is_arabic(rf):
    soup = BeautifulSoup(server_error(rf.get("/ar/news/1/x")).content, "html.parser")
    assert (soup.html["lang"], soup.html["dir"]) == ("ar", "rtl")
    assert soup.h1.get_text() == "حدث خطأ ما"


def test_a_regional_arabic_edition_gets_cldrs_arabic_indic_digits(client, arabic):
    egypt = make_edition("eg", name="ديتلاين مصر", language="ar-EG", timezone="Africa/Cairo")
    make_story(egypt, headline="افتتاح المتحف", published_at=PUBLISHED, language="ar")
    soup = page(client.get("/eg/"))
    assert (soup.html["lang"], soup.html["dir"]) == ("ar-EG", "rtl")
    assert soup.select_one(".skip-link").get_text() == "انتقل إلى المحتوى"
    assert soup.select_one(".story-list time").get_text() == "١٨ يناير ٢٠٢٦، ١٢:٠٥"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)  # the live server's thread reads what was committed
def test_chromium_lays_the_arabic_front_out_right_to_left(live_server, arabic, browser):
    tab = browser.new_page(viewport={"width": 1200, "height": 800})
    tab.goto(live_server.url + "/ar/")
    assert tab.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # Mirrored: the masthead name sits at the right edge, not the left.
    assert tab.locator(".brand").bounding_box()["x"] > 1200 / 2
