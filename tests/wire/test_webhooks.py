"""Webhook deliveries to a real HTTP receiver on 127.0.0.1: delivered until acknowledged through
failures and a timeout, the same webhook id on every retry, a valid Standard Webhooks signature
every time, each item once after deduplication; dead letters and redelivery; kills reaching
every subscriber that had the story, and never a withdrawn story sent as live; embargoed items
early and withheld; SSRF refusals; the retry schedule's parsing."""

import datetime
import io
import json
import socket
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from dateline.config import environment
from dateline.stories.actions import (
    correct_story,
    edit_story,
    embargo_story,
    kill_story,
    unpublish_story,
)
from dateline.stories.models import StoryChange
from dateline.wire import webhooks
from dateline.wire.models import Delivery, Subscriber
from dateline.wire.subscribers import Refused, add_subscriber
from tests.factories import make_section, make_story
from tests.newsroom.conftest import client_for, html, newsroom, post  # noqa: F401  (fixture)
from tests.processes import dateline_env, run_dateline
from tests.wire.conftest import schema_errors

pytestmark = pytest.mark.django_db(transaction=True)  # deliveries are made after commit
State = Delivery.State


class Receiver:
    """A subscriber's endpoint. `script` says, per attempt of one webhook id (1, 2, …), what
    to do: an HTTP status to answer, or "hang" (answer only after the sender's timeout); each
    answer takes at least `delay_seconds`."""

    def __init__(self, script=(), hang_seconds=1.0, delay_seconds=0.0):
        self.script = list(script)
        self.hang_seconds = hang_seconds
        self.delay_seconds = delay_seconds
        self.requests = []  # (headers, body) in the order they came
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    receiver.requests.append((headers, body.decode()))
                    seen = sum(
                        1 for h, _ in receiver.requests if h["webhook-id"] == headers["webhook-id"]
                    )
                what = receiver.script[seen - 1] if seen <= len(receiver.script) else 200
                time.sleep(receiver.delay_seconds)
                if what == "hang":
                    time.sleep(receiver.hang_seconds)
                    what = 200
                self.send_response(what)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def unique(self) -> dict[str, dict]:
        """The items after deduplication by webhook id: id -> item."""
        return {headers["webhook-id"]: json.loads(body) for headers, body in self.requests}

    def items_of(self, code: int) -> list[dict]:
        uri = f"urn:dateline:story:{code}"
        return [json.loads(b) for _, b in self.requests if json.loads(b)["uri"] == uri]


@pytest.fixture
def pushing(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_RETRY_SCHEDULE = [0, 0, 0]  # four attempts, each due at once
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    return settings


@pytest.fixture
def receivers():
    made = []

    def receiver(*args, **kwargs):
        made.append(Receiver(*args, **kwargs))
        return made[-1]

    yield receiver
    for each in made:
        each.close()


def subscribe(receiver, name="Daily", editions=()):
    return add_subscriber(name, editions=editions, webhook_url=receiver.url)


def retry_comes_due(delivery):
    """The clock moved on to the delivery's retry, and to the end of its subscriber's pause."""
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now)
    Subscriber.objects.filter(pk=delivery.subscriber_id).update(webhook_paused_until=now)


def test_delivered_until_acknowledged_same_id_signed_once_each(
    editions, pushing, receivers, ninjs_validators
):
    en, fa = editions
    receiver = receivers(script=[500, 503, "hang"])
    issued = subscribe(receiver)
    stories = [make_story(en, headline="Rail"), make_story(fa, headline="راه‌آهن")]
    corrected = correct_story(make_story(en, headline="Port"), note="Misnamed the port.", lead="F.")
    webhooks.send_due()
    deliveries = list(Delivery.objects.all())
    # One per change that matters: two publications, and the third story's publication and
    # correction (the first superseded by the second, as it was still queued).
    assert {d.state for d in deliveries if d.story_id != corrected.code} == {State.DELIVERED}
    assert [d.attempts for d in deliveries if d.state == State.DELIVERED] == [4, 4, 4]
    by_id = defaultdict(list)
    for headers, body in receiver.requests:
        by_id[headers["webhook-id"]].append(body)
        Webhook(issued.webhook_secret).verify(body, headers)  # raises if the signature is wrong
        assert schema_errors(ninjs_validators["3.3"], json.loads(body)) == []
    assert sorted(len(bodies) for bodies in by_id.values()) == [4, 4, 4]  # 2 failures, a timeout
    for bodies in by_id.values():
        assert len({json.loads(b)["uri"] for b in bodies}) == 1  # a retry is the same message
    unique = receiver.unique()
    uris = sorted(item["uri"] for item in unique.values())
    assert uris == sorted(f"urn:dateline:story:{s.code}" for s in [*stories, corrected])
    newest = next(i for i in unique.values() if i["uri"].endswith(str(corrected.code)))
    assert newest["version"] == "2" and newest["descriptions"][0]["value"] == "Misnamed the port."


def test_a_wrong_secret_fails_verification(editions, pushing, receivers):
    receiver = receivers()
    subscribe(receiver)
    make_story(editions[0])
    webhooks.send_due()
    headers, body = receiver.requests[0]
    other = add_subscriber("Other").webhook_secret
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(other).verify(body, headers)
    tampered = body.replace("usable", "canceled")
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(add_subscriber("Third").webhook_secret).verify(tampered, headers)


def test_dead_letter_and_redelivery(pushing, receivers, newsroom):  # noqa: F811
    receiver = receivers(script=[500] * 4)
    issued = subscribe(receiver)
    story = make_story(newsroom["en"])
    webhooks.send_due()
    delivery = Delivery.objects.get()
    assert delivery.state == State.DEAD and delivery.attempts == 4
    assert delivery.last_status == 500 and delivery.last_error == "answered 500"
    listed = [
        json.loads(line)
        for line in cli("deliveries", str(issued.subscriber.pk), "--state", "dead", "--json")
        .strip()
        .splitlines()
    ]
    assert [(d["id"], d["story"], d["state"]) for d in listed] == [
        (delivery.pk, story.code, "dead")
    ]
    assert list(listed[0]) == [  # the keys docs/wire.md names
        *("id", "subscriber", "story", "change", "webhook_id", "state", "attempts"),
        *("next_attempt_at", "last_status", "last_error", "pub_status", "delivered_at"),
    ]
    assert cli("deliveries", str(issued.subscriber.pk), "--state", "delivered") == ""
    # The newsroom shows it as a dead letter, with the action.
    chief = client_for(newsroom["chief"])
    page = html(chief.get("/newsroom/subscribers/"))
    assert "1 dead" in page.select_one(".dead-letters").get_text()
    page = html(chief.get(f"/newsroom/subscribers/{issued.subscriber.pk}/"))
    row = page.select_one("tr.delivery-dead")
    assert "Dead letter" in row.get_text() and delivery.webhook_id in row.get_text()
    redeliver = row.select_one("form")["action"]
    assert post(chief, redeliver, {}).status_code == 302
    webhooks.send_due()  # the receiver's script has run out: it answers 200 now
    delivery.refresh_from_db()
    assert delivery.state == State.DELIVERED and delivery.attempts == 1
    ids = [headers["webhook-id"] for headers, _ in receiver.requests]
    assert ids == [delivery.webhook_id] * 5
    page = html(chief.get(f"/newsroom/subscribers/{issued.subscriber.pk}/"))
    assert page.select_one("tr.delivery-dead") is None
    assert "Redeliver" not in page.select_one("table.deliveries").get_text()
    # Only dead letters are sent again.
    assert "not a dead letter" in refused_cli("redeliver", str(delivery.pk))


def test_redeliver_on_the_command_line(editions, pushing, receivers):
    receiver = receivers(script=[500] * 4)
    subscribe(receiver)
    make_story(editions[0])
    webhooks.send_due()
    dead = Delivery.objects.get()
    again = json.loads(cli("redeliver", str(dead.pk), "--json"))
    assert again["state"] == "pending" and again["webhook_id"] == dead.webhook_id
    webhooks.send_due()
    dead.refresh_from_db()
    assert dead.state == State.DELIVERED
    assert [h["webhook-id"] for h, _ in receiver.requests] == [dead.webhook_id] * 5
    assert "no such delivery" in refused_cli("redeliver", "99999")


def test_revoked_and_hookless_subscribers_get_nothing(editions, pushing, receivers):
    from dateline.wire.subscribers import revoke

    receiver = receivers()
    revoke(subscribe(receiver, "Gone").subscriber)
    add_subscriber("Pull only")
    make_story(editions[0])
    assert webhooks.send_due() == 0
    assert not Delivery.objects.exists() and receiver.requests == []


def test_only_chief_editors_redeliver(pushing, receivers, newsroom):  # noqa: F811
    receiver = receivers(script=[500] * 4)
    subscribe(receiver)
    make_story(newsroom["en"])
    webhooks.send_due()
    delivery = Delivery.objects.get()
    answer = post(
        client_for(newsroom["editor"]),
        f"/newsroom/subscribers/deliveries/{delivery.pk}/redeliver/",
        {},
    )
    assert answer.status_code == 403
    delivery.refresh_from_db()
    assert delivery.state == State.DEAD


def test_a_kill_reaches_every_subscriber_that_had_the_story(
    editions, pushing, receivers, ninjs_validators
):
    en, fa = editions
    everyone, english, persian = receivers(), receivers(), receivers()
    subscribe(everyone, "Everyone")
    english_sub = subscribe(english, "English", editions=["en"]).subscriber
    subscribe(persian, "Persian", editions=["fa"])
    story = make_story(en, headline="Minister resigns")
    webhooks.send_due()
    # The English subscriber's filters change after it had the story: it still hears of the kill.
    english_sub.editions.set([fa])
    kill_story(story, reason="Legal asked for it")
    webhooks.send_due()
    for receiver in (everyone, english):
        statuses = [item["pubStatus"] for item in receiver.items_of(story.code)]
        assert statuses == ["usable", "canceled"]
        notice = receiver.items_of(story.code)[-1]
        assert "bodies" not in notice and notice["edNote"]
        assert schema_errors(ninjs_validators["3.3"], notice) == []
    assert persian.requests == []


def test_a_story_moved_out_of_a_subscribers_filters_still_reaches_it(editions, pushing, receivers):
    """A subscriber that was sent a story hears of its later versions after an edit moved it
    to a section the subscriber does not take, and of its taking down after the subscriber's
    own filters changed."""
    en, fa = editions
    world, sport = en.sections.get(slug="world"), make_section(en, "sport", "Sport")
    desk, elsewhere = receivers(), receivers()
    issued = add_subscriber("World desk", sections=[world], webhook_url=desk.url)
    add_subscriber("Sport desk", sections=[sport], webhook_url=elsewhere.url)
    story = make_story(en, headline="Minister resigns", section=world)
    webhooks.send_due()
    edit_story(story, base_version=story.version, section=sport, lead="Moved to sport.")
    webhooks.send_due()
    issued.subscriber.editions.set([fa])
    unpublish_story(story)
    webhooks.send_due()
    assert [(item["version"], item["pubStatus"]) for item in desk.items_of(story.code)] == [
        ("1", "usable"),
        ("2", "usable"),
        ("2", "withheld"),
    ]
    # The sport desk takes it since it moved there.
    assert [item["version"] for item in elsewhere.items_of(story.code)] == ["2", "2"]


def test_a_batch_of_changes_costs_the_queries_of_one(editions, pushing, receivers):
    """An import announces its changes as one batch (`story_changes`): their deliveries are
    found and written with as many queries for twenty stories as for two, each subscriber
    getting exactly the stories its filters take, and a kill every subscriber that had it."""
    en, fa = editions
    everyone = subscribe(receivers(), "Everyone").subscriber
    persian = subscribe(receivers(), "Persian", editions=["fa"]).subscriber
    had_it = subscribe(receivers(), "Had it", editions=["fa"]).subscriber

    def delivered_again(stories) -> tuple[int, set[tuple[int, int, str]]]:
        """Queries and (subscriber, story, action) of the deliveries the stories' wire changes
        make when announced again as one batch."""
        changes = StoryChange.objects.filter(story__in=stories).select_related("story")
        Delivery.objects.filter(attempts=0).delete()  # those sent earlier stay: they had it
        with CaptureQueriesContext(connection) as queries:
            webhooks.story_changes_receiver(None, [(c.story, c) for c in changes.order_by("pk")])
        made = Delivery.objects.filter(attempts=0)
        made = made.values_list("subscriber", "story", "change__action")
        return len(queries), set(made)

    def batch(count):
        stories = [make_story(en, headline=f"Rail {n}") for n in range(count - 1)]
        killed = make_story(en, headline="Withdrawn")
        Delivery.objects.create(
            subscriber=had_it,
            story=killed,
            change=killed.changes.last(),
            webhook_id=f"msg_{killed.code}",
            attempts=1,
        )
        kill_story(killed, reason="Wrong")
        return [*stories, make_story(fa, headline="راه‌آهن"), killed]

    small, large = batch(2), batch(20)
    queries_small, _ = delivered_again(small)
    queries_large, made_large = delivered_again(large)
    assert queries_large == queries_small
    persian_story, killed = large[-2], large[-1]
    published, kill = StoryChange.Action.PUBLISHED, StoryChange.Action.KILLED
    expected = {(everyone.pk, s.code, published) for s in large}
    expected |= {
        (persian.pk, persian_story.code, published),
        (had_it.pk, persian_story.code, published),
    }
    expected |= {(everyone.pk, killed.code, kill), (had_it.pk, killed.code, kill)}
    assert made_large == expected


def test_a_queued_earlier_version_is_never_sent_as_live(editions, pushing, receivers):
    receiver = receivers()
    subscribe(receiver)
    queued = make_story(editions[0], headline="Queued then killed")
    kill_story(queued, reason="Wrong")
    webhooks.send_due()
    assert [i["pubStatus"] for i in receiver.items_of(queued.code)] == ["canceled"]
    states = sorted(Delivery.objects.filter(story=queued).values_list("state", flat=True))
    assert states == [State.DELIVERED, State.SUPERSEDED]


def test_a_failing_receiver_never_holds_the_others_up(editions, pushing, receivers):
    """Its queue waits after each failure, longer after each failure in a row: one attempt per
    pause, not one per story, and the healthy subscribers' deliveries go out at once."""
    pushing.WEBHOOK_RETRY_SCHEDULE = [60, 3600]
    healthy, failing = receivers(), receivers(script=[500, 500])
    subscribe(healthy, "Healthy")
    down = subscribe(failing, "Down").subscriber
    stories = [make_story(editions[0], headline=f"Story {n}") for n in range(12)]

    def paused_for() -> float:
        down.refresh_from_db()
        return (down.webhook_paused_until - timezone.now()).total_seconds()

    webhooks.send_due()
    assert len(healthy.unique()) == len(stories)
    assert len(failing.requests) == 1
    assert 50 < paused_for() <= 60 and down.webhook_failures == 1
    waiting = Delivery.objects.filter(subscriber=down)
    assert sorted(waiting.values_list("state", "attempts")) == (
        [(State.PENDING, 0)] * (len(stories) - 1) + [(State.PENDING, 1)]
    )
    assert not waiting.filter(leased_until__isnull=False).exists()  # put back, not held
    webhooks.send_due()
    assert len(failing.requests) == 1  # nothing of it is due while it is paused

    def pause_over():
        now = timezone.now()
        waiting.update(next_attempt_at=now)
        Subscriber.objects.filter(pk=down.pk).update(webhook_paused_until=now)

    pause_over()
    webhooks.send_due()  # it fails again: paused for the schedule's second wait
    assert len(failing.requests) == 2
    assert 3500 < paused_for() <= 3600 and down.webhook_failures == 2
    failing.script = []  # its receiver is back
    pause_over()
    webhooks.send_due()
    assert len(failing.unique()) == len(stories)
    assert set(waiting.values_list("state", flat=True)) == {State.DELIVERED}
    down.refresh_from_db()
    assert down.webhook_failures == 0


def test_a_retry_after_the_kill_does_not_send_the_story_live(editions, pushing, receivers):
    receiver = receivers(script=[500])
    subscribe(receiver)
    story = make_story(editions[0], headline="Failing then killed")
    pushing.WEBHOOK_RETRY_SCHEDULE = [3600]  # the retry waits, queued
    webhooks.send_due()
    first = Delivery.objects.get()
    assert first.state == State.PENDING and first.attempts == 1
    kill_story(story, reason="Wrong")
    retry_comes_due(first)
    webhooks.send_due()
    statuses = [i["pubStatus"] for i in receiver.items_of(story.code)]
    assert statuses == ["usable", "canceled"]  # the failed attempt, then only the kill notice
    first.refresh_from_db()
    assert first.state == State.SUPERSEDED


def test_a_delivery_in_flight_goes_before_the_kill(editions, pushing, receivers):
    """A kill landing while the earlier version is being sent waits for it, so the kill notice
    is the last word the receiver hears."""
    receiver = receivers()
    subscribe(receiver)
    story = make_story(editions[0], headline="In flight")
    in_flight, attempt = webhooks._claim()
    kill_story(story, reason="Wrong")
    assert webhooks.send_due() == 0  # the kill notice waits for the one in flight
    webhooks._attempt(in_flight, attempt)
    webhooks.send_due()
    assert [i["pubStatus"] for i in receiver.items_of(story.code)][-1] == "canceled"


def test_embargoed_items_arrive_early_withheld(editions, pushing, receivers, ninjs_validators):
    receiver = receivers()
    subscribe(receiver)
    until = (timezone.now() + datetime.timedelta(hours=2)).replace(microsecond=0)
    story = make_story(editions[1], headline="زیر تحریم", published=False)
    embargo_story(story, until=until)
    webhooks.send_due()
    (item,) = receiver.items_of(story.code)
    assert item["pubStatus"] == "withheld"
    assert item["embargoedUntil"] == until.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert item["bodies"]  # the subscriber has the text, to prepare
    assert schema_errors(ninjs_validators["3.3"], item) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://localhost:8080/hook",
        "http://0.0.0.0/hook",
        "http://224.0.0.1/hook",
        "http://100.100.100.200/latest/meta-data/",  # shared address space: Alibaba's metadata
        "http://[::ffff:100.64.0.1]/hook",
    ],
)
def test_private_targets_are_refused_when_set(editions, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(Refused, match="private, loopback"):
        add_subscriber("X", webhook_url=url)
    assert "private, loopback" in refused_cli("add", "X", "--webhook", url)
    settings.WEBHOOK_ALLOW_PRIVATE = True
    add_subscriber("X", webhook_url=url)  # allowed when the operator says so


@pytest.mark.parametrize("url", ["ftp://93.184.215.14/", "file:///etc/passwd", "gopher://x/"])
def test_only_http_targets(editions, url):
    with pytest.raises(Refused, match="not an http"):
        add_subscriber("X", webhook_url=url)


def test_a_public_address_is_accepted(editions, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    assert webhooks.resolve("https://93.184.215.14/hook")[2] == ["93.184.215.14"]


def test_targets_are_checked_again_at_delivery(editions, pushing, receivers):
    receiver = receivers()
    subscribe(receiver)
    pushing.WEBHOOK_ALLOW_PRIVATE = False  # the address was fine when set; not any more
    make_story(editions[0])
    webhooks.send_due()
    delivery = Delivery.objects.get()
    assert receiver.requests == []
    assert delivery.state == State.DEAD and delivery.last_error.startswith("refused:")


def test_a_name_resolving_to_shared_address_space_at_delivery_is_refused(
    editions, pushing, receivers, monkeypatch
):
    subscribe(receivers())
    pushing.WEBHOOK_ALLOW_PRIVATE = False
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("100.100.100.200", 80))]
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", lambda *args, **kwargs: answers)
    make_story(editions[0])
    webhooks.send_due()
    delivery = Delivery.objects.get()
    assert delivery.state == State.DEAD
    assert delivery.last_error.startswith("refused:") and "100.100.100.200" in delivery.last_error


@pytest.mark.parametrize(
    ("raw", "waits"),
    [("5s,30s,2m,10m,1h", [5, 30, 120, 600, 3600]), ("0s", [0]), (" 1d , 2h ", [86400, 7200])],
)
def test_retry_schedule_parsing(monkeypatch, raw, waits):
    monkeypatch.setenv("DATELINE_WEBHOOK_RETRY_SCHEDULE", raw)
    assert environment.delays("DATELINE_WEBHOOK_RETRY_SCHEDULE", "5s") == waits


@pytest.mark.parametrize("raw", ["", "5", "5x", "-5s", "5s,,1h", "1.5m", "5 s", "10000000s"])
def test_retry_schedule_errors(monkeypatch, raw):
    monkeypatch.setenv("DATELINE_WEBHOOK_RETRY_SCHEDULE", raw)
    with pytest.raises(ImproperlyConfigured, match="is not a delay such as 5s"):
        environment.delays("DATELINE_WEBHOOK_RETRY_SCHEDULE", "5s")


def test_a_bad_schedule_stops_start_up_with_a_clear_error(tmp_path):
    env = dateline_env(tmp_path, DATELINE_WEBHOOK_RETRY_SCHEDULE="5s,soon")
    result = run_dateline("check", env=env)
    assert result.returncode != 0
    assert "DATELINE_WEBHOOK_RETRY_SCHEDULE" in result.stderr and "'soon'" in result.stderr


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command("subscribers", *args, stdout=out)
    return out.getvalue()


def refused_cli(*args: str) -> str:
    with pytest.raises(CommandError) as failure:
        cli(*args)
    return str(failure.value)


def test_the_newsroom_screen_refuses_private_targets(settings, newsroom):  # noqa: F811
    settings.WEBHOOK_ALLOW_PRIVATE = False
    chief = client_for(newsroom["chief"])
    form = {"name": "Metadata", "rate_limit": "600/m"}
    answer = post(
        chief, "/newsroom/subscribers/", {**form, "webhook_url": "http://169.254.169.254/x"}
    )
    assert answer.status_code == 200
    assert "link-local" in html(answer).select_one(".errorlist, .error-box").get_text()
    assert not Subscriber.objects.exists()


class DripReceiver:
    """A receiver that answers 200 one byte at a time, each byte well within the sender's
    timeout, the whole answer far beyond it: a slow or hostile endpoint. Its headers dripped,
    or (`body`) its headers at once and its body dripped, or (`body, closing`) the same in an
    answer that closes the connection after it (HTTP/1.0, as Python's http.server answers).
    `completed`: the answers it wrote to the end, which a sender that keeps its deadline never
    lets it."""

    def __init__(self, seconds_per_byte: float = 0.2, *, dripped: str = "headers") -> None:
        import socketserver

        self.requests = self.completed = 0
        receiver = self
        if dripped == "body":
            at_once, answer = b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n", b"z" * 40
        elif dripped == "body, closing":
            at_once, answer = b"HTTP/1.0 200 OK\r\nContent-Length: 40\r\n\r\n", b"z" * 40
        else:
            at_once = b""
            answer = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"z" * 40 + b"\r\nContent-Length: 0\r\n\r\n"

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                receiver.requests += 1
                self.wfile.write(at_once)
                for byte in answer:
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:
                        return  # the sender gave up: as it should
                    time.sleep(seconds_per_byte)
                receiver.completed += 1

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("dripped", ["headers", "body", "body, closing"])
def test_an_answer_dripped_a_byte_at_a_time_fails_the_attempt_at_the_deadline(
    editions, pushing, dripped
):
    """The timeout bounds the whole exchange, not each read: otherwise the attempt outlives
    its lease, another worker sends the same delivery again, and the schedule never ends. An
    answer cut off at the deadline is no answer, whatever its status line said."""
    receiver = DripReceiver(dripped=dripped)
    try:
        add_subscriber("Slow", webhook_url=receiver.url)
        make_story(editions[0])
        webhooks.send_due()
        delivery = Delivery.objects.get()
        assert delivery.state == State.DEAD and delivery.attempts == 4
        assert delivery.last_error == "TimeoutError: no whole answer within 0.5 s"
        assert (receiver.requests, receiver.completed) == (4, 0)
    finally:
        receiver.close()


def test_a_revoked_subscribers_delivery_is_not_tried_again_nor_redelivered(
    editions, pushing, receivers
):
    from dateline.wire.subscribers import revoke

    pushing.WEBHOOK_RETRY_SCHEDULE = [3600, 3600, 3600]
    receiver = receivers(script=[500])
    issued = subscribe(receiver, "Leaving")
    make_story(editions[0])
    webhooks.send_due()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (State.PENDING, 1)
    revoke(issued.subscriber)
    retry_comes_due(delivery)
    webhooks.send_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.DEAD, 1)  # its one real attempt
    assert delivery.last_error == webhooks.NOT_SENDABLE
    assert len(receiver.requests) == 1
    assert "was revoked" in refused_cli("redeliver", str(delivery.pk))
    delivery.refresh_from_db()
    assert delivery.state == State.DEAD


@pytest.mark.parametrize("leaves", ["revoked", "without a webhook address"])
def test_a_delivery_to_a_subscriber_gone_before_it_was_sent_is_dropped_uncounted(
    editions, pushing, receivers, leaves
):
    """Nothing was attempted, so no attempt is counted: a kill's notice, which goes to every
    subscriber that was sent the story or tried, must not take it for one."""
    from dateline.wire.subscribers import revoke

    receiver = receivers()
    subscriber = subscribe(receiver, "Leaving").subscriber
    make_story(editions[0])
    if leaves == "revoked":
        revoke(subscriber)
    else:
        Subscriber.objects.filter(pk=subscriber.pk).update(webhook_url="")
    assert webhooks.send_due() == 0
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (State.DEAD, 0)
    assert (delivery.last_error, delivery.leased_until) == (webhooks.NOT_SENDABLE, None)
    assert receiver.requests == []


def test_a_delivery_whose_last_attempt_was_never_recorded_is_a_dead_letter(
    editions, pushing, receivers
):
    """Its worker died during the schedule's last attempt: it is not sent a fifth time."""
    receiver = receivers()
    subscribe(receiver)
    make_story(editions[0])
    Delivery.objects.update(attempts=4, leased_until=timezone.now() - datetime.timedelta(seconds=1))
    assert webhooks.send_due() == 0
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.last_error) == (State.DEAD, "no answer was recorded")
    assert receiver.requests == []


def test_a_status_line_with_terminal_escapes_is_kept_escaped(editions, pushing):
    """A receiver's answer that is no HTTP status line is quoted in the error (BadStatusLine):
    its terminal escapes and line breaks are kept escaped, so `subscribers deliveries` prints
    one line a delivery and the receiver cannot write to the operator's terminal."""
    import socketserver

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            while self.rfile.readline() not in (b"\r\n", b""):
                pass  # the request's headers; its body is left unread
            self.wfile.write(b"HTTP/1.1 \x1b]0;owned\x07 OK\r\nContent-Length: 0\r\n\r\n")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        subscriber = add_subscriber("Hostile", webhook_url=url).subscriber
        make_story(editions[0])
        webhooks.send_due()
    finally:
        server.shutdown()
        server.server_close()
    delivery = Delivery.objects.get()
    assert delivery.state == State.DEAD
    assert delivery.last_error == r"BadStatusLine: HTTP/1.1 \x1b]0;owned\x07 OK\x0d\x0a"
    # One stored raw before errors were escaped is printed escaped too.
    Delivery.objects.update(last_error="BadStatusLine: \x1b[2J\r\n")
    [line] = cli("deliveries", str(subscriber.pk)).splitlines()
    assert line.endswith(r"BadStatusLine: \x1b[2J\x0d\x0a")
