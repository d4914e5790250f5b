"""The search index on each database: SQLite FTS5 (embedded) and PostgreSQL full-text search
(at scale), one class each with the same methods, chosen by the connection's vendor
(decision 0023). Both hold, per public story, its normalised headline, lead and body (weighted
in that order), edition, section and publication time; the tables are made by
`discovery/migrations/0001_search_index.py`, which describes them.

Queries are written here from parsed terms (`discovery.query`), whose words are tokens of
letters and digits only: quoting them is enough to keep them words in either syntax.
"""

import contextlib
import datetime
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, Max, Min

from dateline.discovery.query import SearchQuery, Term

TABLE = "discovery_search"
# How many stories of the index hold each word (the document frequencies Related News weighs
# words by), kept as entries come and go: counting them in the index itself reads a common
# word's whole list of stories (migration 0003). The row of the empty word counts the stories.
FREQUENCIES = "discovery_search_frequency"
STORIES = ""
# How much a match in each field counts, headline first.
HEADLINE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT = 10.0, 4.0, 1.0
# Recency: a story published now counts (1 + RECENCY_BOOST) times its text relevance, one
# RECENCY_DAYS old (1 + RECENCY_BOOST / 2) times, and an old one about once. Equal matches
# come newest first; a much better match still wins over a newer, weaker one.
RECENCY_BOOST = 1.0
RECENCY_DAYS = 30.0
# A search ranks the RANKED_MATCHES most recently indexed stories that match it (the highest
# codes), not every match: ranking is per matching story, and a common word matches most of
# a million. Found in code order from the index, these cost the same at any size (decision
# 0030). "More like this" (any_term) ranks every match: its words are chosen to be rare.
RANKED_MATCHES = 2_000
# PostgreSQL's two ways to the most recent matches (`_Estimate.walk_is_cheaper`): what
# going through one story's entry in the GIN index's lists costs against checking one story
# on a walk along the primary key, and the share of the stories holding a phrase's words
# that hold them as the phrase.
GIN_ENTRY_COST = 0.15
PHRASE_SHARE = 0.05
# Read from the GIN index, a search looks among the newest codes that should hold this many
# times RANKED_MATCHES of its matches first (`PostgresIndex.ranked`).
NEWEST_FIRST_MARGIN = 2.0
# The GIN index knows no positions: each story holding a phrase's words is read and checked
# for the phrase. A phrase of common words ("one pct": 45,692 stories at a million, 3 % of
# them with the phrase) is looked for in the newest codes holding about this many of them.
PHRASE_CHECKS = 5_000


@dataclass(frozen=True)
class Document:
    """One story as the index holds it: normalised text (`text.index_text`) and what results
    are filtered by."""

    code: int
    edition_id: int
    section_id: int | None
    published_at: datetime.datetime
    headline: str
    lead: str
    body: str
    # PostgreSQL indexes them as terms of the document (`tag_term`); SQLite looks them up.
    tag_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Filters:
    edition_id: int
    section_id: int | None = None
    tag_id: int | None = None
    since: datetime.datetime | None = None  # inclusive
    until: datetime.datetime | None = None  # exclusive
    exclude: tuple[int, ...] = ()


def _range(code_column: str, after: int, upto: int | None, edition_id: int | None):
    """The condition and parameters for every entry with a code in (after, upto] (of one
    edition, if given; no upper bound for None). `code_column` is how each backend's table
    names the news code."""
    where, params = [f"{code_column} > %s"], [after]
    if upto is not None:
        where.append(f"{code_column} <= %s")
        params.append(upto)
    if edition_id is not None:
        where.append("edition_id = %s")
        params.append(edition_id)
    return " AND ".join(where), params


class SQLiteIndex:
    """An FTS5 table: the story's code is the rowid; edition, section and publication time
    (Unix seconds) ride along unindexed, to filter the matches by."""

    def store(self, documents: Sequence[Document]) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, [d.code for d in documents])
            _add_frequencies(cursor, _document_words(documents), len(documents))
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, headline, lead, body, edition_id, section_id,"  # noqa: S608
                " published) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        d.code,
                        d.headline,
                        d.lead,
                        d.body,
                        d.edition_id,
                        d.section_id,
                        int(d.published_at.timestamp()),
                    )
                    for d in documents
                ],
            )

    def remove(self, codes: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, codes)

    def _delete(self, cursor, codes: Sequence[int]) -> None:
        for start in range(0, len(codes), 500):  # SQLite's limit on parameters, with room
            chunk = codes[start : start + 500]
            self._delete_where(cursor, f"rowid IN ({', '.join(['%s'] * len(chunk))})", chunk)

    def _delete_where(self, cursor, where: str, params: list) -> None:
        """Delete the entries `where` says, and their words from the frequencies."""
        cursor.execute(f"SELECT headline, lead, body FROM {TABLE} WHERE {where}", params)  # noqa: S608
        gone = cursor.fetchall()
        if not gone:
            return
        words = Counter(word for texts in gone for word in set(" ".join(texts).split()))
        _add_frequencies(cursor, words, len(gone), sign=-1)
        cursor.execute(f"DELETE FROM {TABLE} WHERE {where}", params)  # noqa: S608

    def replace_range(
        self, documents: Sequence[Document], after: int, upto: int | None, edition_id: int | None
    ) -> None:
        """Remove every entry with a code in (after, upto] (of one edition, if given; no upper
        bound for None), then store `documents`."""
        with connection.cursor() as cursor:
            self._delete_where(cursor, *_range("rowid", after, upto, edition_id))
        if documents:
            self.store(documents)

    def ranked(
        self, query: SearchQuery, filters: Filters, *, limit: int, offset: int, any_term=False
    ) -> list[int]:
        where, params = ["edition_id = %s"], [filters.edition_id]
        if filters.section_id is not None:
            where.append("section_id = %s")
            params.append(filters.section_id)
        if filters.since is not None:
            where.append("published >= %s")
            params.append(int(filters.since.timestamp()))
        if filters.until is not None:
            where.append("published < %s")
            params.append(int(filters.until.timestamp()))
        if filters.since is not None or filters.until is not None:
            codes = _codes_published_between(filters)
            if codes is None:
                return []
            where.append("rowid BETWEEN %s AND %s")  # FTS5 reads only this part of each list
            params.extend(codes)
        # The unary + keeps these rowid tests out of FTS5's hands: offered `rowid IN (…)`, it
        # looks each listed story up and runs the match on it alone, one by one (seconds for a
        # common tag); as plain filters they check the stories the match found. The tag is
        # looked up per story found, not listed whole (half the stories, for a common one).
        if filters.tag_id is not None:
            where.append(
                "EXISTS (SELECT 1 FROM stories_story_tags"
                " WHERE story_id = discovery_search.rowid AND tag_id = %s)"
            )
            params.append(filters.tag_id)
        if filters.exclude:
            where.append(f"+rowid NOT IN ({', '.join(['%s'] * len(filters.exclude))})")
            params.extend(filters.exclude)
        now = datetime.datetime.now(datetime.UTC).timestamp()
        match = (" OR " if any_term else " ").join(_fts5_term(t) for t in query.terms)
        # bm25() is negative, lower is better: the boost (above 1) makes a newer match lower.
        # It is worked out in the inner query, the one with MATCH, which FTS5 answers in code
        # order and stops after RANKED_MATCHES.
        recent = "" if any_term else f" ORDER BY rowid DESC LIMIT {RANKED_MATCHES}"
        sql = (
            f"SELECT code FROM (SELECT rowid AS code, published, bm25({TABLE}, {HEADLINE_WEIGHT},"  # noqa: S608
            f" {LEAD_WEIGHT}, {BODY_WEIGHT}) AS relevance FROM {TABLE}"
            f" WHERE {TABLE} MATCH %s AND {' AND '.join(where)}{recent})"
            f" ORDER BY relevance * (1 + {RECENCY_BOOST} / (1 + (%s - published) / 86400.0"
            f" / {RECENCY_DAYS})), code DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, *params, now, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def settle(self) -> None:
        """After a rebuild: nothing to do, FTS5 merges its segments as it writes."""

    def word_counts(self, words: Sequence[str] | None) -> tuple[int, dict[str, int]]:
        """How many stories the index holds, and how many hold each of `words` (every word
        of the index for None)."""
        return _word_counts(words)


def _document_words(documents: Sequence[Document]) -> Counter:
    """How many of `documents` hold each word (their text is tokens, one space apart)."""
    return Counter(
        word for d in documents for word in set(f"{d.headline} {d.lead} {d.body}".split())
    )


def _add_frequencies(cursor, words: Counter, stories: int, *, sign: int = 1) -> None:
    """Add (sign 1) or take out (-1) `stories` entries holding `words` in the frequencies.
    In word order, so that two writers lock the rows in the same order."""
    cursor.executemany(
        f"INSERT INTO {FREQUENCIES} (word, stories) VALUES (%s, %s) ON CONFLICT (word)"  # noqa: S608
        f" DO UPDATE SET stories = {FREQUENCIES}.stories + excluded.stories",
        [(word, sign * count) for word, count in sorted({**words, STORIES: stories}.items())],
    )


def _word_counts(words: Sequence[str] | None) -> tuple[int, dict[str, int]]:
    """How many stories the index holds, and how many hold each of `words` (every word of
    the index for None), read from the kept frequencies."""
    with connection.cursor() as cursor:
        if words is None:  # the words only, not PostgreSQL's tags (`tag_term`)
            cursor.execute(
                f"SELECT word, stories FROM {FREQUENCIES}"  # noqa: S608
                " WHERE stories > 0 AND word NOT LIKE %s",
                ["#%"],
            )
            counts = dict(cursor.fetchall())
        else:
            counts = {}
            asked = sorted(set(words))
            for start in range(0, len(asked), 500):  # SQLite's limit on parameters
                chunk = asked[start : start + 500]
                cursor.execute(
                    f"SELECT word, stories FROM {FREQUENCIES} WHERE word IN"  # noqa: S608
                    f" ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                counts.update(cursor.fetchall())
            cursor.execute(f"SELECT stories FROM {FREQUENCIES} WHERE word = %s", [STORIES])  # noqa: S608
            found = cursor.fetchone()
            counts[STORIES] = found[0] if found else 0
    total = counts.pop(STORIES, 0)
    return total, counts


def tag_term(tag_id: int) -> str:
    """A tag as a term of PostgreSQL's documents: `#` is in no word (words are letters and
    digits), so no query word finds it, and the kept frequencies count its stories."""
    return f"#{tag_id}"


def _fts5_term(term: Term) -> str:
    """`"word"`, `"two words"` (a phrase), `"wor"*` (a prefix). Words are letters and digits
    only (`text.tokens`), so the double quotes cannot be closed from inside."""
    return '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")


class PostgresIndex:
    """A table with one `tsvector` per story (headline weight A, lead B, body C) under a GIN
    index, made with the `simple` configuration: no stemming, no stop words, which suits
    text normalised for any language, Persian included. The story's tags are terms of it
    too (`tag_term`, without positions): a tag filter is then one more list the inverted
    index intersects, not a lookup per story (decision 0040)."""

    def store(self, documents: Sequence[Document]) -> None:
        codes = [d.code for d in documents]
        with connection.cursor() as cursor:
            self._count(cursor, "story_id = ANY(%s)", [codes], sign=-1)
            cursor.executemany(
                f"""INSERT INTO {TABLE} (story_id, edition_id, section_id, published_at, document)
                VALUES (%s, %s, %s, %s, setweight(to_tsvector('simple', %s), 'A')
                    || setweight(to_tsvector('simple', %s), 'B')
                    || setweight(to_tsvector('simple', %s), 'C')
                    || array_to_tsvector(%s::text[]))
                ON CONFLICT (story_id) DO UPDATE SET edition_id = EXCLUDED.edition_id,
                    section_id = EXCLUDED.section_id, published_at = EXCLUDED.published_at,
                    document = EXCLUDED.document""",  # noqa: S608
                [
                    (
                        d.code,
                        d.edition_id,
                        d.section_id,
                        d.published_at,
                        d.headline,
                        d.lead,
                        d.body,
                        [tag_term(tag_id) for tag_id in d.tag_ids],
                    )
                    for d in documents
                ],
            )
            self._count(cursor, "story_id = ANY(%s)", [codes], sign=1)

    def remove(self, codes: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            self._count(cursor, "story_id = ANY(%s)", [list(codes)], sign=-1)
            cursor.execute(f"DELETE FROM {TABLE} WHERE story_id = ANY(%s)", [list(codes)])  # noqa: S608

    def _count(self, cursor, where: str, params: list, *, sign: int) -> None:
        """Add the words of the entries `where` says to the frequencies (sign 1, once
        stored) or take them out (-1, before they are deleted or replaced): in one
        statement, from the tsvectors, whose words are each story's distinct words."""
        cursor.execute(
            f"""INSERT INTO {FREQUENCIES} (word, stories)
            SELECT word, %s * count(*) FROM (
                SELECT unnest(tsvector_to_array(document)) FROM {TABLE} WHERE {where}
                UNION ALL SELECT %s FROM {TABLE} WHERE {where}) AS words (word)
            GROUP BY word ORDER BY word
            ON CONFLICT (word) DO UPDATE SET stories = {FREQUENCIES}.stories + EXCLUDED.stories""",  # noqa: S608
            [sign, *params, STORIES, *params],
        )

    def replace_range(
        self, documents: Sequence[Document], after: int, upto: int | None, edition_id: int | None
    ) -> None:
        """As `SQLiteIndex.replace_range`."""
        where, params = _range("story_id", after, upto, edition_id)
        with connection.cursor() as cursor:
            self._count(cursor, where, params, sign=-1)
            cursor.execute(f"DELETE FROM {TABLE} WHERE {where}", params)  # noqa: S608
        if documents:
            self.store(documents)

    def ranked(
        self, query: SearchQuery, filters: Filters, *, limit: int, offset: int, any_term=False
    ) -> list[int]:
        where, params = ["document @@ q", "edition_id = %s"], [filters.edition_id]
        if filters.section_id is not None:
            where.append("section_id = %s")
            params.append(filters.section_id)
        if filters.since is not None:
            where.append("published_at >= %s")
            params.append(filters.since)
        if filters.until is not None:
            where.append("published_at < %s")
            params.append(filters.until)
        if filters.since is not None or filters.until is not None:
            codes = _codes_published_between(filters)
            if codes is None:
                return []
            where.append("story_id BETWEEN %s AND %s")
            params.extend(codes)
        if filters.tag_id is not None:
            where.append("document @@ %s::tsquery")  # the term as it is: no parser's reading
            params.append(f"'{tag_term(filters.tag_id)}'")
        if filters.exclude:
            where.append("story_id <> ALL(%s)")
            params.append(list(filters.exclude))
        tsquery = (" | " if any_term else " & ").join(_tsquery_term(t) for t in query.terms)
        if any_term:
            return self._run(tsquery, where, params, "", limit, offset, rank="ts_rank")[0]
        # The inner query keeps the RANKED_MATCHES most recent matches: read backwards along
        # the primary key, each story checked, when matches are common (few stories read per
        # match found); from the GIN index, then sorted, when they are not. The planner,
        # which cannot tell how much checking a tsvector costs, would walk the key for a
        # word in one story of twenty (a tenth of a second at 100,000 stories): "+ 0" takes
        # the key's order away from it. Read from the index, the matches are first looked
        # for among the newest codes only, as many as should hold NEWEST_FIRST_MARGIN times
        # RANKED_MATCHES of them (PostgreSQL then ANDs the GIN index's stories with the
        # primary key's range and reads no row outside it); when fewer are there, the range
        # grows by what it held, up to the whole index. Either way the same stories rank,
        # except for a phrase of common words: it is looked for only among the newest codes
        # whose stories holding its words are PHRASE_CHECKS (`checked_share`), every one of
        # which must be read and checked. A date filter bounds the codes instead.
        estimate = _estimated(query, filters.tag_id)
        if estimate.walk_is_cheaper():
            recent = f" ORDER BY story_id DESC LIMIT {RANKED_MATCHES}"
            return self._run(tsquery, where, params, recent, limit, offset)[0]
        recent = f" ORDER BY story_id + 0 DESC LIMIT {RANKED_MATCHES}"
        dated = filters.since is not None or filters.until is not None
        widest = 1.0 if dated else estimate.checked_share()
        share = 1.0 if dated else min(estimate.newest_share(), widest)
        codes_indexed = _code_range() if share < 1 else (0, 0)
        while share < 1:
            low = _lowest_code_of_newest(share, codes_indexed)
            bounded = ([*where, "story_id >= %s"], [*params, low])
            codes, held = self._run(
                tsquery, *bounded, recent, limit, offset, counted=True, bitmaps_only=True
            )
            if held >= RANKED_MATCHES or share >= widest:
                return codes
            # At least doubled: a margin tuned below 1 must still widen, never loop.
            grown = max(2.0, NEWEST_FIRST_MARGIN * RANKED_MATCHES / held) if held else math.inf
            share = min(widest, share * grown)
        return self._run(tsquery, where, params, recent, limit, offset)[0]

    def _run(
        self,
        tsquery: str,
        where: list[str],
        params: list,
        recent: str,
        limit: int,
        offset: int,
        rank: str = "ts_rank_cd",
        counted: bool = False,
        bitmaps_only: bool = False,
    ) -> tuple[list[int], int]:
        """The page of codes asked for and, when `counted`, how many matches were ranked (0
        when the page is past them all; counting costs "more like this" a tenth of its
        query, so it is asked only where it is read). Both ranks' default weights count A
        (headline) 1.0, B (lead) 0.4, C (body) 0.2. A search ranks by cover density
        (`ts_rank_cd`: its words near each other count more); "more like this", whose words
        are a story's rarest joined by OR and whose candidates Related News scores again,
        by frequency (`ts_rank`), which costs it a third as much (decision 0040).

        `bitmaps_only`, for the newest codes' range: the rows are read only through bitmaps,
        the GIN index's ANDed with the key's range. Left to choose, the planner, estimating
        the range from the key alone, walked it along the key and checked every story in it
        (108,000 for "terms" at a million: 290 ms, against 74 through `BitmapAnd`)."""
        sql = (
            f"SELECT story_id, {'count(*) OVER ()' if counted else '0'} FROM"  # noqa: S608
            " (SELECT story_id, published_at, document, q"
            f" FROM {TABLE}, to_tsquery('simple', %s) AS q WHERE {' AND '.join(where)}{recent})"
            " AS matches"
            f" ORDER BY {rank}(document, q) * (1 + {RECENCY_BOOST} / (1 + EXTRACT(EPOCH FROM"
            f" (now() - published_at)) / 86400.0 / {RECENCY_DAYS})) DESC, story_id DESC"
            " LIMIT %s OFFSET %s"
        )
        with _scans(bitmaps_only) as cursor:
            cursor.execute(sql, [tsquery, *params, limit, offset])
            rows = cursor.fetchall()
        return [code for code, _ in rows], rows[0][1] if rows else 0

    def settle(self) -> None:
        """After a rebuild: the GIN index's pending entries merged into the index (a search
        reads them one by one until then, and the planner, counting them, prefers to read
        the whole table) and the table's statistics renewed, what autovacuum would do later."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('discovery_search_document')")
            cursor.execute(f"ANALYZE {TABLE}")

    def word_counts(self, words: Sequence[str] | None) -> tuple[int, dict[str, int]]:
        """As `SQLiteIndex.word_counts`."""
        return _word_counts(words)


@contextlib.contextmanager
def _scans(bitmaps_only: bool) -> Iterator:
    """A cursor; with `bitmaps_only`, one whose queries PostgreSQL plans without index scans
    or sequential scans (bitmap scans are what is left), inside a transaction (a setting made
    `LOCAL` lasts only that long), set back to the server's defaults after, so that nothing
    else the caller's own transaction asks is planned so."""
    if not bitmaps_only:
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off")
        yield cursor
        cursor.execute("SET LOCAL enable_indexscan TO DEFAULT; SET LOCAL enable_seqscan TO DEFAULT")


def _codes_published_between(filters: Filters) -> tuple[int, int] | None:
    """The lowest and highest code of the edition's published stories in the filters' dates
    (None: there are none), from the stories' own index of publication times. Every match
    in those dates has a code in between, and a search walks the index's lists from the
    newest code: bounded, it no longer walks past the dates to the oldest story."""
    from dateline.stories.models import Status, Story

    stories = Story.objects.filter(edition_id=filters.edition_id, status=Status.PUBLISHED)
    if filters.since is not None:
        stories = stories.filter(published_at__gte=filters.since)
    if filters.until is not None:
        stories = stories.filter(published_at__lt=filters.until)
    # `code + 0`, not `code`: given MIN(code), PostgreSQL walks the primary key from the
    # lowest code, checking each story's date, until one falls in the range (983,562 stories
    # passed over for "the last 30 days" at a million: 398 ms); over an expression it reads
    # the range from `story_edition_latest` instead.
    code = F("pk") + 0
    bounds = stories.aggregate(low=Min(code), high=Max(code))
    return None if bounds["low"] is None else (bounds["low"], bounds["high"])


@dataclass(frozen=True)
class _Estimate:
    """How many stories of the index hold a query's words (and tag), and how many of those
    hold its phrases as phrases: estimates from the kept frequencies (`_estimated`)."""

    stories: int
    holding_all: float
    matching: float

    def newest_share(self) -> float:
        """The share of the index, newest codes first, that should hold NEWEST_FIRST_MARGIN
        × RANKED_MATCHES matches (1: all of it)."""
        wanted = NEWEST_FIRST_MARGIN * RANKED_MATCHES
        return 1.0 if self.matching <= wanted else wanted / self.matching

    def checked_share(self) -> float:
        """The share of the index, newest codes first, within which a search looks for its
        matches at most: for a phrase, where PHRASE_CHECKS of the stories holding its words
        should be (1 when fewer hold them, and for a query without a phrase)."""
        if self.matching >= self.holding_all or self.holding_all <= PHRASE_CHECKS:
            return 1.0
        return PHRASE_CHECKS / self.holding_all

    def walk_is_cheaper(self) -> bool:
        """Whether walking the stories newest first finds RANKED_MATCHES matches sooner than
        the GIN index would. A walk reads and checks about RANKED_MATCHES × stories / matches
        stories (all of them when the matches are fewer). The index goes through the lists
        of every story holding the words, each entry GIN_ENTRY_COST times a walked story,
        and reads only the matches among the newest codes (`newest_share`), which for a
        phrase must each be checked as a walked one is (the index knows no positions).
        Measured at a million stories, the index's way against the walk's: "board" (60,000
        stories) 41 against 55 ms, "car*" (98,000) 60 against 285 ms, "one" (144,000) 48
        against 24 ms, "con*" (568,000) 82 against 16 ms."""
        if not self.stories:
            return False
        if self.matching < RANKED_MATCHES:
            walked = self.stories
        else:
            walked = RANKED_MATCHES * self.stories / self.matching
        indexed = GIN_ENTRY_COST * self.holding_all
        if self.matching < self.holding_all:  # a phrase: the stories read are checked
            indexed += self.holding_all * min(self.newest_share(), self.checked_share())
        return walked < indexed


def _estimated(query: SearchQuery, tag_id: int | None = None) -> _Estimate:
    """The words taken as independent (a prefix as the words it starts, added up), and each
    further word of a phrase as found next to the one before in one story of PHRASE_SHARE of
    those holding both (at a million, "one pct" is in 3 % of the stories holding both words,
    "mln revs" in 13 %). A tag counts as one more word."""
    tags = [] if tag_id is None else [tag_term(tag_id)]
    words = sorted({word for term in query.terms for word in term.words} | set(tags))
    total, counts = _word_counts(words)
    if not total:
        return _Estimate(0, 0.0, 0.0)
    holding_all = float(total)
    for tag in tags:
        holding_all *= counts.get(tag, 0) / total
    for term in query.terms:
        whole = term.words[:-1] if term.prefix else term.words
        for word in whole:
            holding_all *= counts.get(word, 0) / total
        if term.prefix:
            holding_all *= min(1.0, _prefix_count(term.words[-1]) / total)
    further_words = sum(len(term.words) - 1 for term in query.terms)
    return _Estimate(total, holding_all, holding_all * PHRASE_SHARE**further_words)


def _code_range() -> tuple[int, int]:
    """The lowest and highest code in the index ((0, 0) when it is empty)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(story_id), max(story_id) FROM {TABLE}")  # noqa: S608
        oldest, newest = cursor.fetchone()
    return (0, 0) if oldest is None else (oldest, newest)


def _lowest_code_of_newest(share: float, code_range: tuple[int, int]) -> int:
    """The code above which the newest `share` of `code_range`'s codes lie."""
    oldest, newest = code_range
    return newest - int((newest - oldest) * share)


def _prefix_count(prefix: str) -> int:
    """How many stories hold the words starting with `prefix`, added up (an over-estimate
    of the stories holding any of them): a range of the frequencies' primary key (exact in
    code point order, SQLite's and a C collation's; close in others, enough to estimate)."""
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(sum(stories), 0) FROM {FREQUENCIES}"  # noqa: S608
            " WHERE word >= %s AND word < %s",
            [prefix, after],
        )
        return int(cursor.fetchone()[0])


def _tsquery_term(term: Term) -> str:
    """`'word'`, `('two' <-> 'words')`, `'wor':*`. Words are letters and digits only, so the
    single quotes cannot be closed from inside."""
    quoted = [f"'{word}'" for word in term.words]
    if term.prefix:
        quoted[-1] += ":*"
    return "(" + " <-> ".join(quoted) + ")"


def backend() -> SQLiteIndex | PostgresIndex:
    """The index of the database in use: the vendor decides, no setting."""
    return BACKENDS[connection.vendor]


BACKENDS = {"sqlite": SQLiteIndex(), "postgresql": PostgresIndex()}
