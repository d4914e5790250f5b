"""Kept pages answered before Django's middleware and URLs: a WSGI layer around the site
(decision 0035, `dateline.config.wsgi`).

A page-cache hit through Django costs several times Python's floor, most of it not the page: twelve
middlewares, URL resolution, reading the page back from the cache and unpickling it, building the
response. This layer keeps, in each process, the answers Django gave to page-cache hits
(`Remembered`: status, headers, the kept page's bytes, the stamp it was kept under), by the
request's address as it arrived (scheme, host, path, query: no request object and no page key to
build on a hit), and answers the next identical request itself, after the same validity check the
page cache makes (site.page_cache.confirm_stamp): the newest change ids from the database (one
query: a change committed by any process is seen), then the furniture token, the ids last applied
and the page's scope tokens from the shared cache, or only the pages' generation while the ids are
those the page was last found valid under. A page is served only while that stamp is the one it was
kept under and its fresh time has not passed; anything else goes to Django. That check is read
at most once per `PAGE_FAST_PATH_RECHECK_MS` for pages found valid under the ids the last read
saw (`FastPageApplication._still_valid`): another process's change reaches them that much later
at most.

Only requests every reader gets alike take this path: GET, no cookie at all (a session, a
signed-in member), no Authorization, no validators or Range (Django answers 304s and ranges),
no ESI capability (the shared article carries an include), none of the per-reader parameters
the comment form reads. A remembered answer comes only from such a request's Django answer
that was a page-cache hit, a 200 without Set-Cookie; an article whose comment form Django
filled per reader is remembered without the form, which the same function as Django's
(`site.comments.comment_form_html`) draws once, as every request that takes this path gets it
(nothing typed, no reply, no notice); each answer then gets a form token of its own.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError
from django.http import QueryDict

from dateline.site.comments import FORM_FILLED, FormAround, form_around_token
from dateline.site.page_cache import (
    KEPT_PAGE,
    PER_READER_PARAMETERS,
    Stored,
    confirm_stamp,
)

# What Django's answer to the request depends on besides the URL, and this layer does not look
# at: any of these sends the request to Django.
DECLINED_HEADERS = (
    "HTTP_COOKIE",
    "HTTP_AUTHORIZATION",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_RANGE",
    "HTTP_SURROGATE_CAPABILITY",
)

# The parts of a request's environ its page key is made of (with the proxy's scheme header,
# when the settings name one).
ADDRESS_PARTS = (
    "wsgi.url_scheme",
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
)


@dataclass
class Remembered:
    """Django's answer to a page-cache hit, as sent, and what it is valid under."""

    status: str
    headers: tuple[tuple[str, str], ...]  # Content-Length set again for each answer
    content: bytes  # the kept page: with its form slot when `form` is set
    stamp: tuple
    fresh_until: float
    scope_keys: tuple[str, ...] | None  # None: the page depends on every change
    form: str | None  # the edition, when each reader gets the comment form filled in
    # The change ids and pages' generation under which `stamp` was last found current
    # (page_cache.confirm_stamp); replaced whole, so threads see one or the other.
    confirmed: tuple | None = None
    # With `form`: the page with the form every request of this entry gets, around its token.
    form_around: FormAround | None = None


class FastPageApplication:
    """WSGI: answer remembered page-cache hits; hand every other request to `application`."""

    def __init__(self, application: Callable, entries: int | None = None) -> None:
        self.application = application
        self.entries = settings.PAGE_FAST_PATH_ENTRIES if entries is None else entries
        self.remembered: OrderedDict[tuple, Remembered] = OrderedDict()  # by `_address`
        self.lock = threading.Lock()
        self.recheck_seconds = settings.PAGE_FAST_PATH_RECHECK_MS / 1000
        # The change ids and pages' generation the last check read, and when (monotonic):
        # replaced whole, so threads see one or the other.
        self.last_read: tuple[tuple | None, float] = (None, 0.0)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not self.entries or not _alike_for_every_reader(environ):
            return self.application(environ, start_response)
        # Kept by the request's address as it arrived: the page key (`page_key`) is what that
        # address means to Django, worked out once, when the answer was remembered.
        address = _address(environ)
        with self.lock:
            remembered = self.remembered.get(address)
            if remembered is not None:
                self.remembered.move_to_end(address)
        if remembered is not None:
            # No request_started: its receivers reset the debug query log and check the
            # database connections, which request_finished (sent as the answer closes, when
            # the check read the database) also does; it would cost a tenth of a hit.
            answered = self._answer(environ, remembered, start_response)
            if answered is not None:
                return answered
            signals.request_finished.send(sender=self.__class__)
        elif not _may_be_remembered(environ):
            return self.application(environ, start_response)
        return self._through_django(address, environ, start_response)

    def _answer(self, environ: dict, remembered: Remembered, start_response):
        valid, read = self._still_valid(remembered)
        if not valid:
            return None
        content = remembered.content
        if remembered.form is not None:
            around = remembered.form_around
            if around is None:  # the form drawn once; each answer gets its own token
                around = form_around_token(WSGIRequest(environ), remembered.form, content)
                if around is None:
                    return None
                remembered.form_around = around
            content = around.with_token()
        length = str(len(content))
        headers = [
            (name, length if name == "Content-Length" else value)
            for name, value in remembered.headers
        ]
        start_response(remembered.status, headers)
        # request_finished closes what the check used; a check that read nothing used nothing.
        return _Body([content]) if read else [content]

    def _still_valid(self, remembered: Remembered) -> tuple[bool, bool]:
        """The page cache's rule: fresh, and kept under the stamp it would be kept under now;
        and whether that was read (the database, the cache) for this answer. Known without
        reading while the page was found valid under the ids and generation the last check
        read, less than `recheck_seconds` ago: a change committed since then is seen that much
        later at most. Unsure (the database or the cache unreachable, changes not applied
        yet): not valid, and Django decides."""
        if time.time() >= remembered.fresh_until:
            return False, False
        last, read_at = self.last_read
        now = time.monotonic()
        known = remembered.confirmed is not None and remembered.confirmed == last
        if known and now - read_at < self.recheck_seconds:
            return True, False
        try:
            confirmed = confirm_stamp(remembered.stamp, remembered.scope_keys, remembered.confirmed)
        except DatabaseError:
            return False, True
        remembered.confirmed = confirmed
        if confirmed is not None:
            self.last_read = (confirmed, now)
        return confirmed is not None, True

    def _through_django(self, key: tuple, environ: dict, start_response: Callable):
        answer: dict = {}

        def remembering_start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers
            return (
                start_response(status, headers, exc_info)
                if exc_info
                else start_response(status, headers)
            )

        body = self.application(environ, remembering_start_response)
        remembered = _remembered(environ, answer, body)
        if remembered is not None:
            with self.lock:
                self.remembered[key] = remembered
                self.remembered.move_to_end(key)
                while len(self.remembered) > self.entries:
                    self.remembered.popitem(last=False)
        return body


class _Body(list):
    """The answer's one chunk; closed by the server after sending, as Django's responses are."""

    def close(self) -> None:
        signals.request_finished.send(sender=FastPageApplication)


def _alike_for_every_reader(environ: dict) -> bool:
    if environ.get("REQUEST_METHOD") != "GET" or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    return not any(name in environ for name in DECLINED_HEADERS)


def _address(environ: dict) -> tuple:
    """What `page_key` reads of a request, as it arrived: scheme, host (as sent or as a proxy
    forwarded it), path and query."""
    proxied_scheme = settings.SECURE_PROXY_SSL_HEADER
    return (
        *(environ.get(name) for name in ADDRESS_PARTS),
        environ.get(proxied_scheme[0]) if proxied_scheme else None,
    )


def _may_be_remembered(environ: dict) -> bool:
    """Whether Django's answer to this address may be kept for every reader: none of the
    parameters that fill the comment form in for one reader. (A host Django refuses needs no
    check here: its 400 is never remembered, `_remembered` keeps only page-cache hits.)"""
    return not PER_READER_PARAMETERS & QueryDict(environ.get("QUERY_STRING", "")).keys()


def _remembered(environ: dict, answer: dict, body) -> Remembered | None:
    """What to remember of Django's answer: only a page-cache hit's 200, with no cookie set,
    whose body is the kept page (or the kept page with this reader's form filled in)."""
    stored = environ.get(KEPT_PAGE)
    if not isinstance(stored, Stored) or not answer.get("status", "").startswith("200 "):
        return None
    headers = answer["headers"]
    if any(name.lower() == "set-cookie" for name, _value in headers):
        return None
    form = environ.get(FORM_FILLED)
    if form is None and getattr(body, "content", None) != stored.content:
        return None
    return Remembered(
        status=answer["status"],
        headers=tuple(headers),
        content=stored.content,
        stamp=stored.stamp,
        fresh_until=stored.fresh_until,
        scope_keys=stored.scope_keys,
        form=form,
    )
