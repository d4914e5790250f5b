"""What search engines and link previews read in a public page's head: Open Graph and Twitter
card tags on every page, and schema.org `NewsArticle` JSON-LD on article pages.

`page_seo` reads the page's own template context (story, section, tag, page), so each template
carries it with one include line (`site/_seo_head.html`) and no view has to change.
"""

import datetime
import functools
import json
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from jinja2 import pass_context
from markupsafe import Markup

from dateline.copy.paragraphs import byline_names
from dateline.site.templating import dateline_of, machine_time, page_url, static_url, story_url

DESCRIPTION_CHARACTERS = 200
# Open Graph requires an image: the favicon's mark at the size link previews ask for, drawn by
# scripts/social-card.py, wordless so that it serves every edition.
SOCIAL_CARD = "site/social-card.png"
# Google's article structured data: "headlines should not exceed 110 characters"; the page's
# own <h1> and <title> keep the whole headline.
JSON_LD_HEADLINE_CHARACTERS = 110


@dataclass(frozen=True)
class PageSeo:
    title: str
    description: str
    url: str
    type: str  # Open Graph's type: "article" or "website"
    locale: str
    site_name: str
    image: str  # stories have no pictures yet: the site's card (SOCIAL_CARD), or "" (none)
    published: str = ""
    modified: str = ""
    section: str = ""
    tags: tuple[str, ...] = ()
    json_ld: Markup | None = None
    breadcrumbs: Markup | None = None  # schema.org BreadcrumbList: where the page sits


@functools.lru_cache(maxsize=64)
def og_locale(language: str) -> str:
    """Open Graph's language_TERRITORY ('fa_IR') for a BCP 47 tag ('fa'), the territory taken
    from CLDR's likely subtags when the tag names none; the bare language if Babel knows none."""
    try:
        locale = Locale.parse(language, sep="-")
        if locale.territory is None:
            likely_subtags = get_global("likely_subtags")  # 'zh_Hant' is Taiwan's, 'zh' China's
            key = f"{locale.language}_{locale.script}" if locale.script else locale.language
            likely = likely_subtags.get(key) or likely_subtags.get(locale.language)
            locale = Locale.parse(likely) if likely else locale
    except (ValueError, TypeError, UnknownLocaleError):
        return language
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


def site_origin(request) -> str:
    """The scheme and host every absolute address of the page starts with ("https://host"):
    the paths joined to it are the site's own, reversed and percent-encoded already, so each
    is joined without `build_absolute_uri` parsing it again (a page's head joins five)."""
    return request.build_absolute_uri("/")[:-1]


def social_card_url(origin: str) -> str:
    """The card's absolute URL; "" when the collected files predate it (a page must not fail
    for want of its preview image: it goes without until `collectstatic` runs)."""
    try:
        return origin + static_url(SOCIAL_CARD)
    except ValueError:  # not in the collected files' manifest
        return ""


def last_modified(story) -> datetime.datetime:
    """When readers last saw the story change (`revised_at`: an edit, a correction, a restored
    version while public), or its publication."""
    return max(filter(None, [story.published_at, story.revised_at]))


def cut_at_word(text: str, limit: int) -> str:
    """`text` if it has at most `limit` characters; else its words that fit, and "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    words = cut.rsplit(maxsplit=1)[0] if " " in cut.strip() else cut
    return words.rstrip(" ,;:–—-") + "…"


def script_safe_json(data) -> Markup:
    """`data` as JSON that can stand inside a <script> element whatever text it holds: every
    '<' is written \\u003c (JSON reads the same character), so nothing in it can end the
    element ('</script') or open a comment ('<!--'); HTML gives no other character a meaning
    there."""
    return Markup(json.dumps(data, ensure_ascii=False).replace("<", "\\u003c"))  # noqa: S704


def news_article(origin: str, edition, story, tags, corrections, url: str) -> dict:
    """The schema.org NewsArticle of an article page whose canonical URL is `url`."""
    publisher = {
        "@type": "Organization",
        "name": edition.name,
        "url": origin + page_url("site:front", edition=edition.code),
    }
    # Each person the byline names, without its "By" (Google: the name alone in `name`).
    authors = [{"@type": "Person", "name": name} for name in byline_names(story.byline)]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": cut_at_word(story.headline, JSON_LD_HEADLINE_CHARACTERS),
        "description": story.lead,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": machine_time(story.published_at),
        "dateModified": machine_time(last_modified(story)),
        "author": (authors[0] if len(authors) == 1 else authors) or publisher,
        "publisher": publisher,
        "inLanguage": story.language or edition.language,
        "isAccessibleForFree": True,
    }
    if dateline := dateline_of(story):
        data["dateline"] = dateline
    if story.section:
        data["articleSection"] = story.section.name
    if tags:
        data["keywords"] = [tag.name for tag in tags]
    if corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.note, "datePublished": machine_time(c.at)}
            for c in corrections
        ]
    return data


def breadcrumb_list(origin: str, trail: list[tuple[str, str]]) -> Markup:
    """The schema.org BreadcrumbList of a page reached by `trail`, (name, path) from the
    edition's front to the page itself: what a search result shows instead of the address."""
    return script_safe_json(
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "name": name,
                    "item": origin + path,
                }
                for position, (name, path) in enumerate(trail, start=1)
            ],
        }
    )


@pass_context
def page_seo(context) -> PageSeo:
    """The head tags' values for the page being rendered (article, front, section or tag)."""
    request, edition, labels = context["request"], context["edition"], context["labels"]
    origin = site_origin(request)
    common = {
        "locale": og_locale(edition.language),
        "site_name": edition.name,
        "image": social_card_url(origin),
    }
    front = (edition.name, page_url("site:front", edition=edition.code))
    story = context.get("story")
    if story is not None:
        tags, corrections = context.get("tags") or (), context.get("corrections") or ()
        path = story_url(edition.code, story)
        url = context["address"]  # the article view's
        trail = [front, (story.headline, path)]
        if story.section:
            section_path = page_url("site:section", edition=edition.code, slug=story.section.slug)
            trail.insert(1, (story.section.name, section_path))
        return PageSeo(
            title=story.headline,
            description=cut_at_word(story.lead, DESCRIPTION_CHARACTERS),
            url=url,
            type="article",
            published=machine_time(story.published_at),
            modified=machine_time(last_modified(story)),
            section=story.section.name if story.section else "",
            tags=tuple(tag.name for tag in tags),
            json_ld=script_safe_json(news_article(origin, edition, story, tags, corrections, url)),
            breadcrumbs=breadcrumb_list(origin, trail),
            **common,
        )
    section, tag = context.get("section"), context.get("tag")
    if section is not None:
        title = section.name
        description = labels["section_description"].format(section=title, edition=edition.name)
        path = page_url("site:section", edition=edition.code, slug=section.slug)
    elif tag is not None:
        title = tag.name
        description = labels["tag_description"].format(tag=title, edition=edition.name)
        path = page_url("site:tag", edition=edition.code, slug=tag.slug)
    else:
        title = edition.name
        description = labels["front_description"].format(edition=edition.name)
        path = page_url("site:front", edition=edition.code)
    trail = [front] if section is None and tag is None else [front, (title, path)]
    page = context.get("page")
    if page is not None and page.number > 1:
        path += f"?page={page.number}"
    return PageSeo(
        title=title,
        description=description,
        url=origin + path,
        type="website",
        breadcrumbs=breadcrumb_list(origin, trail) if len(trail) > 1 else None,
        **common,
    )
