"""Reuters-21578 SGML: hand-written fixtures and the real collection."""

import datetime
import json
from collections import Counter
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
WITH_DATELINE = 18_984  # 2 in Spanish: "BUENOS AIRES, ABR 7 -"
WITH_AUTHOR = 875  # <AUTHOR>    By Michael Gelb, Reuters</AUTHOR>, all in stories with a body


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
    bylines = [s.byline for s in stories if s.byline]
    assert len(bylines) == WITH_AUTHOR
    assert all(byline.startswith("By ") and "  " not in byline for byline in bylines)
    assert len({s.source_id for s in stories}) == len(stories)
    assert all(s.headline and s.lead for s in stories)
    assert all(s.published_at is not None for s in stories)
    # NEWID=17192 has <DATE>31-MAR-1987 605:12:19.12</DATE>: dated from its day, with a warning
    # naming the story and the date. No other date is unreadable.
    date_warnings = [w for s in stories for w in s.warnings if "<DATE>" in w]
    assert date_warnings == [
        "reut2-017.sgm#NEWID=17192: no readable <DATE> time in '31-MAR-1987 605:12:19.12': "
        "dated 1987-03-31 00:00 UTC from its day"
    ]
    (story,) = [s for s in stories if s.source_id == "reuters21578:17192"]
    assert story.published_at == datetime.datetime(1987, 3, 31, tzinfo=datetime.UTC)
    assert story.dateline is not None and story.dateline.date == datetime.date(1987, 3, 31)


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


def _element(
    newid: int,
    text: str,
    *,
    date: str = "<DATE>26-FEB-1987 15:01:01.79</DATE>",
    tags: str = "<TOPICS><D>cocoa</D></TOPICS>",
) -> str:
    return f'<REUTERS TOPICS="YES" NEWID="{newid}">\n{date}\n{tags}\n{text}\n</REUTERS>\n'


def _story_text(
    title: str = "COCOA REVIEW",
    dateline: str | None = "SALVADOR, Feb 26 - ",
    body: str = "",
    author: str | None = None,
) -> str:
    author_element = f"<AUTHOR>{author}</AUTHOR>\n" if author is not None else ""
    dateline_element = f"<DATELINE>{dateline}</DATELINE>" if dateline is not None else ""
    body = body or "Showers continued in the Bahia cocoa zone.\n Reuter\n&#3;"
    return (
        f"<TEXT>&#2;\n<TITLE>{title}</TITLE>\n{author_element}{dateline_element}"
        f"<BODY>{body}</BODY></TEXT>"
    )


@pytest.mark.parametrize(
    ("author", "byline"),
    [
        ("    By Michael Gelb, Reuters", "By Michael Gelb, Reuters"),
        ("    by Janie  Gabbett,\n Reuters ", "By Janie Gabbett, Reuters"),
        ("By &lt;b&gt;Sara&#8238; Ahmadi", "By <b>Sara Ahmadi"),  # text, shown escaped
        ("   ", ""),
        ("By " + "Ahmadi " * 40, ""),  # over a story's 200 characters: left out, said
    ],
)
def test_the_author_element_is_the_byline(author: str, byline: str) -> None:
    (story,) = _parse(_element(1, _story_text(author=author))).stories
    assert story.byline == byline
    assert any("byline of 282 characters left out" in w for w in story.warnings) == (
        len(author) > 200
    )


def _parse(*elements: str) -> ParseResult:
    return parse_reuters_sgml("".join(elements).encode(), name="crafted.sgm")


# -- malformed structure is named, and never rescanned -------------------------------------


def test_start_tag_without_its_closing_bracket_is_named_with_its_offset() -> None:
    with pytest.raises(
        CopyError, match=r"^crafted\.sgm: <REUTERS> start tag is not closed at offset 0$"
    ):
        _parse("<REUTERS " * 1000)


def test_an_unclosed_start_tag_after_good_elements_is_a_warning() -> None:
    good = _element(1, _story_text())
    result = _parse(good, '<REUTERS NEWID="2" ')
    assert [s.source_id for s in result.stories] == ["reuters21578:1"]
    assert result.warnings == [
        f"crafted.sgm: <REUTERS> start tag is not closed at offset {len(good)}; "
        "the rest of the file is ignored"
    ]


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("<TEXT>&#2;\n<TITLE>COCOA</TITLE><BODY>Rain fell.</BODY>", "unclosed <TEXT>"),
        ('<TEXT TYPE="NORM"', "<TEXT> start tag is not closed"),
        ("<TEXT>&#2;\n<TITLE>COCOA<BODY>Rain fell.</BODY></TEXT>", "unclosed <TITLE>"),
        ("<TEXT>&#2;\n<TITLE>COCOA</TITLE><BODY>Rain fell.</TEXT>", "unclosed <BODY>"),
    ],
)
def test_an_unclosed_story_element_leaves_the_story_out_with_a_warning(
    text: str, warning: str
) -> None:
    result = _parse(_element(7, text))
    assert result.stories == []
    assert result.without_body == ["crafted.sgm#NEWID=7"]
    assert result.warnings == [f"crafted.sgm#NEWID=7: {warning}"]


def test_an_unclosed_dateline_leaves_the_story_without_one() -> None:
    text = "<TEXT>&#2;\n<TITLE>COCOA</TITLE><DATELINE>SALVADOR, Feb 26 - <BODY>Rain.</BODY></TEXT>"
    (story,) = _parse(_element(8, text)).stories
    assert story.dateline is None
    assert story.lead == "Rain."
    assert story.warnings == ["crafted.sgm#NEWID=8: unclosed <DATELINE>"]


def test_unclosed_tag_lists_keep_what_was_closed() -> None:
    tags = "<TOPICS><D>cocoa</D><D>coffee</TOPICS>\n<PLACES><D>usa</D>\n<ORGS><D>ico</D></ORGS>"
    (story,) = _parse(_element(9, _story_text(), tags=tags)).stories
    assert story.tags == {"topic": ["cocoa"], "place": [], "person": [], "org": ["ico"]}
    assert story.warnings == [
        "crafted.sgm#NEWID=9: unclosed <D> in <TOPICS>",
        "crafted.sgm#NEWID=9: unclosed <PLACES>",
    ]


# -- the year of a dateline is the year of <DATE> ------------------------------------------


def test_dateline_year_is_the_year_of_each_story_date() -> None:
    def dated(newid: int, dateline: str, date: str) -> str:
        return _element(newid, _story_text(dateline=dateline), date=f"<DATE>{date}</DATE>")

    result = _parse(
        dated(1, "LONDON, March 2 - ", "2-MAR-1987 10:00:00.00"),
        dated(2, "LONDON, March 2 - ", "2-MAR-1991 10:00:00.00"),
        dated(3, "TOKYO, March 3 - ", "2-MAR-1979 23:30:00.00"),
    )
    dates = [story.dateline.date for story in result.stories if story.dateline]
    # A dateline day after the <DATE> (local date ahead of GMT) keeps the year of <DATE>: it is
    # not walked back a year to the latest March 3 before the date.
    assert dates == [
        datetime.date(1987, 3, 2),
        datetime.date(1991, 3, 2),
        datetime.date(1979, 3, 3),
    ]


@pytest.mark.parametrize(
    ("date", "time", "warning"),
    [
        (
            "<DATE>31-MAR-1987 605:12:19.12</DATE>",
            datetime.datetime(1987, 3, 31, tzinfo=datetime.UTC),
            "no readable <DATE> time in '31-MAR-1987 605:12:19.12': dated 1987-03-31 00:00 UTC "
            "from its day",
        ),
        (
            "<DATE> 2-MAR-1987 25:61:00.00</DATE>",
            datetime.datetime(1987, 3, 2, tzinfo=datetime.UTC),
            "no readable <DATE> time in '2-MAR-1987 25:61:00.00': dated 1987-03-02 00:00 UTC "
            "from its day",
        ),
        (
            "<DATE>2-MAR-1987</DATE>",
            datetime.datetime(1987, 3, 2, tzinfo=datetime.UTC),
            "no readable <DATE> time in '2-MAR-1987': dated 1987-03-02 00:00 UTC from its day",
        ),
        ("<DATE>31-FEB-1987 10:00:00.00</DATE>", None, "no readable <DATE> in '31-FEB-1987 1"),
        ("<DATE>soon</DATE>", None, "no readable <DATE> in 'soon'"),
    ],
)
def test_a_malformed_date_dates_the_story_from_what_can_be_read_and_says_so(
    date: str, time: datetime.datetime | None, warning: str
) -> None:
    (story,) = _parse(_element(4, _story_text(dateline="PARIS, March 2 - "), date=date)).stories
    assert story.published_at == time  # never the clock
    (found,) = story.warnings  # naming the story and quoting its date
    assert found.startswith(f"crafted.sgm#NEWID=4: {warning}")
    assert story.dateline is not None  # and its year comes from the day that was read
    assert story.dateline.date == (datetime.date(1987, 3, 2) if time else None)


@pytest.mark.parametrize("date", ["<DATE>soon</DATE>", "<DATE></DATE>", ""])
def test_without_a_readable_date_the_dateline_keeps_no_date(date: str) -> None:
    (story,) = _parse(_element(4, _story_text(dateline="PARIS, June 19 - "), date=date)).stories
    assert story.published_at is None
    assert story.dateline is not None
    assert (story.dateline.place, story.dateline.date) == ("PARIS", None)
    (warning,) = story.warnings
    assert warning.startswith("crafted.sgm#NEWID=4: no readable <DATE>")


def test_collection_dateline_years_are_1987(collection: list[tuple[str, ParseResult]]) -> None:
    years = Counter(
        s.dateline.date.year
        for _, batch in collection
        for s in batch.stories
        if s.dateline and s.dateline.date
    )
    assert set(years) == {1987}


# -- bidirectional controls and invisible text ---------------------------------------------


def test_bidi_controls_are_stripped_from_every_field_raw_or_as_character_references() -> None:
    text = _story_text(
        title="COCOA \u202eWEIV&#8238;ER",
        dateline="SAL&#x202B;VADOR\u2066, Feb 26 - ",
        body="Showers \u2067continued&#8297;.\n    Second \u202dparagraph.\n Reuter\n&#3;",
    )
    tags = "<TOPICS><D>co&#8234;coa</D></TOPICS><PLACES><D>\u2068usa</D></PLACES>"
    (story,) = _parse(_element(5, text, tags=tags)).stories
    assert story.headline == "COCOA WEIVER"
    assert story.dateline is not None
    assert story.dateline.place == "SALVADOR"
    assert story.lead == "Showers continued."
    assert [block.text for block in story.blocks] == ["Second paragraph."]
    assert story.tags["topic"] == ["cocoa"]
    assert story.tags["place"] == ["usa"]
    dumped = json.dumps(story.to_json_dict(), ensure_ascii=False)
    assert not set(dumped) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert story.warnings == [
        "crafted.sgm#NEWID=5: removed 9 bidirectional control characters ("
        "U+202A LEFT-TO-RIGHT EMBEDDING ×1, U+202B RIGHT-TO-LEFT EMBEDDING ×1, "
        "U+202D LEFT-TO-RIGHT OVERRIDE ×1, U+202E RIGHT-TO-LEFT OVERRIDE ×2, "
        "U+2066 LEFT-TO-RIGHT ISOLATE ×1, U+2067 RIGHT-TO-LEFT ISOLATE ×1, "
        "U+2068 FIRST STRONG ISOLATE ×1, U+2069 POP DIRECTIONAL ISOLATE ×1)"
    ]


@pytest.mark.parametrize(
    ("title", "body", "reason"),
    [
        ("&#8203;", "Rain fell.", "headline has no visible characters"),
        ("\u200b\u2060 \u200e", "Rain fell.", "headline has no visible characters"),
        ("\u202e\u200f", "Rain fell.", "headline has no visible characters"),
        ("COCOA", "&#8203;", "lead has no visible characters"),
        ("COCOA", "\u200b\n\n    Rain fell.", "lead has no visible characters"),
    ],
)
def test_invisible_headline_or_lead_is_refused_with_the_reason(
    title: str, body: str, reason: str
) -> None:
    result = _parse(_element(6, _story_text(title=title, body=body)), _element(7, _story_text()))
    assert [s.source_id for s in result.stories] == ["reuters21578:7"]
    assert result.without_body == []
    assert f"crafted.sgm#NEWID=6: {reason}; skipped" in result.warnings
