"""The API key matrix: no key, a wrong one, a revoked one, a rotated one, a key whose filters
leave a story out. Only a valid key gets content; the rest get 401 (404 outside the filters)."""

import json

import pytest

from dateline.wire.models import AccessLogEntry, Subscriber
from dateline.wire.subscribers import add_subscriber, revoke, rotate
from tests.wire.conftest import pull, wire

pytestmark = pytest.mark.django_db


def codes(page: dict) -> set[str]:
    return {item["uri"].rsplit(":", 1)[1] for item in page["items"]}


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Bearer dlw_000000000000_nope",
        "Bearer dlw_<script>_x",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 10_000,
    ],
)
def test_without_a_valid_key_nothing_but_401(stories, issued, header):
    client = wire()
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    for url in ("/api/v1/items", f"/api/v1/items/{stories['en-plain'].code}"):
        response = client.get(url, **extra)
        assert response.status_code == 401, (url, header)
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "Rail" not in response.content.decode()


@pytest.mark.parametrize("gap", [" ", "  ", "   "])
def test_one_space_or_more_after_the_scheme(stories, issued, gap):
    client = wire()
    answer = client.get("/api/v1/items", HTTP_AUTHORIZATION=f"Bearer{gap}{issued.api_key}")
    assert answer.status_code == 200


def test_a_key_in_the_url_is_not_a_key(stories, issued):
    response = wire().get("/api/v1/items", {"api_key": issued.api_key, "key": issued.api_key})
    assert response.status_code == 401


def test_items_are_never_kept_by_a_shared_cache(stories, issued):
    client = wire(issued.api_key)
    url = f"/api/v1/items/{stories['en-embargoed'].code}"
    for response in (
        client.get("/api/v1/items"),
        client.get(url),
        client.get(url, {"format": "newsml"}),
    ):
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"


def test_a_wrong_secret_behind_a_real_prefix_is_refused(stories, issued):
    prefix = issued.api_key.rsplit("_", 1)[0]
    assert wire(prefix + "_not-the-secret").get("/api/v1/items").status_code == 401
    assert wire(issued.api_key).get("/api/v1/items").status_code == 200


def test_the_key_is_not_stored(issued):
    stored = Subscriber.objects.filter(pk=issued.subscriber.pk).values().get()
    assert not [name for name, value in stored.items() if issued.api_key in str(value)]


def test_a_revoked_key_stops_at_once(stories, issued):
    assert pull(wire(issued.api_key))["items"]
    revoke(issued.subscriber)
    assert wire(issued.api_key).get("/api/v1/items").status_code == 401


def test_a_rotated_key_replaces_the_old_one(stories, issued):
    new_key = rotate(issued.subscriber)
    assert wire(issued.api_key).get("/api/v1/items").status_code == 401
    assert codes(pull(wire(new_key))) == codes(pull(wire(new_key)))
    assert pull(wire(new_key))["items"]


def test_filters_keep_other_editions_out(stories, editions):
    persian = add_subscriber("Persian Only", editions=["fa"])
    client = wire(persian.api_key)
    page = pull(client)
    assert {item["language"] for item in page["items"]} == {"fa"}
    outside = stories["en-plain"].code
    assert client.get(f"/api/v1/items/{outside}").status_code == 404
    assert client.get(f"/api/v1/items/{stories['fa-plain'].code}").status_code == 200


def test_tag_filters(stories, editions):
    rail = add_subscriber("Rail Watchers", tags=["rail"])
    page = pull(wire(rail.api_key))
    assert {item["headlines"][0]["value"] for item in page["items"]} == {
        "Rail plain",
        "Rail corrected",
        "Rail embargoed",
        "Rail killed",
    }
    assert wire(rail.api_key).get(f"/api/v1/items/{stories['fa-plain'].code}").status_code == 404


def test_section_filters(stories, editions):
    from tests.factories import make_story

    en, _ = editions
    world = en.sections.get(slug="world")
    in_world = make_story(en, headline="In the world section", section=world)
    desk = add_subscriber("World Desk", sections=[world])
    page = pull(wire(desk.api_key))
    assert [item["uri"] for item in page["items"]] == [f"urn:dateline:story:{in_world.code}"]


def test_every_request_is_in_the_subscribers_log(stories, issued):
    client = wire(issued.api_key)
    page = pull(client, limit=2)
    client.get(f"/api/v1/items/{stories['en-plain'].code}")
    client.get("/api/v1/items/999999")
    # A query the API refuses too: the partner's client may be sending nothing else.
    assert client.get("/api/v1/items", {"limit": "-1"}).status_code == 422
    assert client.get("/api/v1/items/1", {"version": "x"}).status_code == 422
    log = list(AccessLogEntry.objects.filter(subscriber=issued.subscriber).order_by("pk"))
    assert [(entry.status, entry.items) for entry in log] == [
        *((200, 2), (200, 1), (404, 0)),
        *((422, 0), (422, 0)),
    ]
    assert log[0].cursor == page["cursor"]
    assert log[3].path == "/api/v1/items?limit=-1"


def test_over_the_rate_limit_429_with_retry_after(stories, editions):
    slow = add_subscriber("Slow Poller", rate_limit="3/m")
    client = wire(slow.api_key)
    statuses = [client.get("/api/v1/items").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    limited = client.get("/api/v1/items")
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert "Rail" not in limited.content.decode()
    # Another subscriber's key has its own count.
    other = add_subscriber("Another")
    assert wire(other.api_key).get("/api/v1/items").status_code == 200
    assert json.loads(limited.content)["detail"]
