"""What stands between a comment form and a bot: the signed form token (minimum time, which
story and version), keyed hashes of addresses and emails, and rate limits in the shared cache.
"""

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from dateline.accounts.throttling import client_address

TOKEN_SALT = "dateline.comments.form"  # noqa: S105  (a signing salt, not a secret)
TOKEN_MAX_AGE = 24 * 3600  # a form left open longer than a day must be reloaded


def keyed_hash(kind: str, value: str) -> str:
    """An HMAC of `value` under a key derived from SECRET_KEY: equal inputs match (bans, rate
    limits, duplicates), but the stored hash does not give the address or email back."""
    key = hashlib.sha256(f"dateline.comments.{kind}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def address_hash(request: HttpRequest) -> str:
    return keyed_hash("address", client_address(request) or "unknown")


def email_hash(email: str) -> str:
    return keyed_hash("email", email.strip().casefold())


def text_hash(normalised_text: str) -> str:
    return hashlib.sha256(normalised_text.encode()).hexdigest()


# --- The form token -----------------------------------------------------------------------------
@dataclass(frozen=True)
class FormToken:
    story: int
    version: int
    shown_at: float


class TokenRefused(Exception):
    """The form token is missing, forged, expired, for another story, or sent too soon."""


def issue_token(story_code: int, version: int, now: float | None = None) -> str:
    """Signed, so a client cannot move the time it was shown or point it at another story:
    `code.version.time:signature`. Django's `Signer` makes one HMAC of the plain text, a third
    of what `signing.dumps` spends (JSON, base64, a timestamp of its own), and every reader's
    copy of an article page gets a token of its own."""
    shown = round(now if now is not None else time.time(), 3)
    return signing.Signer(salt=TOKEN_SALT).sign(f"{story_code}.{version}.{shown:.3f}")


def read_token(token: str, story_code: int, now: float | None = None) -> FormToken:
    now = now if now is not None else time.time()
    try:
        story, version, shown = signing.Signer(salt=TOKEN_SALT).unsign(token).split(".", 2)
        story, version, shown = int(story), int(version), float(shown)
    except (signing.BadSignature, ValueError, TypeError):
        raise TokenRefused(
            _("This form could not be checked. Reload the page and try again.")
        ) from None
    if now - shown > TOKEN_MAX_AGE:
        raise TokenRefused(_("This form has expired. Reload the page and send your comment again."))
    if story != story_code:
        raise TokenRefused(_("This form belongs to another story. Reload the page and try again."))
    if now - shown < settings.COMMENT_MIN_SECONDS:
        raise TokenRefused(
            _(
                "That was quicker than anyone can read and write."
                " Wait a few seconds and send it again."
            )
        )
    return FormToken(story, version, shown)


# --- Rate limits ---------------------------------------------------------------------------------
def seconds_over_rate(request: HttpRequest, address: str, email: str) -> int:
    """Count this post against its address and its email. 0 if both are within every limit
    of COMMENT_RATE; else how many seconds until the last limit exceeded lets them post again
    (the limits are fixed windows). The counts live in the `limits` cache (Redis with
    REDIS_URL), so they hold across web processes."""
    wait = 0
    for count, seconds in settings.COMMENT_RATE:
        for who, key in (("address", address), ("email", email)):
            usage = get_usage(
                request,
                group=f"comments:{who}:{count}/{seconds}",
                key=lambda _group, _request, key=key: key,
                rate=(count, seconds),
                method=["POST"],
                increment=True,
            )
            if usage and usage["should_limit"]:
                # The window ends on a whole second that `time_left` counts to from the whole
                # second now began: one more second is always enough, one less may not be.
                wait = max(wait, usage["time_left"] + 1)
    return wait
