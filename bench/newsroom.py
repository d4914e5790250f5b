"""Newsroom benchmark: the story list (the newsroom's home) and its neighbours at 100,000 stories.

One fresh SQLite database (embedded deployment), two editions with six sections each, forty
members, and 100,000 stories in every state (a fifth of them wire copy, some not yet taken up)
with one change each, written straight with `bulk_create` (the actions would take minutes and
are not what is measured). Each screen is requested through Django's test client and the full
middleware stack, signed in: warm-up, then interleaved rounds; median and p95 milliseconds of
server time. Queries per request are counted at 2,500 stories and again at 100,000: a list
that pages without COUNT(*) and counts states in one GROUP BY runs the same number at both.
Targets: ≤ 150 ms median for the story list, filtered or not; no query added by the size. A
minimal plain-Django page, measured in the same rounds, shows what the machine costs at the time.
"""

import dataclasses
import datetime
import random
import time

from bench.djangoenv import fresh_site
from bench.measure import AT_MOST, row, say, summary

STORIES = 100_000
FIRST_SIZE = 2_500
BATCH = 5_000
TARGET_MEDIAN_MS = 150
BODY = (
    "The ministry said the figures, published on Sunday, covered the first nine months. "
    "Officials expect the trend to continue into the new year.\n\n"
) * 6
# Roughly a working desk: most stories out, a stream of drafts, a few held for later.
STATES = [
    ("published", 70),
    ("draft", 14),
    ("submitted", 5),
    ("approved", 3),
    ("scheduled", 2),
    ("unpublished", 4),
    ("killed", 2),
]


@dataclasses.dataclass
class Screen:
    name: str
    url: str
    member: str = "chief"
    timings_ms: list[float] = dataclasses.field(default_factory=list)
    queries_small: int = 0
    queries_full: int = 0
    rows_shown: int = 0


def run(quick: bool) -> list[dict]:
    total = 20_000 if quick else STORIES
    warmup, rounds, per_round = (3, 3, 5) if quick else (5, 6, 10)
    with fresh_site(static_files=True):
        from django.conf import settings
        from django.test import Client

        # The test client's host. Not setup_test_environment(): it instruments every Django
        # template render (a signal each), which would be measured with the screens.
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        desk = _newsroom()
        screens = _screens(desk)
        settings.ROOT_URLCONF = "bench.urls"  # the site's URLs and /bench-minimal, for reference
        clients = {name: _signed_in(Client(), desk[name]) for name in ("chief", "reporter")}
        _add_stories(desk, FIRST_SIZE)
        for screen in screens:
            screen.queries_small = _queries(clients[screen.member], screen)
        started = time.perf_counter()
        _add_stories(desk, total - FIRST_SIZE)
        say(f"newsroom: {total:,} stories written in {time.perf_counter() - started:.0f} s")
        _analyse()
        for screen in screens:
            for _ in range(warmup):
                _get(clients[screen.member], screen)
            screen.queries_full = _queries(clients[screen.member], screen)
        for index in range(rounds):
            shift = index % len(screens)
            for screen in screens[shift:] + screens[:shift]:
                for _ in range(per_round):
                    began = time.perf_counter_ns()
                    _get(clients[screen.member], screen)
                    screen.timings_ms.append((time.perf_counter_ns() - began) / 1e6)
    return _rows(screens, total)


def _newsroom() -> dict:
    from dateline.accounts.models import User
    from dateline.editions.models import Edition
    from dateline.stories.models import Section

    en = Edition.objects.create(code="en", name="English", language="en", is_default=True)
    fa = Edition.objects.create(code="fa", name="Persian", language="fa", timezone="Asia/Tehran")
    sections = [
        Section.objects.create(edition=edition, slug=f"s{n}", name=f"Section {n}", position=n)
        for edition in (en, fa)
        for n in range(6)
    ]
    members = []
    for n in range(40):
        role = "reporter" if n < 30 else "editor"
        member = User.objects.create_user(f"member{n}", role=role)
        member.editions.set([en] if n % 2 == 0 else [fa])
        members.append(member)
    chief = User.objects.create_user("chief", role="chief_editor")
    return {
        "en": en,
        "fa": fa,
        "sections": sections,
        "members": members,
        "chief": chief,
        "reporter": members[0],  # English only
        "random": random.Random(84299330),
        "made": 0,
    }


def _signed_in(client, member):
    client.force_login(member)
    return client


def _screens(desk) -> list[Screen]:
    section = desk["sections"][2].pk
    author = desk["members"][4].pk
    return [
        # A plain Django page through the same middleware: what the machine itself costs now.
        Screen("minimal page (reference)", "/bench-minimal"),
        Screen("list", "/newsroom/"),
        Screen("list drafts", "/newsroom/?status=draft"),
        Screen("list killed (rare)", "/newsroom/?status=killed"),
        Screen(
            "list edition+section+state", f"/newsroom/?edition=en&section={section}&status=draft"
        ),
        Screen("list author", f"/newsroom/?owner={author}"),
        Screen("list page 40", "/newsroom/?page=40"),
        Screen("list reporter (one edition)", "/newsroom/", member="reporter"),
        Screen("incoming", "/newsroom/incoming/"),
        Screen("audit log", "/newsroom/audit/"),
    ]


def _add_stories(desk, count: int) -> None:
    """`count` more stories, one change each, in batches; newest `updated_at` last."""
    from django.utils import timezone

    from dateline.stories.models import Story, StoryChange

    rng, now = desk["random"], timezone.now()
    states = [state for state, weight in STATES for _ in range(weight)]
    for start in range(0, count, BATCH):
        batch = []
        for _ in range(min(BATCH, count - start)):
            n = desk["made"]
            desk["made"] += 1
            section = rng.choice(desk["sections"])
            status = rng.choice(states)
            wire = n % 5 == 0
            owner = None if wire and status == "draft" else rng.choice(desk["members"])
            changed = now - datetime.timedelta(seconds=(STORIES - n) * 30)
            batch.append(
                Story(
                    edition_id=section.edition_id,
                    section=section,
                    headline=f"Story {n}: officials report a change in the figures",
                    slug=f"story-{n}",
                    language="en" if section.edition_id == desk["en"].pk else "fa",
                    lead="The ministry published new figures on Sunday, officials said.",
                    body=BODY,
                    body_html=BODY,
                    status=status,
                    published_at=changed if status in ("published", "scheduled") else None,
                    created_at=changed,
                    updated_at=changed,
                    owner=owner,
                    created_by=owner,
                    source_id=f"bench:{n}" if wire else None,
                    source_name="bench.sgm" if wire else "",
                )
            )
        stories = Story.objects.bulk_create(batch)
        StoryChange.objects.bulk_create(
            StoryChange(story=story, version=1, action="created", at=story.created_at)
            for story in stories
        )


def _analyse() -> None:
    """What a deployment's database knows after a while: statistics for the query planner, as
    its worker gathers them (decision 0056)."""
    from dateline.stories.statistics import refresh_statistics

    refresh_statistics()


def _get(client, screen: Screen):
    response = client.get(screen.url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {screen.url} answered {response.status_code}, not 200")
    return response


def _queries(client, screen: Screen) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = _get(client, screen)
    screen.rows_shown = response.content.count(b'class="row')
    return len(captured.captured_queries)


def _rows(screens: list[Screen], total: int) -> list[dict]:
    rows = []
    for screen in screens:
        samples = summary(screen.timings_ms, "ms per request")
        is_list = screen.name.startswith("list")
        if screen.url == "/bench-minimal":
            rows.append(row(f"newsroom {screen.name}: median", samples["median"], "ms"))
            continue
        rows.append(
            row(
                f"newsroom {screen.name}: median",
                samples["median"],
                "ms",
                target=(AT_MOST, TARGET_MEDIAN_MS) if is_list else None,
                samples=samples,
                url=screen.url,
                member=screen.member,
                stories=total,
                rows_shown=screen.rows_shown,
            )
        )
        rows.append(row(f"newsroom {screen.name}: p95", samples["p95"], "ms"))
        rows.append(
            row(
                f"newsroom {screen.name}: queries at {total:,}",
                screen.queries_full,
                "queries",
                target=(AT_MOST, screen.queries_small),
                queries_at_first_size=screen.queries_small,
                first_size=FIRST_SIZE,
            )
        )
    return rows
