"""The public pages. Each view: find the edition, run one query or two, render."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from urllib.parse import quote, unquote_to_bytes

from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.db.models import Exists, OuterRef
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from dateline.comments.policy import effective_policy
from dateline.comments.threads import approved_count_of
from dateline.copy import direction_for
from dateline.discovery.related import related_stories, stored_related, stored_related_of
from dateline.editions.labels import interface_languages, labels_for
from dateline.site.chrome import EditionChrome, site_chrome
from dateline.site.comments import thread_html, with_comment_form
from dateline.site.invalidation import (
    edition_scope,
    section_scope,
    stand_in_scopes,
    story_scope,
    tag_scope,
)
from dateline.site.methods import reads_only
from dateline.site.page_cache import also_shows, cached_page
from dateline.site.pagination import PageNumberWrittenOtherwise, page_from
from dateline.site.templating import story_url
from dateline.site.translations import default_version, public_versions
from dateline.site.webfonts import webfont_stylesheet
from dateline.stories.compiled import Compiled
from dateline.stories.headlines import Headline
from dateline.stories.json_rows import json_rows, read_json_rows
from dateline.stories.models import Correction, Section, Status, Story, StoryChange, Tag
from dateline.stories.querysets import is_frequent_tag
from dateline.stories.tagging import tag_key, tag_of_slug, tag_slug

FRONT_LATEST = 10
FRONT_PER_SECTION = 4


def edition_chrome(code: str) -> EditionChrome:
    chrome = site_chrome().edition(code)
    if chrome is None:
        raise Http404("No such edition")
    return chrome


def section_spelled_otherwise(chrome: EditionChrome, slug: str) -> Section | None:
    """The section an address names in capitals ("World" for "world") when no section is
    spelled so: its page and feeds move to its own address, as a tag's other spellings do."""
    if slug == slug.lower() or chrome.section(slug) is not None:
        return None
    return chrome.section(slug.lower())


def moved_to(request: HttpRequest, address: str) -> HttpResponsePermanentRedirect:
    """A permanent redirect to a page's canonical address, with what was asked of the page (a
    page number, a reply, the comments' order) going along, as sent, not re-encoded."""
    query = _as_sent(get_bytes_from_wsgi(request.environ, "QUERY_STRING", ""))
    return HttpResponsePermanentRedirect(address + (f"?{query}" if query else ""))


def _as_sent(query: bytes) -> str:
    """A query string's bytes as a URL's: escapes kept, any other byte an address may not hold
    escaped (a client may send UTF-8 unescaped; WSGI hands its bytes over as Latin-1)."""
    return quote(query, safe="/#%[]=:;$&()+,!?*@'~")


def render_list(request: HttpRequest, chrome: EditionChrome, template: str, page, **context):
    """A page listing stories (`_counted`), each with its count of approved comments."""
    counts = {story.pk: story.approved_comments for story in page.items}
    return render_page(request, chrome, template, page=page, comment_counts=counts, **context)


def render_page(request: HttpRequest, chrome: EditionChrome, template: str, **context):
    edition = chrome.edition
    return TemplateResponse(
        request,
        f"site/{template}",
        {"chrome": chrome, "edition": edition, "labels": edition.labels, **context},
    )


@reads_only
def home(request: HttpRequest) -> HttpResponse:
    default = site_chrome().default
    if default is None:
        raise Http404("No edition has been set up yet")
    return redirect("site:front", edition=default.edition.code)


@reads_only
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's, files).
    Not a permanent redirect: the icon's hashed name changes with the icon."""
    return redirect(static("site/favicon.svg"))


def _counted(headlines):
    """A list's `headlines()` with each story's count of approved comments in its row: the
    page's one query brings them, as the article's does (a second query was one more round trip
    to the database on every list page)."""
    return headlines.annotate(approved_comments=approved_count_of(OuterRef("code")))


# The lists of the front, section and tag pages, built and compiled once (decision 0039): their
# stories without a join to their sections, which come from the edition's furniture.
FRONT_LATEST_PAGE = Compiled(
    lambda edition, now, start, stop: _counted(
        Story.objects.public(now=now).in_edition(edition).headlines()
    )[start:stop]
)
FRONT_SECTION_BLOCKS = Compiled(
    lambda edition, sections, now: (
        Story.objects.public(now=now)
        .in_edition(edition)
        .latest_per_section(sections, FRONT_PER_SECTION)
    )
)
SECTION_PAGE = Compiled(
    lambda section, now, start, stop: _counted(
        Story.objects.public(now=now).in_section(section).headlines()
    )[start:stop]
)
TAG_PAGE = Compiled(
    lambda edition, tag, now, start, stop, frequent: _counted(
        Story.objects.public(now=now).in_edition(edition).tagged(tag, frequent=frequent).headlines()
    )[start:stop],
    # A rare tag's plan depends on how rare: planned once for all tags, the list of one carried
    # by 32 stories walked 374,000 (decision 0065).
    prepare=lambda frequent, **_slice: frequent,
)


def _list_rows(compiled: Compiled, chrome: EditionChrome, literals=None, **values):
    """`rows(start, stop)` for `page_from`: that slice of a compiled list, sections attached."""
    values["now"] = timezone.now()

    def rows(start: int, stop: int) -> list[Headline]:
        sliced = {"start": start, "stop": stop, **(literals or {})}
        return chrome.with_sections(Headline.of(compiled.rows(literals=sliced, **values)))

    return rows


@reads_only
@cached_page(scopes=lambda edition: [edition_scope(edition)])
def front(request: HttpRequest, edition: str) -> HttpResponse:
    chrome = edition_chrome(edition)
    latest = _list_rows(FRONT_LATEST_PAGE, chrome, edition=chrome.edition.pk)
    page = page_from(latest, request.GET.get("page"), per_page=FRONT_LATEST)
    by_section: dict[int, list[Headline]] = {}
    section_ids = [s.pk for s in chrome.sections]
    # The section blocks lead readers on; older pages are the archive.
    if page.number == 1 and section_ids:
        newest = FRONT_SECTION_BLOCKS.rows(
            edition=chrome.edition.pk, sections=section_ids, now=timezone.now()
        )
        for story in chrome.with_sections(Headline.of(newest)):
            by_section.setdefault(story.section_id, []).append(story)
    blocks = [(s, by_section[s.pk]) for s in chrome.sections if s.pk in by_section]
    # The newest story leads the first page, given the most room; the next pages are the archive.
    return render_list(
        request, chrome, "front.html", page, section_blocks=blocks, has_lead=page.number == 1
    )


@reads_only
@cached_page(scopes=lambda edition, slug: [section_scope(edition, slug)])
def section(request: HttpRequest, edition: str, slug: str) -> HttpResponse:
    chrome = edition_chrome(edition)
    current = chrome.section(slug)
    if current is None:
        if (spelled := section_spelled_otherwise(chrome, slug)) is None:
            raise Http404("No such section")
        return moved_to(request, reverse("site:section", args=[edition, spelled.slug]))
    stories = _list_rows(SECTION_PAGE, chrome, section=current.pk)
    page = page_from(stories, request.GET.get("page"))
    return render_list(request, chrome, "section.html", page, section=current)


def addressed_tag_slug(slug: str) -> str:
    """The slug of the tag an address names (`tag_slug`); empty when it names none: nothing of
    it can be in a slug, or it holds a "%", which no tag's slug does (Django gives bytes that
    are not UTF-8 back as "%FF"; an address encoded twice keeps its escapes)."""
    return "" if "%" in slug else tag_slug(slug)


def shows_tag(edition: str, slug: str) -> bool:
    """Whether the edition has a page for the tag of `slug`: a public story of its carries it.
    Another spelling moves there only then; else the move would lead to a 404, and would tell
    that a tag exists which only stories not public yet carry (tags are made on import)."""
    public = Story.objects.public().in_edition(edition_chrome(edition).edition)
    return bool(slug) and public.filter(tags__slug=slug).exists()


def moved_tag(request: HttpRequest, edition: str, slug: str, view: str, *args) -> HttpResponse:
    """The answer to an address naming no tag by its slug: a move to the tag it named before
    its slug changed, found by key (a ZWNJ joined word parts in slugs before migration
    stories 0019: "راهآهن" is now راه-آهن), when the edition shows it; else a 404."""
    key = tag_key(slug)
    moved = Tag.objects.filter(key=key).exclude(slug=slug).first() if key else None
    if moved is None or not shows_tag(edition, moved.slug):
        raise Http404("No such tag")
    return moved_to(request, reverse(view, args=[edition, moved.slug, *args]))


@reads_only
def tag(request: HttpRequest, edition: str, slug: str) -> HttpResponse:
    if (canonical := addressed_tag_slug(slug)) != slug:
        # "اوپك" or "Oil" is the tag "اوپک" or "oil" (`tag_slug`): one address for search
        # engines; and a page kept under another spelling's scope would outlive its changes.
        # Before the page cache: no address as typed (spaces, any length) becomes its key.
        if not shows_tag(edition, canonical):
            raise Http404("No such tag")
        return moved_to(request, reverse("site:tag", args=[edition, canonical]))
    return _tag_page(request, edition=edition, slug=slug)


@cached_page(scopes=lambda edition, slug: [tag_scope(edition, slug)])
def _tag_page(request: HttpRequest, edition: str, slug: str) -> HttpResponse:
    chrome = edition_chrome(edition)
    if (current := tag_of_slug(slug)) is None:
        return moved_tag(request, edition, slug, "site:tag")
    frequent = is_frequent_tag(chrome.edition, current)  # which way to read its list
    stories = _list_rows(
        TAG_PAGE, chrome, {"frequent": frequent}, edition=chrome.edition.pk, tag=current.pk
    )
    page = page_from(stories, request.GET.get("page"))
    if not page.items:
        # Tags are shared by all editions and made on import, embargoed copy included: a tag
        # no public story of this edition carries must not confirm that such a story exists.
        raise Http404("No such tag")
    return render_list(request, chrome, "tag.html", page, tag=current)


TAG_COLUMNS = ("pk", "slug", "name")  # of each tag the article's query brings (`ArticleTag`)

# The story of an article page, with what the page shows of its corrections, comments and tags;
# built and compiled once (reading it through the ORM cost ten times running it: decision 0039).
ARTICLE_STORY = Compiled(
    lambda code, edition, now: (
        Story.objects.public(now=now)
        .defer("body")
        .annotate(
            corrected=Exists(Correction.objects.filter(story=OuterRef("pk"))),
            comment_count=approved_count_of(OuterRef("pk")),
            tag_rows=json_rows(Tag.objects.filter(stories=OuterRef("pk")), "stories", *TAG_COLUMNS),
            **stored_related_of(OuterRef("pk"), now),
        )
        .filter(code=code, edition_id=edition)
    )
)


@dataclass(slots=True, frozen=True)
class ArticleTag:
    """A tag as an article shows it (a link, a keyword, the lists its page may stand in for):
    three values of a row, not a model (decision 0044's way)."""

    pk: int
    slug: str
    name: str

    @classmethod
    def all_of(cls, tag_rows: str | None) -> list["ArticleTag"]:
        """The tags of the article's query (`json_rows` of TAG_COLUMNS), by name (as the tags'
        own ordering has them)."""
        tags = (cls(*row) for row in read_json_rows(tag_rows))
        return sorted(tags, key=attrgetter("name"))


@with_comment_form
@cached_page(scopes=lambda edition, code, slug="": [story_scope(code)])
def article(request: HttpRequest, edition: str, code: int, slug: str = "") -> HttpResponse:
    chrome = edition_chrome(edition)
    now = timezone.now()
    story = next(iter(ARTICLE_STORY.instances(code=code, edition=chrome.edition.pk, now=now)), None)
    if story is None:
        return withdrawn_or_not_found(request, chrome, code)
    chrome.with_sections([story])
    if slug != story.slug:
        # An old or mistyped slug still finds the story; search engines learn the right URL.
        return moved_to(request, story_url(edition, story))
    tags = ArticleTag.all_of(story.tag_rows)

    def shows_stand_in() -> None:
        section = story.section.slug if story.section_id else None
        also_shows(request, stand_in_scopes(edition, section, [t.slug for t in tags]))

    related = related_stories(
        story, [t.pk for t in tags], stored=stored_related(story), on_stand_in=shows_stand_in
    )
    # Only a corrected story pays a query for its notes (most never have one).
    corrections = list(story.corrections.all()) if story.corrected else []
    is_open = effective_policy(story, chrome.edition).is_open()
    versions = public_versions(story)
    return render_page(
        request,
        chrome,
        "article.html",
        story=story,
        # Its absolute address, written once: the canonical link, Open Graph, JSON-LD, sharing.
        address=request.build_absolute_uri(story_url(edition, story)),
        tags=tags,
        related=related,
        corrections=corrections,
        versions=versions,
        x_default=default_version(versions) if versions else None,
        comments=thread_html(request, chrome, story, is_open),
    )


@reads_only
def article_with_slash(request: HttpRequest, edition: str, code: int, slug: str):
    """An article's address with a slash after the slug (a shared link someone finished with
    one): the answer for its code alone, a permanent redirect to a public story's address or
    the 404 or 410 any other gets; the slug asked for is never repeated back."""
    return article(request, edition=edition, code=code)


def withdrawn_or_not_found(request: HttpRequest, chrome: EditionChrome, code: int):
    """410 with a short, dated notice for a killed story readers once saw; for any other story
    that is not public, the 404 an unknown code gets, so that its existence does not leak.

    The notice shows nothing of the story, not even its headline (nor its slug: any slug of a
    withdrawn story's URL answers the same 410, never a redirect to the canonical one). It is
    never cached: the page cache keeps only 200s.
    """
    at = withdrawn_at(chrome.edition, code)
    if at is None:
        raise Http404("No such story")
    response = render_page(request, chrome, "withdrawn.html", withdrawn_at=at)
    response.status_code = 410
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def withdrawn_at(edition, code: int) -> datetime.datetime | None:
    """When story `code` of `edition` was killed, if readers saw it before: it has a
    'published' or 'released' change and its publication time had come when it was killed.

    That last condition keeps a story imported with a future publication time and killed
    before it a 404. Its cost: a story public once, then unpublished, scheduled again for
    later and killed before that time, is a 404 too (never a 410 for one never seen).
    One query for a code that is not a killed story (most 404s), two for one that is.
    """
    killed = Story.objects.filter(pk=code, edition=edition, status=Status.KILLED)
    published_at = next(iter(killed.values_list("published_at", flat=True)[:1]), None)
    if published_at is None:
        return None
    Action = StoryChange.Action
    changes = list(
        StoryChange.objects.filter(
            story_id=code, action__in=(Action.PUBLISHED, Action.RELEASED, Action.KILLED)
        ).values_list("action", "at")
    )
    killed_at = max((at for action, at in changes if action == Action.KILLED), default=None)
    was_out = any(action != Action.KILLED for action, _at in changes)
    return killed_at if was_out and killed_at and killed_at >= published_at else None


def _first_path_segment(request: HttpRequest) -> str:
    """The edition code the URL points into, if any: after the prefix the site is served under."""
    return request.path_info.strip("/").split("/", 1)[0]


def _moved_to_page_number(
    request: HttpRequest, asked: PageNumberWrittenOtherwise
) -> HttpResponsePermanentRedirect:
    """The same address with the page number as the site writes it, in each parameter that
    held it as written ("?cpage=02&order=new" is "?cpage=2&order=new"); the rest as sent."""
    pairs = get_bytes_from_wsgi(request.environ, "QUERY_STRING", "").split(b"&")
    number = str(asked.number).encode()
    written = [
        pair.partition(b"=")[0] + b"=" + number if _value(pair) == asked.written else pair
        for pair in pairs
    ]
    return HttpResponsePermanentRedirect(
        f"{iri_to_uri(request.path)}?{_as_sent(b'&'.join(written))}"
    )


def _value(pair: bytes) -> str:
    """The value of a query's `name=value` as Django reads it."""
    return unquote_to_bytes(pair.partition(b"=")[2].replace(b"+", b" ")).decode("utf-8", "replace")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The friendly 404, in the edition the URL points into when there is one; a move for a
    page number written otherwise ("?page=۲" is "?page=2")."""
    if isinstance(exception, PageNumberWrittenOtherwise):
        return _moved_to_page_number(request, exception)
    chrome = site_chrome()
    edition_chrome_or_default = chrome.edition(_first_path_segment(request)) or chrome.default
    if edition_chrome_or_default is None:
        context = {"chrome": None, "edition": None, "labels": labels_for("en")}
        return TemplateResponse(request, "site/404.html", context, status=404)
    response = render_page(request, edition_chrome_or_default, "404.html")
    response.status_code = 404
    return response


def request_refused(request: HttpRequest, why: str, status: int) -> HttpResponse:
    """A request turned away before its page was reached (a form that failed the CSRF check,
    one too large to read), in the edition the URL points into; `why` is the label that says
    so ('form_expired_text', 'too_large_text')."""
    chrome = site_chrome()
    edition_chrome_or_default = chrome.edition(_first_path_segment(request)) or chrome.default
    if edition_chrome_or_default is None:
        context = {"chrome": None, "edition": None, "labels": labels_for("en"), "why": why}
        return TemplateResponse(request, "site/refused.html", context, status=status)
    response = render_page(request, edition_chrome_or_default, "refused.html", why=why)
    response.status_code = status
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page touches neither the database nor the cache: either may be what failed, so
    its language is guessed from the URL's first segment (an edition code such as 'fa'), and
    its way home is that edition's front ("/" leads to the default edition's)."""
    segment = _first_path_segment(request)
    guessed = segment in interface_languages()
    language = segment if guessed else "en"
    context = {
        "labels": labels_for(language),
        "language": language,
        "direction": direction_for(language),
        "stylesheet": _url_or_none(lambda: static("site/site.css")),
        "webfont": _url_or_none(lambda: webfont_stylesheet(language)),  # Vazirmatn for fa, ar
        "home": reverse("site:front", args=[segment]) if guessed else reverse("site:home"),
    }
    return TemplateResponse(request, "site/500.html", context, status=500).render()


def _url_or_none(url: Callable[[], str | None]) -> str | None:
    """A stylesheet's URL, or None when even that fails (a deployment without collected
    static files has no manifest): an unstyled error page beats an empty response."""
    try:
        return url()
    except Exception:  # whatever broke, the error page must still render
        return None
