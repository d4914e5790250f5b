"""A story's content as writers send it: checked and normalised the same way for every writer
(create, edit, correct, restore), so no entry point can store what another would refuse."""

import datetime
import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from dateline.copy.characters import (
    has_visible_character,
    strip_bidi_controls,
    trimmed,
    without_controls,
)
from dateline.copy.model import EARLIEST
from dateline.stories.models import Section, Story, Tag
from dateline.stories.rendering import nests_too_deep

MAX_SLUG_LENGTH = 120
# A story's body, in bytes of UTF-8: far beyond any story (some 150,000 English words), yet a
# runaway paste or a wrong file is refused, named, before it is stored. Every writer meets it
# in `clean_content`; `dateline story correct --body-file` reads no larger file; and
# settings.DATA_UPLOAD_MAX_MEMORY_SIZE lets a form with a body over it reach that check.
MAX_BODY_BYTES = 1_000_000
# A lead, in characters: five times the longest of Reuters-21578's 19,771 (615). A wire text with
# no paragraph breaks would otherwise be one lead of any size, shown whole on every list.
MAX_LEAD_CHARS = 3_000
# Plain-text fields with a length limit, checked before the database would refuse them.
# Each with its name in a refusal: the import prints the message alone, not beside the field.
_LIMITED = {
    "byline": "byline",
    "dateline_place": "dateline's place",
    "dateline_source": "dateline's source",
}


# The zero-width non-joiner: Persian's break inside a word ("راه‌آهن"), which slugify drops.
ZWNJ = "\u200c"


def slug_for(headline: str) -> str:
    """A readable URL slug; Persian and other scripts are kept, not transliterated. Dashes of
    every kind separate words, as a hyphen does ("Tehran–Mashhad" is tehran-mashhad), and so
    does a zero-width non-joiner ("راه‌آهن" is راه-آهن, not the misspelt راهآهن)."""
    spaced = "".join(" " if c == ZWNJ or unicodedata.category(c) == "Pd" else c for c in headline)
    slug = slugify(spaced, allow_unicode=True)[:MAX_SLUG_LENGTH].strip("-")
    return slug or "story"


def body_over_limit(size: int | None) -> str:
    """What a writer is told of a body of `size` bytes, over MAX_BODY_BYTES (None: a size not
    known, a pipe's, read no further than the limit)."""
    limit = f"{MAX_BODY_BYTES:,} bytes ({MAX_BODY_BYTES / 1_000_000:g} MB)"
    over = f"is {size:,} bytes; {limit} is the limit" if size is not None else f"is over {limit}"
    return f"The body {over}. Shorten it or split the story."


def _plausible(day: datetime.date) -> bool:
    """A day copy may be filed on: the English dateline leaves the year out, so a slip of the
    keyboard (0001, 9999) would show as a plausible day."""
    return EARLIEST.date() <= day <= timezone.now().date() + datetime.timedelta(days=366)


def clean_content(
    *,
    headline: str,
    lead: str,
    body: str = "",
    byline: str = "",
    dateline_place: str = "",
    dateline_date: datetime.date | None = None,
    dateline_source: str = "",
) -> dict:
    """The content fields, normalised; raises ValidationError naming each field at fault.

    Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069),
    which can show text in an order other than the stored one, and control characters (all but
    tab and line breaks, which become LF) are removed from every text field; in the headline,
    byline and dateline every run of spaces and line breaks is one space. A headline or lead
    with no visible character (only zero-width spaces, direction marks and the like) is refused
    like an empty one. A lead over MAX_LEAD_CHARS, a body over MAX_BODY_BYTES (in UTF-8) and a
    body nesting quotes or lists deeper than the renderer reads (`nests_too_deep`) are refused.
    """
    headline, lead, body, byline, dateline_place, dateline_source = (
        without_controls(strip_bidi_controls(text)[0])
        for text in (headline, lead, body, byline, dateline_place, dateline_source)
    )
    # One-line fields: a line break (typed, or sent by a partner or a crafted form) is a space.
    headline, byline, dateline_place, dateline_source = (
        " ".join(text.split()) for text in (headline, byline, dateline_place, dateline_source)
    )
    lead = lead.strip()
    errors = {
        name: f"The {name} has no visible characters."
        for name, value in (("headline", headline), ("lead", lead))
        if value and not has_visible_character(value)
    }
    if not headline:
        errors["headline"] = "A story needs a headline."
    elif len(headline) > Story._meta.get_field("headline").max_length:
        errors["headline"] = f"The headline is {len(headline)} characters long; 300 is the limit."
    if not lead:
        errors["lead"] = "A story needs a lead paragraph."
    if len(lead) > MAX_LEAD_CHARS:
        errors["lead"] = (
            f"The lead is {len(lead):,} characters; {MAX_LEAD_CHARS:,} is the limit. A lead is "
            "the story's first paragraph: the rest goes in the body."
        )
    body_size = len(body.encode("utf-8", "surrogatepass"))
    if body_size > MAX_BODY_BYTES:
        errors["body"] = body_over_limit(body_size)
    elif nests_too_deep(body):
        errors["body"] = (
            "The body nests quotes or lists too deep (about ten lists or twenty quotes): what is "
            "nested deeper would not be shown. Nest them less."
        )
    values = {
        "byline": byline,
        "dateline_place": dateline_place,
        "dateline_source": dateline_source,
    }
    for field, named in _LIMITED.items():
        limit = Story._meta.get_field(field).max_length
        if len(values[field]) > limit:
            errors[field] = (
                f"The {named} is {len(values[field]):,} characters; {limit} is the limit."
            )
    if dateline_date is not None and not _plausible(dateline_date):
        errors["dateline_date"] = (
            f"{dateline_date.isoformat()} is no day copy is filed on: a dateline's date is from "
            f"{EARLIEST.year} to a year from now."
        )
    if errors:
        raise ValidationError(errors)
    return {
        "headline": headline,
        "lead": lead,
        "body": body,
        "byline": trimmed(byline),
        "dateline_place": trimmed(dateline_place),
        "dateline_date": dateline_date,
        "dateline_source": trimmed(dateline_source),
    }


def check_section(section: Section | None, edition) -> None:
    if section is not None and section.edition_id != edition.pk:
        raise ValidationError({"section": f"Section '{section.slug}' belongs to another edition."})


def unique_tags(tags: Iterable[Tag]) -> list[Tag]:
    return list({tag.pk: tag for tag in tags}.values())
