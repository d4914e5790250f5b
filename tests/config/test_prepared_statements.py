"""On PostgreSQL the compiled queries run as prepared statements, parsed and planned once per
connection (decision 0065), except those whose plan depends on their values; an operator whose
pooler cannot keep them turns them off."""

import os
import re

import pytest
from django.db import connection
from django.utils import timezone

from dateline.discovery.related import _NEWEST_SHARING
from dateline.site.views import ARTICLE_STORY, TAG_PAGE
from dateline.stories.compiled import Compiled
from dateline.stories.models import Story, Tag
from tests.factories import make_edition, make_story
from tests.processes import dateline_env, run_dateline

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
    pytest.mark.django_db,
]

PUBLIC_IN_EDITION = Compiled(
    lambda edition, now: Story.objects.public(now=now).filter(edition_id=edition).order_by("code")
)
# Prepared only when written the first way, as the tag pages are for a frequent tag.
EITHER_WAY = Compiled(
    lambda edition, now, ascending: (
        Story.objects.public(now=now)
        .filter(edition_id=edition)
        .order_by("code" if ascending else "-code")
    ),
    prepare=lambda ascending: ascending,
)


def runs_prepared(compiled: Compiled, literals: dict | None = None, **values) -> int:
    """How many times this connection has run the statement of `compiled` (written with
    `literals`, for values of these kinds) prepared: 0 when it never was."""
    sql = compiled._sql("default", literals or {}, values)[1]
    count = iter(range(1, 1000))
    # As psycopg sends it: numbered placeholders, "%%" a percent sign.
    sent = re.sub(r"%%|%s", lambda m: "%" if m[0] == "%%" else f"${next(count)}", sql)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements"
            " WHERE statement = %s",
            [sent],
        )
        return cursor.fetchone()[0]


def test_a_compiled_query_is_prepared_once_and_answers_for_each_value():
    english, persian = make_edition("en"), make_edition("fa", is_default=False)
    ours, theirs = make_story(english), make_story(persian)
    now = timezone.now()
    before = runs_prepared(PUBLIC_IN_EDITION, edition=english.pk, now=now)
    answers = [
        [s.code for s in PUBLIC_IN_EDITION.instances(edition=edition.pk, now=now)]
        for edition in (english, persian, english)
    ]
    assert answers == [[ours.code], [theirs.code], [ours.code]]
    assert runs_prepared(PUBLIC_IN_EDITION, edition=english.pk, now=now) == before + 3


def test_a_query_whose_plan_depends_on_its_values_is_planned_each_time():
    edition = make_edition("en")
    first, second = make_story(edition), make_story(edition)
    now = timezone.now()
    for ascending in (True, False):
        found = EITHER_WAY.instances(literals={"ascending": ascending}, edition=edition.pk, now=now)
        assert [s.code for s in found] == sorted([first.code, second.code], reverse=not ascending)
    runs = {
        ascending: runs_prepared(EITHER_WAY, {"ascending": ascending}, edition=edition.pk, now=now)
        for ascending in (True, False)
    }
    assert runs[True] >= 1 and runs[False] == 0


def test_only_a_frequent_tags_list_is_prepared():
    edition = make_edition("en")
    story = make_story(edition, tags=("Trade",))
    tag = Tag.objects.get(slug="trade")
    now = timezone.now()
    values = {"edition": edition.pk, "tag": tag.pk, "now": now}
    for frequent in (True, False):
        literals = {"start": 0, "stop": 20, "frequent": frequent}
        assert [row[0] for row in TAG_PAGE.rows(literals=literals, **values)] == [story.code]
        assert bool(runs_prepared(TAG_PAGE, literals, **values)) is frequent


def test_the_stand_in_related_news_is_prepared_only_when_all_its_tags_are_frequent():
    edition = make_edition("en")
    story = make_story(edition, tags=("Trade", "Oil"))
    other = make_story(edition, tags=("Trade", "Oil"))
    tags = sorted(Tag.objects.values_list("pk", flat=True))
    values = {"edition": edition.pk, "leave_out": [story.code], "now": timezone.now(), "tags": tags}
    for frequent in ((True, True), (True, False)):
        literals = {"frequent": frequent, "room": 5}
        assert [row[0] for row in _NEWEST_SHARING.rows(literals=literals, **values)] == [other.code]
        assert bool(runs_prepared(_NEWEST_SHARING, literals, **values)) is all(frequent)


def test_the_article_page_reads_its_story_through_a_prepared_statement(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    edition = make_edition("en")
    stories = [make_story(edition, headline=f"Story number {n}") for n in range(2)]
    values = {"code": stories[0].code, "edition": edition.pk, "now": timezone.now()}
    before = runs_prepared(ARTICLE_STORY, **values)
    for story in stories:
        page = client.get(story.get_absolute_url())
        assert story.headline in page.content.decode()
    assert runs_prepared(ARTICLE_STORY, **values) == before + 2


SHOW_PREPARED = """
from django.conf import settings
from django.db import connection
print(settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"])
for n in range(3):
    with connection.prepared_cursor() as cursor:
        cursor.execute("SELECT %s::int + 1", [n])
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM pg_prepared_statements")
    print(cursor.fetchone()[0])
"""


@pytest.mark.parametrize(("switch", "expected"), [("true", ["0", "1"]), ("false", ["None", "0"])])
def test_an_operator_turns_prepared_statements_off(tmp_path, switch, expected):
    """For a pooler that does not keep prepared statements (PgBouncer before 1.21, or without
    `max_prepared_statements`): docs/operating.md."""
    env = dateline_env(
        tmp_path, DATABASE_URL=os.environ["DATABASE_URL"], DATELINE_PREPARED_STATEMENTS=switch
    )
    shown = run_dateline("shell", "-v0", "-c", SHOW_PREPARED, env=env, check=True)
    assert shown.stdout.split() == expected
