"""The small pieces of HTML every page repeats per story (a headline's link, a time, a section's
or a tag's link, a comment count), written in Python, for the templates as globals.

They were Jinja macros: a list page calls them about eighty times, and a macro call (a new
context, its arguments bound, its output joined) plus the `{% import %}` of their module in
each template cost a front page a fifth of its rendering (decision 0041). Every value is
escaped, as a template's autoescape would (`_html`).

Text whose direction may differ from the page's (names, tags, headlines of another language)
is isolated (`<bdi>`, or `lang` and `dir` on its element), so it cannot reorder what stands
around it.
"""

import datetime

from markupsafe import Markup, escape

from dateline.copy import direction_for
from dateline.site.formatting import format_day, format_number, format_published
from dateline.site.templating import machine_time, page_url, story_url


def _html(template: str, *values) -> Markup:
    """`template` (HTML of ours, a `{}` for each value) with every value escaped: what
    `Markup(template) % values` does, without the helper object `%` wraps around each value
    (a third of a piece's cost)."""
    return Markup(template.format(*map(escape, values)))  # noqa: S704  (every value escaped)


def published(moment: datetime.datetime, edition) -> str:
    """The moment as the edition's readers read it: its time zone, calendar, words and digits."""
    return format_published(
        moment,
        language=edition.language,
        timezone_name=edition.timezone,
        calendar=edition.calendar,
    )


def day(moment: datetime.datetime, edition) -> str:
    return format_day(
        moment, language=edition.language, timezone_name=edition.timezone, calendar=edition.calendar
    )


def digits(number: int, edition) -> str:
    return format_number(number, language=edition.language)


def time_of(moment: datetime.datetime, edition) -> Markup:
    return _html('<time datetime="{}">{}</time>', machine_time(moment), published(moment, edition))


def day_of(moment: datetime.datetime, edition) -> Markup:
    return _html('<time datetime="{}">{}</time>', machine_time(moment), day(moment, edition))


def story_lang(story, edition) -> Markup:
    """` lang="…" dir="…"` for the words of a story written in another language than its
    edition's; nothing otherwise."""
    if story.language and story.language != edition.language:
        return _html(' lang="{}" dir="{}"', story.language, direction_for(story.language))
    return Markup()


def story_link(story, edition) -> Markup:
    return _html(
        '<a href="{}"{}>{}</a>',
        story_url(edition.code, story),
        story_lang(story, edition),
        story.headline,
    )


def section_link(section, edition, current=None) -> Markup:
    """A link to the section's page, marked as the page shown when it is `current`."""
    url = page_url("site:section", edition=edition.code, slug=section.slug)
    here = Markup(' aria-current="page"') if current and current.pk == section.pk else Markup()
    return _html('<a href="{}"{}><bdi>{}</bdi></a>', url, here, section.name)


def tag_link(tag, edition) -> Markup:
    url = page_url("site:tag", edition=edition.code, slug=tag.slug)
    return _html('<a href="{}" rel="tag"><bdi>{}</bdi></a>', url, tag.name)


def comment_count(story, edition, counts, labels) -> Markup:
    """' · 3 comments', linked to the story's thread; nothing for a story without any."""
    n = counts.get(story.pk, 0) if counts else 0
    if not n:
        return Markup()
    text = (
        labels["comment_count_one"]
        if n == 1
        else labels["comment_count"].format(n=digits(n, edition))
    )
    return _html(
        ' · <a class="comment-count" href="{}#comments">{}</a>',
        story_url(edition.code, story),
        text,
    )
