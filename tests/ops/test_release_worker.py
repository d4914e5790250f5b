"""Scheduled releases happen exactly once with real `dateline worker` processes killed with
SIGKILL at random moments and started again, on SQLite and on PostgreSQL; and a released
story shows at once on pages a real `dateline serve` has cached.

A few hundred stories fall due a tenth of a second apart while the worker is killed again and
again, mostly within a second or so of its starting work, so that kills can land while a task
is claimed, in a release's transaction, between its commit and the task's "done", in a sweep.
Afterwards every story must carry exactly one 'published' change, be public, and none be
overdue. Then each of those moments for certain: a worker made to SIGKILL itself there (on the
kind of database the suite runs on).

The PostgreSQL variant makes a throw-away database of its own and drops it afterwards. It
skips when no PostgreSQL answers, except where one is required: in CI (.ci/run starts
PostgreSQL before the suite and sets DATELINE_REQUIRE_TOOLS / DATELINE_REQUIRE_BROWSER) or
when the suite itself runs on PostgreSQL (DATABASE_URL).
"""

import datetime
import getpass
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import uuid
from pathlib import Path

import pytest

from tests.ops.test_serve import fetch, free_port, wait_for
from tests.processes import PROJECT, dateline_env, run_dateline, start_dateline

pytestmark = pytest.mark.slow

STORIES = 200
SPACING_SECONDS = 0.1  # 200 stories fall due over 20 seconds
FIRST_DUE_SECONDS = 3  # after scheduling: the first falls due while the first worker starts
SWEEP_SECONDS = 1
MIN_KILLS = 5
WORKING_SECONDS = (0.0, 1.5)  # how long a worker works (its queue and sweeps) before SIGKILL
STARTING_SECONDS = (0.0, 3.0)  # or, one kill in four, how long after it was started
DOWN_SECONDS = (0.0, 1.0)  # and how long no worker runs before the next starts
LATEST_RELEASE_SECONDS = 20  # after its time, even with the worker down or starting
DRAIN_SECONDS = 30  # for the last worker to release what remains


# --- run inside the fresh `dateline` processes (dateline shell -c) ------------------------------


def schedule_stories(count: int, first_due: float, spacing: float) -> None:
    """One edition and `count` stories scheduled `spacing` seconds apart; prints the times."""
    from django.utils import timezone

    from dateline.editions.models import Edition
    from dateline.stories.actions import create_story, schedule_story

    edition = Edition.objects.create(code="en", name="English", language="en", is_default=True)
    drafts = [
        create_story(edition=edition, headline=f"Release {n}", lead="It happened on time.")
        for n in range(count)
    ]
    first = timezone.now() + datetime.timedelta(seconds=first_due)
    times = [first + datetime.timedelta(seconds=n * spacing) for n in range(count)]
    for story, at in zip(drafts, times, strict=True):
        schedule_story(story, at=at)
    print(json.dumps({"first": times[0].timestamp(), "last": times[-1].timestamp()}))


def report() -> None:
    """What the test checks, as JSON: each story's state and releases, and the task rows."""
    from django.db.models import Count, Min, Q
    from django_tasks_db.models import DBTaskResult

    from dateline.stories.actions.release import overdue
    from dateline.stories.models import Story

    public = set(Story.objects.public().values_list("pk", flat=True))
    stories = Story.objects.annotate(
        published=Count("changes", filter=Q(changes__action="published")),
        released_at=Min("changes__at", filter=Q(changes__action="published")),
    )
    tasks = DBTaskResult.objects.filter(task_path="dateline.stories.tasks.release_story")
    print(
        json.dumps(
            {
                "stories": [
                    {
                        "code": story.pk,
                        "status": story.status,
                        "public": story.pk in public,
                        "published_changes": story.published,
                        "due": story.published_at.timestamp(),
                        "released": story.released_at and story.released_at.timestamp(),
                    }
                    for story in stories
                ],
                "overdue": overdue(grace=datetime.timedelta(0)).count(),
                "tasks": {
                    row["status"]: row["n"]
                    for row in tasks.values("status").annotate(n=Count("id")).order_by()
                },
                "released_by_tasks": tasks.filter(status="SUCCESSFUL", return_value=1).count(),
            }
        )
    )


# --- the test process ---------------------------------------------------------------------------


def in_dateline(env: dict[str, str], call: str) -> subprocess.CompletedProcess:
    """Call one of the functions above in a fresh `dateline shell`."""
    code = f"from tests.ops.test_release_worker import *; {call}"
    return run_dateline("shell", "-v0", "-c", code, env=env)


def printed(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def postgresql_url(url: str) -> bool:
    return url.startswith(("postgres:", "postgresql:"))


def postgresql_required() -> bool:
    return bool(
        os.environ.get("DATELINE_REQUIRE_TOOLS")
        or os.environ.get("DATELINE_REQUIRE_BROWSER")
        or postgresql_url(os.environ.get("DATABASE_URL", ""))
    )


def postgresql_server_url() -> str:
    """The server the suite's DATABASE_URL names when it is PostgreSQL (as CI's second run);
    otherwise the local one, as the current user (CI's set-up)."""
    suite = os.environ.get("DATABASE_URL", "")
    if postgresql_url(suite):
        return urllib.parse.urlsplit(suite)._replace(path="/postgres").geturl()
    return f"postgres://{getpass.getuser()}@127.0.0.1:5432/postgres"


@pytest.fixture(scope="module")
def postgresql_server():
    """An autocommit connection to the PostgreSQL server, and the server's URL."""
    import psycopg

    server = postgresql_server_url()
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        reason = f"PostgreSQL is not reachable at {server}: {str(error).strip()}"
        if postgresql_required():
            pytest.fail(f"{reason} (required here: CI, or the suite runs on PostgreSQL)")
        pytest.skip(reason)
    with admin:
        yield admin, server


def database_url(server: str, name: str) -> str:
    return urllib.parse.urlsplit(server)._replace(path=f"/{name}").geturl()


def create_database(admin, name: str, template: str | None = None) -> None:
    from psycopg import errors

    statement = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    for _ in range(50):
        try:
            admin.execute(statement)
            return
        except errors.ObjectInUse:  # the migrating process's session is still closing
            time.sleep(0.1)
    admin.execute(statement)


def drop_database(admin, name: str) -> None:
    # FORCE: a SIGKILLed worker's session may linger on the server a moment.
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def postgresql_template(postgresql_server, tmp_path_factory):
    """A migrated database that each test's own database is copied from; its name."""
    admin, server = postgresql_server
    name = f"dateline_release_template_{uuid.uuid4().hex[:12]}"
    create_database(admin, name)
    try:
        env = dateline_env(tmp_path_factory.mktemp("var"), DATABASE_URL=database_url(server, name))
        run_dateline("migrate", "-v0", env=env, check=True)
        yield name
    finally:
        drop_database(admin, name)


@pytest.fixture
def postgresql_database(postgresql_server, postgresql_template):
    """A migrated database of this test's own on the PostgreSQL server; its URL."""
    admin, server = postgresql_server
    name = f"dateline_release_{uuid.uuid4().hex[:12]}"
    create_database(admin, name, template=postgresql_template)
    try:
        yield database_url(server, name)
    finally:
        drop_database(admin, name)


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory) -> Path:
    """A var dir with a migrated SQLite database, copied for each test."""
    var_dir = tmp_path_factory.mktemp("template") / "var"
    run_dateline("migrate", "-v0", env=dateline_env(var_dir), check=True)
    return var_dir


def dateline_on(var_dir: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment of a Dateline with `var_dir`, on `database_url` (else SQLite there)."""
    overrides = {"DATELINE_RELEASE_SWEEP_SECONDS": str(SWEEP_SECONDS)}
    if database_url:
        overrides["DATABASE_URL"] = database_url
    return dateline_env(var_dir, **overrides)


@pytest.fixture
def sqlite_env(sqlite_template, tmp_path) -> dict[str, str]:
    """A fresh, migrated, empty Dateline on SQLite."""
    shutil.copytree(sqlite_template, tmp_path / "var")
    return dateline_on(tmp_path / "var")


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_env(request, tmp_path) -> dict[str, str]:
    """A fresh, migrated, empty Dateline on each database in turn."""
    if request.param == "postgresql":
        return dateline_on(tmp_path / "var", request.getfixturevalue("postgresql_database"))
    return request.getfixturevalue("sqlite_env")


@pytest.fixture
def suite_like_env(request, tmp_path) -> dict[str, str]:
    """A fresh, migrated, empty Dateline on the kind of database the suite runs on (CI runs
    the suite on both)."""
    if postgresql_url(os.environ.get("DATABASE_URL", "")):
        return dateline_on(tmp_path / "var", request.getfixturevalue("postgresql_database"))
    return request.getfixturevalue("sqlite_env")


class Workers:
    """`dateline worker` processes, one at a time, each writing its output to its own file."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs, self.started, self.current = env, logs, 0, None
        logs.mkdir()

    def start(self) -> None:
        self.started += 1
        with open(self.logs / f"worker-{self.started}.log", "wb") as log:
            self.current = subprocess.Popen(
                [sys.executable, "-m", "dateline", "worker"],
                env=self.env,
                cwd=PROJECT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_working(self, seconds: float = 60) -> None:
        """Until the worker polls its queue (it has swept once by then)."""
        log = self.logs / f"worker-{self.started}.log"
        deadline = time.monotonic() + seconds
        while "Starting worker" not in log.read_text(errors="replace"):
            assert time.monotonic() < deadline, f"worker {self.started} did not start"
            assert self.current.poll() is None, f"worker {self.started} ended:\n{self.output()}"
            time.sleep(0.05)

    def kill(self) -> None:
        self.current.send_signal(signal.SIGKILL)
        self.current.wait(timeout=30)

    def stop(self) -> int:
        if self.current.poll() is None:
            self.current.send_signal(signal.SIGTERM)
        return self.current.wait(timeout=30)

    def output(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')}"
            for path in sorted(self.logs.iterdir(), key=lambda p: int(p.stem.split("-")[1]))
        )


def test_every_release_happens_exactly_once_though_the_worker_is_killed(fresh_env, tmp_path):
    # The kill schedule's seed is printed on failure; DATELINE_RELEASE_TEST_SEED replays it.
    seed = int(os.environ.get("DATELINE_RELEASE_TEST_SEED") or random.randrange(1 << 32))
    chance = random.Random(seed)
    call = f"schedule_stories({STORIES}, {FIRST_DUE_SECONDS}, {SPACING_SECONDS})"
    [times] = printed(in_dateline(fresh_env, call))
    workers = Workers(fresh_env, tmp_path / "logs")
    kills = 0
    try:
        workers.start()
        while kills < MIN_KILLS or time.time() < times["last"]:
            if chance.random() < 0.25:  # while it starts, perhaps in its first sweep
                time.sleep(chance.uniform(*STARTING_SECONDS))
            else:
                workers.wait_until_working()
                time.sleep(chance.uniform(*WORKING_SECONDS))
            workers.kill()
            kills += 1
            time.sleep(chance.uniform(*DOWN_SECONDS))
            workers.start()
        # The last worker lives on until nothing is left to release and its queue is empty;
        # it is up first: a stop while it still starts would find no signal handler yet.
        workers.wait_until_working()
        deadline = time.monotonic() + DRAIN_SECONDS
        state = printed(in_dateline(fresh_env, "report()"))[-1]
        while (state["overdue"] or "READY" in state["tasks"]) and time.monotonic() < deadline:
            time.sleep(0.5)
            state = printed(in_dateline(fresh_env, "report()"))[-1]
    finally:
        status = workers.stop()
    summary = (
        f"seed {seed}, {kills} kills, tasks {state['tasks']}, "
        f"{state['released_by_tasks']} released by their task, the rest by a sweep"
    )
    print(summary)  # shown with -s, or -rP
    context = f"{summary}; worker output:\n{workers.output()}"

    assert status == 0, context
    assert len(state["stories"]) == STORIES
    wrong = [s for s in state["stories"] if s["published_changes"] != 1]
    assert wrong == [], f"not exactly one 'published' change: {wrong[:5]} ({context})"
    assert all(s["status"] == "published" and s["public"] for s in state["stories"]), context
    assert state["overdue"] == 0, context
    lateness = [s["released"] - s["due"] for s in state["stories"]]
    assert min(lateness) >= 0, f"released before its time ({context})"
    assert max(lateness) <= LATEST_RELEASE_SECONDS, f"{max(lateness):.1f} s late ({context})"
    # Every task ran, none failed; a task claimed by a worker killed before it finished stays
    # RUNNING (at most one a kill): harmless, a sweep released its story.
    assert set(state["tasks"]) <= {"SUCCESSFUL", "RUNNING"}, context
    assert sum(state["tasks"].values()) == STORIES, context
    assert state["tasks"].get("RUNNING", 0) <= kills, context
    assert "Traceback" not in workers.output(), context


# --- a SIGKILL at each moment of a release ------------------------------------------------------

# Where a worker dies: which path releases (the story's own task, with the sweeps held off, or
# the sweep at start), the function that kills it when called, and what is stored then: the
# story's status, its 'published' changes and its task's status.
MOMENTS = {
    "task claimed, release not begun": ("task", "claimed", ("scheduled", 0, "RUNNING")),
    "inside the release transaction": ("task", "releasing", ("scheduled", 0, "RUNNING")),
    "release committed, task not marked done": ("task", "released", ("published", 1, "RUNNING")),
    "inside a sweep's release transaction": ("sweep", "releasing", ("scheduled", 0, "READY")),
    "sweep committed, fan-out not sent": ("sweep", "fan-out", ("published", 1, "READY")),
}


def die_at(path: str, place: str) -> None:
    """Schedule a story a second ahead, then run a worker that SIGKILLs itself at `place` in
    that story's release, made by `path`."""
    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from dateline.stories import tasks
    from dateline.stories.actions import release
    from dateline.stories.management.commands import worker
    from dateline.stories.models import Story
    from dateline.stories.signals import story_changed

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    if path == "task":
        worker.sweep = lambda: 0
    places = {
        "claimed": (tasks, "release_due"),  # the task's first step
        "releasing": (release, "record_changes"),  # after the conditional UPDATE
        "released": (DBTaskResult, "set_successful"),
        "fan-out": (story_changed, "send"),  # run on commit
    }
    schedule_stories(1, 1, 0)
    setattr(*places[place], die)
    due = Story.objects.get().published_at
    time.sleep(max(0.0, (due - timezone.now()).total_seconds()))
    call_command("worker", "--no-startup-delay", "--no-reload", verbosity=0)


def recover() -> None:
    """What the killed worker left; a worker run to the end of its queue; what is left then."""
    from django.core.management import call_command

    report()
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    report()


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_worker_killed_at_any_moment_of_a_release_leaves_it_done_once(moment, suite_like_env):
    path, place, stored = MOMENTS[moment]
    died = in_dateline(suite_like_env, f"die_at({path!r}, {place!r})")
    assert died.returncode == -signal.SIGKILL, died.stdout + died.stderr

    left, recovered = printed(in_dateline(suite_like_env, "recover()"))
    [story] = left["stories"]
    assert (story["status"], story["published_changes"], *left["tasks"]) == stored
    [story] = recovered["stories"]
    assert (story["status"], story["published_changes"], story["public"]) == ("published", 1, True)
    assert recovered["overdue"] == 0
    # The task a killed worker claimed stays RUNNING; any other has run.
    assert recovered["tasks"] == {"RUNNING" if stored[2] == "RUNNING" else "SUCCESSFUL": 1}


def stop_while_claiming() -> None:
    """Schedule a story a second ahead, then run a worker sent SIGTERM by itself inside the
    transaction that claims the story's task (the sweeps held off); report what is stored."""
    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from dateline.stories.management.commands import worker
    from dateline.stories.models import Story

    claim = DBTaskResult.claim

    def claim_then_stop(task_result, worker_id):
        claim(task_result, worker_id)
        os.kill(os.getpid(), signal.SIGTERM)

    worker.sweep = lambda: 0
    schedule_stories(1, 1, 0)
    DBTaskResult.claim = claim_then_stop
    due = Story.objects.get().published_at
    time.sleep(max(0.0, (due - timezone.now()).total_seconds()))
    call_command("worker", "--no-startup-delay", "--no-reload", verbosity=0)
    report()


def test_a_worker_stopped_while_it_claims_a_task_runs_it_and_exits_cleanly(suite_like_env):
    # A SIGTERM raising SystemExit inside the claim's transaction can land in its COMMIT,
    # which psycopg cannot then undo: the worker exited 1 with a traceback, its task stuck
    # RUNNING (django-tasks-db #61). The stop waits for the end of the turn instead.
    stopped = in_dateline(suite_like_env, "stop_while_claiming()")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert "Traceback" not in stopped.stderr, stopped.stderr
    _scheduled, *reports = printed(stopped)
    assert reports, f"the stop ended the process before the worker returned: {stopped.stderr}"
    [state] = reports
    [story] = state["stories"]
    assert (story["status"], story["published_changes"]) == ("published", 1)
    assert state["tasks"] == {"SUCCESSFUL": 1}


# --- cached pages -------------------------------------------------------------------------------


def publish_one_story() -> None:
    from django.utils import timezone

    from dateline.editions.models import Edition
    from dateline.stories.actions import create_story, publish_story
    from dateline.stories.models import Section

    edition = Edition.objects.create(code="en", name="English", language="en", is_default=True)
    world = Section.objects.create(edition=edition, slug="world", name="World")
    out = create_story(edition=edition, section=world, headline="Already out", lead="Old news.")
    publish_story(out, at=timezone.now() - datetime.timedelta(hours=1))
    print(json.dumps({"url": out.get_absolute_url()}))


def schedule_one_story(seconds: float) -> None:
    """A story scheduled `seconds` from now; prints its URL and time."""
    from django.utils import timezone

    from dateline.stories.actions import create_story, schedule_story
    from dateline.stories.models import Section

    world = Section.objects.get(slug="world")
    story = create_story(edition=world.edition, section=world, headline="Out on time", lead="News.")
    story = schedule_story(story, at=timezone.now() + datetime.timedelta(seconds=seconds))
    print(json.dumps({"url": story.get_absolute_url(), "due": story.published_at.timestamp()}))


def status_of(url: str) -> int:
    try:
        return fetch(url)[0]
    except urllib.error.HTTPError as error:
        return error.code


def test_a_story_scheduled_while_pages_are_cached_shows_as_soon_as_it_is_released(sqlite_env):
    # A page cache lasting an hour: only the release's change can retire the cached pages.
    env = {**sqlite_env, "DATELINE_PAGE_CACHE_SECONDS": "3600"}
    run_dateline("collectstatic", "--noinput", "-v0", env=env, check=True)
    printed(in_dateline(env, "publish_one_story()"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_dateline("serve", "--port", str(port), "--workers", "1", env=env)
    try:
        assert wait_for(lambda: fetch(base + "/healthz")[0] == 200, 60), "server did not start"
        [scheduled] = printed(in_dateline(env, "schedule_one_story(5)"))
        article = base + scheduled["url"]
        front = fetch(base + "/en/")[1]
        assert fetch(base + "/en/")[1] == front  # cached by the first request
        assert b"Already out" in front and b"Out on time" not in front
        assert status_of(article) == 404
        assert time.time() < scheduled["due"], "too slow to see the pages before the release"

        assert wait_for(lambda: status_of(article) == 200, 30), "never released"
        shown = time.time()
        if b"Out on time" not in fetch(base + "/en/")[1]:
            # A front rendered afresh (a URL never cached) tells a stale cached page from a
            # story that lists do not show at all.
            fresh = b"Out on time" in fetch(base + f"/en/?uncached={time.time()}")[1]
            pytest.fail(
                "the story's page is public but the cached front does not show it; "
                f"rendered afresh, the front {'shows' if fresh else 'does not show'} it"
            )
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == 0, output
    # The worker polls its queue every second; the page cache would have kept the old front
    # for an hour.
    assert shown - scheduled["due"] < 5, output
