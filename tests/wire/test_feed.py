"""The feed's rules, in one process: an item once it has been out on the wire, listed once at
its newest change, pages that join up, and a kill that reaches a poller who had the story."""

import pytest

from dateline.stories.actions import (
    correct_story,
    create_story,
    kill_story,
    publish_story,
    submit_story,
    unpublish_story,
)
from dateline.stories.models import StoryChange
from tests.factories import make_story
from tests.wire.conftest import pull, wire

pytestmark = pytest.mark.django_db


def seen(page: dict) -> list[tuple[str, str, str]]:
    return [
        (item["headlines"][0]["value"], item["version"], item["pubStatus"])
        for item in page["items"]
    ]


def test_only_what_went_out_once_each_at_its_newest_change(editions, issued):
    en, _ = editions
    draft = create_story(edition=en, headline="Draft", lead="Not out.")
    submit_story(draft)
    killed_draft = create_story(edition=en, headline="Killed draft", lead="Never out.")
    kill_story(killed_draft, reason="Dropped.")
    first = make_story(en, headline="First")
    second = make_story(en, headline="Second")
    correct_story(first, note="Fixed.", lead="Fixed lead.")
    client = wire(issued.api_key)
    page = pull(client)
    assert seen(page) == [("Second", "1", "usable"), ("First", "2", "usable")]
    assert pull(client, after=page["cursor"])["items"] == []
    # Later changes bring the story again, as it is now; a kill as canceled.
    unpublish_story(second)
    page_two = pull(client, after=page["cursor"])
    assert seen(page_two) == [("Second", "1", "withheld")]
    kill_story(first, reason="Legal.")
    publish_story(draft)
    assert seen(pull(client, after=page_two["cursor"])) == [
        ("First", "2", "canceled"),
        ("Draft", "1", "usable"),
    ]


def test_small_pages_join_up(editions, issued):
    en, fa = editions
    made = [make_story(en if n % 2 else fa, headline=f"Story {n}") for n in range(7)]
    client = wire(issued.api_key)
    headlines, cursor = [], 0
    for _ in range(10):
        page = pull(client, after=cursor, limit=2)
        assert len(page["items"]) <= 2
        headlines += [item["headlines"][0]["value"] for item in page["items"]]
        assert page["cursor"] >= cursor
        cursor = page["cursor"]
    assert headlines == [story.headline for story in made]


@pytest.mark.parametrize(
    "query",
    [
        {"after": "-1"},
        {"after": "x"},
        {"after": str(2**64)},
        {"limit": "0"},
        {"limit": "501"},
        {"format": "newsml"},
    ],
)
def test_bad_feed_queries_are_422(editions, issued, query):
    assert wire(issued.api_key).get("/api/v1/items", query).status_code == 422


def test_a_cursor_ahead_of_the_change_log_is_refused_naming_the_newest(editions, issued):
    """Kept and echoed, it silently passed over every change made until the log caught up
    with it (a cursor mistyped, or kept across a restore of the database)."""
    make_story(editions[0])
    client = wire(issued.api_key)
    newest = StoryChange.objects.latest("id").id
    assert pull(client, after=newest) == {"cursor": newest, "items": []}
    ahead = client.get("/api/v1/items", {"after": newest + 3})
    assert ahead.status_code == 422
    assert ahead.json()["detail"] == [
        {
            "type": "cursor_ahead",
            "loc": ["query", "after"],
            "msg": f"the cursor {newest + 3} is ahead of the change log (its newest change is "
            f"{newest}): ask again with after={newest} or less",
        }
    ]
    make_story(editions[0])  # the log moves on: nothing was passed over
    assert len(pull(client, after=newest)["items"]) == 1
