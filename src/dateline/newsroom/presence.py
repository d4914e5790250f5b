"""Who has a story open: "Open by Sara since 09:41" on the edit screen.

Kept in Django's cache (the shared file cache embedded, Redis at scale): an entry per member
and story (name, since when, when last seen), and per story the members who came, so the
entries can be found. Opening the story and the edit screen's heartbeat refresh the member's
own entry; one not refreshed within `TTL_SECONDS` is gone (a closed tab, a lost connection).

Each member writes only their own entry, so one member's heartbeat can never bring back
another's line after they left. The list of members is read, extended and written again: two
members arriving at the same moment may drop each other from it, and each puts itself back
at the next heartbeat, so presence can lag one beat but never sticks. Leaving (the page's
`pagehide`) deletes the entry and remembers the page that left, so a heartbeat that page had
already sent, arriving after, does not bring the line back. It is a hint for people, never a
lock: saves are guarded by the story's version (EditConflict).
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from dateline.newsroom.templatetags.newsroom import member_name

TTL_SECONDS = 45
HEARTBEAT_SECONDS = 15


@dataclass(frozen=True)
class Present:
    member_id: int
    name: str
    since: datetime.datetime


def _members_key(code: int) -> str:
    return f"newsroom:presence:{code}"


def _entry_key(code: int, member_id: int) -> str:
    return f"newsroom:presence:{code}:{member_id}"


def _left_key(code: int, member_id: int) -> str:
    return f"newsroom:presence:{code}:{member_id}:left"


def touch(code: int, member, page: str = "") -> list[Present]:
    """Record that `member` has story `code` open now, in `page` (the edit screen's own id for
    itself; empty when the screen is being opened); return the others who have it open. A
    page that has left is not brought back by its own late heartbeat."""
    now = timezone.now().timestamp()
    entry_key, left_key = _entry_key(code, member.pk), _left_key(code, member.pk)
    found = cache.get_many([entry_key, left_key, _members_key(code)])
    members = found.get(_members_key(code), set())
    if page and found.get(left_key) == page:
        return _others(code, members, member.pk, now)
    mine = found.get(entry_key)
    entry = {"name": member_name(member), "since": mine["since"] if mine else now, "seen": now}
    cache.set(entry_key, entry, TTL_SECONDS)
    if left_key in found:
        cache.delete(left_key)
    if member.pk in members:
        cache.touch(_members_key(code), TTL_SECONDS)  # kept while anyone is there
    else:
        cache.set(_members_key(code), {*members, member.pk}, TTL_SECONDS)
    return _others(code, members, member.pk, now)


def leave(code: int, member, page: str = "") -> None:
    """The member closed the story in `page`: drop their line at once."""
    cache.delete(_entry_key(code, member.pk))
    if page:
        cache.set(_left_key(code, member.pk), page, TTL_SECONDS)


def others(code: int, member) -> list[Present]:
    members = cache.get(_members_key(code), set())
    return _others(code, members, member.pk, timezone.now().timestamp())


def _others(code: int, members: set[int], member_id: int, now: float) -> list[Present]:
    keys = {_entry_key(code, other): other for other in members if other != member_id}
    entries = cache.get_many(list(keys)) if keys else {}
    return sorted(
        (
            Present(
                member_id=keys[key],
                name=entry["name"],
                since=datetime.datetime.fromtimestamp(entry["since"], tz=datetime.UTC),
            )
            for key, entry in entries.items()
            if now - entry["seen"] < TTL_SECONDS
        ),
        key=lambda present: present.since,
    )
