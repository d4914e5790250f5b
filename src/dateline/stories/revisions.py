"""Revisions: the full content of every version of a story, and readable differences."""

import difflib
import re
from dataclasses import dataclass

from dateline.stories.models import Revision, Story

# The fields a revision keeps, in the order a difference lists them.
CONTENT_FIELDS = (
    "headline",
    "byline",
    "dateline_place",
    "dateline_date",
    "dateline_source",
    "lead",
    "body",
)
FIELD_LABELS = {
    "headline": "Headline",
    "byline": "Byline",
    "dateline_place": "Dateline place",
    "dateline_date": "Dateline date",
    "dateline_source": "Dateline source",
    "lead": "Lead",
    "body": "Body",
    "tags": "Tags",
    "section": "Section",
}


def revision_of(story: Story, tags, *, by=None) -> Revision:
    """A Revision holding `story`'s current content (not saved); `tags` are its Tag rows."""
    return Revision(
        story=story,
        version=story.version,
        # In one order whatever order they were typed in: revisions compare as the story does.
        tags=sorted(([tag.vocabulary, tag.name] for tag in tags), key=lambda t: tag_order(t[1])),
        section_id=story.section_id,
        saved_at=story.updated_at,
        saved_by=by,
        **{field: getattr(story, field) for field in CONTENT_FIELDS},
    )


@dataclass(frozen=True)
class Segment:
    """A run of words: kept (`op` " "), removed ("-") or added ("+")."""

    op: str
    text: str


@dataclass(frozen=True)
class FieldDifference:
    field: str
    label: str
    segments: list[Segment]


_WORDS = re.compile(r"\s+|[^\s]+")


def _words(value) -> list[str]:
    return _WORDS.findall("" if value is None else str(value))


def tag_order(name: str) -> tuple[str, str]:
    """Tags' one order: by name, case aside (a story's tags are a set, not a sequence)."""
    return name.casefold(), name


def _tag_text(revision: Revision) -> str:
    # Sorted here too: revisions saved before they were stored in order hold typed order.
    return ", ".join(sorted((name for _, name in revision.tags), key=tag_order))


def _section_name(revision: Revision) -> str:
    return revision.section.name if revision.section_id is not None else ""


_TEXT_OF = {"tags": _tag_text, "section": _section_name}


def difference(old: Revision, new: Revision) -> list[FieldDifference]:
    """What changed from `old` to `new`, field by field, word by word; unchanged fields left
    out. Whitespace runs are words too, so paragraphs stay where they were."""
    differences = []
    for field in (*CONTENT_FIELDS, "tags", "section"):
        if field in _TEXT_OF:
            before, after = _TEXT_OF[field](old), _TEXT_OF[field](new)
        else:
            before, after = getattr(old, field), getattr(new, field)
        if before == after:
            continue
        a, b = _words(before), _words(after)
        segments = []
        for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if op == "equal":
                segments.append(Segment(" ", "".join(a[a1:a2])))
                continue
            if a2 > a1:
                segments.append(Segment("-", "".join(a[a1:a2])))
            if b2 > b1:
                segments.append(Segment("+", "".join(b[b1:b2])))
        differences.append(FieldDifference(field, FIELD_LABELS[field], segments))
    return differences
