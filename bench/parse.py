"""Parse benchmark: Reuters-21578 through the pure wire-copy parser, stories per second.

Two figures, each the median of several runs over all 22 files:
- in memory: `parse_reuters_sgml` on file bytes read before the clock starts (parser cost only);
- with file I/O: `parse_file` on the paths (what `dateline import` does per file).
"Stories" are the elements with a body (those become stories); bodiless briefs are counted apart.
"""

import datetime
import time
from pathlib import Path

from bench.measure import AT_LEAST, REUTERS_DIR, reuters_files, row, say, skipped, summary
from dateline.copy import parse_file, parse_reuters_sgml

TARGET_RATE = 5_000  # stories per second, from the issue


def run(quick: bool) -> list[dict]:
    files = reuters_files()
    if not files:
        return [skipped("parse", f"no reut2-*.sgm files in {REUTERS_DIR}")]
    runs = 3 if quick else 5
    blobs = [(path.name, path.read_bytes()) for path in files]
    stories, briefs = _parse_blobs(blobs)  # also warms up the regexes and the allocator
    say(f"parse: {len(files)} files, {stories:,} stories (+{briefs:,} briefs), {runs} runs each")
    in_memory = [_seconds(_parse_blobs, blobs) for _ in range(runs)]
    with_io = [_seconds(_parse_paths, files) for _ in range(runs)]
    notes = {"files": len(files), "stories": stories, "briefs_without_body": briefs}
    return [
        _rate_row("parse: Reuters-21578 in memory", stories, in_memory, TARGET_RATE, notes),
        _rate_row("parse: Reuters-21578 with file I/O", stories, with_io, None, notes),
    ]


def _parse_blobs(blobs: list[tuple[str, bytes]]) -> tuple[int, int]:
    stories = briefs = 0
    for name, data in blobs:
        result = parse_reuters_sgml(data, name=name)
        stories += len(result.stories)
        briefs += len(result.without_body)
    return stories, briefs


def _parse_paths(paths: list[Path]) -> tuple[int, int]:
    now = datetime.datetime.now(datetime.UTC)
    stories = briefs = 0
    for path in paths:
        result = parse_file(path, now=now)
        stories += len(result.stories)
        briefs += len(result.without_body)
    return stories, briefs


def _seconds(work, argument) -> float:
    started = time.perf_counter()
    work(argument)
    return time.perf_counter() - started


def _rate_row(name, stories, seconds, target, notes) -> dict:
    samples = summary(seconds, "s per run")
    return row(
        name,
        stories / samples["median"],
        "stories/s",
        target=(AT_LEAST, target) if target else None,
        samples=samples,
        **notes,
    )
