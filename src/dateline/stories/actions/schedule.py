import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from dateline.stories.actions.changes import state_change
from dateline.stories.actions.release import queue_release
from dateline.stories.models import Status, Story, StoryChange

# As far ahead as a release may be set: further is a typing slip (a year 2206), and near the
# calendar's end (year 9999) a time cannot even be shown in every edition's time zone.
MOST_YEARS_AHEAD = 10


def require_future(at: datetime.datetime, field: str) -> datetime.datetime:
    if timezone.is_naive(at):
        raise ValidationError({field: "The time must carry a time zone, e.g. 2026-12-01T09:00Z."})
    now = timezone.now()
    latest = _years_after(now, MOST_YEARS_AHEAD)
    if at > latest:
        ahead = f"more than {MOST_YEARS_AHEAD} years ahead"
        raise ValidationError({field: f"{moment(at)} is {ahead}: choose a nearer time."})
    if at <= now:
        raise ValidationError({field: f"{moment(at)} has passed: choose a later time."})
    return at


def moment(at: datetime.datetime) -> str:
    """`at` as a refusal names it, on the current time zone's clock (the newsroom works on the
    edition's) with its offset: "2026-12-01 09:30 (UTC+03:30)", not ISO 8601's
    "2026-12-01T09:30:00+03:30"."""
    try:
        local = timezone.localtime(at)
    except OverflowError:  # near the calendar's end (9999-12-31 east of here): as it was given
        local = at
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def _years_after(start: datetime.datetime, years: int) -> datetime.datetime:
    """The same day and time `years` later; from 29 February to a year without one, the 28th."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def require_no_embargo_before(story: Story, at: datetime.datetime, field: str) -> None:
    """A story held under an embargo that has not ended (a partner's, kept by its draft; an
    embargoed story unpublished) reaches readers at its end, never before: publishing or
    scheduling it sooner is refused, naming the time (on the current time zone's clock: the
    newsroom makes changes on the edition's) and the way to send it out now."""
    if story.embargo_until is not None and story.embargo_until > at:
        raise ValidationError(
            {
                field: f"Story {story.pk} is under embargo until {moment(story.embargo_until)}: "
                "it may reach readers "
                "no sooner. To send it to subscribers now, marked embargoed, embargo it until "
                "then (or later)."
            }
        )


def schedule_story(story: Story | int, *, at: datetime.datetime, by=None, note: str = "") -> Story:
    """Publish at `at`: the worker makes it public then, exactly once (stories.actions.release).
    Until then it is public nowhere, not even on the wire."""
    at = require_future(at, "at")
    with state_change(story, StoryChange.Action.SCHEDULED, by=by, note=note) as current:
        require_no_embargo_before(current, at, "at")
        current.status = Status.SCHEDULED
        current.published_at = at
        current.embargo_until = None
    queue_release(current, at)
    return current
