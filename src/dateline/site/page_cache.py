"""Whole public pages, kept in the cache until something they show may have changed.

A page is stored under the current *generation*: the newest story change's sequence number and
the newest comment moderation event's (indexed `MAX(id)` reads in one query, so a change
committed by any process, even one that crashed before its signals ran, retires every cached
page at once and nothing has to be written on publish),
a token replaced whenever an edition's furniture is saved, and a digest of the code and
templates (a deployment retires the pages of the one before). Only 200 responses to GET/HEAD
are kept, for `PAGE_CACHE_SECONDS` (0 turns caching off). That time also bounds how late a
story whose embargo or publication time passes without an action shows up in lists: no change
marks that moment.
"""

import hashlib
import secrets
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse

from dateline.comments.models import ModerationEvent
from dateline.stories.models import StoryChange

FURNITURE_KEY = "site:pages:furniture"
# Query parameters only the per-request comment form reads (site/comments.py): a page is cached
# once, not once per comment a reader might reply to.
PER_READER_PARAMETERS = frozenset({"reply", "comment"})


def _code_version() -> str:
    """A digest of the code, templates and interface words that render pages: a deployment
    that changes how a page looks must not serve the pages its predecessor cached (the cache
    outlives processes), and during a rolling restart old and new processes each keep to
    their own pages."""
    package = Path(__file__).resolve().parents[1]  # dateline/
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        # .po: the interface words (their .mo is built from it and may differ by Babel version);
        # .xml: the sitemap templates.
        rendering = path.suffix in (".py", ".html", ".css", ".po", ".xml")
        if rendering and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


def current_generation() -> str:
    furniture = cache.get(FURNITURE_KEY) or retire_all_pages()
    return f"{CODE_VERSION}.{furniture}.{_last_change_ids()}"


def comment_generation() -> str:
    """What a rendered comment thread depends on besides its story: code, furniture, and the
    newest moderation event (not the newest story change: a thread outlives those)."""
    furniture = cache.get(FURNITURE_KEY) or retire_all_pages()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {ModerationEvent._meta.db_table}")  # noqa: S608
        return f"{CODE_VERSION}.{furniture}.{cursor.fetchone()[0] or 0}"


def retire_all_pages() -> str:
    """Make every cached page stale, for changes that are not story changes."""
    token = secrets.token_hex(8)
    cache.set(FURNITURE_KEY, token, timeout=None)
    return token


def _last_change_ids() -> str:
    """The newest story change and the newest comment moderation event, in one round trip: a
    page shows stories and their approved comments, and either kind of change retires it."""
    # A plain cursor: the ORM would spend more building this one-liner than the database
    # spends answering it, on the path of every cached page.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {StoryChange._meta.db_table}),"  # noqa: S608
            f" (SELECT MAX(id) FROM {ModerationEvent._meta.db_table})"
        )
        story_change, comment_event = cursor.fetchone()
        return f"{story_change or 0}.{comment_event or 0}"


def _page_key(request: HttpRequest, generation: str) -> str:
    # The host is part of the key: pages carry absolute canonical URLs.
    query = request.GET.copy()
    for name in PER_READER_PARAMETERS & query.keys():
        del query[name]
    path = request.path + (f"?{query.urlencode()}" if query else "")
    address = f"{request.scheme}://{request.get_host()}{path}"
    return f"site:page:{generation}:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = _page_key(request, current_generation())
        cached = cache.get(key)
        if cached is not None:
            content_type, content = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            if hasattr(response, "render"):
                response.render()
            # The type too: sitemaps are XML.
            cache.set(key, (response["Content-Type"], response.content), seconds)
        return response

    return cached_view
