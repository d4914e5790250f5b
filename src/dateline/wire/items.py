"""A story, or one version of it, as a wire item: ninjs 3.3 (`ninjs_item`), ninjs 2.4
(`ninjs2_item`) and NewsML-G2 2.35 (`newsml_item`). The pull API, webhooks and feeds all call
these, so a subscriber gets the same item whichever way it arrives.

The status follows the story: usable when public, withheld while under embargo (with the time
it lifts) or taken down, canceled once killed; a canceled item carries no body or corrections,
only what tells which story it was (headline, byline, place) and the notice.
"""

import datetime
import html
from collections import defaultdict
from dataclasses import dataclass
from xml.etree import ElementTree

from dateline.copy import direction_for
from dateline.copy.characters import xml_safe
from dateline.copy.dateline import format_dateline
from dateline.copy.paragraphs import byline_names
from dateline.stories.models import Correction, Revision, Status, Story, StoryChange
from dateline.stories.rendering import render_body
from dateline.stories.tagging import tag_key
from dateline.wire.models import MediaTopic, TopicMapping

PROVIDER = "Dateline"
KILL_NOTICE = "This story has been withdrawn. Do not use it; remove it where it was used."
NINJS3_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_3.3.json#"
NINJS2_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_2.4.json#"
NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IPTC_CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml"
ElementTree.register_namespace("", NAR)


def item_uri(code: int) -> str:
    return f"urn:dateline:story:{code}"


@dataclass(frozen=True)
class Subject:
    name: str
    uri: str
    qcode: str
    name_language: str  # the item's, or English where the topic has no label in it


@dataclass(frozen=True)
class Item:
    """What every format says about one version of one story."""

    code: int
    version: int
    pub_status: str  # usable | withheld | canceled
    embargoed_until: datetime.datetime | None
    first_created: datetime.datetime
    version_created: datetime.datetime
    language: str
    headline: str
    body_html: str
    byline: str
    located: str
    dateline: str  # as the story's page shows it ("Moscow, April 18, IRNA"), or ""
    credit: str  # whose copy it is when not ours (a partner's), or ""
    subjects: tuple[Subject, ...]
    corrections: tuple[str, ...]  # newest first, those made by this version or before
    corrected: bool  # this version is a correction
    previous_version: int | None  # the version that went out on the wire before this one

    @property
    def uri(self) -> str:
        return item_uri(self.code)


def pub_status(story: Story, *, public: bool | None = None) -> str:
    """`public`, when the caller read it with the story (Story.objects.public()), saves a
    query."""
    if story.status == Status.KILLED:
        return "canceled"
    if public is None:
        public = Story.objects.public().filter(pk=story.pk).exists()
    return "usable" if public else "withheld"


# The changes that send a story's version out on the wire. A restore counts once the story has
# gone out (restoring a published story is a new public version); before, it is a draft's.
_SENDING = (
    StoryChange.Action.PUBLISHED,
    StoryChange.Action.EMBARGOED,
    StoryChange.Action.RELEASED,
    StoryChange.Action.CORRECTED,
)
_WIRE_CHANGES = (*_SENDING, StoryChange.Action.RESTORED)


def wire_versions(codes: list[int]) -> dict[int, set[int]]:
    """The versions of each story that went out on the wire, in one query: those a subscriber
    may ask for again. The drafts before (and between) them never went out."""
    changes = defaultdict(list)
    rows = StoryChange.objects.filter(story_id__in=codes, action__in=_WIRE_CHANGES)
    for code, action, version in rows.values_list("story_id", "action", "version"):
        changes[code].append((action, version))
    versions = {}
    for code, made in changes.items():
        first = min((v for action, v in made if action in _SENDING), default=None)
        versions[code] = set() if first is None else {v for _, v in made if v >= first}
    return versions


class NotSent(LookupError):
    """An earlier version of a story that never went out on the wire (or none at all)."""


def item_of(story: Story, version: int | None = None, *, public: bool | None = None) -> Item:
    """The item for `story` as it is now, or for one of its earlier versions that went out
    (from its Revision; NotSent for any other); the status is always the story's current one."""
    version = story.version if version is None else version
    if version == story.version:
        return items_of([(story, public)])[0]
    sent = wire_versions([story.pk]).get(story.pk, set())
    if version not in sent:
        raise NotSent(f"story {story.pk} version {version}")
    revision = Revision.objects.get(story=story, version=version)
    tags = [tuple(pair) for pair in revision.tags]
    return _item(
        story,
        revision,
        version=version,
        body_html=render_body(revision.body),
        created=revision.saved_at,
        tags=tags,
        status=pub_status(story, public=public),
        notes=_notes([story.pk])[story.pk],
        topics=_topics(tags),
        sent=sent,
    )


def items_of(stories: list[tuple[Story, bool | None]]) -> list[Item]:
    """The items for stories as they are now (with whether each is public, when known), in
    a fixed number of queries: their corrections and Media Topics are read together."""
    tags = {
        story.pk: [(tag.vocabulary, tag.name) for tag in story.tags.all()] for story, _ in stories
    }
    notes = _notes(list(tags))
    topics = _topics([pair for pairs in tags.values() for pair in pairs])
    sent = wire_versions(list(tags))
    return [
        _item(
            story,
            story,
            version=story.version,
            body_html=story.body_html,
            created=story.updated_at,
            tags=tags[story.pk],
            status=pub_status(story, public=public),
            notes=notes[story.pk],
            topics=topics,
            sent=sent.get(story.pk, set()),
        )
        for story, public in stories
    ]


def _item(
    story, content, *, version, body_html, created, tags, status, notes, topics, sent
) -> Item:
    """`content` is the story or one of its revisions; `notes` its corrections, newest first,
    as (note, version made); `topics` Media Topics by (vocabulary, tag name); `sent` the
    versions that went out on the wire."""
    notes = [(note, made) for note, made in notes if made <= version]
    canceled = status == "canceled"
    mapped = {topics[pair].code: topics[pair] for pair in tags if pair in topics}
    return Item(
        code=story.code,
        version=version,
        pub_status=status,
        embargoed_until=story.embargo_until if story.is_embargoed and not canceled else None,
        first_created=story.created_at,
        version_created=created,
        language=story.language,
        headline=content.headline,
        body_html="" if canceled else _in_its_direction(story.language, content.lead, body_html),
        byline=content.byline,
        located=content.dateline_place,
        dateline=_dateline(content, story.language),
        credit=story.credit,
        subjects=tuple(_subject(topic, story.language) for _, topic in sorted(mapped.items())),
        corrections=() if canceled else tuple(note for note, _ in notes),
        corrected=any(made == version for _, made in notes),
        previous_version=max((v for v in sent if v < version), default=None),
    )


def _dateline(content, language: str) -> str:
    """The dateline's words without the dash that leads into the lead on a page."""
    if not (content.dateline_place or content.dateline_source):
        return ""
    place, source = content.dateline_place or None, content.dateline_source or None
    written = format_dateline(place, content.dateline_date, source, language=language)
    return written.rstrip(" –-")


def _subject(topic: MediaTopic, language: str) -> Subject:
    name, name_language = topic.label_and_language(language)
    return Subject(name=name, uri=topic.uri, qcode=topic.qcode, name_language=name_language)


def _in_its_direction(language: str, lead: str, body_html: str) -> str:
    """The lead and body as one HTML document that says its language and direction, as the
    feeds give it: a subscriber's page of another direction still draws a Persian story
    right to left."""
    opening = f'<div dir="{direction_for(language)}" lang="{html.escape(language)}">'
    return f"{opening}<p>{html.escape(lead)}</p>\n{body_html}</div>"


def _notes(codes: list[int]) -> dict[int, list[tuple[str, int]]]:
    notes = defaultdict(list)
    rows = Correction.objects.filter(story__in=codes).order_by("-at", "-pk")
    for code, note, made in rows.values_list("story_id", "note", "version"):
        notes[code].append((note, made))
    return notes


def _topics(tags: list[tuple[str, str]]) -> dict[tuple[str, str], MediaTopic]:
    """The Media Topic each (vocabulary, tag name) maps to, in one query: by the tag the name
    is (`tag_key`), so an earlier version's "ايران" finds the topic of the tag "ایران"."""
    keys = {pair: tag_key(pair[1]) for pair in tags}
    if not keys:
        return {}
    mappings = TopicMapping.objects.filter(tag__key__in=set(keys.values()))
    by_key = {m.tag.key: m.topic for m in mappings.select_related("tag", "topic")}
    return {pair: by_key[key] for pair, key in keys.items() if key in by_key}


def _as_item(story_or_item: Story | Item) -> Item:
    return story_or_item if isinstance(story_or_item, Item) else item_of(story_or_item)


def _time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def ninjs_item(story_or_item: Story | Item) -> dict:
    """ninjs 3.3."""
    item = _as_item(story_or_item)
    document = {
        "uri": item.uri,
        "standard": {"name": "ninjs", "version": "3.3", "schema": NINJS3_SCHEMA},
        "type": "text",
        "representationType": "full",
        "version": str(item.version),
        "firstCreated": _time(item.first_created),
        "versionCreated": _time(item.version_created),
        "pubStatus": item.pub_status,
        "language": item.language,
        "headlines": [{"role": "main", "value": item.headline}],
        # Partner copy we pass on stays the partner's: its rights holder, not us.
        "copyrightHolder": item.credit or PROVIDER,
    }
    if item.embargoed_until:
        document["embargoedUntil"] = _time(item.embargoed_until)
    if item.pub_status == "canceled":
        document["edNote"] = KILL_NOTICE
    else:
        document["bodies"] = [{"role": "main", "contentType": "text/html", "value": item.body_html}]
    if item.byline:
        document["by"] = item.byline
    if item.located:
        document["located"] = item.located
    if item.subjects:
        document["subjects"] = [
            {"name": s.name, "uri": s.uri, "literal": s.qcode, "rel": "about"}
            for s in item.subjects
        ]
    if item.corrections:
        document["descriptions"] = [{"role": "correction", "value": n} for n in item.corrections]
    if item.previous_version is not None:
        document["associations"] = [
            {
                "name": "previous version",
                "rel": "previousVersion",
                "uri": item.uri,
                "version": str(item.previous_version),
            }
        ]
    return document


# ninjs 2.x spells every property in lower case and calls embargoedUntil `embargoed`.
NINJS2_RENAMED = {"embargoedUntil": "embargoed"}


def ninjs2_item(story_or_item: Story | Item) -> dict:
    """ninjs 2.4, for older clients: the 3.3 item with 2.x's property names."""

    def renamed(value):
        if isinstance(value, dict):
            return {NINJS2_RENAMED.get(k, k.lower()): renamed(v) for k, v in value.items()}
        if isinstance(value, list):
            return [renamed(each) for each in value]
        return value

    document = renamed(ninjs_item(story_or_item))
    for association in document.get("associations", []):
        association.pop("rel")  # 2.x has none; the name says it
    document["standard"] = {"name": "ninjs", "version": "2.4", "schema": NINJS2_SCHEMA}
    return document


def _add(parent: ElementTree.Element, name: str, text: str | None = None, **attributes):
    # ElementTree writes any character; a subscriber's parser refuses what XML cannot hold.
    attributes = {key: xml_safe(value) for key, value in attributes.items()}
    element = ElementTree.SubElement(parent, f"{{{NAR}}}{name}", attributes)
    if text is not None:
        element.text = xml_safe(text)
    return element


def _marked(language: str, items_language: str) -> dict[str, str]:
    """The attributes a text in `language` needs inside an item in another (none in the
    item's own): the English kill notice, a Media Topic without a label in the item's
    language."""
    if language == items_language:
        return {}
    return {XML_LANG: language, "dir": direction_for(language)}


def newsml_item(story_or_item: Story | Item) -> bytes:
    """NewsML-G2 2.35 newsItem (power conformance), UTF-8 with an XML declaration."""
    item = _as_item(story_or_item)
    root = ElementTree.Element(
        f"{{{NAR}}}newsItem",
        {
            "guid": item.uri,
            "version": str(item.version),
            "standard": "NewsML-G2",
            "standardversion": "2.35",
            "conformance": "power",
            XML_LANG: item.language,
            "dir": direction_for(item.language),
        },
    )
    _add(root, "catalogRef", href=IPTC_CATALOG)
    if item.credit:  # partner copy we pass on stays the partner's
        _add(_add(_add(root, "rightsInfo"), "copyrightHolder"), "name", item.credit)
    meta = _add(root, "itemMeta")
    _add(meta, "itemClass", qcode="ninat:text")
    _add(meta, "provider", literal=PROVIDER)
    _add(meta, "versionCreated", _time(item.version_created))
    _add(meta, "firstCreated", _time(item.first_created))
    if item.embargoed_until:
        _add(meta, "embargoed", _time(item.embargoed_until))
    _add(meta, "pubStatus", qcode=f"stat:{item.pub_status}")
    if item.pub_status == "canceled":
        _add(meta, "edNote", KILL_NOTICE, **_marked("en", item.language))
    if item.corrected:
        _add(meta, "signal", qcode="sig:correction")
    if item.previous_version is not None:
        _add(
            meta,
            "link",
            rel="irel:previousVersion",
            residref=item.uri,
            version=str(item.previous_version),
        )
    content = _add(root, "contentMeta")
    if item.located:
        _add(_add(content, "located"), "name", item.located)
    # A creator is a person: each the byline names, without its "By" (as the feeds' authors);
    # the byline itself is `by`, which a reader of the item (our own import too) takes first.
    for name in byline_names(item.byline):
        _add(_add(content, "creator"), "name", name)
    _add(content, "language", tag=item.language)
    for subject in item.subjects:
        _add(
            _add(content, "subject", type="cpnat:abstract", qcode=subject.qcode),
            "name",
            subject.name,
            **_marked(subject.name_language, item.language),
        )
    _add(content, "headline", item.headline)
    if item.dateline:
        _add(content, "dateline", item.dateline)
    if item.byline:
        _add(content, "by", item.byline)
    for note in item.corrections:
        _add(content, "description", note, role="drol:correction")
    if item.pub_status != "canceled":
        content_set = _add(root, "contentSet")
        _add(content_set, "inlineData", item.body_html, contenttype="text/html")
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
