"""Telling the HTTP cache in front (Varnish, deploy/varnish.vcl.in) to drop the pages that show
a story, when the story changes (decision 0033).

Off unless DATELINE_HTTP_CACHE_PURGE_URL names the caches. A committed change queues the paths
of the story's pages; a thread sends them at once as a BAN request to each cache, its X-Ban-Url
header a regular expression matching every stored page with one of those paths, whatever its
query string (later pages of a list, search queries). The same ban goes again
`HTTP_CACHE_BAN_REPEAT_SECONDS` later: a page a web process began rendering before the change
committed, and stored after the first ban, is retired by the second (a ban retires only what
the cache holds when it arrives). A second ban, its X-Ban-Also-Shows header matching the
`X-Also-Shows` header of article pages whose stand-in Related News shows the story's section's
or tags' newest (site.page_cache.also_shows), retires those. A cache that does not answer is
logged and skipped: the change has been made, and the pages it keeps expire with their lifetime.
Saving the furniture (an edition, a section, a follow link) or renaming a tag bans every page.
"""

import atexit
import logging
import re
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from dateline.editions.models import Edition, FollowLink
from dateline.site.invalidation import list_paths, stand_in_scopes, urls_showing
from dateline.stories.models import Section, Story, StoryChange, Tag

logger = logging.getLogger("dateline.purge")
TIMEOUT_SECONDS = 2


def urls_to_purge(story: Story) -> list[str]:
    """The public paths that show `story`: those whose kept pages it retires
    (`invalidation.urls_showing`), the article under any slug, and its edition's search, which
    the page cache does not keep but an HTTP cache does (every query: the ban ignores them)."""
    search = reverse("site:search", kwargs={"edition": story.edition.code})
    return [*urls_showing(story), *article_pages(story), search]


def article_pages(story: Story) -> list[str]:
    """The story's page under any slug (a correction may change it) or none, reversed like
    every other path so that the site's script prefix is in it."""
    article = reverse(
        "site:article-code", kwargs={"edition": story.edition.code, "code": story.code}
    )
    return [article, f"{article}/*"]


def ban_expressions(paths: list[str], limit: int = 6_000) -> list[str]:
    """Regular expressions matching all `paths`, each with or without a query string, each
    short enough for a request header (Varnish takes 8 KB). A path ending in `*` stands for
    every path that starts with what comes before it."""
    escaped = [
        re.escape(path[:-1]) + "[^?]*" if path.endswith("*") else re.escape(path)
        for path in dict.fromkeys(urlsplit(path).path for path in paths)
    ]
    return [f"^(?:{group})(?:\\?|$)" for group in _alternatives(escaped, limit)]


def scope_ban_expressions(scopes: list[str], limit: int = 6_000) -> list[str]:
    """Regular expressions matching an `X-Also-Shows` header (comma-separated scopes) that
    names any of `scopes`. No space in them: Varnish's ban() splits its argument at spaces."""
    escaped = [re.escape(scope) for scope in dict.fromkeys(scopes)]
    return [f"(?:^|,)(?:{group})(?:,|$)" for group in _alternatives(escaped, limit)]


def _alternatives(escaped: list[str], limit: int) -> list[str]:
    """`escaped` joined by `|` into groups of at most about `limit` characters."""
    groups, alternatives, size = [], [], 0
    for each in escaped:
        if alternatives and size + len(each) > limit:
            groups.append("|".join(alternatives))
            alternatives, size = [], 0
        alternatives.append(each)
        size += len(each) + 1
    if alternatives:
        groups.append("|".join(alternatives))
    return groups


def also_shown_scopes(story: Story) -> list[str]:
    """The scopes of the stand-in Related News lists that may show `story` (its section's and
    tags'): the pages that name one in `X-Also-Shows`."""
    section = story.section.slug if story.section_id else None
    tags = story.tags.values_list("slug", flat=True)
    return stand_in_scopes(story.edition.code, section, tags)


def send_ban(paths: list[str], scopes: list[str] = ()) -> None:
    """Ban the pages at `paths` and those whose `X-Also-Shows` names one of `scopes`."""
    bans = [("X-Ban-Url", expression) for expression in ban_expressions(paths)]
    bans += [("X-Ban-Also-Shows", expression) for expression in scope_ban_expressions(scopes)]
    for header, expression in bans:
        for cache in settings.HTTP_CACHE_PURGE_URLS:
            # An operator's http:// address (settings), never a reader's.
            request = urllib.request.Request(  # noqa: S310
                cache, method="BAN", headers={header: expression}
            )
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):  # noqa: S310
                    pass
            except (urllib.error.URLError, OSError) as error:
                logger.warning("HTTP cache %s did not take a ban: %s", cache, error)


class _Sender:
    """One thread per process sends the bans, so a change never waits for the cache and a
    burst of changes (an import) becomes a few requests: whatever is pending goes at once, in
    one ban, and again HTTP_CACHE_BAN_REPEAT_SECONDS later. What is pending when the process
    exits is sent before it does."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._pending: dict[tuple[str, str], None] = {}  # ("path" or "scope", what)
        self._repeats: list[tuple[float, list[tuple[str, str]]]] = []
        self._thread: threading.Thread | None = None

    def add(self, paths: list[str], scopes: list[str] = ()) -> None:
        with self._lock:
            self._pending.update(dict.fromkeys(("path", path) for path in paths))
            self._pending.update(dict.fromkeys(("scope", scope) for scope in scopes))
            if self._thread is None:
                atexit.register(self.flush)
            if self._thread is None or not self._thread.is_alive():
                # Started on first use: after gunicorn forks its workers, in each of them.
                self._thread = threading.Thread(
                    target=self._run, name="http-cache-purge", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait(timeout=0.25)
            self._wake.clear()
            self._send_due(time.monotonic())

    def _send_due(self, now: float, *, every_repeat: bool = False) -> None:
        with self._lock:
            fresh, self._pending = list(self._pending), {}
            due = [paths for at, paths in self._repeats if every_repeat or at <= now]
            self._repeats = [r for r in self._repeats if not (every_repeat or r[0] <= now)]
            if fresh:
                self._repeats.append((now + settings.HTTP_CACHE_BAN_REPEAT_SECONDS, fresh))
        for items in [fresh, *due] if fresh else due:
            send_ban(
                [what for kind, what in items if kind == "path"],
                [what for kind, what in items if kind == "scope"],
            )

    def flush(self) -> None:
        self._send_due(time.monotonic())
        if self._repeats:
            time.sleep(max(0.0, max(at for at, _ in self._repeats) - time.monotonic()))
            self._send_due(time.monotonic(), every_repeat=True)


_sender = _Sender()


def story_changed_receiver(sender, story: Story, change: StoryChange, **kwargs) -> None:
    if settings.HTTP_CACHE_PURGE_URLS:
        _sender.add(urls_to_purge(story), also_shown_scopes(story))
        if change.lists_left:
            # The section's and tags' pages it left showed it (and their stand-ins).
            edition = story.edition.code
            section, tags = change.lists_left["section"], change.lists_left["tags"]
            _sender.add(list_paths(edition, section, tags), stand_in_scopes(edition, section, tags))


def comments_changed_receiver(sender, story_codes: list[int], **kwargs) -> None:
    """A moderation decision changes what a story's page shows (its thread, its count)."""
    if settings.HTTP_CACHE_PURGE_URLS:
        stories = Story.objects.filter(pk__in=story_codes).select_related("edition")
        _sender.add([path for story in stories for path in article_pages(story)])


def site_pages_changed_receiver(sender, created: bool = False, **kwargs) -> None:
    """An edition, a section or a follow link saved or deleted (every page shows the
    furniture: the masthead, the footer's links), or a tag renamed or deleted in the admin (its
    name is on its pages and on every page of a story carrying it): every page the cache keeps
    goes, as the page cache's do (site.chrome). A new tag is on no page yet. After the commit:
    a cache asked at once would store the page as it was again."""
    if settings.HTTP_CACHE_PURGE_URLS and not (sender is Tag and created):
        everything = f"{reverse('site:home')}*"
        transaction.on_commit(lambda: _sender.add([everything]))


def connect() -> None:
    from dateline.comments.signals import comments_changed
    from dateline.stories.signals import story_changed

    story_changed.connect(story_changed_receiver, dispatch_uid="site.http_cache_purge")
    comments_changed.connect(comments_changed_receiver, dispatch_uid="site.http_cache_purge")
    for model in (Edition, Section, FollowLink, Tag):
        uid = f"site.http_cache_purge.{model.__name__}"
        post_save.connect(site_pages_changed_receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(site_pages_changed_receiver, sender=model, dispatch_uid=uid)
