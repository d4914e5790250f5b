"""Reuters-21578 SGML: hand-written fixtures and the real collection."""

import datetime
from pathlib import Path

import pytest
from copy_support import DATA, NOW, REUTERS

from dateline.copy import CopyError, ParseResult, parse_file, parse_reuters_sgml

SAMPLE = DATA / "sample.sgm"
# Counted in the collection with grep: 21,578 <REUTERS> elements; 1,798 TEXT
# TYPE="BRIEF" with no BODY, plus 9 TYPE="UNPROC" whose only line is a headline.
# 19,043 stories have a <DATELINE>; 61 of those are misspelt ("Narch 2", "Apri 1")
# or table debris ("MAR8 -- --") and are not read as datelines.
COLLECTION_SIZE = 21_578
WITHOUT_BODY = 1_807
WITH_DATELINE = 18_982


@pytest.fixture(scope="module")
def sample() -> ParseResult:
    return parse_reuters_sgml(SAMPLE.read_bytes(), name="sample.sgm")


def test_sample_story_fields(sample: ParseResult) -> None:
    story = sample.stories[0]
    assert story.headline == "BAHIA COCOA <REVIEW>"
    assert story.source_name == "sample.sgm#NEWID=1"
    assert story.source_id == "reuters21578:1"
    assert story.published_at == datetime.datetime(
        1987, 2, 26, 15, 1, 1, 790_000, tzinfo=datetime.UTC
    )
    assert story.dateline is not None
    assert story.dateline.place == "SALVADOR, Brazil"
    assert story.dateline.date == datetime.date(1987, 2, 26)
    assert story.dateline.source is None
    assert story.tags == {
        "topic": ["cocoa"],
        "place": ["el-salvador", "usa"],
        "person": [],
        "org": ["ico-cocoa"],
    }
    assert (story.language, story.direction) == ("en", "ltr")


def test_sample_body_paragraphs(sample: ParseResult) -> None:
    story = sample.stories[0]
    assert story.lead == (
        "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought."
    )
    assert [b.kind for b in story.blocks] == ["p", "p"]
    assert story.blocks[0].text == (
        "Arrivals for the week were 155,221 bags of <60> kilos "
        "<script>alert(1)</script> and <img src=x onerror=alert(2)> too."
    )
    assert story.blocks[-1].text == "Comissaria Smith said spot bean prices rose."


def test_hostile_body_is_escaped_in_html(sample: ParseResult) -> None:
    html = sample.stories[0].body_html()
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.startswith('<p><span class="dateline">SALVADOR, Brazil, Feb 26 -</span> Showers')


def test_signature_and_control_characters_removed(sample: ParseResult) -> None:
    for story in sample.stories:
        text = " ".join([story.lead, *(b.text for b in story.blocks)])
        assert "Reuter" not in text
        assert not any(ord(ch) < 32 for ch in text)


def test_brief_and_headline_only_unproc_are_without_body(sample: ParseResult) -> None:
    assert sample.without_body == ["sample.sgm#NEWID=2", "sample.sgm#NEWID=4"]
    assert [s.source_id for s in sample.stories] == [
        "reuters21578:1",
        "reuters21578:3",
        "reuters21578:5",
    ]
    assert sample.warnings == []


def test_unproc_first_line_is_headline(sample: ParseResult) -> None:
    story = sample.stories[1]
    assert story.headline == "FEDERAL RESERVE WEEKLY REPORT 1 - FEB 26"
    assert story.dateline is None
    assert story.lead == "Two weeks ended Feb 25 daily avgs-mlns"
    assert [b.text for b in story.blocks] == [
        "Net free reserves.............644 vs.....1,337",
        "Bank borrowings...............680 vs.......425",
    ]
    assert story.subheadings == []
    assert story.tags["person"] == ["volcker"]


def test_dateline_takes_year_of_date(sample: ParseResult) -> None:
    story = sample.stories[2]
    assert story.dateline is not None
    assert story.dateline.date == datetime.date(1987, 2, 27)
    assert story.lead == (
        "New Zealand's trading bank seasonally adjusted deposit growth rose 2.6 pct in January."
    )
    assert story.blocks == []


def test_truncated_file_keeps_complete_stories() -> None:
    data = SAMPLE.read_bytes()
    cut = data[: data.index(b"<TITLE>N.Z. TRADING")]
    result = parse_reuters_sgml(cut, name="cut.sgm")
    assert [s.source_id for s in result.stories] == ["reuters21578:1", "reuters21578:3"]
    assert result.warnings == ["cut.sgm#NEWID=5: <REUTERS> element is not closed; skipped"]


def test_no_reuters_elements() -> None:
    with pytest.raises(CopyError, match=r"^none\.sgm: no <REUTERS> elements found$"):
        parse_reuters_sgml(b"<!DOCTYPE lewis SYSTEM 'lewis.dtd'>\n<TEXT>x</TEXT>", name="none.sgm")


def test_parse_file_sniffs_sgml(tmp_path: Path) -> None:
    path = tmp_path / "feed.dat"
    path.write_bytes(SAMPLE.read_bytes())
    result = parse_file(path, now=NOW)
    assert len(result.stories) == 3
    assert result.without_body == ["feed.dat#NEWID=2", "feed.dat#NEWID=4"]


@pytest.fixture(scope="module")
def collection() -> list[tuple[str, ParseResult]]:
    root = REUTERS
    if not root.is_dir():
        pytest.skip("../shared/data/reuters21578 is not present")
    return [
        (p.name, parse_reuters_sgml(p.read_bytes(), name=p.name))
        for p in sorted(root.glob("*.sgm"))
    ]


def test_collection_counts(collection: list[tuple[str, ParseResult]]) -> None:
    assert len(collection) == 22
    stories = [s for _, batch in collection for s in batch.stories]
    without_body = [n for _, batch in collection for n in batch.without_body]
    assert len(stories) + len(without_body) == COLLECTION_SIZE
    assert len(without_body) == WITHOUT_BODY
    assert sum(1 for s in stories if s.dateline is not None) == WITH_DATELINE
    assert len({s.source_id for s in stories}) == len(stories)
    assert all(s.headline and s.lead for s in stories)
    # NEWID=17192 has <DATE>31-MAR-1987 605:12:19.12</DATE>; no other date is unreadable.
    undated = [s for s in stories if s.published_at is None]
    assert [s.source_id for s in undated] == ["reuters21578:17192"]
    assert undated[0].warnings == ["reut2-017.sgm#NEWID=17192: no readable <DATE>"]


def test_collection_bad_byte_warning(collection: list[tuple[str, ParseResult]]) -> None:
    warnings = {name: batch.warnings for name, batch in collection}
    assert warnings.pop("reut2-017.sgm") == [
        "reut2-017.sgm: byte 0xFC at offset 1519554 is not valid UTF-8; replaced"
    ]
    assert all(w == [] for w in warnings.values())


def test_collection_first_story(collection: list[tuple[str, ParseResult]]) -> None:
    name, batch = collection[0]
    story = batch.stories[0]
    assert (name, story.source_name) == ("reut2-000.sgm", "reut2-000.sgm#NEWID=1")
    assert story.headline == "BAHIA COCOA REVIEW"
    assert story.tags["place"] == ["el-salvador", "usa", "uruguay"]
    assert story.lead.startswith("Showers continued throughout the week")
    assert story.blocks[-1].text.endswith("after carnival which ends midday on February 27.")
