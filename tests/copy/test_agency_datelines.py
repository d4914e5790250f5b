"""The datelines of the agencies a desk receives most (issue 9, item 7): TASS, AFP, EFE, ANSA,
dpa, Anadolu, Xinhua, Kyodo, Yonhap, the Gulf agencies in English, and Arabic agencies in
Arabic. Each gives its place, source and date where it states one."""

import datetime

import pytest

from dateline.copy import Dateline, parse_text
from dateline.copy.dateline import ARABIC_AGENCIES, FOREIGN_MONTHS, split_dateline
from tests.copy.copy_support import NOW

TODAY = datetime.date(2026, 11, 27)
NOV_26 = datetime.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("lead", "place", "date", "source", "raw"),
    [
        ("MOSCOW, November 26. /TASS/. Talks began.", "MOSCOW", NOV_26, "TASS",
         "MOSCOW, November 26. /TASS/."),
        ("MOSCOW, November 26 /TASS/ Talks began.", "MOSCOW", NOV_26, "TASS",
         "MOSCOW, November 26 /TASS/"),
        ("ST. PETERSBURG /TASS/. Talks began.", "ST. PETERSBURG", None, "TASS",
         "ST. PETERSBURG /TASS/."),
        ("PARIS, 26 nov 2026 (AFP) - Talks began.", "PARIS", NOV_26, "AFP",
         "PARIS, 26 nov 2026 (AFP) -"),
        ("PARIS, 26 novembre 2026 (AFP) - Talks began.", "PARIS", NOV_26, "AFP",
         "PARIS, 26 novembre 2026 (AFP) -"),
        ("Madrid, 26 nov (EFE).- Talks began.", "Madrid", NOV_26, "EFE",
         "Madrid, 26 nov (EFE).-"),
        ("ROMA, 26 NOV - Talks began.", "ROMA", NOV_26, None, "ROMA, 26 NOV -"),
        ("Berlin (dpa) - Talks began.", "Berlin", None, "dpa", "Berlin (dpa) -"),
        ("Berlin, 26. November (dpa) - Talks began.", "Berlin", NOV_26, "dpa",
         "Berlin, 26. November (dpa) -"),
        ("ANKARA (AA) - Talks began.", "ANKARA", None, "AA", "ANKARA (AA) -"),
        ("BEIJING, Nov. 26 (Xinhua) -- Talks began.", "BEIJING", NOV_26, "Xinhua",
         "BEIJING, Nov. 26 (Xinhua) --"),
        ("TOKYO, Nov. 26 Kyodo - Talks began.", "TOKYO", NOV_26, "Kyodo",
         "TOKYO, Nov. 26 Kyodo -"),
        ("TOKYO, Nov. 26 KYODO - Talks began.", "TOKYO", NOV_26, "KYODO",
         "TOKYO, Nov. 26 KYODO -"),
        ("SEOUL, Nov. 26 (Yonhap) -- Talks began.", "SEOUL", NOV_26, "Yonhap",
         "SEOUL, Nov. 26 (Yonhap) --"),
        ("ABU DHABI, 26th November, 2026 (WAM) -- Talks began.", "ABU DHABI", NOV_26, "WAM",
         "ABU DHABI, 26th November, 2026 (WAM) --"),
        ("RIYADH, Nov 26, 2026, SPA -- Talks began.", "RIYADH", NOV_26, "SPA",
         "RIYADH, Nov 26, 2026, SPA --"),
        ("KUWAIT, Nov 26 (KUNA) -- Talks began.", "KUWAIT", NOV_26, "KUNA",
         "KUWAIT, Nov 26 (KUNA) --"),
        ("DOHA, November 26 (QNA) - Talks began.", "DOHA", NOV_26, "QNA",
         "DOHA, November 26 (QNA) -"),
        ("دمشق-سانا Talks began.", "دمشق", None, "سانا", "دمشق-سانا"),
        ("القاهرة - أ ش أ Talks began.", "القاهرة", None, "أ ش أ", "القاهرة - أ ش أ"),
        ("الرياض - واس: Talks began.", "الرياض", None, "واس", "الرياض - واس:"),
        ("أبو ظبي – وام – Talks began.", "أبو ظبي", None, "وام", "أبو ظبي – وام –"),
    ],
)  # fmt: skip
def test_agency_datelines(lead, place, date, source, raw):
    dateline, rest = split_dateline(lead, reference=TODAY)
    assert dateline == Dateline(place, date, source, raw)
    assert rest == "Talks began."


@pytest.mark.parametrize(
    ("number", "spelling"),
    [(number, spelling) for number, names in enumerate(FOREIGN_MONTHS, 1) for spelling in names],
)
def test_every_foreign_month_name(number, spelling):
    dateline, _ = split_dateline(f"PARIS, 3 {spelling} 2025 (AFP) - Text.", reference=TODAY)
    assert dateline.date == datetime.date(2025, number, 3)
    dateline, _ = split_dateline(f"PARIS, 3 {spelling.upper()}. (AFP) - Text.", reference=TODAY)
    assert dateline.date == datetime.date(2026 if number <= 11 else 2025, number, 3)


@pytest.mark.parametrize("agency", ARABIC_AGENCIES)
def test_every_arabic_agency(agency):
    dateline, rest = split_dateline(f"عمان-{agency} قال الوزير", reference=TODAY)
    assert (dateline.place, dateline.source, dateline.date) == ("عمان", agency, None)
    assert rest == "قال الوزير"


@pytest.mark.parametrize(
    "lead",
    [
        "دمشق-ساناتور قال الوزير",  # the agency's name must end there
        "دمشق - وزير الخارجية قال",  # not a known agency, and no closing dash
        "Cats and/dogs/ are pets.",  # slashes, but nothing before them reads as a dateline
        "Tokyo Kyodo - no date, no comma: not a source",
        "TOKYO, Nov. 26 Kyodo",  # no dash at all
        "MOSCOW, November 26 /A/ one letter is no agency",
    ],
)
def test_not_agency_datelines(lead):
    assert split_dateline(lead, reference=TODAY) == (None, lead)


def test_a_tass_story_parses_whole():
    data = b"Talks in Moscow\n\nMOSCOW, November 26. /TASS/. Talks began.\n\nMore.\n"
    story = parse_text(data, name="tass.txt", now=NOW)
    assert story.dateline == Dateline(
        "MOSCOW", datetime.date(2026, 11, 26), "TASS", "MOSCOW, November 26. /TASS/."
    )
    assert story.lead == "Talks began."
    assert story.warnings == []
