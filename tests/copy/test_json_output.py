"""The JSON a parsed story becomes (`dateline parse` prints it): every field, under its own name,
with dates as ISO 8601 and absent values as null."""

import datetime
import json

from dateline.copy import Block, Dateline, ParsedStory
from dateline.copy.render import body_html, body_markdown

PUBLISHED = datetime.datetime(1987, 2, 26, 15, 1, 1, tzinfo=datetime.UTC)
BLOCKS = [
    Block("p", "Second paragraph."),
    Block("h2", "What comes next"),
    Block("p", "Third paragraph."),
    Block("h2", "Reactions"),
]
FIELDS = {
    "headline",
    "byline",
    "language",
    "direction",
    "dateline",
    "lead",
    "blocks",
    "body_html",
    "body_markdown",
    "subheadings",
    "stripped",
    "warnings",
    "source",
    "source_id",
    "source_version",
    "tags",
    "published_at",
}


def story(**changes) -> ParsedStory:
    fields = {
        "headline": "Talks resume in Vienna",
        "language": "en",
        "direction": "ltr",
        "dateline": Dateline(
            "Vienna", datetime.date(2026, 4, 18), "IRNA", "Vienna, April 18, IRNA –"
        ),
        "lead": "Talks resumed on Monday.",
        "blocks": list(BLOCKS),
        "stripped": ["Follow us on Twitter"],
        "warnings": ["vienna.txt: a warning"],
        "source_name": "vienna.txt",
        "source_id": "reuters21578:42",
        "published_at": PUBLISHED,
        "tags": {"places": ["austria", "iran"], "topics": ["energy"]},
        "byline": "By Jane Smith",
    }
    fields.update(changes)
    return ParsedStory(**fields)


def test_every_field_under_its_own_name():
    parsed = story()
    data = parsed.to_json_dict()
    assert set(data) == FIELDS
    assert data["headline"] == "Talks resume in Vienna"
    assert data["byline"] == "By Jane Smith"
    assert (data["language"], data["direction"]) == ("en", "ltr")
    assert data["lead"] == "Talks resumed on Monday."
    assert data["source"] == "vienna.txt"
    assert data["source_id"] == "reuters21578:42"
    assert data["stripped"] == ["Follow us on Twitter"]
    assert data["warnings"] == ["vienna.txt: a warning"]
    assert data["tags"] == {"places": ["austria", "iran"], "topics": ["energy"]}


def test_the_dateline_is_an_object_with_an_iso_date():
    assert story().to_json_dict()["dateline"] == {
        "place": "Vienna",
        "date": "2026-04-18",
        "source": "IRNA",
        "raw": "Vienna, April 18, IRNA –",
    }


def test_blocks_subheadings_and_the_rendered_body():
    parsed = story()
    data = parsed.to_json_dict()
    assert data["blocks"] == [
        {"kind": "p", "text": "Second paragraph."},
        {"kind": "h2", "text": "What comes next"},
        {"kind": "p", "text": "Third paragraph."},
        {"kind": "h2", "text": "Reactions"},
    ]
    assert data["subheadings"] == ["What comes next", "Reactions"]
    assert data["body_html"] == body_html(
        "Talks resumed on Monday.", "Vienna, April 18, IRNA –", BLOCKS
    )
    assert data["body_markdown"] == body_markdown(BLOCKS)
    assert data["body_markdown"].startswith("Second paragraph.")
    assert "## What comes next" in data["body_markdown"]


def test_times_are_iso_8601():
    assert story().to_json_dict()["published_at"] == "1987-02-26T15:01:01+00:00"


def test_what_the_copy_did_not_say_is_null():
    data = story(dateline=None, published_at=None, source_id=None).to_json_dict()
    assert data["dateline"] is None
    assert data["published_at"] is None
    assert data["source_id"] is None
    undated = story(dateline=Dateline("Vienna", None, None, "VIENNA -")).to_json_dict()
    assert undated["dateline"] == {
        "place": "Vienna",
        "date": None,
        "source": None,
        "raw": "VIENNA -",
    }


def test_without_a_dateline_the_body_starts_with_the_lead():
    parsed = story(dateline=None)
    assert parsed.body_html() == body_html("Talks resumed on Monday.", None, BLOCKS)
    assert parsed.body_html().startswith("<p>Talks resumed on Monday.</p>")


def test_the_dict_is_plain_json_and_a_copy():
    parsed = story()
    data = parsed.to_json_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    data["tags"]["places"].append("changed")
    data["stripped"].append("changed")
    data["warnings"].append("changed")
    assert parsed.tags["places"] == ["austria", "iran"]
    assert parsed.stripped == ["Follow us on Twitter"]
    assert parsed.warnings == ["vienna.txt: a warning"]


def test_a_dateline_without_a_lead_still_opens_the_body():
    html = story(lead="").body_html()
    assert html.startswith('<p><span class="dateline">Vienna, April 18, IRNA –</span> </p>')
    assert story(lead="", dateline=None).body_html().startswith("<p>Second paragraph.</p>")
