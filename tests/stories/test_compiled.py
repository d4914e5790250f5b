"""A `Compiled` query answers what its queryset answers, for every value it is run with."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dateline.stories.actions import correct_story
from dateline.stories.compiled import Compiled
from dateline.stories.models import Correction, Story, Tag
from tests.factories import make_edition, make_section, make_story

pytestmark = pytest.mark.django_db

PUBLIC_IN_EDITION = Compiled(
    lambda edition, now: Story.objects.public(now=now).filter(edition_id=edition).order_by("code")
)
PUBLIC_AMONG = Compiled(
    lambda codes, now: Story.objects.public(now=now).filter(pk__in=codes).order_by("code")
)


def codes_of(stories) -> list[int]:
    return [story.code for story in stories]


@pytest.fixture
def editions():
    return make_edition("en"), make_edition("fa", is_default=False)


def test_answers_what_the_queryset_answers_for_each_value(editions):
    english, persian = editions
    ours = [make_story(english) for _ in range(3)]
    theirs = [make_story(persian) for _ in range(2)]
    make_story(english, published=False)
    now = timezone.now()
    assert codes_of(PUBLIC_IN_EDITION.instances(edition=english.pk, now=now)) == codes_of(ours)
    # The same compiled SQL, other values: not the first edition's answer again.
    assert codes_of(PUBLIC_IN_EDITION.instances(edition=persian.pk, now=now)) == codes_of(theirs)


def test_the_moment_is_a_value_not_a_constant(editions):
    """`now` decides what is public: an embargo that has not passed at one moment has at a
    later one, through the same compiled query."""
    english, _ = editions
    story = make_story(english)
    lifted = timezone.now() + datetime.timedelta(hours=1)
    Story.objects.filter(pk=story.pk).update(embargo_until=lifted)
    before = lifted - datetime.timedelta(seconds=1)
    assert codes_of(PUBLIC_IN_EDITION.instances(edition=english.pk, now=before)) == []
    assert codes_of(PUBLIC_IN_EDITION.instances(edition=english.pk, now=lifted)) == [story.code]
    assert codes_of(PUBLIC_IN_EDITION.instances(edition=english.pk, now=before)) == []


def test_lists_of_each_length(editions):
    english, _ = editions
    stories = [make_story(english) for _ in range(4)]
    draft = make_story(english, published=False)
    now = timezone.now()
    wanted = [stories[2].code, draft.code, stories[0].code]
    assert codes_of(PUBLIC_AMONG.instances(codes=wanted, now=now)) == sorted(
        [stories[0].code, stories[2].code]
    )
    assert codes_of(PUBLIC_AMONG.instances(codes=[stories[3].code], now=now)) == [stories[3].code]
    everyone = [s.code for s in stories]
    assert codes_of(PUBLIC_AMONG.instances(codes=everyone, now=now)) == everyone


def test_a_list_looked_up_as_one_parameter_is_compiled_once_for_every_length(editions):
    english, _ = editions
    stories = [make_story(english) for _ in range(4)]
    draft = make_story(english, published=False)
    built = []

    def among(codes, now):
        built.append(len(codes))
        return Story.objects.public(now=now).filter(pk__any_of=codes).order_by("code")

    query = Compiled(among)
    now = timezone.now()
    for wanted in ([stories[2].code, draft.code, stories[0].code], [stories[3].code], [9]):
        expected = [s.code for s in stories if s.code in wanted]
        assert codes_of(query.instances(codes=wanted, now=now)) == expected
    assert query.rows(codes=[s.code for s in stories], now=now)
    assert [row[0] for row in query.rows(codes=[stories[1].code, draft.code], now=now)] == [
        stories[1].code
    ]
    # Compiled for the first list, once more when it was found to be one parameter; never again.
    assert built == [3, 1]


def test_models_fields_and_annotations_come_back(editions):
    english, _ = editions
    section = make_section(english, "world")
    story = make_story(english, headline="Talks resume in Vienna", section=section)
    by_story = Story.objects.filter(section_id=OuterRef("section_id"))
    query = Compiled(
        lambda code, now: (
            Story.objects.public(now=now)
            .annotate(
                in_section=Subquery(
                    by_story.values("section_id").annotate(n=Count("code")).values("n")
                )
            )
            .filter(code=code)
        )
    )
    [found] = query.instances(code=story.code, now=timezone.now())
    assert isinstance(found, Story)
    assert found.headline == "Talks resume in Vienna"
    assert found.published_at == Story.objects.get(pk=story.pk).published_at  # converted
    assert found.section_id == section.pk
    assert found.in_section == 1


def test_instances_are_the_querysets_own(editions):
    """Deferred fields deferred, every field and annotation (an EXISTS among them) as the
    queryset's own instances hold them, for stories with and without what is annotated."""
    english, _ = editions
    corrected = make_story(english, headline="Talks resume in Vienna")
    correct_story(corrected, note="The city was misnamed.", lead="Talks resume.")
    plain = make_story(english, headline="Rail strike ends")

    def build(edition, now):
        return (
            Story.objects.public(now=now)
            .defer("body", "body_html")
            .annotate(corrected=Exists(Correction.objects.filter(story=OuterRef("pk"))))
            .filter(edition_id=edition)
            .order_by("code")
        )

    def state(story) -> dict:
        return {name: value for name, value in vars(story).items() if name != "_state"}

    now = timezone.now()
    ours, theirs = Compiled(build).instances(edition=english.pk, now=now), build(english.pk, now)
    assert [state(s) for s in ours] == [state(s) for s in theirs]
    assert [s.get_deferred_fields() for s in ours] == [{"body", "body_html"}] * 2
    assert [(s.code, s.corrected) for s in ours] == [(corrected.code, True), (plain.code, False)]
    with pytest.raises(TypeError, match="rows, not instances"):
        Compiled(lambda code: Story.objects.filter(code=code).values_list("code")).instances(code=1)


def test_rows_come_back_as_python_values(editions):
    """As the queryset's own rows would: a moment, not SQLite's text of it."""
    english, _ = editions
    story = make_story(english, headline="Talks resume in Vienna")
    query = Compiled(
        lambda code, now: (
            Story.objects.public(now=now).filter(code=code).values_list("headline", "published_at")
        )
    )
    [row] = query.rows(code=story.code, now=timezone.now())
    assert row == tuple(
        Story.objects.filter(pk=story.pk).values_list("headline", "published_at")[0]
    )
    assert isinstance(row[1], datetime.datetime) and row[1].tzinfo is not None


def test_compiles_once_then_only_runs(editions):
    english, _ = editions
    make_story(english)
    built = []
    query = Compiled(
        lambda edition, now: (
            built.append(edition) or Story.objects.public(now=now).filter(edition_id=edition)
        )
    )
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            list(query.instances(edition=english.pk, now=timezone.now()))
        assert len(queries) == 1
    assert len(built) == 1


def test_a_value_written_into_the_sql_is_refused(editions):
    english, _ = editions
    ignores_edition = Compiled(lambda edition, now: Story.objects.public(now=now))
    with pytest.raises(ValueError, match=r"\['edition'\] are not parameters"):
        ignores_edition.instances(edition=english.pk, now=timezone.now())


@pytest.mark.parametrize(
    "values",
    [
        {"edition": b"en", "now": timezone.now()},
        {"edition": True, "now": timezone.now()},
        {"edition": 1, "now": datetime.datetime(2026, 1, 1)},  # naive: which zone?
        {"edition": 1.5, "now": timezone.now()},
    ],
)
def test_other_kinds_of_value_are_refused(editions, values):
    with pytest.raises(TypeError, match="ints, strings, aware datetimes or lists of ints"):
        PUBLIC_IN_EDITION.instances(**values)


def test_a_list_of_other_values_is_refused(editions):
    with pytest.raises(TypeError, match="ints, strings, aware datetimes or lists of ints"):
        PUBLIC_AMONG.instances(codes=[1, "2"], now=timezone.now())


def test_a_value_compared_with_a_count_is_a_parameter(editions):
    """On PostgreSQL a count is a 32-bit integer, and Django leaves out of the SQL a comparison
    with a value beyond that range: the samples stay inside it."""
    english, _ = editions
    make_story(english, tags=("Water",))
    make_story(english, tags=("Water", "Rain"))
    carried = Compiled(
        lambda at_least: (
            Tag.objects.annotate(n=Count("stories")).filter(n__gte=at_least).order_by("slug")
        )
    )
    assert [tag.slug for tag in carried.instances(at_least=2)] == ["water"]
    assert [tag.slug for tag in carried.instances(at_least=1)] == ["rain", "water"]
    assert [tag.slug for tag in carried.instances(at_least=3)] == []


def test_keeps_the_latest_compiled_forms_only(editions, monkeypatch):
    """Each slice of a list is its own SQL; a process keeps the latest MAX_COMPILED of them."""
    english, _ = editions
    stories = [make_story(english) for _ in range(3)]
    built = []

    def page(edition, now, start):
        built.append(start)
        return Story.objects.public(now=now).filter(edition_id=edition).order_by("code")[start:]

    monkeypatch.setattr(Compiled, "MAX_COMPILED", 2)
    query = Compiled(page)
    now = timezone.now()
    for start in (0, 1, 2, 1, 0):
        found = codes_of(query.instances(literals={"start": start}, edition=english.pk, now=now))
        assert found == codes_of(stories[start:])
    assert built == [0, 1, 2, 0]  # 1 was still kept; 0 had been let go for 2
