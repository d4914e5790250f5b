"""Webhook deliveries survive `dateline worker` being killed with SIGKILL mid-delivery and
started again: every item reaches the receiver and is acknowledged, each webhook id always
carries the same item with a valid signature, and after deduplication each item arrives once.

The receiver on 127.0.0.1 answers slowly and refuses each message's first attempt, so that
kills land while deliveries are claimed and in flight; a killed worker's claim is taken over
when its lease runs out (decision 0026)."""

import json
import random
import signal
import time

import pytest
from standardwebhooks.webhooks import Webhook

from tests.ops.test_serve import wait_for
from tests.processes import dateline_env, run_dateline, start_dateline
from tests.wire.test_webhooks import Receiver

pytestmark = pytest.mark.slow

STORIES = 30
KILLS = 4
WORKING_SECONDS = (1.0, 4.0)  # how long a worker runs (including its start) before SIGKILL
# For the last worker: leases of the killed ones run out after 3 timeouts. About a minute on a
# quiet machine; a bound, not a target (the wait ends once all are in).
DRAIN_SECONDS = 180


def setup_wire(url: str, count: int) -> None:
    """An edition, a subscriber pushing to `url`, and `count` published stories; prints the
    subscriber's signing secret."""
    from dateline.editions.models import Edition
    from dateline.stories.actions import create_story, publish_story
    from dateline.wire.subscribers import add_subscriber

    edition = Edition.objects.create(code="en", name="English", language="en", is_default=True)
    issued = add_subscriber("Killed Worker Daily", webhook_url=url)
    for n in range(count):
        publish_story(create_story(edition=edition, headline=f"Story {n}", lead="It happened."))
    print(json.dumps({"secret": issued.webhook_secret}))


def delivered(env) -> int:
    listed = run_dateline(
        "subscribers", "deliveries", "1", "--state", "delivered", "--json", env=env
    )
    return len(listed.stdout.splitlines()) if listed.returncode == 0 else -1


def test_deliveries_survive_sigkill(tmp_path):
    receiver = Receiver(script=[500], delay_seconds=0.2)
    env = dateline_env(
        tmp_path,
        DATELINE_WEBHOOK_ALLOW_PRIVATE="true",
        # No waits: refusing every first attempt, the receiver fails once per story in a row,
        # and each failure pauses its queue for the schedule's next wait (decision 0053).
        # With waits of up to 10 s the drain took 133 s instead of 61.
        DATELINE_WEBHOOK_RETRY_SCHEDULE="0s,0s,0s,0s,0s,0s,0s",
    )
    try:
        run_dateline("migrate", "-v0", env=env, check=True)
        code = (
            f"from tests.ops.test_webhook_worker import *; setup_wire({receiver.url!r}, {STORIES})"
        )
        made = run_dateline("shell", "-v0", "-c", code, env=env)
        assert made.returncode == 0, made.stderr
        secret = json.loads(made.stdout.strip().splitlines()[-1])["secret"]
        random.seed(26)
        for _ in range(KILLS):
            worker = start_dateline("worker", env=env)
            time.sleep(random.uniform(*WORKING_SECONDS))
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        last = start_dateline("worker", env=env)
        try:
            assert wait_for(lambda: delivered(env) == STORIES, DRAIN_SECONDS), delivered(env)
        finally:
            last.send_signal(signal.SIGTERM)
            last.wait(timeout=30)
        by_id = {}
        for headers, body in receiver.requests:
            Webhook(secret).verify(body, headers)
            item = json.loads(body)
            assert by_id.setdefault(headers["webhook-id"], item["uri"]) == item["uri"]
        assert len(by_id) == STORIES  # after deduplication by id: each item once
        assert len(set(by_id.values())) == STORIES
        assert len(receiver.requests) > STORIES  # the refusals were retried
    finally:
        receiver.close()
