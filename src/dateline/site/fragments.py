"""The small pieces of HTML every page repeats per story (a headline's link, a time, a section's
or a tag's link, a comment count), written in Python, for the templates as globals.

They were Jinja macros: a list page calls them about eighty times, and a macro call (a new
context, its arguments bound, its output joined) plus the `{% import %}` of their module in
each template cost a front page a fifth of its rendering (decision 0041). Every value is
escaped by `Markup`'s `%`, as a template's autoescape would.

Text whose direction may differ from the page's (names, tags, headlines of another language)
is isolated (`<bdi>`, or `lang` and `dir` on its element), so it cannot reorder what stands
around it.
"""

import datetime

from markupsafe import Markup

from dateline.copy import direction_for
from dateline.site.formatting import format_day, format_number, format_published
from dateline.site.templating import machine_time, page_url, story_url


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
    return Markup('<time datetime="%s">%s</time>') % (
        machine_time(moment),
        published(moment, edition),
    )


def day_of(moment: datetime.datetime, edition) -> Markup:
    return Markup('<time datetime="%s">%s</time>') % (machine_time(moment), day(moment, edition))


def story_lang(story, edition) -> Markup:
    """` lang="…" dir="…"` for the words of a story written in another language than its
    edition's; nothing otherwise."""
    if story.language and story.language != edition.language:
        return Markup(' lang="%s" dir="%s"') % (story.language, direction_for(story.language))
    return Markup()


def story_link(story, edition) -> Markup:
    return Markup('<a href="%s"%s>%s</a>') % (
        story_url(edition.code, story),
        story_lang(story, edition),
        story.headline,
    )


def section_link(section, edition, current=None) -> Markup:
    """A link to the section's page, marked as the page shown when it is `current`."""
    url = page_url("site:section", edition=edition.code, slug=section.slug)
    here = Markup(' aria-current="page"') if current and current.pk == section.pk else Markup()
    return Markup('<a href="%s"%s><bdi>%s</bdi></a>') % (url, here, section.name)


def tag_link(tag, edition) -> Markup:
    url = page_url("site:tag", edition=edition.code, slug=tag.slug)
    return Markup('<a href="%s" rel="tag"><bdi>%s</bdi></a>') % (url, tag.name)


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
    return Markup(' · <a class="comment-count" href="%s#comments">%s</a>') % (
        story_url(edition.code, story),
        text,
    )
