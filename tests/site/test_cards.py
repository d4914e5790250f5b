"""A story's card in a list is written once per process and remembered by what it shows
(decision 0044): whatever changes under a card shows on the next rendering of the page."""

import datetime

import pytest
from django.db import connection
from django.template import engines

from dateline.comments import moderation
from dateline.editions.models import Edition
from dateline.stories.models import Section, Story
from tests.factories import make_pending_comment, make_story
from tests.prefix import asked_under
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

LONG_LEAD = "Officials said the work would take years. " * 12


@pytest.fixture(autouse=True)
def rendered_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def story(editions) -> Story:
    en, _ = editions
    world = Section.objects.get(edition=en, slug="world")
    return make_story(
        en, section=world, headline="Rail link opens", byline="By Sara Karimi", lead=LONG_LEAD
    )


def held() -> dict:
    return cards_remembered().held


def cards_remembered():
    return engines["jinja2"].env.globals["teaser_cards"].__self__.remembered


# What changes, and what the front's first card then shows.
CHANGES = {
    "headline": (
        lambda s: Story.objects.filter(pk=s.pk).update(headline="Rail link delayed"),
        lambda card: card.h2.get_text() == "Rail link delayed",
    ),
    "byline": (
        lambda s: Story.objects.filter(pk=s.pk).update(byline="By Reza Ahmadi"),
        lambda card: card.select_one(".byline").get_text() == "By Reza Ahmadi",
    ),
    "lead": (
        lambda s: Story.objects.filter(pk=s.pk).update(lead="Trains run from Monday."),
        lambda card: card.select_one(".teaser").get_text() == "Trains run from Monday.",
    ),
    "slug": (
        lambda s: Story.objects.filter(pk=s.pk).update(slug="rail-link-delayed"),
        lambda card: card.h2.a["href"].endswith("/rail-link-delayed"),
    ),
    "language": (
        lambda s: Story.objects.filter(pk=s.pk).update(language="fa"),
        lambda card: (card.h2.get("lang"), card.h2.get("dir")) == ("fa", "rtl"),
    ),
    "published_at": (
        lambda s: Story.objects.filter(pk=s.pk).update(
            published_at=datetime.datetime(2026, 11, 27, 20, 0, tzinfo=datetime.UTC)
        ),
        lambda card: card.time["datetime"] == "2026-11-27T20:00:00Z",
    ),
    "section's name": (
        lambda s: rename_section(s.section, "Abroad"),
        lambda card: card.select_one(".kicker").get_text() == "Abroad",
    ),
    "edition's time zone": (
        lambda s: move_edition(s.edition_id, "UTC"),
        lambda card: card.time.get_text().endswith(utc_time(card).strftime("%H:%M")),
    ),
}


def rename_section(section: Section, name: str) -> None:
    section.name = name
    section.save()


def move_edition(edition_id: int, zone: str) -> None:
    edition = Edition.objects.get(pk=edition_id)
    edition.timezone = zone
    edition.save()


def utc_time(card) -> datetime.datetime:
    return datetime.datetime.fromisoformat(card.time["datetime"])


@pytest.mark.parametrize("change", CHANGES)
def test_a_card_shows_the_story_as_it_is_now_after_any_change(client, story, change):
    first = page(client.get("/en/")).select_one(".story-list > li")
    apply, shows = CHANGES[change]
    assert not shows(first)  # the card before the change
    apply(story)
    card = page(client.get("/en/")).select_one(".story-list > li")
    assert shows(card), card


def test_a_card_s_comment_count_is_its_own_now(client, story):
    before = page(client.get("/en/")).select_one(".story-list > li")
    assert before.select_one(".comment-count") is None
    make_pending_comment(story, "A first view")
    moderation.approve(moderation.pending_ids())
    count = page(client.get("/en/")).select_one(".story-list > li .comment-count")
    assert count.get_text() == "1 comment"
    # In its place: the meta line's end, after the time.
    assert count.find_previous_sibling("time") is not None


def test_the_other_lists_cards_show_changes_too(client, editions, story):
    """The front's section blocks, and an article's Related News (here the stand-in list: the
    newest of its section)."""
    en, _ = editions
    other = make_story(en, section=story.section, headline="Port reopens")
    article = story.get_absolute_url()
    assert page(client.get("/en/")).select_one(".section-block h3").get_text() == "Port reopens"
    assert page(client.get(article)).select_one(".related li a").get_text() == "Port reopens"
    Story.objects.filter(pk=other.pk).update(headline="Port closes again")
    assert page(client.get("/en/")).select_one(".section-block h3").get_text() == (
        "Port closes again"
    )
    assert page(client.get(article)).select_one(".related li a").get_text() == ("Port closes again")


def test_a_story_whose_text_holds_the_count_s_slot_is_shown_whole(client, story):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL's text holds no NUL character; SQLite's can")
    Story.objects.filter(pk=story.pk).update(headline="Rail\x00link")
    make_pending_comment(story, "A first view")
    moderation.approve(moderation.pending_ids())
    for _ in range(2):  # written, then (not remembered) written again
        content = client.get("/en/").content.decode()
        assert "Rail\x00link" in content
        assert content.count('class="comment-count"') == 1


def test_a_second_rendering_writes_no_card_and_the_cards_held_are_bounded(
    client, editions, monkeypatch
):
    en, _ = editions
    world = Section.objects.get(edition=en, slug="world")
    for n in range(12):
        make_story(en, section=world, headline=f"News {n}")
    held().clear()
    client.get("/en/")
    written = dict(held())
    assert written  # the front's cards
    client.get("/en/")
    assert held() == written  # the same cards, none written again
    monkeypatch.setattr(cards_remembered(), "most", 5)
    held().clear()
    shown = page(client.get("/en/section/world/")).select(".story-list h2")
    assert len(shown) == 12 and len(held()) == 5
    assert [h.get_text() for h in shown] == [f"News {n}" for n in reversed(range(12))]


def test_a_section_newer_than_the_furniture_is_read_for_its_cards(client, editions, story):
    """A story of a section saved after the furniture was read (another process's): its name
    is read, in one query, rather than shown as none."""
    en, _ = editions
    client.get("/en/")  # the furniture read
    newer = Section.objects.bulk_create([Section(edition=en, slug="sport", name="Sport")])[0]
    Story.objects.filter(pk=story.pk).update(section=newer)  # no signal: the furniture stays
    card = page(client.get("/en/")).select_one(".story-list > li")
    assert card.select_one(".kicker").get_text() == "Sport"


def test_cards_and_masthead_link_under_the_prefix_each_request_is_served_at(
    client, editions, story
):
    """The same pages asked for under a script prefix (the site behind a proxy's path: Django's
    WSGI handler sets the prefix from SCRIPT_NAME, the test client does not) and without one:
    each rendering's cards, masthead and comment form link where it is served."""
    en, _ = editions
    make_story(en, section=story.section, headline="Port reopens")
    article = story.get_absolute_url()

    def links(prefix: str) -> list[str]:
        asked = [asked_under(prefix, client.get, path) for path in ("/en/", article)]
        pages = [page(response) for response in asked]
        return [a["href"] for p in pages for a in p.select("a[href^='/']")] + [
            form["action"] for p in pages for form in p.select("form[action^='/']")
        ]

    plain = links("/")
    cards = [href for href in plain if href.startswith("/en/news/")]
    assert len(cards) >= 5 and "/en/section/world/" in plain
    assert f"{article.rsplit('/', 1)[0]}/comment#comment-form-errors" in plain  # the form's action
    assert links("/agency/") == ["/agency" + href for href in plain]
    assert links("/") == plain


def test_every_address_on_a_persian_article_is_written_percent_encoded(client, editions):
    """One form for an address (decision 0045): the comment form's Cancel too, not the
    Persian slug as the request's path holds it."""
    _, fa = editions
    story = make_story(fa, headline="بارش باران در تهران", lead="باران بارید.")
    soup = page(client.get(story.get_absolute_url()))
    addresses = [a["href"] for a in soup.select("a[href^='/']")]
    assert story.get_absolute_url() + "#comment-form" in addresses
    assert [address for address in addresses if not address.isascii()] == []
