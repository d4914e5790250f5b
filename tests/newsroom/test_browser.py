"""The newsroom in Debian's Chromium: a story from the reporter's first draft to its public page,
two editors saving the same version, phone-sized screens and axe-core's WCAG checks."""

import datetime
import time
import zoneinfo
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from dateline.newsroom import presence
from dateline.stories.actions.release import release_due
from dateline.stories.models import Status, Story
from tests.newsroom.conftest import story_in
from tests.site.conftest import browser  # noqa: F401  (Debian's Chromium, shared with site tests)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # tests.factories.make_member's
TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


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


class Watched:
    """A page that records console errors, failed loads and uncaught exceptions."""

    def __init__(self, context, base: str):
        self.base = base
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(m.text)
                if m.type == "error" and "status of 409" not in m.text
                else None
            ),
        )
        self.page.on("requestfailed", self._failed)

    def _failed(self, request) -> None:
        # A request the page itself gave up on (the icon or a heartbeat still loading when a
        # link is followed, a preview overtaken by the next keystroke) is no fault; any other
        # failure is.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.problems.append(f"failed: {request.url} {request.failure}")

    def sign_in(self, username: str) -> None:
        self.page.goto(self.base + "/newsroom/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_url(self.base + "/newsroom/")

    def no_horizontal_scroll(self) -> bool:
        return self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_from_the_reporters_draft_to_the_public_page(live_server, newsroom, browser):  # noqa: F811
    base = live_server.url
    # The reporter writes, watching the live preview, and submits.
    rita = Watched(browser.new_context(viewport=DESKTOP), base)
    rita.sign_in("rita")
    page = rita.page
    page.click("text=New story")
    page.fill("#id_headline", "Tehran metro line opens its first stations")
    page.fill("#id_dateline_place", "Tehran")
    page.fill("#id_dateline_source", "IRNA")
    page.fill("#id_lead", "The first stretch of the new line opened on Saturday.")
    page.fill("#id_body", "Eight stations are open.\n\n## Ridership\n\nMany riders are expected.")
    page.select_option("#id_section", label="Dateline English: World")
    page.fill("#id_tags", "Transport, Tehran")
    # The preview follows the typing (newsroom.js posts the form; nothing is saved).
    page.wait_for_selector("#preview-pane .preview-body h2:text('Ridership')")
    assert page.locator("#preview-pane .dateline").inner_text().startswith("Tehran")
    assert orm(lambda: Story.objects.count()) == 0
    page.click("button[value=create]")
    page.wait_for_selector(".messages >> text=created as a draft")
    page.click("button:text('Submit to the editors')")
    page.wait_for_selector(".messages >> text=submitted to the editors")
    assert page.locator(".story-head .state").inner_text() == "SUBMITTED"
    assert page.locator("form.move").count() == 0  # nothing more for a reporter to do

    # The editor finds it among the submitted stories, approves it and schedules it.
    eddie = Watched(browser.new_context(viewport=DESKTOP), base)
    eddie.sign_in("eddie")
    page = eddie.page
    page.click(".states a:has-text('Submitted')")
    page.click("text=Tehran metro line opens its first stations")
    page.click("button:text('Approve')")
    page.wait_for_selector(".messages >> text=approved")
    at = timezone.now().astimezone(TEHRAN) + datetime.timedelta(seconds=6)
    page.fill("#id_schedule-at", at.strftime("%Y-%m-%dT%H:%M:%S"))
    page.click("button:text('Schedule')")
    page.wait_for_selector(".messages >> text=scheduled")
    assert page.locator(".story-head .state").inner_text() == "SCHEDULED"
    story = orm(lambda: Story.objects.select_related("edition").get())
    assert story.status == Status.SCHEDULED
    assert story.published_at == at.replace(microsecond=0)
    page.click(".nav >> text=Scheduled")
    assert page.locator(".row .headline").all_inner_texts() == [story.headline]
    assert page.locator(".row.late").count() == 0
    public = base + story.get_absolute_url()
    assert eddie.problems == []
    assert page.goto(public).status == 404  # public nowhere before its time
    eddie.problems.clear()  # Chromium's report of that 404

    # After the time, the release (the worker's sweep, run here in-process) publishes it.
    time.sleep(max(0.0, (at - timezone.now()).total_seconds()) + 0.5)
    assert [change.action for change in orm(release_due)] == ["published"]
    response = page.goto(public)
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Tehran metro line opens its first stations"
    assert page.locator(".story-body h2").inner_text() == "Ridership"
    assert rita.problems == [] and eddie.problems == []


def test_a_refused_save_takes_the_keyboard_to_what_to_change(live_server, newsroom, browser):  # noqa: F811
    """After the page comes back, focus is on a summary naming each field at fault, and each
    of its links takes focus to its field, its label in view (a phone: the field far down)."""
    story = orm(lambda: story_in(newsroom, Status.DRAFT))
    rita = Watched(browser.new_context(viewport=PHONE), live_server.url)
    rita.sign_in("rita")
    page = rita.page
    page.goto(f"{live_server.url}/newsroom/stories/{story.pk}/")
    page.fill("#id_headline", "")
    page.fill("#id_tags", "Water, " + "x" * 130)
    page.click("button[value=save]")
    page.wait_for_selector("#form-problems")
    assert page.evaluate("document.activeElement.id") == "form-problems"
    summary = page.locator("#form-problems li").all_inner_texts()
    assert [line.split(":")[0] for line in summary] == ["Headline", "Keywords"]
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_headline"
    page.focus("#form-problems")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_tags"
    # Its label and message are in view with it, not scrolled off above.
    top = "document.querySelector('label[for=id_tags]').getBoundingClientRect().top"
    assert page.evaluate(top) >= 0
    assert rita.problems == []


@pytest.fixture
def dam_story(newsroom):
    return story_in(newsroom, Status.SUBMITTED, headline="Dam opens on the river")


@pytest.fixture
def quick_heartbeat(monkeypatch):
    """A heartbeat a second (the live server runs in this process)."""
    monkeypatch.setattr(presence, "HEARTBEAT_SECONDS", 1)


def test_two_editors_save_the_same_version_in_two_browsers(
    live_server,
    dam_story,
    quick_heartbeat,
    browser,  # noqa: F811
):
    base, story = live_server.url, dam_story
    eddie = Watched(browser.new_context(viewport=DESKTOP), base)
    chloe = Watched(browser.new_context(viewport=DESKTOP), base)
    eddie.sign_in("eddie")
    chloe.sign_in("chloe")
    edit = f"{base}/newsroom/stories/{story.pk}/"
    eddie.page.goto(edit)
    assert eddie.page.locator(".presence-line").count() == 0
    chloe.page.goto(edit)
    # Chloe sees at once that Eddie has it open; Eddie sees her by the next heartbeat.
    line = chloe.page.locator(".presence-line").inner_text()
    assert line.startswith("Open by Eddie Editor since")
    eddie.page.wait_for_selector(".presence-line:has-text('Open by Chloe Chief since')")
    # When she leaves, her line goes (the page's beacon) by Eddie's next heartbeat, without
    # waiting for it to fade (presence.TTL_SECONDS, 45 s); a loaded machine may take a while.
    chloe.page.goto(base + "/newsroom/")
    eddie.page.wait_for_selector(".presence-line", state="detached", timeout=25_000)
    chloe.page.goto(edit)
    # Eddie saves a new headline first.
    eddie.page.fill("#id_headline", "Dam opens on the Karun")
    eddie.page.click("button[value=save]")
    eddie.page.wait_for_selector(".messages >> text=Saved as version 2")
    # Chloe, still on version 1, saves a new lead: the conflict screen, nothing lost.
    chloe.page.fill("#id_lead", "Water flows through the new dam at last.")
    chloe.page.click("button[value=save]")
    page = chloe.page
    assert page.locator("h1").inner_text() == "Someone else saved this story while you were editing"
    assert "Eddie Editor" in page.locator(".changes-between").inner_text()
    assert page.locator(".differences del").all_inner_texts() == ["river"]
    assert page.locator(".differences ins").all_inner_texts() == ["Karun"]
    assert page.input_value("#id_headline") == "Dam opens on the Karun"
    assert page.input_value("#id_lead") == "Water flows through the new dam at last."
    assert "Water flows through the new dam at last." in page.locator(".typed").inner_text()
    assert orm(lambda: Story.objects.get().lead) == "Water flows through the new dam."
    page.click("button[value=save]")
    page.wait_for_selector(".messages >> text=Saved as version 3")
    saved = orm(lambda: Story.objects.get())
    assert (saved.headline, saved.lead) == (
        "Dam opens on the Karun",
        "Water flows through the new dam at last.",
    )
    assert eddie.problems == [] and chloe.problems == []


@pytest.fixture
def full_desk(newsroom):
    """Enough on every screen to lay out: drafts, wire copy, a long headline, a long word."""
    story = story_in(
        newsroom,
        Status.SUBMITTED,
        headline="Parliament committee backs tougher penalties for sturgeon poaching in Caspian",
        dateline_place="Tehran",
        dateline_source="IRNA",
        tags=[],
    )
    story_in(newsroom, Status.PUBLISHED, headline="بارش باران در تهران", section=newsroom["world"])
    story_in(newsroom, Status.DRAFT, headline="A" * 60 + " unbroken")
    from dateline.stories import actions

    actions.create_story(
        edition=newsroom["en"],
        headline="Wire: port traffic rises",
        lead="Port traffic rose.",
        source_id="reuters21578:" + "9" * 40,
        source_name="reut2-003.sgm",
    )
    actions.edit_story(story, base_version=1, by=newsroom["editor"], lead="A second version.")
    return story


def screens(story) -> list[str]:
    return [
        "/newsroom/",
        "/newsroom/?status=submitted",
        "/newsroom/incoming/",
        "/newsroom/scheduled/",
        "/newsroom/audit/",
        "/newsroom/stories/new/",
        f"/newsroom/stories/{story.pk}/",
        f"/newsroom/stories/{story.pk}/history/?from=1&to=2",
    ]


def test_the_screens_fit_a_phone_without_sideways_scrolling(live_server, full_desk, browser):  # noqa: F811
    chloe = Watched(browser.new_context(viewport=PHONE), live_server.url)
    chloe.sign_in("chloe")
    wide = []
    for path in screens(full_desk):
        chloe.page.goto(live_server.url + path)
        if not chloe.no_horizontal_scroll():
            wide.append(path)
    assert wide == []
    # The workflow buttons are reachable from the top of the edit screen.
    chloe.page.goto(f"{live_server.url}/newsroom/stories/{full_desk.pk}/")
    chloe.page.click(".links >> text=Workflow")
    assert chloe.page.locator("button:text('Approve')").is_visible()
    assert chloe.problems == []


def test_long_words_and_addresses_wrap_on_a_phone(live_server, full_desk, browser):  # noqa: F811
    """A pasted address in the body, or a headline word wider than the screen, wraps in the
    preview (live and the button's), in the audit log's cards and in a message naming an id,
    as on the site, rather than widening the page or being cut off by the table's scroll box."""
    chloe = Watched(browser.new_context(viewport=PHONE), live_server.url)
    chloe.sign_in("chloe")
    page = chloe.page
    page.goto(f"{live_server.url}/newsroom/stories/new/")
    page.fill("#id_headline", "Sturgeon" * 12)
    page.fill("#id_lead", "Lead.")
    page.fill("#id_body", "See https://example.org/" + "sturgeon/" * 30)
    page.wait_for_selector("#preview-pane .preview-body p")
    assert chloe.no_horizontal_scroll()
    page.click("button[value=preview]")
    page.wait_for_selector("#preview-pane .preview-body p")
    assert chloe.no_horizontal_scroll()
    page.goto(f"{live_server.url}/newsroom/audit/")
    cut = page.evaluate(
        "[...document.querySelectorAll('table.changes a')]"
        ".filter(a => a.getBoundingClientRect().right > window.innerWidth).length"
    )
    assert cut == 0
    # A text story uploaded twice is named by the hash of its text: 64 letters and digits.
    copy = b"Port traffic rises\n\nTEHRAN, Dec 1 (IRNA) - Traffic rose.\n\nMore.\n"
    for _ in range(2):
        page.goto(f"{live_server.url}/newsroom/stories/new/")
        page.click("summary:text('Upload partner copy')")
        page.set_input_files(
            "#id_file", {"name": "port.txt", "mimeType": "text/plain", "buffer": copy}
        )
        page.click("button:text('Upload to Incoming')")
    page.wait_for_selector(".messages >> text=is here already")
    assert chloe.no_horizontal_scroll()
    assert chloe.problems == []


def test_every_note_under_a_button_looks_the_same(live_server, full_desk, browser):  # noqa: F811
    """The workflow, translation and Related News boxes each put an optional note under their
    button, folded: the same quiet line in each, not one of them in the links' bold colour."""
    chloe = Watched(browser.new_context(viewport=DESKTOP), live_server.url)
    chloe.sign_in("chloe")
    chloe.page.goto(f"{live_server.url}/newsroom/stories/{full_desk.pk}/")
    looks = chloe.page.evaluate(
        "['.move', '.translation-move', '.related-move'].map(box => {"
        " const s = getComputedStyle(document.querySelector(box + ' .note summary'));"
        " return [s.color, s.fontWeight]; })"
    )
    assert looks[0] == looks[1] == looks[2], looks


def test_the_list_and_edit_screens_have_no_wcag_violations(live_server, full_desk, browser):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    reports = {}
    paths = [
        "/newsroom/",
        "/newsroom/incoming/",
        "/newsroom/stories/new/",
        f"/newsroom/stories/{full_desk.pk}/",
        f"/newsroom/stories/{full_desk.pk}/history/",
        "/newsroom/audit/",
    ]
    for viewport in (DESKTOP, PHONE):
        chloe = Watched(browser.new_context(viewport=viewport), live_server.url)
        chloe.sign_in("chloe")
        for path in paths:
            chloe.page.goto(live_server.url + path)
            results = axe.run(chloe.page, options=WCAG_AA)
            if results.violations_count:
                reports[(path, viewport["width"])] = results.generate_report()
        # The edit screen with errors on it, too.
        chloe.page.goto(f"{live_server.url}/newsroom/stories/{full_desk.pk}/")
        chloe.page.fill("#id_headline", "")
        chloe.page.click("button[value=save]")
        chloe.page.wait_for_selector("#id_headline_error")
        results = axe.run(chloe.page, options=WCAG_AA)
        if results.violations_count:
            reports[("edit with errors", viewport["width"])] = results.generate_report()
        # A refusal shown after a redirect: the messages, as an alert.
        chloe.page.goto(f"{live_server.url}/newsroom/stories/new/")
        chloe.page.click("summary:text('Upload partner copy')")
        empty = {"name": "empty.txt", "mimeType": "text/plain", "buffer": b""}
        chloe.page.set_input_files("#id_file", empty)
        chloe.page.click("button:text('Upload to Incoming')")
        chloe.page.wait_for_selector("#messages[role=alert]")
        results = axe.run(chloe.page, options=WCAG_AA)
        if results.violations_count:
            reports[("upload refused", viewport["width"])] = results.generate_report()
    assert not reports, "\n".join(f"{key}:\n{report}" for key, report in reports.items())


def test_the_wire_copys_source_reads_as_one_line_of_text(live_server, full_desk, browser):  # noqa: F811
    """Where a story came from, on its edit screen: one phrase, its id in brackets, not words
    spread apart by the line of facts it sits in."""
    chloe = Watched(browser.new_context(viewport=PHONE), live_server.url)
    chloe.sign_in("chloe")
    chloe.page.goto(f"{live_server.url}/newsroom/")
    chloe.page.click("text=Wire: port traffic rises")
    shown = chloe.page.locator("p.source").inner_text()
    assert shown == f"Wire copy from reut2-003.sgm (reuters21578:{'9' * 40})"


def test_a_replaced_persian_word_is_drawn_apart_from_its_replacement(
    live_server,
    newsroom,
    browser,  # noqa: F811
):
    """History shows a word replaced as <del>old</del><ins>new</ins>: with nothing between,
    Persian letters join across the two, as if one word. A space is drawn between them."""
    from dateline.stories import actions

    def written_then_edited():
        story = actions.create_story(
            edition=newsroom["fa"],
            headline="سد کرج",
            lead="متن آزمایشی است.",
            by=newsroom["fa_editor"],
        )
        return actions.edit_story(
            story, base_version=1, by=newsroom["fa_editor"], lead="متن ویرایش‌شده است."
        )

    story = orm(written_then_edited)
    farah = Watched(browser.new_context(viewport=PHONE), live_server.url)
    farah.sign_in("farah")
    farah.page.goto(f"{live_server.url}/newsroom/stories/{story.pk}/history/")
    removed, added = farah.page.locator(".differences del"), farah.page.locator(".differences ins")
    assert (removed.inner_text(), added.inner_text()) == ("آزمایشی", "ویرایش‌شده")
    one, other = removed.bounding_box(), added.bounding_box()
    gap = max(one["x"] - (other["x"] + other["width"]), other["x"] - (one["x"] + one["width"]))
    assert gap >= 0  # side by side, right to left, not overlapping
    space = added.evaluate("e => getComputedStyle(e, '::before').content")
    assert space == '" "'
    assert farah.problems == []


def test_a_persian_body_is_set_in_the_persian_fonts_not_the_latin_monospace(
    live_server,
    newsroom,
    browser,  # noqa: F811
):
    from dateline.stories import actions

    def stories():
        english = story_in(newsroom, Status.DRAFT)
        persian = actions.create_story(
            edition=newsroom["fa"],
            headline="سد کرج",
            lead="سد پر شد.",
            body="بارش باران در تهران",
            by=newsroom["fa_editor"],
        )
        return english, persian

    english, persian = orm(stories)

    def body_font(member: Watched) -> str:
        return member.page.eval_on_selector("#id_body", "e => getComputedStyle(e).fontFamily")

    farah = Watched(browser.new_context(viewport=DESKTOP), live_server.url)
    farah.sign_in("farah")
    farah.page.goto(f"{live_server.url}/newsroom/stories/{persian.pk}/")
    assert body_font(farah).startswith("Vazirmatn")
    # On the new-story form the body has no language yet: its text's direction decides.
    farah.page.goto(f"{live_server.url}/newsroom/stories/new/")
    assert body_font(farah).startswith("ui-monospace")
    farah.page.fill("#id_body", "بارش باران در تهران")
    assert body_font(farah).startswith("Vazirmatn")
    chloe = Watched(browser.new_context(viewport=DESKTOP), live_server.url)
    chloe.sign_in("chloe")
    chloe.page.goto(f"{live_server.url}/newsroom/stories/{english.pk}/")
    assert body_font(chloe).startswith("ui-monospace")
    assert farah.problems == [] and chloe.problems == []
