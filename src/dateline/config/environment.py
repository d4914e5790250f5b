"""Reading Dateline's environment variables: the only switch between embedded and scaled."""

import os
import re
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def var_dir(name: str, default: Path) -> Path:
    """The directory for the embedded form's files (the SQLite database, the secret key, the
    file cache, the collected static files), made if missing."""
    path = Path(os.environ.get(name) or default)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(
            f"{name}={str(path)!r}: cannot be made a directory ({error.strerror})"
        ) from None
    return path


def flag(name: str, default: bool = False) -> bool:
    """A boolean variable; anything but a recognised yes/no word is a configuration error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def integer(name: str, default: int, least: int | None = None, most: int | None = None) -> int:
    """A whole number; `least` and `most`, when given, the smallest and the largest that make
    sense (no negative lifetime, no server without workers, no port above 65535)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None
    if least is not None and value < least:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number, {least} or more")
    if most is not None and value > most:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number, {most} or less")
    return value


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def log_level(name: str, default: str) -> str:
    """One of Python's logging levels, in any case ("debug" is DEBUG)."""
    raw = os.environ.get(name, default)
    if raw.strip().upper() not in LOG_LEVELS:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected one of {', '.join(LOG_LEVELS)}")
    return raw.strip().upper()


def database(name: str, default: str, **options) -> dict:
    """A database URL (postgres://… or sqlite:///…) as Django's settings take it."""
    import dj_database_url

    raw = os.environ.get(name) or default
    try:
        return dj_database_url.parse(raw, **options)
    except (ValueError, dj_database_url.UnknownSchemeError):
        raise ImproperlyConfigured(
            f"{name}={raw!r}: expected a database URL such as "
            "postgres://user:password@host:5432/name or sqlite:////path/to/file.sqlite3"
        ) from None


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def redis_url(name: str) -> str:
    """A Redis URL (redis://host:6379/0, rediss://…, unix://…), or "" for none."""
    raw = os.environ.get(name, "").strip()
    if raw and not raw.startswith(REDIS_SCHEMES):
        raise ImproperlyConfigured(
            f"{name}={raw!r}: expected a Redis URL such as redis://127.0.0.1:6379/0"
        )
    return raw


def words(name: str, default: list[str]) -> list[str]:
    """A comma-separated list, e.g. DATELINE_ALLOWED_HOSTS=news.example.org,www.news.example.org."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


RATE_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"(\d+)/(\d*)(s|min|m|h|d)")


def rates(name: str, default: str) -> list[tuple[int, int]]:
    """Rate limits as (count, seconds) pairs from e.g. "1/15s,5/min": at most 1 in 15 seconds
    and 5 a minute. Each must be COUNT/[N]UNIT with a count and N of 1 or more."""
    raw = os.environ.get(name, default)
    limits = []
    for rule in raw.split(","):
        match = _RATE.fullmatch(rule.strip())
        count, multiple = (int(match[1]), int(match[2] or 1)) if match else (0, 0)
        if not match or count < 1 or multiple < 1:
            raise ImproperlyConfigured(
                f"{name}={raw!r}: {rule.strip()!r} is not a rate such as 5/min or 1/15s "
                "(COUNT/[N]UNIT, unit one of s, min, m, h, d)"
            )
        limits.append((count, multiple * RATE_UNITS[match[3]]))
    return limits


DELAY_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DELAY = re.compile(r"(\d{1,6})(s|m|h|d)")


def delays(name: str, default: str) -> list[int]:
    """Waits in seconds from e.g. "5s,30s,2m,10m,1h": each a whole number and a unit (s, m, h,
    d), at least one."""
    raw = os.environ.get(name, default)
    waits = []
    for delay in raw.split(","):
        match = _DELAY.fullmatch(delay.strip())
        if match is None:
            raise ImproperlyConfigured(
                f"{name}={raw!r}: {delay.strip()!r} is not a delay such as 5s, 2m or 1h "
                "(a whole number and a unit: s, m, h, d), e.g. 5s,30s,2m,10m,1h"
            )
        waits.append(int(match[1]) * DELAY_UNITS[match[2]])
    return waits


def kept_secret_key(var_dir: Path) -> str:
    """The embedded mode's secret key: generated once, then kept in var/secret_key (mode 0600)."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    # O_EXCL: two processes starting together must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
