"""Every newsroom screen: no inline code (the Content Security Policy forbids it), valid HTML,
never cached, never indexed; and staff sessions."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from dateline.stories import actions
from dateline.stories.models import Status
from tests.accounts.signing_in import newsroom_client, sign_in, signed_in
from tests.newsroom.conftest import client_for, form_data, post, story_in
from tests.prefix import asked_under
from tests.processes import PROJECT

pytestmark = pytest.mark.django_db

VNU_JAR = Path(
    os.environ.get("DATELINE_VNU_JAR")
    or PROJECT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def vnu_command() -> list[str]:
    """The Nu Html Checker, as tests/site/test_html_validity.py runs it (`make setup`)."""
    java = shutil.which("java")
    missing = None if VNU_JAR.is_file() else f"no HTML checker at {VNU_JAR} (run `make setup`)"
    missing = missing or (None if java else "no `java` on PATH (the HTML checker needs Java)")
    if missing:
        if os.environ.get("DATELINE_REQUIRE_TOOLS") or os.environ.get("DATELINE_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


@pytest.fixture
def screens(newsroom):
    """The HTML of every kind of newsroom screen, by name."""
    story = story_in(newsroom, Status.PUBLISHED, dateline_place="Tehran", tags=[])
    actions.edit_story(story, base_version=1, lead="A second version.")
    actions.create_story(
        edition=newsroom["en"], headline="Wire copy", lead="L.", source_id="x:1", source_name="f"
    )
    scheduled = story_in(newsroom, Status.SCHEDULED)
    chief, reporter = client_for(newsroom["chief"]), client_for(newsroom["reporter"])
    story.refresh_from_db()
    conflict = form_data(story, base_version=1, lead="Mine.", action="save")
    pages = {
        "list": chief.get("/newsroom/"),
        "list-filtered": chief.get("/newsroom/?status=draft&edition=en"),
        "list-bad-filter": chief.get("/newsroom/?status=nope"),
        "incoming": chief.get("/newsroom/incoming/"),
        "scheduled": chief.get("/newsroom/scheduled/"),
        "audit": chief.get("/newsroom/audit/"),
        "new": reporter.get("/newsroom/stories/new/"),
        "edit": chief.get(f"/newsroom/stories/{story.pk}/"),
        "edit-scheduled": chief.get(f"/newsroom/stories/{scheduled.pk}/"),
        "edit-read-only": client_for(newsroom["other_reporter"]).get(
            f"/newsroom/stories/{scheduled.pk}/"
        ),
        "edit-errors": post(
            chief, f"/newsroom/stories/{story.pk}/", form_data(story, headline="", action="save")
        ),
        "conflict": post(chief, f"/newsroom/stories/{story.pk}/", conflict),
        "history": chief.get(f"/newsroom/stories/{story.pk}/history/"),
        "forbidden": client_for(newsroom["moderator"]).get("/newsroom/"),
        "password": chief.get("/newsroom/password/"),
        "login": client_for(None).get("/newsroom/login/"),
        "preview": chief.get(f"/newsroom/stories/{story.pk}/preview/"),
        "form-expired": chief.post(
            f"/newsroom/stories/{story.pk}/",
            {**form_data(story, body="Typed.", action="save"), "csrfmiddlewaretoken": "stale"},
        ),
        "too-large": chief.post(
            f"/newsroom/stories/{story.pk}/",
            urlencode(form_data(story, body="x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE)),
            content_type="application/x-www-form-urlencoded",
        ),
    }
    expected = {"conflict": 409, "forbidden": 403, "form-expired": 403, "too-large": 413}
    for name, response in pages.items():
        assert response.status_code == expected.get(name, 200), name
    return pages


def test_no_screen_carries_inline_scripts_styles_or_handlers(screens):
    for name, response in screens.items():
        soup = BeautifulSoup(response.content, "html.parser")
        assert all(script.get("src") for script in soup.find_all("script")), name
        assert soup.find("style") is None, name
        for tag in soup.find_all(True):
            assert "style" not in tag.attrs, (name, tag.name)
            assert not [a for a in tag.attrs if a.startswith("on")], (name, tag.name)
        assert "'unsafe-" not in response["Content-Security-Policy"], name


def test_no_screen_is_kept_by_a_browser_or_a_search_engine(screens):
    for name, response in screens.items():
        assert response["Cache-Control"] == "private, no-store", name
        robots = BeautifulSoup(response.content, "html.parser").find("meta", {"name": "robots"})
        assert robots["content"].startswith("noindex"), name


def test_every_screen_is_valid_html(screens, tmp_path):
    command = vnu_command()
    for name, response in screens.items():
        (tmp_path / f"{name}.html").write_bytes(response.content)
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run([*command, *files], capture_output=True, text=True, timeout=300)
    report = json.loads(result.stderr or '{"messages": []}')
    problems = [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m.get('message')}"
        f" [{m.get('extract', '').strip()}]"
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not problems, f"{len(problems)} errors:\n" + "\n".join(problems[:40])


# --- staff sessions -----------------------------------------------------------------------------


def test_changing_the_password_ends_every_other_session_but_this_one(newsroom):
    member = newsroom["editor"]
    member.set_password("the-old-passphrase")
    member.save()
    desk, laptop = newsroom_client("203.0.113.1"), newsroom_client("203.0.113.2")
    assert signed_in(sign_in(desk, "eddie", "the-old-passphrase"))
    assert signed_in(sign_in(laptop, "eddie", "the-old-passphrase"))
    response = post(
        desk,
        "/newsroom/password/",
        {
            "old_password": "the-old-passphrase",
            "new_password1": "a-brand-new-passphrase-77",
            "new_password2": "a-brand-new-passphrase-77",
        },
    )
    assert response.status_code == 302
    assert desk.get("/newsroom/").status_code == 200  # this session goes on
    assert laptop.get("/newsroom/")["Location"].startswith("/newsroom/login/")  # that one ended
    assert signed_in(sign_in(laptop, "eddie", "a-brand-new-passphrase-77"))


def test_a_wrong_old_password_changes_nothing(newsroom):
    browser = client_for(newsroom["editor"])
    response = post(
        browser,
        "/newsroom/password/",
        {
            "old_password": "wrong",
            "new_password1": "x-9-long-enough",
            "new_password2": "x-9-long-enough",
        },
    )
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").find(id="id_old_password_error")
    newsroom["editor"].refresh_from_db()
    assert newsroom["editor"].check_password("correct horse battery")


def test_the_session_cookie_is_http_only_and_same_site(newsroom):
    browser = newsroom_client()
    newsroom["editor"].set_password("the-old-passphrase")
    newsroom["editor"].save()
    sign_in(browser, "eddie", "the-old-passphrase")
    cookie = browser.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_the_link_to_a_public_story_follows_the_prefix_the_newsroom_is_served_under(newsroom):
    """Behind a proxy's path (WSGI SCRIPT_NAME, which Django's handler makes the script prefix;
    the test client does not), the editor's "On the site" link leads under the same path."""
    story = story_in(newsroom, Status.PUBLISHED)
    client = client_for(newsroom["editor"])

    def on_the_site(prefix: str) -> str:
        response = asked_under(prefix, client.get, f"/newsroom/stories/{story.pk}/")
        return BeautifulSoup(response.content, "html.parser").find("a", string="On the site")[
            "href"
        ]

    assert on_the_site("/") == f"/en/news/{story.code}/{story.slug}"
    assert on_the_site("/agency/") == f"/agency/en/news/{story.code}/{story.slug}"
