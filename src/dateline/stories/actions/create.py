import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dateline.copy.characters import one_line
from dateline.editions.models import Edition
from dateline.stories.actions import bulk
from dateline.stories.actions.changes import record_changes_of
from dateline.stories.actions.release import queue_release
from dateline.stories.actions.schedule import require_future
from dateline.stories.content import check_section, clean_content, slug_for, unique_tags
from dateline.stories.models import Section, Status, Story, StoryChange, Tag
from dateline.stories.rendering import render_body
from dateline.stories.revisions import revision_of
from dateline.stories.workflow import require_allowed

__all__ = ["NewStory", "create_stories", "create_story", "new_story", "slug_for"]

_SOURCE_ID_LIMIT = Story._meta.get_field("source_id").max_length
_SOURCE_NAME_LIMIT = Story._meta.get_field("source_name").max_length


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
    credit: str = "",
    by=None,
    publish_at: datetime.datetime | None = None,
    hold_until: datetime.datetime | None = None,
) -> Story:
    """Write a new story (version 1, with its revision) and log its creation.

    The story is a draft owned by `by` (None: the system, as for wire copy, which then waits
    in the Incoming queue), unless `publish_at` is given: then it is created published with
    that publication time, as wire copy that arrives ready is, and both changes (created,
    published) are logged; a `publish_at` still to come makes it scheduled instead, released
    by the worker at that time. `hold_until`, an embargo the copy came with (a partner's),
    stays with a draft: it cannot be published or scheduled before then, only embargoed.
    Raises ValidationError naming the field when the story would be broken, NotAllowed when
    `by` may not write in this edition or publish.

    Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069),
    which can show text in an order other than the stored one, are removed from every text
    field. A headline or lead with no visible character (only zero-width spaces, direction
    marks and the like) is refused like an empty one, and nothing is written.
    """
    new = new_story(
        edition=edition,
        headline=headline,
        lead=lead,
        body=body,
        language=language,
        section=section,
        tags=tags,
        byline=byline,
        dateline_place=dateline_place,
        dateline_date=dateline_date,
        dateline_source=dateline_source,
        source_id=source_id,
        source_name=source_name,
        credit=credit,
        by=by,
        publish_at=publish_at,
        hold_until=hold_until,
    )
    return create_stories([new], by=by)[0]


@dataclass
class NewStory:
    """A story checked by `new_story`, not written yet, with the tags it will carry."""

    story: Story
    tags: list[Tag]


def new_story(
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
    credit: str = "",
    by=None,
    publish_at: datetime.datetime | None = None,
    hold_until: datetime.datetime | None = None,
    body_html: str | None = None,
) -> NewStory:
    """Everything `create_story` checks and computes, without writing: the Story row (no code
    yet) and its tags, for `create_stories`. Raises as `create_story` does.

    `body_html` is the HTML of `body` when the caller has it already, exactly what
    `render_body(body)` gives (an import renders its copy's plain paragraphs directly, see
    `importing.plain_body_html`); it is used only if checking left `body` as it was.
    """
    require_allowed(by, StoryChange.Action.CREATED, edition=edition)
    if publish_at is not None:
        require_allowed(by, StoryChange.Action.PUBLISHED, edition=edition)
    # Strips bidi controls from every text field and refuses an invisible headline or lead.
    content = clean_content(
        headline=headline,
        lead=lead,
        body=body,
        byline=byline,
        dateline_place=dateline_place,
        dateline_date=dateline_date,
        dateline_source=dateline_source,
    )
    if source_id is not None and len(source_id) > _SOURCE_ID_LIMIT:
        raise ValidationError(
            {"source_id": f"{len(source_id)} characters is over {_SOURCE_ID_LIMIT}."}
        )
    check_section(section, edition)
    if publish_at is not None and timezone.is_naive(publish_at):
        raise ValidationError({"published_at": "The publication time must carry a time zone."})
    now = timezone.now()
    if publish_at is not None and publish_at > now:
        require_future(publish_at, "published_at")  # not further ahead than a release may be
    by_id = by.pk if by is not None else None
    story = bulk.build(
        Story,
        {"edition": edition, "section": section, "created_by": by, "owner": by},
        edition_id=edition.pk,
        section_id=section.pk if section is not None else None,
        slug=slug_for(content["headline"]),
        language=language or edition.language,
        body_html=body_html
        if body_html is not None and content["body"] == body
        else render_body(content["body"]),
        source_id=source_id,
        source_name=source_name[:_SOURCE_NAME_LIMIT],
        credit=one_line(credit)[: Story._meta.get_field("credit").max_length],
        created_by_id=by_id,
        owner_id=by_id,
        created_at=now,
        updated_at=now,
        status=_status_for(publish_at, now),
        published_at=publish_at,
        # A draft keeps an embargo still to come (publish_story refuses to pass it); a story
        # created published or scheduled has its time from the embargo already.
        embargo_until=hold_until
        if publish_at is None and hold_until and hold_until > now
        else None,
        **content,
    )
    return NewStory(story, unique_tags(tags))


def _status_for(publish_at: datetime.datetime | None, now: datetime.datetime) -> str:
    """Draft without a time; published for a time that has come; scheduled for a later one,
    so that the worker releases it and logs the moment (decision 0014), never the clock alone."""
    if publish_at is None:
        return Status.DRAFT
    return Status.PUBLISHED if publish_at <= now else Status.SCHEDULED


_FIRST_CHANGES = {
    Status.DRAFT: [StoryChange.Action.CREATED],
    Status.PUBLISHED: [StoryChange.Action.CREATED, StoryChange.Action.PUBLISHED],
    Status.SCHEDULED: [StoryChange.Action.CREATED, StoryChange.Action.SCHEDULED],
}


def create_stories(new: Sequence[NewStory], *, by=None) -> list[Story]:
    """Write stories `new_story` checked, in one insert per table whatever their number: the
    stories, their tag links, their revisions (version 1) and their changes (created, then
    published for a published story), in order, so change ids increase story after story.
    `story_changed` is sent for each change once the write commits.

    All or nothing: inside a caller's transaction this joins it (an import's batch), else it
    is its own. A story whose source id is taken fails the whole write with IntegrityError.
    """
    stories = [item.story for item in new]
    link = Story.tags.through
    # savepoint=False: inside a caller's transaction (an import) this joins it, costing nothing.
    with transaction.atomic(savepoint=False):
        # Codes come back from the insert (RETURNING, on SQLite and PostgreSQL alike).
        bulk.insert(stories)
        # Straight into the link table: `story.tags.add()` would first look for existing
        # links, and a new story has none.
        bulk.insert_rows(
            link,
            ("story_id", "tag_id"),
            [(item.story.pk, tag.pk) for item in new for tag in item.tags],
        )
        bulk.insert([revision_of(item.story, item.tags, by=by) for item in new], returning_pk=False)
        record_changes_of(
            [(story, action) for story in stories for action in _FIRST_CHANGES[story.status]],
            by=by,
        )
        for story in stories:
            if story.status == Status.SCHEDULED:
                queue_release(story, story.published_at)
    return stories
