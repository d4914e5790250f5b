"""Load benchmark: the scaled deployment (deploy/scaled.py, what `make scaled-up` starts) under
a newsroom's traffic for minutes, with faults.

On a throw-away PostgreSQL cluster and Redis of its own (below): nginx at the edge, Varnish
behind it, two gunicorn processes (two workers each) and two `dateline worker` processes,
production profile, the demo content and 10,000 more published stories (bulk-written). Readers
alone for WARMUP_S (the caches are cold after the bulk write; reported apart), then, for
DURATION_S:

- readers arriving at random, READ_RATE requests per second on average, whatever the speed
  of the answers (latency counts from the moment a request was due, queueing included):
  article pages (half of them among the 200 newest, the rest over all 10,000+), the front,
  section and tag pages, search;
- a comment posted every second (the form read, then sent, as a browser would);
- a story published every 5 s, through the actions in this process, as a desk would: the
  time until its page answers and the front shows it, both through the cache;
- a kill at 40 % of the run: the time until its page answers 410 and the front, its section
  page and a search for its headline's word no longer show it, through the cache;
- at 50 %, one gunicorn process (master and workers) and one task worker killed with SIGKILL,
  and started again 5 s later, as a service manager would;
- at 62 %, Redis stopped for OUTAGE_S (up to 15 s), then started again (empty): no reader
  request may fail;
- at 80 %, PostgreSQL stopped for OUTAGE_S, then started again: pages Varnish or the page
  cache still hold are served stale, every other request answers 503 with Retry-After, and
  service must be back within 5 s of the database's return. The desk publishes nothing from
  REACH_TARGET_S before the stop until the return (it cannot publish without its database).

PostgreSQL and Redis are the benchmark's own (a throw-away cluster made with initdb, a
redis-server without persistence, on the benchmark's ports), so stopping them disturbs nobody
else's work on the machine.

Reports requests per second, p50/p99 and errors through the cache (targets: 0 errors, p99 ≤ 50
ms), per kind of page with the share of cache hits; the worst publication and kill delays
(target ≤ 5 s); the resident memory of each web and worker process at the demo size and after
the run. Afterwards, wrk (Debian's `wrk`) against nginx serving the article page as a static
file and against the same page through the edge (target ≥ 0.9 ×), through Varnish alone and,
with its comments open, through both, in the same run; with each target's server CPU per
request (the ratio a host set apart from wrk's share of the cores would show).

Ports: DATELINE_LOAD_PORT and the 7 after it (the edge, two gunicorn, PostgreSQL, Redis, nginx's
static file, Varnish), else free ones picked at random. Latency is what is measured, not CPU
time: run it at normal priority (under `nice` its own processes wait seconds behind the
machine's other work, and so do the readers' latencies).

Skips when varnishd, PostgreSQL's initdb or redis-server is missing; the wrk comparison skips
without wrk or nginx.
"""

import collections
import concurrent.futures
import contextlib
import dataclasses
import datetime
import html
import http.client
import io
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.measure import AT_LEAST, AT_MOST, percentile, row, say, skipped
from deploy import scaled, varnish

STORIES = 10_000
DURATION_S = 180
# Readers only, before the measured run: the stories were just bulk-written, so every cache
# is cold (more than 2,000 changes retire every page, decision 0032). Reported apart.
WARMUP_S = 30
# Reader requests per second, all kinds (DATELINE_LOAD_RATE to try others).
READ_RATE = int(os.environ.get("DATELINE_LOAD_RATE", "15"))
READERS = 256  # at most this many readers' requests open at once
PUBLISH_EVERY_S = 5
COMMENT_EVERY_S = 1
REACH_TARGET_S = 5
P99_TARGET_MS = 50
KILL_AT = 0.40
PROCESSES_KILLED_AT = 0.50
REDIS_STOPPED_AT = 0.62
DATABASE_STOPPED_AT = 0.80
OUTAGE_S = 15  # at most: a tenth of a short run
RESTART_AFTER_S = 5
WRK_SECONDS = 5
WRK_ROUNDS = 5
STATIC = "nginx static file"
# The same file with nginx's open_file_cache, as the edge keeps its stored files open: the
# edge's ratio to it says what is left once both are spared opening the file on each request.
STATIC_KEPT = "nginx static file, kept open"
CLOSED = "the edge (nginx, then Varnish), article with comments closed"
VARNISH_ALONE = "Varnish alone, article with comments closed"
OPEN = "the edge, article with comments open (ESI form)"
WRK_CONNECTIONS = 32
STATIC_RATIO_TARGET = 0.9
DATABASE = "dateline_bench_load"
PORTS = 8  # the edge, 2 gunicorn, PostgreSQL, Redis, nginx static, Varnish, spare
SEARCH_WORDS = ["rail", "budget", "water", "port", "talks", "figures", "drought", "grain"]
BODY = (
    "The ministry said the figures, published on Sunday, covered the first nine months. "
    "Officials expect the trend to continue into the new year.\n\n"
) * 6


def run(quick: bool) -> list[dict]:
    missing = _missing_parts()
    if missing:
        return [skipped("load", missing)]
    duration = 45 if quick else DURATION_S
    stories = 2_000 if quick else STORIES
    base = int(os.environ.get("DATELINE_LOAD_PORT", "0")) or _free_port_range(PORTS)
    with (
        tempfile.TemporaryDirectory(prefix="dateline-bench-load-") as scratch,
        PrivateServices(Path(scratch), first_port=base + 3) as services,
    ):
        deployment = _deployment(Path(scratch), base, services)
        try:
            return _run(deployment, services, duration, stories)
        finally:
            scaled.down(deployment)
            _keep_logs(deployment, services)
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()


def _keep_logs(deployment: scaled.Deployment, services: "PrivateServices") -> None:
    """The processes' logs, for reading after the run: bench/results/load-logs/."""
    kept = Path(__file__).resolve().parent / "results" / "load-logs"
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir(parents=True)
    for log in [
        *(deployment.state_dir / "logs").glob("*.log"),
        deployment.state_dir / "varnish.log",
        services.postgres_log,
        services.redis_log,
    ]:
        if log.is_file():
            shutil.copy(log, kept / log.name)
    say(f"load: logs in {kept}")


def _keep_samples(load: "LoadRun") -> None:
    """Every reader request, for reading the run's course afterwards."""
    kept = Path(__file__).resolve().parent / "results" / "load-samples.json"
    kept.parent.mkdir(exist_ok=True)  # a fresh clone has no results yet
    kept.write_text(json.dumps([dataclasses.asdict(s) for s in load.samples]), encoding="utf-8")


def _missing_parts() -> str:
    if not varnish.available():
        return "varnishd (apt-get install varnish) or a C compiler is missing"
    if not PrivateServices.available():
        return "PostgreSQL's initdb/pg_ctl or redis-server is missing"
    return ""


def _deployment(state_dir: Path, base: int, services: "PrivateServices") -> scaled.Deployment:
    return scaled.Deployment(
        state_dir=state_dir,
        edge_port=base,
        first_web_port=base + 1,
        varnish_port=base + 6,
        database_url=services.database_url,
        redis_url=services.redis_url,
        extra_env={
            "DATELINE_CACHE_PREFIX": f"bench-load-{os.getpid()}",
            # One driver is every commenter, from one address: the limits are not measured here.
            "DATELINE_COMMENT_RATE": "100/s",
            "DATELINE_COMMENT_MIN_SECONDS": "1",
            "DATELINE_LOG_LEVEL": "WARNING",
        },
    )


class PrivateServices:
    """A PostgreSQL cluster (initdb into the scratch directory) and a redis-server of the
    benchmark's own, on `first_port` and the next: the faults stop and start them."""

    def __init__(self, scratch: Path, *, first_port: int):
        self.data = scratch / "postgres"
        self.postgres_port, self.redis_port = first_port, first_port + 1
        self.postgres_log = scratch / "postgres.log"
        self.redis_log = scratch / "redis.log"
        self.redis: subprocess.Popen | None = None
        self.database_url = f"postgres://postgres@127.0.0.1:{self.postgres_port}/{DATABASE}"
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"

    @staticmethod
    def available() -> bool:
        return bool(_postgres_bin("initdb")) and shutil.which("redis-server") is not None

    def __enter__(self) -> "PrivateServices":
        self.data.mkdir()
        # PostgreSQL refuses to run as root: the cluster is then the postgres user's.
        if os.geteuid() == 0:
            self.data.parent.chmod(0o755)
            shutil.chown(self.data, "postgres", "postgres")
            self.postgres_log.touch()
            shutil.chown(self.postgres_log, "postgres", "postgres")
        _as_postgres(
            [_postgres_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
             "--no-sync", "--encoding=UTF8", "--locale=C.UTF-8"],
        )  # fmt: skip
        self.start_postgres()
        self.start_redis()
        return self  # scaled.up makes the database

    def __exit__(self, *exc) -> None:
        self.stop_redis()
        self.stop_postgres()

    def start_postgres(self) -> None:
        options = (
            f"-p {self.postgres_port} -c listen_addresses=127.0.0.1 -k {self.data} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        _as_postgres(
            [_postgres_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.postgres_log),
             "-o", options, "-w", "start"],
        )  # fmt: skip

    def stop_postgres(self) -> None:
        """Fast shutdown: every connection dropped at once, as when the server goes away."""
        if (self.data / "postmaster.pid").exists():
            _as_postgres(
                [_postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]
            )

    def start_redis(self) -> None:
        with self.redis_log.open("ab") as log:
            self.redis = subprocess.Popen(
                ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no"],
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        _wait_port(self.redis_port)

    def stop_redis(self) -> None:
        if self.redis and self.redis.poll() is None:
            self.redis.terminate()
            self.redis.wait(timeout=10)


def _postgres_bin(name: str) -> str | None:
    """`name` from the newest PostgreSQL installed (Debian keeps them outside PATH)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3])
    )
    return str(found[-1]) if found else shutil.which(name)


def _as_postgres(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True)


def _run(
    deployment: scaled.Deployment, services: PrivateServices, duration: float, stories: int
) -> list[dict]:
    started = time.perf_counter()
    scaled.up(deployment)
    say(f"load: scaled form up in {time.perf_counter() - started:.0f} s at {deployment.reader_url}")
    _setup_django(deployment)
    base = deployment.reader_url
    memory_demo = _memory(deployment, base, warm=True)
    started = time.perf_counter()
    pool = _add_stories(stories)
    say(f"load: {stories:,} stories written in {time.perf_counter() - started:.0f} s")
    load = LoadRun(deployment, services, pool, duration)
    cpu_before = _cpu_seconds(deployment, services)
    load.run()
    cpu = _cpu_used(cpu_before, _cpu_seconds(deployment, services))
    _keep_samples(load)
    from django.db import connections

    connections.close_all()  # this thread's, broken when the database was stopped
    memory_after = _memory(deployment, base, warm=False)
    comparison = _static_comparison(deployment, pool, deployment.edge_port + 5)
    rows = _rows(load, memory_demo, memory_after, comparison, stories)
    return rows + [
        row(f"load: CPU of {name} during the run", round(seconds, 1), "s", duration=duration)
        for name, seconds in sorted(cpu.items())
    ]


def _cpu_seconds(deployment: scaled.Deployment, services: PrivateServices) -> dict:
    """CPU seconds used so far by each process of each part, by (part, pid, start): the web
    processes, the task workers, Varnish, PostgreSQL, Redis, and this driver (the readers,
    the desk and its watchers, the commenter)."""
    used = {}
    groups = [(e["name"].rstrip("0123456789"), e["pid"]) for e in scaled.status(deployment)]
    postmaster = services.data / "postmaster.pid"
    if postmaster.exists():
        groups.append(("postgres", int(postmaster.read_text().split()[0])))
    if services.redis and services.redis.poll() is None:
        groups.append(("redis", services.redis.pid))
    for part, pid in groups:
        for member in _tree(pid):
            # With its start time: a process id can be reused (PostgreSQL's connections).
            used[(part, member, scaled.started_at(member))] = scaled.cpu_seconds(member)
    times = os.times()
    used[("load driver", os.getpid(), None)] = times.user + times.system
    return used


def _cpu_used(before: dict, after: dict) -> dict[str, float]:
    """Per part, what its processes used between the two readings (a process started in
    between counts from zero; one that died in between is lost)."""
    parts = collections.Counter()
    for key, seconds in after.items():
        parts[key[0]] += seconds - before.get(key, 0.0)
    return dict(parts)


def _setup_django(deployment: scaled.Deployment) -> None:
    """This process is the desk: it publishes and kills through the actions, so its changes
    are banned from the cache as any web process's are."""
    os.environ.update(deployment.environment())
    os.environ["DJANGO_SETTINGS_MODULE"] = "dateline.config.settings"
    import django

    django.setup()


# --- the content -------------------------------------------------------------------------------


class Pool:
    """What readers ask for: article paths (newest last), sections, tags; shared by threads."""

    def __init__(self, articles, sections, tags):
        self.articles = articles
        self.sections = sections
        self.tags = tags
        self.lock = threading.Lock()

    def add(self, path: str) -> None:
        with self.lock:
            self.articles.append(path)

    def remove(self, path: str) -> None:
        with self.lock:
            self.articles.remove(path)

    def article(self, rng: random.Random) -> str:
        with self.lock:
            if rng.random() < 0.5:
                return rng.choice(self.articles[-200:])
            return rng.choice(self.articles)


def _add_stories(count: int) -> Pool:
    """`count` published stories of the English edition, spread over its sections, with one
    'published' change each (bulk-written: the actions would take minutes and are not what is
    measured), then the search index rebuilt and the edition's model fitted."""
    from django.core.management import call_command
    from django.utils import timezone

    from dateline.editions.models import Edition
    from dateline.stories.models import Section, Story, StoryChange, Tag

    edition = Edition.objects.get(code="en")
    sections = list(Section.objects.filter(edition=edition))
    rng, now = random.Random(84299330), timezone.now()
    made = []
    for start in range(0, count, 2_000):
        batch = []
        for n in range(start, min(count, start + 2_000)):
            at = now - datetime.timedelta(minutes=(count - n) * 5)
            batch.append(
                Story(
                    edition=edition,
                    section=rng.choice(sections),
                    headline=f"Archive story {n}: the {rng.choice(SEARCH_WORDS)} figures",
                    slug=f"archive-story-{n}",
                    language="en",
                    lead="The ministry published new figures on Sunday, officials said.",
                    body=BODY,
                    body_html="".join(f"<p>{p}</p>" for p in BODY.split("\n\n") if p),
                    status="published",
                    published_at=at,
                    created_at=at,
                    updated_at=at,
                )
            )
        written = Story.objects.bulk_create(batch)
        StoryChange.objects.bulk_create(
            StoryChange(story=story, version=1, action="published", at=story.published_at)
            for story in written
        )
        made += written
    call_command("reindex", verbosity=0)
    # The model a site of this size has had for long (the worker fits it on its own once a
    # publication finds none: decision 0051, a rebuild of every list in the middle of the run).
    call_command("related", "--fit", stdout=io.StringIO())
    public = Story.objects.public().filter(edition=edition).order_by("published_at")
    articles = [f"/en/news/{code}/{slug}" for code, slug in public.values_list("code", "slug")]
    tag_slugs = list(
        Tag.objects.filter(stories__edition=edition).values_list("slug", flat=True).distinct()
    )
    return Pool(articles, [f"/en/section/{s.slug}/" for s in sections], tag_slugs)


# --- the run -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Sample:
    """One reader request: `due_s` since the run began; `latency_ms` from when it was due,
    `service_ms` from when it was sent."""

    kind: str
    due_s: float
    latency_ms: float
    service_ms: float
    status: int | None
    cache: str
    retry_after: bool
    gone_as_expected: bool  # 404/410 for the killed story


@dataclasses.dataclass
class Outage:
    part: str  # "redis" or "database"
    began_s: float
    ended_s: float = math.inf
    recovered_s: float | None = None  # database: its return until an uncached page answered

    def excuses(self, sample: Sample) -> bool:
        """A 503 with Retry-After is the promised answer while the database is away, and until
        REACH_TARGET_S after its return."""
        answered_s = sample.due_s + sample.latency_ms / 1000
        return (
            self.part == "database"
            and sample.status == 503
            and sample.retry_after
            and answered_s >= self.began_s
            and sample.due_s <= self.ended_s + REACH_TARGET_S
        )

    def holds(self, sample: Sample) -> bool:
        return self.began_s <= sample.due_s <= self.ended_s


class LoadRun:
    def __init__(
        self,
        deployment: scaled.Deployment,
        services: PrivateServices,
        pool: Pool,
        duration: float,
    ):
        self.deployment = deployment
        self.services = services
        self.host, self.port = deployment.host, deployment.edge_port
        self.pool = pool
        self.duration = duration
        self.outage_s = min(OUTAGE_S, duration / 10)
        self.stop = threading.Event()
        self.desk_paused = threading.Event()
        self.samples: list[Sample] = []
        self.warmup: list[Sample] = []  # the readers' samples before the measured run
        self.samples_lock = threading.Lock()
        self.comments = []  # (seconds since the start, status, ms)
        self.published = []  # (headline, seconds until visible or None)
        self.desk_errors = []
        self.killed = None  # seconds until gone everywhere, or None
        self.faults = []
        self.outages: list[Outage] = []
        self.started = 0.0
        self.expected_gone: set[str] = set()
        self._last_published = None
        # Read here, once: a query from each comment's own thread would leave a database
        # connection open per comment.
        self.commentable = _commentable()

    def run(self) -> None:
        """Readers alone for WARMUP_S (their samples kept apart), then the measured run."""
        self.started = time.monotonic() + WARMUP_S
        readers = threading.Thread(target=self._readers, name="readers")
        readers.start()
        time.sleep(WARMUP_S)
        threads = [
            threading.Thread(target=self._commenter, name="commenter"),
            threading.Thread(target=self._desk, name="desk"),
            threading.Thread(target=self._faults, name="faults"),
        ]
        for thread in threads:
            thread.start()
        time.sleep(self.duration)
        self.stop.set()
        for thread in [readers, *threads]:
            thread.join(timeout=60)
        self.elapsed = time.monotonic() - self.started
        self.warmup = [s for s in self.samples if s.due_s < 0]
        self.samples = [s for s in self.samples if s.due_s >= 0]

    def now_s(self) -> float:
        return time.monotonic() - self.started

    def failures(self) -> collections.Counter:
        """Reader-visible failures: no answer, 5xx (but the database outage's promised 503s),
        4xx other than the killed story's."""
        failed = collections.Counter()
        for sample in self.samples:
            if sample.status is None or sample.status >= 500:
                if not any(outage.excuses(sample) for outage in self.outages):
                    failed[f"{sample.kind} {sample.status}"] += 1
            elif sample.status >= 400 and not sample.gone_as_expected:
                failed[f"{sample.kind} {sample.status}"] += 1
        return failed

    # readers

    def _readers(self) -> None:
        """Requests at READ_RATE whatever the answers' speed (readers do not wait for each
        other): each is handed to one of READERS threads when due, and its latency counts from
        then, so time spent queued behind slow answers is measured too."""
        rng = random.Random(84299330)
        local = threading.local()
        interval = 1 / READ_RATE
        due = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(READERS, thread_name_prefix="reader") as pool:
            while not self.stop.is_set():
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                kind, path = self._pick(rng)
                pool.submit(self._read, local, kind, path, due)
                due += rng.expovariate(1 / interval)  # arrivals at random, READ_RATE on average

    def _read(self, local: threading.local, kind: str, path: str, due: float) -> None:
        connection = getattr(local, "connection", None) or self._connection()
        sent = time.monotonic()
        status, cache, retry_after, local.connection = self._get(connection, path)
        answered = time.monotonic()
        sample = Sample(
            kind=kind,
            due_s=due - self.started,
            latency_ms=(answered - due) * 1000,
            service_ms=(answered - sent) * 1000,
            status=status,
            cache=cache,
            retry_after=retry_after,
            gone_as_expected=status in (404, 410) and path in self.expected_gone,
        )
        with self.samples_lock:
            self.samples.append(sample)

    def _pick(self, rng: random.Random) -> tuple[str, str]:
        roll = rng.random()
        if roll < 0.70:
            return "article", self.pool.article(rng)
        if roll < 0.80:
            return "front", "/en/"
        if roll < 0.88:
            return "section", rng.choice(self.pool.sections)
        if roll < 0.93 and self.pool.tags:
            return "tag", f"/en/tag/{rng.choice(self.pool.tags)}/"
        return "search", f"/en/search?{urlencode({'q': rng.choice(SEARCH_WORDS)})}"

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=10)

    def _get(self, connection, path: str):
        """(status, X-Cache, has Retry-After, connection): None as the status when no answer
        came."""
        for attempt in range(2):  # a keep-alive connection the cache closed: once more, new
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                cache = response.getheader("X-Cache", "")
                # Kept by the edge (nginx) a second: its copy carries the X-Cache Varnish gave
                # when the edge fetched it, but no web process or Varnish worked for this one.
                if response.getheader("X-Edge-Cache") in ("HIT", "STALE", "UPDATING"):
                    cache = "HIT"
                # A stored page assembled with its comment form (ESI): delivered private by
                # Varnish, and it waited for the form from a web process, as a miss waits.
                if "no-store" in response.getheader("Cache-Control", ""):
                    cache += " ESI"
                retry_after = response.getheader("Retry-After") is not None
                return response.status, cache, retry_after, connection
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = self._connection()
                if attempt:
                    return None, "", False, connection
        return None, "", False, connection

    def fetch(self, path: str, headers: dict | None = None, body: bytes | None = None):
        connection = self._connection()
        try:
            connection.request("POST" if body else "GET", path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read().decode()
        finally:
            connection.close()

    # comments

    def _commenter(self) -> None:
        due = time.monotonic()
        workers = []
        n = 0
        while not self.stop.is_set():
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            worker = threading.Thread(target=self._post_comment, args=(n,), daemon=True)
            worker.start()
            workers.append(worker)
            n += 1
            due += COMMENT_EVERY_S
        for worker in workers:
            worker.join(timeout=15)

    def _post_comment(self, n: int) -> None:
        path = self.commentable
        try:
            _, _, page = self.fetch(path)
            # No CSRF token or cookie (decision 0034): the form token, and the Origin a
            # browser sends with a same-origin post.
            fields = dict(re.findall(r'name="(token)" value="([^"]+)"', page))
            time.sleep(1.2)  # DATELINE_COMMENT_MIN_SECONDS
            form = {
                **{k: html.unescape(v) for k, v in fields.items()},
                "name": f"Reader {n}",
                "email": f"reader{n}@example.org",
                "text": f"Comment {n}: thank you for the report.",
                "parent": "",
                "website": "",
            }
            began = time.monotonic()
            sent_s = self.now_s()
            status, _, _ = self.fetch(
                f"{path.rsplit('/', 1)[0]}/comment",
                headers={
                    "Origin": f"http://{self.host}:{self.port}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                body=urlencode(form).encode(),
            )
            self.comments.append((sent_s, status, (time.monotonic() - began) * 1000))
        except (OSError, http.client.HTTPException) as error:
            self.comments.append((self.now_s(), f"error: {error!r}"[:80], 0))

    # the desk: a publication every 5 s, one kill

    def _desk(self) -> None:
        from django.db import DatabaseError, connection

        from dateline.editions.models import Edition
        from dateline.stories.actions import create_story, kill_story, publish_story
        from dateline.stories.models import Section

        edition = Edition.objects.get(code="en")
        sections = list(Section.objects.filter(edition=edition))
        watchers = []
        due, n, killed = time.monotonic() + 2, 0, False
        while not self.stop.is_set():
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            due += PUBLISH_EVERY_S
            if self.desk_paused.is_set():
                continue
            late_enough = self.now_s() >= KILL_AT * self.duration
            try:
                if not killed and late_enough and self._last_published:
                    victim = self._last_published
                    watchers.append(self._watch_kill(victim, kill_story))
                    killed = True
                section = sections[n % len(sections)]
                story = create_story(
                    edition=edition,
                    headline=f"Breaking {n}: ministers meet on the {SEARCH_WORDS[n % 8]} plan",
                    lead="Ministers met on Monday to discuss the plan, officials said.",
                    body=BODY,
                    section=section,
                )
                story = publish_story(story)
            except DatabaseError as error:  # its connection, broken by the database's restart
                self.desk_errors.append(f"{self.now_s():.0f} s: {error!r}"[:120])
                connection.close()
                continue
            published = time.monotonic()
            path = f"/en/news/{story.code}/{story.slug}"
            self._last_published = (story, path, section)
            watchers.append(self._watch_publication(story, path, published))
            n += 1
        for watcher in watchers:
            watcher.join(timeout=20)
        connection.close()

    def _watch_publication(self, story, path: str, published: float) -> threading.Thread:
        def seen() -> bool:
            if self.fetch(path)[0] != 200:
                return False
            status, _, front = self.fetch("/en/")
            return status == 200 and html.escape(story.headline) in front

        def watch() -> None:
            seconds = _within(seen, 15, published)
            self.published.append((story.headline, seconds))
            if seconds is not None:
                self.pool.add(path)

        thread = threading.Thread(target=watch, daemon=True)
        thread.start()
        return thread

    def _watch_kill(self, victim, kill_story) -> threading.Thread:
        story, path, section = victim
        section_path = f"/en/section/{section.slug}/"
        for page in (path, path, "/en/", section_path):
            self.fetch(page)  # in the cache, as readers left it
        headline = html.escape(story.headline)

        search = f"/en/search?{urlencode({'q': story.headline.split()[-2]})}"
        self.fetch(search)
        listings = ("/en/", section_path, search)

        def gone() -> bool:
            if self.fetch(path)[0] != 410:
                return False
            return all(headline not in self.fetch(page)[2] for page in listings)

        self.expected_gone.add(path)
        kill_story(story, reason="Legal advice: withdrawn")
        killed_at = time.monotonic()

        def watch() -> None:
            self.killed = _within(gone, 15, killed_at)

        thread = threading.Thread(target=watch, daemon=True)
        thread.start()
        return thread

    # faults: a web process and a worker killed; Redis stopped; PostgreSQL stopped

    def _faults(self) -> None:
        if self._wait_until(PROCESSES_KILLED_AT * self.duration):
            return
        self._kill_processes()
        if self._wait_until(REDIS_STOPPED_AT * self.duration):
            return
        outage = self._outage("redis", self.services.stop_redis)
        stopped = self._wait_until(outage.began_s + self.outage_s)
        self._end_outage(outage, self.services.start_redis)
        if stopped:
            return
        # Nothing is published in the last REACH_TARGET_S before the database stops: its
        # pages could not be seen within them.
        if self._wait_until(DATABASE_STOPPED_AT * self.duration - REACH_TARGET_S):
            return
        self.desk_paused.set()
        if self._wait_until(DATABASE_STOPPED_AT * self.duration):
            return
        outage = self._outage("database", self.services.stop_postgres)
        self._wait_until(outage.began_s + self.outage_s)
        self._end_outage(outage, self.services.start_postgres)
        outage.recovered_s = _within(self._uncached_page_answers, 15, time.monotonic())
        self.desk_paused.clear()

    def _wait_until(self, at_s: float) -> bool:
        """Sleep until `at_s` into the run; True if the run ended first."""
        return self.stop.wait(max(0.0, at_s - self.now_s()))

    def _outage(self, part: str, stop) -> Outage:
        outage = Outage(part, began_s=self.now_s())  # its connections drop as the stop begins
        stop()
        self.outages.append(outage)
        self.faults.append({"stopped": part, "at_s": round(outage.began_s, 1)})
        say(f"load: {part} stopped at {outage.began_s:.0f} s")
        return outage

    def _end_outage(self, outage: Outage, start) -> None:
        start()
        outage.ended_s = self.now_s()
        self.faults.append({"started": outage.part, "at_s": round(outage.ended_s, 1)})
        say(f"load: {outage.part} started again at {outage.ended_s:.0f} s")

    def _uncached_page_answers(self) -> bool:
        """A search no one asked before: neither Varnish nor the page cache holds it."""
        query = urlencode({"q": f"{random.choice(SEARCH_WORDS)} {random.randrange(10**9)}"})
        return self.fetch(f"/en/search?{query}")[0] == 200

    def _kill_processes(self) -> None:
        entries = {entry["name"]: entry for entry in scaled.status(self.deployment)}
        for name in ("web0", "worker0"):
            entry = entries.get(name)
            if entry and entry["alive"]:
                os.killpg(entry["pid"], signal.SIGKILL)
                at = self.now_s()
                self.faults.append({"killed": name, "at_s": round(at, 1)})
                say(f"load: {name} killed with SIGKILL at {at:.0f} s")
        # What a service manager does (systemd's Restart=always, RestartSec=5): start them again.
        if self.stop.wait(RESTART_AFTER_S):
            return
        for name, start in (("web0", scaled.start_web), ("worker0", scaled.start_worker)):
            entries[name] = start(self.deployment, 0)
            self.faults.append({"restarted": name, "at_s": round(self.now_s(), 1)})
        scaled.record(self.deployment, list(entries.values()))


def _commentable() -> str:
    """The article readers comment on: the English edition's first story."""
    from dateline.stories.models import Story

    story = Story.objects.public().filter(edition__code="en").order_by("code").first()
    return f"/en/news/{story.code}/{story.slug}"


def _within(check, limit: float, since: float) -> float | None:
    while time.monotonic() - since < limit:
        try:
            if check():
                return time.monotonic() - since
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    return None


# --- memory -------------------------------------------------------------------------------------


def _memory(deployment: scaled.Deployment, base: str, *, warm: bool) -> dict:
    """Resident MiB of each gunicorn worker, each gunicorn master, each task worker."""
    if warm:  # every kind of page rendered at least once by every process
        for port in deployment.web_ports:
            for path in ["/en/", "/en/news/1", "/en/search?q=rail", "/en/section/economy/"] * 4:
                connection = http.client.HTTPConnection(deployment.host, port, timeout=10)
                connection.request("GET", path)
                connection.getresponse().read()
                connection.close()
    web, masters, workers = [], [], []
    for entry in scaled.status(deployment):
        if not entry["alive"]:
            continue
        if entry["name"].startswith("web"):
            masters.append(scaled.rss_mib(entry["pid"]))
            web += [scaled.rss_mib(child) for child in scaled.children(entry["pid"])]
        elif entry["name"].startswith("worker"):
            workers.append(scaled.rss_mib(entry["pid"]))
    return {"web_worker_mib": web, "web_master_mib": masters, "task_worker_mib": workers}


# --- wrk: the article page from nginx's disk, through the edge and from Varnish -----------------


def _static_comparison(deployment: scaled.Deployment, pool: Pool, static_port: int) -> dict:
    """wrk against each target in turn, WRK_ROUNDS rounds interleaved (the machine's other
    work shifts from one minute to the next; interleaving spreads it over every target), first
    with wrk and the servers free to use both cores, then with wrk on core 0 and the server
    under test on core 1 (so that wrk and the server do not take each other's core, alike for
    nginx, the edge and Varnish). Ratios are the median of the per-round ratios."""
    wrk, nginx = shutil.which("wrk"), shutil.which("nginx") or "/usr/sbin/nginx"
    if not wrk or not Path(nginx).is_file():
        return {"skipped": "wrk or nginx is missing (apt-get install wrk nginx-light)"}
    from dateline.stories.actions import set_comment_policy

    article, closed = pool.articles[-300], pool.articles[-301]
    set_comment_policy(int(closed.split("/")[3]), "closed")
    time.sleep(0.5)
    pages = {"article.html": article, "closed.html": closed}
    results = {"article": article, "closed_article": closed, "rounds": WRK_ROUNDS}
    edge, cache = _pid(deployment, "edge"), _pid(deployment, "varnish")
    with _static_nginx(deployment, pages, static_port) as nginx_process:
        # Each target: its address, and the processes that answer it (the first is the one
        # pinned); their CPU per request is what the target costs, whatever the host's speed.
        targets = {
            STATIC: (f"http://127.0.0.1:{static_port}/closed.html", [nginx_process.pid]),
            STATIC_KEPT: (f"http://127.0.0.1:{static_port}/kept/closed.html", [nginx_process.pid]),
            CLOSED: (f"{deployment.reader_url}{closed}", [edge, cache]),
            VARNISH_ALONE: (f"{deployment.varnish_url}{closed}", [cache]),
            OPEN: (f"{deployment.reader_url}{article}", [edge, cache, *_web_pids(deployment)]),
        }
        for url, _ in targets.values():
            subprocess.run([wrk, "-t1", "-c4", "-d2s", url], capture_output=True)  # warm
        for pinned in (False, True):
            mode = "pinned" if pinned else "free"
            runs = collections.defaultdict(list)
            for round_ in range(WRK_ROUNDS):
                for label, (url, servers) in targets.items():
                    say(f"load: wrk {label}, {mode}, round {round_ + 1}")
                    runs[label].append(_wrk(wrk, url, servers, pinned=pinned))
            results[mode] = dict(runs)
    return results


def _pid(deployment: scaled.Deployment, name: str) -> int:
    return next(e["pid"] for e in scaled.status(deployment) if e["name"] == name)


def _web_pids(deployment: scaled.Deployment) -> list[int]:
    return [e["pid"] for e in scaled.status(deployment) if e["name"].startswith("web")]


@contextlib.contextmanager
def _static_nginx(deployment, pages: dict[str, str], port: int):
    root = deployment.state_dir / "static-copy"
    root.mkdir(parents=True, exist_ok=True)
    for name, path in pages.items():
        connection = http.client.HTTPConnection(deployment.host, deployment.edge_port)
        connection.request("GET", path)
        (root / name).write_bytes(connection.getresponse().read())
        connection.close()
    config = deployment.state_dir / "nginx-static.conf"
    config.write_text(
        f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes auto;
daemon off;
pid {deployment.state_dir / "nginx-static.pid"};
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root};
    proxy_temp_path {root};
    fastcgi_temp_path {root};
    uwsgi_temp_path {root};
    scgi_temp_path {root};
    server {{
        listen 127.0.0.1:{port};
        root {root};
        default_type text/html;
        location /kept/ {{
            alias {root}/;
            open_file_cache max=100 inactive=10s;
        }}
    }}
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        ["/usr/sbin/nginx", "-c", str(config), "-e", "stderr"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_port(port)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wrk(wrk: str, url: str, servers: list[int], *, pinned: bool) -> dict:
    """One wrk run, and the CPU the `servers`' process trees spent per request in it (from
    /proc: a cost that scales with the host's speed alike for every target, where requests per
    second also depend on how wrk and the servers share the two cores). `pinned`: the first
    server's tree on core 1 and wrk (one thread) on core 0."""
    command = [wrk, "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency", url]
    if pinned:
        for pid in _tree(servers[0]):
            subprocess.run(["taskset", "-a", "-p", "-c", "1", str(pid)], capture_output=True)
        command = ["taskset", "-c", "0", wrk, "-t1", *command[2:]]
    cpu_before = _tree_cpu_seconds(servers)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu_used = _tree_cpu_seconds(servers) - cpu_before
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    requests = int(re.search(r"(\d+) requests in", output)[1])
    latency = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", output))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:  # an error page is not the page: the comparison would be void
        raise RuntimeError(f"wrk {url}: {errors[1]} answers were not 200:\n{output}")
    if pinned:  # the other targets' turn: the whole machine again
        for pid in _tree(servers[0]):
            subprocess.run(["taskset", "-a", "-p", "-c", "0-1", str(pid)], capture_output=True)
    return {
        "requests_per_s": rate,
        "server_cpu_us_per_request": cpu_used / requests * 1e6,
        "p50": latency.get("50"),
        "p99": latency.get("99"),
    }


def _tree_cpu_seconds(pids: list[int]) -> float:
    return sum(scaled.cpu_seconds(member) for pid in pids for member in _tree(pid))


def _tree(pid: int) -> list[int]:
    return [pid, *(grandchild for child in scaled.children(pid) for grandchild in _tree(child))]


# --- results -------------------------------------------------------------------------------------


def _rows(load: LoadRun, memory_demo, memory_after, comparison, stories) -> list[dict]:
    samples = load.samples
    failures = load.failures()
    rows = [
        row(
            "load: reader requests through the cache",
            round(len(samples) / load.elapsed, 1),
            "req/s",
            requests=len(samples),
            seconds=round(load.elapsed, 1),
            stories=stories,
            offered_rate=READ_RATE,
            load_average=os.getloadavg(),
        ),
        row(
            "load: reader errors (5xx but the database outage's 503s, 4xx, no answer)",
            sum(failures.values()),
            "errors",
            target=(AT_MOST, 0),
            failures=dict(failures),
            faults=load.faults,
        ),
        _latency_row("load: all reads", samples, target=P99_TARGET_MS),
        _latency_row(f"load: warm-up ({WARMUP_S} s, cold caches, not counted)", load.warmup),
        _latency_row("load: the cache's hits", [s for s in samples if s.cache == "HIT"]),
        # From sending to the answer: without the time the driver itself was late in sending.
        _latency_row(
            "load: the cache's hits, sent to answered",
            [s for s in samples if s.cache == "HIT"],
            measure="service_ms",
        ),
        _latency_row(
            "load: stored pages assembled with their comment form (ESI)",
            [s for s in samples if s.cache == "HIT ESI"],
        ),
        _latency_row(
            "load: the cache's misses", [s for s in samples if s.cache.startswith("MISS")]
        ),
        _latency_row(
            "load: reads outside the faults",
            [s for s in samples if s.due_s < PROCESSES_KILLED_AT * load.duration],
        ),
    ]
    rows += _outage_rows(load)
    for kind in sorted({s.kind for s in samples}):
        of_kind = [s for s in samples if s.kind == kind]
        hits = sum(1 for s in of_kind if s.cache.startswith("HIT")) / len(of_kind)
        rows.append(_latency_row(f"load: {kind}", of_kind, cache_hits=round(hits, 3)))
        rows.append(row(f"load: {kind} cache hits", round(hits * 100, 1), "%"))
    delays = [seconds for _, seconds in load.published]
    shown = [d for d in delays if d is not None]
    rows.append(
        row(
            "load: publication visible through the cache, worst",
            round(max(shown), 2) if len(shown) == len(delays) and shown else 999,
            "s",
            target=(AT_MOST, REACH_TARGET_S),
            published=len(delays),
            never_shown=len(delays) - len(shown),
            median=round(sorted(shown)[len(shown) // 2], 2) if shown else None,
            each=[None if d is None else round(d, 2) for d in delays],
        )
    )
    rows.append(
        row(
            "load: kill gone from its page, the front, its section and search",
            round(load.killed, 2) if load.killed is not None else 999,
            "s",
            target=(AT_MOST, REACH_TARGET_S),
        )
    )
    database_away = [o for o in load.outages if o.part == "database"]
    # A post while the database is away cannot be taken: 503, as for any page not in a cache.
    expected = [
        (at, status, ms)
        for at, status, ms in load.comments
        if not any(o.began_s <= at <= o.ended_s + REACH_TARGET_S for o in database_away)
    ]
    posted = [ms for _, status, ms in expected if status == 303]
    rows.append(
        row(
            "load: comment posts accepted (the database present)",
            len(posted),
            "posts",
            target=(AT_LEAST, max(1, len(expected))),
            sent=len(load.comments),
            sent_while_the_database_was_away=len(load.comments) - len(expected),
            refused=collections.Counter(str(s) for _, s, _ in expected if s != 303),
            p99_ms=round(percentile(posted, 0.99), 1) if posted else None,
        )
    )
    for label, memory in (
        ("demo content", memory_demo),
        (f"{stories:,} stories, after the run", memory_after),
    ):
        for key, name in (
            ("web_worker_mib", "gunicorn worker"),
            ("web_master_mib", "gunicorn master"),
            ("task_worker_mib", "task worker"),
        ):
            values = memory[key]
            if values:
                rows.append(
                    row(
                        f"load: memory per {name} ({label})",
                        round(max(values), 1),
                        "MiB",
                        each=[round(v, 1) for v in values],
                    )
                )
    rows += _comparison_rows(comparison)
    return rows


def _latency_row(
    name: str, samples: list[Sample], *, target=None, measure="latency_ms", **extra
) -> dict:
    """p99 as the value (its target, if any), p50 and the count beside it."""
    values = [getattr(sample, measure) for sample in samples] or [math.nan]
    return row(
        f"{name}, p99",
        round(percentile(values, 0.99), 2),
        "ms",
        target=(AT_MOST, target) if target else None,
        p50=round(percentile(values, 0.5), 2),
        requests=len(samples),
        **extra,
    )


def _outage_rows(load: LoadRun) -> list[dict]:
    """While Redis was away: its reads, and their failures (target 0). While the database was
    away: how many reads were served (stale, from a cache) and how many answered 503 with
    Retry-After, and the time until an uncached page answered again after its return."""
    rows, failures = [], load.failures()
    for outage in load.outages:
        during = [s for s in load.samples if outage.holds(s)]
        served = sum(1 for s in during if s.status == 200)
        promised = sum(1 for s in during if outage.excuses(s))
        failed = [
            s for s in during if (s.status is None or s.status >= 500) and not outage.excuses(s)
        ]
        rows.append(
            row(
                f"load: {outage.part} away ({outage.ended_s - outage.began_s:.0f} s), reads failed",
                len(failed),
                "errors",
                target=(AT_MOST, 0),
                reads=len(during),
                answered_200=served,
                answered_503_retry_after=promised,
                by_kind=collections.Counter(f"{s.kind} {s.status} {s.cache}" for s in during),
                p99_ms=round(percentile([s.latency_ms for s in during] or [math.nan], 0.99), 1),
            )
        )
        if outage.part == "database":
            rows.append(
                row(
                    "load: database back, until an uncached page answers",
                    round(outage.recovered_s, 2) if outage.recovered_s is not None else 999,
                    "s",
                    target=(AT_MOST, REACH_TARGET_S),
                    failures_overall=sum(failures.values()),
                )
            )
    return rows


def _comparison_rows(comparison: dict) -> list[dict]:
    if "skipped" in comparison:
        return [skipped("load: wrk comparison", comparison["skipped"])]
    rows = []
    for mode in ("free", "pinned"):
        runs = comparison[mode]
        for label, results in runs.items():
            rates = [result["requests_per_s"] for result in results]
            cpu = [result["server_cpu_us_per_request"] for result in results]
            rows.append(
                row(f"load: wrk {label} ({mode})", round(statistics.median(rates)), "req/s",
                    each=[round(rate) for rate in rates], runs=results)
            )  # fmt: skip
            rows.append(
                row(f"load: wrk {label} ({mode}), server CPU", round(statistics.median(cpu), 1),
                    "µs/request", each=[round(us, 1) for us in cpu])
            )  # fmt: skip
            if label in (STATIC, STATIC_KEPT):
                continue
            rows.append(_ratio_row(comparison, mode, label, STATIC))
            if label == CLOSED:
                rows.append(_ratio_row(comparison, mode, label, STATIC_KEPT))
                rows.append(_ratio_row(comparison, mode, label, STATIC, per_cpu=True))
    return rows


def _ratio_row(
    comparison: dict, mode: str, label: str, baseline: str, *, per_cpu: bool = False
) -> dict:
    """Per round, the target's requests per second against the baseline's, or with `per_cpu`
    its requests per server CPU second: what the first becomes on a host where the servers,
    not wrk or the host's other work, set the pace."""

    def rate(result: dict) -> float:
        if per_cpu:
            return 1e6 / result["server_cpu_us_per_request"]
        return result["requests_per_s"]

    runs = comparison[mode]
    ratios = [
        rate(mine) / rate(static) for mine, static in zip(runs[label], runs[baseline], strict=True)
    ]
    # What readers reach against the file as nginx serves it plainly is the target; the
    # others explain it.
    target = label == CLOSED and baseline == STATIC and not per_cpu
    return row(
        f"load: {label} / {baseline} ({mode})"
        + (", requests per server CPU second" if per_cpu else ""),
        round(statistics.median(ratios), 3),
        "×",
        **({"target": (AT_LEAST, STATIC_RATIO_TARGET)} if target else {}),
        each=[round(ratio, 3) for ratio in ratios],
        page=comparison["article" if label == OPEN else "closed_article"],
    )


# --- small helpers ------------------------------------------------------------------------------


def _free_port_range(size: int) -> int:
    rng = random.Random()
    for _ in range(100):
        base = rng.randrange(20_000, 30_000)
        try:
            for port in range(base, base + size):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


def _wait_port(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


if __name__ == "__main__":  # a run outside bench/run.py, for trying it
    print(json.dumps(run(quick=True), indent=2, default=str))
