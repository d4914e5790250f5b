"""Related News: computed in the background from the change log, stored, read by the article
page through `public()`; editors' picks and exclusions; bounded incremental work; the
explanation editors read; Persian text."""

import datetime
import io
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dateline.discovery.models import RelatedChoice, RelatedStory
from dateline.discovery.related import CANDIDATES, Profiles, Scorer, refresh, related_stories
from dateline.stories.actions import (
    choose_related,
    correct_story,
    embargo_story,
    kill_story,
    schedule_story,
    unpublish_story,
)
from dateline.stories.models import Status, Story, StoryChange
from tests.factories import make_section, make_story
from tests.stories.test_fan_out_outbox import CROPS, reuters_file

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def background(settings, committed):
    """`with background():` runs what changes fan out on commit, and the tasks they queue at
    once, as if the worker were instant."""
    settings.TASKS = IMMEDIATE
    return committed


def stored(story) -> list[int]:
    entries = RelatedStory.objects.filter(story=story).order_by("rank")
    return list(entries.values_list("related", flat=True))


def on_page(client, story) -> list[str]:
    """The Related News links of the story's public page, as a reader sees them."""
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    return [a["href"] for a in page.select("section.related li a")]


EVERYDAY_SUBJECTS = (
    "saffron harvest",
    "football transfers",
    "rail strike",
    "museum opening",
    "wheat prices",
    "harbour dredging",
    "school exams",
    "film festival",
    "bridge repairs",
    "tea exports",
)
EVERYDAY_SUBJECTS_FA = (
    "برداشت زعفران",
    "نقل و انتقالات فوتبال",
    "اعتصاب راه آهن",
    "افتتاح موزه",
    "قیمت گندم",
    "لایروبی بندر",
    "امتحانات مدارس",
    "جشنواره فیلم",
    "تعمیر پل",
    "صادرات چای",
)


def everyday_news(edition, count=20):
    """`count` stories on other subjects, in the words every story uses ("the", "on", "said";
    "در", "را"): an edition where stop words are what they are, common."""
    persian = edition.language == "fa"
    subjects = EVERYDAY_SUBJECTS_FA if persian else EVERYDAY_SUBJECTS
    for n in range(count):
        subject = subjects[n % len(subjects)]
        if persian:
            make_story(
                edition, headline=subject, lead=f"{subject} در دستور کار بود و مقامات گفتند."
            )
        else:
            make_story(
                edition,
                headline=f"The {subject}",
                lead=f"The {subject} was on the agenda on Monday, officials said.",
                body="The report said more would follow in the new year.",
            )


def vienna(edition, headline="JCPOA negotiators return to Vienna", **fields):
    return make_story(
        edition,
        headline=headline,
        lead="The JCPOA talks in Vienna restart on Monday, negotiators said.",
        body="Vienna hosts the JCPOA negotiators again; the uranium stockpile is on the table.",
        **fields,
    )


def test_a_story_about_the_same_event_ranks_above_one_sharing_a_common_word(
    editions, background, client
):
    en, _ = editions
    with background():
        same_event = vienna(en, headline="Vienna talks on the JCPOA resume")
        common_word = make_story(
            en,
            headline="Talks on football transfers",
            lead="Clubs held talks about the season's transfers on Monday.",
            body="The talks ended without a deal on the transfers.",
        )
        story = vienna(en)
    assert stored(story) == [same_event.pk, common_word.pk]
    assert on_page(client, story)[0] == same_event.get_absolute_url()
    # The same event's story got the new one inserted in its own list, in the background.
    assert stored(same_event)[0] == story.pk


def test_the_explanation_names_shared_tags_words_text_and_days(editions, background):
    en, _ = editions
    now = timezone.now()
    with background():
        everyday_news(en)
        earlier = vienna(
            en,
            tags=("JCPOA", "Vienna"),
            published_at=now - datetime.timedelta(days=2),
        )
        story = vienna(en, headline="JCPOA talks in Vienna", tags=("JCPOA", "Vienna", "Oil"))
    explanation = RelatedStory.objects.get(story=story, related=earlier).explanation
    assert explanation.startswith("shared: JCPOA, Vienna; words: ")
    assert "jcpoa" in explanation and "vienna" in explanation
    words = explanation.split("words: ")[1].split(";")[0].split(", ")
    assert not {"the", "on", "in", "said", "monday"} & set(words)  # in every story
    assert "; text 0." in explanation
    assert explanation.endswith("; 2 days apart")


def test_the_explanation_names_persian_words_as_written_with_their_half_space(editions, background):
    """Not as the token that joins the parts ("راهآهن", a misspelling an editor would see)."""
    _, fa = editions
    with background():
        everyday_news(fa)
        lead = "برقی‌کردن راه‌آهن تهران مشهد در لایحه آمد."
        earlier = make_story(fa, headline="راه‌آهن تهران مشهد برقی می‌شود", lead=lead)
        story = make_story(fa, headline="برقی‌کردن راه‌آهن تهران مشهد", lead=lead)
    explanation = RelatedStory.objects.get(story=story, related=earlier).explanation
    words = explanation.split("words: ")[1].split(";")[0].split(", ")
    assert "راه‌آهن" in words or "برقی‌کردن" in words, explanation
    assert not {"راهآهن", "برقیکردن"} & set(words), explanation


def test_never_public_stories_are_in_no_list_even_once_related(editions, background, client):
    en, _ = editions
    with background():
        story = vienna(en)
        draft = vienna(en, published=False)
        unpublished, killed, corrected = vienna(en), vienna(en), vienna(en)
    # Their release is queued for the worker (not run here).
    scheduled = vienna(en, published=False)
    schedule_story(scheduled, at=timezone.now() + HOUR)
    embargoed = vienna(en, published=False)
    embargo_story(embargoed, until=timezone.now() + HOUR)
    with background():
        refresh(story.pk)
    related = stored(story)
    assert {unpublished.pk, killed.pk, corrected.pk} <= set(related)
    assert not {draft.pk, scheduled.pk, embargoed.pk} & set(related)
    client.get(story.get_absolute_url())  # in the page cache, as readers had it
    # Killed and unpublished after having been related: gone from the page at once (before
    # the background refresh), then from every stored list.
    kill_story(killed, reason="wrong figures")
    unpublish_story(unpublished)
    hidden = {s.get_absolute_url() for s in (draft, scheduled, embargoed, unpublished, killed)}
    assert not hidden & set(on_page(client, story))
    assert corrected.get_absolute_url() in on_page(client, story)
    with background():
        correct_story(corrected, note="a name", lead="The JCPOA talks restart in Vienna.")
        kill_story(vienna(en), reason="duplicate")  # published, related, killed
        refresh(killed.pk)
        refresh(unpublished.pk)
    gone = {draft.pk, scheduled.pk, embargoed.pk, unpublished.pk, killed.pk}
    assert not RelatedStory.objects.filter(related__in=gone).exists()
    assert not RelatedStory.objects.filter(story__in=gone).exists()
    assert not set(on_page(client, story)) & hidden


def test_a_story_still_in_the_index_but_no_longer_public_is_in_no_new_list(editions, background):
    """Between a change and its index sync (or after a change made behind the actions'
    back) the index still holds the story: a list made then leaves it out."""
    en, _ = editions
    with background():
        withdrawn, kept = vienna(en), vienna(en)
    Story.objects.filter(pk=withdrawn.pk).update(status=Status.KILLED)
    with background():
        story = vienna(en)
    assert stored(story) == [kept.pk]


def test_picks_come_first_and_exclusions_are_never_shown(editions, background, client):
    en, _ = editions
    with background():
        best, second = vienna(en), vienna(en)
        unrelated = make_story(en, headline="Saffron harvest begins", lead="Farmers pick.")
        story = vienna(en)
    assert stored(story)[:2] == [second.pk, best.pk]
    choose_related(story, unrelated.pk, "pick")
    choose_related(story, second.pk, "exclude")
    links = on_page(client, story)
    assert links[0] == unrelated.get_absolute_url()
    assert second.get_absolute_url() not in links
    assert best.get_absolute_url() in links
    choices = StoryChange.objects.filter(story=story, action="related").values_list("note")
    assert list(choices) == [
        (f"related: picked {unrelated.pk}",),
        (f"related: excluded {second.pk}",),
    ]
    choose_related(story, second.pk, "clear")
    assert second.get_absolute_url() in on_page(client, story)


def test_picks_show_in_the_order_picked_then_the_list_by_rank_on_page_and_in_the_newsroom(
    editions, background, client
):
    """The article's query brings the stored codes along (decision 0064); the newsroom reads
    them alone: both give the picks by the time picked (not by code, nor as recorded) and
    then the list by rank."""
    en, _ = editions
    with background():
        vienna(en), vienna(en)
        saffron = make_story(en, headline="Saffron harvest begins", lead="Farmers pick.")
        pistachio = make_story(en, headline="Pistachio prices", lead="Growers wait.")
        story = vienna(en)
    ranked = stored(story)
    choose_related(story, saffron.pk, "pick")
    choose_related(story, pistachio.pk, "pick")
    RelatedChoice.objects.filter(story=story, other=pistachio).update(
        at=timezone.now() - datetime.timedelta(minutes=5)  # picked before, as far as time goes
    )
    order = list(dict.fromkeys([pistachio.pk, saffron.pk, *ranked]))[:5]
    shown = [Story.objects.get(pk=code).get_absolute_url() for code in order]
    assert on_page(client, story) == shown
    assert [s.pk for s in related_stories(Story.objects.get(pk=story.pk), [])] == order


def test_before_a_list_is_computed_the_first_rule_stands_in(editions, client):
    en, _ = editions
    neighbour = make_story(en, headline="Quiet day", tags=("Weather",))
    story = make_story(en, headline="Other words entirely", tags=("Weather",))
    assert not RelatedStory.objects.exists()  # no worker ran
    assert on_page(client, story) == [neighbour.get_absolute_url()]


def test_publishing_one_story_touches_only_its_candidates_lists(editions, background):
    en, _ = editions
    with background():
        for n in range(25):
            make_story(en, headline=f"Harbour {n} dredging", lead=f"Harbour number {n} is dredged.")
        saffron = [
            make_story(en, headline=f"Saffron harvest report {n}", lead="Saffron prices rise.")
            for n in range(3)
        ]
    untouched = dict(
        RelatedStory.objects.exclude(story__in=saffron).values_list("id", "computed_at")
    )
    story = make_story(en, headline="Saffron exports", lead="Saffron prices rise again.")
    with CaptureQueriesContext(connection) as queries:
        written = refresh(story.pk)
    # Its own list and those of the saffron stories it beats the weakest entry of.
    assert 2 <= written <= 1 + len(saffron) < 1 + CANDIDATES
    assert len(queries) <= 16 + 2 * len(saffron)  # however many stories the edition has
    assert (
        dict(RelatedStory.objects.filter(id__in=untouched).values_list("id", "computed_at"))
        == untouched
    )
    assert sum(story.pk in stored(other) for other in saffron) == written - 1


def test_persian_letter_variants_and_zwnj_relate(editions, background, client):
    _, fa = editions
    with background():
        everyday_news(fa)
        arabic_letters = make_story(
            fa, headline="مذاكرات وين درباره برجام", lead="مذاكره‌كنندگان در وين ديدار كردند."
        )
        make_story(fa, headline="بازار زعفران", lead="قیمت زعفران بالا رفت.")
        story = make_story(
            fa, headline="مذاکرات وین درباره برجام", lead="مذاکره کنندگان در وین دیدار کردند."
        )
    assert stored(story)[0] == arabic_letters.pk
    explanation = RelatedStory.objects.get(story=story, related=arabic_letters).explanation
    assert "وین" in explanation
    assert "در" not in explanation.split("; ")[0].split(", ")  # in every story
    assert on_page(client, story)[0] == arabic_letters.get_absolute_url()


def test_the_command_line_shows_why_and_records_choices(editions, background):
    en, _ = editions
    with background():
        everyday_news(en)
        other, excluded = vienna(en), vienna(en)
        story = vienna(en)
    out = io.StringIO()
    call_command("story", "related", str(story.pk), "--exclude", str(excluded.pk), stdout=out)
    call_command("story", "related", str(story.pk), "--json", stdout=(out := io.StringIO()))
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(line["kind"], line["code"]) for line in lines] == [
        ("listed", other.pk),
        ("excluded", excluded.pk),
    ]
    assert lines[0]["explanation"].startswith("words: ")
    for hostile in ("<script>", "99999999999"):
        with pytest.raises((CommandError, SystemExit)):
            call_command("story", "related", str(story.pk), "--pick", hostile)
    with pytest.raises(CommandError, match="cannot be related to itself"):
        call_command("story", "related", str(story.pk), "--pick", str(story.pk))
    with pytest.raises(CommandError, match="neither picked nor excluded"):
        call_command("story", "related", str(story.pk), "--clear", str(other.pk))


def test_the_command_line_refuses_to_pick_a_killed_story(editions):
    """It would be listed "hidden" for good; in --json too the refusal is the others': a
    message on standard error, exit 1, no line on standard output."""
    en, _ = editions
    story, killed = make_story(en), kill_story(make_story(en), reason="Legal advice")
    out = io.StringIO()
    refusal = (
        f"story {story.pk}: Story {killed.pk} is killed: it is never shown, so it cannot be picked."
    )
    for json_flag in ([], ["--json"]):
        with pytest.raises(CommandError) as refused:
            call_command(
                "story", "related", str(story.pk), "--pick", str(killed.pk), *json_flag, stdout=out
            )
        assert str(refused.value) == refusal
    assert out.getvalue() == ""
    assert not RelatedChoice.objects.exists()
    # Excluding it is still allowed: it asks for nothing to be shown.
    call_command("story", "related", str(story.pk), "--exclude", str(killed.pk), stdout=out)
    assert RelatedChoice.objects.get().kind == RelatedChoice.Kind.EXCLUDE


def test_rebuild_computes_every_list(editions, committed):
    en, _ = editions
    with committed():  # indexed for search; no worker: no list yet
        first, second = vienna(en), vienna(en)
    assert not RelatedStory.objects.exists()
    out, err = io.StringIO(), io.StringIO()
    call_command("related", "--rebuild", "--edition", "en", stdout=out, stderr=err)
    assert out.getvalue() == "computed Related News for 2 public stories of edition en\n"
    assert "related lists: 2" in err.getvalue()
    assert stored(first) == [second.pk] and stored(second) == [first.pk]
    with pytest.raises(
        CommandError, match=re.escape("--edition xx: no such edition (there are en, fa)")
    ):
        call_command("related", "--rebuild", "--edition", "xx")


def test_an_imported_batch_is_related_by_one_task(editions, committed, client, tmp_path):
    """An import's batch queues one refresh for all its stories (a task per story cost the
    import half its time), which gives each of them its list."""
    with committed():
        call_command(
            "import", str(reuters_file(tmp_path / "reut2-000.sgm")), "--publish",
            "--edition", "en", stdout=io.StringIO(),
        )  # fmt: skip
    imported = sorted(Story.objects.public().values_list("pk", flat=True))
    assert len(imported) == len(CROPS)
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "dateline.discovery.tasks.refresh_related"
    assert sorted(queued.args_kwargs["args"]) == imported
    assert not RelatedStory.objects.exists()
    queued.task.call(*queued.args_kwargs["args"])
    for story in Story.objects.public():
        assert len(on_page(client, story)) == 5  # eight stories of crop prices: five each


def test_lists_are_scored_outside_the_transaction_that_writes_them(
    editions, background, monkeypatch
):
    """On SQLite a transaction holds the one writer's lock from its start: scoring inside it
    made publications and webhook deliveries queue behind every refresh."""
    en, _ = editions
    with background():
        story, related, then_killed = vienna(en), vienna(en), vienna(en)
    depth_outside = len(connection.atomic_blocks)
    depths = []
    real_candidates = Scorer.candidates

    def candidates_noting_the_transaction(scorer, profile):
        depths.append(len(connection.atomic_blocks))
        return real_candidates(scorer, profile)

    monkeypatch.setattr(Scorer, "candidates", candidates_noting_the_transaction)
    refresh(story.pk)
    kill_story(then_killed, reason="duplicate")
    refresh(then_killed.pk)  # the lists it left are scored again
    assert len(depths) >= 2
    assert set(depths) == {depth_outside}
    assert related.pk in stored(story)
    assert then_killed.pk not in stored(story)


def test_a_stored_list_is_read_by_primary_key(
    editions, background, client, settings, django_assert_max_num_queries
):
    """The article page reads the stored list's and the picks' codes, and those of their
    stories public now by primary key, in the story's own query: one query for the page."""
    settings.PAGE_CACHE_SECONDS = 0
    en, _ = editions
    with background():
        story, related, picked = vienna(en), vienna(en), make_story(en, headline="Saffron")
        everyday_news(en, count=3)
        refresh(story.pk)
        choose_related(story, picked.pk, "pick")
    assert related.pk in stored(story)
    client.get(story.get_absolute_url())  # the edition's furniture, cached
    with django_assert_max_num_queries(1):
        shown = on_page(client, story)
    assert shown[0] == picked.get_absolute_url()
    assert related.get_absolute_url() in shown


def test_the_stand_in_is_the_newest_sharing_a_tag_or_the_section_each_read_bounded(
    editions, client
):
    """Newest first over the section and every tag, a story sharing several counted once; each
    of those reads stops at the list's length (a read of every story sharing the section or a
    country's tag walked a million stories)."""
    en, _ = editions
    world, sport = en.sections.get(slug="world"), make_section(en, "sport")
    at = timezone.now() - datetime.timedelta(hours=5)
    oldest = make_story(en, section=world, published_at=at)
    both = make_story(en, section=world, tags=("Oil",), published_at=at + HOUR)
    make_story(en, section=sport, published_at=at + 2 * HOUR)  # shares nothing
    by_tag = make_story(en, section=sport, tags=("Water",), published_at=at + 3 * HOUR)
    story = make_story(en, section=world, tags=("Oil", "Water"), published_at=at + 4 * HOUR)
    with CaptureQueriesContext(connection) as queries:
        listed = on_page(client, story)
    assert listed == [u.get_absolute_url() for u in (by_tag, both, oldest)]
    stand_in = next(q["sql"] for q in queries if q["sql"].count("LIMIT 5") > 1)
    assert stand_in.count("LIMIT 5") == 1 + 3  # the list; its two tags and its section, each


def test_a_story_without_words_is_scored_wherever_it_stands(editions, committed):
    """A story whose text is only numbers has no words to compare: it scores nothing by its
    text, and the stories beside it (before or after it among the candidates) score as
    they would without it."""
    en, _ = editions
    with committed():
        story = vienna(en)
        same_event = vienna(en, headline="Vienna talks on the JCPOA resume")
        wordless = [make_story(en, headline="2024", lead="1 200 300", body="45") for _ in range(2)]
    scorer = Scorer(Profiles())
    profile = scorer.profiles.get([story.pk])[story.pk]
    assert scorer.profiles.get([w.pk for w in wordless])[wordless[0].pk].counts == {}
    alone = scorer.ranked(profile, [same_event.pk])
    around = scorer.ranked(profile, [wordless[0].pk, same_event.pk, wordless[1].pk])
    assert around[0].code == same_event.pk
    assert around[0].score == pytest.approx(alone[0].score)
    assert {s.code: s.score for s in around[1:]} == {w.pk: 0.0 for w in wordless}


def test_stored_lists_keep_every_entry_as_scored(editions):
    """Written as one JSON document of rows on both databases: explanations holding what
    JSON or an array's text form quotes (commas, braces, brackets, quotes, backslashes, line
    breaks, control characters) and other scripts come back as they were, scores to the last
    bit, each list in its order."""
    from dateline.discovery.related import Scored, _store_lists

    en, _ = editions
    story, *others = [make_story(en, headline=f"Story {n}") for n in range(4)]
    odd = ['a, "quoted" {brace} [1]', "back\\slash\n\t\x01\u2028", "شهر، «نقل» 📰", "NULL", ""]
    scores = [1 / 3, 0.1 + 0.2, 2**-40]
    _store_lists(
        {
            story.pk: [Scored(o.pk, scores[n], odd[n]) for n, o in enumerate(others)],
            others[0].pk: [Scored(story.pk, 0.25, odd[3])],
            others[1].pk: [],
        }
    )
    stored = RelatedStory.objects.order_by("story_id", "rank")
    assert list(stored.values_list("story_id", "related_id", "rank", "score", "explanation")) == [
        (story.pk, others[0].pk, 1, 1 / 3, odd[0]),
        (story.pk, others[1].pk, 2, 0.1 + 0.2, odd[1]),
        (story.pk, others[2].pk, 3, 2**-40, odd[2]),
        (others[0].pk, story.pk, 1, 0.25, odd[3]),
    ]


def test_a_related_story_shows_its_own_headline_and_time(editions, background, client, settings):
    """The list's stories come with the article's query as text (JSON): a headline with quotes,
    markup, another script and a backslash, and a time with its microseconds a moment before
    midnight UTC, read back as the story's own page shows them."""
    settings.PAGE_CACHE_SECONDS = 0
    en, _ = editions
    at = datetime.datetime(2026, 4, 18, 23, 59, 58, 123456, tzinfo=datetime.UTC)
    headline = 'JCPOA "Vienna" <script>alert(1)</script> & مذاکرات وین \\ end'
    with background():
        story, related = vienna(en), vienna(en, headline=headline, published_at=at)
        everyday_news(en, count=3)
        refresh(story.pk)
    assert related.pk in stored(story)
    page = BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser")
    [item] = [
        li for li in page.select("section.related li") if li.a["href"] == related.get_absolute_url()
    ]
    own = BeautifulSoup(client.get(related.get_absolute_url()).content, "html.parser")
    assert item.a.get_text(strip=True) == headline
    assert not page.select("section.related script")
    assert item.time["datetime"] == own.select_one("article time")["datetime"]
    assert item.time.get_text() == own.select_one("article time").get_text()
    assert item.time["datetime"].startswith("2026-04-18T23:59:58")
