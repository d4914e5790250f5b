"""Whole public pages, kept in the cache until something they show may have changed.

A page is stored under the current *generation*, a token replaced whenever a story changes
(`story_changed`) or an edition's furniture is saved, so one write retires every cached page at
once, in every process (the cache is shared: files in embedded mode, Redis when scaled). Only
200 responses to GET/HEAD are kept, for `PAGE_CACHE_SECONDS` (0 turns caching off). That time
also bounds how late a story whose embargo or publication time passes without an action shows
up in lists: no change event marks that moment.
"""

import hashlib
import secrets
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

GENERATION_KEY = "site:pages:generation"


def current_generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = new_generation()
    return generation


def new_generation(**_signal_kwargs) -> str:
    """Retire every cached page (a signal receiver, and callable directly)."""
    generation = secrets.token_hex(8)
    cache.set(GENERATION_KEY, generation, timeout=None)
    return generation


def _page_key(request: HttpRequest, generation: str) -> str:
    # The host is part of the key: pages carry absolute canonical URLs.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"site:page:{generation}:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = _page_key(request, current_generation())
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            if hasattr(response, "render"):
                response.render()
            cache.set(key, response.content, seconds)
        return response

    return cached_view
