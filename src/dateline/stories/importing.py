"""Wire copy → stories, in batches: one transaction per batch of stories, and a bad story found
and skipped alone (decision 0015).

Every imported story has a source id: the copy's own (``reuters21578:42``) or, for copy that
carries none (plain text), one derived from its content (``text:<sha256>``), so importing the
same copy again skips it. Copy imported without publishing waits in the Incoming queue: a
draft with no owner, its source kept.

Partner items (ninjs, NewsML-G2; decision 0028) carry their own uri and version: the source
id is the uri, and the version is kept at the end of the source name, "… (version 3)". A
newer version of an item whose draft nobody has taken up replaces that draft's content.
"""

import datetime
import hashlib
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, OperationalError, transaction
from django.utils import timezone

from dateline.copy import CopyError, ParsedStory, Withdrawn
from dateline.editions.models import Edition
from dateline.stories.actions.create import NewStory, create_stories, new_story
from dateline.stories.actions.partner import (
    NotIncoming,
    NotNewer,
    replace_incoming_copy,
    stored_version,
)
from dateline.stories.content import check_section
from dateline.stories.models import Section, SectionMapping, Status, Story, Tag
from dateline.stories.revisions import CONTENT_FIELDS
from dateline.stories.tagging import tags_for

# Stories written per transaction by `import_stories`: large enough that the per-transaction
# cost (a commit, a few queries) vanishes, small enough that a failed batch retried one story
# at a time costs little.
BATCH_SIZE = 500
TEXT_SOURCE_PREFIX = "text:"


class StorySkipped(Exception):
    """The story was not stored; the message says why, for the import summary."""


class ImportStopped(Exception):
    """The database stopped taking writes (a full disk, a read-only file, a lost server): no
    story's fault, and no later story would fare better. `stored` are the stories of the batch
    under way that were stored before it stopped; `error` is what the database said."""

    def __init__(self, error: OperationalError, stored: list["Imported"]):
        super().__init__(str(error))
        self.error, self.stored = error, stored


class AlreadyImported(StorySkipped):
    """The same copy (by its source id) is stored already: nothing to do, nothing wrong."""


class NotApplied(StorySkipped):
    """A partner's newer version of a story that is no longer an untouched Incoming draft:
    the copy is sound, the newsroom has the story."""


@dataclass
class ImportTarget:
    """Where imported stories go; `edition=None` picks the edition of the story's language.

    The section is `section` if given, else the first of the story's tags (topics first) that
    the edition's SectionMapping rows map, else the edition's default section, else none.
    `date` is the publication date of copy that carries no time of its own (``--date``).
    """

    edition: Edition | None
    section: Section | None
    publish: bool
    editions_by_language: dict[str, Edition] = field(default_factory=dict)
    default_edition: Edition | None = None
    date: datetime.date | None = None
    # Tags met earlier in this run, by key: most wire copy repeats a small vocabulary.
    known_tags: dict[str, Tag] = field(default_factory=dict)
    # And by the (vocabulary, label) pair as the copy gives it, None for a label with no slug.
    _tags_by_label: dict[tuple[str, str], Tag | None] = field(default_factory=dict, repr=False)
    # Per edition, read once a run: {tag id: section} of its mappings, and its default section.
    _mappings: dict[int, dict[int, Section]] = field(default_factory=dict, repr=False)
    _default_sections: dict[int, Section | None] = field(default_factory=dict, repr=False)
    # Stories written by the transactions committed so far (new ones and updated drafts).
    stored: int = 0
    # What became of the stories of the last batch committed, each given its story at the
    # commit: a stop between the commit and their report would leave them unsaid otherwise.
    last_committed: list["Imported"] = field(default_factory=list)

    def count_on_commit(
        self, stories: int, written: Sequence[tuple["Imported", NewStory]] = ()
    ) -> None:
        """Add `stories` to `stored` when the transaction under way commits, and give each of
        `written` its story and keep them as `last_committed`. Called before the writes, so it
        runs ahead of their fan-out, which an interruption may cut short: the count is then
        still right (the outbox sends the rest later, decision 0050)."""

        def committed() -> None:
            self.stored += stories
            for outcome, new in written:
                outcome.story = new.story
            self.last_committed = [outcome for outcome, _ in written]

        transaction.on_commit(committed)

    def edition_for(self, parsed: ParsedStory) -> Edition:
        if self.edition is not None:
            return self.edition
        edition = self.editions_by_language.get(parsed.language) or self.default_edition
        if edition is None:
            raise StorySkipped("no edition exists yet; run `dateline loaddemo` or add one")
        return edition

    def section_for(self, edition: Edition, tags: list[Tag]) -> Section | None:
        if self.section is not None:
            return self.section
        mapping = self._mappings.get(edition.pk)
        if mapping is None:
            rows = SectionMapping.objects.filter(edition=edition, section__edition=edition)
            mapping = {row.tag_id: row.section for row in rows.select_related("section")}
            self._mappings[edition.pk] = mapping
        for tag in tags:
            if (section := mapping.get(tag.pk)) is not None:
                return section
        if edition.pk not in self._default_sections:
            default = Section.objects.filter(edition=edition, is_default=True).first()
            self._default_sections[edition.pk] = default
        return self._default_sections[edition.pk]

    def load_tags(self, stories: list[ParsedStory]) -> None:
        """Find or create, in one `tags_for` call (three queries, unless a slug is taken), the
        tags of these stories not met yet this run, so that `tags` needs no query for them."""
        memo = self._tags_by_label
        unknown = [
            (vocabulary, label)
            for parsed in stories
            for vocabulary, labels in parsed.tags.items()
            for label in labels
            if (vocabulary, label) not in memo
        ]
        if unknown:
            tags_for(unknown, self.known_tags)

    def tags(self, parsed: ParsedStory) -> list[Tag]:
        """The story's Tag rows, created when missing (see `tags_for`), in the copy's order."""
        memo = self._tags_by_label
        tags: dict[int, Tag] = {}
        for vocabulary, labels in parsed.tags.items():
            for label in labels:
                key = (vocabulary, label)
                if key not in memo:
                    found = tags_for([key], self.known_tags)
                    memo[key] = found[0] if found else None
                if (tag := memo[key]) is not None:
                    tags.setdefault(tag.pk, tag)
        return list(tags.values())

    def forget_tags(self) -> None:
        """After a rollback: the tags created in the rolled-back transaction are gone again."""
        self.known_tags.clear()
        self._tags_by_label.clear()

    def publication_time(self, parsed: ParsedStory) -> datetime.datetime | None:
        """None for a draft; else the copy's own time, else `date` at 00:00 UTC, else now."""
        if not self.publish:
            return None
        if parsed.published_at is not None:
            return parsed.published_at
        if self.date is not None:
            return datetime.datetime.combine(self.date, datetime.time(), tzinfo=datetime.UTC)
        return timezone.now()


@dataclass
class Imported:
    """What became of one parsed story: stored as `story`, or `skipped` with the reason."""

    parsed: ParsedStory
    story: Story | None = None
    skipped: StorySkipped | None = None
    # True when `story` is an earlier draft of the same partner item, now holding this version.
    updated: bool = False
    reported: bool = False  # said to whoever imports (the import command's line)


def withdrawal_note(error: CopyError) -> str:
    """For a refused item the partner has withdrawn, an earlier version of which made a story
    not yet killed: that story, to add to the refusal (the withdrawal is the partner's kill, and
    the story may be out); else ""."""
    story = (
        Story.objects.filter(source_id=error.source_id).exclude(status=Status.KILLED).first()
        if isinstance(error, Withdrawn)
        else None
    )
    if story is None:
        return ""
    return f"; it made story {story.pk}, which is {story.status}: kill it if it must go"


def source_id_of(parsed: ParsedStory) -> str:
    """The copy's own source id, else ``text:`` and the SHA-256 of its normalised content.

    The content is the headline, byline, dateline, lead and body blocks as parsed (so byte
    order marks, line endings and encodings are gone already), each in Unicode NFC with its
    runs of whitespace made one space: the same copy sent again, however re-wrapped, has the
    same id.
    """
    if parsed.source_id:
        return parsed.source_id
    parts = [
        parsed.headline,
        parsed.byline,
        parsed.dateline.raw if parsed.dateline else "",
        parsed.lead,
        *(f"{block.kind}: {block.text}" for block in parsed.blocks),
    ]
    normalised = "\n".join(" ".join(unicodedata.normalize("NFC", part).split()) for part in parts)
    digest = hashlib.sha256(normalised.encode("utf-8", "surrogatepass")).hexdigest()
    return TEXT_SOURCE_PREFIX + digest


def plain_body_html(parsed: ParsedStory) -> str | None:
    """`render_body(parsed.body_markdown())`, computed directly: None when it cannot be.

    The copy's body Markdown is plain by construction (`dateline.copy.render`): one line per
    paragraph or ``## `` sub-heading, whitespace collapsed, every character that could start
    a Markdown construct escaped. Rendered and cleaned, each block comes out as its text
    HTML-escaped in a ``<p>`` or ``<h2>``, NUL shown as U+FFFD, as markdown-it does. Doing that
    directly saves most of an archive import's rendering time; tests/stories/test_importing.py
    checks the two are equal on every Reuters story and on random text full of Markdown and
    HTML. A block with no text (Markdown would drop it) takes the renderer.
    """
    parts = []
    for block in parsed.blocks:
        text = " ".join(block.text.split())
        if not text:
            return None
        text = text.replace("\x00", "\ufffd").replace("&", "&amp;")
        text = text.replace("<", "&lt;").replace(">", "&gt;")
        tag = "h2" if block.kind == "h2" else "p"  # as body_markdown writes it
        parts.append(f"<{tag}>{text}</{tag}>\n")
    return "".join(parts)


def import_story(parsed: ParsedStory, target: ImportTarget) -> Story:
    """Store one parsed story in its own transaction, published if asked; all or nothing.

    Raises StorySkipped when the story was imported before or cannot be stored whole.
    """
    edition = target.edition_for(parsed)
    source_id = source_id_of(parsed)
    try:
        with transaction.atomic():
            target.count_on_commit(1)
            tags = target.tags(parsed)
            new = new_story(
                **_content(parsed, target, edition),
                section=target.section_for(edition, tags),
                tags=tags,
                source_id=source_id,
            )
            return create_stories([new])[0]  # what create_story does, with the HTML at hand
    except (ValidationError, DatabaseError) as error:
        target.forget_tags()
        if isinstance(error, ValidationError):
            raise StorySkipped("; ".join(error.messages)) from error
        if isinstance(error, OperationalError):
            raise  # the database's trouble, not the story's: the import stops (ImportStopped)
        # The unique source id is the duplicate check: no query up front for a single story.
        if isinstance(error, IntegrityError) and Story.objects.filter(source_id=source_id).exists():
            raise AlreadyImported(f"already imported as {source_id}") from error
        raise StorySkipped(f"the database refused it ({error})") from error


def import_stories(
    parsed_stories: Iterable[ParsedStory], target: ImportTarget, *, batch_size: int = BATCH_SIZE
) -> Iterator[Imported]:
    """Store the stories in batches of `batch_size`, each batch in one transaction; yield what
    became of each story, in order, once its batch is committed.

    Stories already stored (by source id) are found with one query per batch and skipped, as
    are repeats within the run. Each story is checked as `create_story` checks it before its
    batch is written, and one that fails is skipped alone. Should the batch's write fail all
    the same (a story the database refuses, a concurrent import of the same copy), it is rolled
    back whole and its stories are stored one by one, each in its own transaction, so the bad
    one is skipped and never blocks the rest. A database that takes no writes at all (an
    OperationalError for a story written alone: a full disk) raises ImportStopped instead.
    """
    batch: list[ParsedStory] = []
    for parsed in parsed_stories:
        batch.append(parsed)
        if len(batch) >= batch_size:
            yield from _import_batch(batch, target)
            batch = []
    if batch:
        yield from _import_batch(batch, target)


def _import_batch(batch: list[ParsedStory], target: ImportTarget) -> list[Imported]:
    outcomes = [Imported(parsed) for parsed in batch]
    source_ids = [source_id_of(parsed) for parsed in batch]
    seen = _stored_source_ids(source_ids)
    checked: list[tuple[Imported, Edition, NewStory]] = []
    versioned: list[Imported] = []  # partner items stored already: compared once written
    for outcome, source_id in zip(outcomes, source_ids, strict=True):
        if source_id in seen:
            if outcome.parsed.source_version is None:
                outcome.skipped = AlreadyImported(f"already imported as {source_id}")
            else:
                versioned.append(outcome)
            continue
        try:
            edition = target.edition_for(outcome.parsed)
            # The content checked now, the tags and section once inside the transaction.
            new = new_story(**_content(outcome.parsed, target, edition), source_id=source_id)
        except ValidationError as error:
            outcome.skipped = StorySkipped("; ".join(error.messages))
            continue
        except StorySkipped as reason:
            outcome.skipped = reason
            continue
        seen.add(source_id)  # the same copy again later in the run is a repeat
        checked.append((outcome, edition, new))
    try:
        _write_batch(checked, target)
        for outcome in versioned:
            _replace_older_version(outcome, target)
    except OperationalError as error:
        raise ImportStopped(error, [o for o in outcomes if o.story is not None]) from error
    return outcomes


def _write_batch(checked: list[tuple[Imported, Edition, NewStory]], target: ImportTarget) -> None:
    if not checked:
        return
    try:
        with transaction.atomic():
            target.count_on_commit(len(checked), [(outcome, new) for outcome, _, new in checked])
            target.load_tags([outcome.parsed for outcome, _, _ in checked])
            for outcome, edition, new in checked:
                new.tags = target.tags(outcome.parsed)
                new.story.section = target.section_for(edition, new.tags)
                check_section(new.story.section, edition)
            create_stories([new for _, _, new in checked])
    except (ValidationError, DatabaseError):
        target.forget_tags()
        for outcome, _, _ in checked:
            try:
                outcome.story = import_story(outcome.parsed, target)
            except AlreadyImported as reason:  # by another import, since the batch's check
                if outcome.parsed.source_version is None:
                    outcome.skipped = reason
                else:  # a partner's item, whose version may be the newer
                    _replace_older_version(outcome, target)
            except StorySkipped as reason:
                outcome.skipped = reason
        return
    for outcome, _, new in checked:
        outcome.story = new.story


def _replace_older_version(outcome: Imported, target: ImportTarget) -> None:
    """A partner item whose uri is stored: a newer version replaces the Incoming draft; the
    same or an older version is already imported (read here, and again under the story's lock
    by `replace_incoming_copy`, since another import may store a newer one in between)."""
    parsed = outcome.parsed
    source_id = source_id_of(parsed)
    story = Story.objects.filter(source_id=source_id).select_related("edition").first()
    if story is None:  # its first version failed earlier in this run
        try:
            outcome.story = import_story(parsed, target)
        except StorySkipped as reason:
            outcome.skipped = reason
        return
    stored = stored_version(story.source_name)
    if stored is not None and parsed.source_version <= stored:
        outcome.skipped = AlreadyImported(f"already imported as {source_id} (version {stored})")
        return
    content = _content(parsed, target, story.edition)
    try:
        with transaction.atomic():
            target.count_on_commit(1)
            outcome.story = replace_incoming_copy(
                story,
                version=parsed.source_version,
                source_name=parsed.source_name,
                credit=content["credit"],
                tags=target.tags(parsed),
                note=f"the partner's version {parsed.source_version}",
                hold_until=content["hold_until"],
                **{name: content[name] for name in CONTENT_FIELDS},
            )
        outcome.updated = True
    except NotNewer as error:
        target.forget_tags()  # made in the rolled-back transaction
        outcome.skipped = AlreadyImported(
            f"already imported as {source_id} (version {error.stored})"
        )
    except NotIncoming as error:
        outcome.skipped = NotApplied(f"version {parsed.source_version} not applied: {error}")
    except ValidationError as error:
        target.forget_tags()
        outcome.skipped = StorySkipped("; ".join(error.messages))


def _stored_source_ids(source_ids: list[str]) -> set[str]:
    """Which of the source ids are stored already: one query for the whole batch."""
    stored = Story.objects.filter(source_id__in=set(source_ids))
    return set(stored.values_list("source_id", flat=True))


def _content(parsed: ParsedStory, target: ImportTarget, edition: Edition) -> dict:
    """The arguments of `create_story` / `new_story` that come from the copy itself."""
    dateline = parsed.dateline
    return {
        "edition": edition,
        "headline": parsed.headline,
        "lead": parsed.lead,
        "body": parsed.body_markdown(),
        "language": parsed.language,
        "byline": parsed.byline,
        "dateline_place": (dateline.place or "") if dateline else "",
        "dateline_date": dateline.date if dateline else None,
        "dateline_source": (dateline.source or "") if dateline else "",
        "source_name": parsed.source_name,
        "credit": parsed.credit,
        "publish_at": target.publication_time(parsed),
        "hold_until": parsed.embargoed_until,
        "body_html": plain_body_html(parsed),
    }
