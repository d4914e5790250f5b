"""The Jinja2 environment of the public site's templates."""

import datetime
import functools
import re

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from jinja2 import Environment
from markupsafe import Markup, escape

from dateline.comments.text import comment_html
from dateline.copy import direction_for, format_dateline
from dateline.site.sharing import share_links
from dateline.site.translations import language_name, other_editions
from dateline.site.webfonts import webfont_stylesheet


def page_url(name: str, **kwargs) -> str:
    """`reverse(name, kwargs=kwargs)`, remembered: Django's reverse cost about 0.1 ms a call
    here, and a list page makes dozens (a link per story). The answer depends only on the
    arguments, the URL configuration and the script prefix, all in the key."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(urlconf, get_script_prefix(), name, tuple(sorted(kwargs.items())))


@functools.lru_cache(maxsize=4096)
def _reversed(urlconf, prefix: str, name: str, kwargs: tuple) -> str:
    return reverse(name, urlconf=urlconf, kwargs=dict(kwargs))


@functools.lru_cache(maxsize=256)
def static_url(path: str) -> str:
    """`static(path)`, remembered: the hashed name of a file is fixed for the process (the
    storage reads its manifest once) and every page asks for two to four of them, each a
    tenth of a rendered section page's time until then. Forgotten when the static files'
    settings change (tests do)."""
    return static(path)


@receiver(setting_changed)
def _forget_static_urls(setting: str, **kwargs) -> None:
    if setting in ("STATIC_URL", "STATIC_ROOT", "STORAGES"):
        static_url.cache_clear()


def story_url(edition_code: str, story) -> str:
    return page_url("site:article", edition=edition_code, code=story.code, slug=story.slug)


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


def dateline_html(story) -> Markup:
    """The dateline with its place and source each isolated (`<bdi>`): a Persian place in an
    English dateline, or an English source in a Persian one, keeps the agency order of the
    parts ("place- source-" read from the right in Persian). Put it in an element carrying
    the story's direction."""
    text = dateline_of(story)
    spans: list[tuple[int, int]] = []
    for part in (story.dateline_place, story.dateline_source):
        at = text.find(part) if part else -1
        if at >= 0 and not any(at < end and at + len(part) > start for start, end in spans):
            spans.append((at, at + len(part)))
    html, done = Markup(), 0
    for start, end in sorted(spans):
        html += escape(text[done:start]) + Markup("<bdi>%s</bdi>") % text[start:end]
        done = end
    return html + escape(text[done:])


# A date written with digits in an interface message ("for example 2026-11-28", "۱۴۰۵-۰۹-۰۸"),
# in any digits.
_NUMERIC_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def dates_isolated(message: str) -> Markup:
    """`message`, escaped, each numeric date in it isolated left to right (`<bdi dir="ltr">`):
    after right-to-left words a hyphen takes their direction, and the date would be shown
    day first ("28-11-2026"), not as it is to be typed."""
    html, done = Markup(), 0
    for date in _NUMERIC_DATE.finditer(message):
        html += escape(message[done : date.start()]) + Markup('<bdi dir="ltr">%s</bdi>') % date[0]
        done = date.end()
    return html + escape(message[done:])


def machine_time(moment: datetime.datetime) -> str:
    """A `<time datetime>` value HTML accepts: whole seconds (HTML allows three fraction digits
    at most; Python prints six), in UTC."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class FlatGlobalsEnvironment(Environment):
    """Jinja's environment, each template's globals one dict. Jinja chains a template's globals
    to the environment's (`ChainMap`) so that globals added later reach loaded templates, and
    copies the chain into each render's context key by key in Python: a fifth of rendering a
    short template. Every global here is set before the first template loads."""

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


def environment(**options) -> Environment:
    env = FlatGlobalsEnvironment(**options)  # Django's backend turns autoescape on
    env.globals.update(static=static_url, url=page_url)
    env.globals.update(story_url=story_url, dateline_of=dateline_of, dateline_html=dateline_html)
    env.globals.update(direction_of=direction_for, comment_html=comment_html)
    env.globals.update(webfont_stylesheet=webfont_stylesheet, share_links=share_links)
    env.globals.update(other_editions=other_editions, language_name=language_name)
    env.filters["machine_time"] = machine_time
    env.filters["dates_isolated"] = dates_isolated
    # Both build on this module's helpers.
    from dateline.site import fragments
    from dateline.site.article_parts import article_head, article_story
    from dateline.site.cards import Cards
    from dateline.site.list_heads import list_heads
    from dateline.site.masthead import Mastheads
    from dateline.site.seo import page_seo

    env.globals["page_seo"] = page_seo
    env.globals.update(article_head=article_head, article_story=article_story)
    env.globals.update(
        time_of=fragments.time_of,
        day_of=fragments.day_of,
        story_lang=fragments.story_lang,
        story_link=fragments.story_link,
        section_link=fragments.section_link,
        tag_link=fragments.tag_link,
        comment_count=fragments.comment_count,
    )
    mastheads = Mastheads(env)
    env.globals.update(masthead=mastheads, follow_links=mastheads.follow_links)
    env.globals["list_head"] = list_heads(env)
    cards = Cards(env)
    env.globals.update(
        teaser_cards=cards.teaser_cards,
        brief_cards=cards.brief_cards,
        related_cards=cards.related_cards,
    )
    env.filters.update(published=fragments.published, day=fragments.day, digits=fragments.digits)
    return env
