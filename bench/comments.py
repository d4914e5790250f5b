"""Comments benchmark: an article page carrying 2,000 comments, and posting comments.

Page: in one process and one fresh SQLite database (demo content), three copies of one story
(same text, section and tags, so the same Related News): one without comments, one with 2,000
approved comments in threads of mixed length (`mixed`: 250 top-level comments, 1,750 replies at
depths 1 to 4, a few threads long enough for "Show all replies"), one with 2,000 in long
threads (`full`: 60 top-level comments with at least 30 replies each, so the first page draws
the most it can, 20 threads of 31 comments). Each page is rendered on every request (page cache
off: a cache miss, as after any new comment) through the test client and the whole middleware
stack: warm-up, then many short interleaved rounds; median and p95 ms, queries, size, comments
drawn, and the ratio to the page without comments (target ≤ 1.5 for `mixed`), also by the
process's CPU time (for a machine shared with other work).

Posting: comments sent through the whole pipeline (`submit_comment` behind the comment view:
middleware, rate limit in the embedded counters (`comments.counters`), form, signed token,
bans, duplicates, word rules, the insert, the receipt queued for the worker), URL-encoded as a
browser sends the form, each from its own reader (address and email) with its own text, the
rate limit set high. Comments per second, median of several runs (and by CPU time): through
the test client (target ≥ 200/s), and `submit_comment` alone on a RequestFactory request; both
with the edition's default pre-moderation (stored pending) and, for information, published on
arrival (two more writes).
"""

import datetime
import gc
import random
import statistics
import time
from urllib.parse import urlencode

from bench.article import Page, _count_queries, _get, _warm_up
from bench.djangoenv import fresh_site
from bench.measure import AT_LEAST, AT_MOST, row, say, summary

COMMENTS = 2_000
TARGET_RATIO = 1.5
TARGET_POSTS_PER_SECOND = 200
HOST = "127.0.0.1"  # an allowed host of the embedded profile (no test environment set up)
DEEPEST = 4
FORM_ENCODED = "application/x-www-form-urlencoded"


def run(quick: bool) -> list[dict]:
    # Many short rounds: a machine shared with other work slows all pages alike.
    warmup, rounds, per_round = (10, 6, 5) if quick else (30, 30, 5)
    post_runs, per_run = (3, 50) if quick else (5, 100)
    with fresh_site(static_files=True):
        from django.conf import settings
        from django.test import Client

        settings.COMMENT_RATE = [(10**9, 60)]  # every post from its own reader anyway
        settings.COMMENT_MIN_SECONDS = 0
        stories = _load_content()
        client = Client(HTTP_HOST=HOST)
        pages = [
            Page("no comments", stories["none"].get_absolute_url(), page_cache_seconds=0),
            Page("20 comments", stories["twenty"].get_absolute_url(), page_cache_seconds=0),
            Page("2,000 mixed", stories["mixed"].get_absolute_url(), page_cache_seconds=0),
            Page("2,000 full page", stories["full"].get_absolute_url(), page_cache_seconds=0),
            # As deployed (page cache on), each request after a change to another story: the
            # page is re-rendered, its thread is not (it waits for a moderation event).
            Page(
                "no comments, after another story's change",
                stories["none"].get_absolute_url(),
                before=_change_elsewhere(stories["elsewhere"]),
            ),
            Page(
                "2,000 mixed, after another story's change",
                stories["mixed"].get_absolute_url(),
                before=_change_elsewhere(stories["elsewhere"]),
            ),
        ]
        say(f"comments: pages, {rounds * per_round} requests each")
        _warm_up(client, pages, warmup)
        for page in pages:
            _count_queries(client, page)
        drawn = {page.name: _drawn(client, page.url) for page in pages}
        cpu_ms = _timed_rounds(client, pages, rounds, per_round)
        rows = _page_rows(pages, drawn, cpu_ms)
        say(f"comments: posting, {post_runs} runs of {per_run}")
        rows += _posting_rows(stories, post_runs, per_run)
    return rows


# --- Content -------------------------------------------------------------------------------------
def _load_content() -> dict:
    from dateline.demo.loading import load_demo
    from dateline.stories.actions import create_story, publish_story
    from dateline.stories.models import Story

    load_demo()
    model = (
        Story.objects.public()
        .filter(edition__code="en", section__isnull=False)
        .order_by("-published_at")
        .first()
    )
    tags = list(model.tags.all())
    stories = {}
    for name in ("none", "twenty", "mixed", "full", "posts", "posts published", "elsewhere"):
        story = create_story(
            edition=model.edition,
            headline=f"{model.headline} ({name})",
            lead=model.lead,
            body=model.body,
            section=model.section,
            tags=tags,
            byline=model.byline,
        )
        stories[name] = publish_story(story, at=datetime.datetime.now(datetime.UTC))
    Story.objects.filter(pk=stories["posts published"].pk).update(comment_policy="post")
    stories["posts published"].refresh_from_db()
    _write_comments(stories["twenty"], [3] * 5)
    _write_comments(stories["mixed"], _mixed_threads(250, COMMENTS))
    _write_comments(stories["full"], _full_threads(60, COMMENTS))
    return stories


def _change_elsewhere(story):
    """A change to `story` as the newsroom makes them all day: one more StoryChange row."""
    from dateline.stories.actions.changes import record_changes
    from dateline.stories.models import StoryChange

    def change() -> None:
        record_changes(story, [StoryChange.Action.EDITED], note="benchmark")

    return change


def _mixed_threads(roots: int, total: int) -> list[int]:
    """Replies per top-level comment: most threads short, a few long (a Pareto draw, fixed
    seed), summing to `total` comments with the top-level ones."""
    rng = random.Random(2026)
    weights = [rng.paretovariate(1.2) - 1 for _ in range(roots)]
    replies = total - roots
    scale = replies / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in sorted(range(roots), key=lambda i: -(weights[i] * scale % 1))[: replies - sum(counts)]:
        counts[i] += 1
    return counts


def _full_threads(roots: int, total: int) -> list[int]:
    replies = total - roots
    return [replies // roots + (1 if i < replies % roots else 0) for i in range(roots)]


def _write_comments(story, replies_per_thread: list[int]) -> None:
    """Approved comments as moderators would have left them: the top-level ones, then replies
    in rounds (one reply to each thread a round, one insert), so that threads interleave in id
    order as in use; reply k answers the top-level comment when k is a multiple of DEEPEST,
    else reply k - 1 (depths 1 to DEEPEST)."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from dateline.comments.models import Comment, Status
    from dateline.comments.text import comment_html

    at = timezone.now() - datetime.timedelta(minutes=30)
    serial = iter(range(10**9))
    words = ["the", "talks", "will", "resume", "next", "week", "in", "the", "capital"]

    def comment(depth: int, parent=None, thread=None) -> Comment:
        n = next(serial)
        text = " ".join(words[(n + i) % len(words)] for i in range(12 + n % 40))
        text = f"{text.capitalize()}. ({n})"
        return Comment(
            story=story,
            story_version=story.version,
            parent=parent,
            thread=thread,
            depth=depth,
            name=f"Reader {n}",
            email=f"reader{n}@example.org",
            email_hash=f"{story.pk:08x}{n:056x}",
            text=text,
            text_html=comment_html(text),  # what save() writes; bulk_create does not call it
            text_hash=f"{story.pk:08x}{n:056x}",
            status=Status.APPROVED,
            created_at=at,
            moderated_at=at,
        )

    with transaction.atomic():
        top = Comment.objects.bulk_create([comment(0) for _ in replies_per_thread])
        Comment.objects.filter(pk__in=[c.pk for c in top]).update(thread_id=F("pk"))
        latest = list(top)
        for k in range(max(replies_per_thread)):
            depth = k % DEEPEST + 1
            threads = [i for i, n in enumerate(replies_per_thread) if n > k]
            batch = [
                comment(depth, parent=top[i] if depth == 1 else latest[i], thread=top[i])
                for i in threads
            ]
            for i, made in zip(threads, Comment.objects.bulk_create(batch), strict=True):
                latest[i] = made


def _drawn(client, url: str) -> int:
    from django.conf import settings

    settings.PAGE_CACHE_SECONDS = 0
    return client.get(url).content.count(b'<li id="c')


def _timed_rounds(client, pages: list[Page], rounds: int, per_round: int) -> dict[str, list]:
    """As the article benchmark's rounds, with a full garbage collection before each page's
    turn, so that the garbage of the 600-comment page is not collected in another's time.
    Returns each page's timings by the process's CPU time too (ms per request)."""
    cpu_ms = {page.name: [] for page in pages}
    for index in range(rounds):
        shift = index % len(pages)
        for page in pages[shift:] + pages[:shift]:
            gc.collect()
            for _ in range(per_round):
                started, cpu_started = time.perf_counter_ns(), time.process_time_ns()
                _get(client, page)
                page.timings_ms.append((time.perf_counter_ns() - started) / 1e6)
                cpu_ms[page.name].append((time.process_time_ns() - cpu_started) / 1e6)
    return cpu_ms


# --- Posting -------------------------------------------------------------------------------------
class _Sender:
    """One way of sending comments to one story, each from a reader of its own."""

    def __init__(self, story, policy: str, how: str):
        from django.test import Client, RequestFactory

        from dateline.comments.defences import issue_token

        self.story, self.policy, self.how = story, policy, how
        self.url = f"/{story.edition.code}/news/{story.code}/comment"
        self.token = issue_token(story.code, story.version, now=time.time() - 60)
        self.client = Client(HTTP_HOST=HOST)
        self.factory = RequestFactory(HTTP_HOST=HOST)
        self.sent = 0
        self.rates: list[float] = []
        # By the process's CPU time: what the wall clock would say on a machine left to it.
        self.cpu_rates: list[float] = []

    def form(self, n: int) -> dict:
        return {
            "name": f"Reader {n}",
            "email": f"reader{n}@example.org",
            "text": f"Comment {n}: the talks should resume, and soon, whatever is said.",
            "token": self.token,
            "website": "",
        }

    def send(self, n: int) -> None:
        address = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        if self.how == "view":
            # Encoded as a browser sends the form (it has no enctype), not as multipart.
            response = self.client.post(
                self.url, urlencode(self.form(n)), content_type=FORM_ENCODED, REMOTE_ADDR=address
            )
            if response.status_code != 303:
                raise RuntimeError(f"POST {self.url} answered {response.status_code}, not 303")
        else:
            from dateline.comments.submitting import submit_comment
            from dateline.stories.models import Story

            request = self.factory.post(
                self.url, urlencode(self.form(n)), content_type=FORM_ENCODED, REMOTE_ADDR=address
            )
            # As the view finds the story: public, with its section (the policy reads it).
            story = Story.objects.public().select_related("section").get(pk=self.story.pk)
            story.edition = self.story.edition
            submit_comment(request, story, request.POST)
        self.sent += 1


def _posting_rows(stories: dict, runs: int, per_run: int) -> list[dict]:
    """Interleaved runs of each sender, so that the growing comment table and cache directory
    (two rate-limit entries per new reader) weigh on all alike."""
    from dateline.comments.models import Comment

    senders = [
        _Sender(stories[key], policy, how)
        for key, policy in (("posts", "pre-moderated"), ("posts published", "published on arrival"))
        for how in ("view", "submit_comment")
    ]
    serial = iter(range(10**9))
    for sender in senders:  # warm-up
        for _ in range(max(10, per_run // 10)):
            sender.send(next(serial))
    for index in range(runs):
        shift = index % len(senders)
        for sender in senders[shift:] + senders[:shift]:
            started, cpu_started = time.perf_counter(), time.process_time()
            for _ in range(per_run):
                sender.send(next(serial))
            sender.rates.append(per_run / (time.perf_counter() - started))
            sender.cpu_rates.append(per_run / (time.process_time() - cpu_started))
    for key in ("posts", "posts published"):
        stored = Comment.objects.filter(story=stories[key]).count()
        sent = sum(s.sent for s in senders if s.story.pk == stories[key].pk)
        if stored != sent:
            raise RuntimeError(f"{stored} comments stored of {sent} sent")
    rows = []
    for sender in senders:
        samples = summary(sender.rates, "comments per second")
        met = sender.how == "view" and sender.policy == "pre-moderated"
        rows.append(
            row(
                f"comment posts, {sender.policy}, through {sender.how}",
                samples["median"],
                "comments/s",
                target=(AT_LEAST, TARGET_POSTS_PER_SECOND) if met else None,
                samples=samples,
                posts_per_run=per_run,
            )
        )
        rows.append(
            row(
                f"comment posts, {sender.policy}, through {sender.how}, by CPU time",
                statistics.median(sender.cpu_rates),
                "comments/s",
            )
        )
    return rows


# --- Rows ----------------------------------------------------------------------------------------
def _page_rows(pages: list[Page], drawn: dict[str, int], cpu_ms: dict[str, list]) -> list[dict]:
    """Rows per page; the pages with 2,000 comments against the page without (time) and the
    page with 20 (queries: a long thread must add none)."""
    bare, twenty = pages[0], pages[1]
    # Pages requested after another story's change compare with the bare page requested so.
    after_change = next(page for page in pages if page.before is not None)
    rows = []
    for page in pages:
        base_page = after_change if page.before is not None else bare
        baseline = statistics.median(base_page.timings_ms)
        samples = summary(page.timings_ms, "ms per request")
        thousands = page.name.startswith("2,000")
        rows += [
            row(
                f"article rendered, {page.name}: median",
                samples["median"],
                "ms",
                samples=samples,
                url=page.url,
                comments_drawn=drawn[page.name],
            ),
            row(f"article rendered, {page.name}: p95", samples["p95"], "ms"),
            row(
                f"article rendered, {page.name}: queries",
                page.queries,
                "queries",
                # A long thread adds no query: as many as 20 comments (or, after another
                # story's change, as the page without comments, its thread kept).
                target=(AT_MOST, (after_change if page.before else twenty).queries)
                if thousands
                else None,
            ),
            row(f"article rendered, {page.name}: size", page.size_bytes / 1024, "KB"),
            row(f"article rendered, {page.name}: comments drawn", drawn[page.name], "comments"),
        ]
        if page is not base_page:
            rows.append(
                row(
                    f"article rendered, {page.name} / no comments",
                    samples["median"] / baseline,
                    "×",
                    target=(AT_MOST, TARGET_RATIO) if page.name.startswith("2,000 mixed") else None,
                )
            )
            rows.append(
                row(
                    f"article rendered, {page.name} / no comments, by CPU time",
                    statistics.median(cpu_ms[page.name])
                    / statistics.median(cpu_ms[base_page.name]),
                    "×",
                )
            )
            rows.append(
                row(
                    f"article rendered, {page.name}: per comment drawn",
                    (samples["median"] - baseline) * 1000 / drawn[page.name],
                    "µs",
                )
            )
    return rows
