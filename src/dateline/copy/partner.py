"""Partner copy: IPTC ninjs (1.x–3.x JSON) and NewsML-G2 (newsItem XML) items → ParsedStory.

Each item keeps who sent it (provider, copyright holder or info source), its ``uri`` (NewsML-G2:
``guid``) and version. The source id is ``partner:`` and the uri, so the same item is one story
whatever its version; ``source_version`` lets the importer replace an older version's draft.
Bodies lose all markup (dateline.copy.markup).
"""

import codecs
import datetime
import hashlib
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from dateline.copy.characters import (
    one_line,
    printable_name,
    without_controls,
)
from dateline.copy.dateline import latest_date, split_dateline
from dateline.copy.errors import CopyError, Withdrawn
from dateline.copy.language import detect_language, direction_for
from dateline.copy.markup import BlockCollector, html_blocks, text_blocks
from dateline.copy.model import EARLIEST, Block, Dateline, ParsedStory
from dateline.copy.safexml import local_name, parse_xml
from dateline.copy.text import MAX_HEADLINE_CHARS

MAX_PARTNER_BYTES = 5 * 1024 * 1024
SOURCE_PREFIX = "partner:"
_MAX_SOURCE_ID = 200
_MAX_SOURCE_NAME = 300
MAX_CREDIT_CHARS = 200  # the rights holder's name, as a story keeps it (`Story.credit`)
# A partner's version counted as a number: up to 18 digits (a 64-bit integer holds them).
_MAX_VERSION_DIGITS = 18
_SHOWN_VERSION_CHARS = 40
NAR = "{http://iptc.org/std/nar/2006-10-01/}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# A BCP 47 primary language subtag as stories keep it: two or three ASCII letters ("en", "fa",
# "fil"). Anything else ("123", markup, a 20-letter word) is no language: it would be invalid
# in NewsML-G2's xml:lang and in a page's lang, and longer than the column.
_PRIMARY_LANGUAGE = re.compile(r"[a-z]{2,3}")


@dataclass
class PartnerItem:
    """What both formats give, before it becomes a ParsedStory."""

    uri: str
    version: str
    provider: str
    headline: str
    blocks: list[Block]
    language: str = ""
    located: str = ""
    byline: str = ""
    subjects: list[str] = field(default_factory=list)
    created_as_sent: str = ""  # versionCreated (or firstCreated) as the item wrote it
    embargoed: datetime.datetime | None = None
    status: str = "usable"  # pubStatus: usable, withheld or canceled

    @property
    def created(self) -> datetime.datetime | None:
        return _time(self.created_as_sent)


def parse_ninjs(data: bytes, *, name: str, now: datetime.datetime) -> ParsedStory:
    """One ninjs item (any of 1.x, 2.x and 3.x property spellings)."""
    name = printable_name(name)
    _check_size(data, name)
    try:
        item = json.loads(
            data.decode("utf-8-sig"), parse_int=_json_integer, parse_constant=_not_json
        )
    except UnicodeDecodeError as error:
        raise CopyError(f"{name}: not UTF-8 (byte {error.start:,}); ninjs is UTF-8 JSON") from None
    except json.JSONDecodeError as error:
        raise CopyError(
            f"{name}: not valid JSON ({error.msg}, line {error.lineno}, column {error.colno})"
        ) from None
    except ValueError as error:  # from _json_integer or _not_json
        raise CopyError(f"{name}: not valid JSON ({error})") from None
    except RecursionError:
        raise CopyError(f"{name}: the JSON is nested too deeply to be a ninjs item") from None
    if not isinstance(item, dict):
        raise CopyError(f"{name}: not a ninjs item (the JSON is not an object)")
    get = _ninjs_getter(item)
    headline = get("headline") or _first_value(get("headlines"))
    return _story(
        PartnerItem(
            uri=_string(get("uri")),
            version=_string(get("version")),
            provider=_string(get("copyrightHolder"))
            or _first_name(get("infoSources") or get("provider")),
            headline=_string(headline),
            blocks=_ninjs_blocks(get),
            language=_string(get("language")),
            located=_string(get("located")),
            byline=_string(get("by")) or _string(get("byline")),
            subjects=_names(get("subjects") or get("subject")),
            created_as_sent=_string(get("versionCreated") or get("firstCreated")),
            embargoed=_embargo(get("embargoedUntil") or get("embargoed"), name),
            status=_string(get("pubStatus")) or "usable",
        ),
        name=name,
        now=now,
        kind="ninjs",
    )


def parse_newsml(data: bytes, *, name: str, now: datetime.datetime) -> ParsedStory:
    """One NewsML-G2 ``newsItem`` (a text item with its body in ``inlineXML`` or
    ``inlineData``)."""
    name = printable_name(name)
    _check_size(data, name)
    root = parse_xml(data, name=name)
    if root.tag != f"{NAR}newsItem":
        raise CopyError(f"{name}: not a NewsML-G2 newsItem (the root is <{local_name(root.tag)}>)")
    meta = root.find(f"{NAR}contentMeta")
    item_meta = root.find(f"{NAR}itemMeta")
    holder = root.find(f"{NAR}rightsInfo/{NAR}copyrightHolder")
    provider = item_meta.find(f"{NAR}provider") if item_meta is not None else None
    return _story(
        PartnerItem(
            uri=root.get("guid", ""),
            version=root.get("version", ""),
            provider=_g2_label(holder) or _g2_label(provider),
            headline=_g2_text(meta, "headline"),
            blocks=_g2_blocks(root),
            language=root.get(_XML_LANG, ""),
            located=_g2_label(meta.find(f"{NAR}located"), qcode=False) if meta is not None else "",
            byline=_g2_byline(meta),
            subjects=[
                label
                for subject in (meta.iterfind(f"{NAR}subject") if meta is not None else ())
                if (label := _g2_label(subject, qcode=False))
            ],
            created_as_sent=_g2_text(item_meta, "versionCreated"),
            embargoed=_embargo(_g2_text(item_meta, "embargoed"), name),
            status=_g2_status(item_meta),
        ),
        name=name,
        now=now,
        kind="NewsML-G2",
    )


def _check_size(data: bytes, name: str) -> None:
    if len(data) > MAX_PARTNER_BYTES:
        raise CopyError(
            f"{name}: {len(data):,} bytes is over the {MAX_PARTNER_BYTES // (1024 * 1024)} MB "
            "limit for one partner item"
        )
    if not data.strip():
        raise CopyError(f"{name}: the file is empty")


def _json_integer(digits: str) -> int:
    try:
        return int(digits)
    except ValueError:  # over Python's limit on digits (4,300 unless set otherwise)
        count = len(digits.lstrip("-"))
        raise ValueError(f"a number of {count:,} digits, too long to read") from None


def _not_json(constant: str):
    """Python reads NaN, Infinity and -Infinity; JSON (RFC 8259) has no such numbers."""
    raise ValueError(f"{constant} is not a JSON number")


def _story(item: PartnerItem, *, name: str, now: datetime.datetime, kind: str) -> ParsedStory:
    # An identifier holds nothing invisible: no bidi control (which can show it in another
    # order than it is stored, printed by `dateline import`), no direction mark or zero-width
    # character, which would make two uris that look the same two sources.
    uri = "".join(c for c in item.uri if unicodedata.category(c) != "Cf")
    if not uri:
        raise CopyError(f"{name}: the {kind} item has no uri, so it could not be told apart")
    if item.status == "canceled":
        raise Withdrawn(
            f"{name}: the partner has withdrawn this item (pubStatus canceled)",
            partner_source_id(uri),
        )
    if item.status == "withheld" and item.embargoed is None:
        raise CopyError(
            f"{name}: the partner withholds this item (pubStatus withheld) and gives no embargo "
            "time: import it when it is released"
        )
    headline = " ".join(item.headline.split())
    if not headline:
        raise CopyError(f"{name}: the {kind} item has no headline")
    if len(headline) > MAX_HEADLINE_CHARS:
        raise CopyError(f"{name}: the headline is over {MAX_HEADLINE_CHARS} characters")
    paragraphs = [block for block in item.blocks if block.kind == "p"]
    if not paragraphs:
        raise CopyError(f"{name}: the {kind} item has no body text")
    first = paragraphs[0]
    # On no clock's date later than the item's time: its time is kept in UTC, whose date is
    # the day before for the first hours of a day filed east of Greenwich.
    dateline, lead = split_dateline(first.text, reference=latest_date(item.created or now))
    lead = lead.strip()
    rest = [block for block in item.blocks if block is not first]
    if not lead and rest:  # the dateline was the whole first paragraph
        lead, rest = rest[0].text, rest[1:]
    if not lead:
        raise CopyError(f"{name}: the {kind} item has no story text after its dateline")
    located = " ".join(item.located.split())
    if dateline is None and located:
        dateline = Dateline(located, None, None, located)
    named = one_line(item.provider)
    provider = named or "unknown partner"
    language, language_warning = _language(item.language, text=f"{headline} {lead}", name=name)
    warnings = [language_warning] if language_warning else []
    if item.created_as_sent.strip() and item.created is None:
        warnings.append(
            f"{name}: the item's time {item.created_as_sent[:40]!r} is not an ISO 8601 time from "
            f"{EARLIEST.year} on: the import's time is used"
        )
    return ParsedStory(
        headline=headline,
        language=language,
        direction=direction_for(language),
        dateline=dateline,
        lead=lead,
        blocks=rest,
        stripped=[],
        warnings=warnings,
        source_name=_source_name(provider, uri, item.version),
        file_name=name,
        source_id=partner_source_id(uri),
        # An embargoed item is published (with --publish) at its embargo time, never before.
        published_at=max(filter(None, (item.created, item.embargoed)), default=None),
        tags={"topic": item.subjects} if item.subjects else {},
        byline=" ".join(item.byline.split()),
        source_version=_version_number(item.version, name),
        embargoed_until=item.embargoed,
        credit=named[:MAX_CREDIT_CHARS],
    )


def _language(sent: str, *, text: str, name: str) -> tuple[str, str | None]:
    """The primary subtag of the item's language ("fr" for "fr-FR" or "fr_FR"), else the one
    detected from `text`, with a warning naming the file when the item gave something that is
    not a language tag (none given is no warning)."""
    primary = sent.strip().replace("_", "-").split("-")[0].lower()
    if _PRIMARY_LANGUAGE.fullmatch(primary):
        return primary, None
    detected = detect_language(text)
    if not sent.strip():
        return detected, None
    return detected, (
        f"{name}: the item's language {sent[:40]!r} is not a language tag (two or three "
        f"letters, as 'en' or 'fr-FR'): {detected!r}, detected from its text, is used"
    )


def _version_number(version: str, name: str) -> int | None:
    """The partner's version as a number (None when it is not one, "1.2"); refused when it is
    too long to be a version at all."""
    if not (version.isascii() and version.isdigit()):
        return None
    if len(version) > _MAX_VERSION_DIGITS:
        raise CopyError(
            f"{name}: the version {version[:20]}… has {len(version):,} digits; a version is a "
            f"number of at most {_MAX_VERSION_DIGITS}"
        )
    return int(version)


def _source_name(provider: str, uri: str, version: str) -> str:
    """ "provider: uri (version N)", the uri cut when it must be, never the version (the next
    import reads it back, `stored_version`, to tell a newer version from the same)."""
    shown = f" (version {version[:_SHOWN_VERSION_CHARS]})" if version else ""
    return f"{provider}: {uri}"[: _MAX_SOURCE_NAME - len(shown)] + shown


def partner_source_id(uri: str) -> str:
    """``partner:`` and the uri; a uri too long for the column is hashed."""
    source_id = SOURCE_PREFIX + uri
    if len(source_id) <= _MAX_SOURCE_ID:
        return source_id
    return SOURCE_PREFIX + "sha256:" + hashlib.sha256(uri.encode("utf-8")).hexdigest()


def _ninjs_getter(item: dict):
    """A lookup by the 3.x camelCase name that also finds the 2.x lower-case spelling."""
    lowered = {key.lower(): value for key, value in item.items()}
    return lambda key: item.get(key, lowered.get(key.lower()))


def _ninjs_blocks(get) -> list[Block]:
    bodies = get("bodies")
    if isinstance(bodies, list) and bodies:
        chosen = next(
            (body for body in bodies if isinstance(body, dict) and _is_html(body)),
            bodies[0],
        )
        if isinstance(chosen, dict):
            value = _string(chosen.get("value"))
            return html_blocks(value) if _is_html(chosen) else text_blocks(value)
    if html := _string(get("body_html")):
        return html_blocks(html)
    return text_blocks(_string(get("body_text")))


def _is_html(body: dict) -> bool:
    content_type = _string(body.get("contentType") or body.get("contenttype"))
    return "html" in content_type.lower() or (
        not content_type and "<" in _string(body.get("value"))
    )


def _string(value) -> str:
    # JSON can spell lone surrogates (\ud800), which no database can store: gone here.
    text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
    return without_controls(text)


def _first_value(values) -> str:
    if isinstance(values, list):
        for value in values:
            if isinstance(value, dict) and (text := _string(value.get("value"))):
                return text
    return ""


def _first_name(values) -> str:
    names = _names(values if isinstance(values, list) else [values])
    return names[0] if names else ""


def _names(values) -> list[str]:
    if not isinstance(values, list):
        return []
    names = (_string(value.get("name")) for value in values if isinstance(value, dict))
    return [" ".join(name.split()) for name in names if name.strip()]


def _time(text: str) -> datetime.datetime | None:
    """An ISO 8601 time (UTC when it names no zone) from EARLIEST on, in UTC; None for
    anything else. UTC at once: year 1 at +14:00 is still year 0 in UTC, before any date."""
    try:
        moment = datetime.datetime.fromisoformat(text.strip())
        moment = moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
        moment = moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        return None
    return moment if moment >= EARLIEST else None


def _embargo(value, name: str) -> datetime.datetime | None:
    """The embargo's end, or None for an item without one. An embargo that cannot be read is
    refused: ignoring it would publish at once copy the partner holds back."""
    if value is None or value == "":
        return None
    moment = _time(value) if isinstance(value, str) else None
    if moment is None:
        raise CopyError(
            f"{name}: the embargo time {str(value)[:60]!r} is not an ISO 8601 time from "
            f"{EARLIEST.year} on"
        )
    # To the next whole second: the edit screen's Embargo, filled with it, shows whole seconds
    # (13:30:47 for 13:30:47.5, refused as sooner), and no time may be sooner than the partner's.
    if moment.microsecond:
        moment = moment.replace(microsecond=0) + datetime.timedelta(seconds=1)
    return moment


def _g2_text(parent: ET.Element | None, child: str) -> str:
    found = parent.find(f"{NAR}{child}") if parent is not None else None
    return " ".join("".join(found.itertext()).split()) if found is not None else ""


def _g2_label(element: ET.Element | None, *, qcode: bool = True) -> str:
    """A concept's ``<name>``, else (``qcode``) its literal, qcode or uri."""
    if element is None:
        return ""
    if name := _g2_text(element, "name"):
        return name
    if not qcode:
        return ""
    return element.get("literal") or element.get("qcode") or element.get("uri") or ""


def _g2_status(item_meta: ET.Element | None) -> str:
    """``stat:canceled`` (or the scheme's full URI, in ``qcode`` or in ``uri``, which the XSD
    takes instead) as ``canceled``; none given is usable."""
    status = item_meta.find(f"{NAR}pubStatus") if item_meta is not None else None
    code = (status.get("qcode") or status.get("uri") or "") if status is not None else ""
    return code.rsplit(":", 1)[-1].rsplit("/", 1)[-1] or "usable"


def _g2_byline(meta: ET.Element | None) -> str:
    if meta is None:
        return ""
    if by := _g2_text(meta, "by"):
        return by
    creators = [_g2_label(creator, qcode=False) for creator in meta.iterfind(f"{NAR}creator")]
    names = [creator for creator in creators if creator]
    return f"By {', '.join(names)}" if names else ""


def _g2_blocks(root: ET.Element) -> list[Block]:
    content = root.find(f"{NAR}contentSet")
    if content is None:
        return []
    for inline in content:
        if inline.tag == f"{NAR}inlineXML":
            collector = BlockCollector()
            _walk(inline, collector)
            return collector.close()
        if inline.tag == f"{NAR}inlineData":
            text = "".join(inline.itertext())
            is_html = "html" in inline.get("contenttype", "")
            return html_blocks(text) if is_html else text_blocks(text)
    return []


def _walk(element: ET.Element, collector: BlockCollector) -> None:
    """Each element below `element`, depth first, told to `collector` as a parser would: with
    a stack of its own, not Python's, which an item nested thousands deep would exhaust."""
    walking = [(element, iter(element))]
    while walking:
        parent, children = walking[-1]
        child = next(children, None)
        if child is None:
            walking.pop()
            if walking:  # `element` itself is not told
                collector.end(local_name(parent.tag))
                collector.text(parent.tail or "")
            continue
        collector.start(local_name(child.tag))
        collector.text(child.text or "")
        walking.append((child, iter(child)))


def sniff_partner_format(head: bytes) -> str | None:
    """``"ninjs"``, ``"newsml"`` or None, from the first bytes of a file (in UTF-8, or in
    UTF-16 as XML may be: its parser reads the declared encoding, and ninjs's names it as not
    UTF-8).

    A JSON object is ninjs, whatever keys its first bytes hold: no wire copy in text begins
    with ``{``, and ninjs is the only JSON read, so its parser names what such a file lacks
    (a uri placed after a long body, or none at all) rather than the text parser calling it
    notes."""
    head = _utf_16_as_utf_8(head)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return "ninjs"
    if text.startswith(b"<") and b"newsItem" in head and b"iptc.org/std/nar" in head:
        return "newsml"
    return None


# How UTF-16 text begins: its byte order mark, or (XML without one) "<" as two bytes.
_UTF_16_STARTS = (
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)


def _utf_16_as_utf_8(head: bytes) -> bytes:
    for start, codec in _UTF_16_STARTS:
        if head.startswith(start):
            # "ignore": the head may end in the middle of a character.
            return head.decode(codec, "ignore").lstrip("\ufeff").encode()
    return head
