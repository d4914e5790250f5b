"""Wire benchmark: the pull API's page of 100 items, and the webhook fan-out.

API: in one process and one fresh SQLite database, 200 published stories (two editions, tags,
a dateline and a byline, some corrected) and a subscriber with a key. `GET
/api/v1/items?limit=100` with the key is requested through Django's test client and the full
middleware stack (key check, rate limit, access log), beside a minimal plain-Django page in
interleaved rounds, as bench/article.py does. Reports median and p95 ms, queries and size.
Target: ≤ 20 ms median.

Fan-out: 10 subscribers, each with its own real HTTP receiver on 127.0.0.1 (a threaded
http.server in this process that checks the Standard Webhooks signature of every request and
answers 204 only to a valid one), and real `dateline worker` processes on the same SQLite
database (DATELINE_WEBHOOK_ALLOW_PRIVATE=true). 1,000 drafts of Reuters-21578 copy (varied
news: the worker also refreshes Related News after every publication, as in use) are published
one by one through `publish_story`, and the time is taken until all 10,000 deliveries have been
acknowledged (each webhook id counted once). By default (backlog) the stories are published
with no worker running and the clock starts when the workers start: what the workers can do.
With DATELINE_BENCH_WIRE_LIVE=1 the workers run first (warmed up by one story) and the clock
starts at the first publication: end to end, which on a loaded machine is bound by publishing,
as the newsroom's writes share SQLite's one writer with the worker's. Run with one worker
(target ≤ 60 s), then on 1,000 other stories with two. Also reported: how long publishing
took, publications that found the database locked (tried again), and the workers' CPU time
per delivery.
"""

import base64
import contextlib
import hashlib
import hmac
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.djangoenv import fresh_site
from bench.measure import AT_MOST, reuters_files, row, say, summary

MINIMAL_URL = "/bench-minimal"
API_URL = "/api/v1/items?limit=100"
API_STORIES = 200
TARGET_API_MEDIAN_MS = 20
SUBSCRIBERS = 10
TARGET_FAN_OUT_S = 60
GIVE_UP_S = 300
START_TIMEOUT_S = 60
PUBLISH_TRIES = 5
# Live (the stories published while the workers run) is bound by publishing on a loaded
# machine: SQLite's one writer is shared with the worker's Related News task (docs/benchmarks.md).
LIVE = os.environ.get("DATELINE_BENCH_WIRE_LIVE") == "1"


def run(quick: bool) -> list[dict]:
    os.environ["DATELINE_WEBHOOK_ALLOW_PRIVATE"] = "true"  # read at django.setup()
    warmup, rounds, per_round = (20, 4, 25) if quick else (50, 10, 50)
    stories = 200 if quick else 1000
    with fresh_site(static_files=False) as var_dir:
        (var_dir / "static").mkdir()  # no static files are served here; this quiets the warning
        from django.test import Client, override_settings
        from django.test.utils import setup_test_environment

        setup_test_environment()
        sections = _editions()
        key = _api_content(sections)
        say(f"wire: API page of 100 items, {rounds * per_round} requests each")
        with override_settings(ROOT_URLCONF="bench.urls"):
            client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
            api = _measure_api(client, warmup, rounds, per_round)
        rows = _api_rows(*api)
        receivers = _receivers(sections)
        try:
            results = []
            for workers in (1, 2):
                try:
                    results.append(
                        _fan_out(var_dir, receivers, sections, stories, workers, live=LIVE)
                    )
                except RuntimeError as error:  # the API's rows are kept
                    say(f"wire: fan-out with {workers} worker(s) failed: {error}")
                    failed = {"name": f"wire: fan-out, {workers} worker(s)"}
                    done = _fan_out_rows(results, stories)
                    return [*rows, *done, {**failed, "error": str(error)[:2000]}]
        finally:
            for receiver in receivers:
                receiver.close()
    return rows + _fan_out_rows(results, stories)


# --- Content -----------------------------------------------------------------------------------


def _editions():
    from dateline.editions.models import Edition
    from dateline.stories.models import Section

    en = Edition.objects.create(code="en", name="English", language="en", is_default=True)
    fa = Edition.objects.create(code="fa", name="فارسی", language="fa")
    return [
        Section.objects.create(edition=en, slug="world", name="World"),
        Section.objects.create(edition=fa, slug="world", name="جهان"),
    ]


def _drafts(sections, count: int, label: str):
    from dateline.stories.actions import create_story
    from dateline.stories.tagging import tags_for

    return [
        create_story(
            edition=sections[n % 2].edition,
            section=sections[n % 2],
            headline=f"{label} story {n}: talks resume in the capital",
            lead="Negotiators met again on Tuesday after a week of silence, officials said.",
            body="A second paragraph with more detail.\n\n## Background\n\nA third paragraph.",
            byline="By Wire Desk",
            dateline_place="TEHRAN" if n % 2 == 0 else "تهران",
            tags=tags_for([("keyword", "Diplomacy"), ("keyword", f"Topic {n % 7}")]),
        )
        for n in range(count)
    ]


def _reuters_drafts(section, count: int, skip: int) -> list:
    """`count` drafts of Reuters-21578 copy (after the first `skip` stories), imported as
    `dateline import` does: varied news, so that the worker's Related News task, which runs
    beside the webhooks on every publication, does its usual work and not a worst case."""
    from dateline.copy import parse_reuters_sgml
    from dateline.stories.importing import ImportTarget, import_stories

    parsed = []
    for path in reuters_files():
        parsed += parse_reuters_sgml(path.read_bytes(), name=path.name).stories
        if len(parsed) >= skip + count + 100:  # some are skipped: no body, repeats
            break
    target = ImportTarget(edition=section.edition, section=section, publish=False)
    chosen = parsed[skip : skip + count + 100]
    stored = [done.story for done in import_stories(chosen, target) if done.story]
    if len(stored) < count:
        raise RuntimeError(f"only {len(stored)} Reuters stories could be imported")
    return stored[:count]


def _api_content(sections) -> str:
    """API_STORIES published stories, every tenth corrected; a subscriber's key."""
    from dateline.stories.actions import correct_story, publish_story
    from dateline.wire.subscribers import add_subscriber

    for n, story in enumerate(_drafts(sections, API_STORIES, "Pulled")):
        story = publish_story(story)
        if n % 10 == 0:
            correct_story(story, note="An earlier version misspelt a name.", lead="Corrected.")
    return add_subscriber("Bench Pull", rate_limit="1000000/m").api_key


# --- API ---------------------------------------------------------------------------------------


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")
    return response


def _measure_api(client, warmup: int, rounds: int, per_round: int):
    from django.db import connection

    urls = [MINIMAL_URL, API_URL]
    for url in urls:
        for _ in range(warmup):
            _get(client, url)
    page = _get(client, API_URL).json()
    if len(page["items"]) != 100:
        raise RuntimeError(f"the API page has {len(page['items'])} items, not 100")
    queries = []

    def counted(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        size = len(_get(client, API_URL).content)
    timings = {url: [] for url in urls}
    for index in range(rounds):
        for url in urls if index % 2 == 0 else urls[::-1]:
            for _ in range(per_round):
                started = time.perf_counter_ns()
                _get(client, url)
                timings[url].append((time.perf_counter_ns() - started) / 1e6)
    return timings[MINIMAL_URL], timings[API_URL], len(queries), size


def _api_rows(minimal: list[float], api: list[float], queries: int, size: int) -> list[dict]:
    base, page = summary(minimal, "ms per request"), summary(api, "ms per request")
    return [
        row("wire: minimal page: median", base["median"], "ms", samples=base),
        row(
            "wire: API page of 100 items: median",
            page["median"],
            "ms",
            target=(AT_MOST, TARGET_API_MEDIAN_MS),
            samples=page,
            url=API_URL,
        ),
        row("wire: API page of 100 items: p95", page["p95"], "ms"),
        row("wire: API page of 100 items: queries", queries, "queries"),
        row("wire: API page of 100 items: size", size / 1024, "KB"),
        row("wire: API page/minimal ratio", page["median"] / base["median"], "×"),
    ]


# --- Fan-out -----------------------------------------------------------------------------------


class Receiver:
    """A subscriber's endpoint: checks each request's Standard Webhooks signature (by hand, as
    docs/wire.md shows, so that the check costs what a receiver's would), answers 204 to a
    valid one and 401 to any other; counts each webhook id once."""

    def __init__(self):
        self.key = b""
        self.acknowledged: dict[str, float] = {}  # webhook id -> when first acknowledged
        self.bad = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                valid = receiver.verify(self.headers, body)
                self.send_response(204 if valid else 401)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verify(self, headers, body: bytes) -> bool:
        webhook_id, stamp = headers["webhook-id"], headers["webhook-timestamp"]
        signed = f"{webhook_id}.{stamp}.".encode() + body
        expected = base64.b64encode(hmac.new(self.key, signed, hashlib.sha256).digest()).decode()
        given = [part.removeprefix("v1,") for part in headers["webhook-signature"].split()]
        valid = any(hmac.compare_digest(expected, each) for each in given)
        valid = valid and abs(time.time() - int(stamp)) < 300
        with self.lock:
            if valid:
                self.acknowledged.setdefault(webhook_id, time.monotonic())
            else:
                self.bad += 1
        return valid

    def count(self) -> int:
        return len(self.acknowledged)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _receivers(sections) -> list[Receiver]:
    from dateline.wire.subscribers import add_subscriber

    receivers = [Receiver() for _ in range(SUBSCRIBERS)]
    for n, receiver in enumerate(receivers):
        issued = add_subscriber(f"Bench Push {n}", webhook_url=receiver.url)
        receiver.key = base64.b64decode(issued.webhook_secret.removeprefix("whsec_"))
    return receivers


def _fan_out(var_dir: Path, receivers, sections, count: int, workers: int, live: bool) -> dict:
    """Live: the workers run (warmed up by one story) while the stories are published, and the
    clock starts at the first publication. Backlog: the stories are published first, with no
    worker running, and the clock starts when the workers are started."""
    from django.db import connections

    from dateline.stories.actions import publish_story

    drafts = _reuters_drafts(sections[0], count + 1, skip=0 if workers == 1 else 2 * count)
    warm_up, drafts = drafts[0], drafts[1:]
    before = sum(r.count() for r in receivers)
    expected = before + SUBSCRIBERS * (count + 1)
    locked, publishing = 0, 0.0
    if not live:
        publish_story(warm_up)
        began = time.monotonic()
        locked = sum(_publish(story) for story in drafts)
        publishing = time.monotonic() - began
    connections.close_all()
    env = {**os.environ, "DATELINE_VAR_DIR": str(var_dir), "DATELINE_LOG_LEVEL": "WARNING"}
    how = "live" if live else f"backlog (published in {publishing:.0f} s)"
    say(f"wire: fan-out of {count} stories to {SUBSCRIBERS} receivers, {workers} worker(s), {how}")
    with contextlib.ExitStack() as stack:
        logs = [
            stack.enter_context(open(var_dir / f"worker-{workers}-{n}.log", "wb"))
            for n in range(workers)
        ]
        started = time.monotonic()
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "dateline", "worker"], env=env, stdout=log, stderr=log
            )
            for log in logs
        ]
        try:
            if live:
                publish_story(warm_up)
                _wait_for(receivers, before + SUBSCRIBERS, START_TIMEOUT_S, processes)
                started = time.monotonic()
                locked = sum(_publish(story) for story in drafts)
                publishing = time.monotonic() - started
                connections.close_all()
            try:
                _wait_for(receivers, expected, GIVE_UP_S, processes)
            except RuntimeError as error:
                stack.close()
                tails = [
                    (var_dir / f"worker-{workers}-{n}.log").read_text()[-600:]
                    for n in range(workers)
                ]
                raise RuntimeError(f"{error}; the workers' logs end: {tails}") from None
            finished = max(t for r in receivers for t in r.acknowledged.values())
            cpu_seconds = sum(_cpu_seconds(process.pid) for process in processes)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=60)
    return {
        "seconds": finished - started,
        "publishing_seconds": publishing,
        "live": live,
        "bad_signatures": sum(r.bad for r in receivers),
        "publications_locked_out": locked,
        "worker_cpu_ms_per_delivery": cpu_seconds * 1000 / (SUBSCRIBERS * count),
        "rate": SUBSCRIBERS * count / (finished - started),
        "states": _states(),
    }


def _publish(story) -> int:
    """Publish `story`; how many tries found the database locked (SQLite's busy timeout, 5 s,
    passed while the worker held the write lock), each tried again. Reported, not hidden."""
    from django.db import OperationalError

    from dateline.stories.actions import publish_story

    for tries in range(PUBLISH_TRIES):
        try:
            publish_story(story)
            return tries
        except OperationalError:
            if tries == PUBLISH_TRIES - 1:
                raise
    raise AssertionError("unreachable")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time a running process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for(receivers, total: int, timeout: float, processes) -> None:
    deadline = time.monotonic() + timeout
    while sum(r.count() for r in receivers) < total:
        if time.monotonic() > deadline:
            got = sum(r.count() for r in receivers)
            raise RuntimeError(f"{got} of {total} deliveries acknowledged after {timeout:.0f} s")
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"a worker ended with status {process.returncode}")
        time.sleep(0.02)


def _states() -> dict[str, int]:
    from django.db.models import Count

    from dateline.wire.models import Delivery

    counted = Delivery.objects.values("state").annotate(n=Count("id"))
    return {each["state"]: each["n"] for each in counted}


def _fan_out_rows(results: list[dict], count: int) -> list[dict]:
    """Rows for the fan-outs run, one worker first; the ratio once both have run."""
    total = SUBSCRIBERS * count
    rows = []
    for workers, result in enumerate(results, start=1):
        target = (AT_MOST, TARGET_FAN_OUT_S) if workers == 1 and count == 1000 else None
        kind = "from the first publication" if result["live"] else "backlog, from worker start"
        rows.append(
            row(
                f"wire: fan-out {count:,} stories × {SUBSCRIBERS}, {workers} worker(s), {kind}: "
                "until all acknowledged",
                result["seconds"],
                "s",
                target=target,
                deliveries=total,
                publishing_seconds=result["publishing_seconds"],
                publications_locked_out=result["publications_locked_out"],
                bad_signatures=result["bad_signatures"],
                states=result["states"],
            )
        )
        rows.append(
            row(
                f"wire: fan-out, {workers} worker(s): publishing the stories took",
                result["publishing_seconds"],
                "s",
                locked_out=result["publications_locked_out"],
            )
        )
        rows.append(
            row(
                f"wire: fan-out, {workers} worker(s): worker CPU per delivery",
                result["worker_cpu_ms_per_delivery"],
                "ms",
            )
        )
        rows.append(
            row(f"wire: fan-out, {workers} worker(s): deliveries per second", result["rate"], "/s")
        )
    if len(results) == 2:
        ratio = results[0]["seconds"] / results[1]["seconds"]
        rows.append(row("wire: fan-out, 1 worker/2 workers time ratio", ratio, "×"))
    if any(result["bad_signatures"] for result in results):
        raise RuntimeError("a receiver was sent a request with a bad signature")
    return rows
