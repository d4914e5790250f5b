"""Related News's stored word counts (`StoryWords`): kept with the search index entry, read by
a refresh instead of the stories' text, filled for stories indexed before them; a refresh
writes every list it changes in one DELETE and one INSERT."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.discovery import story_words
from dateline.discovery.backends import Document
from dateline.discovery.models import RelatedStory, StoryWords
from dateline.discovery.related import RELATED_LIMIT, refresh
from dateline.discovery.search import public_documents
from dateline.stories.actions import correct_story, unpublish_story
from tests.factories import make_story

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
RELATED_TABLE = RelatedStory._meta.db_table


@pytest.fixture
def background(settings, committed):
    settings.TASKS = IMMEDIATE
    return committed


def stored_counts(story) -> dict[str, int]:
    return dict(story_words.decoded(StoryWords.objects.get(story=story).counts))


def lists() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for story_id, related_id in RelatedStory.objects.order_by("story", "rank").values_list(
        "story", "related"
    ):
        found.setdefault(story_id, []).append(related_id)
    return found


def statement(sql: str) -> str:
    """The verb of a captured query; an executemany is logged as "N times: INSERT ..."."""
    return re.sub(r"^\d+ times: ", "", sql).split()[0]


def saffron(edition, n: int):
    return make_story(
        edition,
        headline=f"Saffron harvest report {n}",
        lead="Saffron prices rise in Mashhad as the harvest ends.",
        body=f"Growers in Khorasan said the saffron crop of 2026 was the {n}th best.",
    )


def test_the_counts_follow_the_story_through_the_change_log(editions, committed):
    en, _ = editions
    with committed():
        story = make_story(
            en,
            headline="Vienna talks on uranium",
            lead="Vienna hosts the talks.",
            body="The talks in Vienna open on 12 May 2026.",
        )
    counts = stored_counts(story)
    assert counts["vienna"] == 3 and counts["talks"] == 3 and counts["uranium"] == 1
    assert "12" not in counts and "2026" not in counts  # numbers never relate stories
    with committed():
        correct_story(story, note="venue", lead="Geneva hosts the talks.")
    counts = stored_counts(story)
    assert counts["vienna"] == 2 and counts["geneva"] == 1
    with committed():
        unpublish_story(story)
    assert not StoryWords.objects.filter(story=story).exists()


def test_a_refresh_reads_no_story_text(editions, background):
    en, _ = editions
    with background():
        stories = [saffron(en, n) for n in range(6)]
    with CaptureQueriesContext(connection) as queries:
        written = refresh(stories[0].pk)
    assert written >= 2
    assert not [q["sql"] for q in queries if "body_html" in q["sql"]]


def test_a_refresh_writes_every_list_it_changes_in_one_delete_and_one_insert(editions, background):
    en, _ = editions
    with background():
        earlier = [saffron(en, n) for n in range(RELATED_LIMIT - 1)]  # room in every list
    newest = saffron(en, 99)  # not refreshed yet: no list holds it
    with CaptureQueriesContext(connection) as queries:
        written = refresh(newest.pk)
    assert written == 1 + len(earlier)
    writes = [
        verb
        for q in queries
        if RELATED_TABLE in q["sql"]
        and (verb := statement(q["sql"])) in ("DELETE", "INSERT", "UPDATE")
    ]
    assert sorted(writes) == ["DELETE", "INSERT"]
    after = lists()
    assert sum(newest.pk in after.get(story.pk, []) for story in earlier) == written - 1
    assert all(len(listed) <= RELATED_LIMIT for listed in after.values())
    ranks = RelatedStory.objects.filter(story__in=earlier).values_list("story", "rank")
    by_story: dict[int, list[int]] = {}
    for story_id, rank in ranks:
        by_story.setdefault(story_id, []).append(rank)
    assert all(sorted(r) == list(range(1, len(r) + 1)) for r in by_story.values())


def test_stories_indexed_before_the_counts_were_kept_relate_the_same(editions, background):
    en, _ = editions
    with background():
        stories = [saffron(en, n) for n in range(4)]
        make_story(en, headline="Harbour dredging", lead="The harbour is dredged.")

    def remade() -> dict[int, list[int]]:
        RelatedStory.objects.all().delete()
        for story in stories:
            refresh(story.pk)
        return lists()

    before = remade()
    counts = {story.pk: stored_counts(story) for story in stories}
    StoryWords.objects.all().delete()  # as after the upgrade that added them
    assert remade() == before
    out, err = io.StringIO(), io.StringIO()
    call_command("related", "--words", "--edition", "en", stdout=out, stderr=err)
    assert out.getvalue() == "stored the word counts of 5 public stories\n"
    assert "word counts: 5" in err.getvalue()
    assert {story.pk: stored_counts(story) for story in stories} == counts
    call_command("related", "--words", stdout=out)
    assert out.getvalue().endswith("stored the word counts of 0 public stories\n")
    with pytest.raises(CommandError, match="--words"):
        call_command("related")


HOSTILE = (
    'He said "\\u0000" and {"vienna": 99} ]]>\\ \\\\ </script><script>alert(1)</script> '
    "null true NaN 1e309 🙂 می‌روند ﻻ \u202eevil\u202c tab\there"
)


def test_hostile_text_is_counted_as_its_words_and_round_trips(editions, committed):
    en, _ = editions
    with committed():
        story = make_story(en, headline='{"a": 1}', lead=HOSTILE, body=HOSTILE)
    counts = stored_counts(story)
    assert counts == dict(story_words.counts_of(public_documents([story.pk])[0]))
    assert counts["vienna"] == 2 and counts["میروند"] == 2 and counts["evil"] == 2
    assert all(word.isalnum() for word in counts)  # no quote, brace or backslash survives
    assert "99" not in counts and "1e309" in counts


def document(body: str) -> Document:
    return Document(
        code=1, edition_id=1, section_id=None, published_at=None, headline="", lead="", body=body
    )


def test_a_long_body_is_counted_up_to_the_limit_never_a_word_cut_short():
    limit = story_words.MAX_TEXT_CHARS
    counts = story_words.counts_of(document("word " * limit + "tail"))
    assert counts == {"word": limit // len("word ")}
    cut_inside = story_words.counts_of(document("a" * (limit - 2) + " longword"))
    assert cut_inside == {"a" * (limit - 2): 1}  # not "l"
    cut_at_space = story_words.counts_of(document("a" * limit + " next"))
    assert cut_at_space == {"a" * limit: 1}
    assert not story_words.counts_of(document("z" * (limit * 2)))
