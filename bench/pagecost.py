"""Page cost: what a public page costs the server, against nginx and Python's floor, in one run.

Started by the benchmark, each on its own port (DATELINE_BENCH_PAGECOST_PORT, default 8610, and
the next five):
- nginx serving the article page's bytes as a static file (the limit), 2 worker processes, in
  a temporary prefix with its own configuration, pid and log files;
- a raw WSGI application returning the same bytes (bench/floor.py: Python's floor);
- Dateline as deployed (page cache on); the same without the kept pages' fast path
  (site.fast_path: every page-cache hit answered by Django, as before it); with the page
  cache off (every request rendered); and with the page cache off and nothing of the article
  remembered between requests (bench/written_anew.py: the first render in a process after the
  story changed, informative); all with bench/pagecost_settings.py, which only adds
  `/bench-minimal`, a plain Django view through the same middleware;
every Python target under gunicorn with 2 sync workers.

Each target is driven by wrk (32 connections, 2 threads) for a few seconds per round, the
targets' order rotating from round to round (other work on the machine falls on all alike);
per target the median over the rounds of: requests per second, and the server's CPU per
request (utime + stime of the server's processes, master and workers, from /proc, before and
after, over the requests wrk counted). In-process ms: the median wall time of calling the
same WSGI application in this process (`dateline.config.wsgi.application`, the floor's
`application`), no network, interleaved. Targets: each rendered page (article, front, section,
tag) at most TARGET_RENDERED_CPU_RATIO × the floor's CPU per request; each page-cache hit at
least TARGET_HIT_RATE_RATIO × the floor's requests per second.

Memory (issue 11, part 6): resident memory (VmRSS) of each gunicorn worker and master after the
rounds, and of a `dateline worker` (the task worker) started on the same database, once it has
stopped growing.

The content: by default a fresh SQLite database with the demo content and the IRNA seed story
(as bench/article.py loads them), every public story's Related News list computed as the task
worker would have. Or an existing corpus built by
bench/discovery_scale.py: DATELINE_BENCH_PAGECOST_CORPUS=var/bench-cache/scale-sqlite-1000000-…
(its var dir; the newest English story is the article), with
DATELINE_BENCH_PAGECOST_DATABASE_URL=postgres://… for a PostgreSQL corpus (its var dir still
holds the static files and the secret key). DATELINE_BENCH_PAGECOST_REDIS_URL puts the cache in
Redis instead of files. Nothing is written to a corpus but cache entries and the migrations
`migrate` applies. Directly: `python -m bench.pagecost [--quick] [--corpus DIR]
[--database-url URL] [--redis-url URL]`.
"""

import argparse
import contextlib
import dataclasses
import datetime
import io
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.measure import AT_LEAST, AT_MOST, SEED_STORY, row, say

PROJECT_DIR = Path(__file__).resolve().parents[1]
PORT_BASE = int(os.environ.get("DATELINE_BENCH_PAGECOST_PORT", "8610"))
CONNECTIONS = 32
WRK_THREADS = 2
GUNICORN_WORKERS = 2
TARGET_RENDERED_CPU_RATIO = 10
TARGET_HIT_RATE_RATIO = 0.6
PAGE_CACHE_SECONDS = 60
START_TIMEOUT_S = 60
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
PAGE_KINDS = ("article", "front", "section", "tag")


@dataclasses.dataclass
class Server:
    """A server process this benchmark started, and the port it answers on."""

    name: str
    port: int
    process: subprocess.Popen
    log: Path

    def pids(self) -> list[int]:
        """The server's master and every process under it (gunicorn's or nginx's workers)."""
        parents = _parents()
        found, frontier = [self.process.pid], [self.process.pid]
        while frontier:
            children = [pid for pid, parent in parents.items() if parent in frontier]
            found += children
            frontier = children
        return found

    def cpu_seconds(self) -> float:
        """CPU spent by the server so far: its live processes' own, and what the master has
        collected from workers that exited."""
        ticks = 0
        for pid in self.pids():
            fields = _stat_fields(pid)
            if fields is None:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            if pid == self.process.pid:
                ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
        return ticks / TICKS_PER_SECOND

    def rss_mib(self) -> dict[str, float]:
        """VmRSS of the master and of each worker."""
        sizes = {}
        for pid in self.pids():
            rss = _rss_mib(pid)
            if rss is not None:
                sizes["master" if pid == self.process.pid else f"worker {pid}"] = rss
        return sizes


@dataclasses.dataclass
class Target:
    name: str
    server: Server
    path: str
    kind: str  # "limit", "floor", "django", "hit", "rendered" or "" (no target)
    in_process: Callable[[], None] | None = None
    rates: list[float] = dataclasses.field(default_factory=list)
    cpu_ms: list[float] = dataclasses.field(default_factory=list)
    in_process_ms: list[float] = dataclasses.field(default_factory=list)
    errors: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}{self.path}"


def run(quick: bool) -> list[dict]:
    if not shutil.which("wrk") or not shutil.which("nginx", path="/usr/sbin:/usr/bin"):
        from bench.measure import skipped

        return [skipped("pagecost", "wrk and nginx are needed (apt-get install wrk nginx)")]
    # Stopped with SIGTERM (bench/run.py's time limit, a person), the servers are stopped too.
    signal.signal(signal.SIGTERM, _stop)
    corpus = os.environ.get("DATELINE_BENCH_PAGECOST_CORPUS")
    seconds, rounds = (2, 2) if quick else (5, 3)
    with tempfile.TemporaryDirectory(prefix="dateline-pagecost-") as scratch:
        scratch = Path(scratch)
        var_dir = Path(corpus).resolve() if corpus else scratch / "var"
        environment = _set_up_django(var_dir)
        pages, content = _content(fresh=not corpus)
        from django.db import connections

        connections.close_all()  # the servers get the database to themselves
        say(f"pagecost: {content}; pages {pages}")
        with _servers(scratch, environment) as (*dateline_servers, floor_file, start):
            floor_file.write_bytes(_fetch(dateline_servers[0], pages["article"]))
            nginx = start("nginx")
            floor = start("floor")
            targets = _targets(nginx, floor, *dateline_servers, pages, floor_file)
            _rounds(targets, seconds=1, rounds=1)  # warm-up: imports, caches, the first render
            for target in targets:
                target.rates.clear()
                target.cpu_ms.clear()
                target.errors = 0
            _rounds(targets, seconds=seconds, rounds=rounds)
            _in_process(targets, requests=100 if quick else 300)
            web = {server.name: server.rss_mib() for server in dateline_servers}
            web_floor = floor.rss_mib()
        task_worker = _task_worker_rss(environment, scratch, seconds=5)
    return _rows(targets, web, web_floor, task_worker, content=content, load=os.getloadavg())


def _stop(*_) -> None:
    raise SystemExit("pagecost: stopped")


# --- set-up ------------------------------------------------------------------------------------


def _set_up_django(var_dir: Path) -> dict[str, str]:
    """Django set up in this process as the servers will run; the environment they get."""
    for name in ("DATABASE_URL", "REDIS_URL", "DATELINE_PROFILE", "DATELINE_DEBUG"):
        os.environ.pop(name, None)
    os.environ["DATELINE_VAR_DIR"] = str(var_dir)
    os.environ["DATELINE_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.pagecost_settings"
    os.environ["DATELINE_PAGE_CACHE_SECONDS"] = str(PAGE_CACHE_SECONDS)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])
    )
    database_url = os.environ.get("DATELINE_BENCH_PAGECOST_DATABASE_URL")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    redis_url = os.environ.get("DATELINE_BENCH_PAGECOST_REDIS_URL")
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
        os.environ.setdefault("DATELINE_CACHE_PREFIX", "pagecost")
    var_dir.mkdir(parents=True, exist_ok=True)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    if not (var_dir / "static" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    return dict(os.environ)


def _content(*, fresh: bool) -> tuple[dict[str, str], str]:
    """The four pages measured (paths), and what content they come from."""
    from django.db import connection

    from dateline.stories.models import Story
    from dateline.stories.statistics import refresh_statistics

    if fresh:
        from dateline.demo.loading import load_demo
        from dateline.discovery.related import refresh

        if SEED_STORY.is_file():
            from bench.article import _load_content

            _load_content()  # the demo content and the seed story, in English / World
        else:
            load_demo()
        # Stored Related News lists, as the task worker leaves them on a running site (without
        # them the article page asks for the stand-in list: one more query).
        for code in Story.objects.public().values_list("code", flat=True):
            refresh(code)
    refresh_statistics()  # as the worker gathers them at start and hourly (decision 0056)
    public = Story.objects.public()
    # The newest story with a section and a tag: every kind of page is then one of its own.
    story = public.filter(edition__code="en", section__isnull=False, tags__isnull=False)
    story = story.select_related("edition", "section").order_by("-published_at", "-code").first()
    tag = story.tags.order_by("slug").first()
    edition = story.edition.code
    pages = {
        "article": story.get_absolute_url(),
        "front": f"/{edition}/",
        "section": f"/{edition}/section/{story.section.slug}/",
        "tag": f"/{edition}/tag/{tag.slug}/",
    }
    stories = Story.objects.count()
    content = (
        f"{'fresh demo content' if fresh else 'corpus'} on {connection.vendor}, {stories:,} stories"
    )
    return pages, content


@contextlib.contextmanager
def _servers(scratch: Path, environment: dict[str, str]) -> Iterator[tuple]:
    """Dateline with the page cache on and off; `start(name)` starts nginx or the floor later
    (they serve the article's bytes, fetched first). Everything is stopped on the way out."""
    started: list[Server] = []
    floor_file = scratch / "static" / "page.html"
    floor_file.parent.mkdir()

    def start(name: str) -> Server:
        port = PORT_BASE + len(started)
        log = scratch / f"{name.replace(' ', '-')}.log"
        if name == "nginx":
            command = _nginx_command(scratch, port, floor_file)
            env = environment
        else:
            app = {
                "floor": "bench.floor:application",
                "dateline, article written anew": "bench.written_anew:application",
            }.get(name, "dateline.config.wsgi:application")
            command = _gunicorn_command(app, port)
            env = {**environment, "DATELINE_BENCH_FLOOR_FILE": str(floor_file)}
            if name in ("dateline, cache off", "dateline, article written anew"):
                env["DATELINE_PAGE_CACHE_SECONDS"] = "0"
            if name == "dateline, no fast path":
                env["DATELINE_PAGE_FAST_PATH_ENTRIES"] = "0"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                command, cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        server = Server(name, port, process, log)
        started.append(server)
        _wait_until_answering(server, "/" if name in ("nginx", "floor") else "/healthz")
        return server

    try:
        servers = [
            start(name)
            for name in (
                "dateline",
                "dateline, no fast path",
                "dateline, cache off",
                "dateline, article written anew",
            )
        ]
        yield *servers, floor_file, start
    finally:
        for server in started:
            server.process.send_signal(signal.SIGTERM)
        for server in started:
            try:
                server.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.process.kill()


def _gunicorn_command(app: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(GUNICORN_WORKERS),
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
    ]


def _nginx_command(scratch: Path, port: int, page: Path) -> list[str]:
    prefix = scratch / "nginx"
    prefix.mkdir()
    # Run as root (as here), nginx's workers become `nobody`: they must be able to read the page.
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    for path in (scratch, page.parent):
        path.chmod(0o755)
    page.touch()
    page.chmod(0o644)
    temp = "\n".join(
        f"  {kind}_temp_path {prefix}/{kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    config = prefix / "nginx.conf"
    config.write_text(
        f"""{user}
worker_processes {GUNICORN_WORKERS};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
{temp}
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  types {{ text/html html; }}
  sendfile on;
  server {{
    listen 127.0.0.1:{port};
    root {page.parent};
    location / {{ try_files /{page.name} =404; }}
  }}
}}
""",
        encoding="utf-8",
    )
    return [
        "nginx",
        "-p",
        str(prefix),
        "-c",
        str(config),
        "-e",
        str(prefix / "error.log"),
        "-g",
        "daemon off;",
    ]


def _wait_until_answering(server: Server, path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=5):
                return
        except (urllib.error.URLError, OSError):
            if server.process.poll() is not None or time.monotonic() > deadline:
                output = server.log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{server.name} did not start:\n{output}") from None
            time.sleep(0.2)


def _fetch(server: Server, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=30) as answer:
        return answer.read()


def _targets(
    nginx, floor, hit_server, slow_server, rendered_server, anew_server, pages, floor_file
) -> list[Target]:
    from bench.written_anew import application as written_anew
    from dateline.config.wsgi import application, django_application

    os.environ["DATELINE_BENCH_FLOOR_FILE"] = str(floor_file)
    from bench.floor import application as floor_application

    targets = [
        Target("nginx, static file (the limit)", nginx, "/", "limit"),
        Target("raw WSGI (the floor)", floor, "/", "floor", _wsgi_call(floor_application, "/")),
        Target(
            "minimal Django view",
            hit_server,
            "/bench-minimal",
            "django",
            _wsgi_call(application, "/bench-minimal"),
        ),
    ]
    for kind in PAGE_KINDS:
        path = pages[kind]
        targets.append(
            Target(
                f"{kind}, page-cache hit", hit_server, path, "hit", _wsgi_call(application, path)
            )
        )
    for kind in PAGE_KINDS:  # the same hits as before the fast path: Django answers them
        path = pages[kind]
        call = _wsgi_call(django_application, path)
        targets.append(Target(f"{kind}, page-cache hit via Django", slow_server, path, "", call))
    for kind in PAGE_KINDS:
        path = pages[kind]
        call = _wsgi_call(application, path, page_cache_seconds=0)
        targets.append(Target(f"{kind}, rendered", rendered_server, path, "rendered", call))
    # The first render in a process after the story changed (informative: decision 0059).
    path = pages["article"]
    call = _wsgi_call(written_anew, path, page_cache_seconds=0)
    targets.append(Target("article, rendered, written anew", anew_server, path, "", call))
    return targets


def _wsgi_call(application, path: str, page_cache_seconds: int | None = None) -> Callable[[], None]:
    """One GET of `path` through `application`, as gunicorn makes it (no cookie, no network)."""
    path, _, query = path.partition("?")

    def call() -> None:
        from django.conf import settings

        settings.PAGE_CACHE_SECONDS = (
            PAGE_CACHE_SECONDS if page_cache_seconds is None else page_cache_seconds
        )
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        statuses = []
        body = application(environ, lambda status, headers, *_: statuses.append(status))
        try:
            for _chunk in body:
                pass
        finally:
            if hasattr(body, "close"):
                body.close()
        if not statuses[0].startswith("200"):
            raise RuntimeError(f"in process, GET {path} answered {statuses[0]}")

    return call


# --- measuring ---------------------------------------------------------------------------------


def _rounds(targets: list[Target], *, seconds: int, rounds: int) -> None:
    for index in range(rounds):
        shift = index % len(targets)
        for target in targets[shift:] + targets[:shift]:
            before = target.server.cpu_seconds()
            requests, rate, errors = _wrk(target.url, seconds)
            spent = _settled_cpu_seconds(target.server) - before
            target.rates.append(rate)
            # wrk keeps one request outstanding on each connection; those left when it stops
            # are still served (their CPU counted above), though wrk does not count them.
            target.cpu_ms.append(spent * 1000 / (requests + CONNECTIONS))
            target.errors += errors
        say(f"pagecost: round {index + 1} of {rounds} done")


def _settled_cpu_seconds(server: Server, most_s: float = 30) -> float:
    """The server's CPU once it has served what was still queued (it stops spending)."""
    deadline = time.monotonic() + most_s
    spent = server.cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = server.cpu_seconds()
        if now - spent < 0.01:
            return now
        spent = now
    return spent


WRK_REQUESTS = re.compile(r"(\d+) requests in")
WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")


def _wrk(url: str, seconds: int) -> tuple[int, float, int]:
    """Requests completed, requests per second, and answers other than 2xx/3xx."""
    completed = subprocess.run(
        # A rendered page queued behind 31 others on a loaded machine may take seconds: it is
        # counted, not given up on after wrk's default 2 s.
        ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", url],
        capture_output=True,
        text=True,
        check=True,
    )
    output = completed.stdout
    requests, rate = WRK_REQUESTS.search(output), WRK_RATE.search(output)
    if requests is None or rate is None:
        raise RuntimeError(f"wrk said nothing measurable for {url}:\n{output}{completed.stderr}")
    errors = WRK_NON_2XX.search(output)
    return int(requests[1]), float(rate[1]), int(errors[1]) if errors else 0


def _in_process(targets: list[Target], requests: int) -> None:
    measured = [t for t in targets if t.in_process is not None]
    for target in measured:  # warm: the first render, the caches
        for _ in range(5):
            target.in_process()
    for index in range(10):
        shift = index % len(measured)
        for target in measured[shift:] + measured[:shift]:
            for _ in range(max(requests // 10, 1)):
                started = time.perf_counter_ns()
                target.in_process()
                target.in_process_ms.append((time.perf_counter_ns() - started) / 1e6)


def _task_worker_rss(environment: dict[str, str], scratch: Path, seconds: int) -> float:
    """The VmRSS of a `dateline worker` at rest: once it has stopped growing for `seconds`
    (its imports, first sweep and threads done; a minute at most)."""
    log = scratch / "worker.log"
    env = {**environment, "DJANGO_SETTINGS_MODULE": "dateline.config.settings"}
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "dateline", "worker"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    largest, grew_at = 0.0, time.monotonic()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and time.monotonic() - grew_at < seconds:
            if worker.poll() is not None:
                raise RuntimeError(f"dateline worker exited:\n{log.read_text(errors='replace')}")
            rss = _rss_mib(worker.pid) or 0.0
            if rss > largest + 0.5:
                largest, grew_at = rss, time.monotonic()
            time.sleep(0.25)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    return largest


def _parents() -> dict[int, int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                parents[int(entry.name)] = int(fields[1])
    return parents


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name (which may hold spaces): state, ppid, …"""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def _rss_mib(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(found[1]) / 1024 if found else None


# --- results -----------------------------------------------------------------------------------


def _rows(targets, web, web_floor, task_worker, *, content, load) -> list[dict]:
    floor = next(t for t in targets if t.kind == "floor")
    floor_rate, floor_cpu = statistics.median(floor.rates), statistics.median(floor.cpu_ms)
    rows, lines = [], []
    for target in targets:
        rate, cpu = statistics.median(target.rates), statistics.median(target.cpu_ms)
        in_process = statistics.median(target.in_process_ms) if target.in_process_ms else None
        notes = {
            "url_path": target.path,
            "rates": target.rates,
            "cpu_ms_per_request": target.cpu_ms,
            "non_2xx": target.errors,
            "content": content,
        }
        rows.append(row(f"pagecost: {target.name}: req/s", rate, "req/s", **notes))
        rows.append(row(f"pagecost: {target.name}: server CPU", cpu, "ms/request"))
        if in_process is not None:
            rows.append(row(f"pagecost: {target.name}: in-process", in_process, "ms"))
        if target.kind == "rendered":
            rows.append(
                row(
                    f"pagecost: {target.name}: CPU / floor's",
                    cpu / floor_cpu,
                    "×",
                    target=(AT_MOST, TARGET_RENDERED_CPU_RATIO),
                )
            )
        if target.kind == "hit":
            rows.append(
                row(
                    f"pagecost: {target.name}: req/s / floor's",
                    rate / floor_rate,
                    "×",
                    target=(AT_LEAST, TARGET_HIT_RATE_RATIO),
                )
            )
        shown_in_process = "–" if in_process is None else f"{in_process:.3f}"
        lines.append(
            f"| {target.name} | {rate:,.0f} | {cpu:.3f} | {cpu / floor_cpu:.1f} × |"
            f" {rate / floor_rate:.2f} × | {shown_in_process} |"
            + (f" {target.errors} non-2xx" if target.errors else "")
        )
    workers = [mib for sizes in web.values() for name, mib in sizes.items() if name != "master"]
    masters = [sizes["master"] for sizes in web.values() if "master" in sizes]
    rows.append(
        row(
            "pagecost: memory: web process (gunicorn sync worker), largest",
            max(workers),
            "MiB",
            by_server=web,
        )
    )
    rows.append(row("pagecost: memory: gunicorn master", max(masters), "MiB"))
    rows.append(
        row(
            "pagecost: memory: floor's gunicorn worker",
            max(v for k, v in web_floor.items() if k != "master"),
            "MiB",
        )
    )
    rows.append(row("pagecost: memory: task worker (dateline worker, at rest)", task_worker, "MiB"))
    say(
        f"\npagecost ({content}; load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f};"
        f" {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC)\n"
        "| target | req/s | server CPU ms/request | CPU × floor | req/s × floor | in-process ms |\n"
        "|---|---|---|---|---|---|\n"
        + "\n".join(lines)
        + f"\nRSS MiB: web workers {', '.join(f'{m:.1f}' for m in workers)};"
        f" masters {', '.join(f'{m:.1f}' for m in masters)}; task worker {task_worker:.1f}\n"
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds of 2 s")
    parser.add_argument("--corpus", type=Path, help="a scale corpus's var dir")
    parser.add_argument("--database-url", help="the corpus's PostgreSQL database")
    parser.add_argument("--redis-url", help="the cache in Redis instead of files")
    options = parser.parse_args(argv)
    for name, value in (
        ("CORPUS", options.corpus),
        ("DATABASE_URL", options.database_url),
        ("REDIS_URL", options.redis_url),
    ):
        if value:
            os.environ[f"DATELINE_BENCH_PAGECOST_{name}"] = str(value)
    from bench import report

    started = datetime.datetime.now(datetime.UTC)
    machine = report.machine()
    rows = run(quick=options.quick)
    print(report.table(rows))
    machine["load_average_after"] = report.load_average()
    document = {
        "started_at": started.isoformat(),
        "finished_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "quick": options.quick,
        "only": "pagecost",
        "machine": machine,
        "results": rows,
    }
    path = report.write_json(document, started)
    print(f"\nJSON: {path.relative_to(PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
