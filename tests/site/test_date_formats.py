"""Dates as an edition's readers expect them: its time zone, calendar, month names and digits,
whatever the server's zone."""

import datetime
import time
import unicodedata

import pytest
from babel import Locale, localedata

from dateline.site.formatting import (
    DIGIT_ZERO,
    format_day,
    format_number,
    format_published,
    local_time,
)
from dateline.site.templating import machine_time

# 10:05 UTC is 13:35 in Tehran (UTC+03:30, no daylight saving since 2022).
MOMENT = datetime.datetime(2026, 4, 18, 10, 5, 9, tzinfo=datetime.UTC)
TEHRAN = "Asia/Tehran"
RLM = "\u200f"  # CLDR's Persian joins a date and a time with "،" and a right-to-left mark


def utc(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=datetime.UTC)


def persian_day(moment: datetime.datetime) -> str:
    return format_day(moment, language="fa", timezone_name=TEHRAN, calendar="solar_hijri")


@pytest.fixture(autouse=True)
def server_far_away(monkeypatch):
    """A server clock set to neither UTC nor the edition's zone."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_english_time_in_the_editions_zone():
    assert format_published(MOMENT, language="en", timezone_name=TEHRAN) == "18 April 2026, 13:35"
    assert format_published(MOMENT, language="en", timezone_name="UTC") == "18 April 2026, 10:05"
    assert format_day(MOMENT, language="en", timezone_name=TEHRAN) == "18 April 2026"


def test_persian_solar_hijri_date_and_time_in_persian_digits():
    published = format_published(
        MOMENT, language="fa", timezone_name=TEHRAN, calendar="solar_hijri"
    )
    assert published == f"۲۹ فروردین ۱۴۰۵،{RLM} ۱۳:۳۵"
    assert persian_day(MOMENT) == "۲۹ فروردین ۱۴۰۵"
    assert persian_day(utc(2026, 11, 28, 12)) == "۷ آذر ۱۴۰۵"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # 1403 is a leap year: its Esfand has a 30th day, 20 March 2025, the last before Nowruz.
        (utc(2025, 3, 20, 12, 0), "۳۰ اسفند ۱۴۰۳"),
        # Nowruz comes at midnight in Tehran, 20:30 UTC: the UTC date is the same on both sides.
        (utc(2025, 3, 20, 20, 29), "۳۰ اسفند ۱۴۰۳"),
        (utc(2025, 3, 20, 20, 30), "۱ فروردین ۱۴۰۴"),
        (utc(2025, 3, 21, 12, 0), "۱ فروردین ۱۴۰۴"),
        # 1404 is not a leap year: Esfand ends on the 29th and Nowruz 1405 is 21 March 2026.
        (utc(2026, 3, 20, 12, 0), "۲۹ اسفند ۱۴۰۴"),
        (utc(2026, 3, 21, 12, 0), "۱ فروردین ۱۴۰۵"),
        # The Gregorian new year falls on 11 Dey, in Tehran's midnight, not London's.
        (utc(2025, 12, 31, 20, 29), "۱۰ دی ۱۴۰۴"),
        (utc(2025, 12, 31, 20, 30), "۱۱ دی ۱۴۰۴"),
    ],
)
def test_solar_hijri_on_both_sides_of_nowruz_and_the_gregorian_new_year(moment, expected):
    assert persian_day(moment) == expected


def test_the_time_beside_a_solar_hijri_date_is_tehrans_too():
    nowruz = format_published(
        utc(2025, 3, 20, 20, 30), language="fa", timezone_name=TEHRAN, calendar="solar_hijri"
    )
    assert nowruz == f"۱ فروردین ۱۴۰۴،{RLM} ۰۰:۰۰"


def test_persian_with_the_gregorian_calendar_keeps_persian_words_and_digits():
    assert format_published(MOMENT, language="fa-IR", timezone_name="UTC") == (
        f"۱۸ آوریل ۲۰۲۶،{RLM} ۱۰:۰۵"
    )
    assert format_day(MOMENT, language="fa", timezone_name=TEHRAN) == "۱۸ آوریل ۲۰۲۶"


def test_arabic_month_names_and_digits_come_from_cldr():
    # CLDR's Arabic writes Western digits by default, Egypt's and Saudi Arabia's Arabic-Indic.
    assert format_published(MOMENT, language="ar", timezone_name=TEHRAN) == "18 أبريل 2026، 13:35"
    assert format_day(MOMENT, language="ar-EG", timezone_name="Africa/Cairo") == "١٨ أبريل ٢٠٢٦"
    assert format_number(1250, language="ar-SA") == "١٢٥٠"


def test_every_month_has_its_name():
    def month(language: str, calendar: str, number: int) -> str:
        # A day inside month `number` of 1404 (from 10 Farvardin, 30.4 days a month) or of 2026.
        if calendar == "solar_hijri":
            moment = utc(2025, 3, 30) + datetime.timedelta(days=30.4 * (number - 1))
        else:
            moment = MOMENT.replace(month=number)
        return format_day(moment, language=language, timezone_name="UTC", calendar=calendar)

    names = {
        (language, calendar): [month(language, calendar, m).split()[1] for m in range(1, 13)]
        for language, calendar in [
            ("en", "gregorian"),
            ("fa", "gregorian"),
            ("ar", "gregorian"),
            ("fa", "solar_hijri"),
        ]
    }
    assert names["en", "gregorian"][0] == "January" and names["en", "gregorian"][11] == "December"
    assert names["fa", "gregorian"][0] == "ژانویه" and names["fa", "gregorian"][11] == "دسامبر"
    assert names["ar", "gregorian"][0] == "يناير" and names["ar", "gregorian"][11] == "ديسمبر"
    hijri = names["fa", "solar_hijri"]
    assert hijri[0] == "فروردین" and hijri[6] == "مهر" and hijri[11] == "اسفند"
    assert all(len(set(months)) == 12 for months in names.values())


def test_every_cldr_locales_digits_are_known():
    """A language added later needs no code: whatever digits CLDR gives it are in the table."""
    systems = set()
    for identifier in localedata.locale_identifiers():
        systems.add(Locale.parse(identifier).default_numbering_system)
    assert systems <= DIGIT_ZERO.keys()
    for zero in DIGIT_ZERO.values():
        assert [unicodedata.digit(chr(ord(zero) + n)) for n in range(10)] == list(range(10))


@pytest.mark.parametrize(
    "language", ["", "xx", "<script>alert(1)</script>", "x" * 500, "fa--IR", "123", "\u202e"]
)
def test_an_unknown_or_hostile_language_tag_falls_back_to_english(language):
    assert format_published(MOMENT, language=language, timezone_name="UTC") == (
        "18 April 2026, 10:05"
    )
    assert format_number(12, language=language) == "12"


def test_an_unknown_zone_falls_back_to_utc():
    assert local_time(MOMENT, "Mars/Olympus_Mons").utcoffset() == datetime.timedelta(0)
    assert local_time(MOMENT, TEHRAN).utcoffset() == datetime.timedelta(hours=3, minutes=30)


def test_machine_time_is_utc_in_whole_seconds_whatever_the_servers_zone():
    in_tehran = MOMENT.astimezone(datetime.timezone(datetime.timedelta(hours=3, minutes=30)))
    assert machine_time(in_tehran.replace(microsecond=987654)) == "2026-04-18T10:05:09Z"


def test_cldrs_own_words_between_date_and_time_are_kept_unquoted():
    # Corsican joins with "{1} 'à' {0}": the quotes mark a literal in CLDR, not text to show.
    assert format_published(MOMENT, language="co", timezone_name="Europe/Paris") == (
        "18 d’aprile 2026 à 12:05"
    )
    assert format_published(MOMENT, language="fa_IR", timezone_name="UTC") == (
        format_published(MOMENT, language="fa-IR", timezone_name="UTC")
    )
