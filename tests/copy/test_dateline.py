"""The dateline grammar: splitting, parsing, year resolution and formatting."""

import datetime

import pytest

from dateline.copy import Dateline, format_dateline
from dateline.copy.dateline import parse_dateline, resolve_date, split_dateline

TODAY = datetime.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("lead", "place", "date", "source", "raw", "rest"),
    [
        (
            "Moscow, April 18, IRNA – Analysts believe",
            "Moscow", datetime.date(2026, 4, 18), "IRNA", "Moscow, April 18, IRNA –",
            "Analysts believe",
        ),
        (
            "LONDON, Nov 26 (Reuters) - Shares fell.",
            "LONDON", datetime.date(2026, 11, 26), "Reuters", "LONDON, Nov 26 (Reuters) -",
            "Shares fell.",
        ),
        (
            "WASHINGTON (AP) — The Senate voted.",
            "WASHINGTON", None, "AP", "WASHINGTON (AP) —", "The Senate voted.",
        ),
        (
            "BEIJING, Nov. 27 (Xinhua) -- China said.",
            "BEIJING", datetime.date(2026, 11, 27), "Xinhua", "BEIJING, Nov. 27 (Xinhua) --",
            "China said.",
        ),
        ("Tehran, IRNA -- Iran said.", "Tehran", None, "IRNA", "Tehran, IRNA --", "Iran said."),
        ("تهران- ایرنا- رئیس جمهور گفت", "تهران", None, "ایرنا", "تهران- ایرنا-", "رئیس جمهور گفت"),
        (
            "SALVADOR, Brazil, Feb 26 - Showers continued.",
            "SALVADOR, Brazil", datetime.date(2026, 2, 26), None, "SALVADOR, Brazil, Feb 26 -",
            "Showers continued.",
        ),
        (
            "Rio de Janeiro, Sept 3 – Rain.",
            "Rio de Janeiro", datetime.date(2026, 9, 3), None, "Rio de Janeiro, Sept 3 –", "Rain.",
        ),
        ("NEW YORK — Stocks rose.", "NEW YORK", None, None, "NEW YORK —", "Stocks rose."),
        (
            "Tehran, 18 April 2021, IRNA - Talks.",
            "Tehran", datetime.date(2021, 4, 18), "IRNA", "Tehran, 18 April 2021, IRNA -",
            "Talks.",
        ),
    ],
)  # fmt: skip
def test_split_dateline(
    lead: str,
    place: str | None,
    date: datetime.date | None,
    source: str | None,
    raw: str,
    rest: str,
) -> None:
    dateline, remainder = split_dateline(lead, reference=TODAY)
    assert dateline == Dateline(place, date, source, raw)
    assert remainder == rest


@pytest.mark.parametrize(
    "lead",
    [
        "Analysts believe that Moscow is determined – as never before – to help.",
        "Iran-Russia ties – which are old – grow.",
        "Ali Rezaei – the new minister – said on Monday.",
        "In his April 13 visit, Lavrov - said the minister - spoke.",
        "The talks, held in Vienna, Austria, went on.",
        "No dateline at all here",
        "A very long opening clause that goes on and on without any dash for a while, "
        "Moscow, April 18, IRNA – then more.",
        "- Bullet point, April 18 - text",
    ],
)
def test_no_dateline(lead: str) -> None:
    assert split_dateline(lead, reference=TODAY) == (None, lead)


@pytest.mark.parametrize(
    ("month", "day", "expected"),
    [
        (4, 18, datetime.date(2026, 4, 18)),
        (12, 3, datetime.date(2025, 12, 3)),
        (11, 27, datetime.date(2026, 11, 27)),
        (11, 28, datetime.date(2025, 11, 28)),
        (2, 29, datetime.date(2024, 2, 29)),
        (4, 31, None),
    ],
)
def test_resolve_date(month: int, day: int, expected: datetime.date | None) -> None:
    assert resolve_date(month, day, TODAY) == expected


def test_year_hint_is_the_reference() -> None:
    dateline, _ = split_dateline("London, Dec 3 - x", reference=datetime.date(2021, 6, 1))
    assert dateline is not None
    assert dateline.date == datetime.date(2020, 12, 3)


def test_feb_29_walks_back_to_leap_year() -> None:
    dateline, _ = split_dateline("Kabul, Feb 29 - x", reference=datetime.date(2027, 3, 1))
    assert dateline is not None
    assert dateline.date == datetime.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("field", "place", "date"),
    [
        ("    SALVADOR, Feb 26 - ", "SALVADOR", datetime.date(1987, 2, 26)),
        ("    omaha, april 7 - ", "omaha", datetime.date(1987, 4, 7)),
        ("   April 7  - ", None, datetime.date(1987, 4, 7)),
        ("    WASHINGTON - ", "WASHINGTON", None),
        ("****PARIS, June 19 -", "PARIS", datetime.date(1987, 6, 19)),
        ("    LAKE SUCCESS, N.Y. March 3 -", "LAKE SUCCESS, N.Y.", datetime.date(1987, 3, 3)),
    ],
)
def test_parse_dateline_field(field: str, place: str | None, date: datetime.date | None) -> None:
    dateline = parse_dateline(field, reference=None, year=1987)
    assert dateline is not None
    assert (dateline.place, dateline.date) == (place, date)
    assert dateline.raw == " ".join(field.split())


@pytest.mark.parametrize("field", [" MAR8  --     --", " us        7.8015 - ", "   "])
def test_parse_dateline_field_rejects_junk(field: str) -> None:
    assert parse_dateline(field, reference=None, year=1987) is None


def test_parse_dateline_field_without_year_or_reference_keeps_no_date() -> None:
    dateline = parse_dateline("LONDON, April 1 -", reference=None)
    assert dateline == Dateline("LONDON", None, None, "LONDON, April 1 -")


@pytest.mark.parametrize(
    ("args", "language", "expected"),
    [
        (("Moscow", datetime.date(2026, 4, 18), "IRNA"), "en", "Moscow, April 18, IRNA –"),
        (("Tehran", None, "IRNA"), "en", "Tehran, IRNA –"),
        (("LONDON", datetime.date(2026, 9, 3), None), "en", "LONDON, September 3 –"),
        (("تهران", None, "ایرنا"), "fa", "تهران- ایرنا-"),
        (("تهران", datetime.date(2026, 4, 18), "ایرنا"), "fa", "تهران- ایرنا-"),
        ((None, None, None), "en", ""),
    ],
)
def test_format_dateline(
    args: tuple[str | None, datetime.date | None, str | None], language: str, expected: str
) -> None:
    assert format_dateline(*args, language=language) == expected


def test_format_then_split_round_trips() -> None:
    text = format_dateline("Moscow", datetime.date(2026, 4, 18), "IRNA") + " Body."
    dateline, rest = split_dateline(text, reference=TODAY)
    assert dateline is not None
    assert (dateline.place, dateline.date, dateline.source, rest) == (
        "Moscow",
        datetime.date(2026, 4, 18),
        "IRNA",
        "Body.",
    )


@pytest.mark.parametrize(
    ("lead", "place", "date", "source"),
    [
        ("Tabriz, November 24, Dateline – Rail", "Tabriz", datetime.date(2026, 11, 24), "Dateline"),
        (
            "Rasht, Nov 27, Caspian News Agency – Rain",
            "Rasht",
            datetime.date(2026, 11, 27),
            "Caspian News Agency",
        ),
        ("اصفهان- دیت‌لاین- بارش", "اصفهان", None, "دیت‌لاین"),
        ("بندر عباس- خبرگزاری جنوب- کشتی", "بندر عباس", None, "خبرگزاری جنوب"),
    ],
)
def test_an_agency_not_in_the_known_list_is_read_from_its_position(
    lead: str, place: str, date: datetime.date | None, source: str
) -> None:
    dateline, _rest = split_dateline(lead, reference=TODAY)
    assert dateline is not None
    assert (dateline.place, dateline.date, dateline.source) == (place, date, source)


@pytest.mark.parametrize(
    "lead",
    [
        "In a surprise, Officials said - nothing changed.",
        "SALVADOR, Brazil - no date, so Brazil stays part of the place.",
    ],
)
def test_a_trailing_capitalised_word_without_a_date_is_not_taken_for_an_agency(lead: str) -> None:
    dateline, _rest = split_dateline(lead, reference=TODAY)
    assert dateline is None or dateline.source is None


@pytest.mark.parametrize(
    ("lead", "place", "date", "source"),
    [
        ("Moscow, April 18th, IRNA – Talks.", "Moscow", datetime.date(2026, 4, 18), "IRNA"),
        ("LONDON, March 1st (Reuters) - Shares.", "LONDON", datetime.date(2026, 3, 1), "Reuters"),
        ("Tehran, April 2nd, IRNA – Talks.", "Tehran", datetime.date(2026, 4, 2), "IRNA"),
        ("PARIS, Oct. 3rd (AFP) — Rain.", "PARIS", datetime.date(2026, 10, 3), "AFP"),
        ("Kabul, Nov 21st – Snow.", "Kabul", datetime.date(2026, 11, 21), None),
        ("Tehran, 18th April, IRNA - Talks.", "Tehran", datetime.date(2026, 4, 18), "IRNA"),
        ("Tehran, 1st April 2021, IRNA - Talks.", "Tehran", datetime.date(2021, 4, 1), "IRNA"),
        ("Delhi, 22nd Dec (PTI) - Smog.", "Delhi", datetime.date(2025, 12, 22), "PTI"),
    ],
)
def test_ordinal_days(lead: str, place: str, date: datetime.date, source: str | None) -> None:
    dateline, rest = split_dateline(lead, reference=TODAY)
    assert dateline is not None
    assert (dateline.place, dateline.date, dateline.source) == (place, date, source)
    assert rest == lead.split(dateline.raw, 1)[1].strip()


@pytest.mark.parametrize(
    ("field", "date"),
    [
        ("  LONDON, March 1st - ", datetime.date(1987, 3, 1)),
        ("NEW YORK, 2nd April -", datetime.date(1987, 4, 2)),
    ],
)
def test_ordinal_days_in_a_dateline_field(field: str, date: datetime.date) -> None:
    dateline = parse_dateline(field, reference=None, year=1987)
    assert dateline is not None
    assert dateline.date == date


@pytest.mark.parametrize(
    "lead",
    [
        "تهران- ایرنا- رئیس جمهور گفت",
        "تهران – ایرنا – رئیس جمهور گفت",
        "تهران—ایرنا—رئیس جمهور گفت",
        "تهران — ایرنا — رئیس جمهور گفت",
        "تهران- ایرنا – رئیس جمهور گفت",
        "تهران – ایرنا- رئیس جمهور گفت",
        "تهران-ایرنا-رئیس جمهور گفت",
    ],
)
def test_persian_dateline_with_any_dash(lead: str) -> None:
    dateline, rest = split_dateline(lead, reference=TODAY)
    assert dateline is not None
    assert (dateline.place, dateline.date, dateline.source) == ("تهران", None, "ایرنا")
    assert dateline.raw == lead[: len(lead) - len(rest)].strip()
    assert rest == "رئیس جمهور گفت"
    assert parse_dateline(dateline.raw, reference=TODAY) == dateline


@pytest.mark.parametrize("dash", ["-", "–", "—"])
def test_multi_word_persian_place_and_source_with_any_dash(dash: str) -> None:
    lead = f"بندر عباس{dash} خبرگزاری جنوب{dash} کشتی رسید"
    dateline, rest = split_dateline(lead, reference=TODAY)
    assert dateline is not None
    assert (dateline.place, dateline.source, rest) == ("بندر عباس", "خبرگزاری جنوب", "کشتی رسید")
