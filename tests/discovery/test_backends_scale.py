"""What keeps the index fast at a million stories (decision 0030), on whichever database the
suite runs on: the word frequencies kept beside the index agree with the public stories
through every change and rebuild; a search ranks the most recent RANKED_MATCHES matches;
filters by tag and exclusions give the same answers as before."""

import collections
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dateline.discovery import backends
from dateline.discovery import search as search_module
from dateline.discovery.backends import Filters, backend
from dateline.discovery.query import parse_query
from dateline.discovery.search import best_matches, public_documents, reindex, sync_stories
from dateline.stories.actions import correct_story, edit_story, kill_story, unpublish_story
from dateline.stories.models import Story, Tag
from dateline.stories.tagging import tags_for
from tests.factories import make_story

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def truth() -> tuple[int, dict[str, int]]:
    """The frequencies counted afresh from the public stories, as the index should hold them."""
    counts = collections.Counter()
    public = public_documents(Story.objects.public().values_list("pk", flat=True))
    for document in public:
        counts.update(set(f"{document.headline} {document.lead} {document.body}".split()))
    return len(public), dict(counts)


def walk_is_cheaper(query, tag_id=None) -> bool:
    return backends._estimated(query, tag_id).walk_is_cheaper()


def kept() -> tuple[int, dict[str, int]]:
    return backend().word_counts(None)


def test_frequencies_follow_every_change(editions, committed):
    en, fa = editions
    with committed():
        walnut = make_story(en, headline="Walnut harvest", body="Walnut walnut prices rose.")
        saffron = make_story(en, headline="Saffron harvest")
        make_story(fa, headline="برداشت گردو walnut")
        make_story(en, headline="Draft walnut", published=False)
    total, words = kept()
    assert (total, words["walnut"], words["harvest"], words["saffron"]) == (3, 2, 2, 1)
    assert (total, words) == truth()
    with committed():
        correct_story(saffron, note="wrong crop", headline="Pistachio harvest")
        kill_story(walnut, reason="legal")
    total, words = kept()
    assert (total, words.get("saffron", 0), words["pistachio"], words["walnut"]) == (2, 0, 1, 1)
    assert (total, words) == truth()
    with committed():
        unpublish_story(saffron)
    assert kept() == truth() and kept()[0] == 1


def test_asked_words_read_the_kept_frequencies(editions, committed):
    en, _ = editions
    with committed():
        make_story(en, headline="Walnut harvest")
        make_story(en, headline="Walnut prices")
    assert backend().word_counts(["walnut", "prices", "never"]) == (2, {"walnut": 2, "prices": 1})
    many = [f"word{n}" for n in range(1_200)] + ["walnut"]  # over SQLite's parameter limit
    assert backend().word_counts(many) == (2, {"walnut": 2})


def test_storing_a_story_again_counts_its_words_once(editions, committed):
    en, _ = editions
    with committed():
        story = make_story(en, headline="Walnut harvest")
    sync_stories([story.pk])
    sync_stories([story.pk])
    assert kept() == truth() == (1, kept()[1]) and kept()[1]["walnut"] == 1


def test_reindex_makes_the_frequencies_exact_again(editions, committed):
    en, fa = editions
    with committed():
        stale = make_story(en, headline="Walnut harvest")
        make_story(fa, headline="Saffron harvest")
    make_story(en, headline="Walnut prices")  # not indexed: made without the receiver running
    Story.objects.filter(pk=stale.pk).update(status="killed")  # behind the actions' back
    assert kept() != truth()
    reindex(edition=en)
    assert kept() == truth()
    reindex()
    assert kept() == truth() == (2, kept()[1])


def test_a_search_ranks_the_most_recent_matches(editions, committed, monkeypatch):
    en, _ = editions
    with committed():
        best = make_story(en, headline="Walnut walnut walnut", published_at=timezone.now() - HOUR)
        weaker = [make_story(en, headline="Walnut", body="Other news.") for _ in range(3)]
    query = parse_query("walnut")
    found = backend().ranked(query, Filters(en.pk), limit=10, offset=0)
    assert found[0] == best.pk and len(found) == 4
    monkeypatch.setattr(backends, "RANKED_MATCHES", 3)
    found = backend().ranked(query, Filters(en.pk), limit=10, offset=0)
    assert sorted(found) == sorted(s.pk for s in weaker)
    # "More like this" ranks every match: its words are a story's rarest.
    assert best_matches({"walnut": 1.0}, Filters(en.pk), limit=10)[0] == best.pk


def test_tag_filter_and_exclusions_check_the_matches(editions, committed):
    en, _ = editions
    with committed():
        tagged = make_story(en, headline="Walnut harvest", tags=("farming",))
        also = make_story(en, headline="Walnut prices", tags=("farming",))
        make_story(en, headline="Walnut exports")
        make_story(en, headline="Saffron harvest", tags=("farming",))
    tag_id = tagged.tags.get().pk
    query = parse_query("walnut")
    found = backend().ranked(query, Filters(en.pk, tag_id=tag_id), limit=10, offset=0)
    assert sorted(found) == sorted([tagged.pk, also.pk])
    found = backend().ranked(
        query, Filters(en.pk, tag_id=tag_id, exclude=(also.pk,)), limit=10, offset=0
    )
    assert found == [tagged.pk]


def test_a_tag_filter_follows_the_story_s_tags(editions, committed, monkeypatch):
    en, _ = editions
    with committed():
        retagged = make_story(en, headline="Walnut harvest", tags=("farming",))
        kept_tag = make_story(en, headline="Walnut prices", tags=("farming", "markets"))
    farming, markets = Tag.objects.get(name="farming"), Tag.objects.get(name="markets")
    with committed():
        edit_story(retagged, base_version=retagged.version, tags=tags_for([("keyword", "markets")]))
    query = parse_query("walnut")
    for walk in (True, False):  # either way of reading the matches
        monkeypatch.setattr(backends._Estimate, "walk_is_cheaper", lambda e, walk=walk: walk)
        for tag, found in ((farming, [kept_tag.pk]), (markets, [kept_tag.pk, retagged.pk])):
            got = backend().ranked(query, Filters(en.pk, tag_id=tag.pk), limit=10, offset=0)
            assert sorted(got) == sorted(found)
    # A tag's term is no word: a query cannot find it, nor Related News weigh it.
    assert backend().ranked(parse_query(str(farming.pk)), Filters(en.pk), limit=10, offset=0) == []
    assert kept() == truth()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's index holds tags as terms"
)
def test_postgresql_counts_each_tag_s_stories(editions, committed, monkeypatch):
    en, _ = editions
    with committed():
        for n in range(4):
            make_story(en, headline=f"Walnut harvest {n}", tags=("farming",))
        make_story(en, headline="Walnut prices", tags=("markets",))
    farming, markets = Tag.objects.get(name="farming"), Tag.objects.get(name="markets")
    terms = [backends.tag_term(farming.pk), backends.tag_term(markets.pk)]
    assert backend().word_counts(terms) == (5, dict(zip(terms, (4, 1), strict=True)))
    # "walnut" is in all 5 and the tag in 1: 1 match, a walk would read all 5; 4 matches
    # in 5 take a walk of 2.5.
    monkeypatch.setattr(backends, "RANKED_MATCHES", 2)
    monkeypatch.setattr(backends, "GIN_ENTRY_COST", 1.0)
    assert walk_is_cheaper(parse_query("walnut"), farming.pk)
    assert not walk_is_cheaper(parse_query("walnut"), markets.pk)


def test_more_like_this_leaves_out_its_commonest_words_past_the_budget(
    editions, committed, monkeypatch
):
    en, _ = editions
    with committed():
        rare = make_story(en, headline="Walnut blight")
        common = [make_story(en, headline=f"Harvest report {n}") for n in range(3)]
    terms = {"harvest": 2.0, "walnut": 1.0}
    everything = best_matches(terms, Filters(en.pk), limit=10)
    assert sorted(everything) == sorted([rare.pk, *(s.pk for s in common)])
    monkeypatch.setattr(search_module, "MORE_LIKE_THIS_MATCHES", 3)
    assert best_matches(terms, Filters(en.pk), limit=10) == [rare.pk]
    monkeypatch.setattr(search_module, "MORE_LIKE_THIS_MATCHES", 0)  # the rarest always stays
    assert best_matches({"harvest": 1.0}, Filters(en.pk), limit=10) != []


def test_matches_are_estimated_from_the_kept_frequencies(editions, committed, monkeypatch):
    en, _ = editions
    with committed():
        for n in range(4):
            make_story(en, headline=f"Walnut harvest {n}", body="Market report.")
        make_story(en, headline="Saffron marketing", body="Other news.")
    # A walk reads 2 × 5 / matches stories (5 when fewer than 2 match); the index goes
    # through each story holding the words at the cost of one walked, and checks a
    # phrase's too.
    monkeypatch.setattr(backends, "RANKED_MATCHES", 2)
    monkeypatch.setattr(backends, "GIN_ENTRY_COST", 1.0)
    assert walk_is_cheaper(parse_query("walnut"))  # 4 of 5: 2.5 walked, or 4
    assert not walk_is_cheaper(parse_query("saffron"))  # 1: 5 walked, or 1
    assert not walk_is_cheaper(parse_query("walnut saffron"))  # 5 × 4/5 × 1/5
    assert walk_is_cheaper(parse_query("mark*"))  # market 4 + marketing 1
    assert not walk_is_cheaper(parse_query('"saffron marketing"'))  # 0.2 + 0.2
    # Two common words together: 5 × 4/5 × 4/5 = 3.2 stories hold both, 3.1 walked. As a
    # phrase, few of those are thought to hold it: the walk would read all 5, the index
    # 3.2 entries and check 3.2 stories.
    assert walk_is_cheaper(parse_query("walnut harvest"))
    assert walk_is_cheaper(parse_query('"walnut harvest"'))
    assert backends._prefix_count("mar") == 5 and backends._prefix_count("zz") == 0
    # Either way of reading them, a search finds the same stories.
    walnuts = backend().ranked(parse_query("walnut"), Filters(en.pk), limit=10, offset=0)
    monkeypatch.setattr(backends._Estimate, "walk_is_cheaper", lambda estimate: False)
    assert backend().ranked(parse_query("walnut"), Filters(en.pk), limit=10, offset=0) == walnuts


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's index reads the newest codes first"
)
def test_matches_read_from_the_index_are_looked_for_among_the_newest_first(
    editions, committed, monkeypatch
):
    en, _ = editions
    now = timezone.now()
    with committed():
        walnuts = [
            make_story(en, headline="Walnut harvest", published_at=now - (20 - n) * HOUR)
            for n in range(6)
        ]
        newer = [
            make_story(en, headline=f"Saffron {n}", published_at=now - HOUR) for n in range(10)
        ]
    monkeypatch.setattr(backends, "RANKED_MATCHES", 2)
    monkeypatch.setattr(backends._Estimate, "walk_is_cheaper", lambda estimate: False)
    estimate = backends._estimated(parse_query("walnut"))
    assert (estimate.stories, estimate.matching) == (16, 6)
    assert estimate.newest_share() == pytest.approx(4 / 6)  # 2 × RANKED_MATCHES of 6
    # The newest two-thirds of the codes hold at most one walnut story: fewer than
    # RANKED_MATCHES, so the search widens to the whole index and finds the two newest.
    newest = backends._lowest_code_of_newest(4 / 6, backends._code_range())
    assert newest > walnuts[-2].pk and newest <= newer[-1].pk
    with CaptureQueriesContext(connection) as ran:
        found = backend().ranked(parse_query("walnut"), Filters(en.pk), limit=10, offset=0)
    assert sorted(found) == sorted(s.pk for s in walnuts[-2:])
    assert searches_bounded(ran) == [True, False]
    # Among the newest codes alone when they hold enough: the same stories as the whole.
    monkeypatch.setattr(backends, "NEWEST_FIRST_MARGIN", 0.5)
    assert backends._estimated(parse_query("saffron")).newest_share() == pytest.approx(0.1)
    with CaptureQueriesContext(connection) as ran:
        whole = backend().ranked(parse_query("saffron"), Filters(en.pk), limit=10, offset=0)
    assert sorted(whole) == sorted(s.pk for s in newer[-2:])
    assert searches_bounded(ran) == [True]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's index knows no phrases' positions"
)
def test_a_phrase_of_common_words_is_looked_for_among_the_newest_stories_holding_them(
    editions, committed, monkeypatch
):
    en, _ = editions
    with committed():
        oldest = make_story(en, headline="Walnut harvest begins")
        for n in range(6):
            make_story(en, headline=f"Harvest {n} of the walnut")
        newest = make_story(en, headline="Walnut harvest ends")
    phrase = parse_query('"walnut harvest"')
    monkeypatch.setattr(backends._Estimate, "walk_is_cheaper", lambda estimate: False)
    # Every story holds both words; all of them are checked while they are few enough.
    assert backends._estimated(phrase).checked_share() == 1.0
    found = backend().ranked(phrase, Filters(en.pk), limit=10, offset=0)
    assert sorted(found) == [oldest.pk, newest.pk]
    # Checking two of the eight: the newest quarter of the codes, the older match unread.
    monkeypatch.setattr(backends, "PHRASE_CHECKS", 2)
    assert backends._estimated(phrase).checked_share() == pytest.approx(0.25)
    with CaptureQueriesContext(connection) as ran:
        found = backend().ranked(phrase, Filters(en.pk), limit=10, offset=0)
    assert found == [newest.pk]
    assert searches_bounded(ran) == [True]
    # Words without a phrase are found wherever they are, and a date filter bounds instead.
    assert backends._estimated(parse_query("walnut harvest")).checked_share() == 1.0
    assert (
        len(backend().ranked(parse_query("walnut harvest"), Filters(en.pk), limit=10, offset=0))
        == 8
    )
    dated = Filters(en.pk, since=oldest.published_at - HOUR)
    assert sorted(backend().ranked(phrase, dated, limit=10, offset=0)) == [oldest.pk, newest.pk]


SCANS = ["enable_indexscan", "enable_seqscan"]


def bounded(sql: str) -> bool:
    return "story_id >= " in sql


def searches_bounded(ran: CaptureQueriesContext) -> list[bool]:
    """For each search query `ran`, whether it was bounded to the newest codes."""
    return [bounded(q["sql"]) for q in ran.captured_queries if "to_tsquery" in q["sql"]]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's index reads the newest codes first"
)
def test_the_newest_codes_are_read_through_bitmaps_and_the_planner_is_set_back(
    editions, committed, monkeypatch
):
    en, _ = editions
    with committed():
        saffron = [make_story(en, headline=f"Saffron {n}") for n in range(10)]
    # The newest fifth of the codes holds 2 of the 10: RANKED_MATCHES, read in one try.
    monkeypatch.setattr(backends, "RANKED_MATCHES", 2)
    monkeypatch.setattr(backends._Estimate, "newest_share", lambda estimate: 0.2)
    monkeypatch.setattr(backends._Estimate, "walk_is_cheaper", lambda estimate: False)
    with CaptureQueriesContext(connection) as ran:
        found = backend().ranked(parse_query("saffron"), Filters(en.pk), limit=10, offset=0)
    assert sorted(found) == sorted(s.pk for s in saffron[-2:])
    statements = [q["sql"] for q in ran.captured_queries]
    [at] = [n for n, sql in enumerate(statements) if "to_tsquery" in sql]
    assert bounded(statements[at])
    assert "enable_indexscan = off" in statements[at - 1]
    assert "enable_seqscan = off" in statements[at - 1]
    # As PostgreSQL plans the query so: through bitmaps only (at a million, the index's ANDed
    # with the key's range; here, so few stories, it may take the key's alone).
    with connection.cursor() as cursor:
        cursor.execute(statements[at - 1])
        cursor.execute(f"EXPLAIN {statements[at]}")
        plan = "\n".join(row for (row,) in cursor.fetchall())
        cursor.execute(statements[at + 1])
    assert "Bitmap Heap Scan" in plan
    assert "Index Scan using" not in plan and "Seq Scan" not in plan
    # Set back inside the test's own transaction: nothing else it asks is planned so.
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(n) FROM unnest(%s::text[]) AS n", [SCANS])
        assert [on for (on,) in cursor.fetchall()] == ["on", "on"]


def test_date_filters_bound_the_codes_searched(editions, committed):
    en, fa = editions
    now = timezone.now()
    with committed():
        old = make_story(en, headline="Walnut old", published_at=now - 30 * 24 * HOUR)
        middle = make_story(en, headline="Walnut middle", published_at=now - 10 * 24 * HOUR)
        new = make_story(en, headline="Walnut new", published_at=now - HOUR)
        make_story(fa, headline="Walnut elsewhere", published_at=now - 10 * 24 * HOUR)
    since, until = now - 20 * 24 * HOUR, now - 2 * 24 * HOUR
    between = Filters(en.pk, since=since, until=until)
    assert backends._codes_published_between(between) == (middle.pk, middle.pk)
    assert backend().ranked(parse_query("walnut"), between, limit=10, offset=0) == [middle.pk]
    recent = Filters(en.pk, since=since)
    assert backends._codes_published_between(recent) == (middle.pk, new.pk)
    assert sorted(backend().ranked(parse_query("walnut"), recent, limit=10, offset=0)) == [
        middle.pk,
        new.pk,
    ]
    empty = Filters(en.pk, since=now - 3 * HOUR, until=now - 2 * HOUR)
    assert backends._codes_published_between(empty) is None
    assert backend().ranked(parse_query("walnut"), empty, limit=10, offset=0) == []
    assert old.pk not in backend().ranked(parse_query("walnut"), recent, limit=10, offset=0)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's index holds tags as terms"
)
def test_the_migration_gives_an_older_index_its_tags_as_store_writes_them(editions, committed):
    import importlib

    migration = importlib.import_module("dateline.discovery.migrations.0007_tags_as_search_terms")
    en, _ = editions
    with committed():
        make_story(en, headline="Walnut harvest", tags=("farming", "markets"))
        make_story(en, headline="Walnut prices", tags=("markets",))
        make_story(en, headline="Walnut exports")

    def index() -> list:
        with connection.cursor() as cursor:
            cursor.execute("SELECT story_id, document::text FROM discovery_search ORDER BY 1")
            return cursor.fetchall()

    stored, counted = index(), kept_with_tags()
    with connection.schema_editor() as editor:
        migration.run(migration.REMOVE)(None, editor)
    assert index() != stored and kept_with_tags() != counted
    assert "#" not in str(index()) and kept() == truth()
    with connection.schema_editor() as editor:
        migration.run(migration.ADD)(None, editor)
    assert (index(), kept_with_tags()) == (stored, counted)


def kept_with_tags() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word, stories FROM discovery_search_frequency WHERE stories > 0")
        return dict(cursor.fetchall())
