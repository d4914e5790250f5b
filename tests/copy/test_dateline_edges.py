"""Datelines at the edges: where the prefix may end, flash markers, and the year of a bare date."""

import datetime
import json

from dateline.copy import parse_text
from dateline.copy.dateline import MAX_PREFIX_CHARS, parse_dateline, split_dateline
from dateline.copy.partner import parse_ninjs

REFERENCE = datetime.date(1987, 6, 20)


def prefix_of_length(length: int) -> str:
    tail = ", June 19, Reuters"
    return "Saint X" + "x" * (length - len("Saint X") - len(tail)) + tail


def test_a_dateline_may_run_up_to_the_limit():
    head = prefix_of_length(MAX_PREFIX_CHARS)
    assert len(head) == MAX_PREFIX_CHARS
    dateline, rest = split_dateline(f"{head} – Talks resumed.", reference=REFERENCE)
    assert dateline is not None
    assert (dateline.date, dateline.source) == (datetime.date(1987, 6, 19), "Reuters")
    assert rest == "Talks resumed."


def test_a_dateline_past_the_limit_is_left_in_the_lead():
    paragraph = f"{prefix_of_length(MAX_PREFIX_CHARS + 1)} – Talks resumed."
    assert split_dateline(paragraph, reference=REFERENCE) == (None, paragraph)


def test_a_lead_that_starts_with_a_dash_has_no_dateline():
    paragraph = "– Talks resumed in Vienna, Reuters said."
    assert split_dateline(paragraph, reference=REFERENCE) == (None, paragraph)


def test_flash_markers_go_and_the_place_keeps_its_letters():
    dateline = parse_dateline("****XIAMEN, June 19 -", reference=REFERENCE)
    assert dateline is not None
    assert dateline.place.upper() == "XIAMEN"
    assert dateline.raw == "****XIAMEN, June 19 -"


def test_a_bare_date_takes_its_year_from_the_reference():
    dateline = parse_dateline("PARIS, June 19 -", reference=REFERENCE)
    assert dateline is not None
    assert dateline.date == datetime.date(1987, 6, 19)
    assert parse_dateline("PARIS, June 19 -", reference=None).date is None
    assert parse_dateline("PARIS, June 19 -", reference=None, year=1990).date == datetime.date(
        1990, 6, 19
    )


def test_a_source_of_several_words_keeps_one_space_between_them():
    dateline = parse_dateline("LONDON, Nov 26 (Thomson   Reuters) -", reference=REFERENCE)
    assert dateline is not None
    assert dateline.source == "Thomson Reuters"


def test_a_day_the_month_does_not_have_is_not_a_dateline():
    paragraph = "PARIS, Feb 30 - Talks resumed."
    assert split_dateline(paragraph, reference=REFERENCE) == (None, paragraph)
    assert parse_dateline("PARIS, Feb 30, 1987 -", reference=None) is None


def test_a_place_of_one_capital_letter_is_a_dateline():
    dateline, rest = split_dateline("X - Talks resumed.", reference=REFERENCE)
    assert dateline is not None
    assert dateline.place == "X"
    assert rest == "Talks resumed."


def test_copy_dated_today_east_of_greenwich_is_this_years():
    """01:00 on 1 December in Tehran is still 30 November in UTC: "Dec 1" is today there, not
    a year ago, whether the copy is pasted, uploaded as text or sent as a partner's item."""
    just_after_midnight = datetime.datetime(2026, 11, 30, 21, 30, tzinfo=datetime.UTC)
    copy = b"Quake hits Tehran\n\nTEHRAN, Dec 1 (Reuters) - A quake hit the city.\n\nMore.\n"
    story = parse_text(copy, name="quake.txt", now=just_after_midnight)
    assert story.dateline.date == datetime.date(2026, 12, 1)
    item = {
        "uri": "urn:partner:irna:1",
        "versionCreated": "2026-12-01T01:00:00+03:30",
        "headlines": [{"value": "Quake hits Tehran", "role": "main"}],
        "bodies": [{"contentType": "text/plain", "value": copy.decode().split("\n\n", 1)[1]}],
    }
    story = parse_ninjs(json.dumps(item).encode(), name="irna.json", now=just_after_midnight)
    assert story.dateline.date == datetime.date(2026, 12, 1)
    # A day not come anywhere yet is last year's still.
    story = parse_text(copy.replace(b"Dec 1", b"Dec 2"), name="q.txt", now=just_after_midnight)
    assert story.dateline.date == datetime.date(2025, 12, 2)
