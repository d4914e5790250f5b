"""`dateline subscribers add|change|list|revoke|rotate|deliveries|redeliver`: the wire's
subscribers for operators. A new key (and a new subscriber's webhook signing secret) is printed
once and never again."""

import argparse
import json

from django.core.management.base import BaseCommand, CommandError

from dateline.copy.characters import printable_name
from dateline.stories.tagging import tag_names
from dateline.wire import subscribers, webhooks
from dateline.wire.models import Delivery, Subscriber

DELIVERIES_LISTED = 500  # newest first, unless --limit says otherwise
MAX_DELIVERIES_LISTED = 1_000_000


class Command(BaseCommand):
    help = (
        "Add, change and list the wire's subscribers, revoke and rotate their keys; list their "
        "webhook deliveries and send dead letters again."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
        add = commands.add_parser("add", help="a new subscriber; prints its key once")
        add.add_argument("name")
        add.add_argument("--editions", default=None, metavar="CODES", help="e.g. en,fa (all)")
        add.add_argument("--tags", default=None, metavar="SLUGS", help="e.g. oil,water (all)")
        add.add_argument(
            "--new-tags",
            action="store_true",
            help="make the --tags no story has carried yet, named as given (write 'crude oil', "
            "not crude-oil, for the tag stories will call Crude oil)",
        )
        add.add_argument("--webhook", default="", metavar="URL", help="where pushes go")
        add.add_argument("--rate", default=None, help="requests per key, e.g. 600/m (default)")
        add.add_argument(
            "--inbound", action="store_true", help="the key may send partner copy in too"
        )
        add.add_argument("--json", dest="as_json", action="store_true")
        change = commands.add_parser(
            "change", help="change a subscriber's filters, webhook, rate or inbound access"
        )
        change.add_argument("id", type=int)
        editions = change.add_mutually_exclusive_group()
        editions.add_argument("--editions", default=None, metavar="CODES", help="e.g. en,fa")
        editions.add_argument("--all-editions", action="store_true", help="no edition filter")
        tags = change.add_mutually_exclusive_group()
        tags.add_argument("--tags", default=None, metavar="SLUGS", help="e.g. oil,water")
        tags.add_argument("--all-tags", action="store_true", help="no tag filter")
        change.add_argument("--new-tags", action="store_true", help="as for add")
        change.add_argument("--webhook", default=None, metavar="URL", help='"" for none')
        change.add_argument("--rate", default=None, help="requests per key, e.g. 600/m")
        change.add_argument(
            "--inbound", action=argparse.BooleanOptionalAction, default=None, help="as for add"
        )
        change.add_argument("--json", dest="as_json", action="store_true")
        listing = commands.add_parser("list", help="every subscriber; never a key")
        listing.add_argument("--json", dest="as_json", action="store_true", help="one per line")
        for name, what in (("revoke", "its key stops working"), ("rotate", "a new key")):
            change = commands.add_parser(name, help=what)
            change.add_argument("id", type=int)
            change.add_argument("--json", dest="as_json", action="store_true")

        deliveries = commands.add_parser("deliveries", help="a subscriber's webhook deliveries")
        deliveries.add_argument("id", type=int)
        deliveries.add_argument("--state", choices=Delivery.State.values, default=None)
        deliveries.add_argument(
            "--limit",
            type=deliveries_limit,
            default=DELIVERIES_LISTED,
            metavar="N",
            help=f"the newest N (default {DELIVERIES_LISTED}); a cut list is said on stderr",
        )
        deliveries.add_argument("--json", dest="as_json", action="store_true", help="one per line")
        redeliver = commands.add_parser("redeliver", help="send a dead letter again")
        redeliver.add_argument("delivery_id", type=int)
        redeliver.add_argument("--json", dest="as_json", action="store_true")

    def handle(self, *args, command, as_json, **options):
        try:
            getattr(self, f"do_{command}")(as_json=as_json, **options)
        except (subscribers.Refused, webhooks.Refused) as refused:
            raise CommandError(str(refused)) from None

    def do_add(self, *, name, editions, tags, new_tags, webhook, rate, inbound, as_json, **options):
        try:
            issued = subscribers.add_subscriber(
                name,
                editions=_named(editions, "--editions", "edition"),
                tags=_named(tags, "--tags", "tag", split=tag_names),
                new_tags=new_tags,
                webhook_url=webhook,
                rate_limit=rate,
                inbound=inbound,
            )
        except subscribers.UnknownTags as unknown:
            hint = "--new-tags makes it, for the stories to come"
            raise CommandError(f"{unknown}; {hint}") from None
        if as_json:
            return self._json(
                {
                    "id": issued.subscriber.pk,
                    "api_key": issued.api_key,
                    "webhook_secret": issued.webhook_secret,
                }
            )
        self.stdout.write(f"subscriber {issued.subscriber.pk}: {issued.subscriber.name}")
        self.stdout.write(f"API key (shown once): {issued.api_key}")
        self.stdout.write(f"webhook signing secret (shown once): {issued.webhook_secret}")

    def do_change(self, *, id, editions, all_editions, tags, all_tags, as_json, **options):
        try:
            subscriber = subscribers.change_subscriber(
                find(id),
                editions=[] if all_editions else _given(editions, "--editions", "edition"),
                tags=[] if all_tags else _given(tags, "--tags", "tag", split=tag_names),
                new_tags=options["new_tags"],
                webhook_url=options["webhook"],
                rate_limit=options["rate"],
                inbound=options["inbound"],
            )
        except subscribers.UnknownTags as unknown:
            raise CommandError(f"{unknown}; --new-tags makes it, for the stories to come") from None
        self._list_line(summary(subscriber), as_json=as_json)

    def do_list(self, *, as_json, **options):
        for subscriber in Subscriber.objects.prefetch_related("editions"):
            self._list_line(summary(subscriber), as_json=as_json)

    def _list_line(self, line: dict, *, as_json: bool) -> None:
        if as_json:
            return self._json(line)
        state = "revoked" if line["revoked_at"] else "active"
        editions = ",".join(line["editions"]) or "all"
        name = printable_name(line["name"])  # as stored before names were checked
        self.stdout.write(f"{line['id']}\t{state}\t{editions}\t{name}")

    def do_revoke(self, *, id, as_json, **options):
        subscriber = subscribers.revoke(find(id))
        if as_json:
            return self._json(summary(subscriber))
        self.stdout.write(f"revoked {subscriber.pk} {printable_name(subscriber.name)}")

    def do_rotate(self, *, id, as_json, **options):
        subscriber = find(id)
        api_key = subscribers.rotate(subscriber)
        if as_json:
            return self._json({"id": subscriber.pk, "api_key": api_key})
        self.stdout.write(f"new API key for {subscriber.pk} (shown once): {api_key}")

    def do_deliveries(self, *, id, state, limit, as_json, **options):
        listed = find(id).deliveries.all()
        if state:
            listed = listed.filter(state=state)
        shown = list(listed[: limit + 1])  # one more than shown tells a cut list, uncounted
        cut = len(shown) > limit
        for delivery in shown[:limit]:
            line = delivery_summary(delivery)
            if as_json:
                self._json(line)
            else:
                self.stdout.write(
                    f"{line['id']}\t{line['state']}\tstory {line['story']}\t"
                    f"attempts {line['attempts']}\t{line['webhook_id']}\t"
                    f"{printable_name(line['last_error'])}"
                )
        if cut:
            # On stderr, so stdout stays the list (one JSON object a line with --json).
            self.stderr.write(
                f"{limit:,} of {listed.count():,} shown, the newest; --limit to see more"
            )

    def do_redeliver(self, *, delivery_id, as_json, **options):
        delivery = Delivery.objects.filter(pk=delivery_id).first()
        if delivery is None:
            raise CommandError(f"delivery {delivery_id}: no such delivery")
        webhooks.redeliver(delivery)
        if as_json:
            return self._json(delivery_summary(delivery))
        self.stdout.write(f"delivery {delivery.pk} queued again as {delivery.webhook_id}")

    def _json(self, value) -> None:
        self.stdout.write(json.dumps(value, ensure_ascii=False))


def find(pk: int) -> Subscriber:
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber is None:
        raise CommandError(f"subscriber {pk}: no such subscriber")
    return subscriber


def summary(subscriber: Subscriber) -> dict:
    return {
        "id": subscriber.pk,
        "name": subscriber.name,
        "editions": sorted(edition.code for edition in subscriber.editions.all()),
        "sections": sorted(subscriber.sections.values_list("pk", flat=True)),
        "tags": sorted(subscriber.tags.values_list("slug", flat=True)),
        "webhook": subscriber.webhook_url,
        "rate_limit": subscriber.rate_limit,
        "inbound": subscriber.inbound,
        "created_at": subscriber.created_at.isoformat(),
        "revoked_at": subscriber.revoked_at.isoformat() if subscriber.revoked_at else None,
    }


def delivery_summary(delivery: Delivery) -> dict:
    return {
        "id": delivery.pk,
        "subscriber": delivery.subscriber_id,
        "story": delivery.story_id,
        "change": delivery.change_id,
        "webhook_id": delivery.webhook_id,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at.isoformat(),
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
        "pub_status": delivery.pub_status,
        "delivered_at": delivery.delivered_at.isoformat() if delivery.delivered_at else None,
    }


def deliveries_limit(text: str) -> int:
    """--limit's N: a whole number from 1 to MAX_DELIVERIES_LISTED (bounded, so that a
    mistyped one cannot overflow the database's LIMIT)."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_DELIVERIES_LISTED:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected a whole number from 1 to {MAX_DELIVERIES_LISTED:,}"
        )
    return number


def _given(value: str | None, option: str, what: str, split=lambda text: text.split(",")):
    """As `_named`, None when the option was left out (left as it is)."""
    return None if value is None else _named(value, option, what, split)


def _named(
    value: str | None, option: str, what: str, split=lambda text: text.split(",")
) -> list[str]:
    """The codes or slugs of a comma-separated filter (tags: `tag_names`, which takes the
    Arabic-script comma too); [] (no filter) when it was left out. Given but naming none (an
    unset shell variable, a stray comma), it is refused: taken as no filter, the subscriber
    would get every edition's or tag's stories."""
    names = [name.strip() for name in split(value or "") if name.strip()]
    if value is not None and not names:
        raise CommandError(f"{option} {value!r} names no {what}; leave it out to take every {what}")
    return names
