import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from dateline.stories.actions import correct_story, embargo_story, kill_story
from dateline.wire.subscribers import add_subscriber
from tests.factories import make_edition, make_section, make_story
from tests.paths import SHARED

IPTC = SHARED / "data" / "iptc"
NEWSML_TYPE = "application/vnd.iptc.g2.newsitem+xml"


@pytest.fixture
def editions(db):
    en = make_edition("en", name="Dateline English", timezone="Asia/Tehran")
    fa = make_edition("fa", name="دیت‌لاین فارسی")
    make_section(en, "world", "World")
    make_section(fa, "world", "جهان")
    return en, fa


@pytest.fixture
def issued(editions):
    """A subscriber to every edition, and its key."""
    return add_subscriber("Every Edition Daily")


def wire(key: str | None = None) -> Client:
    """An HTTP client sending `key` as a bearer token (none: anonymous)."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return Client(**headers)


def pull(client: Client, after: int = 0, limit: int = 100, **query) -> dict:
    response = client.get("/api/v1/items", {"after": after, "limit": limit, **query})
    assert response.status_code == 200, response.content
    return json.loads(response.content)


@pytest.fixture
def stories(editions):
    """One story of each kind the wire sends, in both editions: plain, corrected, embargoed,
    killed; each with a dateline, a byline and tags."""
    en, fa = editions
    soon = timezone.now() + datetime.timedelta(hours=2)
    made = {}
    for edition, place, words in ((en, "TEHRAN", "Rail"), (fa, "تهران", "راه‌آهن")):
        code = edition.code
        common = {
            "byline": f"By {words} Desk",
            "dateline_place": place,
            "tags": (words, "Politics"),
        }
        made[f"{code}-plain"] = make_story(edition, headline=f"{words} plain", **common)
        corrected = make_story(edition, headline=f"{words} corrected", **common)
        made[f"{code}-corrected"] = correct_story(
            corrected, note=f"An earlier version misnamed the {words} minister.", lead="Fixed."
        )
        embargoed = make_story(edition, headline=f"{words} embargoed", published=False, **common)
        made[f"{code}-embargoed"] = embargo_story(embargoed, until=soon)
        killed = make_story(edition, headline=f"{words} killed", **common)
        made[f"{code}-killed"] = kill_story(killed, reason="Legal asked for it")
    return made


def need_shared(path):
    if not path.exists():
        pytest.skip(
            f"IPTC's schemas are not at {path} (../shared is absent; set DATELINE_SHARED_DIR)"
        )
    return path


@pytest.fixture(scope="module")
def ninjs_validators():
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    geo = Resource.from_contents({}, default_specification=DRAFT202012)
    registry = Registry().with_resource("https://geojson.org/schema/GeoJSON.json", geo)
    validators = {}
    for version in ("3.3", "2.4"):
        schema = json.loads(
            need_shared(IPTC / "ninjs" / f"ninjs-schema_{version}.json").read_text()
        )
        validators[version] = Draft202012Validator(
            schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
    return validators


def schema_errors(validator, document) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]
