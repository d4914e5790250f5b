"""Related News: for each public story, the best RELATED_LIMIT public stories of its edition,
computed in the background and stored (`RelatedStory`), so the article page only reads a list.

How a list is made (decisions 0027 and 0029):
1. candidates: the search index's "more like this" (`search.best_matches`, BM25) asked for
   the story's most distinctive words (TF-IDF weight), CANDIDATES of them;
2. rerank, when the edition has a fitted model of its words (`lsa`, LSA): LSA_WEIGHT times
   the cosine in the model, the story's point first moved toward its FEEDBACK nearest
   candidates (Rocchio feedback), plus the rest times the TF-IDF cosine, plus
   TAG_WEIGHT_WITH_MODEL times the cosine of the two stories' tag sets (keywords, places,
   people, organisations), times a recency factor `settings.RELATED_RECENCY_DAYS` tunes;
   without a model, the TF-IDF cosine with the same feedback and TAG_WEIGHT; with a model,
   each word weighs its IDF times the emphasis fitted with it (decision 0054: names less,
   the words a story repeats more), in the rows and in the query words of step 1;
3. each entry keeps an explanation an editor can read ("shared: OPEC, Vienna; words: opec,
   vienna; text 0.42; 2 days apart"), its words the telling ones, never "the".

Incremental (`refresh`): a story published or changed gets its list, and each of its
candidates gets the story inserted if it beats that list's weakest entry; a story that stops
being public leaves every list, and the lists it left are made again. Work is bounded by
CANDIDATES, never the size of the edition. The page reads the stored list through
`Story.objects.public()` (a story that stops being public is gone from every page at once),
editors' picks first, exclusions left out; before a list is computed, the first rule (latest
stories sharing a tag or the section) stands in.
"""

import datetime
import json
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from dateline.discovery import lsa, story_words
from dateline.discovery.backends import Filters, backend
from dateline.discovery.models import RelatedChoice, RelatedStory
from dateline.discovery.search import best_matches, public_documents, written_texts
from dateline.discovery.text import ZWNJ, tokens, written_words
from dateline.stories.compiled import Compiled
from dateline.stories.headlines import HEADLINE_FIELDS, Headline
from dateline.stories.json_rows import json_rows, read_json_rows
from dateline.stories.models import Story
from dateline.stories.querysets import kept_frequent_tags

RELATED_LIMIT = 5
# The rerank, not the index, is what finds the best five: 150 of BM25's matches rather than 60
# gained 0.008 overall, 0.010 on Reuters' hard subset, for about twice the scoring's work
# (decision 0029).
CANDIDATES = 150
QUERY_WORDS = 12
TAG_WEIGHT = 0.03
TAG_WEIGHT_WITH_MODEL = 0.01  # tags are then a tie-breaker: more cost precision on Reuters
FEEDBACK = 10
FEEDBACK_WEIGHT = 10.0
REBUILD_BATCH = 200
PROFILES_KEPT = 50_000  # profiles a rebuild or a batch's refreshes keep before starting over
FIT_SEED = 29
EXPLAINED_WORDS = 3
COMMON_SHARE = 0.2  # a word in more of the stories than this never explains a match
LSA_WEIGHT = 0.7
RECENCY_FLOOR = 0.9


# --- reading (the article page) ----------------------------------------------------------------


@dataclass(frozen=True)
class StoredList:
    """A story's stored Related News as its page reads it."""

    picked: list[int]  # the editors' picks, in the order picked
    ranked: list[int]  # the computed list, by rank
    excluded: set[int]  # the editors' exclusions
    shown: dict[int, Headline]  # those of the picked and ranked stories public now, by code


def related_stories(
    story: Story,
    tag_ids: list[int],
    limit: int = RELATED_LIMIT,
    on_stand_in: Callable[[], None] | None = None,
    stored: StoredList | None = None,
) -> list[Headline]:
    """Up to `limit` public stories for `story`'s page: the editors' picks first (in the order
    picked), then the stored list by rank, never an excluded story. While the story shows no
    stored list (none computed yet, or none of it public now), the first rule stands in: the
    latest stories sharing a tag or the section; `on_stand_in` is called before those are
    read (the page then shows the section's and the tags' lists: site.page_cache.also_shows).

    The stored list, its editors' choices and those of its stories public now come in one
    query (none when `stored` brings them: the article's query reads them along,
    `stored_related_of`); the stand-in adds two, each bounded."""
    stored = _stored_list(story.pk) if stored is None else stored
    wanted = [
        code
        for code in dict.fromkeys(stored.picked + stored.ranked)
        if code not in stored.excluded and code != story.pk
    ]
    listed = [stored.shown[code] for code in wanted if code in stored.shown][:limit]
    room = limit - len(listed)
    if room == 0 or any(s.pk in stored.ranked for s in listed):
        return listed
    if on_stand_in is not None:
        on_stand_in()
    # The newest few of the section and of each tag, each read along its own index, then the
    # newest of those: asking for "any story sharing a tag or the section" at once walked
    # every story of the edition (4–7 s at a million).
    sharing = {"tags": tag_ids} if tag_ids else {}
    if story.section_id:
        sharing["section"] = story.section_id
    if not sharing:
        return listed
    frequent = kept_frequent_tags(story.edition_id, tag_ids)
    newest = _NEWEST_SHARING.rows(
        literals={"frequent": tuple(t in frequent for t in tag_ids), "room": room},
        edition=story.edition_id,
        leave_out=[story.pk, *stored.excluded, *(s.pk for s in listed)],
        now=timezone.now(),
        **sharing,
    )
    return listed + Headline.of(newest)


def _newest_sharing(edition, leave_out, now, frequent, room, tags=(), section=None):
    """The stand-in: the newest `room` public stories of `edition` but `leave_out` that carry
    one of `tags` (each read the shorter way for how `frequent` it is) or are in `section`."""
    newest = Story.objects.public(now=now).in_edition(edition).exclude(pk__in=leave_out)
    newest = newest.headlines()
    sharing = [
        newest.tagged(tag, frequent=often) for tag, often in zip(tags, frequent, strict=True)
    ]
    if section is not None:
        sharing.append(newest.in_section(section))
    return newest.newest_of_each(sharing, room).headlines()[:room]


# Built and compiled once (decision 0039); planned for each run when a rare tag is among its
# tags, whose plan depends on how rare (decision 0065).
_NEWEST_SHARING = Compiled(_newest_sharing, prepare=lambda frequent, room: all(frequent))


def stored_related_of(story_code, now) -> dict[str, Subquery]:
    """Annotations for a story query: story `story_code`'s (an OuterRef) stored list, its
    editors' choices and those of their stories public at `now`, so that the query of the page
    showing the story brings them along (`stored_related`) instead of queries of their own."""
    listed = RelatedStory.objects.filter(story=story_code)
    chosen = RelatedChoice.objects.filter(story=story_code)
    # Read through public() by primary key: a story that stops being public leaves the list at
    # once, whatever the stored list still holds. (One level further in, the story is the
    # outer query's outer one.)
    listed_codes = RelatedStory.objects.filter(story=OuterRef(story_code)).values("related_id")
    picked_codes = RelatedChoice.objects.filter(
        story=OuterRef(story_code), kind=RelatedChoice.Kind.PICK
    ).values("other_id")
    # One IN over both (not one for each, joined by OR): the database then looks the few codes
    # up by primary key instead of testing every public story of the edition against them.
    shown = (
        Story.objects.public(now=now)
        .filter(edition=OuterRef("edition_id"))
        .filter(pk__in=listed_codes.union(picked_codes, all=True))
    )
    return {
        "related_listed": json_rows(listed, "story", "related_id", "rank"),
        "related_chosen": json_rows(chosen, "story", "other_id", "kind", "at", "pk"),
        "related_shown": json_rows(shown, "edition", *HEADLINE_FIELDS),
    }


def stored_related(story: Story) -> StoredList:
    """A story's stored list, read with `stored_related_of`'s annotations."""
    listed = sorted(read_json_rows(story.related_listed), key=itemgetter(1))
    # By the time picked, then as made: moments as JSON has them, ISO 8601 text in UTC, whose
    # order is time's.
    chosen = sorted(read_json_rows(story.related_chosen), key=itemgetter(2, 3))
    shown = (Headline(*row) for row in read_json_rows(story.related_shown))
    return StoredList(
        picked=[other for other, kind, *_ in chosen if kind == RelatedChoice.Kind.PICK],
        ranked=[other for other, _rank in listed],
        excluded={other for other, kind, *_ in chosen if kind == RelatedChoice.Kind.EXCLUDE},
        shown={headline.code: _with_moment(headline) for headline in shown},
    )


def _with_moment(headline: Headline) -> Headline:
    """`headline` with its publication time as a moment, from the text JSON gave it (ISO 8601;
    SQLite's without an offset, in UTC as Django stores it)."""
    published_at = datetime.datetime.fromisoformat(headline.published_at)
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=datetime.UTC)
    headline.published_at = published_at
    return headline


# A story's stored list alone (the newsroom's preview of its list, the benchmarks).
_STORED = Compiled(
    lambda story, now: Story.objects.filter(pk=story).annotate(
        **stored_related_of(OuterRef("pk"), now)
    )
)


def _stored_list(code: int) -> StoredList:
    found = _STORED.instances(story=code, now=timezone.now())
    return stored_related(found[0]) if found else StoredList([], [], set(), {})


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class Profile:
    """What a story is compared by: its words' counts, its tags, its time."""

    code: int
    edition_id: int
    counts: dict[str, int]
    tags: dict[int, str]  # tag id → name
    published_at: object


@dataclass(frozen=True)
class Scored:
    code: int
    score: float
    explanation: str


@dataclass(eq=False)
class Match:
    """A candidate as a refresh scored it: like `Scored`, but why it matches is worked out
    only when asked (for what is stored: the story's first RELATED_LIMIT and the offers its
    candidates take), not for each of the CANDIDATES scored."""

    code: int
    score: float
    _other: Profile
    _tag_names: list[str]
    _text: float
    _days: float
    _words: "TellingWords"  # the story's

    @cached_property
    def explanation(self) -> str:
        shared = self._words.shared_with(self._other.counts)
        return _explain(self._tag_names, shared, self._text, self._days)


# What a profile is read from, built and compiled once (decision 0039): at 150 candidates a
# refresh, building the querysets cost more than the database spent answering them.
_PROFILED = Compiled(
    lambda codes, now: (
        Story.objects.public(now=now)
        .filter(pk__any_of=codes)
        .values_list("pk", "edition_id", "published_at", "related_words__counts")
    )
)
_TAGS_OF = Compiled(
    lambda codes: Story.tags.through.objects.filter(story_id__any_of=codes).values_list(
        "story_id", "tag_id", "tag__name"
    )
)


class Profiles:
    """Profiles read from the database in batches and kept for the call (or the rebuild), and
    the index's document frequencies."""

    def __init__(self, word_counts: tuple[int, dict[str, int]] | None = None) -> None:
        self._profiles: dict[int, Profile] = {}
        self._frequencies = word_counts  # None: asked of the index for the words needed
        self._asked: dict[str, int] = {}
        self._total = 0

    def get(self, codes: Iterable[int]) -> dict[int, Profile]:
        missing = [code for code in codes if code not in self._profiles]
        if missing:
            self._read(missing)
        return {code: self._profiles[code] for code in codes if code in self._profiles}

    def forget_if_over(self, size: int) -> None:
        """Bound the memory of a long rebuild."""
        if len(self._profiles) > size:
            self._profiles.clear()

    def _read(self, codes: list[int]) -> None:
        """Each public story's stored word counts (`StoryWords`); a story indexed before they
        were stored is tokenised from its text, as the index would."""
        stories = _PROFILED.rows(codes=codes, now=timezone.now())
        unstored = [pk for pk, _, _, stored in stories if stored is None]
        counted = (
            {d.code: story_words.counts_of(d) for d in public_documents(unstored)}
            if unstored
            else {}
        )
        tags: dict[int, dict[int, str]] = {}
        for story_id, tag_id, name in _TAGS_OF.rows(codes=codes):
            tags.setdefault(story_id, {})[tag_id] = name
        for pk, edition_id, published_at, stored in stories:
            if stored is not None:
                counts = story_words.decoded(stored)
            elif pk in counted:
                counts = counted[pk]
            else:
                continue  # no longer public: gone between the two reads
            self._profiles[pk] = Profile(
                code=pk,
                edition_id=edition_id,
                counts=counts,
                tags=tags.get(pk, {}),
                published_at=published_at,
            )

    def weights(self, profiles: Iterable[Profile]) -> tuple[int, dict[str, int]]:
        if self._frequencies is not None:
            return self._frequencies
        words = {word for profile in profiles for word in profile.counts} - self._asked.keys()
        if words:
            self._total, counts = backend().word_counts(sorted(words))
            self._asked.update({word: counts.get(word, 0) for word in words})
        return self._total, self._asked


def _vector(counts: dict[str, int], weight: Callable[[str], float]) -> dict[str, float]:
    """Sublinear TF times the word's IDF (`weight`), unit length."""
    return _unit({word: (1 + math.log(count)) * weight(word) for word, count in counts.items()})


class TellingWords:
    """How a story's words weigh when a match is explained: (1 + log count) × IDF², leaving
    out every word in more than a COMMON_SHARE of the stories ("the", "said"); the shared
    words that weigh most (times their weight in the other story) are the ones an editor
    recognises the subject by. Worked out once per story, for all its matches."""

    def __init__(
        self, code: int, counts: dict[str, int], idf: Callable[[str], float], stories: int
    ) -> None:
        self._code, self._counts, self._idf, self._stories = code, counts, idf, stories

    @cached_property
    def _weights(self) -> dict[str, tuple[float, float]]:
        """Each telling word's 1 + log count, and its IDF²."""
        floor = math.log(1 / COMMON_SHARE) if self._stories else 0.0
        weights = {}
        for word, count in self._counts.items():
            idf = self._idf(word)
            if idf > floor:
                weights[word] = (1 + math.log(count), idf**2)
        return weights

    def shared_with(self, other: dict[str, int]) -> list[str]:
        """The EXPLAINED_WORDS shared words that weigh most in the match."""
        mine = self._weights
        weighed = []
        for word in mine.keys() & other:
            count, idf_squared = mine[word]
            weighed.append((count * (1 + math.log(other[word])) * idf_squared, word))
        weighed.sort(key=lambda item: (-item[0], item[1]))
        words = [word for _, word in weighed[:EXPLAINED_WORDS]]
        if all(word.isascii() for word in words):  # no word of a script that writes a ZWNJ
            return words
        return [self._as_written.get(word, word) for word in words]

    @cached_property
    def _as_written(self) -> dict[str, str]:
        """The story's words written with a zero-width non-joiner, by their token: an editor
        reads "سه‌شنبه", not the token that joins its parts ("سهشنبه"). Read from the story's
        text once, only for an explanation that names a word of another script."""
        fields = Story.objects.filter(pk=self._code).values_list("headline", "lead", "body_html")
        text = " ".join(fields.first() or ())
        if ZWNJ not in text:
            return {}
        written = {}
        for start, end in written_words(text):
            word = text[start:end]
            if ZWNJ in word and len(token := tokens(word)) == 1:
                written.setdefault(token[0], word)
        return written


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(weight * weight for weight in vector.values())) or 1.0
    return {word: weight / norm for word, weight in vector.items()}


def _recency(days_apart: float) -> float:
    """1 for stories published together, 0.95 at RELATED_RECENCY_DAYS apart, toward
    RECENCY_FLOOR: a tie-breaker toward the newer story more than a rule (the subject is what
    relates stories; a steeper decay cost precision on the Reuters benchmark)."""
    half_life = settings.RELATED_RECENCY_DAYS
    if half_life <= 0:
        return 1.0
    return RECENCY_FLOOR + (1 - RECENCY_FLOOR) / (1 + days_apart / half_life)


def _days_apart(a: Profile, b: Profile) -> float:
    return abs((a.published_at - b.published_at).total_seconds()) / 86400


def _explain(shared_tags: list[str], shared_words: list[str], text: float, days: float) -> str:
    parts = []
    if shared_tags:
        parts.append("shared: " + ", ".join(sorted(shared_tags)[:4]))
    if shared_words:
        parts.append("words: " + ", ".join(shared_words))
    parts.append(f"text {text:.2f}")
    whole_days = round(days)
    parts.append(
        "same day"
        if whole_days == 0
        else ("1 day apart" if whole_days == 1 else f"{whole_days} days apart")
    )
    return "; ".join(parts)[:300]


def _tag_cosine(a: Profile, b: Profile) -> tuple[float, list[str]]:
    shared = a.tags.keys() & b.tags.keys()
    if not shared:
        return 0.0, []
    return len(shared) / math.sqrt(len(a.tags) * len(b.tags)), [a.tags[t] for t in shared]


class Scorer:
    """Scores candidates against a story: with the edition's low-rank model when it has one
    (`lsa.latest`), by TF-IDF alone until then."""

    def __init__(self, profiles: Profiles) -> None:
        self.profiles = profiles
        self._spaces: dict[int, lsa.Space | None] = {}

    def space(self, edition_id: int) -> lsa.Space | None:
        if edition_id not in self._spaces:
            self._spaces[edition_id] = lsa.latest(edition_id)
        return self._spaces[edition_id]

    def ranked(self, story: Profile, candidate_codes: list[int]) -> list[Match]:
        """The candidates scored against `story`, best first (ties: newest code first)."""
        found = self.profiles.get(candidate_codes)
        candidates = [found[c] for c in candidate_codes if c in found and c != story.code]
        space = self.space(story.edition_id)
        if space is None:
            return self._ranked_by_words(story, candidates)
        return self._ranked_in_space(space, story, candidates)

    def _ranked_in_space(
        self, space: lsa.Space, story: Profile, candidates: list[Profile]
    ) -> list[Match]:
        """LSA_WEIGHT × the cosine in the model, the story's point first moved toward its
        FEEDBACK nearest candidates (each pulling as much as it is close: Rocchio feedback),
        plus the rest × the TF-IDF cosine (plain IDF: exact names and numbers-free words the
        model blurs), plus TAG_WEIGHT_WITH_MODEL × the tags' cosine, times the recency decay."""
        if not candidates:
            return []
        rows, words = lsa.weighted_rows([p.counts for p in (story, *candidates)], space.weights)
        word_cosines = (rows[1:] @ rows[0].T).toarray().ravel()
        places = space.project(rows, words)
        point, points = places[0], places[1:]
        close = points @ point
        nearest = np.argsort(-close, kind="stable")[:FEEDBACK]
        query = point + (close[nearest] @ points[nearest]) / FEEDBACK
        query /= float(np.linalg.norm(query)) or 1.0
        fed_back = points @ query
        text = LSA_WEIGHT * close + (1 - LSA_WEIGHT) * word_cosines
        score = LSA_WEIGHT * fed_back + (1 - LSA_WEIGHT) * word_cosines
        return self._scored(
            story, candidates, score, TAG_WEIGHT_WITH_MODEL, text, space.weight, space.stories
        )

    def _ranked_by_words(self, story: Profile, candidates: list[Profile]) -> list[Match]:
        """Without a model: the cosine of TF-IDF vectors (IDF +1-smoothed: a small edition's
        common words still count a little), the story's vector first moved toward its FEEDBACK
        nearest candidates, each weighted by its own cosine (Rocchio feedback)."""
        if not candidates:
            return []
        total, frequencies = self.profiles.weights([story, *candidates])

        def smoothed(word: str) -> float:
            return math.log((1 + total) / (1 + frequencies.get(word, 0))) + 1

        def plain(word: str) -> float:
            return math.log((1 + total) / (1 + frequencies.get(word, 0)))

        def smoothed_weights(words: list[str]) -> np.ndarray:
            return np.fromiter(map(smoothed, words), dtype=np.float64, count=len(words))

        bags = [p.counts for p in (story, *candidates)]
        rows, _words = lsa.weighted_rows(bags, smoothed_weights)
        mine, others = rows[0], rows[1:]
        direct = (others @ mine.T).toarray().ravel()
        nearest = np.argsort(-direct, kind="stable")[:FEEDBACK]
        # Each near story pulls as much as it is close: a story with few, weak candidates is
        # not pulled toward them (its score would then be inflated against theirs).
        pulls = FEEDBACK_WEIGHT * direct[nearest] / FEEDBACK
        query = mine.toarray().ravel() + others[nearest].T @ pulls
        query /= float(np.linalg.norm(query)) or 1.0
        return self._scored(story, candidates, others @ query, TAG_WEIGHT, direct, plain, total)

    def _scored(
        self,
        story: Profile,
        candidates: list[Profile],
        text_scores: np.ndarray,
        tag_weight: float,
        shown_text: np.ndarray,
        idf: Callable[[str], float],
        stories: int,
    ) -> list[Match]:
        """Each candidate's text score plus `tag_weight` × the tags' cosine, times the recency
        decay, best first (ties: newest code first), each able to explain itself (`shown_text`
        is the text similarity it shows)."""
        scored, words = [], TellingWords(story.code, story.counts, idf, stories)
        for n, other in enumerate(candidates):
            tags, tag_names = _tag_cosine(story, other)
            days = _days_apart(story, other)
            score = (float(text_scores[n]) + tag_weight * tags) * _recency(days)
            text = float(shown_text[n])
            why = (other, tag_names, text, days, words)
            scored.append(Match(other.code, score, *why))
        scored.sort(key=lambda s: (-s.score, -s.code))
        return scored

    def query_words(self, story: Profile) -> dict[str, float]:
        """The story's QUERY_WORDS most distinctive words and their weights (with a model,
        as its row weighs them: names count less, the words a story is about more)."""
        space = self.space(story.edition_id)
        if space is not None:
            weight = space.row_weight
        else:
            total, frequencies = self.profiles.weights([story])

            def weight(word: str) -> float:
                return math.log((1 + total) / (1 + frequencies.get(word, 0))) + 1

        vector = _vector(story.counts, weight)
        return dict(sorted(vector.items(), key=lambda item: -item[1])[:QUERY_WORDS])

    def candidates(self, story: Profile) -> list[Match]:
        codes = best_matches(
            self.query_words(story),
            Filters(edition_id=story.edition_id, exclude=(story.code,)),
            limit=CANDIDATES,
        )
        return self.ranked(story, codes)


# --- storing -----------------------------------------------------------------------------------


def _store_lists(lists: dict[int, list[Scored | Match]]) -> None:
    """Replace the stored lists of `lists`' stories by their first RELATED_LIMIT entries: one
    DELETE, then one INSERT of all their rows, passed as one JSON document (a statement per
    list made a refresh that touches 151 lists spend most of its time in round trips and
    index upkeep; the ORM's bulk_create spent more compiling 300 rows than the database spent
    writing them; and psycopg fills a placeholder per value, or an array per column, value by
    value in Python, where `json.dumps` writes the rows in C)."""
    if not lists:
        return
    RelatedStory.objects.filter(story_id__any_of=list(lists)).delete()
    rows = [
        (code, s.code, rank, s.score, s.explanation)
        for code, scored in lists.items()
        for rank, s in enumerate(scored[:RELATED_LIMIT], start=1)
    ]
    if not rows:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_ROWS[connection.vendor],
            [now, json.dumps(rows, ensure_ascii=False, allow_nan=False)],
        )


_COLUMNS = "story_id, related_id, rank, score, explanation, computed_at"
# The rows as a JSON array of [story, related, rank, score, explanation] arrays.
_INSERT_ROWS = {
    "postgresql": (
        f"INSERT INTO {RelatedStory._meta.db_table} ({_COLUMNS}) SELECT (row->>0)::bigint,"  # noqa: S608
        " (row->>1)::bigint, (row->>2)::integer, (row->>3)::double precision, row->>4, %s"
        " FROM json_array_elements(%s::json) AS row"
    ),
    "sqlite": (
        f"INSERT INTO {RelatedStory._meta.db_table} ({_COLUMNS}) SELECT json_extract(value,"  # noqa: S608
        " '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),"
        " json_extract(value, '$[3]'), json_extract(value, '$[4]'), %s FROM json_each(%s)"
    ),
}


def refresh(code: int, profiles: Profiles | None = None) -> int:
    """Bring Related News up to date after a change to story `code`. Returns how many lists
    were written. What the background task runs.

    Lists are scored before the transaction and only written inside it: on SQLite a
    transaction holds the one writer's lock from its start, and scoring takes far longer than
    writing, so publications and webhook deliveries would queue behind every refresh."""
    profiles = profiles or Profiles()
    scorer = Scorer(profiles)
    story = profiles.get([code]).get(code)
    if story is None:
        return _leave_every_list(code, profiles, scorer)
    scored = scorer.candidates(story)
    with transaction.atomic():
        lists = {code: scored, **_offers_taken(code, scored)}
        _store_lists(lists)
    return len(lists)


def _leave_every_list(code: int, profiles: Profiles, scorer: Scorer) -> int:
    """A story that is not public: its own list and its entries in others go; the lists it
    left are made again (there are at most as many as lists it was good enough for)."""
    left = sorted(
        set(RelatedStory.objects.filter(related_id=code).values_list("story_id", flat=True))
    )
    remade = {
        found.code: [s for s in scorer.candidates(found) if s.code != code]
        for found in profiles.get(left).values()
    }
    with transaction.atomic():
        RelatedStory.objects.filter(story_id=code).delete()
        RelatedStory.objects.filter(related_id=code).delete()
        _store_lists(remade)
    return len(left)


_ENTRIES_OF = Compiled(
    lambda codes: RelatedStory.objects.filter(story_id__any_of=codes).values_list(
        "story_id", "related_id", "score", "explanation"
    )
)


def _offers_taken(code: int, scored: list[Match]) -> dict[int, list[Scored]]:
    """The candidates' lists that story `code` enters, as they become: it enters where it
    beats the weakest entry (or the list is short), or where it was already listed (its score
    may have changed). The score is symmetric: what `code` scored against the candidate is
    what the candidate's list would score it. One read for all the lists."""
    by_candidate = {s.code: s for s in scored}
    entries: dict[int, list[Scored]] = {c: [] for c in by_candidate}
    if by_candidate:
        for story_id, *entry in _ENTRIES_OF.rows(codes=list(by_candidate)):
            entries[story_id].append(Scored(*entry))
    taken = {}
    for candidate, offer in by_candidate.items():
        current = [e for e in entries[candidate] if e.code != code]
        listed_before = len(current) < len(entries[candidate])
        weakest = min((e.score for e in current), default=math.inf)
        if not listed_before and len(current) >= RELATED_LIMIT and offer.score <= weakest:
            continue
        merged = [*current, Scored(code, offer.score, offer.explanation)]
        merged.sort(key=lambda s: (-s.score, -s.code))
        taken[candidate] = merged
    return taken


def fit(edition=None, profiles: Profiles | None = None) -> dict[str, int]:
    """Fit and store the low-rank model of each edition (or one) on a seeded sample of at most
    `lsa.FIT_SAMPLE` of its public stories; returns the number of stories each was fitted on
    (an edition with too few stories for a model keeps the one it had, or none)."""
    from dateline.editions.models import Edition

    editions = [edition] if edition is not None else list(Edition.objects.order_by("pk"))
    fitted = {}
    for each in editions:
        codes = list(Story.objects.public().in_edition(each).values_list("pk", flat=True))
        sample = random.Random(FIT_SEED).sample(codes, min(lsa.FIT_SAMPLE, len(codes)))  # noqa: S311
        chosen = sorted(sample)
        bags, written = [], []
        for start in range(0, len(chosen), REBUILD_BATCH):
            batch = (profiles or Profiles()).get(chosen[start : start + REBUILD_BATCH])
            bags.extend(profile.counts for profile in batch.values())
            texts = written_texts(batch)
            written.extend(texts.get(code, "") for code in batch)
        space = lsa.fit(bags, written=written)
        if space is not None:
            lsa.store(each.pk, space)
            fitted[each.code] = space.stories
    return fitted


def rebuild(edition=None, *, progress: Callable[[int], None] = lambda done: None) -> int:
    """Fit the model (`fit`), then compute every public story's list (of one edition, or
    all), REBUILD_BATCH stories per transaction; `progress` hears the count after each batch.
    Returns how many lists."""
    profiles = Profiles(backend().word_counts(None))
    fit(edition, profiles)  # the stories it reads are kept for the lists
    profiles.forget_if_over(PROFILES_KEPT)
    scorer = Scorer(profiles)
    stories = Story.objects.public().order_by("pk")
    if edition is not None:
        stories = stories.in_edition(edition)
    done, after = 0, 0
    while codes := list(stories.filter(pk__gt=after).values_list("pk", flat=True)[:REBUILD_BATCH]):
        lists = {story.code: scorer.candidates(story) for story in profiles.get(codes).values()}
        with transaction.atomic():
            _store_lists(lists)
        done += len(codes)
        after = codes[-1]
        progress(done)
        profiles.forget_if_over(PROFILES_KEPT)
    return done


def store_missing_words(
    edition=None, *, progress: Callable[[int], None] = lambda done: None
) -> int:
    """Store the word counts (`StoryWords`) of every public story (of one edition, or all)
    that has none: the stories indexed before the counts were kept. REBUILD_BATCH stories at a
    time, each batch its own transaction; `progress` hears the count so far. Returns how many.
    Until then a refresh tokenises those stories' bodies itself: slower, the same lists."""
    missing = Story.objects.public().filter(related_words__isnull=True).order_by("pk")
    if edition is not None:
        missing = missing.in_edition(edition)
    done, after = 0, 0
    while codes := list(missing.filter(pk__gt=after).values_list("pk", flat=True)[:REBUILD_BATCH]):
        with transaction.atomic():
            story_words.store(public_documents(codes))
        done += len(codes)
        after = codes[-1]
        progress(done)
    return done


# --- what editors see --------------------------------------------------------------------------


@dataclass(frozen=True)
class Explained:
    """One line of a story's Related News as the newsroom sees it: 'pick', 'listed' (the
    engine's, with its rank and why) or 'excluded'; `public` says whether readers see it."""

    kind: str
    story: Story
    public: bool
    rank: int | None = None
    explanation: str = ""


def explained(story: Story) -> list[Explained]:
    """The story's picks (in the order picked), the engine's list and the exclusions."""
    choices = list(
        RelatedChoice.objects.filter(story=story.pk).select_related("other").order_by("at", "pk")
    )
    entries = list(
        RelatedStory.objects.filter(story=story.pk).select_related("related").order_by("rank")
    )
    codes = [c.other_id for c in choices] + [e.related_id for e in entries]
    public = set(Story.objects.public().filter(pk__in=codes).values_list("pk", flat=True))
    excluded = {c.other_id for c in choices if c.kind == RelatedChoice.Kind.EXCLUDE}
    picks = [
        Explained("pick", c.other, c.other_id in public)
        for c in choices
        if c.kind == RelatedChoice.Kind.PICK
    ]
    listed = [
        Explained("listed", e.related, e.related_id in public, e.rank, e.explanation)
        for e in entries
        if e.related_id not in excluded
    ]
    exclusions = [
        Explained("excluded", c.other, c.other_id in public)
        for c in choices
        if c.other_id in excluded
    ]
    return picks + listed + exclusions
