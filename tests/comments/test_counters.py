"""The counters behind the comment rate limit in the embedded set-up (`CACHES["limits"]`, a
SQLite file): what django-ratelimit asks of a cache (`add` starts a window, `incr` counts in
it), windows that end, and counts that add up when several processes count at once."""

import multiprocessing

import pytest
from django.test import RequestFactory
from django_ratelimit.core import get_usage

from dateline.comments import counters
from dateline.comments.counters import SQLiteCounterCache
from tests.processes import dateline_env, run_dateline

PROCESSES = 4
EACH = 150


@pytest.fixture
def cache(tmp_path) -> SQLiteCounterCache:
    return SQLiteCounterCache(str(tmp_path / "counters.sqlite3"), {})


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(1_800_000_000.0)
    monkeypatch.setattr(counters.time, "time", clock)
    monkeypatch.setattr("django.core.cache.backends.base.time.time", clock)
    return clock


def test_the_embedded_limits_use_these_counters(tmp_path):
    """A new checkout (no REDIS_URL) counts comment posts in var/limits.sqlite3; this test run
    may itself be on Redis, so the embedded settings are read in a process of their own."""
    show = "from django.core.cache import caches; print(type(caches['limits']).__qualname__)"
    shown = run_dateline("shell", "-v0", "-c", show, env=dateline_env(tmp_path), check=True)
    assert shown.stdout.strip() == SQLiteCounterCache.__qualname__


def test_add_starts_a_window_once_and_incr_counts_in_it(cache, clock):
    assert cache.add("reader", 1, 60) is True
    assert cache.add("reader", 1, 60) is False  # a live window is not restarted
    assert cache.incr("reader") == 2
    assert cache.incr("reader", 3) == 5
    assert cache.get("reader") == 5
    assert cache.get("someone-else") is None


def test_an_ended_window_counts_from_one_again(cache, clock):
    cache.add("reader", 1, 60)
    cache.incr("reader")
    clock.now += 59
    assert cache.get("reader") == 2
    clock.now += 1
    assert cache.get("reader") is None
    with pytest.raises(ValueError, match="not found"):
        cache.incr("reader")  # as Django's caches do for a missing key
    assert cache.add("reader", 1, 60) is True
    assert cache.incr("reader") == 2


def test_expired_counters_are_swept(cache, clock, monkeypatch):
    monkeypatch.setattr(counters, "SWEEP_EVERY", 10)
    for n in range(5):
        cache.add(f"old-{n}", 1, 10)
    clock.now += 11
    for n in range(5):
        cache.add(f"new-{n}", 1, 10)
    rows = cache._db().execute("SELECT key FROM counter").fetchall()
    assert len(rows) == 5
    assert all(":new-" in key for (key,) in rows)


def test_only_whole_numbers_are_kept(cache):
    for value in ("1", 1.5, True, None, [1]):
        with pytest.raises(TypeError):
            cache.set("reader", value)
        with pytest.raises(TypeError):
            cache.add("reader", value)
    assert cache.get("reader") is None


def test_set_touch_delete_and_clear(cache, clock):
    cache.set("a", 7, 10)
    cache.set("b", 1, None)  # never ends
    assert cache.touch("a", 100) is True
    clock.now += 50
    assert cache.get("a") == 7
    assert cache.get("b") == 1
    assert cache.delete("a") is True
    assert cache.delete("a") is False
    assert cache.touch("a") is False
    cache.clear()
    assert cache.get("b") is None


def _count(path: str, key: str) -> None:
    cache = SQLiteCounterCache(path, {})
    for _ in range(EACH):
        if not cache.add(key, 1, 600):
            cache.incr(key)


def test_counts_from_several_processes_at_once_add_up(tmp_path):
    """django-ratelimit's `add`, else `incr`, from four processes at once: not one count lost
    (the file cache's read-then-write loses them)."""
    path = str(tmp_path / "counters.sqlite3")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_count, args=(path, "reader")) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert SQLiteCounterCache(path, {}).get("reader") == PROCESSES * EACH


def test_django_ratelimit_limits_through_these_counters(db):
    """The library's own counting on the configured cache: the third post in a window of two
    is over the limit; another reader is not."""
    request = RequestFactory().post("/")

    def usage(who: str) -> dict:
        return get_usage(
            request, group="test", key=lambda _g, _r: who, rate=(2, 60), increment=True
        )

    assert [usage("flooder")["should_limit"] for _ in range(3)] == [False, False, True]
    assert usage("flooder")["count"] == 4
    assert usage("another reader")["should_limit"] is False
