"""Who has a story open: "Open by Sara since 09:41" on the edit screen.

Kept in Django's cache (the shared file cache embedded, Redis at scale), one entry per story
holding each member's name, since when and when last seen. Opening the story and the edit
screen's heartbeat refresh the member's line; a line not refreshed within `TTL_SECONDS` is
gone (a closed tab, a lost connection), and so is the whole entry when nobody refreshes it.
Two heartbeats at the same moment may each write over the other's line: the next heartbeat
puts it back, so presence can lag one beat but never sticks. It is a hint for people, never a
lock: saves are guarded by the story's version (EditConflict).
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

TTL_SECONDS = 45
HEARTBEAT_SECONDS = 15


@dataclass(frozen=True)
class Present:
    member_id: int
    name: str
    since: datetime.datetime


def _key(code: int) -> str:
    return f"newsroom:presence:{code}"


def _live(entry: dict, now: float) -> dict:
    return {
        member: line for member, line in (entry or {}).items() if now - line["seen"] < TTL_SECONDS
    }


def display_name(member) -> str:
    return member.byline or member.get_full_name() or member.get_username()


def touch(code: int, member) -> list[Present]:
    """Record that `member` has story `code` open now; return the others who have it open."""
    now = timezone.now()
    lines = _live(cache.get(_key(code)), now.timestamp())
    mine = lines.get(member.pk)
    lines[member.pk] = {
        "name": display_name(member),
        "since": mine["since"] if mine else now.timestamp(),
        "seen": now.timestamp(),
    }
    cache.set(_key(code), lines, TTL_SECONDS)
    return _others(lines, member.pk)


def leave(code: int, member) -> None:
    """The member closed the story (the page's `pagehide`): drop their line at once."""
    lines = _live(cache.get(_key(code)), timezone.now().timestamp())
    if lines.pop(member.pk, None) is not None:
        cache.set(_key(code), lines, TTL_SECONDS)


def others(code: int, member) -> list[Present]:
    return _others(_live(cache.get(_key(code)), timezone.now().timestamp()), member.pk)


def _others(lines: dict, member_id: int) -> list[Present]:
    return sorted(
        (
            Present(
                member_id=member,
                name=line["name"],
                since=datetime.datetime.fromtimestamp(line["since"], tz=datetime.UTC),
            )
            for member, line in lines.items()
            if member != member_id
        ),
        key=lambda present: present.since,
    )
