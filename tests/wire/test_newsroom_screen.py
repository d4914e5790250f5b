"""The subscribers' screen in the newsroom: chief editors only; a new key shown once, on the
answer to the request that made it; revoke and rotate; the access log."""

import pytest

from dateline.wire.models import Subscriber
from tests.newsroom.conftest import client_for, html, newsroom, post  # noqa: F401  (fixture)
from tests.wire.conftest import wire

pytestmark = pytest.mark.django_db
SCREEN = "/newsroom/subscribers/"


@pytest.mark.parametrize("who", ["reporter", "editor", "moderator", "nobody"])
def test_only_chief_editors(newsroom, who):  # noqa: F811
    client = client_for(newsroom[who])
    assert client.get(SCREEN).status_code == 403
    assert post(client, SCREEN, {"name": "Sneaky", "rate_limit": "600/m"}).status_code == 403
    assert not Subscriber.objects.exists()


def test_the_anonymous_are_sent_to_sign_in(newsroom):  # noqa: F811
    response = client_for(None).get(SCREEN)
    assert response.status_code == 302 and "/newsroom/login/" in response["Location"]


def test_a_new_key_is_shown_once_and_works(newsroom):  # noqa: F811
    client = client_for(newsroom["chief"])
    answer = post(
        client, SCREEN, {"name": "<b>Gulf</b> Daily", "editions": ["fa"], "rate_limit": "600/m"}
    )
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "private, no-store"
    page = html(answer)
    key, secret = (code.get_text() for code in page.select(".issued code.secret"))
    assert key.startswith("dlw_") and secret.startswith("whsec_")
    assert page.select_one(".issued h2").get_text() == "<b>Gulf</b> Daily: copy these now"
    assert wire(key).get("/api/v1/items").status_code == 200
    again = client.get(SCREEN).content.decode()
    assert key not in again and secret not in again
    row = html(client.get(SCREEN)).select_one("table.subscribers tbody tr")
    assert "fa" in row.select_one('[data-label="Editions"]').get_text()


def test_bad_input_is_shown_not_stored(newsroom):  # noqa: F811
    client = client_for(newsroom["chief"])
    answer = post(
        client, SCREEN, {"name": "X", "webhook_url": "javascript:alert(1)", "rate_limit": "600/m"}
    )
    assert answer.status_code == 200
    assert "not an http(s) address" in html(answer).get_text()
    assert not Subscriber.objects.exists()


def test_rotate_revoke_and_the_log(newsroom):  # noqa: F811
    client = client_for(newsroom["chief"])
    page = html(post(client, SCREEN, {"name": "Rotating", "rate_limit": "600/m"}))
    old_key = page.select_one(".issued code.secret").get_text()
    subscriber = Subscriber.objects.get()
    wire(old_key).get("/api/v1/items")
    log = html(client.get(f"{SCREEN}{subscriber.pk}/"))
    assert [td.get_text() for td in log.select('td[data-label="Answer"]')] == ["200"]
    rotated = html(post(client, f"{SCREEN}{subscriber.pk}/rotate/"))
    new_key = rotated.select_one("code.secret").get_text()
    assert wire(old_key).get("/api/v1/items").status_code == 401
    assert wire(new_key).get("/api/v1/items").status_code == 200
    assert post(client, f"{SCREEN}{subscriber.pk}/revoke/").status_code == 302
    assert wire(new_key).get("/api/v1/items").status_code == 401
    assert "revoked" in html(client.get(SCREEN)).select_one('td[data-label="Key"]').get_text()
    assert client.get(f"{SCREEN}{subscriber.pk}/revoke/").status_code == 405
