"""Dates and numbers as an edition's readers expect them.

Persian dates are still Gregorian here, in Persian words and digits; the Solar Hijri calendar
comes with the editions-calendar issue and slots in behind `format_published`.
"""

import datetime
import zoneinfo
from functools import cache

EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
FA_GREGORIAN_MONTHS = (
    "ژانویه",
    "فوریه",
    "مارس",
    "آوریل",
    "مه",
    "ژوئن",
    "ژوئیه",
    "اوت",
    "سپتامبر",
    "اکتبر",
    "نوامبر",
    "دسامبر",
)
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_time(moment: datetime.datetime, timezone_name: str) -> datetime.datetime:
    return moment.astimezone(_zone(timezone_name))


def format_published(moment: datetime.datetime, *, language: str, timezone_name: str) -> str:
    """'27 November 2026, 14:05' in the edition's time zone; Persian words and digits for fa."""
    local = local_time(moment, timezone_name)
    if language.startswith("fa"):
        text = f"{local.day} {FA_GREGORIAN_MONTHS[local.month - 1]} {local.year}، {local:%H:%M}"
        return text.translate(PERSIAN_DIGITS)
    return f"{local.day} {EN_MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"


def format_day(moment: datetime.datetime, *, language: str, timezone_name: str) -> str:
    """'28 November 2026' in the edition's time zone; Persian words and digits for fa."""
    local = local_time(moment, timezone_name)
    if language.startswith("fa"):
        return f"{local.day} {FA_GREGORIAN_MONTHS[local.month - 1]} {local.year}".translate(
            PERSIAN_DIGITS
        )
    return f"{local.day} {EN_MONTHS[local.month - 1]} {local.year}"


def format_number(number: int, *, language: str) -> str:
    """A count in the edition's digits: '12' or '۱۲'."""
    text = str(number)
    return text.translate(PERSIAN_DIGITS) if language.startswith("fa") else text
