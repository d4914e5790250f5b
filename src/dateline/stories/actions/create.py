import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from dateline.editions.models import Edition
from dateline.stories.actions.changes import record_change
from dateline.stories.models import Section, Story, StoryChange, Tag
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
    created_by=None,
) -> Story:
    """Write a new draft story (version 1) and log its creation.

    Raises ValidationError naming the field when the story would be broken.
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
    if section is not None and section.edition_id != edition.pk:
        raise ValidationError({"section": f"Section '{section.slug}' belongs to another edition."})

    now = timezone.now()
    with transaction.atomic():
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
        )
        tags = list(tags)
        if tags:
            story.tags.add(*tags)
        record_change(story, StoryChange.Action.CREATED)
    return story
