import datetime
import io
import tomllib

import pytest
from django.core.management import call_command

from dateline.copy import parse_text
from dateline.demo.loading import CONTENT_DIR
from dateline.editions.models import Edition
from dateline.stories.models import Story

pytestmark = pytest.mark.django_db

CATALOG = tomllib.loads((CONTENT_DIR / "catalog.toml").read_text(encoding="utf-8"))


def loaddemo() -> str:
    out = io.StringIO()
    call_command("loaddemo", stdout=out)
    return out.getvalue()


def test_demo_loads_two_editions_and_every_story_public():
    loaddemo()
    assert {e.code: e.direction for e in Edition.objects.all()} == {"en": "ltr", "fa": "rtl"}
    assert Edition.objects.default().code == "en"
    assert Story.objects.public().count() == len(CATALOG["stories"]) >= 20
    for code in ("en", "fa"):
        edition = Edition.objects.get(code=code)
        assert edition.follow_links.exists()
        assert edition.sections.count() >= 3
        in_edition = Story.objects.public().in_edition(edition)
        assert in_edition.values("section").distinct().count() == edition.sections.count()


def test_running_it_again_keeps_what_is_there():
    loaddemo()
    story = Story.objects.order_by("code").first()
    Edition.objects.filter(code="en").update(name="Renamed by an editor")
    out = loaddemo()
    assert "0 editions and 0 stories added" in out
    assert Story.objects.count() == len(CATALOG["stories"])
    assert Story.objects.order_by("code").first().code == story.code
    assert Edition.objects.get(code="en").name == "Renamed by an editor"


@pytest.mark.parametrize("entry", CATALOG["stories"], ids=lambda e: e["file"])
def test_every_demo_story_parses_cleanly_with_a_dateline(entry):
    path = CONTENT_DIR / entry["file"]
    parsed = parse_text(path.read_bytes(), name=path.name, now=datetime.datetime.now(datetime.UTC))
    assert parsed.warnings == []
    assert parsed.dateline is not None and parsed.dateline.source
    assert parsed.stripped == []


def test_demo_comments_are_approved_threaded_and_loaded_once(client):
    assert "5 reader comments added" in loaddemo()
    assert "0 reader comments added" in loaddemo()
    from dateline.comments.models import Comment

    assert Comment.objects.filter(status="approved").count() == len(CATALOG["comments"])
    reply = Comment.objects.get(name="Tom Becker")
    page = client.get(reply.story.get_absolute_url()).content.decode()
    assert f'id="c{reply.pk}"' in page and "Leila Ahmadi" in page
