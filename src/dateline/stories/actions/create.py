import datetime
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from dateline.editions.models import Edition
from dateline.stories.actions.changes import record_changes
from dateline.stories.models import Section, Status, Story, StoryChange, Tag
from dateline.stories.rendering import render_body

MAX_SLUG_LENGTH = 120


def slug_for(headline: str) -> str:
    """A readable URL slug; Persian and other scripts are kept, not transliterated."""
    slug = slugify(headline, allow_unicode=True)[:MAX_SLUG_LENGTH].strip("-")
    return slug or "story"


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
    created_by: AbstractBaseUser | None = None,
    publish_at: datetime.datetime | None = None,
) -> Story:
    """Write a new story (version 1) and log its creation.

    The story is a draft, unless `publish_at` is given: then it is created published with that
    publication time, as wire copy that arrives ready is, and both changes (created, published)
    are logged. Raises ValidationError naming the field when the story would be broken.
    """
    headline = " ".join(headline.split())
    lead = lead.strip()
    if not headline:
        raise ValidationError({"headline": "A story needs a headline."})
    if len(headline) > Story._meta.get_field("headline").max_length:
        raise ValidationError(
            {"headline": f"The headline is {len(headline)} characters long; 300 is the limit."}
        )
    if not lead:
        raise ValidationError({"lead": "A story needs a lead paragraph."})
    for field, value in (
        ("byline", byline),
        ("dateline_place", dateline_place),
        ("dateline_source", dateline_source),
        ("source_id", source_id or ""),
    ):
        limit = Story._meta.get_field(field).max_length
        if len(value) > limit:
            raise ValidationError({field: f"{len(value)} characters is over the limit of {limit}."})
    if section is not None and section.edition_id != edition.pk:
        raise ValidationError({"section": f"Section '{section.slug}' belongs to another edition."})

    if publish_at is not None and timezone.is_naive(publish_at):
        raise ValidationError({"published_at": "The publication time must carry a time zone."})
    now = timezone.now()
    # savepoint=False: inside a caller's transaction (an import) this joins it, costing nothing.
    with transaction.atomic(savepoint=False):
        story = Story.objects.create(
            edition=edition,
            section=section,
            headline=headline,
            slug=slug_for(headline),
            language=language or edition.language,
            byline=byline,
            dateline_place=dateline_place,
            dateline_date=dateline_date,
            dateline_source=dateline_source,
            lead=lead,
            body=body,
            body_html=render_body(body),
            source_id=source_id,
            created_by=created_by,
            created_at=now,
            updated_at=now,
            status=Status.DRAFT if publish_at is None else Status.PUBLISHED,
            published_at=publish_at,
        )
        # Straight into the link table: `story.tags.add()` would first look for existing links,
        # and a new story has none.
        Story.tags.through.objects.bulk_create(
            Story.tags.through(story_id=story.pk, tag_id=tag.pk)
            for tag in {t.pk: t for t in tags}.values()
        )
        actions = [StoryChange.Action.CREATED]
        if publish_at is not None:
            actions.append(StoryChange.Action.PUBLISHED)
        record_changes(story, actions)
    return story
