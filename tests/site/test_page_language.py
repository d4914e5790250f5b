"""A page speaks its edition's language, never the reader's browser's: fresh or from the page
cache, and in the comment form filled into each cached article page per request."""

import pytest

from tests.factories import make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

BROWSERS = ["en-US,en;q=0.9", "fa-IR,fa;q=0.9", "ar,en;q=0.5", "de"]


def interface_words(soup) -> dict[str, str]:
    form = soup.select_one("#comment-form")
    return {
        "lang": soup.html["lang"],
        "skip": soup.select_one(".skip-link").get_text(),
        "heading": form.h2.get_text() if form else "",
        "labels": " ".join(label.get_text() for label in form.find_all("label")) if form else "",
    }


@pytest.fixture
def stories(editions):
    en, fa = editions
    return make_story(en, headline="Rain in Tehran"), make_story(fa, headline="باران در تهران")


def test_every_browser_language_gets_the_editions_words_fresh_or_cached(client, stories, settings):
    settings.PAGE_CACHE_SECONDS = 60
    english, persian = stories
    expected = {}
    for browser in BROWSERS * 2:  # the second round is served from the page cache
        for path in ("/en/", "/fa/", english.get_absolute_url(), persian.get_absolute_url()):
            words = interface_words(page(client.get(path, HTTP_ACCEPT_LANGUAGE=browser)))
            assert expected.setdefault(path, words) == words, (path, browser)
    assert expected["/en/"]["skip"] == "Skip to content"
    assert expected["/fa/"]["skip"] == "رفتن به محتوا"
    assert expected[english.get_absolute_url()]["heading"] == "Your Comment"
    assert expected[persian.get_absolute_url()] == {
        "lang": "fa",
        "skip": "رفتن به محتوا",
        "heading": "نظر شما",
        "labels": "نام ایمیل نظر این خانه را خالی بگذارید وقتی نظرم منتشر شد یا پاسخی گرفت"
        " به من ایمیل بزنید",
    }


def test_a_persian_page_does_not_leave_persian_behind_for_the_next_request(client, stories):
    english, persian = stories
    page(client.get(persian.get_absolute_url()))
    soup = page(client.get(english.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fa"))
    assert interface_words(soup)["heading"] == "Your Comment"
    assert soup.select_one("#comment-form button").get_text() == "Send comment"
