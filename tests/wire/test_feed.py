"""The feed's rules, in one process: an item once it has been out on the wire, listed once at
its newest change, pages that join up, and a kill that reaches a poller who had the story."""

import json

import pytest

from dateline.stories.actions import (
    correct_story,
    create_story,
    edit_story,
    kill_story,
    publish_story,
    set_comment_policy,
    submit_story,
    unpublish_story,
)
from dateline.stories.models import StoryChange
from dateline.wire.subscribers import add_subscriber
from tests.factories import make_section, make_story
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


@pytest.mark.parametrize(
    ("withdraw", "notice"),
    [
        (lambda story: kill_story(story, reason="Legal."), "canceled"),
        (unpublish_story, "withheld"),
    ],
)
def test_a_story_a_poller_may_have_had_keeps_reaching_it_after_it_moved(editions, withdraw, notice):
    """A story moved out of a subscriber's section, or stripped of its tag, after the
    subscriber could have had it: its later versions and its withdrawal still reach the
    subscriber, in the feed and at the item's address. One that never had the story hears
    nothing of it."""
    en, _ = editions
    world, sport = en.sections.get(slug="world"), make_section(en, "sport", "Sport")
    business = make_section(en, "business", "Business")
    story = make_story(en, headline="Minister resigns", section=world, tags=("Oil",))
    by_section = wire(add_subscriber("World desk", sections=[world]).api_key)
    by_tag = wire(add_subscriber("Oil desk", tags=["oil"]).api_key)
    never = wire(add_subscriber("Business desk", sections=[business]).api_key)
    cursors = {}
    for client in (by_section, by_tag):
        page = pull(client)
        assert seen(page) == [("Minister resigns", "1", "usable")]
        cursors[client] = page["cursor"]
    edit_story(story, base_version=story.version, section=sport, tags=[])
    for client in (by_section, by_tag):
        page = pull(client, after=cursors[client])
        assert seen(page) == [("Minister resigns", "2", "usable")]
        cursors[client] = page["cursor"]
    withdraw(story)
    for client in (by_section, by_tag):
        assert seen(pull(client, after=cursors[client])) == [("Minister resigns", "2", notice)]
        item = client.get(f"/api/v1/items/{story.code}")
        assert item.status_code == 200
        assert item.json()["pubStatus"] == notice
    assert pull(never)["items"] == []
    assert never.get(f"/api/v1/items/{story.code}").status_code == 404


def test_a_story_never_out_leaves_no_listing_a_withdrawal_could_reach(editions):
    """A draft filed under a subscriber's section and killed before it ever went out: the
    subscriber never had it and hears nothing."""
    en, _ = editions
    world = en.sections.get(slug="world")
    draft = make_story(en, headline="Held back", section=world, published=False)
    desk = wire(add_subscriber("World desk", sections=[world]).api_key)
    kill_story(draft, reason="Dropped.")
    assert pull(desk)["items"] == []
    assert desk.get(f"/api/v1/items/{draft.code}").status_code == 404


def test_a_change_the_wire_does_not_carry_neither_hides_nor_repeats_an_item(editions, issued):
    """A comment policy set after publication is logged as a change of the story but is not
    news to the wire: the item stays listed at its publication, once, and is not sent again."""
    en, _ = editions
    story = make_story(en, headline="Minister resigns")
    client = wire(issued.api_key)
    set_comment_policy(story, "closed")
    page = pull(client)
    assert seen(page) == [("Minister resigns", "1", "usable")]
    set_comment_policy(story, "")
    assert pull(client, after=page["cursor"])["items"] == []


def test_a_key_takes_only_what_all_its_filters_take(editions):
    """A key of one edition and a tag (tags are shared by the editions), or of one edition and
    the World sections of both: the other edition's stories under that tag or section, and
    the edition's stories in other sections, never reach it, nor do their later changes."""
    en, fa = editions
    world, world_fa = en.sections.get(slug="world"), fa.sections.get(slug="world")
    sport = make_section(en, "sport", "Sport")
    oil_en = make_story(en, headline="Oil exports rise", section=world, tags=("Oil",))
    oil_fa = make_story(fa, headline="صادرات نفت", section=world_fa, tags=("Oil",))
    match = make_story(en, headline="Cup final", section=sport, tags=("Football",))
    by_tag = wire(add_subscriber("Oil desk", editions=["en"], tags=["oil"]).api_key)
    by_section = wire(
        add_subscriber("World desk", editions=["en"], sections=[world, world_fa]).api_key
    )
    for story in (oil_en, oil_fa, match):
        correct_story(story, note="Fixed.", lead="Fixed lead.")
    for client in (by_tag, by_section):
        assert seen(pull(client)) == [("Oil exports rise", "2", "usable")]
        assert client.get(f"/api/v1/items/{oil_fa.code}").status_code == 404
        assert client.get(f"/api/v1/items/{match.code}").status_code == 404


def test_a_poller_that_starts_before_anything_went_out_misses_nothing(editions, issued):
    """On an empty change log the cursor is 0 and any other is ahead of the log."""
    client = wire(issued.api_key)
    first = pull(client)
    assert first == {"cursor": 0, "items": []}
    assert client.get("/api/v1/items", {"after": 1}).status_code == 422
    make_story(editions[0], headline="First story")
    assert seen(pull(client, after=first["cursor"])) == [("First story", "1", "usable")]


@pytest.mark.parametrize("limit", [2, 3])
def test_small_pages_join_up(editions, issued, limit):
    en, fa = editions
    made = [make_story(en if n % 2 else fa, headline=f"Story {n}") for n in range(7)]
    client = wire(issued.api_key)
    headlines, cursor = [], 0
    for _ in range(10):
        page = pull(client, after=cursor, limit=limit)
        assert len(page["items"]) <= limit
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


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("post", "/api/v1/items", {"GET", "HEAD"}),
        ("delete", "/api/v1/items/1", {"GET", "HEAD"}),
        ("get", "/api/v1/incoming", {"POST"}),
    ],
)
def test_a_method_an_api_address_does_not_take_is_refused_in_json(
    editions, issued, method, path, allowed
):
    """A partner's client reads every error of the API the same way: `detail` in JSON."""
    response = getattr(wire(issued.api_key), method)(path)
    assert (response.status_code, response["Content-Type"]) == (405, "application/json")
    assert set(response["Allow"].split(", ")) == allowed
    detail = json.loads(response.content)["detail"]
    assert detail == f"{method.upper()} is not allowed here (allowed: {response['Allow']})"


@pytest.mark.parametrize("path", ["/api/v1/item", "/api/v2/items", "/api/"])
def test_an_address_that_is_none_of_the_apis_is_refused_in_json(editions, issued, path):
    response = wire(issued.api_key).get(path)
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert json.loads(response.content)["detail"].startswith(f"No such address in the API: {path}")


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
