"""Sitemaps for search engines, on django.contrib.sitemaps: per edition, every public story
(paginated) and a Google News sitemap of the last two days; an index naming them all; and
robots.txt naming the index. Only `Story.objects.public()` is ever listed.

Sitemaps are cached like pages (site.page_cache): every story change retires them (their
`sitemaps` scope).
"""

import datetime
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as django_sitemaps
from django.db.models import F, Max
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from dateline.editions.models import Edition
from dateline.site.chrome import site_chrome
from dateline.site.invalidation import SITEMAPS
from dateline.site.methods import reads_only
from dateline.site.page_cache import cached_page, shared_page
from dateline.site.pagination import PAGE_NUMBER, refuse_page_number
from dateline.site.templating import story_url
from dateline.stories.models import Story

NEWS_WINDOW = datetime.timedelta(days=2)  # Google News reads only the last two days' stories


def news_language(language: str) -> str:
    """The language as Google News names it: the ISO 639 code alone ('pt' for 'pt-BR'), but
    'zh-cn' and 'zh-tw' for the two written forms of Chinese."""
    primary, *rest = language.lower().replace("_", "-").split("-")
    if primary == "zh":
        traditional = {"hant", "tw", "hk", "mo"} & set(rest)
        return "zh-tw" if traditional else "zh-cn"
    return primary


def with_last_modified(stories):
    """`last_modified`: the newest of the publication and the last revision readers saw
    (what the article page shows as "Updated" and its JSON-LD as dateModified)."""
    return stories.annotate(
        last_modified=Greatest("published_at", Coalesce("revised_at", "published_at"))
    )


class EditionStories(Sitemap):
    """Every public story of one edition, oldest first (new stories land on the last page,
    so the earlier pages seldom change)."""

    limit = 10_000
    template_name = "site/sitemap.xml"

    def __init__(self, edition: Edition):
        self.edition = edition

    def public(self):
        return Story.objects.public().in_edition(self.edition)

    def items(self):
        stories = self.public().order_by("published_at", "code")
        return with_last_modified(stories).only("code", "slug", "published_at")

    @cached_property
    def paginator(self):
        # Counted once per request, not once per question the index asks.
        return super().paginator

    def location(self, story) -> str:
        return story_url(self.edition.code, story)

    def lastmod(self, story) -> datetime.datetime:
        return story.last_modified

    def withdrawn(self):
        """The edition's stories listed once and no longer: the last of them to go changed
        this sitemap as much as the last one to come."""
        return Story.objects.withdrawn().in_edition(self.edition)

    def get_latest_lastmod(self) -> datetime.datetime | None:
        public = self.public().aggregate(published=Max("published_at"), revised=Max("revised_at"))
        left = self.withdrawn().aggregate(at=Max("updated_at"))["at"]
        return max((at for at in (*public.values(), left) if at), default=None)


class EditionNews(EditionStories):
    """The Google News sitemap of one edition: stories published in the last two days, newest
    first, at most 1,000 a file (Google's limit; more go to ?p=2)."""

    limit = 1_000
    template_name = "site/news_sitemap.xml"

    def public(self):
        since = timezone.now() - NEWS_WINDOW
        return super().public().filter(published_at__gte=since)

    def withdrawn(self):
        return super().withdrawn().filter(published_at__gte=timezone.now() - NEWS_WINDOW)

    def items(self):
        stories = self.public().order_by(F("published_at").desc(), "-code")
        return with_last_modified(stories).only("code", "slug", "published_at", "headline")

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        publication = {"name": self.edition.name, "language": news_language(self.edition.language)}
        for url in urls:
            url["publication"] = publication
        return urls


def sitemaps_by_name() -> dict[str, EditionStories]:
    """Every sitemap, by the name in its URL: 'stories-en', 'news-en', … for each edition."""
    editions = [chrome.edition for chrome in site_chrome().editions]
    return {
        **{f"stories-{e.code}": EditionStories(e) for e in editions},
        **{f"news-{e.code}": EditionNews(e) for e in editions},
    }


@reads_only
@django_sitemaps.x_robots_tag
@cached_page(scopes=lambda **_: [SITEMAPS])
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """The sitemap index: each sitemap that lists anything, and each of its pages."""
    listing = {name: s for name, s in sitemaps_by_name().items() if s.paginator.count}
    return django_sitemaps.index(
        request,
        listing,
        template_name="site/sitemap_index.xml",
        sitemap_url_name="site:sitemap",
    )


@reads_only
@django_sitemaps.x_robots_tag
@cached_page(scopes=lambda **_: [SITEMAPS])
def sitemap(request: HttpRequest, section: str) -> HttpResponse:
    """One page (?p=N) of one sitemap. N as the index writes it: "01" or "۲" is not a second
    address of a page (Django's paginator reads both), it moves to the page's own."""
    sitemaps = sitemaps_by_name()
    if section not in sitemaps:
        raise Http404("No such sitemap")
    if (page := request.GET.get("p")) is not None and not PAGE_NUMBER.fullmatch(page):
        refuse_page_number(page, sitemaps[section].paginator.num_pages)
    return django_sitemaps.sitemap(
        request, sitemaps, section=section, template_name=sitemaps[section].template_name
    )


@reads_only
@shared_page  # the same for every reader of a host: shared caches keep it
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read every public page; the newsroom is private. Names the sitemap index,
    which names every sitemap."""
    index = request.build_absolute_uri(reverse("site:sitemap-index"))
    lines = ["User-agent: *", "Disallow: /newsroom/", "", f"Sitemap: {index}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
