"""Import benchmark: parsed Reuters-21578 stories stored, rendered and published in SQLite.

The stories go through `import_stories`, the real `dateline import` path (decision 0015):
batches of 500 in one transaction each, duplicates found with one query per batch, every story
checked as `create_story` checks it, tags, the body's HTML, revisions, the change log
and its signals, publication. Into a fresh migrated database with one English edition.

The parser alone is measured in the same process just before (best of three runs over the
same files), and the ratio of the two rates reported: how much of the parser's speed the
import keeps, a figure a busy machine changes less than either rate. Both are also given per
second of this process's CPU time. The files are parsed before the import's clock starts.
Reports stories per second over the whole import, the time per batch, and the database size.
"""

import time

from bench.djangoenv import fresh_site
from bench.measure import AT_LEAST, REUTERS_DIR, reuters_files, row, say, skipped, summary
from dateline.copy import parse_reuters_sgml

TARGET_RATE = 2_500  # stories per second, from the issue (issue 6, part 7)
QUICK_FILES = 3
PARSE_RUNS = 3


def run(quick: bool) -> list[dict]:
    files = reuters_files(limit=QUICK_FILES if quick else None)
    if not files:
        return [skipped("import", f"no reut2-*.sgm files in {REUTERS_DIR}")]
    blobs = [(path.name, path.read_bytes()) for path in files]
    parse_seconds, parse_cpu = [], []
    for _ in range(PARSE_RUNS):
        started, cpu = time.perf_counter(), time.process_time()
        stories = [
            story for name, data in blobs for story in parse_reuters_sgml(data, name=name).stories
        ]
        parse_seconds.append(time.perf_counter() - started)
        parse_cpu.append(time.process_time() - cpu)
    parse_rate = len(stories) / min(parse_seconds)
    with fresh_site() as var_dir:
        say(f"import: {len(stories):,} stories from {len(files)} files into {var_dir}")
        target = _english_edition_target()
        cpu = time.process_time()
        seconds, batch_ms, imported, skipped_count = _import_all(stories, target)
        cpu = time.process_time() - cpu
        database_bytes = _database_size(var_dir)
    rate = imported / seconds
    notes = {"files": len(files), "imported": imported, "skipped": skipped_count}
    per_batch = summary(batch_ms, "ms per batch")
    return [
        row(
            "import: Reuters into SQLite, in batches",
            rate,
            "stories/s",
            target=(AT_LEAST, TARGET_RATE),
            samples={**per_batch, "total_s": seconds},
            **notes,
        ),
        row(
            "import: the parser alone, same run",
            parse_rate,
            "stories/s",
            samples={"unit": "s", "runs": parse_seconds},
            stories=len(stories),
        ),
        row("import: import rate / parser rate", rate / parse_rate, "×"),
        # On a busy machine wall time is mostly waiting for a core; CPU time is the work done.
        row("import: stories per CPU second", imported / cpu, "stories/s", cpu_s=cpu),
        row("import: parser, stories per CPU second", len(stories) / min(parse_cpu), "stories/s"),
        row("import: per batch of 500, median", per_batch["median"], "ms", samples=per_batch),
        row("import: database size", database_bytes / 1024 / 1024, "MB", **notes),
    ]


def _english_edition_target():
    # Django models can only be imported once fresh_site() has set Django up.
    from dateline.editions.models import Edition
    from dateline.stories.importing import ImportTarget

    edition = Edition.objects.create(code="en", name="English", language="en", is_default=True)
    return ImportTarget(edition=edition, section=None, publish=True)


def _import_all(stories, target) -> tuple[float, list[float], int, int]:
    """Seconds for the whole import, milliseconds per batch, stories imported and skipped."""
    from dateline.stories.importing import BATCH_SIZE, import_stories

    batch_ms = []
    imported = skipped_count = 0
    started = before = time.perf_counter()
    for count, outcome in enumerate(import_stories(stories, target), start=1):
        if outcome.story is None:
            skipped_count += 1
        else:
            imported += 1
        if count % BATCH_SIZE == 0 or count == len(stories):
            now = time.perf_counter()
            batch_ms.append((now - before) * 1000)
            before = now
    return time.perf_counter() - started, batch_ms, imported, skipped_count


def _database_size(var_dir) -> int:
    """Bytes of the database file once the write-ahead log is checkpointed into it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return (var_dir / "dateline.sqlite3").stat().st_size
