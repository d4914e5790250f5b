"""Small helpers for the newsroom's Django templates."""

import datetime

from django import template
from django.contrib.messages import constants
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from dateline.comments.moderation import MODERATING_ROLES
from dateline.copy.characters import isolated
from dateline.newsroom.access import WRITING_ROLES
from dateline.newsroom.forms import edition_zone
from dateline.site.templating import machine_time
from dateline.stories.workflow import role_of

register = template.Library()
# A `<time datetime>` value HTML accepts (whole seconds, UTC), as the public pages write it.
register.filter("machine_time", machine_time)


@register.filter
def on_clock(moment: datetime.datetime | None, edition) -> str:
    """A time on the edition's wall clock, e.g. '28 Nov 2026, 09:41 +0330'."""
    if moment is None:
        return ""
    return moment.astimezone(edition_zone(edition)).strftime("%-d %b %Y, %H:%M %Z")


@register.filter
def has_error(messages) -> bool:
    """Whether a message of the request says something was refused (messages.ERROR)."""
    return any(message.level >= constants.ERROR for message in messages)


@register.filter
def writes_stories(user) -> bool:
    """Whether the story screens are open to this account (the top bar links them)."""
    return role_of(user) in WRITING_ROLES


@register.filter
def moderates_comments(user) -> bool:
    """Whether the comment screens are open to this account."""
    return role_of(user) in MODERATING_ROLES


@register.filter
def member_name(member) -> str:
    """A member as the newsroom names them, isolated when written right to left (among
    English words and dates it would otherwise take the neighbouring numbers into its run)."""
    if member is None:
        return "the system"
    return isolated(member.byline or member.get_full_name() or member.get_username())


@register.simple_tag
def options(bound_field) -> str:
    """The <option>s of a filter's choice field, built directly: Django's select widget renders
    a template per option, which on the story list cost more than its queries."""
    chosen = str(bound_field.value() or "")
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == chosen else "", label)
            for value, label in bound_field.field.choices
        ),
    )
