"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 of an edition, a section or a tag (docs/feeds.md).

The three formats are written from one list of `Entry`s: RSS and Atom by Django's syndication
framework, JSON Feed as a plain dictionary. Only `Story.objects.public()` stories are read.
A rendered feed is kept by the page cache under its edition's, section's or tag's scope (a
change to a story it lists retires it), with its ETag and Last-Modified, so that a conditional
request that matches is answered 304 after one query and one cache read.
"""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from markupsafe import Markup, escape

from dateline.copy import direction_for
from dateline.copy.paragraphs import byline_names
from dateline.site.chrome import EditionChrome
from dateline.site.invalidation import edition_scope, section_scope, tag_scope
from dateline.site.methods import reads_only
from dateline.site.page_cache import answer, keep, look_up
from dateline.site.sitemaps import with_last_modified
from dateline.site.templating import dateline_html, dateline_of, page_url, story_url
from dateline.site.views import (
    addressed_tag_slug,
    edition_chrome,
    moved_tag,
    moved_to,
    section_spelled_otherwise,
    shows_tag,
)
from dateline.stories.models import Story, StoryChange, Tag
from dateline.stories.querysets import is_frequent_tag

FEED_ITEMS = 30
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# Characters XML 1.0 does not allow (C0 controls but tab and newlines, lone surrogates, the two
# non-characters): Django's XML writer refuses them, and readers' parsers would too.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class FeedFormatConverter:
    """The `<feed:format>` in `feed.rss`, `feed.atom`, `feed.json`."""

    regex = "rss|atom|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class Entry:
    """One story as every format shows it; text already made safe for XML."""

    id: str
    url: str
    title: str
    summary: str  # the dateline and the lead, plain text
    content_html: str  # the dateline, the lead and the body, in an element with its direction
    published: datetime.datetime
    updated: datetime.datetime
    author: str
    categories: tuple[str, ...]
    language: str


@dataclass(frozen=True)
class Channel:
    """A feed's own fields and its entries."""

    title: str
    description: str
    home_url: str
    language: str
    author: str
    entries: tuple[Entry, ...]
    newest_public_since: datetime.datetime | None  # when the newest entry became public
    last_withdrawn: datetime.datetime | None  # when the last story to leave it left


def story_id(request: HttpRequest, story: Story) -> str:
    """The story's news-code URL, without the slug: a headline's change never changes it."""
    code_url = page_url("site:article-code", edition=story.edition.code, code=story.code)
    return request.build_absolute_uri(code_url)


def text_html(story: Story) -> Markup:
    """The dateline before the lead, then the body, in an element with the story's direction."""
    lead = Markup("<p>%s</p>") % (
        Markup('<bdi class="dateline">%s</bdi> %s') % (dateline_html(story), story.lead)
        if dateline_of(story)
        else story.lead
    )
    body = Markup(story.body_html)  # noqa: S704  (sanitised when saved, with nh3)
    direction = direction_for(story.language)
    return Markup('<div dir="%s" lang="%s">%s%s</div>') % (direction, story.language, lead, body)


def entry_of(request: HttpRequest, story: Story) -> Entry:
    dateline = dateline_of(story)
    section = [story.section.name] if story.section else []
    return Entry(
        id=story_id(request, story),
        url=request.build_absolute_uri(story_url(story.edition.code, story)),
        title=xml_safe(story.headline),
        summary=xml_safe(f"{dateline} {story.lead}" if dateline else story.lead),
        content_html=xml_safe(str(text_html(story))),  # no markup is made of those characters
        published=story.published_at,
        # What readers see changed: a correction (an internal change, a link or a policy, is
        # not an update to the story), as the page's dateModified and the sitemaps say.
        updated=story.last_modified,
        author=xml_safe(", ".join(byline_names(story.byline))),  # without its "By"
        categories=tuple(
            xml_safe(name) for name in [*section, *(t.name for t in story.tags.all())]
        ),
        language=story.language,
    )


def channel_of(request: HttpRequest, scope, chrome: EditionChrome, title: str, page: str, about):
    """The channel of the stories `scope` keeps (a function of a queryset: its edition, its
    section, its tag)."""
    edition = chrome.edition
    newest = list(
        with_last_modified(scope(Story.objects.public()))
        .select_related("edition", "section")
        .defer("body")  # the Markdown: the feed shows the HTML made from it
        .prefetch_related("tags")
        .order_by("-published_at", "-code")[:FEED_ITEMS]
    )
    public_since = [max(s.published_at, s.embargo_until or s.published_at) for s in newest]
    return Channel(
        title=xml_safe(title),
        description=xml_safe(about),
        home_url=request.build_absolute_uri(page),
        language=edition.language,
        author=xml_safe(edition.name),
        entries=tuple(entry_of(request, story) for story in newest),
        newest_public_since=max(public_since, default=None),
        last_withdrawn=last_withdrawn(scope(Story.objects.withdrawn()), newest),
    )


def last_withdrawn(withdrawn, newest: list[Story]) -> datetime.datetime | None:
    """When the last of the `withdrawn` stories that would be among the feed's `newest`
    entries left it: the feed changed then, though none of the entries it keeps did."""
    if len(newest) == FEED_ITEMS:
        withdrawn = withdrawn.filter(published_at__gte=newest[-1].published_at)
    return withdrawn.aggregate(at=Max("updated_at"))["at"]


def edition_channel(request: HttpRequest, edition: str) -> Channel:
    chrome = edition_chrome(edition)
    e = chrome.edition
    description = e.labels["front_description"].format(edition=e.name)
    front = page_url("site:front", edition=e.code)
    return channel_of(
        request, lambda stories: stories.in_edition(e), chrome, e.name, front, description
    )


def section_channel(request: HttpRequest, edition: str, slug: str) -> Channel:
    chrome = edition_chrome(edition)
    section = chrome.section(slug)
    if section is None:
        raise Http404("No such section")
    e = chrome.edition
    description = e.labels["section_description"].format(section=section.name, edition=e.name)
    page = reverse("site:section", kwargs={"edition": e.code, "slug": slug})
    title = f"{section.name} – {e.name}"
    return channel_of(
        request, lambda stories: stories.in_section(section), chrome, title, page, description
    )


def tag_channel(request: HttpRequest, edition: str, slug: str) -> Channel:
    chrome = edition_chrome(edition)
    tag = get_object_or_404(Tag, slug=slug)
    e = chrome.edition
    description = e.labels["tag_description"].format(tag=tag.name, edition=e.name)
    page = reverse("site:tag", kwargs={"edition": e.code, "slug": slug})
    frequent = is_frequent_tag(e, tag)  # which way to read its list, asked once for both lists
    channel = channel_of(
        request,
        lambda stories: stories.in_edition(e).tagged(tag, frequent=frequent),
        chrome,
        f"{tag.name} – {e.name}",
        page,
        description,
    )
    if not channel.entries:
        # As the tag page: a tag no public story of this edition carries does not exist here.
        raise Http404("No such tag")
    return channel


# --- RSS and Atom: Django's syndication framework ---------------------------------------------


NEVER_CHANGED = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class ChangedWhenAStoryLeft:
    """A feed's own time (Atom's <updated>, RSS's <lastBuildDate>): its newest entry's, or
    later, when a story left it (`Channel.last_withdrawn`, given as a feed keyword). A feed
    with no entries left says when the last one left, or NEVER_CHANGED if it never had any:
    Django's default there, the moment of writing, made each request a new document."""

    def latest_post_date(self) -> datetime.datetime:
        left = self.feed.get("last_withdrawn")
        if not self.items:
            return left or NEVER_CHANGED
        newest = super().latest_post_date()
        return max(newest, left) if left else newest


class Rss(ChangedWhenAStoryLeft, Rss201rev2Feed):
    """RSS 2.0 whose `atom:link` to itself gives its type, as the RSS Advisory Board's profile
    asks (Django writes only its rel and href)."""

    def add_root_elements(self, handler):
        super().add_root_elements(SelfLinkTyped(handler))


class SelfLinkTyped:
    """An RSS feed's XML writer, adding the type to the `atom:link rel="self"` written through
    it; everything else passes as it is."""

    def __init__(self, handler):
        self.handler = handler

    def addQuickElement(self, name, contents=None, attrs=None):
        if name == "atom:link" and attrs and attrs.get("rel") == "self":
            attrs = {**attrs, "type": "application/rss+xml"}
        self.handler.addQuickElement(name, contents, attrs)

    def __getattr__(self, name):
        return getattr(self.handler, name)


class AtomWithContent(ChangedWhenAStoryLeft, Atom1Feed):
    """Atom with each entry's language, the lead as its `<summary>` and the whole story as its
    `<content>` (Django writes the description, here the whole story, as the summary)."""

    def item_attributes(self, item):
        return {"xml:lang": item["language"]}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": str(escape(item["summary"]))})
        handler.addQuickElement("content", item["description"], {"type": "html"})


class ChannelFeed(Feed):
    """The syndication framework's feed of a `Channel`; `get_feed(channel, request)` is called
    directly (the view adds the cache and conditional GET)."""

    def __init__(self, feed_type, language: str):
        self.feed_type = feed_type
        self.language = language

    def title(self, channel: Channel) -> str:
        return channel.title

    def link(self, channel: Channel) -> str:
        return channel.home_url

    def description(self, channel: Channel) -> str:
        return channel.description

    def author_name(self, channel: Channel) -> str:
        return channel.author

    def items(self, channel: Channel) -> tuple[Entry, ...]:
        return channel.entries

    def item_title(self, entry: Entry) -> str:
        return entry.title

    def item_link(self, entry: Entry) -> str:
        return entry.url

    def item_guid(self, entry: Entry) -> str:
        return entry.id

    def item_guid_is_permalink(self, entry: Entry) -> bool:
        return True  # the news-code URL leads to the story

    def item_description(self, entry: Entry) -> str:
        return entry.content_html  # RSS readers show the description: the whole story

    def item_pubdate(self, entry: Entry) -> datetime.datetime:
        return entry.published

    def item_updateddate(self, entry: Entry) -> datetime.datetime:
        return entry.updated

    def item_author_name(self, entry: Entry) -> str | None:
        return entry.author or None

    def item_categories(self, entry: Entry) -> tuple[str, ...]:
        return entry.categories

    def feed_extra_kwargs(self, channel: Channel) -> dict:
        return {"last_withdrawn": channel.last_withdrawn}

    def item_extra_kwargs(self, entry: Entry) -> dict:
        return {"summary": entry.summary, "language": entry.language}


def syndication_document(feed_type):
    def render(request: HttpRequest, channel: Channel) -> bytes:
        feed = ChannelFeed(feed_type, channel.language).get_feed(channel, request)
        return feed.writeString("utf-8").encode()

    return render


# --- JSON Feed 1.1: a small document of our own -----------------------------------------------


def _json_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds")


def json_feed_document(request: HttpRequest, channel: Channel) -> bytes:
    document = {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": request.build_absolute_uri(request.path),
        "description": channel.description,
        "language": channel.language,
        "authors": [{"name": channel.author}],
        "items": [
            {
                "id": entry.id,
                "url": entry.url,
                "title": entry.title,
                "summary": entry.summary,
                "content_html": entry.content_html,
                "date_published": _json_time(entry.published),
                "date_modified": _json_time(entry.updated),
                **({"authors": [{"name": entry.author}]} if entry.author else {}),
                "tags": list(entry.categories),
                "language": entry.language,
            }
            for entry in channel.entries
        ],
    }
    return json.dumps(document, ensure_ascii=False).encode()


FORMATS = {
    "rss": (syndication_document(Rss), Rss.content_type),
    "atom": (syndication_document(AtomWithContent), AtomWithContent.content_type),
    "json": (json_feed_document, "application/feed+json; charset=utf-8"),
}


# --- Serving: cache and conditional GET -------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    content: bytes
    content_type: str
    etag: str
    last_modified: float  # a timestamp


def last_modified_of(channel: Channel) -> float:
    """The newest story change anywhere, or a later moment an entry became public (an embargo
    lifts by the clock alone): never earlier than what changed this feed, a kill included,
    so If-Modified-Since cannot be answered 304 for a feed that lost a story."""
    newest_change = StoryChange.objects.order_by("-id").values_list("at", flat=True).first()
    moments = [m for m in (newest_change, channel.newest_public_since) if m is not None]
    return max(moments).timestamp() if moments else 0.0


def render_feed(request: HttpRequest, format: str, channel: Channel) -> Rendered:
    write, content_type = FORMATS[format]
    content = write(request, channel)
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    return Rendered(content, content_type, etag, last_modified_of(channel))


def serve(request: HttpRequest, format: str, make_channel, scopes, **scope) -> HttpResponse:
    lookup = look_up(request, scopes)
    rendered = lookup.fresh
    if rendered is None:
        made = render_feed(request, format, make_channel(request, **scope))
        response = HttpResponse(made.content, content_type=made.content_type)
        rendered = keep(lookup, response, last_modified=made.last_modified)
    # Shared caches keep it and are purged when a story it lists changes (decision 0032).
    return answer(request, rendered)


@reads_only
def edition_feed(request: HttpRequest, edition: str, format: str) -> HttpResponse:
    scopes = [edition_scope(edition)]
    return serve(request, format, edition_channel, scopes, edition=edition)


@reads_only
def section_feed(request: HttpRequest, edition: str, slug: str, format: str) -> HttpResponse:
    # Checked for capitals first: most feeds asked for spend nothing on it.
    if slug != slug.lower() and (
        spelled := section_spelled_otherwise(edition_chrome(edition), slug)
    ):
        return moved_to(request, reverse("site:section-feed", args=[edition, spelled.slug, format]))
    scopes = [section_scope(edition, slug)]
    return serve(request, format, section_channel, scopes, edition=edition, slug=slug)


@reads_only
def tag_feed(request: HttpRequest, edition: str, slug: str, format: str) -> HttpResponse:
    if (canonical := addressed_tag_slug(slug)) != slug:  # another spelling: as its page does
        if not shows_tag(edition, canonical):
            raise Http404("No such tag")
        return moved_to(request, reverse("site:tag-feed", args=[edition, canonical, format]))
    scopes = [tag_scope(edition, slug)]
    try:
        return serve(request, format, tag_channel, scopes, edition=edition, slug=slug)
    except Http404:
        return moved_tag(request, edition, slug, "site:tag-feed", format)
