"""Parse time grows in proportion to the input, whatever the input.

Each case builds a crafted input at three sizes, each 20 times the one before (2.5 KB, 50 KB
and 1 MB for most), and compares the time per byte of each size with the one before. A pattern
that rescans the rest of the input from every start position (``<D>(.*?)</D>`` on ``<D>`` after
``<D>`` with no ``</D>``) makes the larger input about 20 times dearer per byte; linear code
keeps the two within a small factor. Only ratios measured in this run are asserted, never an
absolute time. Times are CPU time (of this thread: the process's clock turns coarse while a CPU
timer is set), which other processes on a busy machine do not stretch; each size takes the best
of a few runs, and a measurement is retried when it is spoilt anyway.

A run that has already taken longer than the ratio allows is stopped there, since a quadratic
parser would otherwise run for minutes; the middle size makes that point come early.
"""

import contextlib
import datetime
import gc
import itertools
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from copy_support import NOW

from dateline.copy import CopyError, ParsedStory, ParseResult, parse_reuters_sgml, parse_text
from dateline.copy.dateline import split_dateline

MAX_RATIO = 4.0
STEP = 20  # each size is this many times the one before
SMALL_REPEATS = 7
LARGE_REPEATS = 3
ATTEMPTS = 3
# A run is stopped once it is known to break the ratio, but never before this: stopping only
# saves waiting, so this changes no verdict.
MIN_LIMIT_SECONDS = 0.01


@dataclass(frozen=True)
class Case:
    build: Callable[[int], bytes | str]
    """The crafted input, about ``n`` bytes long."""
    run: Callable[[bytes | str], object]
    check: Callable[[object], None]
    """Asserts, once, that the input reached the code it is meant to time."""
    largest: int = 1_000_000


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _reuters(data: bytes | str) -> ParseResult | CopyError:
    assert isinstance(data, bytes)
    try:
        return parse_reuters_sgml(data, name="crafted.sgm")
    except CopyError as error:
        return error


def _text(data: bytes | str) -> ParsedStory | CopyError:
    assert isinstance(data, bytes)
    try:
        return parse_text(data, name="crafted.txt", now=NOW)
    except CopyError as error:
        return error


def _element(inner: str, date: str = "<DATE>26-FEB-1987 15:01:01.79</DATE>") -> bytes:
    return ('<REUTERS NEWID="1">' + date + inner + "</REUTERS>\n").encode()


_STORY = "<TEXT><TITLE>COCOA</TITLE><BODY>Showers continued.</BODY></TEXT>"


def _warned(*expected: str) -> Callable[[object], None]:
    def check(result: object) -> None:
        assert isinstance(result, ParseResult), result
        warnings = result.warnings + [w for story in result.stories for w in story.warnings]
        for text in expected:
            assert any(text in warning for warning in warnings), (text, warnings[:5])

    return check


def _refused(expected: str) -> Callable[[object], None]:
    def check(result: object) -> None:
        assert isinstance(result, CopyError), result
        assert expected in str(result)

    return check


def _story(check: Callable[[ParsedStory], bool]) -> Callable[[object], None]:
    def checked(result: object) -> None:
        assert isinstance(result, ParsedStory), result
        assert check(result)

    return checked


def _no_dateline(result: object) -> None:
    assert isinstance(result, tuple)
    assert result[0] is None


CASES = {
    "<REUTERS start tags with no >": Case(
        build=lambda n: _fill("<REUTERS ", n).encode(),
        run=_reuters,
        check=_refused("<REUTERS> start tag is not closed at offset 0"),
    ),
    "<TEXT start tags with no >": Case(
        build=lambda n: _element(_fill("<TEXT TYPE=x", n)),
        run=_reuters,
        check=_warned("<TEXT> start tag is not closed"),
    ),
    "unclosed <TEXT>": Case(
        build=lambda n: _element(_fill("<TEXT>x", n)),
        run=_reuters,
        check=_warned("unclosed <TEXT>"),
    ),
    "unclosed <TITLE>": Case(
        build=lambda n: _element("<TEXT>" + _fill("<TITLE>x", n) + "</TEXT>"),
        run=_reuters,
        check=_warned("unclosed <TITLE>"),
    ),
    "unclosed <BODY>": Case(
        build=lambda n: _element("<TEXT><TITLE>T</TITLE>" + _fill("<BODY>x", n) + "</TEXT>"),
        run=_reuters,
        check=_warned("unclosed <BODY>"),
    ),
    "unclosed <DATELINE>": Case(
        build=lambda n: _element(
            "<TEXT><TITLE>T</TITLE>" + _fill("<DATELINE>x", n) + "<BODY>b</BODY></TEXT>"
        ),
        run=_reuters,
        check=_warned("unclosed <DATELINE>"),
    ),
    "unclosed <TOPICS>": Case(
        build=lambda n: _element(_STORY + _fill("<TOPICS>x", n)),
        run=_reuters,
        check=_warned("unclosed <TOPICS>"),
    ),
    "unclosed <D>": Case(
        build=lambda n: _element(_STORY + "<PLACES>" + _fill("<D>x", n) + "</PLACES>"),
        run=_reuters,
        check=_warned("unclosed <D> in <PLACES>"),
    ),
    "<DATE> after <DATE>": Case(
        build=lambda n: _element(_STORY, date=_fill("<DATE>26-FEB-1987 ", n)),
        run=_reuters,
        check=_warned("no readable <DATE>"),
    ),
    "dashes and words in a long lead": Case(
        build=lambda n: ("Headline\n\n" + _fill("Tehran, April 18 - word – ", n)).encode(),
        run=_text,
        check=_story(lambda story: story.dateline is not None),
        largest=500_000,
    ),
    # These two run smaller: the regular expressions they replaced took seconds to minutes at
    # 50 KB, in C code that the time limit cannot stop.
    "a furniture word before a long run of spaces": Case(
        build=lambda n: ("Headline\n\nTags" + " " * n + "x\n").encode(),
        run=_text,
        check=_story(lambda story: story.lead.startswith("Tags")),
        largest=50_000,
    ),
    "a long run of spaces before a dateline": Case(
        build=lambda n: " " * n + "x",
        run=lambda text: split_dateline(str(text), reference=datetime.date(2026, 11, 27)),
        check=_no_dateline,
        largest=50_000,
    ),
}


class _TooSlow(Exception):
    pass


@contextlib.contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Raise _TooSlow in the block once it has used ``seconds`` of CPU time (where such timers
    can be set)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if seconds is None or not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _best_seconds(
    run: Callable[[bytes | str], object], data: bytes | str, repeats: int, limit: float | None
) -> float:
    """The fastest of ``repeats`` runs; a run stopped at ``limit`` seconds counts as infinite."""
    best = math.inf
    for _ in range(repeats):
        gc.disable()
        try:
            start = time.thread_time()
            with _deadline(limit):
                run(data)
            best = min(best, time.thread_time() - start)
        except _TooSlow:
            continue
        finally:
            gc.enable()
    return best


@pytest.mark.parametrize("name", CASES)
def test_time_per_byte_does_not_grow_with_the_input(name: str) -> None:
    case = CASES[name]
    inputs = [case.build(case.largest // STEP**k) for k in (2, 1, 0)]
    case.check(case.run(inputs[1]))  # also warms up
    for smaller, larger in itertools.pairwise(inputs):
        ratios = _ratios(case.run, smaller, larger)
        assert min(ratios) <= MAX_RATIO, (
            f"{name}: time per byte at {len(larger):,} bytes is {min(ratios):.1f} times that "
            f"at {len(smaller):,} (attempts: {', '.join(f'{r:.1f}' for r in ratios)})"
        )


def _ratios(
    run: Callable[[bytes | str], object], smaller: bytes | str, larger: bytes | str
) -> list[float]:
    """Time per byte of ``larger`` over that of ``smaller``, measured until one attempt keeps
    within MAX_RATIO or ATTEMPTS have been made."""
    ratios: list[float] = []
    while len(ratios) < ATTEMPTS and not (ratios and ratios[-1] <= MAX_RATIO):
        small_seconds = _best_seconds(run, smaller, SMALL_REPEATS, None)
        # A run this slow breaks the ratio twice over: stop it rather than wait. (Noise can
        # stretch one run that far; the other repeats still count.)
        limit = max(small_seconds * len(larger) / len(smaller) * MAX_RATIO * 2, MIN_LIMIT_SECONDS)
        large_seconds = _best_seconds(run, larger, LARGE_REPEATS, limit)
        ratios.append((large_seconds / len(larger)) / (small_seconds / len(smaller)))
    return ratios
