"""Discovery at scale: search, Related News and the article page at 1,000 to 1,000,000 stories.

For each corpus size and each database (SQLite with FTS5, PostgreSQL full-text search), a
synthetic corpus (`bench.synthetic`: Reuters-21578's vocabulary, frequencies and lengths, a
fifth in Persian script for the fa edition) is written straight into the tables with
`bulk_create` (the actions would take hours at a million and are not what is measured), and
the index is built as `dateline reindex` builds it (`discovery.search.reindex`). Measured:

- index build: the reindex's seconds; the index's size on disk (FTS5's tables from `dbstat`,
  or the table and its GIN index on PostgreSQL); the peak RSS of the building process;
- search: 100 varied queries (frequent, middling and rare words, two words, phrases, prefixes,
  section, tag and date filters, Persian with either letter variant) through
  `parse_query` and `discovery.search.search`, a page's worth (11) each: each query's median
  of ROUNDS after a warm-up, then p50 and p95 over the queries. Target at every size:
  p95 ≤ 100 ms;
- Related News: NEW_STORIES new stories created published through the actions, each indexed
  (`sync_stories`, what the change log's receiver does) and then `discovery.related.refresh`
  timed, the background task's whole work for a newly published story (its list, and its
  place in its candidates' lists). p50/p95; target p95 ≤ 50 ms. Twice: with the candidates'
  lists empty (the corpus has none: the story enters all 60, the most lists written), and for
  NEW_STORIES_FULL more with each candidate's list computed first, as on a site whose lists
  are all made (the story enters those it beats the weakest of; each is rewritten whole);
  both with each edition's model fitted, as `dateline related --fit` leaves a site (once per
  cached corpus, timed) and read into the process first, as a worker holds it after its first
  refresh (timed apart), then NEW_STORIES_FULL more without a model (an edition never fitted);
- a corpus's files are read once before measuring (SQLite's file; PostgreSQL's tables and
  indexes with `pg_prewarm`): a running site's pages are in the operating system's cache;
- a corpus built before Related News's word counts were kept (`StoryWords`) gets them first,
  timed (`dateline related --words` does the same on a site);
- the article page of one of those new stories (its Related News computed), rendered in
  process through the test client with the page cache off: median ms, queries, against the
  same at 1,000 stories (target: at most ARTICLE_RATIO times that);
- the pages whose queries could walk the corpus, rendered the same way against the same at
  1,000 (same target): the front, a section, the English edition's most and least carried
  tags, an article whose Related News is not computed yet (the stand-in rule);
- the peak RSS of the measuring process (search and related run in it).

The new stories are written in one transaction rolled back at the end, so the cached corpus
stays as built. Corpora are kept under var/bench-cache/ (one var dir per database and size,
keyed by size, seed and GENERATOR_VERSION; PostgreSQL databases dateline_scale_<size>), so
only the first run at a size pays for the build. Sizes: DATELINE_BENCH_SCALE_SIZES (comma
separated; default 1,000, 10,000 and 100,000; --quick 1,000 and 10,000); 1,000 is always
added, the article page's reference. Backends: DATELINE_BENCH_SCALE_BACKENDS (default
`sqlite,postgresql`; PostgreSQL is skipped when it does not answer at DATELINE_SCALE_PG,
default postgres://postgres@127.0.0.1/dateline_scale, to which _<size> is added).

The curves (latency, index size, memory against size) go to bench/results/scale-latest.png.
Directly: `python -m bench.discovery_scale --sizes 1000000 [--backends sqlite]`.
"""

import argparse
import datetime
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.measure import AT_MOST, percentile, row, say, skipped

PROJECT_DIR = Path(__file__).resolve().parents[1]
CACHE_DIR = PROJECT_DIR / "var" / "bench-cache"
RESULTS_DIR = PROJECT_DIR / "bench" / "results"
GENERATOR_VERSION = 1
DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
REFERENCE_SIZE = 1_000
BACKENDS = ("sqlite", "postgresql")
PG_URL = os.environ.get("DATELINE_SCALE_PG", "postgres://postgres@127.0.0.1/dateline_scale")
# The server's memory settings, reported beside its results (`_server_settings`).
POSTGRESQL_SETTINGS = ("shared_buffers", "effective_cache_size", "work_mem")
LOAD_BATCH = 5_000
QUERIES = 100
ROUNDS = 3
NEW_STORIES = 30
NEW_STORIES_FULL = 10  # each costs its 60 candidates' lists first
ARTICLE_REQUESTS = 150
TARGET_SEARCH_P95_MS = 100
TARGET_RELATED_P95_MS = 50
ARTICLE_RATIO = 1.25
PER_PAGE = 11
STEPS = (
    "build",
    "measure",
)  # the search page's ten results and one to know whether another page follows


# --- the orchestrator (run by bench/run.py, in its own process) -------------------------------


def run(quick: bool) -> list[dict]:
    sizes = _sizes(os.environ.get("DATELINE_BENCH_SCALE_SIZES"), quick)
    backends = os.environ.get("DATELINE_BENCH_SCALE_BACKENDS", ",".join(BACKENDS)).split(",")
    return measure_all(sizes, backends)


def _sizes(text: str | None, quick: bool) -> list[int]:
    sizes = [int(s.replace("_", "")) for s in text.split(",")] if text else None
    return sorted({REFERENCE_SIZE, *(sizes or (QUICK_SIZES if quick else DEFAULT_SIZES))})


def measure_all(sizes: list[int], backends: list[str], *, cached: bool = False) -> list[dict]:
    """Build (unless cached) and measure each size on each database; `cached`: only report
    what earlier runs measured (the JSON kept beside each corpus)."""
    results: dict[str, dict[int, dict]] = {}
    rows = []
    for backend in backends:
        if cached:
            for size in sizes:
                steps = [_var_dir(backend, size).with_suffix(f".{s}.json") for s in STEPS]
                if all(path.exists() for path in steps):
                    got = [json.loads(path.read_text(encoding="utf-8")) for path in steps]
                    results.setdefault(backend, {})[size] = {**got[0], **got[1]}
            continue
        if backend == "postgresql" and not _postgres_answers():
            rows.append(skipped(f"scale {backend}", f"no PostgreSQL at {PG_URL}"))
            continue
        for size in sizes:
            say(f"scale: {backend} at {size:,} stories")
            build = _in_child("build", backend, size)
            measured = _in_child("measure", backend, size)
            results.setdefault(backend, {})[size] = {**build, **measured}
    for backend, by_size in results.items():
        rows += _rows(backend, by_size)
    if results:
        picture = _draw(results)
        rows.append(row("scale: curves", len(results), "backends", image=str(picture)))
    return rows


def _postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(_admin_url(), connect_timeout=3):
            return True
    except Exception as problem:
        say(f"scale: PostgreSQL not usable: {problem}")
        return False


def _in_child(step: str, backend: str, size: int) -> dict:
    """Run `step` for one backend and size in a fresh interpreter (its own peak RSS)."""
    out = _var_dir(backend, size).with_suffix(f".{step}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "bench.discovery_scale", f"--{step}", backend, str(size)]
    completed = subprocess.run([*command, "--out", str(out)], cwd=PROJECT_DIR, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed (exit status {completed.returncode})")
    return json.loads(out.read_text(encoding="utf-8"))


# --- one corpus's place ------------------------------------------------------------------------


def _var_dir(backend: str, size: int) -> Path:
    from bench.synthetic import SEED

    return CACHE_DIR / f"scale-{backend}-{size}-seed{SEED}-v{GENERATOR_VERSION}"


def _database_name(size: int) -> str:
    return PG_URL.rsplit("/", 1)[1] + f"_{size}"


def _database_url(size: int) -> str:
    return PG_URL.rsplit("/", 1)[0] + "/" + _database_name(size)


def _admin_url() -> str:
    return PG_URL.rsplit("/", 1)[0] + "/postgres"


def _set_up_django(backend: str, size: int) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "DATELINE_PROFILE", "DATELINE_DEBUG"):
        os.environ.pop(name, None)
    os.environ["DATELINE_VAR_DIR"] = str(_var_dir(backend, size))
    os.environ["DATELINE_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "dateline.config.settings"
    if backend == "postgresql":
        os.environ["DATABASE_URL"] = _database_url(size)
    import django

    django.setup()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- building a corpus (child process) ---------------------------------------------------------


def build(backend: str, size: int) -> dict:
    """The corpus and its index, unless the cache has them; what building them cost."""
    var_dir = _var_dir(backend, size)
    built = var_dir / "built.json"
    if built.exists():
        say(f"scale: {backend} {size:,}: cached in {var_dir.relative_to(PROJECT_DIR)}")
        return json.loads(built.read_text(encoding="utf-8"))
    if var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True)
    if backend == "postgresql":
        _recreate_database(size)
    _set_up_django(backend, size)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from bench import synthetic

    synthetic.shape()  # Reuters read and parsed before the clock starts
    started = time.perf_counter()
    public = _load(size)
    load_seconds = time.perf_counter() - started
    _analyse()
    say(f"scale: {backend} {size:,}: {size:,} stories written in {load_seconds:.0f} s; indexing")
    from dateline.discovery.search import reindex

    step = max(size // 10, 1_000)
    started = time.perf_counter()
    indexed = reindex(
        progress=lambda done: done % step < 500 and say(f"scale: indexed {done:,}"),
    )
    index_seconds = time.perf_counter() - started
    _analyse()
    result = {
        "stories": size,
        "public": public,
        "indexed": indexed,
        "load_seconds": load_seconds,
        "index_seconds": index_seconds,
        "index_bytes": _index_bytes(),
        "database_bytes": _database_bytes(),
        "build_peak_rss_mb": _peak_rss_mb(),
        "built_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "vendor": connection.vendor,
    }
    say(f"scale: {backend} {size:,}: index built in {index_seconds:.0f} s")
    built.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def _recreate_database(size: int) -> None:
    import psycopg

    with psycopg.connect(_admin_url(), autocommit=True) as admin:
        name = _database_name(size)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _end_of_corpus() -> datetime.datetime:
    """The newest story's time: an hour ago, so every story is public when measured."""
    now = datetime.datetime.now(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    return now - datetime.timedelta(hours=1)


def _load(size: int) -> int:
    """The editions, sections, tags and `size` stories (a share of them drafts, which no
    search or list may show), in batches. Returns how many are public."""
    from bench import synthetic
    from dateline.editions.models import Edition
    from dateline.stories.models import Section, Story, Tag

    editions = {
        "en": Edition.objects.create(code="en", name="English", language="en", is_default=True),
        "fa": Edition.objects.create(
            code="fa", name="Persian", language="fa", timezone="Asia/Tehran"
        ),
    }
    sections = {
        (code, n): Section.objects.create(
            edition=edition, slug=f"s{n}", name=f"Section {n}", position=n, is_default=n == 0
        )
        for code, edition in editions.items()
        for n in range(synthetic.SECTIONS_PER_EDITION)
    }
    tags = {
        (kind, name): tag
        for (kind, name), tag in zip(
            synthetic.all_tags(),
            Tag.objects.bulk_create(
                Tag(slug=f"{kind}-{name}"[:120], name=name, vocabulary=kind)
                for kind, name in synthetic.all_tags()
            ),
            strict=True,
        )
    }
    end, through, public = _end_of_corpus(), Story.tags.through, 0
    for start in range(0, size, LOAD_BATCH):
        made = list(synthetic.stories(start, min(start + LOAD_BATCH, size), size, end=end))
        batch = [_story(one, editions, sections) for one in made]
        public += sum(1 for story in batch if story.status == "published")
        stored = Story.objects.bulk_create(batch)
        through.objects.bulk_create(
            through(story_id=story.pk, tag_id=tags[tag].pk)
            for story, one in zip(stored, made, strict=True)
            for tag in one.tags
        )
        if start // LOAD_BATCH % 20 == 0:
            say(f"scale: written {start + len(batch):,} of {size:,}")
    return public


def _story(one, editions, sections):
    from dateline.stories.models import Story

    draft = one.number % 50 == 49  # 2 % drafts: in the tables, never public
    return Story(
        edition=editions[one.edition],
        section=sections[(one.edition, one.section)],
        headline=one.headline,
        slug=f"story-{one.number}",
        language=one.edition,
        lead=one.lead,
        body=one.body,
        body_html=one.body_html,
        status="draft" if draft else "published",
        published_at=None if draft else one.published_at,
        created_at=one.published_at,
        updated_at=one.published_at,
    )


def _analyse() -> None:
    """Statistics for the planner as a running site has them (its worker's, decision 0056); on
    PostgreSQL also the visibility map its autovacuum keeps (without it a bulk-written corpus's
    index-only scans read the table: a year's date bounds took a parallel scan of every story,
    245 ms, against 22 ms)."""
    from django.db import connection

    from dateline.stories.statistics import refresh_statistics

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    else:
        refresh_statistics()


def _index_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('discovery_search')")
        else:  # FTS5's shadow tables: data, index, content, docsize, config
            cursor.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'discovery\\_search%' ESCAPE '\\'"
            )
        return int(cursor.fetchone()[0] or 0)


def _database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
        else:
            cursor.execute(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            )
        return int(cursor.fetchone()[0])


# --- measuring (child process) -----------------------------------------------------------------


class _RolledBack(Exception):
    pass


def measure(backend: str, size: int) -> dict:
    _set_up_django(backend, size)
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", interactive=False, verbosity=0)  # a corpus cached by older code
    from dateline.discovery.related import store_missing_words

    began = time.perf_counter()
    backfilled = store_missing_words()  # a corpus built before the word counts were kept
    backfill_seconds = time.perf_counter() - began

    from bench import synthetic

    fit_seconds = _models_fitted()
    if backend == "sqlite":
        _read_whole(Path(connection.settings_dict["NAME"]))
    else:
        _read_whole_postgresql()
    synthetic.shape()  # the generator's Reuters model, apart from what discovery holds
    result = {"generator_rss_mb": _peak_rss_mb(), "queries": _search_latencies()}
    result["server"] = _server_settings()
    result.update(words_backfilled=backfilled, words_backfill_seconds=backfill_seconds)
    result["model_fit_seconds"] = fit_seconds
    try:
        with transaction.atomic():
            result.update(_new_stories(size))
            raise _RolledBack
    except _RolledBack:
        pass
    result["pages"] = _list_pages()
    result["measure_peak_rss_mb"] = _peak_rss_mb()
    return result


def _models_fitted() -> float | None:
    """Fit each edition's Related News model, as `dateline related --fit` (weekly from cron,
    docs/operating.md) leaves a running site, once per cached corpus; the seconds it took,
    None when the corpus already had them."""
    from dateline.discovery.models import RelatedModel
    from dateline.discovery.related import fit

    if RelatedModel.objects.exists():
        return None
    began = time.perf_counter()
    fit()
    return time.perf_counter() - began


def _read_whole(database: Path) -> None:
    """Read the SQLite file once: a running site's pages are in the operating system's cache,
    and this machine's memory reclaim (DAMON's kdamond) takes an idle corpus's out of it, which
    made reads from disk of a refresh that reads from memory on a site (p95 144 → 89 ms)."""
    with database.open("rb") as file:
        while file.read(1 << 24):
            pass


def _read_whole_postgresql() -> None:
    """The same for PostgreSQL: each table and index of the corpus's database read once into
    its shared buffers (`pg_prewarm`, 'buffer'), as far as they hold it, and so into the
    operating system's cache. Measured cold, the first run on a corpus just built gave Related
    News p95 157 ms where the next, warm, gave 120. A server without the extension, or a user
    who may not create it, is measured as it is, and said so."""
    from django.db import DatabaseError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute(
                "SELECT sum(pg_prewarm(c.oid, 'buffer')) FROM pg_class c JOIN pg_namespace n"
                " ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'pg_toast')"
                " AND c.relkind IN ('r', 'i', 't')"
            )
    except DatabaseError as error:
        say(f"scale: PostgreSQL's files not read ahead ({error}); reads from disk may be timed")


def _server_settings() -> dict[str, str]:
    """What the database server was measured with: PostgreSQL's memory settings (docs/
    operating.md says what to give it at archive sizes), nothing for SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, current_setting(name) FROM unnest(%s::text[]) AS name",
            [list(POSTGRESQL_SETTINGS)],
        )
        return dict(cursor.fetchall())


def _search_latencies() -> list[dict]:
    from dateline.discovery.query import parse_query
    from dateline.discovery.search import search

    asked = queries()
    for query in asked:  # warm-up: the pages the queries read come into the cache
        search(parse_query(query["q"]), query["filters"], offset=0, limit=PER_PAGE)
    timings = {n: [] for n in range(len(asked))}
    cpu = {n: [] for n in range(len(asked))}
    for _ in range(ROUNDS):
        for n, query in enumerate(asked):
            began, began_cpu = time.perf_counter_ns(), time.process_time_ns()
            found = search(parse_query(query["q"]), query["filters"], offset=0, limit=PER_PAGE)
            timings[n].append((time.perf_counter_ns() - began) / 1e6)
            cpu[n].append((time.process_time_ns() - began_cpu) / 1e6)
            query["found"] = len(found)
    return [
        {
            "q": query["q"],
            "kind": query["kind"],
            "found": query["found"],
            "ms": statistics.median(timings[n]),
            "cpu_ms": statistics.median(cpu[n]),
        }
        for n, query in enumerate(asked)
    ]


def queries() -> list[dict]:
    """QUERIES searches a reader might type, the same for every size and database."""
    from bench import synthetic
    from dateline.discovery.backends import Filters
    from dateline.editions.models import Edition
    from dateline.stories.models import Section, Tag

    rng = random.Random(synthetic.SEED)
    words = [w for w in synthetic.vocabulary(40_000) if w.isalpha() and len(w) > 2]
    frequent, middling, rare = words[20:300], words[1_000:6_000], words[10_000:30_000]
    en, fa = Edition.objects.get(code="en"), Edition.objects.get(code="fa")
    sections = list(Section.objects.filter(edition=en).values_list("pk", flat=True))
    tags = list(
        Tag.objects.filter(vocabulary="place", name__in=["usa", "uk", "japan", "west-germany"])
        .order_by("name")
        .values_list("pk", flat=True)
    )
    end = _end_of_corpus()
    last_month = end - datetime.timedelta(days=30)
    a_year = (end - datetime.timedelta(days=3 * 365), end - datetime.timedelta(days=2 * 365))
    phrases = _phrases(rng)

    def en_(q, kind, **filters):
        return {"q": q, "kind": kind, "filters": Filters(edition_id=en.pk, **filters)}

    def fa_(q, kind):
        return {"q": q, "kind": kind, "filters": Filters(edition_id=fa.pk)}

    def arabic(text):  # the letters Arabic keyboards write, which the normalisation maps
        return text.replace("ی", "ي").replace("ک", "ك")

    made = [en_(w, "frequent word") for w in rng.sample(frequent, 10)]
    made += [en_(w, "middling word") for w in rng.sample(middling, 10)]
    made += [en_(w, "rare word") for w in rng.sample(rare, 10)]
    pairs = rng.sample(frequent, 8)
    made += [en_(f"{a} {b}", "two words") for a, b in zip(pairs[::2], pairs[1::2], strict=True)]
    made += [
        en_(f"{rng.choice(frequent)} {rng.choice(middling)} {rng.choice(frequent)}", "three words")
        for _ in range(3)
    ]
    made += [en_(f"{rng.choice(frequent)} {rng.choice(middling)}", "two words") for _ in range(6)]
    made += [en_(f'"{p}"', "phrase") for p in phrases[:10]]
    made += [en_(w[: rng.choice((3, 4))] + "*", "prefix") for w in rng.sample(middling, 10)]
    made += [
        en_(rng.choice(middling), "section filter", section_id=rng.choice(sections))
        for _ in range(5)
    ]
    made += [en_(rng.choice(frequent), "tag filter", tag_id=rng.choice(tags)) for _ in range(5)]
    made += [en_(rng.choice(frequent), "last 30 days", since=last_month) for _ in range(5)]
    made += [
        en_(rng.choice(middling), "one year", since=a_year[0], until=a_year[1]) for _ in range(5)
    ]
    persian = [synthetic.persian(w) for w in rng.sample(frequent + middling, 13)]
    made += [fa_(w, "Persian word") for w in persian[:7]]
    made += [fa_(arabic(w), "Persian, Arabic letters") for w in persian[7:11]]
    made += [fa_(f'"{synthetic.persian(p)}"', "Persian phrase") for p in phrases[10:13]]
    made += [fa_(w[:3] + "*", "Persian prefix") for w in persian[11:13]]
    made += [fa_(f"{persian[0]} {persian[5]}", "Persian two words")]
    assert len(made) == QUERIES, len(made)
    return made


def _phrases(rng: random.Random) -> list[str]:
    """Two- and three-word runs of real Reuters stories' text."""
    from bench import synthetic

    shape = synthetic.shape()
    found = []
    while len(found) < 13:
        document = shape.documents[rng.randrange(len(shape.documents))]
        if len(document) < 10:
            continue
        at, length = rng.randrange(len(document) - 3), rng.choice((2, 3))
        phrase = shape.words[document[at : at + length]].tolist()
        if all(word.isalpha() for word in phrase):
            found.append(" ".join(phrase))
    return found


def _new_stories(size: int) -> dict:
    """Publish NEW_STORIES stories through the actions and time their Related News, each
    candidate's list empty (the corpus has no lists: every candidate takes the story, 61 lists
    written); then NEW_STORIES_FULL more, each candidate's list first computed (untimed), as on
    a site whose lists are all made; then the article page of the first one."""
    from dateline.discovery.related import refresh
    from dateline.discovery.search import sync_stories

    model_read_ms = _models_read()
    sync_ms, related_ms, related_cpu_ms, lists_written, codes = [], [], [], [], []
    for n in range(NEW_STORIES):
        story = _published(n, NEW_STORIES)
        began = time.perf_counter_ns()
        sync_stories([story.pk])  # what the change log's receiver does at the commit
        sync_ms.append((time.perf_counter_ns() - began) / 1e6)
        began, began_cpu = time.perf_counter_ns(), time.process_time_ns()
        lists_written.append(refresh(story.pk))
        related_ms.append((time.perf_counter_ns() - began) / 1e6)
        related_cpu_ms.append((time.process_time_ns() - began_cpu) / 1e6)
        codes.append(story.pk)
    full_ms, full_cpu_ms, full_written = [], [], []
    for n in range(NEW_STORIES_FULL):
        story = _published(NEW_STORIES + n, NEW_STORIES + NEW_STORIES_FULL)
        _candidates_lists_made(story.pk)
        sync_stories([story.pk])
        began, began_cpu = time.perf_counter_ns(), time.process_time_ns()
        full_written.append(refresh(story.pk))
        full_ms.append((time.perf_counter_ns() - began) / 1e6)
        full_cpu_ms.append((time.process_time_ns() - began_cpu) / 1e6)
    unfitted_ms = _without_models(NEW_STORIES + NEW_STORIES_FULL)
    return {
        "sync_ms": sync_ms,
        "related_ms": related_ms,
        "related_cpu_ms": related_cpu_ms,
        "lists_written": lists_written,
        "related_full_ms": full_ms,
        "related_full_cpu_ms": full_cpu_ms,
        "lists_written_full": full_written,
        "related_unfitted_ms": unfitted_ms,
        "model_read_ms": model_read_ms,
        **_article_page(codes[1]),  # an English one
    }


def _models_read() -> float:
    """Read each edition's model into this process, as a worker has after its first refresh
    (a process reads a model once, then only asks which is latest): the milliseconds it took,
    kept out of the refreshes' timings, whose first one per edition it would otherwise be."""
    from dateline.discovery import lsa
    from dateline.editions.models import Edition

    began = time.perf_counter_ns()
    for edition_id in Edition.objects.values_list("pk", flat=True):
        lsa.latest(edition_id)
    return (time.perf_counter_ns() - began) / 1e6


def _without_models(first: int) -> list[float]:
    """A refresh's wall time for NEW_STORIES_FULL more stories on a site whose editions were
    never fitted a model (the TF-IDF rerank, each word's document frequency read from the
    index): the models deleted inside the benchmark's rolled-back transaction."""
    from dateline.discovery.models import RelatedModel
    from dateline.discovery.related import refresh
    from dateline.discovery.search import sync_stories

    RelatedModel.objects.all().delete()
    timings = []
    for n in range(NEW_STORIES_FULL):
        story = _published(first + n, first + NEW_STORIES_FULL)
        sync_stories([story.pk])
        began = time.perf_counter_ns()
        refresh(story.pk)
        timings.append((time.perf_counter_ns() - began) / 1e6)
    return timings


def _candidates_lists_made(code: int) -> None:
    """Compute and store the lists of story `code`'s candidates, written straight into the
    table (what a refresh of each would store, without its offers to their own candidates),
    before `code` is in the index: none of them holds it."""
    from dateline.discovery.models import RelatedStory
    from dateline.discovery.related import RELATED_LIMIT, Profiles, Scorer

    profiles = Profiles()
    scorer = Scorer(profiles)
    codes = [scored.code for scored in scorer.candidates(profiles.get([code])[code])]
    RelatedStory.objects.filter(story_id__in=codes).delete()
    RelatedStory.objects.bulk_create(
        RelatedStory(
            story_id=candidate.code,
            related_id=s.code,
            rank=rank,
            score=s.score,
            explanation=s.explanation,
        )
        for candidate in profiles.get(codes).values()
        for rank, s in enumerate(scorer.candidates(candidate)[:RELATED_LIMIT], start=1)
    )


def _published(n: int, of: int):
    """The nth of `of` new stories, created published through the actions (a fifth Persian)."""
    from bench import synthetic
    from dateline.editions.models import Edition
    from dateline.stories.actions.create import create_story
    from dateline.stories.models import Section

    now = datetime.datetime.now(datetime.UTC)
    one = synthetic.story(n, of, seed=synthetic.SEED + 1, end=now)
    edition = Edition.objects.get(code="en" if n % 5 else "fa")
    section = Section.objects.get(edition=edition, slug=f"s{one.section}")
    headline, lead, body = one.headline, one.lead, one.body
    if edition.code == "fa" and one.edition == "en":
        headline, lead, body = (
            " ".join(synthetic.persian(w) for w in text.lower().replace(".", "").split())
            for text in (headline, lead, body)
        )
    return create_story(
        edition=edition,
        section=section,
        headline=headline,
        lead=lead,
        body=body,
        publish_at=now - datetime.timedelta(minutes=1),
    )


def _article_page(code: int) -> dict:
    from dateline.stories.models import Story

    got = _rendered(Story.objects.get(pk=code).get_absolute_url())
    content = got.pop("content")
    related = content.count(b'class="related') and content.split(b'class="related', 1)[1].split(
        b"</section>", 1
    )[0].count(b"<li")
    return {
        "article_ms": got["ms"],
        "article_cpu_ms": got["cpu_ms"],
        "article_queries": got["queries"],
        "article_related": related,
    }


def _list_pages() -> dict[str, dict]:
    """The pages whose queries could walk the corpus, rendered as `_rendered` does: the front,
    a section, the tags carried most and least (of those that fill a page) in the English
    edition, and an article whose Related News is not computed (the stand-in rule: the newest
    sharing a tag or the section). The corpus's newest story may carry no tag; the newest
    that carries one is taken."""
    from django.db import connection

    from dateline.discovery.models import RelatedStory
    from dateline.site.pagination import PER_PAGE
    from dateline.stories.models import Section, Story, Tag

    en = Story.objects.public().filter(edition__code="en")
    through = Story.tags.through._meta.db_table
    english, params = en.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:  # every English story's tags counted: seconds, once
        cursor.execute(
            f"SELECT tag_id, COUNT(*) FROM {through} WHERE story_id IN ({english})"
            " GROUP BY tag_id ORDER BY 2 DESC, 1",
            params,
        )
        counted = cursor.fetchall()
    # The least carried of the tags that fill a page: a page of one story at 1,000 against a
    # full page at a million would compare two different pages.
    full = [(tag, n) for tag, n in counted if n > PER_PAGE] or counted[:1]
    most, least = (Tag.objects.get(pk=pair[0]) for pair in (counted[0], full[-1]))
    listless = (
        en.filter(tags__isnull=False)
        .exclude(pk__in=RelatedStory.objects.values("story_id"))
        .latest()
        .first()
    )
    section = Section.objects.filter(edition__code="en").order_by("position").first()
    pages = {
        "front": "/en/",
        "section": f"/en/section/{section.slug}/",
        "tag, most carried": f"/en/tag/{most.slug}/",
        "tag, least carried": f"/en/tag/{least.slug}/",
        "article, Related News not computed": listless.get_absolute_url(),
    }
    carried = {"tag, most carried": counted[0][1], "tag, least carried": full[-1][1]}
    measured = {}
    for name, url in pages.items():
        got = _rendered(url)
        del got["content"]
        measured[name] = {**got, "url": url, "stories_tagged": carried.get(name)}
    return measured


def _rendered(url: str) -> dict:
    """`url` rendered in process through the test client, the page cache off (the cost of a
    cache miss): up to 20 warm-up and ARTICLE_REQUESTS timed requests, fewer when each takes
    seconds (a page that slow has missed its target anyway): at least 2 and 10, about 10 and
    30 s. Milliseconds and CPU milliseconds per request, queries, the last page's bytes."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.PAGE_CACHE_SECONDS = 0
    client = Client()
    began = time.perf_counter()
    for n in range(20):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        if n >= 1 and time.perf_counter() - began > 10:
            break
    connection.queries_log.clear()  # full (it keeps 9,000): nothing new would be counted
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    timings, cpu = [], []
    began = time.perf_counter()
    while len(timings) < ARTICLE_REQUESTS and (
        len(timings) < 10 or time.perf_counter() - began < 30
    ):
        began_one, began_cpu = time.perf_counter_ns(), time.process_time_ns()
        client.get(url)
        timings.append((time.perf_counter_ns() - began_one) / 1e6)
        cpu.append((time.process_time_ns() - began_cpu) / 1e6)
    return {
        "ms": timings,
        "cpu_ms": cpu,
        "queries": len(captured.captured_queries),
        "content": response.content,
    }


# --- rows and curves ---------------------------------------------------------------------------


def _rows(backend: str, by_size: dict[int, dict]) -> list[dict]:
    rows = []
    reference = by_size.get(REFERENCE_SIZE)
    for size, got in sorted(by_size.items()):
        at = f"scale {backend} {size:,}"
        search_ms = [q["ms"] for q in got["queries"]]
        slowest = sorted(got["queries"], key=lambda q: -q["ms"])[:5]
        rows.append(row(f"{at}: index build", got["index_seconds"], "s", **_build_notes(got)))
        rows.append(row(f"{at}: index size", got["index_bytes"] / 2**20, "MB"))
        rows.append(row(f"{at}: peak RSS, build", got["build_peak_rss_mb"], "MB"))
        rows.append(
            row(
                f"{at}: peak RSS, search+related",
                got["measure_peak_rss_mb"],
                "MB",
                of_which_django_and_generator_mb=got["generator_rss_mb"],
            )
        )
        search_cpu = [q.get("cpu_ms", q["ms"]) for q in got["queries"]]
        rows.append(row(f"{at}: search p50", percentile(search_ms, 0.5), "ms"))
        rows.append(
            row(f"{at}: search p95, CPU of this process", percentile(search_cpu, 0.95), "ms")
        )
        rows.append(
            row(
                f"{at}: search p95",
                percentile(search_ms, 0.95),
                "ms",
                target=(AT_MOST, TARGET_SEARCH_P95_MS),
                server=got.get("server", {}),
                slowest=slowest,
                by_kind=_by_kind(got["queries"]),
                queries=got["queries"],
            )
        )
        rows += _related_rows(
            f"{at}: related p50",
            f"{at}: related p95",
            f"{at}: related p95, CPU of this process",
            got["related_ms"],
            got.get("related_cpu_ms"),
            lists_written=got["lists_written"],
            index_sync_ms=got["sync_ms"],
            candidates_lists="empty",
        )
        if "related_full_ms" in got:
            rows += _related_rows(
                f"{at}: related p50, lists full",
                f"{at}: related p95, lists full",
                f"{at}: related p95, lists full, CPU",
                got["related_full_ms"],
                got["related_full_cpu_ms"],
                lists_written=got["lists_written_full"],
                candidates_lists="computed first",
            )
        if "related_unfitted_ms" in got:
            rows.append(
                row(
                    f"{at}: related p95, no model fitted",
                    percentile(got["related_unfitted_ms"], 0.95),
                    "ms",
                    samples=got["related_unfitted_ms"],
                )
            )
        if "model_read_ms" in got:
            rows.append(
                row(f"{at}: Related News models read into a process", got["model_read_ms"], "ms")
            )
        if got.get("model_fit_seconds") is not None:
            rows.append(row(f"{at}: Related News models fitted", got["model_fit_seconds"], "s"))
        if got.get("words_backfilled"):
            rows.append(
                row(
                    f"{at}: word counts stored for an older corpus",
                    got["words_backfill_seconds"],
                    "s",
                    stories=got["words_backfilled"],
                )
            )
        article = statistics.median(got["article_ms"])
        rows.append(
            row(
                f"{at}: article page rendered, median",
                article,
                "ms",
                queries=got["article_queries"],
                related_listed=got["article_related"],
                cpu_median_ms=statistics.median(got.get("article_cpu_ms") or [0]),
            )
        )
        if reference is not None and size != REFERENCE_SIZE:
            ratio = article / statistics.median(reference["article_ms"])
            rows.append(
                row(
                    f"{at}: article page / at 1,000",
                    ratio,
                    "×",
                    target=(AT_MOST, ARTICLE_RATIO),
                    queries_here=got["article_queries"],
                    queries_at_1000=reference["article_queries"],
                )
            )
        rows += _page_rows(at, got.get("pages", {}), (reference or {}).get("pages", {}))
    return rows


def _page_rows(at: str, pages: dict[str, dict], at_1000: dict[str, dict]) -> list[dict]:
    """Each list page's median, and against the same page at 1,000 stories (the target:
    its cost does not grow with the corpus)."""
    rows = []
    for name, got in pages.items():
        median = statistics.median(got["ms"])
        notes = {key: got[key] for key in ("url", "queries", "stories_tagged")}
        cpu = statistics.median(got["cpu_ms"])
        rows.append(row(f"{at}: {name}, rendered, median", median, "ms", cpu_ms=cpu, **notes))
        if name in at_1000 and at_1000 is not pages:
            ratio = median / statistics.median(at_1000[name]["ms"])
            target = (AT_MOST, ARTICLE_RATIO)
            rows.append(row(f"{at}: {name} / at 1,000", ratio, "×", target=target))
    return rows


def _related_rows(
    p50_name: str, p95_name: str, cpu_name: str, ms: list, cpu_ms: list | None, **notes
) -> list[dict]:
    """One Related News measurement's rows: p50, p95 of this process's CPU (when measured) and
    p95 against the target, with its samples and `notes`."""
    rows = [row(p50_name, percentile(ms, 0.5), "ms")]
    if cpu_ms is not None:
        rows.append(row(cpu_name, percentile(cpu_ms, 0.95), "ms"))
    target = (AT_MOST, TARGET_RELATED_P95_MS)
    rows.append(row(p95_name, percentile(ms, 0.95), "ms", target=target, samples=ms, **notes))
    return rows


def _build_notes(got: dict) -> dict:
    keys = ("stories", "public", "indexed", "load_seconds", "database_bytes", "built_at")
    return {key: got[key] for key in keys}


def _by_kind(queries: list[dict]) -> dict[str, float]:
    kinds: dict[str, list[float]] = {}
    for query in queries:
        kinds.setdefault(query["kind"], []).append(query["ms"])
    return {kind: max(timings) for kind, timings in kinds.items()}


def _draw(results: dict[str, dict[int, dict]]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, (latency, size_axis, memory) = pyplot.subplots(1, 3, figsize=(16, 5))
    for backend, by_size in results.items():
        sizes = sorted(by_size)
        got = [by_size[s] for s in sizes]

        def line(axis, values, label, style="-o"):
            axis.plot(sizes, values, style, label=f"{backend}: {label}")  # noqa: B023

        search_ms = [[q["ms"] for q in g["queries"]] for g in got]
        line(latency, [percentile(ms, 0.95) for ms in search_ms], "search p95")
        if backend == "sqlite" and all("cpu_ms" in g["queries"][0] for g in got):
            search_cpu = [[q["cpu_ms"] for q in g["queries"]] for g in got]
            line(latency, [percentile(ms, 0.95) for ms in search_cpu], "search p95 CPU", ":o")
            related_cpu = [percentile(g["related_cpu_ms"], 0.95) for g in got]
            line(latency, related_cpu, "related p95 CPU", ":s")
        line(latency, [percentile(g["related_ms"], 0.95) for g in got], "related p95", "-s")
        line(latency, [statistics.median(g["article_ms"]) for g in got], "article median", "-^")
        line(size_axis, [g["index_bytes"] / 2**20 for g in got], "index")
        line(size_axis, [g["database_bytes"] / 2**20 for g in got], "whole database", "--o")
        line(memory, [g["build_peak_rss_mb"] for g in got], "build")
        line(memory, [g["measure_peak_rss_mb"] for g in got], "search + related", "-s")
    latency.axhline(TARGET_SEARCH_P95_MS, color="grey", linestyle=":", label="search target")
    latency.axhline(TARGET_RELATED_P95_MS, color="grey", linestyle="--", label="related target")
    for axis, title, unit in (
        (latency, "Latency", "ms"),
        (size_axis, "Size on disk", "MB"),
        (memory, "Peak RSS", "MB"),
    ):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_title(title)
        axis.set_xlabel("stories")
        axis.set_ylabel(unit)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    figure.tight_layout()
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"scale-{stamp}.png"
    figure.savefig(path, dpi=110)
    shutil.copyfile(path, RESULTS_DIR / "scale-latest.png")
    return path


# --- command line ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", help="comma-separated corpus sizes (1,000 is always added)")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument(
        "--cached", action="store_true", help="report what earlier runs measured, measure nothing"
    )
    parser.add_argument("--build", nargs=2, metavar=("BACKEND", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, metavar=("BACKEND", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.build or options.measure:
        step = build if options.build else measure
        backend, size = options.build or options.measure
        options.out.write_text(json.dumps(step(backend, int(size))), encoding="utf-8")
        return 0
    from bench import report

    sizes = _sizes(options.sizes, quick=False)
    rows = measure_all(sizes, options.backends.split(","), cached=options.cached)
    print(report.table(rows))
    started = datetime.datetime.now(datetime.UTC)
    document = {"started_at": started.isoformat(), "only": "scale", "results": rows}
    document["machine"] = report.machine()
    path = RESULTS_DIR / f"scale-{started:%Y%m%dT%H%M%SZ}.json"
    RESULTS_DIR.mkdir(exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nJSON: {path.relative_to(PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
