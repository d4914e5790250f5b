"""Password guessing at the newsroom's sign-in form is throttled by account and by address."""

import logging
from datetime import timedelta

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.conf import settings
from django.db.models import F
from django.http import HttpRequest
from django.test import Client, RequestFactory, override_settings

from dateline.accounts.throttling import client_address
from tests.accounts.signing_in import (
    PASSWORD,
    WRONG,
    locked_out,
    newsroom_client,
    sign_in,
    signed_in,
    wrong_password,
)

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
COOL_OFF = settings.AXES_COOLOFF_TIME


def fail_until_locked(client: Client, username: str = "editor", headers=None) -> None:
    """LIMIT wrong passwords: the ordinary refusal each time but the last, which locks."""
    for _ in range(LIMIT - 1):
        assert wrong_password(sign_in(client, username, WRONG, headers))
    assert locked_out(sign_in(client, username, WRONG, headers))


def move_clock_forward(delta: timedelta) -> None:
    """Let time pass for the throttle: every recorded failure becomes older by delta."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


def test_after_too_many_wrong_passwords_the_right_one_is_refused(editor):
    browser = newsroom_client()
    fail_until_locked(browser)
    assert locked_out(sign_in(browser, "editor", PASSWORD))
    assert browser.get("/newsroom/")["Location"].startswith("/newsroom/login/")


def test_a_locked_account_cannot_be_signed_in_to_from_another_address(editor):
    fail_until_locked(newsroom_client("203.0.113.1"))
    assert locked_out(sign_in(newsroom_client("198.51.100.2"), "editor", PASSWORD))


def test_a_burst_against_one_account_from_many_addresses_locks_the_account(editor, reporter):
    for n in range(1, LIMIT):
        assert wrong_password(sign_in(newsroom_client(f"203.0.113.{n}"), "editor", WRONG))
    assert locked_out(sign_in(newsroom_client(f"203.0.113.{LIMIT}"), "editor", WRONG))
    elsewhere = f"203.0.113.{LIMIT + 1}"
    assert locked_out(sign_in(newsroom_client(elsewhere), "editor", PASSWORD))
    # The account is locked, not that address: another account signs in from it.
    assert signed_in(sign_in(newsroom_client(elsewhere), "reporter", PASSWORD))


def test_one_address_guessing_many_accounts_is_locked(editor):
    guesser = newsroom_client("203.0.113.9")
    for n in range(1, LIMIT):
        assert wrong_password(sign_in(guesser, f"user{n}", WRONG))
    assert locked_out(sign_in(guesser, "admin", WRONG))
    # Even an account that address never tried, with its right password.
    assert locked_out(sign_in(guesser, "editor", PASSWORD))
    # The address is locked, not the account: its owner elsewhere signs in.
    assert signed_in(sign_in(newsroom_client("198.51.100.2"), "editor", PASSWORD))


def test_a_forwarded_for_header_does_not_change_the_address_in_the_embedded_default(editor):
    guesser = newsroom_client("203.0.113.9")
    for n in range(1, LIMIT + 1):
        response = sign_in(guesser, f"user{n}", WRONG, {"X-Forwarded-For": f"192.0.2.{n}"})
    assert locked_out(response)
    assert AccessAttempt.objects.filter(ip_address="203.0.113.9").count() == LIMIT


@override_settings(TRUSTED_PROXIES=1)
def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(editor):
    # Every request arrives from the proxy (10.0.0.1), which appends the client's address.
    guesser, colleague = newsroom_client("10.0.0.1"), newsroom_client("10.0.0.1")
    for n in range(1, LIMIT + 1):
        # The client's own X-Forwarded-For entries (left of the proxy's) are ignored.
        response = sign_in(
            guesser, f"user{n}", WRONG, {"X-Forwarded-For": f"10.9.9.{n}, 192.0.2.7"}
        )
    assert locked_out(response)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.7"}
    colleague_behind_same_proxy = {"X-Forwarded-For": "198.51.100.20"}
    assert signed_in(sign_in(colleague, "editor", PASSWORD, colleague_behind_same_proxy))


def test_after_the_cool_off_the_right_password_works(editor):
    browser = newsroom_client()
    fail_until_locked(browser)
    move_clock_forward(COOL_OFF - timedelta(minutes=1))
    assert locked_out(sign_in(browser, "editor", PASSWORD))
    move_clock_forward(COOL_OFF + timedelta(seconds=1))
    assert signed_in(sign_in(browser, "editor", PASSWORD))


def test_a_try_during_the_lockout_starts_the_cool_off_again(editor):
    """As the lock-out page says: waiting means not trying."""
    browser = newsroom_client()
    fail_until_locked(browser)
    move_clock_forward(COOL_OFF / 2)
    assert locked_out(sign_in(browser, "editor", PASSWORD))
    move_clock_forward(COOL_OFF / 2 + timedelta(minutes=1))
    assert locked_out(sign_in(browser, "editor", PASSWORD))


def test_signing_in_forgets_ones_own_failed_tries(editor):
    for _ in range(2):
        browser = newsroom_client()
        for _ in range(LIMIT - 1):
            assert wrong_password(sign_in(browser, "editor", WRONG))
        assert signed_in(sign_in(browser, "editor", PASSWORD))
    assert not AccessAttempt.objects.exists()


def test_signing_in_to_ones_own_account_does_not_forgive_guesses_at_another(editor, reporter):
    address = "203.0.113.9"
    for _ in range(LIMIT - 1):
        assert wrong_password(sign_in(newsroom_client(address), "editor", WRONG))
    assert signed_in(sign_in(newsroom_client(address), "reporter", PASSWORD))
    assert locked_out(sign_in(newsroom_client(address), "editor", WRONG))
    assert locked_out(sign_in(newsroom_client("198.51.100.2"), "editor", PASSWORD))


def test_failures_and_the_lockout_are_logged_with_username_and_address_never_the_password(
    editor, caplog
):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="axes")
    guess = "Tr0ub4dor&3-guess"
    browser = newsroom_client("203.0.113.9")
    for _ in range(LIMIT):
        response = sign_in(browser, "editor", guess)
    assert locked_out(response)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    failures = [m for m in warnings if "login failure by username='editor'" in m]
    assert len(failures) == LIMIT
    lockouts = [m for m in warnings if m.startswith("AXES: Locking out username='editor'")]
    assert lockouts
    assert all("address=203.0.113.9" in m for m in failures + lockouts)
    assert guess not in caplog.text
    assert all(guess not in repr(record.__dict__) for record in caplog.records)


def test_stored_failures_keep_the_username_but_not_the_password(editor):
    sign_in(newsroom_client(), "editor", "Tr0ub4dor&3-guess")
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "editor"
    assert "Tr0ub4dor" not in attempt.post_data
    assert "password=****" in attempt.post_data
    assert "csrfmiddlewaretoken=****" in attempt.post_data
    assert "username=editor" in attempt.post_data


def test_the_lockout_page_says_what_happened_and_what_to_do(editor):
    browser = newsroom_client()
    for _ in range(LIMIT):
        response = sign_in(browser, "editor", WRONG)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert response["Content-Type"].startswith("text/html")
    page = BeautifulSoup(response.content, "html.parser")
    assert page.title.get_text(strip=True) == "Too many failed sign-ins | Dateline newsroom"
    assert page.find(id="site-name").get_text(strip=True) == "Dateline newsroom"
    assert page.h1.get_text(strip=True) == "Too many failed sign-ins"
    paragraphs = [p.get_text(" ", strip=True) for p in page.find(id="content-main").find_all("p")]
    assert paragraphs == [
        "Too many failed sign-ins: signing in is paused.",
        "Try again in 15 minutes, or ask a chief editor to lift the pause.",
        "A new attempt before then starts the 15 minutes again.",
        "Back to the sign-in page",
    ]
    assert page.find("a", string="Back to the sign-in page")["href"] == "/newsroom/login/"
    # The newsroom's look: the admin's own stylesheets, no password form.
    stylesheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    assert "/static/admin/css/base.css" in stylesheets
    assert "/static/admin/css/login.css" in stylesheets
    assert page.find("input", {"type": "password"}) is None


@override_settings(AXES_COOLOFF_TIME=timedelta(minutes=1))
def test_the_lockout_page_counts_the_minutes_configured(editor):
    browser = newsroom_client()
    for _ in range(LIMIT):
        response = sign_in(browser, "editor", WRONG)
    assert b"Try again in 1 minute, or ask" in response.content
    assert response["Retry-After"] == "60"


def test_the_session_cookie_is_http_only_same_site_and_lasts_a_shift(editor):
    response = sign_in(newsroom_client(), "editor", PASSWORD)
    assert signed_in(response)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 12 * 3600


def test_the_test_client_login_needs_a_request_with_axes(editor):
    """Axes' backend refuses to judge a sign-in without the request; tests pass a blank one
    (axes' documented way) or use force_login, which no backend checks."""
    with pytest.raises(AxesBackendRequestParameterRequired):
        Client().login(username="editor", password=PASSWORD)
    client = Client()
    assert client.login(request=HttpRequest(), username="editor", password=PASSWORD)
    assert client.get("/newsroom/").status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "address"),
    [
        (0, "192.0.2.7", "203.0.113.1"),  # embedded: the header is anyone's to write
        (1, "192.0.2.7", "192.0.2.7"),
        (1, "10.9.9.9, 192.0.2.7", "192.0.2.7"),  # the client's own entry is ignored
        (2, "192.0.2.7, 198.51.100.4", "192.0.2.7"),  # CDN, then the load balancer
        (2, "192.0.2.7", "203.0.113.1"),  # fewer entries than proxies: not through them
        (1, "", "203.0.113.1"),
        (1, "unknown", "203.0.113.1"),
        (1, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_behind_trusted_proxies(proxies, forwarded_for, address):
    request = RequestFactory().post(
        "/newsroom/login/", REMOTE_ADDR="203.0.113.1", HTTP_X_FORWARDED_FOR=forwarded_for
    )
    with override_settings(TRUSTED_PROXIES=proxies):
        assert client_address(request) == address
