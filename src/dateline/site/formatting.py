"""Dates and numbers as an edition's readers expect them: in the edition's time zone, calendar,
month names and digits.

Gregorian month names, a language's digits and how a date and a time are joined come from CLDR
(Babel), so a new language needs no table here; the Solar Hijri calendar (the Iranian one, with
its leap years and Nowruz) comes from jdatetime (docs/decisions/0018-solar-hijri-dates.md).
"""

import datetime
import zoneinfo
from functools import cache

import jdatetime
from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal

from dateline.editions.models import Calendar

# The digit zero of every numbering system CLDR makes some locale's default; Unicode puts one to
# nine right after each (a test checks that this covers every locale Babel knows).
DIGIT_ZERO = {
    "latn": "0",
    "arab": "\u0660",  # Arabic-Indic: ٠
    "arabext": "\u06f0",  # Extended Arabic-Indic (Persian, Urdu, Pashto): ۰
    "deva": "\u0966",
    "beng": "\u09e6",
    "tibt": "\u0f20",
    "mymr": "\u1040",
    "olck": "\u1c50",
    "mtei": "\uabf0",
    "nkoo": "\u07c0",
    "cakm": "\U00011136",
    "hmnp": "\U0001e140",
    "adlm": "\U0001e950",
}


@cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


@cache
def _locale(language: str) -> Locale:
    """CLDR's data for a BCP 47 tag ('fa', 'fa-IR', 'ar-EG'); English for one CLDR lacks."""
    try:
        return Locale.parse(language.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale("en")


@cache
def _digits(language: str) -> dict[int, int]:
    zero = ord(DIGIT_ZERO.get(_locale(language).default_numbering_system, "0"))
    return str.maketrans("0123456789", "".join(chr(zero + n) for n in range(10)))


def local_time(moment: datetime.datetime, timezone_name: str) -> datetime.datetime:
    return moment.astimezone(_zone(timezone_name))


def _date_text(local: datetime.datetime, language: str, calendar: str) -> str:
    """'18 April 2026' or '29 فروردین 1405', in ASCII digits still."""
    locale = _locale(language)
    if calendar == Calendar.SOLAR_HIJRI:
        day = jdatetime.date.fromgregorian(date=local.date())
        names = (
            jdatetime.date.j_months_fa if locale.language == "fa" else jdatetime.date.j_months_en
        )
        return f"{day.day} {names[day.month - 1]} {day.year}"
    return f"{local.day} {locale.months['format']['wide'][local.month]} {local.year}"


def format_published(
    moment: datetime.datetime,
    *,
    language: str,
    timezone_name: str,
    calendar: str = Calendar.GREGORIAN,
) -> str:
    """'18 April 2026, 13:35' in the edition's time zone, calendar, words and digits
    ('۲۹ فروردین ۱۴۰۵،‏ ۱۳:۳۵' in Persian with the Solar Hijri calendar)."""
    local = local_time(moment, timezone_name)
    # CLDR's way of joining a date and a time: "{1}, {0}" in English, "{1}،‏ {0}" in Persian.
    glue = _locale(language).datetime_formats["medium"].replace("'", "")
    text = glue.replace("{1}", _date_text(local, language, calendar))
    return text.replace("{0}", f"{local:%H:%M}").translate(_digits(language))


def format_day(
    moment: datetime.datetime,
    *,
    language: str,
    timezone_name: str,
    calendar: str = Calendar.GREGORIAN,
) -> str:
    """'18 April 2026' in the edition's time zone, calendar, words and digits."""
    local = local_time(moment, timezone_name)
    return _date_text(local, language, calendar).translate(_digits(language))


def format_numeric_date(day: datetime.date | jdatetime.date, *, language: str) -> str:
    """A day as year-month-day in the language's digits, in whichever calendar `day` is of:
    '2026-11-28', or '۱۴۰۵-۰۹-۰۷' for a Solar Hijri day in Persian."""
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}".translate(_digits(language))


def format_quantity(number: int, *, language: str) -> str:
    """A quantity with the language's grouping and digits: '5,000', '۵٬۰۰۰' (Persian)."""
    grouped = format_decimal(number, locale=_locale(language), numbering_system="default")
    return grouped.translate(_digits(language))


def format_number(number: int, *, language: str) -> str:
    """A count in the language's digits: '12', '۱۲' (Persian) or '١٢' (Arabic of Egypt)."""
    return str(number).translate(_digits(language))
