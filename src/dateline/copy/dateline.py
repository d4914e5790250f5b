"""Dateline grammar: ``Moscow, April 18, IRNA –`` ↔ place, date and source.

Recognised shapes (any of en dash, em dash, hyphen or double hyphen ends them)::

    Moscow, April 18, IRNA –          LONDON, Nov 26 (Reuters) -
    WASHINGTON (AP) —                 BEIJING, Nov. 27 (Xinhua) --
    Tehran, IRNA --                   SALVADOR, Brazil, Feb 26 -
    London, 18th April, IRNA –        تهران- ایرنا-
    MOSCOW, November 26. /TASS/.      PARIS, 26 nov 2026 (AFP) -
    Madrid, 26 nov (EFE).-            Berlin, 26. November (dpa) -
    TOKYO, Nov. 26 Kyodo -            دمشق-سانا        القاهرة - أ ش أ
"""

import dataclasses
import datetime
import re

from dateline.copy.language import direction_for
from dateline.copy.model import Dateline

# Spelled out rather than taken from ``calendar``, whose names follow the locale.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTHS: dict[str, int] = {
    spelling: number
    for number, name in enumerate(MONTH_NAMES, start=1)
    for spelling in (name.lower(), name[:3].lower())
}
MONTHS["sept"] = 9
# The agencies a desk receives most write month names in their own language: AFP (French),
# EFE (Spanish), ANSA (Italian), dpa (German). Names and their agency abbreviations; those the
# English ones already cover (nov, mar, …) are not repeated.
FOREIGN_MONTHS = (
    ("janvier", "janv", "enero", "ene", "gennaio", "gen", "januar", "jänner"),
    ("février", "févr", "fév", "febrero", "febbraio", "februar"),
    ("mars", "marzo", "märz", "mär"),
    ("avril", "avr", "abril", "abr", "aprile"),
    ("mai", "mayo", "maggio", "mag"),
    ("juin", "junio", "giugno", "giu", "juni"),
    ("juillet", "juil", "julio", "luglio", "lug", "juli"),
    ("août", "agosto", "ago"),
    ("septembre", "septiembre", "settembre", "set"),
    ("octobre", "octubre", "ottobre", "ott", "oktober", "okt"),
    ("novembre", "noviembre"),
    ("décembre", "déc", "diciembre", "dic", "dicembre", "dezember", "dez"),
)
MONTHS.update(
    (spelling, number)
    for number, spellings in enumerate(FOREIGN_MONTHS, start=1)
    for spelling in spellings
)
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
# Agencies recognised without parentheses ("Tehran, IRNA –"); parenthesised
# sources ("(Reuters)") may be anything short.
AGENCIES = (
    "IRNA", "Reuters", "Reuter", "AP", "AFP", "Xinhua", "TASS", "UPI", "dpa", "Kyodo", "Yonhap",
    "ISNA", "Mehr", "Tasnim", "Fars", "PTI", "ANI", "IANS", "Anadolu", "Bernama", "Antara",
    "KUNA", "WAM", "SPA", "QNA", "MENA", "SANA", "Interfax", "EFE", "ANSA",
)  # fmt: skip
MAX_PREFIX_CHARS = 80
_MAX_PLACE_PARTS = 3  # "Lake Success, N.Y., USA"
_YEAR_SEARCH_SPAN = 9  # long enough to reach a leap year from any year

# The dash that ends a dateline; the whitespace around it is taken by _separator(), not by a
# leading \s* in the pattern, which a search would rescan from every space of a long run.
_SEPARATOR_DASH = re.compile(r"--|[–—]|(?<=\s)-|-(?=\s|$)")
# EFE closes its source with a full stop before the dash: "Madrid, 26 nov (EFE).-".
_PAREN_SOURCE = re.compile(r"\s*\(([^()\n]{1,40})\)\.?\s*$")
_AGENCY_SOURCE = re.compile(r",\s*(" + "|".join(AGENCIES) + r")\s*$", re.IGNORECASE)
# Kyodo puts its name after the date with no comma: "TOKYO, Nov. 26 Kyodo -".
_AGENCY_AFTER_DATE = re.compile(r"\s(" + "|".join(AGENCIES) + r")\s*$", re.IGNORECASE)
_DATE_SUFFIX = re.compile(
    rf"(?:^|[,\s])\s*(?:(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<day_first>\d{{1,2}})(?:st|nd|rd|th|\.)?\s+(?P<month_second>{_MONTH})\.?)"
    r"(?:,?\s+(?P<year>\d{4}))?,?\s*$",
    re.IGNORECASE,
)
# A plausible place in lead copy: capitalised words, with a few lowercase
# connectors ("Rio de Janeiro"); comma-separated qualifiers ("SALVADOR, Brazil").
_STRICT_PLACE_PART = re.compile(
    r"(?:[A-Z][\w.'’&-]*|de|da|do|del|la|le|el|al|of|on|upon|am|an|sur)"
    r"(?: (?:[A-Z][\w.'’&-]*|de|da|do|del|la|le|el|al|of|on|upon|am|an|sur)){0,4}"
)
# In a field known to be a dateline (Reuters <DATELINE>), any words without digits.
_LENIENT_PLACE_PART = re.compile(r"[^\W\d_][^\d,()]{0,60}")
# Any agency, including one not in AGENCIES (a newsroom's own name), when it stands after the
# date: "Tabriz, November 24, Dateline –". Without a date it could be a region ("SALVADOR, Brazil").
_SOURCE_AFTER_DATE = re.compile(r",\s*([^\W\d_][\w.&'’-]*(?: [^\W\d_][\w.&'’-]*){0,2})\s*$")
_PERSIAN_WORDS = r"[\u0600-\u06ff]+(?:[ \u200c]+[\u0600-\u06ff]+){0,2}"
# Persian style is "place- source-": two short runs of Persian words, each closed by a dash.
_PERSIAN = re.compile(
    rf"\s*(?P<place>{_PERSIAN_WORDS})\s*[-–—]\s*(?P<source>{_PERSIAN_WORDS})\s*[-–—]\s*"
)
# Arabic agencies' own names, as their copy writes them after the place: SANA, MENA (أ ش أ),
# SPA, WAM, KUNA, QNA, Petra, WAFA, Saba, BNA, Anadolu, Reuters, AFP, Xinhua, ONA.
ARABIC_AGENCIES = (
    "سانا", "أ ش أ", "ا ش ا", "واس", "وام", "كونا", "قنا", "بترا", "وفا", "سبأ", "بنا",
    "الأناضول", "رويترز", "أ ف ب", "ا ف ب", "شينخوا", "العمانية",
)  # fmt: skip
# Arabic style is "place - agency" with no closing dash ("دمشق-سانا", "القاهرة - أ ش أ"), so
# only a known agency, not followed by another letter, ends it; a ":" or dash may follow.
_ARABIC = re.compile(
    rf"\s*(?P<place>{_PERSIAN_WORDS})\s*[-–—]\s*(?P<source>{'|'.join(ARABIC_AGENCIES)})"
    r"(?![\u0600-\u06ff])\s*[-–—:]?\s*"
)
# TASS: "MOSCOW, November 26. /TASS/." — the agency between slashes ends the dateline.
_SLASHED_SOURCE = re.compile(r"(?P<head>[^/\n]{1,80}?)\.?\s*/(?P<source>[^\W\d_]{2,20})/\.?\s*")


# The furthest ahead of UTC any clock runs (Kiribati's Line Islands, UTC+14).
_LATEST_UTC_OFFSET = datetime.timedelta(hours=14)


def latest_date(now: datetime.datetime) -> datetime.date:
    """The date it is at `now` where the day starts first: copy filed "today" anywhere is
    dated no later. UTC's date would take Tehran's copy of the first three and a half hours
    of a day (`Dec 1`, filed at 01:00) for last year's."""
    return (now.astimezone(datetime.UTC) + _LATEST_UTC_OFFSET).date()


def resolve_date(month: int, day: int, reference: datetime.date) -> datetime.date | None:
    """The most recent ``month``/``day`` not after ``reference``.

    Feb 29 walks back to the latest leap year; a day the month never has gives ``None``.
    """
    for year in range(reference.year, reference.year - _YEAR_SEARCH_SPAN, -1):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        if candidate <= reference:
            return candidate
    return None


def split_dateline(paragraph: str, *, reference: datetime.date) -> tuple[Dateline | None, str]:
    """Split a dateline prefix off a lead paragraph: ``(dateline, rest)``.

    The separator dash must end within the first 80 characters and the words
    before it must read as a dateline: a capitalised place with a date or an
    agency, or an all-capitals place alone (``"WASHINGTON —"``). Otherwise the
    result is ``(None, paragraph)``. Dates without a year resolve with
    :func:`resolve_date` against ``reference``.
    """
    persian = _PERSIAN.match(paragraph) or _ARABIC.match(paragraph)
    if persian:
        raw = paragraph[: persian.end()].strip()
        dateline = Dateline(persian["place"], None, persian["source"], raw)
        return dateline, paragraph[persian.end() :]
    slashed = _SLASHED_SOURCE.match(paragraph)
    if slashed:
        raw = paragraph[: slashed.end()].strip()
        dateline = _parse_head(slashed["head"], raw, reference, None, strict=True)
        if dateline is not None:
            dateline = dataclasses.replace(dateline, source=slashed["source"])
            return dateline, paragraph[slashed.end() :]
    separator = _separator(paragraph)
    if not separator or not 0 < separator[0] <= MAX_PREFIX_CHARS:
        return None, paragraph
    start, end = separator
    raw = paragraph[:end].strip()
    dateline = _parse_head(paragraph[:start], raw, reference, None, strict=True)
    if dateline is None:
        return None, paragraph
    return dateline, paragraph[end:]


def parse_dateline(
    field: str, *, reference: datetime.date | None, year: int | None = None
) -> Dateline | None:
    """Parse a text known to be a dateline, such as a Reuters ``<DATELINE>`` element.

    More lenient than :func:`split_dateline`: the place may be in any case
    (``"omaha, april 7 -"``) and may stand alone. With ``year`` a month and day
    take that year; otherwise they resolve against ``reference`` (with neither,
    the date is left ``None``). Text after the separator is ignored; ``raw`` is
    the whole field with whitespace runs collapsed. Returns ``None`` when
    nothing reads as a place, date or source.
    """
    raw = " ".join(field.split())
    text = raw.lstrip("*")  # Reuters flash markers: "****PARIS, June 19 -"
    persian = _PERSIAN.match(text)
    if persian:
        return Dateline(persian["place"], None, persian["source"], raw)
    separator = _separator(text)
    head = text[: separator[0]] if separator else text
    return _parse_head(head, raw, reference, year, strict=False)


def _separator(text: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first separator dash with the whitespace on both sides: what a
    search for ``\\s*(?:dash)\\s*`` finds, in time linear in ``text``."""
    dash = _SEPARATOR_DASH.search(text)
    if dash is None:
        return None
    start, end = dash.span()
    while start > 0 and text[start - 1].isspace():
        start -= 1
    while end < len(text) and text[end].isspace():
        end += 1
    return start, end


def _parse_head(
    head: str, raw: str, reference: datetime.date | None, year: int | None, *, strict: bool
) -> Dateline | None:
    source = None
    if match := _PAREN_SOURCE.search(head) or _AGENCY_SOURCE.search(head):
        source = " ".join(match[1].split())
        head = head[: match.start()]
    elif (
        match := _SOURCE_AFTER_DATE.search(head) or _AGENCY_AFTER_DATE.search(head)
    ) and _DATE_SUFFIX.search(head[: match.start()]):
        source = match[1]
        head = head[: match.start()]
    date = None
    if match := _DATE_SUFFIX.search(head):
        month = MONTHS[(match["month"] or match["month_second"]).lower()]
        day = int(match["day"] or match["day_first"])
        explicit_year = int(match["year"]) if match["year"] else year
        if explicit_year:
            date = _dated(explicit_year, month, day)
        elif reference:
            date = resolve_date(month, day, reference)
        if (explicit_year or reference) and date is None:
            return None  # a day the month does not have: not a dateline
        head = head[: match.start()]
    place = " ".join(head.split()) or None
    if place is not None and not _plausible_place(place, strict=strict):
        return None
    if strict and not (date or source or (place and place.isupper())):
        return None
    if not (place or date or source):
        return None
    return Dateline(place, date, source, raw)


def _dated(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _plausible_place(place: str, *, strict: bool) -> bool:
    parts = place.split(", ")
    pattern = _STRICT_PLACE_PART if strict else _LENIENT_PLACE_PART
    return len(parts) <= _MAX_PLACE_PARTS and all(pattern.fullmatch(part) for part in parts)


def format_dateline(
    place: str | None,
    date: datetime.date | None,
    source: str | None,
    *,
    language: str = "en",
) -> str:
    """Render dateline fields in agency style.

    Left-to-right languages: ``"Moscow, April 18, IRNA –"`` (missing fields are
    left out: ``"Tehran, IRNA –"``). Right-to-left languages follow IRNA
    Persian style and omit the date: ``"تهران- ایرنا-"``. No fields give ``""``.
    """
    if direction_for(language) == "rtl":
        return " ".join(f"{part}-" for part in (place, source) if part)
    day = f"{MONTH_NAMES[date.month - 1]} {date.day}" if date else None
    parts = [part for part in (place, day, source) if part]
    return f"{', '.join(parts)} –" if parts else ""
