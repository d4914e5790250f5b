"""The cursor under concurrent publishing: several `dateline` processes publish, correct and
kill stories at once, each holding its transaction open a moment after its change ids are
drawn (so that, unless ids commit in order, a later id can commit before an earlier one),
while another process polls the feed with the last cursor, a small page at a time. Afterwards
the poller must have had every story at its final change, nothing twice, and each story's
deliveries in order; on SQLite and on PostgreSQL (a throw-away database of its own, as in
tests/ops/test_release_worker.py)."""

import json
import random
import time

import pytest

from tests.ops.test_release_worker import (  # noqa: F401  (fixtures)
    fresh_env,
    postgresql_database,
    postgresql_server,
    postgresql_template,
    sqlite_env,
    sqlite_template,
)
from tests.processes import run_dateline, start_dateline

pytestmark = pytest.mark.slow

PUBLISHERS = 3
STORIES_EACH = 25
PAGE = 4

# --- run inside the fresh `dateline` processes --------------------------------------------------


def set_up() -> None:
    from dateline.editions.models import Edition
    from dateline.wire.subscribers import add_subscriber

    Edition.objects.create(code="en", name="English", language="en", is_default=True)
    print(json.dumps({"subscriber": add_subscriber("Poller").subscriber.pk}))


def publish(count: int, seed: int) -> None:
    from django.db import transaction

    from dateline.editions.models import Edition
    from dateline.stories.actions import (
        correct_story,
        create_story,
        kill_story,
        publish_story,
    )

    chance = random.Random(seed)
    edition = Edition.objects.get(code="en")
    for number in range(count):
        with transaction.atomic():
            story = create_story(edition=edition, headline=f"P{seed} {number}", lead="Lead.")
            publish_story(story)
            time.sleep(chance.uniform(0, 0.05))  # ids drawn, not committed yet
        roll = chance.random()
        if roll < 0.3:
            with transaction.atomic():
                correct_story(story, note="Fixed a name.", lead="Corrected lead.")
                time.sleep(chance.uniform(0, 0.05))
        elif roll < 0.4:
            kill_story(story, reason="Withdrawn.")


def poll(subscriber_id: int, page: int, quiet_seconds: float) -> None:
    """Poll until nothing new has come for `quiet_seconds`; print each delivery."""
    from dateline.wire.feed import page_after
    from dateline.wire.models import Subscriber

    subscriber = Subscriber.objects.get(pk=subscriber_id)
    print(json.dumps({"ready": True}), flush=True)
    cursor, last_new = 0, time.monotonic()
    while time.monotonic() - last_new < quiet_seconds:
        result = page_after(subscriber, cursor, page)
        for entry in result.entries:
            print(json.dumps({"story": entry.story.pk, "change": entry.change.pk}))
        if result.entries:
            last_new = time.monotonic()
        assert result.cursor >= cursor
        cursor = result.cursor
        time.sleep(0.005)


def final_state() -> None:
    """Each story's newest change that the wire sends, as the database has it at the end."""
    from django.db.models import Max

    from dateline.stories.models import StoryChange
    from dateline.wire.feed import WIRE_ACTIONS

    newest = (
        StoryChange.objects.filter(action__in=WIRE_ACTIONS)
        .values("story")
        .annotate(change=Max("id"))
    )
    for row in newest:
        print(json.dumps({"final": row["story"], "change": row["change"]}))


# --- the test process ---------------------------------------------------------------------------


def call(name: str) -> list[str]:
    return ["shell", "-v0", "-c", f"from tests.wire.test_cursor_concurrency import *; {name}"]


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_a_poller_never_misses_nor_repeats_an_item(fresh_env):  # noqa: F811
    setup = run_dateline(*call("set_up()"), env=fresh_env)
    assert setup.returncode == 0, setup.stderr
    subscriber = lines(setup.stdout)[0]["subscriber"]
    # The quiet window outlasts the publishers' start: on a loaded machine a fresh `dateline`
    # process took over 8 s to publish its first story, and the poller had given up by then.
    poller = start_dateline(*call(f"poll({subscriber}, {PAGE}, 30.0)"), env=fresh_env)
    first = poller.stdout.readline()  # polling from now on, before anything is published
    assert json.loads(first) == {"ready": True}, first
    publishers = [
        start_dateline(*call(f"publish({STORIES_EACH}, {seed})"), env=fresh_env)
        for seed in range(PUBLISHERS)
    ]
    for publisher in publishers:
        output, _ = publisher.communicate(timeout=300)
        assert publisher.returncode == 0, output.decode()
    polled, _ = poller.communicate(timeout=300)
    assert poller.returncode == 0, polled.decode()
    final = run_dateline(*call("final_state()"), env=fresh_env)
    assert final.returncode == 0, final.stderr

    delivered = lines(polled.decode())
    expected = {row["final"]: row["change"] for row in lines(final.stdout)}
    assert len(expected) == PUBLISHERS * STORIES_EACH
    pairs = [(row["story"], row["change"]) for row in delivered]
    assert len(pairs) == len(set(pairs)), "an item was delivered twice at one change"
    last = {}
    for story, change in pairs:
        assert change > last.get(story, 0), f"story {story} went back to change {change}"
        last[story] = change
    missed = {story: change for story, change in expected.items() if last.get(story) != change}
    assert not missed, f"items whose final change the poller never had: {missed}"
    changes = [change for _, change in pairs]
    assert changes == sorted(changes), "deliveries out of the change log's order"
