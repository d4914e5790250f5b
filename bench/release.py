"""Release benchmark: from a story's scheduled time to its page answering over HTTP.

A real `dateline serve` (gunicorn and `dateline worker`, as `make run` starts them, with the
default settings: the worker polls its queue every second and sweeps every 15 s) on a fresh
SQLite database. Once a warm-up story has shown that both are up, 100 stories are scheduled a
third of a second apart, and each one's public article URL is requested every 50 ms from its
scheduled time until it answers 200. The latency is the moment that answer arrived minus the
scheduled time. Reports the median and the worst (targets ≤ 2 s and ≤ 5 s), and for
information when the worker logged the release (the 'published' change), which is the
worker's share of the wait. A page that answers 200 before its time is an error.
"""

import datetime
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.djangoenv import fresh_site
from bench.measure import AT_MOST, row, say, summary

TARGET_MEDIAN_S = 2
TARGET_WORST_S = 5
SPACING_S = 1 / 3
FIRST_DUE_S = 3  # after scheduling, so that every story is scheduled before its time
POLL_S = 0.05
START_TIMEOUT_S = 60
GIVE_UP_AFTER_S = 30  # a story not shown this long after its time counts as lost


def run(quick: bool) -> list[dict]:
    count = 30 if quick else 100
    with fresh_site(static_files=True) as var_dir:
        from django.db import connections

        edition = _edition()
        connections.close_all()  # the server's processes get the database to themselves
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = var_dir / "serve.log"
        with open(log_path, "wb") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "dateline", "serve", "--port", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_until_releasing(base, edition, server, log_path)
            say(f"release: {count} stories scheduled {SPACING_S:.2f} s apart on {base}")
            due = _schedule(edition, count)
            connections.close_all()
            shown, early = _poll(base, due)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        logged = _logged_after_due(due)
        by_task = _released_by_their_task(due)
    return _rows(shown, early, logged, by_task, count)


def _edition():
    from dateline.editions.models import Edition
    from dateline.stories.models import Section

    edition = Edition.objects.create(code="en", name="English", language="en", is_default=True)
    Section.objects.create(edition=edition, slug="world", name="World")
    return edition


def _schedule(edition, count: int, first_due_s: float = FIRST_DUE_S) -> dict[str, float]:
    """`count` stories scheduled SPACING_S apart; their article URLs and times (epoch s)."""
    from django.utils import timezone

    from dateline.stories.actions import create_story, schedule_story

    section = edition.sections.get()
    drafts = [
        create_story(
            edition=edition,
            section=section,
            headline=f"Scheduled story {n}",
            lead="It was published on the minute.",
            body="A second paragraph.\n\nA third paragraph.",
        )
        for n in range(count)
    ]
    first = timezone.now() + datetime.timedelta(seconds=first_due_s)
    due = {}
    for n, story in enumerate(drafts):
        at = first + datetime.timedelta(seconds=n * SPACING_S)
        story = schedule_story(story, at=at)
        due[story.get_absolute_url()] = at.timestamp()
    return due


def _wait_until_releasing(base: str, edition, server, log_path: Path) -> None:
    """Until the server answers and the worker has released a warm-up story."""
    from django.db import connections

    deadline = time.monotonic() + START_TIMEOUT_S
    while _status(base + "/healthz") != 200:
        _check_alive(server, log_path, deadline)
        time.sleep(0.1)
    [url] = _schedule(edition, 1, first_due_s=1)
    connections.close_all()
    while _status(base + url) != 200:
        _check_alive(server, log_path, deadline)
        time.sleep(0.1)


def _check_alive(server, log_path: Path, deadline: float) -> None:
    if server.poll() is not None or time.monotonic() > deadline:
        output = log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"dateline serve did not start or release in time:\n{output}")


def _poll(base: str, due: dict[str, float]) -> tuple[list[float], list[str]]:
    """Seconds from each story's time to its page's first 200; pages shown before their time."""
    pending = dict(due)
    shown, early = [], []
    while pending:
        now = time.time()
        for url, at in sorted(pending.items(), key=lambda item: item[1]):
            if now < at - 1:
                break  # still well before its time: looked at in a later round
            if _status(base + url) == 200:
                answered = time.time()
                del pending[url]
                if answered < at:
                    early.append(url)
                shown.append(answered - at)
            elif now - at > GIVE_UP_AFTER_S:
                raise RuntimeError(f"{url} still not shown {GIVE_UP_AFTER_S} s after its time")
        time.sleep(POLL_S)
    return shown, early


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _logged_after_due(due: dict[str, float]) -> list[float]:
    """Seconds from each story's time to its 'published' change."""
    from dateline.stories.models import StoryChange

    codes = {_code(url): at for url, at in due.items()}
    changes = StoryChange.objects.filter(action="published", story_id__in=codes)
    return [change.at.timestamp() - codes[change.story_id] for change in changes]


def _released_by_their_task(due: dict[str, float]) -> int:
    """How many of the stories their own queued task released (a sweep released the rest)."""
    from django_tasks_db.models import DBTaskResult

    codes = {_code(url) for url in due}
    finished = DBTaskResult.objects.filter(status="SUCCESSFUL", return_value=1)
    return sum(task.args_kwargs["args"][0] in codes for task in finished)


def _code(url: str) -> int:
    return int(url.split("/")[3])  # /<edition>/news/<code>/<slug>


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _rows(shown, early, logged, by_task: int, count: int) -> list[dict]:
    if early:
        raise RuntimeError(f"{len(early)} pages answered before their time, e.g. {early[0]}")
    if len(logged) != count:
        raise RuntimeError(f"{len(logged)} 'published' changes for {count} stories")
    samples = summary(shown, "s from the scheduled time to the page answering 200")
    notes = {
        "stories": count,
        "spacing_s": round(SPACING_S, 3),
        "poll_s": POLL_S,
        "released_by_their_task": by_task,
        "released_by_a_sweep": count - by_task,
    }
    return [
        row(
            "release: scheduled time → page, median",
            samples["median"],
            "s",
            target=(AT_MOST, TARGET_MEDIAN_S),
            samples=samples,
            **notes,
        ),
        row(
            "release: scheduled time → page, worst",
            samples["max"],
            "s",
            target=(AT_MOST, TARGET_WORST_S),
        ),
        row(
            "release: scheduled time → change logged, median",
            statistics.median(logged),
            "s",
            samples=summary(logged, "s from the scheduled time to the 'published' change"),
        ),
    ]
