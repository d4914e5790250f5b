"""A killed story readers once saw answers 410 with a short, dated notice in the edition's
language and nothing of the story; a story never public answers 404 whatever its state."""

import datetime
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from dateline.stories.actions import (
    correct_story,
    embargo_story,
    kill_story,
    publish_story,
    release_due,
    schedule_story,
    unpublish_story,
)
from dateline.stories.models import StoryChange
from tests.factories import make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def gone(response) -> BeautifulSoup:
    assert response.status_code == 410, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def urls_of(story) -> list[str]:
    """Every URL the article answers on: canonical, bare code, code with a slash, other slug."""
    base = f"/{story.edition.code}/news/{story.code}"
    return [story.get_absolute_url(), base, f"{base}/", f"{base}/an-old-headline"]


def test_a_killed_public_story_answers_410_with_a_dated_notice_and_nothing_of_it(client, editions):
    en, _ = editions
    story = make_story(
        en,
        section=en.sections.get(),
        tags=("Water",),
        headline="Secret headline",
        lead="Secret lead.",
        body="Secret body.",
        byline="Secret Byline",
        dateline_place="Secretville",
    )
    correct_story(story, note="Secret correction.", lead="Secret corrected lead.")
    kill_story(story, reason="Secret legal reason.")
    killed_at = StoryChange.objects.get(story=story, action="killed").at
    for path in urls_of(story):
        response = client.get(path)
        soup = gone(response)
        assert "Location" not in response  # never a redirect: the slug is the headline's
        assert soup.h1.get_text() == "This story has been withdrawn"
        assert soup.title.get_text() == "This story has been withdrawn – Dateline English"
        assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert response["X-Robots-Tag"] == "noindex"
        assert soup.find("link", rel="canonical") is None
        notice = soup.select_one("main p.notice")
        # Dated in the edition's time zone (Asia/Tehran), to the minute.
        shown = datetime.datetime.fromisoformat(notice.time["datetime"])
        assert shown == killed_at.replace(microsecond=0)
        local = killed_at.astimezone(datetime.timezone(datetime.timedelta(hours=3, minutes=30)))
        assert notice.get_text() == (
            f"It was withdrawn on {local.day} {local:%B %Y, %H:%M} and is no longer available."
        )
        text = soup.get_text()
        assert "Secret" not in text and "secret" not in response.content.decode()
        assert soup.html["lang"] == "en"


def test_the_notice_is_in_the_editions_language(client, editions):
    _, fa = editions
    story = make_story(fa, headline="خبر محرمانه", lead="متن محرمانه.")
    kill_story(story, reason="دلیل")
    soup = gone(client.get(story.get_absolute_url()))
    assert soup.html["lang"] == "fa" and soup.html["dir"] == "rtl"
    assert soup.h1.get_text() == "این خبر پس گرفته شده است"
    notice = soup.select_one("main p.notice").get_text()
    assert notice.startswith("این خبر در ")
    assert notice.endswith(" پس گرفته شد و دیگر در دسترس نیست.")
    assert any("۰" <= ch <= "۹" for ch in notice)  # Persian digits in the date
    assert "محرمانه" not in soup.get_text()


def test_a_story_released_from_an_embargo_then_killed_is_withdrawn(client, editions):
    en, _ = editions
    story = make_story(en, published=False)
    until = timezone.now() - HOUR
    # Embargoed two hours ago until an hour ago (the clock moved back for the embargo only:
    # the change log's times are the real clock's), released then, killed now.
    with mock.patch("django.utils.timezone.now", return_value=until - HOUR):
        embargo_story(story, until=until)
    release_due(now=until)  # the 'released' change: it was out
    kill_story(story, reason="Withdrawn.")
    assert client.get(story.get_absolute_url()).status_code == 410


@pytest.mark.parametrize(
    "never_public",
    [
        pytest.param(lambda en: make_story(en, published=False), id="draft"),
        pytest.param(
            lambda en: schedule_story(make_story(en, published=False), at=timezone.now() + HOUR),
            id="scheduled",
        ),
        pytest.param(
            lambda en: embargo_story(make_story(en, published=False), until=timezone.now() + HOUR),
            id="embargoed",
        ),
        pytest.param(
            lambda en: make_story(en, published=False, publish_at=timezone.now() + HOUR),
            id="imported-for-a-future-time",
        ),
    ],
)
def test_a_killed_story_never_public_is_a_plain_404(client, editions, never_public):
    en, _ = editions
    story = never_public(en)
    kill_story(story, reason="Never ran.")
    unknown = client.get("/en/news/999999/no-such-story")
    for path in urls_of(story):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.content == unknown.content  # not a word more than an unknown code


def test_a_killed_story_is_not_withdrawn_in_another_edition(client, editions):
    en, _ = editions
    story = make_story(en)
    kill_story(story, reason="Withdrawn.")
    assert client.get(f"/fa/news/{story.code}/{story.slug}").status_code == 404


@pytest.mark.parametrize(
    "hide",
    [
        pytest.param(lambda story: unpublish_story(story), id="unpublished"),
        pytest.param(
            lambda story: schedule_story(
                unpublish_story(story), at=timezone.now() + datetime.timedelta(hours=1)
            ),
            id="unpublished-then-scheduled",
        ),
        pytest.param(
            lambda story: embargo_story(
                unpublish_story(story), until=timezone.now() + datetime.timedelta(hours=1)
            ),
            id="unpublished-then-embargoed",
        ),
    ],
)
def test_unpublished_scheduled_and_embargoed_stories_are_not_found(client, editions, hide):
    en, _ = editions
    story = make_story(en, headline="Once public")
    assert client.get(story.get_absolute_url()).status_code == 200  # and now in the cache
    hide(story)
    for path in urls_of(story):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"Once public" not in response.content


def test_a_scheduled_or_embargoed_story_is_not_found_until_its_time(client, editions):
    en, _ = editions
    scheduled = schedule_story(make_story(en, published=False), at=timezone.now() + HOUR)
    embargoed = embargo_story(make_story(en, published=False), until=timezone.now() + HOUR)
    for story in (scheduled, embargoed):
        assert client.get(story.get_absolute_url()).status_code == 404


def test_the_410_is_never_cached_and_a_cached_200_does_not_outlive_the_kill(client, editions):
    en, _ = editions
    story = make_story(en, headline="Soon withdrawn")
    assert page(client.get(story.get_absolute_url())).h1.get_text() == "Soon withdrawn"
    kill_story(story, reason="Withdrawn.")
    for _attempt in (1, 2, 3):
        response = client.get(story.get_absolute_url())
        assert response.status_code == 410
        assert b"Soon withdrawn" not in response.content
    assert "Soon withdrawn" not in page(client.get("/en/")).get_text()


def test_a_story_published_again_after_an_unpublish_is_back(client, editions):
    en, _ = editions
    story = make_story(en)
    unpublish_story(story)
    assert client.get(story.get_absolute_url()).status_code == 404
    publish_story(story)
    assert client.get(story.get_absolute_url()).status_code == 200
