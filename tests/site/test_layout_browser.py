"""The layout in Debian's Chromium: nothing widens a page or runs over a column, the front's lead
comes first and largest, section blocks leave no empty column, the Persian font is applied (and
never downloaded by the English edition), and print leaves out what paper does not need."""

import datetime
import itertools

import pytest
from django.conf import settings
from django.utils import timezone

from dateline.site.webfonts import VAZIRMATN
from dateline.stories.content import MAX_LEAD_CHARS
from tests.factories import make_section, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LONG_WORD = "x" * 5000
LONG_PERSIAN_WORD = "آزمایش" * 834  # about 5,000 letters, all joined
# A wire-copy table: in Markdown table syntax, and as the run-together row some feeds send.
WIDE_TABLE = (
    "| " + " | ".join(f"Column {n}" for n in range(40)) + " |\n"
    "|" + "---|" * 40 + "\n"
    "| "
    + " | ".join(f"{n * 1234.5:,}" for n in range(40))
    + " |\n\n"
    + "|".join(f"{n * 97:09d}" for n in range(400))
)


def overlong_story(edition, word: str, hours: int):
    """Headline, byline and lead at their length limits (300, 200, 3,000 characters), each
    and the body one unbroken word, the body with a wide table and a long link too."""
    return make_story(
        edition,
        section=edition.sections.get(),
        headline=word[:300],
        lead=word[:MAX_LEAD_CHARS],
        body=f"{word}\n\n{WIDE_TABLE}\n\n[https://example.org/{word}](https://example.org/{word})",
        byline=word[:200],
        tags=(word[:120],),
        published_at=timezone.now() - datetime.timedelta(hours=hours),
    )


@pytest.fixture
def overlong_paths(editions) -> list[str]:
    """Front, section, tag and article pages of both editions showing overlong stories: one
    leads the front, the other is in the latest list, both are in the section block."""
    paths = []
    for edition, word in zip(editions, (LONG_WORD, LONG_PERSIAN_WORD), strict=True):
        stories = [overlong_story(edition, word, hours) for hours in (1, 2)]
        make_story(edition, section=edition.sections.get(), headline="Short")
        tag = stories[0].tags.get()
        paths += [f"/{edition.code}/", f"/{edition.code}/section/world/"]
        paths += [f"/{edition.code}/tag/{tag.slug}/", stories[0].get_absolute_url()]
    return paths


def test_no_page_is_wider_than_a_phone(live_server, overlong_paths, browser):
    page = browser.new_page(viewport=PHONE)
    widths = {}
    for path in overlong_paths:
        assert page.goto(live_server.url + path).status == 200, path
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    assert widths == dict.fromkeys(overlong_paths, PHONE["width"])


# Every column of the front, and whether its content stays inside it.
OVERFLOWING_COLUMNS = """() => [...document.querySelectorAll(
    '.story-list > li, .section-block, .section-block li')]
  .filter(e => e.scrollWidth > e.clientWidth)
  .map(e => e.className || e.tagName)"""
OVERLAPPING_COLUMNS = """() => {
  const boxes = [...document.querySelectorAll('.story-list > li, .section-block')]
    .map(e => e.getBoundingClientRect());
  const overlaps = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
    && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  return boxes.flatMap((a, i) => boxes.slice(i + 1).filter(b => overlaps(a, b))).length;
}"""


def test_nothing_runs_over_the_next_column_on_the_desktop_front(
    live_server, overlong_paths, browser
):
    page = browser.new_page(viewport=DESKTOP)
    for path in ("/en/", "/fa/"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") == DESKTOP["width"], path
        assert page.locator(".story-list > li").count() == 3, path
        assert page.evaluate(OVERFLOWING_COLUMNS) == [], path
        assert page.evaluate(OVERLAPPING_COLUMNS) == 0, path


@pytest.fixture
def busy_front(editions) -> list[str]:
    """Both fronts with more stories than the latest list holds, and sections holding four,
    three, two and one story: every way a row of blocks or of stories can end short."""
    headlines = []
    now = timezone.now()
    for edition in editions:
        sections = [edition.sections.get()]
        sections += [make_section(edition, f"desk-{n}", f"Desk {n}") for n in range(4)]
        for n, section in enumerate(sections):
            for m in range(max(1, 4 - n)):
                at = now - datetime.timedelta(hours=n * 4 + m + 1)
                make_story(
                    edition,
                    section=section,
                    headline=f"{edition.code} story {n}.{m}",
                    published_at=at,
                )
        headlines.append(f"{edition.code} story 0.0")
    return headlines


def test_the_lead_story_is_first_and_largest(live_server, busy_front, browser):
    page = browser.new_page(viewport=DESKTOP)
    for code, newest in zip(("en", "fa"), busy_front, strict=True):
        page.goto(f"{live_server.url}/{code}/")
        first = page.locator(".story-list > li").first
        assert first.get_attribute("class") == "lead-story"
        assert first.locator("h2").inner_text() == newest
        sizes = page.locator(".story-list h2, .section-block h3").evaluate_all(
            "hs => hs.map(h => parseFloat(getComputedStyle(h).fontSize))"
        )
        assert sizes[0] > 1.5 * max(sizes[1:]), code
        boxes = [
            item.bounding_box() for item in page.locator(".story-list > li, .section-block").all()
        ]
        lead, others = boxes[0], boxes[1:]
        assert all(lead["width"] >= box["width"] for box in others), code
        assert all(lead["y"] < box["y"] for box in others), code


# For every row of a wrapping container (children grouped by their top), how far the row's
# last child stops short of the container's far edge: an empty column leaves a gap there.
ROW_GAPS = """(rtl) => [...document.querySelectorAll('.section-blocks, .section-block ul')]
  .flatMap(container => {
    const box = container.getBoundingClientRect();
    const rows = new Map();
    for (const child of container.children) {
      const b = child.getBoundingClientRect();
      const key = Math.round(b.top);
      rows.set(key, [...(rows.get(key) || []), b]);
    }
    return [...rows.values()].map(row => rtl
      ? Math.min(...row.map(b => b.left)) - box.left
      : box.right - Math.max(...row.map(b => b.right)));
  })"""


@pytest.mark.parametrize("width", [1280, 1000, 800, 600, 390])
def test_section_blocks_leave_no_empty_column(live_server, busy_front, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    for code, rtl in (("en", False), ("fa", True)):
        page.goto(f"{live_server.url}/{code}/")
        assert page.locator(".section-block").count() == 5
        gaps = page.evaluate(ROW_GAPS, rtl)
        assert gaps and max(gaps) < 1, (code, gaps)


LABELS_BESIDE_FIELDS = """() => [...document.querySelectorAll('.search-filters label[for]')]
  .map(label => {
    const field = document.getElementById(label.htmlFor).getBoundingClientRect();
    const box = label.getBoundingClientRect();
    return [label.htmlFor, Math.abs((box.top + box.bottom) - (field.top + field.bottom)) / 2];
  })"""


@pytest.mark.parametrize("width", [1280, 600, 390, 320])
def test_each_search_filter_stays_on_the_line_of_its_label(live_server, busy_front, browser, width):
    """The filters wrap as the screen narrows, a label with its field, never a label at the end
    of one line and its field at the start of the next."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    for code in ("en", "fa"):
        page.goto(f"{live_server.url}/{code}/search?q=news")
        apart = page.evaluate(LABELS_BESIDE_FIELDS)
        assert len(apart) == 3 and all(distance < 4 for _, distance in apart), (code, apart)


# What has the focus, where it is on the screen, and whether it is in the masthead.
FOCUSED = """() => {
  const e = document.activeElement;
  const box = e.getBoundingClientRect();
  return [e.textContent.trim() || e.id, box.top, box.bottom, !!e.closest('.masthead')];
}"""


@pytest.mark.parametrize("width", [1280, 375])
def test_the_keyboard_never_goes_back_up_the_masthead(live_server, busy_front, browser, width):
    """Tab moves through the masthead line by line as it is shown: on a phone the search box,
    on its own line under the brand, comes before the sections under it; on a desktop the
    sections' line comes last, not before the search box above it."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    for code in ("en", "fa"):
        page.goto(f"{live_server.url}/{code}/")
        reached = []
        for _ in range(11):  # the skip link, the masthead, then the page
            page.keyboard.press("Tab")
            reached.append(page.evaluate(FOCUSED))
        masthead = [where for where in reached if where[3]]
        assert len(masthead) == 9, reached  # brand, other edition, box, button, five sections
        for (_, before_top, _, _), (_, _, after_bottom, _) in itertools.pairwise(masthead):
            assert after_bottom > before_top, (code, masthead)  # not on a line above


@pytest.fixture
def vazirmatn_installed():
    if not (settings.INSTALLED_STATIC_DIR / VAZIRMATN).is_file():
        pytest.skip("Vazirmatn is not installed (make setup without npm)")


VAZIRMATN_FACES = """async () => {
  await document.fonts.ready;
  return [...document.fonts].filter(f => f.family.replaceAll('"', '') === 'Vazirmatn')
    .map(f => f.status);
}"""


def test_the_persian_article_is_right_to_left_in_vazirmatn(
    live_server, browsed_stories, vazirmatn_installed, browser
):
    english, persian = browsed_stories
    page = browser.new_page(viewport=PHONE)
    fonts = []
    page.on("request", lambda r: fonts.append(r.url) if r.resource_type == "font" else None)
    page.goto(live_server.url + persian.get_absolute_url())
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    headline = page.locator("h1")
    family = headline.evaluate("h => getComputedStyle(h).fontFamily")
    assert family.split(",")[0].strip('"') == "Vazirmatn"
    assert page.evaluate(VAZIRMATN_FACES) == ["loaded"]
    assert page.evaluate("document.fonts.check('1em Vazirmatn', 'باران')")
    assert [url.rsplit("/", 1)[-1].split(".")[0] for url in fonts] == ["vazirmatn-nl-variable"]
    # The English edition declares no such face and downloads no font at all.
    fonts.clear()
    page.goto(live_server.url + english.get_absolute_url())
    assert page.evaluate(VAZIRMATN_FACES) == []
    assert fonts == []


PRINTED = """() => ({
  hidden: ['.masthead nav', '.story-aside', '.comments', '.share', '.skip-link']
    .filter(s => document.querySelector(s))
    .map(s => [s, getComputedStyle(document.querySelector(s)).display]),
  linkAddress: getComputedStyle(document.querySelector('.story-body a'), '::after').content,
})"""


def test_print_leaves_out_navigation_comments_asides_and_shows_link_addresses(
    live_server, browsed_stories, browser
):
    english, _ = browsed_stories
    page = browser.new_page()
    page.goto(live_server.url + english.get_absolute_url())
    page.emulate_media(media="print")
    printed = page.evaluate(PRINTED)
    assert [selector for selector, _ in printed["hidden"]] == [
        ".masthead nav",
        ".story-aside",
        ".comments",
        ".share",
        ".skip-link",
    ]
    assert all(display == "none" for _, display in printed["hidden"])
    assert printed["linkAddress"] == '" (https://example.org)"'
    page.emulate_media(media="screen")
    assert page.locator(".share").is_visible()


@pytest.fixture
def english_in_persian(editions):
    """An English story in the Persian edition, picked for a Persian story's Related News."""
    from dateline.stories.actions import choose_related

    _, fa = editions
    english = make_story(
        fa,
        headline="Magma lowers copper price by three quarters of a cent to sixty six cents",
        lead="Magma Copper Co said it is lowering its copper cathode price.",
        language="en",
    )
    persian = make_story(fa, headline="بارش باران در تهران", lead="باران بارید.")
    choose_related(persian, english.code, "pick")
    return persian


def test_text_in_the_other_script_keeps_its_own_line_height_and_alignment(
    live_server, english_in_persian, browser
):
    """An English story in the Persian edition: its teaser is set as English is (not at the
    Persian 1.9), and its headline in Related News wraps from the left, its own start."""
    page = browser.new_page(viewport=PHONE)
    page.goto(live_server.url + "/fa/")
    teaser = page.locator("p.teaser[lang='en']").first
    ratio = (
        "p => parseFloat(getComputedStyle(p).lineHeight) / parseFloat(getComputedStyle(p).fontSize)"
    )
    assert teaser.evaluate(ratio) == pytest.approx(1.6)
    page.goto(live_server.url + english_in_persian.get_absolute_url())
    link = page.locator(".related li > a[lang='en']")
    box, item = link.bounding_box(), page.locator(".related li").first.bounding_box()
    assert box["x"] == pytest.approx(item["x"], abs=1)  # starts at the left: its own start
    assert link.evaluate("a => getComputedStyle(a).display") == "block"
