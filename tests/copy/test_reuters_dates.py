"""The publication time of a Reuters story, from its `<DATE>`: whole, in part, or not at all."""

import datetime

import pytest

from dateline.copy import parse_reuters_sgml


def document(date_element: str, newid: int = 7) -> bytes:
    return (
        '<!DOCTYPE lewis SYSTEM "lewis.dtd">\n'
        f'<REUTERS TOPICS="NO" NEWID="{newid}">\n'
        f"{date_element}\n"
        "<TEXT>&#2;\n<TITLE>COCOA TALKS RESUME</TITLE>\n"
        "<DATELINE>    LONDON, Feb 26 - </DATELINE><BODY>Talks on cocoa resumed today.\n"
        "    Delegates said more talks were due next week.\n Reuter\n&#3;</BODY></TEXT>\n"
        "</REUTERS>\n"
    ).encode()


def parsed(date_element: str):
    result = parse_reuters_sgml(document(date_element), name="dates.sgm")
    (story,) = result.stories
    return story


def utc(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("element", "moment"),
    [
        ("<DATE>26-FEB-1987 15:01:01.79</DATE>", utc(1987, 2, 26, 15, 1, 1, 790_000)),
        ("<DATE>26-FEB-1987 15:01:01.7</DATE>", utc(1987, 2, 26, 15, 1, 1, 700_000)),
        ("<DATE>26-FEB-1987 15:01:01.07</DATE>", utc(1987, 2, 26, 15, 1, 1, 70_000)),
        ("<DATE>26-FEB-1987 15:01:01</DATE>", utc(1987, 2, 26, 15, 1, 1)),
        ("<DATE> 6-feb-1987 5:01:01.00</DATE>", utc(1987, 2, 6, 5, 1, 1)),
    ],
)
def test_a_whole_date_is_read_to_the_hundredth(element, moment):
    story = parsed(element)
    assert story.published_at == moment
    assert not any("<DATE>" in warning for warning in story.warnings)


def test_a_date_without_its_end_tag_is_read_to_the_next_markup():
    story = parsed("<DATE>26-FEB-1987 15:01:01.79")
    assert story.published_at == utc(1987, 2, 26, 15, 1, 1, 790_000)


def test_a_readable_day_with_an_impossible_time_is_that_day_at_midnight():
    story = parsed("<DATE>31-MAR-1987 605:12:19.12</DATE>")
    assert story.published_at == utc(1987, 3, 31)
    assert any(
        "no readable <DATE> time in '31-MAR-1987 605:12:19.12': dated 1987-03-31 00:00 UTC" in w
        for w in story.warnings
    )


def test_the_day_also_dates_a_bare_dateline():
    story = parsed("<DATE>26-FEB-1987 15:01:01.79</DATE>")
    assert story.dateline is not None
    assert story.dateline.date == datetime.date(1987, 2, 26)


def test_no_date_gives_no_time_and_says_so():
    story = parsed("")
    assert story.published_at is None
    assert any("no readable <DATE>" in warning for warning in story.warnings)


def test_a_long_unreadable_date_is_quoted_cut_to_forty_characters():
    junk = "x" * 100
    story = parsed(f"<DATE>{junk}</DATE>")
    assert story.published_at is None
    assert any(f"no readable <DATE> in {'x' * 39 + '…'!r}" in w for w in story.warnings)


def test_an_unreadable_date_of_forty_characters_is_quoted_whole():
    junk = "y" * 40
    story = parsed(f"<DATE>{junk}</DATE>")
    assert any(f"no readable <DATE> in {junk!r}" in w for w in story.warnings)


def test_only_the_first_date_counts():
    story = parsed("<DATE>26-FEB-1987 15:01:01.79</DATE><DATE>01-JAN-1990 00:00:00.00</DATE>")
    assert story.published_at == utc(1987, 2, 26, 15, 1, 1, 790_000)


def test_a_date_right_after_the_story_start_tag_is_read():
    data = (
        b'<REUTERS NEWID="7"><DATE>26-FEB-1987 15:01:01.79</DATE>\n'
        b"<TEXT>&#2;\n<TITLE>COCOA TALKS RESUME</TITLE>\n<BODY>Talks resumed.</BODY></TEXT>"
        b"</REUTERS>\n"
    )
    (story,) = parse_reuters_sgml(data, name="dates.sgm").stories
    assert story.published_at == utc(1987, 2, 26, 15, 1, 1, 790_000)
    assert story.warnings == []


def test_a_date_left_open_at_the_end_of_the_story_is_read_to_its_last_character():
    data = (
        b'<REUTERS NEWID="7">'
        b"<TEXT>&#2;\n<TITLE>COCOA TALKS RESUME</TITLE>\n<BODY>Talks resumed.</BODY></TEXT>\n"
        b"<DATE>26-FEB-1987 15:01:01.79</REUTERS>\n"
    )
    (story,) = parse_reuters_sgml(data, name="dates.sgm").stories
    assert story.published_at == utc(1987, 2, 26, 15, 1, 1, 790_000)


def test_an_unreadable_date_is_quoted_from_its_first_eighty_characters_only():
    # The quote is built from a bounded prefix, so a date of any length costs the same.
    story = parsed(f"<DATE>soon{' ' * 100}later</DATE>")
    assert any("no readable <DATE> in 'soon'" in w for w in story.warnings)


@pytest.mark.parametrize("day", ["01-JAN-0001", "31-DEC-1899"])
def test_a_day_before_1900_is_no_date(day):
    """A zeroed field, not news: published as year 1, it read "1 January 1" on the page."""
    story = parsed(f"<DATE>{day} 00:00:00.00</DATE>")
    assert story.published_at is None
    assert any(f"no readable <DATE> in '{day} 00:00:00.00'" in w for w in story.warnings)
    assert parsed("<DATE>01-JAN-1900 00:00:00.00</DATE>").published_at == utc(1900, 1, 1)
