"""Import benchmark: parsed Reuters-21578 stories stored, rendered and published in SQLite.

Each story goes through `import_story` in its own transaction (the real `dateline import`
path: duplicate check, tags, Markdown rendered to HTML, change log, publication), into a fresh
migrated database with one English edition. The files are parsed before the clock starts.
Reports stories per second over the whole import, the per-story latency, and the database size.
"""

import time

from bench.djangoenv import fresh_site
from bench.measure import AT_LEAST, REUTERS_DIR, reuters_files, row, say, skipped, summary
from dateline.copy import parse_reuters_sgml

TARGET_RATE = 1_000  # stories per second, from the issue
QUICK_FILES = 3


def run(quick: bool) -> list[dict]:
    files = reuters_files(limit=QUICK_FILES if quick else None)
    if not files:
        return [skipped("import", f"no reut2-*.sgm files in {REUTERS_DIR}")]
    stories = [
        story
        for path in files
        for story in parse_reuters_sgml(path.read_bytes(), name=path.name).stories
    ]
    with fresh_site() as var_dir:
        say(f"import: {len(stories):,} stories from {len(files)} files into {var_dir}")
        target = _english_edition_target()
        seconds, latencies, skipped_count = _import_all(stories, target)
        database_bytes = _database_size(var_dir)
    imported = len(stories) - skipped_count
    notes = {"files": len(files), "imported": imported, "skipped": skipped_count}
    per_story = summary(latencies, "ms per story")
    return [
        row(
            "import: Reuters into SQLite",
            imported / seconds,
            "stories/s",
            target=(AT_LEAST, TARGET_RATE),
            samples={**per_story, "total_s": seconds},
            **notes,
        ),
        row("import: per story, median", per_story["median"], "ms", samples=per_story),
        row("import: database size", database_bytes / 1024 / 1024, "MB", **notes),
    ]


def _english_edition_target():
    # Django models can only be imported once fresh_site() has set Django up.
    from dateline.editions.models import Edition
    from dateline.stories.importing import ImportTarget

    edition = Edition.objects.create(code="en", name="English", language="en", is_default=True)
    return ImportTarget(edition=edition, section=None, publish=True)


def _import_all(stories, target) -> tuple[float, list[float], int]:
    """Seconds for the whole import, milliseconds per story, and the stories skipped."""
    from dateline.stories.importing import StorySkipped, import_story

    latencies = []
    skipped_count = 0
    started = time.perf_counter()
    for parsed in stories:
        before = time.perf_counter()
        try:
            import_story(parsed, target)
        except StorySkipped:
            skipped_count += 1
        latencies.append((time.perf_counter() - before) * 1000)
    return time.perf_counter() - started, latencies, skipped_count


def _database_size(var_dir) -> int:
    """Bytes of the database file once the write-ahead log is checkpointed into it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return (var_dir / "dateline.sqlite3").stat().st_size
