"""Load benchmark: the scaled deployment (deploy/scaled.py, what `make scaled-up` starts) under
a newsroom's traffic for minutes, with faults.

Its own throw-away PostgreSQL database and Redis prefix, on free ports: Varnish in front of two
gunicorn processes (two workers each) and two `dateline worker` processes, production profile,
the demo content and 10,000 more published stories (bulk-written). Then, for DURATION_S:

- readers arriving at random, READ_RATE requests per second on average, whatever the speed
  of the answers (latency counts from the moment a request was due, queueing included):
  article pages (half of them among the 200 newest, the rest over all 10,000+), the front,
  section and tag pages, search;
- a comment posted every second (the form read, then sent, as a browser would);
- a story published every 5 s, through the actions in this process, as a desk would: the
  time until its page answers and the front shows it, both through the cache;
- a kill at 40 % of the run: the time until its page answers 410 and the front, its section
  page and a search for its headline's word no longer show it, through the cache;
- at 55 %, one gunicorn process (master and workers) and one task worker killed with SIGKILL,
  and started again 5 s later, as a service manager would.

Reports requests per second, p50/p99 and errors through the cache (targets: 0 errors, p99 ≤ 50
ms), per kind of page with the share of cache hits; the worst publication and kill delays
(target ≤ 5 s); the resident memory of each web and worker process at the demo size and after
the run. Afterwards, wrk (Debian's `wrk`) against nginx serving the article page as a static
file and against the same page through Varnish, in the same run (target ≥ 0.9 ×).

Skips when varnishd, PostgreSQL or Redis is missing; the wrk comparison skips without wrk or
nginx.
"""

import collections
import concurrent.futures
import contextlib
import datetime
import html
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
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
# Reader requests per second, all kinds (DATELINE_LOAD_RATE to try others).
READ_RATE = int(os.environ.get("DATELINE_LOAD_RATE", "15"))
READERS = 256  # at most this many readers' requests open at once
PUBLISH_EVERY_S = 5
COMMENT_EVERY_S = 1
REACH_TARGET_S = 5
P99_TARGET_MS = 50
KILL_AT = 0.40
FAULTS_AT = 0.55
RESTART_AFTER_S = 5
WRK_SECONDS = 10
WRK_CONNECTIONS = 32
STATIC_RATIO_TARGET = 0.9
DATABASE = "dateline_bench_load"
REDIS_DB = 9
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
    with tempfile.TemporaryDirectory(prefix="dateline-bench-load-") as scratch:
        deployment = _deployment(Path(scratch))
        scaled.drop_database(deployment.database_url)
        scaled.ensure_services(deployment)
        try:
            return _run(deployment, duration, stories)
        finally:
            scaled.down(deployment)
            _keep_logs(deployment)
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            scaled.drop_database(deployment.database_url)


def _keep_logs(deployment: scaled.Deployment) -> None:
    """The processes' logs, for reading after the run: bench/results/load-logs/."""
    kept = Path(__file__).resolve().parent / "results" / "load-logs"
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir(parents=True)
    for log in [
        *(deployment.state_dir / "logs").glob("*.log"),
        deployment.state_dir / "varnish.log",
    ]:
        if log.is_file():
            shutil.copy(log, kept / log.name)
    say(f"load: logs in {kept}")


def _missing_parts() -> str:
    if not varnish.available():
        return "varnishd (apt-get install varnish) or a C compiler is missing"
    for port, name in ((5432, "PostgreSQL"), (6379, "Redis")):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except OSError:
            return f"{name} does not answer on 127.0.0.1:{port}"
    return ""


def _deployment(state_dir: Path) -> scaled.Deployment:
    base = _free_port_range(3)
    return scaled.Deployment(
        state_dir=state_dir,
        cache_port=base,
        first_web_port=base + 1,
        database_url=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        redis_url=f"redis://127.0.0.1:6379/{REDIS_DB}",
        extra_env={
            "DATELINE_CACHE_PREFIX": f"bench-load-{os.getpid()}",
            # One driver is every commenter, from one address: the limits are not measured here.
            "DATELINE_COMMENT_RATE": "100/s",
            "DATELINE_COMMENT_MIN_SECONDS": "1",
            "DATELINE_LOG_LEVEL": "WARNING",
        },
    )


def _run(deployment: scaled.Deployment, duration: float, stories: int) -> list[dict]:
    started = time.perf_counter()
    scaled.up(deployment)
    say(f"load: scaled form up in {time.perf_counter() - started:.0f} s at {deployment.cache_url}")
    _setup_django(deployment)
    base = deployment.cache_url
    memory_demo = _memory(deployment, base, warm=True)
    started = time.perf_counter()
    pool = _add_stories(stories)
    say(f"load: {stories:,} stories written in {time.perf_counter() - started:.0f} s")
    load = LoadRun(deployment, pool, duration)
    load.run()
    memory_after = _memory(deployment, base, warm=False)
    comparison = _static_comparison(deployment, pool)
    return _rows(load, memory_demo, memory_after, comparison, stories)


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
    measured), then the search index rebuilt."""
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
    public = Story.objects.public().filter(edition=edition).order_by("published_at")
    articles = [f"/en/news/{code}/{slug}" for code, slug in public.values_list("code", "slug")]
    tag_slugs = list(
        Tag.objects.filter(stories__edition=edition).values_list("slug", flat=True).distinct()
    )
    return Pool(articles, [f"/en/section/{s.slug}/" for s in sections], tag_slugs)


# --- the run -----------------------------------------------------------------------------------


class LoadRun:
    def __init__(self, deployment: scaled.Deployment, pool: Pool, duration: float):
        self.deployment = deployment
        self.host, self.port = deployment.host, deployment.cache_port
        self.pool = pool
        self.duration = duration
        self.stop = threading.Event()
        self.samples = []  # (kind, due, latency_ms, status, cache)
        self.samples_lock = threading.Lock()
        self.failures = collections.Counter()  # reader-visible: 5xx, connection errors
        self.comments = []  # (status, ms)
        self.published = []  # (headline, seconds until visible or None)
        self.killed = None  # seconds until gone everywhere, or None
        self.faults = []
        self.started = 0.0
        self.expected_gone: set[str] = set()
        self._last_published = None
        # Read here, once: a query from each comment's own thread would leave a database
        # connection open per comment.
        self.commentable = _commentable()

    def run(self) -> None:
        self.started = time.monotonic()
        threads = [
            threading.Thread(target=self._readers, name="readers"),
            threading.Thread(target=self._commenter, name="commenter"),
            threading.Thread(target=self._desk, name="desk"),
            threading.Thread(target=self._faults, name="faults"),
        ]
        for thread in threads:
            thread.start()
        time.sleep(self.duration)
        self.stop.set()
        for thread in threads:
            thread.join(timeout=60)
        self.elapsed = time.monotonic() - self.started

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
        status, cache, local.connection = self._get(connection, path)
        answered = time.monotonic()
        latency, service = (answered - due) * 1000, (answered - sent) * 1000
        gone_as_expected = status in (404, 410) and path in self.expected_gone
        with self.samples_lock:
            self.samples.append((kind, due - self.started, latency, status, cache, service))
            if status is None or status >= 500 or (status >= 400 and not gone_as_expected):
                self.failures[f"{kind} {status}"] += 1

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
        """(status, X-Cache, connection): None as the status when no answer came."""
        for attempt in range(2):  # a keep-alive connection the cache closed: once more, new
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                return response.status, response.getheader("X-Cache", ""), connection
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = self._connection()
                if attempt:
                    return None, "", connection
        return None, "", connection

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
            status, _, _ = self.fetch(
                f"{path.rsplit('/', 1)[0]}/comment",
                headers={
                    "Origin": f"http://{self.host}:{self.port}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                body=urlencode(form).encode(),
            )
            self.comments.append((status, (time.monotonic() - began) * 1000))
        except (OSError, http.client.HTTPException) as error:
            self.comments.append((f"error: {error!r}"[:80], 0))

    # the desk: a publication every 5 s, one kill

    def _desk(self) -> None:
        from django.db import connection

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
            late_enough = time.monotonic() - self.started >= KILL_AT * self.duration
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
            published = time.monotonic()
            path = f"/en/news/{story.code}/{story.slug}"
            self._last_published = (story, path, section)
            watchers.append(self._watch_publication(story, path, published))
            n += 1
            due += PUBLISH_EVERY_S
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

    # faults: a web process and a worker killed

    def _faults(self) -> None:
        if self.stop.wait(FAULTS_AT * self.duration):
            return
        entries = {entry["name"]: entry for entry in scaled.status(self.deployment)}
        for name in ("web0", "worker0"):
            entry = entries.get(name)
            if entry and entry["alive"]:
                os.killpg(entry["pid"], signal.SIGKILL)
                at = time.monotonic() - self.started
                self.faults.append({"killed": name, "at_s": round(at, 1)})
                say(f"load: {name} killed with SIGKILL at {at:.0f} s")
        # What a service manager does (systemd's Restart=always, RestartSec=5): start them again.
        if self.stop.wait(RESTART_AFTER_S):
            return
        for name, start in (("web0", scaled.start_web), ("worker0", scaled.start_worker)):
            entries[name] = start(self.deployment, 0)
            self.faults.append(
                {"restarted": name, "at_s": round(time.monotonic() - self.started, 1)}
            )
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


# --- wrk: the article page from nginx's disk and from Varnish ------------------------------------


def _static_comparison(deployment: scaled.Deployment, pool: Pool) -> dict:
    wrk, nginx = shutil.which("wrk"), shutil.which("nginx") or "/usr/sbin/nginx"
    if not wrk or not Path(nginx).is_file():
        return {"skipped": "wrk or nginx is missing (apt-get install wrk nginx-light)"}
    results = {}
    from dateline.stories.actions import set_comment_policy

    article = pool.articles[-300]
    code = int(article.split("/")[3])
    closed = pool.articles[-301]
    set_comment_policy(int(closed.split("/")[3]), "closed")
    time.sleep(0.5)
    with _static_nginx(deployment, {"article.html": article, "closed.html": closed}) as port:
        for label, target in (
            ("nginx static file", f"http://127.0.0.1:{port}/article.html"),
            ("Varnish, article page", f"{deployment.cache_url}{article}"),
            ("Varnish, article page with comments closed", f"{deployment.cache_url}{closed}"),
        ):
            say(f"load: wrk {label}")
            results[label] = _wrk(wrk, target)
    results["article"] = article
    results["article_code"] = code
    results["closed_article"] = closed
    return results


@contextlib.contextmanager
def _static_nginx(deployment, pages: dict[str, str]):
    root = deployment.state_dir / "static-copy"
    root.mkdir(parents=True, exist_ok=True)
    for name, path in pages.items():
        connection = http.client.HTTPConnection(deployment.host, deployment.cache_port)
        connection.request("GET", path)
        (root / name).write_bytes(connection.getresponse().read())
        connection.close()
    port = _free_port_range(1)
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
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wrk(wrk: str, url: str) -> dict:
    command = [wrk, "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency", url]
    subprocess.run([wrk, "-t1", "-c4", "-d2s", url], capture_output=True)  # warm the cache
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    latency = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", output))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:  # an error page is not the page: the comparison would be void
        raise RuntimeError(f"wrk {url}: {errors[1]} answers were not 200:\n{output}")
    return {
        "requests_per_s": rate,
        "p50": latency.get("50"),
        "p99": latency.get("99"),
    }


# --- results -------------------------------------------------------------------------------------


def _rows(load: LoadRun, memory_demo, memory_after, comparison, stories) -> list[dict]:
    samples = load.samples
    latencies = [s[2] for s in samples]
    errors = sum(load.failures.values())
    rate = len(samples) / load.elapsed
    rows = [
        row(
            "load: reader requests through the cache",
            round(rate, 1),
            "req/s",
            requests=len(samples),
            seconds=round(load.elapsed, 1),
            stories=stories,
            offered_rate=READ_RATE,
            load_average=os.getloadavg(),
        ),
        row(
            "load: reader errors (5xx, no answer)",
            errors,
            "errors",
            target=(AT_MOST, 0),
            failures=dict(load.failures),
            faults=load.faults,
        ),
        row("load: p50", round(percentile(latencies, 0.5), 2), "ms"),
        row(
            "load: p99",
            round(percentile(latencies, 0.99), 2),
            "ms",
            target=(AT_MOST, P99_TARGET_MS),
        ),
    ]
    hits = [s for s in samples if s[4] == "HIT"]
    if hits:
        rows.append(
            row(
                "load: p99 of the cache's hits",
                round(percentile([s[2] for s in hits], 0.99), 2),
                "ms",
                p50=round(percentile([s[2] for s in hits], 0.5), 2),
            )
        )
        # From sending to the answer, without the time the driver's own threads were late.
        rows.append(
            row(
                "load: p99 of the cache's hits, sent to answered",
                round(percentile([s[5] for s in hits], 0.99), 2),
                "ms",
                p50=round(percentile([s[5] for s in hits], 0.5), 2),
            )
        )
    after_faults = [s[2] for s in samples if s[1] >= FAULTS_AT * load.duration]
    if after_faults:
        rows.append(
            row("load: p99 after the faults", round(percentile(after_faults, 0.99), 2), "ms")
        )
    by_kind = collections.defaultdict(list)
    for kind, _, latency, _, cache, _ in samples:
        by_kind[kind].append((latency, cache))
    for kind, kind_samples in sorted(by_kind.items()):
        values = [latency for latency, _ in kind_samples]
        hits = sum(1 for _, cache in kind_samples if cache == "HIT") / len(kind_samples)
        rows.append(
            row(
                f"load: {kind} p99",
                round(percentile(values, 0.99), 2),
                "ms",
                p50=round(percentile(values, 0.5), 2),
                requests=len(values),
                cache_hits=round(hits, 3),
            )
        )
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
    posted = [ms for status, ms in load.comments if status == 303]
    rows.append(
        row(
            "load: comment posts accepted",
            len(posted),
            "posts",
            target=(AT_LEAST, max(1, len(load.comments))),
            sent=len(load.comments),
            refused=collections.Counter(str(s) for s, _ in load.comments if s != 303),
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


def _comparison_rows(comparison: dict) -> list[dict]:
    if "skipped" in comparison:
        return [skipped("load: wrk comparison", comparison["skipped"])]
    static = comparison["nginx static file"]["requests_per_s"]
    rows = []
    for label, result in comparison.items():
        if not isinstance(result, dict):
            continue
        rows.append(row(f"load: wrk {label}", round(result["requests_per_s"]), "req/s", **result))
        if label != "nginx static file":
            rows.append(
                row(
                    f"load: {label} / nginx static",
                    round(result["requests_per_s"] / static, 3),
                    "×",
                    target=(AT_LEAST, STATIC_RATIO_TARGET),
                    page=comparison["closed_article" if "closed" in label else "article"],
                )
            )
    return rows


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
