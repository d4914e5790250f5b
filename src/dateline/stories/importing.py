"""Wire copy → stories: one parsed story at a time, each in its own transaction."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dateline.copy import ParsedStory
from dateline.copy.characters import strip_bidi_controls
from dateline.editions.models import Edition
from dateline.stories.actions import create_story
from dateline.stories.models import Section, Story, Tag
from dateline.stories.tagging import tags_for


class StorySkipped(Exception):
    """The story was not stored; the message says why, for the import summary."""


class AlreadyImported(StorySkipped):
    """The same copy (by its source id) is stored already: nothing to do, nothing wrong."""


@dataclass
class ImportTarget:
    """Where imported stories go; `edition=None` picks the edition of the story's language."""

    edition: Edition | None
    section: Section | None
    publish: bool
    editions_by_language: dict[str, Edition] = field(default_factory=dict)
    default_edition: Edition | None = None
    # Tags met earlier in this run, by slug: most wire copy repeats a small vocabulary.
    known_tags: dict[str, Tag] = field(default_factory=dict)

    def edition_for(self, parsed: ParsedStory) -> Edition:
        if self.edition is not None:
            return self.edition
        edition = self.editions_by_language.get(parsed.language) or self.default_edition
        if edition is None:
            raise StorySkipped("no edition exists yet; run `dateline loaddemo` or add one")
        return edition


def import_story(parsed: ParsedStory, target: ImportTarget) -> Story:
    """Store one parsed story, published if asked; all or nothing.

    Raises StorySkipped when the story was imported before or cannot be stored whole.
    """
    edition = target.edition_for(parsed)
    dateline = parsed.dateline
    try:
        with transaction.atomic():
            return create_story(
                edition=edition,
                section=target.section,
                headline=parsed.headline,
                lead=parsed.lead,
                body=parsed.body_markdown(),
                language=parsed.language,
                byline=parsed.byline,
                tags=tags_for(
                    (
                        # The parser strips bidi controls; tags set by other callers
                        # (the demo catalog) get the same treatment as the text.
                        (vocabulary, strip_bidi_controls(label)[0])
                        for vocabulary, labels in parsed.tags.items()
                        for label in labels
                    ),
                    known=target.known_tags,
                ),
                dateline_place=(dateline.place or "") if dateline else "",
                dateline_date=dateline.date if dateline else None,
                dateline_source=(dateline.source or "") if dateline else "",
                source_id=parsed.source_id,
                publish_at=(parsed.published_at or timezone.now()) if target.publish else None,
            )
    except (ValidationError, IntegrityError) as error:
        target.known_tags.clear()  # tags created in the rolled-back transaction are gone again
        if isinstance(error, ValidationError):
            raise StorySkipped("; ".join(error.messages)) from error
        # The unique source id is the duplicate check: no query up front for the usual case.
        if parsed.source_id and Story.objects.filter(source_id=parsed.source_id).exists():
            raise AlreadyImported(f"already imported as {parsed.source_id}") from error
        raise
