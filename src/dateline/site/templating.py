"""The Jinja2 environment of the public site's templates."""

import datetime

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment

from dateline.copy import direction_for, format_dateline
from dateline.site.formatting import format_published


def story_url(edition_code: str, story) -> str:
    return reverse(
        "site:article", kwargs={"edition": edition_code, "code": story.code, "slug": story.slug}
    )


def dateline_of(story) -> str:
    """The story's dateline in agency style ("Moscow, April 18, IRNA –"), or '' if it has none."""
    if not (story.dateline_place or story.dateline_source):
        return ""
    return format_dateline(
        story.dateline_place or None,
        story.dateline_date,
        story.dateline_source or None,
        language=story.language,
    )


def machine_time(moment: datetime.datetime) -> str:
    """A `<time datetime>` value HTML accepts: whole seconds (HTML allows three fraction digits
    at most; Python prints six), in UTC."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def environment(**options) -> Environment:
    env = Environment(**options)  # noqa: S701  (Django's backend turns autoescape on)
    env.globals.update(static=static, url=lambda name, **kw: reverse(name, kwargs=kw))
    env.globals.update(story_url=story_url, dateline_of=dateline_of, direction_of=direction_for)
    env.filters["machine_time"] = machine_time
    env.filters["published"] = lambda moment, edition: format_published(
        moment, language=edition.language, timezone_name=edition.timezone
    )
    return env
