"""The query planner's statistics: gathered after an import and by the worker, so that a page's
queries are planned for the table's real size (decision 0056)."""

import datetime
import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dateline.discovery.models import RelatedStory
from dateline.discovery.related import related_stories
from dateline.stories.management.commands import worker
from dateline.stories.models import Story
from dateline.stories.statistics import refresh_statistics
from tests.factories import make_edition, make_section, make_story

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits, as in production


def planned_stories() -> int | None:
    """How many stories the planner believes the story table holds; None when it has never
    been told."""
    table = Story._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone():
                return None
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
            row = cursor.fetchone()
            return int(row[0].split()[0]) if row else None
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        [reltuples] = cursor.fetchone()
        return None if reltuples < 0 else int(reltuples)


def forget_statistics() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("DELETE FROM sqlite_stat1")
                cursor.execute("ANALYZE sqlite_schema")  # the planner reads them again: none
        else:
            # PostgreSQL keeps no way to unlearn a count; one far from any test's stands in.
            cursor.execute(
                "UPDATE pg_class SET reltuples = 123456 WHERE relname = %s", [Story._meta.db_table]
            )


@pytest.fixture(autouse=True)
def statistics_left_as_found():
    """Later tests are planned as before: SQLite without statistics, as a test database starts;
    PostgreSQL's counts true (its own autovacuum keeps them so)."""
    yield
    if connection.vendor == "sqlite":
        forget_statistics()
    else:
        refresh_statistics()


def public_stories(count: int) -> list[Story]:
    """`count` public stories of one edition: one made through the actions, the rest its copies
    written at once (the planner sees only how many rows there are)."""
    edition = make_edition("en")
    first = make_story(edition, section=make_section(edition, "world"))
    copies = []
    for number in range(1, count):
        copy = Story.objects.get(pk=first.pk)
        copy.pk = first.pk + 100_000 + number  # clear of the codes stories are given next
        copy.slug = f"{first.slug}-{number}"
        copy.published_at = first.published_at - datetime.timedelta(minutes=number)
        copies.append(copy)
    Story.objects.bulk_create(copies)
    return [first, *copies]


def test_a_refresh_tells_the_planner_how_many_stories_there_are():
    stories = public_stories(40)
    forget_statistics()
    assert planned_stories() != len(stories)
    refresh_statistics()
    assert planned_stories() == len(stories)


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's planner: PostgreSQL's own estimates (autovacuum) choose the key already",
)
def test_related_news_looks_its_stories_up_by_key_once_statistics_are_gathered():
    stories = public_stories(400)
    forget_statistics()

    def plan_of_the_listed_stories() -> str:
        """How the stored list's stories are read: the subqueries' part of the plan of the
        one query reading the story's list (the story itself is found by its key)."""
        with CaptureQueriesContext(connection) as queries:
            related_stories(stories[0], tag_ids=[])
        [listed] = [q["sql"] for q in queries]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {listed}")
            return " ".join(detail for _id, parent, _, detail in cursor.fetchall() if parent)

    RelatedStory.objects.bulk_create(
        RelatedStory(story=stories[0], related=other, rank=rank, score=1.0, explanation="")
        for rank, other in enumerate(stories[1:6])
    )
    # Unanalysed, SQLite walks the edition's public stories looking for five (33 ms a page at
    # 200,000 stories).
    assert "story_edition_latest" in plan_of_the_listed_stories()
    refresh_statistics()
    assert "INTEGER PRIMARY KEY" in plan_of_the_listed_stories()


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's sampled statistics: PostgreSQL's ANALYZE samples rows of the whole table",
)
def test_a_rare_tags_page_reads_the_tags_rows_not_the_whole_edition():
    # Every story carries three common tags; each of sixty rare ones is on five. Sampled (about
    # a thousand entries of each index), the statistics took the edition for a thousand stories
    # and a tag for as many: a rare tag's page walked the edition for its five, 695 ms a page
    # at a million stories.
    from dateline.stories.models import Tag

    stories = public_stories(3000)
    common = [Tag.objects.create(slug=f"common-{n}", name=f"Common {n}") for n in range(3)]
    rare = [Tag.objects.create(slug=f"rare-{n}", name=f"Rare {n}") for n in range(60)]
    carried = Story.tags.through
    carried.objects.bulk_create(carried(story=s, tag=tag) for tag in common for s in stories)
    carried.objects.bulk_create(
        carried(story=s, tag=tag) for n, tag in enumerate(rare) for s in stories[n::600]
    )

    refresh_statistics()
    connection.close()  # SQLite reads statistics when a connection opens
    with CaptureQueriesContext(connection) as queries:
        page = Client().get(f"/en/tag/{rare[-1].slug}/")
    assert page.status_code == 200
    # The page's list (the frequency query before it reads the tag's rows by another way).
    [listed] = [q["sql"] for q in queries if 'JOIN "stories_story_tags"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {listed}")
        plan = " ".join(detail for *_ids, detail in cursor.fetchall())
    assert "story_edition_latest" not in plan
    assert "tag_id" in plan


def test_an_import_gathers_statistics(seed_path):
    stories = public_stories(30)
    forget_statistics()
    call_command("import", str(seed_path), stdout=io.StringIO(), stderr=io.StringIO())
    assert planned_stories() == len(stories) + 1


def test_an_import_that_stores_nothing_leaves_them(seed_path):
    make_edition("en")
    call_command("import", str(seed_path), stdout=io.StringIO(), stderr=io.StringIO())
    forget_statistics()
    before = planned_stories()
    call_command("import", str(seed_path), stdout=io.StringIO(), stderr=io.StringIO())
    assert planned_stories() == before  # already imported: nothing stored, nothing to learn


def test_the_worker_gathers_statistics_at_start(settings):
    settings.RELEASE_SWEEP_SECONDS = 3600  # only the round at start
    stories = public_stories(30)
    forget_statistics()
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert planned_stories() == len(stories)


def test_the_worker_gathers_them_again_between_sweeps():
    stories = public_stories(30)
    forget_statistics()
    stop = threading.Event()
    sweeper = threading.Thread(target=worker.sweep_every, args=(0.01, stop, 0.05))
    sweeper.start()
    try:
        deadline = time.monotonic() + 10
        while planned_stories() != len(stories) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        sweeper.join()
    assert planned_stories() == len(stories)
