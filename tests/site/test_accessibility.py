"""Every kind of public page passes axe-core's WCAG 2.2 A and AA rules (and its best practices:
landmarks, headings, a skip link) in a real Chromium, in both editions, light and dark; and a
keyboard reader sees the skip link and where the focus is."""

import pytest

from dateline.comments.models import Status as CommentStatus
from dateline.stories.actions import correct_story, kill_story
from tests.factories import make_story
from tests.newsroom.test_comment_moderation import make_comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WCAG_AA = {"runOnly": {"type": "tag", "values": RULES}}
ARTICLE = 6  # the English article's place in `paths`


@pytest.fixture
def paths(browsed_stories):
    english, persian = browsed_stories
    en, fa = english.edition, persian.edition
    for story in (english, persian):
        first = make_comment(story, name="مریم", text="خوب بود.", status=CommentStatus.APPROVED)
        reply = make_comment(story, text="Agreed.", status=CommentStatus.APPROVED, parent=first)
        reply.thread, reply.depth = first, 1
        reply.save(update_fields=["thread", "depth"])
    make_story(fa, section=fa.sections.get(), tags=("آب",), headline="آب", lead="آب آمد.")
    corrected = [
        correct_story(make_story(en, tags=("Water",)), note="An earlier version misnamed it."),
        correct_story(make_story(fa, headline="سد کرج", lead="سد پر شد."), note="اصلاح شد."),
    ]
    withdrawn = [kill_story(make_story(edition), reason="Withdrawn.") for edition in (en, fa)]
    return [
        *[f"/{code}/{kind}" for code in ("en", "fa") for kind in ("", "section/world/")],
        "/en/tag/water/",
        "/fa/tag/آب/",
        english.get_absolute_url(),  # ARTICLE: with comments, a reply and the comment form
        persian.get_absolute_url(),
        *[story.get_absolute_url() for story in corrected],
        *[story.get_absolute_url() for story in withdrawn],  # 410, in English and Persian
        "/en/no-such-page/",
        "/fa/no-such-page/",
        "/en/search?q=dams",  # results, marked words, filters
        "/fa/search?q=باران",
        "/en/search?q=%22*",  # a message instead of results
    ]


def test_public_pages_have_no_wcag_violations(live_server, paths, browser):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    reports = {}
    for scheme in ("light", "dark"):
        for viewport in ({"width": 1280, "height": 900}, {"width": 360, "height": 740}):
            page = browser.new_page(viewport=viewport, color_scheme=scheme)
            for path in paths:
                page.goto(live_server.url + path)
                if path == paths[ARTICLE]:
                    assert page.locator(".replies .comment").count() == 1
                    assert page.locator("form.comment-form textarea").count() == 1
                results = axe.run(page, options=WCAG_AA)
                if results.violations_count:
                    reports[(path, viewport["width"], scheme)] = results.generate_report()
            page.close()
    assert not reports, "\n".join(f"{key}:\n{report}" for key, report in reports.items())


# The computed outline of whatever has the focus, or None when nothing would show it.
FOCUS_RING = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  return {
    what: e.tagName + (e.id ? '#' + e.id : '') + ' ' + (e.textContent || '').trim().slice(0, 30),
    ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    inView: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
  };
}"""


@pytest.mark.parametrize("code", ["en", "fa"])
def test_keyboard_readers_see_the_skip_link_and_every_focus(live_server, paths, browser, code):
    article = paths[ARTICLE] if code == "en" else paths[ARTICLE + 1]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + article)
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_RING)
    assert first["what"].startswith("A ") and first["ring"] and first["inView"], first
    assert page.locator(".skip-link").evaluate("e => e === document.activeElement")
    page.keyboard.press("Enter")
    # Waited for: Chromium moves to the fragment after the key's events, a moment later on a
    # loaded machine (read at once, the address was still the page's own).
    page.wait_for_url(lambda url: url.endswith("#content"), timeout=5_000)
    visited, unseen = [], []
    for _ in range(200):  # the whole page once: the story, share links, comments, the form
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_RING)
        if focused["what"].startswith("BODY"):  # past the last link, into the browser
            break
        visited.append(focused["what"])
        if not (focused["ring"] and focused["inView"]):
            unseen.append(focused["what"])
    assert unseen == []
    assert any(what.startswith("TEXTAREA#comment-text") for what in visited), visited
    assert any(what.startswith("BUTTON") for what in visited), visited


@pytest.fixture
def confirmation_paths(browsed_stories) -> tuple[str, list[str]]:
    """An article with the comment form, and the pages confirming a report and a deletion."""
    from dateline.comments.notifications import delete_token

    english, _ = browsed_stories
    comment = make_comment(english, text="A view.", status=CommentStatus.APPROVED)
    confirmations = [f"/en/comments/{comment.pk}/report"]
    confirmations.append(f"/comments/delete/{delete_token(comment)}")
    return english.get_absolute_url(), confirmations


def test_the_comment_confirmation_buttons_are_the_sites_24px_targets(
    live_server, confirmation_paths, browser
):
    """The pages that confirm a report or a deletion hold one button each: a target of 24px
    and more, drawn as the comment form's is, not the browser's small grey default."""
    article, confirmations = confirmation_paths
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(live_server.url + article)
    drawn = "e => getComputedStyle(e).backgroundColor"
    sent = page.locator("form.comment-form button").evaluate(drawn)
    for path in confirmations:
        page.goto(live_server.url + path)
        button = page.locator("main form button")
        box = button.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, (path, box)
        assert button.evaluate(drawn) == sent, path
    page.close()
