"""API keys and webhook secrets: made at random, shown once, kept as a keyed hash (the key)
or as they are (the signing secret, which must sign). Decision 0024 says why a keyed hash."""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

KEY_MARK = "dlw"  # Dateline wire: tells a leaked key for what it is (secret scanners)


def new_api_key() -> tuple[str, str]:
    """(the key to give out, its prefix): `dlw_<prefix>_<secret>`; the prefix finds the row."""
    prefix = secrets.token_hex(6)
    return f"{KEY_MARK}_{prefix}_{secrets.token_urlsafe(32)}", prefix


def prefix_of(key: str) -> str | None:
    mark, _, rest = key.partition("_")
    prefix, _, secret = rest.partition("_")
    if mark != KEY_MARK or len(prefix) != 12 or not secret:
        return None
    return prefix


def key_hash(key: str) -> str:
    """HMAC-SHA256 of the key under a key derived from SECRET_KEY."""
    pepper = hashlib.sha256(f"dateline.wire.api-key:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(pepper, key.encode(), hashlib.sha256).hexdigest()


def matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(key_hash(key), stored_hash)


def new_webhook_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
