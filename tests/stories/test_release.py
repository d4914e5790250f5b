"""Releases by the clock, in-process: a scheduled story goes public and an embargo lifts at
their time, exactly once, with one change in the log (stories.actions.release).

The clock is Django's `timezone.now`, replaced by a fixture that stands still where a test puts
it. tests/ops/test_release_worker.py runs the real worker process and kills it on the way.
"""

import datetime
import logging
import threading

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dateline.stories.actions import (
    embargo_story,
    kill_story,
    release,
    release_due,
    schedule_story,
    unpublish_story,
)
from dateline.stories.actions.release import EMBARGO_NOTE, SCHEDULED_NOTE, overdue
from dateline.stories.management.commands import worker
from dateline.stories.models import Status, Story, StoryChange
from dateline.stories.tasks import release_story
from tests.factories import make_edition, make_section, make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)
TASK_PATH = "dateline.stories.tasks.release_story"


class Clock:
    """Django's clock, standing still at `now` until a test moves it."""

    def __init__(self, now: datetime.datetime):
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now

    def move_to(self, at: datetime.datetime) -> None:
        self.now = at


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def edition():
    return make_edition("en")


def changes_of(story: Story, action: str) -> list[StoryChange]:
    return list(StoryChange.objects.filter(story=story, action=action))


def scheduled(edition, at: datetime.datetime, **fields) -> Story:
    story = make_story(edition, published=False, **fields)
    return schedule_story(story, at=at)


def embargoed(edition, until: datetime.datetime, **fields) -> Story:
    story = make_story(edition, published=False, **fields)
    return embargo_story(story, until=until)


def test_a_due_scheduled_story_is_published_with_one_change(clock, edition):
    at = clock.now + HOUR
    story = scheduled(edition, at)
    clock.move_to(at + SECOND)

    [change] = release_due()

    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert story.published_at == at  # the scheduled time, not the moment the worker ran
    assert (change.story_id, change.action) == (story.code, "published")
    assert change.note == SCHEDULED_NOTE
    assert change.actor is None  # the system
    assert changes_of(story, "published") == [change]
    assert list(Story.objects.public()) == [story]


def test_nothing_is_released_before_its_time_and_all_is_at_it(clock, edition):
    at = clock.now + HOUR
    story = scheduled(edition, at)
    lifting = embargoed(edition, at)

    clock.move_to(at - datetime.timedelta(microseconds=1))
    assert release_due() == []
    assert release_due(now=at - SECOND) == []
    assert Story.objects.filter(status=Status.SCHEDULED).get() == story
    assert not Story.objects.public().exists()

    clock.move_to(at)  # the very moment counts as due
    assert sorted((c.story_id, c.action) for c in release_due()) == sorted(
        [(story.code, "published"), (lifting.code, "released")]
    )


def test_release_due_takes_the_time_it_is_given(edition):
    at = timezone.now() + HOUR
    story = scheduled(edition, at)
    assert release_due(now=at - SECOND) == []
    [change] = release_due(now=at)
    assert change.story_id == story.code


def test_an_embargo_lifts_once_and_the_story_becomes_public(clock, edition):
    until = clock.now + HOUR
    story = embargoed(edition, until)
    assert story.status == Status.PUBLISHED  # out on the wire already
    assert not Story.objects.public().exists()

    clock.move_to(until + SECOND)
    [change] = release_due()
    assert release_due() == []

    story.refresh_from_db()
    assert (change.action, change.note) == ("released", EMBARGO_NOTE)
    assert story.embargo_until is None
    assert story.published_at == until
    assert changes_of(story, "released") == [change]
    assert list(Story.objects.public()) == [story]


def test_releasing_again_logs_nothing_more(clock, edition):
    stories = [scheduled(edition, clock.now + HOUR) for _ in range(3)]
    lifting = embargoed(edition, clock.now + HOUR)
    clock.move_to(clock.now + 2 * HOUR)

    assert len(release_due()) == 4
    assert release_due() == []
    assert release_due([s.code for s in stories]) == []
    for story in stories:
        assert len(changes_of(story, "published")) == 1
    assert len(changes_of(lifting, "released")) == 1


def test_a_release_another_worker_made_meanwhile_is_not_made_again(clock, edition, monkeypatch):
    story = scheduled(edition, clock.now + HOUR)
    clock.move_to(clock.now + HOUR)
    real_release = release._release

    def another_worker_first(*args):
        monkeypatch.setattr(release, "_release", real_release)
        assert len(release_due()) == 1  # between this worker's look and its write
        return real_release(*args)

    monkeypatch.setattr(release, "_release", another_worker_first)
    assert release_due() == []  # it found the story due, but its UPDATE changed nothing
    assert len(changes_of(story, "published")) == 1


def test_only_the_named_stories_are_released(clock, edition):
    first, second = scheduled(edition, clock.now + HOUR), scheduled(edition, clock.now + HOUR)
    clock.move_to(clock.now + 2 * HOUR)
    assert [c.story_id for c in release_due([first.code])] == [first.code]
    second.refresh_from_db()
    assert second.status == Status.SCHEDULED


@pytest.mark.parametrize(
    "hold_back",
    [
        pytest.param(lambda story: unpublish_story(story), id="unpublished"),
        pytest.param(lambda story: kill_story(story, reason="Legal said no."), id="killed"),
    ],
)
@pytest.mark.parametrize("put_on_hold", [scheduled, embargoed], ids=["scheduled", "embargoed"])
def test_a_story_taken_back_before_its_time_is_never_released(
    clock, edition, put_on_hold, hold_back
):
    at = clock.now + HOUR
    story = put_on_hold(edition, at)
    hold_back(story)
    before = story.status

    clock.move_to(at + HOUR)
    assert release_due() == []
    assert release_story.call(story.code) == 0  # its queued task finds nothing to do

    story.refresh_from_db()
    assert story.status == before
    assert not Story.objects.public().exists()
    assert not StoryChange.objects.filter(story=story, action__in=["published", "released"])


def test_a_moved_time_is_the_only_one_that_counts(clock, edition):
    story = scheduled(edition, clock.now + HOUR)
    schedule_story(story, at=clock.now + 2 * HOUR)  # rescheduled later
    lifting = embargoed(edition, clock.now + HOUR)
    embargo_story(lifting, until=clock.now + 2 * HOUR)  # embargo moved later

    clock.move_to(clock.now + HOUR + SECOND)  # the first times, where the first tasks run
    assert release_due() == []
    clock.move_to(clock.now + HOUR)
    assert {c.story_id for c in release_due()} == {story.code, lifting.code}


def test_overdue_lists_what_waits_past_its_time_the_longest_waiting_first(clock, edition):
    start = clock.now
    late = scheduled(edition, start + HOUR)
    late_embargo = embargoed(edition, start + HOUR + 5 * SECOND)
    later = scheduled(edition, start + HOUR + 10 * SECOND)
    within_grace = scheduled(edition, start + HOUR + 50 * SECOND)
    future = scheduled(edition, start + 3 * HOUR)
    clock.move_to(start + HOUR + 90 * SECOND)  # a minute's grace: late up to 30 s after

    assert list(overdue()) == [late, late_embargo, later]
    assert within_grace in overdue(grace=datetime.timedelta(0))
    release_due()
    assert not overdue(grace=datetime.timedelta(0)).exists()
    future.refresh_from_db()
    assert future.status == Status.SCHEDULED


def test_the_longest_waiting_is_released_first(clock, edition):
    start = clock.now
    third = scheduled(edition, start + 3 * HOUR)
    first = embargoed(edition, start + HOUR)
    second = scheduled(edition, start + 2 * HOUR)
    clock.move_to(start + 4 * HOUR)  # a worker that was down for hours
    changes = release_due()
    assert [c.story_id for c in changes] == [first.code, second.code, third.code]
    assert [c.pk for c in changes] == sorted(c.pk for c in changes)  # so the log tells them


@pytest.mark.parametrize(
    "hold",
    [
        pytest.param(lambda story, at: schedule_story(story, at=at), id="schedule"),
        pytest.param(lambda story, at: embargo_story(story, until=at), id="embargo"),
    ],
)
def test_the_release_task_is_queued_on_commit_for_the_time(
    edition, hold, django_capture_on_commit_callbacks
):
    story = make_story(edition, published=False)
    at = timezone.now() + HOUR
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        hold(story, at)
    assert not DBTaskResult.objects.exists()  # nothing is queued before the change commits
    for callback in callbacks:
        callback()

    [task] = DBTaskResult.objects.all()
    assert task.task_path == TASK_PATH
    assert task.args_kwargs == {"args": [story.code], "kwargs": {}}
    assert task.run_after == at
    assert task.status == "READY"
    assert not DBTaskResult.objects.ready().exists()  # not before its time


def test_a_schedule_rolled_back_queues_nothing(edition, django_capture_on_commit_callbacks):
    story = make_story(edition, published=False)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        schedule_story(story, at=timezone.now() + HOUR)
        raise RuntimeError("the desk changed its mind")
    assert not DBTaskResult.objects.exists()
    story.refresh_from_db()
    assert story.status == Status.DRAFT


def test_the_task_releases_its_own_story_only(clock, edition):
    mine, other = scheduled(edition, clock.now + HOUR), scheduled(edition, clock.now + HOUR)
    assert release_story.call(mine.code) == 0  # not due yet
    clock.move_to(clock.now + HOUR)
    assert release_story.call(mine.code) == 1
    assert release_story.call(mine.code) == 0
    other.refresh_from_db()
    assert other.status == Status.SCHEDULED


@pytest.mark.django_db(transaction=True)  # the worker commits, as in production
def test_the_worker_runs_due_tasks_and_sweeps_at_start(clock, edition, settings):
    settings.RELEASE_SWEEP_SECONDS = 3600  # only the sweep at start, in this thread
    story = scheduled(edition, clock.now + HOUR)
    lost = scheduled(edition, clock.now + HOUR)
    DBTaskResult.objects.filter(args_kwargs__args=[lost.code]).delete()  # its task was lost
    clock.move_to(clock.now + HOUR + SECOND)

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    for each in (story, lost):
        assert len(changes_of(each, "published")) == 1
    [task] = DBTaskResult.objects.filter(task_path=TASK_PATH)  # Related News queues its own
    assert task.status == "SUCCESSFUL"
    assert task.return_value == 0  # the sweep at start had released it already
    assert not any(t.name == "release-sweep" for t in threading.enumerate())


@pytest.mark.parametrize(
    ("failure", "logged"),
    [
        # Another writer holding SQLite: one line, no traceback, and the next round retries.
        ("database is locked", "release sweep: the database is locked; the next round retries"),
        ("disk I/O error", "release sweep failed; the next round retries"),
    ],
)
# Real commits: a sweep reads the outbox too, then closes its connection between rounds, which
# a test's own open transaction would not survive on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_a_failed_sweep_is_logged_and_the_sweeping_goes_on(monkeypatch, caplog, failure, logged):
    stop = threading.Event()
    calls = []

    def failing_once():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError(failure)
        if len(calls) == 3:
            stop.set()
        return []

    monkeypatch.setattr(worker, "release_due", failing_once)
    with caplog.at_level(logging.WARNING, logger="dateline.worker"):
        worker.sweep_every(0.01, stop)
    assert len(calls) == 3  # the thread went on sweeping after the failure
    assert logged in caplog.text
    assert ("Traceback" in caplog.text) == (failure != "database is locked")


def test_a_sweep_interval_of_zero_is_refused(settings):
    settings.RELEASE_SWEEP_SECONDS = 0
    with pytest.raises(Exception, match="DATELINE_RELEASE_SWEEP_SECONDS=0"):
        call_command("worker", "--batch", "--no-reload", verbosity=0)


def test_a_story_scheduled_while_pages_are_cached_shows_once_released(clock, client, settings):
    settings.PAGE_CACHE_SECONDS = 3600  # only a new change can retire a cached page
    edition = make_edition("en")
    world = make_section(edition, "world", "World")
    make_story(edition, section=world, headline="Already out", published_at=clock.now - HOUR)
    story = scheduled(edition, clock.now + HOUR, section=world, headline="Out on the hour")

    def front_headlines():
        return [a.get_text() for a in page(client.get("/en/")).select(".story-list h2 a")]

    assert front_headlines() == ["Already out"]  # now cached
    assert client.get(story.get_absolute_url()).status_code == 404
    clock.move_to(story.published_at)
    release_due()

    assert front_headlines() == ["Out on the hour", "Already out"]
    assert client.get(story.get_absolute_url()).status_code == 200


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads writing at once need PostgreSQL; on SQLite one writer holds the database "
    "(the worker test in tests/ops races processes on SQLite)",
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_releases_log_one_change_each():
    edition = make_edition("en")
    at = timezone.now() + HOUR  # release_due is told the time
    stories = [scheduled(edition, at) for _ in range(40)]
    lifting = [embargoed(edition, at) for _ in range(10)]
    racers = 4
    start = threading.Barrier(racers)
    logged: list[list[StoryChange]] = []
    failures: list[BaseException] = []

    def race():
        try:
            start.wait()
            logged.append(release_due(now=at))
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    released = sorted(change.story_id for changes in logged for change in changes)
    assert released == sorted(s.code for s in stories + lifting)  # each once, whoever won
    assert StoryChange.objects.filter(action__in=["published", "released"]).count() == 50


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_release_waiting_on_another_finds_it_done():
    """The loser of a race blocks on the row until the winner commits, then updates nothing."""
    edition = make_edition("en")
    at = timezone.now() + HOUR
    story = scheduled(edition, at)
    winner_holds_the_row = threading.Event()
    loser: list[list[StoryChange]] = []

    def lose():
        winner_holds_the_row.wait()
        try:
            loser.append(release_due([story.code], now=at))
        finally:
            connections.close_all()

    thread = threading.Thread(target=lose)
    thread.start()
    with transaction.atomic():
        [won] = release_due([story.code], now=at)
        winner_holds_the_row.set()
        thread.join(timeout=1)
        assert thread.is_alive()  # waiting on the row lock
    thread.join(timeout=30)
    assert loser == [[]]
    assert changes_of(story, "published") == [won]
