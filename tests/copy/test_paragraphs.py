"""Paragraph building, sub-headings and bylines in plain-text copy."""

from copy_support import NOW

from dateline.copy import Block, parse_text
from dateline.copy.paragraphs import is_heading_like, split_paragraphs, to_blocks


def test_single_newline_paragraphs() -> None:
    data = (
        "Talks resume\n"
        "Tehran, IRNA – Talks resumed on Monday.\n"
        "Officials met for three hours.\n"
        "Next steps\n"
        "A second round is due in May.\n"
    ).encode()
    story = parse_text(data, name="lines.txt", now=NOW)
    assert story.lead == "Talks resumed on Monday."
    assert story.blocks == [
        Block("p", "Officials met for three hours."),
        Block("h2", "Next steps"),
        Block("p", "A second round is due in May."),
    ]


def test_hard_wrapped_paragraphs_join_within_blank_line_blocks() -> None:
    lines = ["First line of a wrapped", "paragraph ends here.", "", "Second one."]
    assert split_paragraphs(lines, hard_wrapped=False) == [
        "First line of a wrapped paragraph ends here.",
        "Second one.",
    ]


def test_indented_lines_start_paragraphs() -> None:
    lines = ["Lead text wraps", "onto a second line.", "    Next paragraph", "wraps too."]
    assert split_paragraphs(lines, hard_wrapped=False) == [
        "Lead text wraps onto a second line.",
        "Next paragraph wraps too.",
    ]


def test_hard_wrapped_single_paragraph_is_not_split_per_line() -> None:
    lines = ["One paragraph", "wrapped over", "three lines."]
    assert split_paragraphs(lines, hard_wrapped=True) == ["One paragraph wrapped over three lines."]
    assert split_paragraphs(lines, hard_wrapped=False) == lines


def test_heading_like() -> None:
    assert is_heading_like("No alternative to JCPOA")
    assert is_heading_like("Ready to help Iran in fighting COVID-19")
    for text in [
        "He said so.",
        "Is it over?",
        "As follows:",
        "“Quoted”",
        "one two three four five six seven eight nine ten eleven twelve thirteen",
        "x" * 91,
        "- a bullet",
        "",
    ]:
        assert not is_heading_like(text), text


def test_heading_needs_paragraphs_on_both_sides() -> None:
    blocks = to_blocks(
        ["Body one.", "Short A", "Short B", "Body two.", "Trailing line"], detect_headings=True
    )
    assert [b.kind for b in blocks] == ["p", "p", "p", "p", "p"]
    blocks = to_blocks(["Sub heading", "Body."], detect_headings=True)
    assert [b.kind for b in blocks] == ["h2", "p"]
    assert [b.kind for b in to_blocks(["Sub heading", "Body."], detect_headings=False)] == [
        "p",
        "p",
    ]


def test_byline_and_dateline_on_own_line() -> None:
    data = (
        b"Markets rally\n\nBy Jane Smith\n\nLONDON, Nov 26 (Reuters) -\n\nShares rose.\n\nMore.\n"
    )
    story = parse_text(data, name="byline.txt", now=NOW)
    assert story.byline == "By Jane Smith"
    assert story.dateline is not None
    assert story.dateline.raw == "LONDON, Nov 26 (Reuters) -"
    assert story.lead == "Shares rose."
    assert story.blocks == [Block("p", "More.")]
    assert story.to_json_dict()["byline"] == "By Jane Smith"
