"""Adding, revoking and rotating subscribers: the one place the newsroom screen and
`dateline subscribers` both call. A key is returned once and never stored."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from dateline.copy.characters import printable_name
from dateline.editions.models import Edition
from dateline.stories.models import Section, Tag
from dateline.stories.tagging import tag_slug, tags_for
from dateline.wire import keys, webhooks
from dateline.wire.models import Subscriber


class Refused(Exception):
    """A change that cannot be made; the message says why, for a person to read."""


@dataclass(frozen=True)
class Issued:
    """A subscriber and the secrets to hand over once."""

    subscriber: Subscriber
    api_key: str
    webhook_secret: str


def _editions(codes: Iterable[str]) -> list[Edition]:
    codes = sorted({code.strip() for code in codes if code.strip()})
    found = list(Edition.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {edition.code for edition in found})
    if unknown:
        raise Refused(f"no such edition: {', '.join(unknown)}")
    return found


class UnknownTags(Refused):
    """Tags no story has carried yet (so no tag of that name exists)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(f"no such tag: {', '.join(names)[:200]} (no story has carried it yet)")


def _tags(slugs: Iterable[str]) -> tuple[list[Tag], list[str]]:
    """The tags of these slugs, each as given or in any spelling that folds to it ("اوپك" is
    "اوپک": `tag_slug`), and what was given for those no tag has."""
    given = {slug.strip(): tag_slug(slug) for slug in slugs if slug.strip()}
    found = list(Tag.objects.filter(slug__in=set(given.values())))
    have = {tag.slug for tag in found}
    return found, sorted(slug for slug, folded in given.items() if folded not in have)


def check_webhook(url: str) -> str:
    url = url.strip()
    most = Subscriber._meta.get_field("webhook_url").max_length
    if len(url) > most:  # PostgreSQL would refuse it with a database error
        raise Refused(f"a webhook address is at most {most} characters; this one has {len(url):,}")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise Refused(f"{url[:200]!r} is not an http(s) address") from None
        try:
            webhooks.resolve(url)
        except webhooks.Refused as refused:
            raise Refused(str(refused)) from None
    return url


RATE = re.compile(r"([1-9][0-9]{0,6})/([1-9][0-9]{0,4})?([smhd])")
PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/m' -> (600, 60), '10/5s' -> (10, 5): requests, and the period in seconds."""
    match = RATE.fullmatch(rate.strip())
    if match is None:
        raise Refused(f"{rate[:40]!r} is not a rate such as 600/m, 10/s or 100/5m")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * PERIOD_SECONDS[unit]


def check_rate(rate: str) -> str:
    parse_rate(rate)
    return rate.strip()


def add_subscriber(
    name: str,
    *,
    editions: Iterable[str] = (),
    webhook_url: str = "",
    rate_limit: str | None = None,
    sections: Iterable[Section] = (),
    tags: Iterable[str] = (),
    new_tags: bool = False,
    inbound: bool = False,
) -> Issued:
    """A new subscriber taking `editions` (codes), `sections` and `tags` (slugs); none of a
    kind given: all of that kind. A tag no story has carried yet is refused (`UnknownTags`: a
    typo would take nothing, silently), or made, for the stories to come, with `new_tags`."""
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise Refused("a subscriber needs a name of 1 to 200 characters")
    if (shown := printable_name(name)) != name:  # a terminal's escapes, a bidi override…
        raise Refused(f"a subscriber's name cannot hold control or bidi characters: {shown}")
    chosen = _editions(editions)
    tagged, unknown = _chosen_tags(tags, new_tags)
    webhook_url = check_webhook(webhook_url)
    api_key, prefix = keys.new_api_key()
    secret = keys.new_webhook_secret()
    with transaction.atomic():
        subscriber = Subscriber.objects.create(
            name=name,
            key_prefix=prefix,
            key_hash=keys.key_hash(api_key),
            webhook_url=webhook_url,
            webhook_secret=secret,
            inbound=inbound,
            **({"rate_limit": check_rate(rate_limit)} if rate_limit else {}),
        )
        subscriber.editions.set(chosen)
        subscriber.sections.set(sections)
        subscriber.tags.set([*tagged, *tags_for(("keyword", name) for name in unknown)])
    return Issued(subscriber, api_key, secret)


def _chosen_tags(slugs: Iterable[str], new_tags: bool) -> tuple[list[Tag], list[str]]:
    """The tags named that exist, and the names of those to make (with `new_tags`; without,
    `UnknownTags` refuses them)."""
    tagged, unknown = _tags(slugs)
    if unknown and not new_tags:
        raise UnknownTags(unknown)
    if nameless := [given for given in unknown if not tag_slug(given)]:
        raise Refused(f"no tag can be named {', '.join(nameless)[:200]}: no letter or digit")
    return tagged, unknown


def change_subscriber(
    subscriber: Subscriber,
    *,
    editions: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    new_tags: bool = False,
    webhook_url: str | None = None,
    rate_limit: str | None = None,
    inbound: bool | None = None,
) -> Subscriber:
    """Change what is given, leave the rest (None) as it is; no editions or no tags (empty)
    take every one. Checked as `add_subscriber` checks them, all before anything is written.
    A pull subscriber narrowing its filters stops getting the later changes of stories it
    had before (decision 0052); webhooks still send their kills and withdrawals."""
    if subscriber.revoked_at is not None:
        raise Refused(f"subscriber {subscriber.pk} is revoked; add a new one instead")
    chosen = _editions(editions) if editions is not None else None
    tagged, unknown = _chosen_tags(tags, new_tags) if tags is not None else (None, [])
    changed = {}
    if webhook_url is not None:
        changed["webhook_url"] = check_webhook(webhook_url)
    if rate_limit is not None:
        changed["rate_limit"] = check_rate(rate_limit)
    if inbound is not None:
        changed["inbound"] = inbound
    with transaction.atomic():
        for field, value in changed.items():
            setattr(subscriber, field, value)
        if changed:
            subscriber.save(update_fields=list(changed))
        if chosen is not None:
            subscriber.editions.set(chosen)
        if tagged is not None:
            subscriber.tags.set([*tagged, *tags_for(("keyword", name) for name in unknown)])
    return subscriber


def revoke(subscriber: Subscriber) -> Subscriber:
    """The key stops working at once, for good."""
    if subscriber.revoked_at is not None:
        raise Refused(f"subscriber {subscriber.pk} was revoked already")
    subscriber.revoked_at = timezone.now()
    subscriber.save(update_fields=["revoked_at"])
    return subscriber


def rotate(subscriber: Subscriber) -> str:
    """A new key for the subscriber; the old one stops working at once."""
    if subscriber.revoked_at is not None:
        raise Refused(f"subscriber {subscriber.pk} is revoked; add a new one instead")
    api_key, prefix = keys.new_api_key()
    subscriber.key_prefix = prefix
    subscriber.key_hash = keys.key_hash(api_key)
    subscriber.rotated_at = timezone.now()
    subscriber.save(update_fields=["key_prefix", "key_hash", "rotated_at"])
    return api_key


def authenticate(api_key: str) -> Subscriber | None:
    """The active subscriber holding this key, or None (unknown, wrong, rotated or revoked)."""
    prefix = keys.prefix_of(api_key)
    if prefix is None:
        return None
    subscriber = Subscriber.objects.filter(key_prefix=prefix, revoked_at__isnull=True).first()
    if subscriber is None or not keys.matches(api_key, subscriber.key_hash):
        return None
    return subscriber
