"""A new-story form sent twice (Enter pressed again on a slow network, a browser sending the
request again) makes one story. The form carries a token of its own (`new_token`); the first
request to come with it claims it in the cache, and the story it creates is kept under it for
an hour; a second finds it and is sent to that story. A cache that is away (Redis down) keeps
nothing: then each request creates, as before.
"""

import secrets
import time

from django.core.cache import cache

KEPT_SECONDS = 3600
WAIT_SECONDS = 3.0  # for the first request's story, while it is being created
_CREATING = 0  # the claim's value until the story's code replaces it


def new_token() -> str:
    return secrets.token_urlsafe(16)


def _key(member, token: str) -> str:
    return f"newsroom:new-story:{member.pk}:{token}"


def claim(member, token: str) -> int | None:
    """None when this request is the first with `token` (or the form has none, or the cache
    keeps nothing): create the story. Else the code of the story the first one created."""
    if not token or cache.add(_key(member, token), _CREATING, KEPT_SECONDS):
        return None
    deadline = time.monotonic() + WAIT_SECONDS
    while (code := cache.get(_key(member, token))) == _CREATING and time.monotonic() < deadline:
        time.sleep(0.1)
    return code or None


def created(member, token: str, code: int) -> None:
    if token:
        cache.set(_key(member, token), code, KEPT_SECONDS)


def released(member, token: str) -> None:
    """The first request created nothing (its content was refused): the form may be sent
    again, corrected."""
    if token:
        cache.delete(_key(member, token))
