import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from dateline.stories.actions import create_story, kill_story, publish_story
from dateline.stories.models import Status, Story, StoryChange
from dateline.stories.signals import story_changed
from dateline.stories.workflow import IllegalTransition
from tests.factories import make_edition, make_section, make_story

pytestmark = pytest.mark.django_db


def test_create_story_renders_the_body_once_and_logs_the_change():
    edition = make_edition("en")
    story = create_story(
        edition=edition, headline="  Rail   link opens ", lead="Trains ran.", body="## Why\n\nText."
    )
    assert story.headline == "Rail link opens"
    assert story.slug == "rail-link-opens"
    assert story.body_html == "<h2>Why</h2>\n<p>Text.</p>\n"
    assert story.status == Status.DRAFT
    assert story.version == 1
    assert list(story.changes.values_list("action", "version")) == [("created", 1)]


def test_persian_headline_keeps_a_persian_slug():
    edition = make_edition("fa")
    story = create_story(edition=edition, headline="افتتاح خط آهن", lead="قطار حرکت کرد.")
    assert story.slug == "افتتاح-خط-آهن"


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        ("Tehran–Mashhad railway — opens", "tehran-mashhad-railway-opens"),
        ("Pre-season talks", "pre-season-talks"),
        ("تهران‐مشهد", "تهران-مشهد"),  # U+2010 HYPHEN
    ],
)
def test_dashes_of_every_kind_separate_words_in_the_slug(headline, slug):
    story = create_story(edition=make_edition("en"), headline=headline, lead="L.")
    assert story.slug == slug


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        ("اعتبار برقی\u200cکردن راه\u200cآهن", "اعتبار-برقی-کردن-راه-آهن"),
        ("می\u200cروند", "می-روند"),
    ],
)
def test_a_zero_width_non_joiner_parts_persian_words_in_the_slug(headline, slug):
    """Dropped, it would join the parts into a misspelling ("راهآهن", "برقیکردن") in the
    address readers and search engines see."""
    story = create_story(edition=make_edition("fa"), headline=headline, lead="L.")
    assert story.slug == slug


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"headline": "   ", "lead": "x"}, "headline"),
        ({"headline": "x" * 301, "lead": "x"}, "headline"),
        ({"headline": "Fine", "lead": "  "}, "lead"),
    ],
)
def test_broken_story_is_refused_naming_the_field(fields, field):
    edition = make_edition("en")
    with pytest.raises(ValidationError) as error:
        create_story(edition=edition, **fields)
    assert field in error.value.message_dict
    assert Story.objects.count() == 0


def test_section_of_another_edition_is_refused():
    en, fa = make_edition("en"), make_edition("fa")
    with pytest.raises(ValidationError, match="belongs to another edition"):
        create_story(edition=en, headline="H", lead="L", section=make_section(fa))


@pytest.mark.django_db(transaction=True)  # a real transaction, as in production, not a savepoint
def test_a_failure_midway_leaves_no_half_written_story(monkeypatch):
    edition = make_edition("en")

    def failing_log(*args, **kwargs):
        raise IntegrityError("change log unavailable")

    # The change log is written last, after the story, its tag links and its revision.
    monkeypatch.setattr("dateline.stories.actions.create.record_changes_of", failing_log)
    with pytest.raises(IntegrityError):
        create_story(edition=edition, headline="H", lead="L", body="B")
    assert Story.objects.count() == 0


def test_publish_sends_story_changed_after_commit(django_capture_on_commit_callbacks):
    edition = make_edition("en")
    story = make_story(edition, published=False)
    received = []

    def receiver(sender, story, change, **kwargs):
        received.append((story.code, change.action))

    story_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            publish_story(story)
        assert received == []  # nothing goes out before the transaction commits
        for callback in callbacks:
            callback()
    finally:
        story_changed.disconnect(receiver)
    assert received == [(story.code, "published")]
    assert story.status == Status.PUBLISHED


def test_change_sequence_numbers_increase():
    edition = make_edition("en")
    make_story(edition)
    make_story(edition)
    ids = list(StoryChange.objects.values_list("id", flat=True))
    assert ids == sorted(ids) and len(set(ids)) == 4


def test_killed_story_cannot_be_published_again():
    edition = make_edition("en")
    story = make_story(edition)
    kill_story(story, reason="The source withdrew the claim.")
    with pytest.raises(IllegalTransition, match="is killed: it cannot be published"):
        publish_story(story)
    story.refresh_from_db()
    assert story.status == Status.KILLED


BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_bidi_controls_are_removed_from_every_text_field():
    edition = make_edition("en")
    story = create_story(
        edition=edition,
        headline="Rail \u202elink\u202c opens",
        lead="Trains \u2067ran\u2069.",
        body="## \u202bWhy\u202c\n\nText \u2066here\u2069.",
        byline="By Ali \u202dRezaei\u202c",
        dateline_place="Teh\u2068ran\u2069",
        dateline_source="IR\u202aNA",
    )
    story.refresh_from_db()
    fields = {
        "headline": "Rail link opens",
        "slug": "rail-link-opens",
        "lead": "Trains ran.",
        "body": "## Why\n\nText here.",
        "body_html": "<h2>Why</h2>\n<p>Text here.</p>\n",
        "byline": "By Ali Rezaei",
        "dateline_place": "Tehran",
        "dateline_source": "IRNA",
    }
    assert {name: getattr(story, name) for name in fields} == fields
    revision = story.revisions.get()
    assert not set(str(vars(revision))) & set(BIDI_CONTROLS)


def test_control_characters_are_removed_and_line_breaks_become_lf():
    """A terminal's colours, a bell or a form feed pasted into copy: nothing a reader can see,
    and XML (NewsML-G2 to subscribers) cannot carry them. Tabs and line breaks stay."""
    story = create_story(
        edition=make_edition("en"),
        headline="Rail\x07 link \x1b[31mopens",
        lead="Trains\x00 ran\x9b.\r\nOn time.",
        body="Para\x0cone\tcell.\r\n\r\nPara two.\rEnd.",
        byline="By\x1f Ali",
    )
    story.refresh_from_db()
    assert (story.headline, story.lead) == ("Rail link [31mopens", "Trains ran.\nOn time.")
    assert story.body == "Paraone\tcell.\n\nPara two.\nEnd."
    assert story.byline == "By Ali"
    revision = story.revisions.get()
    assert not [c for c in str(vars(revision)) if ord(c) < 32 and c not in "\t\n"]


def test_one_line_fields_keep_no_line_break_and_every_line_break_is_one():
    """A crafted form or a partner's item can send line breaks into the byline and the
    dateline, which pages and feeds print on one line; NEL and Unicode's separators are line
    breaks too, not characters to drop (a word on each side of one ran together)."""
    story = create_story(
        edition=make_edition("en"),
        headline="Rail\u2028link\x85opens",
        lead="Trains ran.\x85On time.\u2029Cheers.",
        body="One\x85two.",
        byline="By Ali\nRezaei\r\nand\u2028Sara",
        dateline_place="TEHRAN,\n\nIran",
        dateline_source="IR\x85NA",
    )
    story.refresh_from_db()
    assert (story.headline, story.byline) == ("Rail link opens", "By Ali Rezaei and Sara")
    assert (story.dateline_place, story.dateline_source) == ("TEHRAN, Iran", "IR NA")
    assert (story.lead, story.body) == ("Trains ran.\nOn time.\nCheers.", "One\ntwo.")


def test_direction_marks_and_joiners_are_kept():
    edition = make_edition("fa")
    story = create_story(edition=edition, headline="می\u200cرود\u200f", lead="قطار\u200e حرکت کرد.")
    assert (story.headline, story.lead) == ("می\u200cرود\u200f", "قطار\u200e حرکت کرد.")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"headline": "\u200b", "lead": "L"},
            "headline",
            "The headline has no visible characters.",
        ),
        ({"headline": "\u200e\u200f", "lead": "L"}, "headline", "no visible characters"),
        ({"headline": "\u2060 \u200b", "lead": "L"}, "headline", "no visible characters"),
        ({"headline": "\u00ad\u3164", "lead": "L"}, "headline", "no visible characters"),
        ({"headline": "\u0301", "lead": "L"}, "headline", "no visible characters"),
        ({"headline": "H", "lead": "\u200b"}, "lead", "The lead has no visible characters."),
        ({"headline": "H", "lead": "\u200b\n\u2060"}, "lead", "no visible characters"),
        ({"headline": "\u202e\u2066", "lead": "L"}, "headline", "A story needs a headline."),
    ],
)
def test_invisible_headline_or_lead_is_refused_and_nothing_is_written(fields, field, message):
    edition = make_edition("en")
    with pytest.raises(ValidationError) as error:
        create_story(edition=edition, publish_at=timezone.now(), **fields)
    assert message in error.value.message_dict[field][0]
    assert Story.objects.count() == 0
    assert StoryChange.objects.count() == 0


def test_invisible_edges_of_short_fields_and_invisible_blocks_are_left_out(client):
    """A byline with a trailing half-space reached the JSON-LD and the wire; a dateline source
    of a half-space alone printed "تهران- ‌-"; "## " and a half-space made an empty <h2>."""
    edition = make_edition("fa")
    story = create_story(
        edition=edition,
        headline="سد کرج",
        lead="آب بالا آمد.",
        body="نخست.\n\n## \u200c\u200c\n\n## \u202e\n\n\u200f\n\n## آب\n\nپایان.",
        byline="مریم \u200c",
        dateline_place="\u200fتهران\u200c ",
        dateline_source="\u200c",
        publish_at=timezone.now(),
    )
    assert (story.byline, story.dateline_place, story.dateline_source) == ("مریم", "تهران", "")
    assert story.body_html == "<p>نخست.</p>\n<h2>آب</h2>\n<p>پایان.</p>\n"
    from dateline.site.templating import dateline_of

    assert dateline_of(story) == "تهران-"  # the place alone: no "‌-" of a source after it
    page = BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser")
    assert [h.get_text() for h in page.select(".story-body h2")] == ["آب"]


def test_a_release_more_than_ten_years_ahead_is_refused_as_a_slip():
    """A year 2206 for 2026, or the calendar's end: nothing is written, the field is named."""
    edition = make_edition("en")
    far = timezone.now() + datetime.timedelta(days=366 * 11)
    with pytest.raises(ValidationError) as refused:
        create_story(edition=edition, headline="H", lead="L", publish_at=far)
    assert "more than 10 years ahead" in str(refused.value.message_dict["published_at"])
    assert not Story.objects.exists()
    near = timezone.now() + datetime.timedelta(days=365 * 9)
    assert (
        create_story(edition=edition, headline="H", lead="L", publish_at=near).status == "scheduled"
    )
