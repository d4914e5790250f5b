"""A new-story form sent twice (Enter pressed again on a slow network, a browser sending the
request again) makes one story. The form carries a token of its own (`new_token`); the first
request to come with it and what it holds claims them in the cache, and the story it creates
is kept under them for an hour; a second, the same, finds it and is sent to that story. The
same form sent again with other text is another story. A cache that is away (Redis down)
keeps nothing: then each request creates, as before.

The same text sent again by the same member within RESENT_SECONDS, from a form with another
token, is the same story too: the back button after *Create draft* reloads the form (a new
token) and the browser fills the text back in, so a second press made a duplicate.
"""

import hashlib
import secrets
import time

from django.core.cache import cache

KEPT_SECONDS = 3600
WAIT_SECONDS = 3.0  # for the first request's story, while it is being created
RESENT_SECONDS = 600
_CREATING = 0  # the claim's value until the story's code replaces it


def new_token() -> str:
    return secrets.token_urlsafe(16)


def _digest(typed: str) -> str:
    return hashlib.sha256(typed.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _key(member, token: str, typed: str) -> str:
    return f"newsroom:new-story:{member.pk}:{token}:{_digest(typed)}"


def _text_key(member, typed: str) -> str:
    return f"newsroom:new-story-text:{member.pk}:{_digest(typed)}"


def claim(member, token: str, typed: str) -> int | None:
    """None when this request is the first with `token` and `typed` (what the form holds, as
    text) (or the form has no token, or the cache keeps nothing): create the story. Else the
    code of the story the first one created, or the story the same text made a moment ago
    from another form."""
    if resent := cache.get(_text_key(member, typed)):
        return resent
    key = _key(member, token, typed)
    if not token or cache.add(key, _CREATING, KEPT_SECONDS):
        return None
    deadline = time.monotonic() + WAIT_SECONDS
    while (code := cache.get(key)) == _CREATING and time.monotonic() < deadline:
        time.sleep(0.1)
    return code or None


def created(member, token: str, typed: str, code: int) -> None:
    if token:
        cache.set(_key(member, token, typed), code, KEPT_SECONDS)
    cache.set(_text_key(member, typed), code, RESENT_SECONDS)


def released(member, token: str, typed: str) -> None:
    """The first request created nothing (its content was refused): the form may be sent
    again, corrected."""
    if token:
        cache.delete(_key(member, token, typed))
