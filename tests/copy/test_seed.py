"""The seed document: an IRNA English article page scraped to text."""

import datetime
from pathlib import Path

import pytest
from copy_support import NOW

from dateline.copy import ParsedStory, parse_file, parse_text

FURNITURE = [
    "Follow us on Twitter @IrnaEnglish",
    "Related News",
    "Your Comment",
    "You are replying to: .",
]
SUBHEADINGS = [
    "No alternative to JCPOA",
    "High level of Russia-Iran ties",
    "Ready to help Iran in fighting COVID-19",
    "Results of Lavrov’s visit to Tehran",
]
# Counted by hand in the file: the lead plus 14 ordinary paragraphs between
# and after the four sub-headings.
BODY_PARAGRAPHS = 15


@pytest.fixture
def story(seed_path: Path) -> ParsedStory:
    return parse_text(seed_path.read_bytes(), name=seed_path.name, now=NOW)


def test_headline(story: ParsedStory) -> None:
    assert story.headline == (
        "Lavrov’s visit to Tehran amid JCPOA talks heralds bright prospects for ties with Russia"
    )


def test_dateline(story: ParsedStory) -> None:
    assert story.dateline is not None
    assert story.dateline.place == "Moscow"
    assert story.dateline.source == "IRNA"
    assert story.dateline.date == datetime.date(2026, 4, 18)
    assert story.dateline.raw == "Moscow, April 18, IRNA –"


def test_subheadings_in_order(story: ParsedStory) -> None:
    assert story.subheadings == SUBHEADINGS


def test_furniture_stripped_and_not_in_body(story: ParsedStory) -> None:
    assert story.stripped == FURNITURE
    body = story.body_html() + story.body_markdown()
    for line in FURNITURE:
        assert line not in body
    assert "IrnaEnglish" not in body


def test_lead_and_body(story: ParsedStory) -> None:
    assert story.lead.startswith("Analysts believe that Russian Foreign Minister")
    paragraphs = [story.lead] + [b.text for b in story.blocks if b.kind == "p"]
    assert len(paragraphs) == BODY_PARAGRAPHS
    assert paragraphs[0].split()[0] == "Analysts"
    assert paragraphs[-1].split()[-1] == "interests."
    assert story.blocks[-1].text.startswith("The Russian and Iranian officials held talks")


def test_whitespace_trimmed(story: ParsedStory) -> None:
    texts = [story.headline, story.lead] + [b.text for b in story.blocks]
    assert all(text == " ".join(text.split()) for text in texts)
    assert "juncture." in story.blocks[-2].text


def test_language_and_metadata(story: ParsedStory) -> None:
    assert (story.language, story.direction) == ("en", "ltr")
    assert story.source_name == "irna-en-84299330.txt"
    assert story.source_id is None
    assert story.byline == ""
    assert story.warnings == []


def test_body_html_leads_with_dateline(story: ParsedStory) -> None:
    html = story.body_html()
    assert html.startswith(
        '<p><span class="dateline">Moscow, April 18, IRNA –</span> Analysts believe'
    )
    assert "<h2>No alternative to JCPOA</h2>" in html
    assert html.count("<p>") == BODY_PARAGRAPHS
    assert html.count("<h2>") == len(SUBHEADINGS)


def test_json_dict(story: ParsedStory) -> None:
    data = story.to_json_dict()
    assert data["dateline"] == {
        "place": "Moscow",
        "date": "2026-04-18",
        "source": "IRNA",
        "raw": "Moscow, April 18, IRNA –",
    }
    assert data["subheadings"] == SUBHEADINGS
    assert data["published_at"] is None
    assert data["source"] == "irna-en-84299330.txt"
    assert data["body_html"] == story.body_html()


def test_year_hint_date(seed_path: Path) -> None:
    story = parse_text(
        seed_path.read_bytes(),
        name=seed_path.name,
        now=NOW,
        year_hint_date=datetime.date(2021, 4, 20),
    )
    assert story.dateline is not None
    assert story.dateline.date == datetime.date(2021, 4, 18)


def test_parse_file_auto_detects_text(seed_path: Path) -> None:
    result = parse_file(seed_path, now=NOW)
    assert [s.headline for s in result.stories] == [
        "Lavrov’s visit to Tehran amid JCPOA talks heralds bright prospects for ties with Russia"
    ]
    assert result.without_body == []
