"""The not-public invariant, as one property: whatever the workflow did to a story, while readers
may not see it (a draft, submitted, approved, scheduled or embargoed before its time, published
for a time still to come, unpublished, killed), no public URL shows a word of it.

Hypothesis makes a few stories (edition, section, tags, a unique marker in every field) and walks
each through the workflow with the real actions: any legal sequence of submit, approve, publish,
schedule, embargo, unpublish, edit, correct, restore and kill (the first English and Persian
stories linked as translations of each other). Then the test asks for EVERY public
URL the project has, found from the root URLconf (everything but the newsroom and static files)
and filled in with the real edition codes, section and tag slugs, story codes and slugs and page
numbers: no response carries a marker of a story that is not public, and such a story's own URLs
answer 404 (410 only for a killed story readers saw). The walk may stop to look in between,
so that pages cached while a story was public are asked for again after it is hidden. Then the
clock moves to one second before the first embargo or schedule time (still nowhere) and to one
second after it, once the release has run (now on its page).

The list of URL patterns is the point: a public surface added later (search, feeds, sitemaps, an
API) is probed as soon as it exists, and this test fails until it is taught that pattern's
parameters in EXPANSIONS.

The rules of the workflow are written out again here (MODEL), not taken from
`stories.workflow` or `public()`: the expectations must not share a mistake with the code.
"""

import datetime
import itertools
import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from dateline.comments.models import Comment
from dateline.comments.notifications import delete_token
from dateline.editions.models import Edition
from dateline.site import pagination, views
from dateline.site import search as search_view
from dateline.stories.actions import (
    approve_story,
    correct_story,
    create_story,
    edit_story,
    embargo_story,
    kill_story,
    link_translation,
    publish_story,
    release_due,
    restore_revision,
    schedule_story,
    submit_story,
    unpublish_story,
)
from dateline.stories.models import Section, Story, Tag
from dateline.stories.tagging import tags_for
from dateline.wire.subscribers import add_subscriber
from tests.factories import make_section

pytestmark = pytest.mark.django_db


SECOND = datetime.timedelta(seconds=1)
MINUTE = datetime.timedelta(minutes=1)
# Lists show this many stories a page here, so that a handful of stories spans several pages
# and page numbers are probed for real.
PER_PAGE = 2
SHARED_TAG = "Water"

# --- Every public URL -----------------------------------------------------------------------

# Route prefixes that are not the public site: the newsroom (admin and screens), static files,
# and partners' inbound copy (POST only, with a key; it makes Incoming drafts, shows no story).
NOT_PUBLIC = ("newsroom/", django_settings.STATIC_URL.strip("/") + "/", "api/v1/incoming")


@dataclass(frozen=True)
class World:
    """What the URL parameters range over now: every edition, section, tag and story stored,
    public or not (a tag only a hidden story carries, a hidden story's code and slug)."""

    editions: tuple[str, ...]
    sections: tuple[str, ...]
    tags: tuple[str, ...]
    stories: tuple[tuple[int, str, str], ...]  # code, edition code, slug

    @classmethod
    def now(cls) -> "World":
        return cls(
            editions=tuple(Edition.objects.values_list("code", flat=True)),
            sections=tuple(sorted(set(Section.objects.values_list("slug", flat=True)))),
            tags=tuple(Tag.objects.values_list("slug", flat=True)),
            stories=tuple(Story.objects.values_list("code", "edition__code", "slug")),
        )


def fill(route: str, **values) -> str:
    """`route` ('<slug:edition>/news/<code:code>') with its parameters replaced by `values`."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values.pop(match[1])), route)
    assert not values, f"{route} has no parameter {sorted(values)}"
    return "/" + path


def pages(path: str, candidates: QuerySet) -> list[str]:
    """`path` and its further pages: as many as the list would fill if every story in
    `candidates` (public or not) were listed, so a story that should not be there is found."""
    count = math.ceil(candidates.count() / PER_PAGE)
    joiner = "&" if "?" in path else "?"
    return [path] + [f"{path}{joiner}page={number}" for number in range(2, count + 1)]


def _articles(route: str, world: World) -> list[str]:
    """Each story under its own edition's prefix, with its slug and with a wrong one when the
    route has one; under the other editions' prefixes with its slug only."""
    slugged = "<str:slug>" in route
    urls = []
    for code, edition, slug in world.stories:
        for prefix in world.editions:
            slugs = (slug, "an-old-headline") if prefix == edition else (slug,)
            for each in slugs if slugged else (None,):
                urls.append(
                    fill(route, edition=prefix, code=code, **({"slug": each} if each else {}))
                )
    return urls


def _front(route: str, world: World) -> list[str]:
    return [
        url
        for edition in world.editions
        for url in pages(fill(route, edition=edition), Story.objects.filter(edition__code=edition))
    ]


def _sections(route: str, world: World) -> list[str]:
    return [
        url
        for edition in world.editions
        for slug in world.sections
        for url in pages(
            fill(route, edition=edition, slug=slug),
            Story.objects.filter(section__edition__code=edition, section__slug=slug),
        )
    ]


def _tags(route: str, world: World) -> list[str]:
    return [
        url
        for edition in world.editions
        for slug in world.tags
        for url in pages(
            fill(route, edition=edition, slug=slug),
            Story.objects.filter(edition__code=edition, tags__slug=slug),
        )
    ]


FEED_FORMATS = ("rss", "atom", "json")


def _edition_feeds(route: str, world: World) -> list[str]:
    return [fill(route, edition=e, format=f) for e in world.editions for f in FEED_FORMATS]


def _scoped_feeds(slugs: Callable[[World], tuple[str, ...]]):
    """A section's or a tag's feeds, for every edition and slug: a feed is not paginated, it
    lists the newest stories of its scope, so the stories in play all fit in it."""

    def expand(route: str, world: World) -> list[str]:
        return [
            fill(route, edition=e, slug=s, format=f)
            for e in world.editions
            for s in slugs(world)
            for f in FEED_FORMATS
        ]

    return expand


# Words every story's headline has in its edition (see `content`): a search for them lists every
# story the index holds. Never a marker itself: the page repeats the query.
SEARCH_WORDS = {"en": "Story", "fa": "خبر"}


def _searches(route: str, world: World) -> list[str]:
    """Each edition's search for its headline word, paged, and narrowed by each section and
    each tag (a tag only hidden stories carry must not be named either)."""
    urls = []
    for edition in world.editions:
        path = fill(route, edition=edition) + f"?q={SEARCH_WORDS[edition]}"
        urls += pages(path, Story.objects.filter(edition__code=edition))
        urls += [f"{path}&section={slug}" for slug in world.sections]
        urls += [f"{path}&tag={slug}" for slug in world.tags]
    return urls


def _plain(route: str, world: World) -> list[str]:
    return [fill(route)]


def _comment_ids() -> list[int]:
    """Every comment stored (the stories' own and any a test left), and one that is not."""
    return [*Comment.objects.values_list("pk", flat=True), 10**9]


def _comment_reports(route: str, world: World) -> list[str]:
    return [fill(route, edition=e, comment=c) for e in world.editions for c in _comment_ids()]


def _comment_deletions(route: str, world: World) -> list[str]:
    tokens = [delete_token(c) for c in Comment.objects.all()] + ["not-a-token"]
    return [fill(route, token=token) for token in tokens]


def _sitemaps(route: str, world: World) -> list[str]:
    """Each edition's sitemap of stories and its news sitemap (one page holds them all here)."""
    return [
        fill(route, section=f"{kind}-{e}") for e in world.editions for kind in ("stories", "news")
    ]


def _api_items(route: str, world: World) -> list[str]:
    """The wire's feed, anonymously: every page size and format it takes."""
    return [fill(route) + query for query in ("", "?after=0&limit=500", "?format=ninjs2")]


def _api_item(route: str, world: World) -> list[str]:
    """Each story as a wire item, anonymously, in every format and version it could have."""
    return [
        f"{fill(route, code=code)}{query}"
        for code, _, _ in world.stories
        for query in ("", "?format=newsml", "?format=ninjs2", "?version=1")
    ]


def _api_searches(route: str, world: World) -> list[str]:
    """Each edition's search through the wire API for its headline word (asked with a
    subscriber's key: `probe`), every story on one page, and narrowed as on the site."""
    urls = []
    for edition in world.editions:
        path = fill(route) + f"?q={SEARCH_WORDS[edition]}&edition={edition}&limit=50"
        urls += [path, *(f"{path}&section={slug}" for slug in world.sections)]
        urls += [f"{path}&tag={slug}" for slug in world.tags]
    return urls


# The wire's items need a subscriber's key: an anonymous call gets 401, and nothing else.
API_ITEMS = "/api/v1/items"
# Its search is of public stories only: asked with a key taking every edition.
API_SEARCH = "/api/v1/search"

# Each public URL pattern, as the root URLconf spells it, and how to fill it in. A new pattern
# makes the property test fail until it has an entry here: say what its parameters (and query
# parameters: ?page=, ?q=, …) range over, so that it is probed with every story's words.
EXPANSIONS: dict[str, Callable[[str, World], list[str]]] = {
    "": _plain,
    "favicon.ico": _plain,
    "robots.txt": _plain,
    "sitemap.xml": _plain,
    "sitemaps/<str:section>.xml": _sitemaps,
    "<slug:edition>/": _front,
    "<slug:edition>/section/<str:slug>/": _sections,
    "<slug:edition>/tag/<str:slug>/": _tags,
    "<slug:edition>/feed.<feed:format>": _edition_feeds,
    "<slug:edition>/section/<str:slug>/feed.<feed:format>": _scoped_feeds(lambda w: w.sections),
    "<slug:edition>/tag/<str:slug>/feed.<feed:format>": _scoped_feeds(lambda w: w.tags),
    "<slug:edition>/search": _searches,
    "<slug:edition>/news/<code:code>": _articles,
    "<slug:edition>/news/<code:code>/": _articles,
    "<slug:edition>/news/<code:code>/<str:slug>": _articles,
    # A redirect to the address without the slash, whatever the story: it names nothing.
    "<slug:edition>/news/<code:code>/<str:slug>/": _articles,
    "<slug:edition>/news/<code:code>/comment": _articles,  # POST only: a GET is a 405
    # The form alone, for ESI (its ?v= is only the page's version: no words of the story).
    "<slug:edition>/news/<code:code>/comment-form": _articles,
    "<slug:edition>/comments/<int:comment>/report": _comment_reports,
    "comments/delete/<str:token>": _comment_deletions,
    "api/v1/": _plain,
    "api/v1/openapi.json": _plain,
    "api/v1/items": _api_items,
    "api/v1/items/<code>": _api_item,
    "api/v1/search": _api_searches,
}


def public_routes() -> list[str]:
    """Every URL pattern of the root URLconf outside the newsroom and static files."""
    routes = []

    def walk(patterns: Iterable, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(NOT_PUBLIC):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            else:
                routes.append(route)

    walk(get_resolver().url_patterns, "")
    return routes


def untaught_routes() -> list[str]:
    return [route for route in public_routes() if route not in EXPANSIONS]


def require_every_route_taught() -> None:
    untaught = untaught_routes()
    assert not untaught, (
        f"public URL patterns this test cannot fill in: {untaught}. Add each to EXPANSIONS in "
        "tests/site/test_not_public_invariant.py (what its parameters and query parameters "
        "range over), so that the not-public invariant is checked on it too; or, if it is not "
        "public, to NOT_PUBLIC."
    )


def public_urls(world: World) -> list[str]:
    require_every_route_taught()
    return [url for route in public_routes() for url in EXPANSIONS[route](route, world)]


def test_every_public_url_pattern_is_known_and_every_known_one_exists():
    routes = public_routes()
    require_every_route_taught()
    gone = sorted(set(EXPANSIONS) - set(routes))
    assert not gone, f"EXPANSIONS names patterns the URLconf no longer has: {gone}"
    assert "<slug:edition>/news/<code:code>/<str:slug>" in routes
    assert not [route for route in routes if route.startswith("newsroom")]


# --- The workflow, written out again ----------------------------------------------------------

NOT_YET_OUT = frozenset({"draft", "submitted", "approved", "scheduled", "unpublished"})
# state -> the actions the model takes from it ('embargoed': published, embargo pending). Wire
# copy imported with a later date starts 'scheduled', as any story with a time still to come.
MODEL: dict[str, frozenset[str]] = {
    "draft": frozenset({"submit", "publish", "schedule", "embargo"}),
    "submitted": frozenset({"approve", "publish", "schedule", "embargo"}),
    "approved": frozenset({"publish", "schedule", "embargo"}),
    "scheduled": frozenset({"publish", "schedule", "embargo", "unpublish"}),
    "unpublished": frozenset({"publish", "schedule", "embargo"}),
    "published": frozenset({"unpublish", "correct"}),
    # Not corrected while the embargo holds: readers have not seen it (it is edited instead).
    "embargoed": frozenset({"embargo", "unpublish"}),
    "killed": frozenset(),
}
TIMED = {"schedule", "embargo"}


@dataclass(frozen=True)
class Model:
    """What a story's state means for readers, by the rules of decision 0014."""

    state: str
    at: datetime.datetime | None = None  # when a scheduled, embargoed or future story is due
    version: int = 1
    seen: bool = False  # readers saw it at some moment
    seen_when_killed: bool = False
    # An embargo an unpublished story keeps (it had not ended): published or scheduled again,
    # the story reaches readers no sooner, so the walk's steps (its clock stands still) may
    # not publish it, and a new time must be at or after this one (decision 0014's addendum).
    held: datetime.datetime | None = None
    # Corrected once: version 1, which the walk's restore brings back, is from before it.
    corrected: bool = False

    def legal(self) -> list[str]:
        if self.state == "killed":
            return []
        restorable = self.version > 1 and not self.corrected
        extra = ["edit", "kill"] + (["restore"] if restorable else [])
        held_back = {"publish"} if self.held is not None else set()
        return sorted((MODEL[self.state] - held_back) | set(extra))

    def after(self, action: str, now: datetime.datetime, at: datetime.datetime) -> "Model":
        """The model after `action` at `now`; `at` is a schedule's or an embargo's time."""
        assert action in self.legal(), (self, action)
        if action in ("edit", "correct", "restore"):
            corrected = self.corrected or action == "correct"
            return replace(self, version=self.version + 1, corrected=corrected)
        if action == "kill":
            return replace(self, state="killed", at=None, seen_when_killed=self.visible(now))
        state = {
            "submit": "submitted",
            "approve": "approved",
            "publish": "published",
            "schedule": "scheduled",
            "embargo": "embargoed",
            "unpublish": "unpublished",
        }[action]
        due = at if action in TIMED else None
        assert self.held is None or due is None or due >= self.held, (self, action, at)
        held = self.at if action == "unpublish" and self.state == "embargoed" else None
        return replace(self, state=state, at=due, seen=self.seen or state == "published", held=held)

    def visible(self, now: datetime.datetime) -> bool:
        if self.state == "published":
            return True
        # An embargo lifts by the clock alone; a schedule waits for the worker's release
        # (`released`).
        return self.state == "embargoed" and self.at <= now

    def released(self, now: datetime.datetime) -> "Model":
        if self.state in ("scheduled", "embargoed") and self.at <= now:
            return replace(self, state="published", seen=True)
        return self


# --- Scenarios --------------------------------------------------------------------------------

STARTS = ("draft", "wire", "wire-future", "scheduled", "embargoed")
MARKER_LETTERS = "jkqxz"  # no vowels, no digits: nothing else on a page spells them


@dataclass(frozen=True)
class Spec:
    edition: str
    section: str | None
    shared_tag: bool
    start: str
    minutes: int  # how far from the test's clock a wire story's time, or a first hold, is
    marker: str


@dataclass(frozen=True)
class Act:
    story: int
    action: str
    minutes: int = 0


@dataclass(frozen=True)
class Probe:
    """Ask for every public URL here, in the middle of the walk."""


@dataclass(frozen=True)
class Scenario:
    specs: tuple[Spec, ...]
    steps: tuple[Act | Probe, ...]


def started(spec: Spec, now: datetime.datetime) -> Model:
    at = now + spec.minutes * MINUTE
    return {
        "draft": Model("draft"),
        "wire": Model("published", seen=True),
        "wire-future": Model("scheduled", at=at),
        "scheduled": Model("scheduled", at=at),
        "embargoed": Model("embargoed", at=at),
    }[spec.start]


_example_markers = itertools.count(1)


def spec(start: str, edition: str = "en", section: str | None = None) -> Spec:
    """A story for the explicit examples, with a marker of its own."""
    number, letters = next(_example_markers), []
    for _ in range(12):
        number, digit = divmod(number, len(MARKER_LETTERS))
        letters.append(MARKER_LETTERS[digit])
    return Spec(edition, section, True, start, minutes=1, marker="".join(letters))


@st.composite
def scenarios(draw, now: datetime.datetime) -> Scenario:
    count = draw(st.integers(1, 5))
    markers = draw(
        st.lists(
            st.text(MARKER_LETTERS, min_size=12, max_size=12),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    specs = tuple(
        Spec(
            edition=draw(st.sampled_from(("en", "fa"))),
            section=draw(st.sampled_from((None, "world", "politics"))),
            shared_tag=draw(st.booleans()),
            start=draw(st.sampled_from(STARTS)),
            minutes=draw(st.integers(1, 180)),
            marker=marker,
        )
        for marker in markers
    )
    models = [started(spec, now) for spec in specs]
    steps: list[Act | Probe] = []
    for _ in range(draw(st.integers(0, 10))):
        if draw(st.integers(0, 7)) == 0:
            steps.append(Probe())
            continue
        index = draw(st.integers(0, count - 1))
        legal = models[index].legal()
        if not legal:
            continue
        action = draw(st.sampled_from(legal))
        held = models[index].held
        soonest = 1 if held is None else (held - now) // MINUTE  # not before a kept embargo
        minutes = draw(st.integers(soonest, soonest + 179)) if action in TIMED else 0
        models[index] = models[index].after(action, now, now + minutes * MINUTE)
        steps.append(Act(index, action, minutes))
    return Scenario(specs, tuple(steps))


# --- Building stories through the real actions ------------------------------------------------


def field(marker: str, number: int) -> str:
    """The marker of one field: the story's marker and a digit, so a leak names its field
    (1 headline, 2 lead, 3 body, 4 tag, 5 byline, 6 place, 7 source, 8 correction note,
    9 kill reason)."""
    return f"{marker}{number}"


def content(spec: Spec, version: int) -> dict:
    m = spec.marker
    words = ("خبر", "متن", "ادامه") if spec.edition == "fa" else ("Story", "Lead", "More")
    return {
        "headline": f"{words[0]} {field(m, 1)} v{version}",
        "lead": f"{words[1]} {field(m, 2)} v{version}.",
        "body": f"{words[2]} {field(m, 3)}.\n\n## {field(m, 3)}\n\n> {field(m, 3)}",
        "byline": f"By {field(m, 5)}",
        "dateline_place": f"Place {field(m, 6)}",
        "dateline_source": f"Source {field(m, 7)}",
    }


def build(spec: Spec, editions: dict, now: datetime.datetime) -> Story:
    edition = editions[spec.edition]
    labels = [("keyword", f"Tag {field(spec.marker, 4)}")]
    if spec.shared_tag:
        labels.append(("keyword", SHARED_TAG))
    section = edition.sections.get(slug=spec.section) if spec.section else None
    at = now + spec.minutes * MINUTE
    story = create_story(
        edition=edition,
        section=section,
        tags=tags_for(labels),
        publish_at={"wire": now - spec.minutes * MINUTE, "wire-future": at}.get(spec.start),
        **content(spec, 1),
    )
    if spec.start == "scheduled":
        schedule_story(story, at=at)
    elif spec.start == "embargoed":
        embargo_story(story, until=at)
    # An approved comment quoting the story: its report page and the writer's delete link must
    # not show it either while the story is not public.
    comment = Comment.objects.create(
        story=story,
        story_version=1,
        name="A reader",
        email="reader@example.org",
        email_hash="reader",
        text=f"Quoting {field(spec.marker, 2)}",
        text_hash=f"text-{spec.marker}",
        status="approved",
    )
    Comment.objects.filter(pk=comment.pk).update(thread=comment)
    return story


def act(story: Story, spec: Spec, step: Act, version: int, now: datetime.datetime) -> None:
    at = now + step.minutes * MINUTE
    m = spec.marker
    match step.action:
        case "submit":
            submit_story(story)
        case "approve":
            approve_story(story)
        case "publish":
            publish_story(story)
        case "schedule":
            schedule_story(story, at=at)
        case "embargo":
            embargo_story(story, until=at)
        case "unpublish":
            unpublish_story(story)
        case "edit":
            edit_story(story, base_version=story.version, **content(spec, version + 1))
        case "correct":
            correct_story(story, note=f"Note {field(m, 8)}", **content(spec, version + 1))
        case "restore":
            restore_revision(story, version=1)
        case "kill":
            kill_story(story, reason=f"Reason {field(m, 9)}")
        case _:
            raise AssertionError(step.action)


def link_first_of_each_edition(tracked: list["Tracked"]) -> None:
    """The first English and the first Persian story as versions of one story: a hidden
    version's words must not show on its public translation's page either."""
    firsts: dict[str, Story] = {}
    for t in tracked:
        firsts.setdefault(t.spec.edition, t.story)
    if len(firsts) == 2:
        link_translation(firsts["en"], firsts["fa"].pk)


# --- Looking ----------------------------------------------------------------------------------


@dataclass
class Tracked:
    spec: Spec
    story: Story
    model: Model


def article_urls(story: Story) -> list[str]:
    base = f"/{story.edition.code}/news/{story.code}"
    return [f"{base}/{story.slug}", base, f"{base}/", f"{base}/an-old-headline"]  # as fill() does


def probe(client, tracked: list[Tracked], now: datetime.datetime, when: str, key: str) -> None:
    """Every public URL: no marker of a story readers may not see, in any body or redirect;
    such a story's own URLs 404 (410 if killed after readers saw it); a public one is there.
    `key`: a subscriber's, for the wire API's search."""
    hidden = [t for t in tracked if not t.model.visible(now)]
    statuses = {}
    for url in public_urls(World.now()):
        searching = url.startswith(API_SEARCH)
        response = client.get(url, **({"HTTP_AUTHORIZATION": f"Bearer {key}"} if searching else {}))
        statuses[url] = response.status_code
        assert response.status_code < 500, (when, url, response.status_code)
        if url.startswith(API_ITEMS):
            assert response.status_code == 401, (when, url, response.status_code)
        if searching:  # a tag no public story carries is refused, as on the site
            assert response.status_code in (200, 422), (when, url, response.status_code)
        shown = response.content.decode() + response.get("Location", "")
        leaks = [
            f"{t.spec.marker}{sorted(set(re.findall(t.spec.marker + '(.)', shown)))} {t.model}"
            for t in hidden
            if t.spec.marker in shown
        ]
        assert not leaks, f"{when}: {url} ({response.status_code}) shows {leaks}"
    for t in tracked:
        t.story.refresh_from_db()
        if t.model.visible(now):
            response = client.get(t.story.get_absolute_url())
            assert response.status_code == 200, (when, t.model, response.status_code)
            assert field(t.spec.marker, 1) in response.content.decode(), (when, t.model)
            continue
        if t.model.state != "killed":
            expected = {404}
        elif t.model.seen_when_killed:
            expected = {410}  # withdrawn: readers saw it until it was killed
        elif t.model.seen:
            expected = {404, 410}  # seen once, hidden again before it was killed
        else:
            expected = {404}  # never seen: a 410 would tell it existed
        for url in article_urls(t.story):
            assert statuses[url] in expected, (when, url, t.model, statuses[url])


def small_pages(rows, raw_number, per_page=None):
    return pagination.page_from(rows, raw_number, per_page=PER_PAGE)


def test_no_public_url_shows_a_story_readers_may_not_see(
    client, editions, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.ERROR, logger="django.request")  # hundreds of "Not Found" lines
    en, fa = editions
    make_section(en, "politics", "Politics")
    make_section(fa, "politics", "سیاست")
    by_code = {"en": en, "fa": fa}
    key = add_subscriber("Every Edition Daily", rate_limit="1000000/m").api_key
    monkeypatch.setattr(views, "page_from", small_pages)
    monkeypatch.setattr(search_view, "SEARCH_PER_PAGE", PER_PAGE)
    # Each change's fan-out (the search index's receiver) runs when the change is made, as it
    # would once committed outside the test's transaction.
    committed = lambda: django_capture_on_commit_callbacks(execute=True)  # noqa: E731
    # The test's clock: standing still, whole seconds, and not ahead of the real one (the
    # change log's times come from the real clock).
    start = timezone.now().replace(microsecond=0) - SECOND

    @settings(max_examples=25, deadline=None, database=None, report_multiple_bugs=False)
    @given(scenario=scenarios(start))
    # Besides what Hypothesis draws, every run looks at these moments:
    # killed while public, after its page was cached (410, and gone from every list);
    @example(Scenario((spec("wire"), spec("wire", "fa")), (Probe(), Act(0, "kill"))))
    # killed while another story's page, kept, showed it as its stand-in Related News (the
    # newest sharing its tag: neither has a stored list);
    @example(Scenario((spec("wire"), spec("wire")), (Probe(), Act(0, "kill"))))
    # killed before its future publication time came (404: it never existed for readers);
    @example(Scenario((spec("wire-future"),), (Act(0, "kill"),)))
    # public, hidden again, scheduled anew, killed (404 or 410);
    @example(
        Scenario(
            (spec("wire"),), (Probe(), Act(0, "unpublish"), Act(0, "schedule", 5), Act(0, "kill"))
        )
    )
    # an embargoed story unpublished, keeping its embargo, then scheduled after it;
    @example(Scenario((spec("embargoed"),), (Act(0, "unpublish"), Probe(), Act(0, "schedule", 2))))
    # a schedule and an embargo falling due at one moment, an edited embargoed story.
    @example(
        Scenario(
            (spec("scheduled", "fa"), spec("embargoed", section="world"), spec("embargoed")),
            (Act(2, "edit"), Act(2, "embargo", 1)),
        )
    )
    def property_holds(scenario: Scenario) -> None:
        cache.clear()  # pages cached by an earlier example, whose rows were rolled back
        now = start  # the patched clock reads this variable: moving it moves the clock
        with (
            transaction.atomic(),
            mock.patch("django.utils.timezone.now", lambda: now),
        ):
            with committed():
                built = [build(s, by_code, now) for s in scenario.specs]
            tracked = [
                Tracked(s, b, started(s, now)) for s, b in zip(scenario.specs, built, strict=True)
            ]
            with committed():
                link_first_of_each_edition(tracked)
            for step in scenario.steps:
                if isinstance(step, Probe):
                    probe(client, tracked, now, "during the walk", key)
                    continue
                t = tracked[step.story]
                with committed():
                    act(t.story, t.spec, step, t.model.version, now)
                t.model = t.model.after(step.action, now, now + step.minutes * MINUTE)
            for t in tracked:
                event(f"ends {t.model.state}")
            probe(client, tracked, now, "after the walk", key)

            due = sorted(t.model.at for t in tracked if t.model.at is not None)
            if due:
                event("a release")
                now = due[0] - SECOND
                assert release_due(now=now) == []
                probe(client, tracked, now, "a second before the first release", key)
                now = due[0] + SECOND
                with committed():
                    release_due(now=now)
                for t in tracked:
                    t.model = t.model.released(now)
                probe(client, tracked, now, "a second after the first release", key)
            transaction.set_rollback(True)

    property_holds()
