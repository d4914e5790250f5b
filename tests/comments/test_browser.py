"""Reader comments in Debian's Chromium: post, wait for a moderator, reply in place (with
JavaScript) or on a reloaded page (without), and find the reply nested under its parent; at
desktop and phone widths, and right to left on the Persian edition. No console errors, no
Content Security Policy violations."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from dateline.comments import moderation
from dateline.comments.models import Comment
from dateline.editions.labels import labels_for
from dateline.stories.actions import set_comment_policy
from tests.factories import make_story
from tests.site import conftest as site_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
browser = site_fixtures.browser  # Debian's Chromium under Playwright

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Every violation of the page's Content Security Policy, reported to the test (with JavaScript
# on; Chromium also logs each one as a console error, which is watched either way).
REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (e) =>
  window.reportCspViolation(`CSP ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`)
);
"""


def orm(work):
    """Run database work beside the browser: Playwright's event loop makes Django refuse the
    ORM on this thread. The test database is shared with the live server's thread."""

    def run():
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def approve_comment(text: str) -> Comment:
    def work():
        comment = Comment.objects.get(text=text)
        moderation.approve([comment.pk])
        return comment

    return orm(work)


@pytest.fixture(autouse=True)
def _no_waiting(settings):
    settings.COMMENT_MIN_SECONDS = 0  # the form's token may be sent as soon as it is shown


@pytest.fixture
def persian_story(editions):
    return make_story(
        editions[1], headline="گفت‌وگوها در مسکو از سر گرفته شد", lead="نمایندگان دیدار کردند."
    )


class Reader:
    """A reader's tab: what it fills in and clicks, and every problem the browser reports."""

    def __init__(self, browser, base: str, *, viewport: dict, javascript: bool = True):
        self.base = base
        self.context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        self.problems: list[str] = []
        self.context.expose_function("reportCspViolation", lambda v: self.problems.append(v))
        self.context.add_init_script(REPORT_CSP)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.on(
            "console", lambda m: self.problems.append(m.text) if m.type == "error" else None
        )
        self.page.on(
            "response",
            lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response.status == 200, (path, response.status)

    def send(self, name: str, text: str, email: str = "reader@example.org") -> None:
        form = self.page.locator("#comment-form form")
        form.locator("#comment-name").fill(name)
        form.locator("#comment-email").fill(email)
        form.locator("#comment-text").fill(text)
        with self.page.expect_navigation():
            form.locator("button[type=submit]").click()

    def notice(self) -> str:
        return self.page.locator("#comment-form .notice").inner_text()

    def replying_line(self):
        return self.page.locator("#comment-form .replying")

    def fits_the_screen(self) -> bool:
        return self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    def close(self) -> list[str]:
        self.page.wait_for_timeout(200)  # late console messages
        self.context.close()
        return self.problems


def converse(reader: Reader, path: str, labels: dict, *, name: str, text: str):
    """Post a comment, see it held, have it approved and see it on the reloaded page:
    the parent as stored. Replying (with or without JavaScript) is the caller's."""
    reader.open(path)
    assert reader.replying_line().is_hidden()
    reader.send(name, text)
    assert reader.notice() == labels["comment_received"]
    assert reader.page.locator(f"#comments .comment-text:text-is('{text}')").count() == 0
    parent = approve_comment(text)
    reader.open(path)
    assert reader.page.locator(f"#c{parent.pk} .comment-text").inner_text() == text
    return parent


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_reply_in_place_with_javascript(live_server, story, browser, viewport):
    labels = labels_for("en")
    reader = Reader(browser, live_server.url, viewport=viewport)
    page, path = reader.page, story.get_absolute_url()
    parent = converse(reader, path, labels, name="Maryam Ahmadi", text="Good to see talks resume.")

    # Reply: the form moves under the comment and says whom it answers; no page load.
    page.locator(f"#c{parent.pk} a.reply-link").click()
    line = reader.replying_line()
    assert line.is_visible()
    assert line.locator("span").inner_text() == f"{labels['replying_to']} Maryam Ahmadi"
    assert page.url == live_server.url + path  # in place: the ?reply= link was not followed
    assert page.locator(f"#c{parent.pk} > #comment-form").count() == 1
    assert page.evaluate("document.activeElement.id") == "comment-text"
    assert page.locator("#comment-form input[name=parent]").input_value() == str(parent.pk)
    assert reader.fits_the_screen()

    # Cancel: the line hides, the form goes back under "Your comment", no parent is sent.
    cancel = line.locator("a.cancel-reply")
    assert cancel.inner_text() == labels["cancel_reply"]
    cancel.click()
    assert line.is_hidden()
    assert page.locator("#comments > #comment-form").count() == 1
    assert page.locator("#comment-form input[name=parent]").input_value() == ""
    assert page.url == live_server.url + path

    page.locator(f"#c{parent.pk} a.reply-link").click()
    assert line.is_visible()
    reader.send("Ali Rezaei", "I agree with Maryam.", email="ali@example.org")
    assert reader.notice() == labels["comment_received"]
    child = approve_comment("I agree with Maryam.")
    assert child.parent_id == parent.pk

    reader.open(path)
    nested = page.locator(f"#c{parent.pk} ol.replies #c{child.pk}")
    assert nested.count() == 1
    assert nested.locator(".comment-author").inner_text() == "Ali Rezaei"
    assert reader.fits_the_screen()
    assert reader.close() == []


# What describes the comment box, by aria-describedby.
BOX_DESCRIPTION = """() => (document.getElementById("comment-text").getAttribute("aria-describedby")
  || "").split(" ").filter(Boolean).map((id) => document.getElementById(id).textContent.trim())"""


def test_the_reply_line_describes_the_box_and_cancel_returns_to_the_reply_link(
    live_server, story, browser
):
    labels = labels_for("en")
    reader = Reader(browser, live_server.url, viewport=DESKTOP)
    page, path = reader.page, story.get_absolute_url()
    parent = converse(reader, path, labels, name="Maryam Ahmadi", text="Good to see talks resume.")
    assert page.evaluate(BOX_DESCRIPTION) == []

    reply = page.locator(f"#c{parent.pk} a.reply-link")
    reply.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "comment-text"
    assert page.evaluate(BOX_DESCRIPTION) == [f"{labels['replying_to']} Maryam Ahmadi"]

    page.keyboard.press("Shift+Tab")  # back from the box to "Cancel reply" ...
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.className") == "cancel-reply"
    page.keyboard.press("Enter")  # ... and cancel: the focus is where the reader started
    assert reader.replying_line().is_hidden()
    assert reply.evaluate("link => link === document.activeElement")
    assert page.evaluate(BOX_DESCRIPTION) == []

    # A page loaded with ?reply= (as without JavaScript): the server's line describes it too.
    page.goto(f"{live_server.url}{path}?reply={parent.pk}")
    assert page.evaluate(BOX_DESCRIPTION) == [f"{labels['replying_to']} Maryam Ahmadi"]
    assert reader.close() == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_reply_on_a_reloaded_page_without_javascript(live_server, story, browser, viewport):
    labels = labels_for("en")
    reader = Reader(browser, live_server.url, viewport=viewport, javascript=False)
    page, path = reader.page, story.get_absolute_url()
    parent = converse(reader, path, labels, name="Maryam Ahmadi", text="Good to see talks resume.")

    # Reply: the link loads ?reply=ID and the server writes the line into the form.
    with page.expect_navigation():
        page.locator(f"#c{parent.pk} a.reply-link").click()
    assert page.url == f"{live_server.url}{path}?reply={parent.pk}#comment-form"
    line = reader.replying_line()
    assert line.is_visible()
    assert line.locator("span").inner_text() == f"{labels['replying_to']} Maryam Ahmadi"
    assert page.locator("#comment-form input[name=parent]").input_value() == str(parent.pk)

    # Cancel is a link back to the story without ?reply=: the line is gone.
    with page.expect_navigation():
        line.locator("a.cancel-reply").click()
    assert page.url == f"{live_server.url}{path}#comment-form"
    assert reader.replying_line().is_hidden()
    assert page.locator("#comment-form input[name=parent]").input_value() == ""

    with page.expect_navigation():
        page.locator(f"#c{parent.pk} a.reply-link").click()
    reader.send("Ali Rezaei", "I agree with Maryam.", email="ali@example.org")
    assert reader.notice() == labels["comment_received"]
    child = approve_comment("I agree with Maryam.")
    assert child.parent_id == parent.pk

    reader.open(path)
    assert page.locator(f"#c{parent.pk} ol.replies #c{child.pk}").count() == 1
    assert reader.fits_the_screen()
    assert reader.close() == []


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no javascript"])
def test_a_latin_name_in_a_persian_thread(live_server, persian_story, browser, javascript):
    labels = labels_for("fa")
    reader = Reader(browser, live_server.url, viewport=PHONE, javascript=javascript)
    page, path = reader.page, persian_story.get_absolute_url()
    text = "به نظرم گفت‌وگوی John Smith با نمایندگان مهم بود."
    parent = converse(reader, path, labels, name="John Smith", text=text)
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    comment = page.locator(f"#c{parent.pk}")
    assert comment.locator(".comment-text").evaluate("e => getComputedStyle(e).direction") == "rtl"
    # The Latin name is isolated: in the right-to-left header it starts at the right edge.
    header = comment.locator(".comment-meta").bounding_box()
    author = comment.locator(".comment-author").bounding_box()
    assert author["x"] + author["width"] == pytest.approx(header["x"] + header["width"], abs=2)

    link = comment.locator("a.reply-link")
    assert link.inner_text() == labels["reply"]
    if javascript:
        link.click()
        assert page.locator(f"#c{parent.pk} > #comment-form").count() == 1
    else:
        with page.expect_navigation():
            link.click()
        assert f"?reply={parent.pk}" in page.url
    line = reader.replying_line()
    assert line.is_visible()
    assert line.locator("span").inner_text() == f"{labels['replying_to']} John Smith"
    # Read from the right: the label first, then the Latin name, whole, to its left.
    label_box = line.locator("span").bounding_box()
    name_box = line.locator(".reply-name").bounding_box()
    assert name_box["x"] + name_box["width"] < label_box["x"] + label_box["width"] - 40
    assert line.locator(".reply-name").inner_text() == "John Smith"
    if javascript:
        line.locator("a.cancel-reply").click()
        assert line.is_hidden()
        link.click()
        assert line.is_visible()

    reader.send("مریم", "با John Smith موافقم.", email="maryam@example.org")
    assert reader.notice() == labels["comment_received"]
    child = approve_comment("با John Smith موافقم.")
    reader.open(path)
    assert page.locator(f"#c{parent.pk} ol.replies #c{child.pk}").count() == 1
    assert reader.fits_the_screen()
    assert reader.close() == []


# Each field the form marks invalid, and the texts of what describes it (by aria-describedby).
INVALID_FIELDS = """() => Object.fromEntries(
  [...document.querySelectorAll("#comment-form [aria-invalid=true]")].map((field) => [
    field.id,
    field.getAttribute("aria-describedby").split(" ").map((id) =>
      document.getElementById(id).textContent.trim()),
  ])
)"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_refused_post_lands_on_its_errors_each_tied_to_its_field(
    live_server, story, browser, viewport
):
    reader = Reader(browser, live_server.url, viewport=viewport)
    page = reader.page
    reader.open(story.get_absolute_url())
    # Wrong in ways the browser's own checks let through: no dot in the domain, no letter.
    reader.send("Maryam", "\u200b", email="maryam@example")

    assert page.url == f"{live_server.url}/en/news/{story.code}/comment#comment-form-errors"
    summary = page.locator("#comment-form .form-errors")
    assert page.evaluate("document.activeElement.id") == "comment-form-errors"
    top = summary.evaluate("e => e.getBoundingClientRect().top")
    assert -1 < top < page.viewport_size["height"] / 2  # scrolled to, not left far below
    assert page.evaluate(INVALID_FIELDS) == {
        "comment-email": [
            "Required, never shown.",
            "Email: Please give a valid email address.",
        ],
        "comment-text": ["Comment: The comment has no visible characters."],
    }
    assert page.locator("#comment-name").get_attribute("aria-describedby") is None
    # The browser's report of the 400 itself is the only problem.
    assert [p for p in reader.close() if "400" not in p] == []


@pytest.mark.parametrize("refusal", ["too fast", "closed"])
def test_a_post_refused_on_the_small_page_lands_on_its_error_box_with_the_text_kept(
    live_server, story, browser, settings, refusal
):
    """Over the rate, or after the story's comments were closed while the reader wrote: the
    answer is not the article, but it opens as every refused post's does, on its error box,
    focused, with what the reader typed."""
    reader = Reader(browser, live_server.url, viewport=PHONE)
    page = reader.page
    reader.open(story.get_absolute_url())
    if refusal == "too fast":
        settings.COMMENT_RATE = [(1, 60)]
        reader.send("Maryam", "A first comment.")
    else:
        orm(lambda: set_comment_policy(story.pk, "closed"))
    reader.send("Maryam", "A second one, typed with care.")

    assert page.url == f"{live_server.url}/en/news/{story.code}/comment#comment-form-errors"
    assert page.evaluate("document.activeElement.id") == "comment-form-errors"
    said = page.locator("#comment-form-errors li").inner_text()
    assert said.startswith("You are commenting too fast" if refusal == "too fast" else "Comments")
    assert page.locator("#comment-text").input_value() == "A second one, typed with care."
    # The browser's report of the refusal's status itself is the only problem.
    status = "429" if refusal == "too fast" else "403"
    assert [p for p in reader.close() if status not in p] == []
