"""The search index: public stories only, kept current from the change log, rebuilt by
`dateline reindex`, filled by `dateline import`; ranking, phrases, prefixes and filters. The
tests run on whichever database the suite runs on (SQLite FTS5, PostgreSQL)."""

import datetime
import io
import re
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dateline.discovery.backends import Document, Filters, backend
from dateline.discovery.query import parse_query
from dateline.discovery.search import best_matches, reindex, search
from dateline.stories.actions import (
    correct_story,
    edit_story,
    embargo_story,
    kill_story,
    publish_story,
    release_due,
    schedule_story,
    unpublish_story,
)
from dateline.stories.models import Story
from tests.factories import make_story

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def indexed(edition, words: str) -> list[int]:
    """What the index itself answers, before any public() check."""
    return backend().ranked(parse_query(words), Filters(edition.pk), limit=100, offset=0)


def found(edition, words: str, **filters) -> list[int]:
    """What a reader's search finds: codes, best first."""
    query = parse_query(words)
    return [s.pk for s in search(query, Filters(edition.pk, **filters), offset=0, limit=100)]


def test_only_public_stories_are_indexed_and_found(editions, committed):
    en, _ = editions
    with committed():
        public = make_story(en, headline="Saffron harvest public")
        draft = make_story(en, headline="Saffron harvest draft", published=False)
        scheduled = make_story(en, headline="Saffron harvest scheduled", published=False)
        schedule_story(scheduled, at=timezone.now() + HOUR)
        embargoed = make_story(en, headline="Saffron harvest embargoed", published=False)
        embargo_story(embargoed, until=timezone.now() + HOUR)
        unpublished = make_story(en, headline="Saffron harvest unpublished")
        unpublish_story(unpublished)
        killed = make_story(en, headline="Saffron harvest killed")
        kill_story(killed, reason="wrong figures")
    assert indexed(en, "saffron") == [public.pk]
    assert found(en, "saffron harvest") == [public.pk]
    hidden = (draft, scheduled, embargoed, unpublished, killed)
    assert not Story.objects.public().filter(pk__in=[s.pk for s in hidden]).exists()


def test_a_story_killed_after_it_was_indexed_leaves_at_once(editions, committed):
    en, _ = editions
    with committed():
        story = make_story(en, headline="Pistachio exports")
    assert found(en, "pistachio") == [story.pk]
    with committed():
        kill_story(story, reason="legal")
    assert indexed(en, "pistachio") == []
    assert found(en, "pistachio") == []


def test_unpublished_then_published_again_leaves_and_returns(editions, committed):
    en, _ = editions
    with committed():
        story = make_story(en, headline="Caviar quotas")
        unpublish_story(story)
    assert indexed(en, "caviar") == []
    with committed():
        publish_story(story)
    assert found(en, "caviar") == [story.pk]


def test_embargoed_and_scheduled_stories_arrive_with_their_release(editions, committed):
    en, _ = editions
    with committed():
        embargoed = make_story(en, headline="Embargoed rial figures", published=False)
        embargo_story(embargoed, until=timezone.now() + HOUR)
        scheduled = make_story(en, headline="Scheduled rial figures", published=False)
        schedule_story(scheduled, at=timezone.now() + HOUR)
    assert indexed(en, "rial") == []
    later = timezone.now() + 2 * HOUR
    # The clock moves first and back last: the receiver runs once the release commits.
    with mock.patch("django.utils.timezone.now", lambda: later), committed():
        release_due()
    assert sorted(indexed(en, "rial")) == sorted([embargoed.pk, scheduled.pk])


def test_an_edit_or_a_correction_replaces_the_words_indexed(editions, committed):
    en, _ = editions
    with committed():
        story = make_story(en, headline="Barley crop falls")
        edit_story(story, base_version=story.version, headline="Wheat crop falls")
    assert found(en, "barley") == [] and found(en, "wheat") == [story.pk]
    with committed():
        correct_story(story, note="crop name", lead="Sorghum, not wheat, fell this year.")
    assert found(en, "sorghum") == [story.pk]


def test_a_stale_entry_never_shows_a_story_that_is_not_public(editions, committed):
    """Should the index hold a story that is not public (a write lost), search still checks
    every result through public()."""
    en, _ = editions
    draft = make_story(en, headline="Leaked draft about dates", published=False)
    backend().store(
        [Document(draft.pk, en.pk, None, timezone.now(), "leaked draft about dates", "", "")]
    )
    assert indexed(en, "leaked") == [draft.pk]
    assert found(en, "leaked") == []


def test_a_deleted_story_leaves_the_index(editions, committed):
    en, _ = editions
    with committed():
        story = make_story(en, headline="Pomegranate festival")
    Story.objects.filter(pk=story.pk).delete()
    assert indexed(en, "pomegranate") == []


def test_search_stays_in_its_edition(editions, committed):
    en, fa = editions
    with committed():
        english = make_story(en, headline="Tehran metro extension")
        persian = make_story(fa, headline="Tehran مترو")
    assert found(en, "tehran") == [english.pk]
    assert found(fa, "tehran") == [persian.pk]


PERSIAN_STORY = {
    "headline": "كتاب‌های عربي در نمایشگاه تهران",
    "lead": "ناشران مدرسة‌های دینی می‌روند و ۱۴۰۳ را جمع‌بندی می‌کنند.",
    "body": "أحمد گفت كِتَابٌ تازه‌ای در راه است.",
}


@pytest.mark.parametrize(
    "words",
    [
        "کتابهای عربی",  # Persian letters, no ZWNJ
        "كتاب‌های عربي",  # Arabic letters, ZWNJ
        "کتاب‌هاي",  # mixed
        "میروند",
        "می‌روند",
        "مدرسه‌های",
        "1403",
        "۱۴۰۳",
        "احمد",
        "أحمد",
        "كِتَابٌ",  # with harakat
        "کتاب",
        '"كتاب تازه‌ای"',
        "تهر*",
        "کتاب های عربی",  # a space where the copy has a ZWNJ, as many keyboards type it
        "مدرسه های",
        "می روند",
    ],
)
def test_persian_and_arabic_spellings_find_the_same_story(editions, committed, words):
    _, fa = editions
    with committed():
        story = make_story(fa, **PERSIAN_STORY)
        make_story(fa, headline="خبری دیگر", lead="هیچ ربطی ندارد.", body="")
    assert found(fa, words) == [story.pk]


def test_a_phrase_needs_its_words_together_and_in_order(editions, committed):
    en, _ = editions
    with committed():
        together = make_story(en, headline="Nuclear talks resume in Vienna")
        apart = make_story(en, headline="Talks on nuclear safety", lead="Talks again.")
    assert sorted(found(en, "nuclear talks")) == sorted([together.pk, apart.pk])
    assert found(en, '"nuclear talks"') == [together.pk]


def test_a_prefix_finds_longer_words(editions, committed):
    en, _ = editions
    with committed():
        story = make_story(en, headline="Exporters of dates")
    assert found(en, "export*") == [story.pk]
    assert found(en, "export") == []


def test_a_headline_match_ranks_above_a_body_only_match(editions, committed):
    en, _ = editions
    at = timezone.now() - HOUR
    with committed():
        in_headline = make_story(en, headline="Copper output rises", published_at=at - HOUR)
        # newer, made later, and saying "copper" twice: only the headline's weight puts it second
        in_body = make_story(
            en,
            headline="Ports report",
            lead="A port report.",
            body="Tankers carried more copper this month; copper and zinc led.",
            published_at=at,
        )
    assert found(en, "copper") == [in_headline.pk, in_body.pk]


def test_a_newer_equal_match_ranks_above_an_older_one(editions, committed):
    en, _ = editions
    now = timezone.now()
    with committed():
        older = make_story(en, headline="Zinc prices", published_at=now - 40 * 24 * HOUR)
        newer = make_story(en, headline="Zinc prices", published_at=now - HOUR)
        oldest = make_story(en, headline="Zinc prices", published_at=now - 400 * 24 * HOUR)
    assert found(en, "zinc") == [newer.pk, older.pk, oldest.pk]


def test_filters_by_section_tag_and_dates(editions, committed):
    en, _ = editions
    world, politics = en.sections.get(slug="world"), en.sections.get(slug="politics")
    tehran_day = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
    with committed():
        a = make_story(
            en, headline="Cotton a", section=world, tags=("Farming",), published_at=tehran_day
        )
        b = make_story(
            en, headline="Cotton b", section=politics, published_at=tehran_day + 24 * HOUR
        )
        c = make_story(en, headline="Cotton c", published_at=tehran_day + 48 * HOUR)
    farming = a.tags.get()
    assert found(en, "cotton", section_id=world.pk) == [a.pk]
    assert found(en, "cotton", tag_id=farming.pk) == [a.pk]
    eleventh = datetime.datetime(2026, 3, 11, tzinfo=datetime.UTC)
    assert found(en, "cotton", since=eleventh) == [c.pk, b.pk]
    assert found(en, "cotton", until=eleventh) == [a.pk]
    assert found(en, "cotton", since=eleventh, until=eleventh + 24 * HOUR) == [b.pk]


def test_results_page_through_with_offset_and_limit(editions, committed):
    en, _ = editions
    now = timezone.now()
    with committed():
        stories = [
            make_story(en, headline="Tin market", published_at=now - n * HOUR) for n in range(1, 6)
        ]
    query, filters = parse_query("tin"), Filters(en.pk)
    first = [s.pk for s in search(query, filters, offset=0, limit=2)]
    rest = [s.pk for s in search(query, filters, offset=2, limit=10)]
    assert first + rest == [s.pk for s in stories]


def test_best_matches_ranks_by_any_of_the_weighted_terms(editions, committed):
    en, _ = editions
    with committed():
        both = make_story(en, headline="Saffron and pistachio farmers")
        one = make_story(en, headline="Pistachio prices", published_at=timezone.now() - 9 * HOUR)
        make_story(en, headline="Unrelated football result")
        kept_out = make_story(en, headline="Saffron pistachio saffron")
    terms = {"Saffron": 2.0, "pistachio": 1.0, "": 5.0, "...": 3.0}
    codes = best_matches(terms, Filters(en.pk, exclude=(kept_out.pk,)), limit=5)
    assert codes == [both.pk, one.pk]
    assert best_matches({"?": 1.0}, Filters(en.pk)) == []


def test_reindex_rebuilds_from_the_public_stories(editions, committed):
    en, fa = editions
    english = make_story(en, headline="Walnut exports")  # made without the receiver running
    persian = make_story(fa, headline="گردو walnut")
    make_story(en, headline="Walnut draft", published=False)
    assert indexed(en, "walnut") == []
    out, err = io.StringIO(), io.StringIO()
    call_command("reindex", "--edition", "en", stdout=out, stderr=err)
    assert out.getvalue() == "indexed 1 public stories of edition en\n"
    assert "indexed 1 stories" in err.getvalue()
    assert indexed(en, "walnut") == [english.pk] and indexed(fa, "walnut") == []
    assert reindex() == 2
    assert indexed(fa, "walnut") == [persian.pk]
    call_command("reindex", "--edition", "en", stdout=io.StringIO(), stderr=io.StringIO())
    assert indexed(fa, "walnut") == [persian.pk]  # another edition's entries are left alone


def test_reindex_drops_what_is_no_longer_public(editions, committed):
    en, _ = editions
    with committed():
        story = make_story(en, headline="Date palms")
    Story.objects.filter(pk=story.pk).update(status="killed")  # behind the actions' back
    call_command("reindex", stdout=io.StringIO(), stderr=io.StringIO())
    assert indexed(en, "palms") == []


def test_reindex_refuses_an_unknown_edition(editions):
    with pytest.raises(
        CommandError, match=re.escape("--edition xx: no such edition (there are en, fa)")
    ):
        call_command("reindex", "--edition", "xx")


def test_import_indexes_what_it_publishes(editions, committed, tmp_path):
    en, _ = editions
    copy = tmp_path / "wire.txt"
    copy.write_text(
        "Saffron growers expect record crop\n\n"
        "TEHRAN, Nov 28 (Dateline) - Growers in Khorasan expect a record saffron crop.\n\n"
        "Prices have fallen since spring.\n",
        encoding="utf-8",
    )
    draft_copy = tmp_path / "draft.txt"
    draft_copy.write_text(
        "Saffron smugglers arrested\n\nMASHHAD, Nov 28 (Dateline) - Police arrested three.\n",
        encoding="utf-8",
    )
    with committed():
        call_command(
            "import",
            str(copy),
            "--publish",
            "--edition",
            "en",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        call_command(
            "import", str(draft_copy), "--edition", "en", stdout=io.StringIO(), stderr=io.StringIO()
        )
    published = Story.objects.public().get()
    assert found(en, "saffron") == [published.pk]
    assert found(en, "khorasan prices") == [published.pk]
