"""Page benchmark: the server's cost of the article page, beside a minimal plain-Django page.

In one process and one fresh SQLite database (demo content plus the IRNA seed story, imported
into English / World so that Related News is filled), each page is requested through Django's
test client and the full middleware stack: warm-up first, then interleaved rounds so that noise
from the shared machine falls on every page alike. Reports median and p95 milliseconds, database
queries per request (one request after warm-up, cached site furniture as in production), page
size, and the article/minimal ratio. The article is measured twice: as readers get it (the
page cache on, so after the first request it is served from the cache) and rendered on every
request (page cache off: the cost of a miss, three queries). The edition front page is measured
the same way, for information.
"""

import collections.abc
import dataclasses
import datetime
import statistics
import time

from bench.djangoenv import fresh_site
from bench.measure import AT_MOST, SEED_STORY, row, say, skipped, summary

MINIMAL_URL = "/bench-minimal"
FRONT_URL = "/en/"
SEED_TAGS = ["Diplomacy", "Russia"]  # "Diplomacy" is a demo tag: Related News also joins on tags
TARGET_MEDIAN_MS = 2
TARGET_QUERIES = 6
TARGET_RATIO = 3


@dataclasses.dataclass
class Page:
    name: str
    url: str
    page_cache_seconds: int = 60  # as deployed; 0 renders on every request (a cache miss)
    # Run before each request, untimed: e.g. a story change elsewhere, which retires the page.
    before: collections.abc.Callable[[], None] | None = None
    timings_ms: list[float] = dataclasses.field(default_factory=list)
    queries: int = 0
    size_bytes: int = 0


def run(quick: bool) -> list[dict]:
    if not SEED_STORY.is_file():
        return [skipped("article", f"no seed story at {SEED_STORY}")]
    warmup, rounds, per_round = (50, 5, 60) if quick else (100, 10, 100)
    with fresh_site(static_files=True):
        from django.test import Client, override_settings
        from django.test.utils import setup_test_environment

        setup_test_environment()  # 'testserver' becomes an allowed host
        article_url, related = _load_content()
        if not related:
            say("article: warning: Related News is empty, so the page is lighter than in use")
        say(f"article: {article_url} with {related} related stories; {rounds * per_round} requests")
        pages = [
            Page("minimal", MINIMAL_URL),
            Page("article", article_url),
            Page("article rendered", article_url, page_cache_seconds=0),
            Page("front", FRONT_URL),
        ]
        with override_settings(ROOT_URLCONF="bench.urls"):
            client = Client()
            _warm_up(client, pages, warmup)
            for page in pages:
                _count_queries(client, page)
            _timed_rounds(client, pages, rounds, per_round)
    return _rows(*pages, related=related)


def _load_content() -> tuple[str, int]:
    """Demo editions and stories, then the seed story in English / World; its URL and related."""
    from django.utils import timezone

    from dateline.copy import parse_file
    from dateline.demo.loading import load_demo
    from dateline.discovery.related import related_stories
    from dateline.editions.models import Edition
    from dateline.stories.importing import ImportTarget, import_story
    from dateline.stories.models import Section

    load_demo()
    english = Edition.objects.get(code="en")
    [parsed] = parse_file(SEED_STORY, now=timezone.now()).stories
    parsed = dataclasses.replace(
        parsed,
        tags={"keyword": SEED_TAGS},
        published_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    world = Section.objects.get(edition=english, slug="world")
    story = import_story(parsed, ImportTarget(edition=english, section=world, publish=True))
    related = related_stories(story, list(story.tags.values_list("pk", flat=True)))
    return story.get_absolute_url(), len(related)


def _get(client, page: Page):
    from django.conf import settings

    settings.PAGE_CACHE_SECONDS = page.page_cache_seconds
    if page.before is not None:
        page.before()
    response = client.get(page.url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {page.url} answered {response.status_code}, not 200")
    return response


def _warm_up(client, pages: list[Page], requests: int) -> None:
    for page in pages:
        for _ in range(requests):
            page.size_bytes = len(_get(client, page).content)


def _count_queries(client, page: Page) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _get(client, page)
    page.queries = len(captured.captured_queries)


def _timed_rounds(client, pages: list[Page], rounds: int, per_round: int) -> None:
    """Rounds of `per_round` requests per page, the page order rotating from round to round."""
    for index in range(rounds):
        shift = index % len(pages)
        for page in pages[shift:] + pages[:shift]:
            for _ in range(per_round):
                started = time.perf_counter_ns()
                _get(client, page)
                page.timings_ms.append((time.perf_counter_ns() - started) / 1e6)


def _rows(minimal: Page, article: Page, rendered: Page, front: Page, *, related: int) -> list[dict]:
    baseline = statistics.median(minimal.timings_ms)
    rows = _page_rows(minimal, None, None)
    rows += _page_rows(article, TARGET_MEDIAN_MS, TARGET_QUERIES, related_stories=related)
    rows.append(
        row(
            "article/minimal ratio",
            statistics.median(article.timings_ms) / baseline,
            "×",
            target=(AT_MOST, TARGET_RATIO),
        )
    )
    rows += _page_rows(rendered, None, None)
    rows.append(
        row(
            "article rendered/minimal ratio", statistics.median(rendered.timings_ms) / baseline, "×"
        )
    )
    rows += _page_rows(front, None, None)
    rows.append(row("front/minimal ratio", statistics.median(front.timings_ms) / baseline, "×"))
    return rows


def _page_rows(page: Page, median_target, queries_target, **notes) -> list[dict]:
    samples = summary(page.timings_ms, "ms per request")
    shown_url = page.name in ("minimal", "front")  # the article's URL is too long for the table
    label = f"page {page.name} ({page.url})" if shown_url else f"page {page.name}"
    return [
        row(
            f"{label}: median",
            samples["median"],
            "ms",
            target=(AT_MOST, median_target) if median_target else None,
            samples=samples,
            url=page.url,
            **notes,
        ),
        row(f"page {page.name}: p95", samples["p95"], "ms"),
        row(
            f"page {page.name}: queries",
            page.queries,
            "queries",
            target=(AT_MOST, queries_target) if queries_target else None,
        ),
        row(f"page {page.name}: size", page.size_bytes / 1024, "KB"),
    ]
