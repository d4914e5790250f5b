import io
import itertools
import os
import shutil
import time
import types

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from dateline.comments import defences
from dateline.stories.models import Story
from tests.factories import make_edition, make_section, make_story


def page(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def editions(db):
    en = make_edition("en", name="Dateline English", timezone="Asia/Tehran")
    fa = make_edition("fa", name="دیت‌لاین فارسی")
    make_section(en, "world", "World")
    make_section(fa, "world", "جهان")
    return en, fa


@pytest.fixture
def seed_story(editions, seed_path) -> Story:
    call_command(
        "import",
        str(seed_path),
        "--publish",
        "--edition",
        "en",
        "--section",
        "world",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return Story.objects.get()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium reaches for Google's services, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser():
    """Debian's Chromium under Playwright. Request it after the fixtures that write to the
    database: Playwright's event loop makes Django refuse ORM calls from this thread."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("DATELINE_REQUIRE_BROWSER"):
            pytest.fail(f"no Chromium at {CHROMIUM}; install Debian's chromium package")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium to run browser tests)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browsed_stories(editions) -> tuple[Story, Story]:
    """An English story with a sub-heading, a link and a related story; a Persian story."""
    en, fa = editions
    english = make_story(
        en,
        section=en.sections.get(),
        tags=("Water",),
        body="Second paragraph.\n\n## Sub-heading\n\nThird, with a [link](https://example.org).",
    )
    make_story(en, tags=("Water",), headline="Dams fill up after autumn rain")
    persian = make_story(
        fa, section=fa.sections.get(), headline="بارش باران در تهران", lead="باران بارید."
    )
    return english, persian


@pytest.fixture
def form_clock(monkeypatch):
    """The form token's clock, a millisecond on at each token: on an idle machine two pages
    are made within the same millisecond, and their tokens, rightly, are then the same."""
    ticks = itertools.count(time.time(), 0.001)
    monkeypatch.setattr(defences, "time", types.SimpleNamespace(time=lambda: next(ticks)))
