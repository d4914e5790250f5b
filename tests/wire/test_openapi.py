"""The OpenAPI document: served at /api/v1/openapi.json without a key (it holds no news),
and committed as docs/api/openapi.json, which must be what the code serves."""

import json

from django.test import Client

from tests.processes import PROJECT

COMMITTED = PROJECT / "docs" / "api" / "openapi.json"
REGENERATE = (
    '.venv/bin/dateline shell -v0 -c "import json; from dateline.wire.api import api; '
    'print(json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False))" '
    "> docs/api/openapi.json"
)


def served() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_committed_document_is_what_the_code_serves(db):
    assert served() == json.loads(COMMITTED.read_text(encoding="utf-8")), (
        f"docs/api/openapi.json has drifted from the code; regenerate it: {REGENERATE}"
    )


def test_the_document_says_how_to_authenticate_and_what_comes_back(db):
    document = served()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/v1/items",
        "/api/v1/items/{code}",
        "/api/v1/incoming",
        "/api/v1/search",
    }
    schemes = document["components"]["securitySchemes"]
    assert {scheme["scheme"] for scheme in schemes.values()} == {"bearer"}  # read, and send in
    listing = document["paths"]["/api/v1/items"]["get"]
    assert {"200", "401", "429"} <= set(listing["responses"])
    item = document["paths"]["/api/v1/items/{code}"]["get"]
    assert "application/vnd.iptc.g2.newsitem+xml" in item["responses"]["200"]["content"]
    assert {p["name"] for p in listing["parameters"]} == {"after", "limit", "format"}
    searching = document["paths"]["/api/v1/search"]["get"]
    assert {p["name"] for p in searching["parameters"]} == {
        "q", "edition", "section", "tag", "from", "to", "offset", "limit", "format",
    }  # fmt: skip
    assert {"200", "401", "422", "429"} <= set(searching["responses"])
