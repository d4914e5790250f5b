"""What the comment form tells a reader is in the edition's language, like the rest of the
page: a Persian reader's errors and refusals are in Persian, with Persian digits."""

import pytest
from bs4 import BeautifulSoup

from dateline.comments import moderation
from dateline.comments.models import Comment
from dateline.stories.actions import correct_story
from tests.comments.conftest import page, post
from tests.factories import make_edition, make_story

pytestmark = pytest.mark.django_db

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def form_errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select("#comment-form .form-errors li")]


@pytest.fixture
def persian_story(editions):
    return make_story(editions[1], headline="مذاکرات در مسکو از سر گرفته شد", language="fa")


def test_a_persian_readers_form_errors_are_in_persian(client, persian_story):
    response = post(client, persian_story, name="", email="not an address", text="\u200b")
    assert response.status_code == 400
    assert form_errors(response) == [
        "نام: لطفاً نامتان را بنویسید.",
        "ایمیل: لطفاً یک نشانی ایمیل معتبر بنویسید.",
        "نظر: نظر هیچ نویسهٔ دیدنی‌ای ندارد.",
    ]
    assert not Comment.objects.exists()


def test_a_persian_reader_is_told_of_a_nul_in_persian_once_a_field(client, persian_story):
    """In the site's own words, never Django's ("کاراکترهای تهی مجاز نیستند")."""
    response = post(client, persian_story, name="م\x00", email="a\x00@example.org", text="ن\x00")
    assert response.status_code == 400
    assert form_errors(response) == [
        "نام: نام به جای متن، نویسه‌های کنترلی دارد.",
        "ایمیل: نشانی ایمیل نویسه‌های کنترلی دارد.",
        "نظر: نظر به جای متن، نویسه‌های کنترلی دارد.",
    ]
    assert not Comment.objects.exists()


def test_a_persian_readers_refusal_is_in_persian(client, persian_story):
    assert post(client, persian_story, text="یک بار").status_code == 303
    again = post(client, persian_story, text="یک بار")
    assert again.status_code == 409
    assert form_errors(again) == ["این نظر را پیش‌تر فرستاده‌اید."]


def test_a_persian_reader_is_told_to_wait_in_persian_digits(client, persian_story, settings):
    settings.COMMENT_RATE = [(1, 60)]
    assert post(client, persian_story, text="نخست", ip="10.7.7.7").status_code == 303
    refused = post(client, persian_story, text="دوم", ip="10.7.7.7")
    assert refused.status_code == 429
    wait = refused["Retry-After"]  # the header stays ASCII, for machines
    assert wait.isascii() and wait.isdigit()
    page = refused.content.decode()
    assert f"لطفاً {wait.translate(PERSIAN_DIGITS)} ثانیه صبر کنید" in page


def test_the_same_refusal_stays_english_on_the_english_edition(client, story):
    assert post(client, story, name="").status_code == 400
    assert form_errors(post(client, story, name="")) == ["Name: Please give your name."]


def test_an_edition_without_a_catalogue_gets_english_not_djangos_own_words(client):
    # Django's own German catalogue has "Enter a valid email address.": it must not leak in.
    story = make_story(make_edition("de", language="de"), headline="Gespräche in Moskau")
    response = post(client, story, email="not an address")
    assert form_errors(response) == ["Email: Please give a valid email address."]


def test_a_persian_reader_is_told_the_limits_in_persian_digits_and_words(client, persian_story):
    """Over-long text and name: the numbers grouped and written as the edition writes them,
    in the site's own words (Django's would say "Ensure this value has at most…")."""
    response = post(client, persian_story, name="ن" * 81, text="م" * 5001)
    assert response.status_code == 400
    assert form_errors(response) == [
        "نام: نام حداکثر ۸۰ نویسه است.",
        "نظر: نظرها حداکثر ۵٬۰۰۰ نویسه‌اند (این یکی ۵٬۰۰۱ نویسه دارد).",
    ]
    assert not Comment.objects.exists()


def test_an_english_reader_is_told_the_name_limit_in_the_sites_words(client, story):
    assert form_errors(post(client, story, name="n" * 81)) == [
        "Name: Names are limited to 80 characters."
    ]
    assert post(client, story, name="n" * 80).status_code == 303


def test_a_persian_comment_on_an_earlier_version_names_it_in_persian(client, persian_story):
    post(client, persian_story, text="بر نسخهٔ نخست")
    moderation.approve(moderation.pending_ids())
    correct_story(persian_story, note="اصلاح شد.", lead="گفت‌وگوها دوشنبه از سر گرفته می‌شود.")
    soup = page(client.get(persian_story.get_absolute_url()))
    note = soup.select_one(".comment .earlier-version").get_text()
    assert note == "نوشته شده بر نسخه‌ای پیشین از این خبر (نسخهٔ ۱)"  # no Latin "v"
