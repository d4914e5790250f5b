import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dateline.copy.characters import has_visible_character, strip_bidi_controls
from dateline.editions.models import Edition
from dateline.stories.actions.changes import record_changes
from dateline.stories.content import check_section, clean_content, slug_for, unique_tags
from dateline.stories.models import Section, Status, Story, StoryChange, Tag
from dateline.stories.rendering import render_body
from dateline.stories.revisions import revision_of
from dateline.stories.workflow import require_allowed

__all__ = ["create_story", "slug_for"]


def create_story(
    *,
    edition: Edition,
    headline: str,
    lead: str,
    body: str = "",
    language: str = "",
    section: Section | None = None,
    tags: Iterable[Tag] = (),
    byline: str = "",
    dateline_place: str = "",
    dateline_date: datetime.date | None = None,
    dateline_source: str = "",
    source_id: str | None = None,
    source_name: str = "",
    by=None,
    publish_at: datetime.datetime | None = None,
) -> Story:
    """Write a new story (version 1, with its revision) and log its creation.

    The story is a draft owned by `by` (None: the system, as for wire copy, which then waits
    in the Incoming queue), unless `publish_at` is given: then it is created published with
    that publication time, as wire copy that arrives ready is, and both changes (created,
    published) are logged. Raises ValidationError naming the field when the story would be
    broken, NotAllowed when `by` may not write in this edition or publish.

    Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069),
    which can show text in an order other than the stored one, are removed from every text
    field. A headline or lead with no visible character (only zero-width spaces, direction
    marks and the like) is refused like an empty one, and nothing is written.
    """
    require_allowed(by, StoryChange.Action.CREATED, edition=edition)
    if publish_at is not None:
        require_allowed(by, StoryChange.Action.PUBLISHED, edition=edition)
    headline, lead, body, byline, dateline_place, dateline_source = (
        strip_bidi_controls(text)[0]
        for text in (headline, lead, body, byline, dateline_place, dateline_source)
    )
    _refuse_invisible(headline=headline, lead=lead)
    content = clean_content(
        headline=headline,
        lead=lead,
        body=body,
        byline=byline,
        dateline_place=dateline_place,
        dateline_date=dateline_date,
        dateline_source=dateline_source,
    )
    limit = Story._meta.get_field("source_id").max_length
    if source_id is not None and len(source_id) > limit:
        raise ValidationError({"source_id": f"{len(source_id)} characters is over {limit}."})
    check_section(section, edition)
    if publish_at is not None and timezone.is_naive(publish_at):
        raise ValidationError({"published_at": "The publication time must carry a time zone."})
    now = timezone.now()
    tags = unique_tags(tags)
    # savepoint=False: inside a caller's transaction (an import) this joins it, costing nothing.
    with transaction.atomic(savepoint=False):
        story = Story.objects.create(
            edition=edition,
            section=section,
            slug=slug_for(content["headline"]),
            language=language or edition.language,
            body_html=render_body(content["body"]),
            source_id=source_id,
            source_name=source_name[: Story._meta.get_field("source_name").max_length],
            created_by=by,
            owner=by,
            created_at=now,
            updated_at=now,
            status=Status.DRAFT if publish_at is None else Status.PUBLISHED,
            published_at=publish_at,
            **content,
        )
        # Straight into the link table: `story.tags.add()` would first look for existing links,
        # and a new story has none.
        Story.tags.through.objects.bulk_create(
            Story.tags.through(story_id=story.pk, tag_id=tag.pk) for tag in tags
        )
        revision_of(story, tags, by=by).save()
        actions = [StoryChange.Action.CREATED]
        if publish_at is not None:
            actions.append(StoryChange.Action.PUBLISHED)
        record_changes(story, actions, by=by)
    return story


def _refuse_invisible(**fields: str) -> None:
    """Refuse a field that has characters but none a reader could see (an empty one is
    clean_content's to refuse)."""
    errors = {
        name: f"The {name} has no visible characters."
        for name, value in fields.items()
        if value.strip() and not has_visible_character(value)
    }
    if errors:
        raise ValidationError(errors)
