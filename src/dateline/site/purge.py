"""Telling the HTTP cache in front (Varnish, deploy/varnish.vcl.in) to drop the pages that show
a story, when the story changes (decision 0033).

Off unless DATELINE_HTTP_CACHE_PURGE_URL names the caches. Each committed change sends one BAN
request to each cache, its X-Ban-Url header a regular expression matching every stored page
whose path is one of the story's pages, with any query string (later pages of a list, search
queries). The same ban goes again `REPEAT_SECONDS` later: a page a web process began rendering
before the change committed, and stored after the first ban, is retired by the second. A
cache that does not answer is logged and skipped: the change has been made, and the pages it
keeps expire with their lifetime.
"""

import logging
import re
import threading
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from dateline.stories.models import Story, StoryChange

logger = logging.getLogger("dateline.purge")
TIMEOUT_SECONDS = 2
REPEAT_SECONDS = 2.0


def urls_to_purge(story: Story) -> list[str]:
    """The public paths that show `story`."""
    try:
        from dateline.site.invalidation import urls_showing
    except ImportError:  # until targeted invalidation lands: the story's own pages, below
        return pages_of_story(story)
    return urls_showing(story)


def pages_of_story(story: Story) -> list[str]:
    """The story's page, its edition's front, search and feeds, its section's and tags' pages
    and feeds, the home page and the sitemaps. (Not the other stories' pages whose related
    lists show it: `invalidation.urls_showing` knows those.)"""
    edition = story.edition.code
    article = f"/{edition}/news/{story.code}"
    paths = [article, f"{article}/", f"{article}/{story.slug}"]
    paths += ["/", "/sitemap.xml", f"/{edition}/", f"/{edition}/search"]
    listings = [(f"/{edition}/", "edition-feed", {"edition": edition})]
    if story.section_id:
        slug = story.section.slug
        listings.append(
            (
                reverse("site:section", kwargs={"edition": edition, "slug": slug}),
                "section-feed",
                {"edition": edition, "slug": slug},
            )
        )
    for tag_slug in story.tags.values_list("slug", flat=True):
        listings.append(
            (
                reverse("site:tag", kwargs={"edition": edition, "slug": tag_slug}),
                "tag-feed",
                {"edition": edition, "slug": tag_slug},
            )
        )
    for page, feed, kwargs in listings:
        paths.append(page)
        paths += [reverse(f"site:{feed}", kwargs={**kwargs, "format": f}) for f in FEED_FORMATS]
    paths += [f"/sitemaps/{kind}-{edition}.xml" for kind in ("news", "stories")]
    return list(dict.fromkeys(paths))


FEED_FORMATS = ("rss", "atom", "json")


def ban_expression(paths: list[str]) -> str:
    """One regular expression for all `paths`, each with or without a query string."""
    alternatives = "|".join(re.escape(urlsplit(path).path) for path in paths)
    return f"^(?:{alternatives})(?:\\?|$)"


def send_ban(paths: list[str]) -> None:
    expression = ban_expression(paths)
    for cache in settings.HTTP_CACHE_PURGE_URLS:
        # An operator's http:// address (settings), never a reader's.
        request = urllib.request.Request(cache, method="BAN", headers={"X-Ban-Url": expression})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):  # noqa: S310
                pass
        except (urllib.error.URLError, OSError) as error:
            logger.warning(
                "HTTP cache %s did not take the ban of %d pages: %s", cache, len(paths), error
            )


def story_changed_receiver(sender, story: Story, change: StoryChange, **kwargs) -> None:
    if not settings.HTTP_CACHE_PURGE_URLS:
        return
    paths = urls_to_purge(story)
    if not paths:
        return
    send_ban(paths)
    # Not a daemon: a command that changes a story and exits still sends its repeat.
    threading.Timer(REPEAT_SECONDS, send_ban, args=(paths,)).start()


def connect() -> None:
    from dateline.stories.signals import story_changed

    story_changed.connect(story_changed_receiver, dispatch_uid="site.http_cache_purge")
