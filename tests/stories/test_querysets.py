"""The story querysets: the edges of `public()`, and the lists every page starts from."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dateline.site.chrome import site_chrome
from dateline.stories import querysets
from dateline.stories.headlines import Headline
from dateline.stories.models import Status, Story
from tests.factories import make_edition, make_section, make_story

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 3, 20, 9, 30, tzinfo=datetime.UTC)
TICK = datetime.timedelta(microseconds=1)


@pytest.fixture
def clock(monkeypatch):
    """Django's clock stopped at NOW, so "exactly now" is a moment a test can name."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def edition():
    return make_edition("en")


def codes(queryset) -> set[int]:
    return set(queryset.values_list("code", flat=True))


def story_with(edition, **state) -> Story:
    """A story put straight into a state no action writes yet (kill, schedule, embargo)."""
    story = make_story(edition, published=False)
    Story.objects.filter(pk=story.pk).update(**state)
    return story


@pytest.mark.parametrize(
    ("state", "public"),
    [
        ({"status": Status.PUBLISHED, "published_at": NOW}, True),
        ({"status": Status.PUBLISHED, "published_at": NOW - TICK}, True),
        ({"status": Status.PUBLISHED, "published_at": NOW + TICK}, False),
        ({"status": Status.PUBLISHED, "published_at": None}, False),
        ({"status": Status.PUBLISHED, "published_at": NOW, "embargo_until": NOW}, True),
        ({"status": Status.PUBLISHED, "published_at": NOW, "embargo_until": NOW - TICK}, True),
        ({"status": Status.PUBLISHED, "published_at": NOW, "embargo_until": NOW + TICK}, False),
        ({"status": Status.PUBLISHED, "published_at": NOW - TICK, "embargo_until": None}, True),
        ({"status": Status.KILLED, "published_at": NOW - datetime.timedelta(days=3)}, False),
        ({"status": Status.DRAFT, "published_at": NOW - datetime.timedelta(days=3)}, False),
        ({"status": Status.SUBMITTED, "published_at": NOW - TICK}, False),
        ({"status": Status.APPROVED, "published_at": NOW - TICK}, False),
        ({"status": Status.SCHEDULED, "published_at": NOW - TICK}, False),
        ({"status": Status.SCHEDULED, "published_at": NOW + TICK}, False),
    ],
    ids=[
        "published-exactly-now",
        "published-a-moment-ago",
        "published-a-moment-ahead",
        "published-without-a-time",
        "embargo-ends-exactly-now",
        "embargo-ended-a-moment-ago",
        "embargo-ends-a-moment-ahead",
        "no-embargo",
        "killed-after-publication",
        "draft-with-a-publication-time",
        "submitted",
        "approved",
        "scheduled-in-the-past",
        "scheduled-in-the-future",
    ],
)
def test_public_at_the_edges(clock, edition, state, public):
    story = story_with(edition, **state)
    assert codes(Story.objects.public()) == ({story.code} if public else set())


def test_public_is_decided_when_the_query_runs_not_when_it_is_built(edition, monkeypatch):
    story = story_with(edition, status=Status.PUBLISHED, published_at=NOW)
    monkeypatch.setattr(timezone, "now", lambda: NOW - TICK)
    before = Story.objects.public()
    assert codes(before) == set()
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    assert codes(Story.objects.public()) == {story.code}


def test_public_keeps_the_public_and_only_those_among_many(clock, edition):
    shown = [
        story_with(edition, status=Status.PUBLISHED, published_at=NOW - TICK),
        story_with(edition, status=Status.PUBLISHED, published_at=NOW, embargo_until=NOW),
    ]
    story_with(edition, status=Status.PUBLISHED, published_at=NOW + TICK)
    story_with(edition, status=Status.KILLED, published_at=NOW - TICK)
    story_with(edition, status=Status.PUBLISHED, published_at=NOW, embargo_until=NOW + TICK)
    assert codes(Story.objects.public()) == {s.code for s in shown}


def test_public_narrows_a_queryset_it_is_chained_onto(clock, edition):
    other = make_edition("fa")
    here = story_with(edition, status=Status.PUBLISHED, published_at=NOW)
    story_with(other, status=Status.PUBLISHED, published_at=NOW)
    assert codes(Story.objects.in_edition(edition).public()) == {here.code}


def test_in_edition_in_section_and_tagged_each_narrow_to_their_own(edition):
    other = make_edition("fa")
    world, sport = make_section(edition, "world"), make_section(edition, "sport")
    in_world = make_story(edition, section=world, tags=("Water",))
    in_sport = make_story(edition, section=sport, tags=("Water", "Oil"))
    elsewhere = make_story(other, tags=("Oil",))
    water = in_world.tags.get()
    oil = elsewhere.tags.get()

    assert codes(Story.objects.in_edition(edition)) == {in_world.code, in_sport.code}
    assert codes(Story.objects.in_edition(other)) == {elsewhere.code}
    assert codes(Story.objects.in_section(world)) == {in_world.code}
    assert codes(Story.objects.in_section(sport)) == {in_sport.code}
    assert codes(Story.objects.tagged(water)) == {in_world.code, in_sport.code}
    assert codes(Story.objects.tagged(oil)) == {in_sport.code, elsewhere.code}


def test_latest_is_newest_first_and_breaks_ties_by_the_higher_code(edition):
    at = timezone.now() - datetime.timedelta(hours=1)
    first = make_story(edition, published_at=at)
    second = make_story(edition, published_at=at)
    older = make_story(edition, published_at=at - datetime.timedelta(minutes=1))
    newer = make_story(edition, published_at=at + datetime.timedelta(minutes=1))
    assert [s.code for s in Story.objects.latest()] == [
        newer.code,
        second.code,
        first.code,
        older.code,
    ]


def test_a_listing_reads_everything_it_shows_in_one_query(edition, django_assert_num_queries):
    """Its sections from the edition's furniture, read before."""
    world = make_section(edition, "world", "World")
    make_story(edition, section=world, headline="Rail link opens")
    make_story(edition, section=world, headline="Port reopens")
    chrome = site_chrome().edition(edition.code)
    with django_assert_num_queries(1):
        shown = [
            (
                s.code,
                s.slug,
                s.headline,
                s.lead,
                s.published_at,
                s.edition_id,
                s.section.slug,
                s.section.name,
                s.section.edition_id,
            )
            for s in chrome.with_sections(Headline.of(Story.objects.public().headlines()))
        ]
    assert [row[2] for row in shown] == ["Port reopens", "Rail link opens"]
    assert {row[6:] for row in shown} == {("world", "World", edition.pk)}
    assert {row[5] for row in shown} == {edition.pk}


def test_a_listing_leaves_the_body_unread(edition):
    make_story(edition, body="A long body.")
    with CaptureQueriesContext(connection) as queries:
        [row] = Story.objects.headlines()
    assert "body" not in queries[0]["sql"]
    assert "A long body." not in row


def test_latest_per_section_keeps_the_newest_of_each_section(edition):
    """Stories are written out of publication order, so neither the order of writing nor the
    news code alone tells which are newest."""
    world, sport = make_section(edition, "world"), make_section(edition, "sport")
    base = timezone.now() - datetime.timedelta(days=1)

    def story(section, hours):
        return make_story(
            edition, section=section, published_at=base + datetime.timedelta(hours=hours)
        )

    world_newest = story(world, 10)
    story(world, 5)
    story(world, 1)
    world_second = story(world, 8)
    sport_second = story(sport, 7)
    sport_newest = story(sport, 9)
    story(sport, 2)
    make_story(edition, published_at=base + datetime.timedelta(hours=11))  # no section

    listed = Headline.of(Story.objects.public().latest_per_section([world.pk, sport.pk], 2))
    slugs = {world.pk: "world", sport.pk: "sport"}
    by_section: dict[str, list[int]] = {}
    for s in listed:
        by_section.setdefault(slugs[s.section_id], []).append(s.code)
    assert {slug: sorted(found) for slug, found in by_section.items()} == {
        "world": sorted([world_newest.code, world_second.code]),
        "sport": sorted([sport_newest.code, sport_second.code]),
    }
    # The whole list is in listing order: newest first.
    assert [s.code for s in listed] == [
        world_newest.code,
        sport_newest.code,
        world_second.code,
        sport_second.code,
    ]


def test_latest_per_section_breaks_ties_by_the_higher_code(edition):
    world = make_section(edition, "world")
    at = timezone.now() - datetime.timedelta(hours=1)
    make_story(edition, section=world, published_at=at)
    later_code = make_story(edition, section=world, published_at=at)
    listed = Headline.of(Story.objects.latest_per_section([world.pk], 1))
    assert [s.code for s in listed] == [later_code.code]


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's steps are counted; PostgreSQL's UNION is the scale benchmark's to measure",
)
def test_latest_per_section_reads_as_much_however_large_the_edition(edition):
    """Offered the edition's conditions beside the sections' reads, SQLite walked the edition's
    index and tested every story against them: the front cost 2.4 times as much at 10,000
    stories as at 1,000. Counted in SQLite's virtual machine steps."""
    world, sport = make_section(edition, "world"), make_section(edition, "sport")
    for section in (world, sport, world, sport, world, sport):
        make_story(edition, section=section)

    def steps() -> int:
        counted = []
        connection.ensure_connection()
        connection.connection.set_progress_handler(lambda: counted.append(1), 1)
        try:
            public = Story.objects.public().in_edition(edition)
            assert len(list(public.latest_per_section([world.pk, sport.pk], 2))) == 4
        finally:
            connection.connection.set_progress_handler(None, 1)
        return len(counted)

    few = steps()
    Story.objects.bulk_create(  # stories of no section, as most of a wire's are
        Story(
            edition=edition,
            headline=f"Other {n}",
            lead=".",
            slug=f"other-{n}",
            status=Status.PUBLISHED,
            published_at=timezone.now() - datetime.timedelta(hours=1),
        )
        for n in range(2_000)
    )
    assert steps() < 1.5 * few


@pytest.fixture
def recent(monkeypatch):
    """Of an edition's newest three stories, a tag on two is frequent."""
    monkeypatch.setattr(querysets, "RECENT_STORIES", 3)
    monkeypatch.setattr(querysets, "FREQUENT_AMONG_RECENT", 2)


def test_a_tag_is_frequent_when_the_editions_newest_public_stories_carry_it(edition, recent):
    at = timezone.now() - datetime.timedelta(hours=1)
    oil = make_story(edition, tags=("Oil",), published_at=at).tags.get()  # older than three
    newest = [
        make_story(edition, tags=tags, published_at=at + n * TICK)
        for n, tags in enumerate([("Oil", "Water"), ("Water",), ("Salt",)], start=1)
    ]
    water = newest[1].tags.get()
    make_story(make_edition("fa"), tags=("Oil",))  # another edition's
    make_story(edition, tags=("Oil",), published=False)  # a draft
    assert querysets.frequent_tags(edition, [oil.pk, water.pk]) == {water.pk}
    assert querysets.frequent_tags(edition.pk, [oil.pk]) == set()
    assert querysets.frequent_tags(edition, []) == set()


def test_a_tags_frequency_is_asked_once_a_minute(edition, recent, django_assert_num_queries):
    make_story(edition, tags=("Water",))
    water = make_story(edition, tags=("Water",)).tags.get()
    with django_assert_num_queries(1):
        assert querysets.is_frequent_tag(edition, water)
    make_story(edition, tags=("Salt",))
    make_story(edition, tags=("Salt",))  # Water is on none of the newest three now
    with django_assert_num_queries(0):
        assert querysets.is_frequent_tag(edition, water)  # a plan, not an answer: kept
    assert not querysets.is_frequent_tag(make_edition("fa"), water)  # each edition's own
    cache.delete(f"tag-frequency:{edition.pk}:{water.pk}")  # the minute is over
    querysets._known.clear()  # for this process too
    assert not querysets.is_frequent_tag(edition, water)


def test_a_process_asks_the_cache_for_a_tags_frequency_once_a_minute(
    edition, recent, monkeypatch, django_assert_num_queries
):
    """Another process's answer is read from the cache once, then kept by this one for the
    minute (a round trip to Redis saved on every tag page); after it, asked again."""
    clock = [1_000.0]
    monkeypatch.setattr(querysets, "time", type("Clock", (), {"monotonic": lambda: clock[0]}))
    water = make_story(edition, tags=("Water",)).tags.get()
    key = f"tag-frequency:{edition.pk}:{water.pk}"
    cache.set(key, True)  # as another process found it
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))
    with django_assert_num_queries(0):
        assert querysets.is_frequent_tag(edition, water)
        cache.set(key, False)
        clock[0] += querysets.FREQUENCY_SECONDS - 1
        assert querysets.is_frequent_tag(edition, water)  # kept: not read again
    assert reads == [[key]]
    clock[0] += 1
    assert not querysets.is_frequent_tag(edition, water)  # the minute is over: read again
    assert reads == [[key], [key]]


def test_several_tags_frequencies_are_asked_in_one_query_only_for_those_not_kept(
    edition, recent, django_assert_num_queries
):
    """As an article's stand-in Related News asks them, for each of its tags."""
    water, salt = (make_story(edition, tags=(name,)).tags.get() for name in ("Water", "Salt"))
    make_story(edition, tags=("Water",))
    oil = make_story(edition, tags=("Oil", "Water")).tags.get(name="Oil")
    with django_assert_num_queries(1):
        assert querysets.kept_frequent_tags(edition, [water.pk, salt.pk]) == {water.pk}
    with django_assert_num_queries(1):  # only Oil's is asked
        assert querysets.kept_frequent_tags(edition, [oil.pk, salt.pk, water.pk]) == {water.pk}
    with django_assert_num_queries(0):
        assert querysets.kept_frequent_tags(edition, [salt.pk, oil.pk]) == set()
    assert querysets.kept_frequent_tags(edition, []) == set()


@pytest.mark.parametrize("frequent", [True, False])
def test_a_tags_list_is_the_same_read_either_way(edition, frequent):
    """The two ways of reading a tag's stories (checked story by story along the newest-first
    walk, or read from the tag's rows and sorted) list the same stories in the same order."""
    at = timezone.now() - datetime.timedelta(hours=1)
    older = make_story(edition, tags=("Water",), published_at=at)
    newer = make_story(edition, tags=("Water", "Oil"), published_at=at + TICK)
    make_story(edition, tags=("Oil",))
    make_story(make_edition("fa"), tags=("Water",))
    water = older.tags.get()
    listed = Story.objects.public().in_edition(edition).tagged(water, frequent=frequent).latest()
    assert [s.code for s in listed] == [newer.code, older.code]


def test_a_frequent_tag_is_checked_story_by_story_and_any_other_joined(edition):
    water = make_story(edition, tags=("Water",)).tags.get()
    walked = str(Story.objects.tagged(water, frequent=True).query)
    joined = str(Story.objects.tagged(water).query)
    assert "EXISTS" in walked and "JOIN" not in walked
    assert "JOIN" in joined and "EXISTS" not in joined
