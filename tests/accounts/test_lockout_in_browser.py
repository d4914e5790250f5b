"""The lock-out as a person meets it: Debian's Chromium signing in wrongly five times."""

import pytest

from tests.accounts.signing_in import SIGN_IN, WRONG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_five_wrong_passwords_in_the_browser_end_on_the_lockout_page(live_server, editor, browser):
    page = browser.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    statuses, failed_loads = [], []
    page.on("response", lambda r: statuses.append(r.status) if r.request.method == "POST" else None)
    # Chromium's own /favicon.ico probe is not the page's doing: it is cancelled when the next
    # navigation starts, and whether its redirect target resolves depends on which static
    # storage an earlier test in the run left configured.
    page.on(
        "requestfailed",
        lambda r: failed_loads.append(r.url) if "favicon" not in r.url else None,
    )
    page.on(
        "response",
        lambda r: (
            failed_loads.append(r.url) if r.status == 404 and "favicon" not in r.url else None
        ),
    )
    for _ in range(5):
        page.goto(live_server.url + SIGN_IN)
        page.fill("#id_username", "editor")
        page.fill("#id_password", WRONG)
        page.click("input[type=submit]")
        page.wait_for_load_state()
    assert statuses == [200, 200, 200, 200, 429]
    assert page.locator("h1").inner_text() == "Too many failed sign-ins"
    assert "Try again in 15 minutes, or ask a chief editor" in page.locator("#content").inner_text()
    assert page.locator("#site-name").inner_text() == "Dateline newsroom"
    # Styled by the admin's stylesheets, loaded under the Content Security Policy.
    assert page.locator("#header").evaluate("e => getComputedStyle(e).display") == "flex"
    assert page.locator("#id_password").count() == 0
    # The one console error is Chromium reporting the 429 itself: no policy violation, no script
    # error, no stylesheet or script that failed to load.
    assert failed_loads == []
    assert [m for m in problems if "status of 429" not in m] == []
