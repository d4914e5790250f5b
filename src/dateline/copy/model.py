"""Data model of a parsed wire story.

Rendering lives in :mod:`dateline.copy.render`; the methods here only delegate.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, Literal

from dateline.copy import render


@dataclass(frozen=True)
class Dateline:
    """The dateline of a story: where, when and from which agency.

    ``raw`` is the dateline text as found, e.g. ``"Moscow, April 18, IRNA –"``.
    Any of the structured fields may be ``None`` when the copy did not state it.
    """

    place: str | None
    date: datetime.date | None
    source: str | None
    raw: str


@dataclass(frozen=True)
class Block:
    """One body block: a paragraph (``"p"``) or a sub-heading (``"h2"``)."""

    kind: Literal["p", "h2"]
    text: str


# No news copy is older: an earlier date is a mistake (year 1, a zeroed field) and is not used.
EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)


@dataclass
class ParsedStory:
    """A story as parsed from wire copy.

    ``lead`` is the first paragraph without its dateline prefix; ``blocks`` is
    the body after the lead. All text is plain (never markup); rendering
    escapes it.
    """

    headline: str
    language: str
    direction: Literal["ltr", "rtl"]
    dateline: Dateline | None
    lead: str
    blocks: list[Block]
    stripped: list[str]
    warnings: list[str]
    source_name: str
    source_id: str | None
    published_at: datetime.datetime | None
    tags: dict[str, list[str]]
    byline: str = ""
    # The partner's version of the item (ninjs `version`, NewsML-G2 `@version`), when a number.
    source_version: int | None = None
    # The partner's embargo: kept on a draft, which cannot then be published before it.
    embargoed_until: datetime.datetime | None = None
    # Whose copy it is, when the item names its rights holder (a partner's copyrightHolder).
    credit: str = ""
    # The file a partner's item was read from; its source name is the partner's and the uri.
    file_name: str = ""

    @property
    def named(self) -> str:
        """The story as messages name it: its source name, after its file's when it has one
        ("ap-0412.json (AP: urn:… (version 2))"), so an import of a directory says which file."""
        return f"{self.file_name} ({self.source_name})" if self.file_name else self.source_name

    @property
    def subheadings(self) -> list[str]:
        """The sub-heading texts, in body order."""
        return [block.text for block in self.blocks if block.kind == "h2"]

    def body_html(self) -> str:
        """The lead and body as escaped HTML; see :func:`render.body_html`."""
        raw = self.dateline.raw if self.dateline else None
        return render.body_html(self.lead, raw, self.blocks)

    def body_markdown(self) -> str:
        """The body after the lead as escaped Markdown; see :func:`render.body_markdown`."""
        return render.body_markdown(self.blocks)

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of the story (dates as ISO 8601 strings or null)."""
        dateline = self.dateline
        return {
            "headline": self.headline,
            "byline": self.byline,
            "language": self.language,
            "direction": self.direction,
            "dateline": None
            if dateline is None
            else {
                "place": dateline.place,
                "date": dateline.date.isoformat() if dateline.date else None,
                "source": dateline.source,
                "raw": dateline.raw,
            },
            "lead": self.lead,
            "blocks": [{"kind": block.kind, "text": block.text} for block in self.blocks],
            "body_html": self.body_html(),
            "body_markdown": self.body_markdown(),
            "subheadings": self.subheadings,
            "stripped": list(self.stripped),
            "warnings": list(self.warnings),
            "source": self.source_name,
            "source_id": self.source_id,
            "source_version": self.source_version,
            "tags": {vocabulary: list(labels) for vocabulary, labels in self.tags.items()},
            "published_at": self.published_at.isoformat() if self.published_at else None,
        }


@dataclass
class ParseResult:
    """The stories found in one file.

    ``without_body`` names stories skipped because they have no body (Reuters
    briefs); ``warnings`` are file-level problems that did not stop the parse.
    """

    stories: list[ParsedStory] = field(default_factory=list)
    without_body: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
