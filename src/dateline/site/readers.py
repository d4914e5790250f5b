"""Readers' requests answered without the middleware only members' requests need (decision
0061).

A reader of the public site has no session, no sign-in, no messages and no form that Django's
CSRF check guards (the comment form has its own check: decision 0034), yet Django's handler ran
the session, CSRF, authentication, messages and sign-in throttling middleware for each of their
requests: a twentieth of a rendered article. `ReaderHandler` is Django's handler without them,
and `by_who_asks` sends it the requests that can only be a reader's: GET or HEAD, no cookie
and no Authorization (nobody signed in), for an address of the public site (none of the other
addresses the URL configuration names: the newsroom, its admin, the API). Anything else, and
so every member's request, goes through Django's whole chain.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

# What only a member's request needs: a session, a signed-in user, messages, the CSRF check of
# a form, sign-in throttling.
MEMBER_MIDDLEWARE = frozenset(
    {
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "axes.middleware.AxesMiddleware",
    }
)
SITE_NAMESPACE = "site"


class ReaderHandler(WSGIHandler):
    """Django's WSGI handler with `settings.MIDDLEWARE` but the members' middleware."""

    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds the chain from the setting alone; it is given the readers' list for
        # that moment only (at import, before any request).
        every = settings.MIDDLEWARE
        settings.MIDDLEWARE = [path for path in every if path not in MEMBER_MIDDLEWARE]
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = every


def members_addresses() -> tuple[str, ...]:
    """The beginnings of the addresses the URL configuration gives anything but the public
    site (`/newsroom/`, `/api/v1/`). Each must be written out (no converter, no regular
    expression): a pattern that could match any beginning could take a reader's address."""
    beginnings = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == SITE_NAMESPACE:
            continue
        pattern = entry.pattern
        route = str(pattern)
        if not isinstance(pattern, RoutePattern) or "<" in route:
            raise ImproperlyConfigured(
                f"The URL pattern {route!r} is outside the public site ({SITE_NAMESPACE!r}) and "
                "not a plain route: readers' requests cannot be told from members' "
                "(dateline.site.readers)"
            )
        beginnings.append("/" + route)
    return tuple(beginnings)


def by_who_asks(reader: Callable, member: Callable) -> Callable:
    """WSGI: a request that can only be a reader's to `reader`, any other to `member`."""
    members = members_addresses()

    def answer(environ: dict, start_response: Callable) -> Iterable[bytes]:
        only_a_reader = (
            environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and "HTTP_COOKIE" not in environ
            and "HTTP_AUTHORIZATION" not in environ
            and not environ.get("PATH_INFO", "").startswith(members)
        )
        return (reader if only_a_reader else member)(environ, start_response)

    return answer
