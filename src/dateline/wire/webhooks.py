"""Pushing the wire to subscribers' webhooks, signed the Standard Webhooks way (decision 0026).

A committed story change that matters to the wire (`feed.WIRE_ACTIONS`) becomes one Delivery
per subscriber it concerns; `dateline worker` sends them. The body is always built when it is
sent, from the story as it is then, so a retry can never send a version that was killed
meanwhile. Deliveries of one story to one subscriber go out one at a time in order, and a
queued one that a newer one follows is superseded rather than sent: the newer carries the same
current state. The receiver's last word on a story is therefore always its current state.

A receiver that fails pauses its subscriber's queue (`Subscriber.webhook_paused_until`), for
the retry schedule's n-th wait after its n-th failure in a row: one receiver down never holds
the others' deliveries up behind its retries and timeouts, and costs one attempt per pause,
not one per queued story (decision 0053).
"""

import collections
import contextlib
import datetime
import functools
import http.client
import ipaddress
import json
import logging
import operator
import socket
import ssl
import threading
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Value
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from dateline.copy.characters import printable_name
from dateline.stories.models import Story, StoryChange
from dateline.wire.feed import WIRE_ACTIONS, been_out, taken_or_had
from dateline.wire.items import items_of, ninjs_item
from dateline.wire.models import Delivery, Subscriber

logger = logging.getLogger("dateline.webhooks")
Action = StoryChange.Action
# A withdrawal reaches every subscriber it was ever sent to, even one whose filters changed.
WITHDRAWALS = (Action.UNPUBLISHED, Action.KILLED)
State = Delivery.State
USER_AGENT = "Dateline-Webhooks/1"
# How many timeouts a claim lasts: a worker gives up on a receiver after one (per connect, send
# and read); after this many another worker takes the delivery over, the first having died.
LEASE_TIMEOUTS = 3
# Due deliveries claimed in one transaction and sent one after another: a fan-out's rows for
# one story come together, so its item is built once for them all (decision 0031).
BATCH = 10
# Making a change's deliveries is tried again this often when the database stays locked: they
# are made after the change commits, so giving up loses them (the pull API still has it).
WRITE_TRIES = 3


NOT_SENDABLE = "the subscriber was revoked or has no webhook address"


class Refused(Exception):
    """A webhook address Dateline will not send to; the message says why."""


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Any address that is not public: private, loopback, link-local, unspecified, shared
    (100.64.0.0/10, a carrier's or a cloud's own: Alibaba's metadata is 100.100.100.200) and
    the rest IANA does not call globally reachable; and multicast and reserved ones, which
    `is_global` lets through."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast or address.is_reserved


def resolve(url: str) -> tuple[str, int, list[str]]:
    """The host, port and every address `url` resolves to, once each is found allowed: http or
    https only, and only public addresses (`_forbidden`) unless DATELINE_WEBHOOK_ALLOW_PRIVATE
    is set."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"{url[:200]!r} is not an http(s) address")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused(f"{url[:200]!r} has no valid port") from None
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise Refused(f"{parts.hostname[:100]!r} does not resolve") from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not settings.WEBHOOK_ALLOW_PRIVATE:
        for address in addresses:
            if _forbidden(ipaddress.ip_address(address.split("%")[0])):
                raise Refused(
                    f"{parts.hostname[:100]} resolves to {address}, a private, loopback, "
                    "link-local, shared or reserved address, not a public one "
                    "(DATELINE_WEBHOOK_ALLOW_PRIVATE is off)"
                )
    return parts.hostname, port, addresses


# --- Making deliveries from the change log ---------------------------------------------------


def story_changes_receiver(sender, changes: list[tuple[Story, StoryChange]], **kwargs) -> None:
    """The batch's deliveries, in the order of its changes, found and written with a handful
    of queries for the whole batch (an import's 500 changes asked 4,000 when made one by
    one), and none when no subscriber has a webhook."""
    on_the_wire = [(story, change) for story, change in changes if change.action in WIRE_ACTIONS]
    if not on_the_wire:
        return
    candidates = Subscriber.objects.filter(revoked_at__isnull=True).exclude(webhook_url="")
    taking = _taking({story.pk for story, _ in on_the_wire}, candidates)
    if not taking:
        return
    received = _received_withdrawn(on_the_wire, candidates)
    deliveries = []
    for story, change in on_the_wire:
        if story.pk not in taking:  # never out on the wire: no subscriber may have it
            continue
        targets = taking[story.pk]
        if change.action in WITHDRAWALS:
            targets = targets | received.get(story.pk, set())
        deliveries.append((story.pk, change, targets))
    for tries_left in reversed(range(WRITE_TRIES)):
        try:
            _make_deliveries(deliveries)
            return
        except OperationalError:  # SQLite: the write lock was held past busy_timeout
            if not tries_left:
                raise
            logger.warning(
                "deliveries of changes %s to %s: the database is busy; trying again",
                on_the_wire[0][1].pk,
                on_the_wire[-1][1].pk,
            )


def _received_withdrawn(on_the_wire: list[tuple[Story, StoryChange]], candidates) -> dict[int, set]:
    """For each story killed or unpublished, the candidates it was ever sent to (or tried: a
    timed-out attempt may have arrived), even if their filters or the story's section and tags
    have changed since: they hear of the withdrawal."""
    withdrawn = [story.pk for story, change in on_the_wire if change.action in WITHDRAWALS]
    received: dict[int, set] = {}
    if withdrawn:
        sent = Delivery.objects.filter(story_id__any_of=withdrawn).exclude(attempts=0)
        pairs = sent.filter(subscriber__in=candidates).values_list("story_id", "subscriber_id")
        for story_id, subscriber_id in pairs.distinct():
            received.setdefault(story_id, set()).add(subscriber_id)
    return received


def _make_deliveries(deliveries: list[tuple[int, StoryChange, set[int]]]) -> None:
    with transaction.atomic():
        Delivery.objects.bulk_create(
            [
                Delivery(
                    subscriber_id=pk,
                    story_id=story_id,
                    change=change,
                    webhook_id=f"msg_{uuid.uuid4().hex}",
                )
                for story_id, change, targets in deliveries
                for pk in sorted(targets)
            ],
            ignore_conflicts=True,
        )
        # The queued ones the new rows follow are never sent (an in-flight one is left alone).
        Delivery.objects.filter(
            _idle(timezone.now()),
            state=State.PENDING,
            story_id__any_of=sorted({story_id for story_id, _, _ in deliveries}),
            subscriber_id__in=set().union(*(targets for _, _, targets in deliveries)),
        ).filter(_pair("any", "gt")).update(state=State.SUPERSEDED, leased_until=None)


def _taking(codes: set[int], candidates) -> dict[int, set[int]]:
    """For each of the stories that has been out on the wire, the candidates whose filters
    take it or who may have had it (`feed.taken_or_had`): one query for the batch (and the
    prefetch of the candidates' filters), not one per story and subscriber."""
    wanted = {}
    for subscriber in candidates.prefetch_related("editions", "sections", "tags"):
        within = taken_or_had(subscriber)
        wanted[f"takes_{subscriber.pk}"] = (
            ExpressionWrapper(within, output_field=BooleanField()) if within else Value(True)
        )
    if not wanted:
        return {}
    stories = Story.objects.filter(pk__any_of=sorted(codes)).filter(been_out())
    taking = {}
    for found in stories.annotate(**wanted).values("pk", *wanted):
        code = found.pop("pk")
        taking[code] = {int(name.removeprefix("takes_")) for name, takes in found.items() if takes}
    return taking


def connect() -> None:
    from dateline.stories.signals import story_changes

    story_changes.connect(story_changes_receiver, dispatch_uid="wire.webhook_deliveries")


# --- Claiming and sending ----------------------------------------------------------------------


def _pair(field: str, relation: str) -> Exists:
    """Another pending delivery of the same story to the same subscriber, newer or earlier."""
    return Exists(
        Delivery.objects.filter(
            subscriber_id=OuterRef("subscriber_id"),
            story_id=OuterRef("story_id"),
            **{f"id__{relation}": OuterRef("id")},
        ).filter(**({"state": State.PENDING} if field == "pending" else {}))
    )


def _idle(now: datetime.datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lt=now)


def _claim() -> tuple[Delivery, int] | None:
    """The next due delivery, leased to this worker, and its attempt number; None when none is
    due."""
    claimed = _claim_batch(1)
    return (claimed[0], claimed[0].attempts) if claimed else None


def _claim_batch(limit: int) -> list[Delivery]:
    """Up to `limit` due deliveries (their subscribers joined), leased to this worker, each
    with its attempt counted; none when none is due. Rows are taken with SKIP LOCKED on
    PostgreSQL, so workers never take the same one; only the oldest pending delivery of a
    story to a subscriber is due, so a batch never holds two of one pair. A due row that a
    newer one of its pair follows (its worker died, or it was redelivered) is superseded on
    the way.

    Superseding is done here for the rows at hand only, and when rows are made and when an
    attempt fails: never by a sweep over every pending row, which made each claim cost in
    proportion to the queue (quadratic in a large fan-out; decision 0031)."""
    now = timezone.now()
    due = (
        Delivery.objects.filter(_idle(now), state=State.PENDING, next_attempt_at__lte=now)
        .exclude(subscriber__webhook_paused_until__gt=now)
        .exclude(_pair("pending", "lt"))  # one in flight: this one waits its turn
        .annotate(followed=_pair("any", "gt"))
        .select_related("subscriber")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("next_attempt_at", "id")
    )
    with transaction.atomic():
        rows = list(due[:limit])
        stale = [row.pk for row in rows if row.followed]
        if stale:
            Delivery.objects.filter(pk__in=stale).update(state=State.SUPERSEDED, leased_until=None)
        claimed = [row for row in rows if not row.followed]
        # A row whose last attempt was claimed by a worker that never said how it went (it
        # died): its schedule is used up.
        spent = [row.pk for row in claimed if row.attempts > len(settings.WEBHOOK_RETRY_SCHEDULE)]
        # A row whose subscriber was revoked (or left without an address) since it was made:
        # nothing will be sent, so no attempt is counted (a kill's notice goes to every
        # subscriber with an attempt at the story).
        unsendable = [row.pk for row in claimed if not sendable(row.subscriber)]
        for ended, why in ((spent, "no answer was recorded"), (unsendable, NOT_SENDABLE)):
            if ended:
                Delivery.objects.filter(pk__in=ended).update(
                    state=State.DEAD, leased_until=None, last_error=why
                )
        claimed = [row for row in claimed if row.pk not in spent and row.pk not in unsendable]
        # They are sent one after another: the last may wait for every other one's timeouts.
        lease = now + (LEASE_TIMEOUTS + len(claimed) - 1) * _timeout()
        for row in claimed:
            row.attempts += 1
            row.leased_until = lease
        Delivery.objects.bulk_update(claimed, ["attempts", "leased_until"])
    return claimed


def sendable(subscriber: Subscriber) -> bool:
    return subscriber.revoked_at is None and bool(subscriber.webhook_url)


def _timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS)


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, not to whatever the name resolves to next."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = self.opened = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(_PinnedHTTP):
    default_port = 443

    def connect(self) -> None:
        super().connect()
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)
        self.opened = self.sock


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST `body` to `url` (checked again now, after resolving it); the status code."""
    host, port, addresses = resolve(url)
    parts = urlsplit(url)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = kind(host, port, addresses[0], settings.WEBHOOK_TIMEOUT_SECONDS)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    # The timeout bounds each socket operation; a receiver sending its answer a byte at a time
    # would hold the attempt (and the delivery's lease) for ever: the whole exchange has a
    # deadline too, after which the socket is shut and the attempt fails.
    expired = threading.Event()

    def cut_off() -> None:
        expired.set()
        # The socket as opened: an answer that closes the connection after it (HTTP/1.0, or
        # "Connection: close") takes it from `connection.sock`, which is then None.
        opened = getattr(connection, "opened", None)
        if opened is not None:
            with contextlib.suppress(OSError):
                opened.shutdown(socket.SHUT_RDWR)

    deadline = threading.Timer(settings.WEBHOOK_TIMEOUT_SECONDS, cut_off)
    deadline.start()
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
    except (OSError, http.client.HTTPException):
        if expired.is_set():
            raise _no_whole_answer() from None
        raise
    finally:
        deadline.cancel()
        connection.close()
    if expired.is_set():  # cut off mid-body: `read(amt)` returns what came, raising nothing
        raise _no_whole_answer()
    return response.status


def _no_whole_answer() -> TimeoutError:
    return TimeoutError(f"no whole answer within {settings.WEBHOOK_TIMEOUT_SECONDS} s")


def signed(delivery: Delivery, body: str, at: datetime.datetime) -> dict[str, str]:
    signature = Webhook(delivery.subscriber.webhook_secret).sign(delivery.webhook_id, at, body)
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


def _attempt(delivery: Delivery, attempt: int) -> None:
    delivery.attempts = attempt
    _attempt_batch([delivery])


def _items(story_ids: set[int]) -> dict[int, dict]:
    """The ninjs items of the stories as they are now, read together: a batch of deliveries
    is mostly one story going to several subscribers."""
    stories = Story.objects.select_related("edition").prefetch_related("tags")
    stories = list(stories.filter(pk__in=story_ids))
    public = set(Story.objects.public().filter(pk__in=story_ids).values_list("pk", flat=True))
    items = items_of([(story, story.pk in public) for story in stories])
    return {story.pk: ninjs_item(item) for story, item in zip(stories, items, strict=True)}


def _attempt_batch(deliveries: list[Delivery]) -> None:
    """Send each claimed delivery (its `attempts` counted already) and record how it went.
    Once a subscriber's receiver has failed, the rest of its deliveries in the batch are put
    back untried."""
    items = _items({delivery.story_id for delivery in deliveries})
    delivered, failed, untried = [], set(), []
    for delivery in deliveries:
        if delivery.subscriber_id in failed:
            untried.append(delivery)
            continue
        status, error, sent = _send(delivery, items.get(delivery.story_id))
        if not error:
            delivered.append((delivery, status, sent))
            continue
        _record(delivery, delivery.attempts, status, error[:300], sent)
        if sent:  # the receiver was tried (not a story gone meanwhile)
            failed.add(delivery.subscriber_id)
    _record_delivered(delivered)
    _put_back(untried)


def _put_back(deliveries: list[Delivery]) -> None:
    """Claimed deliveries not tried: their attempt uncounted, their lease ended, in one
    statement (fenced as `_record` is)."""
    if deliveries:
        mine = [Q(pk=delivery.pk, attempts=delivery.attempts) for delivery in deliveries]
        Delivery.objects.filter(functools.reduce(operator.or_, mine), state=State.PENDING).update(
            attempts=F("attempts") - 1, leased_until=None
        )


def _send(delivery: Delivery, item: dict | None) -> tuple[int | None, str, str]:
    """(the receiver's status, an error or "", the pubStatus sent)."""
    subscriber = delivery.subscriber
    if item is None:
        return None, "the story is gone", ""
    body = json.dumps(item, ensure_ascii=False)
    try:
        status = post(subscriber.webhook_url, body.encode(), signed(delivery, body, timezone.now()))
    except Refused as refused:
        return None, f"refused: {refused}", item["pubStatus"]
    except (OSError, http.client.HTTPException) as failure:
        error = f"{type(failure).__name__}: {failure}" if str(failure) else type(failure).__name__
        # It may quote the receiver's answer (BadStatusLine): its controls kept escaped, never
        # raw on an operator's terminal or in the log.
        return None, printable_name(error), item["pubStatus"]
    if not 200 <= status < 300:
        return status, f"answered {status}", item["pubStatus"]
    return status, "", item["pubStatus"]


def _record_delivered(delivered: list[tuple[Delivery, int, str]]) -> None:
    """Acknowledged deliveries, in one statement for those alike; fenced as `_record` is. A
    receiver that had failed before is counted well again."""
    recovered = {d.subscriber_id for d, _, _ in delivered if d.subscriber.webhook_failures}
    if recovered:
        Subscriber.objects.filter(pk__in=recovered).update(webhook_failures=0)
    alike = collections.defaultdict(list)
    for delivery, status, sent in delivered:
        alike[status, sent].append(Q(pk=delivery.pk, attempts=delivery.attempts))
    for (status, sent), rows in alike.items():
        Delivery.objects.filter(functools.reduce(operator.or_, rows), state=State.PENDING).update(
            state=State.DELIVERED,
            delivered_at=timezone.now(),
            leased_until=None,
            last_status=status,
            last_error="",
            pub_status=sent,
        )


def _record(delivery: Delivery, attempt: int, status: int | None, error: str, sent: str) -> None:
    """How the attempt went; nothing if another worker has taken the delivery over since."""
    now = timezone.now()
    mine = Delivery.objects.filter(pk=delivery.pk, state=State.PENDING, attempts=attempt)
    outcome = {"leased_until": None, "last_status": status, "last_error": error}
    if sent:
        outcome["pub_status"] = sent
    if not error:
        mine.update(state=State.DELIVERED, delivered_at=now, **outcome)
        return
    schedule = settings.WEBHOOK_RETRY_SCHEDULE
    if sent:  # the receiver failed: its queue waits, longer with each failure in a row
        _pause(delivery.subscriber, now)
    if attempt > len(schedule):
        mine.update(state=State.DEAD, **outcome)
        logger.warning("webhook %s is a dead letter: %s", delivery.webhook_id, error)
        return
    followed = Delivery.objects.filter(
        subscriber_id=delivery.subscriber_id, story_id=delivery.story_id, id__gt=delivery.pk
    )
    if followed.exists():  # made while this one was in flight: it carries the story's state
        mine.update(state=State.SUPERSEDED, **outcome)
        return
    wait = datetime.timedelta(seconds=schedule[attempt - 1])
    mine.update(next_attempt_at=now + wait, **outcome)


def _pause(subscriber: Subscriber, now: datetime.datetime) -> None:
    """After its receiver's n-th failure in a row, none of its deliveries is due for the n-th
    wait of the retry schedule (its last, after that)."""
    schedule = settings.WEBHOOK_RETRY_SCHEDULE
    failures = subscriber.webhook_failures + 1
    wait = datetime.timedelta(seconds=schedule[min(failures, len(schedule)) - 1])
    Subscriber.objects.filter(pk=subscriber.pk).update(
        webhook_failures=failures, webhook_paused_until=now + wait
    )


def send_due(stop: threading.Event | None = None) -> int:
    """Send every delivery that is due, a batch at a time; how many attempts were made."""
    made = 0
    while stop is None or not stop.is_set():
        claimed = _claim_batch(BATCH)
        if not claimed:
            break
        _attempt_batch(claimed)
        made += len(claimed)
    return made


def redeliver(delivery: Delivery) -> Delivery:
    """A dead letter tried again from the start, under the same webhook id."""
    if delivery.state != State.DEAD:
        raise Refused(f"delivery {delivery.pk} is {delivery.state}, not a dead letter")
    if not sendable(delivery.subscriber):
        raise Refused(f"delivery {delivery.pk}: {NOT_SENDABLE}")
    delivery.state = State.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.leased_until = None
    delivery.save(update_fields=["state", "attempts", "next_attempt_at", "leased_until"])
    return delivery
