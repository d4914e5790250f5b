"""A corrected story says so on its page: a marked block of dated notes, and the time of the
last update beside the publication time, in the edition's language."""

import datetime

import pytest

from dateline.stories.actions import correct_story, edit_story
from dateline.stories.models import Correction, Story
from tests.factories import make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

TEHRAN = datetime.timezone(datetime.timedelta(hours=3, minutes=30))


def corrected_at(story, moment: datetime.datetime, note: str, **content):
    """Correct `story` and date the note `moment` (the Correction row's time and the story's
    revision time are the real clock's, so they are set afterwards, as an editor's correction
    at that time would set them)."""
    correct_story(story, note=note, **content)
    Correction.objects.filter(story=story, version=story.version).update(at=moment)
    Story.objects.filter(pk=story.pk).update(revised_at=moment)
    return story


def test_corrections_are_a_marked_block_of_dated_notes(client, editions):
    en, _ = editions
    published = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)
    story = make_story(en, headline="Dam levels rise", published_at=published)
    first = datetime.datetime(2026, 11, 27, 22, 0, tzinfo=datetime.UTC)  # 28 Nov in Tehran
    second = datetime.datetime(2026, 11, 29, 8, 15, tzinfo=datetime.UTC)
    corrected_at(story, first, "An earlier version gave the wrong level.", lead="Right level.")
    corrected_at(story, second, "The dam is in Karaj, not Tehran.")
    soup = page(client.get(story.get_absolute_url()))

    block = soup.select_one("article.story aside.corrections")
    heading = block.find("h2")
    assert heading.get_text() == "Corrections"
    assert block["aria-labelledby"] == heading["id"]
    items = [" ".join(li.get_text().split()) for li in block.select("li")]
    assert items == [
        "Correction, 28 November 2026: An earlier version gave the wrong level.",
        "Correction, 29 November 2026: The dam is in Karaj, not Tehran.",
    ]
    times = [li.time["datetime"] for li in block.select("li")]
    assert times == ["2026-11-27T22:00:00Z", "2026-11-29T08:15:00Z"]
    # After the story's words, before its tags.
    assert soup.select_one(".story-body").find_next("aside") is block

    meta = soup.select_one(".story-header .meta")
    published_time, updated_time = meta.find_all("time")
    assert published_time["datetime"] == "2026-11-27T10:00:00Z"
    assert updated_time["datetime"] == "2026-11-29T08:15:00Z"  # the last update
    assert updated_time.parent.get_text().startswith("Updated ")
    assert "Right level." in soup.select_one(".lead").get_text()


def test_persian_corrections_are_in_persian_words_and_digits(client, editions):
    _, fa = editions
    published = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
    story = make_story(
        fa, headline="بارش باران در تهران", lead="باران بارید.", published_at=published
    )
    corrected_at(
        story,
        datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC),
        "نام سد اصلاح شد.",
    )
    soup = page(client.get(story.get_absolute_url()))
    block = soup.select_one("aside.corrections")
    assert block.h2.get_text() == "اصلاحیه‌ها"
    assert " ".join(block.li.get_text().split()) == "اصلاحیه، ۲۸ نوامبر ۲۰۲۶: نام سد اصلاح شد."
    updated = soup.select_one(".story-header .meta .updated")
    assert updated.get_text().startswith("به‌روزرسانی ")


def test_the_furniture_of_a_corrected_story_in_another_language_keeps_the_editions(
    client, editions
):
    en, _ = editions
    story = make_story(en, headline="بارش باران", lead="باران بارید.", language="fa")
    correct_story(story, note="تاریخ اصلاح شد.")
    soup = page(client.get(story.get_absolute_url()))
    block = soup.select_one("aside.corrections")
    assert block.h2["lang"] == "en" and block.h2["dir"] == "ltr"
    assert block.select_one(".correction-label")["lang"] == "en"


def test_an_uncorrected_story_has_no_block_and_no_update_time(client, editions):
    en, _ = editions
    story = make_story(en)
    soup = page(client.get(story.get_absolute_url()))
    assert soup.select("aside.corrections") == []
    assert len(soup.select(".story-header time")) == 1
    assert soup.select(".story-header .updated") == []


def test_a_silent_fix_is_an_update_but_not_a_correction(client, editions):
    """Readers are told when what they read last changed (as search engines are, by the
    same time: decision 0019's addendum), though only a correction carries a note."""
    en, _ = editions
    story = make_story(en, published_at=datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC))
    fixed = edit_story(story, base_version=story.version, lead="A silent fix of a typo.")
    soup = page(client.get(story.get_absolute_url()))
    assert soup.select("aside.corrections") == []
    updated = soup.select_one(".story-header .updated time")
    assert datetime.datetime.fromisoformat(updated["datetime"]) == fixed.revised_at.replace(
        microsecond=0
    )


def test_a_correction_costs_a_query_only_on_a_corrected_page(
    client, editions, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    en, _ = editions
    plain = make_story(en, tags=("Water",))
    corrected = make_story(en, tags=("Water",))
    correct_story(corrected, note="A fix.")
    client.get(plain.get_absolute_url())  # warm the edition furniture
    # Neither has its Related News stored yet: the first rule's two queries are among these.
    with django_assert_max_num_queries(6):
        assert client.get(plain.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(corrected.get_absolute_url()).status_code == 200


def test_a_correction_retires_the_cached_page(client, editions):
    en, _ = editions
    story = make_story(en)
    assert page(client.get(story.get_absolute_url())).select("aside.corrections") == []
    correct_story(story, note="Now corrected.")  # a change: the cached page is retired
    assert "Now corrected." in page(client.get(story.get_absolute_url())).get_text()
