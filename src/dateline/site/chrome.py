"""An edition's page furniture (its sections, follow links, the other editions), cached.

Every public page needs it and it changes rarely, so it comes from the cache (files or Redis)
instead of three queries per request, read once per request; saving an edition, section or
follow link purges it. A process keeps the furniture it read last and, while the page cache's
furniture token (`page_cache.furniture_token`, replaced by every purge) still names it, uses it
again: reading the short token costs a seventh of reading and unpickling the furniture (0.012
against 0.080 ms from the file cache), and a page whose lookup in the page cache read the token
already does not read it again.
"""

import math
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from dateline.editions.models import Edition, FollowLink
from dateline.site.page_cache import furniture_read, furniture_token, retire_all_pages
from dateline.stories.models import Section, Tag

CACHE_KEY = "site:chrome:v4"
CACHE_SECONDS = 3600


@dataclass(frozen=True)
class EditionChrome:
    edition: Edition
    sections: tuple[Section, ...]
    follow_links: tuple[FollowLink, ...]
    # Which furniture this is: the furniture token it was read from the database under, so
    # what is written from it can be remembered under it (`site.masthead`).
    version: str

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)

    def with_sections(self, stories: list) -> list:
        """`stories` (of this edition, read without their sections: `Headline`s or models)
        with their sections from here, not from a join; those of a section too new for this
        furniture are read, in one query."""
        by_id = {section.pk: section for section in self.sections}
        newer = {s.section_id for s in stories if s.section_id and s.section_id not in by_id}
        if newer:
            by_id.update(Section.objects.in_bulk(newer))
        for story in stories:
            if story.section_id:
                story.section = by_id.get(story.section_id)
        return stories


@dataclass(frozen=True)
class SiteChrome:
    editions: tuple[EditionChrome, ...]
    version: str  # its editions' (`EditionChrome.version`)

    def edition(self, code: str) -> EditionChrome | None:
        return next((e for e in self.editions if e.edition.code == code), None)

    @property
    def default(self) -> EditionChrome | None:
        marked = [e for e in self.editions if e.edition.is_default]
        return (marked or list(self.editions) or [None])[0]


# The furniture read for the request being answered: a page asks for it several times (its
# view, its comment form, its edition switch), and each read from the cache unpickled it again
# (a tenth of a rendered article's time). None outside a request: a task worker reads it
# fresh every time.
_read_for_request: ContextVar[list | None] = ContextVar("site_chrome_read", default=None)


def site_chrome() -> SiteChrome:
    kept = _read_for_request.get()
    if kept:
        return kept[0]
    chrome = _cached(in_request=kept is not None)
    if kept is not None:
        kept.append(chrome)
    return chrome


# The furniture this process read from the cache last (one per process, its threads share it),
# and until when (`time.monotonic()`) a request may use it without reading the token again.
_last_read: SiteChrome | None = None
_trusted_until = -math.inf


def _cached(in_request: bool) -> SiteChrome:
    """The furniture the cache holds: the copy this process read last while the furniture
    token names it, else read again (or built, when purged) and kept.

    A request whose page lookup read no token (the page cache off, a page it does not keep)
    uses the copy read in the last `PAGE_FAST_PATH_RECHECK_MS` without asking: another
    process's change reaches it that much later at most, as a kill reaches the kept pages'
    fast path (decision 0035); a change made in this process, at once."""
    global _last_read, _trusted_until
    last = _last_read
    if in_request and furniture_read.get() is None and time.monotonic() < _trusted_until:
        return last
    version = furniture_token()
    if last is None or last.version != version:
        chrome = cache.get(CACHE_KEY)
        if chrome is None or chrome.version != version:
            chrome = _build(version)
            cache.set(CACHE_KEY, chrome, CACHE_SECONDS)
        _last_read = last = chrome
    if in_request:
        _trusted_until = time.monotonic() + settings.PAGE_FAST_PATH_RECHECK_MS / 1000
    return last


def _begin_request(**_kwargs) -> None:
    _read_for_request.set([])
    furniture_read.set(None)


def _end_request(**_kwargs) -> None:
    _read_for_request.set(None)
    furniture_read.set(None)


def _build(version: str) -> SiteChrome:
    editions = list(Edition.objects.order_by("position", "code"))
    sections = list(Section.objects.order_by("position", "name"))
    links = list(FollowLink.objects.order_by("position", "pk"))
    return SiteChrome(
        version=version,
        editions=tuple(
            EditionChrome(
                edition=edition,
                sections=tuple(s for s in sections if s.edition_id == edition.pk),
                follow_links=tuple(link for link in links if link.edition_id == edition.pk),
                version=version,
            )
            for edition in editions
        ),
    )


def purge(**_kwargs) -> None:
    _purge_now()
    # Again once the change is committed: another process may have read the furniture, as it
    # was before the change, under the token the first purge made.
    transaction.on_commit(_purge_now)


def _purge_now() -> None:
    global _trusted_until
    _trusted_until = -math.inf
    cache.delete(CACHE_KEY)
    _end_request()  # a request that saved furniture shows it as saved from here on
    retire_all_pages()  # a new furniture token: every process reads it, every cached page had it


def tag_saved(**_kwargs) -> None:
    """A tag renamed or deleted in the admin (imports and the newsroom make tags in bulk,
    sending no signal): its name is on its pages, its feeds and every story page carrying it.
    It happens rarely, so every cached page is retired, as for the furniture."""
    retire_all_pages()


def connect_signals() -> None:
    request_started.connect(_begin_request, dispatch_uid="chrome-request-started")
    request_finished.connect(_end_request, dispatch_uid="chrome-request-finished")
    for model in (Edition, Section, FollowLink):
        post_save.connect(purge, sender=model, dispatch_uid=f"chrome-save-{model.__name__}")
        post_delete.connect(purge, sender=model, dispatch_uid=f"chrome-delete-{model.__name__}")
    post_save.connect(tag_saved, sender=Tag, dispatch_uid="chrome-save-Tag")
    post_delete.connect(tag_saved, sender=Tag, dispatch_uid="chrome-delete-Tag")
