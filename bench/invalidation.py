"""Invalidation benchmark: the page cache's hit rate under a wire's pace, old rule and new.

One fresh SQLite site with 10,000 public stories (8 sections, 60 tags, each story with a stored
Related News list of 5), comments closed so that every article page is kept whole. Simulated
readers make `READS_PER_SECOND` requests a second of simulated time — 80 % article pages, the
story drawn Zipf-like by recency over all 10,000 (newest most read), 10 % the front, 7 %
section pages, 3 % tag pages — while a story is published every 5 simulated seconds through
the actions, and offered into 5 other stories' Related News lists (new rows, as discovery
writes them: the page cache sees them by their ids and retires those pages). The clock the
page cache reads is the simulated one, so pages still go stale after `PAGE_CACHE_SECONDS`
(60 s) as deployed.

The same traffic runs three times: under the old rule (decision 0010: any change retires every
page; the pages are kept with no scopes), under targeted invalidation (decision 0032), and as
a ceiling with no page ever retired by a change (only by time: what the readers' spread over
10,000 stories and the 60 s lifetime allow whatever the invalidation). A
request is a hit when the page came from the cache (no page was rendered and kept). The cache
is Django's in-memory one, large enough for every page: it stands in for Redis, so that the
rate measured is invalidation's, not the embedded file cache's 5,000-entry bound.
"""

import bisect
import datetime
import itertools
import random
import time

from bench.djangoenv import fresh_site
from bench.measure import row, say

STORIES = 10_000
SECTIONS = 8
TAGS = 60
RELATED = 5
PUBLISH_EVERY_SECONDS = 5
READS_PER_SECOND = 20


class SimulatedClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def run(quick: bool) -> list[dict]:
    seconds = 60 if quick else 180
    with fresh_site(static_files=True):
        from django.test import Client, override_settings
        from django.test.utils import setup_test_environment

        setup_test_environment()
        caches = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "OPTIONS": {"MAX_ENTRIES": 1_000_000},
            }
        }
        with override_settings(CACHES=caches, PAGE_CACHE_SECONDS=60):
            site = _build_site()
            say(f"invalidation: {STORIES:,} stories; {seconds} simulated seconds per rule")
            results = {}
            for rule in ("old rule", "targeted", "ceiling"):
                results[rule] = _simulate(Client(), site, rule, seconds)
    return _rows(results, seconds)


def _build_site() -> dict:
    """Stories written straight with bulk_create (the actions would take minutes), one
    change each, tags and Related News lists; the edition's comments closed."""
    from django.utils import timezone

    from dateline.discovery.models import RelatedStory
    from dateline.editions.models import CommentPolicy, Edition
    from dateline.stories.models import Section, Story, StoryChange, Tag

    rng = random.Random(11)
    en = Edition.objects.create(
        code="en", name="Dateline", language="en", is_default=True,
        comment_policy=CommentPolicy.CLOSED,
    )  # fmt: skip
    sections = [
        Section.objects.create(edition=en, slug=f"section-{n}", name=f"Section {n}")
        for n in range(SECTIONS)
    ]
    tags = Tag.objects.bulk_create(Tag(name=f"Tag {n}", slug=f"tag-{n}") for n in range(TAGS))
    now = timezone.now()
    stories = Story.objects.bulk_create(
        Story(
            edition=en,
            section=sections[n % SECTIONS],
            headline=f"Story {n}: officials report a change in the figures",
            slug=f"story-{n}",
            language="en",
            lead="The ministry published new figures on Sunday, officials said.",
            body="A second paragraph.",
            body_html="<p>A second paragraph.</p>",
            status="published",
            published_at=now - datetime.timedelta(minutes=STORIES - n),
        )
        for n in range(STORIES)
    )
    StoryChange.objects.bulk_create(
        StoryChange(story=s, version=1, action="published", at=s.published_at) for s in stories
    )
    Story.tags.through.objects.bulk_create(
        Story.tags.through(story_id=s.pk, tag_id=t.pk) for s in stories for t in rng.sample(tags, 2)
    )
    RelatedStory.objects.bulk_create(
        RelatedStory(story_id=s.pk, related_id=other.pk, rank=rank, score=1 / rank, explanation="")
        for s in stories
        for rank, other in enumerate(rng.sample(stories, RELATED), start=1)
        if other.pk != s.pk
    )
    articles = [f"/en/news/{s.pk}/{s.slug}" for s in stories]
    return {"edition": en, "sections": sections, "tags": tags, "articles": articles}


def _simulate(client, site: dict, rule: str, seconds: int) -> dict:
    from dateline.site import page_cache

    clock = SimulatedClock()
    kept = itertools.count()
    real_time, real_keep, real_look_up = time.time, page_cache.keep, page_cache.look_up

    def counting_keep(*args, **kwargs):
        next(kept)
        return real_keep(*args, **kwargs)

    def old_rule_look_up(request, scopes):
        return real_look_up(request, None)  # no scopes: any change retires the page

    def never_retired_look_up(request, scopes):
        return real_look_up(request, [])  # shows nothing that changes: only time retires it

    rng = random.Random(5)
    published = 0
    requests = 0
    time.time = clock
    page_cache.keep = counting_keep
    if rule == "old rule":
        page_cache.look_up = old_rule_look_up
    elif rule == "ceiling":
        page_cache.look_up = never_retired_look_up
    started = real_time()
    try:
        from django.core.cache import cache

        cache.clear()
        next_publish = PUBLISH_EVERY_SECONDS
        for tick in range(seconds * READS_PER_SECOND):
            clock.now += 1 / READS_PER_SECOND
            if tick / READS_PER_SECOND >= next_publish:
                _publish(site, rng)
                published += 1
                next_publish += PUBLISH_EVERY_SECONDS
            response = client.get(_path(site, rng))
            assert response.status_code == 200, response.status_code
            requests += 1
    finally:
        time.time = real_time
        page_cache.keep, page_cache.look_up = real_keep, real_look_up
    misses = next(kept)
    elapsed = real_time() - started
    say(f"invalidation: {rule}: {requests:,} requests, {misses:,} rendered, {elapsed:.0f} s")
    return {"requests": requests, "misses": misses, "published": published, "elapsed": elapsed}


def _path(site: dict, rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.80:
        articles = site["articles"]
        return articles[_zipf_index(len(articles), rng)]
    if draw < 0.90:
        return "/en/"
    if draw < 0.97:
        return f"/en/section/{rng.choice(site['sections']).slug}/"
    return f"/en/tag/{rng.choice(site['tags']).slug}/"


_HARMONIC: dict[int, list[float]] = {}


def _zipf_index(n: int, rng: random.Random) -> int:
    """0 is the newest story (the last code): the k-th newest is read in proportion to 1/k."""
    weights = _HARMONIC.get(n)
    if weights is None:
        weights = _HARMONIC[n] = list(itertools.accumulate(1 / k for k in range(1, n + 1)))
    rank = bisect.bisect_left(weights, rng.random() * weights[-1])
    return n - 1 - rank


def _publish(site: dict, rng: random.Random) -> None:
    """A new story through the actions, then offered into 5 stories' Related News lists."""
    from dateline.discovery.models import RelatedStory
    from dateline.stories.actions import create_story, publish_story

    story = create_story(
        edition=site["edition"],
        headline=f"Breaking {len(site['articles'])}: a story from the wire",
        lead="What happened, in one paragraph.",
        body="More.",
        section=rng.choice(site["sections"]),
        tags=rng.sample(site["tags"], 2),
    )
    publish_story(story)
    recent = site["articles"][-2_000:]
    offered = [int(path.split("/")[3]) for path in rng.sample(recent, RELATED)]
    RelatedStory.objects.filter(story_id__in=offered, rank=RELATED).delete()
    RelatedStory.objects.bulk_create(
        RelatedStory(story_id=code, related_id=story.pk, rank=RELATED, score=0.1, explanation="")
        for code in offered
    )
    site["articles"].append(story.get_absolute_url())


def _rows(results: dict, seconds: int) -> list[dict]:
    rates = {rule: 1 - r["misses"] / r["requests"] for rule, r in results.items()}
    notes = {
        "simulated_seconds": seconds,
        "reads_per_second": READS_PER_SECOND,
        "publish_every_seconds": PUBLISH_EVERY_SECONDS,
        "stories": STORIES,
    }
    return [
        row(
            "invalidation: page-cache hit rate, old rule (every change retires every page)",
            round(rates["old rule"], 3),
            "share",
            **notes,
            **results["old rule"],
        ),
        row(
            "invalidation: page-cache hit rate, targeted (decision 0032)",
            round(rates["targeted"], 3),
            "share",
            **notes,
            **results["targeted"],
        ),
        row(
            "invalidation: hit rate if no change retired any page (the ceiling: spread and TTL)",
            round(rates["ceiling"], 3),
            "share",
            **notes,
            **results["ceiling"],
        ),
        row(
            "invalidation: share of the ceiling's hits kept, targeted",
            round(rates["targeted"] / rates["ceiling"], 3),
            "share",
        ),
    ]
