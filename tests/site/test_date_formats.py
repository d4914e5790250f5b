"""Publication times in the edition's time zone and language, whatever the server's zone."""

import datetime
import time

import pytest

from dateline.site.formatting import format_day, format_published, local_time
from dateline.site.templating import machine_time

# 10:05 UTC is 13:35 in Tehran (UTC+03:30, no daylight saving since 2022).
MOMENT = datetime.datetime(2026, 4, 18, 10, 5, 9, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def server_far_away(monkeypatch):
    """A server clock set to neither UTC nor the edition's zone."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_english_time_in_the_editions_zone():
    assert format_published(MOMENT, language="en", timezone_name="Asia/Tehran") == (
        "18 April 2026, 13:35"
    )
    assert format_published(MOMENT, language="en", timezone_name="UTC") == "18 April 2026, 10:05"
    assert format_day(MOMENT, language="en", timezone_name="Asia/Tehran") == "18 April 2026"


def test_persian_time_in_persian_words_and_digits():
    assert format_published(MOMENT, language="fa", timezone_name="Asia/Tehran") == (
        "۱۸ آوریل ۲۰۲۶، ۱۳:۳۵"
    )
    assert format_published(MOMENT, language="fa-IR", timezone_name="UTC") == (
        "۱۸ آوریل ۲۰۲۶، ۱۰:۰۵"
    )
    assert format_day(MOMENT, language="fa", timezone_name="Asia/Tehran") == "۱۸ آوریل ۲۰۲۶"


def test_every_month_has_its_name():
    months = [
        format_day(MOMENT.replace(month=m), language=lang, timezone_name="UTC").split()[1]
        for lang in ("en", "fa")
        for m in range(1, 13)
    ]
    assert months[0] == "January" and months[11] == "December"
    assert months[12] == "ژانویه" and months[23] == "دسامبر"
    assert len(set(months)) == 24


def test_an_unknown_zone_falls_back_to_utc():
    assert local_time(MOMENT, "Mars/Olympus_Mons").utcoffset() == datetime.timedelta(0)
    assert local_time(MOMENT, "Asia/Tehran").utcoffset() == datetime.timedelta(hours=3, minutes=30)


def test_machine_time_is_utc_in_whole_seconds_whatever_the_servers_zone():
    in_tehran = MOMENT.astimezone(datetime.timezone(datetime.timedelta(hours=3, minutes=30)))
    assert machine_time(in_tehran.replace(microsecond=987654)) == "2026-04-18T10:05:09Z"
