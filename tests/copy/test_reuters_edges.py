"""Reuters SGML at the edges. A tag name only counts whole (``<REUTERSX>`` is another tag); an
element may start right after its parent's start tag; of two elements the first counts, read up
to its own end tag, and a stray end tag before it does not cut it short; a story left open is
skipped without losing the next; a story without NEWID is named by its offset; an empty ``<D>``
hides no tag after it. In the text: character references to control characters are dropped, a
last line "Reuter" after others is the sign-off, wrapped lines join, a short paragraph is never
a sub-heading, the first line of unprocessed copy is the headline, and an unreadable dateline is
quoted in a warning."""

import datetime

import pytest

from dateline.copy import ParseResult, parse_reuters_sgml

DATE = "<DATE>26-FEB-1987 15:01:01.79</DATE>"
LEAD = "Showers continued in the Bahia cocoa zone."


def text_element(title: str = "COCOA REVIEW", body: str = f"{LEAD}\n Reuter\n&#3;") -> str:
    return f"<TEXT>&#2;\n<TITLE>{title}</TITLE>\n<BODY>{body}</BODY></TEXT>"


def element(inner: str, *, newid: int | None = 1) -> str:
    attributes = f' NEWID="{newid}"' if newid is not None else ""
    return f'<REUTERS TOPICS="YES"{attributes}>{inner}</REUTERS>\n'


def parse(*parts: str) -> ParseResult:
    return parse_reuters_sgml("".join(parts).encode(), name="edges.sgm")


def only_story(*parts: str):
    (story,) = parse(*parts).stories
    return story


# -- tag names, and where elements start and end ---------------------------------------------


@pytest.mark.parametrize("other", ["REUTERSX", "REUTERS_OLD"])
def test_a_tag_that_only_starts_like_reuters_is_another_tag(other):
    result = parse(f'<{other} NEWID="9">notes</{other}>\n', element(f"{DATE}\n{text_element()}"))
    assert [story.source_id for story in result.stories] == ["reuters21578:1"]
    assert result.without_body == []
    assert result.warnings == []


def test_a_file_that_ends_inside_a_start_tag_name_keeps_what_came_before():
    good = element(f"{DATE}\n{text_element()}")
    result = parse(good, "<REUTERS")
    assert [story.source_id for story in result.stories] == ["reuters21578:1"]
    assert result.warnings == [
        f"edges.sgm: <REUTERS> start tag is not closed at offset {len(good)}; "
        "the rest of the file is ignored"
    ]


def test_a_story_that_ends_inside_a_text_start_tag_name_has_no_body():
    result = parse(element(f"{DATE}\n<TEXT"))
    assert result.stories == []
    assert result.without_body == ["edges.sgm#NEWID=1"]
    assert result.warnings == ["edges.sgm#NEWID=1: <TEXT> start tag is not closed"]


def test_the_text_may_start_right_after_the_story_start_tag():
    story = only_story(element(f"{text_element()}\n{DATE}"))
    assert (story.headline, story.lead) == ("COCOA REVIEW", LEAD)


def test_a_stray_end_tag_before_an_element_does_not_cut_it_short():
    story = only_story(element(f"{DATE}</TEXT>\n{text_element()}"))
    assert (story.headline, story.lead) == ("COCOA REVIEW", LEAD)
    text = f"<TEXT>&#2;\n</TITLE><TITLE>COCOA REVIEW</TITLE>\n<BODY>{LEAD}</BODY></TEXT>"
    assert only_story(element(f"{DATE}\n{text}")).headline == "COCOA REVIEW"


def test_of_two_titles_the_first_is_the_headline():
    text = (
        f"<TEXT>&#2;\n<TITLE>COCOA REVIEW</TITLE><TITLE>OTHER</TITLE>\n<BODY>{LEAD}</BODY></TEXT>"
    )
    assert only_story(element(f"{DATE}\n{text}")).headline == "COCOA REVIEW"


def test_only_the_first_text_element_is_read():
    brief = "<TEXT>&#2;\n<TITLE>COCOA BRIEF</TITLE></TEXT>"
    result = parse(element(f"{DATE}\n{brief}\n{text_element()}"))
    assert result.stories == []
    assert result.without_body == ["edges.sgm#NEWID=1"]


def test_a_story_ends_at_its_first_end_tag():
    stray = f"{text_element()}</REUTERS>\n"
    result = parse(element(DATE), stray)
    assert result.stories == []
    assert result.without_body == ["edges.sgm#NEWID=1"]


def test_a_story_left_open_is_skipped_and_the_next_one_is_read():
    result = parse(
        f'<REUTERS NEWID="1">{DATE}\n{text_element()}\n',
        element(f"{DATE}\n{text_element(title='COFFEE REVIEW')}", newid=2),
    )
    assert [story.source_id for story in result.stories] == ["reuters21578:2"]
    assert result.stories[0].headline == "COFFEE REVIEW"
    assert result.warnings == ["edges.sgm#NEWID=1: <REUTERS> element is not closed; skipped"]


def test_a_story_without_newid_is_named_by_its_offset_and_has_no_source_id():
    before = element(f"{DATE}\n{text_element()}")
    result = parse(before, element(f"{DATE}\n{text_element()}", newid=None))
    story = result.stories[1]
    assert story.source_name == f"edges.sgm@{len(before)}"
    assert story.source_id is None
    assert story.published_at == datetime.datetime(
        1987, 2, 26, 15, 1, 1, 790_000, tzinfo=datetime.UTC
    )


def test_an_empty_tag_does_not_hide_those_after_it():
    story = only_story(
        element(f"{DATE}\n<TOPICS><D></D><D>cocoa</D><D>c</D></TOPICS>\n{text_element()}")
    )
    assert story.tags["topic"][1:] == ["cocoa", "c"]


# -- the text ------------------------------------------------------------------------------------


def test_control_characters_written_as_character_references_are_dropped():
    story = only_story(element(f"{DATE}\n{text_element(title='OIL&#12; PRICES&#13;')}"))
    assert story.headline == "OIL PRICES"


def test_a_body_of_the_one_word_reuter_is_the_body_not_a_sign_off():
    story = only_story(element(f"{DATE}\n{text_element(body='Reuter')}"))
    assert story.lead == "Reuter"


def test_a_last_line_reuter_after_one_line_is_the_sign_off():
    body = f"{LEAD}\n Reuter"
    story = only_story(element(f"{DATE}\n{text_element(body=body)}"))
    assert story.lead == LEAD
    assert story.blocks == []


def test_wrapped_lines_join_into_one_paragraph():
    body = "Showers continued throughout\nthe week in the Bahia cocoa zone.\n Reuter\n"
    story = only_story(element(f"{DATE}\n{text_element(body=body)}"))
    assert story.lead == "Showers continued throughout the week in the Bahia cocoa zone."
    assert story.blocks == []


def test_a_short_paragraph_between_two_others_stays_a_paragraph():
    body = f"{LEAD}\n    Cocoa Market Report\n    Prices rose again today.\n Reuter\n"
    story = only_story(element(f"{DATE}\n{text_element(body=body)}"))
    assert [(block.kind, block.text) for block in story.blocks] == [
        ("p", "Cocoa Market Report"),
        ("p", "Prices rose again today."),
    ]


def test_the_first_line_of_unprocessed_copy_is_the_headline_with_its_spaces_collapsed():
    text = (
        '<TEXT TYPE="UNPROC">&#2;\n  BANK   RATE CUT\n'
        "The bank cut its rate today.\n Reuter\n&#3;</TEXT>"
    )
    story = only_story(element(f"{DATE}\n{text}"))
    assert story.headline == "BANK RATE CUT"
    assert story.lead == "The bank cut its rate today."


def test_an_unreadable_dateline_is_a_warning_quoting_it():
    text = (
        "<TEXT>&#2;\n<TITLE>COCOA REVIEW</TITLE>\n"
        f"<DATELINE> 1234 -  </DATELINE><BODY>{LEAD}</BODY></TEXT>"
    )
    story = only_story(element(f"{DATE}\n{text}"))
    assert story.dateline is None
    assert story.warnings == ["edges.sgm#NEWID=1: unreadable dateline '1234 -'"]
