"""The newsroom's lists: stories with filters and counts per state, Incoming wire copy,
scheduled and embargoed stories with the late ones marked, and the audit log."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dateline.stories import actions
from dateline.stories.models import Status, Story, StoryChange
from tests.newsroom.conftest import client_for, html, post, story_in

pytestmark = pytest.mark.django_db


def headlines(response) -> list[str]:
    assert response.status_code == 200
    return [a.get_text() for a in html(response).select(".rows .headline")]


def counts(response) -> dict[str, int]:
    return {
        a.contents[0].strip(): int(a.select_one(".count").get_text())
        for a in html(response).select(".states a")
    }


@pytest.fixture
def desk(newsroom):
    """Stories in several states, sections, editions and hands."""
    made = {
        "draft": story_in(newsroom, Status.DRAFT, headline="Draft about rain"),
        "submitted": story_in(newsroom, Status.SUBMITTED, headline="Submitted about wheat"),
        "published": story_in(
            newsroom, Status.PUBLISHED, headline="Published economy", section=newsroom["economy"]
        ),
        "scheduled": story_in(newsroom, Status.SCHEDULED, headline="Scheduled budget"),
        "editors": actions.create_story(
            edition=newsroom["en"], headline="Editor's own draft", lead="L.", by=newsroom["editor"]
        ),
        "persian": actions.create_story(
            edition=newsroom["fa"], headline="خبر فارسی", lead="متن.", by=newsroom["chief"]
        ),
    }
    return made


def test_the_list_counts_each_state_and_filters_by_it(newsroom, desk):
    chief = client_for(newsroom["chief"])
    everything = chief.get("/newsroom/")
    assert counts(everything) == {
        "All": 6,
        "Draft": 3,
        "Submitted": 1,
        "Approved": 0,
        "Scheduled": 1,
        "Published": 1,
        "Unpublished": 0,
        "Killed": 0,
    }
    # Most recently changed first.
    assert headlines(everything)[0] == "خبر فارسی"
    drafts = chief.get("/newsroom/?status=draft")
    assert sorted(headlines(drafts)) == sorted(
        ["Draft about rain", "Editor's own draft", "خبر فارسی"]
    )
    # Counts stay those of the other filters, so the other states remain one click away.
    assert counts(drafts)["Published"] == 1
    current = html(drafts).select_one(".states a[aria-current=page]")
    assert current.contents[0].strip() == "Draft"


def test_filters_by_edition_section_and_author_combine(newsroom, desk):
    chief = client_for(newsroom["chief"])
    assert headlines(chief.get("/newsroom/?edition=fa")) == ["خبر فارسی"]
    section = newsroom["economy"].pk
    assert headlines(chief.get(f"/newsroom/?section={section}")) == ["Published economy"]
    editors = chief.get(f"/newsroom/?owner={newsroom['editor'].pk}")
    assert headlines(editors) == ["Editor's own draft"]
    assert counts(editors)["All"] == 1
    rita = newsroom["reporter"].pk
    assert headlines(chief.get(f"/newsroom/?owner={rita}&status=submitted")) == [
        "Submitted about wheat"
    ]
    both = chief.get(f"/newsroom/?edition=en&owner={rita}&section={newsroom['world'].pk}")
    assert counts(both)["All"] == 3


def test_an_unknown_filter_value_is_an_error_on_the_filter_not_a_crash(newsroom, desk):
    response = client_for(newsroom["chief"]).get("/newsroom/?status=lost&section=abc")
    assert response.status_code == 200
    assert html(response).select(".filters .errorlist")
    assert client_for(newsroom["chief"]).get("/newsroom/?page=0").status_code == 404


def test_a_member_sees_only_their_editions(newsroom, desk):
    assert "خبر فارسی" not in headlines(client_for(newsroom["reporter"]).get("/newsroom/"))
    fa_list = client_for(newsroom["fa_editor"]).get("/newsroom/")
    assert headlines(fa_list) == ["خبر فارسی"]
    assert counts(fa_list)["All"] == 1
    # Another edition named in the URL shows nothing of it.
    assert html(client_for(newsroom["reporter"]).get("/newsroom/?edition=fa")).select(
        ".filters .errorlist"
    )


def many_stories(newsroom, count: int) -> None:
    now = timezone.now()
    Story.objects.bulk_create(
        Story(
            edition=newsroom["en"],
            section=newsroom["world"],
            headline=f"Bulk {n}",
            slug=f"bulk-{n}",
            language="en",
            lead="L.",
            owner=newsroom["reporter"],
            status=Status.DRAFT,
            updated_at=now - datetime.timedelta(seconds=n),
        )
        for n in range(count)
    )


def list_queries(browser, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(path).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("person", ["reporter", "chief"])
def test_the_list_runs_the_same_queries_whatever_the_size_and_never_counts_rows(newsroom, person):
    browser = client_for(newsroom[person])
    many_stories(newsroom, 3)
    path = f"/newsroom/?status=draft&section={newsroom['world'].pk}&edition=en"
    few = list_queries(browser, path)
    many_stories(newsroom, 120)
    many = list_queries(browser, path)
    assert len(few) == len(many) <= 9
    grouped = [sql for sql in many if "GROUP BY" in sql]
    assert len(grouped) == 1  # the counts per state
    # The page itself: one row more than shown, no COUNT(*) of the whole list.
    assert not [sql for sql in many if "COUNT(" in sql.upper() and "GROUP BY" not in sql]
    assert any("LIMIT 51" in sql for sql in many)


def test_the_list_pages_without_counting(newsroom):
    many_stories(newsroom, 120)
    browser = client_for(newsroom["editor"])
    first = browser.get("/newsroom/?status=draft")
    assert headlines(first)[:2] == ["Bulk 0", "Bulk 1"]
    assert len(headlines(first)) == 50
    assert html(first).select_one("a[rel=next]")["href"] == "?status=draft&page=2"
    last = browser.get("/newsroom/?status=draft&page=3")
    assert headlines(last) == [f"Bulk {n}" for n in range(100, 120)]
    assert html(last).select_one("a[rel=next]") is None
    assert browser.get("/newsroom/?page=4").status_code == 404


def test_incoming_shows_untaken_wire_copy_with_its_source_and_a_take_button(newsroom, desk):
    wire = actions.create_story(
        edition=newsroom["en"],
        headline="Wire: port traffic rises",
        lead="Port traffic rose.",
        source_id="reuters21578:42",
        source_name="reut2-003.sgm",
    )
    actions.create_story(  # another edition's wire copy
        edition=newsroom["fa"], headline="تیتر خبرگزاری", lead="متن.", source_id="irna:1"
    )
    reporter = client_for(newsroom["reporter"])
    page = reporter.get("/newsroom/incoming/")
    assert headlines(page) == ["Wire: port traffic rises"]
    later = actions.create_story(
        edition=newsroom["en"], headline="Wire: later copy", lead="L.", source_id="r:43"
    )
    assert headlines(reporter.get("/newsroom/incoming/")) == [later.headline, wire.headline]
    row = html(page).select_one(".incoming-row")
    assert "reut2-003.sgm" in row.select_one(".source").get_text()
    assert row.select_one(".source code").get_text() == "reuters21578:42"
    take = row.find("form")
    assert take["action"] == f"/newsroom/stories/{wire.pk}/take/"
    assert post(reporter, take["action"]).status_code == 302
    wire.refresh_from_db()
    assert wire.owner == newsroom["reporter"]
    assert headlines(reporter.get("/newsroom/incoming/")) == [later.headline]
    # Taken: a second member's take is refused and changes nothing.
    assert post(client_for(newsroom["other_reporter"]), take["action"]).status_code == 403
    wire.refresh_from_db()
    assert wire.owner == newsroom["reporter"]


def test_scheduled_and_embargoed_stories_with_the_late_ones_marked(newsroom):
    on_time = story_in(newsroom, Status.SCHEDULED, headline="On time")
    late = story_in(newsroom, Status.SCHEDULED, headline="Worker is down")
    Story.objects.filter(pk=late.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    embargoed = story_in(newsroom, Status.APPROVED, headline="Under embargo")
    actions.embargo_story(embargoed, until=timezone.now() + datetime.timedelta(hours=2))
    story_in(newsroom, Status.PUBLISHED, headline="Plainly published")
    page = html(client_for(newsroom["editor"]).get("/newsroom/scheduled/"))
    scheduled, under_embargo = page.select("section")
    assert [a.get_text() for a in scheduled.select(".headline")] == ["Worker is down", "On time"]
    assert [a.get_text() for a in under_embargo.select(".headline")] == ["Under embargo"]
    late_rows = page.select(".row.late")
    assert [row.select_one(".headline").get_text() for row in late_rows] == ["Worker is down"]
    assert late_rows[0].select_one(".late-flag").get_text() == "Late"
    assert "release worker is down or behind" in page.find(role="alert").get_text()
    assert on_time.pk


def test_the_audit_log_lists_every_change_newest_first_and_filters(newsroom, desk):
    chief = client_for(newsroom["chief"])
    page = html(chief.get("/newsroom/audit/"))
    rows = page.select("table.changes tbody tr")
    ids = [int(row.find("td").get_text()) for row in rows]
    assert ids == sorted(StoryChange.objects.values_list("pk", flat=True), reverse=True)
    by_editor = html(chief.get(f"/newsroom/audit/?actor={newsroom['editor'].pk}"))
    assert [r.select("td")[3].get_text() for r in by_editor.select("tbody tr")] == ["Created"]
    by_system = html(chief.get("/newsroom/audit/?actor=system&action=submitted"))
    assert len(by_system.select("tbody tr")) == 1  # the system submitted the one story
    published = html(chief.get("/newsroom/audit/?action=published"))
    assert [r.select("td")[4].get_text() for r in published.select("tbody tr")] == [
        "Published economy"
    ]
    # A reporter of the English edition does not see the Persian edition's changes.
    mine = html(client_for(newsroom["reporter"]).get("/newsroom/audit/"))
    assert "خبر فارسی" not in mine.get_text()


def test_the_audit_log_pages(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    for n in range(55):
        actions.edit_story(story, base_version=story.version, lead=f"Lead {n}.")
        story.refresh_from_db()
    browser = client_for(newsroom["editor"])
    first = html(browser.get("/newsroom/audit/"))
    assert len(first.select("tbody tr")) == 50
    second = html(browser.get("/newsroom/audit/" + first.select_one("a[rel=next]")["href"]))
    assert len(second.select("tbody tr")) == 6
