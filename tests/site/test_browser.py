"""The pages in a real browser: Debian's Chromium driven by Playwright."""

import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_article_renders_with_no_policy_violations_or_errors(live_server, browsed_stories, browser):
    english, _ = browsed_stories
    page = browser.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    response = page.goto(live_server.url + english.get_absolute_url())
    assert response.status == 200
    assert page.locator("h1").inner_text() == english.headline
    assert page.locator(".story-body h2").all_inner_texts() == ["Sub-heading"]
    # The stylesheet loaded under the CSP: the dateline-free lead is bold-ish (font-weight 500).
    assert page.locator(".lead").evaluate("e => getComputedStyle(e).fontWeight") == "500"
    page.get_by_role("link", name="Dams fill up after autumn rain").click()
    assert page.locator("h1").inner_text() == "Dams fill up after autumn rain"
    assert problems == []


def test_persian_front_is_laid_out_right_to_left(live_server, browsed_stories, browser):
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.goto(live_server.url + "/fa/")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    brand = page.locator(".brand").bounding_box()
    # Mirrored: the masthead name sits at the right edge, not the left.
    assert brand["x"] > 1200 / 2


def test_pages_work_on_a_phone_sized_screen(live_server, browsed_stories, browser):
    english, _ = browsed_stories
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(live_server.url + english.get_absolute_url())
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


@pytest.fixture
def mixed_datelines(editions):
    """A Persian place in an English dateline; English place and source in a Persian one."""
    from tests.factories import make_story

    en, fa = editions
    english = make_story(en, dateline_place="تهران", dateline_source="IRNA")
    persian = make_story(
        fa,
        headline="گفت‌وگوها در لندن",
        lead="خبرنگاران گفتند.",
        dateline_place="London",
        dateline_source="Reuters",
    )
    return english, persian


def test_a_dateline_reads_place_first_in_either_direction(live_server, mixed_datelines, browser):
    english, persian = mixed_datelines
    page = browser.new_page(viewport={"width": 1200, "height": 800})

    def place_and_source_x() -> tuple[float, float]:
        place, source = page.locator(".lead .dateline bdi").all()
        return place.bounding_box()["x"], source.bounding_box()["x"]

    page.goto(live_server.url + english.get_absolute_url())
    place_x, source_x = place_and_source_x()
    assert place_x < source_x  # "تهران, IRNA –": the place on the left
    page.goto(live_server.url + persian.get_absolute_url())
    place_x, source_x = place_and_source_x()
    assert place_x > source_x  # "London- Reuters-" read from the right: the place first


@pytest.fixture
def editor_account():
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-passphrase")


def test_newsroom_sign_in_works_under_the_content_security_policy(
    live_server, editor_account, browser
):
    page = browser.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: problems.append(r.url) if r.status >= 400 else None)
    page.goto(live_server.url + "/newsroom/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-passphrase")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/newsroom/")
    assert "Dateline newsroom" in page.title()
    assert problems == []


def test_the_persian_search_box_turns_to_a_latin_query_and_keeps_its_place_empty(
    live_server, browsed_stories, browser
):
    page = browser.new_page()
    page.goto(live_server.url + "/fa/")
    box = page.locator("#site-search-q")
    assert box.evaluate("e => getComputedStyle(e).direction") == "rtl"  # the placeholder's
    box.fill("oil prices?")
    assert box.evaluate("e => getComputedStyle(e).direction") == "ltr"  # not "?oil prices"


@pytest.fixture
def solar_hijri_stories(editions):
    """A Persian edition of the Solar Hijri calendar, a story of 26 November 2026 (5 Azar 1405)
    in it and one of 1 August."""
    from dateline.editions.models import Calendar
    from tests.factories import make_story

    fa = editions[1]
    fa.calendar = Calendar.SOLAR_HIJRI
    fa.save()
    for headline, month, day in (("بودجه پاییز", 11, 26), ("بودجه تابستان", 8, 1)):
        at = datetime.datetime(2026, month, day, 9, tzinfo=datetime.UTC)
        make_story(fa, headline=headline, published_at=at)


def test_a_persian_reader_types_a_solar_hijri_date_in_persian_digits(
    live_server, solar_hijri_stories, browser
):
    page = browser.new_page()
    page.goto(live_server.url + "/fa/search?q=بودجه")
    since = page.get_by_label("از", exact=True)
    since.click()
    page.keyboard.type("۱۴۰۵-۰۹-۰۵")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".search-results h2").all_inner_texts() == ["بودجه پاییز"]
    assert page.get_by_label("از", exact=True).input_value() == "۱۴۰۵-۰۹-۰۵"


def _ink_centre(box) -> float:
    """Where the text drawn in a form field sits, from 0 (its left edge) to 1 (its right)."""
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(box.screenshot())).convert("L")
    width, height = image.size
    inner = image.crop((6, 6, width - 6, height - 6))  # the border and padding aside
    columns = [
        x for x in range(inner.width) for y in range(inner.height) if inner.getpixel((x, y)) < 128
    ]
    return sum(columns) / len(columns) / inner.width


def test_the_persian_form_fields_start_right_to_left_and_show_a_latin_line_left_to_right(
    live_server, browsed_stories, browser
):
    """Empty, the search page's box and the comment form's name and text are right to left,
    as the page is (the caret where a Persian reader starts typing, not at the far left);
    typed into, each line shows in its own direction."""
    _, persian = browsed_stories
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for path, fields in (
        ("/fa/search", ["#search-page-q"]),
        (persian.get_absolute_url(), ["#comment-name", "#comment-text"]),
    ):
        page.goto(live_server.url + path)
        for field in fields:
            box = page.locator(field)
            assert box.evaluate("e => getComputedStyle(e).direction") == "rtl", field
            box.fill("Hi")
            assert _ink_centre(box) < 0.5, field
            box.fill("سلام")
            assert _ink_centre(box) > 0.5, field
