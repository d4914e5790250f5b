"""Every kind of public page is valid HTML, by the Nu Html Checker (vnu), the W3C's validator.

`make setup` installs the checker under .tools/ (npm's vnu-jar; it needs Java). Without it the
test skips locally and fails in CI (DATELINE_REQUIRE_TOOLS or DATELINE_REQUIRE_BROWSER set)."""

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from dateline.discovery.search import reindex
from dateline.editions.models import Calendar
from dateline.site.pagination import PER_PAGE
from dateline.site.views import FRONT_LATEST, server_error
from dateline.stories.actions import correct_story, kill_story
from tests.factories import make_story
from tests.processes import PROJECT

pytestmark = pytest.mark.django_db

VNU_JAR = Path(
    os.environ.get("DATELINE_VNU_JAR")
    or PROJECT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def vnu_command() -> list[str]:
    java = shutil.which("java")
    missing = None if VNU_JAR.is_file() else f"no HTML checker at {VNU_JAR} (run `make setup`)"
    missing = missing or (None if java else "no `java` on PATH (the HTML checker needs Java)")
    if missing:
        if os.environ.get("DATELINE_REQUIRE_TOOLS") or os.environ.get("DATELINE_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


@pytest.fixture
def pages(client, editions, seed_story_or_none) -> dict[str, bytes]:
    """The HTML of every kind of public page, by a file name saying which it is."""
    en, fa = editions
    world = en.sections.get()
    now = timezone.now()
    for minutes in range(max(PER_PAGE, FRONT_LATEST) + 2):
        make_story(
            en,
            section=world,
            tags=("Water",),
            published_at=now - datetime.timedelta(minutes=minutes + 10),
        )
    english = make_story(
        en,
        section=world,
        tags=("Water", "آب"),
        byline="Sara Ahmadi",
        dateline_place="Tehran",
        dateline_source="IRNA",
        body="Second paragraph.\n\n## Sub-heading\n\n> A quote.\n\n- one\n- two",
    )
    persian = make_story(
        fa,
        section=fa.sections.get(),
        tags=("آب",),
        headline="بارش باران در تهران",
        lead="باران بارید.",
        byline="علی رضایی",
        dateline_place="تهران",
        dateline_source="ایرنا",
    )
    make_story(fa, section=fa.sections.get(), tags=("آب",), headline="سدها پر شدند")
    corrected = {
        "en": correct_story(
            make_story(en, section=world, byline="Sara Ahmadi", dateline_place="Karaj"),
            note="An earlier version misnamed the dam.",
        ),
        "fa": correct_story(
            make_story(fa, headline="سد کرج", lead="سد پر شد.", dateline_place="کرج"),
            note="نام سد اصلاح شد.",
        ),
    }
    withdrawn = {
        edition.code: kill_story(make_story(edition), reason="Withdrawn.") for edition in (en, fa)
    }
    paths = {
        "front-en": "/en/",
        "front-en-page-2": "/en/?page=2",
        "front-fa": "/fa/",
        "section": "/en/section/world/",
        "section-page-2": "/en/section/world/?page=2",
        "section-fa": "/fa/section/world/",
        "tag": "/en/tag/water/",
        "tag-fa": "/fa/tag/آب/",
        "article-en": english.get_absolute_url(),
        "article-fa": persian.get_absolute_url(),
        "article-en-corrected": corrected["en"].get_absolute_url(),
        "article-fa-corrected": corrected["fa"].get_absolute_url(),
        "withdrawn-en": withdrawn["en"].get_absolute_url(),
        "withdrawn-fa": withdrawn["fa"].get_absolute_url(),
        "not-found-en": "/en/no-such-page/",
        "not-found-fa": "/fa/section/no-such-section/",
        "search-en": "/en/search?q=water&section=world",
        "search-en-page-2": f"/en/search?q=story&page=2&to={now.date().isoformat()}",
        "search-fa": "/fa/search?q=باران",
        "search-message": "/en/search?q=%22*",
    }
    if seed_story_or_none is not None:
        paths["article-seed"] = seed_story_or_none.get_absolute_url()
    reindex()  # the stories above were made inside the test's transaction: no fan-out ran
    found = {}
    for name, path in paths.items():
        response = client.get(path)
        expected = {"not-found": 404, "withdrawn": 410}.get(name.rsplit("-", 1)[0], 200)
        assert response.status_code == expected, (path, response.status_code)
        found[name] = response.content
    fa.calendar = Calendar.SOLAR_HIJRI  # the date fields as text, one date unreadable
    fa.save()
    solar_hijri = client.get("/fa/search?q=باران&from=۱۴۰۵-۰۹-۰۵&to=۱۴۰۴-۱۲-۳۰")
    found["search-fa-solar-hijri"] = solar_hijri.content
    found["server-error"] = server_error(RequestFactory().get("/fa/news/1/x")).content
    refused = Client(enforce_csrf_checks=True).post(f"/fa/news/{persian.pk}/comment-form")
    assert refused.status_code == 403  # the form fragment takes no POST: no CSRF exemption
    found["refused-fa"] = refused.content
    return found


@pytest.fixture
def seed_story_or_none(request, editions):
    """The seed article (real wire copy) when ../shared is there."""
    from tests.paths import SEED

    return request.getfixturevalue("seed_story") if SEED.is_file() else None


def test_every_kind_of_public_page_is_valid_html(pages, tmp_path):
    command = vnu_command()
    for name, content in pages.items():
        (tmp_path / f"{name}.html").write_bytes(content)
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    # One JVM for all pages: it takes seconds to start.
    result = subprocess.run([*command, *files], capture_output=True, text=True, timeout=300)
    report = json.loads(result.stderr or '{"messages": []}')
    problems = [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m.get('message')}"
        f" [{m.get('extract', '').strip()}]"
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not problems, f"{len(problems)} errors:\n" + "\n".join(problems[:40])
    assert result.returncode == 0, result.stderr
