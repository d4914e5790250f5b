"""Linked versions and the edition switcher in Debian's Chromium: axe-core's WCAG AA rules, a
long headline in a translation link not widening the page, the switcher and the translation
link reachable and followed; and the pages valid HTML by the Nu checker."""

import json
import subprocess
from pathlib import Path

import pytest

from dateline.stories.actions import link_translation
from tests.factories import make_story
from tests.site.test_html_validity import vnu_command

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def linked(browsed_stories):
    english, persian = browsed_stories
    # A Persian headline long enough to wrap, with one unbroken word, in the English page.
    persian_long = make_story(
        persian.edition,
        headline="خط آهن " + "ب" * 280,
        section=persian.edition.sections.get(),
    )
    link_translation(english, persian_long.pk)
    return english, persian_long


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_linked_pages_pass_axe_fit_a_phone_and_the_links_lead_on(live_server, linked, browser):
    from axe_playwright_python.sync_playwright import Axe

    english, persian = linked
    paths = [english.get_absolute_url(), persian.get_absolute_url(), "/en/", "/fa/"]
    axe, reports = Axe(), {}
    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 800}):
        page = browser.new_page(viewport=viewport)
        for path in paths:
            page.goto(live_server.url + path)
            results = axe.run(page, options=WCAG_AA)
            if results.violations_count:
                reports[(path, viewport["width"])] = results.generate_report()
            if path == english.get_absolute_url():  # the long headline in a translation link
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], width
            assert page.locator("nav.edition-switch a").first.is_visible()
        page.close()
    assert not reports, "\n".join(f"{key}:\n{report}" for key, report in reports.items())

    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(live_server.url + english.get_absolute_url())
    page.locator("nav.translations a").click()
    page.wait_for_url(f"**/fa/news/{persian.pk}/**")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("nav.edition-switch a", has_text="English").click()
    page.wait_for_url("**/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.close()


@pytest.mark.django_db
def test_linked_pages_are_valid_html(client, linked, tmp_path):
    command = vnu_command()
    for story in linked:
        response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        (tmp_path / f"{story.edition.code}.html").write_bytes(response.content)
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run([*command, *files], capture_output=True, text=True, timeout=300)
    report = json.loads(result.stderr or '{"messages": []}')
    problems = [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m.get('message')}"
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not problems, "\n".join(problems)
