"""Every kind of public page passes axe-core's WCAG 2.1 A and AA rules in a real Chromium."""

import pytest

from dateline.stories.actions import correct_story, kill_story
from tests.factories import make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def paths(browsed_stories):
    english, persian = browsed_stories
    en, fa = english.edition, persian.edition
    corrected = [
        correct_story(make_story(en, tags=("Water",)), note="An earlier version misnamed it."),
        correct_story(make_story(fa, headline="سد کرج", lead="سد پر شد."), note="اصلاح شد."),
    ]
    withdrawn = [kill_story(make_story(edition), reason="Withdrawn.") for edition in (en, fa)]
    return [
        "/en/",
        "/fa/",
        "/en/section/world/",
        "/en/tag/water/",
        english.get_absolute_url(),
        persian.get_absolute_url(),
        *[story.get_absolute_url() for story in corrected],
        *[story.get_absolute_url() for story in withdrawn],  # 410, in English and Persian
        "/en/no-such-page/",
        "/en/search?q=dams",  # results, marked words, filters
        "/fa/search?q=باران",
        "/en/search?q=%22*",  # a message instead of results
    ]


def test_public_pages_have_no_wcag_violations(live_server, paths, browser):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    reports = {}
    for viewport in ({"width": 1280, "height": 900}, {"width": 360, "height": 740}):
        page = browser.new_page(viewport=viewport)
        for path in paths:
            page.goto(live_server.url + path)
            results = axe.run(page, options=WCAG_AA)
            if results.violations_count:
                reports[(path, viewport["width"])] = results.generate_report()
        page.close()
    assert not reports, "\n".join(f"{key}:\n{report}" for key, report in reports.items())
