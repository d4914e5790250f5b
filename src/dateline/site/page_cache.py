"""Whole public pages, kept in the cache until something they show changes (decision 0032).

A page is kept with a *stamp*: the furniture token (replaced whenever an edition's furniture is
saved) and the tokens of the scopes it shows (site.invalidation: its story, its edition's
lists, its section or tag), under a key holding a digest of the code and templates (a
deployment retires the pages of the one before). Each request reads the newest story change
and moderation event ids (one indexed query: a change committed by any process is seen, signals
or not) and, in one cache read, the stamp's tokens, the ids last applied and the page; a page
is served while its stamp is the current one. A change to one story so retires only the pages
that show it.

Only 200 responses to GET/HEAD are kept, fresh for `PAGE_CACHE_SECONDS` (0 turns caching
off), then `PAGE_STALE_SECONDS` more to be served stale if the database is down. The fresh
time also bounds how late a story whose embargo or publication time passes without an action
shows up in lists: no change marks that moment. Every page kept here is answered as a shared
page: `Cache-Control: public` with the HTTP_* lifetimes, an ETag and Last-Modified, and 304
when the request's validators match.
"""

import hashlib
import secrets
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from dateline.comments.models import ModerationEvent
from dateline.discovery.models import RelatedStory
from dateline.site import invalidation
from dateline.stories.models import StoryChange

FURNITURE_KEY = "site:pages:furniture"
# Set on a request's WSGI environ when the page cache answers it (site.fast_path reads it).
KEPT_PAGE = "dateline.kept_page"
# A page's answer header naming, comma-separated, the scopes whose lists it shows besides its
# own (`also_shows`): the HTTP cache in front bans on it (site.purge, deploy/varnish.vcl.in).
ALSO_SHOWS_HEADER = "X-Also-Shows"
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
        # .po: the interface words; their .mo is built from it and may differ by Babel version,
        # so only whether it is there counts (without it, pages are in English: a .mo compiled
        # after that must not find the English pages kept). .xml: the sitemap templates.
        rendering = path.suffix in (".py", ".html", ".css", ".po", ".xml")
        if "__pycache__" in path.parts or not (rendering or path.suffix == ".mo"):
            continue
        content = path.read_bytes() if rendering else b"compiled"
        digest.update(str(path.relative_to(package)).encode() + b"\0" + content)
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


# The furniture token as this request's page lookup read it, None until then (reset as each
# request begins and ends: site.chrome): the furniture and the comment threads rendered for the
# page are read under it without asking the cache again.
furniture_read: ContextVar[str | None] = ContextVar("furniture_read", default=None)


def furniture_token() -> str:
    """The furniture's current token: as this request's page lookup read it, else from the
    cache (made, retiring every page, when the cache has none)."""
    return furniture_read.get() or cache.get(FURNITURE_KEY) or retire_all_pages()


def comment_generation() -> str:
    """What a rendered comment thread depends on besides its story: code, furniture, and the
    newest moderation event (not the newest story change: a thread outlives those)."""
    furniture = furniture_token()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {ModerationEvent._meta.db_table}")  # noqa: S608
        return f"{CODE_VERSION}.{furniture}.{cursor.fetchone()[0] or 0}"


def retire_all_pages() -> str:
    """Make every cached page stale, for changes that are not story changes."""
    token = secrets.token_hex(8)
    invalidation.write_tokens({FURNITURE_KEY: token})
    return token


def _last_change_ids() -> tuple[int, int, int]:
    """The newest story change, comment moderation event and stored Related News entry, in one
    round trip of three primary-key reads: a page shows stories, their approved comments and
    their related lists, and a change to any of them retires the pages that show it."""
    # A plain cursor: the ORM would spend more building this one-liner than the database
    # spends answering it, on the path of every cached page.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {StoryChange._meta.db_table}),"  # noqa: S608
            f" (SELECT MAX(id) FROM {ModerationEvent._meta.db_table}),"
            f" (SELECT MAX(id) FROM {RelatedStory._meta.db_table})"
        )
        return tuple(n or 0 for n in cursor.fetchone())


def page_key(request: HttpRequest) -> str:
    # The host is part of the key: pages carry absolute canonical URLs.
    query = request.GET
    if PER_READER_PARAMETERS & query.keys():  # copied only then: a copy costs a deep copy
        query = query.copy()
        for name in PER_READER_PARAMETERS & query.keys():
            del query[name]
    path = request.path + (f"?{query.urlencode()}" if query else "")
    address = f"{request.scheme}://{request.get_host()}{path}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"site:page:{CODE_VERSION}:{digest}"


@dataclass(frozen=True)
class Stored:
    """A rendered page as kept: what it is, and the tokens it is valid under."""

    content_type: str
    content: bytes
    etag: str
    last_modified: float  # a timestamp: when it was rendered
    stamp: tuple
    fresh_until: float  # a timestamp; kept longer than that only to be served stale
    scope_keys: tuple[str, ...] | None  # the tokens in the stamp; None: every change
    also_shows: tuple[str, ...] = ()  # scopes shown besides the view's own (`also_shows`)

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, content_type=self.content_type)
        if self.also_shows:
            response.headers[ALSO_SHOWS_HEADER] = ",".join(self.also_shows)
        return response


@dataclass
class Lookup:
    """What the page cache knows of a request: the entry found (fresh or not), the stamp a
    page rendered now would be kept under, None when caching is off or the cache is down."""

    key: str | None = None
    stamp: tuple | None = None
    found: Stored | None = None
    scope_keys: tuple[str, ...] | None = None  # the scope tokens in the stamp; None: every change
    found_stamp: tuple | None = None  # the stamp `found` must have now (its scopes may be more)
    also_shows: tuple[str, ...] = ()

    @property
    def fresh(self) -> Stored | None:
        found = self.found
        current = found is not None and found.stamp == self.found_stamp
        if current and time.time() < found.fresh_until:
            return found
        return None

    def add_scopes(self, scopes: list[str]) -> None:
        """The page being rendered shows these scopes' stories too: keep it under their tokens
        as they are now, read before the page reads those stories (a change applied between
        the two then retires the page, as for the view's own scopes)."""
        new = tuple(s for s in dict.fromkeys(scopes) if s not in self.also_shows)
        self.also_shows += new  # for the HTTP cache in front, kept or not here
        if self.key is None or self.scope_keys is None:
            return  # nothing kept, or retired by every change anyway
        keys = tuple(invalidation.scope_key(s) for s in new)
        keys = tuple(key for key in keys if key not in self.scope_keys)
        tokens = cache.get_many(keys)
        furniture, own = self.stamp
        self.stamp = (furniture, own + tuple(tokens.get(k) for k in keys))
        self.scope_keys += keys


def look_up(request: HttpRequest, scopes: list[str] | None) -> Lookup:
    """Find the page for `request` and the stamp to keep a new one under: one database read
    (the newest change ids) and, unless something changed since, one cache read.

    `scopes` (site.invalidation) are what the page shows; None: it may show anything, and any
    change retires it. If the database cannot be reached, the entry found is returned for
    `serve_stale`, and the error raised."""
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return Lookup()
    key = page_key(request)
    scope_keys = [invalidation.scope_key(scope) for scope in scopes or ()]
    try:
        newest = _last_change_ids()
    except DatabaseError:
        request.stale_page = cache.get(key)
        raise
    names = [FURNITURE_KEY, invalidation.APPLIED_KEY, *scope_keys, key]
    found = cache.get_many(names)
    if found.get(invalidation.APPLIED_KEY) != newest:
        invalidation.bring_up_to_date(found.get(invalidation.APPLIED_KEY), newest)
        found = cache.get_many(names)
        if found.get(invalidation.APPLIED_KEY) != newest:
            return Lookup()  # the cache keeps nothing (down, or full): render, keep nothing
    if found.get(FURNITURE_KEY) is None:
        found[FURNITURE_KEY] = retire_all_pages()
    furniture_read.set(found[FURNITURE_KEY])
    kept_scopes = None if scopes is None else tuple(scope_keys)
    stamp = _stamp(found, newest, kept_scopes)
    page, found_stamp = found.get(key), stamp
    if isinstance(page, Stored) and page.scope_keys != kept_scopes:
        # Kept with scopes of its own besides the view's (`Lookup.add_scopes`): their tokens too.
        found.update(cache.get_many([k for k in page.scope_keys or () if k not in found]))
        found_stamp = _stamp(found, newest, page.scope_keys)
    return Lookup(
        key=key,
        stamp=stamp,
        found=page,
        scope_keys=kept_scopes,
        found_stamp=found_stamp,
    )


def confirm_stamp(
    stamp: tuple, scope_keys: tuple[str, ...] | None, confirmed: tuple | None
) -> tuple | None:
    """Whether a page kept under `stamp` (of these scopes) may be served now, without applying
    changes: the change ids and pages' generation it was found valid under (`confirmed`
    next time), or None (not valid, changes not applied yet, a token gone). While the ids
    and the generation are those of `confirmed`, no token can have changed: one cache read
    then, not one per token. Raises DatabaseError when the database cannot be reached."""
    newest = _last_change_ids()
    if confirmed is not None and confirmed[0] == newest:
        generation = cache.get(invalidation.GENERATION_KEY)
        if generation is not None and generation == confirmed[1]:
            return confirmed
    # The generation first: it is written after the tokens it covers.
    names = [invalidation.GENERATION_KEY, FURNITURE_KEY, invalidation.APPLIED_KEY]
    found = cache.get_many([*names, *(scope_keys or ())])
    if found.get(invalidation.APPLIED_KEY) != newest or found.get(FURNITURE_KEY) is None:
        return None
    if _stamp(found, newest, scope_keys) != stamp:
        return None
    generation = found.get(invalidation.GENERATION_KEY)
    if generation is None:  # none written yet (a cache filled by an older version)
        # Only if still none: one written since may cover tokens newer than those read.
        token = secrets.token_hex(8)
        generation = token if cache.add(invalidation.GENERATION_KEY, token, None) else None
    return newest, generation


def _stamp(found: dict, newest: tuple, scope_keys: tuple[str, ...] | None) -> tuple:
    """A page's stamp: the furniture token and the tokens of what it shows (every change's ids
    when it may show anything). A page is valid while its stamp is the current one."""
    tokens = newest if scope_keys is None else tuple(found.get(k) for k in scope_keys)
    return (found[FURNITURE_KEY], tokens)


def keep(lookup: Lookup, response: HttpResponse, last_modified: float | None = None) -> Stored:
    """Store a rendered 200 under the lookup's stamp (when there is one) and return it.
    `last_modified`: when what it shows last changed, if known (else now)."""
    content = response.content
    seconds = settings.PAGE_CACHE_SECONDS
    now = time.time()
    stored = Stored(
        content_type=response["Content-Type"],  # the type too: sitemaps are XML
        content=content,
        etag=etag_of(content),
        last_modified=now if last_modified is None else last_modified,
        stamp=lookup.stamp,
        fresh_until=now + seconds,
        scope_keys=lookup.scope_keys,
        also_shows=lookup.also_shows,
    )
    if lookup.key is not None:
        cache.set(lookup.key, stored, seconds + settings.PAGE_STALE_SECONDS)
    return stored


def serve_stale(request: HttpRequest) -> HttpResponse | None:
    """The page kept for `request`, however old, when the database is down (the middleware
    calls it before answering 503)."""
    stored = getattr(request, "stale_page", None)
    if not isinstance(stored, Stored):
        return None
    response = stored.response()
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    response.headers["ETag"] = stored.etag
    return response


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def shared_headers(response: HttpResponse) -> None:
    """The headers of a page every reader gets alike: browsers keep it `HTTP_MAX_AGE` seconds,
    shared caches `HTTP_SHARED_MAX_AGE` (they are purged when what it shows changes) and may
    serve it stale while they fetch it again."""
    response.headers["Cache-Control"] = (
        f"public, max-age={settings.HTTP_MAX_AGE}, s-maxage={settings.HTTP_SHARED_MAX_AGE},"
        f" stale-while-revalidate={settings.HTTP_STALE_WHILE_REVALIDATE},"
        f" stale-if-error={settings.HTTP_STALE_IF_ERROR}"
    )
    patch_vary_headers(response, ["Accept-Encoding"])


def answer(request: HttpRequest, stored: Stored) -> HttpResponse:
    """The stored page as a response with its validators, or 304 when the request's match."""
    response = (
        get_conditional_response(request, etag=stored.etag, last_modified=int(stored.last_modified))
        or stored.response()
    )
    response.headers["ETag"] = stored.etag
    response.headers["Last-Modified"] = http_date(stored.last_modified)
    shared_headers(response)
    return response


def with_own_headers(answered: HttpResponse, rendered: HttpResponse) -> HttpResponse:
    """`answered` (the kept page, or a 304 for it) with the headers the view set on `rendered`
    itself (X-Robots-Tag, X-Also-Shows): a 304 stands for the page, and a cache in front takes
    the stored page's new headers from it. Not the content's (type, length), which a 304 has
    none of."""
    for header, value in rendered.items():
        content = header.lower().startswith("content-")
        if header not in answered and not (content and answered.status_code == 304):
            answered[header] = value
    return answered


def cached_page(view=None, *, scopes: Callable[..., list[str]] | None = None):
    """Keep the view's 200 answers (to GET and HEAD) whole, and answer as a shared page with
    validators. `scopes(**view_kwargs)`: what the page shows (site.invalidation); without it
    any story change retires the page."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            lookup = look_up(request, None if scopes is None else scopes(**kwargs))
            if lookup.fresh is not None:
                # For the WSGI layer in front (site.fast_path), which may answer the next
                # identical request itself while this stamp holds.
                request.environ[KEPT_PAGE] = lookup.fresh
                return answer(request, lookup.fresh)
            request.page_lookup = lookup  # for `also_shows`
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
            except DatabaseError:
                request.stale_page = lookup.found  # lost mid-page: the kept one, if any
                raise
            if response.status_code != 200 or request.method not in ("GET", "HEAD"):
                return response
            return with_own_headers(answer(request, keep(lookup, response)), response)

        return cached_view

    return decorate(view) if view is not None else decorate


def also_shows(request: HttpRequest, scopes: list[str]) -> None:
    """Say, before reading them, that the page being rendered shows stories of these scopes
    besides its own (an article's stand-in Related News shows its section's and tags'
    newest): a change to one of them retires the kept page, and bans it from the HTTP cache
    in front (its `X-Also-Shows` header). Nothing for a view `cached_page` does not wrap."""
    lookup = getattr(request, "page_lookup", None)
    if lookup is not None:
        lookup.add_scopes(scopes)


def shared_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a page every reader gets alike but not kept whole (search): the shared headers and
    an ETag of its content, answered 304 when it matches."""

    @wraps(view)
    def shared_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or request.method not in ("GET", "HEAD"):
            return response
        if hasattr(response, "render"):
            response.render()
        etag = etag_of(response.content)
        if (not_modified := get_conditional_response(request, etag=etag)) is not None:
            response = with_own_headers(not_modified, response)
        response.headers["ETag"] = etag
        shared_headers(response)
        return response

    return shared_view
